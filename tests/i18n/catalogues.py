"""What the language tests compare: the distinctive sentences of each catalogue."""

from __future__ import annotations

import re
import string
from functools import cache

from depositaire.messages import catalogue

#: A piece of a message between its placeholders, of at least this many words, is a
#: sentence no page in the other language may show.
MIN_WORDS = 3


def _pieces(template: str) -> list[str]:
    out = []
    for literal, *_ in string.Formatter().parse(template):
        piece = " ".join(literal.replace("{{", "{").replace("}}", "}").split()).strip(" ,;:.()«»")
        if len(re.findall(r"\w+", piece)) >= MIN_WORDS:
            out.append(piece)
    return out


@cache
def distinctive(language: str, other: str) -> frozenset[str]:
    """The pieces of ``language``'s messages that differ from ``other``'s and appear in
    none of ``other``'s messages (a proper name shared by both is no sign of a language)."""
    mine, theirs = catalogue(language), catalogue(other)
    if not theirs:
        raise AssertionError(f"no {other} catalogue: {other}*.yaml are missing")
    everything_else = "\n".join(" ".join(v.split()) for v in theirs.values())
    return frozenset(
        piece
        for key, text in mine.items()
        if theirs.get(key) != text
        for piece in _pieces(text)
        if piece not in everything_else
    )


def found_in(text: str, language: str, other: str) -> list[str]:
    flat = " ".join(text.split())
    return sorted(p for p in distinctive(language, other) if p in flat)

"""The one catalogue of words a person reads.

Every French sentence shown by the engine, the command line, the interview,
the documents and the web application comes from this catalogue through
:func:`t`. It is kept in one file per domain (``fr.yaml`` for the engine and
the command line, ``fr.<domain>.yaml`` for the others), merged into one
mapping; a key defined twice is an error. Keys are dotted English identifiers; Dutch will be a sibling file.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

import yaml

DEFAULT_LANGUAGE = "fr"


class MissingMessage(KeyError):
    """A key that the catalogue does not hold (a programming error)."""


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = str(node)


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """All messages of ``language`` as a flat ``{dotted.key: text}`` mapping."""
    folder = resources.files(__package__)
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name == f"{language}.yaml"
        or (entry.name.startswith(f"{language}.") and entry.name.endswith(".yaml"))
    )
    out: dict[str, str] = {}
    for name in names:
        part: dict[str, str] = {}
        _flatten("", yaml.safe_load(folder.joinpath(name).read_text("utf-8")), part)
        clash = out.keys() & part.keys()
        if clash:
            raise ValueError(f"{name}: keys defined twice in the catalogue: {sorted(clash)}")
        out.update(part)
    return out


def current_language() -> str:
    return os.environ.get("DEPOSITAIRE_LANGUAGE", DEFAULT_LANGUAGE)


#: The catalogue fixed for the rendering in progress (see :func:`one_language`).
_PINNED: ContextVar[dict[str, str] | None] = ContextVar("depositaire_catalogue", default=None)


@contextmanager
def one_language() -> Iterator[None]:
    """Read the language once for a whole rendering (an explanation, a document):
    inside the block, :func:`t` uses that catalogue instead of asking the environment
    for every message."""
    if _PINNED.get() is not None:
        yield
        return
    token = _PINNED.set(catalogue(current_language()))
    try:
        yield
    finally:
        _PINNED.reset(token)


def _current() -> dict[str, str]:
    pinned = _PINNED.get()
    return pinned if pinned is not None else catalogue(current_language())


def has(key: str) -> bool:
    return key in _current()


def t(key: str, /, **params: object) -> str:
    """The message ``key``, with ``{name}`` placeholders filled from ``params``."""
    try:
        template = _current()[key]
    except KeyError:
        raise MissingMessage(key) from None
    return template.format(**params) if params else template


#: Cardinal plural categories, from the Unicode CLDR plural rules for each language
#: (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html):
#: French "one" for i = 0,1 ("0 jour", "1 jour", "2 jours") and "many" for whole millions
#: ("1 000 000 de jours"); Dutch "one" for 1 only ("0 dagen", "1 dag"). Written here rather
#: than taken from Babel: two languages, whole numbers only, and no 30 MB of locale data.
_PLURAL_RULES: dict[str, Callable[[int], str]] = {
    "fr": lambda n: "one" if n in (0, 1) else ("many" if n % 1_000_000 == 0 else "other"),
    "nl": lambda n: "one" if n == 1 else "other",
}


def plural_form(count: int, language: str | None = None) -> str:
    """The CLDR plural category (``one``, ``many`` or ``other``) of ``count`` in ``language``."""
    rule = _PLURAL_RULES.get(language or current_language(), _PLURAL_RULES["nl"])
    return rule(abs(int(count)))


def tn_template(key: str, count: int, /) -> str:
    """The unformatted message of ``key`` for ``count``: ``key.one``, ``key.many`` or
    ``key.other`` (a missing ``many`` falls back to ``other``)."""
    messages = _current()
    form = plural_form(count)
    for candidate in (f"{key}.{form}", f"{key}.other"):
        if candidate in messages:
            return messages[candidate]
    raise MissingMessage(f"{key}.{form}")


def tn(key: str, count: int, /, **params: object) -> str:
    """The message ``key`` in the form ``count`` asks for, with ``{count}`` and ``params`` filled:
    ``tn("incoming.follow_up.age", 1)`` → « 1 jour », with 6 → « 6 jours »."""
    return tn_template(key, count).format(count=count, **params)


def plural_keys() -> set[str]:
    """The keys that have plural forms (``key.one`` and ``key.other`` both defined)."""
    messages = catalogue(current_language())
    return {
        k.removesuffix(".one")
        for k in messages
        if k.endswith(".one") and f"{k.removesuffix('.one')}.other" in messages
    }


def t_or(key: str, default: str, /, **params: object) -> str:
    """Like :func:`t`, falling back to ``default`` when the key is absent."""
    return t(key, **params) if has(key) else default


def placeholders(key: str) -> set[str]:
    """The ``{names}`` a message expects (used by the catalogue tests)."""
    return {
        name
        for _, name, _, _ in string.Formatter().parse(catalogue(current_language())[key])
        if name
    }

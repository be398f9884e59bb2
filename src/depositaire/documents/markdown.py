"""Markdown rendering of a document (for the file, for a mail, for a diff)."""

from __future__ import annotations

import re

from depositaire.documents.model import (
    Block,
    Bullets,
    Document,
    Fields,
    Heading,
    Lines,
    Paragraph,
    Quote,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(text: str) -> str:
    """Text with Markdown's special characters escaped (names and values come from people)."""
    return _SPECIAL.sub(r"\\\1", text)


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {escape(block.text)}"
    if isinstance(block, Paragraph):
        text = escape(block.text)
        return (
            f"**{text}**"
            if block.style in ("strong", "subject") or "verdict" in block.style
            else text
        )
    if isinstance(block, Bullets):
        return "\n".join(f"- {escape(item)}" for item in block.items)
    if isinstance(block, Fields):
        return "\n".join(f"- **{escape(k)}** : {escape(v)}" for k, v in block.rows)
    if isinstance(block, Quote):
        quoted = "\n".join(f"> {escape(line)}" for line in block.text.splitlines() or [""])
        notes = "".join(f"\n\n_{escape(n)}_" for n in block.notes)
        return f"**{escape(block.title)}**\n\n{quoted}{notes}"
    assert isinstance(block, Lines)
    return "  \n".join(escape(line) for line in block.lines)


def render_markdown(document: Document) -> str:
    """The document as Markdown text, its footer last."""
    parts = [f"# {escape(document.title)}"] if document.kind == "note" else []
    parts.extend(_block(b) for b in document.blocks)
    parts.append(f"---\n\n_{escape(document.footer)}_")
    return "\n\n".join(parts) + "\n"

"""A document as a list of blocks, rendered alike to Markdown and to HTML/PDF.

Notes and letters are built once as blocks (headings, paragraphs, lists, fields,
quoted provisions, address lines); the renderers only lay them out, so the
Markdown and the PDF always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentKind = Literal["note", "letter"]


class DocumentError(ValueError):
    """A document that cannot be written as asked; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph; ``style`` names its look (``strong``, ``subject``, ``date``, ``verdict-…``)."""

    text: str
    style: str = ""


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fields:
    """Label–value rows (the facts of a note, its header data)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """A provision: its label, its stored text and notes such as "à vérifier"."""

    title: str
    text: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lines:
    """Lines kept as they are (an address, a signature); ``style`` places them."""

    lines: tuple[str, ...]
    style: str = ""


Block = Heading | Paragraph | Bullets | Fields | Quote | Lines


@dataclass(slots=True)
class Document:
    """A titled list of blocks with a footer repeated on every page."""

    kind: DocumentKind
    title: str
    footer: str
    blocks: list[Block] = field(default_factory=list)
    #: What the document carries about the person: ``(categories, value)`` in order.
    disclosed: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    #: Free text written by the holder (a covering line), kept apart from the data.
    free_text: list[str] = field(default_factory=list)
    #: The language it is written in: the one active when it was built (the recipient's).
    language: str = field(default_factory=lambda: _language())

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def _language() -> str:
    from depositaire.messages import current_language

    return current_language()


def capitalise(text: str) -> str:
    """The text with its first letter in capital (labels are stored in lower case)."""
    return text[:1].upper() + text[1:]

"""Documents: the decision note for the file, the reply letter, the transmission letter.

    render_note(decision, situation, "pdf")            -> bytes (PDF)
    render_note(decision, situation, "md")             -> str (Markdown)
    render_letter(decision, situation, "pdf", requester=..., reference=...,
                  person_name=..., items={"address": "..."})
    letter_kind(decision, situation)                   -> "reply" | "transmission" | None

A letter refuses (``DocumentError``, French message) a value for any category
that ``decision.may_disclose`` does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, overload

from depositaire.documents.html import render_html, render_pdf
from depositaire.documents.letters import (
    LetterInputs,
    LetterKind,
    build_letter,
    check_items,
    letter_choice,
    letter_kind,
)
from depositaire.documents.markdown import render_markdown
from depositaire.documents.model import Document, DocumentError
from depositaire.documents.note import build_note
from depositaire.engine import Decision, Situation
from depositaire.interview.outlook import OpenFact
from depositaire.messages import t

Format = Literal["pdf", "md"]

__all__ = [
    "Document",
    "DocumentError",
    "LetterInputs",
    "LetterKind",
    "build_letter",
    "build_note",
    "check_items",
    "letter_choice",
    "letter_kind",
    "render",
    "render_html",
    "render_letter",
    "render_note",
]


@overload
def render(document: Document, fmt: Literal["pdf"]) -> bytes: ...
@overload
def render(document: Document, fmt: Literal["md"]) -> str: ...
@overload
def render(document: Document, fmt: str) -> bytes | str: ...
def render(document: Document, fmt: str) -> bytes | str:
    """PDF bytes or Markdown text; another format is a :class:`DocumentError`."""
    if fmt == "pdf":
        return render_pdf(document)
    if fmt == "md":
        return render_markdown(document)
    raise DocumentError(t("documents.error.bad_format", fmt=fmt))


def render_note(
    decision: Decision,
    situation: Situation,
    fmt: str = "pdf",
    *,
    unknown: Iterable[str] = (),
    open_facts: Sequence[OpenFact] = (),
) -> bytes | str:
    """The decision note for the file (``unknown``: facts answered "je ne sais pas")."""
    return render(build_note(decision, situation, unknown=unknown, open_facts=open_facts), fmt)


def render_letter(
    decision: Decision,
    situation: Situation,
    fmt: str = "pdf",
    *,
    requester: str | None = None,
    reference: str | None = None,
    person_name: str | None = None,
    items: Mapping[str, str] | None = None,
    sender: str | None = None,
) -> bytes | str:
    """The letter the verdict calls for (reply or transmission), or :class:`DocumentError`."""
    inputs = LetterInputs(requester, reference, person_name, sender, items)
    return render(build_letter(decision, situation, inputs), fmt)

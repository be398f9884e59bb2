"""The decision note for the file: what was asked, what was answered, what the law says.

It records the date, the facts as answered (French labels, "je ne sais pas"
included), the verdict, what may and what never may go out, the duties, the
explanation, what an unknown answer would change, the cited provisions with
their stored text, and every "à vérifier" marker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from depositaire.documents.model import (
    Bullets,
    Document,
    Fields,
    Heading,
    Paragraph,
    Quote,
    capitalise,
)
from depositaire.engine import Decision, Situation
from depositaire.engine.explain import disclosure_label, fact_label, format_date
from depositaire.engine.provisions import default_provisions
from depositaire.engine.schema import FACTS
from depositaire.interview.outlook import OpenFact
from depositaire.interview.questions import value_text
from depositaire.messages import t


def categories_text(categories: Iterable[str]) -> tuple[str, ...]:
    """French labels of information categories (``confidence`` included)."""
    return tuple(capitalise(disclosure_label(c)) for c in categories)


def categories_phrase(categories: Iterable[str]) -> str:
    """The labels of information categories as one phrase, in lower case (« l'aide
    accordée, la période d'aide »): the caller capitalises it where it opens a line."""
    return ", ".join(disclosure_label(c) for c in categories)


def date_text(day: dt.date) -> str:
    """A date in words ("1er mars 2024", "23 novembre 2026")."""
    return format_date(day)


def fact_rows(situation: Situation, unknown: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """(label, value) for each fact given or answered "je ne sais pas", in the contract's order."""
    unknown = set(unknown)
    rows: list[tuple[str, str]] = []
    for path in FACTS:
        if FACTS[path].type == "date":
            continue
        if path in situation:
            rows.append((capitalise(fact_label(path)), value_text(path, situation[path])))
        elif path in unknown:
            rows.append((capitalise(fact_label(path)), t("interview.unknown")))
    return tuple(rows)


def _listing(title: str, items: Sequence[str]) -> list[Heading | Bullets | Paragraph]:
    body: Bullets | Paragraph = (
        Bullets(tuple(items)) if items else Paragraph(t("documents.note.nothing"))
    )
    return [Heading(title), body]


def _verdict(decision: Decision) -> list[Heading | Paragraph]:
    label = t(f"verdicts.{decision.verdict}.label")
    return [
        Heading(t("documents.note.verdict")),
        Paragraph(label, f"verdict verdict-{decision.verdict}"),
        Paragraph(t(f"verdicts.{decision.verdict}.sentence")),
    ]


def _open_facts(open_facts: Sequence[OpenFact]) -> list[Heading | Paragraph | Bullets]:
    blocks: list[Heading | Paragraph | Bullets] = []
    if open_facts:
        blocks.append(Heading(t("documents.note.open_facts")))
    for fact in open_facts:
        blocks.append(Paragraph(fact.heading(), "strong"))
        blocks.append(Bullets(tuple(o.sentence() for o in fact.options)))
    return blocks


def _provisions(decision: Decision) -> list[Heading | Quote]:
    provisions = default_provisions()
    blocks: list[Heading | Quote] = [Heading(t("documents.note.provisions"))]
    for citation in decision.citations:
        version = provisions.on(citation.id, decision.date)
        text = version.shown_quote if version else t("documents.note.provision_missing")
        notes = [t("documents.note.provision_valid_on", date=date_text(decision.date))]
        if citation.note:
            notes.append(t("documents.note.to_verify_marker", note=citation.note))
        blocks.append(Quote(citation.title, text, tuple(notes)))
    return blocks


def build_note(
    decision: Decision,
    situation: Situation,
    *,
    unknown: Iterable[str] = (),
    open_facts: Sequence[OpenFact] = (),
) -> Document:
    """The decision note as blocks (see :mod:`depositaire.documents.model`)."""
    doc = Document("note", t("documents.note.title"), t("documents.confidential"))
    doc.add(Paragraph(t("documents.note.subtitle"), "subtitle"))
    doc.add(
        Fields(
            (
                (t("documents.note.meta.date"), date_text(decision.date)),
                (
                    t("documents.note.meta.as_known_on"),
                    date_text(decision.as_known_on or decision.date),
                ),
                (t("documents.note.meta.rule_base"), decision.rule_base_version),
            )
        )
    )
    rows = fact_rows(situation, unknown)
    doc.add(Heading(t("documents.note.facts")))
    doc.add(Fields(rows) if rows else Paragraph(t("documents.note.no_facts")))
    doc.add(*_verdict(decision))
    doc.add(*_listing(t("documents.note.may_disclose"), categories_text(decision.may_disclose)))
    doc.add(*_listing(t("documents.note.never_disclose"), categories_text(decision.never_disclose)))
    duties = tuple(capitalise(t(f"duties.{d}")) for d in decision.duties)
    doc.add(*_listing(t("documents.note.duties"), duties))
    doc.add(*_listing(t("documents.note.explanation"), decision.explanation))
    doc.add(*_open_facts(open_facts))
    doc.add(*_provisions(decision))
    if decision.to_verify:
        doc.add(Heading(t("documents.note.to_verify")), Bullets(tuple(decision.to_verify)))
    return doc

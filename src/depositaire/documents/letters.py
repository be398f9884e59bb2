"""The letters: a courteous refusal when the answer is secret, a transmission otherwise.

The reply letter says why nothing is given (the legal basis) and nothing about
the person beyond what the requester gave (its reference, the name it used),
and neither confirms nor denies that the person is known. The transmission
letter lists only the categories the decision lets out, with their values when
given, and the duties the recipient must know of (the measure stays secret…).
A value for a category the decision does not let out is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from depositaire.documents import basis
from depositaire.documents.model import (
    Bullets,
    Document,
    DocumentError,
    Lines,
    Paragraph,
    capitalise,
)
from depositaire.documents.note import categories_phrase, date_text
from depositaire.engine import Decision, Situation
from depositaire.engine.explain import disclosure_label, value_label
from depositaire.engine.schema import CATEGORIES, CONFIDENCE
from depositaire.messages import has, t

LetterKind = Literal["reply", "transmission"]

#: Recipients to whom a transmission letter is written.
AUTHORITIES: Final = frozenset(
    {
        "judge",
        "parliamentary_inquiry",
        "public_prosecutor",
        "police",
        "immigration_office",
        "intelligence_service",
        "justice_assistant",
        "court_expert",
        "school_health_service",
        "crossroads_bank",
    }
)
#: Requests the holder starts: nobody waits for a reply when the answer is secret.
HOLDER_INITIATED: Final = frozenset(
    {
        "own_initiative_report",
        "guarantor_lookup",
        "disease_notification",
        "automatic_flow",
        "aid_decision",
        "judicial_follow_up_report",
    }
)


@dataclass(frozen=True, slots=True)
class LetterInputs:
    """What the holder adds to a letter: all optional, all as the requester gave them."""

    requester: str | None = None
    reference: str | None = None
    person_name: str | None = None
    sender: str | None = None
    items: Mapping[str, str] | None = None
    #: Values taken from the file, each with its categories (used instead of ``items``).
    entries: tuple[tuple[tuple[str, ...], str], ...] | None = None
    #: A covering line of free text (checked by the caller against the withheld values).
    covering_note: str | None = None
    #: The file offered nothing the decision lets out (not: the holder left all out): the
    #: transmission says why, without saying anything of the file.
    nothing_offered: bool = False
    #: Who signs, one line each (name, role): the signed-in sender when the letter is made
    #: from the case file; ``None`` (CLI, interview): a placeholder and ``holder.role``.
    signatory: tuple[str, ...] | None = None


def letter_choice(
    decision: Decision, situation: Situation, *, incoming: bool | None = None
) -> tuple[LetterKind | None, str]:
    """The letter the decision calls for, or ``None`` and the French reason there is none.

    ``incoming``: the register knows the request came in (``True``) or is sent by the
    holder (``False``). A written incoming request always gets a written answer — a
    refusal is an answer; an oral one is answered orally (see :func:`call_script`).
    """
    request = situation.get("request.kind")
    recipient = situation.get("recipient.kind")
    if incoming is True and request != "testimony":
        if situation.get("request.in_writing") is not True:
            return None, t("documents.no_letter.oral")
        allowing = decision.verdict in ("share", "may_disclose", "must_disclose")
        return ("transmission" if allowing else "reply"), ""
    if incoming is False and decision.verdict not in ("share", "may_disclose", "must_disclose"):
        return None, t("documents.no_letter.outgoing_refused")
    if decision.verdict == "undetermined":
        return None, t("documents.no_letter.undetermined")
    if request == "testimony":
        return None, t("documents.no_letter.testimony")
    if decision.verdict == "secret":
        if request in HOLDER_INITIATED:
            return None, t("documents.no_letter.no_requester")
        return "reply", ""
    if decision.verdict in ("must_disclose", "may_disclose") and recipient in AUTHORITIES:
        return "transmission", ""
    return None, t("documents.no_letter.not_an_authority")


def letter_kind(decision: Decision, situation: Situation) -> LetterKind | None:
    """``reply``, ``transmission`` or ``None`` (see :func:`letter_choice` for why)."""
    return letter_choice(decision, situation)[0]


def check_items(
    decision: Decision,
    items: Mapping[str, str] | None,
    entries: tuple[tuple[tuple[str, ...], str], ...] | None = None,
) -> None:
    """Refuse any value for a category the decision does not let out."""
    allowed = categories_phrase(decision.may_disclose) or t("documents.note.nothing")
    categories = [*(items or {}), *(c for cats, _ in entries or () for c in cats)]
    for category in categories:
        if category not in (CONFIDENCE, *CATEGORIES):
            accepted = ", ".join(decision.may_disclose) or "—"
            raise DocumentError(
                t("documents.error.unknown_item", category=category, accepted=accepted)
            )
        if category not in decision.may_disclose:
            label = disclosure_label(category)
            raise DocumentError(
                t("documents.error.forbidden_item", category=label, allowed=allowed)
            )


def _head(
    doc: Document, decision: Decision, situation: Situation, inputs: LetterInputs, subject: str
) -> None:
    """Sender, recipient, date, reference, subject and salutation."""
    sender = inputs.sender or t("documents.letter.sender_placeholder")
    recipient = situation.get("recipient.kind")
    default = capitalise(value_label("recipient.kind", recipient)) if recipient else ""
    doc.add(Lines(tuple(sender.splitlines()), "sender"))
    doc.add(Lines(tuple((inputs.requester or default).splitlines()), "recipient"))
    doc.add(Paragraph(t("documents.letter.place_date", date=date_text(decision.date)), "date"))
    if inputs.reference:
        doc.add(Paragraph(t("documents.letter.your_reference", reference=inputs.reference)))
    if inputs.person_name:
        subject = t("documents.letter.subject_person", subject=subject, person=inputs.person_name)
    doc.add(Paragraph(t("documents.letter.subject", subject=subject), "subject"))
    doc.add(Paragraph(t("documents.letter.salutation")))


def _foot(doc: Document, situation: Situation, inputs: LetterInputs) -> None:
    """The closing and the signature: the sender's own name and role when known
    (``inputs.signatory``), else a placeholder and the situation's ``holder.role``."""
    signatory = tuple(line.strip() for line in inputs.signatory or () if line.strip())
    if signatory:
        lines = [capitalise(line) for line in signatory]
    else:
        role = situation.get("holder.role")
        lines = [t("documents.letter.signature_placeholder")]
        if role:
            lines.append(capitalise(value_label("holder.role", role)))
    doc.add(Paragraph(t("documents.letter.closing")), Lines(tuple(lines), "signature"))


def decision_public_basis(
    decision: Decision, *, permits: bool, situation: Situation | None = None
) -> tuple[str, ...]:
    """The public names of the basis that bind the holder in ``situation``
    (:mod:`depositaire.documents.basis`), or the general principle when none is left."""
    return basis.public_names(
        decision, permits=permits, situation=situation
    ) or basis.general_names(decision.date, situation)


def _basis(
    doc: Document, decision: Decision, situation: Situation, intro: str, *, permits: bool
) -> None:
    doc.add(
        Paragraph(intro),
        Bullets(decision_public_basis(decision, permits=permits, situation=situation)),
    )


def _by_request(key: str, situation: Situation, default: str) -> str:
    specific = f"{key}.{situation.get('request.kind')}"
    return t(specific) if has(specific) else t(default)


def _to_reader(key: str, situation: Situation) -> str:
    """``key``, or its ``_person`` wording when the letter goes to the person herself."""
    own = f"{key}_person"
    return t(own) if situation.get("recipient.kind") == "the_person" and has(own) else t(key)


def build_reply(decision: Decision, situation: Situation, inputs: LetterInputs) -> Document:
    """The courteous refusal: legal basis, nothing about the person.

    A refusal that keeps a prosecutor's measure secret (``keep_measure_secret``: the
    person, or anyone but the prosecutor, asking about a requisition) reads as any refusal
    under the professional secret: it never names art. 46bis/1, whose mention would reveal
    the measure (001: « est tenue de garder le secret »; its breach is punished under art.
    458, which the letter cites)."""
    doc = Document("letter", t("documents.letter.reply.subject"), t("documents.confidential"))
    _head(doc, decision, situation, inputs, t("documents.letter.reply.subject"))
    doc.add(Paragraph(_to_reader("documents.letter.reply.received", situation)))
    doc.add(Paragraph(_to_reader("documents.letter.reply.refusal", situation)))
    for rule in decision.rules:
        if has(key := f"documents.letter.reply.reasons.{rule}"):
            doc.add(Paragraph(t(key)))
            break
    if situation.get("recipient.kind") == "immigration_office" and (
        situation.get("information.medical") is True or "automatic_flow" in decision.rules
    ):
        doc.add(Paragraph(t("documents.letter.reply.immigration_medical")))
    doc.add(Paragraph(_to_reader("documents.letter.reply.neither", situation)))
    if "keep_measure_secret" in decision.duties:
        _secret_basis(doc, decision, t("documents.letter.legal_basis"))
    else:
        _basis(doc, decision, situation, t("documents.letter.legal_basis"), permits=False)
    doc.add(Paragraph(_to_reader("documents.letter.reply.invite", situation)))
    _foot(doc, situation, inputs)
    return doc


def build_transmission(decision: Decision, situation: Situation, inputs: LetterInputs) -> Document:
    """The transmission: the permitted categories only, the duties, the legal basis."""
    subject = _by_request(
        "documents.letter.transmission.subjects", situation, "documents.letter.transmission.subject"
    )
    doc = Document("letter", subject, t("documents.confidential"))
    _head(doc, decision, situation, inputs, subject)
    doc.add(
        Paragraph(
            _by_request(
                "documents.letter.transmission.openings",
                situation,
                "documents.letter.transmission.opening",
            )
        )
    )
    entries = _entries(decision, inputs)
    doc.disclosed.extend(entries)
    lines = tuple(
        t(
            "documents.letter.transmission.item",
            category=capitalise(categories_phrase(cats)),
            value=" — ".join(line.strip() for line in value.splitlines() if line.strip()),
        )
        for cats, value in entries
    )
    if not lines:
        empty = "nothing_offered" if inputs.nothing_offered else "nothing_chosen"
        lines = (t(f"documents.letter.transmission.{empty}"),)
    doc.add(Bullets(lines), Paragraph(t("documents.letter.transmission.nothing_else")))
    if inputs.covering_note:
        # The holder's own sentence, after the data and apart from it.
        doc.free_text.append(inputs.covering_note)
        doc.add(Paragraph(inputs.covering_note, "covering"))
    for duty in decision.duties:
        if has(key := f"documents.letter.transmission.duties.{duty}"):
            doc.add(Paragraph(t(key)))
    intro = "must" if decision.verdict == "must_disclose" else "may"
    _basis(doc, decision, situation, t(f"documents.letter.transmission.{intro}"), permits=True)
    _foot(doc, situation, inputs)
    return doc


def _entries(decision: Decision, inputs: LetterInputs) -> list[tuple[tuple[str, ...], str]]:
    """The values the letter carries: the file's entries, or the ``items`` mapping given."""
    if inputs.entries is not None:
        return [(tuple(cats), value) for cats, value in inputs.entries if value.strip()]
    items = inputs.items or {}
    return [((c,), items[c]) for c in decision.may_disclose if (items.get(c) or "").strip()]


def call_script(decision: Decision, situation: Situation | None = None) -> str:
    """What to say now to a caller, drawn from the decision: never an answer by phone
    (to the person herself, in words for her)."""
    if decision.verdict in ("share", "may_disclose", "must_disclose") and decision.may_disclose:
        return t("documents.script.allowed", categories=categories_phrase(decision.may_disclose))
    if situation is not None:
        return _to_reader("documents.script.secret", situation)
    return t("documents.script.secret")


def _secret_basis(doc: Document, decision: Decision, intro: str) -> None:
    """The basis of a refusal that keeps a prosecutor's measure secret: the professional
    secret (art. 458), never art. 46bis/1, whose mention would reveal the measure."""
    doc.add(Paragraph(intro), Bullets(basis.measure_secret_names(decision.date)))


def build_call_note(
    decision: Decision,
    situation: Situation,
    rows: tuple[tuple[str, str], ...],
) -> Document:
    """The note of an oral request for the file: who asked what, the decision, what was said."""
    from depositaire.documents.model import Fields, Heading

    doc = Document("note", t("documents.call_note.title"), t("documents.confidential"))
    doc.add(Paragraph(t("documents.call_note.intro")))
    verdict = t(f"verdicts.{decision.verdict}.label")
    doc.add(Fields((*rows, (t("documents.call_note.decision"), verdict))))
    doc.add(Heading(t("documents.call_note.script_title")))
    doc.add(Paragraph(call_script(decision, situation), "strong"))
    allowing = decision.verdict in ("share", "may_disclose", "must_disclose")
    doc.add(Paragraph(t(f"documents.call_note.outcome_{'allowed' if allowing else 'secret'}")))
    if not allowing and "keep_measure_secret" in decision.duties:
        # Kept with the person's request: it names no measure either (46bis/1, § 2).
        _secret_basis(doc, decision, t("documents.letter.legal_basis"))
    else:
        _basis(doc, decision, situation, t("documents.letter.legal_basis"), permits=False)
    return doc


def build_letter(
    decision: Decision,
    situation: Situation,
    inputs: LetterInputs,
    *,
    incoming: bool | None = None,
) -> Document:
    """The letter the decision calls for; :class:`DocumentError` when there is none."""
    kind, reason = letter_choice(decision, situation, incoming=incoming)
    if kind is None:
        raise DocumentError(t("documents.error.no_letter", reason=reason))
    check_items(decision, inputs.items, inputs.entries)
    builder = build_reply if kind == "reply" else build_transmission
    return builder(decision, situation, inputs)

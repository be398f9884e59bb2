"""The answer to a request: the letter the decision calls for, and closing the request.

The letter is built by :mod:`depositaire.documents` (which refuses, once more, any
value the decision does not let out), rendered to PDF by WeasyPrint, sealed, and
its SHA-256 recorded with the decision, the rule-base version and the items sent.
Closing is one transaction with its journal entry: all of it, or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from depositaire.documents import LetterInputs, basis, build_letter, letter_choice, render
from depositaire.documents.letters import build_call_note, call_script
from depositaire.documents.model import Bullets, Document, Lines, Paragraph
from depositaire.engine import Decision, Situation
from depositaire.engine.explain import category_label, value_label
from depositaire.engine.schema import CATEGORIES
from depositaire.interview import Interview
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.accounts.templatetags.dep import fr_datetime
from depositaire.web.cases.models import InformationItem
from depositaire.web.incoming.forms import letter_decision
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer
from depositaire.web.incoming.sources import Source
from depositaire.web.views import journal, sha256_hex


def postal(contact: str) -> str:
    """The contact if it is a postal address: never a phone number, an e-mail or a web address."""
    text = (contact or "").strip()
    if not text or "@" in text or "://" in text or text.lower().startswith("www."):
        return ""
    if re.fullmatch(r"[\d\s+().\/-]+", text):
        return ""
    return text


def default_requester(request: IncomingRequest) -> str:
    """The address block: the requester's name and organisation, and its postal address only."""
    lines = [
        request.requester_name,
        request.requester_organisation,
        postal(request.requester_contact),
    ]
    return "\n".join(line for line in lines if line)


def default_sender(request: IncomingRequest, user: Any) -> str:
    return "\n".join([request.organisation.name, user.display_name])


def signatory(user: Any) -> tuple[str, ...]:
    """The letter's signature: the signed-in sender's name and role (a caseworker's
    profession unless social worker, where the circuit role says more: « en chef »)."""
    if user.role in roles.CASEWORKERS and user.profession != "social_worker":
        role = value_label("holder.role", user.profession)
    else:
        role = t(f"web.roles.{user.role}") if user.role else ""
    return tuple(line for line in (str(user.display_name), role) if line)


class AlreadyClosed(Exception):
    """Another post closed the request first (a double click, a colleague)."""


@dataclass
class Draft:
    """What the worker chose for the letter (validated by the form): values of the file only."""

    inputs: LetterInputs
    sources: list[Source] = field(default_factory=list)

    @property
    def items(self) -> list[InformationItem]:
        return [s.item for s in self.sources if s.item is not None]


def draft_for(
    request: IncomingRequest,
    user: Any,
    sources: list[Source],
    note: str,
    *,
    nothing_offered: bool = False,
) -> Draft:
    """The letter's inputs: addresses and reference from the register, values from the file
    (``nothing_offered``: the file had none the decision lets out)."""
    return Draft(
        inputs=LetterInputs(
            requester=default_requester(request) or None,
            reference=request.reference or None,
            sender=default_sender(request, user),
            signatory=signatory(user),
            entries=tuple((s.categories, s.value) for s in sources),
            covering_note=note or None,
            nothing_offered=nothing_offered and not sources,
        ),
        sources=sources,
    )


def decision_for(interview: Interview, draft: Draft | None) -> tuple[Decision, Situation]:
    """The decision the letter rests on and the situation it was taken on
    (``forms.letter_decision``)."""
    if draft is None:
        return interview.decision, interview.situation
    decision, situation = letter_decision(interview.decision, interview.situation, draft.sources)
    return decision, situation or interview.situation


def letter_document(interview: Interview, draft: Draft, request: IncomingRequest) -> Document:
    return build_letter(
        decision_for(interview, draft)[0],
        interview.situation,
        draft.inputs,
        incoming=not request.is_outgoing,
    )


def is_oral(request: IncomingRequest) -> bool:
    """An incoming request made by phone or in person: answered orally, with a note."""
    return not request.is_outgoing and not request.is_written


def call_note(request: IncomingRequest, interview: Interview) -> Document:
    """The note of an oral request: who asked what, when, the decision and what was said."""
    rows = (
        (t("documents.call_note.who"), requester_label(request)),
        (t("documents.call_note.when"), fr_datetime(request.received_at)),
        (t("documents.call_note.channel"), t(f"incoming.channels.{request.channel}")),
        (
            t("documents.call_note.asked"),
            ", ".join(category_label(c) for c in request.categories) or "—",
        ),
    )
    return build_call_note(interview.decision, interview.situation, rows)


def script(interview: Interview) -> str:
    return call_script(interview.decision, interview.situation)


def preview(document: Document) -> list[dict[str, Any]]:
    """The letter's blocks for the screen (the template escapes every text)."""
    out: list[dict[str, Any]] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            out.append({"kind": "p", "text": block.text, "style": block.style})
        elif isinstance(block, Bullets):
            out.append({"kind": "ul", "items": list(block.items)})
        elif isinstance(block, Lines):
            out.append({"kind": "lines", "items": list(block.lines), "style": block.style})
    return out


def letter_kind(interview: Interview, request: IncomingRequest) -> tuple[str | None, str]:
    return letter_choice(interview.decision, interview.situation, incoming=not request.is_outgoing)


@transaction.atomic
def close(
    http_request: Any,
    request: IncomingRequest,
    interview: Interview,
    draft: Draft | None,
) -> RequestAnswer:
    """Close the request: decision, letter (PDF sealed, SHA-256), items sent; journaled."""
    locked = IncomingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != "open":
        raise AlreadyClosed
    kind, _ = letter_kind(interview, locked)
    # A wider decision (the person's own access) is kept with the situation it was taken
    # on, so that « Décisions à revoir » decides the same question again.
    decision, situation = decision_for(interview, draft if kind is not None else None)
    oral = is_oral(locked)
    answer = RequestAnswer(
        request=locked,
        closed_by=http_request.user,
        closed_at=timezone.now(),
        verdict=decision.verdict,
        rule_ids=list(decision.rules),
        decision=decision.to_dict(),
        situation=situation.to_contract(),
        rule_base_version=decision.rule_base_version,
        letter_kind=kind or ("call_note" if oral else ""),
        questions_asked=len(interview.history),
        keep_secret="keep_measure_secret" in decision.duties,
    )
    pdf = b""
    sent_items: list[InformationItem] = []
    free_text: list[str] = []
    if kind is not None and draft is not None:
        document = letter_document(interview, draft, locked)
        pdf = render(document, "pdf")
        answer.set_pdf(pdf)
        answer.letter_sha256 = sha256_hex(pdf)
        # What is recorded is what the document carries, not what the form said.
        carried = {c for cats, _ in document.disclosed for c in cats}
        answer.sent_categories = [c for c in CATEGORIES if c in carried]
        values = [v for _, v in document.disclosed]
        sent_items = [s.item for s in draft.sources if s.item is not None and s.value in values]
        free_text = list(document.free_text)
    elif oral:
        # Nothing leaves: the note stays in the file, sealed with its hash like a letter.
        pdf = render(call_note(locked, interview), "pdf")
        answer.set_pdf(pdf)
        answer.letter_sha256 = sha256_hex(pdf)
    answer.save()
    if sent_items:
        answer.items.set(sent_items)
    locked.status = "closed"
    locked.interview_state = interview.to_dict()
    locked.save(update_fields=["status", "interview_state"])
    details: dict[str, Any] = {
        "request_id": locked.pk,
        "person_id": locked.person_id,
        "verdict": decision.verdict,
        "rules": list(decision.rules),
        "categories": list(answer.sent_categories),
        "item_ids": [i.pk for i in sent_items],
        "version": decision.rule_base_version,
        "date": decision.date.isoformat(),
        "as_known_on": (decision.as_known_on or decision.date).isoformat(),
        "kind": answer.letter_kind or "none",
        "questions_count": len(interview.history),
    }
    if answer.letter_sha256:
        details["letter_sha256"] = answer.letter_sha256
    if free_text:
        # Free text is journaled as such: marked, counted and hashed, never copied.
        details["free_text_count"] = len(free_text)
        details["free_text_sha256"] = sha256_hex("\n".join(free_text).encode())
    journal(http_request, "request_closed", target=f"person:{locked.person_id}", details=details)
    request.status = "closed"
    return answer


def basis_labels(
    decision: dict[str, Any], *, public: bool = False, situation: dict[str, Any] | None = None
) -> list[str]:
    """The provisions a stored decision's deciding rules rest on (all citations if none
    match); ``public``: by their public names only, those that bind the holder in the
    stored ``situation`` (for the person and the letters). The basis is the stored one
    (:mod:`depositaire.documents.basis`); otherwise by their titles, those that do not
    bind the holder in ``situation`` marked « à vérifier » (``basis.marked_title``)."""
    if public:
        return list(basis.public_names(decision, situation=situation))
    return list(basis.titles(decision, situation=situation))


def requester_label(request: IncomingRequest) -> str:
    kind = value_label("recipient.kind", request.requester_kind)
    who = " — ".join(x for x in (request.requester_organisation, request.requester_name) if x)
    return f"{kind} ({who})" if who else kind

"""The answer to a request: the letter the decision calls for, and closing the request.

The letter is built by :mod:`depositaire.documents` (which refuses, once more, any
value the decision does not let out), rendered to PDF by WeasyPrint, sealed, and
its SHA-256 recorded with the decision, the rule-base version and the items sent.
Closing is one transaction with its journal entry: all of it, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from depositaire.documents import LetterInputs, build_letter, letter_choice, render
from depositaire.documents.model import Bullets, Document, Lines, Paragraph
from depositaire.engine import Decision
from depositaire.engine.explain import value_label
from depositaire.engine.schema import CATEGORIES
from depositaire.interview import Interview
from depositaire.web.cases.countries import nationality_label
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer
from depositaire.web.views import journal, sha256_hex


def default_values(
    person: Person, decision: Decision, items: list[InformationItem]
) -> dict[str, str]:
    """Values pre-filled for the permitted categories: the person's record, then the file's facts."""
    record = {
        "identity": person.full_name,
        "national_number": person.get_sealed("national_number"),
        "nationality": nationality_label(person.nationality),
        "address": person.get_sealed("address"),
        "household": person.get_sealed("household"),
    }
    out: dict[str, str] = {}
    for category in decision.may_disclose:
        if category not in CATEGORIES:
            continue
        if record.get(category):
            out[category] = record[category]
            continue
        texts = [i.get_sealed("content") for i in items if category in i.categories]
        if texts:
            out[category] = "\n".join(texts)
    return out


def default_requester(request: IncomingRequest) -> str:
    lines = [request.requester_name, request.requester_organisation, request.requester_contact]
    return "\n".join(line for line in lines if line)


def default_sender(request: IncomingRequest, user: Any) -> str:
    return "\n".join([request.organisation.name, user.display_name])


class AlreadyClosed(Exception):
    """Another post closed the request first (a double click, a colleague)."""


@dataclass
class Draft:
    """What the worker chose for the letter (validated by the form)."""

    inputs: LetterInputs
    categories: list[str]
    items: list[InformationItem]


def letter_document(interview: Interview, draft: Draft) -> Document:
    return build_letter(interview.decision, interview.situation, draft.inputs)


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


def letter_kind(interview: Interview) -> tuple[str | None, str]:
    return letter_choice(interview.decision, interview.situation)


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
    decision = interview.decision
    kind, _ = letter_kind(interview)
    answer = RequestAnswer(
        request=locked,
        closed_by=http_request.user,
        closed_at=timezone.now(),
        verdict=decision.verdict,
        rule_ids=list(decision.rules),
        decision=decision.to_dict(),
        situation=interview.situation.to_contract(),
        rule_base_version=decision.rule_base_version,
        letter_kind=kind or "",
        questions_asked=len(interview.history),
        keep_secret="keep_measure_secret" in decision.duties,
    )
    pdf = b""
    if kind is not None and draft is not None:
        pdf = render(letter_document(interview, draft), "pdf")
        answer.set_pdf(pdf)
        answer.letter_sha256 = sha256_hex(pdf)
        answer.sent_categories = [c for c in CATEGORIES if c in draft.categories]
    answer.save()
    if draft is not None and draft.items:
        answer.items.set(draft.items)
    locked.status = "closed"
    locked.interview_state = interview.to_dict()
    locked.save(update_fields=["status", "interview_state"])
    details: dict[str, Any] = {
        "request_id": locked.pk,
        "person_id": locked.person_id,
        "verdict": decision.verdict,
        "rules": list(decision.rules),
        "categories": list(answer.sent_categories),
        "item_ids": [i.pk for i in (draft.items if draft else [])],
        "version": decision.rule_base_version,
        "date": decision.date.isoformat(),
        "as_known_on": (decision.as_known_on or decision.date).isoformat(),
        "kind": kind or "none",
        "questions_count": len(interview.history),
    }
    if answer.letter_sha256:
        details["letter_sha256"] = answer.letter_sha256
    journal(http_request, "request_closed", target=f"person:{locked.person_id}", details=details)
    request.status = "closed"
    return answer


def basis_labels(decision: dict[str, Any]) -> list[str]:
    """The provisions the deciding rules rest on, from a stored decision (all citations if none match)."""
    from depositaire.law import default_rule_base

    by_id = default_rule_base().by_id
    keys = {k for rule in decision.get("rules", []) if rule in by_id for k in by_id[rule].citations}
    citations = decision.get("citations", [])
    chosen = [c["label"] for c in citations if c.get("id") in keys]
    return list(dict.fromkeys(chosen or (c["label"] for c in citations)))


def requester_label(request: IncomingRequest) -> str:
    kind = value_label("recipient.kind", request.requester_kind)
    who = " — ".join(x for x in (request.requester_organisation, request.requester_name) if x)
    return f"{kind} ({who})" if who else kind

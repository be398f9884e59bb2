"""The register's services, shared by the pages and the REST API.

Registering a request (received or sent), loading its interview, and the letter's form
and draft live here so that the pages and the API run the same code: the same records,
the same journal entries, the same validation (values of the file only, the covering
line checked against withheld values, a crafted post refused as a whole).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from depositaire.engine import SituationError
from depositaire.engine.explain import category_label
from depositaire.engine.schema import CATEGORIES
from depositaire.interview import Interview
from depositaire.messages import t
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.db import begin_writing
from depositaire.web.incoming import answer as answering
from depositaire.web.incoming import examination
from depositaire.web.incoming.forms import LetterForm, eligible_items, secret_facts
from depositaire.web.incoming.models import (
    IncomingRequest,
    RequestAnswer,
    RequestDocument,
    RequestReopening,
)
from depositaire.web.incoming.sources import Source, letter_sources
from depositaire.web.views import journal

#: What an outgoing request carries, by purpose (004: name, national number, nationality).
OUTGOING: dict[str, dict[str, Any]] = {
    "guarantor_lookup": {
        "requester_kind": "immigration_office",
        "channel": "email",
        "categories": ["identity", "national_number", "nationality"],
    },
}


def target(request: IncomingRequest) -> str:
    return f"person:{request.person_id}/request:{request.pk}"


def _extra(via: str | None) -> dict[str, Any]:
    return {"via": via} if via else {}


def _journal_registered(
    http_request: HttpRequest, registered: IncomingRequest, state: str, via: str | None
) -> None:
    """The ``request_registered`` entry of a request received or sent."""
    journal(
        http_request,
        "request_registered",
        target=target(registered),
        details={
            "request_id": registered.pk,
            "person_id": registered.person_id,
            "recipient_kind": registered.requester_kind,
            "channel": registered.channel,
            "categories": list(registered.categories),
            "legal_basis": registered.claimed_basis,
            "state": state,
            **_extra(via),
        },
    )


def register_incoming(
    http_request: HttpRequest, data: dict[str, Any], *, via: str | None = None
) -> IncomingRequest:
    """Store a received request from a valid :class:`RequestForm`'s data, journaled."""
    user: Any = http_request.user
    person: Person = data["person"]
    incoming = IncomingRequest(
        organisation_id=user.organisation_id,
        team_id=person.team_id,
        person=person,
        requester_kind=data["requester_kind"],
        requester_organisation=data["requester_organisation"].strip(),
        requester_name=data["requester_name"].strip(),
        requester_contact=data["requester_contact"].strip(),
        reference=data["reference"].strip(),
        channel=data["channel"],
        categories=list(data["categories"]),
        claimed_basis=data["claimed_basis"],
        claimed_basis_text=data["claimed_basis_text"].strip(),
        urgent=bool(data["urgent"]),
        about_medical_aid=bool(data.get("about_medical_aid")),
        asks_about_requests=bool(data.get("asks_about_requests")),
        received_at=data["received_at"],
        received_by=data["received_by"],
        registered_by=user,
    )
    incoming.set_sealed("request_text", data["request_text"] or "")
    incoming.save()
    _journal_registered(http_request, incoming, "urgent" if incoming.urgent else "normal", via)
    return incoming


def register_outgoing(
    http_request: HttpRequest, data: dict[str, Any], *, via: str | None = None
) -> IncomingRequest:
    """Store a request the organisation sends, from a valid :class:`OutgoingForm`'s data."""
    user: Any = http_request.user
    person: Person = data["person"]
    shape = OUTGOING[data["purpose"]]
    outgoing = IncomingRequest(
        organisation_id=user.organisation_id,
        team_id=person.team_id,
        person=person,
        direction="outgoing",
        requester_kind=shape["requester_kind"],
        requester_organisation=data["recipient_organisation"].strip(),
        requester_contact=data["recipient_contact"].strip(),
        reference=data["reference"].strip(),
        channel=shape["channel"],
        categories=list(shape["categories"]),
        claimed_basis=data["purpose"],
        received_at=timezone.now(),
        received_by=user,
        registered_by=user,
    )
    outgoing.set_sealed("request_text", "")
    outgoing.save()
    _journal_registered(http_request, outgoing, "outgoing", via)
    return outgoing


def clean_filename(name: str) -> str:
    """The file's name as sent, without a path nor control characters, 200 characters at most."""
    import unicodedata

    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[:200]


def add_document(
    http_request: HttpRequest,
    incoming: IncomingRequest,
    *,
    raw: bytes,
    kind: str,
    sha256: str,
    filename: str,
    via: str | None = None,
) -> RequestDocument:
    """Store one of the requester's documents, sealed with its original name; journaled.

    Used by the request's page, the registration form and the REST API alike."""
    document = RequestDocument(
        request=incoming,
        content_type=kind,
        size=len(raw),
        sha256=sha256,
        uploaded_by=http_request.user,
    )
    document.set_sealed("filename", clean_filename(filename))
    document.set_bytes(raw)
    document.save()
    journal(
        http_request,
        "request_document_added",
        target=target(incoming),
        details={
            "request_id": incoming.pk,
            "document_id": document.pk,
            "document_sha256": document.sha256,
            "size_count": document.size,
            **_extra(via),
        },
    )
    return document


class NotClosed(Exception):
    """The request is open already (reopened by a colleague, a double click)."""


def may_reopen(incoming: IncomingRequest, user: Any) -> bool:
    """Its author (who registered it) or the head of service of its team."""
    from depositaire.web.accounts import roles

    return bool(incoming.registered_by_id == user.pk or user.role == roles.HEAD_SOCIAL_WORKER)


def reopen(
    http_request: HttpRequest,
    incoming: IncomingRequest,
    *,
    reason: str,
    statement: str,
    via: str | None = None,
) -> RequestReopening:
    """Open a closed request again; its answer is kept (``former_request``), journaled."""
    from django.db import transaction

    with transaction.atomic():
        locked = IncomingRequest.objects.select_for_update().get(pk=incoming.pk)
        if locked.status != "closed":
            raise NotClosed
        answer = RequestAnswer.objects.filter(request=locked).first()
        if answer is not None:
            answer.former_request = locked
            answer.request = None
            answer.save(update_fields=["former_request", "request"])
        reopening = RequestReopening(
            request=locked,
            previous_answer=answer,
            reopened_by=http_request.user,
            reason=reason,
        )
        reopening.set_sealed("statement", statement)
        reopening.save()
        locked.status = "open"
        locked.save(update_fields=["status"])
        journal(
            http_request,
            "request_reopened",
            target=target(locked),
            details={
                "request_id": locked.pk,
                "person_id": locked.person_id,
                "answer_id": answer.pk if answer is not None else None,
                "reason": reason,
                **_extra(via),
            },
        )
    return reopening


def interview_for(incoming: IncomingRequest, user: Any) -> Interview:
    """The stored interview, or a new one on the facts the register and the file give."""
    if incoming.interview_state:
        try:
            return examination.load(incoming)
        except SituationError:
            pass  # a state the interview can no longer read: start again from what is known
    interview = examination.start(incoming, user, timezone.localdate())
    # Kept from the first view of the examination on (a GET: on SQLite its reading
    # transaction must take the write lock first, see web.db.begin_writing).
    begin_writing()
    incoming.save(update_fields=["interview_state", "prefill_sources"])
    return interview


def offered_sources(
    incoming: IncomingRequest,
    interview: Interview,
    user: Any,
    *,
    items: list[InformationItem] | None = None,
) -> list[Source]:
    """The values of the file a transmission letter may carry (none for another letter);
    ``items``: the file's secret facts, when the caller read them (``forms.secret_facts``)."""
    kind, _ = answering.letter_kind(interview, incoming)
    if kind != "transmission":
        return []
    decision = interview.decision
    allowed = [c for c in decision.may_disclose if c in CATEGORIES]
    eligible = eligible_items(incoming.person, user, decision, interview.situation, items=items)
    return letter_sources(incoming.person, allowed, eligible)


def nothing_offered_reason(
    incoming: IncomingRequest,
    interview: Interview,
    user: Any,
    sources: list[Source],
    *,
    items: list[InformationItem] | None = None,
) -> str:
    """Why a transmission letter is offered no value of the file (for the holder's page;
    the letter itself says nothing of the file), or ``""``; ``items``: the file's secret
    facts the letter's form was offered from (``LetterForm.file_items``), read again only
    when not given."""
    kind, _ = answering.letter_kind(interview, incoming)
    if kind != "transmission" or sources:
        return ""
    allowed = [c for c in interview.decision.may_disclose if c in CATEGORIES]
    names = ", ".join(category_label(c) for c in allowed) or "—"
    read = secret_facts(incoming.person, user) if items is None else items
    related = [item for item in read if set(item.categories) & set(allowed)]
    others = [c for c in CATEGORIES if c not in allowed and any(c in i.categories for i in related)]
    if others:
        return t(
            "incoming.letter.nothing_eligible.mixed",
            categories=names,
            others=", ".join(category_label(c) for c in others),
        )
    return t("incoming.letter.nothing_eligible.empty", categories=names)


def letter_form(
    incoming: IncomingRequest,
    interview: Interview,
    user: Any,
    data: Any = None,
    *,
    sources: list[Source] | None = None,
) -> LetterForm:
    """``sources``: those of a form just built for the same request (read once, not again)."""
    kind, _ = answering.letter_kind(interview, incoming)
    items: list[InformationItem] | None = None
    if sources is None:
        # Read once: the offered values, and why none are (``nothing_offered_reason``).
        items = secret_facts(incoming.person, user) if kind == "transmission" else []
        sources = offered_sources(incoming, interview, user, items=items)
    form = LetterForm(
        data,
        kind=kind,
        decision=interview.decision,
        sources=sources,
        person=incoming.person,
        user=user,
        initial={"sources": [s.key for s in sources]},
    )
    form.file_items = items
    return form


def proposed_data(form: LetterForm) -> QueryDict:
    """What the page proposes, as a post: every offered source kept, no covering line."""
    return as_post({k: form.get_initial_for_field(f, k) for k, f in form.fields.items()})


def draft(incoming: IncomingRequest, user: Any, form: LetterForm) -> answering.Draft:
    return answering.draft_for(
        incoming,
        user,
        form.chosen(),
        form.cleaned_data.get("covering_note") or "",
        nothing_offered=not form.sources,
    )


def as_post(initial: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in initial.items():
        if value is None:
            continue
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = str(value)
    return data

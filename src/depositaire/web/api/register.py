"""The register of requests through the API: register (with attachments), status, examination,
close, letter, list with filters and pages.

A ``register`` token acts as its user with the pages' rules: caseworkers only (403
otherwise), requests through ``IncomingRequest.objects.visible_to(user)`` (404 outside
the user's teams and organisation). Validation reuses the web forms (same French
messages), the examination and closing reuse the incoming app's services, and every
call on a request is journaled with the same action as the page it mirrors.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any, Literal

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from depositaire.documents import DocumentError
from depositaire.engine import SituationError
from depositaire.engine.schema import CATEGORIES, RECIPIENT_KINDS
from depositaire.interview import UNKNOWN_TOKEN
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.api.auth import REGISTER, require_role
from depositaire.web.api.problems import ApiProblem, field_error
from depositaire.web.api.schemas import DecisionOut, FactOut, QuestionOut, Strict, no_nul
from depositaire.web.incoming import answer as answering
from depositaire.web.incoming import examination, services
from depositaire.web.incoming.forms import (
    REFERENCE_MAX,
    DocumentForm,
    OutgoingForm,
    RequestForm,
    clean_reference,
)
from depositaire.web.incoming.models import (
    CHANNELS,
    CLAIMED_BASES,
    OUTGOING_BASES,
    IncomingRequest,
)
from depositaire.web.views import journal, pdf_response

router = Router(tags=["registre"], auth=REGISTER)

CASEWORKERS = frozenset(roles.CASEWORKERS)
MAX_DOCUMENTS = 5
PAGE_SIZE = 20

Channel = Literal["phone", "email", "letter", "in_person"]
#: The bases a received request may claim (a guarantor look-up is a request sent: see
#: ``POST /requests/outgoing``).
Basis = Literal[
    "none",
    "prosecutor_requisition_46bis1",
    "testimony",
    "case_consultation_458ter",
    "intelligence_act_14",
    "judicial_follow_up",
    "other",
]
Purpose = Literal["guarantor_lookup"]
assert set(Channel.__args__) == set(CHANNELS)  # type: ignore[attr-defined]
assert set(Basis.__args__) == set(CLAIMED_BASES) - set(OUTGOING_BASES)  # type: ignore[attr-defined]
assert set(Purpose.__args__) == set(OUTGOING_BASES)  # type: ignore[attr-defined]


def _clean_reference(value: str) -> str:
    """The requester's reference, printed in the letter: checked as on the page."""
    try:
        return clean_reference(no_nul(value))
    except forms.ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None


class DocumentIn(Strict):
    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(max_length=7_000_000)

    _text = field_validator("filename")(classmethod(lambda cls, v: no_nul(v)))


class RequestIn(Strict):
    person_id: int = Field(ge=1, le=2**62)
    requester_kind: str = Field(max_length=60, json_schema_extra={"enum": list(RECIPIENT_KINDS)})
    requester_organisation: str = Field(default="", max_length=200)
    requester_name: str = Field(default="", max_length=200)
    requester_contact: str = Field(default="", max_length=200)
    reference: str = Field(default="", max_length=REFERENCE_MAX)
    channel: Channel
    categories: list[str] = Field(
        min_length=1,
        max_length=len(CATEGORIES),
        json_schema_extra={"items": {"enum": list(CATEGORIES)}},
    )
    request_text: str = Field(default="", max_length=5000)
    # No default for the requester's kind nor the basis, as on the page: the caller says.
    claimed_basis: Basis
    claimed_basis_text: str = Field(default="", max_length=300)
    received_at: dt.datetime | None = None
    received_by_id: int | None = Field(default=None, ge=1, le=2**62)
    urgent: bool = False
    about_medical_aid: bool = False
    #: The person herself asks whether information about her was asked for or communicated.
    asks_about_requests: bool = False
    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTS)

    _text = field_validator(
        "requester_kind",
        "requester_organisation",
        "requester_name",
        "requester_contact",
        "request_text",
        "claimed_basis_text",
    )(classmethod(lambda cls, v: no_nul(v)))
    _reference = field_validator("reference")(classmethod(lambda cls, v: _clean_reference(v)))


class OutgoingIn(Strict):
    """A request the organisation sends (the page « Envoyer une demande »)."""

    person_id: int = Field(ge=1, le=2**62)
    purpose: Purpose
    recipient_organisation: str = Field(min_length=1, max_length=200)
    recipient_contact: str = Field(default="", max_length=200)
    reference: str = Field(default="", max_length=REFERENCE_MAX)

    _text = field_validator("recipient_organisation", "recipient_contact")(
        classmethod(lambda cls, v: no_nul(v))
    )
    _reference = field_validator("reference")(classmethod(lambda cls, v: _clean_reference(v)))


class DocumentOut(Schema):
    id: int
    content_type: str
    size: int
    sha256: str


class AnswerSummary(Schema):
    verdict: str
    rules: list[str]
    letter_kind: str
    letter_sha256: str
    sent_categories: list[str]
    closed_at: dt.datetime
    keep_secret: bool


class RequestOut(Schema):
    id: int
    status: Literal["open", "closed"]
    direction: Literal["incoming", "outgoing"]
    person_id: int
    team_id: int
    requester_kind: str
    requester: str
    reference: str
    channel: str
    categories: list[str]
    claimed_basis: str
    urgent: bool
    received_at: dt.datetime
    documents: list[DocumentOut] | None = None
    request_text: str | None = None
    answer: AnswerSummary | None = None


class RequestPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[RequestOut]


class ListQuery(Schema):
    status: Literal["open", "closed"] | None = None
    person_id: int | None = Field(default=None, ge=1, le=2**62)
    channel: Channel | None = None
    requester_kind: str | None = Field(default=None, max_length=60)
    urgent: bool | None = None
    received_from: dt.date | None = None
    received_until: dt.date | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=PAGE_SIZE, ge=1, le=100)


class SourceOut(Schema):
    key: str
    categories: list[str]
    label: str
    value: str


class ExaminationOut(Schema):
    request_id: int
    status: Literal["open", "closed"]
    finished: bool
    question: QuestionOut | None
    given: list[FactOut]
    answered: list[FactOut]
    letter_kind: str | None
    oral: bool
    script: str | None
    sources: list[SourceOut]
    decision: DecisionOut


class ExaminationAnswer(Strict):
    path: str = Field(max_length=80)
    value: list[str] = Field(min_length=1, max_length=64)

    _text = field_validator("path")(classmethod(lambda cls, v: no_nul(v)))


class CloseIn(Strict):
    """Only what the page lets the worker choose: which values of the file go (by their
    ``key`` among the examination's ``sources``; all of them if absent) and an optional
    covering line. Nothing is typed into a letter: addresses and reference come from the
    register, values from the file."""

    sources: list[Annotated[str, Field(max_length=60)]] | None = Field(default=None, max_length=200)
    covering_note: str = Field(default="", max_length=500)

    _text = field_validator("covering_note")(classmethod(lambda cls, v: no_nul(v)))
    _keys = field_validator("sources")(
        classmethod(lambda cls, v: [no_nul(x) for x in v] if v is not None else v)
    )


def _target(incoming: IncomingRequest) -> str:
    return f"person:{incoming.person_id}/request:{incoming.pk}"


def _load(request: HttpRequest, request_id: int) -> IncomingRequest:
    """The request, when the caller may reach it; a refusal is journaled ``access_denied``
    as on the pages (``web.views.journal_refusal``)."""
    from depositaire.web.views import journal_refusal

    try:
        user = require_role(request, CASEWORKERS)
    except ApiProblem as refused:
        journal_refusal(request, 403, IncomingRequest, request_id)
        refused.journaled = True
        raise
    found = (
        IncomingRequest.objects.visible_to(user).filter(pk=request_id).first()
        if 0 < request_id < 2**62
        else None
    )
    if found is None:
        journal_refusal(request, 404, IncomingRequest, request_id)
        raise ApiProblem("not_found", t("api.errors.no_request"), journaled=True)
    return found


def _out(incoming: IncomingRequest, *, full: bool = False) -> dict[str, Any]:
    answer = getattr(incoming, "answer", None)
    out: dict[str, Any] = {
        "id": incoming.pk,
        "status": incoming.status,
        "direction": incoming.direction,
        "person_id": incoming.person_id,
        "team_id": incoming.team_id,
        "requester_kind": incoming.requester_kind,
        "requester": answering.requester_label(incoming),
        "reference": incoming.reference,
        "channel": incoming.channel,
        "categories": list(incoming.categories),
        "claimed_basis": incoming.claimed_basis,
        "urgent": incoming.urgent,
        "received_at": incoming.received_at,
    }
    if answer is not None:
        out["answer"] = {
            "verdict": answer.verdict,
            "rules": list(answer.rule_ids),
            "letter_kind": answer.letter_kind,
            "letter_sha256": answer.letter_sha256,
            "sent_categories": list(answer.sent_categories),
            "closed_at": answer.closed_at,
            "keep_secret": answer.keep_secret,
        }
    if full:
        out["request_text"] = incoming.get_sealed("request_text")
        out["documents"] = [
            {"id": d.pk, "content_type": d.content_type, "size": d.size, "sha256": d.sha256}
            for d in incoming.documents.all()
        ]
    return out


def _form_problem(form: forms.Form, prefix: str = "") -> ApiProblem:
    errors = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        accepted = None
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            accepted = [str(k) for k, _ in field.choices]
        for message in messages:
            errors.append(
                field_error(prefix + (name if name != "__all__" else "corps"), message, accepted)
            )
    return ApiProblem(
        "invalid",
        errors[0]["detail"] if errors else t("api.errors.refused", field="corps"),
        errors=errors,
    )


@router.get(
    "/requests",
    response={200: RequestPage},
    summary="Les demandes (filtres, pages)",
    operation_id="requests_list",
)
def request_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    """Les demandes des équipes de l'utilisateur, les plus récentes d'abord."""
    user = require_role(request, CASEWORKERS)
    qs = IncomingRequest.objects.visible_to(user).select_related("answer")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.person_id:
        qs = qs.filter(person_id=query.person_id)
    if query.channel:
        qs = qs.filter(channel=query.channel)
    if query.requester_kind:
        qs = qs.filter(requester_kind=query.requester_kind)
    if query.urgent is not None:
        qs = qs.filter(urgent=query.urgent)
    if query.received_from:
        qs = qs.filter(received_at__date__gte=query.received_from)
    if query.received_until:
        qs = qs.filter(received_at__date__lte=query.received_until)
    qs = qs.order_by("-received_at", "-pk")
    count = qs.count()
    start = (query.page - 1) * query.page_size
    page = list(qs[start : start + query.page_size])
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": max(1, -(-count // query.page_size)),
        "results": [_out(r) for r in page],
    }


def _documents(payload: RequestIn) -> list[DocumentForm]:
    out = []
    for index, document in enumerate(payload.documents):
        try:
            raw = base64.b64decode(document.content_base64, validate=True)
        except (binascii.Error, ValueError):
            detail = t("api.errors.base64", field=f"documents.{index}.content_base64")
            raise ApiProblem(
                "invalid", detail, errors=[field_error(f"documents.{index}.content_base64", detail)]
            ) from None
        form = DocumentForm({}, {"document": SimpleUploadedFile(document.filename, raw)})
        if not form.is_valid():
            raise _form_problem(form, prefix=f"documents.{index}.")
        out.append(form)
    return out


@router.post(
    "/requests",
    response={201: RequestOut},
    summary="Enregistrer une demande reçue",
    operation_id="requests_create",
)
def request_create(request: HttpRequest, payload: RequestIn) -> Any:
    """Comme le formulaire du registre : la demande, ses pièces jointes (base64), journalisées."""
    user = require_role(request, CASEWORKERS)
    data = QueryDict(mutable=True)
    for key in (
        "requester_kind",
        "requester_organisation",
        "requester_name",
        "requester_contact",
        "reference",
        "channel",
        "request_text",
        "claimed_basis",
        "claimed_basis_text",
    ):
        data[key] = getattr(payload, key)
    data["person"] = str(payload.person_id)
    data.setlist("categories", list(payload.categories))
    received = (
        timezone.localtime(payload.received_at) if payload.received_at else timezone.localtime()
    )
    data["received_at"] = received.strftime("%Y-%m-%d %H:%M")
    data["received_by"] = str(payload.received_by_id or user.pk)
    if payload.urgent:
        data["urgent"] = "on"
    if payload.about_medical_aid:
        data["about_medical_aid"] = "on"
    if payload.asks_about_requests:
        data["asks_about_requests"] = "on"
    form = RequestForm(data, user=user)
    if not form.is_valid():
        raise _form_problem(form)
    documents = _documents(payload)
    # The same record and journal entry as the page (``incoming.services``).
    incoming = services.register_incoming(request, form.cleaned_data, via="api")
    for form_document, given in zip(documents, payload.documents, strict=True):
        services.add_document(
            request,
            incoming,
            raw=form_document.raw,
            kind=form_document.kind,
            sha256=form_document.sha256,
            filename=given.filename,
            via="api",
        )
    return Status(201, _out(incoming, full=True))


@router.post(
    "/requests/outgoing",
    response={201: RequestOut},
    summary="Enregistrer une demande envoyée (recherche de garant)",
    operation_id="requests_create_outgoing",
)
def outgoing_create(request: HttpRequest, payload: OutgoingIn) -> Any:
    """Comme la page « Envoyer une demande » : la demande que le CPAS envoie, journalisée ;
    ce qu'elle porte est décidé par l'examen et choisi à la clôture."""
    user = require_role(request, CASEWORKERS)
    data = QueryDict(mutable=True)
    data["person"] = str(payload.person_id)
    data["purpose"] = payload.purpose
    data["recipient_organisation"] = payload.recipient_organisation
    data["recipient_contact"] = payload.recipient_contact
    data["reference"] = payload.reference
    form = OutgoingForm(data, user=user)
    if not form.is_valid():
        raise _form_problem(form)
    outgoing = services.register_outgoing(request, form.cleaned_data, via="api")
    return Status(201, _out(outgoing, full=True))


@router.get(
    "/requests/{request_id}",
    response={200: RequestOut},
    summary="Une demande et son état",
    operation_id="requests_get",
)
def request_detail(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """La demande, ses pièces (empreintes), son état et, clôturée, sa réponse (journalisé)."""
    incoming = _load(request, request_id)
    journal(
        request,
        "request_viewed",
        target=_target(incoming),
        details={"request_id": incoming.pk, "person_id": incoming.person_id, "via": "api"},
    )
    return _out(incoming, full=True)


def _interview(incoming: IncomingRequest, user: Any) -> Any:
    return services.interview_for(incoming, user)


def _examination(incoming: IncomingRequest, interview: Any, user: Any) -> dict[str, Any]:
    from depositaire.engine.explain import fact_label
    from depositaire.interview.questions import value_text

    question = examination.next_question(interview, incoming.urgent) if incoming.is_open else None
    kind, _ = answering.letter_kind(interview, incoming)
    oral = answering.is_oral(incoming)
    sources = services.offered_sources(incoming, interview, user) if incoming.is_open else []
    return {
        "request_id": incoming.pk,
        "status": incoming.status,
        "finished": question is None,
        "question": question.to_dict() if question is not None else None,
        "given": [
            {"path": p, "label": fact_label(p), "value": value_text(p, v)}
            for p, v in interview.given.items()
        ],
        "answered": [
            {"path": a.path, "label": a.label, "value": a.value_label} for a in interview.history
        ],
        "letter_kind": kind,
        "oral": oral,
        "script": answering.script(interview) if oral else None,
        "sources": [
            {"key": x.key, "categories": list(x.categories), "label": x.label, "value": x.value}
            for x in sources
        ],
        "decision": interview.decision.to_dict(),
    }


@router.get(
    "/requests/{request_id}/examination",
    response={200: ExaminationOut},
    summary="L'examen d'une demande",
    operation_id="requests_examination",
)
def examination_get(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """L'entretien guidé de la demande, prérempli par le registre et le dossier."""
    incoming = _load(request, request_id)
    interview = _interview(incoming, request.user)
    journal(
        request,
        "request_viewed",
        target=_target(incoming),
        details={"request_id": incoming.pk, "person_id": incoming.person_id, "via": "api"},
    )
    return _examination(incoming, interview, request.user)


@router.post(
    "/requests/{request_id}/examination",
    response={200: ExaminationOut},
    summary="Répondre à une question de l'examen",
    operation_id="requests_examination_answer",
)
def examination_answer(
    request: HttpRequest, request_id: int, payload: ExaminationAnswer
) -> dict[str, Any]:
    """Une réponse (jetons des choix ; « unknown » : je ne sais pas) ; la demande doit être en cours."""
    incoming = _load(request, request_id)
    if not incoming.is_open:
        raise ApiProblem("conflict", t("api.errors.closed"))
    interview = _interview(incoming, request.user)
    try:
        question = interview.question(payload.path)
        interview.answer(payload.path, question.parse(payload.value))
    except SituationError as exc:
        accepted = None
        try:
            accepted = [c.token for c in interview.question(payload.path).choices] + [UNKNOWN_TOKEN]
        except SituationError:
            pass
        field = "value" if accepted else "path"
        raise ApiProblem(
            "invalid", exc.message, errors=[field_error(field, exc.message, accepted)]
        ) from None
    incoming.interview_state = interview.to_dict()
    incoming.save(update_fields=["interview_state"])
    return _examination(incoming, interview, request.user)


@router.post(
    "/requests/{request_id}/close",
    response={200: RequestOut},
    summary="Clôturer une demande (décision et lettre)",
    operation_id="requests_close",
)
def close(request: HttpRequest, request_id: int, payload: CloseIn) -> dict[str, Any]:
    """Clôture comme la page de réponse : même formulaire, mêmes garanties, journalisée.

    Une transmission ne porte que des valeurs du dossier (``sources`` : leurs clés parmi
    celles que l'examen propose ; toutes si absent) et, au besoin, une ligne
    d'accompagnement vérifiée contre les valeurs retenues. Une demande orale se clôt par
    une note d'appel ; une clé ou une catégorie en trop refuse tout, rien n'est enregistré."""
    incoming = _load(request, request_id)
    if not incoming.is_open:
        raise ApiProblem("conflict", t("api.errors.closed"))
    interview = _interview(incoming, request.user)
    if examination.next_question(interview, incoming.urgent) is not None:
        raise ApiProblem("conflict", t("incoming.answer.not_finished"))
    kind, _ = answering.letter_kind(interview, incoming)
    data = services.proposed_data(services.letter_form(incoming, interview, request.user))
    if payload.sources is not None:
        data.setlist("sources", list(payload.sources))
    data["covering_note"] = payload.covering_note
    form = services.letter_form(incoming, interview, request.user, data)
    if not form.is_valid():
        raise _form_problem(form)
    draft = services.draft(incoming, request.user, form)
    try:
        answering.close(request, incoming, interview, draft if kind else None)
    except answering.AlreadyClosed:
        raise ApiProblem("conflict", t("api.errors.closed")) from None
    except DocumentError as exc:
        raise ApiProblem("invalid", exc.message) from None
    incoming = IncomingRequest.objects.select_related("answer").get(pk=incoming.pk)
    return _out(incoming, full=True)


@router.get(
    "/requests/{request_id}/letter",
    summary="La lettre envoyée (PDF)",
    operation_id="requests_letter",
    openapi_extra={"x-pdf": True},
)
def letter(request: HttpRequest, request_id: int) -> HttpResponse:
    """La lettre de la demande clôturée, telle qu'elle a été scellée (journalisé)."""
    incoming = _load(request, request_id)
    answer = getattr(incoming, "answer", None)
    if answer is None or not answer.letter_sha256:
        raise ApiProblem("not_found", t("api.errors.no_letter"))
    pdf = answer.get_pdf()
    journal(
        request,
        "export",
        target=_target(incoming),
        details={
            "request_id": incoming.pk,
            "letter_sha256": answer.letter_sha256,
            "format": "pdf",
            "via": "api",
        },
    )
    return pdf_response(pdf, f"reponse-demande-{incoming.pk}.pdf")

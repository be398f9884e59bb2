"""The register of requests, the examination (htmx), the answer, the head's and the DPO's views.

Each request is one transaction (``ATOMIC_REQUESTS``): a record and its journal entry are
stored together or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from depositaire.documents import DocumentError, basis
from depositaire.engine import Decision, SituationError
from depositaire.engine.explain import category_label, disclosure_label, fact_label, value_label
from depositaire.engine.schema import CATEGORIES
from depositaire.interview import UNKNOWN_TOKEN, Interview
from depositaire.interview.questions import value_text
from depositaire.messages import current_language, t, using_language
from depositaire.web.accounts import roles
from depositaire.web.filters import RequestFilterForm
from depositaire.web.incoming import answer as answering
from depositaire.web.incoming import examination, services
from depositaire.web.incoming.forms import (
    MAX_DOCUMENT_BYTES,
    DocumentForm,
    OutgoingForm,
    ReopenForm,
    RequestForm,
    letter_decision,
    own_access,
)
from depositaire.web.incoming.models import IncomingRequest, RequestDocument
from depositaire.web.once import once_per_token
from depositaire.web.views import (
    attachment_response,
    guard,
    journal,
    journal_read,
    paginate,
    pdf_response,
    query_without_page,
    refuse,
)

CASEWORKERS = tuple(sorted(roles.CASEWORKERS))


_target = services.target


# -- the register ---------------------------------------------------------------


@guard(*CASEWORKERS)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    requests = form.apply(
        IncomingRequest.objects.visible_to(request.user).select_related("person", "received_by")
    )
    page = paginate(request, requests)
    journal_read(request, "request_list", page.object_list, total=page.paginator.count)
    return render(
        request,
        "incoming/list.html",
        {
            "requests": page.object_list,
            "page": page,
            "filter_form": form,
            "filters": query_without_page(request),
            "now": timezone.now(),
        },
    )


@guard(*CASEWORKERS)
@once_per_token
@sensitive_post_parameters("request_text")
@sensitive_variables("data", "form")
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    initial: dict[str, Any] = {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    if request.GET.get("personne", "").isdecimal():
        initial["person"] = int(request.GET["personne"])
    files = request.FILES if request.method == "POST" else None
    form = RequestForm(request.POST or None, files, user=user, initial=initial)
    if request.method == "POST" and getattr(request, "upload_too_big", False):
        form.is_valid()
        form.add_error(
            "documents", t("incoming.document.too_big", limit=MAX_DOCUMENT_BYTES // 2**20)
        )
    elif request.method == "POST" and form.is_valid():
        incoming = services.register_incoming(request, form.cleaned_data)
        for document in form.cleaned_data.get("documents") or []:
            services.add_document(
                request,
                incoming,
                raw=document.raw,
                kind=document.kind,
                sha256=document.sha256,
                filename=document.filename,
            )
        count = len(form.cleaned_data.get("documents") or [])
        key = {0: "registered", 1: "registered_one_document"}.get(count, "registered_documents")
        messages.success(request, t(f"daily.requests.{key}", number=incoming.pk, documents=count))
        return redirect("incoming:examine", incoming_id=incoming.pk)
    return render(request, "incoming/form.html", {"form": form})


@guard(*CASEWORKERS)
@once_per_token
@require_http_methods(["GET", "POST"])
def outgoing_create(request: HttpRequest) -> HttpResponse:
    """A request the organisation sends: registered as outgoing, then examined and written."""
    user: Any = request.user
    initial: dict[str, Any] = {}
    if request.GET.get("personne", "").isdecimal():
        initial["person"] = int(request.GET["personne"])
    form = OutgoingForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        outgoing = services.register_outgoing(request, form.cleaned_data)
        return redirect("incoming:examine", incoming_id=outgoing.pk)
    return render(request, "incoming/outgoing_form.html", {"form": form})


def _urgency(interview: Interview) -> list[dict[str, str]]:
    return [
        {"text": t(f"incoming.urgency.steps.{s.key}"), "citation": s.citation}
        for s in examination.urgency_steps(interview)
    ]


@guard(*CASEWORKERS, load={"incoming_id": IncomingRequest})
@require_GET
def request_detail(request: HttpRequest, incoming: IncomingRequest) -> HttpResponse:
    journal(
        request,
        "request_viewed",
        target=_target(incoming),
        details={"request_id": incoming.pk, "person_id": incoming.person_id},
    )
    context: dict[str, Any] = {
        "incoming": incoming,
        "person": incoming.person,
        "requester": answering.requester_label(incoming),
        "request_text": incoming.get_sealed("request_text"),
        "documents": incoming.documents.all(),
        "document_form": DocumentForm(),
        "answer": getattr(incoming, "answer", None),
        "may_reopen": not incoming.is_open and services.may_reopen(incoming, request.user),
        "reopenings": [
            {"r": r, "statement": r.get_sealed("statement")}
            for r in incoming.reopenings.select_related("reopened_by", "previous_answer")
        ],
    }
    if context["answer"] is not None:
        decision = context["answer"].decision
        context["answer_basis"] = answering.basis_labels(
            decision, situation=context["answer"].situation or None
        )
        context["answer_findings"] = basis.finding_titles(decision)
    if incoming.urgent and incoming.is_open and incoming.interview_state:
        context["urgency"] = _urgency(examination.load(incoming))
    return render(request, "incoming/detail.html", context)


@guard(*CASEWORKERS, load={"incoming_id": IncomingRequest})
@sensitive_post_parameters("statement")
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, incoming: IncomingRequest) -> HttpResponse:
    """Reopening a closed request: its author or the head of service, with a reason,
    on a page that says what will happen."""
    if not services.may_reopen(incoming, request.user):
        return refuse(request, incoming)
    if incoming.is_open:
        messages.info(request, t("daily.reopen.already_open"))
        return redirect("incoming:detail", incoming_id=incoming.pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(
                request,
                incoming,
                reason=form.cleaned_data["reason"],
                statement=form.cleaned_data["statement"],
            )
        except services.NotClosed:
            pass
        messages.success(request, t("daily.reopen.done", number=incoming.pk))
        return redirect("incoming:detail", incoming_id=incoming.pk)
    return render(
        request,
        "incoming/reopen.html",
        {"form": form, "incoming": incoming, "person": incoming.person},
        status=400 if form.is_bound else 200,
    )


# -- documents ------------------------------------------------------------------


@guard(*CASEWORKERS, load={"incoming_id": IncomingRequest})
@require_POST
def document_add(request: HttpRequest, incoming: IncomingRequest) -> HttpResponse:
    if not incoming.is_open:  # a closed request's file is complete: nothing is added after
        messages.error(request, t("security.uploads.closed"))
        return redirect("incoming:detail", incoming_id=incoming.pk)
    files = request.FILES  # parsing the body tells whether the upload was over the limit
    if getattr(request, "upload_too_big", False):
        messages.error(request, t("incoming.document.too_big", limit=MAX_DOCUMENT_BYTES // 2**20))
        return redirect("incoming:detail", incoming_id=incoming.pk)
    form = DocumentForm(request.POST, files)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("incoming:detail", incoming_id=incoming.pk)
    services.add_document(
        request,
        incoming,
        raw=form.raw,
        kind=form.kind,
        sha256=form.sha256,
        filename=form.filename,
    )
    messages.success(request, t("incoming.document.added"))
    return redirect("incoming:detail", incoming_id=incoming.pk)


@guard(*CASEWORKERS, load={"document_id": RequestDocument})
@require_GET
def document_download(request: HttpRequest, document: RequestDocument) -> HttpResponse:
    raw = document.get_bytes()
    journal(
        request,
        "request_document_viewed",
        target=_target(document.request),
        details={
            "request_id": document.request_id,
            "document_id": document.pk,
            "document_sha256": document.sha256,
        },
    )
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        document.content_type, "txt"
    )
    # The name the requester gave the file (sealed with it); a neutral one if it had none.
    filename = (
        document.original_name or f"demande-{document.request_id}-piece-{document.pk}.{extension}"
    )
    return attachment_response(raw, filename, document.content_type)


# -- the examination -------------------------------------------------------------


_interview = services.interview_for


def _decision_context(interview: Interview, decision: Decision | None = None) -> dict[str, Any]:
    """The decision panel: ``decision``, the one the letter rests on (the person's own
    access: the wider decision on the categories of the items it carries,
    ``answer.decision_for``), else the interview's."""
    decision = decision or interview.decision
    return {
        "decision": decision,
        "verdict_label": t(f"verdicts.{decision.verdict}.label"),
        "verdict_sentence": t(f"verdicts.{decision.verdict}.sentence"),
        "may": [disclosure_label(c) for c in decision.may_disclose],
        "never": [disclosure_label(c) for c in decision.never_disclose],
        "duties": [t(f"duties.{d}") for d in decision.duties],
        # A provision that does not bind this holder (the youth-care code for a CPAS) is
        # marked « à vérifier » with the rule's notes, never cited bare.
        "basis": basis.titles(decision, situation=interview.situation),
        "findings": basis.finding_titles(decision),
        "citations": basis.citation_titles(decision, situation=interview.situation),
        "missing": [fact_label(p) for p in decision.missing],
    }


def _letter_decision(incoming: IncomingRequest, interview: Interview, user: Any) -> Decision:
    """The decision the letter proposed for a finished examination rests on: for the
    person's own access, the wider one on the categories of the items offered (what the
    answer page proposes, ``answer.decision_for``); else the interview's."""
    if not own_access(interview.situation):
        return interview.decision
    sources = services.offered_sources(incoming, interview, user)
    return letter_decision(interview.decision, interview.situation, sources)[0]


def _examine_context(
    incoming: IncomingRequest, interview: Interview, fix: str = "", user: Any = None
) -> dict[str, Any]:
    sources = incoming.prefill_sources or {}
    given = [
        {
            "path": path,
            "label": fact_label(path),
            "value": value_text(path, value),
            "source": t(f"incoming.examine.sources.{sources.get(path, 'register')}"),
        }
        for path, value in interview.given.items()
    ]
    answered = [
        {"path": a.path, "label": a.label, "value": a.value_label} for a in interview.history
    ]
    question = None
    if incoming.is_open:
        if fix:
            try:
                question = interview.question(fix)
            except SituationError:
                question = None
        if question is None:
            question = examination.next_question(interview, incoming.urgent)
    current = interview.situation.get(question.path) if question is not None else None
    chosen: set[str] = set()
    if current is not None:
        values = current if isinstance(current, frozenset) else {current}
        chosen = {str(v).lower() if isinstance(v, bool) else str(v) for v in values}
    kind, no_letter = answering.letter_kind(interview, incoming)
    context: dict[str, Any] = {
        "incoming": incoming,
        "person": incoming.person,
        "requester": answering.requester_label(incoming),
        "given": given,
        "answered": answered,
        "question": question,
        "chosen": chosen,
        "asked_count": len(interview.history),
        "finished": question is None,
        "letter_kind": kind,
        "no_letter": no_letter,
        "oral": answering.is_oral(incoming),
        "dropped": [a.label for a in interview.dropped],
        **_decision_context(
            interview,
            _letter_decision(incoming, interview, user)
            if question is None and incoming.is_open and user is not None
            else None,
        ),
    }
    if incoming.urgent and interview.situation.get("danger.exists") is True:
        context["urgency"] = _urgency(interview)
    return context


@guard(*CASEWORKERS, load={"incoming_id": IncomingRequest})
@require_http_methods(["GET", "POST"])
def examine(request: HttpRequest, incoming: IncomingRequest) -> HttpResponse:
    interview = _interview(incoming, request.user)
    error = ""
    fix = request.GET.get("corriger", "")
    if request.method == "POST":
        if not incoming.is_open:
            return redirect("incoming:detail", incoming_id=incoming.pk)
        path = request.POST.get("path", "")
        tokens = request.POST.getlist("value")
        if request.POST.get("action") == "unknown":
            tokens = [UNKNOWN_TOKEN]
        try:
            question = interview.question(path)
            if not tokens:
                raise SituationError(t("incoming.examine.choose"), path)
            interview.answer(path, question.parse(tokens))
        except SituationError as exc:
            error = exc.message
            fix = path if path else fix
        else:
            incoming.interview_state = interview.to_dict()
            incoming.save(update_fields=["interview_state"])
            return redirect("incoming:examine", incoming_id=incoming.pk)
    context = _examine_context(incoming, interview, fix, request.user)
    context["error"] = error
    journal_read(request, "examination", [incoming], target=_target(incoming))
    return render(request, "incoming/examine.html", context, status=_status(request, bool(error)))


def _status(request: HttpRequest, refused: bool) -> int:
    """400 for a refused post; 200 under htmx, which swaps only successful answers in."""
    return 400 if refused and not request.headers.get("HX-Request") else 200


@guard(*CASEWORKERS, load={"incoming_id": IncomingRequest})
@require_POST
def restart(request: HttpRequest, incoming: IncomingRequest) -> HttpResponse:
    if incoming.is_open:
        examination.start(incoming, request.user, timezone.localdate())
        incoming.save(update_fields=["interview_state", "prefill_sources"])
    return redirect("incoming:examine", incoming_id=incoming.pk)


# -- the answer -------------------------------------------------------------------


_letter_form = services.letter_form
_draft = services.draft


@guard(*CASEWORKERS, load={"incoming_id": IncomingRequest})
@once_per_token
@sensitive_variables("form", "draft")
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, incoming: IncomingRequest) -> HttpResponse:
    if not incoming.is_open:
        return redirect("incoming:detail", incoming_id=incoming.pk)
    interview = _interview(incoming, request.user)
    kind, no_letter = answering.letter_kind(interview, incoming)
    form = _letter_form(incoming, interview, request.user, request.POST or None)
    letter: list[dict[str, Any]] = []
    error = ""
    status = 200
    finished = examination.next_question(interview, incoming.urgent) is None
    shown = interview.decision  # the letter's, once its values are chosen
    if request.method == "POST":
        if request.POST.get("action") in ("close", "confirm") and not finished:
            error, status = t("incoming.answer.not_finished"), 400
        elif form.is_valid():
            draft = _draft(incoming, request.user, form)
            if kind:
                shown = answering.decision_for(interview, draft)[0]
            language = form.cleaned_data.get("document_language") or current_language()
            try:
                with using_language(language):
                    document = (
                        answering.letter_document(interview, draft, incoming) if kind else None
                    )
                if request.POST.get("action") == "confirm":
                    return _confirm_close(request, incoming, interview, kind, document)
                if request.POST.get("action") == "close":
                    try:
                        with using_language(language):
                            answering.close(request, incoming, interview, draft if kind else None)
                    except answering.AlreadyClosed:
                        return redirect("incoming:detail", incoming_id=incoming.pk)
                    done = (
                        "closed"
                        if kind
                        else "closed_oral"
                        if answering.is_oral(incoming)
                        else "closed_plain"
                    )
                    messages.success(request, t(f"incoming.answer.{done}"))
                    return redirect("incoming:detail", incoming_id=incoming.pk)
                letter = answering.preview(document) if document else []
            except DocumentError as exc:
                error = exc.message
                status = 400
        else:
            status = 400 if form.has_error("__all__", "forbidden") else 200
    elif kind:
        unbound = form  # a GET: the form above has no data
        bound = _letter_form(
            incoming,
            interview,
            request.user,
            services.proposed_data(unbound),
            sources=list(unbound.sources.values()),
        )
        if bound.is_valid():
            draft = _draft(incoming, request.user, bound)
            shown = answering.decision_for(interview, draft)[0]
            with using_language(bound.cleaned_data.get("document_language") or current_language()):
                letter = answering.preview(answering.letter_document(interview, draft, incoming))
        form = unbound
    return render(
        request,
        "incoming/answer.html",
        {
            "incoming": incoming,
            "person": incoming.person,
            "form": form,
            "letter_kind": kind,
            "no_letter": no_letter,
            "letter": letter,
            "error": error,
            "finished": finished,
            "recipient_block": answering.default_requester(incoming),
            "oral": answering.is_oral(incoming),
            "script": answering.script(interview) if answering.is_oral(incoming) else "",
            "sender_block": answering.default_sender(incoming, request.user),
            "nothing_offered": services.nothing_offered_reason(
                incoming,
                interview,
                request.user,
                list(form.sources.values()),
                items=form.file_items,
            ),
            **_decision_context(interview, shown),
        },
        status=_status(request, status == 400),
    )


def _confirm_close(
    request: HttpRequest,
    incoming: IncomingRequest,
    interview: Interview,
    kind: str | None,
    document: Any,
) -> HttpResponse:
    """The page that says what closing will do, with the same post kept for the final click.

    Closing is irreversible (the letter is sealed, what it carries goes out): the page's
    button asks first; nothing is stored until ``action=close`` comes back."""
    carried = {c for cats, _ in document.disclosed for c in cats} if document is not None else set()
    reposted = [
        (key, value)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", "action")
        for value in request.POST.getlist(key)
    ]
    return render(
        request,
        "incoming/answer_confirm.html",
        {
            "incoming": incoming,
            "person": incoming.person,
            "verdict_label": t(f"verdicts.{interview.decision.verdict}.label"),
            "letter_kind": kind,
            "letter_kind_label": t(f"incoming.letter.kinds.{kind}") if kind else "",
            "oral": answering.is_oral(incoming),
            "sent": [category_label(c) for c in CATEGORIES if c in carried],
            "reposted": reposted,
        },
    )


@guard(*CASEWORKERS, load={"incoming_id": IncomingRequest})
@require_GET
def letter_pdf(request: HttpRequest, incoming: IncomingRequest) -> HttpResponse:
    answer_obj = getattr(incoming, "answer", None)
    if answer_obj is None or not answer_obj.letter_sha256:
        raise Http404
    pdf = answer_obj.get_pdf()
    journal(
        request,
        "export",
        target=_target(incoming),
        details={
            "request_id": incoming.pk,
            "letter_sha256": answer_obj.letter_sha256,
            "format": "pdf",
        },
    )
    return pdf_response(pdf, f"reponse-demande-{incoming.pk}.pdf")


# -- the head of service and the DPO ----------------------------------------------


def same_requester_groups(requests: list[IncomingRequest]) -> list[dict[str, Any]]:
    """Requests grouped by normalised requester; a group about two persons or more is flagged."""
    groups: dict[str, list[IncomingRequest]] = defaultdict(list)
    for r in requests:
        groups[r.requester_key()].append(r)
    out = []
    for key, members in groups.items():
        persons = {r.person_id for r in members}
        if len(members) < 2:
            continue
        first = members[0]
        out.append(
            {
                "key": key,
                "requester": answering.requester_label(first),
                "contact": first.requester_contact,
                "requests": members,
                "person_count": len(persons),
                "fishing": len(persons) >= 2,
            }
        )
    out.sort(key=lambda g: (-g["person_count"], -len(g["requests"])))
    return out


@guard(roles.HEAD_SOCIAL_WORKER)
@require_GET
def follow_up(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    requests = list(
        IncomingRequest.objects.visible_to(request.user).select_related("person", "answer")
    )
    open_requests = sorted((r for r in requests if r.is_open), key=lambda r: r.received_at)
    closed = [r for r in requests if not r.is_open]
    open_page = paginate(request, open_requests, param="page_o")
    closed_page = paginate(request, closed, param="page_c")
    journal_read(request, "follow_up", requests)
    return render(
        request,
        "incoming/follow_up.html",
        {
            "open": [
                {"r": r, "age": r.age_days(now), "requester": answering.requester_label(r)}
                for r in open_page.object_list
            ],
            "closed": [
                {
                    "r": r,
                    "requester": answering.requester_label(r),
                    "verdict": t(f"verdicts.{r.answer.verdict}.label"),
                    "sent": ", ".join(category_label(c) for c in r.answer.sent_categories),
                }
                for r in closed_page.object_list
                if getattr(r, "answer", None) is not None
            ],
            "open_page": open_page,
            "closed_page": closed_page,
            "open_filters": query_without_page(request, "page_o"),
            "closed_filters": query_without_page(request, "page_c"),
            "groups": same_requester_groups(requests),
        },
    )


@guard(roles.DPO)
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The register's metadata: who asked what kind of data, how, when, the decision — never contents."""
    user: Any = request.user
    form = RequestFilterForm(request.GET or None)
    requests = form.apply(
        IncomingRequest.objects.filter(organisation_id=user.organisation_id).select_related(
            "answer"
        )
    )
    page = paginate(request, requests)
    rows = []
    for r in page.object_list:
        a = getattr(r, "answer", None)
        rows.append(
            {
                "r": r,
                "requester_kind": value_label("recipient.kind", r.requester_kind),
                "direction": t(f"incoming.directions.{r.direction}"),
                "channel": t(f"incoming.channels.{r.channel}"),
                "categories": ", ".join(category_label(c) for c in r.categories),
                "basis": t(f"incoming.bases.{r.claimed_basis}"),
                "verdict": t(f"verdicts.{a.verdict}.label") if a else "",
                "sent": ", ".join(category_label(c) for c in a.sent_categories) if a else "",
                "answer": a,
            }
        )
    journal(
        request,
        "request_register_viewed",
        target=f"organisation:{user.organisation_id}",
        details={"count": len(rows), "total_count": page.paginator.count},
    )
    return render(
        request,
        "incoming/register.html",
        {
            "rows": rows,
            "page": page,
            "filter_form": form,
            "filters": query_without_page(request),
        },
    )

"""The file: persons of the team, one person's file, adding and reading an item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from depositaire.engine.schema import CATEGORIES
from depositaire.messages import t
from depositaire.web import fields
from depositaire.web.accounts import roles
from depositaire.web.cases import corrections, lookup, national_number
from depositaire.web.cases.forms import ChangeReasonForm, ItemCorrectionForm, ItemForm, PersonForm
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.db.prepared import Prepared
from depositaire.web.once import once_per_token
from depositaire.web.views import guard, journal, journal_read, paginate, query_without_page

CASEWORKERS = tuple(sorted(roles.CASEWORKERS))
#: Words of a search beyond this are ignored (each one adds a condition to the query).
MAX_SEARCH_WORDS = 10


@guard()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own part of the circuit."""
    user: Any = request.user
    role = getattr(user, "role", "")
    if role in roles.CASEWORKERS:
        return redirect("cases:person_list")
    if role == roles.COMMITTEE_MEMBER:
        return redirect("disclosures:session_list")
    if role in (roles.PRESIDENT, roles.ADMIN_STAFF):
        return redirect("disclosures:inbox")
    if role == roles.DPO:
        return redirect("disclosures:registers")
    if role == roles.SYSADMIN or user.is_superuser:
        return redirect("admin:index")
    raise PermissionDenied


#: The person list's orders: parameter ``tri`` -> fields.
PERSON_ORDERS = {
    "nom": ("last_name", "first_name", "pk"),
    "-nom": ("-last_name", "-first_name", "-pk"),
    "dossier": ("pk",),
    "-dossier": ("-pk",),
}


@guard(*CASEWORKERS)
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    persons = Person.objects.visible_to(request.user).select_related("team")
    raw, search_error = fields.query_text(request.GET, "q")
    query = raw.strip()
    words = query.split()
    if search_error:
        # Nothing is searched on a refused text: the box says why, the text kept without
        # the character (QA s11).
        words = []
    elif lookup.looks_like_number(query):
        # A national number in any layout (85.07.30-033.61, 85073003361, 850730 033 61):
        # found through its keyed digest, the number itself being sealed.
        persons = persons.filter(national_number_index=lookup.index_of(query))
        words = ["number"]
    else:
        # Each word must be in the last or first name: "DUBOIS Jean", as the list shows it, finds him.
        if len(words) > MAX_SEARCH_WORDS:  # each word is a condition: a long text would fail
            words = words[:MAX_SEARCH_WORDS]
            messages.warning(request, t("security.forms.search_too_long", count=MAX_SEARCH_WORDS))
        for word in words:
            persons = persons.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    order = request.GET.get("tri", "nom")
    if order not in PERSON_ORDERS:
        order = "nom"
    persons = persons.annotate(item_count=Count("items", filter=Q(items__status="current")))
    page = paginate(request, persons.order_by(*PERSON_ORDERS[order]))
    journal_read(
        request,
        "person_list",
        page.object_list,
        words=len(words) if query else None,
        total=page.paginator.count,
    )
    return render(
        request,
        "cases/person_list.html",
        {
            "persons": page.object_list,
            "page": page,
            "query": query,
            "search_error": search_error,
            "order": order,
            "filters": query_without_page(request),
        },
    )


@guard(*CASEWORKERS)
@once_per_token
@sensitive_post_parameters("national_number", "address", "household")
@require_http_methods(["GET", "POST"])
@sensitive_variables("data", "form")
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user: Any = request.user
        person = Person(
            organisation_id=user.organisation_id,
            team=data["team"],
            social_worker=user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            nationality=data["nationality"],
        )
        person.set_identity(
            national_number_value=data["national_number"] or "",
            address=data["address"] or "",
            household=data["household"] or "",
        )
        person.save()
        journal(
            request,
            "person_created",
            target=f"person:{person.pk}",
            details={"person_id": person.pk},
        )
        messages.success(request, t("daily.person.created", number=person.pk))
        return redirect("cases:person_detail", person_id=person.pk)
    return render(request, "cases/person_form.html", {"form": form})


#: Columns the file page's lists do not show (sealed PDFs, extracts, engine states): not
#: read there. A deferred column is still read on use (one query more), never wrong.
REQUEST_LIST_DEFERRED = (
    "interview_state",
    "prefill_sources",
    "request_text",
    "answer__letter_pdf",
    "answer__decision",
    "answer__situation",
)
DISCLOSURE_LIST_DEFERRED = ("extract_pdf", "extract_html", "outcomes", "facts")


def _file_items(person_id: int, user_id: int) -> Any:
    """The file's current and withdrawn items the user may read (both newest first, as
    the model orders them), the file itself known visible (``person_detail``'s guard)."""
    return (
        InformationItem.objects.filter(person_id=person_id, status__in=("current", "withdrawn"))
        .readable_by(user_id)
        .select_related("author", "changed_by")
    )


def _file_requests(organisation_id: int, person_id: int) -> Any:
    """The requests about a file (``IncomingRequest.visible_to`` once the file is known
    visible: the same organisation, that person), newest first."""
    from depositaire.web.incoming.models import IncomingRequest

    return (
        IncomingRequest.objects.filter(organisation_id=organisation_id, person_id=person_id)
        .select_related("answer")
        # The list shows neither the letter (a sealed PDF) nor the examination's state.
        .defer(*REQUEST_LIST_DEFERRED)
        .order_by("-received_at", "-pk")
    )


def _others_confidences(person_id: int, user_id: int) -> Any:
    """The file's current confidences of other authors (the page counts them: their
    content is never read), by id only."""
    return (
        InformationItem.objects.current()
        .filter(person_id=person_id, nature="confidence")
        .exclude(author_id=user_id)
        .order_by()
        .only("pk")
    )


#: The file page's items and requests: the file was checked by the guard, so the same
#: two queries for every file and user, compiled once per connection.
_FILE_ITEMS = Prepared(_file_items, -1, -2)
_FILE_REQUESTS = Prepared(_file_requests, -1, -2)
_OTHERS_CONFIDENCES = Prepared(_others_confidences, -1, -2)


def requests_about(person: Person, user: Any) -> list[dict[str, Any]]:
    """The requests about the person the user may see, each with its outcome (the person's
    file was checked visible to ``user`` by the caller's guard).

    An answer the law keeps secret (``keep_secret``: the measure must not be revealed, art.
    46bis/1 CIC, as decided by the engine's duty ``keep_measure_secret``) is listed with a
    warning instead of its outcome; the register keeps the rest. The guard is the one
    check of the user's role and organisation (403 for another role, 404 for another
    file): no second check here."""
    out = []
    for r in _FILE_REQUESTS.fetch(user.organisation_id, person.pk):
        answer = getattr(r, "answer", None)
        secret = bool(answer is not None and answer.keep_secret)
        out.append(
            {
                "r": r,
                "answer": None if secret else answer,
                "secret": secret,
                "verdict": t(f"verdicts.{answer.verdict}.label") if answer and not secret else "",
            }
        )
    return out


def _consents(person_id: int) -> Any:
    from depositaire.web.consent.models import Consent

    return Consent.objects.filter(person_id=person_id).select_related("recorded_by")


def _objections(person_id: int) -> Any:
    from depositaire.web.consent.models import Objection

    return Objection.objects.filter(person_id=person_id).select_related("recorded_by")


def _disclosures(person_id: int) -> Any:
    from depositaire.web.disclosures.models import Disclosure

    return (
        Disclosure.objects.filter(person_id=person_id)
        .select_related("prepared_by", "session")
        .defer(*DISCLOSURE_LIST_DEFERRED)
    )


#: The file's consents, objections and disclosures: one person's, whoever reads (the file
#: itself was checked by the guard), so the same queries each time, compiled once.
_CONSENTS = Prepared(_consents, -1)
_OBJECTIONS = Prepared(_objections, -1)
_DISCLOSURES = Prepared(_disclosures, -1)


def _item_rows(items: Any) -> list[dict[str, Any]]:
    """The file page's rows of items, each cell's words written here once (what the
    template's filters and catalogue tags wrote for every row): the same text."""
    from depositaire.web.accounts.templatetags.dep import categories_label, fr_date, value_label

    return [
        {
            "item": item,
            "date": fr_date(item.created_at),
            "nature": value_label(item.nature, "information.nature"),
            "categories": categories_label(item.categories),
            "origin": t("web.origins." + item.origin),
            "author": item.author.display_name,
        }
        for item in items
    ]


def _request_rows(rows: Any) -> list[dict[str, Any]]:
    """The file page's rows of requests (``requests_about``'s), their cells' words."""
    from depositaire.web.accounts.templatetags.dep import categories_label, fr_date, value_label

    return [
        {
            **row,
            "direction": t("incoming.directions." + row["r"].direction),
            "received": fr_date(row["r"].received_at),
            "requester": value_label(row["r"].requester_kind, "recipient.kind"),
            "categories": categories_label(row["r"].categories),
            "status": t("incoming.statuses." + row["r"].status),
            "sent": categories_label(row["answer"].sent_categories) if row["answer"] else "",
        }
        for row in rows
    ]


def _disclosure_rows(disclosures: Any) -> list[dict[str, Any]]:
    """The file page's rows of disclosures, their cells' words."""
    from depositaire.web.accounts.templatetags.dep import categories_label, fr_date, value_label

    return [
        {
            "d": d,
            "date": fr_date(d.created_at),
            "recipient": value_label(d.recipient_kind, "recipient.kind"),
            "purpose": value_label(d.purpose, "request.kind"),
            "categories": categories_label(d.disclosed_categories),
            "status": t("web.disclosure.statuses." + d.status),
        }
        for d in disclosures
    ]


#: Current items on one page of a person's file.
ITEMS_PER_PAGE = 25
#: Disclosures on one page of a person's file (newest first): they grow with every one.
DISCLOSURES_PER_PAGE = 20


@guard(*CASEWORKERS, load={"person_id": Person})
@require_GET
def person_detail(request: HttpRequest, person: Person) -> HttpResponse:
    user: Any = request.user
    # The current items and the withdrawn ones in one query (both newest first, as the
    # model orders them), read as ``history_visible_to`` reads them (``readable_by``).
    shown = _FILE_ITEMS.fetch(person.pk, user.pk)
    items = [item for item in shown if item.status == "current"]
    withdrawn = [item for item in shown if item.status == "withdrawn"]
    others_confidences = len(_OTHERS_CONFIDENCES.fetch(person.pk, user.pk))
    number = person.get_sealed("national_number")
    # A file keeps every note of years of follow-up: its current items are shown by pages
    # (newest first), like its requests; the page costs the same whatever the file holds.
    items_page = paginate(request, items, per_page=ITEMS_PER_PAGE, param="page_e")
    requests_page = paginate(request, requests_about(person, user), per_page=20, param="page_d")
    disclosures_page = paginate(
        request, _DISCLOSURES.fetch(person.pk), per_page=DISCLOSURES_PER_PAGE, param="page_c"
    )
    context = {
        "person": person,
        "items": items_page.object_list,
        "item_rows": _item_rows(items_page.object_list),
        "items_page": items_page,
        "items_filters": query_without_page(request, "page_e"),
        "others_confidences": others_confidences,
        "national_number": national_number.format_number(number) if number else "",
        "address": person.get_sealed("address"),
        "household": person.get_sealed("household"),
        "consents": _CONSENTS.fetch(person.pk),
        "objections": _OBJECTIONS.fetch(person.pk),
        "disclosures": disclosures_page.object_list,
        "disclosure_rows": _disclosure_rows(disclosures_page.object_list),
        "disclosures_page": disclosures_page,
        "disclosures_filters": query_without_page(request, "page_c"),
        "minor": person.is_minor(),
        "requests": requests_page.object_list,
        "request_rows": _request_rows(requests_page.object_list),
        "requests_page": requests_page,
        "requests_filters": query_without_page(request, "page_d"),
        "withdrawn_items": withdrawn,
    }
    journal(request, "file_viewed", target=f"person:{person.pk}", details={"person_id": person.pk})
    return render(request, "cases/person_detail.html", context)


@guard(*CASEWORKERS, load={"person_id": Person})
@once_per_token
@sensitive_post_parameters("content")
@require_http_methods(["GET", "POST"])
@sensitive_variables("data", "form")
def item_create(request: HttpRequest, person: Person) -> HttpResponse:
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = InformationItem(
            person=person,
            nature=data["nature"],
            categories=[c for c in CATEGORIES if c in data["categories"]],
            origin=data["origin"],
            author=request.user,
        )
        item.set_content(data["content"])
        item.save()
        journal(
            request,
            "item_created",
            target=f"person:{person.pk}",
            details={
                "item_id": item.pk,
                "person_id": person.pk,
                "categories": len(item.categories),
            },
        )
        messages.success(request, t("daily.item.created", number=item.pk))
        return redirect(reverse("cases:person_detail", kwargs={"person_id": person.pk}) + "#items")
    return render(request, "cases/item_form.html", {"form": form, "person": person})


@guard(
    *CASEWORKERS, load={"item_id": (InformationItem, "history_visible_to", ("person", "author"))}
)
@require_GET
@sensitive_variables("content")
def item_detail(request: HttpRequest, item: InformationItem) -> HttpResponse:
    """An item and its history (every version, to whom the original is visible)."""
    content = item.read_content(request.user)
    latest = item.latest()
    versions = [
        {
            "item": v,
            # The item itself was checked and read just above.
            "content": content if v is item else v.read_content(request.user),
            "note": v.get_sealed("change_note"),
        }
        for v in latest.versions()
    ]
    journal(
        request,
        "item_viewed",
        target=f"person:{item.person_id}",
        details={
            "item_id": item.pk,
            "person_id": item.person_id,
            "item_ids": [v["item"].pk for v in versions],
        },
    )
    return render(
        request,
        "cases/item_detail.html",
        {
            "item": item,
            "person": item.person,
            "content": content,
            "versions": versions if len(versions) > 1 or not item.is_current else [],
            "latest": latest,
            "withdrawal_note": item.get_sealed("change_note") if item.status == "withdrawn" else "",
        },
    )


@guard(*CASEWORKERS, load={"item_id": InformationItem})
@sensitive_post_parameters("content", "note")
@require_http_methods(["GET", "POST"])
@sensitive_variables("data", "form", "initial")
def item_correct(request: HttpRequest, item: InformationItem) -> HttpResponse:
    """A new version of a current item; the earlier one is kept (see :mod:`corrections`)."""
    initial = {
        "categories": item.categories,
        "origin": item.origin,
        "content": item.read_content(request.user),
    }
    form = ItemCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = corrections.correct(
                request,
                item,
                content=data["content"],
                categories=list(data["categories"]),
                origin=data["origin"],
                reason=data["reason"],
                note=data["note"],
            )
        except corrections.AlreadyChanged:
            messages.error(request, t("daily.item.already_changed"))
            return redirect("cases:item_detail", item_id=item.pk)
        messages.success(request, t("daily.item.corrected", number=new.pk, previous=item.pk))
        return redirect("cases:item_detail", item_id=new.pk)
    return render(
        request, "cases/item_correct.html", {"form": form, "item": item, "person": item.person}
    )


@guard(*CASEWORKERS, load={"item_id": InformationItem})
@sensitive_post_parameters("note")
@require_http_methods(["GET", "POST"])
@sensitive_variables("form")
def item_withdraw(request: HttpRequest, item: InformationItem) -> HttpResponse:
    """Withdrawing is asked on its own page that says what will happen, then confirmed."""
    form = ChangeReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            corrections.withdraw(
                request, item, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
        except corrections.AlreadyChanged:
            messages.error(request, t("daily.item.already_changed"))
            return redirect("cases:item_detail", item_id=item.pk)
        messages.success(request, t("daily.item.withdrawn", number=item.pk))
        return redirect(
            reverse("cases:person_detail", kwargs={"person_id": item.person_id}) + "#items"
        )
    return render(
        request,
        "cases/item_withdraw.html",
        {"form": form, "item": item, "person": item.person},
        status=400 if form.is_bound else 200,
    )

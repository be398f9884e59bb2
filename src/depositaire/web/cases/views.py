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
from depositaire.web.accounts import roles
from depositaire.web.cases import national_number
from depositaire.web.cases.forms import ItemForm, PersonForm
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.views import guard, journal, journal_read

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


@guard(*CASEWORKERS)
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    persons = Person.objects.visible_to(request.user).select_related("team")
    query = request.GET.get("q", "").strip()
    # Each word must be in the last or first name: "DUBOIS Jean", as the list shows it, finds him.
    words = query.split()
    if len(words) > MAX_SEARCH_WORDS:  # each word is a condition: a long text would fail the query
        words = words[:MAX_SEARCH_WORDS]
        messages.warning(request, t("security.forms.search_too_long", count=MAX_SEARCH_WORDS))
    for word in words:
        persons = persons.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    persons = persons.annotate(item_count=Count("items"))
    journal_read(request, "person_list", persons, words=len(words) if query else None)
    return render(request, "cases/person_list.html", {"persons": persons, "query": query})


@guard(*CASEWORKERS)
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
        return redirect("cases:person_detail", person_id=person.pk)
    return render(request, "cases/person_form.html", {"form": form})


@guard(*CASEWORKERS, load={"person_id": Person})
@require_GET
def person_detail(request: HttpRequest, person: Person) -> HttpResponse:
    from depositaire.web.consent.models import Consent, Objection
    from depositaire.web.disclosures.models import Disclosure

    user: Any = request.user
    items = InformationItem.objects.visible_to(user).filter(person=person).select_related("author")
    others_confidences = (
        InformationItem.objects.filter(person=person, nature="confidence")
        .exclude(author_id=user.pk)
        .count()
    )
    number = person.get_sealed("national_number")
    context = {
        "person": person,
        "items": items,
        "others_confidences": others_confidences,
        "national_number": national_number.format_number(number) if number else "",
        "address": person.get_sealed("address"),
        "household": person.get_sealed("household"),
        "consents": Consent.objects.filter(person=person).select_related("recorded_by"),
        "objections": Objection.objects.filter(person=person).select_related("recorded_by"),
        "disclosures": Disclosure.objects.filter(person=person).select_related(
            "prepared_by", "session"
        ),
        "minor": person.is_minor(),
    }
    journal(request, "file_viewed", target=f"person:{person.pk}", details={"person_id": person.pk})
    return render(request, "cases/person_detail.html", context)


@guard(*CASEWORKERS, load={"person_id": Person})
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
        return redirect(reverse("cases:person_detail", kwargs={"person_id": person.pk}) + "#items")
    return render(request, "cases/item_form.html", {"form": form, "person": person})


@guard(*CASEWORKERS, load={"item_id": InformationItem})
@require_GET
@sensitive_variables("content")
def item_detail(request: HttpRequest, item: InformationItem) -> HttpResponse:
    content = item.read_content(request.user)
    journal(
        request,
        "item_viewed",
        target=f"person:{item.person_id}",
        details={"item_id": item.pk, "person_id": item.person_id},
    )
    return render(
        request, "cases/item_detail.html", {"item": item, "person": item.person, "content": content}
    )

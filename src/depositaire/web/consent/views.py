"""Recording, withdrawing and lifting consents and objections; every change is journaled."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from depositaire.engine.schema import CATEGORIES
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import Person
from depositaire.web.consent.forms import ConsentForm, ObjectionForm
from depositaire.web.consent.models import Consent, Objection
from depositaire.web.once import once_per_token
from depositaire.web.views import guard, journal

CASEWORKERS = tuple(sorted(roles.CASEWORKERS))


def _back(person_id: int) -> HttpResponse:
    return redirect(reverse("cases:person_detail", kwargs={"person_id": person_id}) + "#consents")


def _ordered(categories: list[str]) -> list[str]:
    return [c for c in CATEGORIES if c in categories]


@guard(*CASEWORKERS, load={"person_id": Person})
@once_per_token
@sensitive_post_parameters("information_given")
@require_http_methods(["GET", "POST"])
@sensitive_variables("data", "form")
def consent_create(request: HttpRequest, person: Person) -> HttpResponse:
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        given = data["answer"] == "given"
        consent = Consent(
            person=person,
            status="active" if given else "rejected",
            decision="permit" if given else "deny",
            recipient_kind=data["recipient_kind"],
            recipient_name=data["recipient_name"].strip(),
            purpose=data["purpose"],
            categories=_ordered(data["categories"]),
            informed=data["informed"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            recorded_by=request.user,
        )
        consent.set_sealed("information_given", data["information_given"] or "")
        consent.save()
        journal(
            request,
            "consent_changed",
            target=f"person:{person.pk}",
            details={
                "consent_id": consent.pk,
                "person_id": person.pk,
                "status": consent.status,
                "state": consent.decision,
            },
        )
        messages.success(request, t(f"daily.consent.recorded_{consent.status}", number=consent.pk))
        return _back(person.pk)
    return render(request, "consent/consent_form.html", {"form": form, "person": person})


@guard(*CASEWORKERS, load={"consent_id": Consent})
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, consent: Consent) -> HttpResponse:
    """GET: the page that says what withdrawing the consent will do; POST: withdraw it."""
    if request.method == "GET":
        if consent.withdrawn_on is not None:
            return _back(consent.person_id)
        return render(
            request,
            "consent/consent_withdraw.html",
            {"consent": consent, "person": consent.person},
        )
    if consent.withdrawn_on is None:
        consent.withdraw(timezone.localdate())
        consent.save(update_fields=["withdrawn_on", "status"])
        journal(
            request,
            "consent_changed",
            target=f"person:{consent.person_id}",
            details={
                "consent_id": consent.pk,
                "person_id": consent.person_id,
                "status": consent.status,
                "reason": "withdrawn",
            },
        )
        messages.success(request, t("daily.consent.withdrawn", number=consent.pk))
    return _back(consent.person_id)


@guard(*CASEWORKERS, load={"consent_id": Consent})
@require_GET
def consent_fhir(request: HttpRequest, consent: Consent) -> HttpResponse:
    journal(
        request,
        "export",
        target=f"person:{consent.person_id}",
        details={"consent_id": consent.pk, "person_id": consent.person_id, "format": "fhir"},
    )
    return JsonResponse(consent.to_fhir(), json_dumps_params={"ensure_ascii": False, "indent": 2})


@guard(*CASEWORKERS, load={"person_id": Person})
@once_per_token
@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, person: Person) -> HttpResponse:
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        objection = Objection(
            person=person,
            status="active",
            decision="deny",
            recipient_kind=data["recipient_kind"] or "",
            categories=_ordered(data["categories"]),
            period_start=data["period_start"],
            period_end=data["period_end"],
            recorded_by=request.user,
        )
        objection.save()
        journal(
            request,
            "objection_changed",
            target=f"person:{person.pk}",
            details={
                "objection_id": objection.pk,
                "person_id": person.pk,
                "status": objection.status,
            },
        )
        messages.success(request, t("daily.consent.objection_recorded", number=objection.pk))
        return _back(person.pk)
    return render(request, "consent/objection_form.html", {"form": form, "person": person})


@guard(*CASEWORKERS, load={"objection_id": Objection})
@require_POST
def objection_lift(request: HttpRequest, objection: Objection) -> HttpResponse:
    if objection.withdrawn_on is None:
        objection.withdraw(timezone.localdate())
        objection.save(update_fields=["withdrawn_on", "status"])
        journal(
            request,
            "objection_changed",
            target=f"person:{objection.person_id}",
            details={
                "objection_id": objection.pk,
                "person_id": objection.person_id,
                "status": objection.status,
                "reason": "lifted",
            },
        )
        messages.success(request, t("daily.consent.objection_lifted", number=objection.pk))
    return _back(objection.person_id)

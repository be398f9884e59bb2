"""Break-the-glass: opening a file outside one's team in an emergency, with a reason.

A social worker (or head) of the organisation gives the file number, a reason from the
list and their own words; the file opens for ``EMERGENCY_SECONDS``. The access is
journaled (``break_glass``), listed for the head social worker and the DPO on
"Accès d'urgence", and in the person's report. Confidences stay their author's alone:
an emergency opens the file, never another worker's confidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import (
    EMERGENCY_REASONS,
    EMERGENCY_SECONDS,
    EmergencyAccess,
    Person,
)
from depositaire.web.views import guard, journal, paginate, query_without_page

CASEWORKERS = tuple(sorted(roles.CASEWORKERS))
#: How far back the list of emergency accesses goes.
LIST_DAYS = 90


def reason_label(code: str) -> str:
    return t(f"security.emergency.reasons.{code}")


class EmergencyForm(forms.Form):
    file_number = forms.IntegerField(
        label=t("security.emergency.file_number"), min_value=1, max_value=2**63 - 1
    )
    reason = forms.ChoiceField(
        label=t("security.emergency.reason"),
        choices=[(r, reason_label(r)) for r in EMERGENCY_REASONS],
    )
    statement = forms.CharField(
        label=t("security.emergency.statement"),
        help_text=t("security.emergency.statement_help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=1000,
    )


@guard(*CASEWORKERS)
@require_http_methods(["GET", "POST"])
def emergency_open(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = EmergencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["file_number"]
        person = Person.objects.filter(organisation_id=user.organisation_id, pk=number).first()
        if person is None:
            form.add_error("file_number", t("security.emergency.no_file"))
        elif Person.objects.visible_to(user).filter(pk=person.pk).exists():
            return redirect("cases:person_detail", person_id=person.pk)
        else:
            access = EmergencyAccess(
                person=person,
                user=user,
                reason=form.cleaned_data["reason"],
                expires_at=timezone.now() + dt.timedelta(seconds=EMERGENCY_SECONDS),
            )
            access.set_sealed("statement", form.cleaned_data["statement"])
            access.save()
            journal(
                request,
                "break_glass",
                target=f"person:{person.pk}",
                details={
                    "person_id": person.pk,
                    "access_id": access.pk,
                    "reason": access.reason,
                    "team_id": person.team_id,
                },
            )
            return redirect("cases:person_detail", person_id=person.pk)
    return render(
        request,
        "cases/emergency_form.html",
        {"form": form, "hours": EMERGENCY_SECONDS // 3600},
    )


@guard(roles.HEAD_SOCIAL_WORKER, roles.DPO)
@require_GET
def emergency_list(request: HttpRequest) -> HttpResponse:
    """The emergency accesses of the organisation (the head: to the files of their teams)."""
    user: Any = request.user
    since = timezone.now() - dt.timedelta(days=LIST_DAYS)
    accesses = EmergencyAccess.objects.filter(
        person__organisation_id=user.organisation_id, created_at__gte=since
    ).select_related("user", "person")
    if user.role == roles.HEAD_SOCIAL_WORKER:
        accesses = accesses.filter(person__team__in=user.teams.all())
    page = paginate(request, accesses)
    rows = [
        {
            "access": a,
            "reason": reason_label(a.reason),
            # The head reads the worker's words; the DPO controls, never reads contents.
            "statement": a.get_sealed("statement") if user.role == roles.HEAD_SOCIAL_WORKER else "",
        }
        for a in page.object_list
    ]
    journal(
        request,
        "list_viewed",
        details={
            "view": "emergency_accesses",
            "count": len(rows),
            "total_count": page.paginator.count,
        },
    )
    return render(
        request,
        "cases/emergency_list.html",
        {
            "rows": rows,
            "page": page,
            "filters": query_without_page(request),
            "days": LIST_DAYS,
            "show_statement": user.role == roles.HEAD_SOCIAL_WORKER,
        },
    )

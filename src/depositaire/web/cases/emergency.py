"""Break-the-glass: opening a file outside one's team in an emergency, with a reason.

A social worker (or head) of the organisation gives the file number, a reason from the
list and their own words; the file opens for ``EMERGENCY_SECONDS``. The access is
journaled (``break_glass``), listed for the head social worker and the DPO on
"Accès d'urgence", and in the person's report. The DPO and the heads of the file's team
are also alerted at once by e-mail (Django's mail backend), a message with no personal
data: that an emergency access occurred, when, by which function and service, and a
link to "Accès d'urgence"; each marks an access examined there, and the header counts
the accesses they have not examined yet. Confidences stay their author's alone:
an emergency opens the file, never another worker's confidence.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Any

from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from depositaire.messages import lazy_t, lazy_text, t
from depositaire.web import fields
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import User
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

log = logging.getLogger("depositaire.security")


def reason_label(code: str) -> str:
    return t(f"security.emergency.reasons.{code}")


class EmergencyForm(fields.Form):
    file_number = fields.FileNumberField(label=lazy_t("security.emergency.file_number"))
    reason = forms.ChoiceField(
        label=lazy_t("security.emergency.reason"),
        choices=[(r, lazy_text(reason_label, r)) for r in EMERGENCY_REASONS],
    )
    statement = forms.CharField(
        label=lazy_t("security.emergency.statement"),
        help_text=lazy_t("security.emergency.statement_help"),
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
            alerted = send_alerts(request, access)
            journal(
                request,
                "break_glass",
                target=f"person:{person.pk}",
                details={
                    "person_id": person.pk,
                    "access_id": access.pk,
                    "reason": access.reason,
                    "team_id": person.team_id,
                    "alerts_count": alerted,
                },
            )
            return redirect("cases:person_detail", person_id=person.pk)
    return render(
        request,
        "cases/emergency_form.html",
        {"form": form, "hours": EMERGENCY_SECONDS // 3600},
    )


def alert_recipients(access: EmergencyAccess) -> QuerySet[User]:
    """The DPO(s) of the organisation and the heads of the file's team (active, with an address)."""
    person = access.person
    return (
        User.objects.filter(organisation_id=person.organisation_id, is_active=True)
        .filter(Q(role=roles.DPO) | Q(role=roles.HEAD_SOCIAL_WORKER, teams=person.team_id))
        .exclude(email="")
        .exclude(pk=access.user_id)
        .distinct()
    )


def send_alerts(request: HttpRequest, access: EmergencyAccess) -> int:
    """One e-mail per controller; the number sent. No name, no file number, no reason:
    the message only says that an emergency access occurred, when, by which function
    and service, and where to look. A mail server down does not stop the access (it is
    journaled and listed all the same); the failure is logged without a recipient."""
    worker: Any = access.user
    services = ", ".join(worker.teams.order_by("name").values_list("name", flat=True))
    body = t(
        "security.emergency.alert_body",
        when=timezone.localtime(access.created_at).strftime("%d/%m/%Y à %H:%M"),
        role=worker.get_role_display(),
        service=services or t("security.emergency.alert_no_service"),
        link=request.build_absolute_uri(reverse("cases:emergency_list")),
    )
    sent = 0
    for recipient in alert_recipients(access):
        try:
            sent += send_mail(
                t("security.emergency.alert_subject"),
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
            )
        except (smtplib.SMTPException, OSError) as error:
            log.warning("emergency alert not sent: %s", type(error).__name__)
    return sent


def _scope(user: Any) -> QuerySet[EmergencyAccess]:
    accesses = EmergencyAccess.objects.filter(person__organisation_id=user.organisation_id)
    if user.role == roles.HEAD_SOCIAL_WORKER:
        accesses = accesses.filter(person__team__in=user.teams.all())
    return accesses


def _review_field(user: Any) -> str:
    return "head_reviewed_at" if user.role == roles.HEAD_SOCIAL_WORKER else "dpo_reviewed_at"


def unreviewed_count(user: Any) -> int:
    """The accesses this head or DPO has not examined yet (the badge in the header)."""
    if getattr(user, "role", "") not in (roles.HEAD_SOCIAL_WORKER, roles.DPO):
        return 0
    return _scope(user).filter(**{f"{_review_field(user)}__isnull": True}).count()


#: The pages a head and a DPO land on (``cases:home``): they also show the count in a banner.
HOME_VIEWS = frozenset({"cases:person_list", "disclosures:registers"})


def badge(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``emergency_unreviewed`` for the header of a head or a DPO."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", bool)():
        return {}
    count = unreviewed_count(user)
    if not count:
        return {}
    match = getattr(request, "resolver_match", None)
    home = match is not None and match.view_name in HOME_VIEWS
    return {"emergency_unreviewed": count, "emergency_on_home": home}


@guard(roles.HEAD_SOCIAL_WORKER, roles.DPO)
@require_http_methods(["GET", "POST"])
def emergency_list(request: HttpRequest) -> HttpResponse:
    """The emergency accesses of the organisation (the head: to the files of their teams);
    each can be marked examined (journaled ``break_glass_reviewed``)."""
    user: Any = request.user
    field = _review_field(user)
    if request.method == "POST":
        key = request.POST.get("access", "")
        access = (
            _scope(user).filter(pk=int(key), **{f"{field}__isnull": True}).first()
            if key.isdecimal() and len(key) < 19
            else None
        )
        if access is None:
            raise Http404
        setattr(access, field, timezone.now())
        setattr(access, field.replace("_at", "_by"), user)
        access.save(update_fields=[field, field.replace("_at", "_by")])
        journal(
            request,
            "break_glass_reviewed",
            target=f"person:{access.person_id}",
            details={"access_id": access.pk, "person_id": access.person_id},
        )
        return redirect("cases:emergency_list")
    since = timezone.now() - dt.timedelta(days=LIST_DAYS)
    accesses = (
        _scope(user)
        .filter(Q(created_at__gte=since) | Q(**{f"{field}__isnull": True}))
        .select_related("user", "person")
    )
    page = paginate(request, accesses)
    rows = [
        {
            "access": a,
            "reason": reason_label(a.reason),
            # The head reads the worker's words; the DPO controls, never reads contents.
            "statement": a.get_sealed("statement") if user.role == roles.HEAD_SOCIAL_WORKER else "",
            "reviewed_at": getattr(a, field),
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

"""The filter forms of the lists (requests, the DPO's journal): bad input is a French error.

A filter that does not validate is shown with its error and the list stays unfiltered
on that point; it never answers 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from depositaire.messages import t
from depositaire.web import fields

MAX_TEXT = 100


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _after(day: dt.date) -> dt.datetime:
    return _start_of(day + dt.timedelta(days=1))


class DateRangeMixin(fields.Form):
    du = fields.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    au = fields.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        if start and end and start > end:
            raise ValidationError(t("daily.filters.range_reversed"), code="range")
        return data

    def valid_data(self) -> dict[str, Any]:
        """The fields that validated (an invalid one is left out, with its error shown)."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        if self.has_error("__all__", "range"):
            data.pop("du", None)
            data.pop("au", None)
        return data

    def date_filter(self, field: str) -> dict[str, dt.datetime]:
        data = self.valid_data()
        out: dict[str, dt.datetime] = {}
        if data.get("du"):
            out[f"{field}__gte"] = _start_of(data["du"])
        if data.get("au"):
            out[f"{field}__lt"] = _after(data["au"])
        return out


REQUEST_ORDERS = {
    "recu": ("received_at", "pk"),
    "-recu": ("-received_at", "-pk"),
    "statut": ("-status", "-received_at", "-pk"),
}


class RequestFilterForm(DateRangeMixin):
    """The register's filters: requester (organisation, name or contact), status, dates."""

    demandeur = forms.CharField(required=False, max_length=MAX_TEXT, strip=True)
    statut = forms.ChoiceField(required=False)
    tri = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["demandeur"].label = t("daily.requests.requester")
        self.fields["statut"].label = t("daily.requests.status")
        self.fields["statut"].choices = [
            ("", t("daily.requests.all_statuses")),
            ("open", t("incoming.statuses.open")),
            ("closed", t("incoming.statuses.closed")),
        ]
        self.fields["tri"].label = t("daily.sort.label")
        self.fields["tri"].choices = [
            ("statut", t("daily.sort.status")),
            ("-recu", t("daily.sort.newest")),
            ("recu", t("daily.sort.oldest")),
        ]
        self.fields["du"].label = t("daily.filters.from")
        self.fields["au"].label = t("daily.filters.to")

    def apply(self, requests: Any) -> Any:
        from django.db.models import Q

        data = self.valid_data()
        who = data.get("demandeur") or ""
        for word in who.split()[:10]:
            requests = requests.filter(
                Q(requester_organisation__icontains=word)
                | Q(requester_name__icontains=word)
                | Q(requester_contact__icontains=word)
            )
        if data.get("statut"):
            requests = requests.filter(status=data["statut"])
        requests = requests.filter(**self.date_filter("received_at"))
        order = data.get("tri") or "statut"
        return requests.order_by(*REQUEST_ORDERS[order])


class JournalFilterForm(DateRangeMixin):
    """The DPO's journal filters: dates, user, person (file number), action."""

    utilisateur = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    dossier = fields.FileNumberField(required=False)
    action = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        users: list[tuple[int, str]],
        actions: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["utilisateur"].label = t("daily.journal.user")
        self.fields["utilisateur"].choices = [("", t("daily.journal.all_users"))] + [
            (str(pk), name) for pk, name in users
        ]
        self.fields["dossier"].label = t("daily.journal.person")
        self.fields["dossier"].error_messages["invalid"] = t("daily.journal.person_invalid")
        self.fields["dossier"].error_messages["min_value"] = t("daily.journal.person_invalid")
        self.fields["dossier"].error_messages["max_value"] = t("daily.journal.person_invalid")
        self.fields["action"].label = t("web.journal.filter")
        self.fields["action"].choices = [("", t("web.journal.all_actions")), *actions]
        self.fields["du"].label = t("daily.filters.from")
        self.fields["au"].label = t("daily.filters.to")

    def apply(self, entries: Any) -> Any:
        from django.db.models import Q

        data = self.valid_data()
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("utilisateur") is not None:
            entries = entries.filter(actor_id=data["utilisateur"])
        if data.get("dossier"):
            number = data["dossier"]
            entries = entries.filter(
                Q(target=f"person:{number}")
                | Q(target__startswith=f"person:{number}/")
                | Q(details__person_id=number)
            )
        return entries.filter(**self.date_filter("created_at"))

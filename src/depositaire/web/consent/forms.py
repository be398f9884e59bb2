"""Recording a consent (given or refused) and an objection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy

from depositaire.engine.explain import value_label
from depositaire.engine.schema import RECIPIENT_KINDS, REQUEST_KINDS
from depositaire.messages import lazy_t, t
from depositaire.web import fields
from depositaire.web.cases.forms import category_choices

#: Labels of choices built at import: rendered in the reader's language when shown.
_value_label = lazy(value_label, str)


def recipient_choices(blank: str | None = None) -> list[tuple[str, str]]:
    out = [(k, _value_label("recipient.kind", k)) for k in RECIPIENT_KINDS]
    return [("", blank), *out] if blank is not None else out


def purpose_choices(blank: str | None = None) -> list[tuple[str, str]]:
    out = [(k, _value_label("request.kind", k)) for k in REQUEST_KINDS]
    return [("", blank), *out] if blank is not None else out


def _date(label: str, required: bool) -> forms.DateField:
    return fields.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PeriodMixin:
    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", t("web.consent.period_invalid"))  # type: ignore[attr-defined]
        return data


class ConsentForm(PeriodMixin, fields.Form):
    answer = forms.ChoiceField(
        label=lazy_t("web.consent.answer"),
        choices=[
            ("given", lazy_t("web.consent.given")),
            ("refused", lazy_t("web.consent.refused")),
        ],
        widget=forms.RadioSelect,
    )
    recipient_kind = forms.ChoiceField(
        label=lazy_t("web.consent.recipient_kind"), choices=recipient_choices()
    )
    recipient_name = forms.CharField(
        label=lazy_t("web.consent.recipient_name"),
        required=False,
        max_length=200,
        help_text=lazy_t("web.consent.recipient_name_help"),
    )
    purpose = forms.ChoiceField(label=lazy_t("web.consent.purpose"), choices=purpose_choices())
    categories = forms.MultipleChoiceField(
        label=lazy_t("web.consent.categories"),
        choices=category_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    information_given = forms.CharField(
        label=lazy_t("web.consent.information_given"),
        help_text=lazy_t("web.consent.information_given_help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    informed = forms.BooleanField(label=lazy_t("web.consent.informed"), required=False)
    period_start = _date(lazy_t("web.consent.period_start"), True)
    period_end = _date(lazy_t("web.consent.period_end"), False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_start"].initial = timezone.localdate()


class ObjectionForm(PeriodMixin, fields.Form):
    categories = forms.MultipleChoiceField(
        label=lazy_t("web.objection.categories"),
        help_text=lazy_t("web.objection.categories_help"),
        choices=category_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    recipient_kind = forms.ChoiceField(
        label=lazy_t("web.objection.recipient_kind"),
        choices=recipient_choices(lazy_t("web.objection.anyone")),
        required=False,
    )
    period_start = _date(lazy_t("web.consent.period_start"), True)
    period_end = _date(lazy_t("web.consent.period_end"), False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_start"].initial = timezone.localdate()

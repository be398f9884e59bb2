"""Forms of the file: a person, an information item."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy

from depositaire.engine.explain import category_label
from depositaire.engine.schema import CATEGORIES
from depositaire.messages import lazy_t, t
from depositaire.web import fields
from depositaire.web.accounts.models import Team
from depositaire.web.cases import national_number
from depositaire.web.cases.countries import is_country
from depositaire.web.cases.models import NATURES, ORIGINS

#: Rendered in the reader's language when shown (choices are built at import).
_category_label = lazy(category_label, str)


def category_choices() -> list[tuple[str, str]]:
    return [(c, _category_label(c)) for c in CATEGORIES]


class PersonForm(fields.Form):
    last_name = forms.CharField(label=lazy_t("web.person.last_name"), max_length=150)
    first_name = forms.CharField(label=lazy_t("web.person.first_name"), max_length=150)
    birth_date = fields.DateField(
        label=lazy_t("web.person.birth_date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    national_number = forms.CharField(
        label=lazy_t("web.person.national_number"),
        help_text=lazy_t("web.person.national_number_help"),
        required=False,
        max_length=20,
    )
    nationality = forms.CharField(
        label=lazy_t("web.person.nationality"),
        help_text=lazy_t("web.person.nationality_help"),
        max_length=2,
        initial="BE",
        error_messages={"max_length": lazy_t("web.person.nationality_invalid")},
    )
    address = forms.CharField(
        label=lazy_t("web.person.address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    household = forms.CharField(
        label=lazy_t("web.person.household"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    team = fields.SafeModelChoiceField(
        label=lazy_t("web.person.team"), queryset=Team.objects.none()
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = user.teams.filter(organisation_id=user.organisation_id)  # type: ignore[attr-defined]

    def clean_birth_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("birth_date")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(t("web.person.birth_date_future"))
        return value

    def clean_nationality(self) -> str:
        value = self.cleaned_data["nationality"].strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", value):
            raise forms.ValidationError(t("web.person.nationality_invalid"))
        if not is_country(value):
            raise forms.ValidationError(t("web.person.nationality_unknown", code=value))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("national_number") or ""
        if number and not national_number.is_valid(number, data.get("birth_date")):
            self.add_error("national_number", t("web.person.national_number_invalid"))
        return data


class ItemForm(fields.Form):
    nature = forms.ChoiceField(
        label=lazy_t("web.item.nature"),
        choices=[(n, lazy_t(f"values.information.nature.{n}")) for n in NATURES],
        widget=forms.RadioSelect,
        help_text=lazy_t("web.item.nature_help"),
    )
    categories = forms.MultipleChoiceField(
        label=lazy_t("web.item.categories"),
        choices=category_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    origin = forms.ChoiceField(
        label=lazy_t("web.item.origin"),
        choices=[(o, lazy_t(f"web.origins.{o}")) for o in ORIGINS],
        widget=forms.RadioSelect,
    )
    content = forms.CharField(
        label=lazy_t("web.item.content"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )


def change_reason_choices() -> list[tuple[str, str]]:
    from depositaire.web.cases.models import CHANGE_REASONS

    return [(r, lazy_t(f"daily.reasons.{r}")) for r in CHANGE_REASONS]


class ChangeReasonForm(fields.Form):
    """Why an item is corrected or withdrawn: a reason and the worker's explanation (sealed)."""

    reason = forms.ChoiceField(label=lazy_t("daily.item.reason"), choices=change_reason_choices)
    note = forms.CharField(
        label=lazy_t("daily.item.note"),
        help_text=lazy_t("daily.item.note_help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": lazy_t("daily.item.note_required")},
    )


class ItemCorrectionForm(ChangeReasonForm):
    """A new version of an item: its categories, origin and content; its nature stays (who
    may read it does not change with a correction)."""

    categories = forms.MultipleChoiceField(
        label=lazy_t("web.item.categories"),
        choices=category_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    origin = forms.ChoiceField(
        label=lazy_t("web.item.origin"),
        choices=[(o, lazy_t(f"web.origins.{o}")) for o in ORIGINS],
        widget=forms.RadioSelect,
    )
    content = forms.CharField(
        label=lazy_t("web.item.content"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    field_order = ["categories", "origin", "content", "reason", "note"]

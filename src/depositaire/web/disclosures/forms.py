"""Preparing a disclosure: recipient, purpose, items; and the facts the engine still needs."""

from __future__ import annotations

from typing import Any

from django import forms

from depositaire.engine.explain import category_label, fact_label, format_date, value_label
from depositaire.engine.schema import FACTS
from depositaire.messages import lazy_t, t
from depositaire.web import fields
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.consent.forms import purpose_choices, recipient_choices
from depositaire.web.disclosures.models import CommitteeSession
from depositaire.web.views import Scoped

TRI_STATE = [
    ("", lazy_t("web.common.unknown")),
    ("true", lazy_t("common.word_yes")),
    ("false", lazy_t("common.word_no")),
]


def _tri(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get(value or "")


class ItemChoiceField(fields.ListedModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        nature = t(f"values.information.nature.{obj.nature}")
        cats = ", ".join(category_label(c) for c in obj.categories)
        return t(
            "web.prepare.item_choice",
            number=obj.pk,
            date=format_date(obj.created_at.date()),
            nature=nature,
            categories=cats,
        )


def _items(user: Any, person_id: int) -> Any:
    """The items of the file the user may use, each with its holder (its author's role
    and institution: part of its situation)."""
    return (
        InformationItem.objects.visible_to(user)
        .filter(person_id=person_id)
        .select_related("author__organisation")
    )


def _sessions(user: Any) -> Any:
    return CommitteeSession.objects.visible_to(user)


_ITEMS = Scoped(_items, -1)
_SESSIONS = Scoped(_sessions)


class PrepareForm(fields.Form):
    # No default: a recipient or a purpose left on a default would decide the legal answer.
    recipient_kind = forms.ChoiceField(
        label=lazy_t("web.prepare.recipient_kind"),
        choices=recipient_choices(lazy_t("web.common.choose")),
        error_messages={"required": lazy_t("web.prepare.recipient_kind_required")},
    )
    recipient_name = forms.CharField(
        label=lazy_t("web.prepare.recipient_name"), required=False, max_length=200
    )
    purpose = forms.ChoiceField(
        label=lazy_t("web.prepare.purpose"),
        choices=purpose_choices(lazy_t("web.common.choose")),
        error_messages={"required": lazy_t("web.prepare.purpose_required")},
    )
    session = fields.ListedModelChoiceField(
        label=lazy_t("web.prepare.session"),
        queryset=CommitteeSession.objects.none(),
        required=False,
        help_text=lazy_t("web.prepare.session_help"),
    )
    necessary_only = forms.ChoiceField(
        label=lazy_t("web.prepare.necessary_only"),
        help_text=lazy_t("web.prepare.necessary_only_help"),
        choices=TRI_STATE,
        required=False,
    )
    items = ItemChoiceField(
        label=lazy_t("web.prepare.items"),
        queryset=InformationItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=lazy_t("web.prepare.items_help"),
    )

    def __init__(self, *args: Any, person: Person, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items: Any = self.fields["items"]
        session: Any = self.fields["session"]
        # Read once, by queries compiled once (the rows are needed either way: to draw the
        # form, or to check what was posted against them). The items' queryset is those
        # rows (the scope's query, built again, cost as much as reading them).
        rows = _ITEMS.fetch(user, person.pk)
        items.queryset = InformationItem.objects.filter(pk__in=[row.pk for row in rows])
        items.use_rows(rows)
        session.queryset = _sessions(user)
        session.use_rows(_SESSIONS.fetch(user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recipient_kind") == "cpas_special_committee" and not data.get("session"):
            self.add_error("session", t("web.prepare.session_required"))
        if data.get("recipient_kind") != "cpas_special_committee":
            data["session"] = None
        data["necessary_only"] = _tri(data.get("necessary_only"))
        return data


def field_name(path: str) -> str:
    return "fact__" + path.replace(".", "__")


class FactsForm(fields.Form):
    """One question per fact the decisions still need (left blank: still unknown)."""

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for path in paths:
            spec = FACTS[path]
            label = fact_label(path)
            field: forms.Field
            if spec.type == "bool":
                field = forms.ChoiceField(label=label, choices=TRI_STATE, required=False)
            elif spec.type == "enum":
                field = forms.ChoiceField(
                    label=label,
                    choices=[("", t("web.common.unknown"))]
                    + [(v, value_label(path, v)) for v in spec.values],
                    required=False,
                )
            elif spec.type == "enum_list":
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=[(v, value_label(path, v)) for v in spec.values],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            else:
                field = fields.DateField(
                    label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
                )
            self.fields[field_name(path)] = field
        self.paths = paths

    def facts(self) -> dict[str, Any]:
        """The answered facts, as the engine wants them (unknown ones left out)."""
        out: dict[str, Any] = {}
        if not self.is_valid():
            return out
        for path in self.paths:
            value = self.cleaned_data.get(field_name(path))
            spec = FACTS[path]
            if spec.type == "bool":
                value = _tri(value)
            elif spec.type == "date" and value:
                value = value.isoformat()
            if value not in (None, "", []):
                out[path] = value
        return out


def posted_fact_paths(data: Any) -> list[str]:
    """The fact questions asked in an earlier round (listed in the hidden ``asked_facts``)."""
    asked = [p for p in (data.get("asked_facts") or "").split(",") if p]
    for key in data:
        if key.startswith("fact__"):
            asked.append(key.removeprefix("fact__").replace("__", "."))
    return [p for p in dict.fromkeys(asked) if p in FACTS]


class SessionForm(fields.Form):
    date = fields.DateField(
        label=lazy_t("web.session.date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    label = forms.CharField(label=lazy_t("web.session.label"), required=False, max_length=200)

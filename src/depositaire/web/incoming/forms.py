"""Registering a request, attaching the requester's document, and the letter's form.

The letter's form offers only what the decision allows: one field per category in
``may_disclose`` and, as sources, the file's secret facts whose categories all may go
out. A posted field for any other category, or any other item (a confidence, another
person's item), is refused as a whole: nothing is saved.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

from django import forms
from django.utils import timezone

from depositaire.engine import Decision
from depositaire.engine.explain import category_label, disclosure_label, format_date, value_label
from depositaire.engine.schema import CATEGORIES, RECIPIENT_KINDS
from depositaire.messages import t
from depositaire.web import fields, uploads
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import User
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.incoming.models import CHANNELS, CLAIMED_BASES

#: Attachments: at most this many bytes, and only these types (checked on the bytes).
MAX_DOCUMENT_BYTES: Final = 5 * 1024 * 1024
DOCUMENT_TYPES: Final = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "text/plain": (),
}
EXTENSIONS: Final = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".eml": "text/plain",
}
VALUE_PREFIX: Final = "value__"


def _choices(prefix: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, t(f"{prefix}.{v}")) for v in values]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name.upper()} {obj.first_name} ({obj})"


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class RequestForm(forms.Form):
    person = PersonChoiceField(label=t("incoming.form.person"), queryset=Person.objects.none())
    requester_kind = forms.ChoiceField(
        label=t("incoming.form.requester_kind"),
        choices=[(k, value_label("recipient.kind", k)) for k in RECIPIENT_KINDS],
    )
    requester_organisation = forms.CharField(
        label=t("incoming.form.requester_organisation"), max_length=200, required=False
    )
    requester_name = forms.CharField(
        label=t("incoming.form.requester_name"), max_length=200, required=False
    )
    requester_contact = forms.CharField(
        label=t("incoming.form.requester_contact"), max_length=200, required=False
    )
    reference = forms.CharField(label=t("incoming.form.reference"), max_length=100, required=False)
    channel = forms.ChoiceField(
        label=t("incoming.form.channel"),
        choices=_choices("incoming.channels", CHANNELS),
        widget=forms.RadioSelect,
    )
    categories = forms.MultipleChoiceField(
        label=t("incoming.form.categories"),
        choices=[(c, category_label(c)) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": t("incoming.form.categories_required")},
    )
    request_text = forms.CharField(
        label=t("incoming.form.request_text"),
        help_text=t("incoming.form.request_text_help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    claimed_basis = forms.ChoiceField(
        label=t("incoming.form.claimed_basis"),
        choices=_choices("incoming.bases", CLAIMED_BASES),
    )
    claimed_basis_text = forms.CharField(
        label=t("incoming.form.claimed_basis_text"), max_length=300, required=False
    )
    received_at = fields.DateTimeField(
        label=t("incoming.form.received_at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        error_messages={"invalid": t("incoming.form.received_at_invalid")},
    )
    received_by = ColleagueChoiceField(
        label=t("incoming.form.received_by"), queryset=User.objects.none()
    )
    urgent = forms.BooleanField(
        label=t("incoming.form.urgent"), help_text=t("incoming.form.urgent_help"), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user)  # type: ignore[attr-defined]
        colleagues = User.objects.filter(
            organisation_id=user.organisation_id,
            role__in=roles.CASEWORKERS,
            teams__in=user.teams.all(),
        ).distinct()
        self.fields["received_by"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["received_by"].initial = user.pk
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean_received_at(self) -> Any:
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(t("incoming.form.received_in_future"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            data.get(k) for k in ("requester_organisation", "requester_name", "requester_contact")
        ):
            raise forms.ValidationError(t("incoming.form.requester_required"))
        if data.get("claimed_basis") == "other" and not data.get("claimed_basis_text", "").strip():
            self.add_error("claimed_basis_text", t("incoming.form.claimed_basis_text_required"))
        return data


def sniff_type(name: str, raw: bytes) -> str | None:
    """The document's type if its extension and its first bytes agree, else ``None``."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = EXTENSIONS.get(suffix)
    if kind is None:
        return None
    magics = DOCUMENT_TYPES[kind]
    if magics:
        return kind if any(raw.startswith(m) for m in magics) else None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return kind if b"\x00" not in raw else None


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=t("incoming.document.field"),
        help_text=t("incoming.document.help"),
        error_messages={
            "required": t("incoming.document.required"),
            "empty": t("incoming.document.empty"),
        },
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                t("incoming.document.too_big", limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
            )
        raw = upload.read()
        kind = sniff_type(upload.name or "", raw)
        if kind is None or uploads.looks_polyglot(raw, kind):
            raise forms.ValidationError(t("incoming.document.bad_type"))
        self.raw = raw
        self.kind = kind
        self.sha256 = hashlib.sha256(raw).hexdigest()
        return upload


def eligible_items(person: Person, user: Any, decision: Decision) -> list[InformationItem]:
    """The file's secret facts whose categories may all go out (never a confidence)."""
    allowed = set(decision.may_disclose)
    return [
        item
        for item in InformationItem.objects.visible_to(user).filter(
            person=person, nature="secret_fact"
        )
        if item.categories and set(item.categories) <= allowed
    ]


class LetterForm(forms.Form):
    """The letter: addresses and reference; for a transmission, the permitted categories only."""

    requester = forms.CharField(
        label=t("incoming.letter.requester"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
        required=False,
    )
    reference = forms.CharField(
        label=t("incoming.letter.reference"), max_length=100, required=False
    )
    person_name = forms.CharField(
        label=t("incoming.letter.person_name"),
        help_text=t("incoming.letter.person_name_help"),
        max_length=200,
        required=False,
    )
    sender = forms.CharField(
        label=t("incoming.letter.sender"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        kind: str | None,
        decision: Decision,
        items: list[InformationItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.allowed = list(decision.may_disclose) if kind == "transmission" else []
        self.allowed = [c for c in self.allowed if c in CATEGORIES]
        self.items = {str(i.pk): i for i in items} if kind == "transmission" else {}
        if kind != "reply":
            del self.fields["person_name"]
        if self.allowed:
            self.fields["categories"] = forms.MultipleChoiceField(
                label=t("incoming.letter.categories"),
                help_text=t("incoming.letter.categories_help"),
                choices=[(c, category_label(c)) for c in self.allowed],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            for category in self.allowed:
                self.fields[VALUE_PREFIX + category] = forms.CharField(
                    label=category_label(category),
                    widget=forms.Textarea(attrs={"rows": 2}),
                    max_length=2000,
                    required=False,
                )
        if self.items:
            self.fields["items"] = forms.MultipleChoiceField(
                label=t("incoming.letter.items"),
                help_text=t("incoming.letter.items_help"),
                choices=[
                    (
                        key,
                        t(
                            "incoming.letter.item_choice",
                            number=item.pk,
                            date=format_date(item.created_at.date()),
                            categories=", ".join(category_label(c) for c in item.categories),
                        ),
                    )
                    for key, item in self.items.items()
                ],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def forbidden(self) -> list[str]:
        """What the POST tries to add beyond the decision (category or item labels)."""
        if not self.is_bound:
            return []
        out: list[str] = []
        for key in self.data:
            if key.startswith(VALUE_PREFIX):
                category = key.removeprefix(VALUE_PREFIX)
                if category not in self.allowed:
                    out.append(_category_name(category))
        for category in self.data.getlist("categories") if hasattr(self.data, "getlist") else []:
            if category not in self.allowed:
                out.append(_category_name(category))
        for key in self.data.getlist("items") if hasattr(self.data, "getlist") else []:
            if key not in self.items:
                out.append(t("incoming.letter.forbidden_item", number=key[:12]))
        return list(dict.fromkeys(out))

    def values(self) -> dict[str, str]:
        """The chosen categories and their values (after :meth:`is_valid`)."""
        chosen = self.cleaned_data.get("categories") or []
        return {c: (self.cleaned_data.get(VALUE_PREFIX + c) or "").strip() for c in chosen}

    def chosen_items(self) -> list[InformationItem]:
        return [self.items[k] for k in self.cleaned_data.get("items") or [] if k in self.items]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bad = self.forbidden()
        if bad:
            raise forms.ValidationError(
                t("incoming.letter.forbidden", items=", ".join(bad)), code="forbidden"
            )
        for category in data.get("categories") or []:
            if not (data.get(VALUE_PREFIX + category) or "").strip():
                self.add_error(VALUE_PREFIX + category, t("incoming.letter.value_required"))
        return data


def _category_name(category: str) -> str:
    if category == "confidence" or category in CATEGORIES:
        return disclosure_label(category)
    return t("incoming.letter.unknown_category", category=category[:40])

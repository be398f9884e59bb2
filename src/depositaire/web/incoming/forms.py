"""Registering a request, attaching the requester's document, and the letter's form.

The letter's form offers only what the decision allows: one field per category in
``may_disclose`` and, as sources, the file's secret facts whose categories all may go
out. A posted field for any other category, or any other item (a confidence, another
person's item), is refused as a whole: nothing is saved.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any, Final

from django import forms
from django.utils import timezone

from depositaire.engine import Decision, Situation, decide
from depositaire.engine.explain import category_label, disclosure_label, value_label
from depositaire.engine.rules import DISCLOSING
from depositaire.engine.schema import CATEGORIES, RECIPIENT_KINDS
from depositaire.messages import LANGUAGES, current_language, lazy_t, lazy_text, t
from depositaire.web import fields, uploads
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import User
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.incoming.models import CHANNELS, CLAIMED_BASES, OUTGOING_BASES, REOPEN_REASONS
from depositaire.web.incoming.sources import (
    Source,
    leaked_categories,
    left_out_values,
    letter_sources,
    withheld_values,
)
from depositaire.web.views import Scoped

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
#: Attachments given with the registration itself (more can be added on the request's page).
MAX_DOCUMENTS_AT_REGISTRATION: Final = 5


class CheckedUpload:
    """An upload whose size and type were checked: its bytes, type, digest and name as sent."""

    def __init__(self, raw: bytes, kind: str, filename: str) -> None:
        self.raw = raw
        self.kind = kind
        self.sha256 = hashlib.sha256(raw).hexdigest()
        self.filename = filename


def check_upload(upload: Any) -> CheckedUpload:
    """Refuse a file too big or whose extension and first bytes disagree (French error)."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(
            t("incoming.document.too_big", limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
        )
    raw = upload.read()
    kind = sniff_type(upload.name or "", raw)
    if kind is None or uploads.looks_polyglot(raw, kind):
        raise forms.ValidationError(t("incoming.document.bad_type"))
    return CheckedUpload(raw, kind, upload.name or "")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern of Django's documentation, "Uploading multiple
    files"): each is checked like a single attachment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_DOCUMENTS_AT_REGISTRATION:
            raise forms.ValidationError(
                t("daily.documents.too_many", limit=MAX_DOCUMENTS_AT_REGISTRATION)
            )
        return [check_upload(f) for f in files]


def _choices(prefix: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, lazy_t(f"{prefix}.{v}")) for v in values]


#: A reference is printed in the letter as given: it stays short and plain. The one bound:
#: the pages' field, the API's schemas (``web.api.register``, OpenAPI ``maxLength``) and
#: the message all take it from here.
REFERENCE_MAX: Final = 80
#: Besides letters and digits, the marks a file number uses (no markup, no line break).
REFERENCE_MARKS: Final = frozenset(" .,/-–—_:°#()'")


def clean_reference(value: str) -> str:
    """A reference typed from the requester's letter: at most :data:`REFERENCE_MAX` letters,
    digits, spaces and the marks a file number uses; markup, template braces, control or direction characters
    and line breaks are refused with a French message (the letter prints it as given)."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if len(text) > REFERENCE_MAX or any(not (c.isalnum() or c in REFERENCE_MARKS) for c in text):
        raise forms.ValidationError(
            t("incoming.form.reference_invalid", max=REFERENCE_MAX), code="invalid"
        )
    return text


#: The field's own bound says what :func:`clean_reference` says.
REFERENCE_ERRORS: Final = {
    "max_length": lazy_t("incoming.form.reference_invalid", max=REFERENCE_MAX)
}


class PersonChoiceField(forms.ModelChoiceField):
    iterator = fields.ListedChoiceIterator

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name.upper()} {obj.first_name} ({obj})"


class ColleagueChoiceField(forms.ModelChoiceField):
    iterator = fields.ListedChoiceIterator

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def _persons(user: Any) -> Any:
    return Person.objects.visible_to(user)


def _colleagues(user: Any) -> Any:
    """The caseworkers of the user's teams (who may have received a request)."""
    return User.objects.filter(
        organisation_id=user.organisation_id,
        role__in=roles.CASEWORKERS,
        teams__in=user.teams.all(),
    ).distinct()


_PERSONS = Scoped(_persons)
_COLLEAGUES = Scoped(_colleagues)


class RequestForm(fields.Form):
    person = PersonChoiceField(label=lazy_t("incoming.form.person"), queryset=Person.objects.none())
    #: The requester's documents, given at registration (optional; checked like any attachment).
    documents = MultipleFileField(
        label=lazy_t("daily.documents.field"),
        help_text=lazy_t("daily.documents.help"),
        required=False,
    )
    # No default for the requester's kind nor the basis: the form asks (a police call left
    # on a default was once stored as a colleague's question).
    requester_kind = forms.ChoiceField(
        label=lazy_t("incoming.form.requester_kind"),
        choices=[("", lazy_t("web.common.choose"))]
        + [(k, lazy_text(value_label, "recipient.kind", k)) for k in RECIPIENT_KINDS],
        error_messages={"required": lazy_t("incoming.form.requester_kind_required")},
    )
    requester_organisation = forms.CharField(
        label=lazy_t("incoming.form.requester_organisation"), max_length=200, required=False
    )
    requester_name = forms.CharField(
        label=lazy_t("incoming.form.requester_name"), max_length=200, required=False
    )
    requester_contact = forms.CharField(
        label=lazy_t("incoming.form.requester_contact"), max_length=200, required=False
    )
    reference = forms.CharField(
        label=lazy_t("incoming.form.reference"),
        max_length=REFERENCE_MAX,
        required=False,
        error_messages=REFERENCE_ERRORS,
    )
    channel = forms.ChoiceField(
        label=lazy_t("incoming.form.channel"),
        choices=_choices("incoming.channels", CHANNELS),
        widget=forms.RadioSelect,
    )
    categories = forms.MultipleChoiceField(
        label=lazy_t("incoming.form.categories"),
        choices=[(c, lazy_text(category_label, c)) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": lazy_t("incoming.form.categories_required")},
    )
    request_text = forms.CharField(
        label=lazy_t("incoming.form.request_text"),
        help_text=lazy_t("incoming.form.request_text_help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    claimed_basis = forms.ChoiceField(
        label=lazy_t("incoming.form.claimed_basis"),
        choices=[
            ("", lazy_t("web.common.choose")),
            *_choices("incoming.bases", tuple(b for b in CLAIMED_BASES if b not in OUTGOING_BASES)),
        ],
        error_messages={"required": lazy_t("incoming.form.claimed_basis_required")},
    )
    claimed_basis_text = forms.CharField(
        label=lazy_t("incoming.form.claimed_basis_text"), max_length=300, required=False
    )
    received_at = fields.DateTimeField(
        label=lazy_t("incoming.form.received_at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        error_messages={"invalid": lazy_t("incoming.form.received_at_invalid")},
    )
    received_by = ColleagueChoiceField(
        label=lazy_t("incoming.form.received_by"), queryset=User.objects.none()
    )
    urgent = forms.BooleanField(
        label=lazy_t("incoming.form.urgent"),
        help_text=lazy_t("incoming.form.urgent_help"),
        required=False,
    )
    about_medical_aid = forms.BooleanField(
        label=lazy_t("incoming.form.about_medical_aid"),
        help_text=lazy_t("incoming.form.about_medical_aid_help"),
        required=False,
    )

    asks_about_requests = forms.BooleanField(
        label=lazy_t("incoming.form.asks_about_requests"),
        help_text=lazy_t("incoming.form.asks_about_requests_help"),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _persons(user)  # type: ignore[attr-defined]
        self.fields["received_by"].queryset = _colleagues(user)  # type: ignore[attr-defined]
        # Drawn from the same rows, read by queries compiled once.
        fields.read_rows(self.fields["person"], lambda: _PERSONS.fetch(user))
        fields.read_rows(self.fields["received_by"], lambda: _COLLEAGUES.fetch(user))
        self.fields["received_by"].initial = user.pk
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean_reference(self) -> str:
        return clean_reference(self.cleaned_data.get("reference") or "")

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
        if data.get("asks_about_requests") and data.get("requester_kind") != "the_person":
            self.add_error("asks_about_requests", t("incoming.form.asks_about_requests_person"))
        if data.get("claimed_basis") == "other" and not data.get("claimed_basis_text", "").strip():
            self.add_error("claimed_basis_text", t("incoming.form.claimed_basis_text_required"))
        return data


class OutgoingForm(fields.Form):
    """A request the organisation sends (seed 004: the guarantor look-up, by e-mail, to the
    immigration office). What it carries is decided and chosen at the answer step."""

    person = PersonChoiceField(
        label=lazy_t("incoming.outgoing.person"), queryset=Person.objects.none()
    )
    purpose = forms.ChoiceField(
        label=lazy_t("incoming.outgoing.purpose"),
        choices=[("", lazy_t("web.common.choose")), *_choices("incoming.bases", OUTGOING_BASES)],
        error_messages={"required": lazy_t("incoming.outgoing.purpose_required")},
    )
    recipient_organisation = forms.CharField(
        label=lazy_t("incoming.outgoing.recipient_organisation"),
        max_length=200,
        initial=lazy_t("values.recipient.kind.immigration_office").removeprefix("l'").capitalize(),
    )
    recipient_contact = forms.CharField(
        label=lazy_t("incoming.outgoing.recipient_contact"),
        help_text=lazy_t("incoming.outgoing.recipient_contact_help"),
        max_length=200,
        required=False,
    )
    reference = forms.CharField(
        label=lazy_t("incoming.outgoing.reference"),
        max_length=REFERENCE_MAX,
        required=False,
        error_messages=REFERENCE_ERRORS,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["person"].queryset = _persons(user)  # type: ignore[attr-defined]
        fields.read_rows(self.fields["person"], lambda: _PERSONS.fetch(user))

    def clean_reference(self) -> str:
        return clean_reference(self.cleaned_data.get("reference") or "")

    def clean(self) -> dict[str, Any]:
        """The recipient and the reference are printed in the letter, typed by the worker:
        none may hold a value of the file the letter never carries (all but the name, the
        national number and the nationality, seed 004)."""
        data = super().clean() or {}
        person = data.get("person")
        if person is None:
            return data
        carried = letter_sources(person, list(OUTGOING_CARRIES), [])
        withheld = withheld_values(person, self.user, carried)
        for name in ("recipient_organisation", "recipient_contact", "reference"):
            leaked = leaked_categories([data.get(name) or ""], withheld, carried)
            if leaked:
                self.add_error(
                    name,
                    t(
                        "incoming.outgoing.text_leak",
                        categories=", ".join(_category_name(c) for c in leaked),
                    ),
                )
        return data


#: What the letter of a request the organisation sends may carry at most (the guarantor
#: look-up, seed 004: the name, the national number, the nationality).
OUTGOING_CARRIES: Final = frozenset({"identity", "national_number", "nationality"})


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


class DocumentForm(fields.Form):
    document = forms.FileField(
        label=lazy_t("incoming.document.field"),
        help_text=lazy_t("incoming.document.help"),
        error_messages={
            "required": lazy_t("incoming.document.required"),
            "empty": lazy_t("incoming.document.empty"),
        },
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        checked = check_upload(upload)
        self.raw = checked.raw
        self.kind = checked.kind
        self.sha256 = checked.sha256
        self.filename = checked.filename
        return upload


def own_access(situation: Situation | None) -> bool:
    """The letter goes to the person herself (her own access to what concerns her)."""
    return situation is not None and situation.get("recipient.kind") == "the_person"


def item_may_go_out(item: InformationItem, decision: Decision, situation: Situation | None) -> bool:
    """Whether one secret fact of the file may go out whole (never a confidence).

    Its categories must all be in the decision's ``may_disclose``. For the person's own
    access, an item that also carries categories she did not name (the household, the aid
    period of her income) may go out when it carries one she asked for, none that the
    decision keeps back (``never_disclose``), and the engine, asked about exactly its
    categories in the same situation, lets them all out: what she may receive per the
    rules (art. 7, 001), the decision's lists followed, never widened."""
    if item.is_confidence or item.nature != "secret_fact" or not item.categories:
        return False
    cats = set(item.categories)
    allowed = set(decision.may_disclose)
    if decision.verdict not in DISCLOSING:
        return False
    if cats <= allowed:
        return True
    if not own_access(situation) or not cats & allowed or cats & set(decision.never_disclose):
        return False
    assert situation is not None
    own = decide(situation.with_facts({"information.categories": sorted(cats)}), explain=False)
    return own.verdict in DISCLOSING and cats <= set(own.may_disclose)


def secret_facts(person: Person, user: Any) -> list[InformationItem]:
    """The file's current secret facts the user may read (one query)."""
    return list(
        InformationItem.objects.visible_to(user).filter(person=person, nature="secret_fact")
    )


def eligible_items(
    person: Person,
    user: Any,
    decision: Decision,
    situation: Situation | None = None,
    *,
    items: list[InformationItem] | None = None,
) -> list[InformationItem]:
    """The file's secret facts that may go out whole (see :func:`item_may_go_out`), of
    ``items`` when the caller read them already (:func:`secret_facts`)."""
    read = secret_facts(person, user) if items is None else items
    return [item for item in read if item_may_go_out(item, decision, situation)]


def letter_decision(
    decision: Decision, situation: Situation | None, sources: list[Source]
) -> tuple[Decision, Situation | None]:
    """The decision a letter carrying ``sources`` rests on, with the situation it was taken
    on: ``decision`` itself, or, when an item of the person's own access carries categories
    she did not name, the engine's decision on the asked categories and those of the items
    (never a list set by hand), kept with that wider situation."""
    carried = {c for s in sources for c in s.categories}
    if carried <= set(decision.may_disclose) or not own_access(situation):
        return decision, situation
    assert situation is not None
    asked = situation.get("information.categories") or []
    widened = situation.with_facts({"information.categories": sorted(set(asked) | carried)})
    wider = decide(widened)
    if wider.verdict != decision.verdict or not set(decision.may_disclose) <= set(
        wider.may_disclose
    ):
        return decision, situation  # the letter's own check then refuses what does not fit
    return wider, widened


class LetterForm(fields.Form):
    """The letter: for a transmission, values of the file the decision lets out (read-only,
    each may be left out) and an optional covering line of free text, checked against the
    file's withheld values; a refusal has neither (a covering line posted for one is
    refused). Addresses and reference come from the register, not from a box."""

    covering_note = forms.CharField(
        label=lazy_t("incoming.letter.covering_note"),
        help_text=lazy_t("incoming.letter.covering_note_help"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
    #: The recipient's language: the letter (and its PDF) is written in it.
    document_language = forms.ChoiceField(
        label=lazy_t("incoming.letter.document_language"),
        choices=[(code, lazy_t(f"web.language.names.{code}")) for code in LANGUAGES],
        required=False,
    )
    #: The file's secret facts its values were offered from (``services.letter_form``);
    #: ``None``: offered values given by the caller.
    file_items: list[InformationItem] | None = None

    def __init__(
        self,
        *args: Any,
        kind: str | None,
        decision: Decision,
        sources: list[Source],
        person: Person | None = None,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_language"].initial = (
            getattr(user, "language", "") or current_language()
        )
        self.kind = kind
        self.allowed = list(decision.may_disclose) if kind == "transmission" else []
        self.allowed = [c for c in self.allowed if c in CATEGORIES]
        self.sources = {s.key: s for s in sources} if kind == "transmission" else {}
        self.person = person
        self.user = user
        if self.sources:
            self.fields["sources"] = forms.MultipleChoiceField(
                label=t("incoming.letter.sources"),
                help_text=t("incoming.letter.sources_help"),
                choices=[(key, f"{s.label} : {s.value}") for key, s in self.sources.items()],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        if kind == "transmission":
            self.fields["covering_note"] = self.fields.pop("covering_note")
        else:
            # Only a transmission carries the holder's own sentence (documents.letters): a
            # refusal says nothing more than its text, so it offers no box to type one in.
            del self.fields["covering_note"]

    def forbidden(self) -> list[str]:
        """What the POST tries to add beyond the decision and the file (labels)."""
        if not self.is_bound:
            return []
        out: list[str] = []
        getlist = self.data.getlist if hasattr(self.data, "getlist") else lambda k: []
        for key in self.data:
            if key.startswith(VALUE_PREFIX):
                category = key.removeprefix(VALUE_PREFIX)
                if category not in self.allowed:
                    out.append(_category_name(category))
                else:
                    out.append(t("incoming.letter.typed_value", category=category_label(category)))
            elif key in FREE_BOXES:
                out.append(t("incoming.letter.typed_box"))
        if self.kind != "transmission" and str(self.data.get("covering_note") or "").strip():
            out.append(t("incoming.letter.covering_refusal"))
        for category in getlist("categories"):
            if category not in self.allowed:
                out.append(_category_name(category))
        for key in getlist("items"):
            out.append(t("incoming.letter.forbidden_item", number=key[:12]))
        for key in getlist("sources"):
            if key not in self.sources:
                out.append(t("incoming.letter.forbidden_item", number=key[:20]))
        return list(dict.fromkeys(out))

    def chosen(self) -> list[Source]:
        """The sources kept for the letter, in the file's order (after :meth:`is_valid`)."""
        keys = set(self.cleaned_data.get("sources") or [])
        return [s for k, s in self.sources.items() if k in keys]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bad = self.forbidden()
        if bad:
            raise forms.ValidationError(
                t("incoming.letter.forbidden", items=", ".join(bad)), code="forbidden"
            )
        note = (data.get("covering_note") or "").strip()
        if note and self.person is not None:
            chosen = self.chosen() if "sources" in data else []
            offered = list(self.sources.values())
            # Judged first: what the decision does not let out; then what it lets out
            # but the worker left out (it would go out unrecorded).
            for key, withheld in (
                (
                    "incoming.letter.covering_leak",
                    withheld_values(self.person, self.user, chosen, offered, self.allowed),
                ),
                ("incoming.letter.covering_left_out", left_out_values(chosen, offered)),
            ):
                leaked = leaked_categories([note], withheld, chosen)
                if leaked:
                    raise forms.ValidationError(
                        t(key, categories=", ".join(_category_name(c) for c in leaked)),
                        code="forbidden",
                    )
        data["covering_note"] = note
        return data


#: Boxes the letter's form once had: a post that fills one is refused (the values come
#: from the register and the organisation).
FREE_BOXES: Final = frozenset({"requester", "sender", "person_name", "reference"})


def _category_name(category: str) -> str:
    if category == "confidence" or category in CATEGORIES:
        return disclosure_label(category)
    return t("incoming.letter.unknown_category", category=category[:40])


class ReopenForm(fields.Form):
    """Why a closed request is opened again: a reason and an explanation (sealed)."""

    reason = forms.ChoiceField(
        label=lazy_t("daily.item.reason"),
        choices=lambda: [(r, t(f"daily.reasons.{r}")) for r in REOPEN_REASONS],
    )
    statement = forms.CharField(
        label=lazy_t("daily.item.note"),
        help_text=lazy_t("daily.reopen.statement_help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": lazy_t("daily.item.note_required")},
    )

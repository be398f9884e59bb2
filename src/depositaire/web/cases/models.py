"""The confidential file: a person and the information items recorded about them.

Every item's content is sealed (encrypted with a key kept outside the database).
A confidence is readable by its author only: :meth:`InformationItemQuerySet.visible_to`
leaves out other authors' confidences, so no view can load one.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from depositaire.engine.schema import CATEGORIES
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import Organisation, Team
from depositaire.web.cases import national_number
from depositaire.web.cases.sealing import SealedFieldsMixin
from depositaire.web.db.prepared import Prepared

NATURES = ("confidence", "secret_fact")
ORIGINS = ("confided", "learned_from_others", "observed")
#: ``current``: the item as it stands; ``superseded``: an earlier version, kept after a
#: correction; ``withdrawn``: taken back (kept, never erased, no longer used).
ITEM_STATUSES = ("current", "superseded", "withdrawn")
#: Why an item was corrected or withdrawn (codes; labels in the catalogue).
CHANGE_REASONS = ("factual_error", "update", "wrong_file", "person_request", "other")


def validate_categories(value: Any) -> None:
    if not isinstance(value, list) or not value or any(c not in CATEGORIES for c in value):
        raise ValidationError(t("web.item.categories_invalid"))


#: The time a scope is built at, while the guard compiles it once (its stand-in clock,
#: replaced by the time of each request when the compiled query runs: ``web.views``).
SCOPE_CLOCK: ContextVar[dt.datetime | None] = ContextVar("scope_clock", default=None)


def scope_now() -> dt.datetime:
    """The time the scopes compare with: now (an emergency access that has expired opens
    nothing), unless a scope is being compiled (:data:`SCOPE_CLOCK`)."""
    return SCOPE_CLOCK.get() or timezone.now()


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """The files of the user's organisation and teams; nothing for other roles."""
        # The team is shown on every file page: joined here rather than fetched after.
        qs = self.filter(organisation_id=user.organisation_id).select_related("team")
        if user.role in roles.CASEWORKERS:
            # Plus the files opened in an emergency (break-the-glass), while the access lasts.
            opened = EmergencyAccess.objects.filter(user=user, expires_at__gt=scope_now())
            return qs.filter(
                models.Q(team__in=user.teams.all()) | models.Q(pk__in=opened.values("person_id"))
            )
        return qs.none()


class Person(SealedFieldsMixin, models.Model):
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="persons")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="persons")
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    birth_date = models.DateField(null=True, blank=True)
    #: ISO 3166 alpha-2 code (``BE`` for Belgian nationals).
    nationality = models.CharField(max_length=2, default="BE")
    # Sealed: the national number, the address and the household.
    national_number = models.TextField(blank=True, editable=False)
    #: Keyed digest of the national number (see :mod:`depositaire.web.cases.lookup`): searchable.
    national_number_index = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False
    )
    address = models.TextField(blank=True, editable=False)
    household = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()

    SEALED = ("national_number", "address", "household")

    class Meta:
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self) -> str:
        return t("web.person.file_number", number=self.pk)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_foreigner(self) -> bool:
        return self.nationality.upper() != "BE"

    def is_minor(self, on: dt.date | None = None) -> bool | None:
        if self.birth_date is None:
            return None
        on = on or timezone.localdate()
        b = self.birth_date
        age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        return age < 18

    def clean(self) -> None:
        if (
            self.team_id
            and self.organisation_id
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError(t("web.person.team_elsewhere"))

    def set_identity(self, *, national_number_value: str, address: str, household: str) -> None:
        if national_number_value and not national_number.is_valid(
            national_number_value, self.birth_date
        ):
            raise ValidationError(t("web.person.national_number_invalid"))
        from depositaire.web.cases.lookup import index_of

        self.set_sealed("national_number", national_number.normalise(national_number_value))
        self.national_number_index = index_of(national_number_value)
        self.set_sealed("address", address)
        self.set_sealed("household", household)


class InformationItemQuerySet(models.QuerySet["InformationItem"]):
    def current(self) -> InformationItemQuerySet:
        """The items as they stand: no earlier version, nothing withdrawn."""
        return self.filter(status="current")

    def visible_to(self, user: Any) -> InformationItemQuerySet:
        """Current items of the files the user may open; a confidence only for its author.

        Earlier versions and withdrawn items are left out: nothing uses them any more
        (letters, extracts, the examination); :meth:`history_visible_to` reads them."""
        return self.history_visible_to(user).current()

    def history_visible_to(self, user: Any) -> InformationItemQuerySet:
        """Every version, current or not, to whom the original is visible."""
        persons = Person.objects.visible_to(user)
        return self.filter(person__in=persons).readable_by(user.pk)

    def readable_by(self, user_id: int) -> InformationItemQuerySet:
        """What the user may read of the files he may open: every secret fact, a confidence
        only for its author (``history_visible_to`` once the file is known visible)."""
        return self.filter(models.Q(nature="secret_fact") | models.Q(author_id=user_id))


class InformationItem(SealedFieldsMixin, models.Model):
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="items")
    nature = models.CharField(max_length=20, choices=[(n, n) for n in NATURES])
    categories = models.JSONField(default=list, validators=[validate_categories])
    origin = models.CharField(max_length=30, choices=[(o, o) for o in ORIGINS])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="items"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    #: Sealed: never stored, logged or shown in clear outside its view.
    content = models.TextField(editable=False)
    status = models.CharField(
        max_length=12, choices=[(s, s) for s in ITEM_STATUSES], default="current"
    )
    #: The version this one corrects (its own row is kept, status ``superseded``).
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    #: Who corrected (on the new version) or withdrew (on the withdrawn row), when and why.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    change_reason = models.CharField(
        max_length=20, blank=True, choices=[(r, r) for r in CHANGE_REASONS]
    )
    #: Sealed: the worker's explanation of the change.
    change_note = models.TextField(blank=True, editable=False)

    objects = InformationItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return t("web.item.number", number=self.pk)

    def __repr__(self) -> str:
        return f"<InformationItem {self.pk} {self.nature}>"

    @property
    def is_confidence(self) -> bool:
        return self.nature == "confidence"

    @property
    def is_current(self) -> bool:
        return self.status == "current"

    @property
    def change_reason_label(self) -> str:
        return t(f"daily.reasons.{self.change_reason}") if self.change_reason else ""

    def versions(self) -> list[InformationItem]:
        """This version and every earlier one, newest first."""
        out: list[InformationItem] = [self]
        while out[-1].previous_id is not None:
            out.append(InformationItem.objects.get(pk=out[-1].previous_id))
        return out

    def latest(self) -> InformationItem:
        """The newest version of this item (itself when nothing corrected it)."""
        item = self
        while True:
            following = _FOLLOWING.first(item.pk)
            if following is None:
                return item
            item = following

    def readable_by(self, user: Any) -> bool:
        if self.is_confidence:
            return bool(self.author_id == user.pk)
        return Person.objects.visible_to(user).filter(pk=self.person_id).exists()

    def set_content(self, plaintext: str) -> None:
        self.set_sealed("content", plaintext)

    def read_content(self, user: Any) -> str:
        """The clear text, for a reader allowed to see it (checked again here)."""
        if not self.readable_by(user):
            raise PermissionError("not readable by this user")
        return self.get_sealed("content")


def _following(pk: int) -> Any:
    """The version that corrected item ``pk`` (``.first()``'s query, written once)."""
    following = InformationItem.objects.filter(previous_id=pk)
    return (following if following.ordered else following.order_by("pk"))[:1]


_FOLLOWING = Prepared(_following, -1)

#: Reasons a worker may give to open a file outside their team (codes; labels in the catalogue).
EMERGENCY_REASONS = ("danger_person", "danger_others", "referent_absent", "legal_deadline")
#: How long an emergency access opens the file.
EMERGENCY_SECONDS = 3600


class EmergencyAccess(SealedFieldsMixin, models.Model):
    """Break-the-glass: a caseworker of the organisation opens a file outside their team,
    for an hour, after stating why; journaled, shown to the head and the DPO, and listed
    in the person's report."""

    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emergency_accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.CharField(max_length=40, choices=[(r, r) for r in EMERGENCY_REASONS])
    #: Sealed: the worker's own words.
    statement = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    #: Each controller marks the access examined on "Accès d'urgence" (the badge counts
    #: the others): the head social worker of the file's team, and the DPO.
    head_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    head_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    dpo_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    dpo_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"emergency-access:{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

"""Disclosures: what left the file, to whom, why — and the sessions of the special committee.

A disclosure records, for every item considered, the situation given to the
engine and its decision (JSON), the rule-base version, and the extract that was
prepared (sealed HTML and PDF) with the PDF's sha256. Recipients inside the CPAS
circuit (president, special committee, administrative staff, preparation
meeting) see only the extracts sent to them, never the files.
"""

from __future__ import annotations

import base64
import uuid as uuid_lib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from depositaire.messages import lazy_t, t
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import Organisation
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.cases.sealing import SealedFieldsMixin

STATUSES = ("prepared", "sent")


class CommitteeSessionQuerySet(models.QuerySet["CommitteeSession"]):
    def visible_to(self, user: Any) -> CommitteeSessionQuerySet:
        qs = self.filter(organisation_id=user.organisation_id)
        if user.role in roles.CASEWORKERS or user.role == roles.COMMITTEE_MEMBER:
            return qs
        return qs.none()


class CommitteeSession(models.Model):
    """One session of the special committee of social service (Comité spécial du service social)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="committee_sessions"
    )
    date = models.DateField()
    label = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CommitteeSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        from depositaire.engine.explain import format_date

        name = t("web.session.name", date=format_date(self.date))
        return f"{name} — {self.label}" if self.label else name

    def extracts_for(self, user: Any) -> models.QuerySet[Disclosure]:
        """The extracts of this session the user may open."""
        return Disclosure.objects.visible_to(user).filter(session=self)


class DisclosureQuerySet(models.QuerySet["Disclosure"]):
    def managed_by(self, user: Any) -> DisclosureQuerySet:
        """Disclosures of the files the user works on (their team's): full record."""
        return self.filter(
            organisation_id=user.organisation_id, person__in=Person.objects.visible_to(user)
        )

    def visible_to(self, user: Any) -> DisclosureQuerySet:
        """Extracts the user may read: their team's, or those sent to their role."""
        qs = self.filter(organisation_id=user.organisation_id)
        received = roles.RECEIVES.get(user.role)
        addressed = Q(status="sent", recipient_kind=received) if received else Q(pk__in=[])
        if user.role == roles.COMMITTEE_MEMBER:
            addressed &= Q(session__isnull=False)
        if user.role in roles.CASEWORKERS:
            return qs.filter(Q(person__in=Person.objects.visible_to(user)) | addressed)
        return qs.filter(addressed)


class Disclosure(SealedFieldsMixin, models.Model):
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="disclosures"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    #: Engine ``recipient.kind`` and the recipient's name.
    recipient_kind = models.CharField(max_length=40)
    recipient_name = models.CharField(max_length=200, blank=True)
    #: Engine ``request.kind``.
    purpose = models.CharField(max_length=40)
    session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    necessary_only = models.BooleanField(null=True)
    #: Facts asked in the form (dotted path -> value), no text.
    facts = models.JSONField(default=dict, blank=True)
    #: One entry per item considered: situation, decision (JSON), included, reason.
    outcomes = models.JSONField(default=list)
    rule_base_version = models.CharField(max_length=40)
    items = models.ManyToManyField(InformationItem, blank=True, related_name="disclosures")
    disclosed_categories = models.JSONField(default=list, blank=True)
    rule_ids = models.JSONField(default=list, blank=True)
    # Sealed: the extract as shown (HTML fragment) and as sent (PDF, base64).
    extract_html = models.TextField(editable=False)
    extract_pdf = models.TextField(editable=False)
    extract_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=[(s, s) for s in STATUSES], default="prepared")
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return t("web.disclosure.number", number=self.pk)

    def set_pdf(self, pdf: bytes) -> None:
        self.set_sealed("extract_pdf", base64.b64encode(pdf).decode("ascii"))

    def get_pdf(self) -> bytes:
        return base64.b64decode(self.get_sealed("extract_pdf"))

    @property
    def included(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if o.get("included")]

    @property
    def withheld(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if not o.get("included")]


class PrivacyContact(models.Model):
    """The organisation's data-protection officer, as the person's report names them.

    Set by the system administrator (admin site); one per organisation.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="privacy_contact"
    )
    dpo_name = models.CharField(lazy_t("web.privacy.dpo_name"), max_length=200, blank=True)
    dpo_email = models.EmailField(lazy_t("web.privacy.dpo_email"), blank=True)
    dpo_phone = models.CharField(lazy_t("web.privacy.dpo_phone"), max_length=50, blank=True)
    dpo_address = models.TextField(lazy_t("web.privacy.dpo_address"), blank=True)

    class Meta:
        verbose_name = lazy_t("web.privacy.model")
        verbose_name_plural = lazy_t("web.privacy.models")

    def __str__(self) -> str:
        return t("web.privacy.model")

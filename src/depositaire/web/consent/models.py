"""Consents and objections, in the shape of a FHIR Consent provision.

A consent is the person's answer (given or refused) to one proposed sharing:
a recipient (kind, and optionally a named recipient), a purpose (the engine's
``request.kind``), data classes (the engine's categories) and a period. An
objection is the person's "I refuse that X be shared": categories (none = all)
with a recipient kind (none = anyone).

Stored as FHIR says: ``status`` (``active`` | ``inactive`` | ``rejected``, the R4
``ConsentState`` values the brief keeps), ``decision`` (``permit`` | ``deny``, the R5
element; R4's ``provision.type``) and the provision's period, actor, purpose and
data classes; :meth:`ProvisionRecord.to_fhir` returns the resource as a dict.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from depositaire.engine.explain import category_label, value_label
from depositaire.web.cases.models import Person
from depositaire.web.cases.sealing import SealedFieldsMixin

STATUSES = ("active", "inactive", "rejected")
DECISIONS = ("permit", "deny")

RECIPIENT_SYSTEM = "urn:depositaire:recipient-kind"
PURPOSE_SYSTEM = "urn:depositaire:request-kind"
CATEGORY_SYSTEM = "urn:depositaire:information-category"


class ProvisionQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ProvisionQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))


class ProvisionRecord(SealedFieldsMixin, models.Model):
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="%(class)ss")
    status = models.CharField(max_length=10, choices=[(s, s) for s in STATUSES], default="active")
    decision = models.CharField(max_length=10, choices=[(d, d) for d in DECISIONS])
    #: Engine ``recipient.kind``; blank on an objection = any recipient.
    recipient_kind = models.CharField(max_length=40, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    #: Engine ``request.kind``; blank = any purpose.
    purpose = models.CharField(max_length=40, blank=True)
    #: Engine categories; blank on an objection = every category.
    categories = models.JSONField(default=list, blank=True)
    period_start = models.DateField(default=timezone.localdate)
    period_end = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProvisionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-recorded_at", "-pk"]

    def in_force(self, on: dt.date) -> bool:
        """Recorded, not withdrawn and within its period on ``on`` (a refusal included)."""
        if self.status == "inactive" and self.withdrawn_on is None:
            return False
        if on < self.period_start or (self.period_end is not None and on > self.period_end):
            return False
        return self.withdrawn_on is None or on < self.withdrawn_on

    def withdraw(self, on: dt.date) -> None:
        self.withdrawn_on = on
        self.status = "inactive"

    def covers_recipient(self, kind: str, name: str = "") -> bool:
        if self.recipient_kind and self.recipient_kind != kind:
            return False
        return (
            not self.recipient_name
            or self.recipient_name.strip().casefold() == name.strip().casefold()
        )

    def to_fhir(self) -> dict[str, Any]:
        """The record as a FHIR Consent resource (a plain dict, JSON-ready)."""
        period: dict[str, str] = {"start": self.period_start.isoformat()}
        end = self.withdrawn_on or self.period_end
        if end is not None:
            period["end"] = end.isoformat()
        provision: dict[str, Any] = {"type": self.decision, "period": period}
        if self.recipient_kind or self.recipient_name:
            actor: dict[str, Any] = {
                "role": {
                    "coding": [
                        {
                            "system": RECIPIENT_SYSTEM,
                            "code": self.recipient_kind or "other",
                            "display": value_label(
                                "recipient.kind", self.recipient_kind or "other"
                            ),
                        }
                    ]
                }
            }
            if self.recipient_name:
                actor["reference"] = {"display": self.recipient_name}
            provision["actor"] = [actor]
        if self.purpose:
            provision["purpose"] = [
                {
                    "system": PURPOSE_SYSTEM,
                    "code": self.purpose,
                    "display": value_label("request.kind", self.purpose),
                }
            ]
        if self.categories:
            provision["class"] = [
                {"system": CATEGORY_SYSTEM, "code": c, "display": category_label(c)}
                for c in self.categories
            ]
        return {
            "resourceType": "Consent",
            "id": str(self.uuid),
            "status": self.status,
            "decision": self.decision,
            "scope": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                        "code": "patient-privacy",
                    }
                ]
            },
            "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
            "subject": {"reference": f"Patient/{self.person.uuid}"},
            "dateTime": self.recorded_at.isoformat(),
            "provision": provision,
        }


class Consent(ProvisionRecord):
    """The person's answer to one proposed sharing: given (``active``/``permit``) or refused
    (``rejected``/``deny``); withdrawn or expired, it becomes ``inactive``."""

    #: The person knew the purpose, object, modalities and precise recipients.
    informed = models.BooleanField(default=False)
    #: Sealed: what the person was told, in the social worker's words.
    information_given = models.TextField(blank=True, editable=False)

    def __str__(self) -> str:
        return f"consent:{self.pk}"

    @property
    def given(self) -> bool:
        return self.decision == "permit"

    def to_fhir(self) -> dict[str, Any]:
        out = super().to_fhir()
        out["verification"] = [{"verified": bool(self.informed)}]
        return out


class Objection(ProvisionRecord):
    """ "I refuse that X be shared": always a ``deny`` provision, ``active`` until lifted."""

    def __str__(self) -> str:
        return f"objection:{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.decision = "deny"
        super().save(*args, **kwargs)

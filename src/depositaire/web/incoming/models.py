"""Incoming requests, the requester's documents, and the answer that closed a request.

A request belongs to the team of the person it is about: the caseworkers of that
team see it, nobody else reads its contents. What the requester wrote (free text),
its documents and the letter sent are sealed; the requester's identity (kind,
organisation, name, contact) stays in clear, because the head of service must be
able to see that the same requester asks about several persons.
"""

from __future__ import annotations

import base64
import unicodedata
import uuid as uuid_lib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import Organisation, Team
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.cases.sealing import SealedFieldsMixin

CHANNELS = ("phone", "email", "letter", "in_person")
#: Channels that leave a written request.
WRITTEN_CHANNELS = frozenset({"email", "letter"})
#: The legal basis a requester may claim (free text beside it for the detail).
CLAIMED_BASES = (
    "none",
    "prosecutor_requisition_46bis1",
    "testimony",
    "case_consultation_458ter",
    "guarantor_lookup",
    "intelligence_act_14",
    "judicial_follow_up",
    "other",
)
STATUSES = ("open", "closed")
#: ``incoming``: a request the organisation received; ``outgoing``: one it sends itself
#: (the guarantor look-up of seed 004: the CPAS writes to the immigration office).
DIRECTIONS = ("incoming", "outgoing")
#: The bases of an outgoing request (what the organisation asks, and why).
OUTGOING_BASES = ("guarantor_lookup",)


class IncomingRequestQuerySet(models.QuerySet["IncomingRequest"]):
    def visible_to(self, user: Any) -> IncomingRequestQuerySet:
        """Requests about the files of the user's teams; nothing for other roles."""
        qs = self.filter(organisation_id=user.organisation_id)
        if user.role in roles.CASEWORKERS:
            return qs.filter(person__in=Person.objects.visible_to(user))
        return qs.none()


class IncomingRequest(SealedFieldsMixin, models.Model):
    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incoming_requests"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="incoming_requests")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incoming_requests")
    #: Engine ``recipient.kind`` of the requester.
    requester_kind = models.CharField(max_length=40)
    requester_organisation = models.CharField(max_length=200, blank=True)
    requester_name = models.CharField(max_length=200, blank=True)
    requester_contact = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=20, choices=[(c, c) for c in CHANNELS])
    #: Engine categories the requester asks for.
    categories = models.JSONField(default=list)
    claimed_basis = models.CharField(
        max_length=40, choices=[(b, b) for b in CLAIMED_BASES], default="none"
    )
    claimed_basis_text = models.CharField(max_length=300, blank=True)
    #: A danger situation: the examination starts with the danger questions.
    urgent = models.BooleanField(default=False)
    direction = models.CharField(
        max_length=10, choices=[(d, d) for d in DIRECTIONS], default="incoming"
    )
    #: The request is about medical or hospital costs (seed 004: the flow to the immigration
    #: office does not concern them).
    about_medical_aid = models.BooleanField(default=False)
    #: The person herself asks whether information about her was asked for or communicated
    #: (by the prosecutor, the police…): a registered requisition's measure stays secret
    #: toward her (art. 46bis/1, § 2 CIC, 001).
    asks_about_requests = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=10, choices=[(s, s) for s in STATUSES], default="open")
    #: The interview's state (``Interview.to_dict()``) and where each given fact came from.
    interview_state = models.JSONField(default=dict, blank=True)
    prefill_sources = models.JSONField(default=dict, blank=True)
    #: Sealed: what the requester asks, in its own words.
    request_text = models.TextField(blank=True, editable=False)

    objects = IncomingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return t("incoming.request.number", number=self.pk)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_outgoing(self) -> bool:
        return self.direction == "outgoing"

    @property
    def is_written(self) -> bool:
        return self.channel in WRITTEN_CHANNELS

    def age_days(self, now: Any = None) -> int:
        now = now or timezone.now()
        return max((now - self.received_at).days, 0)

    def requester_key(self) -> str:
        """The requester, normalised: organisation and name (or contact when no name)."""
        who = self.requester_name or self.requester_contact
        return f"{normalise(self.requester_organisation)}|{normalise(who)}"


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: "Zone Namur-Capitale " ~ "zone namur capitale"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = "".join(c if c.isalnum() or c == "@" else " " for c in plain).split()
    return " ".join(words)


class RequestDocumentQuerySet(models.QuerySet["RequestDocument"]):
    def visible_to(self, user: Any) -> RequestDocumentQuerySet:
        return self.filter(request__in=IncomingRequest.objects.visible_to(user))


class RequestDocument(SealedFieldsMixin, models.Model):
    """A document the requester sent (the requisition, the e-mail…): sealed in the database."""

    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    request = models.ForeignKey(IncomingRequest, on_delete=models.PROTECT, related_name="documents")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    # Sealed: the file name as sent (it may name the person) and the bytes (base64).
    filename = models.TextField(editable=False)
    data = models.TextField(editable=False)

    objects = RequestDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return t("incoming.document.number", number=self.pk)

    @property
    def original_name(self) -> str:
        """The file's name as it was sent (unsealed; shown escaped, used on download)."""
        return self.get_sealed("filename")

    def set_bytes(self, raw: bytes) -> None:
        self.set_sealed("data", base64.b64encode(raw).decode("ascii"))

    def get_bytes(self) -> bytes:
        return base64.b64decode(self.get_sealed("data"))


class RequestAnswer(SealedFieldsMixin, models.Model):
    """How a request was closed: the decision, the letter (sealed PDF and its hash), what was sent."""

    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    #: The request this answer closes; emptied when the request is reopened (the answer
    #: is kept, under ``former_request``, and a new one is made at the next closing).
    request = models.OneToOneField(
        IncomingRequest, on_delete=models.PROTECT, related_name="answer", null=True, blank=True
    )
    former_request = models.ForeignKey(
        IncomingRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="former_answers",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)
    verdict = models.CharField(max_length=20)
    rule_ids = models.JSONField(default=list)
    #: The engine's decision (``Decision.to_dict()``) and the situation it was taken on.
    decision = models.JSONField(default=dict)
    situation = models.JSONField(default=dict)
    rule_base_version = models.CharField(max_length=40)
    #: ``reply`` | ``transmission`` | blank (no letter called for).
    letter_kind = models.CharField(max_length=20, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    letter_pdf = models.TextField(blank=True, editable=False)
    #: Categories whose values went out, and the file items they were taken from.
    sent_categories = models.JSONField(default=list, blank=True)
    items = models.ManyToManyField(InformationItem, blank=True, related_name="request_answers")
    questions_asked = models.PositiveIntegerField(default=0)
    #: The measure must stay secret (art. 46bis/1 CIC): never shown to the person.
    keep_secret = models.BooleanField(default=False)

    class Meta:
        ordering = ["-closed_at", "-pk"]

    def __str__(self) -> str:
        return t("incoming.request.number", number=self.request_id or self.former_request_id)

    @property
    def about(self) -> IncomingRequest:
        """The request answered (still closed by this answer, or reopened since)."""
        request = self.request or self.former_request
        assert request is not None
        return request

    def set_pdf(self, pdf: bytes) -> None:
        self.set_sealed("letter_pdf", base64.b64encode(pdf).decode("ascii"))

    def get_pdf(self) -> bytes:
        return base64.b64decode(self.get_sealed("letter_pdf"))


#: Why a closed request is reopened (codes; labels in the catalogue).
REOPEN_REASONS = ("answer_wrong", "new_information", "requester_follow_up", "other")


class RequestReopening(SealedFieldsMixin, models.Model):
    """A closed request opened again by its author or the head of service, with a reason.

    The earlier answer (decision, letter, what was sent) is kept as it was."""

    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        IncomingRequest, on_delete=models.PROTECT, related_name="reopenings"
    )
    previous_answer = models.ForeignKey(
        RequestAnswer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.CharField(max_length=30, choices=[(r, r) for r in REOPEN_REASONS])
    #: Sealed: the worker's explanation.
    statement = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-reopened_at", "-pk"]

    def __str__(self) -> str:
        return f"reopening:{self.pk}"

    @property
    def reason_label(self) -> str:
        return t(f"daily.reasons.{self.reason}")

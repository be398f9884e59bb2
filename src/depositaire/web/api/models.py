"""Personal API tokens and the interview sessions opened through the API.

A token is 32 random bytes (``secrets.token_urlsafe``), shown once at creation and
stored as its SHA-256 only: a hash of that much randomness cannot be guessed back,
so a slow password hash (Argon2) would add cost to every call and no protection.
The first characters (``prefix``) are kept in clear so that a person can tell their
tokens apart in the list. A token has scopes (``decide``, ``register``), an expiry,
and can be revoked; it acts as its user, with that user's role, teams and organisation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid as uuid_lib
from typing import Any, Final

from django.conf import settings
from django.db import models
from django.utils import timezone

from depositaire.messages import t

SCOPES: Final = ("decide", "register")
#: What a token says about itself, before its random part.
TOKEN_PREFIX: Final = "dep_"  # noqa: S105 (a public marker, not a secret)
DEFAULT_DAYS: Final = 90
MAX_DAYS: Final = 366


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def managed_by(self, user: Any) -> ApiTokenQuerySet:
        """A user's own tokens; for the system administrator, every token of the organisation."""
        from depositaire.web.accounts import roles

        if getattr(user, "role", "") == roles.SYSADMIN and user.organisation_id is not None:
            return self.filter(user__organisation_id=user.organisation_id)
        return self.filter(user=user)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return t("api.tokens.number", number=self.pk)

    @classmethod
    def issue(
        cls,
        user: Any,
        scopes: list[str],
        *,
        days: int = DEFAULT_DAYS,
        name: str = "",
        created_by: Any = None,
    ) -> tuple[ApiToken, str]:
        """A new token and its clear value (returned once, never stored)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name[:100],
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=token_hash(raw),
            scopes=[s for s in SCOPES if s in scopes],
            created_by=created_by or user,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"


class ApiConsultation(models.Model):
    """A guided interview started through the API: its state, owned by the token's user."""

    uuid = models.UUIDField(default=uuid_lib.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_consultations"
    )
    state = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.uuid)

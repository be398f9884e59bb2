"""The journal's tables: entries (the hash chain), signed checkpoints, and the signed head.

No foreign key points to another app: the organisation and the actor are plain
integers, so the journal outlives deleted users and organisations and can be read
without them. Write only through :func:`depositaire.web.journal.service.record`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from depositaire.messages import t
from depositaire.web.journal.codes import JournalError


def _append_only() -> NoReturn:
    raise JournalError(t("journal.error.append_only"))


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk changes through the ORM; raw SQL can still try, and :mod:`verify` sees it."""

    def update(self, **kwargs: Any) -> int:
        _append_only()

    def delete(self) -> NoReturn:  # type: ignore[override]
        _append_only()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        _append_only()

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        # Entries must be chained one by one under the head lock.
        _append_only()


class JournalEntry(models.Model):
    """One journaled action: a link of the hash chain (``prev_hash`` → ``hash``)."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    action = models.CharField(max_length=40, db_index=True, editable=False)
    organisation_id = models.BigIntegerField(null=True, blank=True, editable=False)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True, editable=False)
    target = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["organisation_id", "seq"], name="journal_org_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _append_only()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        _append_only()


class Checkpoint(models.Model):
    """A signed statement "entry ``seq`` has hash ``hash``": anchors everything before it."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(editable=False)
    #: Ed25519 over ``"<seq>|<hash>"``, base64.
    signature = models.CharField(max_length=128, editable=False)
    #: SHA-256 of the public key that signed (for a future change of signing key).
    key_fingerprint = models.CharField(max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"


class JournalHead(models.Model):
    """The single row naming the last entry, signed: the lock writers take, and a guard on the tail.

    ``journal_id`` is random and chosen once; the first entry's ``prev_hash`` derives
    from it (see :func:`depositaire.web.journal.chain.genesis_hash`).
    """

    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW)
    journal_id = models.CharField(max_length=32)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    #: Ed25519 over ``"head|<journal_id>|<seq>|<hash>"``, base64.
    signature = models.CharField(max_length=128)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="journal_head_single_row")
        ]

    def __str__(self) -> str:
        return f"head #{self.seq}"

"""Correcting and withdrawing an information item: never erased, every version kept.

A correction writes a *new* row (``previous`` -> the corrected one) and marks the old one
``superseded``; a withdrawal marks the row ``withdrawn``. Both rows stay, each sealed in
the journal like any item row (``row_sealed``, by the signal of
:mod:`depositaire.web.journal.rows`), so ``journal verify`` still passes and sees any
change made behind the application's back. The new version keeps the original's nature
and author: whoever could read the original (a confidence: its author only) reads the
new version and the history, nobody else.

Each change is journaled with its reason code (the explanation itself is sealed in the
row, never in the journal).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from depositaire.engine.schema import CATEGORIES
from depositaire.web.cases.models import InformationItem
from depositaire.web.views import journal


class AlreadyChanged(Exception):
    """Another post corrected or withdrew the item first (a double click, a colleague)."""


def _locked(item: InformationItem) -> InformationItem:
    locked = InformationItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != "current":
        raise AlreadyChanged
    return locked


@transaction.atomic
def correct(
    http_request: Any,
    item: InformationItem,
    *,
    content: str,
    categories: list[str],
    origin: str,
    reason: str,
    note: str,
) -> InformationItem:
    """Store a new version of ``item``; the old one is kept, ``superseded``."""
    old = _locked(item)
    new = InformationItem(
        person_id=old.person_id,
        nature=old.nature,
        categories=[c for c in CATEGORIES if c in categories],
        origin=origin,
        author_id=old.author_id,
        previous=old,
        changed_by=http_request.user,
        changed_at=timezone.now(),
        change_reason=reason,
    )
    new.set_content(content)
    new.set_sealed("change_note", note)
    old.status = "superseded"
    old.save(update_fields=["status"])
    new.save()
    journal(
        http_request,
        "item_corrected",
        target=f"person:{old.person_id}/item:{new.pk}",
        details={
            "item_id": new.pk,
            "previous_id": old.pk,
            "person_id": old.person_id,
            "reason": reason,
            "categories": len(new.categories),
        },
    )
    return new


@transaction.atomic
def withdraw(
    http_request: Any, item: InformationItem, *, reason: str, note: str
) -> InformationItem:
    """Withdraw ``item``: kept, with who, when and why, and used nowhere any more."""
    row = _locked(item)
    row.status = "withdrawn"
    row.changed_by = http_request.user
    row.changed_at = timezone.now()
    row.change_reason = reason
    row.set_sealed("change_note", note)
    row.save(update_fields=["status", "changed_by", "changed_at", "change_reason", "change_note"])
    journal(
        http_request,
        "item_withdrawn",
        target=f"person:{row.person_id}/item:{row.pk}",
        details={"item_id": row.pk, "person_id": row.person_id, "reason": reason},
    )
    return row

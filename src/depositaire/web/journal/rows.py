"""The journal seals the rows it describes: consents, objections, disclosures and items.

Each time such a row is written (``post_save``, whatever the code path) or deleted, an
entry ``row_sealed`` joins the same transaction with the SHA-256 of the row as the
database now holds it (read back, so that verification later reads the same values).
:func:`check_rows` compares the current rows with the last seal of each: a row changed,
deleted or inserted behind the application's back is named by ``verify``.

What the digest covers: every concrete column except the sealed (encrypted) ones. Those
change when keys are rotated, and they are already protected otherwise: their
authenticated encryption is bound to the row and column (see ``crypto.py``), so a
changed token no longer opens.

The journal app depends on no other app: the sealed models are named by label and
looked up only if installed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_save

#: Model label -> the short code used in targets, details and problem codes.
SEALED_ROWS: dict[str, str] = {
    "consent.Consent": "consent",
    "consent.Objection": "objection",
    "disclosures.Disclosure": "disclosure",
    "cases.InformationItem": "item",
}


def _canon(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    return value


def _columns(model: Any) -> list[str]:
    from depositaire.web.crypto import sealed_fields

    encrypted = {s.field for s in sealed_fields() if s.model_label == model._meta.label}
    return sorted(f.attname for f in model._meta.concrete_fields if f.name not in encrypted)


def digest_of(values: dict[str, Any]) -> str:
    text = json.dumps(_canon(values), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def row_digest(model: Any, pk: Any, using: str = "default") -> str | None:
    values = model._base_manager.using(using).filter(pk=pk).values(*_columns(model)).first()
    return digest_of(values) if values is not None else None


def _organisation_of(instance: Any) -> int | None:
    org = getattr(instance, "organisation_id", None)
    if org is None and getattr(instance, "person_id", None) is not None:
        org = (
            type(instance)
            ._meta.get_field("person")
            .related_model.objects.filter(pk=instance.person_id)
            .values_list("organisation_id", flat=True)
            .first()
        )
    return org


def _seal(instance: Any, digest: str | None, using: str) -> None:
    from depositaire.web.journal.service import record

    code = SEALED_ROWS[instance._meta.label]
    record(
        "row_sealed",
        organisation=_organisation_of(instance),
        target=f"{code}:{instance.pk}",
        details={"model": code, "row_id": instance.pk, "row_sha256": digest},
    )


_paused = threading.local()


@contextmanager
def loading() -> Iterator[None]:
    """Write rows without sealing them, like Django's fixture loading (``raw``): for bulk
    test data only. Unsealed rows older than the first seal are not reported."""
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = False


def _saved(
    sender: Any, instance: Any, raw: bool = False, using: str = "default", **kw: Any
) -> None:
    if raw or getattr(_paused, "on", False):  # loading fixtures
        return
    _seal(instance, row_digest(sender, instance.pk, using), using)


def _deleted(sender: Any, instance: Any, using: str = "default", **kw: Any) -> None:
    if getattr(_paused, "on", False):
        return
    _seal(instance, None, using)


def connect() -> None:
    """Connect the seals (``JournalConfig.ready``) for the sealed models that are installed."""
    for label in SEALED_ROWS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(_saved, sender=model, dispatch_uid=f"journal-seal-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"journal-unseal-{label}")


def check_rows(using: str = "default") -> list[Any]:
    """Problems between the current rows and their last seals (codes ``row_*_<model>``)."""
    from depositaire.web.journal.models import JournalEntry
    from depositaire.web.journal.verify import Problem

    latest: dict[tuple[str, int], tuple[int, str | None]] = {}
    entries = (
        JournalEntry.objects.using(using)
        .filter(action="row_sealed")
        .order_by("seq")
        .values_list("seq", "details")
    )
    for seq, details in entries.iterator(chunk_size=2000):
        if isinstance(details, dict) and isinstance(details.get("row_id"), int):
            latest[(str(details.get("model")), details["row_id"])] = (
                seq,
                details.get("row_sha256"),
            )
    problems: list[Any] = []
    for label, code in SEALED_ROWS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        pk_name = model._meta.pk.attname
        current = {
            values[pk_name]: digest_of(values)
            for values in model._base_manager.using(using).values(*_columns(model)).iterator()
        }
        sealed_pks = [pk for (c, pk) in latest if c == code]
        for pk in sorted(sealed_pks):
            seq, digest = latest[(code, pk)]
            now = current.pop(pk, None)
            if digest is not None and now is None:
                problems.append(Problem(f"row_missing_{code}", seq, other=pk))
            elif now is not None and digest != now:
                problems.append(Problem(f"row_changed_{code}", seq, other=pk))
        first = min(sealed_pks, default=None)
        for pk in sorted(current):
            if first is not None and pk > first:
                problems.append(Problem(f"row_unsealed_{code}", None, other=pk))
    return problems


@dataclass
class SealReport:
    """What :func:`seal_rows_written_before` did: rows sealed and rows left, per model code."""

    sealed: dict[str, int] = field(default_factory=dict)
    #: Unsealed rows newer than the model's first seal: ``verify`` reports them as
    #: inserted behind the application, so they are sealed only when asked explicitly.
    reported: dict[str, int] = field(default_factory=dict)
    entry_seq: int | None = None

    @property
    def total(self) -> int:
        return sum(self.sealed.values())

    @property
    def reported_total(self) -> int:
        return sum(self.reported.values())


def seal_rows_written_before(using: str = "default", *, also_reported: bool = False) -> SealReport:
    """Seal the rows written before sealing existed, in one transaction, and journal it.

    A row with a seal is left alone, so a second run seals nothing and writes nothing.
    A row without a seal but newer than the first seal of its model is what ``verify``
    names as inserted behind the application: it is counted in ``reported`` and sealed
    only with ``also_reported`` (after someone has checked it), never silently. The act
    is one ``rows_sealed_existing`` entry: the count per model and the SHA-256 of the
    list of rows sealed (each also has its own ``row_sealed`` entry).
    """
    from django.db import transaction

    from depositaire.web.journal.models import JournalEntry
    from depositaire.web.journal.service import record

    report = SealReport()
    with transaction.atomic(using=using):
        sealed_pairs = {
            (str(d.get("model")), d.get("row_id"))
            for d in JournalEntry.objects.using(using)
            .filter(action="row_sealed")
            .values_list("details", flat=True)
            if isinstance(d, dict)
        }
        done: list[str] = []
        for label, code in SEALED_ROWS.items():
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            first = min(
                (pk for c, pk in sealed_pairs if c == code and isinstance(pk, int)), default=None
            )
            report.sealed[code] = report.reported[code] = 0
            for obj in model._base_manager.using(using).order_by("pk"):
                if (code, obj.pk) in sealed_pairs:
                    continue
                if first is not None and obj.pk > first and not also_reported:
                    report.reported[code] += 1
                    continue
                _seal(obj, row_digest(model, obj.pk, using), using)
                report.sealed[code] += 1
                done.append(f"{code}:{obj.pk}")
        if done:
            details: dict[str, Any] = {f"{code}_count": n for code, n in report.sealed.items()}
            details["rows_count"] = len(done)
            details["rows_sha256"] = hashlib.sha256("\n".join(done).encode()).hexdigest()
            details["reported_count"] = report.reported_total
            entry = record("rows_sealed_existing", organisation=None, target="", details=details)
            report.entry_seq = entry.seq
    return report


def seal_existing(using: str = "default") -> int:
    """Seal every row that has no seal yet (tests and the command); the count sealed."""
    return seal_rows_written_before(using, also_reported=True).total

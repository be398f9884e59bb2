"""The hash chain: how an entry's hash, the chain's first link and the signed messages are made.

Pure functions with no database: :mod:`service` writes with them, :mod:`verify`
recomputes with them, and any auditor can re-implement them from this page.

- An entry's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, ASCII)
  of ``{seq, created_at, action, organisation_id, actor_id, target, details, prev_hash}``,
  ``created_at`` in UTC ISO 8601 with microseconds.
- The first entry's ``prev_hash`` is the *genesis hash* of the journal's random id,
  so a journal cannot be swapped for another one without breaking its first link.
- A checkpoint signs ``"<seq>|<hash>"``; the head signs ``"head|<journal id>|<seq>|<hash>"``
  (a different prefix, so neither signature can pass for the other).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any


def timestamp(moment: dt.datetime) -> str:
    """The one textual form of an entry's time: UTC, microseconds, ``+00:00``."""
    if moment.tzinfo is None:
        raise ValueError("journal timestamps are timezone-aware")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(
    *,
    seq: int,
    created_at: dt.datetime,
    action: str,
    organisation_id: int | None,
    actor_id: int | None,
    target: str,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash is computed over."""
    body = {
        "seq": seq,
        "created_at": timestamp(created_at),
        "action": action,
        "organisation_id": organisation_id,
        "actor_id": actor_id,
        "target": target,
        "details": details,
        "prev_hash": prev_hash,
    }
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def entry_hash(**fields: Any) -> str:
    """SHA-256 (hex) of :func:`canonical` of the entry's fields."""
    return hashlib.sha256(canonical(**fields)).hexdigest()


def genesis_hash(journal_id: str) -> str:
    """The ``prev_hash`` of entry 1: binds the chain to this journal's id."""
    return hashlib.sha256(f"depositaire.journal.genesis|{journal_id}".encode("ascii")).hexdigest()


def checkpoint_message(seq: int, hash_: str) -> bytes:
    return f"{seq}|{hash_}".encode("ascii")


def head_message(journal_id: str, seq: int, hash_: str) -> bytes:
    return f"head|{journal_id}|{seq}|{hash_}".encode("ascii")

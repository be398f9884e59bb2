"""Appending to the journal: :func:`record` (one entry) and :func:`checkpoint` (on demand).

``record()`` joins the caller's transaction: if the action rolls back, so does its
entry; if the entry cannot be written, the action fails with it. It does not take the
journal head's lock: it queues the entry on the connection, and the database back end
(:mod:`depositaire.web.db`) chains the queued entries with :func:`chain_pending` as
the last step before ``COMMIT``. So the head lock is held for a few inserts and the
commit, not for the whole request: no request waits for another's template, PDF or
password hash.

The chaining step first takes the lock on the single :class:`JournalHead` row, so
entries get consecutive ``seq`` numbers and each links to the one before, whatever
the number of processes, in the order the transactions commit. The lock is a write
(``UPDATE … SET seq = seq``) rather than ``SELECT … FOR UPDATE`` because SQLite
ignores the latter; a write takes the database write lock on SQLite and the row lock
on PostgreSQL alike.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from depositaire.messages import t
from depositaire.web.journal import chain, signing
from depositaire.web.journal.codes import (
    JournalError,
    check_action,
    check_details,
    check_id,
    check_target,
)
from depositaire.web.journal.models import Checkpoint, JournalEntry, JournalHead

DEFAULT_CHECKPOINT_EVERY = 20


def checkpoint_every() -> int:
    """Entries between two automatic checkpoints (setting ``JOURNAL_CHECKPOINT_EVERY``)."""
    every = int(getattr(settings, "JOURNAL_CHECKPOINT_EVERY", DEFAULT_CHECKPOINT_EVERY))
    return max(every, 1)


def record(
    action: str,
    *,
    actor: Any = None,
    organisation: Any = None,
    target: str | None = "",
    details: dict[str, Any] | None = None,
) -> JournalEntry:
    """Append one entry: who (``actor``, ``organisation``) did ``action`` to ``target``.

    ``actor`` and ``organisation`` are model instances or integer ids. ``details`` holds
    ids, counts and hashes only (see :mod:`depositaire.web.journal.codes`); anything
    else raises :class:`JournalError` before the database is touched.
    """
    action = check_action(action)
    clean_target = check_target(target)
    clean_details = check_details(details)
    actor_id = check_id(actor)
    organisation_id = check_id(organisation)

    entry = JournalEntry(
        action=action,
        organisation_id=organisation_id,
        actor_id=actor_id,
        target=clean_target,
        details=clean_details,
    )
    connection = transaction.get_connection()
    if not hasattr(connection, "queue_journal_entry"):  # a plain Django back end
        with transaction.atomic():
            for anchor in chain_pending([entry]):
                transaction.on_commit(anchor, robust=True)
        return entry
    if connection.in_atomic_block and not all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    ):
        # Inside the caller's transaction (a request's): queued on it directly, under its
        # current savepoint, as a savepoint of our own would leave it (two statements less).
        connection.queue_journal_entry(entry)
        return entry
    # Outside any transaction (a command), or right inside a test's: a block of our own, so
    # the entry is chained when it ends (committed, or released into the test's transaction).
    with transaction.atomic():
        connection.queue_journal_entry(entry)
    return entry


def chain_pending(entries: list[JournalEntry]) -> list[Callable[[], None]]:
    """Number, link and write queued entries under the head lock; the anchors to raise.

    Called by the database back end just before it commits (or inside a transaction,
    as :func:`record` does on a plain back end). The entries get their ``seq``,
    ``created_at`` (the time of chaining), ``prev_hash`` and ``hash`` here. The anchors
    (outside the database) must be raised only once the transaction has committed.
    """
    head = _lock_head()
    anchors: list[Callable[[], None]] = []
    for entry in entries:
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "created_at": timezone.now(),
            "action": entry.action,
            "organisation_id": entry.organisation_id,
            "actor_id": entry.actor_id,
            "target": entry.target,
            "details": entry.details,
            "prev_hash": head.hash,
        }
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.hash = chain.entry_hash(**fields)
        _insert_entry(entry)
        head.seq, head.hash = entry.seq, entry.hash
        if entry.seq % checkpoint_every() == 0:
            anchors.append(_checkpoint(head, entry.seq, entry.hash))
    _move_head(head, head.seq, head.hash)
    return anchors


def checkpoint() -> Checkpoint | None:
    """Sign the current last entry now (``None`` on an empty journal); idempotent."""
    with transaction.atomic():
        head = _lock_head()
        if head.seq == 0:
            return None
        existing = Checkpoint.objects.filter(seq=head.seq).first()
        if existing is not None:
            return existing
        point_seq, point_hash = head.seq, head.hash
        anchor = _checkpoint(head, point_seq, point_hash)
        transaction.on_commit(anchor, robust=True)
        return Checkpoint.objects.get(seq=point_seq)


#: Lock and read the head in one statement: a write (``SET seq = seq``) locks the row on
#: PostgreSQL and takes the write lock on SQLite; ``RETURNING`` gives the row as it stands
#: once the lock is held (PostgreSQL re-reads a row another writer changed meanwhile).
_LOCK_HEAD = (
    "UPDATE {table} SET {seq} = {seq} WHERE {pk} = %s "
    "RETURNING {pk}, {journal_id}, {seq}, {hash}, {signature}, {updated_at}"
)


def _lock_head() -> JournalHead:
    head = _lock_and_read_head()
    if head is not None:
        return head
    touched = JournalHead.objects.filter(pk=JournalHead.ROW).update(seq=F("seq"))
    if not touched:
        # Entries first, head second: another writer commits both at once, so entries
        # seen here imply its head is seen next; only a removed head is missing then.
        entries_exist = JournalEntry.objects.exists()
        if JournalHead.objects.filter(pk=JournalHead.ROW).exists():
            return JournalHead.objects.select_for_update().get(pk=JournalHead.ROW)
        if entries_exist:
            # Re-creating the head would hide whatever removed it: stop and let verify speak.
            raise JournalError(t("journal.error.head_missing"))
        try:
            with transaction.atomic():
                _create_head()
        except IntegrityError:
            pass  # another process created it first: use theirs
    return JournalHead.objects.select_for_update().get(pk=JournalHead.ROW)


def _lock_and_read_head() -> JournalHead | None:
    """The locked head row, or ``None`` when there is none (yet)."""
    connection = transaction.get_connection()
    # RETURNING: PostgreSQL, and SQLite from 3.35 (the flag Django sets for the same syntax).
    if not connection.features.can_return_columns_from_insert:
        return None
    quote = connection.ops.quote_name
    meta = JournalHead._meta
    columns = {f.name: quote(f.column) for f in meta.concrete_fields}
    sql = _LOCK_HEAD.format(
        table=quote(meta.db_table), pk=quote(meta.pk.column), **columns
    )  # fixed names only; the row id is a parameter
    heads = list(JournalHead.objects.raw(sql, [JournalHead.ROW]))
    return heads[0] if heads else None


def _create_head() -> JournalHead:
    journal_id = secrets.token_hex(16)
    genesis = chain.genesis_hash(journal_id)
    return JournalHead.objects.create(
        pk=JournalHead.ROW,
        journal_id=journal_id,
        seq=0,
        hash=genesis,
        signature=signing.sign(chain.head_message(journal_id, 0, genesis)),
        updated_at=timezone.now(),
    )


def _move_head(head: JournalHead, seq: int, hash_: str) -> None:
    head.seq = seq
    head.hash = hash_
    head.signature = signing.sign(chain.head_message(head.journal_id, seq, hash_))
    head.updated_at = timezone.now()
    connection = transaction.get_connection()
    _, _, update, head_fields = _statements(connection)
    values = [f.get_db_prep_save(getattr(head, f.attname), connection) for f in head_fields]
    with connection.cursor() as cursor:
        cursor.execute(update, [*values, head.pk])
        moved = cursor.rowcount
    if moved != 1:  # as Django's save(update_fields=…) refuses a row that is not there
        raise DatabaseError("Save with update_fields did not affect any rows.")


#: The head's columns a chaining step writes (as ``save(update_fields=…)`` did).
_HEAD_WRITTEN = ("seq", "hash", "signature", "updated_at")


def _statements(connection: Any) -> tuple[str, list[Any], str, list[Any]]:
    """The entry's INSERT and the head's UPDATE, written once per connection.

    The same statements Django's ``save()`` sends, without building and compiling them
    again for every entry; values are adapted by each field, as Django does."""
    cached = connection.__dict__.get("_depositaire_journal_sql")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    quote = connection.ops.quote_name
    meta = JournalEntry._meta
    entry_fields = [f for f in meta.concrete_fields if not f.primary_key]
    # Fixed names only (the models' table and columns); every value is a parameter.
    insert = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in entry_fields),
        ", ".join(["%s"] * len(entry_fields)),
    )
    if connection.features.can_return_columns_from_insert:
        insert += f" RETURNING {quote(meta.pk.column)}"
    head_meta = JournalHead._meta
    head_fields = [head_meta.get_field(name) for name in _HEAD_WRITTEN]
    update = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(head_meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in head_fields),
        quote(head_meta.pk.column),
    )
    cached = (insert, entry_fields, update, head_fields)
    connection.__dict__["_depositaire_journal_sql"] = cached
    return cached


def _insert_entry(entry: JournalEntry) -> None:
    """Write a new entry (never an existing one: the journal is append-only)."""
    if not entry._state.adding:
        raise JournalError(t("journal.error.append_only"))
    connection = transaction.get_connection()
    insert, entry_fields, _, _ = _statements(connection)
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in entry_fields]
    with connection.cursor() as cursor:
        cursor.execute(insert, values)
        if connection.features.can_return_columns_from_insert:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, JournalEntry._meta.db_table, "id")
    entry.pk = pk
    entry._state.adding = False
    entry._state.db = connection.alias


def _checkpoint(head: JournalHead, seq: int, hash_: str) -> Callable[[], None]:
    """Sign entry ``seq``; returns the anchor to raise once the transaction commits."""
    Checkpoint.objects.create(
        seq=seq,
        hash=hash_,
        created_at=timezone.now(),
        signature=signing.sign(chain.checkpoint_message(seq, hash_)),
        key_fingerprint=signing.fingerprint(signing.signing_key().public_key()),
    )
    journal_id = head.journal_id
    # Only once committed: an anchor to a rolled-back checkpoint would be a false alarm.
    # Robust: a key folder that cannot be written is logged, it does not undo the action.
    return lambda: signing.raise_anchor(journal_id, seq, hash_)

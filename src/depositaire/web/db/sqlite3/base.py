"""SQLite in WAL mode: readers take no write lock, writers hold it briefly.

- WAL: a reader never blocks a writer nor waits for one.
- The transaction of a safe request's view (GET…) is ``BEGIN DEFERRED``: it reads
  without the write lock. Other transactions begin ``IMMEDIATE`` (they take the lock
  at once, so they never fail half-way on a snapshot another writer moved).
- A safe request's view that must write after all (:func:`depositaire.web.db.begin_writing`)
  does the same before its write.
- A reading transaction that still has to chain its journal entries ends its read
  snapshot and takes the write lock only for the chaining (``BEGIN IMMEDIATE``, a few
  inserts, ``COMMIT``). What it read is already read; the entry is written before the
  response leaves, so no acknowledged access lacks its entry.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base

from depositaire.web.db import JournalChainingMixin, take_read_intent


class DatabaseWrapper(JournalChainingMixin, base.DatabaseWrapper):
    _deferred = False
    _changes_at_begin = 0

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            from depositaire.web.accounts.apps import keep_database_private

            # Private before the pragma writes the file's first page (the check that
            # runs on connection_created would find it written, and warn).
            keep_database_private(type(self), self)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        self._deferred = take_read_intent()
        self._changes_at_begin = self.connection.total_changes
        self.cursor().execute("BEGIN DEFERRED" if self._deferred else "BEGIN IMMEDIATE")

    def before_chaining(self) -> None:
        # Read only so far: close the snapshot, then lock for the chaining alone.
        self._take_write_lock()

    def begin_writing(self) -> None:
        """A reading transaction about to write: close its snapshot and take the write lock.

        Writing from a ``DEFERRED`` snapshot another writer has moved fails at once
        ("database is locked", whatever the busy timeout); ``BEGIN IMMEDIATE`` waits its
        turn instead. Only while nothing is written yet and no savepoint is open."""
        if not self.savepoint_ids:
            self._take_write_lock()

    def _take_write_lock(self) -> None:
        raw = self.connection
        if self._deferred and raw is not None and raw.total_changes == self._changes_at_begin:
            raw.commit()
            self.cursor().execute("BEGIN IMMEDIATE")
            self._deferred = False

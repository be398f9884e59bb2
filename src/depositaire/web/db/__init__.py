"""Database back ends: Django's own, plus a short chaining step for the journal at commit.

Why a back end of our own: Django has hooks *after* a commit (``on_commit``) but none
just *before* it, and the journal's entries must be chained in the same transaction
as the action they record (no acknowledged access without its entry) while holding
the journal head's lock for as short a time as possible. So
:func:`depositaire.web.journal.service.record` only queues the entry on the
connection; :class:`JournalChainingMixin` chains the queued entries (takes the head
lock, numbers, hashes, writes) as the last step before ``COMMIT``. The head lock is
then held for a few inserts and the commit, never through template rendering, PDF
layout or password hashing.

The queue rides on Django's own ``run_on_commit`` list, so an entry recorded inside a
savepoint that rolls back is dropped with it, exactly as an ``on_commit`` callback is.

Inside a test's transaction (``TestCase``, pytest-django's ``db``), which never
commits, the entries are chained when the outermost block that is not the test's own
releases its savepoint: tests see the same entries a real commit would write.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("depositaire.journal")

#: Whether the next transaction begun is a safe request's (SQLite: ``BEGIN DEFERRED``).
#: :class:`ReadIntentMiddleware` sets it just before a GET, HEAD or OPTIONS view runs,
#: and the back end clears it once that view's transaction has begun: everything else
#: (session saves, commands, POSTs, tests) begins ``IMMEDIATE`` as before.
read_next_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "depositaire_read_next_transaction", default=False
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def take_read_intent() -> bool:
    """Whether the transaction beginning now only reads (and clear the flag)."""
    if read_next_transaction.get():
        read_next_transaction.set(False)
        return True
    return False


def begin_writing(using: str = "default") -> None:
    """Call before a safe request's view writes (SQLite: the reading transaction takes the
    write lock first; PostgreSQL: nothing to do)."""
    from django.db import connections

    hook = getattr(connections[using], "begin_writing", None)
    if hook is not None:
        hook()


class ReadIntentMiddleware:
    """The transaction of a GET, HEAD or OPTIONS view (``ATOMIC_REQUESTS``) begins as a reader."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = read_next_transaction.set(False)
        try:
            return self.get_response(request)
        finally:
            read_next_transaction.reset(token)

    def process_view(self, request: Any, view: Any, args: Any, kwargs: Any) -> None:
        # The view's own transaction begins right after the process_view hooks.
        read_next_transaction.set(request.method in SAFE_METHODS)


class PendingEntry:
    """A journal entry queued on the connection; chained at commit (a no-op if called)."""

    def __init__(self, entry: Any) -> None:
        self.entry = entry

    def __call__(self) -> None:  # Django may run on_commit callbacks: nothing to do
        return None


class JournalChainingMixin:
    """Chains the queued journal entries just before the transaction commits."""

    _journal_flushing = False

    # Provided by Django's BaseDatabaseWrapper.
    run_on_commit: list[tuple[set[str], Callable[[], Any], bool]]
    atomic_blocks: list[Any]

    def queue_journal_entry(self, entry: Any) -> None:
        self.on_commit(PendingEntry(entry))  # type: ignore[attr-defined]

    def _take_pending(self) -> list[Any]:
        pending = [f.entry for (_, f, _) in self.run_on_commit if isinstance(f, PendingEntry)]
        if pending:
            self.run_on_commit = [
                item for item in self.run_on_commit if not isinstance(item[1], PendingEntry)
            ]
        return pending

    def before_chaining(self) -> None:
        """Back-end hook: make sure the transaction may write (SQLite: take the lock)."""

    def _chain(self, pending: list[Any]) -> list[Callable[[], None]]:
        from depositaire.web.journal.service import chain_pending

        self._journal_flushing = True
        try:
            return chain_pending(pending)
        finally:
            self._journal_flushing = False

    def commit(self) -> None:
        pending = self._take_pending()
        anchors: list[Callable[[], None]] = []
        if pending:
            try:
                self.before_chaining()
                anchors = self._chain(pending)
            except BaseException:
                # Nothing of the action may stay without its entry: undo both.
                try:
                    self.rollback()  # type: ignore[attr-defined]
                except Exception:  # noqa: BLE001 - the first error is the one to report
                    self.close()  # type: ignore[attr-defined]
                raise
        super().commit()  # type: ignore[misc]
        for anchor in anchors:  # only once committed (a rolled-back anchor is a false alarm)
            try:
                anchor()
            except Exception:
                log.exception("journal anchor not written")

    def savepoint_commit(self, sid: str) -> None:
        if (
            not self._journal_flushing
            and self.atomic_blocks
            and all(getattr(b, "_from_testcase", False) for b in self.atomic_blocks)
        ):
            pending = self._take_pending()
            if pending:
                for anchor in self._chain(pending):
                    self.on_commit(anchor, robust=True)  # type: ignore[attr-defined]
        super().savepoint_commit(sid)  # type: ignore[misc]

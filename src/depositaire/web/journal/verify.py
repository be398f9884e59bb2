"""Verifying the journal: every way the chain can be damaged, named with the ``seq`` concerned.

:func:`verify` reads the database and the key folder; :func:`check_chain` is the pure
part (rows in, report out), so an auditor can run it on an export too.

What it catches, and how:

- an *altered* entry: its recomputed hash differs from the stored one;
- an altered entry whose hash was recomputed: the next entry's ``prev_hash`` no
  longer matches (*chain break*); if the whole tail was rehashed, the signed
  checkpoints and the signed head no longer match;
- a *deleted* entry: a gap in ``seq`` (or a checkpoint without its entry);
- an *inserted* or *moved* entry: a duplicated ``seq``, or a link that points past
  its neighbour to an earlier entry (*chain skip*), and hashes that include ``seq``;
- a *forged checkpoint* or *head*: an Ed25519 signature that does not verify;
- a *truncated tail*: fewer entries than the signed head names, or than the anchor
  file (outside the database) has seen checkpointed;
- entries *appended* after the signed head.

The limit: someone who can rewrite the database, and who kept an earlier copy of the
signed head, can delete the entries written after the last checkpoint and put that
earlier head back; nothing in the database then disagrees. The anchor file stops
this at the last checkpoint. See ``docs/journal.md``.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connections, transaction

from depositaire.messages import has, t, tn
from depositaire.web.journal import chain, signing
from depositaire.web.journal.models import Checkpoint, JournalEntry, JournalHead

#: How far back a broken link is traced to tell an insertion from a plain break.
LINK_WINDOW = 10_000


class EntryRow(NamedTuple):
    seq: int
    created_at: dt.datetime
    action: str
    organisation_id: int | None
    actor_id: int | None
    target: str
    details: Any
    prev_hash: str
    hash: str


class CheckpointRow(NamedTuple):
    seq: int
    hash: str
    signature: str


class HeadRow(NamedTuple):
    journal_id: str
    seq: int
    hash: str
    signature: str


ENTRY_FIELDS = EntryRow._fields


@dataclass(frozen=True)
class Problem:
    """One damage found: a code (``altered``, ``gap``…), the entry it concerns, a range if any.

    ``first``..``last`` is the range of entries concerned when there are several;
    ``other`` is the entry a broken link points to.
    """

    code: str
    seq: int | None = None
    first: int | None = None
    last: int | None = None
    other: int | None = None

    def concerns(self, seq: int) -> bool:
        """Whether this problem names entry ``seq``."""
        if seq in (self.seq, self.other):
            return True
        return self.first is not None and self.last is not None and self.first <= seq <= self.last

    @property
    def message(self) -> str:
        key = f"journal.verify.problem.{self.code}"
        if self.first is not None and self.first == self.last and has(f"{key}_one"):
            key = f"{key}_one"  # "l'entrée n° 15", not "les entrées n° 15 à 15"
        return t(
            key,
            seq=self.seq,
            first=self.first,
            last=self.last,
            other=self.other,
        )

    def _order(self) -> tuple[int, str]:
        anchor = self.first if self.first is not None else self.seq
        return (anchor if anchor is not None else -1, self.code)


@dataclass
class VerifyReport:
    """The verdict on the journal: intact, or the list of problems found."""

    entries: int = 0
    checkpoints: int = 0
    last_seq: int = 0
    head_seq: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}

    def names(self, seq: int) -> bool:
        """Whether some problem names entry ``seq``."""
        return any(p.concerns(seq) for p in self.problems)

    def summary(self) -> str:
        if self.ok:
            if self.entries == 0:
                return t("journal.verify.empty")
            return t(
                "journal.verify.ok",
                entries=tn("journal.verify.entries_checked", self.entries),
                last=self.last_seq,
                checkpoints=tn("journal.verify.checkpoints", self.checkpoints),
            )
        return t(
            "journal.verify.failed",
            problems=tn("journal.verify.problems", len(self.problems)),
            entries=tn("journal.verify.entries_read", self.entries),
        )

    def lines(self) -> list[str]:
        """The French report: the summary, then one line per problem."""
        return [self.summary(), *(p.message for p in self.problems)]


def verify(*, using: str = "default", public_key: Ed25519PublicKey | None = None) -> VerifyReport:
    """Check the whole journal of database ``using`` against its signatures and anchor.

    ``public_key`` defaults to ``KEY_DIR/journal-ed25519.pub``; pass an independent
    copy to check without trusting the key folder.
    """
    key = public_key or signing.load_public_key()
    # The anchor is read before the database: it only moves forward after a commit, so
    # a checkpoint committed meanwhile cannot look like a truncation.
    anchors = signing.read_anchors()
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and not _nested(connection):
            # One snapshot for head, checkpoints and entries while writers keep appending.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        head_obj = JournalHead.objects.using(using).filter(pk=JournalHead.ROW).first()
        head = (
            HeadRow(head_obj.journal_id, head_obj.seq, head_obj.hash, head_obj.signature)
            if head_obj is not None
            else None
        )
        checkpoints = [
            CheckpointRow(*values)
            for values in Checkpoint.objects.using(using)
            .order_by("seq", "id")
            .values_list("seq", "hash", "signature")
        ]
        rows = (
            EntryRow(*values)
            for values in JournalEntry.objects.using(using)
            .order_by("seq", "id")
            .values_list(*ENTRY_FIELDS)
            .iterator(chunk_size=2000)
        )
        report = check_chain(
            rows, checkpoints=checkpoints, head=head, anchors=anchors, public_key=key
        )
        # The rows the journal describes must still be as it sealed them.
        from depositaire.web.journal.rows import check_rows

        report.problems.extend(check_rows(using))
        return report


def _nested(connection: Any) -> bool:
    # Inside a caller's transaction (tests, a view) the isolation level is theirs to set.
    return len(connection.atomic_blocks) > 1


def check_chain(
    rows: Iterable[EntryRow],
    *,
    checkpoints: list[CheckpointRow],
    head: HeadRow | None,
    anchors: dict[str, signing.Anchor],
    public_key: Ed25519PublicKey | None,
) -> VerifyReport:
    """The pure verification: entries in ``seq`` order, checkpoints, head, anchors → report.

    ``anchors`` maps journal ids to their anchor (see :mod:`signing`); an anchor of
    another journal than this database's means the journal was wiped or replaced.
    """
    report = VerifyReport(checkpoints=len(checkpoints), head_seq=head.seq if head else None)
    problems = report.problems
    anchor = anchors.get(head.journal_id) if head is not None else None
    others = [a.seq for jid, a in anchors.items() if head is None or jid != head.journal_id]
    if others:
        problems.append(Problem("journal_replaced", max(others)))
    watched = {cp.seq for cp in checkpoints} | ({anchor.seq} if anchor else set())
    hash_at: dict[int, str] = {}
    recent: OrderedDict[str, int] = OrderedDict()  # hash -> seq, for tracing broken links

    prev_seq = 0
    prev_hash = chain.genesis_hash(head.journal_id) if head else None
    last_hash: str | None = None
    for row in rows:
        report.entries += 1
        if _recompute(row) != row.hash:
            problems.append(Problem("altered", row.seq))
        gap = False
        if row.seq == prev_seq:
            problems.append(Problem("duplicate", row.seq))
        elif row.seq > prev_seq + 1:
            gap = True
            problems.append(Problem("gap", prev_seq + 1, first=prev_seq + 1, last=row.seq - 1))
        if prev_hash is not None and row.prev_hash != prev_hash and not gap:
            origin = recent.get(row.prev_hash)
            if origin is not None and origin < prev_seq:
                problems.append(
                    Problem("chain_skip", row.seq, first=origin + 1, last=prev_seq, other=origin)
                )
            elif prev_seq == 0:
                problems.append(Problem("genesis_break", row.seq))
            else:
                problems.append(Problem("chain_break", row.seq, other=prev_seq))
        if row.seq in watched:
            hash_at.setdefault(row.seq, row.hash)
        recent[row.hash] = row.seq
        if len(recent) > LINK_WINDOW:
            recent.popitem(last=False)
        prev_seq, prev_hash, last_hash = row.seq, row.hash, row.hash
    report.last_seq = prev_seq
    if head is None and (report.entries or checkpoints):
        problems.append(Problem("head_missing"))

    trusted = _check_checkpoints(checkpoints, hash_at, public_key, problems)
    if head is not None:
        _check_head(head, report, last_hash, trusted, public_key, problems)
    if anchor is not None:
        if anchor.seq > report.last_seq:
            problems.append(
                Problem(
                    "anchor_truncated",
                    report.last_seq + 1,
                    first=report.last_seq + 1,
                    last=anchor.seq,
                )
            )
        elif hash_at.get(anchor.seq) != anchor.hash:
            problems.append(Problem("anchor_mismatch", anchor.seq))
        elif anchor.seq not in {cp.seq for cp in checkpoints}:
            # The anchor only ever points at a committed checkpoint: it was deleted.
            problems.append(Problem("anchor_checkpoint_missing", anchor.seq))
    report.problems = sorted(_merge_altered(problems), key=Problem._order)
    return report


def _merge_altered(problems: list[Problem]) -> list[Problem]:
    """Consecutive altered entries as one range (a renumbered tail alters every entry)."""
    merged: list[Problem] = []
    run: int | None = None  # index in ``merged`` of the altered run being extended
    for problem in problems:
        if problem.code != "altered":
            merged.append(problem)
            continue
        current = merged[run] if run is not None else None
        end = current.last if current is not None and current.last is not None else None
        if (
            current is not None
            and problem.seq is not None
            and problem.seq == (end or current.seq or 0) + 1
        ):
            first = current.first or current.seq
            merged[run] = Problem("altered_range", first, first=first, last=problem.seq)  # type: ignore[index]
        else:
            merged.append(problem)
            run = len(merged) - 1
    return merged


def _recompute(row: EntryRow) -> str | None:
    try:
        return chain.entry_hash(
            seq=row.seq,
            created_at=row.created_at,
            action=row.action,
            organisation_id=row.organisation_id,
            actor_id=row.actor_id,
            target=row.target,
            details=row.details,
            prev_hash=row.prev_hash,
        )
    except (TypeError, ValueError):
        return None  # details that are not plain JSON any more: altered


def _check_checkpoints(
    checkpoints: list[CheckpointRow],
    hash_at: dict[int, str],
    public_key: Ed25519PublicKey | None,
    problems: list[Problem],
) -> int:
    """Report bad checkpoints; the highest good one is returned (0 if none)."""
    if checkpoints and public_key is None:
        problems.append(Problem("no_public_key"))
    trusted = 0
    for cp in checkpoints:
        signed = public_key is not None and signing.signature_valid(
            public_key, chain.checkpoint_message(cp.seq, cp.hash), cp.signature
        )
        if public_key is not None and not signed:
            problems.append(Problem("checkpoint_forged", cp.seq))
        if cp.seq not in hash_at:
            problems.append(Problem("checkpoint_orphan", cp.seq))
        elif hash_at[cp.seq] != cp.hash:
            problems.append(Problem("checkpoint_mismatch", cp.seq))
        elif signed:
            trusted = max(trusted, cp.seq)
    return trusted


def _check_head(
    head: HeadRow,
    report: VerifyReport,
    last_hash: str | None,
    trusted: int,
    public_key: Ed25519PublicKey | None,
    problems: list[Problem],
) -> None:
    if public_key is None:
        if head.seq > 0 and "no_public_key" not in {p.code for p in problems}:
            problems.append(Problem("no_public_key"))
    elif not signing.signature_valid(
        public_key, chain.head_message(head.journal_id, head.seq, head.hash), head.signature
    ):
        # Everything after the last good checkpoint rests on this signature alone.
        last = max(head.seq, report.last_seq)
        problems.append(Problem("head_forged", head.seq, first=min(trusted + 1, last), last=last))
    if report.last_seq < head.seq:
        problems.append(
            Problem("truncated", report.last_seq + 1, first=report.last_seq + 1, last=head.seq)
        )
    elif report.last_seq > head.seq:
        problems.append(
            Problem("beyond_head", head.seq + 1, first=head.seq + 1, last=report.last_seq)
        )
    elif head.seq > 0 and last_hash != head.hash:
        problems.append(Problem("head_mismatch", head.seq))

"""The journal: append-only, hash-chained, signed; every tampering is caught and named.

The tampering cases work as an attacker with write access to the database would:
raw SQL, bypassing the ORM, recomputing hashes where that helps them. The signing key
stays out of their reach (it lives in ``KEY_DIR``, not in the database).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from depositaire.web.journal import chain, codes, signing
from depositaire.web.journal.cli import verify_command
from depositaire.web.journal.codes import JournalError
from depositaire.web.journal.models import Checkpoint, JournalEntry, JournalHead
from depositaire.web.journal.service import checkpoint, record
from depositaire.web.journal.verify import EntryRow, VerifyReport, check_chain, verify

ENTRIES = 45  # checkpoints at 20 and 40; 41..45 rest on the signed head alone
SHA = "ab" * 32

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path):
    """Each test signs with its own key and keeps its own anchor file."""
    settings.KEY_DIR = tmp_path / "keys"
    settings.JOURNAL_CHECKPOINT_EVERY = 20
    return settings.KEY_DIR


def _write(n: int, start: int = 1) -> list[JournalEntry]:
    actions = ["login", "file_viewed", "item_viewed", "item_created", "consent_changed"]
    entries = []
    for i in range(start, start + n):
        entries.append(
            record(
                actions[i % len(actions)],
                actor=100 + i % 7,
                organisation=1 + i % 2,
                target=f"person:{i}",
                details={"item_id": i, "count": i % 3, "content_sha256": SHA},
            )
        )
    return entries


@dataclass
class Journal:
    """45 committed entries, and signed heads an attacker could have copied on the way."""

    entries: list[JournalEntry]
    heads: dict[int, tuple[int, str, str]]  # seq -> (seq, hash, signature) of the head then


@pytest.fixture
def journal(django_capture_on_commit_callbacks) -> Journal:
    heads = {}
    entries: list[JournalEntry] = []
    # Executing the on-commit callbacks is what writes the anchor file, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(1, ENTRIES + 1):
            entries += _write(1, start=i)
            head = JournalHead.objects.get()
            heads[head.seq] = (head.seq, head.hash, head.signature)
    return Journal(entries, heads)


# ----------------------------------------------------------------------------- raw SQL


def sql(query: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """Run ``query`` with ``{entry}``, ``{checkpoint}``, ``{head}`` as the real table names."""
    q = connection.ops.quote_name
    tables = {
        "entry": q(JournalEntry._meta.db_table),
        "checkpoint": q(Checkpoint._meta.db_table),
        "head": q(JournalHead._meta.db_table),
    }
    with connection.cursor() as cursor:
        cursor.execute(query.format(**tables), params)


def json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def row(seq: int) -> EntryRow:
    values = JournalEntry.objects.filter(seq=seq).values_list(*EntryRow._fields).get()
    return EntryRow(*values)


def _fields(r: EntryRow) -> dict[str, Any]:
    """A row's hashed fields: what an attacker who knows the algorithm hashes."""
    fields = r._asdict()
    fields.pop("hash")
    return fields


def rehash_from(seq: int) -> None:
    """Recompute every hash and link from ``seq`` to the end, as a careful attacker would."""
    prev = row(seq - 1).hash if seq > 1 else None
    last = JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    for s in range(seq, last + 1):
        r = row(s)
        if prev is not None:
            r = r._replace(prev_hash=prev)
        new = chain.entry_hash(**_fields(r))
        sql("UPDATE {entry} SET prev_hash = %s, hash = %s WHERE seq = %s", [r.prev_hash, new, s])
        prev = new


def set_head(seq: int, hash_: str, signature: str | None = None) -> None:
    if signature is None:
        sql("UPDATE {head} SET seq = %s, hash = %s", [seq, hash_])
    else:
        sql("UPDATE {head} SET seq = %s, hash = %s, signature = %s", [seq, hash_, signature])


def insert_entry(r: EntryRow) -> None:
    sql(
        "INSERT INTO {entry} (seq, created_at, action, organisation_id, actor_id, target,"
        f" details, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, {json_param()}, %s, %s)",
        [
            r.seq,
            connection.ops.adapt_datetimefield_value(r.created_at),
            r.action,
            r.organisation_id,
            r.actor_id,
            r.target,
            json.dumps(r.details),
            r.prev_hash,
            r.hash,
        ],
    )


def shift_up(from_seq: int) -> None:
    """Renumber entries ``from_seq``.. one up (from the top: ``seq`` is unique)."""
    last = JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    for s in range(last, from_seq - 1, -1):
        sql("UPDATE {entry} SET seq = %s WHERE seq = %s", [s + 1, s])


# ----------------------------------------------------------------------------- tampering


def alter_details(j: Journal) -> None:
    sql(f"UPDATE {{entry}} SET details = {json_param()} WHERE seq = 7", ['{"item_id": 999}'])


def alter_action(j: Journal) -> None:
    sql("UPDATE {entry} SET action = 'export' WHERE seq = 12")


def alter_target(j: Journal) -> None:
    sql("UPDATE {entry} SET target = 'person:999' WHERE seq = 25")


def alter_actor(j: Journal) -> None:
    sql("UPDATE {entry} SET actor_id = 999 WHERE seq = 33")


def alter_time(j: Journal) -> None:
    earlier = row(5).created_at - dt.timedelta(days=3)
    sql(
        "UPDATE {entry} SET created_at = %s WHERE seq = 5",
        [connection.ops.adapt_datetimefield_value(earlier)],
    )


def alter_and_rehash_one(j: Journal) -> None:
    r = row(9)._replace(target="person:999")
    sql(
        "UPDATE {entry} SET target = %s, hash = %s WHERE seq = 9",
        [r.target, chain.entry_hash(**_fields(r))],
    )


def alter_and_rehash_tail_from_30(j: Journal) -> None:
    sql("UPDATE {entry} SET target = 'person:999' WHERE seq = 30")
    rehash_from(30)
    set_head(ENTRIES, row(ENTRIES).hash)  # the attacker cannot sign: the old signature stays


def alter_and_rehash_tail_from_42(j: Journal) -> None:
    sql("UPDATE {entry} SET actor_id = 999 WHERE seq = 42")
    rehash_from(42)
    set_head(ENTRIES, row(ENTRIES).hash)


def delete_middle(j: Journal) -> None:
    sql("DELETE FROM {entry} WHERE seq = 15")


def delete_checkpointed_entry(j: Journal) -> None:
    sql("DELETE FROM {entry} WHERE seq = 20")


def delete_tail(j: Journal) -> None:
    sql("DELETE FROM {entry} WHERE seq >= 43")


def delete_tail_and_move_head(j: Journal) -> None:
    sql("DELETE FROM {entry} WHERE seq >= 43")
    set_head(42, row(42).hash)


def delete_tail_checkpoint_and_replay_head(j: Journal) -> None:
    # Entries 38..45 and checkpoint 40 gone, and a copy of the head signed at 37 put back.
    sql("DELETE FROM {entry} WHERE seq >= 38")
    sql("DELETE FROM {checkpoint} WHERE seq >= 38")
    set_head(*j.heads[37])


def delete_last_checkpoint(j: Journal) -> None:
    sql("DELETE FROM {checkpoint} WHERE seq = 40")


def insert_in_the_middle(j: Journal) -> None:
    # A forged entry 11 with a correct hash chained to 10; entries 11.. moved up by one.
    shift_up(11)
    ten = row(10)
    forged = ten._replace(seq=11, action="login", target="person:11", prev_hash=ten.hash)
    insert_entry(forged._replace(hash=chain.entry_hash(**_fields(forged))))


def append_forged(j: Journal) -> None:
    last = row(ENTRIES)
    forged = last._replace(seq=ENTRIES + 1, prev_hash=last.hash, target="person:46")
    insert_entry(forged._replace(hash=chain.entry_hash(**_fields(forged))))


def append_forged_and_move_head(j: Journal) -> None:
    append_forged(j)
    set_head(ENTRIES + 1, row(ENTRIES + 1).hash)


def reorder(j: Journal) -> None:
    # Swap entries 17 and 18 (through a free number: seq is unique and positive).
    sql("UPDATE {entry} SET seq = 1000000 WHERE seq = 17")
    sql("UPDATE {entry} SET seq = 17 WHERE seq = 18")
    sql("UPDATE {entry} SET seq = 18 WHERE seq = 1000000")


def forge_checkpoint_signature(j: Journal) -> None:
    sql(
        "UPDATE {checkpoint} SET signature = %s WHERE seq = 20",
        [base64.b64encode(bytes(64)).decode()],
    )


def resign_checkpoint_with_another_key(j: Journal) -> None:
    cp = Checkpoint.objects.get(seq=20)
    other = Ed25519PrivateKey.generate().sign(chain.checkpoint_message(20, cp.hash))
    sql("UPDATE {checkpoint} SET signature = %s WHERE seq = 20", [base64.b64encode(other).decode()])


def delete_head(j: Journal) -> None:
    sql("DELETE FROM {head}")


def swap_journal_id(j: Journal) -> None:
    sql("UPDATE {head} SET journal_id = %s", ["0" * 32])


def wipe_everything(j: Journal) -> None:
    sql("DELETE FROM {entry}")
    sql("DELETE FROM {checkpoint}")
    sql("DELETE FROM {head}")


def replace_with_a_fresh_journal(j: Journal) -> None:
    wipe_everything(j)
    _write(3)  # the application carries on: a new journal id, a chain of its own


@dataclass(frozen=True)
class Case:
    tamper: Callable[[Journal], None]
    codes: set[str]
    seqs: tuple[int, ...]  # entries the report must name

    def __str__(self) -> str:
        return self.tamper.__name__


CASES = [
    Case(alter_details, {"altered"}, (7,)),
    Case(alter_action, {"altered"}, (12,)),
    Case(alter_target, {"altered"}, (25,)),
    Case(alter_actor, {"altered"}, (33,)),
    Case(alter_time, {"altered"}, (5,)),
    Case(alter_and_rehash_one, {"chain_break"}, (9, 10)),
    Case(alter_and_rehash_tail_from_30, {"checkpoint_mismatch", "head_forged"}, (30, 40)),
    Case(alter_and_rehash_tail_from_42, {"head_forged"}, (42,)),
    Case(delete_middle, {"gap"}, (15,)),
    Case(delete_checkpointed_entry, {"gap", "checkpoint_orphan"}, (20,)),
    Case(delete_tail, {"truncated"}, (43, 44, 45)),
    Case(delete_tail_and_move_head, {"head_forged"}, (42,)),
    Case(delete_tail_checkpoint_and_replay_head, {"anchor_truncated"}, (38, 39, 40)),
    Case(delete_last_checkpoint, {"anchor_checkpoint_missing"}, (40,)),
    Case(insert_in_the_middle, {"chain_skip", "beyond_head"}, (11,)),
    Case(append_forged, {"beyond_head"}, (46,)),
    Case(append_forged_and_move_head, {"head_forged"}, (46,)),
    Case(reorder, {"altered_range", "chain_skip"}, (17, 18)),
    Case(forge_checkpoint_signature, {"checkpoint_forged"}, (20,)),
    Case(resign_checkpoint_with_another_key, {"checkpoint_forged"}, (20,)),
    Case(delete_head, {"head_missing"}, ()),
    Case(swap_journal_id, {"genesis_break", "head_forged"}, (1,)),
    Case(wipe_everything, {"journal_replaced"}, (40,)),
    Case(replace_with_a_fresh_journal, {"journal_replaced"}, (40,)),
]


# ----------------------------------------------------------------------------- tests


def test_an_intact_journal_verifies_ok(journal):
    report = verify()
    assert report.ok, report.lines()
    assert (report.entries, report.last_seq, report.checkpoints) == (ENTRIES, ENTRIES, 2)
    assert "Journal intact" in report.summary()


def test_an_empty_journal_verifies_ok():
    report = verify()
    assert report.ok and report.entries == 0


def test_entries_are_numbered_without_gaps_and_each_links_to_the_one_before(journal):
    entries = list(JournalEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, ENTRIES + 1))
    head = JournalHead.objects.get()
    assert entries[0].prev_hash == chain.genesis_hash(head.journal_id)
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.created_at >= before.created_at
    assert (head.seq, head.hash) == (ENTRIES, entries[-1].hash)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_verify_catches_the_tampering_and_names_the_entry(journal, case):
    assert verify().ok  # the damage below is the only one
    case.tamper(journal)
    report = verify()
    assert not report.ok
    assert case.codes <= report.codes, report.lines()
    for seq in case.seqs:
        assert report.names(seq), (seq, report.lines())
    assert len(report.lines()) == 1 + len(report.problems)


def test_a_tail_cut_back_to_an_earlier_signed_head_after_the_last_checkpoint_goes_unseen(journal):
    """The documented limit: entries after the last checkpoint, with a replayed signed head."""
    sql("DELETE FROM {entry} WHERE seq >= 43")
    set_head(*journal.heads[42])
    assert verify().ok


def test_a_duplicated_number_is_named(journal):
    # The unique constraint stops this in the database; an export checked offline may not have one.
    rows = [row(s) for s in range(1, ENTRIES + 1)]
    copy = rows[9]._replace(target="person:999")
    forged = copy._replace(hash=chain.entry_hash(**_fields(copy)))
    head = JournalHead.objects.get()
    report = check_chain(
        [*rows[:10], forged, *rows[10:]],
        checkpoints=[],
        head=signing_head(head),
        anchors={},
        public_key=signing.load_public_key(),
    )
    assert "duplicate" in report.codes and report.names(10)


def signing_head(head: JournalHead) -> Any:
    from depositaire.web.journal.verify import HeadRow

    return HeadRow(head.journal_id, head.seq, head.hash, head.signature)


def test_verify_with_an_independent_public_key_refuses_signatures_from_another_key(journal):
    stranger = Ed25519PrivateKey.generate().public_key()
    report = verify(public_key=stranger)
    assert {"checkpoint_forged", "head_forged"} <= report.codes
    assert report.names(20) and report.names(40)


def test_a_checkpoint_is_signed_every_n_entries_and_on_demand(settings):
    settings.JOURNAL_CHECKPOINT_EVERY = 5
    _write(12)
    assert list(Checkpoint.objects.values_list("seq", flat=True)) == [5, 10]
    point = checkpoint()
    assert point is not None and point.seq == 12
    assert checkpoint() == point  # a second call signs nothing new
    public = signing.load_public_key()
    for cp in Checkpoint.objects.all():
        assert signing.signature_valid(
            public, chain.checkpoint_message(cp.seq, cp.hash), cp.signature
        )
        assert cp.hash == JournalEntry.objects.get(seq=cp.seq).hash
    assert verify().ok


def test_a_checkpoint_on_an_empty_journal_is_nothing():
    assert checkpoint() is None


def test_the_signing_key_is_private_outside_the_database_and_its_public_half_exported(own_keys):
    _write(1)
    private, public = own_keys / "journal-ed25519.pem", own_keys / "journal-ed25519.pub"
    assert private.stat().st_mode & 0o777 == 0o600
    assert own_keys.stat().st_mode & 0o777 == 0o700
    assert signing.public_key_pem(signing.signing_key().public_key()) == public.read_bytes()
    assert b"PRIVATE" not in public.read_bytes()


def test_the_anchor_file_follows_committed_checkpoints_only(
    own_keys, django_capture_on_commit_callbacks
):
    _write(20)  # never committed in this test: no anchor
    assert not (own_keys / "journal-anchor.json").exists()
    with django_capture_on_commit_callbacks(execute=True):
        _write(20, start=21)
    anchor = signing.read_anchor(JournalHead.objects.get().journal_id)
    assert anchor == signing.Anchor(40, JournalEntry.objects.get(seq=40).hash)
    assert (own_keys / "journal-anchor.json").stat().st_mode & 0o777 == 0o600


def test_the_orm_cannot_change_or_delete_an_entry():
    entry = record("login", actor=1)
    entry.target = "person:2"
    with pytest.raises(JournalError):
        entry.save()
    with pytest.raises(JournalError):
        entry.delete()
    with pytest.raises(JournalError):
        JournalEntry.objects.filter(pk=entry.pk).update(target="person:2")
    with pytest.raises(JournalError):
        JournalEntry.objects.all().delete()
    assert JournalEntry.objects.get().target == ""


def test_record_refuses_to_append_after_the_head_has_been_removed():
    record("login", actor=1)
    sql("DELETE FROM {head}")
    with pytest.raises(JournalError, match="tête du journal"):
        record("logout", actor=1)


def test_record_takes_model_instances_or_ids_for_actor_and_organisation():
    group = Group.objects.create(name="équipe")
    entry = record("file_viewed", actor=group, organisation=7, target=f"person:{group.pk}")
    assert (entry.actor_id, entry.organisation_id) == (group.pk, 7)
    assert record("login_failed").actor_id is None


# ----------------------------------------------------------------------------- details


SECRET = "Madame Dupont est suivie pour une dépendance"


@pytest.mark.parametrize(
    "details",
    [
        {"reason": SECRET},  # text with spaces in an allowed key
        {"note": "x"},  # a key outside the allow-list
        {"status": "a" * 65},  # a code longer than 64 characters
        {"rules": ["art458", SECRET]},  # text hidden in a list
        {"item_id": "12"},  # an id that is not an integer
        {"content_sha256": "not-a-hash"},
        {"count": 1.5},  # floats are not counts
        {"scope": {"nested": 1}},
        {"status": "dépendance"},  # non-ASCII: a word, not a code
    ],
    ids=[
        "text",
        "unknown_key",
        "long",
        "list",
        "id_as_text",
        "bad_hash",
        "float",
        "nested",
        "word",
    ],
)
def test_record_refuses_details_that_could_carry_a_secret(details):
    with pytest.raises(JournalError) as caught:
        record("item_viewed", actor=1, details=details)
    assert SECRET not in caught.value.message and "dépendance" not in caught.value.message
    assert JournalEntry.objects.count() == 0


def test_record_accepts_ids_counts_codes_and_hashes():
    details = {
        "item_id": 12,
        "item_ids": [1, 2, 3],
        "person_uuid": "7f0c7e59-2a7c-4a52-9a44-2ee4b2c9c1d3",
        "content_sha256": SHA,
        "document_hash": "cd" * 64,  # sha512: longer than 64, but a hex hash
        "count": 3,
        "throttled": True,
        "status": "given",
        "rules": ["cpas_internal_circuit", "art458"],
        "previous": None,
    }
    entry = record(
        "consent_changed", actor=1, organisation=2, target="person:12/item:3", details=details
    )
    assert JournalEntry.objects.get(pk=entry.pk).details == details
    assert verify().ok


@pytest.mark.parametrize("target", [SECRET, "person:12 Dupont", "Dupont", "x" * 300])
def test_record_refuses_a_target_that_is_not_a_reference(target):
    with pytest.raises(JournalError):
        record("file_viewed", actor=1, target=target)


def test_record_refuses_an_unknown_action_until_an_app_registers_it(monkeypatch):
    monkeypatch.setattr(codes, "ACTIONS", set(codes.ACTIONS))
    monkeypatch.setattr(codes, "DETAIL_KEYS", set(codes.DETAIL_KEYS))
    with pytest.raises(JournalError, match="inconnue"):
        record("archive_purged", details={"batch": 3})
    codes.register_action("archive_purged", detail_keys=["batch"])
    assert record("archive_purged", details={"batch": 3}).action == "archive_purged"
    assert codes.action_label("archive_purged") == "archive_purged"
    assert codes.action_label("login") == "Connexion"


# ----------------------------------------------------------------------------- commands


def test_verify_command_prints_a_french_report_and_exits_0_then_1(journal, capsys):
    assert verify_command() == 0
    assert "Journal intact" in capsys.readouterr().out
    delete_middle(journal)
    assert verify_command() == 1
    out = capsys.readouterr().out
    assert "Journal altéré" in out and "n° 15" in out


def test_the_journal_verify_management_command_exits_1_on_damage(journal, capsys):
    call_command("journal_verify")
    assert "Journal intact" in capsys.readouterr().out
    alter_target(journal)
    with pytest.raises(SystemExit) as caught:
        call_command("journal_verify")
    assert caught.value.code == 1
    assert "Entrée n° 25 modifiée" in capsys.readouterr().out


def test_verify_command_cannot_switch_database_once_django_is_set_up(capsys):
    assert verify_command("postgres://someone@127.0.0.1:1/elsewhere") == 2
    assert "déjà configurée" in capsys.readouterr().err


def test_verify_command_exits_2_when_the_anchor_file_is_not_private(journal, own_keys, capsys):
    (own_keys / "journal-anchor.json").chmod(0o644)
    assert verify_command() == 2
    assert "0644" in capsys.readouterr().err


def test_the_journal_verify_command_checks_against_a_public_key_given_by_the_auditor(
    journal, tmp_path, capsys
):
    ours, stranger = tmp_path / "ours.pub", tmp_path / "stranger.pub"
    ours.write_bytes(signing.public_key_pem(signing.signing_key().public_key()))
    stranger.write_bytes(signing.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    call_command("journal_verify", "--public-key", str(ours))
    with pytest.raises(SystemExit) as caught:
        call_command("journal_verify", "--public-key", str(stranger))
    assert caught.value.code == 1
    assert "Point de contrôle n° 20 : signature invalide" in capsys.readouterr().out


def test_every_message_key_the_journal_and_the_encryption_use_literally_exists():
    import re
    from pathlib import Path

    from depositaire.messages import catalogue

    web = Path(__file__).resolve().parents[2] / "src" / "depositaire" / "web"
    files = [web / "crypto.py", *web.joinpath("journal").rglob("*.py")]
    pattern = re.compile(r"""\bt(?:_or)?\(\s*["']((?:journal|crypto|error)\.[a-z_0-9.]+)["']""")
    keys = {key for path in files for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert len(keys) > 20, "the pattern found too few keys: the test would prove nothing"
    assert sorted(k for k in keys if k not in catalogue()) == []


def test_every_problem_code_has_a_french_message():
    import re
    from pathlib import Path

    from depositaire.messages import catalogue
    from depositaire.web.journal import verify as verify_module

    source = Path(verify_module.__file__).read_text(encoding="utf-8")
    found = set(re.findall(r"""Problem\(\s*["']([a-z_]+)["']""", source))
    assert {c for case in CASES for c in case.codes} <= found
    for code in found:
        assert f"journal.verify.problem.{code}" in catalogue(), code
    assert isinstance(VerifyReport().summary(), str)


# ----------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_consecutive_numbers_and_an_intact_chain():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is shared between threads without file locks")
    from django.db import connections

    errors: list[BaseException] = []
    start = threading.Barrier(6)  # all at once: the first entry (and head) is raced for too

    def writer(n: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(15):
                record("item_viewed", actor=n, target=f"item:{n * 100 + i}")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(JournalEntry.objects.values_list("seq", flat=True)) == list(range(1, 91))
    assert verify().ok

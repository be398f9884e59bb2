"""No request waits for another's journal entry: the head is locked only to chain, at commit.

``record()`` queues its entry on the connection; the database back end chains the
queued entries just before ``COMMIT`` (``depositaire/web/db/``). These tests check the
waiting that is gone, and that ``journal verify``'s guarantee stays: an action and its
entry are committed together or not at all.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction

from depositaire.web import db as web_db
from depositaire.web.journal import service
from depositaire.web.journal.models import JournalEntry
from depositaire.web.journal.service import record
from depositaire.web.journal.verify import verify


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path):
    settings.KEY_DIR = tmp_path / "keys"
    return settings.KEY_DIR


def _skip_in_memory() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is shared between threads without file locks")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_writes", [False, True], ids=["reading", "writing"])
def test_a_transaction_that_recorded_an_entry_does_not_make_another_writer_wait(first_writes):
    _skip_in_memory()
    if first_writes and connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time: a writing transaction holds its lock")
    recorded, other_done, errors = threading.Event(), threading.Event(), []

    def slow_request() -> None:
        token = web_db.read_next_transaction.set(not first_writes)
        try:
            with transaction.atomic():
                if first_writes:
                    Group.objects.create(name="écrit avant")
                JournalEntry.objects.count()  # the page reads…
                record("item_viewed", actor=1, target="item:1")
                recorded.set()
                # …and is still rendering when the other request journals and commits.
                if not other_done.wait(timeout=20):
                    errors.append("the other writer waited for this transaction")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            web_db.read_next_transaction.reset(token)
            connections.close_all()

    def quick_request() -> None:
        try:
            assert recorded.wait(timeout=20)
            record("file_viewed", actor=2, target="person:2")
            other_done.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_request), threading.Thread(target=quick_request)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # Chained in the order of the commits: the quick request first.
    assert list(JournalEntry.objects.values_list("seq", "action")) == [
        (1, "file_viewed"),
        (2, "item_viewed"),
    ]
    assert verify().ok


@pytest.mark.django_db
def test_an_entry_recorded_in_a_savepoint_that_rolls_back_is_not_written():
    with transaction.atomic():
        record("file_viewed", actor=1, target="person:1")
        try:
            with transaction.atomic():
                record("item_viewed", actor=1, target="item:9")
                raise RuntimeError("the inner step fails")
        except RuntimeError:
            pass
        record("item_viewed", actor=1, target="item:10")
    assert list(JournalEntry.objects.values_list("seq", "target")) == [
        (1, "person:1"),
        (2, "item:10"),
    ]
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_when_the_chaining_fails_the_action_is_undone_with_its_entry(monkeypatch):
    def broken(entries):
        raise RuntimeError("le disque est plein")

    monkeypatch.setattr(service, "chain_pending", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="action journalisée")
        record("item_created", actor=1, target="item:1")
    assert not Group.objects.filter(name="action journalisée").exists()
    assert JournalEntry.objects.count() == 0

    monkeypatch.undo()  # the connection is usable again and the next entry is number 1
    with transaction.atomic():
        Group.objects.create(name="action suivante")
        entry = record("item_created", actor=1, target="item:2")
    assert entry.seq == 1
    assert Group.objects.filter(name="action suivante").exists()
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_returned_entry_carries_its_number_once_committed():
    with transaction.atomic():
        entry = record("file_viewed", actor=1, target="person:1")
        assert entry.seq is None  # not chained yet: the head is not locked
    assert entry.seq == 1
    assert JournalEntry.objects.get(seq=1).hash == entry.hash


@pytest.mark.django_db(transaction=True)
def test_sqlite_runs_in_wal_and_a_page_view_reads_without_the_write_lock(client):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    _skip_in_memory()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    begins: list[str] = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("BEGIN"):
            begins.append(sql)
        return execute(sql, params, many, context)

    from web.factories import build_org

    person = build_org("W", "CPAS de Wavre").person
    client.force_login(person.social_worker)
    with connection.execute_wrapper(watch):
        assert client.get(f"/personnes/{person.pk}/").status_code == 200
        viewing = list(begins)
        client.post("/deconnexion/")
    # The page view began as a reader (its entry was chained in a short IMMEDIATE step);
    # the POST took the write lock when its transaction began.
    assert viewing[0] == "BEGIN DEFERRED"
    assert set(viewing[1:]) == {"BEGIN IMMEDIATE"}  # the chaining, then the session's save
    assert begins[len(viewing) :] and set(begins[len(viewing) :]) == {"BEGIN IMMEDIATE"}
    assert JournalEntry.objects.filter(action="file_viewed").count() == 1
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_login_hashes_the_password_outside_any_transaction(client, settings, monkeypatch):
    from depositaire.web.ops import hashers

    settings.PASSWORD_HASHERS = ["depositaire.web.ops.hashers.BoundedArgon2PasswordHasher"]
    seen: list[bool] = []
    original = hashers.BoundedArgon2PasswordHasher.encode

    def encode(self, password, salt):
        seen.append(transaction.get_connection().in_atomic_block)
        return original(self, password, salt)

    monkeypatch.setattr(hashers.BoundedArgon2PasswordHasher, "encode", encode)
    response = client.post("/connexion/", {"username": "inconnu", "password": "un mot de passe"})
    assert response.status_code == 200
    assert seen and not any(seen)  # argon2 ran, holding no transaction (hence no lock)
    assert JournalEntry.objects.filter(action="login_failed").count() == 1

"""Encryption at rest: sealed tokens bound to their context, a private key ring, rotation.

Rotation is tested on real tables without a test-only model in the application: the
tests register two columns of Django's own installed apps as sealed fields
(``sessions.Session.session_data`` and ``auth.Group.name``), fill them with tokens,
and restore the registry afterwards. The registry only needs a model, a text
column and a context function, so this exercises exactly the code path the case
file's registrations take, in a rolled-back transaction, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from depositaire.web import crypto
from depositaire.web.crypto import CryptoError, load_keyring, rotate_keys, seal, unseal
from depositaire.web.journal.models import JournalEntry
from depositaire.web.journal.verify import verify

TOKEN = re.compile(r"^v1:[0-9a-f]{8}:[A-Za-z0-9+/]+=*$")
SECRET = "Monsieur Martin a confié une dette de jeu"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path):
    """A key folder of the test's own: a fresh key ring and journal signing key."""
    settings.KEY_DIR = tmp_path / "keys"
    return settings.KEY_DIR


# ----------------------------------------------------------------------------- tokens


def test_a_sealed_token_opens_with_its_own_context_only():
    token = seal(SECRET, context="cases.InformationItem.content:abc")
    assert TOKEN.match(token)
    assert SECRET not in token
    assert unseal(token, context="cases.InformationItem.content:abc") == SECRET
    with pytest.raises(CryptoError) as caught:
        unseal(token, context="cases.InformationItem.content:other")
    assert SECRET not in caught.value.message
    assert "cases.InformationItem.content:other" in caught.value.message


def test_sealing_the_same_text_twice_gives_two_different_tokens():
    first, second = (seal("oui", context="x:1") for _ in range(2))
    assert first != second  # a fresh nonce each time: equal texts do not show as equal
    assert unseal(first, context="x:1") == unseal(second, context="x:1") == "oui"


def test_text_of_any_script_and_the_empty_text_survive_the_round_trip():
    for text in ["", "é à ç — “guillemets”", "日本語", "line\nbreak", "x" * 10_000]:
        assert unseal(seal(text, context="x:1"), context="x:1") == text


def test_a_tampered_token_is_refused_without_revealing_the_text():
    token = seal(SECRET, context="x:1")
    version, key_id, body = token.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-20] ^= 0x01  # one bit of the ciphertext
    flipped = f"{version}:{key_id}:{base64.b64encode(bytes(raw)).decode()}"
    for bad in [flipped, token[:-8], f"{version}:{key_id}:", "v1:abc", "v2" + token[2:], "clair"]:
        with pytest.raises(CryptoError) as caught:
            unseal(bad, context="x:1")
        assert SECRET not in caught.value.message


def test_a_token_naming_a_key_the_ring_does_not_hold_is_refused():
    token = seal("oui", context="x:1")
    _, key_id, body = token.split(":")
    with pytest.raises(CryptoError, match="00000000"):
        unseal(f"v1:00000000:{body}", context="x:1")


def test_a_token_cannot_be_made_or_opened_without_a_context():
    with pytest.raises(CryptoError):
        seal("oui", context="")
    with pytest.raises(CryptoError):
        unseal(seal("oui", context="x:1"), context="")


# ----------------------------------------------------------------------------- key ring


def test_the_key_ring_is_created_on_first_use_as_a_private_file_outside_the_database(own_keys):
    assert not (own_keys / "keyring.json").exists()
    seal("oui", context="x:1")
    path = own_keys / "keyring.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert own_keys.stat().st_mode & 0o777 == 0o700
    body = json.loads(path.read_text())
    assert set(body) == {"active", "keys"} and body["active"] in body["keys"]
    assert all(len(base64.b64decode(k)) == 32 for k in body["keys"].values())
    assert no_table_holds(body["keys"].values()) == []


def test_a_key_ring_that_others_may_read_is_refused(own_keys):
    seal("oui", context="x:1")
    (own_keys / "keyring.json").chmod(0o644)
    with pytest.raises(CryptoError, match="0644"):
        seal("oui", context="x:1")


def test_a_key_ring_replaced_by_another_process_is_read_again(own_keys):
    old = seal("oui", context="x:1")
    ring = load_keyring()
    # What a rotation in another process does: a new file with a new active key.
    crypto.write_private_file(
        own_keys / "keyring.json",
        crypto.KeyRing("0badc0de", {**ring.keys, "0badc0de": bytes(range(32))}).to_json(),
    )
    assert seal("oui", context="x:1").split(":")[1] == "0badc0de"
    assert unseal(old, context="x:1") == "oui"


# ----------------------------------------------------------------------------- rotation


def session_context(session: Session) -> str:
    return f"sessions.Session.session_data:{session.session_key}"


def group_context(group: Group) -> str:
    return f"auth.Group.name:{group.pk}"


@pytest.fixture
def sealed_rows(monkeypatch):
    """Three sessions and two groups whose columns hold tokens, registered as sealed fields.

    Only these two registrations are visible during the test (the application's own
    are set aside), and the registry is restored afterwards.
    """
    monkeypatch.setattr(crypto, "_registry", {})
    crypto.register_sealed_field("sessions.Session", "session_data", session_context)
    crypto.register_sealed_field("auth.Group", "name", group_context)
    expire = timezone.now() + dt.timedelta(days=1)
    sessions = []
    for i in range(3):
        s = Session(session_key=f"rotation-test-{i}", expire_date=expire)
        s.session_data = seal(f"{SECRET} n° {i}", context=session_context(s))
        s.save()
        sessions.append(s)
    # An empty column is not a token: rotation leaves it alone.
    Session.objects.create(session_key="rotation-test-empty", session_data="", expire_date=expire)
    groups = []
    for name in ["équipe A", "équipe B"]:
        g = Group.objects.create(name=f"pending-{name}")
        g.name = seal(name, context=group_context(g))
        g.save()
        groups.append(g)
    return sessions, groups


def test_rotation_reseals_every_registered_field_under_a_new_active_key(sealed_rows):
    sessions, groups = sealed_rows
    before = load_keyring()
    report = rotate_keys()
    after = load_keyring()
    assert after.active == report.new_key_id != before.active
    assert set(after.keys) == set(before.keys) | {report.new_key_id}  # the old key is kept
    counts = {m.model_label: (m.rows, m.tokens, m.failed) for m in report.models}
    assert counts == {"auth.Group": (2, 2, []), "sessions.Session": (3, 3, [])}
    for i, s in enumerate(sessions):
        token = Session.objects.get(pk=s.pk).session_data
        assert token.split(":")[1] == report.new_key_id
        assert token != s.session_data
        assert unseal(token, context=session_context(s)) == f"{SECRET} n° {i}"
    assert [unseal(g.name, context=group_context(g)) for g in Group.objects.order_by("pk")] == [
        "équipe A",
        "équipe B",
    ]
    assert Session.objects.get(pk="rotation-test-empty").session_data == ""


def test_rotation_is_journaled_with_ids_and_counts_only(sealed_rows):
    report = rotate_keys()
    entry = JournalEntry.objects.get(action="key_rotated")
    assert entry.seq == report.journal_seq
    assert entry.target == f"keyring:{report.new_key_id}"
    assert entry.details["rows"] == 5 and entry.details["failures"] == 0
    assert entry.details["key"] == report.new_key_id
    assert SECRET not in json.dumps(entry.details)
    assert verify().ok


def test_retiring_old_keys_removes_them_once_no_token_uses_them(sealed_rows):
    sessions, _ = sealed_rows
    old_token = sessions[0].session_data  # a copy taken before the rotation, as in a backup
    old_key = load_keyring().active
    report = rotate_keys(retire_old=True)
    assert report.retired == [old_key] and report.kept == []
    assert set(load_keyring().keys) == {report.new_key_id}
    with pytest.raises(CryptoError, match=old_key):
        unseal(old_token, context=session_context(sessions[0]))


def test_a_token_that_cannot_be_opened_is_left_as_it_is_reported_and_keeps_its_key(sealed_rows):
    sessions, _ = sealed_rows
    broken = seal("ailleurs", context="another:context")
    Session.objects.filter(pk=sessions[1].pk).update(session_data=broken)
    old_key = load_keyring().active
    report = rotate_keys(retire_old=True)
    session_result = next(m for m in report.models if m.model_label == "sessions.Session")
    assert session_result.failed == [("session_data", sessions[1].pk)]
    assert session_result.rows == 2
    assert Session.objects.get(pk=sessions[1].pk).session_data == broken
    assert report.kept == [old_key] and old_key in load_keyring().keys
    assert JournalEntry.objects.get(action="key_rotated").details["failures"] == 1


def test_the_rotate_keys_command_prints_a_french_summary(sealed_rows):
    out = io.StringIO()
    call_command("rotate_keys", "--retire-old", stdout=out)
    text = out.getvalue()
    active = load_keyring().active
    assert f"nouvelle clé active « {active} »" in text
    assert "5 lignes rechiffrées" in text
    assert "Anciennes clés retirées" in text
    assert "Rotation inscrite au journal" in text
    assert SECRET not in text


def test_the_rotate_keys_command_exits_1_when_a_token_could_not_be_reopened(sealed_rows):
    sessions, _ = sealed_rows
    Session.objects.filter(pk=sessions[0].pk).update(session_data="v1:deadbeef:AAAA")
    out = io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("rotate_keys", stdout=out)
    assert caught.value.code == 1
    assert "rotation-test-0" in out.getvalue()


def test_no_key_material_ever_reaches_the_database(sealed_rows):
    rotate_keys()
    rotate_keys(retire_old=True)
    ring = json.loads((crypto.keyring_path()).read_text())
    assert no_table_holds(ring["keys"].values()) == []
    # The search itself works: a key written to a table is found.
    Group.objects.create(name=next(iter(ring["keys"].values())))
    assert no_table_holds(ring["keys"].values()) == [Group._meta.db_table]


def test_a_sealed_field_must_name_a_real_model_and_field(monkeypatch):
    monkeypatch.setattr(crypto, "_registry", {})
    with pytest.raises(LookupError):
        crypto.register_sealed_field("nowhere.Nothing", "content", str)
    with pytest.raises(Exception, match="no field"):
        crypto.register_sealed_field("auth.Group", "content", str)
    crypto.register_sealed_field("auth.group", "name", str)
    assert [(f.model_label, f.field) for f in crypto.sealed_fields()] == [("auth.Group", "name")]


def no_table_holds(encoded_keys: object) -> list[str]:
    """Tables whose rows contain a key (base64 as stored, or hex): should be none."""
    needles = []
    for encoded in encoded_keys:  # type: ignore[attr-defined]
        needles += [encoded, base64.b64decode(encoded).hex()]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump = repr(cursor.fetchall())
            found += [table for needle in needles if needle in dump]
    return found

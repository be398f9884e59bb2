"""``depositaire journal seal-existing`` on a database of release 0.2.1, written before
rows were sealed: a direct change to its rows passes ``verify`` until they are sealed,
and is caught after; a second run seals nothing."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from web.live import CLI, SQLITE_SUBPROCESSES, clean_env
from web.test_upgrade import RELEASES, install

pytestmark = SQLITE_SUBPROCESSES

RELEASE = next(p for p in RELEASES if p.name == "release-0.2.1")


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute(sql).fetchone()[0])


@pytest.fixture
def old_database(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "data"
    install(RELEASE, folder)
    env = clean_env(DEPOSITAIRE_DATA_DIR=str(folder))
    migrated = run(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr
    return folder / "depositaire.sqlite3", env


def test_seal_existing_seals_the_rows_of_an_old_database_once_and_verify_then_covers_them(
    old_database: tuple[Path, dict[str, str]],
) -> None:
    db, env = old_database
    assert count(db, "SELECT COUNT(*) FROM journal_journalentry WHERE action='row_sealed'") == 0
    rows = sum(
        count(db, f"SELECT COUNT(*) FROM {table}")
        for table in (
            "consent_consent",
            "consent_objection",
            "disclosures_disclosure",
            "cases_informationitem",
        )
    )
    assert rows == 9  # 1 consent, 1 objection, 1 disclosure, 6 items

    # Before: a direct change to a consent row passes verify (nothing seals it).
    with sqlite3.connect(db) as con:
        purpose = con.execute("SELECT purpose FROM consent_consent WHERE id = 1").fetchone()[0]
        con.execute("UPDATE consent_consent SET purpose = 'tampered' WHERE id = 1")
    before = run(["journal", "verify"], env)
    assert before.returncode == 0, before.stdout
    with sqlite3.connect(db) as con:  # put it back: what is sealed now is the true row
        con.execute("UPDATE consent_consent SET purpose = ? WHERE id = 1", [purpose])

    first = run(["journal", "seal-existing"], env)
    assert first.returncode == 0, first.stdout + first.stderr
    text = " ".join(first.stdout.split())
    assert (
        "Lignes scellées : 9 (consentements 1, oppositions 1, communications 1, informations des dossiers 6)"
        in text
    )
    assert count(db, "SELECT COUNT(*) FROM journal_journalentry WHERE action='row_sealed'") == 9
    act = count(db, "SELECT COUNT(*) FROM journal_journalentry WHERE action='rows_sealed_existing'")
    assert act == 1
    entries = count(db, "SELECT COUNT(*) FROM journal_journalentry")

    second = run(["journal", "seal-existing"], env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Aucune ligne à sceller" in second.stdout
    assert count(db, "SELECT COUNT(*) FROM journal_journalentry") == entries  # nothing written

    intact = run(["journal", "verify"], env)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert f"{entries} entrées" in " ".join(intact.stdout.split())

    # After: the same kind of direct change to a consent and to a disclosure is named.
    with sqlite3.connect(db) as con:
        con.execute("UPDATE consent_consent SET purpose = 'tampered' WHERE id = 1")
        con.execute("UPDATE disclosures_disclosure SET recipient_kind = 'police'")
    caught = run(["journal", "verify"], env)
    assert caught.returncode == 1
    found = " ".join(caught.stdout.split())
    assert "Consentement n° 1 modifié hors de l'application" in found
    assert "Communication n° " in found and "modifiée hors de l'application" in found


def test_seal_existing_does_not_bless_a_row_inserted_behind_the_application(
    old_database: tuple[Path, dict[str, str]],
) -> None:
    db, env = old_database
    assert run(["journal", "seal-existing"], env).returncode == 0
    columns = [
        row[1]
        for row in sqlite3.connect(db).execute("PRAGMA table_info(cases_informationitem)")
        if row[1] not in ("id", "uuid")
    ]
    with sqlite3.connect(db) as con:
        con.execute(
            f"INSERT INTO cases_informationitem (id, uuid, {', '.join(columns)}) "
            f"SELECT 1000, '{'0' * 32}', {', '.join(columns)} FROM cases_informationitem "
            "ORDER BY id LIMIT 1"
        )
    refused = run(["journal", "seal-existing"], env)
    assert refused.returncode == 1
    assert "Non scellée : 1 ligne plus récente" in " ".join(refused.stdout.split())
    assert "Information du dossier n° 1000 ajoutée" in " ".join(
        run(["journal", "verify"], env).stdout.split()
    )
    # Only when asked, after checking it.
    asked = run(["journal", "seal-existing", "--also-reported"], env)
    assert asked.returncode == 0 and "Lignes scellées : 1 " in " ".join(asked.stdout.split())
    assert run(["journal", "verify"], env).returncode == 0

"""``depositaire backup`` / ``restore``, through the real command, on SQLite and PostgreSQL.

Each test makes its own data folder (and, on PostgreSQL, its own databases) in a
subprocess: the command works on the folder and database the settings name, never
on the test run's database.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from depositaire.web.ops import archive
from web.live import SQLITE_SUBPROCESSES

PASSPHRASE = "correct horse battery staple"
CLI = [sys.executable, "-c", "from depositaire.cli import main; main()"]

SEED = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from depositaire.web.demo import ensure_demo_data
from depositaire.web.journal.service import record, checkpoint
from depositaire.web.accounts.models import User
ensure_demo_data()
user = User.objects.order_by("pk").first()
for n in range(25):
    record("file_viewed", actor=user, target=f"person:{n}")
checkpoint()
print("seeded")
"""


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEPOSITAIRE_", "DJANGO_"))}
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)


def sqlite_env(folder: Path, **extra: str) -> dict[str, str]:
    return clean_env(DEPOSITAIRE_DATA_DIR=str(folder), **extra)


def tree_digest(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    seeded = run([sys.executable, "-c", SEED], sqlite_env(source))
    assert seeded.returncode == 0, seeded.stderr
    file = source / "sauvegarde.dep"
    made = run(
        [*CLI, "backup", str(file)],
        sqlite_env(source, DEPOSITAIRE_BACKUP_PASSPHRASE=PASSPHRASE),
    )
    assert made.returncode == 0, made.stderr
    assert "Sauvegarde écrite" in made.stdout and "keyring.json" in made.stdout
    return file


@SQLITE_SUBPROCESSES
def test_a_sqlite_backup_restores_into_an_empty_folder_with_an_intact_journal_and_open_fields(
    sqlite_backup: Path, tmp_path: Path
) -> None:
    target = tmp_path / "restored"
    restored = run(
        [*CLI, "restore", str(sqlite_backup)],
        sqlite_env(target, DEPOSITAIRE_BACKUP_PASSPHRASE=PASSPHRASE),
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Journal intact" in restored.stdout
    assert re.search(r"L'entrée n° \d+", restored.stdout) and "même empreinte" in restored.stdout
    assert "Champs scellés ouverts avec le trousseau restauré" in restored.stdout
    assert (target / "keys" / "keyring.json").stat().st_mode & 0o777 == 0o600
    assert (target / "keys").stat().st_mode & 0o777 == 0o700
    verified = run([*CLI, "journal", "verify"], sqlite_env(target))
    assert verified.returncode == 0, verified.stdout + verified.stderr


@SQLITE_SUBPROCESSES
def test_the_archive_holds_no_plaintext_and_says_only_how_it_is_encrypted(
    sqlite_backup: Path,
) -> None:
    raw = sqlite_backup.read_bytes()
    assert raw.startswith(archive.MAGIC)
    assert sqlite_backup.stat().st_mode & 0o777 == 0o600
    for clear in (b"SQLite format 3", b"keyring.json", b"manifest", b"BEGIN PRIVATE KEY"):
        assert clear not in raw
    with sqlite_backup.open("rb") as fh:
        header = archive.peek_header(fh)
    assert header["kdf"]["name"] == "scrypt" and header["kdf"]["n"] == 2**17
    assert header["cipher"] == "AES-256-GCM-STREAM"


@SQLITE_SUBPROCESSES
def test_a_wrong_passphrase_is_refused_in_french_and_touches_nothing(
    sqlite_backup: Path, tmp_path: Path
) -> None:
    target = tmp_path / "never"
    refused = run(
        [*CLI, "restore", str(sqlite_backup)],
        sqlite_env(target, DEPOSITAIRE_BACKUP_PASSPHRASE="pas la bonne phrase"),
    )
    assert refused.returncode == 1
    assert "la phrase de passe ne déverrouille pas" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout
    assert not target.exists()


@SQLITE_SUBPROCESSES
@pytest.mark.parametrize("damage", ["flipped byte", "cut short", "header changed", "appended"])
def test_a_damaged_archive_is_refused_and_touches_nothing(
    sqlite_backup: Path, tmp_path: Path, damage: str
) -> None:
    raw = bytearray(sqlite_backup.read_bytes())
    if damage == "flipped byte":
        raw[len(raw) // 2] ^= 0x01
    elif damage == "cut short":
        raw = raw[: len(raw) - 100]
    elif damage == "header changed":
        raw = raw.replace(b'"cipher": "AES-256-GCM-STREAM"', b'"cipher": "AES-256-GCM-STREAX"')
    else:
        raw += b"\x00" * 40
    damaged = tmp_path / "abimee.dep"
    damaged.write_bytes(bytes(raw))
    target = tmp_path / "never"
    refused = run(
        [*CLI, "restore", str(damaged)],
        sqlite_env(target, DEPOSITAIRE_BACKUP_PASSPHRASE=PASSPHRASE),
    )
    assert refused.returncode == 1, refused.stdout
    assert "endommagée" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not target.exists()


@SQLITE_SUBPROCESSES
@pytest.mark.parametrize("occupied", ["database", "keys"])
def test_a_restore_into_a_target_that_holds_data_is_refused_and_leaves_it_as_it_was(
    sqlite_backup: Path, tmp_path: Path, occupied: str
) -> None:
    target = tmp_path / "occupied"
    if occupied == "database":
        target.mkdir()
        (target / "depositaire.sqlite3").write_bytes(b"existing data")
    else:
        (target / "keys").mkdir(parents=True)
        (target / "keys" / "keyring.json").write_text("{}")
    before = tree_digest(target)
    refused = run(
        [*CLI, "restore", str(sqlite_backup)],
        sqlite_env(target, DEPOSITAIRE_BACKUP_PASSPHRASE=PASSPHRASE),
    )
    assert refused.returncode == 1
    assert "la cible n'est pas vide" in refused.stderr
    assert tree_digest(target) == before


@SQLITE_SUBPROCESSES
def test_a_backup_never_replaces_a_file_and_refuses_a_short_passphrase(tmp_path: Path) -> None:
    existing = tmp_path / "deja.dep"
    existing.write_bytes(b"autre chose")
    refused = run(
        [*CLI, "backup", str(existing)],
        sqlite_env(tmp_path / "data", DEPOSITAIRE_BACKUP_PASSPHRASE=PASSPHRASE),
    )
    assert refused.returncode == 1 and "existe déjà" in refused.stderr
    assert existing.read_bytes() == b"autre chose"
    short = run(
        [*CLI, "backup", str(tmp_path / "neuf.dep")],
        sqlite_env(tmp_path / "data", DEPOSITAIRE_BACKUP_PASSPHRASE="court"),
    )
    assert short.returncode == 1 and "au moins 12 caractères" in short.stderr
    assert not (tmp_path / "neuf.dep").exists()


COMPARE = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
from pathlib import Path
from depositaire.web.ops.backup import Target
target = Target.from_environment()
import django
django.setup()
from django.conf import settings
assert target.data_dir == settings.DATA_DIR, (target, settings.DATA_DIR)
assert target.key_dir == settings.KEY_DIR, (target, settings.KEY_DIR)
assert target.sqlite_path == Path(settings.DATABASES["default"]["NAME"]), target
print("same")
"""


@pytest.mark.parametrize(
    "variables", [{}, {"DEPOSITAIRE_KEY_DIR": "k"}, {"DEPOSITAIRE_SQLITE_PATH": "db/x.sqlite3"}]
)
@SQLITE_SUBPROCESSES
def test_the_restore_target_is_computed_as_the_settings_compute_it(
    tmp_path: Path, variables: dict[str, str]
) -> None:
    extra = {name: str(tmp_path / value) for name, value in variables.items()}
    compared = run([sys.executable, "-c", COMPARE], sqlite_env(tmp_path / "data", **extra))
    assert compared.returncode == 0, compared.stderr
    assert compared.stdout.strip() == "same"


@SQLITE_SUBPROCESSES
def test_the_stream_refuses_swapped_chunks(tmp_path: Path) -> None:
    import io

    out = io.BytesIO()
    writer = archive.EncryptingWriter(out, PASSPHRASE, chunk=64)
    writer.write(bytes(range(256)) * 2)
    writer.close()
    raw = out.getvalue()
    header_end = raw.index(b"\n", len(archive.MAGIC)) + 1
    body = raw[header_end:]
    size = 64 + archive.TAG
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    assert archive.DecryptingReader(io.BytesIO(raw), PASSPHRASE).read() == bytes(range(256)) * 2
    swapped = raw[:header_end] + chunks[1] + chunks[0] + b"".join(chunks[2:])
    with pytest.raises(archive.ArchiveError) as caught:
        archive.DecryptingReader(io.BytesIO(swapped), PASSPHRASE).read()
    assert caught.value.kind == "damaged"
    dropped_last = raw[:header_end] + b"".join(chunks[:-1])
    with pytest.raises(archive.ArchiveError):
        archive.DecryptingReader(io.BytesIO(dropped_last), PASSPHRASE).read()


# --------------------------------------------------------------------------- PostgreSQL


def _pg_base_url() -> str:
    url = os.environ.get("DEPOSITAIRE_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL: run with DEPOSITAIRE_DATABASE_URL (make test does)")
    return url


@pytest.fixture
def pg_databases():
    import psycopg

    from depositaire.web.env import database_from_url

    base = _pg_base_url()
    db = database_from_url(base)
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }
    names = [f"dep_backup_{secrets.token_hex(4)}_{n}" for n in ("source", "target")]
    with psycopg.connect(**params, autocommit=True) as con:
        for name in names:
            con.execute(f'CREATE DATABASE "{name}"')
    prefix = base.rsplit("/", 1)[0]
    yield [f"{prefix}/{name}" for name in names]
    with psycopg.connect(**params, autocommit=True) as con:
        for name in names:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_a_postgresql_backup_restores_into_an_empty_database_with_its_keys(
    pg_databases: list[str], tmp_path: Path
) -> None:
    source_url, target_url = pg_databases
    source_env = clean_env(
        DEPOSITAIRE_DATA_DIR=str(tmp_path / "source"), DEPOSITAIRE_DATABASE_URL=source_url
    )
    seeded = run([sys.executable, "-c", SEED], source_env)
    assert seeded.returncode == 0, seeded.stderr
    file = tmp_path / "pg.dep"
    made = run(
        [*CLI, "backup", str(file)], {**source_env, "DEPOSITAIRE_BACKUP_PASSPHRASE": PASSPHRASE}
    )
    assert made.returncode == 0, made.stderr
    assert "base postgresql" in made.stdout

    target_env = clean_env(
        DEPOSITAIRE_DATA_DIR=str(tmp_path / "target"),
        DEPOSITAIRE_DATABASE_URL=target_url,
        DEPOSITAIRE_BACKUP_PASSPHRASE=PASSPHRASE,
    )
    wrong = run([*CLI, "restore", str(file)], {**target_env, "DEPOSITAIRE_BACKUP_PASSPHRASE": "x"})
    assert wrong.returncode == 1 and "phrase de passe" in wrong.stderr
    assert not (tmp_path / "target").exists()

    restored = run([*CLI, "restore", str(file)], target_env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Journal intact" in restored.stdout and re.search(r"L'entrée n° \d+", restored.stdout)
    assert "Champs scellés ouverts avec le trousseau restauré" in restored.stdout
    verified = run([*CLI, "journal", "verify"], target_env)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # The target now holds tables: a second restore is refused and changes nothing.
    keys_before = tree_digest(tmp_path / "target")
    again = run([*CLI, "restore", str(file)], target_env)
    assert again.returncode == 1 and "la cible n'est pas vide" in again.stderr
    assert tree_digest(tmp_path / "target") == keys_before


@SQLITE_SUBPROCESSES
def test_the_passphrase_is_asked_twice_at_the_terminal_and_a_mismatch_writes_nothing(
    sqlite_backup: Path, tmp_path: Path
) -> None:
    import pexpect

    source = sqlite_backup.parent
    env = sqlite_env(source)
    target = tmp_path / "mismatch.dep"
    child = pexpect.spawn(
        CLI[0], [*CLI[1:], "backup", str(target)], env=env, encoding="utf-8", timeout=120
    )
    child.expect("Phrase de passe de la sauvegarde")
    child.sendline(PASSPHRASE)
    child.expect("encore une fois")
    child.sendline(PASSPHRASE + " autre")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "diffèrent" in child.before and not target.exists()

    good = tmp_path / "terminal.dep"
    child = pexpect.spawn(
        CLI[0], [*CLI[1:], "backup", str(good)], env=env, encoding="utf-8", timeout=120
    )
    child.expect("Phrase de passe de la sauvegarde")
    child.sendline(PASSPHRASE)
    child.expect("encore une fois")
    child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and good.exists()
    assert PASSPHRASE not in child.before  # not echoed

"""``depositaire backup`` / ``restore``: the database and the key folder in one encrypted archive.

A backup without the key ring is unreadable (every confidence is sealed with it), and
a key ring without its database is useless: both travel together, encrypted with a
passphrase or to a public key, X25519 or RSA (:mod:`depositaire.web.ops.archive`).

The payload is a tar stream: ``manifest.json`` first (format, version, database
vendor, the journal's head at backup time, and the SHA-256 and size of every other
member), then ``database.sqlite3`` (SQLite's online backup API) or ``database.pgdump``
(``pg_dump`` custom format), then ``keys/<name>`` for each file of ``KEY_DIR``.

Order of the backup, so that the copy is consistent: under the key-ring lock (no
rotation meanwhile), the anchor file is copied first, then the database is snapshot,
then the other keys; the database then holds every checkpoint the anchor names
(``journal verify`` reads in the same order).

``restore`` opens and checks the whole archive in a private temporary folder before
it looks at the target; it writes only into an empty target (no database file, or a
PostgreSQL database without tables, and a key folder without files), migrates, then
verifies the journal and opens a sample of sealed fields. Any refusal leaves the
target exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from depositaire.messages import t, tn
from depositaire.web.ops import archive

MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
KEYS_PREFIX = "keys/"
#: Sealed values opened per field after a restore.
SAMPLE_PER_FIELD = 25
MIN_PASSPHRASE = 12


class BackupError(Exception):
    """A backup or restore that cannot go on; ``message`` is French and names the problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- target


@dataclass(frozen=True)
class Target:
    """Where the settings put the data, computed from the environment *without* Django.

    Importing the settings creates folders and a secret key: a restore must judge the
    target before that. :func:`tests` compare this with ``django.conf.settings``.
    """

    data_dir: Path
    key_dir: Path
    sqlite_path: Path | None
    database_url: str | None

    @classmethod
    def from_environment(cls) -> Target:
        from depositaire.web.env import env_path, env_str

        data_dir = env_path("DEPOSITAIRE_DATA_DIR", Path.cwd() / "var")
        key_dir = env_path("DEPOSITAIRE_KEY_DIR", data_dir / "keys")
        url = env_str("DEPOSITAIRE_DATABASE_URL")
        sqlite_path = (
            None if url else env_path("DEPOSITAIRE_SQLITE_PATH", data_dir / "depositaire.sqlite3")
        )
        return cls(data_dir, key_dir, sqlite_path, url)


def _key_files(folder: Path) -> list[Path]:
    """The files of the key folder a backup carries (lock files excluded)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


# --------------------------------------------------------------------------- manifest


@dataclass
class Manifest:
    format: int
    version: str
    created_at: str
    vendor: str
    journal_seq: int
    journal_hash: str
    files: dict[str, dict[str, Any]]

    def to_json(self) -> bytes:
        body = {
            "format": self.format,
            "application": "depositaire",
            "version": self.version,
            "created_at": self.created_at,
            "database": {"vendor": self.vendor},
            "journal": {"seq": self.journal_seq, "hash": self.journal_hash},
            "files": self.files,
        }
        return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def parse(cls, raw: bytes) -> Manifest:
        try:
            body = json.loads(raw)
            manifest = cls(
                format=int(body["format"]),
                version=str(body["version"]),
                created_at=str(body["created_at"]),
                vendor=str(body["database"]["vendor"]),
                journal_seq=int(body["journal"]["seq"]),
                journal_hash=str(body["journal"]["hash"]),
                files=dict(body["files"]),
            )
        except (ValueError, KeyError, TypeError):
            raise BackupError(t("ops.backup.error.damaged", detail=MANIFEST)) from None
        if manifest.vendor not in {"sqlite", "postgresql"}:
            raise BackupError(t("ops.backup.error.damaged", detail=MANIFEST))
        return manifest

    @property
    def database_member(self) -> str:
        return SQLITE_MEMBER if self.vendor == "sqlite" else PG_MEMBER

    @property
    def key_members(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith(KEYS_PREFIX))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def application_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("depositaire")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "0"


# --------------------------------------------------------------------------- PostgreSQL tools


def _pg_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: ``DEPOSITAIRE_PG_BIN``, else the newest installed, else PATH."""
    folder = os.environ.get("DEPOSITAIRE_PG_BIN")
    candidates = [Path(folder) / name] if folder else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdecimal() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(t("ops.backup.error.pg_tool_missing", tool=name))
    return found


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """The connection for libpq's tools, in the environment (a password never shows in ``ps``)."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = str(db.get(key) or "")
        if value:
            env[variable] = value
        else:
            env.pop(variable, None)
    return env


def _run_pg(args: list[str], env: dict[str, str], tool: str) -> None:
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        args, env=env, capture_output=True, text=True, check=False, timeout=3600
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(
            t(
                "ops.backup.error.pg_tool_failed",
                tool=tool,
                detail=lines[-1] if lines else result.returncode,
            )
        )


# --------------------------------------------------------------------------- backup


@dataclass
class BackupReport:
    path: Path
    size: int
    vendor: str
    journal_seq: int
    key_files: list[str]


def _snapshot_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy of a live SQLite database (its online backup API)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_head(path: Path) -> tuple[int, str]:
    from depositaire.web.journal.models import JournalHead

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute(
            f"SELECT seq, hash FROM {JournalHead._meta.db_table} WHERE id = ?",  # noqa: S608 (a model's table name)
            (JournalHead.ROW,),
        ).fetchone()
    except sqlite3.Error:
        row = None
    finally:
        con.close()
    return (int(row[0]), str(row[1])) if row else (0, "")


def _orm_head() -> tuple[int, str]:
    from depositaire.web.journal.models import JournalHead

    head = JournalHead.objects.filter(pk=JournalHead.ROW).first()
    return (head.seq, head.hash) if head else (0, "")


def make_backup(path: Path, passphrase: str | archive.PublicKey) -> BackupReport:
    """Write the encrypted archive ``path`` (Django set up); never leaves a partial file.

    ``passphrase``: the passphrase, or the public key the archive is encrypted to
    (:func:`load_public_key`).
    """
    from django.conf import settings
    from django.db import connection

    from depositaire.web.crypto import folder_lock, key_dir

    if isinstance(passphrase, str) and len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(t("ops.backup.error.passphrase_short", minimum=MIN_PASSPHRASE))
    path = path.expanduser().resolve()
    if path.exists():
        raise BackupError(t("ops.backup.error.exists", path=str(path)))
    if not path.parent.is_dir():
        raise BackupError(t("ops.backup.error.no_folder", path=str(path.parent)))
    keys = key_dir()
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:  # pragma: no cover - settings allow only these
        raise BackupError(t("ops.backup.error.vendor", vendor=vendor))
    db = settings.DATABASES["default"]
    with _private_tempdir() as staging, folder_lock("keyring"):
        (staging / "keys").mkdir(mode=0o700)
        anchor = keys / "journal-anchor.json"
        # The anchor before the database: every checkpoint it names is then in the copy.
        if anchor.is_file():
            shutil.copyfile(anchor, staging / "keys" / anchor.name)
        if vendor == "sqlite":
            source = Path(db["NAME"])
            if not source.is_file():
                raise BackupError(t("ops.backup.error.no_database", path=str(source)))
            _snapshot_sqlite(source, staging / SQLITE_MEMBER)
            seq, hash_ = _sqlite_head(staging / SQLITE_MEMBER)
        else:
            seq, hash_ = _orm_head()  # read before the dump: the dump holds at least this
            tool = _pg_tool("pg_dump")
            _run_pg(
                [
                    tool,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(staging / PG_MEMBER),
                ],
                _pg_env(db),
                "pg_dump",
            )
        for key_file in _key_files(keys):
            if key_file.name != anchor.name:
                shutil.copyfile(key_file, staging / "keys" / key_file.name)
        members = [SQLITE_MEMBER if vendor == "sqlite" else PG_MEMBER]
        members += [f"{KEYS_PREFIX}{p.name}" for p in sorted((staging / "keys").iterdir())]
        manifest = Manifest(
            format=archive.FORMAT,
            version=application_version(),
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            vendor=vendor,
            journal_seq=seq,
            journal_hash=hash_,
            files={
                name: {"sha256": _sha256(staging / name), "size": (staging / name).stat().st_size}
                for name in members
            },
        )
        (staging / MANIFEST).write_bytes(manifest.to_json())
        _write_archive(path, passphrase, staging, [MANIFEST, *members])
    return BackupReport(
        path=path,
        size=path.stat().st_size,
        vendor=vendor,
        journal_seq=seq,
        key_files=[m.removeprefix(KEYS_PREFIX) for m in manifest.key_members],
    )


def _write_archive(
    path: Path, passphrase: str | archive.PublicKey, staging: Path, members: list[str]
) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            writer = archive.EncryptingWriter(out, passphrase)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                for name in members:
                    info = tar.gettarinfo(str(staging / name), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    info.mode = 0o600
                    with (staging / name).open("rb") as fh:
                        tar.addfile(info, fh)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, path)  # never replaces a file that appeared meanwhile
    except FileExistsError:
        raise BackupError(t("ops.backup.error.exists", path=str(path))) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def _private_tempdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="depositaire-backup-"))
    try:
        folder.chmod(0o700)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- keys


def load_public_key(path: Path) -> archive.PublicKey:
    """The X25519 or RSA public key (PEM) a backup is encrypted to; a French error otherwise."""
    from cryptography.hazmat.primitives.asymmetric import rsa, x25519
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    raw = _read_key_file(path)
    try:
        key = load_pem_public_key(raw)
    except ValueError:
        raise BackupError(t("ops.backup.error.public_key", path=str(path))) from None
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < archive.RSA_MIN_BITS:
            raise BackupError(
                t("ops.backup.error.rsa_short", bits=key.key_size, minimum=archive.RSA_MIN_BITS)
            )
        return key
    if isinstance(key, x25519.X25519PublicKey):
        return key
    raise BackupError(t("ops.backup.error.key_kind", path=str(path)))


def load_private_key(path: Path, password: str | None = None) -> archive.PrivateKey:
    """The private key (PEM, encrypted with ``password`` or not) that opens a backup."""
    from cryptography.hazmat.primitives.asymmetric import rsa, x25519
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    raw = _read_key_file(path)
    try:
        key = load_pem_private_key(raw, password.encode("utf-8") if password else None)
    except TypeError:  # encrypted and no password, or a password for a clear key
        raise BackupError(t("ops.backup.error.private_key_password", path=str(path))) from None
    except ValueError:
        # cryptography says "bad decrypt" for a wrong password, as for a damaged file.
        kind = "private_key_password" if password else "private_key"
        raise BackupError(t(f"ops.backup.error.{kind}", path=str(path))) from None
    if isinstance(key, rsa.RSAPrivateKey | x25519.X25519PrivateKey):
        return key
    raise BackupError(t("ops.backup.error.key_kind", path=str(path)))


def private_key_is_encrypted(path: Path) -> bool:
    return b"ENCRYPTED" in _read_key_file(path)


def _read_key_file(path: Path) -> bytes:
    try:
        return path.expanduser().read_bytes()
    except FileNotFoundError:
        raise BackupError(t("ops.backup.error.key_not_found", path=str(path))) from None
    except OSError as exc:
        raise BackupError(
            t("ops.backup.error.unreadable", path=str(path), detail=exc.strerror)
        ) from None


# --------------------------------------------------------------------------- open


def open_archive(path: Path, passphrase: str | archive.PrivateKey, into: Path) -> Manifest:
    """Decrypt ``path`` into the folder ``into`` and check every member against the manifest."""
    try:
        source: IO[bytes] = path.open("rb")
    except FileNotFoundError:
        raise BackupError(t("ops.backup.error.not_found", path=str(path))) from None
    except OSError as exc:
        raise BackupError(
            t("ops.backup.error.unreadable", path=str(path), detail=exc.strerror)
        ) from None
    manifest: Manifest | None = None
    seen: dict[str, tuple[str, int]] = {}
    try:
        with source:
            reader = archive.DecryptingReader(source, passphrase)
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for info in tar:
                    name = info.name
                    if not info.isfile() or not _allowed_member(name) or name in seen:
                        raise BackupError(t("ops.backup.error.damaged", detail=name))
                    extracted = tar.extractfile(info)
                    assert extracted is not None
                    dest = into / name
                    dest.parent.mkdir(mode=0o700, exist_ok=True)
                    digest = hashlib.sha256()
                    size = 0
                    with dest.open("wb") as fh:
                        os.fchmod(fh.fileno(), 0o600)
                        for block in iter(lambda: extracted.read(1 << 20), b""):  # noqa: B023
                            digest.update(block)
                            size += len(block)
                            fh.write(block)
                    seen[name] = (digest.hexdigest(), size)
                    if name == MANIFEST:
                        manifest = Manifest.parse(dest.read_bytes())
    except archive.ArchiveError as exc:
        if exc.kind in ("passphrase", "key", "needs_passphrase", "needs_key"):
            raise BackupError(t(f"ops.backup.error.{exc.kind}", path=str(path))) from None
        raise BackupError(t("ops.backup.error.damaged", detail=_detail(exc.detail))) from None
    except tarfile.TarError:
        raise BackupError(t("ops.backup.error.damaged", detail="tar")) from None
    if manifest is None:
        raise BackupError(t("ops.backup.error.damaged", detail=MANIFEST))
    expected = set(manifest.files)
    if set(seen) - {MANIFEST} != expected or manifest.database_member not in expected:
        raise BackupError(t("ops.backup.error.damaged", detail="manifest.files"))
    for name, meta in manifest.files.items():
        if seen[name] != (meta.get("sha256"), meta.get("size")):
            raise BackupError(t("ops.backup.error.checksum", name=name))
    return manifest


def _detail(detail: str) -> str:
    """The French name of what failed in the archive (``chunk 3`` → ``bloc n° 3``)."""
    if detail.startswith("chunk "):
        return t("ops.backup.detail.chunk", number=detail.removeprefix("chunk "))
    return t(f"ops.backup.detail.{detail}") if detail in _DETAILS else detail


_DETAILS = {"magic", "header", "format", "kdf", "truncated"}


def _allowed_member(name: str) -> bool:
    if name in {MANIFEST, SQLITE_MEMBER, PG_MEMBER}:
        return True
    if name.startswith(KEYS_PREFIX):
        leaf = name.removeprefix(KEYS_PREFIX)
        return (
            bool(leaf) and "/" not in leaf and not leaf.startswith(".") and leaf not in {"..", "."}
        )
    return False


# --------------------------------------------------------------------------- restore


@dataclass
class RestoreReport:
    manifest: Manifest
    target: str
    journal_ok: bool
    journal_lines: list[str]
    journal_entries: int
    backup_head_found: bool
    sealed_opened: int
    sealed_sampled: int
    sealed_failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.journal_ok and self.backup_head_found and self.sealed_opened == self.sealed_sampled
        )


def _pg_connect_params(url: str) -> dict[str, Any]:
    from depositaire.web.env import database_from_url

    db = database_from_url(url)
    return {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


def _pg_user_tables(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(**_pg_connect_params(url), connect_timeout=10) as con:
            row = con.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()
    except psycopg.Error as exc:
        raise BackupError(t("ops.backup.error.pg_connect", detail=type(exc).__name__)) from None
    return int(row[0]) if row else 0


def check_target_empty(target: Target, manifest: Manifest) -> None:
    """Refuse a target that already holds a database or keys (before anything is written)."""
    if manifest.vendor == "sqlite" and target.sqlite_path is None:
        raise BackupError(
            t("ops.backup.error.vendor_mismatch", backup="SQLite", target="PostgreSQL")
        )
    if manifest.vendor == "postgresql" and target.database_url is None:
        raise BackupError(
            t("ops.backup.error.vendor_mismatch", backup="PostgreSQL", target="SQLite")
        )
    if target.sqlite_path is not None:
        for candidate in (
            target.sqlite_path,
            target.sqlite_path.with_name(target.sqlite_path.name + "-wal"),
        ):
            if candidate.exists():
                raise BackupError(t("ops.backup.error.target_database", path=str(candidate)))
    else:
        assert target.database_url is not None
        tables = _pg_user_tables(target.database_url)
        if tables:
            raise BackupError(
                t("ops.backup.error.target_pg", tables=tn("ops.backup.error.tables", tables))
            )
    present = _key_files(target.key_dir)
    if present:
        raise BackupError(
            t("ops.backup.error.target_keys", path=str(target.key_dir), name=present[0].name)
        )


def restore(path: Path, passphrase: str | archive.PrivateKey, target: Target) -> RestoreReport:
    """Check the archive, write it into the empty ``target``, then set Django up and verify."""
    with _private_tempdir() as staging:
        manifest = open_archive(path.expanduser(), passphrase, staging)
        check_target_empty(target, manifest)
        _write_target(manifest, staging, target)
    try:
        return _after_restore(manifest, target)
    except Exception as exc:
        # The copy is written and whole; what failed is the migration or the checks.
        where = str(target.sqlite_path or _safe_url(target.database_url))
        raise BackupError(
            t("ops.backup.error.after_write", target=where, detail=type(exc).__name__)
        ) from exc


def _write_target(manifest: Manifest, staging: Path, target: Target) -> list[Path]:
    """Keys and database into the target; on failure, removes what it wrote."""
    from depositaire.web.crypto import ensure_private_dir, write_private_file

    written: list[Path] = []
    try:
        if manifest.vendor == "sqlite":
            assert target.sqlite_path is not None
            target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            data = staging / SQLITE_MEMBER
            tmp = target.sqlite_path.with_name(f".{target.sqlite_path.name}.restore")
            shutil.copyfile(data, tmp)
            written.append(tmp)
            os.chmod(tmp, 0o600)
            os.link(tmp, target.sqlite_path)
            written.append(target.sqlite_path)
            tmp.unlink()
            written.remove(tmp)
        else:
            assert target.database_url is not None
            from depositaire.web.env import database_from_url

            _run_pg(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    "--dbname",
                    str(database_from_url(target.database_url)["NAME"]),
                    str(staging / PG_MEMBER),
                ],
                _pg_env(database_from_url(target.database_url)),
                "pg_restore",
            )
        ensure_private_dir(target.key_dir)
        for member in manifest.key_members:
            dest = target.key_dir / member.removeprefix(KEYS_PREFIX)
            mode = 0o644 if dest.suffix == ".pub" else 0o600
            if not write_private_file(
                dest, (staging / member).read_bytes(), exclusive=True, mode=mode
            ):
                raise BackupError(
                    t("ops.backup.error.target_keys", path=str(target.key_dir), name=dest.name)
                )
            written.append(dest)
    except BaseException:
        for item in reversed(written):
            with contextlib.suppress(FileNotFoundError):
                item.unlink()
        raise
    return written


def _after_restore(manifest: Manifest, target: Target) -> RestoreReport:
    import django
    from django.apps import apps

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
    if not apps.ready:
        django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return check_restored(manifest, str(target.sqlite_path or _safe_url(target.database_url)))


def _safe_url(url: str | None) -> str:
    """The database URL without its password, for messages."""
    from urllib.parse import urlparse

    parsed = urlparse(url or "")
    host = parsed.hostname or ""
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    return f"{parsed.scheme}://{user}{host}{port}{parsed.path}"


def check_restored(manifest: Manifest, target: str) -> RestoreReport:
    """Verify the journal, find the backup's head in it, open a sample of every sealed field."""
    from depositaire.web.crypto import CryptoError, sealed_fields, unseal
    from depositaire.web.journal.models import JournalEntry
    from depositaire.web.journal.verify import verify

    report = verify()
    if manifest.journal_seq:
        found = JournalEntry.objects.filter(
            seq=manifest.journal_seq, hash=manifest.journal_hash
        ).exists()
    else:
        found = True
    opened = sampled = 0
    failures: list[str] = []
    from django.apps import apps

    for sealed in sealed_fields():
        model = apps.get_model(sealed.model_label)
        rows = (
            model._base_manager.exclude(**{sealed.field: ""})
            .exclude(**{f"{sealed.field}__isnull": True})
            .order_by("pk")[:SAMPLE_PER_FIELD]
        )
        for obj in rows:
            sampled += 1
            try:
                unseal(getattr(obj, sealed.field), context=sealed.context(obj))
                opened += 1
            except CryptoError:
                failures.append(f"{sealed.model_label}.{sealed.field}#{obj.pk}")
    return RestoreReport(
        manifest=manifest,
        target=target,
        journal_ok=report.ok,
        journal_lines=report.lines(),
        journal_entries=report.entries,
        backup_head_found=found,
        sealed_opened=opened,
        sealed_sampled=sampled,
        sealed_failures=failures,
    )

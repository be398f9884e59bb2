"""Encryption at rest: sealed tokens, the key ring outside the database, key rotation.

A *sealed token* is ``"v1:<key id>:<base64(nonce | ciphertext)>"``: AES-256-GCM with a
fresh 12-byte nonce and the caller's *context* (``"cases.InformationItem.content:<uuid>"``)
as associated data, so a token copied to another row or column no longer opens.

The *key ring* is ``settings.KEY_DIR / "keyring.json"`` (file 0600 in a 0700 folder),
``{"active": "<key id>", "keys": {"<key id>": "<base64 32 bytes>"}}``: it never enters
the database, so a stolen dump or backup of the database holds only ciphertext.

Apps declare their *sealed fields* with :func:`register_sealed_field` in
``AppConfig.ready()``; :func:`rotate_keys` re-seals every one of them under a new key.

The file helpers at the end (private files, folder locks) are shared with the journal's
signing key: every secret of the system lives in the same guarded folder.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import secrets
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models, transaction

from depositaire.messages import t

TOKEN_VERSION = "v1"  # noqa: S105 (a format tag, not a secret)
KEYRING_NAME = "keyring.json"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = (
    12  # the size AES-GCM is designed for; random nonces are safe far below 2**32 seals per key
)
TAG_BYTES = 16
#: Rows re-sealed per query during a rotation: bounds memory, not the transaction.
ROTATION_BATCH = 500


class CryptoError(Exception):
    """A token that cannot be opened, or a key ring that cannot be used.

    The message is French (catalogue) and names the context and the key id, never
    the plaintext nor any key material.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- key ring


@dataclass(frozen=True)
class KeyRing:
    """The encryption keys: one active key seals, every key in the ring opens."""

    active: str
    keys: dict[str, bytes]

    def to_json(self) -> bytes:
        body = {
            "active": self.active,
            "keys": {kid: base64.b64encode(key).decode("ascii") for kid, key in self.keys.items()},
        }
        return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("ascii")


def key_dir() -> Path:
    """The folder holding every key (read at each call: tests and tools may move it)."""
    return Path(settings.KEY_DIR)


def keyring_path() -> Path:
    return key_dir() / KEYRING_NAME


def _new_key_id(existing: set[str]) -> str:
    while True:
        kid = secrets.token_hex(4)
        if kid not in existing:
            return kid


_cache_lock = threading.Lock()
# path -> ((device, inode, mtime, size), ring): re-read when the file is replaced, so a
# rotation made by another process is seen by the next seal.
_cache: dict[Path, tuple[tuple[int, int, int, int], KeyRing]] = {}


def load_keyring(*, create: bool = True) -> KeyRing:
    """The key ring, created with one fresh key on first use when ``create``."""
    path = keyring_path()
    if not path.exists():
        if not create:
            raise CryptoError(t("crypto.error.keyring_missing", path=str(path)))
        ensure_private_dir(path.parent)
        kid = _new_key_id(set())
        # Written once, atomically: two processes starting together keep the same ring.
        write_private_file(
            path, KeyRing(kid, {kid: os.urandom(KEY_BYTES)}).to_json(), exclusive=True
        )
    st = path.stat()
    check_private_mode(path, st)
    signature = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    ring = _parse_keyring(path, path.read_bytes())
    with _cache_lock:
        _cache[path] = (signature, ring)
    return ring


def _parse_keyring(path: Path, raw: bytes) -> KeyRing:
    def invalid(detail: str) -> CryptoError:
        return CryptoError(t("crypto.error.keyring_invalid", path=str(path), detail=detail))

    try:
        body = json.loads(raw)
    except ValueError:
        raise invalid("JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("keys"), dict):
        raise invalid("keys")
    keys: dict[str, bytes] = {}
    for kid, encoded in body["keys"].items():
        if not isinstance(kid, str) or not kid.isalnum() or not isinstance(encoded, str):
            raise invalid("keys")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise invalid(kid) from None
        if len(key) != KEY_BYTES:
            raise invalid(kid)
        keys[kid] = key
    active = body.get("active")
    if not isinstance(active, str) or active not in keys:
        raise invalid("active")
    return KeyRing(active, keys)


def _write_keyring(ring: KeyRing) -> None:
    path = keyring_path()
    ensure_private_dir(path.parent)
    write_private_file(path, ring.to_json())


# --------------------------------------------------------------------------- tokens


def _aad(context: str) -> bytes:
    if not isinstance(context, str) or not context:
        # An empty context would let a token move anywhere: refuse it outright.
        raise CryptoError(t("crypto.error.no_context"))
    return context.encode("utf-8")


def seal(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` under the active key, bound to ``context``: a sealed token."""
    if not isinstance(plaintext, str):
        raise TypeError("seal() takes text")
    aad = _aad(context)
    ring = load_keyring()
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(ring.keys[ring.active]).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{TOKEN_VERSION}:{ring.active}:{base64.b64encode(nonce + ciphertext).decode('ascii')}"


def token_key_id(token: str) -> str | None:
    """The key id a token names, or ``None`` when ``token`` is not a sealed token."""
    if not isinstance(token, str):
        return None
    parts = token.split(":")
    if len(parts) != 3 or parts[0] != TOKEN_VERSION or not parts[1]:
        return None
    return parts[1]


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and token_key_id(value) is not None


def unseal(token: str, *, context: str) -> str:
    """The plaintext of a sealed token; :class:`CryptoError` unless key, context and bytes all match."""
    aad = _aad(context)
    key_id = token_key_id(token)
    if key_id is None:
        raise CryptoError(t("crypto.error.malformed", context=context))
    try:
        raw = base64.b64decode(token.split(":")[2], validate=True)
    except binascii.Error:
        raise CryptoError(t("crypto.error.malformed", context=context)) from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise CryptoError(t("crypto.error.malformed", context=context))
    key = load_keyring().keys.get(key_id)
    if key is None:
        raise CryptoError(t("crypto.error.unknown_key", key_id=key_id, context=context))
    try:
        plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag:
        # GCM cannot tell a wrong context from altered bytes: both are one refusal.
        raise CryptoError(t("crypto.error.rejected", key_id=key_id, context=context)) from None
    return plaintext.decode("utf-8")


# --------------------------------------------------------------------------- registry

ContextFunction = Callable[[Any], str]


@dataclass(frozen=True)
class SealedField:
    """A model field whose column holds sealed tokens, and how to rebuild a row's context."""

    model_label: str
    field: str
    context: ContextFunction


_registry: dict[tuple[str, str], SealedField] = {}


def register_sealed_field(model_label: str, field: str, context: ContextFunction) -> None:
    """Declare that ``model_label.field`` holds sealed tokens (call it in ``AppConfig.ready()``).

    Registering the same field again replaces the entry (``ready()`` may run twice in tests).
    """
    from django.apps import apps

    model = apps.get_model(model_label)  # a typo fails at start-up, not at the first rotation
    model._meta.get_field(field)
    if not callable(context):
        raise TypeError("context must be callable")
    _registry[(model._meta.label, field)] = SealedField(model._meta.label, field, context)


def sealed_fields() -> list[SealedField]:
    """Every registered sealed field, in a stable order."""
    return [_registry[k] for k in sorted(_registry)]


# --------------------------------------------------------------------------- rotation


@dataclass
class ModelRotation:
    """What a rotation did to one model: rows and tokens re-sealed, rows it could not open."""

    model_label: str
    fields: tuple[str, ...]
    rows: int = 0
    tokens: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (field, primary key)


@dataclass
class RotationReport:
    """The outcome of :func:`rotate_keys`: key ids and counts, never key material."""

    new_key_id: str
    previous_key_id: str
    models: list[ModelRotation]
    retired: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    journal_seq: int | None = None

    @property
    def rows(self) -> int:
        return sum(m.rows for m in self.models)

    @property
    def tokens(self) -> int:
        return sum(m.tokens for m in self.models)

    @property
    def failures(self) -> int:
        return sum(len(m.failed) for m in self.models)


def rotate_keys(*, retire_old: bool = False, actor: Any = None) -> RotationReport:
    """Create a new active key, re-seal every registered field with it, journal the rotation.

    The new key is written to the ring *before* any row is touched, so every process
    seals with it from then on and a rotation interrupted half-way leaves only tokens
    that still open. Each model is re-sealed in its own transaction. Old keys stay in
    the ring; with ``retire_old`` a key leaves it only once no registered column still
    names it (a row that could not be opened keeps its key alive).
    """
    with folder_lock("keyring"):
        ring = load_keyring()
        new_id = _new_key_id(set(ring.keys))
        _write_keyring(KeyRing(new_id, {**ring.keys, new_id: os.urandom(KEY_BYTES)}))

        by_model: dict[str, list[SealedField]] = {}
        for sealed in sealed_fields():
            by_model.setdefault(sealed.model_label, []).append(sealed)
        results = [_reseal_model(label, fields, new_id) for label, fields in by_model.items()]

        report = RotationReport(new_key_id=new_id, previous_key_id=ring.active, models=results)
        if retire_old:
            for kid in sorted(ring.keys):
                (report.kept if _key_in_use(kid) else report.retired).append(kid)
            if report.retired:
                current = load_keyring()
                remaining = {k: v for k, v in current.keys.items() if k not in report.retired}
                _write_keyring(KeyRing(current.active, remaining))

    from depositaire.web.journal.service import record

    entry = record(
        "key_rotated",
        actor=actor,
        target=f"keyring:{new_id}",
        details={
            "key": new_id,
            "previous_key": ring.active,
            "models": len(results),
            "rows": report.rows,
            "tokens": report.tokens,
            "failures": report.failures,
            "retired": report.retired,
        },
    )
    report.journal_seq = entry.seq
    return report


def _reseal_model(label: str, fields: list[SealedField], key_id: str) -> ModelRotation:
    from django.apps import apps

    model = apps.get_model(label)
    # The base manager sees every row, even those a custom default manager hides.
    manager = model._base_manager
    result = ModelRotation(label, tuple(f.field for f in fields))
    with transaction.atomic():
        pks = list(manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), ROTATION_BATCH):
            batch = pks[start : start + ROTATION_BATCH]
            # Locked on PostgreSQL so that no request rewrites a row between read and update.
            for obj in manager.select_for_update().filter(pk__in=batch).order_by("pk"):
                changes = _reseal_row(obj, fields, key_id, result)
                if changes:
                    # A queryset update: no save() side effects (timestamps, signals).
                    manager.filter(pk=obj.pk).update(**changes)
                    result.rows += 1
                    result.tokens += len(changes)
    return result


def _reseal_row(
    obj: models.Model, fields: list[SealedField], key_id: str, result: ModelRotation
) -> dict[str, str]:
    changes: dict[str, str] = {}
    for sealed in fields:
        token = getattr(obj, sealed.field)
        if not token or token_key_id(token) == key_id:
            continue
        context = sealed.context(obj)
        try:
            changes[sealed.field] = seal(unseal(token, context=context), context=context)
        except CryptoError:
            # Left as it is, reported, and its key is kept: never lose data to a rotation.
            result.failed.append((sealed.field, str(obj.pk)))
    return changes


def _key_in_use(key_id: str) -> bool:
    from django.apps import apps

    prefix = f"{TOKEN_VERSION}:{key_id}:"
    for sealed in sealed_fields():
        model = apps.get_model(sealed.model_label)
        if model._base_manager.filter(**{f"{sealed.field}__startswith": prefix}).exists():
            return True
    return False


# --------------------------------------------------------------------------- private files


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` as a 0700 folder, or tighten an existing one to 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(0o700)


def check_private_mode(path: Path, st: os.stat_result | None = None) -> None:
    """Refuse a secret file that group or others may read or write (as ssh does)."""
    st = st or path.stat()
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise CryptoError(t("crypto.error.permissions", path=str(path), mode=f"{mode:04o}"))


def write_private_file(
    path: Path, data: bytes, *, exclusive: bool = False, mode: int = 0o600
) -> bool:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename) with ``mode``.

    With ``exclusive``, an existing file wins and ``False`` is returned: the first
    writer's content is kept whole (a hard link never replaces its target).
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
        else:
            os.replace(tmp, path)
        _fsync_dir(path.parent)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_lock(name: str) -> Iterator[None]:
    """An exclusive lock between processes on ``KEY_DIR/.<name>.lock`` (POSIX ``flock``)."""
    folder = key_dir()
    ensure_private_dir(folder)
    fd = os.open(folder / f".{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

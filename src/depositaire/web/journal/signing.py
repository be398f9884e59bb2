"""The journal's signing key and its anchor file, both outside the database in ``KEY_DIR``.

- ``journal-ed25519.pem`` (0600): the Ed25519 private key, made on first use; it signs
  checkpoints and the journal head. Someone who can rewrite the database but not read
  this file cannot forge either.
- ``journal-ed25519.pub``: the public key, for auditors; keep a copy elsewhere, since
  :func:`depositaire.web.journal.verify.verify` accepts one.
- ``journal-anchor.json`` (0600): for each journal id, the highest checkpoint ever
  committed (seq and hash). It only moves forward, so deleting the end of the journal
  together with its checkpoints still leaves a trace outside the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from depositaire.web.crypto import (
    check_private_mode,
    ensure_private_dir,
    folder_lock,
    key_dir,
    write_private_file,
)

PRIVATE_NAME = "journal-ed25519.pem"
PUBLIC_NAME = "journal-ed25519.pub"
ANCHOR_NAME = "journal-anchor.json"

_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int, int], Ed25519PrivateKey]] = {}


def private_key_path() -> Path:
    return key_dir() / PRIVATE_NAME


def public_key_path() -> Path:
    return key_dir() / PUBLIC_NAME


def anchor_path() -> Path:
    return key_dir() / ANCHOR_NAME


def signing_key() -> Ed25519PrivateKey:
    """The private key, generated (with its exported public key) on first use."""
    path = private_key_path()
    if not path.exists():
        ensure_private_dir(path.parent)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Exclusive: if two processes start together, both use the first key written.
        write_private_file(path, pem, exclusive=True)
    st = path.stat()
    check_private_mode(path, st)
    signature = (st.st_ino, st.st_mtime_ns, st.st_size)
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    _export_public(key.public_key())
    with _lock:
        _cache[path] = (signature, key)
    return key


def _export_public(public: Ed25519PublicKey) -> None:
    pem = public_key_pem(public)
    path = public_key_path()
    if not path.exists() or path.read_bytes() != pem:
        write_private_file(path, pem, mode=0o644)


def public_key_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(path: Path | None = None) -> Ed25519PublicKey | None:
    """The verifying key: ``path``, else the exported ``.pub``, else derived from the private key.

    ``None`` when no key exists at all: a journal without signatures cannot be checked.
    Never creates a key (verifying must not change anything).
    """
    candidate = path or public_key_path()
    if candidate.exists():
        key = serialization.load_pem_public_key(candidate.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{candidate} is not an Ed25519 public key")
        return key
    if path is None and private_key_path().exists():
        return signing_key().public_key()
    return None


def fingerprint(public: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw public key: names the key that made a signature."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign(message: bytes) -> str:
    """An Ed25519 signature, base64."""
    return base64.b64encode(signing_key().sign(message)).decode("ascii")


def signature_valid(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


# --------------------------------------------------------------------------- anchor


@dataclass(frozen=True)
class Anchor:
    """The highest checkpoint ever committed for one journal."""

    seq: int
    hash: str


def _read_anchors() -> dict[str, dict[str, object]]:
    path = anchor_path()
    if not path.exists():
        return {}
    check_private_mode(path)
    body = json.loads(path.read_bytes())
    return body if isinstance(body, dict) else {}


def read_anchors() -> dict[str, Anchor]:
    """Every journal id the anchor file knows, with its highest committed checkpoint."""
    anchors: dict[str, Anchor] = {}
    for journal_id, entry in _read_anchors().items():
        if isinstance(entry, dict):
            seq, hash_ = entry.get("seq"), entry.get("hash")
            if isinstance(seq, int) and isinstance(hash_, str):
                anchors[journal_id] = Anchor(seq, hash_)
    return anchors


def read_anchor(journal_id: str) -> Anchor | None:
    return read_anchors().get(journal_id)


def raise_anchor(journal_id: str, seq: int, hash_: str) -> None:
    """Move the anchor of ``journal_id`` forward to ``seq`` (never backward)."""
    with folder_lock("journal-anchor"):
        anchors = _read_anchors()
        current = anchors.get(journal_id)
        if isinstance(current, dict) and isinstance(current.get("seq"), int):
            if int(current["seq"]) >= seq:  # type: ignore[call-overload]
                return
        anchors[journal_id] = {"seq": seq, "hash": hash_}
        body = json.dumps(anchors, indent=1, sort_keys=True) + "\n"
        write_private_file(anchor_path(), body.encode("ascii"))

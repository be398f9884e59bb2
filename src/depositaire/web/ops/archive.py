"""The encrypted backup archive: a header, then the payload in authenticated chunks.

No Django here: a backup can be opened (and this format re-implemented) from this page.

Layout::

    depositaire-backup/1\\n
    {"format": 1, "kdf": {...}, "wrapped_key": "...", "nonce_prefix": "...", "chunk": N}\\n
    chunk 0 | chunk 1 | ... | last chunk

- A random 32-byte *file key* encrypts the payload; the passphrase only unlocks it:
  scrypt (salt 16 random bytes, N = 2**17, r = 8, p = 1, OWASP's current guidance)
  derives a key-encryption key, and AES-256-GCM wraps the file key with it. A wrong
  passphrase fails that one authentication, before anything else is read.
- Or, with a *public key* (``backup --public-key``), nobody needs the passphrase:
  X25519 (an ephemeral key pair, ECDH, HKDF-SHA256 over the shared secret with
  both public keys as salt, then AES-256-GCM wraps the file key, as *age* does) or
  RSA-OAEP (SHA-256, MGF1-SHA256; at least 2048 bits, 3072 advised) wraps the file
  key; the header names the recipient by the SHA-256 of its public key (DER), so a
  wrong private key is told apart before anything is decrypted.
- The payload is cut in chunks of ``chunk`` bytes, each sealed with AES-256-GCM under
  the file key (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, as
  in *age* and Tink): nonce = 7-byte random prefix ‖ 32-bit chunk counter ‖ one byte
  that is 1 on the last chunk only; the associated data is the two header lines. A
  changed, swapped, dropped or appended chunk and a cut-short file all fail
  authentication, and so does any change to the header.

Why not a library: ``cryptography`` offers AES-GCM and scrypt but no streaming format,
and *age* (its Python bindings) uses ChaCha20-Poly1305 where this project chose
AES-GCM; the construction is forty lines on top of ``cryptography``'s primitives.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import struct
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"depositaire-backup/1\n"
FORMAT = 1
CHUNK = 1 << 20  # 1 MiB of plaintext per chunk
TAG = 16
KEY_BYTES = 32
NONCE_PREFIX = 7
#: OWASP Password Storage Cheat Sheet, scrypt: N=2^17 (128 MiB), r=8, p=1.
SCRYPT_N = 1 << 17
SCRYPT_R = 8
SCRYPT_P = 1
WRAP_AAD = b"depositaire-backup/1 file key"
X25519_INFO = b"depositaire-backup/1 x25519"
RSA_MIN_BITS = 2048
MAX_HEADER = 8192

#: A public key a backup can be encrypted to; its private half opens it.
PublicKey = x25519.X25519PublicKey | rsa.RSAPublicKey
PrivateKey = x25519.X25519PrivateKey | rsa.RSAPrivateKey


class ArchiveError(Exception):
    """The archive cannot be opened.

    ``kind``: ``"passphrase"`` (wrong passphrase), ``"key"`` (not the recipient's private
    key), ``"needs_passphrase"`` / ``"needs_key"`` (the archive is locked the other way),
    or ``"damaged"``.
    """

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ArchiveError("damaged", "header")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ArchiveError("damaged", "header") from None
    if size is not None and len(raw) != size:
        raise ArchiveError("damaged", "header")
    return raw


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def fingerprint(key: PublicKey) -> str:
    """SHA-256 (hex) of the public key's SubjectPublicKeyInfo (DER): names the recipient."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    return digest.finalize().hex()


def _oaep() -> padding.OAEP:
    return padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=WRAP_AAD
    )


def _x25519_kek(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral + recipient, info=X25519_INFO
    ).derive(shared)


def _aes_wrap(kek: bytes, key: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(kek).encrypt(nonce, key, WRAP_AAD)


def _wrap(key: bytes, unlock: str | PublicKey) -> tuple[dict[str, Any], bytes]:
    """How the file key is locked: the header's ``kdf`` entry and the wrapped key."""
    if isinstance(unlock, str):
        salt = os.urandom(16)
        kek = _kek(unlock, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        kdf = {"name": "scrypt", "salt": _b64(salt), "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        return kdf, _aes_wrap(kek, key)
    if isinstance(unlock, x25519.X25519PublicKey):
        ephemeral = x25519.X25519PrivateKey.generate()
        eph_raw = ephemeral.public_key().public_bytes_raw()
        kek = _x25519_kek(ephemeral.exchange(unlock), eph_raw, unlock.public_bytes_raw())
        kdf = {"name": "x25519", "ephemeral": _b64(eph_raw), "recipient": fingerprint(unlock)}
        return kdf, _aes_wrap(kek, key)
    if isinstance(unlock, rsa.RSAPublicKey):
        if unlock.key_size < RSA_MIN_BITS:
            raise ValueError(f"RSA key of {unlock.key_size} bits")
        kdf = {"name": "rsa-oaep-sha256", "recipient": fingerprint(unlock)}
        return kdf, unlock.encrypt(key, _oaep())
    raise TypeError(type(unlock).__name__)


def _unwrap(body: dict[str, Any], unlock: str | PrivateKey) -> bytes:
    kdf = body.get("kdf")
    if not isinstance(kdf, dict):
        raise ArchiveError("damaged", "kdf")
    name = kdf.get("name")
    if name == "scrypt":
        if not isinstance(unlock, str):
            raise ArchiveError("needs_passphrase")
        n, r, p = kdf.get("n"), kdf.get("r"), kdf.get("p")
        if not all(isinstance(v, int) and v > 0 for v in (n, r, p)):
            raise ArchiveError("damaged", "kdf")
        assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
        # Refuse parameters that would make a crafted header exhaust memory or time.
        if n > 1 << 20 or r > 32 or p > 16:
            raise ArchiveError("damaged", "kdf")
        salt = _unb64(kdf.get("salt"))
        wrapped = _unb64(body.get("wrapped_key"), 12 + KEY_BYTES + TAG)
        try:
            kek = _kek(unlock, salt, n, r, p)
            return AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], WRAP_AAD)
        except InvalidTag:
            raise ArchiveError("passphrase") from None
        except ValueError:
            raise ArchiveError("damaged", "kdf") from None
    if name not in ("x25519", "rsa-oaep-sha256"):
        raise ArchiveError("damaged", "kdf")
    if isinstance(unlock, str):
        raise ArchiveError("needs_key")
    if kdf.get("recipient") != fingerprint(unlock.public_key()):
        raise ArchiveError("key")
    if name == "x25519":
        if not isinstance(unlock, x25519.X25519PrivateKey):
            raise ArchiveError("key")
        ephemeral = _unb64(kdf.get("ephemeral"), 32)
        wrapped = _unb64(body.get("wrapped_key"), 12 + KEY_BYTES + TAG)
        try:
            shared = unlock.exchange(x25519.X25519PublicKey.from_public_bytes(ephemeral))
            kek = _x25519_kek(shared, ephemeral, unlock.public_key().public_bytes_raw())
            return AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], WRAP_AAD)
        except (InvalidTag, ValueError):
            raise ArchiveError("damaged", "kdf") from None
    if not isinstance(unlock, rsa.RSAPrivateKey):
        raise ArchiveError("key")
    wrapped = _unb64(body.get("wrapped_key"), unlock.key_size // 8)
    try:
        key = unlock.decrypt(wrapped, _oaep())
    except ValueError:
        raise ArchiveError("damaged", "kdf") from None
    if len(key) != KEY_BYTES:
        raise ArchiveError("damaged", "kdf")
    return key


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only stream: what is written is sealed chunk by chunk into ``out``."""

    def __init__(self, out: IO[bytes], unlock: str | PublicKey, *, chunk: int = CHUNK) -> None:
        """``unlock``: a passphrase, or the public key the archive is encrypted to."""
        super().__init__()
        self._out = out
        self._chunk = chunk
        self._key = os.urandom(KEY_BYTES)
        self._prefix = os.urandom(NONCE_PREFIX)
        kdf, wrapped = _wrap(self._key, unlock)
        header = {
            "format": FORMAT,
            "cipher": "AES-256-GCM-STREAM",
            "chunk": chunk,
            "nonce_prefix": _b64(self._prefix),
            "kdf": kdf,
            "wrapped_key": _b64(wrapped),
        }
        self._aad = MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n"
        out.write(self._aad)
        self._buffer = bytearray()
        self._counter = 0
        self._aead = AESGCM(self._key)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self._buffer += view
        # Keep at least one byte back: the last chunk is only known at close().
        while len(self._buffer) > self._chunk:
            self._emit(bytes(self._buffer[: self._chunk]), last=False)
            del self._buffer[: self._chunk]
        return len(view)

    def _emit(self, plaintext: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last)
        self._out.write(self._aead.encrypt(nonce, plaintext, self._aad))
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._out.flush()
        super().close()


@dataclass
class _Header:
    aad: bytes
    body: dict[str, Any]


def _read_header(source: IO[bytes]) -> _Header:
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise ArchiveError("damaged", "magic")
    line = source.readline(MAX_HEADER)
    if not line.endswith(b"\n"):
        raise ArchiveError("damaged", "header")
    try:
        body = json.loads(line)
    except ValueError:
        raise ArchiveError("damaged", "header") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ArchiveError("damaged", "format")
    return _Header(MAGIC + line, body)


class DecryptingReader(io.RawIOBase):
    """A read-only stream over the plaintext of an archive; raises :class:`ArchiveError`."""

    def __init__(self, source: IO[bytes], unlock: str | PrivateKey) -> None:
        """``unlock``: the passphrase, or the private key of the archive's recipient."""
        super().__init__()
        header = _read_header(source)
        body = header.body
        chunk = body.get("chunk")
        if not isinstance(chunk, int) or not 0 < chunk <= 64 << 20:
            raise ArchiveError("damaged", "kdf")
        self._prefix = _unb64(body.get("nonce_prefix"), NONCE_PREFIX)
        key = _unwrap(body, unlock)
        self._aead = AESGCM(key)
        self._aad = header.aad
        self._source = source
        self._chunk = chunk
        self._counter = 0
        self._pending = source.read(chunk + TAG)
        self._plain = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        block = self._pending
        following = self._source.read(self._chunk + TAG) if len(block) == self._chunk + TAG else b""
        last = not following
        if len(block) < TAG:
            raise ArchiveError("damaged", "truncated")
        try:
            self._plain = self._aead.decrypt(
                _nonce(self._prefix, self._counter, last), block, self._aad
            )
        except InvalidTag:
            raise ArchiveError("damaged", f"chunk {self._counter}") from None
        self._counter += 1
        self._pending = following
        self._done = last

    def readinto(self, buffer: Any) -> int:
        while not self._plain:
            if self._done:
                return 0
            self._next_chunk()
        size = min(len(buffer), len(self._plain))
        buffer[:size] = self._plain[:size]
        self._plain = self._plain[size:]
        return size


def peek_header(source: IO[bytes]) -> dict[str, Any]:
    """The clear header of an archive (no passphrase needed): format and parameters."""
    return _read_header(source).body

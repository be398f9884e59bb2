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
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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
MAX_HEADER = 8192


class ArchiveError(Exception):
    """The archive cannot be opened. ``kind`` is ``"passphrase"`` or ``"damaged"``."""

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


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only stream: what is written is sealed chunk by chunk into ``out``."""

    def __init__(self, out: IO[bytes], passphrase: str, *, chunk: int = CHUNK) -> None:
        super().__init__()
        self._out = out
        self._chunk = chunk
        self._key = os.urandom(KEY_BYTES)
        self._prefix = os.urandom(NONCE_PREFIX)
        salt = os.urandom(16)
        wrap_nonce = os.urandom(12)
        kek = _kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        wrapped = wrap_nonce + AESGCM(kek).encrypt(wrap_nonce, self._key, WRAP_AAD)
        header = {
            "format": FORMAT,
            "cipher": "AES-256-GCM-STREAM",
            "chunk": chunk,
            "nonce_prefix": _b64(self._prefix),
            "kdf": {
                "name": "scrypt",
                "salt": _b64(salt),
                "n": SCRYPT_N,
                "r": SCRYPT_R,
                "p": SCRYPT_P,
            },
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

    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        super().__init__()
        header = _read_header(source)
        body = header.body
        kdf = body.get("kdf")
        chunk = body.get("chunk")
        if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
            raise ArchiveError("damaged", "kdf")
        n, r, p = kdf.get("n"), kdf.get("r"), kdf.get("p")
        if not all(isinstance(v, int) and v > 0 for v in (n, r, p, chunk)):
            raise ArchiveError("damaged", "kdf")
        assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
        assert isinstance(chunk, int)
        # Refuse parameters that would make a crafted header exhaust memory or time.
        if n > 1 << 20 or r > 32 or p > 16 or chunk > 64 << 20:
            raise ArchiveError("damaged", "kdf")
        salt = _unb64(kdf.get("salt"))
        wrapped = _unb64(body.get("wrapped_key"), 12 + KEY_BYTES + TAG)
        self._prefix = _unb64(body.get("nonce_prefix"), NONCE_PREFIX)
        try:
            kek = _kek(passphrase, salt, n, r, p)
            key = AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], WRAP_AAD)
        except InvalidTag:
            raise ArchiveError("passphrase") from None
        except ValueError:
            raise ArchiveError("damaged", "kdf") from None
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

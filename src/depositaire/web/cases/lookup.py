"""A blind index for the national number: the number is sealed, so it cannot be searched
in the database; its keyed digest (HMAC-SHA256 of the eleven digits) can.

The key is ``lookup.key`` in the key folder (created on first use, 0600, never in the
database, saved by ``depositaire backup`` with the other keys). Without it, the column
is a list of random-looking digests: a stolen database does not tell the numbers, and
nobody can test a guessed number against it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading

from depositaire.web.cases import national_number

LOOKUP_KEY_NAME = "lookup.key"
_lock = threading.Lock()
_cache: dict[str, bytes] = {}


def lookup_key() -> bytes:
    from depositaire.web.crypto import (
        check_private_mode,
        ensure_private_dir,
        key_dir,
        write_private_file,
    )

    path = key_dir() / LOOKUP_KEY_NAME
    with _lock:
        cached = _cache.get(str(path))
        if cached is not None and path.exists():
            return cached
    if not path.exists():
        ensure_private_dir(path.parent)
        # Exclusive: two processes starting together keep the first key written.
        write_private_file(path, os.urandom(32).hex().encode("ascii"), exclusive=True)
    check_private_mode(path)
    key = bytes.fromhex(path.read_text("ascii").strip())
    with _lock:
        _cache[str(path)] = key
    return key


def index_of(value: str) -> str:
    """The digest of a number in any layout (85.07.30-033.61, 85073003361, 850730 033 61)."""
    digits = national_number.normalise(value)
    if not digits:
        return ""
    return hmac.new(lookup_key(), digits.encode("ascii"), hashlib.sha256).hexdigest()


def looks_like_number(query: str) -> bool:
    """A search that is a national number once spaces, dots, dashes and slashes are removed."""
    digits = national_number.normalise(query)
    return len(digits) == 11 and digits.isdigit()

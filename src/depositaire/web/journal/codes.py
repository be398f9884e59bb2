"""The journal's vocabulary, in one place: action codes, detail keys, and what a value may be.

An entry says *who did what to which object*, with ids, counts and hashes: it must
never carry a secret, because the journal is read by people (the DPO, an auditor)
who may not read files. So every part of an entry is checked before it is written:

- the *action* is a registered code (``login``, ``item_viewed``…);
- the *target* is a reference ``kind:id`` (``person:12``), or several joined by ``/``;
- the *details* are a flat mapping whose keys are allowed (a listed key, or a key
  whose suffix says its type: ``*_id``, ``*_ids``, ``*_count``, ``*_sha256``,
  ``*_hash``, ``*_uuid``) and whose values are numbers, booleans, codes without
  spaces (64 characters at most), hex hashes, or short lists of those.

A short word can still slip through as a code; the allow-list of keys is what keeps
free text out, so a new key is a reviewed line of code, not a runtime choice.
Other apps register their own actions and keys with :func:`register_action` and
:func:`register_detail_keys` (in ``AppConfig.ready()``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from depositaire.messages import t, t_or

#: The actions of the core system (labels: ``journal.action.<code>`` in the catalogue).
ACTIONS: set[str] = {
    "login",
    "login_failed",
    "logout",
    "file_viewed",
    "file_created",
    "person_created",
    "item_created",
    "item_viewed",
    "consent_changed",
    "objection_changed",
    "disclosure_prepared",
    "disclosure_sent",
    "disclosure_refused",
    "export",
    "report_viewed",
    "journal_viewed",
    "journal_verified",
    "journal_checkpoint",
    "key_rotated",
    "request_registered",
    "request_closed",
    "request_viewed",
    "request_document_added",
    "request_document_viewed",
    "request_register_viewed",
    "user_created",
    "user_changed",
}

#: Detail keys allowed whatever their name says; values follow the general rule.
DETAIL_KEYS: set[str] = {
    "count",
    "rows",
    "tokens",
    "models",
    "failures",
    "throttled",
    "status",
    "state",
    "previous",
    "kind",
    "role",
    # The day whose law was applied and the day it was read (bi-temporal law, issue 9).
    "date",
    "as_known_on",
    "verdict",
    "rule",
    "rules",
    "category",
    "categories",
    "recipient_kind",
    "purpose",
    "legal_basis",
    "channel",
    "format",
    "reason",
    "scope",
    "version",
    "entries",
    "problems",
    "first_seq",
    "last_seq",
    "key",
    "previous_key",
    "retired",
}

#: Suffixes that name a key's type: the value must be of that type.
_TYPED_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_ids", "ints"),
    ("_id", "int"),
    ("_count", "int"),
    ("_sha256", "hash"),
    ("_hash", "hash"),
    ("_uuid", "uuid"),
)

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: A code value: letters, digits and ``_ . : -``, no space, at most 64 characters.
VALUE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
#: A hex digest: md5 to sha512 (32 to 128 hex digits).
HEX_HASH_PATTERN = re.compile(r"^(?:[0-9a-f]{2}){16,64}$")
TARGET_PATTERN = re.compile(
    r"^[a-z][a-z0-9_]{0,31}:[A-Za-z0-9_.\-]{1,64}(?:/[a-z][a-z0-9_]{0,31}:[A-Za-z0-9_.\-]{1,64}){0,3}$"
)
TARGET_MAX = 200
MAX_LIST = 256
MAX_DETAILS = 32
MAX_INT = 2**63 - 1  # what a BIGINT and every JSON reader hold exactly


class JournalError(ValueError):
    """An entry the journal refuses, or a journal that cannot be appended to.

    The message is French (catalogue); it names the offending key, never the value
    (the value might be the very secret being kept out).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def register_action(code: str, *, detail_keys: Iterable[str] = ()) -> None:
    """Accept a new action code (and the detail keys it needs) from another app."""
    if not CODE_PATTERN.match(code):
        raise ValueError(f"journal action codes are short snake_case identifiers: {code!r}")
    ACTIONS.add(code)
    register_detail_keys(*detail_keys)


def register_detail_keys(*keys: str) -> None:
    """Accept new detail keys; their values still follow the general rule."""
    for key in keys:
        if not KEY_PATTERN.match(key):
            raise ValueError(f"journal detail keys are snake_case identifiers: {key!r}")
        DETAIL_KEYS.add(key)


def action_label(code: str) -> str:
    """The French label of an action, or the code itself for an action without one."""
    return t_or(f"journal.action.{code}", code)


def check_action(action: object) -> str:
    if not isinstance(action, str) or action not in ACTIONS:
        raise JournalError(t("journal.error.unknown_action", action=str(action)[:40]))
    return action


def check_target(target: object) -> str:
    if target is None or target == "":
        return ""
    if not isinstance(target, str) or len(target) > TARGET_MAX or not TARGET_PATTERN.match(target):
        raise JournalError(t("journal.error.target"))
    return target


def check_id(value: object) -> int | None:
    """An actor or organisation: a model instance (its ``pk``), an integer, or nothing."""
    if value is None:
        return None
    if not isinstance(value, int):
        value = getattr(value, "pk", value)
    if value is None:
        return None  # an anonymous user, an unsaved object
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
        raise JournalError(t("journal.error.actor"))
    return value


def check_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """The details, checked and normalised to plain JSON (tuples become lists)."""
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise JournalError(t("journal.error.details_not_mapping"))
    if len(details) > MAX_DETAILS:
        raise JournalError(t("journal.error.details_too_many", limit=MAX_DETAILS))
    clean: dict[str, Any] = {}
    for key, value in details.items():
        kind = _key_kind(key)
        if kind is None:
            raise JournalError(t("journal.error.detail_key", key=str(key)[:40]))
        if not _value_fits(kind, value):
            raise JournalError(t("journal.error.detail_value", key=key))
        clean[key] = list(value) if isinstance(value, (list, tuple)) else value
    return clean


def _key_kind(key: object) -> str | None:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        return None
    if key in DETAIL_KEYS:
        return "any"
    for suffix, kind in _TYPED_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return kind
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value <= MAX_INT


def _is_hash(value: object) -> bool:
    return isinstance(value, str) and HEX_HASH_PATTERN.match(value) is not None


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _is_scalar(value: object) -> bool:
    if value is None or isinstance(value, bool) or _is_int(value):
        return True
    # Floats are refused: counts are integers, and NaN has no canonical JSON.
    return isinstance(value, str) and (
        VALUE_CODE_PATTERN.match(value) is not None or _is_hash(value)
    )


def _value_fits(kind: str, value: object) -> bool:
    if kind == "int":
        return value is None or _is_int(value)
    if kind == "ints":
        return (
            isinstance(value, (list, tuple)) and len(value) <= MAX_LIST and all(map(_is_int, value))
        )
    if kind == "hash":
        return value is None or _is_hash(value)
    if kind == "uuid":
        return value is None or _is_uuid(value)
    if isinstance(value, (list, tuple)):
        return len(value) <= MAX_LIST and all(map(_is_scalar, value))
    return _is_scalar(value)

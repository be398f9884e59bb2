"""``GET /sante/``: is this server fit to serve? For the monitoring, without logging in.

Three checks, each ``"ok"`` or a short code: the database answers; the key ring can
be read (present, private, parseable: without it no confidence opens); the journal's
head carries a valid signature of the signing key, with the age of that signature in
seconds. The answer holds no personal data, no journal entry is written, and the
request runs outside any transaction (on SQLite it takes no write lock). HTTP 200 when
all is well, 503 otherwise.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from depositaire.web.views import public


def _database() -> str:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return "ok"


def _keyring() -> str:
    from depositaire.web.crypto import CryptoError, keyring_path, load_keyring

    if not keyring_path().exists():
        return "missing"
    try:
        load_keyring(create=False)
    except CryptoError:
        return "unreadable"
    except OSError:
        return "unreadable"
    return "ok"


def _journal(body: dict[str, Any]) -> str:
    from depositaire.web.journal import chain, signing
    from depositaire.web.journal.models import JournalHead

    try:
        head = JournalHead.objects.filter(pk=JournalHead.ROW).first()
    except DatabaseError:
        return "unreachable"
    if head is None:
        body["journal"] = {"seq": 0}
        return "ok"  # an empty journal: nothing to sign yet
    try:
        key = signing.load_public_key()
    except (OSError, ValueError):
        return "key_unreadable"
    if key is None:
        return "key_missing"
    message = chain.head_message(head.journal_id, head.seq, head.hash)
    body["journal"] = {
        "seq": head.seq,
        "signed_seconds_ago": max(0, int((timezone.now() - head.updated_at).total_seconds())),
    }
    return "ok" if signing.signature_valid(key, message, head.signature) else "bad_signature"


@public
@transaction.non_atomic_requests
@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    body: dict[str, Any] = {}
    checks = {"database": _database(), "keyring": _keyring()}
    checks["journal"] = _journal(body) if checks["database"] == "ok" else "unreachable"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, **body},
        status=200 if healthy else 503,
    )

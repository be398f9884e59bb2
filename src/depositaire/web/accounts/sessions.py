"""A database session engine that stores only the SHA-256 of each session key.

Django's own engine keeps the key itself in ``django_session``: whoever reads a copy of
the database can present it as a cookie. Here the cookie holds the key and the table
holds its digest, so a dump gives no usable session (the key has 32 random
characters: its digest cannot be turned back). Written by hand because Django has no
option for it; it only changes how the key is looked up, everything else is Django's.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from depositaire.web.db.prepared import Prepared


def _by_digest(key: str) -> Any:
    from depositaire.web.accounts.models import HashedSession

    return HashedSession.objects.filter(session_key=key)


#: The session of a key's digest, compiled once (every page loads its session).
SESSION_BY_DIGEST = Prepared(_by_digest, "0" * 64)


def digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from depositaire.web.accounts.models import HashedSession

        return HashedSession

    def _get_session_from_db(self) -> Any:
        if not self.session_key:
            return None
        try:
            session = SESSION_BY_DIGEST.first(digest(self.session_key))
        except SuspiciousOperation:
            session = None
        # Expired: as if there were none (Django's own store asks expire_date > now).
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=digest(session_key)).exists())

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj = super().create_model_instance(data)
        obj.session_key = digest(obj.session_key)
        user_id = data.get("_auth_user_id")
        obj.user_id = int(user_id) if user_id is not None and str(user_id).isdecimal() else None
        existing = self.model.objects.filter(session_key=obj.session_key).only("created_at").first()
        if existing is not None:
            obj.created_at = existing.created_at
        return obj

    def delete(self, session_key: str | None = None) -> None:
        key = session_key if session_key is not None else self.session_key
        if key is None:
            return
        self.model.objects.filter(session_key=digest(key)).delete()

    @classmethod
    def clear_expired(cls) -> None:
        cls.get_model_class().objects.filter(expire_date__lt=timezone.now()).delete()


def current_digest(request: Any) -> str | None:
    key = request.session.session_key
    return digest(key) if key else None


def end_sessions_of(user_id: int) -> int:
    """End every session of a user (a password reset, an administrator's request)."""
    from depositaire.web.accounts.models import HashedSession

    count, _ = HashedSession.objects.filter(user_id=user_id).delete()
    return int(count)

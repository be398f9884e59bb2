"""Bearer tokens: who calls, with which scope; the same role rules as the pages.

Self-contained on purpose: the API never reads a session cookie (so no CSRF), and
the login, MFA and session code of the web pages does not apply to it. A token acts
as its user: the user's role, teams and organisation decide what it reaches.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from depositaire.messages import t
from depositaire.web.api.models import ApiToken, token_hash
from depositaire.web.api.problems import ApiProblem

#: How often ``last_used_at`` is written (not on every call: every call would be a write).
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200 or "\x00" in token:
            return None
        found = (
            ApiToken.objects.select_related("user", "user__organisation")
            .filter(key_hash=token_hash(token))
            .first()
        )
        if found is None or not found.is_active or not found.user.is_active:
            return None
        if self.scope not in found.scopes:
            raise ApiProblem(
                "scope",
                t("api.errors.scope", scope=self.scope, scopes=", ".join(found.scopes)),
            )
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


DECIDE = TokenAuth("decide")
REGISTER = TokenAuth("register")


def require_role(request: HttpRequest, allowed: frozenset[str] | set[str]) -> Any:
    """The calling user, when their role and organisation may use this operation (else 403)."""
    user: Any = request.user
    if getattr(user, "organisation_id", None) is None or user.role not in allowed:
        raise ApiProblem("forbidden", t("api.errors.role"))
    return user

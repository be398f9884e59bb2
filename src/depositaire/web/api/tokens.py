"""Creating and revoking API tokens: one place for the pages, the sysadmin and the command line.

Each creation and revocation is journaled (``api_token_created``/``api_token_revoked``)
with the token's id, scopes and expiry, never its value. A token giving access to the
register replaces the user's older ones: minting it revokes them (each revocation journaled
with the id of the token that replaces it), so a forgotten copy stops working.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from depositaire.engine.explain import format_date
from depositaire.messages import t
from depositaire.web.api.models import MAX_DAYS, SCOPES, ApiToken

#: The scope whose tokens replace one another (the register of requests and letters).
REGISTER_SCOPE: Final = "register"


class TokenError(Exception):
    """A French message for the person (unknown user, scope, validity)."""


def check(scopes: list[str], days: int) -> list[str]:
    bad = [s for s in scopes if s not in SCOPES]
    if bad:
        raise TokenError(
            t("api.tokens.errors.unknown_scope", value=", ".join(bad), accepted=", ".join(SCOPES))
        )
    if not scopes:
        raise TokenError(t("api.tokens.errors.scope_required"))
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(t("api.tokens.errors.days", limit=MAX_DAYS))
    return [s for s in SCOPES if s in scopes]


def issue(
    user: Any, scopes: list[str], days: int, name: str = "", *, by: Any = None
) -> tuple[ApiToken, str]:
    from depositaire.web.views import journal

    scopes = check(scopes, days)
    with transaction.atomic():
        older = []
        if REGISTER_SCOPE in scopes:
            older = [
                old
                for old in ApiToken.objects.active().select_for_update().filter(user=user)
                if REGISTER_SCOPE in (old.scopes or [])
            ]
        token, raw = ApiToken.issue(user, scopes, days=days, name=name, created_by=by or user)
        journal(
            None,
            "api_token_created",
            actor=by or user,
            target=f"user:{user.pk}",
            details={
                "token_id": token.pk,
                "scopes": list(scopes),
                "expires": token.expires_at.date().isoformat(),
                "user_id": user.pk,
            },
        )
        for old in older:
            revoke(old, by or user, replaced_by=token.pk)
    return token, raw


def revoke(token: ApiToken, by: Any, *, replaced_by: int | None = None) -> None:
    from depositaire.web.views import journal

    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    journal(
        None,
        "api_token_revoked",
        actor=by,
        target=f"user:{token.user_id}",
        details={"token_id": token.pk, "user_id": token.user_id}
        | ({"replaced_by": replaced_by} if replaced_by is not None else {}),
    )


def issue_from_command_line(
    username: str, scopes: list[str], days: int, name: str
) -> tuple[str, str]:
    """``depositaire api-token``: the sentence to print and the token (its own last line)."""
    from depositaire.web.demo import setup

    check(scopes, days)
    setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise TokenError(t("api.tokens.errors.unknown_user", username=username))
    token, raw = issue(user, scopes, days, name or "ligne de commande")
    message = t(
        "cli.api_token_created",
        username=username,
        scopes=", ".join(token.scopes),
        expires=format_date(timezone.localtime(token.expires_at).date()),
    )
    return message, raw

"""A register token replaces the older ones: minting a new one revokes them, journaled."""

from __future__ import annotations

from typing import Any

import pytest

from depositaire.web.accounts import roles
from depositaire.web.api import tokens
from depositaire.web.api.models import ApiToken
from depositaire.web.journal.models import JournalEntry
from web.api_helpers import call
from web.factories import World


@pytest.mark.django_db
def test_a_new_register_token_revokes_the_older_one(client: Any, world: World) -> None:
    worker = world.a.users[roles.SOCIAL_WORKER]
    old, old_raw = tokens.issue(worker, ["register"], 30, "ancien")
    decide_only, decide_raw = tokens.issue(worker, ["decide"], 30, "calcul")
    assert call(client, "get", "/api/v1/requests", old_raw).status_code == 200
    new, new_raw = tokens.issue(worker, ["decide", "register"], 30, "nouveau")
    old.refresh_from_db()
    decide_only.refresh_from_db()
    assert old.revoked_at is not None
    assert decide_only.revoked_at is None  # a token without the register is not replaced
    assert list(ApiToken.objects.active().filter(user=worker)) == [new, decide_only]
    assert call(client, "get", "/api/v1/requests", old_raw).status_code == 401
    assert call(client, "get", "/api/v1/requests", new_raw).status_code == 200
    entry = JournalEntry.objects.get(action="api_token_revoked", details__token_id=old.pk)
    assert entry.details["replaced_by"] == new.pk


@pytest.mark.django_db
def test_another_users_register_token_is_left_alone(world: World) -> None:
    mine, _ = tokens.issue(world.a.users[roles.SOCIAL_WORKER], ["register"], 30)
    tokens.issue(world.a.other_team_worker, ["register"], 30)
    mine.refresh_from_db()
    assert mine.revoked_at is None

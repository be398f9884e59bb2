"""Every role or team change made by an administrator waits for a second person (QA s8).

QA: the system administrator set « délégué(e) à la protection des données » on a social
worker: the screen said it waited for approval, yet the role applied at once (only content
roles were held back) and a refusal left her a DPO."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import AccountChange, User
from web.factories import World, make_user

pytestmark = pytest.mark.django_db


def _form(user: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id,
        "role": user.role,
        "profession": user.profession,
        "teams": [tm.pk for tm in user.teams.all()],
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _admin(world: World) -> Client:
    client = Client()
    client.force_login(world.a.users[roles.SYSADMIN])
    return client


def _decide(world: World, change: AccountChange, decision: str) -> None:
    head = Client()
    head.force_login(world.a.users[roles.HEAD_SOCIAL_WORKER])
    response = head.post(reverse("accounts:approvals"), {"change": change.pk, "decision": decision})
    assert response.status_code == 302


def _state(user: User) -> tuple[str, list[int], str]:
    user = User.objects.get(pk=user.pk)
    return user.role, sorted(user.teams.values_list("pk", flat=True)), user.email


PAIRS = [(a, b) for a in ["", *roles.ROLES] for b in ["", *roles.ROLES] if a != b]


@pytest.mark.parametrize(("start", "wanted"), PAIRS, ids=lambda r: r or "none")
@pytest.mark.parametrize("decision", ["refuse", "approve"])
def test_every_role_change_waits_and_a_refusal_leaves_the_account_unchanged(
    world: World, start: str, wanted: str, decision: str
) -> None:
    target = make_user(world.a.org, start, "compte.cible")
    target.email = "cible@example.org"
    target.save()
    before = _state(target)
    client = _admin(world)
    response = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _form(target, role=wanted, first_name="Renommée"),
    )
    assert response.status_code == 302
    # Nothing of the role applied; the name (not held back) is saved.
    assert _state(target) == before
    assert User.objects.get(pk=target.pk).first_name == "Renommée"
    change = AccountChange.objects.get(user=target, state=AccountChange.PENDING)
    assert (change.role_before, change.role_after) == (start, wanted)
    _decide(world, change, decision)
    role, teams, email = _state(target)
    assert role == (wanted if decision == "approve" else start)
    assert (teams, email) == (before[1], before[2])


@pytest.mark.parametrize("decision", ["refuse", "approve"])
def test_removing_or_adding_a_team_waits_too(world: World, decision: str) -> None:
    w = world.a
    target = make_user(w.org, roles.SOCIAL_WORKER, "as.equipe", teams=[w.team])
    client = _admin(world)
    client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _form(target, teams=[w.other_team.pk]),
    )
    assert _state(target)[1] == [w.team.pk]
    change = AccountChange.objects.get(user=target, state=AccountChange.PENDING)
    assert change.teams_after == [w.other_team.pk]
    _decide(world, change, decision)
    assert _state(target)[1] == ([w.other_team.pk] if decision == "approve" else [w.team.pk])


def test_the_qa_case_dpo_role_and_address_are_one_pending_change_and_the_message_says_so(
    world: World,
) -> None:
    w = world.a
    target = make_user(w.org, roles.SOCIAL_WORKER, "as.dupont", teams=[w.team])
    target.email = "dupont@example.org"
    target.save()
    client = _admin(world)
    response = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _form(target, role=roles.DPO, email="pirate@example.com", teams=[]),
        follow=True,
    )
    assert _state(target) == (roles.SOCIAL_WORKER, [w.team.pk], "dupont@example.org")
    (change,) = AccountChange.objects.filter(user=target, state=AccountChange.PENDING)
    assert change.role_after == roles.DPO and change.email_after == "pirate@example.com"
    assert change.teams_after == []
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    page = response.content.decode()
    # No « modifié avec succès » next to « attend l'approbation ».
    assert "avec succès" not in page
    pending = next(m for m in texts if t(f"web.roles.{roles.DPO}") in m)
    assert t(f"web.roles.{roles.SOCIAL_WORKER}") in pending and "pirate@example.com" in pending
    assert t(f"web.roles.{roles.HEAD_SOCIAL_WORKER}") in pending
    assert "travailleur social" not in pending
    assert t("security.approvals.nothing_saved") in texts
    _decide(world, change, "refuse")
    assert _state(target) == (roles.SOCIAL_WORKER, [w.team.pk], "dupont@example.org")


def test_the_message_names_what_was_saved_at_once(world: World) -> None:
    target = make_user(world.a.org, roles.ADMIN_STAFF, "adm.nom")
    response = _admin(world).post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _form(target, role=roles.COMMITTEE_MEMBER, last_name="NOUVEAU"),
        follow=True,
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert t("security.approvals.saved", fields=t("labels.field.last_name")) in texts


def test_a_change_without_role_or_team_is_saved_at_once_with_djangos_message(
    world: World,
) -> None:
    target = make_user(world.a.org, roles.ADMIN_STAFF, "adm.simple")
    response = _admin(world).post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _form(target, last_name="AUTRE"),
        follow=True,
    )
    assert User.objects.get(pk=target.pk).last_name == "AUTRE"
    assert not AccountChange.objects.filter(user=target).exists()
    assert "avec succès" in response.content.decode()

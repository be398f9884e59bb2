"""A second-step code of the wrong shape ("abc") is the field's French error saying the
code is 6 digits, not « Code incorrect ou expiré » (QA s10 item 5); it is no attempt: not
journaled, not throttled (it can match no device)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.journal.models import JournalEntry
from web.factories import PASSWORD, World, make_user
from web.mfa import next_code, totp_device

pytestmark = pytest.mark.django_db


def _signed_in(world: World, name: str, *, enrolled: bool) -> tuple[Client, Any]:
    user = make_user(world.a.org, roles.SOCIAL_WORKER, name, password=PASSWORD)
    if enrolled:
        totp_device(user)
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    return client, user


@pytest.mark.parametrize("code", ["abc", "12345", "1234567", "12a456", "abcdefgh1"])
def test_a_code_of_the_wrong_shape_says_six_digits(world: World, code: str) -> None:
    client, user = _signed_in(world, "forme", enrolled=True)
    response = client.post(reverse("accounts:mfa"), {"code": code})
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert response.context["form"].errors == {"code": [t("security.mfa.code_format")]}
    assert "6 chiffres" in body and "Code incorrect" not in body
    assert not JournalEntry.objects.filter(action="mfa_failed", actor_id=user.pk).exists()
    # Not an attempt: the right code right after is accepted (no throttling wait).
    assert client.post(reverse("accounts:mfa"), {"code": next_code(user)}).status_code == 302


def test_the_enrolment_says_six_digits_and_no_recovery_code(world: World) -> None:
    client, user = _signed_in(world, "inscription", enrolled=False)
    client.get(reverse("accounts:mfa"))
    response = client.post(reverse("accounts:mfa"), {"code": "abcdefgh"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [t("security.mfa.code_digits")]}
    assert "6 chiffres" in html.unescape(response.content.decode())


def test_a_code_typed_with_spaces_is_read_without_them(world: World) -> None:
    client, user = _signed_in(world, "espaces", enrolled=True)
    code = next_code(user)
    response = client.post(reverse("accounts:mfa"), {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302


@pytest.mark.parametrize("enrolled", [True, False])
def test_before_the_second_step_the_header_shows_no_menu_of_the_role(
    world: World, enrolled: bool
) -> None:
    """QA s11: after the password alone, the code page's header showed the role's menu
    (« Personnes », « Demandes », « Comité spécial », « Jetons API »), links that only lead
    back to the code page; once verified, the menu is there."""
    client, user = _signed_in(world, f"menu{int(enrolled)}", enrolled=enrolled)
    body = client.get(reverse("accounts:mfa")).content.decode()
    for name in ("cases:person_list", "incoming:list", "api_tokens:list"):
        assert f'href="{reverse(name)}"' not in body, name
    assert 'class="menu"' not in body
    assert "/deconnexion/" in body  # one can still sign out
    if enrolled:
        client.post(reverse("accounts:mfa"), {"code": next_code(user)})
        body = client.get(reverse("cases:person_list")).content.decode()
        assert f'href="{reverse("cases:person_list")}"' in body and 'class="menu"' in body

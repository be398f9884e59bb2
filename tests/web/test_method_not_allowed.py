"""A page opened with a method it does not take (GET /deconnexion/, a passkey ceremony
step typed in the address bar): the application's French page in the site's layout, as the
other error pages, the ``Allow`` header kept; the API keeps its problem (QA s10 item 3)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from depositaire.messages import t
from depositaire.web.accounts import roles
from web.factories import World

pytestmark = pytest.mark.django_db


def _assert_french_page(response: Any, allow: str) -> None:
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert response["Content-Type"].startswith("text/html")
    body = html.unescape(response.content.decode())
    assert t("web.errors.405.title") in body and t("web.errors.405.message") in body
    assert '<html lang="fr"' in body and t("web.errors.back") in body  # the site's layout


@pytest.mark.parametrize("name", ["accounts:logout", "accounts:passkey_auth_begin"])
def test_a_get_on_a_post_only_address_is_a_french_page(world: World, name: str) -> None:
    client = Client()
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    _assert_french_page(client.get(reverse(name)), "POST")


def test_a_post_on_a_get_only_page_is_the_french_page_too(world: World) -> None:
    client = Client()
    client.force_login(world.a.users[roles.DPO])
    _assert_french_page(client.post(reverse("disclosures:journal")), "GET")


def test_the_api_is_left_to_its_own_answers() -> None:
    response = Client().delete("/api/v1/decisions")
    assert response.status_code == 405
    assert t("web.errors.405.title") not in response.content.decode()

"""The emergency access's file number: a wrong value is one French error with a sensible
bound (12 digits), never Django's « 9223372036854775807 » (QA s10 item 6); the number is
also the page's input ``max``."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import EmergencyAccess
from web.factories import World

pytestmark = pytest.mark.django_db

STATEMENT = "Appel de l'école : l'enfant n'est pas rentré, sa référente est absente."


@pytest.mark.parametrize(
    "number", ["9223372036854775808", "1" * 13, "1" * 40, "0", "-3", "abc", "4.5"]
)
def test_a_wrong_file_number_says_what_a_file_number_is(world: World, number: str) -> None:
    client = Client()
    client.force_login(world.a.other_team_worker)
    before = EmergencyAccess.objects.count()
    response = client.post(
        reverse("cases:emergency_open"),
        {"file_number": number, "reason": "danger_person", "statement": STATEMENT},
    )
    assert response.status_code == 200
    message = t("security.forms.file_number", digits=12)
    assert response.context["form"].errors == {"file_number": [message]}
    body = html.unescape(response.content.decode())
    assert message in body and "9223372036854775807" not in body
    assert STATEMENT in body  # the rest kept
    assert EmergencyAccess.objects.count() == before


def test_the_page_bounds_the_input_sensibly(world: World) -> None:
    client = Client()
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    body = client.get(reverse("cases:emergency_open")).content.decode()
    assert 'max="999999999999"' in body and "9223372036854775807" not in body


def test_a_file_number_of_12_digits_is_a_number_no_file_holds(world: World) -> None:
    client = Client()
    client.force_login(world.a.other_team_worker)
    response = client.post(
        reverse("cases:emergency_open"),
        {"file_number": "9" * 12, "reason": "danger_person", "statement": STATEMENT},
    )
    assert response.context["form"].errors == {"file_number": [t("security.emergency.no_file")]}

"""The admin's user list says « oui » / « non » for an active account, not True/False
(the icon's text, read by a screen reader and shown when images are off: QA s10 item 4)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from depositaire.web.accounts import roles
from web.factories import World, make_user

pytestmark = pytest.mark.django_db


def test_the_user_list_says_yes_or_no_in_french(world: World) -> None:
    gone = make_user(world.a.org, roles.SOCIAL_WORKER, "compte.parti")
    gone.is_active = False
    gone.save()
    client = Client()
    client.force_login(world.a.users[roles.SYSADMIN])
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    cells = re.findall(r'<td class="field-active">(.*?)</td>', body)
    assert cells and all('alt="oui"' in c or 'alt="non"' in c for c in cells)
    assert any('icon-no.svg" alt="non"' in c for c in cells)
    assert "True" not in body.replace("_facets=True", "")
    assert "False" not in body
    assert ">Actif</a>" in body  # the column keeps its French title, and sorts
    ordered = client.get(reverse("admin:accounts_user_changelist"), {"o": "6"})
    assert ordered.status_code == 200

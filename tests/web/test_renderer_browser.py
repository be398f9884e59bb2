"""The request form looks the same drawn by Django's widget templates and by ours.

``tests/web/test_renderer.py`` compares the markup; here Chromium draws the form (about
240 options: selects, radio buttons, check boxes) with each renderer and the two
screenshots, kept under ``var/screenshots/``, must be the same picture.
"""

from __future__ import annotations

from typing import Any

import pytest

from depositaire.web.accounts import roles
from web.factories import OrgWorld
from web.test_browser import SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RENDERERS = {
    "django": "django.forms.renderers.DjangoTemplates",
    "depositaire": "depositaire.web.renderer.FormRenderer",
}


def test_the_request_form_is_drawn_the_same_by_both_renderers(
    page: Any, live_server: Any, org: OrgWorld, settings: Any
) -> None:
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    shots: dict[str, bytes] = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, renderer in RENDERERS.items():
        settings.FORM_RENDERER = renderer  # Django's signal clears the cached renderer
        page.goto(f"{live_server.url}/demandes/nouvelle/?personne={org.person.pk}")
        page.fill("#id_received_at", "2026-12-02T09:30")  # the minute the page was drawn
        path = SCREENSHOTS / f"request-form-{name}-renderer.png"
        shots[name] = page.screenshot(path=str(path), full_page=True)
        assert page.locator("input[name=categories]").count() > 10
        assert not page.console_errors, page.console_errors
    assert shots["django"] == shots["depositaire"]

"""The second factor in Chromium: a first login enrols a TOTP application from the QR
page (the code computed with pyotp, as a phone would), the next login asks for a code."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest

from depositaire.web.accounts import roles
from web import test_browser as shared
from web.factories import PASSWORD, OrgWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = shared.browser
page = shared.page
org = shared.org


def _password(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_first_login_enrols_the_application_and_the_next_one_asks_for_a_code(
    page: Any,
    live_server: Any,
    org: OrgWorld,
) -> None:
    user = org.users[roles.SOCIAL_WORKER]
    _password(page, live_server, user.username)
    assert page.url.startswith(f"{live_server.url}/connexion/code/")
    assert page.locator("h1").inner_text() == "Activer la vérification en deux étapes"
    qr = page.locator("img.qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 100  # the browser drew the QR code
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("#id_code", totp.now())
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.click("main a.button")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/personnes/"

    page.click("header form button")
    page.wait_for_url(re.compile(r".*/connexion/$"))
    _password(page, live_server, user.username)
    assert page.locator("h1").inner_text() == "Code de vérification"
    # The code just used is refused (replay); the next step's code is accepted.
    step = int(time.time()) // 30
    page.fill("#id_code", totp.at((step + 1) * 30))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/personnes/"
    assert not page.console_errors, page.console_errors  # type: ignore[attr-defined]

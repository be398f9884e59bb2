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


def _virtual_authenticator(page: Any) -> Any:
    """Chromium's virtual authenticator (CDP): a platform passkey that verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_a_worker_adds_a_passkey_then_logs_in_with_it_as_the_second_factor(
    page: Any,
    live_server: Any,
    org: OrgWorld,
) -> None:
    from django_otp_webauthn.models import WebAuthnCredential

    from depositaire.web.journal.models import JournalEntry

    assert live_server.url.startswith("http://localhost:")  # a passkey needs a name, not an IP
    user = org.users[roles.SOCIAL_WORKER]
    cdp, authenticator = _virtual_authenticator(page)

    # First login: the TOTP application is enrolled (TOTP stays the required factor).
    _password(page, live_server, user.username)
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.fill("#id_code", totp.now())
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.click("main a.button")
    page.wait_for_load_state()

    # Security page: add a passkey (the browser's authenticator creates it).
    page.click('header a:has-text("Clés d\'accès")')
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Mes clés d'accès"
    assert page.locator("#no-passkey").is_visible()
    page.click("#passkey-enrol")
    page.wait_for_selector("table.passkeys tbody tr")
    rows = page.locator("table.passkeys tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("Clé d'accès du "), rows
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1  # the private key stays in the authenticator
    credential = WebAuthnCredential.objects.get(user=user)
    assert credential.confirmed and credential.public_key

    # Logout, password, then the passkey instead of a code.
    page.click("header form button")
    page.wait_for_url(re.compile(r".*/connexion/$"))
    page.goto(f"{live_server.url}/connexion/?next=/compte/sessions/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Code de vérification"
    page.click("#passkey-verify")
    page.wait_for_url(f"{live_server.url}/compte/sessions/")
    assert page.locator("h1").inner_text() == "Mes sessions actives"
    credential.refresh_from_db()
    assert credential.last_used_at is not None

    entries = list(
        JournalEntry.objects.filter(target=f"user:{user.pk}")
        .order_by("seq")
        .values_list("action", "details")
    )
    actions = [action for action, _ in entries]
    assert "passkey_enrolled" in actions
    assert actions[-1] == "login" and entries[-1][1]["kind"] == "passkey"
    assert entries[-1][1]["passkey_id"] == credential.pk

    # Removed from the list, journaled. It had opened this session: the session asks
    # for a code again, and offers no passkey any more.
    page.goto(f"{live_server.url}/compte/cles-d-acces/")
    page.click("table.passkeys button")
    page.wait_for_url(re.compile(r".*/connexion/code/.*"))
    assert page.locator("h1").inner_text() == "Code de vérification"
    assert page.locator("#passkey-verify").count() == 0
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    assert (
        JournalEntry.objects.filter(target=f"user:{user.pk}").order_by("-seq").first().action
        == "passkey_removed"
    )
    assert not page.console_errors, page.console_errors  # type: ignore[attr-defined]

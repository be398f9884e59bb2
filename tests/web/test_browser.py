"""The application in a real browser (Debian's Chromium through Playwright).

A social worker records a confidence, a secret fact and a consent, prepares the
committee's extract (the confidence stays out) and reads the person's report; a
committee member reads the extract; every role logs in and lands on its page.
Screenshots of the committee extract and of the report go to ``var/screenshots/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from depositaire.web.accounts import roles
from web import chromium
from web.chromium import ARGS  # noqa: F401 (other modules import it from here)
from web.factories import PASSWORD, OrgWorld

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The shared fixtures (tests/web/chromium.py), kept here for the modules that re-export them.
browser = chromium.browser
page = chromium.page
org = chromium.org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def log_in(page: Any, live_server: Any, username: str) -> None:
    """Both steps: the password, then the TOTP code computed with pyotp."""
    from depositaire.web.accounts.models import User
    from web.mfa import next_code, totp_device

    user = User.objects.get(username=username)
    totp_device(user)
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.fill("#id_code", next_code(user))
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def log_out(page: Any) -> None:
    page.click("header form button")
    page.wait_for_url(re.compile(r".*/connexion/$"))


def test_every_role_logs_in_and_lands_on_its_own_page(
    page: Any, live_server: Any, org: OrgWorld
) -> None:
    landing = {
        roles.SOCIAL_WORKER: ("/personnes/", "Personnes suivies"),
        roles.HEAD_SOCIAL_WORKER: ("/personnes/", "Personnes suivies"),
        roles.PRESIDENT: ("/communications/recues/", "Communications reçues"),
        roles.COMMITTEE_MEMBER: ("/comite/", "Séances du Comité spécial"),
        roles.ADMIN_STAFF: ("/communications/recues/", "Communications reçues"),
        roles.DPO: ("/registres/", "Registres"),
        roles.SYSADMIN: ("/administration/", "Utilisateurs, organisations et équipes"),
    }
    for role, (path, heading) in landing.items():
        log_in(page, live_server, org.users[role].username)
        assert page.url == f"{live_server.url}{path}", role
        assert heading in page.content()
        if role != roles.SYSADMIN:
            assert (
                page.locator("header .who-role").inner_text() == org.users[role].get_role_display()
            )
            log_out(page)
        else:
            page.context.clear_cookies()
    assert not page.console_errors, page.console_errors  # no CSP violation, no script error


def test_a_social_worker_records_prepares_the_committee_extract_and_hands_over_the_report(
    page: Any, live_server: Any, org: OrgWorld
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    person_url = f"{live_server.url}/personnes/{org.person.pk}/"
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)

    # A confidence and a secret fact.
    confidence = "Il confie qu'il a honte de demander de l'aide à sa famille."
    fact = "Revenus : indemnités de mutuelle de 980 euros par mois."
    for nature, categories, origin, text in [
        ("confidence", ["feelings"], "confided", confidence),
        ("secret_fact", ["income", "aid_granted"], "learned_from_others", fact),
    ]:
        page.goto(person_url)
        page.click("text=Ajouter une information")
        page.check(f"input[name=nature][value={nature}]")
        for category in categories:
            page.check(f"input[name=categories][value={category}]")
        page.check(f"input[name=origin][value={origin}]")
        page.fill("#id_content", text)
        page.click("button:has-text('Enregistrer')")
        page.wait_for_url(re.compile(rf".*/personnes/{org.person.pk}/.*"))
    assert "une confidence" in page.content() and "un fait secret par nature" in page.content()

    # A consent.
    page.click("text=Enregistrer un accord ou un refus")
    page.check("input[name=answer][value=given]")
    page.select_option("#id_recipient_kind", "cpas_special_committee")
    page.select_option("#id_purpose", "aid_decision")
    page.check("input[name=categories][value=income]")
    page.check("input[name=categories][value=aid_granted]")
    page.fill(
        "#id_information_given",
        "Expliqué : le Comité spécial décide de l'aide et ne voit qu'un extrait.",
    )
    page.check("#id_informed")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_url(re.compile(rf".*/personnes/{org.person.pk}/.*"))
    assert "accord donné" in page.content()

    # The committee extract: examine (htmx), then prepare; the confidence stays out.
    page.click("text=Préparer une communication")
    page.select_option("#id_recipient_kind", "cpas_special_committee")
    page.select_option("#id_purpose", "aid_decision")
    page.select_option("#id_session", str(org.session.pk))
    page.select_option("#id_necessary_only", "true")
    for label in page.locator("#id_items label").all():
        label.locator("input").check()
    assert page.evaluate("typeof htmx") == "object"
    with page.expect_request(lambda r: r.method == "POST") as examined:
        page.click("button:has-text('Examiner')")
    assert examined.value.headers.get("hx-request") == "true"  # examined in place by htmx
    page.wait_for_selector("text=Résultat de l'examen")
    assert page.locator("tr.kept").count() >= 1 and page.locator("tr.out").count() >= 1
    page.click('button:has-text("Préparer l\'extrait")')
    page.wait_for_url(re.compile(r".*/communications/\d+/$"))
    extract = page.locator(".extract")
    assert fact in extract.inner_text()
    assert confidence not in page.content()
    # The extract goes to the committee: it says nothing of what stays in the file.
    assert "Informations non communiquées" not in extract.inner_text()
    assert not re.search(r" : \d+ éléments?\b", extract.inner_text())
    page.click("#send-disclosure")
    # Transmitting is irreversible: a page says what will happen and asks again.
    assert "Ce qui va se passer" in page.locator("#what-will-happen").inner_text()
    page.click("#confirm-send")
    page.wait_for_selector("text=transmise")
    disclosure_url = page.url
    log_out(page)

    # The committee member reads it for the session, never the file.
    log_in(page, live_server, org.users[roles.COMMITTEE_MEMBER].username)
    page.click(f"text={org.session}")
    page.locator('a:has-text("Lire l\'extrait")').first.click()
    page.wait_for_selector(".extract")
    text = page.locator(".extract").inner_text()
    assert fact in text and confidence not in page.content()
    # Nothing of what is withheld: the committee is not told a confidence, or anything, exists.
    assert "une confidence" not in text and "Informations non communiquées" not in text
    assert not re.search(r" : \d+ éléments?\b", text)
    assert "le ressenti" not in text.casefold()  # the confidence's category
    page.screenshot(path=str(SCREENSHOTS / "committee-extract.png"), full_page=True)
    response = page.goto(person_url)
    assert response.status == 403
    response = page.goto(disclosure_url)
    assert response.status == 403
    page.console_errors.clear()  # the two refusals above are logged by the browser as errors
    page.context.clear_cookies()

    # The person's report, handed over by the social worker.
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    page.goto(person_url)
    page.click("text=Rapport pour la personne")
    page.wait_for_selector(".report")
    report = page.locator(".report").inner_text()
    assert "une confidence, connue seulement de votre assistant(e) social(e)" in report
    assert confidence not in report and fact not in report
    assert "le Comité spécial du service social" in report
    assert "Banque Carrefour" in report
    page.screenshot(path=str(SCREENSHOTS / "person-report.png"), full_page=True)
    assert not page.console_errors, page.console_errors

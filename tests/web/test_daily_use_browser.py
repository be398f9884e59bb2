"""The correction flow in a real browser (Chromium, strict CSP, no script needed):
a worker corrects an item, then withdraws it after the page says what will happen;
the history keeps both versions and the journal verifies."""

from __future__ import annotations

import re
from typing import Any

import pytest

from depositaire.web.accounts import roles
from depositaire.web.cases.models import InformationItem
from web import test_browser as shared
from web.factories import OrgWorld
from web.test_browser import SCREENSHOTS, log_in

browser = shared.browser
page = shared.page
org = shared.org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_corrects_then_withdraws_an_item_and_the_history_keeps_every_version(
    page: Any, live_server: Any, org: OrgWorld
) -> None:
    from depositaire.web.journal.rows import seal_existing
    from depositaire.web.journal.verify import verify

    seal_existing()  # the test organisation is loaded unsealed, like a fixture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    item = org.secret_fact
    before = item.read_content(org.users[roles.SOCIAL_WORKER])
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    page.goto(f"{live_server.url}/elements/{item.pk}/")
    page.click("#correct-item")
    page.wait_for_selector("#correct-form")
    page.fill("#id_content", "Revenus corrigés : 1 020 euros par mois.")
    page.select_option("#id_reason", "factual_error")
    page.fill("#id_note", "montant mal recopié")
    page.click("#save-correction")
    page.wait_for_url(re.compile(r".*/elements/\d+/$"))
    assert "La correction est enregistrée" in page.locator(".messages").inner_text()
    history = page.locator("#history").inner_text()
    assert "Revenus corrigés" in history and before in history
    assert "montant mal recopié" in history
    new = InformationItem.objects.get(previous=item)
    assert page.url.endswith(f"/elements/{new.pk}/")

    # Withdrawing: a page says what will happen; nothing changes before the confirmation.
    page.click("#withdraw-item")
    page.wait_for_selector("#what-will-happen")
    assert "n'est pas effacée" in page.locator("#what-will-happen").inner_text()
    new.refresh_from_db()
    assert new.status == "current"
    page.select_option("#id_reason", "wrong_file")
    page.fill("#id_note", "pas le bon dossier")
    page.screenshot(path=str(SCREENSHOTS / "item-withdraw-confirmation.png"), full_page=True)
    page.click("#confirm-withdraw")
    page.wait_for_url(re.compile(r".*/personnes/\d+/#items$"))
    assert "est retirée" in page.locator(".messages").inner_text()
    page.click("#withdrawn-items summary")
    assert f"Élément n° {new.pk}" in page.locator("#withdrawn-items").inner_text()
    new.refresh_from_db()
    item.refresh_from_db()
    assert (item.status, new.status) == ("superseded", "withdrawn")
    assert not [p for p in verify().problems if p.code.startswith("row_")]
    assert not page.console_errors, page.console_errors  # no CSP violation, no script error

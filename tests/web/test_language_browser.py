"""One running server, two people at the same time in real Chromium: a French-speaking
and a Dutch-speaking social worker, each page in the reader's language; the FR | NL
switcher changes the language of the page it is on."""

from __future__ import annotations

import os
from typing import Any

import pytest
from i18n.catalogues import found_in

from web.factories import PASSWORD, OrgWorld, build_org
from web.test_browser import SCREENSHOTS, log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/personnes/", "/demandes/", "/compte/sessions/", "/compte/mot-de-passe/"]


@pytest.fixture
def org() -> OrgWorld:
    w = build_org("L", "CPAS/OCMW de Bruxelles-Démo")
    for user in [*w.users.values(), w.other_team_worker]:
        user.set_password(PASSWORD)
        user.save()
    w.other_team_worker.language = "nl"
    w.other_team_worker.save(update_fields=["language"])
    return w


def test_a_french_and_a_dutch_social_worker_use_one_server_at_the_same_time(
    browser: Any, live_server: Any, org: OrgWorld
) -> None:
    french_context = browser.new_context(locale="fr-BE")
    # The Dutch user's browser says French: her preference wins.
    dutch_context = browser.new_context(locale="fr-BE")
    french, dutch = french_context.new_page(), dutch_context.new_page()
    log_in(french, live_server, org.users["social_worker"].username)
    log_in(dutch, live_server, org.other_team_worker.username)
    for path in PAGES:
        # Interleaved: both sessions are open on the same server process.
        french.goto(f"{live_server.url}{path}")
        dutch.goto(f"{live_server.url}{path}")
        assert french.get_attribute("html", "lang") == "fr", path
        assert dutch.get_attribute("html", "lang") == "nl", path
        assert not found_in(dutch.inner_text("body"), "fr", "nl"), path
        assert not found_in(french.inner_text("body"), "nl", "fr"), path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dutch.screenshot(path=str(SCREENSHOTS / "language-nl-persons.png"))
    french_context.close()
    dutch_context.close()


def test_the_switcher_turns_the_page_it_is_on_into_dutch(
    browser: Any, live_server: Any, org: OrgWorld
) -> None:
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    log_in(page, live_server, org.users["head_social_worker"].username)
    page.goto(f"{live_server.url}/demandes/")
    assert page.get_attribute("html", "lang") == "fr"
    page.click("footer .language-switcher button[value=nl]")
    page.wait_for_load_state()
    assert page.url.endswith("/demandes/")
    assert page.get_attribute("html", "lang") == "nl"
    assert not found_in(page.inner_text("body"), "fr", "nl")
    page.click("footer .language-switcher button[value=fr]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "fr"
    context.close()


def test_an_anonymous_dutch_browser_gets_the_login_page_in_dutch(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    page.goto(f"{live_server.url}/connexion/")
    assert page.get_attribute("html", "lang") == "nl"
    assert not found_in(page.inner_text("body"), "fr", "nl")
    context.close()

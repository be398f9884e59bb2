"""The web application speaks the reader's language: the user's preference, else the
session's choice (the FR | NL switcher), else the browser's; every page of a Dutch
session holds no French sentence of the catalogue, and the reverse."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from i18n.catalogues import found_in

from depositaire.web.accounts.language import from_accept_language
from web.factories import World
from web.test_access import SPECS


def test_the_browser_s_first_accepted_language_is_taken() -> None:
    assert from_accept_language("nl-BE,nl;q=0.9,fr;q=0.8") == "nl"
    assert from_accept_language("en-GB,en;q=0.9,fr-BE;q=0.5,nl;q=0.4") == "fr"
    assert from_accept_language("de, en;q=0.5") is None
    assert from_accept_language("fr;q=0.2, nl;q=0.7") == "nl"


@pytest.mark.django_db
def test_a_dutch_browser_gets_the_login_page_in_dutch(client: Any) -> None:
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="nl-BE,nl;q=0.9")
    html = page.content.decode()
    assert '<html lang="nl">' in html and page["Content-Language"] == "nl"
    assert not found_in(html, "fr", "nl")
    french = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr-BE")
    assert '<html lang="fr">' in french.content.decode()


@pytest.mark.django_db
def test_the_switcher_keeps_the_choice_in_the_session_and_the_user_s_preference(
    client: Any, world: World
) -> None:
    user = world.a.users["social_worker"]
    client.force_login(user)
    home = reverse("cases:person_list")
    assert '<html lang="fr">' in client.get(home).content.decode()
    answer = client.post(reverse("accounts:language"), {"language": "nl", "next": home})
    assert answer.status_code == 302 and answer["Location"] == home
    user.refresh_from_db()
    assert user.language == "nl"
    # The preference wins over the browser.
    assert '<html lang="nl">' in client.get(home, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    client.post(reverse("accounts:language"), {"language": "fr", "next": "https://evil.example/"})
    user.refresh_from_db()
    assert user.language == "fr"


@pytest.mark.django_db
def test_the_switcher_refuses_a_language_it_does_not_speak_and_a_foreign_target(
    client: Any,
) -> None:
    answer = client.post(
        reverse("accounts:language"), {"language": "de", "next": "https://evil.example/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert client.get(reverse("accounts:login")).content.decode().count('<html lang="fr">') == 1


@pytest.mark.django_db
def test_the_switcher_needs_a_post() -> None:
    from django.test import Client

    assert Client().get(reverse("accounts:language")).status_code == 405


#: Data, not the catalogue: the requester organisation typed in the test world (offered
#: again on the outgoing form's list of known organisations).
TYPED_DATA = {"Office des étrangers"}


def _law_data() -> str:
    """The law's own French text (provisions' titles and quotations, from the seeds):
    shown as it is in both languages, the quotations marked in Dutch."""
    from depositaire.engine.provisions import default_provisions

    versions = [v for vs in default_provisions().by_key.values() for v in vs]
    return "\n".join(" ".join(f"{v.label} {v.quote}".split()) for v in versions)


def _pages(client: Any, world: World, language: str) -> dict[str, str]:
    """Every page of the access table (GET, HTML) for an allowed role, in ``language``."""
    out: dict[str, str] = {}
    for spec in SPECS:
        if spec.method != "get":
            continue
        role = sorted(spec.ok)[0]
        client.force_login(world.a.users[role])
        client.post(reverse("accounts:language"), {"language": language})
        response = client.get(spec.url(world.a))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert f'<html lang="{language}' in html, spec.id
        out[spec.id] = html
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "other"), [("nl", "fr"), ("fr", "nl")])
def test_every_page_of_a_session_shows_no_sentence_of_the_other_catalogue(
    client: Any, world: World, language: str, other: str
) -> None:
    pages = _pages(client, world, language)
    assert len(pages) >= 40, len(pages)
    law = _law_data()
    leaks = {
        name: found
        for name, html in pages.items()
        if (
            found := [
                p for p in found_in(html, other, language) if p not in TYPED_DATA and p not in law
            ]
        )
    }
    assert not leaks, f"{len(leaks)} of {len(pages)} pages: {dict(list(leaks.items())[:5])}"


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_a_social_worker_who_works_in_dutch(
    client: Any, settings: Any, tmp_path: Any
) -> None:
    from depositaire.web import demo
    from depositaire.web.accounts.models import User

    settings.DATA_DIR = tmp_path
    passwords = demo.ensure_demo_data()
    user = User.objects.get(username="mw.peeters")
    assert user.language == "nl" and user.role == "social_worker" and "mw.peeters" in passwords
    assert "mw.peeters" in demo.banner("127.0.0.1", 8000, passwords)
    client.force_login(user)
    page = client.get(reverse("cases:person_list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="nl">' in page.content.decode()

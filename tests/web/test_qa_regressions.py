"""Defects found by an exploratory pass through the application as its users use it.

Each test names what a person saw; it failed before the fix next to it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import Person
from depositaire.web.journal.models import JournalEntry
from web import test_browser as shared
from web.factories import OrgWorld, World
from web.test_browser import log_in

browser = shared.browser
page = shared.page
org = shared.org


def _person_form(w: Any, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "last_name": "Futur",
        "first_name": "Bébé",
        "birth_date": "1990-05-06",
        "national_number": "",
        "nationality": "BE",
        "address": "",
        "household": "",
        "team": w.team.pk,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_birth_date_in_the_future_is_refused_with_a_french_message(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    before = Person.objects.count()
    response = client.post(
        reverse("cases:person_create"), _person_form(w, birth_date=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert Person.objects.count() == before
    assert t("web.person.birth_date_future") in response.content.decode()
    assert 'value="Futur"' in response.content.decode()  # what was typed is kept


@pytest.mark.django_db
def test_a_nationality_written_out_gets_the_two_letter_explanation(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(reverse("cases:person_create"), _person_form(w, nationality="Belgique"))
    body = response.content.decode()
    assert response.status_code == 200
    assert t("web.person.nationality_invalid").replace("'", "&#x27;") in body
    assert "au plus 2 caractères" not in body


@pytest.mark.django_db
def test_the_dpo_journal_filter_lists_each_action_once(client: Any, world: World) -> None:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    client.force_login(sw)
    for _ in range(3):
        client.get(reverse("cases:person_detail", args=[w.person.pk]))
    assert JournalEntry.objects.filter(organisation_id=w.org.pk, action="file_viewed").count() >= 3
    client.force_login(w.users[roles.DPO])
    body = client.get(reverse("disclosures:journal")).content.decode()
    options = re.findall(r'<option value="([a-z_]+)"', body)
    assert "file_viewed" in options
    assert len(options) == len(set(options)), options


@pytest.mark.django_db
def test_the_admin_index_names_the_accounts_section_in_french(client: Any, world: World) -> None:
    client.force_login(world.a.users[roles.SYSADMIN])
    body = client.get("/administration/").content.decode()
    assert t("web.admin.accounts_app") in body
    assert not re.search(r">\s*Accounts\s*<", body)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_admin_section_is_named_in_the_users_language(
    client: Any, world: World, language: str
) -> None:
    # The section of the DPO contacts read "DISCLOSURES", the app's label (found by QA).
    user = world.a.users[roles.SYSADMIN]
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    page = client.get("/administration/")
    sections = page.context["app_list"]
    assert sections
    for section in sections:
        assert section["name"] != section["app_label"].title(), section["name"]
    assert not re.search(r">\s*Disclosures\s*<", page.content.decode(), re.I)


@pytest.mark.django_db
def test_the_reason_for_closing_without_a_letter_starts_with_a_capital(
    client: Any, world: World
) -> None:
    from web.incoming_factories import make_request

    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    request = make_request(
        w.person,
        sw,
        requester_kind="immigration_office",
        requester_organisation="Office des étrangers",
        channel="email",
        categories=["identity"],
        claimed_basis="guarantor_lookup",
        direction="outgoing",
    )
    client.force_login(sw)
    body = client.get(reverse("incoming:answer", args=[request.pk])).content.decode()
    reason = t("documents.no_letter.outgoing_refused").replace("'", "&#x27;")
    assert reason[0].upper() + reason[1:] in body
    assert reason not in body


@pytest.mark.django_db
def test_searching_a_name_as_the_list_shows_it_finds_the_person(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    shown = f"{w.person.last_name.upper()} {w.person.first_name}"
    body = client.get(reverse("cases:person_list"), {"q": shown}).content.decode()
    assert reverse("cases:person_detail", args=[w.person.pk]) in body


@pytest.mark.django_db
def test_a_search_without_result_does_not_say_the_team_has_no_file(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    body = client.get(reverse("cases:person_list"), {"q": "<b>Personne</b>"}).content.decode()
    assert t("web.persons.empty").replace("'", "&#x27;") not in body
    assert "Aucun dossier ne correspond à « &lt;b&gt;Personne&lt;/b&gt; »." in body
    assert "<b>Personne</b>" not in body


@pytest.mark.django_db
def test_the_dpo_journal_details_are_french_not_raw_keys(client: Any, world: World) -> None:
    from depositaire.web.journal.service import record

    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    record(
        "item_viewed",
        actor=sw,
        organisation=w.org,
        target=f"person:{w.person.pk}",
        details={"item_id": 41, "person_id": w.person.pk},
    )
    record("login_failed", organisation=w.org, details={"throttled": True})
    record(
        "request_closed",
        actor=sw,
        organisation=w.org,
        details={
            "verdict": "secret",
            "item_ids": [3, 4],
            "categories": [],
            "kind": "reply",
            "rules": ["professional_secrecy"],
        },
    )
    client.force_login(w.users[roles.DPO])
    body = client.get(reverse("disclosures:journal")).content.decode()
    rows = body[body.index("<tbody>") :]
    assert f"information n° 41 ; dossier n° {w.person.pk}" in rows
    assert "bloqué (trop de tentatives) : oui" in rows
    assert "décision : Secret" in rows
    assert "informations n° 3, 4" in rows
    assert "catégories : — ;" in rows
    assert "réponse : lettre de refus" in rows
    assert t("rules.professional_secrecy.title").replace("'", "&#x27;") in rows
    for raw in (
        "item_id",
        "person_id",
        "throttled",
        "True",
        "verdict",
        "[3, 4]",
        "reply",
        "professional_secrecy",
    ):
        assert raw not in rows, raw


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["disclosures:registers", "incoming:register"])
def test_the_dpo_registers_column_headers_do_not_end_with_a_colon(
    client: Any, world: World, page: str
) -> None:
    from web.incoming_factories import closed_request_for

    closed_request_for(world.a)
    client.force_login(world.a.users[roles.DPO])
    body = client.get(reverse(page)).content.decode()
    headers = re.findall(r"<th[^>]*>(.*?)</th>", body, flags=re.S)
    assert any("SHA-256" in h for h in headers)
    assert [h for h in headers if h.strip().endswith(":")] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_head_social_workers_pages_do_not_scroll_sideways(
    page: Any, live_server: Any, org: OrgWorld
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, org.users[roles.HEAD_SOCIAL_WORKER].username)
    for path in (
        reverse("cases:person_list"),
        reverse("cases:person_detail", args=[org.person.pk]),
        reverse("disclosures:session_detail", args=[org.session.pk]),
    ):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    assert page.console_errors == []


@pytest.mark.django_db
def test_the_item_request_and_disclosure_headings_start_with_a_capital(
    client: Any, world: World
) -> None:
    from web.incoming_factories import request_for

    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    for url in (
        reverse("cases:item_detail", args=[w.secret_fact.pk]),
        reverse("incoming:detail", args=[request_for(w).pk]),
        reverse("disclosures:detail", args=[w.disclosures["committee"].pk]),
    ):
        body = client.get(url).content.decode()
        heading = re.search(r"<h1>\s*(\S)", body)
        assert heading is not None, url
        assert heading.group(1).isupper(), (url, heading.group(0))


@pytest.mark.django_db
def test_another_legal_basis_must_be_named(client: Any, world: World) -> None:
    from depositaire.web.incoming.models import IncomingRequest

    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    client.force_login(sw)
    data = {
        "person": w.person.pk,
        "received_at": "2026-11-26T09:30",
        "received_by": sw.pk,
        "requester_kind": "police",
        "requester_organisation": "Zone de police Testville",
        "channel": "phone",
        "categories": ["address"],
        "claimed_basis": "other",
        "claimed_basis_text": "  ",
    }
    before = IncomingRequest.objects.count()
    response = client.post(reverse("incoming:create"), data)
    assert response.status_code == 200
    assert IncomingRequest.objects.count() == before
    message = t("incoming.form.claimed_basis_text_required").replace("'", "&#x27;")
    assert message in response.content.decode()
    data["claimed_basis_text"] = "Art. 29 du Code d'instruction criminelle"
    assert client.post(reverse("incoming:create"), data).status_code == 302
    assert IncomingRequest.objects.count() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "words"),
    [
        (roles.PRESIDENT, "transmis au Président du CPAS"),
        (roles.ADMIN_STAFF, "transmis au personnel administratif du CPAS"),
        (roles.HEAD_SOCIAL_WORKER, "transmis à la réunion de préparation du Comité spécial"),
    ],
)
def test_the_inbox_says_au_president_not_a_le_president(
    client: Any, world: World, role: str, words: str
) -> None:
    client.force_login(world.a.users[role])
    body = client.get(reverse("disclosures:inbox")).content.decode()
    assert words in body
    assert " à le " not in body


@pytest.mark.django_db
def test_the_dpo_journal_filter_is_in_alphabetical_order_of_its_labels(
    client: Any, world: World
) -> None:
    from depositaire.web.journal.service import record

    w = world.a
    for action in ("request_closed", "consent_changed", "login_failed", "export"):
        record(action, organisation=w.org, details={})
    client.force_login(w.users[roles.DPO])
    body = client.get(reverse("disclosures:journal")).content.decode()
    labels = [
        html.unescape(x) for x in re.findall(r'<option value="[a-z_]+"[^>]*>([^<]*)</option>', body)
    ]
    assert len(labels) >= 4
    assert labels == sorted(labels, key=lambda s: s.casefold().replace("é", "e").replace("ô", "o"))


@pytest.mark.django_db
def test_the_admin_titles_are_french_sentences(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SYSADMIN])
    pages = {
        f"/administration/accounts/user/{w.users[roles.SOCIAL_WORKER].pk}/change/": (
            "Modifier l&#x27;utilisateur"
        ),
        "/administration/accounts/user/add/": "Ajouter un utilisateur",
        "/administration/accounts/user/": "Choisissez l&#x27;utilisateur à modifier",
        f"/administration/accounts/team/{w.team.pk}/change/": "Modifier l&#x27;équipe",
        f"/administration/accounts/organisation/{w.org.pk}/change/": (
            "Modifier l&#x27;organisation"
        ),
    }
    for url, title in pages.items():
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert f"<h1>{title}</h1>" in body, url
        assert not re.search(r"(?:Modification|Ajout) de [aeéiou]", body), url


@pytest.mark.django_db
def test_the_file_speaks_of_one_colleagues_confidence_in_the_singular(
    client: Any, world: World
) -> None:
    from web.factories import make_item, make_person

    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    child = make_person(w.org, w.team, sw, first="Léa", last="JEUNE", birth=dt.date(2015, 3, 1))
    make_item(child, sw, nature="confidence", categories=["feelings"], text="peur du noir")
    client.force_login(w.users[roles.HEAD_SOCIAL_WORKER])
    body = client.get(reverse("cases:person_detail", args=[child.pk])).content.decode()
    assert t("web.file.others_confidence_one") in body
    assert "confidence(s)" not in body
    assert f"— {t('web.file.minor')}" in body
    assert f"({t('web.file.minor')})" not in body


@pytest.mark.django_db
def test_a_two_letter_code_that_is_no_country_is_refused(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    before = Person.objects.count()
    response = client.post(reverse("cases:person_create"), _person_form(w, nationality="XQ"))
    assert response.status_code == 200 and Person.objects.count() == before
    assert "« XQ » n&#x27;est pas un code de pays" in response.content.decode()


@pytest.mark.django_db
def test_the_file_names_the_nationality_in_french(client: Any, world: World) -> None:
    from web.factories import make_person

    w = world.a
    person = make_person(
        w.org, w.team, w.users[roles.SOCIAL_WORKER], first="Samir", last="PAYS", nationality="SY"
    )
    client.force_login(w.users[roles.SOCIAL_WORKER])
    body = client.get(reverse("cases:person_detail", kwargs={"person_id": person.pk}))
    assert "Syrie (SY)" in body.content.decode()


def test_country_names_come_in_french_with_the_code_kept_for_unknown_ones() -> None:
    from depositaire.web.cases.countries import country_name, is_country, nationality_label

    assert country_name("BE") == "Belgique" and country_name("cd") == (
        "République démocratique du Congo"
    )
    assert nationality_label("MA") == "Maroc (MA)"
    assert nationality_label("XQ") == "XQ" and not is_country("XQ") and is_country("be")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "says"), [("fr", "Rien n'a été enregistré"), ("nl", "Er werd niets opgeslagen")]
)
def test_a_form_sent_with_a_stale_token_gets_the_applications_page_saying_nothing_was_saved(
    world: World, language: str, says: str
) -> None:
    # A form left open across a new login was answered by Django's bare page « La
    # vérification CSRF a échoué… la variable DEBUG » (found by QA).
    from django.test import Client

    user = world.a.users[roles.SOCIAL_WORKER]
    user.language = language
    user.save(update_fields=["language"])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    person = Person.objects.filter(team__in=user.teams.all()).first()
    assert person is not None
    before = person.items.count()
    response = browser.post(
        reverse("cases:item_create", kwargs={"person_id": person.pk}),
        {
            "nature": "secret_fact",
            "categories": ["income"],
            "content": "x",
            "origin": "observed",
            "csrfmiddlewaretoken": "stale",
        },
    )
    assert response.status_code == 403
    body = html.unescape(response.content.decode())
    assert says in body and "DEBUG" not in body and "CSRF" not in body
    assert '<footer class="foot">' in body  # the application's page, with its footer
    assert person.items.count() == before


@pytest.mark.django_db
def test_the_consents_register_counts_its_consents_and_objections_once(
    client: Any, world: World
) -> None:
    """QA s11: one consent and one objection in the table, and under it « Toutes les lignes
    sont affichées (1). » twice (one count per kind)."""
    from depositaire.web.consent.models import Consent, Objection

    org = world.a.person.organisation
    total = (
        Consent.objects.filter(person__organisation=org).count()
        + Objection.objects.filter(person__organisation=org).count()
    )
    assert total >= 2
    client.force_login(world.a.users[roles.DPO])
    body = client.get(reverse("disclosures:registers")).content.decode()
    section = body.split(t("web.registers.consents"), 1)[1].split("</section>", 1)[0]
    rows = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == total
    counts = re.findall(r"Toutes les lignes sont affichées \((\d+)\)", html.unescape(section))
    assert counts == [str(total)]

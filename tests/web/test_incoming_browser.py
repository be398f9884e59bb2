"""Three seeds' stories in a real browser, from the request received to the answer sent.

A police officer phones for an address (answer: a refusal letter); the immigration
office's guarantor request that meets the conditions (answer: only name, national
number, nationality and the CPAS, the request traced); the prosecutor's written
terrorism requisition (answer: the information specified, the measure kept secret).
Each story counts the questions the browser asked against those the interview asks
when nothing is filled in; a screenshot of each decision goes to ``var/screenshots/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from depositaire.interview import Interview
from depositaire.interview.answers import replay
from depositaire.web.accounts import roles
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer
from web import test_browser as shared
from web.factories import OrgWorld, make_item, make_person
from web.test_browser import SCREENSHOTS, log_in

# The browser, the page and the organisation of the other browser tests.
browser = shared.browser
page = shared.page
org = shared.org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURES = SCREENSHOTS / "incoming-questions.json"


def register(tab: Any, live_server: Any, person: Any, fields: dict[str, Any]) -> None:
    tab.goto(f"{live_server.url}/demandes/")
    tab.click("text=Enregistrer une demande")
    tab.select_option("#id_person", str(person.pk))
    tab.select_option("#id_requester_kind", fields["kind"])
    tab.fill("#id_requester_organisation", fields["organisation"])
    tab.fill("#id_requester_name", fields.get("name", ""))
    tab.fill("#id_requester_contact", fields.get("contact", ""))
    tab.fill("#id_reference", fields.get("reference", ""))
    tab.check(f"input[name=channel][value={fields['channel']}]")
    for category in fields["categories"]:
        tab.check(f"input[name=categories][value={category}]")
    tab.fill("#id_request_text", fields.get("text", ""))
    tab.select_option("#id_claimed_basis", fields["basis"])
    tab.click("button:has-text('Enregistrer et examiner')")
    tab.wait_for_url(re.compile(r".*/demandes/\d+/examen/$"))


def answer_questions(tab: Any, answers: dict[str, str]) -> list[str]:
    """Answer, through htmx, every question the page puts; the paths asked."""
    asked: list[str] = []
    for _ in range(30):
        fieldset = tab.locator("#question fieldset.choices")
        if fieldset.count() == 0:
            return asked
        path = fieldset.get_attribute("data-path")
        assert path in answers, f"unexpected question {path}"
        asked.append(path)
        assert (
            tab.locator("#question details.why summary").inner_text() == "Pourquoi cette question ?"
        )
        tab.check(f"#question input[name=value][value={answers[path]}]")
        with tab.expect_request(lambda r: r.method == "POST") as posted:
            tab.click("#question button[value=answer]")
        assert posted.value.headers.get("hx-request") == "true"
        tab.wait_for_function(
            "p => !document.querySelector(`#question fieldset[data-path='${p}']`)", arg=path
        )
    raise AssertionError("the interview never ended")


def blank_count(incoming: IncomingRequest) -> int:
    done = Interview.from_dict(incoming.interview_state)
    fresh = Interview(date=done.date)
    replay(fresh, {p: v for p, v in done.situation.items() if p != "date"})
    return len(fresh.history)


def record_figures(story: str, asked: int, blank: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[story] = {"browser": asked, "blank": blank}
    FIGURES.write_text(json.dumps(data, indent=2, sort_keys=True))


def close_request(tab: Any, button: str) -> None:
    tab.click(f"#write-answer:has-text('{button}')")
    tab.wait_for_selector("#letter-form")
    with tab.expect_request(lambda r: r.method == "POST") as posted:
        tab.click("button:has-text('Aperçu de la lettre')")
    assert posted.value.headers.get("hx-request") == "true"
    tab.wait_for_selector("#letter-preview")
    tab.click("#close-request")
    tab.wait_for_url(re.compile(r".*/demandes/\d+/$"))
    assert "La demande est clôturée" in tab.content()


def download_letter(tab: Any) -> bytes:
    with tab.expect_download() as download:
        tab.click("text=télécharger le PDF")
    return Path(download.value.path()).read_bytes()


@pytest.fixture
def foreigner(org: OrgWorld) -> Any:
    person = make_person(
        org.org,
        org.team,
        org.users[roles.SOCIAL_WORKER],
        first="Samir",
        last="Haddad",
        nationality="MA",
    )
    make_item(
        person,
        org.users[roles.SOCIAL_WORKER],
        nature="secret_fact",
        categories=["aid_granted"],
        text="Aide sociale équivalente au revenu d'intégration depuis le 1er mars.",
        origin="observed",
    )
    return person


def test_the_police_phone_call_ends_with_a_refusal_letter(
    page: Any,
    live_server: Any,
    org: OrgWorld,
) -> None:
    make_item(
        org.person,
        org.users[roles.SOCIAL_WORKER],
        nature="secret_fact",
        categories=["aid_granted"],
        text="Revenu d'intégration accordé depuis janvier.",
        origin="observed",
    )
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    register(
        page,
        live_server,
        org.person,
        {
            "kind": "police",
            "organisation": "Zone de police Navigateur",
            "name": "Inspecteur Lenoir",
            "contact": "081 24 24 24",
            "channel": "phone",
            "categories": ["address", "aid_granted"],
            "basis": "none",
            "text": "Demande l'adresse actuelle et si la personne touche une aide.",
        },
    )
    known = page.locator("#known").inner_text()
    assert "police" in known and "du registre" in known and "de votre profil" in known
    assert "du dossier" in known
    asked = answer_questions(page, {})
    decision = page.locator("#decision")
    assert "Secret" in decision.inner_text()
    assert "Art. 458" in decision.inner_text() or "art. 458" in decision.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "incoming-police-decision.png"), full_page=True)
    incoming = IncomingRequest.objects.get(person=org.person)
    blank = blank_count(incoming)
    assert len(asked) < blank
    record_figures("police_phone", len(asked), blank)

    close_request(page, "Rédiger la lettre de refus")
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.letter_kind == "reply" and answer.sent_categories == []
    pdf = download_letter(page)
    assert pdf.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == answer.letter_sha256
    assert answer.letter_sha256 in page.content()
    page.goto(f"{live_server.url}/personnes/{org.person.pk}/rapport/")
    report = page.locator(".report").inner_text()
    assert "Zone de police Navigateur" in report and "Décision : Secret" in report
    assert not page.console_errors, page.console_errors


def test_the_guarantor_request_sends_name_national_number_nationality_and_is_traced(
    page: Any,
    live_server: Any,
    org: OrgWorld,
    foreigner: Any,
) -> None:
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    register(
        page,
        live_server,
        foreigner,
        {
            "kind": "immigration_office",
            "organisation": "Office des étrangers",
            "name": "Cellule garants",
            "contact": "garants@oe.example",
            "channel": "email",
            "categories": ["identity", "national_number", "nationality"],
            "basis": "guarantor_lookup",
        },
    )
    page.locator("#question details.why summary").click()
    page.screenshot(path=str(SCREENSHOTS / "incoming-guarantor-question.png"), full_page=True)
    asked = answer_questions(
        page,
        {
            "guarantor.asylum_procedure": "false",
            "guarantor.urgent_medical_aid": "false",
            "guarantor.visa_required_country": "true",
            "guarantor.visa_issued_within_2_years": "true",
            "guarantor.medical_costs_request": "true",
        },
    )
    decision = page.locator("#decision").inner_text()
    assert "Peut parler" in decision
    assert "garder une trace de la demande et de la réponse au dossier" in decision
    page.screenshot(path=str(SCREENSHOTS / "incoming-guarantor-decision.png"), full_page=True)
    incoming = IncomingRequest.objects.get(person=foreigner)
    blank = blank_count(incoming)
    assert len(asked) < blank
    record_figures("guarantor", len(asked), blank)

    page.click("#write-answer")
    page.wait_for_selector("#letter-form")
    offered = page.locator("input[name=categories]").evaluate_all("els => els.map(e => e.value)")
    assert offered == ["identity", "national_number", "nationality"]
    assert page.locator("[name=value__address]").count() == 0
    # A crafted post from the same browser session cannot add the address.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    crafted = page.request.post(
        page.url,
        form={
            "csrfmiddlewaretoken": token,
            "categories": "address",
            "value__address": "Rue des Tests 1",
            "action": "close",
        },
        headers={"Referer": page.url, "Origin": live_server.url},
    )
    assert crafted.status == 400
    assert "la décision ne permet pas de communiquer" in crafted.text()
    assert not RequestAnswer.objects.filter(request=incoming).exists()
    page.click("button:has-text('Aperçu de la lettre')")
    page.wait_for_selector("#letter-preview")
    preview = page.locator("#letter-preview").inner_text()
    assert "Samir Haddad" in preview and "MA" in preview
    assert foreigner.get_sealed("address") not in preview
    page.screenshot(path=str(SCREENSHOTS / "incoming-guarantor-letter.png"), full_page=True)
    page.click("#close-request")
    page.wait_for_url(re.compile(r".*/demandes/\d+/$"))
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.sent_categories == ["identity", "national_number", "nationality"]
    sent = page.locator("#answer dd.sent").inner_text()
    assert sent == "l'identité (nom), le numéro national, la nationalité"
    assert download_letter(page).startswith(b"%PDF-")
    assert not page.console_errors, page.console_errors


def test_the_prosecutors_terrorism_requisition_is_answered_and_the_measure_kept_secret(
    page: Any,
    live_server: Any,
    org: OrgWorld,
    foreigner: Any,
    tmp_path: Path,
) -> None:
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    register(
        page,
        live_server,
        foreigner,
        {
            "kind": "public_prosecutor",
            "organisation": "Parquet de Navigateur",
            "name": "Substitut Durand",
            "reference": "TE.12.34/26",
            "channel": "letter",
            "categories": ["identity", "address", "aid_granted"],
            "basis": "prosecutor_requisition_46bis1",
        },
    )
    asked = answer_questions(
        page, {"request.reasoned": "true", "request.information_specified": "true"}
    )
    decision = page.locator("#decision").inner_text()
    assert "Doit communiquer" in decision
    assert "garder le secret sur la réquisition elle-même" in decision
    assert "46bis/1" in decision
    page.screenshot(path=str(SCREENSHOTS / "incoming-prosecutor-decision.png"), full_page=True)
    incoming = IncomingRequest.objects.get(person=foreigner)
    blank = blank_count(incoming)
    assert len(asked) < blank
    record_figures("prosecutor_requisition", len(asked), blank)

    # The requisition itself, attached to the request.
    page.goto(f"{live_server.url}/demandes/{incoming.pk}/")
    requisition = tmp_path / "requisition.pdf"
    requisition.write_bytes(b"%PDF-1.4\n% requisition du procureur du Roi\n")
    page.set_input_files("#id_document", str(requisition))
    page.click("button:has-text('Ajouter la pièce')")
    page.wait_for_selector("text=La pièce a été ajoutée")
    page.goto(f"{live_server.url}/demandes/{incoming.pk}/examen/")
    close_request(page, "Rédiger la lettre de transmission")
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.sent_categories == ["identity", "address", "aid_granted"] and answer.keep_secret
    assert "garder le secret sur cette mesure" in page.content()
    assert download_letter(page).startswith(b"%PDF-")
    page.goto(f"{live_server.url}/personnes/{foreigner.pk}/rapport/")
    assert "Parquet de Navigateur" not in page.locator(".report").inner_text()
    assert not page.console_errors, page.console_errors


def test_the_head_of_service_sees_the_same_officer_asking_about_two_persons(
    page: Any,
    live_server: Any,
    org: OrgWorld,
    foreigner: Any,
) -> None:
    from web.incoming_factories import make_request

    sw = org.users[roles.SOCIAL_WORKER]
    make_request(org.person, sw, requester_organisation="Zone de police Navigateur")
    make_request(foreigner, sw, requester_organisation="ZONE DE POLICE  navigateur")
    log_in(page, live_server, org.users[roles.HEAD_SOCIAL_WORKER].username)
    page.goto(f"{live_server.url}/demandes/suivi/")
    fishing = page.locator(".group-requests.fishing")
    assert fishing.count() == 1 and "2 personnes" in fishing.inner_text()
    assert "3 jour(s)" in page.locator("#open-requests").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "incoming-follow-up.png"), full_page=True)
    assert not page.console_errors, page.console_errors


def test_an_urgent_request_says_what_to_do_now_before_any_question(
    page: Any, live_server: Any, org: OrgWorld
) -> None:
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    page.goto(f"{live_server.url}/demandes/nouvelle/")
    page.select_option("#id_person", str(org.person.pk))
    page.select_option("#id_requester_kind", "family")
    page.fill("#id_requester_name", "Sa sœur")
    page.check("input[name=channel][value=phone]")
    page.check("input[name=categories][value=address]")
    page.select_option("#id_claimed_basis", "none")
    page.check("#id_urgent")
    page.click("button:has-text('Enregistrer et examiner')")
    page.wait_for_url(re.compile(r".*/demandes/\d+/examen/$"))
    boxes = page.locator("#urgency, #question").evaluate_all("els => els.map(e => e.id)")
    assert boxes == ["urgency", "question"]  # what to do now comes first
    assert page.locator("#question fieldset.choices").get_attribute("data-path") == "danger.serious"
    asked = answer_questions(
        page,
        {
            "danger.serious": "true",
            "danger.imminent": "true",
            "danger.other_means_exhausted": "true",
        },
    )
    assert asked == ["danger.serious", "danger.imminent", "danger.other_means_exhausted"]
    urgency = page.locator("#urgency").inner_text()
    assert "112" in urgency and "venir en aide" in urgency and "422bis" in urgency
    page.screenshot(path=str(SCREENSHOTS / "incoming-urgency.png"), full_page=True)
    assert not page.console_errors, page.console_errors

"""Three seeds' stories in a real browser, from the request received to the answer sent.

A police officer phones for an address (answer: by voice, a script and a note of the call);
the police asking in writing (a refusal letter); the immigration office asking whether the
CPAS pays medical costs (a refusal, as seed 004 answers it); the guarantor look-up the CPAS
sends to the immigration office (only name, national number and nationality, taken from the
file; a free-text leak refused); the prosecutor's written terrorism requisition (answer: the
information specified, the measure kept secret). Page 1 of each letter goes to
``var/screenshots/letter-*.png``.
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
    # Closing is irreversible: a page says what will happen and asks again.
    tab.wait_for_selector("#what-will-happen")
    tab.click("#confirm-close")
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


def letter_png(pdf: bytes, name: str, tmp_path: Path) -> Path:
    """Page 1 of a letter as PNG under ``var/screenshots/`` (pdftoppm, poppler)."""
    import subprocess

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    target = SCREENSHOTS / name
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(target),
        ],
        check=True,
    )
    png = target.with_suffix(".png")
    assert png.read_bytes().startswith(b"\x89PNG")
    return png


def pdf_words(pdf: bytes) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_the_police_phone_call_is_answered_orally_with_a_script_and_a_note(
    page: Any,
    live_server: Any,
    org: OrgWorld,
    tmp_path: Path,
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
    asked = answer_questions(page, {"request.in_writing": "false"})
    decision = page.locator("#decision")
    assert "Secret" in decision.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "incoming-police-decision.png"), full_page=True)
    incoming = IncomingRequest.objects.get(person=org.person)
    blank = blank_count(incoming)
    assert len(asked) < blank
    record_figures("police_phone", len(asked), blank)

    page.click("#write-answer:has-text('Répondre de vive voix')")
    script = page.locator("#call-script").inner_text()
    assert script.startswith("« Je ne peux pas vous répondre par téléphone")
    assert "demande écrite" in script
    page.click("#close-request")
    page.click("#confirm-close")
    page.wait_for_url(re.compile(r".*/demandes/\d+/$"))
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.letter_kind == "call_note" and answer.sent_categories == []
    pdf = download_letter(page)
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == answer.letter_sha256
    words = pdf_words(pdf)
    assert "Note d'appel téléphonique" in words and "081 24 24 24" not in words
    letter_png(pdf, "letter-call-note", tmp_path)
    page.goto(f"{live_server.url}/personnes/{org.person.pk}/rapport/")
    report = page.locator(".report").inner_text()
    assert "Zone de police Navigateur" in report and "Nous n'avons rien communiqué" in report
    assert not page.console_errors, page.console_errors


def test_a_written_police_request_is_answered_by_a_refusal_letter(
    page: Any, live_server: Any, org: OrgWorld, tmp_path: Path
) -> None:
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    register(
        page,
        live_server,
        org.person,
        {
            "kind": "police",
            "organisation": "Zone de police Navigateur",
            "name": "Commissaire Dubois",
            "contact": "Rue de la Station 2, 5000 Navigateur",
            "reference": "PV 2026/123",
            "channel": "letter",
            "categories": ["address"],
            "basis": "none",
        },
    )
    answer_questions(page, {})
    assert "Secret" in page.locator("#decision").inner_text()
    close_request(page, "Rédiger la lettre de refus")
    incoming = IncomingRequest.objects.get(person=org.person)
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.letter_kind == "reply" and answer.sent_categories == []
    pdf = download_letter(page)
    words = pdf_words(pdf)
    assert "Rue de la Station 2, 5000 Navigateur" in words and "PV 2026/123" in words
    assert org.person.last_name not in words and "à vérifier" not in words
    assert "article 458 du Code pénal" in words, words
    letter_png(pdf, "letter-refusal-written-police", tmp_path)
    assert not page.console_errors, page.console_errors


def test_an_incoming_immigration_office_request_about_medical_aid_is_refused_as_in_seed_004(
    page: Any, live_server: Any, org: OrgWorld, foreigner: Any, tmp_path: Path
) -> None:
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    page.goto(f"{live_server.url}/demandes/")
    page.click("text=Enregistrer une demande")
    page.select_option("#id_person", str(foreigner.pk))
    page.select_option("#id_requester_kind", "immigration_office")
    page.fill("#id_requester_organisation", "Office des étrangers")
    page.fill("#id_requester_contact", "sejour@oe.example")
    page.check("input[name=channel][value=email]")
    page.check("input[name=categories][value=aid_granted]")
    page.select_option("#id_claimed_basis", "none")
    assert page.locator("#id_claimed_basis option[value=guarantor_lookup]").count() == 0
    page.check("#id_about_medical_aid")
    page.click("button:has-text('Enregistrer et examiner')")
    page.wait_for_url(re.compile(r".*/demandes/\d+/examen/$"))
    answer_questions(page, {})
    assert "Secret" in page.locator("#decision").inner_text()
    close_request(page, "Rédiger la lettre de refus")
    incoming = IncomingRequest.objects.get(person=foreigner)
    assert incoming.direction == "incoming"
    pdf = download_letter(page)
    words = pdf_words(pdf)
    assert "ne concerne pas les frais médicaux ou d'hospitalisation" in words
    assert "coordonnées du garant" not in words and "Haddad" not in words
    letter_png(pdf, "letter-refusal-immigration-medical", tmp_path)
    assert not page.console_errors, page.console_errors


LEAK = "Maroc (MA) — domiciliée Rue des Tilleuls 14 ; bénéficie du RIS depuis 2025"


def test_the_outgoing_guarantor_look_up_sends_three_values_of_the_file_and_refuses_free_text(
    page: Any,
    live_server: Any,
    org: OrgWorld,
    foreigner: Any,
    tmp_path: Path,
) -> None:
    foreigner.set_sealed("address", "Rue des Tilleuls 14, 5000 Navigateur")
    foreigner.save()
    log_in(page, live_server, org.users[roles.SOCIAL_WORKER].username)
    page.goto(f"{live_server.url}/demandes/")
    page.click("#new-outgoing")
    page.select_option("#id_person", str(foreigner.pk))
    page.select_option("#id_purpose", "guarantor_lookup")
    page.fill("#id_recipient_contact", "garants@oe.example")
    page.click("button:has-text('Enregistrer et examiner')")
    page.wait_for_url(re.compile(r".*/demandes/\d+/examen/$"))
    question = page.locator("#question legend").first.inner_text()
    assert "personne aidée" in question and "garant" in question
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
    page.screenshot(path=str(SCREENSHOTS / "incoming-guarantor-decision.png"), full_page=True)
    incoming = IncomingRequest.objects.get(person=foreigner)
    assert incoming.direction == "outgoing"
    blank = blank_count(incoming)
    assert len(asked) < blank
    record_figures("guarantor", len(asked), blank)

    page.click("#write-answer")
    page.wait_for_selector("#letter-form")
    offered = page.locator("input[name=sources]").evaluate_all("els => els.map(e => e.value)")
    assert offered == ["record:identity", "record:national_number", "record:nationality"]
    assert page.locator("[name^=value__]").count() == 0  # no box for a value
    assert page.locator("textarea").count() == 1  # only the covering line, marked as such
    assert "texte libre" in page.locator("label[for=id_covering_note]").inner_text()
    # The leak of the issue, typed into the covering line: refused by the preview…
    page.fill("#id_covering_note", LEAK)
    page.click("button:has-text('Aperçu de la lettre')")
    page.wait_for_selector("#letter-form .error")
    error = page.locator("#letter-form .error").inner_text()
    assert "Refusé" in error and "l'adresse" in error
    assert page.locator("#letter-preview").count() == 0
    # …and by the closing (HTTP 400, nothing stored).
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#close-request")
    assert posted.value.status == 400
    assert not RequestAnswer.objects.filter(request=incoming).exists()
    # The browser logs the refused response a moment after Playwright reports it.
    for _ in range(50):
        expected = [e for e in page.console_errors if "status of 400" in e]
        if expected:
            break
        page.wait_for_timeout(100)
    assert len(expected) == 1  # the refused closing, and nothing else
    page.console_errors.remove(expected[0])
    # A crafted post from the same session cannot type a value either.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    # It can read the form's one-time token too (a refused post leaves it usable).
    once = page.locator("#letter-form input[name=form_once]").get_attribute("value")
    for form in (
        {"sources": "record:identity", "value__nationality": LEAK},
        {"sources": "record:address"},
        {"sources": "record:identity", "covering_note": LEAK},
    ):
        crafted = page.request.post(
            page.url.split("?")[0],
            form={"csrfmiddlewaretoken": token, "form_once": once, "action": "close", **form},
            headers={"Referer": page.url, "Origin": live_server.url},
        )
        assert crafted.status == 400, form
        import html

        body = html.unescape(crafted.text())
        assert "Refusé" in body and "Rien n'a été enregistré" in body
    assert not RequestAnswer.objects.filter(request=incoming).exists()
    from depositaire.web.journal.models import JournalEntry

    assert not JournalEntry.objects.filter(action="request_closed").exists()

    page.goto(f"{live_server.url}/demandes/{incoming.pk}/reponse/")
    page.fill("#id_covering_note", "Merci de nous répondre par courriel.")
    page.click("button:has-text('Aperçu de la lettre')")
    page.wait_for_selector("#letter-preview")
    preview = page.locator("#letter-preview").inner_text()
    assert "Samir Haddad" in preview and "Maroc (MA)" in preview
    assert "Tilleuls" not in preview and "coordonnées du garant" in preview
    page.screenshot(path=str(SCREENSHOTS / "incoming-guarantor-letter.png"), full_page=True)
    page.click("#close-request")
    page.click("#confirm-close")
    page.wait_for_url(re.compile(r".*/demandes/\d+/$"))
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.sent_categories == ["identity", "national_number", "nationality"]
    sent = page.locator("#answer dd.sent").inner_text()
    assert sent == "l'identité (nom), le numéro national, la nationalité"
    pdf = download_letter(page)
    words = pdf_words(pdf)
    from depositaire.web.cases.national_number import format_number

    assert format_number(foreigner.get_sealed("national_number")) in words
    assert "Tilleuls" not in words and "Pas de secret partagé" not in words
    letter_png(pdf, "letter-guarantor-look-up", tmp_path)
    page.goto(f"{live_server.url}/personnes/{foreigner.pk}/rapport/")
    report = page.locator(".report").inner_text()
    assert "nous avons écrit à" in report and "garant" in report
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
    pdf = download_letter(page)
    assert pdf.startswith(b"%PDF-")
    letter_png(pdf, "letter-transmission-prosecutor", tmp_path)
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
    assert "3 jours" in page.locator("#open-requests").inner_text()
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
            "danger.recipient_can_avert": "true",
        },
    )
    assert asked == [
        "danger.serious",
        "danger.imminent",
        "danger.other_means_exhausted",
        "danger.recipient_can_avert",
    ]
    urgency = page.locator("#urgency").inner_text()
    assert "112" in urgency and "venir en aide" in urgency and "422bis" in urgency
    page.screenshot(path=str(SCREENSHOTS / "incoming-urgency.png"), full_page=True)
    assert not page.console_errors, page.console_errors

"""The register of requests: three seeds' stories end to end, the letter kept within the
decision, urgency first, attachments sealed, the head's and the DPO's views."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from depositaire.interview import Interview
from depositaire.interview.answers import replay
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer, RequestDocument
from depositaire.web.journal.models import JournalEntry
from web.factories import World, make_item, make_person
from web.incoming_factories import make_request

pytestmark = pytest.mark.django_db

POLICE_BASE = {
    "requester_kind": "police",
    "requester_organisation": "Zone de police Testville",
    "requester_name": "Inspecteur Lenoir",
    "requester_contact": "081 24 24 24",
    "channel": "phone",
    "categories": ["address", "aid_granted"],
    "claimed_basis": "none",
    "request_text": "REQ-TEXT-veut savoir où il habite",
}
POLICE = POLICE_BASE
#: The guarantor look-up is a request the CPAS sends (004): registered as outgoing.
GUARANTOR = {
    "purpose": "guarantor_lookup",
    "recipient_organisation": "Office des étrangers",
    "recipient_contact": "garants@oe.example",
}
#: The police asking in writing: a written request always gets a written answer.
POLICE_WRITTEN = {
    **POLICE_BASE,
    "channel": "letter",
    "requester_contact": "Rue de la Station 2, 5000 Testville",
    "reference": "PV 2026/123",
}
#: The immigration office asks whether the CPAS pays a person's medical costs.
IMMIGRATION_MEDICAL = {
    "requester_kind": "immigration_office",
    "requester_organisation": "Office des étrangers",
    "requester_name": "Bureau séjour",
    "requester_contact": "sejour@oe.example",
    "channel": "email",
    "categories": ["aid_granted"],
    "claimed_basis": "none",
    "about_medical_aid": "on",
}
PROSECUTOR = {
    "requester_kind": "public_prosecutor",
    "requester_organisation": "Parquet de Testville",
    "requester_name": "Substitut Durand",
    "reference": "TE.12.34/26",
    "channel": "letter",
    "categories": ["identity", "address", "aid_granted"],
    "claimed_basis": "prosecutor_requisition_46bis1",
    "claimed_basis_text": "Art. 46bis/1 CIC",
}
#: The answers a social worker gives in each story (tokens, as the browser posts them).
ANSWERS: dict[str, dict[str, list[str]]] = {
    "police": {},
    "guarantor": {
        "guarantor.asylum_procedure": ["false"],
        "guarantor.urgent_medical_aid": ["false"],
        "guarantor.visa_required_country": ["true"],
        "guarantor.visa_issued_within_2_years": ["true"],
        "guarantor.medical_costs_request": ["true"],
    },
    "prosecutor": {"request.reasoned": ["true"], "request.information_specified": ["true"]},
}


def register(client: Any, person: Any, fields: dict[str, Any]) -> IncomingRequest:
    if "purpose" in fields:  # an outgoing request
        response = client.post(reverse("incoming:outgoing_create"), {"person": person.pk, **fields})
        assert response.status_code == 302, page_text(response)[:2000]
        return IncomingRequest.objects.latest("pk")
    data = {
        "person": person.pk,
        "received_at": "2026-11-26T09:30",
        "received_by": client.session["_auth_user_id"],
        **fields,
    }
    response = client.post(reverse("incoming:create"), data)
    assert response.status_code == 302, page_text(response)[:2000]
    return IncomingRequest.objects.latest("pk")


def examine(client: Any, incoming: IncomingRequest, answers: dict[str, list[str]]) -> list[str]:
    """Answer every question the page puts; the paths asked, in order."""
    url = reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})
    asked: list[str] = []
    for _ in range(40):
        page = client.get(url)
        assert page.status_code == 200
        question = page.context["question"]
        if question is None:
            return asked
        asked.append(question.path)
        tokens = answers.get(question.path)
        data = {"path": question.path, "value": tokens, "action": "answer"}
        if tokens is None:
            data = {"path": question.path, "action": "unknown"}
        assert client.post(url, data).status_code == 302
    raise AssertionError("the interview never ended")


def blank_count(incoming: IncomingRequest) -> int:
    """Questions ``Interview`` asks for the same story when nothing is filled in."""
    done = Interview.from_dict(incoming.interview_state)
    facts = {p: v for p, v in done.situation.items() if p != "date"}
    fresh = Interview(date=done.date)
    replay(fresh, facts)
    return len(fresh.history)


def close(client: Any, incoming: IncomingRequest, extra: dict[str, Any] | None = None) -> Any:
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    form = client.get(url).context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if value not in (None, "", []):
            data[name] = value
    data.update(extra or {})
    data["action"] = "close"
    return client.post(url, data)


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def sw(client: Any, world: World) -> Any:
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    return world.a.users[roles.SOCIAL_WORKER]


@pytest.fixture
def foreigner(world: World) -> Any:
    w = world.a
    person = make_person(
        w.org, w.team, w.users[roles.SOCIAL_WORKER], first="Samir", last="GARANTX", nationality="MA"
    )
    make_item(
        person,
        w.users[roles.SOCIAL_WORKER],
        nature="secret_fact",
        categories=["aid_granted"],
        text="AID-aide médicale : frais d'hospitalisation pris en charge",
    )
    return person


# -- the three stories -------------------------------------------------------------------


def test_the_police_phone_call_is_answered_orally_with_a_note_and_a_script(
    client: Any, world: World, sw: Any
) -> None:
    incoming = register(client, world.a.person, POLICE)
    asked = examine(client, incoming, ANSWERS["police"])
    incoming.refresh_from_db()
    page = client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk}))
    assert page.context["decision"].verdict == "secret"
    assert page.context["letter_kind"] is None and page.context["oral"]
    assert len(asked) < blank_count(incoming)
    answer_page = client.get(reverse("incoming:answer", kwargs={"incoming_id": incoming.pk}))
    script = answer_page.context["script"]
    assert script.startswith("« Je ne peux pas vous répondre par téléphone")
    assert "demande écrite" in script and script in page_text(answer_page)
    # QA s11: the button said « Clôturer la demande et produire la lettre »; no letter is made.
    button = re.search(
        r'<button[^>]*id="close-request"[^>]*>(.*?)</button>', page_text(answer_page)
    )
    assert button and button.group(1) == t("incoming.answer.close_oral")
    assert "lettre" not in button.group(1)

    assert close(client, incoming).status_code == 302
    detail = client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk}))
    assert t("incoming.answer.closed_oral") in page_text(detail)
    assert t("incoming.answer.closed") not in page_text(detail)
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.letter_kind == "call_note" and answer.sent_categories == []
    text = pdf_text(answer.get_pdf())
    assert "Note d'appel téléphonique" in text and "Je ne peux pas vous répondre" in text
    assert "ADDRESS-" not in text and "081 24 24 24" not in text
    entry = JournalEntry.objects.filter(action="request_closed").latest("seq")
    assert entry.details["kind"] == "call_note" and entry.details["categories"] == []


def test_a_written_police_request_is_answered_by_a_refusal_letter(
    client: Any, world: World, sw: Any
) -> None:
    incoming = register(client, world.a.person, POLICE_WRITTEN)
    asked = examine(client, incoming, ANSWERS["police"])
    incoming.refresh_from_db()
    page = client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk}))
    assert page.context["decision"].verdict == "secret"
    assert page.context["letter_kind"] == "reply"
    body = page_text(page)
    assert "du registre" in body and "de votre profil" in body and "du dossier" in body
    assert len(asked) < blank_count(incoming)

    response = close(client, incoming)
    assert response.status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.letter_kind == "reply" and answer.verdict == "secret"
    pdf = answer.get_pdf()
    assert pdf.startswith(b"%PDF-")
    import hashlib

    assert answer.letter_sha256 == hashlib.sha256(pdf).hexdigest()
    text = pdf_text(pdf)
    assert "ADDRESS-" not in text and world.a.person.last_name not in text
    # The address block is postal: the requester's address, never a phone number.
    assert "Rue de la Station 2, 5000 Testville" in text and "PV 2026/123" in text
    assert answer.sent_categories == []
    entry = JournalEntry.objects.filter(action="request_closed").latest("seq")
    assert entry.details["letter_sha256"] == answer.letter_sha256
    assert entry.details["request_id"] == incoming.pk and entry.details["verdict"] == "secret"
    assert "REQ-TEXT" not in str(entry.details)
    report = client.get(reverse("disclosures:report", kwargs={"person_id": world.a.person.pk}))
    text = page_text(report)
    assert "Zone de police Testville" in text and "Nous n'avons rien communiqué" in text
    assert "REQ-TEXT" not in text


def test_the_guarantor_request_sends_only_name_national_number_and_nationality(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, GUARANTOR)
    asked = examine(client, incoming, ANSWERS["guarantor"])
    assert asked == list(ANSWERS["guarantor"]) or set(asked) == set(ANSWERS["guarantor"])
    incoming.refresh_from_db()
    assert len(asked) < blank_count(incoming)
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    page = client.get(url)
    assert page.context["letter_kind"] == "transmission"
    offered = set(page.context["form"].fields["sources"].choices)
    keys = {key for key, _ in offered}
    assert keys == {"record:identity", "record:national_number", "record:nationality"}
    assert "record_request_in_file" in page.context["decision"].duties

    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.sent_categories == ["identity", "national_number", "nationality"]
    text = pdf_text(answer.get_pdf())
    assert "Samir GARANTX" in text and "Maroc (MA)" in text
    from depositaire.web.cases.national_number import format_number

    assert format_number(foreigner.get_sealed("national_number")) in text
    assert "ADDRESS-" not in text and "AID-" not in text
    assert world.a.org.name in text  # the CPAS concerned
    # Traced in the file: the request, the answer and the journal.
    assert JournalEntry.objects.filter(action="request_registered", details__request_id=incoming.pk)
    assert JournalEntry.objects.filter(action="request_closed", details__request_id=incoming.pk)
    report = client.get(reverse("disclosures:report", kwargs={"person_id": foreigner.pk}))
    assert "Office des étrangers" in page_text(report)


def test_the_prosecutors_terrorism_requisition_gets_the_information_specified_and_stays_secret(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, PROSECUTOR)
    asked = examine(client, incoming, ANSWERS["prosecutor"])
    assert set(asked) == {"request.reasoned", "request.information_specified"}
    incoming.refresh_from_db()
    assert len(asked) < blank_count(incoming)
    page = client.get(reverse("incoming:answer", kwargs={"incoming_id": incoming.pk}))
    decision = page.context["decision"]
    assert decision.verdict == "must_disclose"
    assert "keep_measure_secret" in decision.duties
    keys = {key for key, _ in page.context["form"].fields["sources"].choices}
    assert {"record:identity", "record:address"} <= keys
    assert any(key.startswith("item:") for key in keys)
    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.keep_secret and answer.sent_categories == ["identity", "address", "aid_granted"]
    text = pdf_text(answer.get_pdf())
    assert "ADDRESS-GARANTX" in text.replace("\n", " ") and "AID-aide" in text
    assert "TE.12.34/26" in text
    # The measure stays secret: not in the report handed to the person.
    report = client.get(reverse("disclosures:report", kwargs={"person_id": foreigner.pk}))
    assert "Parquet de Testville" not in page_text(report)
    detail = client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk}))
    assert "garder le secret sur cette mesure" in page_text(detail)


def test_questions_asked_with_the_register_are_fewer_than_with_nothing_filled_in(
    client: Any, world: World, sw: Any, foreigner: Any, capsys: Any
) -> None:
    figures = []
    for name, person, fields in [
        ("police", world.a.person, POLICE),
        ("guarantor", foreigner, GUARANTOR),
        ("prosecutor", foreigner, PROSECUTOR),
    ]:
        incoming = register(client, person, fields)
        asked = examine(client, incoming, ANSWERS[name])
        incoming.refresh_from_db()
        blank = blank_count(incoming)
        assert len(asked) < blank
        figures.append(f"{name}: {len(asked)} asked vs {blank} blank")
    with capsys.disabled():
        print("\nquestions (test client): " + "; ".join(figures))


# -- the letter stays within the decision ------------------------------------------------


def test_a_forbidden_category_cannot_be_added_by_a_crafted_post(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    for extra in [
        {"value__address": "Rue des Tests 1", "categories": ["identity", "address"]},
        {"categories": ["identity", "health"]},
        {"value__confidence": "ce qu'elle m'a confié"},
        {"items": [str(world.a.confidence.pk)]},
        {"sources": ["record:address"]},
        {"sources": [f"item:{world.a.confidence.pk}"]},
    ]:
        response = close(client, incoming, extra)
        assert response.status_code == 400
        assert "Refusé : la décision ne permet pas de communiquer" in page_text(response)
        incoming.refresh_from_db()
        assert incoming.status == "open"
        assert not RequestAnswer.objects.filter(request=incoming).exists()
    assert not JournalEntry.objects.filter(action="request_closed", details__request_id=incoming.pk)


def test_a_refusal_letter_takes_no_category_at_all(client: Any, world: World, sw: Any) -> None:
    incoming = register(client, world.a.person, POLICE_WRITTEN)
    examine(client, incoming, {})
    response = close(client, incoming, {"value__address": "ADDRESS-x", "categories": ["address"]})
    assert response.status_code == 400
    assert "l'adresse" in page_text(response)
    assert not RequestAnswer.objects.filter(request=incoming).exists()


def test_a_refusal_letter_offers_no_covering_line_and_refuses_one_posted(
    client: Any, world: World, sw: Any
) -> None:
    """QA 2026-12-02: the refusal's form offered the covering line, checked it, then the
    letter (build_reply) left it out, though the page said it went with the letter."""
    incoming = register(client, world.a.person, POLICE_WRITTEN)
    examine(client, incoming, {})
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    body = client.get(url).content.decode()
    assert "covering_note" not in body and "Phrase d'accompagnement" not in body
    response = close(client, incoming, {"covering_note": "Nous restons à votre disposition."})
    assert response.status_code == 400
    assert "une lettre de refus n'en porte pas" in page_text(response)
    assert not RequestAnswer.objects.filter(request=incoming).exists()
    assert close(client, incoming).status_code == 302  # without it, the refusal closes


def test_the_form_offers_only_the_permitted_categories(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    body = client.get(
        reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    ).content.decode()
    offered = set(re.findall(r'name="sources" value="([a-z_:0-9]+)"', body))
    assert offered == {"record:identity", "record:national_number", "record:nationality"}
    assert 'name="value__' not in body and "<textarea" in body  # only the covering line


def test_closing_is_all_or_nothing(client: Any, world: World, sw: Any, monkeypatch: Any) -> None:
    incoming = register(client, world.a.person, POLICE)
    examine(client, incoming, {})
    from depositaire.web.incoming import answer as answering

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("journal down")

    monkeypatch.setattr(answering, "journal", broken)
    client.raise_request_exception = False
    response = close(client, incoming)
    assert response.status_code == 500
    incoming.refresh_from_db()
    assert incoming.status == "open" and not RequestAnswer.objects.filter(request=incoming).exists()


# -- the examination ---------------------------------------------------------------------


def test_prefilled_facts_are_shown_with_their_source_and_can_be_corrected(
    client: Any, world: World, sw: Any
) -> None:
    incoming = register(client, world.a.person, {**POLICE, "categories": ["address"]})
    url = reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})
    page = client.get(url)
    given = {g["path"]: g for g in page.context["given"]}
    assert given["recipient.kind"]["source"] == "du registre"
    assert given["request.kind"]["source"] == "du registre"
    assert given["request.in_writing"]["value"] == "non"
    assert given["holder.role"]["source"] == "de votre profil"
    assert given["information.nature"]["source"] == "du dossier"
    assert given["consent"]["source"] == "du dossier"
    fix = client.get(url + "?corriger=request.in_writing")
    assert fix.context["question"].path == "request.in_writing"
    assert "Pourquoi cette question ?" in page_text(fix)
    client.post(url, {"path": "request.in_writing", "value": "true"})
    page = client.get(url)
    assert "request.in_writing" not in {g["path"] for g in page.context["given"]}
    changed = [a for a in page.context["answered"] if a["path"] == "request.in_writing"]
    assert changed and changed[0]["value"] == "oui"


def _urgent_run(client: Any, incoming: IncomingRequest, answers: dict[str, str]) -> list[str]:
    url = reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})
    asked: list[str] = []
    for _ in range(10):
        page = client.get(url)
        question = page.context["question"]
        if question is None or not question.path.startswith("danger."):
            break
        body = page_text(page)
        assert body.index("Que faire maintenant") < body.index('id="question"')
        assert "venir en aide" in body
        asked.append(question.path)
        client.post(url, {"path": question.path, "value": answers.get(question.path, "true")})
    return asked


def test_an_urgent_request_asks_the_danger_questions_first_and_says_what_to_do_now(
    client: Any, world: World, sw: Any
) -> None:
    fields = {**POLICE, "urgent": "on", "requester_kind": "family", "categories": ["address"]}
    incoming = register(client, world.a.person, fields)
    asked = _urgent_run(client, incoming, {})
    # Grave, imminent, no other means, and the family can avert it: the state of necessity.
    # The family is no competent authority, so whether it can avert the danger is asked
    # (youth-care code art. 12, 001); call for help now.
    assert asked == [
        "danger.serious",
        "danger.imminent",
        "danger.other_means_exhausted",
        "danger.recipient_can_avert",
    ]
    body = page_text(client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})))
    assert body.index("Que faire maintenant") < body.index("La décision")
    assert "112" in body and "dernier recours" in body
    assert "422bis" in body


def test_an_urgent_request_that_is_not_imminent_asks_the_458bis_questions(
    client: Any, world: World, sw: Any
) -> None:
    fields = {**POLICE, "urgent": "on", "requester_kind": "family", "categories": ["address"]}
    incoming = register(client, world.a.person, fields)
    asked = _urgent_run(client, incoming, {"danger.imminent": "false"})
    assert asked[:2] == ["danger.serious", "danger.imminent"]
    assert {"danger.victim_minor_or_vulnerable", "danger.offence_listed_458bis"} <= set(asked)
    page = client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk}))
    body = page_text(page)
    assert "112" not in body  # not imminent: no emergency call
    assert "vous pouvez — ce n'est pas une obligation — informer le procureur du Roi" in body
    assert "458bis" in body
    assert page.context["decision"].verdict == "secret"  # telling the family stays forbidden


def test_a_bad_answer_is_a_clear_french_error(client: Any, world: World, sw: Any) -> None:
    incoming = register(client, world.a.person, POLICE)
    url = reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})
    response = client.post(url, {"path": "request.in_writing", "value": "peut-être"})
    assert response.status_code == 400
    assert "peut-être" in page_text(response) and "Traceback" not in page_text(response)
    response = client.post(url, {"path": "not.a.fact", "value": "true"})
    assert response.status_code == 400
    response = client.post(url, {"path": "request.in_writing"})
    assert response.status_code == 400
    assert "Choisissez une réponse" in page_text(response)


def test_the_register_form_explains_what_is_missing_in_french(
    client: Any, world: World, sw: Any
) -> None:
    response = client.post(reverse("incoming:create"), {"person": world.a.person.pk})
    assert response.status_code == 200
    body = page_text(response)
    assert "Cochez au moins une information demandée." in body
    assert "Indiquez au moins l'organisation, le nom ou les coordonnées du demandeur." in body
    assert not IncomingRequest.objects.filter(person=world.a.person).exists()
    future = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("incoming:create"),
        {**POLICE, "person": world.a.person.pk, "received_at": future, "received_by": sw.pk},
    )
    assert "ne peut pas être dans le futur" in page_text(response)


def test_a_person_of_another_team_cannot_be_chosen(client: Any, world: World, sw: Any) -> None:
    response = client.post(
        reverse("incoming:create"),
        {
            **POLICE,
            "person": world.a.other_team_person.pk,
            "received_at": "2026-11-26T09:30",
            "received_by": sw.pk,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["person"]
    assert not IncomingRequest.objects.filter(person=world.a.other_team_person).exists()


# -- attachments ---------------------------------------------------------------------------


def test_an_attachment_is_sealed_and_its_download_journaled(
    client: Any, world: World, sw: Any, django_db_blocker: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    incoming = make_request(world.a.person, sw)
    raw = b"%PDF-1.4\nREQUISITION-MARKER-secret\n"
    url = reverse("incoming:document_add", kwargs={"incoming_id": incoming.pk})
    response = client.post(url, {"document": SimpleUploadedFile("requisition.pdf", raw)})
    assert response.status_code == 302
    document = RequestDocument.objects.get(request=incoming)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data, filename FROM incoming_requestdocument WHERE id = %s", [document.pk]
        )
        stored = " ".join(cursor.fetchone())
    assert "REQUISITION-MARKER" not in stored and "requisition" not in stored
    download = client.get(reverse("incoming:document", kwargs={"document_id": document.pk}))
    assert download.content == raw and download["Content-Type"] == "application/pdf"
    entry = JournalEntry.objects.filter(action="request_document_viewed").latest("seq")
    assert entry.details["document_id"] == document.pk


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Ce type de fichier n'est pas accepté"),
        ("fake.pdf", b"<html>not a pdf</html>", "Ce type de fichier n'est pas accepté"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "Ce fichier dépasse 5 Mo."),
        ("empty.pdf", b"", "Ce fichier est vide."),
    ],
)
def test_a_bad_attachment_is_refused_in_french(
    client: Any, world: World, sw: Any, name: str, raw: bytes, message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    incoming = make_request(world.a.person, sw)
    url = reverse("incoming:document_add", kwargs={"incoming_id": incoming.pk})
    response = client.post(url, {"document": SimpleUploadedFile(name, raw)}, follow=True)
    assert message in page_text(response)
    assert not RequestDocument.objects.filter(request=incoming).exists()


# -- the head of service and the DPO -----------------------------------------------------


def test_the_head_of_service_sees_ages_decisions_and_a_requester_fishing_across_persons(
    client: Any, world: World, foreigner: Any
) -> None:
    w = world.a
    sw_user = w.users[roles.SOCIAL_WORKER]
    make_request(w.person, sw_user, requester_name="Inspecteur Lenoir")
    make_request(
        foreigner,
        sw_user,
        requester_organisation="zone de police  TESTVILLE",
        requester_name="inspecteur lenoir",
    )
    make_request(
        foreigner,
        sw_user,
        requester_kind="immigration_office",
        requester_organisation="Office des étrangers",
        requester_name="",
    )
    client.force_login(w.users[roles.HEAD_SOCIAL_WORKER])
    page = client.get(reverse("incoming:follow_up"))
    assert page.status_code == 200
    groups = page.context["groups"]
    fishing = [g for g in groups if g["fishing"]]
    assert len(fishing) == 1 and fishing[0]["person_count"] == 2
    assert all(o["age"] == 3 for o in page.context["open"])
    assert "2 personnes" in page_text(page)


def test_the_dpo_register_shows_metadata_never_contents(client: Any, world: World) -> None:
    w = world.a
    incoming = make_request(w.person, w.users[roles.SOCIAL_WORKER])
    client.force_login(w.users[roles.DPO])
    body = client.get(reverse("incoming:register")).content.decode()
    assert f"dossier n° {w.person.pk}" in body and "téléphone" in body
    assert "REQUEST-TEXT" not in body and w.person.last_name not in body
    assert str(incoming.pk) in body
    entry = JournalEntry.objects.filter(action="request_register_viewed").latest("seq")
    assert entry.actor_id == w.users[roles.DPO].pk


def test_a_request_cannot_be_closed_before_the_examination_ends(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, GUARANTOR)
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    response = client.post(url, {"action": "close"})
    assert response.status_code == 400
    assert "L'examen n'est pas terminé" in page_text(response)
    assert not RequestAnswer.objects.filter(request=incoming).exists()


def test_closing_twice_keeps_the_first_answer(client: Any, world: World, sw: Any) -> None:
    incoming = register(client, world.a.person, {**POLICE, "categories": ["address"]})
    examine(client, incoming, {})
    assert close(client, incoming).status_code == 302
    first = RequestAnswer.objects.get(request=incoming)
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    again = client.post(url, {"action": "close"})
    assert again.status_code == 302
    assert RequestAnswer.objects.filter(request=incoming).count() == 1
    assert RequestAnswer.objects.get(request=incoming).letter_sha256 == first.letter_sha256
    assert (
        JournalEntry.objects.filter(
            action="request_closed", details__request_id=incoming.pk
        ).count()
        == 1
    )


def test_an_htmx_answer_without_a_choice_shows_the_error_in_place(
    client: Any, world: World, sw: Any
) -> None:
    incoming = register(client, world.a.person, POLICE)
    url = reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})
    response = client.post(url, {"path": "information.nature"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Choisissez une réponse" in page_text(response)


def test_the_demo_has_open_requests_and_one_officer_asking_about_two_persons(
    settings: Any, tmp_path: Any
) -> None:
    from depositaire.web import demo
    from depositaire.web.incoming.views import same_requester_groups

    settings.DATA_DIR = tmp_path
    demo.ensure_demo_data()
    demo.ensure_demo_data()
    requests = list(IncomingRequest.objects.filter(organisation__name=demo.DEMO_ORG))
    assert len(requests) == len(demo.DEMO_REQUESTS)
    assert all(r.is_open for r in requests)
    fishing = [g for g in same_requester_groups(requests) if g["fishing"]]
    assert len(fishing) == 1 and fishing[0]["person_count"] == 2


def test_the_request_is_received_by_a_colleague_of_the_team_only(
    client: Any, world: World, sw: Any
) -> None:
    w = world.a
    data = {**POLICE, "person": w.person.pk, "received_at": "2026-11-26T09:30"}
    head = w.users[roles.HEAD_SOCIAL_WORKER]
    incoming = register(client, w.person, {**POLICE, "received_by": head.pk})
    assert incoming.received_by == head and incoming.registered_by == sw
    response = client.post(
        reverse("incoming:create"), {**data, "received_by": w.other_team_worker.pk}
    )
    assert list(response.context["form"].errors) == ["received_by"]
    response = client.post(
        reverse("incoming:create"), {**data, "received_by": world.b.users[roles.SOCIAL_WORKER].pk}
    )
    assert list(response.context["form"].errors) == ["received_by"]


def test_an_unreadable_interview_state_starts_again_from_what_is_known(
    client: Any, world: World, sw: Any
) -> None:
    incoming = register(client, world.a.person, POLICE)
    incoming.interview_state = {"version": 1, "date": "2026-11-27", "history": [{"path": "x"}]}
    incoming.save(update_fields=["interview_state"])
    page = client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk}))
    assert page.status_code == 200
    assert "recipient.kind" in {g["path"] for g in page.context["given"]}


def test_the_persons_page_offers_to_register_a_request_about_them(
    client: Any, world: World, sw: Any
) -> None:
    w = world.a
    body = page_text(client.get(reverse("cases:person_detail", kwargs={"person_id": w.person.pk})))
    link = f"{reverse('incoming:create')}?personne={w.person.pk}"
    assert link in body and "Enregistrer une demande reçue" in body
    form = page_text(client.get(link))
    assert re.search(rf'<option value="{w.person.pk}" selected>', form)


def test_the_dpo_journal_names_a_request_as_such(client: Any, world: World) -> None:
    w = world.a
    incoming = make_request(w.person, w.users[roles.SOCIAL_WORKER])
    client.force_login(w.users[roles.SOCIAL_WORKER])
    client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk}))
    client.force_login(w.users[roles.DPO])
    body = page_text(client.get(reverse("disclosures:journal")))
    assert f"demande n° {incoming.pk}" in body and "request:" not in body


def test_an_open_request_has_no_letter_to_download(client: Any, world: World, sw: Any) -> None:
    incoming = register(client, world.a.person, POLICE)
    url = reverse("incoming:letter_pdf", kwargs={"incoming_id": incoming.pk})
    assert client.get(url).status_code == 404
    assert not JournalEntry.objects.filter(
        action="export", details__request_id=incoming.pk
    ).exists()


def test_a_closed_request_cannot_be_examined_again(client: Any, world: World, sw: Any) -> None:
    incoming = register(client, world.a.person, {**POLICE, "categories": ["address"]})
    examine(client, incoming, {})
    assert close(client, incoming).status_code == 302
    incoming.refresh_from_db()
    state = incoming.interview_state
    restart = client.post(reverse("incoming:restart", kwargs={"incoming_id": incoming.pk}))
    assert restart.status_code == 302
    answer = client.post(
        reverse("incoming:examine", kwargs={"incoming_id": incoming.pk}),
        {"path": "request.in_writing", "value": "true", "action": "answer"},
    )
    assert answer.status_code == 302
    incoming.refresh_from_db()
    assert incoming.interview_state == state


# -- values come from the file (issue 8) -------------------------------------------------


def _tilleuls(foreigner: Any) -> None:
    foreigner.set_sealed("address", "Rue des Tilleuls 14, 5000 Namur")
    foreigner.save()


LEAK = "Maroc (MA) — domiciliée Rue des Tilleuls 14 ; bénéficie du RIS depuis 2025"


def test_the_free_text_leak_is_refused_through_a_crafted_post_and_nothing_is_stored(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    _tilleuls(foreigner)
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    before = JournalEntry.objects.count()
    for extra in [
        {"value__nationality": LEAK},  # the old free box, posted by hand
        {"covering_note": LEAK},  # the covering line carrying the address
        {"covering_note": "Son numéro : " + foreigner.get_sealed("national_number")},
        {"requester": "Office des étrangers\nRue des Tilleuls 14"},
    ]:
        for action in ("preview", "close"):
            url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
            response = client.post(url, {"sources": ["record:identity"], **extra, "action": action})
            assert response.status_code == 400, extra
            text = page_text(response)
            assert "Refusé" in text and "Rien n'a été enregistré" in text
            assert "Tilleuls 14" not in "".join(
                b.get("text", "") for b in response.context["letter"]
            )
    incoming.refresh_from_db()
    assert incoming.status == "open"
    assert not RequestAnswer.objects.filter(request=incoming).exists()
    assert not JournalEntry.objects.filter(action="request_closed").exists()
    assert JournalEntry.objects.count() == before  # a refused post journals nothing


def test_the_covering_line_names_the_withheld_category(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    _tilleuls(foreigner)
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    response = client.post(
        url, {"covering_note": "domiciliée Rue des Tilleuls", "action": "preview"}
    )
    assert response.status_code == 400
    assert "l'adresse" in page_text(response)


@pytest.mark.parametrize("mark", ["\u00ad", "\u200b", "\u200d", "\u2060", "\u200f", "\ufeff"])
def test_an_invisible_character_inside_a_word_does_not_get_a_withheld_value_past_the_guard(
    client: Any, world: World, sw: Any, foreigner: Any, mark: str
) -> None:
    # A soft hyphen, a zero-width or a direction mark splits no word on paper: the PDF
    # prints "Tilleuls" whole (found by QA: "Til\u00adleuls" went out in the letter).
    _tilleuls(foreigner)
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    response = client.post(url, {"covering_note": f"Voir Til{mark}leuls.", "action": "close"})
    assert response.status_code == 400
    assert "l'adresse" in page_text(response)
    assert not RequestAnswer.objects.filter(request=incoming).exists()


@pytest.mark.parametrize(
    ("field", "text", "category"),
    [
        ("reference", "Garant — Rue des Tilleuls 14", "l'adresse"),
        ("recipient_contact", "Rue des Tilleuls 14, 5000 Namur", "l'adresse"),
        ("reference", "AID-aide médicale du CPAS", "l'aide accordée"),
    ],
)
def test_the_texts_of_a_request_we_send_may_not_carry_what_its_letter_withholds(
    client: Any, world: World, sw: Any, foreigner: Any, field: str, text: str, category: str
) -> None:
    # The recipient and the reference of a request the CPAS sends are printed in its
    # letter: the worker typed them, so they are checked like the covering line (found by
    # QA: "Garant — Rue des Tilleuls 14" went out to the immigration office).
    _tilleuls(foreigner)
    before = IncomingRequest.objects.count()
    response = client.post(
        reverse("incoming:outgoing_create"), {"person": foreigner.pk, **GUARANTOR, field: text}
    )
    assert response.status_code == 200
    body = page_text(response)
    assert "Refusé" in body and category in body
    assert response.context["form"].errors.get(field)
    assert IncomingRequest.objects.count() == before
    # The name, the national number and the nationality may go out: a reference naming
    # the person is kept.
    fine = client.post(
        reverse("incoming:outgoing_create"),
        {"person": foreigner.pk, **GUARANTOR, "reference": "Garant de Samir GARANTX"},
    )
    assert fine.status_code == 302


def test_the_page_of_a_request_we_send_does_not_speak_of_it_as_received(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    # It read « Référence du demandeur » and « Reçue le …, par … » (found by QA).
    incoming = register(client, foreigner, {**GUARANTOR, "reference": "NOTRE-REF-7"})
    body = page_text(client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk})))
    assert "Notre référence" in body and "NOTRE-REF-7" in body
    assert "Référence du demandeur" not in body and "Reçue" not in body
    assert "Préparée" in body


def test_a_clean_covering_line_goes_out_and_is_journaled_as_free_text(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    note = "Merci de nous répondre par courriel."
    response = close(client, incoming, {"covering_note": note})
    assert response.status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert note in pdf_text(answer.get_pdf())
    entry = JournalEntry.objects.filter(action="request_closed").latest("seq")
    assert entry.details["free_text_count"] == 1 and entry.details["free_text_sha256"]
    assert note not in str(entry.details)  # hashed, never copied
    assert answer.sent_categories == ["identity", "national_number", "nationality"]


def test_a_value_left_out_is_not_recorded_as_sent(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    response = client.post(
        url, {"sources": ["record:identity", "record:nationality"], "action": "close"}
    )
    assert response.status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.sent_categories == ["identity", "nationality"]
    from depositaire.web.cases.national_number import format_number

    text = pdf_text(answer.get_pdf())
    number = foreigner.get_sealed("national_number")
    assert format_number(number) not in text and number not in text.replace(" ", "")


def test_an_incoming_immigration_office_request_about_medical_aid_is_answered_as_seed_004(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    incoming = register(client, foreigner, IMMIGRATION_MEDICAL)
    assert incoming.direction == "incoming" and incoming.about_medical_aid
    examine(client, incoming, {})
    page = client.get(reverse("incoming:answer", kwargs={"incoming_id": incoming.pk}))
    assert page.context["decision"].verdict == "secret"
    assert page.context["letter_kind"] == "reply"  # a written request: a written answer
    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    text = " ".join(pdf_text(answer.get_pdf()).split())
    assert "ne concerne pas les frais médicaux ou d'hospitalisation" in text
    assert "coordonnées du garant" not in text  # never a letter asking for the guarantor
    assert "AID-" not in text and foreigner.last_name not in text
    assert answer.sent_categories == []


def test_the_guarantor_look_up_is_an_outgoing_request_and_not_an_incoming_basis(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    form = client.get(reverse("incoming:create")).context["form"]
    assert "guarantor_lookup" not in dict(form.fields["claimed_basis"].choices)
    incoming = register(client, foreigner, GUARANTOR)
    assert incoming.direction == "outgoing" and incoming.requester_kind == "immigration_office"
    detail = page_text(client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk})))
    assert "envoyée par le CPAS" in detail


def test_every_guarantor_question_says_whom_it_is_about(
    client: Any, world: World, sw: Any, foreigner: Any
) -> None:
    from depositaire.messages import t

    for path in ANSWERS["guarantor"]:
        text = t(f"interview.questions.{path}.text")
        assert "personne aidée" in text, text


def test_the_register_form_has_no_default_requester_kind_nor_basis(
    client: Any, world: World, sw: Any
) -> None:
    form = client.get(reverse("incoming:create")).context["form"]
    assert form["requester_kind"].value() in (None, "")
    assert form["claimed_basis"].value() in (None, "")
    data = {
        **POLICE,
        "person": world.a.person.pk,
        "received_by": sw.pk,
        "received_at": "2026-11-26T09:30",
    }
    del data["requester_kind"], data["claimed_basis"]
    response = client.post(reverse("incoming:create"), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Choisissez le type de demandeur" in text and "Choisissez la base légale" in text
    assert not IncomingRequest.objects.exists()


def test_the_letter_is_signed_by_the_colleague_who_sends_it_not_the_interviews_holder(
    client: Any, world: World, sw: Any
) -> None:
    # The interview's holder.role is the profession of whoever started it (here a
    # psychologist); the letter is signed by the signed-in sender (QA s10 item 3).
    sw.profession = "psychologist"
    sw.save()
    incoming = register(client, world.a.person, PROSECUTOR)
    examine(client, incoming, ANSWERS["prosecutor"])
    assert Interview.from_dict(incoming_state(incoming)).situation.get("holder.role") == (
        "psychologist"
    )
    head = world.a.users[roles.HEAD_SOCIAL_WORKER]
    client.force_login(head)
    assert close(client, incoming).status_code == 302
    text = " ".join(pdf_text(RequestAnswer.objects.get(request=incoming).get_pdf()).split())
    foot = text.rsplit("salutations distinguées", 1)[1]
    assert str(head.display_name) in foot and "Assistant(e) social(e) en chef" in foot
    assert "Psychologue" not in foot and "(nom et signature)" not in foot


def incoming_state(incoming: IncomingRequest) -> dict[str, Any]:
    incoming.refresh_from_db()
    return incoming.interview_state

"""The secrecy of a prosecutor's measure toward the person (issue 17, item 1).

001, art. 46bis/1, § 2 CIC: « Toute personne qui, du chef de sa fonction, a connaissance de
la mesure ou y prête son concours, est tenue de garder le secret » — toward the person too.
A person who asks the register whether information about her was asked for is answered
within that secrecy (rule ``measure_secrecy``), and nothing she receives — the letter, the
report of what was communicated about her — carries anything of the requisition.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from depositaire.interview import Interview
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer
from web.factories import World
from web.test_incoming import (
    ANSWERS,
    PROSECUTOR,
    close,
    examine,
    page_text,
    register,
)
from web.test_what_went_out import flat, pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw(client: Any, world: World) -> Any:
    from depositaire.web.accounts import roles

    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    return world.a.users[roles.SOCIAL_WORKER]


#: The person herself writes: was I asked about, and what was communicated about me?
PERSON_ASKS = {
    "requester_kind": "the_person",
    "requester_name": "La personne elle-même",
    "requester_contact": "Rue des Tilleuls 4, 5000 Testville",
    "channel": "letter",
    "categories": ["other"],
    "claimed_basis": "none",
    "request_text": "Le parquet a-t-il demandé quelque chose à mon sujet ?",
    "asks_about_requests": "on",
}
#: Words that would reveal the requisition to its reader.
REQUISITION_MARKS = ("46bis", "réquisition", "Parquet de Testville", "TE.12.34/26", "Durand")


def requisition(client: Any, person: Any, answers: dict[str, list[str]]) -> IncomingRequest:
    incoming = register(client, person, PROSECUTOR)
    examine(client, incoming, answers)
    assert close(client, incoming).status_code == 302
    incoming.refresh_from_db()
    return incoming


def person_report(client: Any, person: Any) -> tuple[str, str]:
    """The person's report, as a page and as the PDF handed to her (pdftotext)."""
    page = client.get(reverse("disclosures:report", kwargs={"person_id": person.pk}))
    assert page.status_code == 200
    pdf = client.get(reverse("disclosures:report_pdf", kwargs={"person_id": person.pk}))
    assert pdf.status_code == 200
    return page_text(page), flat(pdftotext(pdf.content))


def assert_nothing_of_the_requisition(text: str) -> None:
    for mark in REQUISITION_MARKS:
        assert mark.casefold() not in text.casefold(), mark


def test_a_person_asking_about_a_registered_requisition_is_answered_within_its_secrecy(
    client: Any, world: World, sw: Any
) -> None:
    person = world.a.person
    requisition(client, person, ANSWERS["prosecutor"])
    asking = register(client, person, PERSON_ASKS)
    assert asking.asks_about_requests
    examine(client, asking, {})
    asking.refresh_from_db()
    assert asking.prefill_sources["information.requisition_measure"] == "register"
    page = client.get(reverse("incoming:answer", kwargs={"incoming_id": asking.pk}))
    decision = page.context["decision"]
    assert decision.verdict == "secret"
    assert decision.rules[0] == "measure_secrecy" and "person_access" not in decision.rules
    assert "keep_measure_secret" in decision.duties
    assert close(client, asking).status_code == 302
    answer = RequestAnswer.objects.get(request=asking)
    assert answer.letter_kind == "reply" and answer.keep_secret
    assert answer.sent_categories == []
    letter = flat(pdftotext(answer.get_pdf()))
    assert "Nous avons bien reçu votre demande" in letter
    assert "article 458 du Code pénal" in letter
    assert_nothing_of_the_requisition(letter)
    assert "procureur" not in letter.casefold() and "parquet" not in letter.casefold()
    page, pdf = person_report(client, person)
    assert_nothing_of_the_requisition(page)
    assert_nothing_of_the_requisition(pdf)


def test_the_same_question_with_no_requisition_registered_opens_her_access(
    client: Any, world: World, sw: Any
) -> None:
    asking = register(client, world.a.person, PERSON_ASKS)
    examine(client, asking, {})
    asking.refresh_from_db()
    situation = Interview.from_dict(asking.interview_state).situation
    assert situation.get("information.requisition_measure") is False
    assert asking.prefill_sources["information.requisition_measure"] == "register"
    page = client.get(reverse("incoming:answer", kwargs={"incoming_id": asking.pk}))
    decision = page.context["decision"]
    assert decision.verdict == "may_disclose"
    assert "person_access" in decision.rules and "measure_secrecy" not in decision.rules


def test_a_refused_requisition_stays_out_of_the_persons_report_as_the_engine_says(
    client: Any, world: World, sw: Any
) -> None:
    """Refused (not reasoned), the requisition was answered under the professional secret,
    without the duty to keep the measure secret: the report used to show it. The measure is
    secret whatever its outcome (``measure_secrecy`` toward the person)."""
    person = world.a.person
    refused = requisition(
        client,
        person,
        {"request.reasoned": ["false"], "request.information_specified": ["true"]},
    )
    assert refused.answer.verdict == "secret" and not refused.answer.keep_secret
    page, pdf = person_report(client, person)
    assert_nothing_of_the_requisition(page)
    assert_nothing_of_the_requisition(pdf)


def test_an_ordinary_closed_request_still_appears_in_the_persons_report(
    client: Any, world: World, sw: Any
) -> None:
    from web.test_incoming import POLICE_WRITTEN

    incoming = register(client, world.a.person, POLICE_WRITTEN)
    examine(client, incoming, {})
    assert close(client, incoming).status_code == 302
    page, pdf = person_report(client, world.a.person)
    assert "Zone de police Testville" in page and "Zone de police Testville" in pdf


def test_the_question_about_requests_is_only_the_persons_own(
    client: Any, world: World, sw: Any
) -> None:
    data = {
        **PERSON_ASKS,
        "requester_kind": "police",
        "person": world.a.person.pk,
        "received_at": "2026-11-26T09:30",
        "received_by": sw.pk,
    }
    response = client.post(reverse("incoming:create"), data)
    assert response.status_code == 200
    assert "ne vaut que pour une demande de la personne elle-même" in page_text(response)
    assert not IncomingRequest.objects.filter(requester_kind="police").exists()


def test_a_person_asking_by_telephone_hears_nothing_of_the_requisition_and_the_note_names_none(
    client: Any, world: World, sw: Any
) -> None:
    person = world.a.person
    requisition(client, person, ANSWERS["prosecutor"])
    asking = register(client, person, {**PERSON_ASKS, "channel": "phone"})
    examine(client, asking, {})
    page = client.get(reverse("incoming:answer", kwargs={"incoming_id": asking.pk}))
    assert page.context["decision"].rules[0] == "measure_secrecy"
    said = page_text(page)
    assert "vous pouvez aussi demander le rapport" in said
    assert close(client, asking).status_code == 302
    answer = RequestAnswer.objects.get(request=asking)
    assert answer.letter_kind == "call_note" and answer.keep_secret
    note = flat(pdftotext(answer.get_pdf()))
    assert "article 458 du Code pénal" in note
    assert_nothing_of_the_requisition(note)

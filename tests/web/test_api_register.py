"""The three register stories through the API alone (police call, guarantor look-up,
prosecutor's requisition), ending with the same letters as the pages; list filters,
attachments, journal entries like the pages'."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer, RequestDocument
from depositaire.web.journal.models import JournalEntry
from web.api_helpers import call, token
from web.factories import World, make_item, make_person
from web.test_incoming import (
    ANSWERS,
    GUARANTOR,
    POLICE,
    POLICE_WRITTEN,
    PROSECUTOR,
    close,
    examine,
    pdf_text,
    register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreigner(world: World) -> Any:
    """The person of the guarantor and prosecutor stories (as in test_incoming)."""
    w = world.a
    worker = w.users[roles.SOCIAL_WORKER]
    person = make_person(w.org, w.team, worker, first="Samir", last="GARANTX", nationality="MA")
    make_item(
        person,
        worker,
        nature="secret_fact",
        categories=["aid_granted"],
        text="AID-aide médicale : frais d'hospitalisation pris en charge",
    )
    return person


@pytest.fixture
def raw(world: World) -> str:
    return token(world.a.users[roles.SOCIAL_WORKER], "register")


def api_register(client: Any, raw: str, person: Any, fields: dict[str, Any]) -> int:
    """Register through the API as the page does: a received request, or one sent."""
    if "purpose" in fields:
        body = {"person_id": person.pk, **fields}
        created = call(client, "post", "/api/v1/requests/outgoing", raw, body)
    else:
        body = {"person_id": person.pk, "received_at": "2026-11-26T09:30:00+01:00", **fields}
        created = call(client, "post", "/api/v1/requests", raw, body)
    assert created.status_code == 201, created.content[:500]
    return int(created.json()["id"])


def api_examine(client: Any, raw: str, rid: int, answers: dict) -> dict:
    state: dict = {}
    for _ in range(40):
        state = call(client, "get", f"/api/v1/requests/{rid}/examination", raw).json()
        question = state["question"]
        if question is None:
            break
        tokens = answers.get(question["path"], ["unknown"])
        answered = call(
            client,
            "post",
            f"/api/v1/requests/{rid}/examination",
            raw,
            {"path": question["path"], "value": tokens},
        )
        assert answered.status_code == 200, answered.content[:300]
    return state


def api_story(
    client: Any,
    raw: str,
    person: Any,
    fields: dict[str, Any],
    answers: dict,
    body: dict | None = None,
) -> dict:
    rid = api_register(client, raw, person, fields)
    api_examine(client, raw, rid, answers)
    closed = call(client, "post", f"/api/v1/requests/{rid}/close", raw, body or {})
    assert closed.status_code == 200, closed.content[:500]
    return closed.json()


@pytest.mark.parametrize("story", ["police", "guarantor", "prosecutor"])
def test_each_story_through_the_api_ends_with_the_browsers_letter(
    client: Any,
    world: World,
    raw: str,
    foreigner: Any,
    story: str,
) -> None:
    person, fields = {
        "police": (world.a.person, POLICE),
        "guarantor": (foreigner, GUARANTOR),
        "prosecutor": (foreigner, PROSECUTOR),
    }[story]
    out = api_story(client, raw, person, fields, ANSWERS[story])
    assert out["status"] == "closed"
    api_answer = RequestAnswer.objects.get(request_id=out["id"])
    letter = call(client, "get", f"/api/v1/requests/{out['id']}/letter", raw)
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert hashlib.sha256(letter.content).hexdigest() == out["answer"]["letter_sha256"]
    assert JournalEntry.objects.filter(
        action="export", details__request_id=out["id"], details__via="api"
    ).exists()

    # The same story in the browser, by the same worker.
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    incoming = register(client, person, fields)
    examine(client, incoming, ANSWERS[story])
    assert close(client, incoming).status_code == 302
    web_answer = RequestAnswer.objects.get(request=incoming)
    assert (api_answer.verdict, api_answer.letter_kind, api_answer.sent_categories) == (
        web_answer.verdict,
        web_answer.letter_kind,
        web_answer.sent_categories,
    )
    assert api_answer.keep_secret == web_answer.keep_secret
    # Word for word the letter the pages produce (same day, same file, same choices).
    assert pdf_text(letter.content) == pdf_text(web_answer.get_pdf())
    expected = {
        # A phone call is answered orally: the note of the call stays in the file.
        "police": ("secret", "call_note", []),
        "guarantor": (
            "may_disclose",
            "transmission",
            ["identity", "national_number", "nationality"],
        ),
        "prosecutor": ("must_disclose", "transmission", ["identity", "address", "aid_granted"]),
    }[story]
    assert (api_answer.verdict, api_answer.letter_kind, api_answer.sent_categories) == expected


def test_a_request_registered_with_an_attachment_keeps_it_sealed_and_journaled(
    client: Any, world: World, raw: str
) -> None:
    pdf = b"%PDF-1.4 requisition du parquet"
    body = {
        "person_id": world.a.person.pk,
        **PROSECUTOR,
        "documents": [
            {"filename": "requisition.pdf", "content_base64": base64.b64encode(pdf).decode()}
        ],
    }
    created = call(client, "post", "/api/v1/requests", raw, body)
    assert created.status_code == 201
    data = created.json()
    assert data["documents"][0]["sha256"] == hashlib.sha256(pdf).hexdigest()
    document = RequestDocument.objects.get(request_id=data["id"])
    assert document.get_bytes() == pdf
    assert JournalEntry.objects.filter(
        action="request_document_added", details__request_id=data["id"]
    ).exists()
    assert JournalEntry.objects.filter(
        action="request_registered", details__request_id=data["id"], details__via="api"
    ).exists()


def test_a_bad_attachment_or_field_is_refused_and_nothing_is_stored(
    client: Any, world: World, raw: str
) -> None:
    before = IncomingRequest.objects.count()
    body = {
        "person_id": world.a.person.pk,
        **POLICE,
        "documents": [{"filename": "x.exe", "content_base64": base64.b64encode(b"MZ").decode()}],
    }
    response = call(client, "post", "/api/v1/requests", raw, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "documents.0.document"
    wrong = call(client, "post", "/api/v1/requests", raw, {**body, "channel": "pigeon"})
    assert wrong.status_code == 422
    error = wrong.json()["errors"][0]
    assert error["field"] == "channel" and "phone" in error["accepted"]
    assert "Valeur inconnue pour « channel »" in error["detail"]
    other = call(
        client, "post", "/api/v1/requests", raw, {**POLICE, "person_id": world.b.person.pk}
    )
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "person"
    assert IncomingRequest.objects.count() == before


def test_the_list_filters_and_pages_within_the_users_teams(
    client: Any, world: World, raw: str
) -> None:
    for fields in (POLICE, POLICE_WRITTEN, PROSECUTOR):
        call(client, "post", "/api/v1/requests", raw, {"person_id": world.a.person.pk, **fields})
    everything = call(client, "get", "/api/v1/requests?page_size=2", raw).json()
    assert everything["count"] >= 3 and len(everything["results"]) == 2
    assert everything["pages"] >= 2
    second = call(client, "get", "/api/v1/requests?page_size=2&page=2", raw).json()
    assert {r["id"] for r in second["results"]}.isdisjoint({r["id"] for r in everything["results"]})
    letters = call(client, "get", "/api/v1/requests?channel=letter&status=open", raw).json()
    assert letters["results"] and all(r["channel"] == "letter" for r in letters["results"])
    assert all(r["person_id"] != world.b.person.pk for r in everything["results"])
    bad = call(client, "get", "/api/v1/requests?status=lost", raw)
    assert bad.status_code == 422 and bad.json()["errors"][0]["accepted"] == ["open", "closed"]


def test_reading_a_request_is_journaled_like_its_page(client: Any, world: World, raw: str) -> None:
    rid = call(
        client, "post", "/api/v1/requests", raw, {"person_id": world.a.person.pk, **POLICE}
    ).json()["id"]
    detail = call(client, "get", f"/api/v1/requests/{rid}", raw)
    assert detail.json()["request_text"] == POLICE["request_text"]
    entry = JournalEntry.objects.filter(action="request_viewed").latest("seq")
    assert entry.details["request_id"] == rid and entry.details["via"] == "api"
    assert POLICE["request_text"] not in str(entry.details)
    assert reverse("incoming:detail", kwargs={"incoming_id": rid})  # the page it mirrors


def test_a_request_without_a_requester_kind_or_a_basis_is_refused_as_on_the_page(
    client: Any, world: World, raw: str
) -> None:
    before = IncomingRequest.objects.count()
    for missing in ("requester_kind", "claimed_basis"):
        body = {"person_id": world.a.person.pk, **POLICE}
        del body[missing]
        response = call(client, "post", "/api/v1/requests", raw, body)
        assert response.status_code == 422
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == missing
    # A received request cannot claim the purpose of a request sent.
    sent = call(
        client,
        "post",
        "/api/v1/requests",
        raw,
        {"person_id": world.a.person.pk, **POLICE, "claimed_basis": "guarantor_lookup"},
    )
    assert (
        sent.status_code == 422 and "guarantor_lookup" not in sent.json()["errors"][0]["accepted"]
    )
    assert IncomingRequest.objects.count() == before


def test_the_phone_call_closes_with_a_note_and_the_script_to_say(
    client: Any, world: World, raw: str
) -> None:
    rid = api_register(client, raw, world.a.person, POLICE)
    state = api_examine(client, raw, rid, ANSWERS["police"])
    assert state["oral"] and state["letter_kind"] is None and state["sources"] == []
    assert state["script"].startswith("« Je ne peux pas vous répondre par téléphone")
    closed = call(client, "post", f"/api/v1/requests/{rid}/close", raw, {})
    assert closed.json()["answer"]["letter_kind"] == "call_note"
    note = pdf_text(call(client, "get", f"/api/v1/requests/{rid}/letter", raw).content)
    assert "Note d'appel téléphonique" in note and "ADDRESS-" not in note


def test_the_guarantor_look_up_is_sent_through_the_api_with_only_the_values_chosen(
    client: Any, world: World, raw: str, foreigner: Any
) -> None:
    rid = api_register(client, raw, foreigner, GUARANTOR)
    assert call(client, "get", f"/api/v1/requests/{rid}", raw).json()["direction"] == "outgoing"
    state = api_examine(client, raw, rid, ANSWERS["guarantor"])
    keys = {s["key"] for s in state["sources"]}
    assert keys == {"record:identity", "record:national_number", "record:nationality"}
    body = {"sources": ["record:identity"], "covering_note": "Merci de votre retour."}
    closed = call(client, "post", f"/api/v1/requests/{rid}/close", raw, body)
    assert closed.status_code == 200, closed.content[:300]
    assert closed.json()["answer"]["sent_categories"] == ["identity"]
    text = pdf_text(call(client, "get", f"/api/v1/requests/{rid}/letter", raw).content)
    assert "Samir GARANTX" in text and "Merci de votre retour." in text
    assert "Maroc" not in text and "AID-" not in text


@pytest.mark.parametrize(
    "body, words",
    [
        ({"sources": ["record:address"]}, "record:address"),
        ({"sources": ["item:1"]}, "item:1"),
        ({"covering_note": "Il habite ADDRESS-GARANTX."}, "phrase d'accompagnement"),
        ({"values": {"address": "Rue X 1"}}, "Clé inconnue : « values »"),
        ({"categories": ["address"]}, "Clé inconnue : « categories »"),
        ({"requester": "Quelqu'un d'autre"}, "Clé inconnue : « requester »"),
    ],
)
def test_a_crafted_close_is_refused_in_french_and_nothing_is_stored(
    client: Any, world: World, raw: str, foreigner: Any, body: dict, words: str
) -> None:
    rid = api_register(client, raw, foreigner, GUARANTOR)
    api_examine(client, raw, rid, ANSWERS["guarantor"])
    closes = JournalEntry.objects.filter(action="request_closed").count()
    response = call(client, "post", f"/api/v1/requests/{rid}/close", raw, body)
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert any(words in error["detail"] for error in problem["errors"]), problem
    assert not RequestAnswer.objects.filter(request_id=rid).exists()
    assert IncomingRequest.objects.get(pk=rid).status == "open"
    assert JournalEntry.objects.filter(action="request_closed").count() == closes


def test_a_person_asking_through_the_api_about_a_requisition_is_answered_within_its_secrecy(
    client: Any, world: World, raw: str, foreigner: Any
) -> None:
    """As on the page (test_measure_secrecy): 001, art. 46bis/1, § 2 CIC."""
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    requisition = register(client, foreigner, PROSECUTOR)
    examine(client, requisition, ANSWERS["prosecutor"])
    assert close(client, requisition).status_code == 302
    fields = {
        "requester_kind": "the_person",
        "requester_name": "La personne elle-même",
        "requester_contact": "Rue des Tilleuls 4, 5000 Testville",
        "channel": "letter",
        "categories": ["other"],
        "claimed_basis": "none",
        "asks_about_requests": True,
    }
    api_story(client, raw, foreigner, fields, {})
    answer = RequestAnswer.objects.get(request__requester_kind="the_person")
    assert answer.request.asks_about_requests
    assert answer.verdict == "secret" and answer.rule_ids[0] == "measure_secrecy"
    assert answer.keep_secret and answer.letter_kind == "reply"
    letter = pdf_text(answer.get_pdf())
    assert "46bis" not in letter and "Parquet" not in letter and "réquisition" not in letter


def test_a_refused_api_access_to_a_request_is_journaled_like_a_refused_page(
    client: Any, world: World, raw: str
) -> None:
    """Issue 12 item 3: a 403/404 on a person's data is journaled ``access_denied``,
    through the API as through the pages (actor and target; the person when of the
    caller's organisation)."""
    w = world.a
    rid = api_register(client, raw, w.person, POLICE)
    outsider = token(w.other_team_worker, "register")
    assert call(client, "get", f"/api/v1/requests/{rid}", outsider).status_code == 404
    entry = JournalEntry.objects.filter(action="access_denied").order_by("-seq").first()
    assert entry is not None and entry.actor_id == w.other_team_worker.pk
    assert entry.target == f"person:{w.person.pk}/request:{rid}"
    assert entry.details == {"denied": "scope", "person_id": w.person.pk}
    # Another organisation's worker: refused, journaled, and the person is not named.
    stranger = token(world.b.users[roles.SOCIAL_WORKER], "register")
    assert call(client, "get", f"/api/v1/requests/{rid}/examination", stranger).status_code == 404
    other = JournalEntry.objects.filter(action="access_denied").order_by("-seq").first()
    assert other is not None and other.actor_id == world.b.users[roles.SOCIAL_WORKER].pk
    assert other.target == f"request:{rid}" and "person_id" not in other.details

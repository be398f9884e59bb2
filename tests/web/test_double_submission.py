"""A form sent twice stores its record once (depositaire/web/once.py).

Each guarded form is opened (GET), its one-time token read from the page, then posted
twice with that token, as a double click or the back button then "send" does: one record,
one journal entry, and the second post is sent where the first one led.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from depositaire.web import once
from depositaire.web.accounts import roles
from depositaire.web.cases.models import InformationItem
from depositaire.web.consent.models import Consent
from depositaire.web.disclosures.models import Disclosure
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer
from depositaire.web.journal.models import JournalEntry
from web.factories import World, make_person, make_user
from web.test_incoming import GUARANTOR, POLICE_WRITTEN, examine, register

ALREADY = "Ce formulaire a déjà été envoyé : rien n'a été enregistré une seconde fois."
TOKEN = re.compile(r'name="form_once" value="([^"]+)"')


def token_of(page: Any) -> str:
    assert page.status_code == 200
    tokens = TOKEN.findall(page.content.decode())
    assert len(tokens) == 1, f"{len(tokens)} one-time tokens in the form"
    return tokens[0]


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


@dataclass
class Case:
    url: str
    data: dict[str, Any]
    count: Callable[[], int]
    entries: Callable[[], int]


def _item(client: Any, world: World) -> Case:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    return Case(
        reverse("cases:item_create", kwargs={"person_id": w.person.pk}),
        {
            "nature": "secret_fact",
            "categories": ["address"],
            "origin": "learned_from_others",
            "content": "Loyer de 650 euros",
        },
        lambda: InformationItem.objects.filter(person=w.person).count(),
        lambda: JournalEntry.objects.filter(action="item_created").count(),
    )


def _consent(client: Any, world: World) -> Case:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    return Case(
        reverse("consent:consent_create", kwargs={"person_id": w.person.pk}),
        {
            "answer": "given",
            "recipient_kind": "cpas_special_committee",
            "purpose": "aid_decision",
            "categories": ["income"],
            "informed": "on",
            "information_given": "Expliqué le rôle du Comité",
            "period_start": "2026-01-01",
        },
        lambda: Consent.objects.filter(person=w.person).count(),
        lambda: JournalEntry.objects.filter(action="consent_changed").count(),
    )


def _incoming(client: Any, world: World) -> Case:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    client.force_login(sw)
    return Case(
        reverse("incoming:create"),
        {
            "person": w.person.pk,
            "received_at": "2026-11-26T09:30",
            "received_by": sw.pk,
            **POLICE_WRITTEN,
        },
        lambda: IncomingRequest.objects.filter(person=w.person).count(),
        lambda: JournalEntry.objects.filter(action="request_registered").count(),
    )


def _outgoing(client: Any, world: World) -> Case:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    person = make_person(
        w.org, w.team, w.users[roles.SOCIAL_WORKER], first="Samir", last="GARANTX", nationality="MA"
    )
    return Case(
        reverse("incoming:outgoing_create"),
        {"person": person.pk, **GUARANTOR},
        lambda: IncomingRequest.objects.filter(person=person).count(),
        lambda: JournalEntry.objects.filter(action="request_registered").count(),
    )


def _prepare(client: Any, world: World) -> Case:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    return Case(
        reverse("disclosures:prepare", kwargs={"person_id": w.person.pk}),
        {
            "recipient_kind": "cpas_special_committee",
            "recipient_name": "",
            "purpose": "aid_decision",
            "session": w.session.pk,
            "necessary_only": "true",
            "items": [w.confidence.pk, w.secret_fact.pk],
            "action": "prepare",
        },
        lambda: Disclosure.objects.filter(person=w.person).count(),
        lambda: JournalEntry.objects.filter(action="disclosure_prepared").count(),
    )


def _close(client: Any, world: World) -> Case:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    incoming = register(client, w.person, {**POLICE_WRITTEN, "categories": ["address"]})
    examine(client, incoming, {})
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    form = client.get(url).context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if value not in (None, "", []):
            data[name] = value
    data["action"] = "close"
    return Case(
        url,
        data,
        lambda: RequestAnswer.objects.filter(request=incoming).count(),
        lambda: JournalEntry.objects.filter(
            action="request_closed", details__request_id=incoming.pk
        ).count(),
    )


CASES = {
    "item": _item,
    "consent": _consent,
    "incoming_request": _incoming,
    "outgoing_request": _outgoing,
    "disclosure": _prepare,
    "close_with_letter": _close,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_a_form_posted_twice_with_its_token_stores_one_record(
    client: Any, world: World, name: str
) -> None:
    case = CASES[name](client, world)
    records, entries = case.count(), case.entries()
    data = {**case.data, once.FIELD: token_of(client.get(case.url))}

    first = client.post(case.url, data)
    assert first.status_code == 302, text(first)[:2000]
    assert (case.count(), case.entries()) == (records + 1, entries + 1)

    again = client.post(case.url, data, follow=True)
    assert again.redirect_chain[0] == (first["Location"], 302)
    assert ALREADY in text(again)
    assert (case.count(), case.entries()) == (records + 1, entries + 1)


@pytest.mark.django_db
def test_the_message_has_its_dutch_twin(client: Any, world: World) -> None:
    case = _item(client, world)
    user = world.a.users[roles.SOCIAL_WORKER]
    user.language = "nl"
    user.save(update_fields=["language"])
    records = case.count()
    data = {**case.data, once.FIELD: token_of(client.get(case.url))}
    assert client.post(case.url, data).status_code == 302
    again = client.post(case.url, data, follow=True)
    assert "Dit formulier werd al verzonden: er werd niets een tweede keer opgeslagen." in text(
        again
    )
    assert case.count() == records + 1


def _refused(response: Any) -> None:
    assert response.status_code == 400
    assert "pas de jeton d'envoi valable" in text(response)
    assert "Rien n'a été enregistré" in text(response) or "rien n'a été enregistré" in text(
        response
    )


@pytest.mark.django_db
@pytest.mark.raw_form_post
@pytest.mark.parametrize("name", ["item", "consent", "incoming_request", "disclosure"])
def test_a_missing_or_forged_token_stores_nothing(client: Any, world: World, name: str) -> None:
    case = CASES[name](client, world)
    records, entries = case.count(), case.entries()
    good = token_of(client.get(case.url))
    nonce, _, signature = good.partition(".")
    other = Client()
    other.force_login(world.a.users[roles.SOCIAL_WORKER])
    other_session = once.mint(other.session.session_key, "cases:item_create")
    forged = [
        "",
        "nimporte-quoi",
        "é.ü",  # not ASCII: refused, never a server error
        f"{nonce}.{'0' * len(signature)}",
        f"{nonce[::-1]}.{signature}",
        other_session,  # another session of the same user
        once.mint(client.session.session_key, "cases:person_create"),  # another form
    ]
    _refused(client.post(case.url, case.data))  # no token at all
    for token in forged:
        _refused(client.post(case.url, {**case.data, once.FIELD: token}))
    assert (case.count(), case.entries()) == (records, entries)
    # The page's own token still works afterwards: a refused post did not consume it.
    assert client.post(case.url, {**case.data, once.FIELD: good}).status_code == 302
    assert (case.count(), case.entries()) == (records + 1, entries + 1)


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_keeps_its_token(client: Any, world: World) -> None:
    case = _item(client, world)
    token = token_of(client.get(case.url))
    invalid = client.post(case.url, {**case.data, "categories": ["salary"], once.FIELD: token})
    assert invalid.status_code == 200 and invalid.context["form"].errors
    assert case.count() == InformationItem.objects.filter(person=world.a.person).count()
    before = case.count()
    # Corrected, sent with the token of the page shown again (or the first one: both hold).
    fresh = token_of(invalid)
    assert fresh != token
    assert client.post(case.url, {**case.data, once.FIELD: token}).status_code == 302
    assert client.post(case.url, {**case.data, once.FIELD: fresh}).status_code == 302
    assert case.count() == before + 2


@pytest.fixture
def own_keys(settings: Any, tmp_path: Any) -> Any:
    settings.KEY_DIR = tmp_path / "keys"
    return settings.KEY_DIR


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_with_one_token_store_one_record(own_keys: Any) -> None:
    """Two threads, two connections, the same token at the same moment: exactly one wins."""
    from depositaire.web.accounts.models import Organisation, Team

    org = Organisation.objects.create(name="CPAS de Course", kind="cpas")
    team = Team.objects.create(organisation=org, name="Équipe course")
    sw = make_user(org, roles.SOCIAL_WORKER, "sw-course", teams=[team])
    person = make_person(org, team, sw, first="Carla", last="COURSE")
    first = Client()
    first.force_login(sw)
    url = reverse("cases:item_create", kwargs={"person_id": person.pk})
    data = {
        "nature": "secret_fact",
        "categories": ["address"],
        "origin": "observed",
        "content": "Une seule fois",
        once.FIELD: token_of(first.get(url)),
    }
    second = Client()
    second.cookies = first.cookies  # the same session, as a second click sends
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(client: Client) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert InformationItem.objects.filter(person=person).count() == 1
    assert JournalEntry.objects.filter(action="item_created", actor_id=sw.pk).count() == 1
    # The winner redirects to the item; the other is sent there too, or told it is pending.
    assert sorted(statuses)[0] == 302 and sorted(statuses)[1] in (302, 409)

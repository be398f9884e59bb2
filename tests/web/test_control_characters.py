"""A NUL or another control character typed (or sent) in a form's text field: the form is
shown again with the field's error in the catalogue's words and the rest of the input kept;
nothing is stored. A view reading a NUL value itself still answers 400 (QA s10 item 1)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.incoming.models import IncomingRequest
from depositaire.web.journal.models import JournalEntry
from web.factories import World
from web.test_incoming import POLICE

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _error(code: str) -> str:
    return t("security.forms.control_character", code=code)


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("char", "code"), [("\x00", "U+0000"), ("\x07", "U+0007"), ("\x9b", "U+009B")]
)
def test_a_control_character_in_a_person_field_is_the_fields_error(
    world: World, char: str, code: str
) -> None:
    before = Person.objects.count()
    response = _client(world.a.users[roles.SOCIAL_WORKER]).post(
        reverse("cases:person_create"),
        {
            "first_name": "Anne",
            "last_name": f"DU{char}PONT",
            "address": "Rue des Témoins 4",
            "nationality": "BE",
            "team": world.a.team.pk,
        },
    )
    assert response.status_code == 200
    body = _text(response)
    assert _error(code) in body
    assert response.context["form"].errors == {"last_name": [_error(code)]}
    assert 'value="Anne"' in body and "Rue des Témoins 4" in body
    # Shown again without the control character: what is kept is what can be sent back.
    assert 'value="DUPONT"' in body and char not in body
    assert Person.objects.count() == before


def test_a_nul_in_an_item_is_the_fields_error_and_nothing_is_stored(world: World) -> None:
    before = InformationItem.objects.count()
    response = _client(world.a.users[roles.SOCIAL_WORKER]).post(
        reverse("cases:item_create", kwargs={"person_id": world.a.person.pk}),
        {
            "nature": "secret_fact",
            "categories": ["address", "income"],
            "origin": "learned_from_others",
            "content": "Loyer de 650\x00 euros",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"content": [_error("U+0000")]}
    body = _text(response)
    assert "Loyer de 650 euros" in body and "\x00" not in body
    assert response.context["form"]["categories"].value() == ["address", "income"]
    assert InformationItem.objects.count() == before


def test_a_nul_in_a_request_is_the_fields_error_and_nothing_is_stored(world: World) -> None:
    sw = world.a.users[roles.SOCIAL_WORKER]
    before = IncomingRequest.objects.count()
    response = _client(sw).post(
        reverse("incoming:create"),
        {
            **POLICE,
            "person": world.a.person.pk,
            "request_text": "veut savoir\x00 où il habite",
            "received_at": "2026-11-26T09:30",
            "received_by": sw.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"request_text": [_error("U+0000")]}
    body = _text(response)
    assert "Zone de police Testville" in body and "veut savoir où il habite" in body
    assert IncomingRequest.objects.count() == before


def test_a_nul_in_the_login_is_the_fields_error(world: World) -> None:
    failures = JournalEntry.objects.filter(action="login_failed").count()
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("accounts:login"), {"username": "ali\x00ce", "password": "secret"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [_error("U+0000")]
    body = _text(response)
    assert 'value="alice"' in body
    assert "_auth_user_id" not in client.session
    assert JournalEntry.objects.filter(action="login_failed").count() == failures


def test_a_tab_and_line_breaks_are_text_not_control_characters(world: World) -> None:
    response = _client(world.a.users[roles.SOCIAL_WORKER]).post(
        reverse("cases:item_create", kwargs={"person_id": world.a.person.pk}),
        {
            "nature": "secret_fact",
            "categories": ["address"],
            "origin": "learned_from_others",
            "content": "Ligne 1\r\nLigne 2\tcolonne",
        },
    )
    assert response.status_code == 302


def test_a_view_reading_a_nul_value_itself_answers_400(world: World) -> None:
    """The sessions page reads ``session`` from the POST itself (no form): a NUL there
    would reach the database (PostgreSQL: a 500); it stays the 400 page."""
    response = _client(world.a.users[roles.SOCIAL_WORKER]).post(
        reverse("accounts:sessions"), {"session": "ab\x00c"}
    )
    assert response.status_code == 400
    assert t("web.errors.400.title") in _text(response)


def test_a_nul_in_a_posted_name_or_a_query_parameter_read_by_a_view_answers_400(
    world: World,
) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    assert client.post(reverse("cases:person_create"), {"a\x00b": "x"}).status_code == 400
    assert client.get(reverse("cases:person_list"), {"q\x00": "a"}).status_code == 400
    # A parameter no form reads (the examination's « corriger »): still the 400 page.
    from web.incoming_factories import request_for

    incoming = request_for(world.a)
    url = reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})
    assert client.get(url, {"corriger": "a\x00b"}).status_code == 400


def test_a_nul_in_the_persons_search_is_the_search_boxs_french_error(world: World) -> None:
    """QA s11: « a\\x00b » pasted in « Chercher un nom » gave the page « Demande
    incorrecte » (400), the search and the sort lost; now the box says why, the text kept
    without the character, the sort kept, and nothing is searched."""
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.get(reverse("cases:person_list"), {"q": "Du\x00bois", "tri": "-nom"})
    assert response.status_code == 200
    body = _text(response)
    assert _error("U+0000") in body
    assert 'value="Dubois"' in body
    assert '<option value="-nom" selected>' in body
    assert response.context["persons"] is not None and world.a.person in list(
        response.context["persons"]
    )  # nothing filtered on a text refused


def test_a_nul_in_the_register_filter_is_the_fields_french_error(world: World) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.get(reverse("incoming:list"), {"demandeur": "po\x00lice", "statut": "open"})
    assert response.status_code == 200
    form = response.context["filter_form"]
    assert form.errors["demandeur"] == [_error("U+0000")]
    assert _error("U+0000") in _text(response)


def test_every_form_of_the_application_checks_its_text() -> None:
    """A form written later on Django's base classes would answer a NUL with the 400 page."""
    import importlib
    import pkgutil

    from django import forms

    import depositaire.web
    from depositaire.web.fields import CheckedTextMixin

    for info in pkgutil.walk_packages(depositaire.web.__path__, "depositaire.web."):
        if ".migrations" in info.name or info.name.endswith(("wsgi", "__main__")):
            continue
        importlib.import_module(info.name)

    def subclasses(cls: type) -> set[type]:
        out = set(cls.__subclasses__())
        for sub in list(out):
            out |= subclasses(sub)
        return out

    ours = [
        c
        for c in subclasses(forms.BaseForm)
        if c.__module__.startswith("depositaire.web.") and c.__module__ != "depositaire.web.fields"
    ]
    assert len(ours) >= 20
    assert [c.__qualname__ for c in ours if not issubclass(c, CheckedTextMixin)] == []

"""Bad input never gives a server error: the three 500s of the probe, dates out of range,
and a Hypothesis property test posting generated values to every field of every form."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depositaire.web.accounts import roles
from web.factories import World
from web.incoming_factories import request_for

pytestmark = pytest.mark.django_db

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([a-z_0-9]+)"')
SKIP = {"csrfmiddlewaretoken", "next"}


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_request_received_in_year_one_is_refused_in_french(world: World) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("incoming:create"),
        {
            "person": world.a.person.pk,
            "requester_kind": "police",
            "requester_organisation": "Zone de police",
            "received_at": "0001-01-01",
            "received_by": world.a.users[roles.SOCIAL_WORKER].pk,
        },
    )
    assert response.status_code == 200
    assert "Date refusée : elle doit se situer entre 1900 et 2100." in response.content.decode()


@pytest.mark.parametrize("day", ["1800-01-01", "9999-12-31"])
def test_a_birth_date_in_1800_or_9999_is_refused(world: World, day: str) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("cases:person_create"),
        {"first_name": "Test", "last_name": "DATE", "birth_date": day, "team": world.a.team.pk},
    )
    assert response.status_code == 200 and "Date refusée" in response.content.decode()


def test_an_item_id_of_23_digits_on_a_new_communication_is_an_invalid_choice(
    world: World,
) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("disclosures:prepare", args=[world.a.person.pk]),
        {"recipient_kind": "cpas_president", "purpose": "urgent_aid", "items": "1" * 23},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["session", "team"])
def test_an_id_beyond_the_database_integers_is_an_invalid_choice(world: World, field: str) -> None:
    """PostgreSQL raises on an integer beyond bigint (a 500 found by the property test)."""
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    if field == "session":
        url = reverse("disclosures:prepare", args=[world.a.person.pk])
        data = {"recipient_kind": "cpas_president", "purpose": "urgent_aid", "session": "8" * 25}
    else:
        url = reverse("cases:person_create")
        data = {"first_name": "Test", "last_name": "ID", "team": "8" * 25}
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'name="' + field + '"' in response.content.decode()


def test_a_nul_character_in_a_search_is_a_bad_request_not_a_server_error(world: World) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.get(reverse("cases:person_list"), {"q": "a\x00b"})
    assert response.status_code == 400


def test_a_search_of_1500_words_answers(world: World) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.get(reverse("cases:person_list"), {"q": " ".join(["mot"] * 1500)})
    assert response.status_code == 200
    assert "Recherche trop longue : au plus 10 mots." in response.content.decode()


def _forms(world: World) -> list[tuple[str, str, str]]:
    """(role, URL, method) of every form of the application a user fills."""
    w = world.a
    incoming = request_for(w).pk
    return [
        (roles.SOCIAL_WORKER, reverse("cases:person_create"), "post"),
        (roles.SOCIAL_WORKER, reverse("cases:item_create", args=[w.person.pk]), "post"),
        (roles.SOCIAL_WORKER, reverse("cases:person_list"), "get"),
        (roles.SOCIAL_WORKER, reverse("consent:consent_create", args=[w.person.pk]), "post"),
        (roles.SOCIAL_WORKER, reverse("consent:objection_create", args=[w.person.pk]), "post"),
        (roles.SOCIAL_WORKER, reverse("disclosures:prepare", args=[w.person.pk]), "post"),
        (roles.SOCIAL_WORKER, reverse("incoming:create"), "post"),
        (roles.SOCIAL_WORKER, reverse("incoming:examine", args=[incoming]), "post"),
        (roles.SOCIAL_WORKER, reverse("incoming:answer", args=[incoming]), "post"),
        (roles.HEAD_SOCIAL_WORKER, reverse("disclosures:session_create"), "post"),
        (roles.HEAD_SOCIAL_WORKER, reverse("accounts:approvals"), "post"),
        (roles.SOCIAL_WORKER, reverse("accounts:password_change"), "post"),
        (roles.SOCIAL_WORKER, reverse("accounts:sessions"), "post"),
        (roles.DPO, reverse("disclosures:journal"), "get"),
    ]


VALUES = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
    st.sampled_from(["0001-01-01", "9999-12-31T23:59", "1800-02-30", "true", "false", "", "\x00"]),
    st.text(alphabet="0123456789", min_size=19, max_size=25),
)


def _run(
    client: Client,
    url: str,
    method: str,
    names: list[str],
    server_errors: list[str],
    counter: list[int],
) -> None:
    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(st.fixed_dictionaries({name: VALUES for name in names}))
    def post(data: dict[str, str]) -> None:
        counter[0] += 1
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            server_errors.append(f"{url} {data!r}")

    post()


def test_generated_values_in_every_form_field_give_no_server_error(
    world: World, capsys: Any
) -> None:
    counter = [0]
    server_errors: list[str] = []
    for role, url, method in _forms(world):
        client = _client(world.a.users[role])
        page = client.get(url)
        names = sorted(set(FIELD.findall(page.content.decode())) - SKIP) or ["q"]

        _run(client, url, method, names, server_errors, counter)
    with capsys.disabled():
        print(
            f"\nproperty test over {len(_forms(world))} forms: {counter[0]} cases, "
            f"{len(server_errors)} server errors"
        )
    assert counter[0] > 200
    assert not server_errors, server_errors[:3]


# ------------------------------------------------------------------------------ uploads


def _upload(client: Client, incoming: Any, name: str, raw: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("incoming:document_add", kwargs={"incoming_id": incoming.pk})
    return client.post(url, {"document": SimpleUploadedFile(name, raw)}, follow=True)


def test_an_attachment_on_a_closed_request_is_refused(world: World) -> None:
    from depositaire.web.incoming.models import RequestDocument
    from web.incoming_factories import closed_request_for

    closed = closed_request_for(world.a)
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    before = RequestDocument.objects.filter(request=closed).count()
    response = _upload(client, closed, "late.pdf", b"%PDF-1.4\nlate\n%%EOF\n")
    assert "Cette demande est clôturée" in response.content.decode()
    assert RequestDocument.objects.filter(request=closed).count() == before


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"),
        ("photo.png", b"\x89PNG\r\n\x1a\n....IEND\xaeB`\x82PK\x03\x04hidden.zip"),
        ("photo.jpg", b"\xff\xd8\xff\xe0....\xff\xd9<?php system($_GET[1]); ?>"),
        ("after.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF\nsomething hidden after the end"),
    ],
)
def test_a_polyglot_file_is_refused(world: World, name: str, raw: bytes) -> None:
    from depositaire.web.incoming.models import RequestDocument

    incoming = request_for(world.a)
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    before = RequestDocument.objects.filter(request=incoming).count()
    response = _upload(client, incoming, name, raw)
    assert "Ce type de fichier n'est pas accepté" in html.unescape(response.content.decode())
    assert RequestDocument.objects.filter(request=incoming).count() == before


def test_uploads_are_kept_in_memory_and_never_written_to_a_temporary_file(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    incoming = request_for(world.a)
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    small = _upload(client, incoming, "ok.pdf", b"%PDF-1.4\n" + b"0" * 30_000 + b"\n%%EOF\n")
    assert "Ce type de fichier" not in small.content.decode()
    big = _upload(client, incoming, "big.pdf", b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n")
    assert "Ce fichier dépasse 5 Mo." in big.content.decode()
    assert list(tmp_path.iterdir()) == []

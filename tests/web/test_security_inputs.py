"""Bad input never gives a server error: the three 500s of the probe, dates out of range,
and a Hypothesis property test posting generated values to every field of every form."""

from __future__ import annotations

import html
import os
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

# Generated cases per form: a Hypothesis profile. `make test` runs "depositaire-forms",
# 12 posts per form and 29 generated files for the upload field (485 cases: 14 application
# forms 168, 14 admin forms and the user list's action 180, login, code, enrolment and
# password forms 60, the 4 passkey ceremonies 48, the upload field 29), each value drawn
# for every field of the form (dates out of range, NUL, huge integers, 19-25 digit ids,
# free text). DEPOSITAIRE_FORMS_PROFILE=depositaire-forms-thorough runs the earlier 25 per
# form and 60 files (1 035 cases).
for _name, _per_form in (("depositaire-forms", 12), ("depositaire-forms-thorough", 25)):
    settings.register_profile(
        _name,
        max_examples=_per_form,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
FORMS = settings.get_profile(os.environ.get("DEPOSITAIRE_FORMS_PROFILE", "depositaire-forms"))
#: Generated files for the upload field: 2.4 times the posts per form (60 for 25).
UPLOADS = round(FORMS.max_examples * 2.4)

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


@pytest.mark.parametrize("value", ["³", "٣", "²5"])
def test_a_digit_that_int_does_not_read_is_an_invalid_choice(world: World, value: str) -> None:
    """``'³'.isdigit()`` is true but ``int('³')`` raises: a 500 the property test found on
    the admin's user form (the teams). Ids are now checked with ``isdecimal``."""
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    url = reverse("cases:person_create")
    response = client.post(url, {"first_name": "Test", "last_name": "ID", "team": value})
    assert response.status_code == 200
    assert 'name="team"' in response.content.decode()
    multiple = _client(world.a.users[roles.SOCIAL_WORKER]).get(
        reverse("incoming:create"), {"personne": value}
    )
    assert multiple.status_code == 200


def test_a_nul_character_in_a_search_is_the_fields_error_not_a_server_error(
    world: World,
) -> None:
    """A NUL in the search is the search box's French error (QA s11; it was a 400 page,
    which lost the search): never a server error (``test_control_characters.py`` checks
    the text kept and the sort)."""
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    response = client.get(reverse("cases:person_list"), {"q": "a\x00b"})
    assert response.status_code == 200
    assert "U+0000" in response.content.decode()


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
    @settings(FORMS)
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
    assert counter[0] >= FORMS.max_examples * len(_forms(world)) * 0.8
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


# ------------------------------------------- admin, login, second factor, passwords, files


def _admin_forms(world: World) -> list[tuple[str, str]]:
    """(URL, method) of every admin form the system administrator reaches: each model's
    add and change pages, its list (search, and the actions with ids), never a deletion."""
    from django_otp_webauthn.models import WebAuthnCredential  # noqa: F401 (not in the admin)

    from depositaire.web.accounts.admin import site

    w = world.a
    objects = {
        "accounts.Organisation": w.org,
        "accounts.Team": w.team,
        "accounts.User": w.users[roles.SOCIAL_WORKER],
    }
    forms: list[tuple[str, str]] = []
    for model in site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        forms.append((reverse(f"{info}_changelist"), "get"))
        forms.append((reverse(f"{info}_changelist"), "post"))
        forms.append((reverse(f"{info}_add"), "post"))
        obj = objects.get(model._meta.label) or model._default_manager.first()
        if obj is not None:
            forms.append((reverse(f"{info}_change", args=[obj.pk]), "post"))
    return forms


def _fields_of(client: Client, url: str, extra: tuple[str, ...] = ()) -> list[str]:
    page = client.get(url)
    names = set(FIELD.findall(page.content.decode())) | set(extra)
    return sorted(names - SKIP - {"post"}) or ["q"]


def _report(capsys: Any, what: str, forms: int, cases: int, errors: list[str]) -> None:
    with capsys.disabled():
        print(
            f"\nproperty test over {what}: {forms} forms, {cases} cases, {len(errors)} server errors"
        )


def test_generated_values_in_every_admin_form_give_no_server_error(
    world: World, capsys: Any
) -> None:
    client = _client(world.a.users[roles.SYSADMIN])
    counter = [0]
    server_errors: list[str] = []
    # Only the forms the sysadmin reaches (adding an organisation, for one, is refused).
    forms = [(url, m) for url, m in _admin_forms(world) if client.get(url).status_code == 200]
    assert len(forms) >= 10
    for url, method in forms:
        extra = ("action", "_selected_action", "index", "q") if "changelist" in url else ()
        names = _fields_of(client, url, extra if url.endswith("/") and method == "post" else ())
        _run(client, url, method, names, server_errors, counter)
    # The user list's action (a reset link) with generated ids: a generated action name
    # above never names a real action.
    users = reverse("admin:accounts_user_changelist")

    @settings(FORMS)
    @given(st.lists(VALUES, min_size=1, max_size=3))
    def act(ids: list[str]) -> None:
        counter[0] += 1
        data = {"action": "send_reset_link", "_selected_action": ids, "index": "0"}
        if client.post(users, data).status_code >= 500:
            server_errors.append(f"{users} {ids!r}")

    act()
    _report(capsys, "the admin", len(forms) + 1, counter[0], server_errors)
    assert counter[0] >= FORMS.max_examples * len(forms) * 0.8
    assert not server_errors, server_errors[:3]


def test_generated_values_in_the_login_code_and_password_forms_give_no_server_error(
    world: World, capsys: Any
) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from web.factories import PASSWORD, make_user
    from web.mfa import totp_device

    counter = [0]
    server_errors: list[str] = []
    w = world.a
    # The login form, anonymous.
    anonymous = Client(raise_request_exception=False)
    forms = [(anonymous, reverse("accounts:login"), ["username", "password"])]
    # The code form after the password (an enrolled account), and the enrolment form.
    for name, enrolled in (("prop-code", True), ("prop-enrol", False)):
        user = make_user(w.org, roles.SOCIAL_WORKER, name, teams=[w.team], password=PASSWORD)
        if enrolled:
            totp_device(user)
        client = Client(raise_request_exception=False)
        client.post(reverse("accounts:login"), {"username": name, "password": PASSWORD})
        forms.append((client, reverse("accounts:mfa"), ["code", "next"]))
    # The password chosen from a reset link, and one's own password change.
    user = make_user(w.org, roles.SOCIAL_WORKER, "prop-reset", teams=[w.team])
    link = reverse(
        "accounts:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    forms.append((Client(raise_request_exception=False), link, ["new_password1", "new_password2"]))
    own = _client(w.users[roles.HEAD_SOCIAL_WORKER])
    forms.append(
        (
            own,
            reverse("accounts:password_change"),
            _fields_of(own, reverse("accounts:password_change")),
        )
    )
    for client, url, names in forms:
        _run(client, url, "post", names, server_errors, counter)
    _report(capsys, "login, code and password forms", len(forms), counter[0], server_errors)
    assert counter[0] >= FORMS.max_examples * len(forms) * 0.8
    assert not server_errors, server_errors[:3]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "rawId",
                    "type",
                    "response",
                    "clientDataJSON",
                    "signature",
                    "authenticatorData",
                    "attestationObject",
                    "userHandle",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


def test_generated_json_to_the_passkey_ceremonies_gives_no_server_error(
    world: World, capsys: Any
) -> None:
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    counter = [0]
    server_errors: list[str] = []
    urls = [
        reverse(f"accounts:{name}")
        for name in (
            "passkey_register_begin",
            "passkey_register_complete",
            "passkey_auth_begin",
            "passkey_auth_complete",
        )
    ]

    for url in urls:

        @settings(FORMS)
        @given(st.one_of(JSON, st.binary(max_size=200)))
        def post(body: Any) -> None:
            counter[0] += 1
            if url.endswith("fin/"):  # a ceremony begun, so the answer is checked
                client.post(url.replace("fin/", "debut/"), content_type="application/json")
            if isinstance(body, bytes):
                response = client.generic("POST", url, body, content_type="application/json")
            else:
                response = client.post(url, body, content_type="application/json")
            if response.status_code >= 500:
                server_errors.append(f"{url} {body!r}")

        post()
    _report(capsys, "the passkey ceremonies (JSON)", len(urls), counter[0], server_errors)
    assert counter[0] >= FORMS.max_examples * len(urls) * 0.8
    assert not server_errors, server_errors[:3]


MAGICS = [b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"GIF89a"]
NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=0, max_size=80
) | st.sampled_from(["a.pdf", "../../etc/passwd", "x.pdf.exe", ".pdf", "é.png", "a" * 300 + ".pdf"])


def test_generated_files_in_every_upload_field_give_no_server_error(
    world: World, capsys: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from depositaire.web.incoming.models import RequestDocument

    incoming = request_for(world.a)
    client = _client(world.a.users[roles.SOCIAL_WORKER])
    url = reverse("incoming:document_add", kwargs={"incoming_id": incoming.pk})
    counter = [0]
    server_errors: list[str] = []
    stored = [0]

    @settings(FORMS, max_examples=UPLOADS)
    @given(
        st.sampled_from(MAGICS),
        st.binary(max_size=3000),
        st.sampled_from([b"", b"\n%%EOF\n", b"IEND\xaeB`\x82", b"\xff\xd9"]),
        NAMES,
    )
    def upload(magic: bytes, body: bytes, tail: bytes, name: str) -> None:
        counter[0] += 1
        before = RequestDocument.objects.filter(request=incoming).count()
        # A name with no base name ("a/", ".") cannot even be built by Django's test file
        # (SuspiciousFileOperation before any request): such names are sent as "x".
        if os.path.basename(name) in {"", ".", ".."}:
            name = "x"
        document = SimpleUploadedFile(name, magic + body + tail)
        response = client.post(url, {"document": document})
        if response.status_code >= 500:
            server_errors.append(f"{name!r} {magic!r}")
        stored[0] += RequestDocument.objects.filter(request=incoming).count() - before

    upload()
    _report(capsys, "the upload field", 1, counter[0], server_errors)
    with capsys.disabled():
        print(f"upload property test: {stored[0]} generated files accepted, the rest refused")
    assert counter[0] >= UPLOADS * 0.8
    assert not server_errors, server_errors[:3]


@pytest.mark.parametrize(
    ("field", "value"), [("teams", "4688507205276750993402064"), ("organisation", "8" * 25)]
)
def test_an_admin_id_beyond_the_database_integers_is_an_invalid_choice(
    world: World, field: str, value: str
) -> None:
    """Found by the property test: SQLite raised OverflowError (a 500) on the user form."""
    user = world.a.users[roles.SOCIAL_WORKER]
    client = _client(world.a.users[roles.SYSADMIN])
    data = {"username": user.username, "last_name": user.last_name, field: value}
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize("ids", [[""], ["abc"], ["9" * 25], ["1", "x"]])
def test_an_admin_action_on_ids_that_are_not_integers_selects_nothing(
    world: World, ids: list[str]
) -> None:
    """Found by the property test: ``pk__in=['abc']`` raised a 500 on the user list."""
    client = _client(world.a.users[roles.SYSADMIN])
    users = reverse("admin:accounts_user_changelist")
    response = client.post(
        users, {"action": "send_reset_link", "_selected_action": ids, "index": "0"}, follow=True
    )
    assert response.status_code == 200

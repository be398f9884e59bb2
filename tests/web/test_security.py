"""Issue 13: the system administrator never acts as a user; a second factor for every
account; sessions a database copy cannot open; throttling that locks no colleague out;
passwords checked against a breached list."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from depositaire.web.accounts import roles
from depositaire.web.accounts.middleware import LAST_SEEN
from depositaire.web.accounts.models import AccountChange, HashedSession, User
from depositaire.web.cases.models import EmergencyAccess
from depositaire.web.journal.models import JournalEntry
from web.factories import PASSWORD, World, make_user
from web.mfa import code_for_secret, next_code, totp_device

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lune grise sur le canal 47"


def _journal(action: str) -> JournalEntry:
    return JournalEntry.objects.filter(action=action).latest("seq")


def _user_form(user: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id,
        "role": user.role,
        "profession": user.profession,
        "teams": [t.pk for t in user.teams.all()],
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def fresh(user: User) -> User:
    """A copy to change: the world's objects are shared by every test (only the database rolls back)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def sysadmin(client: Client, world: World) -> User:
    user = fresh(world.a.users[roles.SYSADMIN])
    client.force_login(user)
    return user


# ------------------------------------------------------------------ separation of duties


def test_the_administrator_has_no_page_to_set_a_password(
    client: Client, world: World, sysadmin: User
) -> None:
    victim = fresh(world.a.users[roles.SOCIAL_WORKER])
    victim.set_password(PASSWORD)
    victim.save()
    url = f"/administration/accounts/user/{victim.pk}/password/"
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.get(url, follow=True).status_code == 404
    assert client.post(url, data, follow=True).status_code in (403, 404)
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD) and not victim.check_password(NEW_PASSWORD)
    # Nor does the change form carry a password field.
    page = client.get(_change_url(victim)).content.decode()
    assert 'name="password' not in page and "/password/" not in page


def test_the_reset_link_goes_to_the_user_ends_their_sessions_and_requires_mfa_again(
    client: Client, world: World, sysadmin: User
) -> None:
    victim = fresh(world.a.users[roles.SOCIAL_WORKER])
    victim.email = "claire@example.org"
    victim.set_password(PASSWORD)
    victim.save()
    totp_device(victim)
    victim_client = Client()
    victim_client.force_login(victim)
    assert victim_client.get(reverse("cases:person_list")).status_code == 200

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_reset_link", "_selected_action": [victim.pk]},
        follow=True,
    )
    assert response.status_code == 200
    # The link went by mail to the user's address; the administrator's page never shows it.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["claire@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)  # type: ignore[union-attr]
    path = link.split("testserver", 1)[1]
    assert path not in response.content.decode()
    entry = _journal("password_reset_sent")
    assert entry.actor_id == sysadmin.pk and entry.target == f"user:{victim.pk}"
    assert entry.details["sessions_count"] >= 1
    # The victim's sessions are over, the old password and second factor are void.
    assert victim_client.get(reverse("cases:person_list")).status_code == 302
    victim.refresh_from_db()
    assert not victim.has_usable_password()
    assert not TOTPDevice.objects.filter(user=victim).exists()

    # The user chooses the password; the link then stops working.
    anonymous = Client()
    page = anonymous.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert page.status_code == 200 and "Mot de passe enregistré" in page.content.decode()
    assert _journal("password_set").actor_id == victim.pk
    assert anonymous.get(path).status_code == 404
    # The next login asks to enrol the second factor again.
    anonymous.post(
        reverse("accounts:login"), {"username": victim.username, "password": NEW_PASSWORD}
    )
    enrol = anonymous.get(reverse("accounts:mfa")).content.decode()
    assert "Activer la vérification en deux étapes" in enrol


def test_the_sysadmin_cannot_give_himself_a_content_role_or_a_team(
    client: Client, world: World, sysadmin: User
) -> None:
    data = _user_form(sysadmin, role=roles.SOCIAL_WORKER, teams=[world.a.team.pk])
    response = client.post(_change_url(sysadmin), data, follow=True)
    assert response.status_code == 200
    sysadmin.refresh_from_db()
    assert sysadmin.role == roles.SYSADMIN and not sysadmin.teams.exists()
    assert not AccountChange.objects.filter(user=sysadmin).exists()
    refused = _journal("account_change_refused_self")
    assert refused.details["role_after"] == roles.SOCIAL_WORKER
    assert refused.details["teams_after_ids"] == [world.a.team.pk]
    # And the files stay closed to him.
    assert client.get(reverse("cases:person_detail", args=[world.a.person.pk])).status_code == 403


def test_a_content_role_and_a_team_wait_for_the_head_and_both_acts_are_journaled(
    client: Client, world: World, sysadmin: User
) -> None:
    target = make_user(world.a.org, roles.ADMIN_STAFF, "nouvelle.recrue")
    data = _user_form(target, role=roles.SOCIAL_WORKER, teams=[world.a.team.pk])
    client.post(_change_url(target), data)
    target.refresh_from_db()
    assert target.role == roles.ADMIN_STAFF and not target.teams.exists()
    change = AccountChange.objects.get(user=target, state=AccountChange.PENDING)
    requested = _journal("account_change_requested")
    assert requested.actor_id == sysadmin.pk
    assert (requested.details["role_before"], requested.details["role_after"]) == (
        roles.ADMIN_STAFF,
        roles.SOCIAL_WORKER,
    )
    assert requested.details["teams_before_ids"] == []
    assert requested.details["teams_after_ids"] == [world.a.team.pk]
    # The administrator cannot approve; another organisation's head does not see it.
    assert client.get(reverse("accounts:approvals")).status_code == 403
    outsider = Client()
    outsider.force_login(world.b.users[roles.HEAD_SOCIAL_WORKER])
    assert "nouvelle.recrue" not in outsider.get(reverse("accounts:approvals")).content.decode()
    # The head of the organisation approves.
    head = Client()
    head.force_login(world.a.users[roles.HEAD_SOCIAL_WORKER])
    assert "nouvelle.recrue" in head.get(reverse("accounts:approvals")).content.decode()
    head.post(reverse("accounts:approvals"), {"change": change.pk, "decision": "approve"})
    target.refresh_from_db()
    assert target.role == roles.SOCIAL_WORKER
    assert list(target.teams.values_list("pk", flat=True)) == [world.a.team.pk]
    approved = _journal("account_change_approved")
    assert approved.actor_id == world.a.users[roles.HEAD_SOCIAL_WORKER].pk
    assert approved.details["role_before"] == roles.ADMIN_STAFF
    assert approved.details["role_after"] == roles.SOCIAL_WORKER
    assert approved.details["requested_by_id"] == sysadmin.pk


def test_a_new_address_for_a_social_worker_waits_for_approval(
    client: Client, world: World, sysadmin: User
) -> None:
    # Otherwise the administrator could redirect the reset link to himself.
    victim = fresh(world.a.users[roles.SOCIAL_WORKER])
    victim.email = "claire@example.org"
    victim.save()
    client.post(_change_url(victim), _user_form(victim, email="martin@example.org"))
    victim.refresh_from_db()
    assert victim.email == "claire@example.org"
    change = AccountChange.objects.get(user=victim)
    assert change.email_after == "martin@example.org"
    president = Client()
    president.force_login(world.a.users[roles.PRESIDENT])
    president.post(reverse("accounts:approvals"), {"change": change.pk, "decision": "refuse"})
    victim.refresh_from_db()
    assert victim.email == "claire@example.org"
    assert _journal("account_change_refused").details["email_changed"] is True


def test_every_admin_act_goes_into_the_signed_journal(
    client: Client, world: World, sysadmin: User
) -> None:
    team = world.a.other_team
    url = reverse("admin:accounts_team_change", args=[team.pk])
    client.post(url, {"name": "Équipe renommée", "organisation": world.a.org.pk})
    entry = _journal("admin_action")
    assert entry.actor_id == sysadmin.pk and entry.target == f"team:{team.pk}"
    assert entry.details == {"model": "team", "flag": "change", "fields": ["name"]}


def test_the_sysadmin_is_refused_on_every_data_url(
    client: Client, world: World, sysadmin: User, capsys: Any
) -> None:
    from web.test_access import SPECS, _request

    data_specs = [s for s in SPECS if roles.SYSADMIN not in s.ok]
    statuses = [_request(client, spec, world.a).status_code for spec in data_specs]
    refused = sum(code in (403, 404) for code in statuses)
    with capsys.disabled():
        print(f"\nsysadmin x data URLs: {len(data_specs)} URLs, {refused} refused")
    assert refused == len(data_specs) and len(data_specs) >= 40


# ------------------------------------------------------------------------------- MFA


def _password_step(client: Client, user: User, password: str = PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def test_every_role_needs_the_second_factor(world: World) -> None:
    needs = 0
    for role in roles.ROLES:
        user = make_user(world.a.org, role, f"mfa-{role}", password=PASSWORD)
        client = Client()
        _password_step(client, user)
        home = client.get(reverse("cases:home"))
        assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:mfa"))
        admin = client.get(reverse("admin:index"))
        assert admin.status_code == 302 and admin["Location"].startswith(reverse("accounts:mfa"))
        needs += 1
    assert needs == len(roles.ROLES)


def test_the_first_login_enrols_a_totp_application_and_gives_recovery_codes(
    world: World,
) -> None:
    user = make_user(world.a.org, roles.SOCIAL_WORKER, "premiere", password=PASSWORD)
    client = Client()
    _password_step(client, user)
    page = client.get(reverse("accounts:mfa")).content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")  # type: ignore[union-attr]
    wrong = client.post(reverse("accounts:mfa"), {"code": "000000"})
    assert "Code incorrect" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles: one second after a first error
    done = client.post(reverse("accounts:mfa"), {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert _journal("mfa_enrolled").actor_id == user.pk
    assert client.get(reverse("cases:person_list")).status_code == 200
    # A recovery code replaces the application once.
    for attempt in range(2):
        other = Client()
        _password_step(other, user)
        response = other.post(reverse("accounts:mfa"), {"code": codes[0]})
        if attempt == 0:
            assert response.status_code == 302
            assert _journal("login").details == {"kind": "recovery_code"}
        else:
            assert response.status_code == 200 and "Code incorrect" in response.content.decode()


def test_wrong_codes_are_throttled(world: World) -> None:
    user = make_user(world.a.org, roles.SOCIAL_WORKER, "lente", password=PASSWORD)
    totp_device(user)
    client = Client()
    _password_step(client, user)
    for _ in range(3):
        client.post(reverse("accounts:mfa"), {"code": "123456"})
    # Right away, even the right code is refused: each error doubles the wait.
    response = client.post(reverse("accounts:mfa"), {"code": next_code(user)})
    assert response.status_code == 200 and "Code incorrect" in response.content.decode()
    assert JournalEntry.objects.filter(action="mfa_failed", actor_id=user.pk).count() == 4


# -------------------------------------------------------------------------- sessions


def test_a_copy_of_the_database_opens_no_session(world: World) -> None:
    from django.conf import settings
    from django.db import connection

    client = Client()
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("cases:person_list")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key FROM accounts_hashedsession")
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone()[0] == 0
    assert stored and cookie not in stored
    opened = 0
    for key in stored:
        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = key
        opened += thief.get(reverse("cases:person_list")).status_code == 200
    assert opened == 0


def test_an_idle_session_ends_after_the_setting(world: World, settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 30 * 60
    client = Client()
    user = world.a.users[roles.SOCIAL_WORKER]
    client.force_login(user)
    assert client.get(reverse("cases:person_list")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("cases:person_list"))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert _journal("session_idle").actor_id == user.pk


def test_one_lists_ones_sessions_and_ends_another(world: World) -> None:
    user = world.a.users[roles.SOCIAL_WORKER]
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    page = laptop.get(reverse("accounts:sessions")).content.decode()
    keys = re.findall(r'name="session" value="([0-9a-f]{64})"', page)
    assert len(keys) == 1 and "Cette session" in page
    laptop.post(reverse("accounts:sessions"), {"session": keys[0]})
    assert phone.get(reverse("cases:person_list")).status_code == 302
    assert laptop.get(reverse("cases:person_list")).status_code == 200
    # Another user's session cannot be ended from here.
    other = Client()
    other.force_login(world.a.users[roles.HEAD_SOCIAL_WORKER])
    theirs = HashedSession.objects.filter(user_id=world.a.users[roles.HEAD_SOCIAL_WORKER].pk)
    laptop.post(reverse("accounts:sessions"), {"session": theirs.first().session_key})  # type: ignore[union-attr]
    assert other.get(reverse("cases:person_list")).status_code == 200


def test_the_database_file_and_its_folder_are_made_private(tmp_path: Any) -> None:
    from types import SimpleNamespace

    from depositaire.web.accounts.apps import keep_database_private

    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    db = folder / "depositaire.sqlite3"
    db.write_bytes(b"")
    db.chmod(0o644)
    keep_database_private(None, SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(db)}))
    assert db.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700


# ------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "motdepasse12", "M0tdepa55e!!", "azertyuiop123", "court", "123456789012"],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_passphrase_is_accepted() -> None:
    validate_password(NEW_PASSWORD)


def test_one_changes_ones_password_and_the_other_sessions_end(world: World) -> None:
    user = make_user(world.a.org, roles.SOCIAL_WORKER, "change", password=PASSWORD)
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    weak = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "motdepasse12",
            "new_password2": "motdepasse12",
        },
    )
    assert "fuites de données" in weak.content.decode()
    done = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 200 and "Votre mot de passe est changé" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert here.get(reverse("cases:person_list")).status_code == 200
    assert elsewhere.get(reverse("cases:person_list")).status_code == 302
    assert _journal("password_changed").actor_id == user.pk


def test_code_helper_computes_what_django_otp_accepts(world: World) -> None:
    user = make_user(world.a.org, roles.DPO, "horloge", password=PASSWORD)
    device = totp_device(user)
    import base64

    assert device.verify_token(code_for_secret(base64.b32encode(device.bin_key).decode()))


# ------------------------------------------------------------------ the journal seals rows


def _row_problems(report: Any) -> set[tuple[str, int | None]]:
    return {(p.code, p.other) for p in report.problems if p.code.startswith("row_")}


def test_verify_detects_a_direct_change_to_a_consent_row_and_a_disclosure_row(
    world: World,
) -> None:
    from django.db import connection

    from depositaire.web.journal.rows import seal_existing
    from depositaire.web.journal.verify import verify

    assert seal_existing() > 10  # the test world is loaded unsealed, like a fixture
    consent, disclosure = world.a.consent, world.a.disclosures["president"]
    assert _row_problems(verify()) == set()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consent_consent SET status = %s WHERE id = %s", ["active", consent.pk]
        )
        cursor.execute(
            "UPDATE consent_consent SET purpose = %s WHERE id = %s", ["other", consent.pk]
        )
        cursor.execute(
            "UPDATE disclosures_disclosure SET recipient_kind = %s WHERE id = %s",
            ["police", disclosure.pk],
        )
    report = verify()
    assert _row_problems(report) == {
        ("row_changed_consent", consent.pk),
        ("row_changed_disclosure", disclosure.pk),
    }
    assert not report.ok
    messages = " ".join(p.message for p in report.problems)
    assert f"Consentement n° {consent.pk} modifié hors de l'application" in messages


def test_verify_detects_a_deleted_and_an_inserted_item_row(world: World) -> None:
    from django.db import connection

    from depositaire.web.cases.models import InformationItem
    from depositaire.web.journal.rows import seal_existing
    from depositaire.web.journal.verify import verify

    seal_existing()
    item = world.a.secret_fact
    columns = [f.column for f in InformationItem._meta.concrete_fields if f.column != "id"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM cases_informationitem")
        new_id = cursor.fetchone()[0] + 1000
        cursor.execute(
            f"INSERT INTO cases_informationitem (id, {', '.join(columns)}) "
            f"SELECT %s, {', '.join(c if c != 'uuid' else '%s' for c in columns)} "
            "FROM cases_informationitem WHERE id = %s",
            [new_id, "0" * 32, item.pk],
        )
        cursor.execute(
            "DELETE FROM disclosures_disclosure_items WHERE informationitem_id = %s", [item.pk]
        )
        cursor.execute("DELETE FROM cases_informationitem WHERE id = %s", [item.pk])
    problems = _row_problems(verify())
    assert ("row_missing_item", item.pk) in problems
    assert ("row_unsealed_item", new_id) in problems


def test_a_change_through_the_application_is_sealed_again(world: World) -> None:
    from depositaire.web.consent.models import Consent
    from depositaire.web.journal.rows import seal_existing
    from depositaire.web.journal.verify import verify

    seal_existing()
    consent = Consent.objects.get(pk=world.a.consent.pk)
    consent.status = "inactive"
    consent.save()
    seal = JournalEntry.objects.filter(action="row_sealed").latest("seq")
    assert seal.details["model"] == "consent" and seal.details["row_id"] == consent.pk
    assert _row_problems(verify()) == set()


# -------------------------------------------------------------- reads of lists journaled


def test_lists_and_searches_are_journaled_with_a_count_and_without_the_terms(
    world: World,
) -> None:
    client = Client()
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    client.get(reverse("cases:person_list"), {"q": world.a.person.last_name})
    entry = _journal("list_viewed")
    assert entry.details == {
        "view": "person_list",
        "count": 1,
        "search_words_count": 1,
        "total_count": 1,
    }
    assert world.a.person.last_name.lower() not in repr(entry.details).lower()
    pages = {
        "request_list": reverse("incoming:list"),
        "committee_sessions": reverse("disclosures:session_list"),
    }
    for view, url in pages.items():
        client.get(url)
        assert _journal("list_viewed").details["view"] == view
    head = Client()
    head.force_login(world.a.users[roles.HEAD_SOCIAL_WORKER])
    for view, url in {
        "follow_up": reverse("incoming:follow_up"),
        "inbox": reverse("disclosures:inbox"),
        "committee_session": reverse("disclosures:session_detail", args=[world.a.session.pk]),
    }.items():
        head.get(url)
        assert _journal("list_viewed").details["view"] == view


# ------------------------------------------------------------------------ break the glass


def _break_glass(client: Client, person_id: int) -> Any:
    return client.post(
        reverse("cases:emergency_open"),
        {
            "file_number": person_id,
            "reason": "danger_person",
            "statement": "Appel de l'école : l'enfant n'est pas rentré, sa référente est absente.",
        },
    )


def test_a_worker_opens_another_teams_file_in_an_emergency_with_a_reason(
    world: World,
) -> None:
    w = world.a
    outsider = Client()
    outsider.force_login(w.other_team_worker)
    detail = reverse("cases:person_detail", args=[w.person.pk])
    assert outsider.get(detail).status_code == 404
    response = _break_glass(outsider, w.person.pk)
    assert response.status_code == 302 and response["Location"] == detail
    assert outsider.get(detail).status_code == 200
    entry = _journal("break_glass")
    assert entry.actor_id == w.other_team_worker.pk and entry.target == f"person:{w.person.pk}"
    assert entry.details["reason"] == "danger_person"
    assert "école" not in repr(entry.details)
    # A colleague's confidence stays closed, even in an emergency.
    confidence = reverse("cases:item_detail", args=[w.confidence.pk])
    assert outsider.get(confidence).status_code == 404
    # Flagged: the head reads the worker's words, the DPO sees the access without them.
    head = Client()
    head.force_login(w.users[roles.HEAD_SOCIAL_WORKER])
    page = head.get(reverse("cases:emergency_list")).content.decode()
    assert "Danger pour la personne" in page and "l&#x27;enfant n&#x27;est pas rentré" in page
    dpo = Client()
    dpo.force_login(w.users[roles.DPO])
    page = dpo.get(reverse("cases:emergency_list")).content.decode()
    assert "Danger pour la personne" in page and "pas rentré" not in page
    # Listed in the person's report, with who viewed the file (function, service, day).
    worker = Client()
    worker.force_login(w.users[roles.SOCIAL_WORKER])
    report = worker.get(reverse("disclosures:report", args=[w.person.pk])).content.decode()
    assert "Accès d&#x27;urgence à votre dossier" in report
    assert w.other_team.name in report and "Danger pour la personne" in report
    assert "Qui a consulté votre dossier" in report
    assert w.other_team_worker.last_name not in report


def test_an_emergency_access_finds_no_file_of_another_organisation(world: World) -> None:
    outsider = Client()
    outsider.force_login(world.a.other_team_worker)
    response = _break_glass(outsider, world.b.person.pk)
    assert response.status_code == 200
    assert "Aucun dossier de votre organisation" in response.content.decode()
    assert not JournalEntry.objects.filter(action="break_glass").exists()


def test_passkey_ceremonies_need_the_password_and_adding_one_needs_the_second_factor(
    world: World,
) -> None:
    user = make_user(world.a.org, roles.SOCIAL_WORKER, "passkey-guard", password=PASSWORD)
    totp_device(user)
    anonymous = Client()
    for name in ("passkey_register_begin", "passkey_auth_begin", "passkey_auth_complete"):
        response = anonymous.post(reverse(f"accounts:{name}"), content_type="application/json")
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    client = Client()
    _password_step(client, user)
    # After the password only: a passkey cannot be added, nor the list read.
    for name in ("passkey_register_begin", "passkey_register_complete", "passkeys"):
        response = client.post(reverse(f"accounts:{name}"), content_type="application/json")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:mfa"))
    # The sign-in ceremony starts, and a forged answer is refused, journaled, and opens nothing.
    begin = client.post(reverse("accounts:passkey_auth_begin"), content_type="application/json")
    assert begin.status_code == 200 and begin.json()["challenge"]
    forged = client.post(
        reverse("accounts:passkey_auth_complete"),
        {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}},
        content_type="application/json",
    )
    assert forged.status_code >= 400 and forged.status_code < 500
    assert _journal("mfa_failed").details == {"kind": "passkey"}
    assert client.get(reverse("cases:home"))["Location"].startswith(reverse("accounts:mfa"))


def test_a_reset_link_also_removes_the_passkeys(world: World, sysadmin: User) -> None:
    from django_otp_webauthn.models import WebAuthnCredential

    from depositaire.web.accounts.views import send_reset_link

    user = make_user(world.a.org, roles.SOCIAL_WORKER, "passkey-reset", password=PASSWORD)
    user.email = "passkey-reset@example.org"
    user.save()
    WebAuthnCredential.objects.create(
        user=user, name="clé", confirmed=True, credential_id=b"\x01" * 16, public_key=b"k"
    )
    request = Client().get("/").wsgi_request
    request.user = sysadmin
    assert send_reset_link(request, user)
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_an_emergency_access_alerts_the_dpo_and_the_head_by_a_mail_without_personal_data(
    world: World,
) -> None:
    w = world.a
    head, dpo = w.users[roles.HEAD_SOCIAL_WORKER], w.users[roles.DPO]
    User.objects.filter(pk=head.pk).update(email="chef@cpas.example")
    User.objects.filter(pk=dpo.pk).update(email="dpo@cpas.example")
    # The head of the worker's own team is not the file's controller: not alerted.
    make_user(w.org, roles.HEAD_SOCIAL_WORKER, "head-other-team", teams=[w.other_team])
    User.objects.filter(username="head-other-team").update(email="autre@cpas.example")
    mail.outbox.clear()
    outsider = Client()
    outsider.force_login(w.other_team_worker)
    assert _break_glass(outsider, w.person.pk).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["chef@cpas.example", "dpo@cpas.example"]
    assert _journal("break_glass").details["alerts_count"] == 2
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    assert "accès d'urgence" in text.lower()
    assert w.other_team.name in text  # the service of whoever opened the file
    assert f"« {w.other_team_worker.get_role_display()} »" in text  # by which function
    assert f"http://testserver{reverse('cases:emergency_list')}" in text  # the link
    access = EmergencyAccess.objects.get(person=w.person)
    assert timezone.localtime(access.created_at).strftime("%d/%m/%Y") in text
    # Nothing about the person, the file, the reason or the worker's words or name.
    for secret in (
        w.person.first_name,
        w.person.last_name,
        f"n° {w.person.pk}",
        "Danger pour la personne",
        "danger_person",
        "école",
        "rentré",
        w.other_team_worker.last_name,
        w.other_team_worker.username,
    ):
        assert secret not in text, secret


def test_the_head_and_the_dpo_see_a_count_of_unreviewed_emergency_accesses_until_examined(
    world: World,
) -> None:
    w = world.a
    outsider = Client()
    outsider.force_login(w.other_team_worker)
    assert _break_glass(outsider, w.person.pk).status_code == 302
    access = EmergencyAccess.objects.get(person=w.person)
    head, dpo = Client(), Client()
    head.force_login(w.users[roles.HEAD_SOCIAL_WORKER])
    dpo.force_login(w.users[roles.DPO])
    badge = re.compile(r'<span class="badge" id="emergency-badge"[^>]*>(\d+)</span>')
    for client in (head, dpo):
        home = client.get(reverse("cases:home"), follow=True).content.decode()
        assert badge.search(home).group(1) == "1"
        assert "Accès d&#x27;urgence à examiner : 1" in home  # the banner of the home page
    # The worker who opened it sees no badge; nor does a head of another team.
    other_head = make_user(w.org, roles.HEAD_SOCIAL_WORKER, "head-b", teams=[w.other_team])
    other = Client()
    other.force_login(other_head)
    assert not badge.search(other.get(reverse("cases:person_list")).content.decode())
    # The head examines it: journaled; the head's count falls to 0, the DPO's stays 1.
    response = head.post(reverse("cases:emergency_list"), {"access": access.pk})
    assert response.status_code == 302
    entry = _journal("break_glass_reviewed")
    assert entry.actor_id == w.users[roles.HEAD_SOCIAL_WORKER].pk
    assert entry.details == {"access_id": access.pk, "person_id": w.person.pk}
    assert not badge.search(head.get(reverse("cases:person_list")).content.decode())
    assert badge.search(dpo.get(reverse("disclosures:registers")).content.decode()).group(1) == "1"
    # Examined once only; another's access or a wrong id is not found.
    assert head.post(reverse("cases:emergency_list"), {"access": access.pk}).status_code == 404
    assert other.post(reverse("cases:emergency_list"), {"access": access.pk}).status_code == 404
    assert dpo.post(reverse("cases:emergency_list"), {"access": "9" * 30}).status_code == 404
    assert dpo.post(reverse("cases:emergency_list"), {"access": access.pk}).status_code == 302
    access.refresh_from_db()
    assert access.head_reviewed_at and access.dpo_reviewed_at
    assert access.dpo_reviewed_by_id == w.users[roles.DPO].pk


def test_an_emergency_access_goes_on_when_the_mail_server_is_down(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    from depositaire.web.cases import emergency

    def down(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("down")

    w = world.a
    User.objects.filter(pk=w.users[roles.DPO].pk).update(email="dpo@cpas.example")
    monkeypatch.setattr(emergency, "send_mail", down)
    outsider = Client()
    outsider.force_login(w.other_team_worker)
    assert _break_glass(outsider, w.person.pk).status_code == 302
    assert _journal("break_glass").details["alerts_count"] == 0
    assert EmergencyAccess.objects.filter(person=w.person).count() == 1

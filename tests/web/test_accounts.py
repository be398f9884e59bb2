"""Login (Argon2, a one-time code, throttled per account and per (address, account), journaled) and logout."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.accounts.models import LoginFailure, User
from depositaire.web.journal.models import JournalEntry
from web.factories import PASSWORD, World, make_user
from web.mfa import next_code, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/connexion/"


@pytest.fixture
def worker(world: World) -> User:
    return make_user(
        world.a.org, roles.SOCIAL_WORKER, "alice", teams=[world.a.team], password=PASSWORD
    )


def login(client: Any, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def second_step(client: Any, user: User, next_url: str = "") -> Any:
    totp_device(user)
    url = reverse("accounts:mfa") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"code": next_code(user)})


def test_the_login_page_is_french_and_has_no_inline_script_or_style(client: Any) -> None:
    page = client.get(LOGIN)
    body = page.content.decode()
    assert page.status_code == 200 and "Se connecter" in body
    assert "<script>" not in body and "style=" not in body and "<style" not in body
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_a_user_logs_in_and_out_and_both_are_journaled(client: Any, worker: User) -> None:
    totp_device(worker)
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa")
    # The password alone opens nothing.
    assert client.get(reverse("cases:person_list"))["Location"].startswith(reverse("accounts:mfa"))
    response = second_step(client, worker)
    assert response.status_code == 302 and response["Location"] == reverse("cases:home")
    entry = JournalEntry.objects.filter(action="login").latest("seq")
    assert entry.actor_id == worker.pk and entry.organisation_id == worker.organisation_id
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert JournalEntry.objects.filter(action="logout", actor_id=worker.pk).exists()
    assert client.get(reverse("cases:person_list")).status_code == 302


def test_logout_needs_a_post(client: Any, worker: User) -> None:
    client.force_login(worker)
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_a_wrong_password_is_refused_journaled_without_the_username(
    client: Any, worker: User
) -> None:
    response = login(client, "alice", "not the password")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    entry = JournalEntry.objects.filter(action="login_failed").latest("seq")
    assert "alice" not in repr(entry.details) + entry.target
    # Under the account's organisation (the DPO sees it), the name as a keyed HMAC.
    assert entry.organisation_id == worker.organisation_id
    import hashlib

    assert len(entry.details["username_hmac_sha256"]) == 64
    assert entry.details["username_hmac_sha256"] != hashlib.sha256(b"alice").hexdigest()
    assert LoginFailure.objects.filter(username="alice").count() == 1


def test_logins_are_throttled_per_account(client: Any, worker: User, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES_ACCOUNT = 3
    for i in range(3):
        login(client, "alice", "wrong", address=f"10.0.0.{i + 1}")
    # Even the right password is refused now, from yet another address.
    response = login(client, "alice", PASSWORD, address="10.0.0.99")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert JournalEntry.objects.filter(action="login_failed", details__throttled=1).exists()


def test_failures_against_one_account_never_lock_out_the_other_accounts_of_the_address(
    client: Any, worker: User, world: World, settings: Any
) -> None:
    settings.LOGIN_MAX_FAILURES = 5
    colleague = make_user(world.a.org, roles.SOCIAL_WORKER, "bruno", password=PASSWORD)
    proxy = "192.0.2.7"  # behind a proxy, the whole organisation has this address
    for _ in range(5):
        login(client, "alice", "wrong", address=proxy)
    for name in ("bob", "carol", "dave", "erin", "frank", "gina"):
        login(client, name, "wrong", address=proxy)
    # The attacked pair (address, account) is blocked...
    assert login(client, "alice", PASSWORD, address=proxy).status_code == 429
    # ...the colleague behind the same address logs in...
    assert login(client, "bruno", PASSWORD, address=proxy).status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)
    client.post(reverse("accounts:logout"))
    # ...and so does alice from another address (the account limit is not reached).
    assert login(client, "alice", PASSWORD, address="192.0.2.8").status_code == 302


def test_old_failures_leave_the_window(client: Any, worker: User, settings: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    settings.LOGIN_MAX_FAILURES = 2
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    LoginFailure.objects.update(
        at=timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 5)
    )
    assert login(client, "alice", PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(world: World, settings: Any) -> None:
    from django.conf import settings as real

    settings.PASSWORD_HASHERS = real.PASSWORD_HASHERS  # the project's, not the tests' fast one
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.utils.module_loading import import_string

    import depositaire.web.settings as project

    assert issubclass(import_string(project.PASSWORD_HASHERS[0]), Argon2PasswordHasher)
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    user = make_user(world.a.org, roles.DPO, "argon", password=PASSWORD)
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_an_unsafe_next_address_is_ignored(client: Any, worker: User) -> None:
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"username": "alice", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:mfa")
    assert second_step(client, worker, "https://evil.example/")["Location"] == reverse("cases:home")
    client.post(reverse("accounts:logout"))
    response = client.post(LOGIN + "?next=/personnes/", {"username": "alice", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:mfa") + "?next=/personnes/"
    assert second_step(client, worker, "/personnes/")["Location"] == "/personnes/"


def test_the_admin_has_no_login_form_of_its_own(client: Any) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_user_without_an_organisation_or_role_cannot_log_in(client: Any) -> None:
    User.objects.create_user("nobody", password=PASSWORD)
    assert login(client, "nobody", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_login_sets_secure_session_and_csrf_cookies_in_production() -> None:
    import depositaire.web.settings as project

    assert project.SESSION_COOKIE_HTTPONLY and project.CSRF_COOKIE_HTTPONLY
    assert project.SESSION_COOKIE_SAMESITE == "Strict"


# Sessions signed in before the backend became UserBackend carry Django's ModelBackend path:
# a deployment must not sign them out.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
USER_BACKEND = "depositaire.web.accounts.backends.UserBackend"


def test_both_paths_are_listed_and_user_backend_comes_first(settings: Any) -> None:
    from depositaire.web.accounts import backends

    assert (backends.USER_BACKEND, backends.LEGACY_SESSION_BACKEND) == (
        USER_BACKEND,
        MODEL_BACKEND,
    )
    assert settings.AUTHENTICATION_BACKENDS == [USER_BACKEND, MODEL_BACKEND]


def test_a_session_signed_under_django_model_backend_stays_signed_in(
    client: Any, worker: User
) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY

    client.force_login(worker, backend=MODEL_BACKEND)
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    page = client.get(reverse("cases:person_list"))
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == worker.pk


def test_a_model_backend_session_of_a_deactivated_user_is_signed_out(
    client: Any, worker: User
) -> None:
    client.force_login(worker, backend=MODEL_BACKEND)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert client.get(reverse("cases:person_list")).status_code == 302


def test_a_new_login_is_signed_under_user_backend(client: Any, worker: User) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY

    totp_device(worker)
    assert login(client, "alice", PASSWORD).status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == USER_BACKEND


def test_a_wrong_password_is_checked_once_not_once_per_backend(
    client: Any, worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.auth.backends import ModelBackend

    calls: list[str] = []
    original = ModelBackend.authenticate

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counted)
    assert "Se connecter" in login(client, "alice", "pas le bon").content.decode()
    assert calls == ["UserBackend"]

"""Web test set-up: a file SQLite database (so its raw bytes can be searched), fast
password hashing, and one shared world of two organisations with a user per role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from web.chromium import browser, chromium, org, page  # noqa: F401 (fixtures: one Chromium per run)
from web.factories import World, build_world
from web.form_tokens import with_form_token

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once() -> Iterator[None]:
    """WhiteNoise lists and stats every static file each time a middleware chain is built.

    Django's test ``Client`` builds a chain per client, so that listing (about 150 files,
    some 30 ms) ran once per test: a third of the time of a test such as the access
    matrix's. Here it runs once per configuration (the settings WhiteNoise reads) and each
    new middleware gets the same ``StaticFile`` objects, as the threads of one server do.
    Serving is unchanged: the files, headers and 404s are WhiteNoise's own.
    """
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple[object, ...], dict[str, object]] = {}

    def add_files_from_finders(self: Any) -> None:
        names = sorted(n for n in dir(settings) if n.startswith(("WHITENOISE_", "STATIC")))
        key = (
            type(self),
            self.static_prefix,
            settings.DEBUG,
            tuple(settings.INSTALLED_APPS),
            repr([(n, getattr(settings, n)) for n in names]),
        )
        if key not in listed:
            kept, self.files = self.files, {}
            original(self)
            listed[key], self.files = self.files, kept
        self.files.update(listed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def world(django_db_setup: None, django_db_blocker: object) -> World:
    """Two organisations, built once and committed; each test runs in a rolled-back transaction.

    Transactional tests (browser, raw database) run last (pytest-django orders them) and
    build their own data: never use this fixture there.
    """
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        return build_world()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login`` skips the login form: it also skips the one-time code.

    The two steps themselves are tested through the real form (test_security.py, and in
    Chromium); every other test starts from a session that passed both.
    """
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self: object, user: object, backend: str | None = None) -> None:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        original(self, user, backend)  # type: ignore[arg-type]
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="test-login", defaults={"confirmed": True}
        )
        session = self.session  # type: ignore[attr-defined]
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(autouse=True)
def _forms_carry_their_one_time_token(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test client's post carries a fresh one-time token, as a form rendered by the page does.

    ``{% once_token %}`` puts it in every form that creates a record (depositaire/web/once.py);
    tests that post the data directly get a valid token for their own session here, the guard
    itself unchanged. Tests of the guard (a missing, forged or reused token) use the
    ``raw_form_post`` marker and send exactly what they mean to.
    """
    if request.node.get_closest_marker("raw_form_post"):
        return
    from django.test import Client

    original = Client.post

    def post(self: Client, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        data = with_form_token(self, path, data)
        return original(self, path, data, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)

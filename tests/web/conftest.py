"""Web test set-up: a file SQLite database (so its raw bytes can be searched), fast
password hashing, and one shared world of two organisations with a user per role."""

from __future__ import annotations

import os

import pytest

from web.factories import World, build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


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

"""The browser tests' Chromium (Debian's, driven by Playwright): one for the whole run.

``chromium`` is launched once per test session, at the first browser test, and closed at
the end of the session; ``browser`` is that instance. A module that re-exports the fixtures
(``browser = test_browser.browser``, as older modules do) still gets the same Chromium:
``browser`` itself launches nothing. Each test opens its own context (``page``), so no
cookie, storage or viewport passes from one test to the next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web.factories import PASSWORD, OrgWorld, build_org

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    playwright_sync = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("DEPOSITAIRE_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.skip(f"no Chromium at {executable}")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser(chromium: Any) -> Any:
    return chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A new context at 1280 × 900 in fr-BE; ``page.console_errors`` collects the errors."""
    context = browser.new_context(locale="fr-BE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} [{m.location.get('url', '')}] on {page.url}")
            if m.type == "error"
            else None
        ),
    )
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def org() -> OrgWorld:
    w = build_org("W", "CPAS de Navigateur")
    for user in [*w.users.values(), w.other_team_worker]:
        user.set_password(PASSWORD)
        user.save()
    return w

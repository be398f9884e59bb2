"""The API's documentation page in a real Chromium: Swagger UI from the application's own
files renders the operations under the site's Content-Security-Policy, with no error."""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_documentation_page_shows_every_operation_without_a_csp_error(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/decisions" in " ".join(paths)
    assert len(paths) >= 15
    assert "API Dépositaire" in page.locator(".info .title").inner_text()
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert not outside, outside

"""Every page, for every role, in Chromium: WCAG 2.1 AA (axe-core) and no sideways scroll.

The pages are those of the access table (``tests/web/test_access.py``, itself checked
against the URL conf), each opened by every role allowed to use it, plus the states a
table cannot reach by URL alone (a closed request, the decision of an interview, the
letter form, a refusal, the login steps). axe-core comes from npm
(``scripts/setup-axe.sh``, run by ``make setup``) and is injected into the page; the
strict CSP would refuse it, so this test's browser context alone bypasses the CSP
(``bypass_csp=True``), never the application.

Each page is checked at 1280 px and at 390 px (a phone): 0 axe violations with the tags
wcag2a, wcag2aa, wcag21a and wcag21aa, and at 390 px
``document.documentElement.scrollWidth <= clientWidth``. The figures go to
``var/screenshots/accessibility.json``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from depositaire.web.accounts import roles
from web import test_browser as shared
from web.factories import OrgWorld
from web.incoming_factories import closed_request_for
from web.test_access import SPECS
from web.test_browser import SCREENSHOTS

browser = shared.browser
org = shared.org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)
FIGURES = SCREENSHOTS / "accessibility.json"
#: Views that answer a file, not a page.
NOT_PAGES = {
    "disclosures:extract_pdf",
    "disclosures:report_pdf",
    "disclosures:journal_csv",
    "incoming:letter_pdf",
    "incoming:document",
    "consent:consent_fhir",
}


#: The page's structure as axe-core reads it: every element with its tag, classes, inline
#: style, ARIA and form attributes (values kept, ids numbered in order of appearance so
#: that duplicates and references stay visible), whether its text, alt, title, label or
#: value is empty, and the document's language. Two pages with the same structure differ
#: only in non-empty text and in values axe does not judge (an href, a number in an id):
#: axe gives them the same result, so it runs once per structure and width.
STRUCTURE = r"""() => {
  const order = new Map();
  const idOf = v => {
    if (!order.has(v)) order.set(v, order.size);
    return '#' + order.get(v);
  };
  document.querySelectorAll('[id]').forEach(e => idOf(e.id));
  const refs = v => v.split(/\s+/).filter(Boolean).map(r => order.has(r) ? idOf(r) : '?').join(' ');
  const kept = /^(role|type|lang|tabindex|autocomplete|scope|colspan|rowspan|disabled|hidden|multiple|required|readonly|open|inert|contenteditable|dir|accesskey|class|style|method|selected|checked|download|target|srcset|width|height)$/;
  const filled = /^(alt|title|placeholder|value|aria-label|aria-valuetext|aria-roledescription|summary|label|content|src|href|action|name)$/;
  const idrefs = /^(for|headers|list|form|aria-(labelledby|describedby|controls|owns|activedescendant|details|errormessage|flowto))$/;
  const out = [];
  const walk = node => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) {
        if (child.textContent.trim()) out.push('t');
        continue;
      }
      if (child.nodeType !== 1) continue;
      const attrs = [...child.attributes].map(a => {
        const n = a.name, v = a.value;
        if (n === 'id') return 'id=' + idOf(v);
        if (idrefs.test(n)) return n + '=' + refs(v);
        if (kept.test(n) || (n.startsWith('aria-') && !filled.test(n))) return n + '=' + v;
        if (filled.test(n)) return n + (v.trim() ? '+' : '-');
        return n;
      }).sort();
      out.push('<' + child.tagName + ' ' + attrs.join(' '));
      if (child.tagName === 'TEMPLATE') walk(child.content); else walk(child);
      out.push('>');
    }
  };
  walk(document);
  return [document.title.trim() ? 'title+' : 'title-', document.documentElement.lang, out.join('')].join('|');
}"""


def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: run `bash scripts/setup-axe.sh` (make setup)")
    return AXE.read_text(encoding="utf-8")


def pages_for(w: OrgWorld) -> dict[str, list[tuple[str, str]]]:
    """``role -> [(label, path)]``: every HTML page of the access table the role may open."""
    paths = {
        spec.id: spec.url(w)
        for spec in SPECS
        if spec.method == "get" and spec.name not in NOT_PAGES
    }
    closed = closed_request_for(w)
    extra = [
        ("incoming:detail(closed)", reverse("incoming:detail", args=[closed.pk]), {SW, HEAD}),
        ("incoming:examine(closed)", reverse("incoming:examine", args=[closed.pk]), {SW, HEAD}),
        ("error 403", reverse("disclosures:journal"), {SW}),
    ]
    out: dict[str, list[tuple[str, str]]] = {}
    for role in roles.ROLES:
        mine = [(spec.id, paths[spec.id]) for spec in SPECS if spec.id in paths and role in spec.ok]
        mine += [(label, path) for label, path, who in extra if role in who]
        out[role] = mine
    return out


SW, HEAD = roles.SOCIAL_WORKER, roles.HEAD_SOCIAL_WORKER


def session_cookie(user: Any, base: str) -> dict[str, Any]:
    """A session that passed both login steps (the conftest's ``force_login``)."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


class Scanner:
    """One context per account (CSP bypassed for axe only), reused for every page."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser = browser
        self.base = base
        self.source = axe_source()
        self.violations: list[str] = []
        self.wide: list[str] = []
        self.scanned: list[str] = []
        self.axe_seconds = 0.0
        #: ``(width, structure) -> page`` whose axe run covers every page of that structure.
        self.structures: dict[tuple[int, str], str] = {}
        self.axe_runs = 0
        self.context: Any = None
        self.page: Any = None

    def open(self, user: Any | None) -> Any:
        self.close()
        self.context = self.browser.new_context(
            locale="fr-BE", viewport={"width": WIDTHS[0], "height": 900}, bypass_csp=True
        )
        # Injected into every document before its own scripts (and compiled once, not per page).
        self.context.add_init_script(script=self.source)
        if user is not None:
            self.context.add_cookies([session_cookie(user, self.base)])
        self.page = self.context.new_page()
        return self.page

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None

    def check(self, who: str, label: str, path: str | None = None) -> None:
        """Check the page (opened at ``path``, or as it is) at both widths."""
        page = self.page
        if path is not None:
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            response = page.goto(self.base + path)
            assert response is not None and response.status < 500, (label, path)
        where = f"{who} {label} ({page.url.removeprefix(self.base)})"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # Let the page lay itself out at this width (site.js re-fits the table boxes).
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            structure = (width, page.evaluate(STRUCTURE))
            if structure in self.structures:
                violations = []  # the same structure's run is counted where it ran
            else:
                self.structures[structure] = where
                self.axe_runs += 1
                started = time.monotonic()
                result = page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                    " resultTypes: ['violations']})",
                    TAGS,
                )
                self.axe_seconds += time.monotonic() - started
                violations = result["violations"]
            for v in violations:
                for node in v["nodes"]:
                    self.violations.append(
                        f"{where} @{width}px: {v['id']} ({v['impact']}) {node['target']}"
                        f" — {node.get('failureSummary', '')[:200]}"
                    )
            if width == 390:
                widths = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                if widths[0] > widths[1]:
                    self.wide.append(f"{where}: scrollWidth {widths[0]} > {widths[1]}")
        self.scanned.append(where)


@pytest.fixture
def scanner(browser: Any, live_server: Any) -> Iterator[Scanner]:
    s = Scanner(browser, live_server.url)
    yield s
    s.close()


def report(scanner: Scanner, name: str, **more: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[name] = {
        "pages_scanned": len(scanner.scanned),
        "axe_runs": scanner.axe_runs,
        "distinct_structures": len(scanner.structures),
        "widths": list(WIDTHS),
        "axe_tags": TAGS,
        "violations": scanner.violations,
        "wider_than_390": scanner.wide,
        "pages": scanner.scanned,
        **more,
    }
    FIGURES.write_text(json.dumps(data, indent=2, ensure_ascii=False))


def test_every_page_for_every_role_has_no_wcag_violation_and_fits_a_phone(
    scanner: Scanner, org: OrgWorld
) -> None:
    started = time.monotonic()
    pages = pages_for(org)
    scanner.open(None)
    scanner.check("anonymous", "accounts:login", reverse("accounts:login"))
    for role in roles.ROLES:
        scanner.open(org.users[role])
        for label, path in pages[role]:
            scanner.check(role, label, path)
    seconds = round(time.monotonic() - started, 1)
    per_role = {role: len(pages[role]) for role in roles.ROLES}
    report(
        scanner,
        "every_page",
        seconds=seconds,
        axe_seconds=round(scanner.axe_seconds, 1),
        pages_per_role=per_role,
    )
    print(
        f"\naxe-core: {len(scanner.scanned)} pages × roles, each at {WIDTHS} px: "
        f"{len(scanner.violations)} violations, {len(scanner.wide)} pages wider than 390 px, "
        f"{seconds} s; axe ran {scanner.axe_runs} times, once per distinct structure and width"
    )
    assert sum(per_role.values()) > 80
    assert not scanner.violations, "\n".join(scanner.violations)
    assert not scanner.wide, "\n".join(scanner.wide)

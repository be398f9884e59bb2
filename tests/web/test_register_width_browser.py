"""The DPO's registers at 1280 × 800: no column cut; a wide table scrolls in its own region."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from web import test_browser as shared
from web.factories import OrgWorld
from web.test_browser import log_in

browser = shared.browser
page = shared.page
org = shared.org

#: For each table: does it fit its card, or else sit in a focusable, named scroll region
#: that can show all of it; and does the page itself keep within the window?
MEASURE = """() => [...document.querySelectorAll('main table')].map(table => {
  const box = table.closest('.table-box');
  const card = table.closest('.card') || document.body;
  const style = box ? getComputedStyle(box) : null;
  return {
    fits: table.getBoundingClientRect().right <= card.getBoundingClientRect().right + 1,
    scrolls: !!box && ['auto', 'scroll'].includes(style.overflowX)
      && box.scrollWidth >= table.scrollWidth
      && box.getBoundingClientRect().right <= card.getBoundingClientRect().right + 1,
    width: [table.scrollWidth, box ? box.clientWidth : 0],
    named: !!box && box.getAttribute('role') === 'region'
      && box.tabIndex === 0 && !!(box.getAttribute('aria-label') || '').trim(),
  };
})"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["disclosures:registers", "incoming:register"])
def test_the_dpo_registers_cut_no_column_at_1280(
    page: Any, live_server: Any, org: OrgWorld, name: str
) -> None:
    from web.incoming_factories import closed_request_for

    closed_request_for(org)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, org.users[roles.DPO].username)
    page.goto(live_server.url + reverse(name))
    tables = page.evaluate(MEASURE)
    assert tables, name
    for table in tables:
        assert table["fits"] and table["width"][0] <= table["width"][1], (name, table)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, (name, width)
    # Narrower, a table too wide scrolls in its own named, focusable region; the page does not.
    page.set_viewport_size({"width": 760, "height": 800})
    page.wait_for_timeout(100)
    for table in page.evaluate(MEASURE):
        assert table["fits"] or (table["scrolls"] and table["named"]), (name, table)
    assert page.evaluate("document.documentElement.scrollWidth") <= 760, name
    assert page.console_errors == []

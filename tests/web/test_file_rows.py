"""A person's file lists its items, requests and disclosures with each cell's words as the
catalogue writes them, in the reader's language (the rows are written by the view)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from depositaire.engine.explain import disclosure_label, format_date, value_label
from depositaire.messages import t, using_language
from depositaire.web.accounts import roles
from web.factories import World, make_disclosure, make_item
from web.incoming_factories import make_closed, make_request

pytestmark = pytest.mark.django_db

ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def _section(page: str, anchor: str) -> list[list[list[str]]]:
    """The body rows of a section's table, each cell's words (tags dropped, unescaped)."""
    part = page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]
    body = part.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [html.unescape(re.sub(r"<[^>]+>", " ", c)).split() for c in CELL.findall(row)]
        for row in ROW.findall(body)
    ]


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_each_row_of_the_file_says_what_it_is_in_the_reader_s_language(
    client: Any, world: World, language: str
) -> None:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    item = make_item(
        w.person,
        sw,
        nature="secret_fact",
        categories=["income", "household"],
        text="x",
        origin="observed",
    )
    request = make_request(w.person, sw, requester_kind="police", categories=["address"])
    answer = make_closed(request, sw)
    answer.sent_categories = ["address"]
    answer.save(update_fields=["sent_categories"])
    disclosure = make_disclosure(w.person, sw, kind="cpas_special_committee")
    client.force_login(sw)
    client.post(reverse("accounts:language"), {"language": language})
    page = client.get(reverse("cases:person_detail", kwargs={"person_id": w.person.pk}))
    text = page.content.decode()
    with using_language(language):
        today = _words(format_date(timezone.localdate()))
        cats = lambda cs: _words(", ".join(disclosure_label(c) for c in cs))  # noqa: E731
        items = _section(text, "items")
        assert [
            today,
            _words(value_label("information.nature", "secret_fact")),
            cats(item.categories),
            _words(t("web.origins.observed")),
            _words(sw.display_name),
            _words(t("web.file.open_item")),
        ] in items
        requests = _section(text, "requests")
        row = next(r for r in requests if r[0][0] == str(request.pk))
        assert row[0][1:] == _words(t("incoming.directions.incoming"))
        assert row[2][: len(_words(value_label("recipient.kind", "police")))] == _words(
            value_label("recipient.kind", "police")
        )
        assert row[3] == cats(["address"])
        assert row[4] == _words(t("incoming.statuses.closed"))
        assert row[5][-len(cats(["address"])) :] == cats(["address"])
        assert row[6] == _words(t("incoming.list.open"))
        disclosures = _section(text, "disclosures")
        assert [
            today,
            _words(value_label("recipient.kind", "cpas_special_committee")),
            _words(value_label("request.kind", disclosure.purpose)),
            cats(disclosure.disclosed_categories),
            _words(t(f"web.disclosure.statuses.{disclosure.status}")),
            _words(t("web.file.open_disclosure")),
        ] in disclosures
    assert f'href="{reverse("cases:item_detail", kwargs={"item_id": item.pk})}"' in text
    assert (
        f'href="{reverse("disclosures:detail", kwargs={"disclosure_id": disclosure.pk})}"' in text
    )

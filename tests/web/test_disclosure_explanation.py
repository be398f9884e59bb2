"""The « Explication complète » of a stored disclosure, in the reader's language: the
stored text (its preparer's language) stays the record; the stored situation, decided again
by the same rule base, renders it in the reader's language, or the page says why the text
is shown as recorded."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from depositaire.engine import decide, parse_situation
from depositaire.law import default_rule_base
from depositaire.messages import t, using_language
from depositaire.web.accounts import roles
from depositaire.web.disclosures.models import Disclosure
from web.factories import World
from web.test_disclosures import prepare

pytestmark = pytest.mark.django_db


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def explanations(page: Any) -> list[tuple[str | None, list[str]]]:
    """Each row's full explanation: its note (``None``: none) and its sentences."""
    body = page.content.decode()
    table = body[body.index('<table class="list outcomes">') :]
    table = table[: table.index("</table>")]
    out = []
    for block in re.findall(r"<details>(.*?)</details>", table, re.S):
        note = re.search(r'<p class="muted explanation-note">(.*?)</p>', block, re.S)
        lines = [_text(li) for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
        out.append((_text(note.group(1)) if note else None, lines))
    return out


def _prepared_in_french(client: Any, world: World) -> tuple[Disclosure, str]:
    w = world.a
    user = w.users[roles.SOCIAL_WORKER]
    client.force_login(user)
    response = prepare(client, world, items=[w.secret_fact])
    assert response.status_code == 302
    return Disclosure.objects.latest("pk"), reverse(
        "disclosures:detail", kwargs={"disclosure_id": Disclosure.objects.latest("pk").pk}
    )


def _reader_in(world: World, language: str) -> None:
    user = world.a.users[roles.SOCIAL_WORKER]
    user.language = language
    user.save(update_fields=["language"])


def _engine_text(outcome: dict[str, Any], language: str) -> list[str]:
    known = outcome["decision"]["as_known_on"]
    with using_language(language):
        return decide(parse_situation({**outcome["situation"], "as_known_on": known})).explanation


def test_a_dutch_reader_reads_the_full_explanation_in_dutch(client: Any, world: World) -> None:
    disclosure, url = _prepared_in_french(client, world)
    stored = [list(o["decision"]["explanation"]) for o in disclosure.outcomes]
    assert stored and all(stored)
    assert [_engine_text(o, "fr") for o in disclosure.outcomes] == stored  # stored in French
    _reader_in(world, "nl")
    shown = explanations(client.get(url))
    dutch = [_engine_text(o, "nl") for o in disclosure.outcomes]
    assert [lines for _note, lines in shown] == dutch
    assert all(note is None for note, _lines in shown)
    assert all(d != s for d, s in zip(dutch, stored, strict=True))  # not the French text
    # The record is untouched: the stored text is still the French one.
    disclosure.refresh_from_db()
    assert [o["decision"]["explanation"] for o in disclosure.outcomes] == stored


def test_a_french_reader_reads_the_stored_text(client: Any, world: World) -> None:
    disclosure, url = _prepared_in_french(client, world)
    shown = explanations(client.get(url))
    assert shown == [(None, o["decision"]["explanation"]) for o in disclosure.outcomes]


def test_another_rule_base_version_shows_the_text_as_recorded_and_says_so(
    client: Any, world: World
) -> None:
    disclosure, url = _prepared_in_french(client, world)
    old = [
        {**o, "decision": {**o["decision"], "rule_base_version": "0000-old"}}
        for o in disclosure.outcomes
    ]
    Disclosure.objects.filter(pk=disclosure.pk).update(outcomes=old)
    _reader_in(world, "nl")
    shown = explanations(client.get(url))
    with using_language("nl"):
        note = t(
            "web.disclosure.explanation_as_recorded.version",
            recorded="0000-old",
            current=default_rule_base().version,
        )
    assert shown == [(note, o["decision"]["explanation"]) for o in old]


def test_a_text_the_decision_no_longer_renders_is_shown_as_recorded_and_says_so(
    client: Any, world: World
) -> None:
    disclosure, url = _prepared_in_french(client, world)
    # A text the same rule base does not render from the stored situation (in any language).
    old = [
        {**o, "decision": {**o["decision"], "explanation": [*o["decision"]["explanation"][1:]]}}
        for o in disclosure.outcomes
    ]
    Disclosure.objects.filter(pk=disclosure.pk).update(outcomes=old)
    _reader_in(world, "nl")
    shown = explanations(client.get(url))
    with using_language("nl"):
        note = t("web.disclosure.explanation_as_recorded.other")
    assert shown == [(note, o["decision"]["explanation"]) for o in old]

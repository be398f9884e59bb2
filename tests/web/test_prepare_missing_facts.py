"""The communication form's « Ce que la décision doit encore savoir » asks only what the
current decisions still need: a fact answered is no longer listed there (it was, with every
fact asked before: QA s10 item 7); it stays in « Ce que vous avez déjà indiqué », posted
and used, and can be changed there. A question left blank that is no longer needed goes."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.disclosures.forms import FACTS, field_name
from depositaire.web.disclosures.preparation import missing_facts
from web.factories import World, make_collaboration_consent

pytestmark = pytest.mark.django_db


def _setup(client: Any, world: World) -> tuple[str, dict[str, Any]]:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    make_collaboration_consent(w.person, w.users[roles.SOCIAL_WORKER])
    url = reverse("disclosures:prepare", kwargs={"person_id": w.person.pk})
    data = {
        "recipient_kind": "external_professional",
        "purpose": "care_collaboration",
        "necessary_only": "true",
        "items": [w.secret_fact.pk],
        "action": "preview",
    }
    return url, data


def _block(body: str, legend: str) -> str:
    """The fieldset whose legend is ``legend`` ('' when the page has none)."""
    start = body.find(f"<legend>{legend}</legend>")
    return "" if start < 0 else body[start : body.index("</fieldset>", start)]


def test_an_answered_fact_leaves_the_missing_block_and_is_still_used(
    client: Any, world: World
) -> None:
    url, data = _setup(client, world)
    page = client.post(url, data)
    asked = page.context["facts_form"].paths
    assert "in_person_interest" in asked
    answers = {field_name(p): "true" for p in asked}
    page = client.post(url, {**data, **answers, "asked_facts": ",".join(asked)})
    outcomes = page.context["outcomes"]
    assert outcomes[1].decision.verdict == "share"
    # Only what the decisions still need is asked; the answers are shown as given.
    assert page.context["facts_form"].paths == missing_facts(outcomes)
    assert "in_person_interest" not in page.context["facts_form"].paths
    assert "in_person_interest" in page.context["given_form"].paths
    body = html.unescape(page.content.decode())
    missing = _block(body, t("web.prepare.missing_facts"))
    given = _block(body, t("web.prepare.given_facts"))
    assert 'name="fact__in_person_interest"' not in missing
    assert 'name="fact__in_person_interest"' in given
    # The next round still carries the answers: the decision stays the same.
    again = client.post(url, {**data, **answers, "asked_facts": page.context["asked_facts"]})
    assert again.context["outcomes"][1].decision.verdict == "share"


def test_a_question_left_blank_and_no_longer_needed_goes(client: Any, world: World) -> None:
    url, data = _setup(client, world)
    page = client.post(url, data)
    asked = page.context["facts_form"].paths
    answers = {field_name(p): "true" for p in asked}
    # A fact the decisions never needed, asked in an earlier round and left blank.
    stale = "danger.exists" if "danger.exists" not in asked else "danger.serious"
    assert stale in FACTS  # a question the form can ask
    page = client.post(url, {**data, **answers, "asked_facts": ",".join([*asked, stale])})
    shown = [*page.context["facts_form"].paths, *page.context["given_form"].paths]
    assert stale not in shown
    assert page.context["facts_form"].paths == missing_facts(page.context["outcomes"])

"""The « Pourquoi » of a disclosure's items, in the reader's language: why an item was
withheld (kept as a catalogue key and its parameters, rendered when read), and for an item
that went out the basis it went out under."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from depositaire.documents.basis import ground_notes
from depositaire.engine import decide
from depositaire.messages import t, using_language
from depositaire.web.accounts import roles
from depositaire.web.disclosures.models import Disclosure
from web.factories import World
from web.test_disclosures import prepare

pytestmark = pytest.mark.django_db


def why_cells(page: Any) -> dict[str, list[str]]:
    """The « Pourquoi » cell (4th) of each row of the outcomes table, by the row's class
    (``out``: went out, ``kept``: withheld), as text."""
    body = page.content.decode()
    table = body[body.index('<table class="list outcomes">') :]
    table = table[: table.index("</table>")]
    cells: dict[str, list[str]] = {"out": [], "kept": []}
    for kind, row in re.findall(r'<tr class="(out|kept)">(.*?)</tr>', table, re.S):
        tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        text = re.sub(r"<details>.*?</details>", "", tds[3], flags=re.S)
        cells[kind].append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()))
    return cells


def _withheld_for_an_outside_professional(client: Any, world: World) -> Disclosure:
    """The secret fact (income and household; the consent covers income only) and the
    confidence, prepared for an outside professional: both withheld, for two reasons."""
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = prepare(
        client,
        world,
        kind="external_professional",
        purpose="care_collaboration",
        items=[w.secret_fact, w.confidence],
    )
    assert response.status_code == 302
    return Disclosure.objects.latest("pk")


def test_a_dutch_reader_reads_why_an_item_was_withheld_in_dutch(client: Any, world: World) -> None:
    w = world.a
    disclosure = _withheld_for_an_outside_professional(client, world)
    by_item = {o["item_id"]: o for o in disclosure.outcomes}
    fact, confidence = by_item[w.secret_fact.pk], by_item[w.confidence.pk]
    assert not fact["included"] and not confidence["included"]
    url = reverse("disclosures:detail", kwargs={"disclosure_id": disclosure.pk})

    user = w.users[roles.SOCIAL_WORKER]
    user.language = "nl"
    user.save(update_fields=["language"])
    cells = why_cells(client.get(url))["kept"]
    # The engine's own Dutch explanation of the same situation holds the reason shown.
    with using_language("nl"):
        dutch = decide(fact["situation"]).explanation
        stays = t("web.disclosure.confidence_stays")
    assert any(cell in dutch for cell in cells), cells
    assert stays in cells
    # Nothing of what the preparer read in French.
    assert fact["reason"] not in cells and confidence["reason"] not in cells
    assert fact["reason"] in decide(fact["situation"]).explanation  # French, as before


def test_a_reason_stored_before_reasons_were_kept_as_keys_is_still_shown(
    client: Any, world: World
) -> None:
    disclosure = _withheld_for_an_outside_professional(client, world)
    old = [{k: v for k, v in o.items() if k != "why"} for o in disclosure.outcomes]
    Disclosure.objects.filter(pk=disclosure.pk).update(outcomes=old)
    url = reverse("disclosures:detail", kwargs={"disclosure_id": disclosure.pk})
    cells = why_cells(client.get(url))["kept"]
    assert sorted(cells) == sorted(o["reason"] for o in old if not o["included"])


def test_an_item_that_went_out_says_the_basis_it_went_out_under(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    # The preview first (the preparation page), then the stored disclosure.
    url = reverse("disclosures:prepare", kwargs={"person_id": w.person.pk})
    data = {
        "recipient_kind": "cpas_special_committee",
        "purpose": "aid_decision",
        "session": w.session.pk,
        "necessary_only": "true",
        "items": [w.secret_fact.pk],
        "action": "preview",
    }
    title = t("rules.cpas_internal_circuit.title")
    preview = client.post(url, data)
    stored = client.get(prepare(client, world, items=[w.secret_fact])["Location"])
    for page in (preview, stored):
        cells = why_cells(page)["out"]
        assert len(cells) == 2  # the identification line and the secret fact
        for cell in cells:
            assert cell.startswith(t("web.prepare.sent_under", basis="").rstrip(" ."))
            assert title in cell


def test_what_the_sources_do_not_settle_stays_in_the_basis_an_item_went_out_under(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    url = reverse("disclosures:prepare", kwargs={"person_id": w.person.pk})
    data = {
        "recipient_kind": "cpas_special_committee",
        "purpose": "aid_decision",
        "session": w.session.pk,
        "necessary_only": "true",
        "items": [w.secret_fact.pk],
        "action": "preview",
    }
    preview = why_cells(client.post(url, data))["out"]
    location = prepare(client, world, items=[w.secret_fact])["Location"]
    disclosure = Disclosure.objects.latest("pk")
    out = next(o for o in disclosure.outcomes if o["included"] and o.get("item_id"))
    decision = decide(out["situation"])
    notes = ground_notes(decision)
    # The CPAS circuit's reading of confidences is the sources' open point (to_verify).
    assert t("to_verify.cpas_confidences_with_consent") in notes, notes
    # Only the basis's own notes, each one the decision's (its explanation gives them all).
    assert set(notes) <= set(decision.to_verify) and len(notes) < len(decision.to_verify)
    shown = t("web.prepare.sent_under_to_verify", notes=" ".join(notes))
    stored = why_cells(client.get(location))["out"]
    for cell in preview + stored:
        assert cell.endswith(shown), cell
    # A Dutch reader reads them in Dutch, the stored disclosure too.
    user = w.users[roles.SOCIAL_WORKER]
    user.language = "nl"
    user.save(update_fields=["language"])
    with using_language("nl"):
        dutch = t("web.prepare.sent_under_to_verify", notes=" ".join(ground_notes(decision)))
    assert dutch != shown
    assert all(cell.endswith(dutch) for cell in why_cells(client.get(location))["out"])

"""``depositaire decisions recheck`` and the DPO's page: the stored decisions (register of
requests, case-file extracts) that the current rule base would decide otherwise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse
from typer.testing import CliRunner

from depositaire.cli import app
from depositaire.engine import decide, parse_situation
from depositaire.web.accounts import roles
from depositaire.web.incoming.models import RequestAnswer
from web.factories import World, make_disclosure
from web.incoming_factories import make_request

pytestmark = pytest.mark.django_db

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
POLICE = {
    "date": "2026-06-01",
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "police"},
    "request": {"kind": "informal_request"},
}


def _testimony() -> dict[str, Any]:
    """A scenario situation that the `testimony` rule decides (may disclose)."""
    for path in SCENARIOS:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            d = decide(case["situation"], explain=False)
            if d.rules[:1] == ["testimony"] and d.verdict == "may_disclose":
                return parse_situation(case["situation"]).to_contract()
    raise AssertionError("no scenario decided by testimony")


def _answer(w: Any, situation: dict[str, Any], **decision: Any) -> RequestAnswer:
    stored = decide(situation).to_dict() | decision
    request = make_request(w.person, w.users[roles.SOCIAL_WORKER])
    return RequestAnswer.objects.create(
        request=request,
        closed_by=w.users[roles.SOCIAL_WORKER],
        verdict=stored["verdict"],
        rule_ids=stored["rules"],
        decision=stored,
        situation=situation,
        rule_base_version=stored["rule_base_version"],
    )


@pytest.fixture
def stored(world: World) -> dict[str, Any]:
    w = world.a
    testimony = _testimony()
    extract = make_disclosure(w.person, w.users[roles.SOCIAL_WORKER], kind="court_expert")
    extract.outcomes = [
        {"situation": testimony, "decision": decide(testimony).to_dict(), "included": True}
    ]
    extract.save(update_fields=["outcomes"])
    return {
        "testimony": _answer(w, testimony),
        "police": _answer(w, POLICE),
        "extract": extract,
    }


def test_the_dpo_page_lists_nothing_when_the_law_has_not_changed(
    client: Any, world: World, stored: dict[str, Any]
) -> None:
    client.force_login(world.a.users[roles.DPO])
    page = client.get(reverse("disclosures:recheck"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Décisions à revoir" in body
    assert "Décisions redécidées : 3 ; à revoir : 0." in body
    assert "Aucune décision enregistrée ne serait décidée autrement." in body


def test_the_dpo_page_lists_a_decision_taken_under_another_rule_base(
    client: Any, world: World, stored: dict[str, Any]
) -> None:
    police = stored["police"]
    police.decision = police.decision | {"verdict": "may_disclose", "may_disclose": ["address"]}
    police.rule_base_version = "0.1-ancienne"
    police.save()
    client.force_login(world.a.users[roles.DPO])
    body = client.get(reverse("disclosures:recheck")).content.decode()
    assert "Décisions redécidées : 3 ; à revoir : 1." in body
    assert f"Demande n° {police.request_id}" in body or str(police.request_id) in body
    assert "0.1-ancienne →" in body
    assert world.a.person.last_name not in body


def test_the_page_is_the_dpo_s_only(client: Any, world: World, stored: dict[str, Any]) -> None:
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    assert client.get(reverse("disclosures:recheck")).status_code == 403


def test_the_command_finds_exactly_the_decisions_a_changed_rule_affects(
    world: World, stored: dict[str, Any]
) -> None:
    result = CliRunner().invoke(
        app, ["decisions", "recheck", "--rule-base", "fixtures.recheck_testimony_refused"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "→" in line]
    assert len(lines) == 2, result.output
    request_ref = f"n° {stored['testimony'].request_id}"
    assert any(line.startswith("Registre des demandes") and request_ref in line for line in lines)
    assert any(line.startswith("Dossier") for line in lines)
    assert not any(f"n° {stored['police'].request_id} " in line for line in lines)
    assert all("+testimony-refused" in line for line in lines)
    assert "Décisions redécidées : 3 ; à revoir : 2 ; erreurs : 0." in result.output


def test_the_command_says_when_nothing_would_change(world: World, stored: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["decisions", "recheck"])
    assert result.exit_code == 0, result.output
    assert "Décisions redécidées : 3 ; à revoir : 0 ; erreurs : 0." in result.output
    assert dt.date.today().year > 2000

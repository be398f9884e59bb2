"""Every public scenario and every project case, run through ``depositaire evaluate``."""

from __future__ import annotations

import json

import pytest
import yaml
from scenario_checks import load_cases, problems
from typer.testing import CliRunner

from depositaire.cli import app
from depositaire.engine import decide

PUBLIC = load_cases("public.yaml")
PROJECT = load_cases("project.yaml")
runner = CliRunner()


def evaluate_through_cli(situation: dict) -> dict:
    result = runner.invoke(
        app, ["evaluate", "-", "--format", "json"], input=yaml.safe_dump(situation)
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", PUBLIC, ids=[c["name"] for c in PUBLIC])
def test_public_scenario_gives_the_decision_the_law_gives(case):
    decision = evaluate_through_cli(case["situation"])
    assert problems(decision, case["expect"]) == []


@pytest.mark.parametrize("case", PROJECT, ids=[c["name"] for c in PROJECT])
def test_project_case_gives_the_expected_decision(case):
    decision = evaluate_through_cli(case["situation"])
    assert problems(decision, case["expect"]) == []


def test_the_public_scenarios_are_the_shared_ones():
    """The copy in tests/scenarios stays identical to shared/ when shared/ is beside the repo."""
    from pathlib import Path

    shared = Path(__file__).resolve().parents[3] / "shared" / "scenarios" / "public.yaml"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    ours = Path(__file__).resolve().parents[1] / "scenarios" / "public.yaml"
    assert yaml.safe_load(shared.read_text()) == yaml.safe_load(ours.read_text())


def test_there_are_at_least_eighty_cases_in_all():
    assert len(PUBLIC) + len(PROJECT) >= 80


def test_every_rule_id_has_a_case_where_it_decides():
    from depositaire.law import default_rule_base

    decided: set[str] = set()
    for case in PUBLIC + PROJECT:
        decided.update(decide(case["situation"], explain=False).decided_rule_ids())
    assert {r.id for r in default_rule_base().rules} <= decided


def test_every_case_name_reads_as_a_sentence():
    for case in PUBLIC + PROJECT:
        words = case["name"].split()
        assert len(words) >= 4 and case["name"][0].isupper(), case["name"]


def test_the_checker_itself_can_fail():
    """A wrong expectation is reported: the harness is not a check that cannot fail."""
    decision = decide(PUBLIC[0]["situation"]).to_dict()
    assert problems(decision, {"verdict": "must_disclose", "rules_include": ["necessity"]})
    cited = decision["citations"][0]["id"]
    assert problems(decision, {"verdict": decision["verdict"], "citations_exclude": [cited]})

"""The contract (shared/spec/situation.md) and its documented extensions cover the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from depositaire.engine import decide
from depositaire.engine.schema import FACTS
from depositaire.law import default_rule_base

ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = (ROOT / "docs" / "situation-extensions.md").read_text(encoding="utf-8")
CONTRACT_RULE_IDS = {
    "professional_secrecy", "discretion_duty", "testimony", "prosecutor_requisition",
    "terror_reporting_annulled", "denunciation_duty_not_applicable", "intelligence_request",
    "right_to_report_abuse", "case_consultation", "lawyer_exception", "necessity",
    "assistance_duty", "shared_secrecy", "mandated_professional", "judicial_follow_up_report",
    "cpas_internal_circuit", "automatic_flow", "guarantor_lookup", "disease_notification",
    "person_access", "teaching_research",
}  # fmt: skip
CONTRACT_FIELDS = {
    "verdict", "rules", "citations", "may_disclose", "never_disclose", "duties", "missing",
    "explanation",
}  # fmt: skip


def test_every_rule_id_of_the_contract_is_implemented():
    assert CONTRACT_RULE_IDS <= {r.id for r in default_rule_base().rules}


def test_every_added_rule_id_is_documented():
    for rule in default_rule_base().rules:
        if rule.id not in CONTRACT_RULE_IDS:
            assert f"`{rule.id}`" in EXTENSIONS, rule.id


def test_every_extension_fact_is_documented():
    for path, spec in FACTS.items():
        if spec.extension:
            assert f"`{path}`" in EXTENSIONS, path


def test_every_extra_decision_field_is_documented():
    fields = set(decide({"recipient": {"kind": "police"}}).to_dict())
    assert CONTRACT_FIELDS <= fields
    for extra in fields - CONTRACT_FIELDS:
        assert f"`{extra}`" in EXTENSIONS, extra


def test_the_contract_facts_are_all_known_to_the_schema():
    spec = ROOT.parent / "shared" / "spec" / "situation.md"
    if not spec.exists():
        pytest.skip("shared/ is not beside this checkout")
    block = spec.read_text(encoding="utf-8").split("```yaml", 1)[1].split("```", 1)[0]
    group = None
    for line in block.splitlines():
        match = re.match(r"^(\s*)([a-z_0-9]+):", line)
        if not match:
            continue
        indent, name = match.groups()
        if not indent:
            group = name
            if not line.split(":", 1)[1].split("#")[0].strip():
                continue
            assert name in FACTS, name
        else:
            assert f"{group}.{name}" in FACTS, f"{group}.{name}"


RIGHT_TO_REPORT_2005 = {
    "date": "2005-06-01",
    "holder": {"role": "social_worker", "bound_by_secrecy": True},
    "information": {"nature": "confidence", "categories": ["identity", "offence"]},
    "recipient": {"kind": "public_prosecutor"},
    "request": {"kind": "own_initiative_report"},
    "danger": {
        "exists": True, "serious": True, "imminent": True, "other_means_exhausted": True,
        "victim_minor_or_vulnerable": True, "offence_listed_458bis": True,
        "victim_minor": True, "victim_examined_or_confided": True,
    },
}  # fmt: skip


@pytest.mark.parametrize("evaluator", ["interpreted", "compiled"])
def test_a_dated_version_decides_under_the_contract_id(evaluator):
    from depositaire.engine import parse_situation
    from depositaire.engine.compiled import compiled
    from depositaire.engine.evaluator import evaluate
    from depositaire.engine.provisions import default_provisions

    situation = parse_situation(RIGHT_TO_REPORT_2005)
    base, provisions = default_rule_base(), default_provisions()
    if evaluator == "interpreted":
        d = evaluate(situation, base, provisions)
    else:
        d = compiled(base, provisions).evaluate(situation)
    assert d.verdict == "may_disclose"
    assert "right_to_report_abuse" in d.rules
    assert "right_to_report_abuse_2001" not in d.rules
    assert d.rule_versions == {"right_to_report_abuse": "right_to_report_abuse_2001"}
    assert d.to_dict()["rule_versions"] == d.rule_versions
    assert d.decided_rule_ids()[0] == "right_to_report_abuse_2001"
    # The version itself stays visible: its title (« première version ») and its citation.
    assert any("première version" in s for s in d.explanation)
    assert "penal_code.458bis" in [c.id for c in d.citations]


def test_the_present_version_reports_no_dated_version():
    d = decide({**RIGHT_TO_REPORT_2005, "date": "2015-06-01"})
    assert "right_to_report_abuse" in d.rules
    assert d.rule_versions == {}


def test_every_decided_rule_id_is_the_contracts_or_a_documented_addition():
    for rule in default_rule_base().rules:
        if rule.version_of is not None:
            assert rule.version_of in CONTRACT_RULE_IDS, rule.id
            assert rule.contract_id == rule.version_of
        elif rule.id not in CONTRACT_RULE_IDS:
            assert f"`{rule.id}`" in EXTENSIONS, rule.id


def test_two_versions_of_a_rule_valid_on_a_same_day_are_refused():
    import datetime as dt
    from dataclasses import replace

    from depositaire.engine.rules import RuleBase, RuleBaseError

    rules = default_rule_base().rules
    overlapping = tuple(
        replace(r, valid_until=dt.date(2012, 1, 1)) if r.id == "right_to_report_abuse_2001" else r
        for r in rules
    )
    with pytest.raises(RuleBaseError, match="valid on a same day"):
        RuleBase(overlapping, version="test")
    orphan = tuple(
        replace(r, version_of="no_such_rule") if r.id == "right_to_report_abuse_2001" else r
        for r in rules
    )
    with pytest.raises(RuleBaseError, match="unknown rule"):
        RuleBase(orphan, version="test")

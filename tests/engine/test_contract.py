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

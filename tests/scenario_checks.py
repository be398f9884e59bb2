"""Reading scenario files and checking a decision against a case's expectations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SCENARIOS = Path(__file__).resolve().parent / "scenarios"

LIST_INCLUDES = {
    "rules_include": "rules",
    "may_disclose_include": "may_disclose",
    "never_disclose_include": "never_disclose",
    "duties_include": "duties",
    "missing_include": "missing",
    "penalties_include": "penalties",
}
LIST_EXCLUDES = {
    "rules_exclude": "rules",
    "may_disclose_exclude": "may_disclose",
    "missing_exclude": "missing",
    "penalties_exclude": "penalties",
    "duties_exclude": "duties",
}
KNOWN = {
    "verdict",
    "citations_include",
    "citations_exclude",
    "may_disclose_exact",
    "missing_first",
    "rules_first",
    "to_verify_contains",
    "not_modelled_contains",
    "rule_versions_include",
    "rule_versions_exclude",
    *LIST_INCLUDES,
    *LIST_EXCLUDES,
}


def load_cases(name: str) -> list[dict[str, Any]]:
    cases = yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8"))
    for case in cases:
        unknown = set(case["expect"]) - KNOWN
        assert not unknown, f"{case['name']}: unknown expectation keys {unknown}"
    return cases


def problems(decision: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Every way ``decision`` (the contract's JSON) misses ``expect``; empty when it matches."""
    found: list[str] = []
    if decision["verdict"] != expect["verdict"]:
        found.append(f"verdict {decision['verdict']!r}, expected {expect['verdict']!r}")
    for key, field in LIST_INCLUDES.items():
        for value in expect.get(key, []):
            if value not in decision[field]:
                found.append(f"{field} lacks {value!r}: {decision[field]}")
    for key, field in LIST_EXCLUDES.items():
        for value in expect.get(key, []):
            if value in decision[field]:
                found.append(f"{field} must not hold {value!r}: {decision[field]}")
    ids = [c["id"] for c in decision["citations"]]
    for value in expect.get("citations_include", []):
        if value not in ids:
            found.append(f"citations lack {value!r}: {ids}")
    for value in expect.get("citations_exclude", []):
        if value in ids:
            found.append(f"citations must not hold {value!r}: {ids}")
    if "may_disclose_exact" in expect and decision["may_disclose"] != expect["may_disclose_exact"]:
        found.append(
            f"may_disclose {decision['may_disclose']}, expected {expect['may_disclose_exact']}"
        )
    if "rules_first" in expect and decision["rules"][:1] != [expect["rules_first"]]:
        found.append(f"rules {decision['rules']}, expected first {expect['rules_first']!r}")
    if "missing_first" in expect and decision["missing"][:1] != [expect["missing_first"]]:
        found.append(f"missing {decision['missing']}, expected first {expect['missing_first']!r}")
    if "to_verify_contains" in expect and not any(
        expect["to_verify_contains"] in note for note in decision["to_verify"]
    ):
        found.append(f"no to-verify note contains {expect['to_verify_contains']!r}")
    if "not_modelled_contains" in expect and not any(
        expect["not_modelled_contains"] in note for note in decision["not_modelled"]
    ):
        found.append(f"no not-modelled note contains {expect['not_modelled_contains']!r}")
    versions = decision.get("rule_versions", {})
    for contract_id, version in (expect.get("rule_versions_include") or {}).items():
        if versions.get(contract_id) != version:
            found.append(f"rule_versions {versions}, expected {contract_id!r}: {version!r}")
    for contract_id in expect.get("rule_versions_exclude", []):
        if contract_id in versions:
            found.append(f"rule_versions must not hold {contract_id!r}: {versions}")
    return found

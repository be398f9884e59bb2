"""``decisions recheck``: stored decisions decided again under a changed rule base."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from depositaire.engine import decide, evaluate, parse_situation
from depositaire.engine.provisions import default_provisions
from depositaire.engine.recheck import Stored, recheck
from depositaire.engine.rules import RuleBase

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
TODAY = dt.date(2026, 12, 1)


def _stored() -> list[Stored]:
    """Every scenario situation, decided with today's law and stored as the app does."""
    out = []
    for path in SCENARIOS:
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            situation = parse_situation(case["situation"]).with_facts({"as_known_on": TODAY})
            decision = decide(situation)
            out.append(
                Stored(
                    "register",
                    f"{path.stem}#{i}",
                    situation.to_contract(),
                    decision.to_dict(),
                    decision.rule_base_version,
                )
            )
    return out


def _testimony_refused() -> RuleBase:
    """The fixture rule base: the same law, but testifying lets nothing out."""
    from fixtures.recheck_testimony_refused import testimony_refused

    return testimony_refused()


def test_an_unchanged_rule_base_finds_no_decision_to_revise():
    stored = _stored()
    report = recheck(stored, today=TODAY)
    assert report.checked == len(stored) > 100
    assert report.changes == []
    assert report.errors == []


def test_a_changed_rule_finds_exactly_the_decisions_it_affects():
    stored = _stored()
    changed = _testimony_refused()
    report = recheck(stored, rule_base=changed, today=TODAY)
    # The reference interpreter, decision by decision, says which would differ.
    expected = set()
    for s in stored:
        situation = parse_situation(dict(s.situation))
        now = evaluate(situation, changed, default_provisions(), explain=False)
        before = s.decision
        if now.verdict != before["verdict"] or set(now.may_disclose) != set(before["may_disclose"]):
            expected.add(s.ref)
    found = {c.stored.ref for c in report.changes}
    assert found == expected
    assert found, "the fixture change must affect some stored decision"
    assert len(found) < len(stored)
    for c in report.changes:
        assert "testimony" in (*c.rules_before, *c.rules_now)
        assert c.stored.rule_base_version != c.version_now
        assert c.version_now.endswith("+testimony-refused")
    testified = [c for c in report.changes if c.verdict_before == "may_disclose"]
    assert testified and all(c.verdict_now == "secret" and c.may_now == () for c in testified)


def test_a_stored_situation_the_contract_refuses_is_reported_not_fatal():
    bad = Stored("case_file", "x", {"holder": {"role": "wizard"}}, {"verdict": "secret"}, "v")
    report = recheck([bad, *_stored()[:3]], today=TODAY)
    assert report.checked == 4
    assert [ref.ref for ref, _ in report.errors] == ["x"]
    assert "holder.role" in report.errors[0][1]

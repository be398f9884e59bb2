"""The compiled rule base decides exactly as the reference interpreter (differential test).

``scripts/differential.py --count 100000`` runs the same comparison on 100,000 generated
situations; the suite runs it on every scenario file and a smaller generated sample."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

from depositaire.engine import decide, parse_situation
from depositaire.engine.compiled import CompiledRuleBase
from depositaire.engine.conditions import is_
from depositaire.engine.evaluator import evaluate
from depositaire.engine.provisions import default_provisions
from depositaire.engine.rules import Rule, RuleBase
from depositaire.law import default_rule_base

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "differential.py"
_spec = importlib.util.spec_from_file_location("differential", SCRIPT)
assert _spec is not None and _spec.loader is not None
differential = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(differential)


def test_every_scenario_file_is_decided_alike_by_both():
    n, differences = differential.compare(differential.scenario_situations())
    assert n >= 100
    assert differences == []


def test_generated_situations_are_decided_alike_by_both():
    days = differential.boundaries(default_rule_base(), default_provisions())
    n, differences = differential.compare(differential.generated(400, days, seed=7))
    assert n == 400
    assert differences == []


def test_the_generated_dates_fall_on_both_sides_of_every_rule_boundary():
    days = set(differential.boundaries(default_rule_base(), default_provisions()))
    for rule in default_rule_base().rules:
        if rule.valid_from is not None:
            assert {
                rule.valid_from - dt.timedelta(days=1),
                rule.valid_from,
            } <= days


def test_decide_goes_through_the_compiled_rule_base():
    situation = parse_situation(
        {
            "holder": {"role": "social_worker", "institution": "cpas"},
            "recipient": {"kind": "police"},
            "request": {"kind": "informal_request"},
            "date": "2026-11-23",
        }
    )
    reference = evaluate(situation, default_rule_base(), default_provisions())
    assert decide(situation).to_dict() == reference.to_dict()


def test_a_rule_base_built_elsewhere_is_compiled_from_its_own_rules():
    """Nothing of the default law is wired in: a two-rule base compiles and decides."""
    base = RuleBase(
        (
            Rule(
                id="professional_secrecy",
                kind="default",
                instrument="penal_code",
                verdict="secret",
                citations=("penal_code.458",),
            ),
            Rule(
                id="testimony",
                kind="exception",
                instrument="penal_code",
                exception_to=("professional_secrecy",),
                verdict="may_disclose",
                scope=is_("request.kind", "testimony"),
                conditions=is_("request.under_oath", True),
                allows_confidences=False,
                citations=("penal_code.458",),
            ),
        ),
        version="test",
    )
    fast = CompiledRuleBase(base, default_provisions())
    for facts in (
        {"request": {"kind": "testimony", "under_oath": True}},
        {"request": {"kind": "testimony"}},
        {"request": {"kind": "informal_request"}},
    ):
        s = parse_situation({"holder": {"role": "social_worker"}, **facts})
        assert fast.evaluate(s).to_dict() == evaluate(s, base, default_provisions()).to_dict()
    s = parse_situation(
        {"holder": {"role": "social_worker"}, "request": {"kind": "testimony", "under_oath": True}}
    )
    assert fast.evaluate(s).verdict == "may_disclose"


def test_the_generated_reading_days_fall_on_both_sides_of_every_annulment():
    """The law is read as known before and after each annulment's decision (bi-temporal)."""
    days = differential.boundaries(default_rule_base(), default_provisions())
    readings = [
        s.facts["as_known_on"]
        for s in differential.generated(400, days, seed=7)
        if "as_known_on" in s.facts
    ]
    annulments = [r.annulment for r in default_rule_base().rules if r.annulment is not None]
    assert annulments
    for a in annulments:
        assert any(d < a.decided_on for d in readings)
        assert any(d >= a.decided_on for d in readings)
    assert any("as_known_on" not in s.facts for s in differential.generated(50, days, seed=7))

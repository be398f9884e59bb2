"""``depositaire rules --prove``: the solver's model agrees with the engine, each planted
defect is caught with a counterexample that ``depositaire evaluate`` reproduces, and the
real rule base is proved (or its counterexamples are known)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from typer.testing import CliRunner

from depositaire.cli import app
from depositaire.engine import evaluator
from depositaire.engine.prove import (
    Counterexample,
    Prover,
    agreement,
    periods,
    prove,
    readings,
)
from depositaire.law import default_rule_base

runner = CliRunner()

#: (fixture module, property that must fail, kind of counterexample, rules involved)
PLANTED = [
    ("prove_gap", "one_verdict", "undetermined_for_nothing", ()),
    ("prove_confidence", "confidences", "confidence_out", ("shared_secrecy",)),
    ("prove_overlap", "overlap", "overlap", ("shared_secrecy",)),
    ("prove_must", "must", "must_on_unknown", ("terror_reporting_duty",)),
    ("prove_must_declared", "must", "must_on_unknown", ("terror_reporting_duty",)),
    ("prove_dead", "rules", "dead_rule", ("testimony",)),
    ("prove_conflict", "rules", "conflict", ("shared_secrecy", "mandated_professional")),
    ("prove_consent", "consent", "consent_refused", ("shared_secrecy",)),
]


def _evaluate(module: str, situation: dict[str, object], tmp_path) -> dict[str, object]:
    path = tmp_path / "counterexample.yaml"
    path.write_text(yaml.safe_dump(situation, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(
        app, ["evaluate", str(path), "--format", "json", "--rule-base", f"fixtures.{module}"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _counterexample(module: str, prop: str, kind: str) -> Counterexample:
    fixture = __import__(f"fixtures.{module}", fromlist=["RULE_BASE"])
    proof = prove(fixture.RULE_BASE, getattr(fixture, "ALWAYS_CONFIDENCES", None))
    found = [c for c in proof.counterexamples if c.property == prop and c.kind == kind]
    assert found, [(c.property, c.kind) for c in proof.counterexamples]
    assert not proof.holds(prop)
    return found[0]


@pytest.mark.parametrize(("module", "prop", "kind", "rules"), PLANTED)
def test_each_planted_defect_is_caught_and_evaluate_reproduces_it(
    module, prop, kind, rules, tmp_path
):
    ce = _counterexample(module, prop, kind)
    assert ce.rules == rules
    assert ce.reproduced
    if kind == "dead_rule":
        # No situation shows a rule that never decides; the proof is the absence.
        assert ce.situation is None
        return
    assert "date" in ce.situation
    decided = _evaluate(module, ce.situation, tmp_path)
    assert decided["verdict"] == ce.decision.verdict
    category = ce.detail.get("category")
    if kind == "undetermined_for_nothing":
        assert decided["verdict"] == "undetermined"
    elif kind == "confidence_out":
        assert category in decided["may_disclose"]
    elif kind == "overlap":
        assert category in decided["may_disclose"] and category in decided["never_disclose"]
    elif kind == "must_on_unknown":
        assert decided["verdict"] == "must_disclose"
        completed = _evaluate(module, ce.completion, tmp_path)
        assert completed["verdict"] != "must_disclose"
        # The completion only adds facts the situation did not know.
        for group, value in ce.situation.items():
            if isinstance(value, dict):
                assert value.items() <= ce.completion[group].items()
            else:
                assert ce.completion[group] == value
        if module == "prove_must_declared":
            # The declared presumption proves right in the completion: the obligation
            # falls on the fact assumed without being declared.
            assert ce.completion.get("information", {}).get("medical") is not True
            assert ce.completion["person"]["objects"] is True
    elif kind == "conflict":
        assert set(decided["rules"]) & set(rules)
    elif kind == "consent_refused":
        assert ce.situation["consent"] == "refused"
        assert decided["rules"][0] == rules[0]


def test_the_command_prints_the_counterexample_as_a_situation_and_names_the_rules():
    result = runner.invoke(
        app, ["rules", "--prove", "--rule-base", "fixtures.prove_consent"], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 1, result.output
    assert "6. une règle qui lit l'accord de la personne ne décide jamais" in result.output
    assert "contredite" in result.output
    assert (
        "« Le secret professionnel partagé » décide alors que la personne a refusé" in result.output
    )
    assert "consent: refused" in result.output
    assert "date:" in result.output
    assert "depositaire evaluate" in result.output


def test_a_sound_small_base_is_proved(tmp_path):
    result = runner.invoke(app, ["rules", "--prove", "--rule-base", "fixtures.prove_must"])
    assert "✓ 3." in result.output and "✓ 6." in result.output
    assert "✗ 4." in result.output


def test_the_reading_days_split_at_the_annulment_of_46bis1_3():
    base = default_rule_base()
    pairs = readings(base)
    known = {k for _, k in pairs}
    assert dt.date(2019, 3, 14) in known and dt.date(2019, 3, 13) in known
    # Each pair gives a different set of rules in force.
    keys = {tuple(r.id for g in base.in_force(d, k) for r in g) for d, k in pairs}
    assert len(keys) == len(pairs)


def test_periods_split_the_dates_at_every_validity_boundary():
    base = default_rule_base()
    spans = periods(base)
    starts = [s for s, _ in spans]
    for r in base.rules:
        if r.valid_from:
            assert r.valid_from in starts
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end is not None and (start - end).days == 1
    assert spans[-1][1] is None


def test_the_solver_model_and_the_engine_agree_on_generated_situations():
    # The suite decides 600 situations; `scripts/prove_agreement.py` runs the large check.
    result = agreement(default_rule_base(), count=600)
    assert result.situations == 600
    assert result.differences == []
    # The situations reach every verdict and most rules, not only the default: ``share``
    # too, through the settled situation of each verdict that ``agreement`` decides as is.
    assert {"secret", "share", "may_disclose", "must_disclose", "undetermined"} <= set(
        result.verdicts
    )
    assert len(result.deciding_rules) >= 15


@pytest.fixture(scope="module")
def real_proof():
    """One proof of the real rule base, shared by the tests below."""
    return prove(default_rule_base())


def test_every_counterexample_on_the_rule_base_is_reproduced_by_the_engine(real_proof):
    for ce in real_proof.counterexamples:
        assert ce.reproduced, (ce.property, ce.kind, ce.rules)
    # Properties 2, 3, 5 and 6 hold on the rule base as it stands.
    assert real_proof.holds("confidences")
    assert real_proof.holds("overlap")
    assert real_proof.holds("rules")
    assert real_proof.holds("consent")


def test_the_obligation_of_46bis1_3_rests_only_on_its_declared_presumption_which_it_shows(
    real_proof, tmp_path
):
    # 46bis/1 § 3 presumes that the information is not medical when that is not known;
    # property 4 holds because the rule declares it and the decision shows it.
    assert real_proof.holds("must")
    assert [(r, p) for r, p, _s in real_proof.presumptions] == [
        ("terror_reporting_duty", "information.medical")
    ]
    ((_r, _p, situation),) = real_proof.presumptions
    assert "medical" not in situation.get("information", {})
    completed = {**situation, "information": {**situation["information"], "medical": True}}
    for facts, obliged in ((situation, True), (completed, False)):
        path = tmp_path / "situation.yaml"
        path.write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
        result = runner.invoke(app, ["evaluate", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        decided = json.loads(result.output)
        if obliged:
            assert decided["verdict"] == "must_disclose"
            assert decided["rules"][0] == "terror_reporting_duty"
            assert decided["presumptions"] == [
                {"rule": "terror_reporting_duty", "fact": "information.medical"}
            ]
            assert any(n.startswith("Présumé : ") for n in decided["to_verify"])
        else:
            assert decided["verdict"] != "must_disclose"
            assert decided["presumptions"] == []


def _declared_base():
    from dataclasses import replace

    from fixtures.prove_defects import MUST_DECLARED_BASE

    from depositaire.engine.conditions import is_not
    from depositaire.engine.rules import RuleBase

    *others, rule = MUST_DECLARED_BASE.rules
    sound = replace(rule, conditions=is_not("information.medical", True, assume=True))
    return RuleBase((*others, sound), version="test-prove-declared")


def test_a_declared_presumption_is_allowed_only_if_the_decision_shows_it(monkeypatch):
    from depositaire.engine import prove as prove_module

    base = _declared_base()
    proof = prove(base)
    assert proof.holds("must")
    assert [(r, p) for r, p, _s in proof.presumptions] == [
        ("terror_reporting_duty", "information.medical")
    ]
    shown = prove_module.engine_decision

    def hiding(rule_base, situation):
        decision = shown(rule_base, situation)
        decision.presumptions = []
        return decision

    monkeypatch.setattr(prove_module, "engine_decision", hiding)
    proof = prove(base)
    found = [(c.kind, c.rules, c.reproduced) for c in proof.counterexamples]
    assert found == [("presumption_not_shown", ("terror_reporting_duty",), True)]


def test_a_presumption_must_be_on_a_fact_the_rule_assumes():
    from dataclasses import replace

    from depositaire.engine.rules import RuleBaseError
    from depositaire.law.criminal_procedure import terror_reporting_duty

    with pytest.raises(RuleBaseError, match="presumption on person.objects"):
        replace(terror_reporting_duty, presumptions=(("person.objects", "x"),))


def test_property_1_holds_and_the_engine_decides_every_situation_the_loop_set_aside(
    real_proof,
):
    # Never a gap of the rule base (proved); where rules are pending, the engine's exact
    # `missing` is checked on the situations the loop found: the engine decides each.
    from depositaire.engine import decide

    assert real_proof.holds("one_verdict")
    assert real_proof.engine_settled
    for situation in real_proof.engine_settled:
        assert decide(situation, explain=False).verdict != "undetermined", situation


# Property 1's counterexample before the prover checked the engine that decides (2001-03-26
# read on 2019-03-13): the reference interpreter's ten open facts have 11 520 combinations
# of value classes, beyond its EXACT_MISSING_LIMIT, so it kept its estimate and answered
# `undetermined`; every completion of the ten (115 200 over their full domains) gives
# `secret`, which the compiled engine (`decide`, `depositaire evaluate`) answers.
CARE_COLLABORATION_NO_RECIPIENT = {
    "date": "2001-03-26",
    "as_known_on": "2019-03-13",
    "information": {
        "nature": "secret_fact",
        "categories": ["identity", "national_number", "address"],
        "medical": True,
    },
    "request": {"kind": "care_collaboration"},
    "danger": {"exists": False, "serious": False},
    "person": {"deceased": True, "able_to_consent": True, "objects": True},
}


def test_the_prover_checks_the_engine_that_decides_not_the_reference_s_estimate(monkeypatch):
    from depositaire.engine import decide
    from depositaire.engine.prove import engine_decision, reproduces
    from depositaire.engine.provisions import default_provisions
    from depositaire.engine.situation import parse_situation

    base = default_rule_base()
    situation = parse_situation(CARE_COLLABORATION_NO_RECIPIENT)
    estimate = evaluator.evaluate(situation, base, default_provisions(), explain=False)
    assert estimate.verdict == "undetermined" and len(estimate.missing) == 10
    # The reference with its enumeration in full agrees with the engine and the solver.
    monkeypatch.setattr(evaluator, "EXACT_MISSING_LIMIT", 10**6)
    full = evaluator.evaluate(situation, base, default_provisions(), explain=False)
    engine = engine_decision(base, CARE_COLLABORATION_NO_RECIPIENT)
    assert (full.verdict, full.missing) == (engine.verdict, engine.missing) == ("secret", [])
    assert engine.to_dict() == decide(CARE_COLLABORATION_NO_RECIPIENT, explain=False).to_dict()
    # Found again by the loop, the situation is not a counterexample: the engine decides it.
    ce = Counterexample("one_verdict", "engine_undetermined", (), CARE_COLLABORATION_NO_RECIPIENT)
    ce.decision = engine
    assert not reproduces(base, ce)


# Property 1's engine part is checked, not proved (docs/proof.md): here is a situation it
# does not reach where the engine was not exact. A colleague of the same team as recipient
# opens shared secrecy, whose own facts are outside the enumeration of the open facts;
# that inner completion stayed undetermined and made three facts look decisive, although
# every answer to them gives `secret`. Such a completion is now decided exactly before it
# is compared (``evaluator._only_decisive``, ``bitsets``/``missing`` alike).
GUARANTOR_LOOKUP_DECEASED_OBJECTS = {
    "date": "2001-03-26",
    "as_known_on": "2019-03-13",
    "request": {"kind": "guarantor_lookup"},
    "information": {"nature": "secret_fact", "categories": ["address"], "medical": False},
    "danger": {"exists": False},
    "person": {"deceased": True, "minor": False, "able_to_consent": True, "objects": True},
}


def test_no_listed_fact_of_a_guarantor_look_up_can_change_its_outcome():
    from depositaire.engine import decide
    from depositaire.engine.schema import FACTS

    situation = GUARANTOR_LOOKUP_DECEASED_OBJECTS
    d = decide(situation, explain=False)
    outcomes = set()
    for kind in FACTS["recipient.kind"].values:
        for bound in (True, False):
            for necessary in (True, False):
                completed = {
                    **situation,
                    "recipient": {"kind": kind},
                    "holder": {"bound_by_secrecy": bound},
                    "necessary_only": necessary,
                }
                c = decide(completed, explain=False)
                outcomes.add((c.verdict, tuple(c.may_disclose)))
    assert outcomes == {("secret", ())}
    assert d.verdict == "secret", (d.verdict, d.missing)


def test_the_rule_base_has_no_gap_where_no_rule_is_pending():
    # Property 1 on the rule base alone: an undetermined situation where no rule is
    # pending and no fact could change it would be a gap; there is none on any period.
    prover = Prover(default_rule_base())
    prover.engine_check = False
    for start, known in prover.readings:
        prover.known = known
        prover._undetermined(start, prover.model(start, "s:"))
    assert prover.counterexamples == []
    assert prover.engine_settled == []


def test_the_rule_base_is_proved(real_proof):
    # Property 4's one presumption (46bis/1 § 3, not medical) is declared and shown.
    assert real_proof.ok, [(c.property, c.kind, c.rules) for c in real_proof.counterexamples]


def test_the_command_exits_0_on_the_rule_base_and_lists_the_declared_presumption(
    real_proof, monkeypatch
):
    from depositaire.engine import prove as prove_module

    # The command prints the proof the fixture made (one proof of the real base per run).
    monkeypatch.setattr(prove_module, "prove", lambda base, always=None: real_proof)
    result = runner.invoke(app, ["rules", "--prove"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "Les 6 propriétés sont prouvées" in result.output
    assert "présomption déclarée, montrée dans la décision" in result.output
    assert "(information.medical)" in result.output


# Found by the legal3 audit: `agreement` drew this situation only for some z3 states, then
# failed. The engine is right: the person, able to consent, objects, so `person_own_say`
# defeats `cpas_internal_circuit` whatever the recipient, and every completion keeps the
# secret (`secret`). The solver's model let the first pending rule decide after the
# enumeration even when surely defeated (the circuit, `share`); it now takes the first
# pending rule not surely defeated, as ``completion_winner`` can only.
def test_the_solver_model_keeps_the_objection_that_defeats_the_cpas_circuit():
    import z3

    from depositaire.engine import prove
    from depositaire.engine.compiled import compiled
    from depositaire.engine.provisions import default_provisions
    from depositaire.engine.situation import parse_situation

    base = default_rule_base()
    data = {
        "date": "1990-01-14",
        "as_known_on": "2019-03-13",
        "holder": {"role": "civil_servant"},
        "recipient": {"same_mission": True},
        "request": {"kind": "judicial_follow_up_report"},
        "danger": {"exists": False, "recipient_can_avert": False},
        "person": {"deceased": True, "minor": False, "able_to_consent": True, "objects": True},
        "in_person_interest": False,
    }
    situation = parse_situation(data, law=base.law)
    decision = compiled(base, default_provisions()).evaluate(situation, explain=False)
    assert decision.verdict == "secret"
    m = prove.Model(
        base,
        situation.date,
        prove.Facts("a:"),
        situation.as_known_on,
        tables=prove.derivation_tables(),
    )
    solver = z3.Solver()
    solver.add(*m.defs)
    fixed = prove._fix(m.given, situation.facts, {})
    share = prove.Z(prove.EQ(m.verdict, prove.CODE["share"]))
    assert solver.check(*fixed, share) == z3.unsat

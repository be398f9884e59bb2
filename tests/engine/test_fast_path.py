"""The compiled rule base's fast path for determined decisions (issue 10).

Deciding reads no language (the not-modelled notes are catalogue keys, rendered when
read); a decision shares its payload with others but its lists are its own; a plan
compiled into one function decides as the reference does."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest

import depositaire.messages as messages
from depositaire.engine import decide, parse_situation
from depositaire.engine.compiled import CompiledRuleBase
from depositaire.engine.evaluator import evaluate
from depositaire.engine.provisions import default_provisions
from depositaire.law import default_rule_base
from depositaire.messages import t, using_language

#: The module (``depositaire.engine.compiled`` is also the name of a function there).
compiled_module = importlib.import_module("depositaire.engine.compiled")
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "differential.py"
_spec = importlib.util.spec_from_file_location("differential", SCRIPT)
assert _spec is not None and _spec.loader is not None
differential = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(differential)

POLICE = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "police"},
    "request": {"kind": "informal_request"},
    "date": "2026-11-23",
}
#: A decision whose rules recall a statement the sources declare not modelled.
CONSULTATION = {
    "date": "2026-11-23",
    "holder": {"role": "social_worker", "institution": "cpas"},
    "information": {"nature": "secret_fact", "categories": ["household"]},
    "recipient": {"kind": "case_consultation"},
    "request": {"kind": "case_consultation"},
    "consultation": {"legal_basis": "statute", "purpose": "integrity", "framework_defined": True},
}


def _fresh() -> CompiledRuleBase:
    return CompiledRuleBase(default_rule_base(), default_provisions())


def test_deciding_reads_no_language(monkeypatch):
    def no_language() -> str:
        raise AssertionError("the language was read while deciding")

    fast = _fresh()
    situation = parse_situation(POLICE)
    monkeypatch.setattr(messages, "default_language", no_language)
    for _ in range(3):  # the first decision builds the payload, the next ones share it
        fast.evaluate(situation, explain=False)
        fast.evaluate(situation)  # the explanation is rendered only when read


def test_the_not_modelled_notes_are_rendered_in_the_language_they_are_read_in():
    decision = decide(CONSULTATION)
    assert decision.not_modelled_keys == ["consultation_prosecution_limit"]
    french = t("not_modelled.items.consultation_prosecution_limit")
    assert decision.to_dict()["not_modelled"] == [french]
    with using_language("nl"):
        dutch = t("not_modelled.items.consultation_prosecution_limit")
        assert dutch != french
        assert decision.to_dict()["not_modelled"] == [dutch]
        assert decision.not_modelled == [dutch]


def test_to_dict_reads_the_language_once(monkeypatch):
    decision = decide(CONSULTATION)
    calls = []
    real = messages.default_language
    monkeypatch.setattr(messages, "default_language", lambda: calls.append(1) or real())
    out = decision.to_dict()
    assert out["explanation"] and out["citations"] and out["not_modelled"]
    assert len(calls) == 1


def test_a_fast_decision_equals_the_reference_decision_field_by_field():
    for contract in (POLICE, CONSULTATION):
        situation = parse_situation(contract)
        fast = _fresh()
        fast.evaluate(situation)  # builds the payload
        got = fast.evaluate(situation)  # shares it
        want = evaluate(situation, default_rule_base(), default_provisions())
        assert got.explanation == want.explanation
        assert got == want and want == got
        assert got.trace == want.trace


def test_the_lists_of_a_decision_are_its_own():
    first = decide(POLICE)
    for name in ("rules", "citations", "duties", "may_disclose", "never_disclose", "basis"):
        getattr(first, name).append("changed")
    first.rule_versions["x"] = "y"
    second = decide(POLICE)
    assert "changed" not in second.rules and "changed" not in second.citations
    assert "x" not in second.rule_versions
    assert second.to_dict() == decide(parse_situation(POLICE)).to_dict()


def test_an_unknown_attribute_of_a_fast_decision_is_an_error():
    decision = decide(POLICE, explain=False)
    with pytest.raises(AttributeError):
        _ = decision.no_such_field  # type: ignore[attr-defined]


def test_with_every_plan_compiled_the_decisions_are_the_reference_s(monkeypatch):
    """The compiled form of a plan (``_compile_plan``) decides as the reference, on
    every scenario file and on generated situations."""
    compiled_plans = []
    real = compiled_module._compile_plan

    def counting(source):  # type: ignore[no-untyped-def]
        run = real(source)
        compiled_plans.append(run)
        return run

    monkeypatch.setattr(compiled_module, "HOT_PLAN", 0)
    monkeypatch.setattr(compiled_module, "_compile_plan", counting)
    n, differences = differential.compare(differential.scenario_situations())
    assert n >= 100 and differences == []
    days = differential.boundaries(default_rule_base(), default_provisions())
    n, differences = differential.compare(differential.generated(400, days, seed=11))
    assert n == 400 and differences == []
    assert len(compiled_plans) > 50 and all(run is not None for run in compiled_plans)


def test_a_plan_used_often_is_compiled_and_decides_as_before(monkeypatch):
    monkeypatch.setattr(compiled_module, "HOT_PLAN", 5)
    monkeypatch.setattr(compiled_module, "HOT_PLAN_PER_LEAF", 0)
    fast = _fresh()
    situation = parse_situation(POLICE)
    before = [fast.evaluate(situation).to_dict() for _ in range(4)]
    assert all(p.run is None for p in fast._fast_plans.values())
    built = []
    real = fast._evaluate_full
    monkeypatch.setattr(fast, "_evaluate_full", lambda *a, **k: built.append(1) or real(*a, **k))
    after = [fast.evaluate(situation).to_dict() for _ in range(4)]
    assert any(p.run is not None for p in fast._fast_plans.values())
    # The payload built before the plan was compiled serves after it.
    assert built == []
    reference = evaluate(situation, default_rule_base(), default_provisions()).to_dict()
    assert before[0] == after[-1] == reference


def test_a_plan_is_compiled_only_once_its_use_pays_for_it():
    fast = _fresh()
    situation = parse_situation(POLICE)
    fast.evaluate(situation)
    (plan,) = fast._fast_plans.values()
    assert plan.hot >= compiled_module.HOT_PLAN_PER_LEAF * 5  # a plan has several leaves
    for _ in range(plan.hot - 2):
        fast.evaluate(situation)
    assert plan.run is None
    fast.evaluate(situation)
    assert plan.run is not None


#: Holder and recipient only: undetermined, with facts ``missing``.
NEARLY_EMPTY = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "external_professional"},
    "date": "2026-11-23",
}


def _counting_full(monkeypatch, fast: CompiledRuleBase) -> list[int]:
    built: list[int] = []
    real = fast._evaluate_full
    monkeypatch.setattr(fast, "_evaluate_full", lambda *a, **k: built.append(1) or real(*a, **k))
    return built


def test_an_undetermined_decision_is_built_once_then_shared(monkeypatch):
    fast = _fresh()
    built = _counting_full(monkeypatch, fast)
    situation = parse_situation(NEARLY_EMPTY)
    want = evaluate(situation, default_rule_base(), default_provisions())
    assert want.verdict == "undetermined" and want.missing
    first = fast.evaluate(situation)
    assert built == [1]
    first.missing.append("changed")  # the decision's own list, not the shared payload's
    got = fast.evaluate(situation)
    assert built == [1]
    assert got.explanation == want.explanation
    assert got == want and want == got
    assert got.trace == want.trace
    assert got.to_dict() == want.to_dict()


def test_situations_alike_but_for_the_day_share_the_payload_with_their_own_dates(monkeypatch):
    fast = _fresh()
    built = _counting_full(monkeypatch, fast)
    for day in ("2026-11-23", "2026-11-24"):
        situation = parse_situation({**NEARLY_EMPTY, "date": day})
        want = evaluate(situation, default_rule_base(), default_provisions()).to_dict()
        got = fast.evaluate(situation).to_dict()
        assert got == want and {c["valid_on"] for c in got["citations"]} == {day}
    assert built == [1]


def test_a_memo_cleared_when_full_gives_no_old_number_again():
    """The explanations are memoised on the payload's number: a payload made after the
    payloads were cleared must not take the number of one whose text is memoised."""
    fast = _fresh()
    police = fast.evaluate(parse_situation(POLICE))
    assert police.explanation
    fast._payloads.clear()  # as when full
    consultation = parse_situation(CONSULTATION)
    want = evaluate(consultation, default_rule_base(), default_provisions()).explanation
    assert fast.evaluate(consultation).explanation == want


def test_periods_with_the_same_plan_share_one_fast_plan_and_decide_as_the_reference():
    """A plan is flattened and specialised once for its dispatch values and its rules,
    whatever the period of the day it is read on: periods differ also by provisions and
    by rules no situation of these dispatch values reaches."""
    fast = _fresh()
    rule_base, provisions = default_rule_base(), default_provisions()
    days = differential.boundaries(rule_base, provisions)
    periods = set()
    for day in days:
        situation = parse_situation({**POLICE, "date": day.isoformat()})
        want = evaluate(situation, rule_base, provisions).to_dict()
        assert fast.evaluate(situation).to_dict() == want
        periods.add(fast._period(situation.date, situation.as_known_on))
    plans = {id(p) for p in fast._fast_plans.values()}
    today = compiled_module._today()
    facts = parse_situation(POLICE)._facts
    contents = set()
    for day in days:
        defeaters, verdicts, duties, out = fast.plan(facts, day, today)
        ids = (*(tuple(r.id for r in part) for part in (defeaters, verdicts, duties)),)
        contents.add((ids, tuple((r.id, status) for r, status in out)))
    assert len(periods) > len(plans) == len(contents)

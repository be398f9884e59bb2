"""Properties that hold for every situation, checked on generated ones (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import itertools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depositaire.engine import Situation, decide
from depositaire.engine.rules import VERDICTS
from depositaire.engine.schema import FACTS, FactSpec

PATHS = [p for p in FACTS if FACTS[p].type != "date"]


def value_strategy(spec: FactSpec) -> st.SearchStrategy[object]:
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    return st.frozensets(st.sampled_from(spec.values), min_size=1, max_size=4)


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    chosen = draw(st.lists(st.sampled_from(PATHS), unique=True, max_size=len(PATHS)))
    facts = {path: draw(value_strategy(FACTS[path])) for path in chosen}
    day = draw(st.dates(min_value=dt.date(1999, 1, 1), max_value=dt.date(2027, 12, 31)))
    if draw(st.booleans()):
        facts["as_known_on"] = draw(
            st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2027, 12, 31))
        )
    return Situation(facts, day)


def domain(path: str) -> list[object]:
    spec = FACTS[path]
    if spec.type == "bool":
        return [True, False]
    if spec.type == "enum":
        return list(spec.values)
    return [frozenset({v}) for v in spec.values]


def outcome(situation: Situation) -> tuple[str, tuple[str, ...]]:
    d = decide(situation, explain=False)
    return d.verdict, tuple(d.may_disclose)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_what_may_go_out_and_what_never_may_never_overlap(situation):
    d = decide(situation)
    assert not set(d.may_disclose) & set(d.never_disclose)
    assert d.verdict in VERDICTS


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_a_confidence_goes_out_only_under_a_rule_that_allows_confidences(situation):
    d = decide(situation, explain=False)
    if "confidence" in d.may_disclose:
        assert d.winner is not None and d.winner.allows_confidences, d.rules
        # Each of these says, from its text, that confidences may go out (issue 9).
        assert d.winner.id in {
            "right_to_report_abuse",
            "right_to_report_abuse_2001",
            "necessity",
            "case_consultation",
            "person_access",
            "terror_reporting_duty",
            "judicial_follow_up_report",
            "disease_notification",
            "teaching_research",
            "denunciation_duty",
        }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_missing_facts_exist_exactly_when_the_verdict_is_undetermined(situation):
    d = decide(situation, explain=False)
    assert (d.verdict == "undetermined") == bool(d.missing)
    assert not set(d.missing) & set(situation.facts), "a known fact is never missing"
    if d.verdict == "undetermined":
        assert d.may_disclose == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_a_decided_situation_explains_itself_in_french_with_citations(situation):
    d = decide(situation)
    assert d.explanation and all(isinstance(s, str) and s for s in d.explanation)
    if d.verdict != "undetermined":
        assert d.citations, d.rules


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_every_missing_fact_can_change_the_outcome(situation):
    """Exhaustively, where the completions are few enough: for each listed fact there is a
    completion of the other missing facts under which two of its values decide differently."""
    d = decide(situation, explain=False)
    if d.verdict != "undetermined":
        return
    for fact in d.missing:
        others = [p for p in d.missing if p != fact]
        sizes = [len(domain(p)) for p in others]
        if math.prod(sizes) * len(domain(fact)) > 3000:
            continue
        changes = False
        for combo in itertools.product(*(domain(p) for p in others)):
            base = situation.with_facts(dict(zip(others, combo, strict=True)))
            seen = {outcome(base.with_facts({fact: v})) for v in domain(fact)}
            if len(seen) > 1:
                changes = True
                break
        assert changes, f"{fact} is listed as missing but no value of it changes the outcome"


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_compiled_conditions_agree_with_the_interpreted_ones(situation):
    from depositaire.engine.conditions import All
    from depositaire.engine.derive import derive
    from depositaire.law import default_rule_base

    f, _ = derive(situation.facts)
    for rule in default_rule_base().rules:
        interpreted = All(rule.effective.parts).fn(f)  # a fresh All has the closure semantics
        assert rule.effective.fn(f) is interpreted, rule.id

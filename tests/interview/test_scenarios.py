"""The interview on every public scenario: same verdict as the engine, and no useless question."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interview.replaying import full_situation, interview_for, public_cases

from depositaire.engine import Situation, decide
from depositaire.interview import OPENING, Interview
from depositaire.interview.questions import choices_for

CASES = public_cases()
#: Days on which different versions of the law are in force (before and after 2017, 2019, 2026).
DATES = [dt.date(2016, 1, 1), dt.date(2018, 6, 1), dt.date(2024, 3, 1), dt.date(2026, 11, 23)]
IDS = [c["name"] for c in CASES]


def test_all_twenty_one_public_scenarios_are_replayed():
    assert len(CASES) == 21


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_interview_reaches_the_verdict_of_the_scenario(case):
    interview, _ = interview_for(case)
    assert interview.finished
    assert interview.decision.verdict == case["expect"]["verdict"]
    assert interview.decision.verdict == decide(full_situation(case)).verdict


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_interview_lets_out_what_the_engine_lets_out(case):
    interview, _ = interview_for(case)
    expected = decide(full_situation(case))
    assert interview.decision.may_disclose == expected.may_disclose


def outcomes(situation: Situation, path: str) -> set[tuple[str, tuple[str, ...]]]:
    """The (verdict, may_disclose) each possible answer to ``path`` gives on ``situation``."""
    found = set()
    for choice in choices_for(path):
        value = [choice.value] if path == "information.categories" else choice.value
        decision = decide(situation.with_facts({path: value}), explain=False)
        found.add((decision.verdict, tuple(decision.may_disclose)))
    return found


def with_answer(situation: Situation, path: str, value) -> Situation:
    return situation.with_facts({path: [value] if path == "information.categories" else value})


def can_change(situation: Situation, path: str, depth: int = 4) -> bool:
    """Two answers to ``path`` give different decisions (verdict or what may go out), given
    ``situation`` — or, when every answer leaves the decision open, given some answers to
    the facts still missing (up to ``depth`` of them; the shallowest search first)."""
    return any(_differs_within(situation, path, d) for d in range(depth + 1))


def _differs_within(situation: Situation, path: str, depth: int) -> bool:
    if len(outcomes(situation, path)) >= 2:
        return True
    if depth == 0:
        return False
    later = dict.fromkeys(
        fact
        for choice in choices_for(path)
        for fact in decide(with_answer(situation, path, choice.value), explain=False).missing
        if fact != path
    )
    return any(
        _differs_within(with_answer(situation, fact, choice.value), path, depth - 1)
        for fact in later
        for choice in choices_for(fact)
    )


def assert_every_question_could_change_the_decision(interview: Interview, answers) -> int:
    """Drive ``interview`` with ``answers(question)``; every non-opening question must matter."""
    checked = 0
    while (question := interview.next_question()) is not None:
        if question.path not in OPENING:
            situation = interview.situation
            assert can_change(situation, question.path), (question.path, dict(situation))
            checked += 1
        interview.answer(question.path, answers(question))
    return checked


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_question_is_asked_whose_answer_could_not_change_the_decision(case):
    situation = full_situation(case)
    interview = Interview(date=situation.date)
    assert_every_question_could_change_the_decision(interview, lambda q: situation.get(q.path))


def test_the_scenarios_do_ask_questions_beyond_the_opening_ones():
    """Guards the test above: it checks real questions, not an empty list."""
    asked = [p for case in CASES for p in interview_for(case)[1] if p not in OPENING]
    assert len(asked) >= 40


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.data())
def test_whatever_the_answers_every_question_asked_could_change_the_decision(data):
    """Random answers ("je ne sais pas" included, except to the opening questions, whose
    unknown answers make every decision slow and are covered by the scenarios)."""

    def pick(question):
        if question.multiple:
            chosen = data.draw(st.lists(st.sampled_from(question.choices), min_size=1, max_size=3))
            return frozenset(c.value for c in chosen)
        known = [c.value for c in question.choices]
        options = known if question.framing else [None, *known]
        return data.draw(st.sampled_from(options), label=question.path)

    interview = Interview(date=data.draw(st.sampled_from(DATES)))
    assert_every_question_could_change_the_decision(interview, pick)
    assert interview.finished
    decision = interview.decision
    if decision.verdict == "undetermined":
        assert set(decision.missing) <= set(interview.unknown_paths)


def test_the_relevance_check_rejects_a_fact_that_cannot_change_the_decision():
    """The check above can fail: whether the police asked in writing changes nothing."""
    situation = full_situation(public_cases()[0])
    assert not can_change(situation.with_facts({"request.in_writing": None}), "request.in_writing")
    assert not can_change(situation, "person.minor")


def test_the_relevance_check_looks_ahead_when_every_answer_leaves_the_decision_open():
    """Whether a danger is grave decides only once imminence and other means are known."""
    case = next(c for c in CASES if c["name"].startswith("Psychologist learns"))
    situation = full_situation(case).with_facts(
        {p: None for p in full_situation(case) if p.startswith("danger.") and p != "danger.exists"}
    )
    assert len(outcomes(situation, "danger.serious")) == 1
    assert can_change(situation, "danger.serious")

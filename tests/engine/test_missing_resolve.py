"""``missing`` with the dispatch facts open: the completions left undetermined are not
decided one by one (issue 10, "any situation ≤ 2 ms")."""

from __future__ import annotations

import pytest

from depositaire.engine import parse_situation
from depositaire.engine.compiled import CompiledRuleBase
from depositaire.engine.evaluator import evaluate
from depositaire.engine.provisions import default_provisions
from depositaire.law import default_rule_base

#: ``scripts/differential.py``'s ``generated(100000, days, seed=1)`` item #32313: 2,488,320
#: combinations of 14 open facts, 276,480 of them left undetermined (once above the former
#: ``RESOLVE_LIMIT``, where ``missing`` was an estimate; now decided exactly).
ABOVE_THE_LIMIT = {
    "information": {"categories": ["national_number"], "requisition_measure": True},
    "recipient": {"is_requester": True},
    "request": {"in_writing": True, "reasoned": False, "urgent": False},
    "as_known_on": "2024-08-16",
    "date": "2024-01-02",
}
#: Item #73068: 480 completions left undetermined, within the reference's limit.
WITHIN_THE_LIMIT = {
    "as_known_on": "1987-05-13",
    "date": "2021-04-02",
    "holder": {"institution": "other"},
    "information": {"categories": ["aid_period", "therapy_content"], "requisition_measure": True},
    "recipient": {"bound_by_secrecy": False, "same_mission": True},
    "request": {
        "in_writing": True,
        "reasoned": True,
        "under_oath": True,
        "terrorism_investigation": False,
        "information_specified": False,
        "urgent": True,
    },
    "guarantor": {"medical_costs_request": False},
}


def _counting(monkeypatch: pytest.MonkeyPatch) -> tuple[CompiledRuleBase, list[int]]:
    fast = CompiledRuleBase(default_rule_base(), default_provisions())
    built: list[int] = []
    real = fast._evaluate_full
    monkeypatch.setattr(fast, "_evaluate_full", lambda *a, **k: built.append(1) or real(*a, **k))
    return fast, built


def test_above_the_limit_no_completion_is_decided_for_nothing(monkeypatch):
    fast, built = _counting(monkeypatch)
    d = fast.evaluate(parse_situation(ABOVE_THE_LIMIT), explain=False)
    assert d.verdict == "undetermined"
    assert d.missing == ["recipient.kind", "request.kind"]
    # Exact now: one cofactor per assignment of the open dispatch facts, each resolved
    # only on the facts its plan reads (273 full decisions measured; before the limit
    # was removed, 1 and an estimate; before it was counted first, 16,385).
    assert len(built) < 400


def test_completions_alike_for_their_plan_are_decided_once(monkeypatch):
    situation = parse_situation(WITHIN_THE_LIMIT)
    want = evaluate(situation, default_rule_base(), default_provisions(), explain=False)
    fast, built = _counting(monkeypatch)
    got = fast.evaluate(situation, explain=False)
    assert got.to_dict() == want.to_dict()
    assert got.missing == ["request.kind"]
    # Before: 481 (the situation and each of its 480 undetermined completions).
    assert len(built) < 120

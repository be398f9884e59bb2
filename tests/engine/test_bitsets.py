"""``missing`` on bit sets (``engine/bitsets.py``) gives what the decision diagram gives."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from depositaire.engine import bitsets
from depositaire.engine import missing as diagram_module
from depositaire.engine.compiled import CompiledRuleBase
from depositaire.engine.derive import derive
from depositaire.engine.evaluator import _missing
from depositaire.engine.provisions import default_provisions
from depositaire.law import default_rule_base

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "differential.py"
_spec = importlib.util.spec_from_file_location("differential", SCRIPT)
assert _spec is not None and _spec.loader is not None
differential = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(differential)


def open_rules(fast, s):  # type: ignore[no-untyped-def]
    """``(f, pending, maybe-defeated, winner)`` of situation ``s`` in the compiled rule base:
    its facts derived, the verdict rules left open (in the plan's order), the defeaters that
    may still defeat a rule, and the first rule surely true and not defeated (or ``None``)."""
    f, _ = derive(s.facts)
    defeaters, verdict_rules, _d, _o = fast.plan(f, s.date, s.as_known_on)
    maybe = {}
    for d in defeaters:
        if d.effective.fn(f) is None:
            for target in d.defeats:
                maybe[target] = d
    pending, winner = [], None
    for r in verdict_rules:
        v = r.effective.fn(f)
        if v is True and r.id not in maybe:
            winner = r
            break
        if v is None or (v is True and r.id in maybe):
            pending.append(r)
    return f, pending, maybe, winner


def _open_cases(count: int):
    """(situation, f, pending, maybe-defeated, candidates) of generated situations whose
    evaluation leaves rules open."""
    base, provisions = default_rule_base(), default_provisions()
    fast = CompiledRuleBase(base, provisions)
    days = differential.boundaries(base, provisions)
    for s in differential.generated(count, days, seed=3):
        f, pending, maybe, winner = open_rules(fast, s)
        if not pending:
            continue
        outcome = fast.outcome(winner, f)
        outcomes = [fast.outcome(p, f) for p in pending]
        yield fast, s, f, pending, maybe, _missing(pending, winner, outcomes, outcome, f, maybe)


def test_bit_sets_and_the_decision_diagram_find_the_same_decisive_facts():
    compared = 0
    for fast, s, f, pending, maybe, candidates in _open_cases(300):
        involved = (*pending, *maybe.values())
        open_facts = list(dict.fromkeys(p for r in involved for p in r.effective.open_facts(f)))
        open_ = tuple((p, tuple(fast.rule_base.value_classes(p, involved))) for p in open_facts)
        total = 1
        for _p, values in open_:
            total *= len(values)
        if not open_ or total > bitsets.LIMIT or any(not v for _p, v in open_):
            continue

        def resolve(changes, s=s, fast=fast):  # type: ignore[no-untyped-def]
            d = fast.evaluate(s.with_facts(changes), explain=False)
            return d.verdict, frozenset(d.may_disclose)

        got = bitsets.only_decisive(
            fast, candidates, s.facts, f, open_, s.date, s.as_known_on, resolve
        )
        d = diagram_module.diagram(fast)
        root, order = d.build(s.facts, f, open_, s.date, s.as_known_on)
        position = {path: p for p, path, _v in order}
        found = d.decisive(root)
        want = [p for p in candidates if position[p] in found]
        if not want:
            # Both decide the combinations left undetermined exactly, then compare again.
            root = d.resolved(root, order, resolve)
            found = d.decisive(root)
            want = [p for p in candidates if position[p] in found] or [
                p for p in candidates if position[p] in d.support(root)
            ]
        assert got == want, s.to_contract()
        compared += 1
    assert compared >= 40

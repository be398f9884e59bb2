"""The compiled rule base: the evaluator's semantics, specialised once at load.

:mod:`depositaire.engine.evaluator` is the reference: a straightforward interpreter
that examines every rule in force. This module decides the same way, faster, and a
differential test (``tests/engine/test_compiled_oracle.py``, ``scripts/differential.py``)
requires identical decisions (``to_dict()`` equal) on every scenario file and on
generated situations. Everything here is derived from the rule data at load; no rule
is named in this file.

- **Dispatch.** The enumerated facts that scope the most rules (today ``request.kind``
  and ``recipient.kind``) key a plan: the rules that can still matter when those facts
  have these values (or are unknown). A rule is left out of a plan only when an
  abstract evaluation of its conditions, with every other fact free, proves that it is
  false and, for an exception, that its scope is false (the explanation reports a
  failed exception whose scope held).
- **Memoised conclusions.** What a winner lets out depends only on the rule, the asked
  categories, the nature, its narrowing conditions and the failed exceptions; citations
  only on the rules, derivations and date: both are memoised.
- **``missing`` without enumeration.** Which unknown facts are decisive is decided by a
  search over partial completions (:class:`_Decisive`): a partial completion is settled
  as soon as an abstract evaluation of the conditions shows that the facts still free
  cannot change any rule that the evaluator would examine; the search for a fact stops
  at its first witness, and settled partial completions are shared between the facts
  and between the two passes. The result is the exact set the reference computes by
  enumerating every combination (see ``evaluator._only_decisive``), with no limit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from depositaire.engine.conditions import All, Any_, Condition, Facts, Leaf
from depositaire.engine.decision import Decision, Trace
from depositaire.engine.derive import derive
from depositaire.engine.evaluator import _citations, _missing, _sorted, disclosure
from depositaire.engine.provisions import Provisions
from depositaire.engine.rules import Rule, RuleBase, Verdict
from depositaire.engine.schema import CONFIDENCE, FACTS
from depositaire.engine.situation import FactValue, Situation

# Three-valued truth as bits, for abstract evaluation: a mask is the set of values a
# condition can take over every completion of the facts still free.
T, F, N = 1, 2, 4
_BIT = {True: T, False: F, None: N}
Outcome = tuple[Verdict, frozenset[str]]
Plan = tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...]]

#: A fact the search has not assigned yet (distinct from ``None``, an unknown fact).
_FREE = object()


def _combine(cond: All | Any_, masks: Iterable[int]) -> int:
    """The mask of a junction from its parts' masks (parts taken as independent, which
    over-approximates: the true set of values is always included)."""
    ms = list(masks)
    if isinstance(cond, All):
        out = F if any(m & F for m in ms) else 0
        if all(m & (T | N) for m in ms) and any(m & N for m in ms):
            out |= N
        if all(m & T for m in ms):
            out |= T
        return out
    out = T if any(m & T for m in ms) else 0
    if all(m & (F | N) for m in ms) and any(m & N for m in ms):
        out |= N
    if all(m & F for m in ms):
        out |= F
    return out


#: A value standing for every value of a fact (a date fact, in the dispatch analysis).
_TOP = object()


def _leaf_truth(leaf: Leaf, value: object) -> bool | None:
    if value is None:
        return leaf.assume
    if leaf.contains:
        return (leaf.values[0] in value) != leaf.negate  # type: ignore[operator]
    return (value in leaf.values) != leaf.negate


def abstract_mask(cond: Condition, values_of: Any) -> int:
    """Every truth value ``cond`` can take when each fact ranges over ``values_of(path)``
    (a tuple of possible values, ``None`` for unknown)."""
    if isinstance(cond, Leaf):
        mask = 0
        for v in values_of(cond.path):
            mask |= (T | F | _BIT[cond.assume]) if v is _TOP else _BIT[_leaf_truth(cond, v)]
        return mask
    return _combine(cond, (abstract_mask(p, values_of) for p in cond.parts))


def _first_open_leaf(cond: Condition, values_of: Any) -> Leaf | None:
    """The first leaf, in reading order, whose fact still ranges over several values
    and that belongs to a part not yet settled."""
    if isinstance(cond, Leaf):
        return cond if len(values_of(cond.path)) > 1 else None
    for part in cond.parts:
        if _single(abstract_mask(part, values_of)):
            continue
        found = _first_open_leaf(part, values_of)
        if found is not None:
            return found
    return None


_PATHS: dict[int, frozenset[str]] = {}


def _paths(cond: Condition) -> frozenset[str]:
    """The facts a condition reads (memoised by identity: conditions are immutable)."""
    found = _PATHS.get(id(cond))
    if found is None:
        found = frozenset(leaf.path for leaf in cond.leaves())
        _PATHS[id(cond)] = found
    return found


def _single(mask: int) -> bool:
    return mask in (T, F, N)


def _dispatch_paths(rules: Sequence[Rule], count: int = 2) -> tuple[str, ...]:
    """The enumerated facts named in the most rule scopes."""
    scores: dict[str, int] = {}
    for r in rules:
        for path in {leaf.path for leaf in r.scope.leaves()}:
            if FACTS[path].type == "enum":
                scores[path] = scores.get(path, 0) + 1
    ranked = sorted(scores, key=lambda p: (-scores[p], p))
    return tuple(ranked[:count])


class CompiledRuleBase:
    """A rule base and its provisions, specialised for fast evaluation."""

    def __init__(self, rule_base: RuleBase, provisions: Provisions) -> None:
        self.rule_base = rule_base
        self.provisions = provisions
        self.dispatch = _dispatch_paths(rule_base.rules)
        self._relevant: dict[tuple[object, ...], frozenset[str]] = {}
        self._scoped: dict[tuple[object, ...], frozenset[str]] = {}
        self._all_ids = frozenset(r.id for r in rule_base.rules)
        self._plans: dict[tuple[object, ...], Plan] = {}
        self._disclosures: dict[tuple[object, ...], tuple[Verdict, frozenset[str], frozenset[str]]]
        self._disclosures = {}
        # Derivation: which facts each derived fact is computed from (found by probing
        # ``derive`` with one fact at a time), to know its range while facts are free.
        self._derived_from: dict[str, tuple[str, ...]] = {}
        for path, spec in FACTS.items():
            domain: Sequence[object] = (
                (True, False)
                if spec.type == "bool"
                else spec.values
                if spec.type == "enum"
                else ()
            )
            for value in domain:
                for out in derive({path: value})[0]:  # type: ignore[dict-item]
                    if out != path:
                        sources = self._derived_from.setdefault(out, ())
                        if path not in sources:
                            self._derived_from[out] = (*sources, path)
        self._ranges: dict[tuple[object, ...], tuple[object, ...]] = {}

    # -- plans ----------------------------------------------------------------

    def _analyse_key(self, key: tuple[object, ...]) -> None:
        """The rules that can matter when the dispatch facts have the values ``key``:
        every other fact free, a rule is left out only if it is surely false and, for
        an exception, its scope surely does not hold."""
        known = dict(zip(self.dispatch, key, strict=True))

        def values_of(path: str) -> tuple[object, ...]:
            if path in known:
                return (known[path],)
            return _ANY.get(path) or _any_values(path)

        keep: set[str] = set()
        scoped: set[str] = set()
        for r in self.rule_base.rules:
            scope_can_hold = bool(abstract_mask(r.scope, values_of) & T)
            if scope_can_hold:
                scoped.add(r.id)
            if abstract_mask(r.effective, values_of) != F or (
                r.kind == "exception" and scope_can_hold
            ):
                keep.add(r.id)
        self._relevant[key] = frozenset(keep)
        self._scoped[key] = frozenset(scoped)

    def plan(self, f: Facts, date: dt.date) -> Plan:
        """(defeaters, verdict rules, duty rules, verdict rules out of force whose scope
        can hold) for these dispatch facts on ``date``, in examination order."""
        key = (*(f.get(p) for p in self.dispatch), date)
        found = self._plans.get(key)
        if found is None:
            if key[:-1] not in self._relevant:
                self._analyse_key(key[:-1])
            relevant = self._relevant.get(key[:-1], self._all_ids)
            scoped = self._scoped.get(key[:-1], self._all_ids)
            defeaters, verdict_rules, duty_rules = self.rule_base.in_force(date)
            found = (
                tuple(r for r in defeaters if r.id in relevant),
                tuple(r for r in verdict_rules if r.id in relevant),
                tuple(r for r in duty_rules if r.id in relevant),
                tuple(
                    r
                    for r in self.rule_base.verdict_rules
                    if r.id in scoped and not r.in_force(date)
                ),
            )
            if len(self._plans) > 65536:
                self._plans.clear()
            self._plans[key] = found
        return found

    def _disclosure(
        self, rule: Rule, f: Facts, failed: Sequence[Rule] = ()
    ) -> tuple[Verdict, frozenset[str], frozenset[str]]:
        key = (
            rule.id,
            f.get("information.categories"),
            f.get("information.nature"),
            *(c.fn(f) for c, _ in rule.narrowing),
            *(r.id for r in failed),
        )
        found = self._disclosures.get(key)
        if found is None:
            found = disclosure(rule, f, failed)
            if len(self._disclosures) > 65536:
                self._disclosures.clear()
            self._disclosures[key] = found
        return found

    def outcome(self, rule: Rule | None, f: Facts) -> Outcome | None:
        if rule is None:
            return None
        verdict, may, _ = self._disclosure(rule, f)
        return verdict, may

    # -- deciding -------------------------------------------------------------

    def inner_outcome(self, facts: Mapping[str, FactValue], date: dt.date) -> Outcome:
        """What the reference's inner evaluation (``exact_missing=False``) concludes:
        the verdict and what may go out, without ``missing``."""
        f, _ = derive(facts)
        defeaters, verdict_rules, _duty, _out = self.plan(f, date)
        defeated: set[str] = set()
        maybe_defeated: set[str] = set()
        for d in defeaters:
            v = d.effective.fn(f)
            if v is True:
                defeated.update(d.defeats)
            elif v is None:
                maybe_defeated.update(d.defeats)
        winner: Rule | None = None
        pending: list[Rule] = []
        for r in verdict_rules:
            v = r.effective.fn(f)
            if v is True:
                if r.id in defeated:
                    continue
                if r.id in maybe_defeated:
                    pending.append(r)
                    continue
                winner = r
                break
            if v is None:
                pending.append(r)
        if pending:
            outcome = self.outcome(winner, f)
            outcomes = [self.outcome(p, f) for p in pending]
            if (
                winner is not None
                and all(o == outcome for o in outcomes)
                or (winner is None and all(o == outcomes[0] for o in outcomes) and len(pending) > 1)
            ):
                if winner is None:
                    winner = pending[0]
                pending = []
        if winner is not None and not pending:
            verdict, may, _ = self._disclosure(winner, f)
            return verdict, may
        return "undetermined", frozenset()

    def evaluate(self, situation: Situation, *, explain: bool = True) -> Decision:
        """Decide ``situation``: the same decision as ``evaluator.evaluate``."""
        f, derivations = derive(situation.facts)
        date = situation.date
        trace = Trace(derivations=derivations)
        steps = trace.steps
        defeaters, verdict_rules, duty_rules, out_of_force = self.plan(f, date)

        defeated: dict[str, Rule] = {}
        maybe_defeated: dict[str, Rule] = {}
        for d in defeaters:
            v = d.effective.fn(f)
            if v is True:
                steps.append((d, "fired"))
                for target in d.defeats:
                    defeated[target] = d
            elif v is None:
                steps.append((d, "pending"))
                for target in d.defeats:
                    maybe_defeated[target] = d
        trace.defeated_by = defeated

        if explain:
            for r in out_of_force:
                if r.scope.fn(f) is True:
                    steps.append((r, "not_in_force"))

        winner: Rule | None = None
        pending: list[Rule] = []
        failed: list[Rule] = []
        for r in verdict_rules:
            v = r.effective.fn(f)
            if v is True:
                if r.id in defeated:
                    steps.append((r, "defeated"))
                    failed.append(r)
                    continue
                if r.id in maybe_defeated:
                    pending.append(r)
                    continue
                winner = r
                break
            if v is None:
                pending.append(r)
            elif r.kind == "exception" and r.scope.fn(f) is True:
                failed.append(r)
                steps.append((r, "failed"))

        missing: list[str] = []
        if pending:
            outcome = self.outcome(winner, f)
            outcomes = [self.outcome(p, f) for p in pending]
            if (
                winner is not None
                and all(o == outcome for o in outcomes)
                or (winner is None and all(o == outcomes[0] for o in outcomes) and len(pending) > 1)
            ):
                for p in pending:
                    steps.append((p, "same_outcome"))
                if winner is None:
                    winner = pending[0]
                pending = []
            else:
                candidates = _missing(pending, winner, outcomes, outcome, f, maybe_defeated)
                missing = _Decisive(self, situation, f, pending, maybe_defeated).among(
                    candidates
                )
                for p in pending:
                    steps.append((p, "pending"))

        if winner is not None and not pending:
            steps.append((winner, "fired"))
            verdict, may, never = self._disclosure(winner, f, failed)
            rules = [winner.id, *(r.id for r in failed if r.id != winner.id)]
            duties = list(winner.duties)
            duties.extend(d for cond, d in winner.conditional_duties if cond.fn(f) is True)
            duties.extend(d for r in failed for cond, d in r.failure_duties if cond.fn(f) is True)
        else:
            verdict, may, never = "undetermined", frozenset(), frozenset({CONFIDENCE})
            rules = [r.id for r in pending]
            duties = []
        if defeated:
            fired = {x.id for x in defeated.values()}
            for d in defeaters:
                if d.id in fired and d.id not in rules:
                    rules.append(d.id)
        for dr in duty_rules:
            if dr.effective.fn(f) is True:
                steps.append((dr, "fired"))
                rules.append(dr.id)
                duties.extend(dr.duties)
                duties.extend(x for cond, x in dr.conditional_duties if cond.fn(f) is True)

        cited_rules = tuple(
            r for r, status in steps if status in ("fired", "failed", "pending", "defeated")
        )
        citations, to_verify = _citations(cited_rules, tuple(derivations), self.provisions, date)
        decision = Decision(
            verdict=verdict,
            rules=rules,
            citations=list(citations),
            may_disclose=_sorted(may),
            never_disclose=_sorted(never),
            duties=list(dict.fromkeys(duties)),
            missing=missing,
            explanation=[],
            to_verify=list(to_verify),
            date=date,
            rule_base_version=self.rule_base.version,
            trace=trace,
            winner=winner if verdict != "undetermined" else None,
        )
        if explain:
            from depositaire.engine.explain import explain as build_explanation

            decision.explanation = build_explanation(decision, situation, f, self.provisions)
        return decision

    # -- ranges of derived facts ------------------------------------------------

    def derived_range(
        self, path: str, known: Mapping[str, object], classes: Mapping[str, Sequence[object]]
    ) -> tuple[object, ...]:
        """The values ``derive`` can give ``path`` when the free facts among its sources
        take each of their classes (``None``: not derived)."""
        sources = self._derived_from[path]
        key = (path, *((q, known.get(q, _FREE)) for q in sources))
        found = self._ranges.get(key)
        if found is None:
            choices = [
                classes[q] if known.get(q, _FREE) is _FREE else (known[q],) for q in sources
            ]
            seen: dict[object, None] = {}
            for combo in itertools.product(*choices):
                facts = {q: v for q, v in zip(sources, combo, strict=True) if v is not None}
                seen[derive(facts)[0].get(path)] = None  # type: ignore[arg-type]
            found = tuple(seen)
            self._ranges[key] = found
        return found


def _any_values(path: str) -> tuple[object, ...]:
    """Every value a fact can take, unknown included (for the dispatch analysis)."""
    spec = FACTS[path]
    if spec.type == "bool":
        found: tuple[object, ...] = (True, False, None)
    elif spec.type == "enum":
        found = (*spec.values, None)
    elif spec.type == "enum_list":
        found = (frozenset(), *(frozenset({v}) for v in spec.values), frozenset(spec.values), None)
    else:
        found = (_TOP, None)
    _ANY[path] = found
    return found


_ANY: dict[str, tuple[object, ...]] = {}
#: Stand-in conditions for a free fact read by ``disclosure`` (categories, nature).
_FREE_FACT: dict[str, Condition] = {
    "information.categories": Leaf("information.categories", ("identity",), contains=True),
    "information.nature": Leaf("information.nature", ("confidence",)),
}


class _Decisive:
    """Which open facts can change the outcome: the reference's definition, searched.

    The reference enumerates every combination of one representative value per class
    of each open fact, decides each, and calls a fact decisive when two combinations
    that differ only in it decide differently (first among determined outcomes only,
    then, if no listed fact is found so, among all). Here a partial combination is
    *settled* when no free fact can change a rule the evaluator would examine (nor a
    defeater, nor what a possible winner lets out): every completion then decides alike,
    and one evaluation stands for all of them."""

    def __init__(
        self,
        compiled: CompiledRuleBase,
        situation: Situation,
        f: Facts,
        pending: list[Rule],
        maybe_defeated: dict[str, Rule],
    ) -> None:
        rule_base = compiled.rule_base
        self.compiled = compiled
        self.base = situation.facts
        self.date = situation.date
        involved = (*pending, *maybe_defeated.values())
        self.open = list(dict.fromkeys(p for r in involved for p in r.effective.open_facts(f)))
        self.classes = {p: rule_base.value_classes(p, involved) for p in self.open}
        self.index = {p: i for i, p in enumerate(self.open)}
        defeaters, verdict_rules, _duty = rule_base.in_force(self.date)
        self.defeaters = defeaters
        self.verdict_rules = verdict_rules
        self.defeaters_of: dict[str, list[Rule]] = {}
        for d in defeaters:
            for target in d.defeats:
                self.defeaters_of.setdefault(target, []).append(d)
        self.settled: dict[tuple[object, ...], tuple[bool, Any, tuple[object, ...]]] = {}
        self.witnesses: dict[tuple[object, ...], bool] = {}

    def among(self, candidates: list[str]) -> list[str]:
        first = [p for p in candidates if self.decisive(p, True)]
        return first or [p for p in candidates if self.decisive(p, False)]

    def decisive(self, path: str, determined_only: bool) -> bool:
        if path not in self.index:
            return False
        return self._witness(path, {}, determined_only)

    def _witness(self, path: str, assigned: dict[str, object], determined_only: bool) -> bool:
        """Is there a completion of ``assigned`` under which two values of ``path``
        decide differently? Memoised on the residual problem, not on the assignment."""
        settled, found, key = self.analyse(assigned)
        if settled:
            return False  # ``path`` is free and still nothing depends on it
        memo_key = (path, determined_only, key)
        known = self.witnesses.get(memo_key)
        if known is not None:
            return known
        results: set[Outcome] = set()
        branch: str | None = None
        answer = False
        for value in self.classes[path]:
            child_settled, child, _ = self.analyse({**assigned, path: value})
            if child_settled:
                if not (determined_only and child[0] == "undetermined"):
                    results.add(child)
                    if len(results) > 1:
                        answer = True
                        break
            elif branch is None:
                branch = child
        if not answer and branch is not None:
            answer = any(
                self._witness(path, {**assigned, branch: v}, determined_only)
                for v in self.classes[branch]
            )
        self.witnesses[memo_key] = answer
        return answer

    def analyse(self, assigned: dict[str, object]) -> tuple[bool, Any, tuple[object, ...]]:
        """(True, outcome, key) when every completion of ``assigned`` decides alike, else
        (False, a free fact to branch on, key); ``key`` names the residual problem: two
        assignments with equal keys leave the same function of the free facts."""
        memo = tuple(assigned.get(p, _FREE) for p in self.open)
        found = self.settled.get(memo)
        if found is None:
            found = self._settle(assigned)
            self.settled[memo] = found
        return found

    def _settle(self, assigned: dict[str, object]) -> tuple[bool, Any, tuple[object, ...]]:
        base, classes, compiled = self.base, self.classes, self.compiled
        known: dict[str, object] = {**base, **assigned}
        free_set = {p for p in self.open if p not in assigned}
        derived_from = compiled._derived_from
        derived_now, _ = derive(known)  # type: ignore[arg-type]

        varying = set(free_set)
        for path, sources in derived_from.items():
            if path not in base and path not in self.index and any(q in free_set for q in sources):
                varying.add(path)

        def values_of(path: str) -> tuple[object, ...]:
            if path in assigned:
                return (assigned[path],)
            if path in free_set:
                return tuple(classes[path])
            if path in base:
                return (base[path],)
            if path in varying:
                return compiled.derived_range(path, known, classes)
            return (derived_now.get(path),)

        def mask_of(cond: Condition) -> int:
            if _paths(cond).isdisjoint(varying):
                return _BIT[cond.fn(derived_now)]
            return abstract_mask(cond, values_of)

        dispatch = [values_of(p) for p in compiled.dispatch]
        if all(len(v) == 1 for v in dispatch):
            plan = compiled.plan({p: v[0] for p, v in zip(compiled.dispatch, dispatch)}, self.date)
            defeaters, verdict_rules = plan[0], plan[1]
        else:
            defeaters, verdict_rules = self.defeaters, self.verdict_rules

        relevant: set[str] = set()
        open_conditions: list[Condition] = []

        def note(cond: Condition) -> None:
            open_conditions.append(cond)
            for leaf in cond.leaves():
                relevant.add(leaf.path)
                relevant.update(derived_from.get(leaf.path, ()))

        masks: list[int] = []
        defeater_masks: dict[str, int] = {}
        for d in defeaters:
            defeater_masks[d.id] = mask_of(d.effective)
        examined: list[Rule] = []
        for r in verdict_rules:
            mask = mask_of(r.effective)
            masks.append(mask)
            if not _single(mask):
                note(r.effective)
                continue
            if mask == F:
                continue
            if mask == N:
                examined.append(r)  # pending whatever its defeaters say
                continue
            states = 0
            for d in self.defeaters_of.get(r.id, ()):
                m = defeater_masks.get(d.id, F)
                states |= m
                if not _single(m):
                    note(d.effective)
            masks.append(states)
            if not _single(states) and states & ~F:
                continue
            if states & T:
                continue  # defeated
            examined.append(r)
            if not states & N and not open_conditions:
                break  # the winner: nothing below can matter
        # What a possible outcome lets out must not depend on a free fact either.
        for r in examined:
            for path in ("information.categories", "information.nature"):
                relevant.add(path)
                if path in free_set:
                    open_conditions.append(_FREE_FACT[path])
            for cond, _cats in r.narrowing:
                if not _single(mask_of(cond)):
                    note(cond)
                else:
                    relevant.update(leaf.path for leaf in cond.leaves())
        key = (
            tuple(masks),
            tuple((p, assigned[p]) for p in self.open if p in assigned and p in relevant),
        )
        if open_conditions:
            return False, self._branch(open_conditions, values_of, free_set), key
        completion = {**assigned, **{p: classes[p][0] for p in free_set}}
        facts: dict[str, FactValue] = {**base, **completion}  # type: ignore[dict-item]
        return True, compiled.inner_outcome(facts, self.date), key

    def _branch(
        self, conditions: list[Condition], values_of: Any, free_set: set[str]
    ) -> str:
        """The free fact named by the most unsettled conditions (first open first)."""
        derived_from = self.compiled._derived_from
        score: dict[str, int] = {}
        for cond in conditions:
            paths: set[str] = set()
            for leaf in cond.leaves():
                if leaf.path in free_set:
                    paths.add(leaf.path)
                else:
                    paths.update(q for q in derived_from.get(leaf.path, ()) if q in free_set)
            for q in paths:
                score[q] = score.get(q, 0) + 1
        return min(score, key=lambda q: (-score[q], self.index[q]))


_COMPILED: dict[tuple[int, int], CompiledRuleBase] = {}


def compiled(rule_base: RuleBase, provisions: Provisions) -> CompiledRuleBase:
    """The compiled form of ``rule_base`` (built once per rule base and provisions)."""
    key = (id(rule_base), id(provisions))
    found = _COMPILED.get(key)
    if found is None or found.rule_base is not rule_base or found.provisions is not provisions:
        found = CompiledRuleBase(rule_base, provisions)
        _COMPILED[key] = found
    return found

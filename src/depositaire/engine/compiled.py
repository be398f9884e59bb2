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
  categories, the nature, whether they were confided, its narrowing conditions and the
  failed exceptions; citations only on the rules, derivations, date, reading day and
  annulments: both are memoised.
- **Bi-temporal reading.** Plans are keyed by the date and the reading day
  (``as_known_on``): the rules in force as known that day, and what the explanation
  says of the others (annulled, not in force).
- **``missing``** keeps the reference's definition (the same open facts, value classes
  and notion of a decisive fact) but is computed on a hash-consed decision diagram of
  the inner outcomes (:mod:`depositaire.engine.missing`), without enumerating the
  completions and without the reference's limit (``evaluator.EXACT_MISSING_LIMIT``):
  below the limit both give the same list; above it the reference keeps its estimate
  while this module stays exact.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from depositaire.engine.conditions import (
    All,
    Any_,
    Condition,
    Evaluator,
    Facts,
    Leaf,
    _Emitter,
    compile_condition,
)
from depositaire.engine.decision import Citation, Decision, RuleBasis, RuleStatus, Trace
from depositaire.engine.derive import Derivation
from depositaire.engine.evaluator import (
    _missing,
    _sorted,
    completion_winner,
    disclosure,
    presumed,
    rule_basis,
)
from depositaire.engine.missing import _plan_reads, fast_mask, leaf_truth, only_decisive
from depositaire.engine.provisions import Provisions
from depositaire.engine.rules import Rule, RuleBase, Verdict
from depositaire.engine.schema import CONFIDENCE, FactSpec
from depositaire.engine.situation import FactValue, Situation
from depositaire.messages import current_language

if TYPE_CHECKING:
    from depositaire.engine.package import LawPackage

# Three-valued truth as bits, for abstract evaluation: a mask is the set of values a
# condition can take over every completion of the facts still free.
T, F, N = 1, 2, 4
_BIT = {True: T, False: F, None: N}
Outcome = tuple[Verdict, frozenset[str]]
#: A verdict rule out of the law as read, whose scope can hold, and what the explanation
#: says of it when its scope holds (``annulled`` or ``not_in_force``).
OutOfForce = tuple[tuple[Rule, RuleStatus], ...]
Plan = tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...], OutOfForce]
#: A condition of a fast plan with the dispatch facts folded in: a condition, or its
#: truth when it is the same for every situation of the plan (``_fold``).
Folded = Condition | bool | None
VerdictEntry = tuple[
    Evaluator, str, Evaluator | None, tuple[Evaluator, ...], tuple[Evaluator, ...], tuple[str, ...]
]


class _FastPlan:
    """A plan as :meth:`CompiledRuleBase.evaluate` reads it: the defeaters (condition,
    the rules they defeat), the verdict rules (condition, id, scope of an exception, the
    conditions a winner reads, those a failed exception reads, the facts of its
    presumptions), the duty rules (condition, conditional duties' conditions) and the
    scopes of the rules out of force, each condition compiled with the dispatch facts
    folded in; ``source`` the same folded conditions, from which a plan used often is
    compiled into one function (``run``, :func:`_compile_plan`)."""

    __slots__ = (
        "defeaters",
        "duties",
        "hot",
        "number",
        "out_of_force",
        "run",
        "source",
        "uses",
        "verdicts",
    )

    def __init__(
        self,
        number: int,
        defeaters: tuple[tuple[Evaluator, frozenset[str]], ...],
        verdicts: tuple[VerdictEntry, ...],
        duties: tuple[tuple[Evaluator, tuple[Evaluator, ...]], ...],
        out_of_force: tuple[Evaluator, ...],
        source: _PlanSource,
    ) -> None:
        self.number = number
        self.defeaters = defeaters
        self.verdicts = verdicts
        self.duties = duties
        self.out_of_force = out_of_force
        self.source = source
        self.uses = 0
        #: How many uses make it worth compiling (``HOT_PLAN_PER_LEAF``).
        self.hot = max(HOT_PLAN, HOT_PLAN_PER_LEAF * _leaf_count(source))
        self.run: Callable[[Facts, bool], tuple[object, ...] | None] | None = None


#: The folded conditions of a plan: defeaters (condition, defeats), verdict rules
#: (condition, id, scope or ``None`` for a rule that is not an exception, reads,
#: failure reads, presumption facts), duty rules (condition, conditionals), scopes out
#: of force.
_PlanSource = tuple[
    tuple[tuple[Folded, frozenset[str]], ...],
    tuple[
        tuple[
            Folded,
            str,
            tuple[Folded] | None,
            tuple[Folded, ...],
            tuple[Folded, ...],
            tuple[str, ...],
        ],
        ...,
    ],
    tuple[tuple[Folded, tuple[Folded, ...]], ...],
    tuple[Folded, ...],
]
#: A plan is compiled into one function (``_FastPlan.run``) once used this many times
#: for each leaf of its conditions (at least ``HOT_PLAN`` times): compiling costs about
#: 40 µs a leaf and saves about 1 µs a decision, so a plan is compiled only once its
#: use has paid for it (a bulk run over varied situations compiles few plans; a
#: service that decides the same kinds of situation all day compiles its usual ones).
HOT_PLAN = 64
HOT_PLAN_PER_LEAF = 32
_NONE: frozenset[str] = frozenset()
_UNDETERMINED: Outcome = ("undetermined", _NONE)
_CONFIDENCE_ONLY: frozenset[str] = frozenset({CONFIDENCE})


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


def abstract_mask(cond: Condition, values_of: Any) -> int:
    """Every truth value ``cond`` can take when each fact ranges over ``values_of(path)``
    (a tuple of possible values, ``None`` for unknown)."""
    if isinstance(cond, Leaf):
        mask = 0
        for v in values_of(cond.path):
            mask |= (T | F | _BIT[cond.assume]) if v is _TOP else _BIT[leaf_truth(cond, v)]
        return mask
    return _combine(cond, (abstract_mask(p, values_of) for p in cond.parts))


def _fold(cond: Condition, values: Mapping[str, object]) -> tuple[bool, Any]:
    """``cond`` with its leaves on the facts of ``values`` replaced by their truth:
    (True, the constant truth) or (False, the simplified condition, ``cond`` itself if
    nothing changed). A part whose truth is unknown is kept as it is (it evaluates to
    unknown at run time too), so that Kleene logic needs no constant for "unknown"."""
    if isinstance(cond, Leaf):
        if cond.path in values:
            return True, leaf_truth(cond, values[cond.path])
        return False, cond
    decisive = cond.DECISIVE
    parts: list[Condition] = []
    changed = False
    for part in cond.parts:
        constant, folded = _fold(part, values)
        if constant:
            if folded is decisive:
                return True, decisive
            if folded is None:
                parts.append(part)  # unknown in every situation of the plan
            else:
                changed = True  # neutral: dropped
            continue
        changed = changed or folded is not part
        parts.append(folded)
    if not changed:
        return False, cond
    if not parts:
        return True, not decisive
    if len(parts) == 1:
        return False, parts[0]  # a junction of one part is that part
    return False, type(cond)(tuple(parts))


def _constant(value: bool | None) -> Evaluator:
    def fn(_f: Facts) -> bool | None:
        return value

    return fn


_CONSTANTS: dict[bool | None, Evaluator] = {v: _constant(v) for v in (True, False, None)}


def _dispatch_paths(
    rules: Sequence[Rule], facts: Mapping[str, FactSpec], count: int = 2
) -> tuple[str, ...]:
    """The enumerated facts named in the most rule scopes."""
    scores: dict[str, int] = {}
    for r in rules:
        for path in {leaf.path for leaf in r.scope.leaves()}:
            if facts[path].type == "enum":
                scores[path] = scores.get(path, 0) + 1
    ranked = sorted(scores, key=lambda p: (-scores[p], p))
    return tuple(ranked[:count])


class CompiledRuleBase:
    """A rule base and its provisions, specialised for fast evaluation."""

    def __init__(self, rule_base: RuleBase, provisions: Provisions) -> None:
        self.rule_base = rule_base
        self.provisions = provisions
        self.dispatch = _dispatch_paths(rule_base.rules, rule_base.law.facts)
        self._relevant: dict[tuple[object, ...], frozenset[str]] = {}
        self._scoped: dict[tuple[object, ...], frozenset[str]] = {}
        self._all_ids = frozenset(r.id for r in rule_base.rules)
        # Citations by (cited rules, derivations, date); category orders by set.
        self._tails: dict[tuple[object, ...], Any] = {}
        self._orders: dict[frozenset[str], tuple[str, ...]] = {}
        self._plans: dict[tuple[object, ...], Plan] = {}
        self._fast_plans: dict[tuple[object, ...], _FastPlan] = {}
        # The same, by dispatch values and plan content (``_fast_plan``).
        self._fast_by_content: dict[tuple[object, ...], _FastPlan] = {}
        # Conditions specialised on the dispatch facts (``_specialised``).
        self._reads: dict[int, tuple[str, ...]] = {}
        self._conditions: list[Condition] = []
        self._specialisations: dict[tuple[object, ...], tuple[Evaluator, Folded]] = {}
        # Periods: (date, reading day) -> number; number -> (rules in force, the others).
        self._period_ids: dict[tuple[dt.date, dt.date | None], Any] = {}
        self._period_intern: dict[tuple[object, ...], int] = {}
        self._periods: list[
            tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...], OutOfForce]
        ] = []
        self._disclosures: dict[tuple[object, ...], tuple[Verdict, frozenset[str], frozenset[str]]]
        self._disclosures = {}
        self._derivations: dict[tuple[object, ...], Any] = {}
        self._payloads: dict[tuple[object, ...], _Payload] = {}
        # Decisions with a rule still open (``_open_payload``).
        self._open_payloads: dict[tuple[object, ...], _Payload] = {}
        # Numbers of plans, derivations and payloads, never given twice (a memo that is
        # cleared when full must not let a new entry take an old one's number: the
        # number keys other memos).
        self._numbers = itertools.count()
        self._texts: dict[tuple[object, ...], tuple[str, ...]] = {}
        self._pairs: dict[tuple[int, str], tuple[Rule, RuleStatus]] = {}
        self._bases: dict[tuple[object, ...], tuple[RuleBasis, ...]] = {}
        self._sets: dict[frozenset[str], frozenset[str]] = {}
        self._edges = _edges(rule_base, provisions)
        self._reading_edges = _edges(rule_base, provisions, reading=True)
        self._epoch_periods: dict[tuple[int, int | None], int] = {}
        self._cited: dict[tuple[object, ...], Any] = {}
        self._versions: dict[tuple[str, int, int | None], Any] = {}
        self._missing: dict[tuple[object, ...], tuple[str, ...]] = {}
        self._exact: dict[tuple[object, ...], Outcome] = {}
        self._classes: dict[tuple[str, object], object] = {}
        by_path: dict[str, list[Leaf]] = {}
        for r in rule_base.rules:
            for cond in (r.effective, *(c for c, _ in r.narrowing)):
                for leaf in cond.leaves():
                    by_path.setdefault(leaf.path, []).append(leaf)
        self._leaves_by_path = {p: tuple(ls) for p, ls in by_path.items()}
        self._notes: dict[tuple[object, ...], tuple[str, ...]] = {}
        self._penalties: dict[tuple[object, ...], tuple[str, ...]] = {}
        # What the law's derivation reads: the value of each source, whether each target
        # is given (``LawPackage.derive``).
        plan = rule_base.law.plan
        self._derive_targets = tuple(target for target, _sources in plan)
        self._derive_sources = tuple(
            dict.fromkeys(source for _target, sources in plan for source, _t in sources)
        )
        self._derive_key = _reader(self._derive_sources, self._derive_targets)
        self._dispatch_key = _reader(self.dispatch, (), extra=True)

    # -- plans ----------------------------------------------------------------

    def _analyse_key(self, key: tuple[object, ...]) -> None:
        """The rules that can matter when the dispatch facts have the values ``key``:
        every other fact free, a rule is left out only if it is surely false and, for
        an exception, its scope surely does not hold."""
        known = dict(zip(self.dispatch, key, strict=True))
        law = self.rule_base.law

        def values_of(path: str) -> tuple[object, ...]:
            if path in known:
                return (known[path],)
            return _ANY.get((law, path)) or _any_values(law, path)

        keep: set[str] = set()
        scoped: set[str] = set()
        for r in self.rule_base.rules:
            scope_can_hold = bool(fast_mask(r.scope, values_of) & T)
            if scope_can_hold:
                scoped.add(r.id)
            if fast_mask(r.effective, values_of) != F or (r.kind == "exception" and scope_can_hold):
                keep.add(r.id)
        self._relevant[key] = frozenset(keep)
        self._scoped[key] = frozenset(scoped)

    def plan(self, f: Facts, date: dt.date, known: dt.date | None = None) -> Plan:
        """(defeaters, verdict rules, duty rules, verdict rules out of the law whose scope
        can hold, with what the explanation says of them) for these dispatch facts on
        ``date`` as known on ``known``, in examination order."""
        dkey = tuple(f.get(p) for p in self.dispatch)
        periods = self._period_ids.get((date, known))
        if periods is None:
            pid = self._period(date, known)
            periods = self._period_ids[(date, known)] = (
                pid,
                self._epoch(date),
                None if known is None else self._reading_epoch(known),
            )
        pid = periods[0]
        key = (*dkey, pid)
        found = self._plans.get(key)
        if found is None:
            if dkey not in self._relevant:
                self._analyse_key(dkey)
            relevant = self._relevant.get(dkey, self._all_ids)
            scoped = self._scoped.get(dkey, self._all_ids)
            defeaters, verdict_rules, duty_rules, out = self._periods[pid]
            found = (
                tuple(r for r in defeaters if r.id in relevant),
                tuple(r for r in verdict_rules if r.id in relevant),
                tuple(r for r in duty_rules if r.id in relevant),
                tuple((r, status) for r, status in out if r.id in scoped),
            )
            if len(self._plans) > 65536:
                self._plans.clear()
            self._plans[key] = found
        return found

    def _period(self, date: dt.date, known: dt.date | None) -> int:
        """The rules in force on ``date`` as known on ``known`` and the statuses of the
        others, as one number shared by every (date, reading day) that gives the same."""
        epochs = (self._epoch(date), None if known is None else self._reading_epoch(known))
        found = self._epoch_periods.get(epochs)
        if found is None:
            found = self._epoch_periods[epochs] = self._new_period(date, known)
        return found

    def _new_period(self, date: dt.date, known: dt.date | None) -> int:
        defeaters, verdict_rules, duty_rules = self.rule_base.in_force(date, known)
        out: list[tuple[Rule, RuleStatus]] = []
        for r in self.rule_base.verdict_rules:
            if r.in_force(date, known):
                continue
            # The reference's statuses: an annulment known that day; a rule not yet
            # part of the law as known is silent; another version of the same
            # provision in force is examined instead.
            if r.annulled(date, known):
                out.append((r, "annulled"))
            elif r.known_from is not None and r.valid_on(date):
                continue
            elif not any(o.citations == r.citations for o in verdict_rules):
                out.append((r, "not_in_force"))
        content = (defeaters, verdict_rules, duty_rules, tuple(out))
        ckey = (
            tuple(map(id, defeaters)),
            tuple(map(id, verdict_rules)),
            tuple(map(id, duty_rules)),
            tuple((id(r), status) for r, status in out),
        )
        pid = self._period_intern.get(ckey)
        if pid is None:
            pid = self._period_intern[ckey] = len(self._periods)
            self._periods.append(content)
        if len(self._period_ids) > 65536:
            self._period_ids.clear()
        return pid

    def _sorted(self, categories: frozenset[str]) -> list[str]:
        found = self._orders.get(categories)
        if found is None:
            found = self._orders[categories] = tuple(_sorted(categories))
        return list(found)

    def _order(self, categories: frozenset[str]) -> tuple[str, ...]:
        """``_sorted`` as the memoised tuple itself (a payload shares it)."""
        found = self._orders.get(categories)
        if found is None:
            found = self._orders[categories] = tuple(_sorted(categories))
        return found

    def _disclosure(
        self, rule: Rule, f: Facts, failed: Sequence[Rule] = ()
    ) -> tuple[Verdict, frozenset[str], frozenset[str]]:
        key = (
            rule.id,
            f.get("information.categories"),
            f.get("information.nature"),
            f.get("information.confided"),
            *(c.fn(f) for c, _ in rule.narrowing),
            *(r.id for r in failed),
        )
        found = self._disclosures.get(key)
        if found is None:
            verdict, may, never = disclosure(rule, f, failed)
            # One set for every entry with the same (fewer objects to collect).
            sets = self._sets
            if len(sets) > 65536:
                sets.clear()
            found = (verdict, sets.setdefault(may, may), sets.setdefault(never, never))
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

    def _contest(
        self, f: Facts, date: dt.date, known: dt.date | None
    ) -> tuple[Rule | None, list[Rule], dict[str, Rule]]:
        """The plan's rules examined on ``f`` (derived): (the first rule that holds and is
        surely not defeated, the rules before it still open or possibly defeated, the
        rules possibly defeated with the defeater that may defeat each)."""
        defeaters, verdict_rules, _duty, _out = self.plan(f, date, known)
        defeated: set[str] = set()
        maybe_defeated: dict[str, Rule] = {}
        for d in defeaters:
            v = d.effective.fn(f)
            if v is True:
                defeated.update(d.defeats)
            elif v is None:
                for target in d.defeats:
                    maybe_defeated[target] = d
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
        return winner, pending, maybe_defeated

    @staticmethod
    def _agree(
        winner: Outcome | None, outcomes: Sequence[Outcome | None], has_winner: bool
    ) -> bool:
        """Every pending rule concludes as the winner (or, without one, as each other): no
        open fact can change the outcome (the reference's shortcut before ``missing``)."""
        if has_winner:
            return all(o == winner for o in outcomes)
        return len(outcomes) > 1 and all(o == outcomes[0] for o in outcomes)

    def inner_outcome(
        self, facts: Mapping[str, FactValue], date: dt.date, known: dt.date | None = None
    ) -> Outcome:
        """What the reference's inner evaluation (``exact_missing=False``) concludes:
        the verdict and what may go out, without ``missing``."""
        f, _ = self.rule_base.law.derive(facts)
        winner, pending, _maybe = self._contest(f, date, known)
        if pending:
            outcomes = [self.outcome(p, f) for p in pending]
            if not self._agree(self.outcome(winner, f), outcomes, winner is not None):
                return _UNDETERMINED
            winner = winner or pending[0]
        if winner is None:
            return _UNDETERMINED
        verdict, may, _ = self._disclosure(winner, f)
        return verdict, may

    def exact_outcome(self, situation: Situation) -> Outcome:
        """The verdict and what may go out of ``evaluate(situation, explain=False)``,
        without the decision (no steps, duties, citations): what ``missing`` asks of each
        completion it decides exactly (``missing.only_decisive``).

        Memoised across queries on what it depends on: the period of the date as known
        on the reading day, the dispatch facts and the class, under the plan they select,
        of every fact that plan reads (``missing._plan_reads``: the other rules are surely
        false for those dispatch values); with a dispatch fact unknown, the class of every
        fact (``_missing_key``)."""
        facts = situation._facts
        date = situation.date
        known = situation.as_known_on
        f, _derived = self._derive(facts)
        dkey = tuple([f.get(p) for p in self.dispatch])
        if None in dkey:
            key: tuple[object, ...] = (None, *self._missing_key(situation, date, known))
        else:
            read = _plan_reads(self, dkey, date, known)
            get = facts.get
            key = (self._period(date, known), dkey, *[cls(get(p)) for p, cls in read.items()])
        found = self._exact.get(key)
        if found is None:
            winner, pending, maybe_defeated = self._contest(f, date, known)
            winner, pending, _missing_facts = self._settle(
                situation, f, date, known, None, winner, pending, maybe_defeated
            )
            if winner is not None and not pending:
                verdict, may, _ = self._disclosure(winner, f)
                found = (verdict, may)
            else:
                found = _UNDETERMINED
            if len(self._exact) > 65536:
                self._exact.clear()
            self._exact[key] = found
        return found

    def _settle(
        self,
        situation: Situation,
        f: Facts,
        date: dt.date,
        known: dt.date,
        mkey: tuple[object, ...] | None,
        winner: Rule | None,
        pending: list[Rule],
        maybe_defeated: dict[str, Rule],
    ) -> tuple[Rule | None, list[Rule], tuple[str, ...]]:
        """Rules left open (``pending``, before ``winner``): (the rule that decides, the
        rules still open, ``missing``). When no open fact can change the outcome, the
        pending rules are settled: the winner decides, or the first rule that can (the one
        outcome every completion gives, ``completion_winner``); otherwise they stay open
        and ``missing`` lists the facts that decide (exact, memoised on what the rules read
        of the situation: ``mkey``, or ``_missing_key``)."""
        if not pending:
            return winner, pending, ()
        outcomes = [self.outcome(p, f) for p in pending]
        winner_outcome = self.outcome(winner, f)
        if self._agree(winner_outcome, outcomes, winner is not None):
            return winner or pending[0], [], ()
        # Exact, and a function of what the rules read of the situation (the class of
        # each fact's value, the periods of its date and reading day): memoised on that,
        # so situations that differ only in values no rule tells apart share it (and the
        # interview, deciding the same situation again after an answer that changes
        # nothing of it).
        if mkey is None:
            mkey = self._missing_key(situation, date, known)
        found = self._missing.get(mkey)
        if found is None:
            candidates = _missing(pending, winner, outcomes, winner_outcome, f, maybe_defeated)
            found = tuple(only_decisive(self, candidates, pending, maybe_defeated, situation, f))
            if len(self._missing) > 65536:
                self._missing.clear()
            self._missing[mkey] = found
        if found:
            return winner, pending, found
        # As the reference: no fact can change the outcome, the first rule that can
        # decide gives the one outcome every completion gives.
        if winner is None:
            winner = completion_winner(
                pending, maybe_defeated, situation, self.rule_base, self.provisions, f
            )
        return winner, [], ()

    # -- the fast path ----------------------------------------------------------

    def _derive(self, facts: Mapping[str, FactValue]) -> tuple[Mapping[str, FactValue], Any]:
        """The law's ``derive``, memoised on the facts derivation reads (the value of each
        source, whether each target is given): (the facts completed, the memoised
        (derivations, additions, number))."""
        key = self._derive_key(facts)
        found = self._derivations.get(key)
        if found is None:
            full, notes = self.rule_base.law.derive(facts)
            added = {p: v for p, v in full.items() if p not in facts}
            found = (tuple(notes), added, next(self._numbers))
            if len(self._derivations) > 65536:
                self._derivations.clear()
            self._derivations[key] = found
        # Read only: without a derivation, the situation's own facts serve as they are.
        f = {**facts, **found[1]} if found[1] else facts
        return f, found

    def _epoch(self, day: dt.date) -> int:
        """Which interval between two dates where something of the law changes ``day``
        falls in (rules, provisions and penalties are constant inside one)."""
        return bisect.bisect_right(self._edges, day)

    def _reading_epoch(self, day: dt.date) -> int:
        """The same for a reading day (``as_known_on``), among the dates it is compared with."""
        return bisect.bisect_right(self._reading_edges, day)

    def _fast_plan(self, f: Facts, date: dt.date, known: dt.date, pid: int) -> _FastPlan:
        """The plan of these dispatch facts and period (:meth:`plan`) flattened for
        :meth:`evaluate`: each rule with its conditions, read once here, each compiled
        with the dispatch facts replaced by their values (:meth:`_specialised`): every
        situation of this plan has those values."""
        defeaters, verdict_rules, duty_rules, out_of_force = self.plan(f, date, known)
        values = dict(zip(self.dispatch, (f.get(p) for p in self.dispatch), strict=True))
        # Periods with the same plan share its fast plan (the payloads' keys hold the
        # periods): flattened and specialised once per dispatch values and plan.
        content = (
            *values.values(),
            tuple(map(id, defeaters)),
            tuple(map(id, verdict_rules)),
            tuple(map(id, duty_rules)),
            tuple([(id(r), status) for r, status in out_of_force]),
        )
        shared = self._fast_by_content.get(content)
        if shared is not None:
            if len(self._fast_plans) > 65536:
                self._fast_plans.clear()
            self._fast_plans[self._dispatch_key(f, pid)] = shared
            return shared

        def fold(cond: Condition) -> Folded:
            return self._specialised(cond, values)[1]

        def fn(cond: Condition) -> Evaluator:
            return self._specialised(cond, values)[0]

        def layout(f: Callable[[Condition], Any], scope: Callable[[Condition], Any]) -> Any:
            """The plan's conditions, each through ``f`` (an exception's scope through
            ``scope``), in the shape of :class:`_FastPlan`:
            the defeaters; each verdict rule with its scope (an exception), what the winner
            reads besides its condition, what a failed one reads, its presumptions; the duty
            rules; the rules out of force."""
            return (
                tuple((f(d.effective), frozenset(d.defeats)) for d in defeaters),
                tuple(
                    (
                        f(r.effective),
                        r.id,
                        scope(r.scope) if r.kind == "exception" else None,
                        tuple(f(c) for c, _ in (*r.narrowing, *r.conditional_duties)),
                        tuple(f(c) for c, _ in r.failure_duties),
                        tuple(p for p, _k in r.presumptions),
                    )
                    for r in verdict_rules
                ),
                tuple(
                    (f(dr.effective), tuple(f(c) for c, _ in dr.conditional_duties))
                    for dr in duty_rules
                ),
                tuple(f(r.scope) for r, _status in out_of_force),
            )

        # The source keeps a folded scope in a 1-tuple (``None`` is a rule without one).
        source: _PlanSource = layout(fold, lambda c: (fold(c),))
        defeating, verdicts, duties, out = layout(fn, fn)
        found = _FastPlan(next(self._numbers), defeating, verdicts, duties, out, source)
        if HOT_PLAN <= 0:
            found.run = _compile_plan(source)
        if len(self._fast_plans) > 65536:
            self._fast_plans.clear()
        self._fast_plans[self._dispatch_key(f, pid)] = found
        if len(self._fast_by_content) > 65536:
            self._fast_by_content.clear()
        self._fast_by_content[content] = found
        return found

    def _specialised(
        self, cond: Condition, values: Mapping[str, object]
    ) -> tuple[Evaluator, Folded]:
        """``cond``'s function where the dispatch facts have ``values`` (``None``: unknown):
        its leaves on those facts are constants, folded in Kleene logic (a part unknown
        for every situation of the plan is kept as it is), the rest compiled flat; and
        the folded condition (or its constant truth). Memoised on the condition and the
        values of the dispatch facts it reads."""
        paths = self._reads.get(id(cond))
        if paths is None:
            read = {leaf.path for leaf in cond.leaves()}
            paths = self._reads[id(cond)] = tuple(p for p in self.dispatch if p in read)
            self._conditions.append(cond)  # kept alive while its id keys the memos
        if not paths:
            return cond.fn, cond
        key = (id(cond), *(values[p] for p in paths))
        found = self._specialisations.get(key)
        if found is None:
            constant, folded = _fold(cond, values)
            if constant:
                found = (_CONSTANTS[folded], folded)
            elif folded is cond:
                found = (cond.fn, cond)
            else:
                assert isinstance(folded, Leaf | All | Any_)
                found = (compile_condition(folded), folded)
            self._specialisations[key] = found
        return found

    @staticmethod
    def _examine(fast: _FastPlan, f: Facts, explain: bool) -> tuple[object, ...] | None:
        """The truth of each condition of the plan read (in the plan's order), which with
        the plan fixes the steps; ``None`` when a rule is still open (the generic form of
        a plan's compiled function, :func:`_compile_plan`)."""
        defeaters, verdict_rules, duty_rules = fast.defeaters, fast.verdicts, fast.duties
        # The truth of each condition read, in order: with the plan, it fixes the steps.
        code: list[bool | None] = []
        push = code.append
        defeated = maybe = _NONE
        for fn, defeats in defeaters:
            v = fn(f)
            push(v)
            if v is True:
                defeated = defeated | defeats
            elif v is None:
                maybe = maybe | defeats
        if explain:
            for fn in fast.out_of_force:
                push(fn(f))
        failed: list[tuple[Evaluator, ...]] | None = None
        # After the loop, ``reads`` and ``presumptions`` are the winner's.
        for fn, rid, scope, reads, failure, presumptions in verdict_rules:  # noqa: B007
            v = fn(f)
            push(v)
            if v is True:
                if rid in defeated:
                    if failed is None:
                        failed = []
                    failed.append(failure)
                    continue
                if rid in maybe:
                    return None
                break
            if v is None:
                return None
            if scope is not None:
                s = scope(f)
                push(s)
                if s is True:
                    if failed is None:
                        failed = []
                    failed.append(failure)
        else:
            return None
        for fn in reads:
            push(fn(f))
        if failed is not None:
            for conds in failed:
                for fn in conds:
                    push(fn(f))
        for fn, conditional in duty_rules:
            v = fn(f)
            push(v)
            if v is True:
                for c in conditional:
                    push(c(f))
        # Which of the winner's declared presumptions rest on an unknown fact
        # (``evaluator.presumed``).
        if presumptions:
            get = f.get
            for p in presumptions:
                push(get(p) is None)
        return tuple(code)

    def evaluate(self, situation: Situation, *, explain: bool = True) -> Decision:
        """Decide ``situation``: the same decision as ``evaluator.evaluate``.

        Without an open rule, the decision depends only on the plan, the truth values
        of the conditions it reads (in the plan's order), the facts what goes out
        reads, the derivations and the period: those key an immutable payload built
        once by ``_evaluate_full``; with a rule still open, the classes of every fact's
        value key it instead (``_open_payload``).
        The decision copies the payload into its own lists only when they are read
        (:class:`_LazyDecision`); no text is made here (the language is not read)."""
        facts = situation._facts
        date = situation.date
        given = facts.get("as_known_on")
        known = given if isinstance(given, dt.date) else _today()
        periods = self._period_ids.get((date, known))
        if periods is None:
            pid = self._period(date, known)
            periods = self._period_ids[(date, known)] = (
                pid,
                self._epoch(date),
                self._reading_epoch(known),
            )
        pid = periods[0]
        derived = self._derivations.get(self._derive_key(facts))
        if derived is None:
            f, derived = self._derive(facts)
        else:  # (``_derive``, inline) the situation's own facts serve when nothing is added
            f = {**facts, **derived[1]} if derived[1] else facts
        fast = self._fast_plans.get(self._dispatch_key(f, pid))
        if fast is None:
            fast = self._fast_plan(f, date, known, pid)
        run = fast.run
        if run is not None:
            code = run(f, explain)
        else:
            fast.uses += 1
            if fast.uses >= fast.hot:
                fast.run = _compile_plan(fast.source)
                if fast.run is None:
                    fast.uses = -(2**62)  # not compiled: examined rule by rule from now on
            code = self._examine(fast, f, explain)
        payload: _Payload | None
        if code is None:
            payload = self._open_payload(situation, fast, explain, periods, f, derived)
        else:
            # What goes out reads the asked categories, the nature, whether they were
            # confided; penalties whether the holder is bound (``_OUTGOING``).
            key = (fast.number, explain, periods, code, _outgoing(f), derived[2])
            payload = self._payloads.get(key)
            if payload is None:
                if run is not None:
                    # Seen before the plan was compiled: its payload is under the key of
                    # ``_examine``, which gives the same decision.
                    examined = self._examine(fast, f, explain)
                    payload = self._payloads.get((*key[:3], examined, *key[4:]))
                if payload is None:
                    payload = self._evaluate_full(
                        situation, explain=explain, f=f, derivations=derived[0], periods=periods
                    )
                if len(self._payloads) > 65536:
                    self._payloads.clear()
                self._payloads[key] = payload
        d = _LazyDecision.__new__(_LazyDecision)
        d.verdict = payload.verdict
        d.date = date
        d.as_known_on = known
        d.rule_base_version = self.rule_base.version
        d.winner = payload.winner
        d.text_language = None
        d._payload = payload
        d._derivations = derived[0]
        if explain:
            d.text = None
            d.renderer = _TextRenderer(self, payload, situation, f)
        else:
            d.text = []
            d.renderer = None
        return d

    def _open_payload(
        self,
        situation: Situation,
        fast: _FastPlan,
        explain: bool,
        periods: tuple[int, int, int],
        f: Facts,
        derived: Any,
    ) -> _Payload:
        """The payload of a decision with a rule still open (undetermined, or decided only
        once ``missing`` proves that no open fact changes the outcome), built once by
        ``_evaluate_full``. It is a function of what ``missing`` depends on (each fact
        given as the class of its value, ``_missing_key``) with the plan, the periods of
        the date and reading day, the derivations and what goes out: the key of the
        payload of a decision without an open rule, with the classes of every fact
        instead of the truth values of the conditions the plan reads (finer: every
        condition, and which facts are open, is a function of those classes)."""
        classes = self._classes
        signature = self._value_class
        of_facts = frozenset(
            [(p, classes.get((p, v)) or signature(p, v)) for p, v in situation._facts.items()]
        )
        key = (fast.number, explain, periods, _outgoing(f), derived[2], of_facts)
        payload = self._open_payloads.get(key)
        if payload is None:
            payload = self._evaluate_full(
                situation,
                explain=explain,
                f=f,
                derivations=derived[0],
                periods=periods,
                classes=of_facts,
            )
            if len(self._open_payloads) > 65536:
                self._open_payloads.clear()
            self._open_payloads[key] = payload
        return payload

    def _missing_key(
        self, situation: Situation, date: dt.date, known: dt.date
    ) -> tuple[object, ...]:
        """What ``missing`` depends on: the rules in force on the date as known on the
        reading day, and each fact given as the class of its value (what every leaf of
        every rule and the derivation make of it, ``_value_class``); what goes out reads
        the asked categories, the nature and whether confided as they are."""
        signature = self._value_class
        return (
            self._period(date, known),
            frozenset([(p, signature(p, v)) for p, v in situation.facts.items()]),
        )

    def _value_class(self, path: str, value: object) -> object:
        key = (path, value)
        found = self._classes.get(key)
        if found is None:
            if path in _EXACT or value is None:
                found = (value,)
            else:
                leaves = self._leaves_by_path.get(path, ())
                found = (
                    tuple([leaf_truth(leaf, value) for leaf in leaves]),
                    self.rule_base.law.derivation_signature(path, value),
                )
            if len(self._classes) > 65536:
                self._classes.clear()
            self._classes[key] = found
        return found

    def _evaluate_full(
        self,
        situation: Situation,
        *,
        explain: bool,
        f: Facts,
        derivations: Sequence[Derivation],
        periods: tuple[int, int, int],
        classes: frozenset[tuple[str, object]] | None = None,
    ) -> _Payload:
        """Decide ``situation`` step by step into a payload (``evaluate`` comes here for a
        payload it has not seen): ``f`` its facts completed by ``derivations`` (``_derive``),
        ``periods`` those of its date and reading day, ``classes`` (when known) the class of
        each fact's value (``_open_payload``). What depends only on the steps, the rules,
        the verdict, the derivations, the periods and whether the holder is bound is
        memoised (``_skeleton``) and shared by the payloads; nothing is copied from a
        :class:`Decision` (none is made here)."""
        date = situation.date
        known = situation.as_known_on
        steps: list[tuple[Rule, RuleStatus]] = []
        push = steps.append
        defeaters, verdict_rules, duty_rules, out_of_force = self.plan(f, date, known)

        defeated: dict[str, Rule] = {}
        maybe_defeated: dict[str, Rule] = {}
        for d in defeaters:
            v = d.effective.fn(f)
            if v is True:
                push((d, "fired"))
                for target in d.defeats:
                    defeated[target] = d
            elif v is None:
                push((d, "pending"))
                for target in d.defeats:
                    maybe_defeated[target] = d

        if explain:
            for r, status in out_of_force:
                if r.scope.fn(f) is True:
                    push((r, status))

        winner: Rule | None = None
        pending: list[Rule] = []
        failed: list[Rule] = []
        for r in verdict_rules:
            v = r.effective.fn(f)
            if v is True:
                if r.id in defeated:
                    push((r, "defeated"))
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
                push((r, "failed"))

        missing: tuple[str, ...] = ()
        if pending:
            mkey = None if classes is None else (periods[0], classes)
            settled, still, missing = self._settle(
                situation, f, date, known, mkey, winner, pending, maybe_defeated
            )
            if not still:
                # No open fact changes the outcome: every completion gives the same.
                for p in pending:
                    push((p, "same_outcome"))
            else:
                for p in pending:
                    push((p, "pending"))
            winner, pending = settled, still

        if winner is not None and not pending:
            push((winner, "fired"))
            verdict, may, never = self._disclosure(winner, f, failed)
            rules = [winner.id, *(r.id for r in failed if r.id != winner.id)]
            duties = list(winner.duties)
            duties.extend(d for cond, d in winner.conditional_duties if cond.fn(f) is True)
            duties.extend(d for r in failed for cond, d in r.failure_duties if cond.fn(f) is True)
        else:
            verdict, may, never = "undetermined", _NONE, _CONFIDENCE_ONLY
            rules = [r.id for r in pending]
            duties = []
        if defeated:
            fired = {x.id for x in defeated.values()}
            for d in defeaters:
                if d.id in fired and d.id not in rules:
                    rules.append(d.id)
        for dr in duty_rules:
            if dr.effective.fn(f) is True:
                push((dr, "fired"))
                rules.append(dr.id)
                duties.extend(dr.duties)
                duties.extend(x for cond, x in dr.conditional_duties if cond.fn(f) is True)

        bound = f.get("holder.bound_by_secrecy") is True
        tkey = (
            *[(r.id, status) for r, status in steps],
            None,
            *(d.citations for d in derivations),
            # Rules, provisions and penalties are constant between two edges: the
            # periods of the date and of the reading day stand for them.
            *periods,
            verdict,
            bound,
            *rules,
        )
        skeleton = self._tails.get(tkey)
        if skeleton is None:
            skeleton = self._skeleton(
                steps, rules, verdict, f, derivations, date, known, defeated, winner
            )
            if len(self._tails) > 65536:
                self._tails.clear()
            self._tails[tkey] = skeleton
        presumptions = tuple(presumed(winner, verdict, f))
        return _Payload(
            skeleton,
            verdict=verdict,
            may=self._order(may),
            never=self._order(never),
            duties=tuple(dict.fromkeys(duties)),
            missing=missing,
            presumptions=presumptions,
            winner=winner if verdict != "undetermined" else None,
            number=next(self._numbers),
            epoch=periods[1],
        )

    def _skeleton(
        self,
        steps: Sequence[tuple[Rule, RuleStatus]],
        rules: Sequence[str],
        verdict: Verdict,
        f: Facts,
        derivations: Sequence[Derivation],
        date: dt.date,
        known: dt.date | None,
        defeated: Mapping[str, Rule],
        winner: Rule | None,
    ) -> _Skeleton:
        """What a payload shares with every payload of the same steps, rules, verdict,
        derivations, periods and bound holder (``_tail`` and what ``RuleBase.reported``
        makes of the rules), built once."""
        templates, to_verify, notes, penalties, basis = self._tail(
            steps, rules, verdict, f, derivations, date, known
        )
        reported, versions = self.rule_base.reported(rules)
        # Each (rule, status) is one tuple for every skeleton (fewer objects for the
        # garbage collector to walk: a bulk run keeps tens of thousands of skeletons).
        pairs = self._pairs
        kept = tuple([pairs.setdefault((id(r), status), (r, status)) for r, status in steps])
        reported_winner = winner if verdict != "undetermined" else None
        dated = any(s in ("not_in_force", "annulled") for _r, s in kept) or (
            reported_winner is not None
            and (reported_winner.annulment is not None or reported_winner.known_from is not None)
        )
        return _Skeleton(
            rules=tuple(reported),
            versions=versions,
            citations=templates,
            verify_keys=to_verify,
            not_modelled=notes,
            penalties=penalties,
            basis=basis,
            steps=kept,
            defeated_by=dict(defeated),
            dated=dated,
            failed=tuple(r for r, s in kept if s == "failed"),
        )

    def _tail(
        self,
        steps: Sequence[tuple[Rule, RuleStatus]],
        rules: Sequence[str],
        verdict: Verdict,
        f: Facts,
        derivations: Sequence[Derivation],
        date: dt.date,
        known: dt.date | None,
    ) -> tuple[
        tuple[tuple[str, str, str | None, str], ...],
        tuple[str, ...],
        tuple[str, ...],
        tuple[str, ...],
        tuple[RuleBasis, ...],
    ]:
        """Citations (without their date), keys of the notes to verify, not-modelled notes,
        penalties and the legal basis (``evaluator.rule_basis``): they depend only
        on the steps, the rules, the verdict, the derivations, the date, the reading day,
        whether the holder is bound (memoised on those by ``evaluate``). No text: the
        not-modelled notes are catalogue keys, rendered when read."""
        cited_rules = tuple(
            r for r, status in steps if status in ("fired", "failed", "pending", "defeated")
        )
        annulments = tuple(
            r.annulment.by for r, status in steps if status == "annulled" and r.annulment
        )
        edate, eknown = self._epoch(date), None if known is None else self._reading_epoch(known)
        cited = self._citations(cited_rules, derivations, annulments, date, known, edate, eknown)
        from depositaire.engine.coverage import not_modelled_keys

        nkey = tuple(rules)
        notes = self._notes.get(nkey)
        if notes is None:
            notes = self._notes[nkey] = not_modelled_keys(rules)
        pkey = (nkey, verdict, f.get("holder.bound_by_secrecy") is True, edate)
        penalties = self._penalties.get(pkey)
        if penalties is None:
            penalties = self._penalties[pkey] = tuple(
                self.rule_base.law.penalties_for(rules, verdict, f, date)
            )
        # The basis reads only the rules and which provisions are cited: one per those.
        bkey = (nkey, tuple([c[0] for c in cited[0]]))
        basis = self._bases.get(bkey)
        if basis is None:
            basis = self._bases[bkey] = tuple(
                rule_basis(
                    self.rule_base,
                    rules,
                    [Citation(i, label, date, v, since) for i, label, v, since in cited[0]],
                )
            )
        for memo in (self._cited, self._notes, self._penalties, self._bases):
            if len(memo) > 65536:
                memo.clear()
        return cited[0], cited[1], notes, penalties, basis

    def _citations(
        self,
        rules: Sequence[Rule],
        derivations: Sequence[Derivation],
        extra: tuple[str, ...],
        date: dt.date,
        known: dt.date | None,
        edate: int,
        eknown: int | None,
    ) -> tuple[tuple[tuple[str, str, str | None, str], ...], tuple[str, ...]]:
        """``evaluator._citations`` (without the date in each citation: id, label, note,
        version), memoised on the versions of the provisions cited (each looked up once per
        period). The notes to verify are catalogue keys, rendered when read."""
        keys: list[str] = []
        verify_keys: list[str] = []
        for r in rules:
            keys.extend(r.citations)
            verify_keys.extend(r.to_verify)
        for d in derivations:
            keys.extend(d.citations)
        keys.extend(extra)
        versions = []
        for k in dict.fromkeys(keys):
            vkey = (k, edate, eknown)
            if vkey in self._versions:
                version = self._versions[vkey]
            else:
                version = self._versions[vkey] = self.provisions.on(k, date, known)
            if version is not None:
                versions.append((k, version))
        ckey = (tuple([(k, id(v)) for k, v in versions]), tuple(verify_keys))
        found = self._cited.get(ckey)
        if found is None:
            found = (
                tuple(
                    (
                        k,
                        v.label,
                        v.to_verify,
                        v.valid_from.isoformat() if v.valid_from else "always",
                    )
                    for k, v in versions
                ),
                tuple(f"to_verify.{k}" for k in dict.fromkeys(verify_keys)),
            )
            if len(self._cited) > 65536:
                self._cited.clear()
            self._cited[ckey] = found
        return found


class _Skeleton:
    """What payloads with the same steps, rules, verdict, derivations, periods and bound
    holder share (``CompiledRuleBase._skeleton``): immutable, built once."""

    __slots__ = (
        "basis",
        "citations",
        "dated",
        "defeated_by",
        "failed",
        "not_modelled",
        "penalties",
        "rules",
        "steps",
        "verify_keys",
        "versions",
    )

    def __init__(
        self,
        *,
        rules: tuple[str, ...],
        versions: dict[str, str],
        citations: tuple[tuple[str, str, str | None, str], ...],
        verify_keys: tuple[str, ...],
        not_modelled: tuple[str, ...],
        penalties: tuple[str, ...],
        basis: tuple[RuleBasis, ...],
        steps: tuple[tuple[Rule, RuleStatus], ...],
        defeated_by: dict[str, Rule],
        dated: bool,
        failed: tuple[Rule, ...],
    ) -> None:
        self.rules = rules
        self.versions = versions
        self.citations = citations
        self.verify_keys = verify_keys
        self.not_modelled = not_modelled
        self.penalties = penalties
        self.basis = basis
        self.steps = steps
        self.defeated_by = defeated_by
        self.dated = dated
        self.failed = failed


class _Payload:
    """What a decision says, built once and shared (immutable tuples; the decision gets
    its own lists): its skeleton's fields with what goes out, the duties, ``missing``,
    the presumptions and the winner."""

    __slots__ = (
        "basis",
        "citations",
        "dated",
        "defeated_by",
        "duties",
        "epoch",
        "failed",
        "may",
        "missing",
        "never",
        "not_modelled",
        "number",
        "penalties",
        "presumptions",
        "rules",
        "steps",
        "verdict",
        "verify_keys",
        "versions",
        "winner",
    )

    def __init__(
        self,
        skeleton: _Skeleton,
        *,
        verdict: Verdict,
        may: tuple[str, ...],
        never: tuple[str, ...],
        duties: tuple[str, ...],
        missing: tuple[str, ...],
        presumptions: tuple[tuple[str, str, str], ...],
        winner: Rule | None,
        number: int,
        epoch: int,
    ) -> None:
        self.verdict = verdict
        self.rules = skeleton.rules
        self.versions = skeleton.versions
        self.citations = skeleton.citations
        self.may = may
        self.never = never
        self.duties = duties
        self.missing = missing
        self.verify_keys = (
            (*skeleton.verify_keys, *(f"presumptions.{k}" for _r, _p, k in presumptions))
            if presumptions
            else skeleton.verify_keys
        )
        self.presumptions = presumptions
        self.basis = skeleton.basis
        self.not_modelled = skeleton.not_modelled
        self.penalties = skeleton.penalties
        self.steps = skeleton.steps
        self.defeated_by = skeleton.defeated_by
        self.winner = winner
        self.number = number
        self.epoch = epoch
        #: Whether the explanation names the dates (``_TextRenderer``).
        self.dated = skeleton.dated
        self.failed = skeleton.failed


def _citations_of(d: _LazyDecision) -> list[Citation]:
    date = d.date
    return [Citation(i, label, date, v, since) for i, label, v, since in d._payload.citations]


#: How a fast decision makes each field it shares with others, when first read.
_LAZY_FIELDS: dict[str, Callable[[_LazyDecision], Any]] = {
    "rules": lambda d: list(d._payload.rules),
    "citations": _citations_of,
    "may_disclose": lambda d: list(d._payload.may),
    "never_disclose": lambda d: list(d._payload.never),
    "duties": lambda d: list(d._payload.duties),
    "missing": lambda d: list(d._payload.missing),
    "verify_keys": lambda d: list(d._payload.verify_keys),
    "not_modelled_keys": lambda d: list(d._payload.not_modelled),
    "penalties": lambda d: list(d._payload.penalties),
    "rule_versions": lambda d: dict(d._payload.versions),
    "presumptions": lambda d: list(d._payload.presumptions),
    "basis": lambda d: list(d._payload.basis),
    "trace": lambda d: Trace(
        list(d._payload.steps), list(d._derivations), dict(d._payload.defeated_by)
    ),
}
_COMPARED = tuple(f.name for f in dataclasses.fields(Decision) if f.compare)


class _LazyDecision(Decision):
    """A decision of the fast path (:meth:`CompiledRuleBase.evaluate`): the fields it
    shares with every decision of the same payload are made (its own lists, from the
    payload's tuples) when first read; it is then a decision like any other."""

    __slots__ = ("_derivations", "_payload")

    _payload: _Payload
    _derivations: tuple[Derivation, ...]

    def __getattr__(self, name: str) -> Any:
        # Called only for a field not set yet (an empty slot).
        make = _LAZY_FIELDS.get(name)
        if make is None:
            raise AttributeError(name)
        value = make(self)
        setattr(self, name, value)
        return value

    def __eq__(self, other: object) -> bool:
        # Equal to a decision built by hand or by the reference with the same fields.
        if not isinstance(other, Decision):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _COMPARED)

    __hash__ = None  # type: ignore[assignment]  # as a Decision: mutable, not hashable


class _TextRenderer:
    """The explanation of a decision from a payload, memoised on what it reads besides
    the payload: the language, the period of its date (or the dates themselves when it
    names them), and a few facts (``explain._explain``)."""

    __slots__ = ("compiled", "f", "payload", "situation")

    def __init__(
        self, compiled: CompiledRuleBase, payload: _Payload, situation: Situation, f: Facts
    ) -> None:
        self.compiled = compiled
        self.payload = payload
        self.situation = situation
        self.f = f

    def __call__(self, decision: Decision) -> list[str]:
        from depositaire.engine.explain import explain as build_explanation

        payload = self.payload
        f = self.f
        key = (
            payload.number,
            (decision.date, decision.as_known_on) if payload.dated else payload.epoch,
            current_language(),  # set by ``Decision.explanation``
            f.get("person.deceased") is True,
            f.get("danger.exists") is None,
            f.get("request.kind") == "own_initiative_report",
            tuple([id(next(iter(r.effective.failing(f)), None)) for r in payload.failed])
            if payload.failed
            else (),
        )
        texts = self.compiled._texts
        found = texts.get(key)
        if found is None:
            found = tuple(build_explanation(decision, self.situation, f, self.compiled.provisions))
            if len(texts) > 65536:
                texts.clear()
            texts[key] = found
        return list(found)


def _edges(rule_base: RuleBase, provisions: Provisions, reading: bool = False) -> list[dt.date]:
    """Every day on which something of the law may change (each date a rule, a
    provision or a penalty names, and the day after it); ``reading``: only the dates a
    reading day is compared with (a rule known from a day, an annulment's decision, a
    provision annulled or reaching back from its start)."""
    days: set[dt.date] = set()
    for r in rule_base.rules:
        days.add(r.known_from) if r.known_from is not None else None
        if r.annulment is not None:
            days.add(r.annulment.decided_on)
        if not reading:
            days.update(d for d in (r.valid_from, r.valid_until) if d is not None)
            if r.annulment is not None:
                a = r.annulment
                days.update(d for d in (a.erased_from, a.erased_until) if d)
    for v in provisions.versions:
        days.update(d for d in (v.annulled_on,) if d is not None)
        if v.retroactive_from is not None and v.valid_from is not None:
            days.add(v.valid_from)
        if not reading:
            days.update(
                d
                for d in (v.valid_from, v.valid_until, v.annulled_on, v.retroactive_from)
                if d is not None
            )
    if not reading:
        # The days the law's penalties change (``LawPackage.change_dates``).
        days.update(rule_base.law.change_dates)
    return sorted(days | {d + dt.timedelta(days=1) for d in days if d < dt.date.max})


def _any_values(law: LawPackage, path: str) -> tuple[object, ...]:
    """Every value a fact can take, unknown included (for the dispatch analysis)."""
    spec = law.facts[path]
    if spec.type == "bool":
        found: tuple[object, ...] = (True, False, None)
    elif spec.type == "enum":
        found = (*spec.values, None)
    elif spec.type == "enum_list":
        found = (frozenset(), *(frozenset({v}) for v in spec.values), frozenset(spec.values), None)
    else:
        found = (_TOP, None)
    _ANY[(law, path)] = found
    return found


_ANY: dict[tuple[LawPackage, str], tuple[object, ...]] = {}


def _reader(
    paths: Sequence[str], given: Sequence[str], *, extra: bool = False
) -> Callable[..., tuple[object, ...]]:
    """A function of the facts (and, with ``extra``, one more value) that gives the tuple
    of the values of ``paths``, whether each of ``given`` is given, and the extra value:
    the key of a memo, read without a loop. The source is made of the law's fact paths
    only (``repr``), as :func:`conditions.compile_condition` makes its functions."""
    items = [f"get({p!r})" for p in paths] + [f"{p!r} in f" for p in given]
    if extra:
        items.append("extra")
    args = "f, extra" if extra else "f"
    values = f"({', '.join(items)},)" if items else "()"
    source = f"def read({args}):\n    get = f.get\n    return {values}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<memo key>", "exec"), namespace)  # noqa: S102 - see above
    read: Callable[..., tuple[object, ...]] = namespace["read"]
    return read


_COMPILED: dict[tuple[int, int], CompiledRuleBase] = {}
#: Facts what a rule lets out reads by value, not by class (``evaluator.disclosure``).
_EXACT = frozenset({"information.categories", "information.nature", "information.confided"})


#: Today (local) and the instant (``time.time()``) it ends: ``dt.date.today()`` costs
#: several comparisons' time and the fast path reads it on every decision.
_TODAY: list[Any] = [dt.date.min, 0.0]


def _today() -> dt.date:
    """``dt.date.today()``, read again only once the local day it gave has ended."""
    if time.time() >= _TODAY[1]:
        day = dt.date.today()
        _TODAY[0] = day
        _TODAY[1] = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).timestamp()
    today: dt.date = _TODAY[0]
    return today


def compiled(rule_base: RuleBase, provisions: Provisions) -> CompiledRuleBase:
    """The compiled form of ``rule_base`` (built once per rule base and provisions)."""
    key = (id(rule_base), id(provisions))
    found = _COMPILED.get(key)
    if found is None or found.rule_base is not rule_base or found.provisions is not provisions:
        found = CompiledRuleBase(rule_base, provisions)
        _COMPILED[key] = found
    return found


#: The facts what goes out reads besides the rules' conditions (the asked categories, the
#: nature, whether they were confided: ``evaluator.disclosure``) and whether the holder
#: is bound (penalties): part of the key of a fast decision's payload.
_outgoing = _reader(
    (
        "information.categories",
        "information.nature",
        "information.confided",
        "holder.bound_by_secrecy",
    ),
    (),
)


PlanFunction = Callable[[Facts, bool], tuple[object, ...] | None]


def _leaf_count(source: _PlanSource) -> int:
    """How many leaves the conditions of a plan have (what compiling it costs)."""

    def n(folded: Folded) -> int:
        return sum(1 for _ in folded.leaves()) if isinstance(folded, Leaf | All | Any_) else 0

    defeaters, verdicts, duties, out_of_force = source
    total = sum(n(d) for d, _ in defeaters) + sum(n(o) for o in out_of_force)
    for effective, _rid, scope, reads, failure, _p in verdicts:
        total += n(effective) + (n(scope[0]) if scope else 0)
        total += sum(map(n, reads)) + sum(map(n, failure))
    for effective, conditional in duties:
        total += n(effective) + sum(map(n, conditional))
    return total


def _compile_plan(source: _PlanSource) -> PlanFunction | None:
    """One Python function for a plan used often: what :meth:`CompiledRuleBase._examine`
    does with the plan's rules, with every condition (dispatch facts folded in) written
    inline. It gives the truth of each condition at a fixed place (``0``: not read) after
    a marker, so its keys never meet those of ``_examine``; ``None`` when a rule is still
    open. The source is made of the rule base's own conditions only, as
    :func:`conditions.compile_condition` makes its functions. ``None`` if Python cannot
    compile it (the plan is then examined rule by rule)."""
    defeaters, verdicts, duties, out_of_force = source
    emitter = _Emitter()
    lines = emitter.lines
    lines += ["def run(f, explain):", "    get = f.get"]

    def cond(folded: Folded, target: str, indent: int) -> None:
        if isinstance(folded, Leaf | All | Any_):
            emitter.emit(folded, target, indent)
        else:
            lines.append(f"{'    ' * indent}{target} = {folded!r}")

    for j, (d, _defeats) in enumerate(defeaters):
        cond(d, f"D_{j}", 1)
    if out_of_force:
        lines.append("    if explain:")
        for i, o in enumerate(out_of_force):
            cond(o, f"O_{i}", 2)
        lines.append(f"        OO = ({''.join(f'O_{i}, ' for i in range(len(out_of_force)))})")
        lines.append("    else:")
        lines.append("        OO = None")
    else:
        lines.append("    OO = None")
    n = len(verdicts)
    for k in range(n):
        lines.append(f"    V_{k} = S_{k} = 0")
    lines.append("    W = -1")
    lines.append("    while True:")
    for k, (effective, rid, scope, _reads, _failure, _presumptions) in enumerate(verdicts):
        cond(effective, f"V_{k}", 2)
        defeated = [f"D_{j} is True" for j, (_d, ds) in enumerate(defeaters) if rid in ds]
        maybe = [f"D_{j} is None" for j, (_d, ds) in enumerate(defeaters) if rid in ds]
        lines.append(f"        if V_{k} is True:")
        if defeated:
            lines.append(f"            if {' or '.join(defeated)}:")
            lines.append("                pass")
            lines.append(f"            elif {' or '.join(maybe)}:")
            lines.append("                return None")
            lines.append("            else:")
            lines.append(f"                W = {k}")
            lines.append("                break")
        else:
            lines.append(f"            W = {k}")
            lines.append("            break")
        lines.append(f"        elif V_{k} is None:")
        lines.append("            return None")
        if scope is not None:
            lines.append("        else:")
            cond(scope[0], f"S_{k}", 3)
    lines.append("        return None")
    lines.append("    T = ()")
    for k, (_e, _rid, _scope, reads, _failure, presumptions) in enumerate(verdicts):
        if not reads and not presumptions:
            continue
        lines.append(f"    if W == {k}:")
        names = []
        for i, r in enumerate(reads):
            cond(r, f"R_{k}_{i}", 2)
            names.append(f"R_{k}_{i}")
        names += [f"(get({p!r}) is None)" for p in presumptions]
        lines.append(f"        T = ({''.join(x + ', ' for x in names)})")
    outs = [f"D_{j}" for j in range(len(defeaters))] + ["OO"]
    outs += [x for k in range(n) for x in (f"V_{k}", f"S_{k}")] + ["W", "T"]
    for k, (_e, _rid, _scope, _reads, failure, _p) in enumerate(verdicts):
        if not failure:
            continue
        lines.append(f"    if (V_{k} is True and W != {k}) or S_{k} is True:")
        for i, c in enumerate(failure):
            cond(c, f"X_{k}_{i}", 2)
        lines.append(f"        X_{k} = ({''.join(f'X_{k}_{i}, ' for i in range(len(failure)))})")
        lines.append("    else:")
        lines.append(f"        X_{k} = 0")
        outs.append(f"X_{k}")
    for j, (effective, conditional) in enumerate(duties):
        cond(effective, f"U_{j}", 1)
        outs.append(f"U_{j}")
        if conditional:
            lines.append(f"    if U_{j} is True:")
            for i, c in enumerate(conditional):
                cond(c, f"K_{j}_{i}", 2)
            lines.append(
                f"        K_{j} = ({''.join(f'K_{j}_{i}, ' for i in range(len(conditional)))})"
            )
            lines.append("    else:")
            lines.append(f"        K_{j} = 0")
            outs.append(f"K_{j}")
    lines.append(f"    return ('plan', {', '.join(outs)})")
    namespace: dict[str, Any] = dict(emitter.constants)
    try:
        code = compile("\n".join(lines) + "\n", "<plan>", "exec")
    except (SyntaxError, RecursionError, MemoryError):  # too deeply nested for Python
        return None
    exec(code, namespace)  # noqa: S102 - see above
    run: PlanFunction = namespace["run"]
    return run

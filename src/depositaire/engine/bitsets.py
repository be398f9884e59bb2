"""Every completion of the open facts at once: truth values as bit sets.

``missing`` (``evaluator._only_decisive``) decides every combination of the open facts'
value classes and calls a fact decisive when two combinations that differ only in it
are decided differently. Here each combination is one bit of a Python integer (mixed
radix over the open facts, in their order): a condition becomes two bit sets (where it
is true, where it is false; unknown elsewhere), computed leaf by leaf with ``&`` and
``|``; the inner evaluation (the first rule that holds and is not defeated, the rules
still open above it, whether their outcomes agree) runs once over all combinations with
the same operations; and a fact is decisive when shifting one outcome's bits from one of
its classes to another meets a different outcome. The result is the reference's, with
no enumeration (``tests/engine/test_missing_exactness.py``, ``scripts/differential.py``).

Used up to :data:`LIMIT` combinations; above, the decision diagram
(:mod:`depositaire.engine.missing`) is built instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from depositaire.engine.conditions import All, Condition, Facts, Leaf
from depositaire.engine.derive import derive
from depositaire.engine.rules import Rule

if TYPE_CHECKING:
    from depositaire.engine.compiled import CompiledRuleBase, Outcome

#: Combinations up to which the bit sets are used directly (a bit set of 2^14 bits is
#: 2 KiB: an operation costs well under a microsecond).
LIMIT = 1 << 14
UNDETERMINED: Outcome = ("undetermined", frozenset())
Open = tuple[tuple[str, tuple[object, ...]], ...]
Partition = list[tuple[object, int]]

#: Derived facts and their inputs (``derive``).
DERIVED: dict[str, tuple[str, ...]] = {
    "holder.bound_by_secrecy": ("holder.role", "holder.institution"),
    "recipient.bound_by_secrecy": ("recipient.kind",),
    "recipient.same_mission": ("recipient.kind",),
}
_DISCLOSURE_FACTS = ("information.categories", "information.nature", "information.confided")

_PATTERNS: dict[tuple[tuple[int, ...], int, int], int] = {}
_PATHS: dict[int, tuple[object, frozenset[str]]] = {}


def _pattern(dims: tuple[int, ...], strides: tuple[int, ...], total: int, i: int, k: int) -> int:
    """The combinations where open fact ``i`` takes its class ``k``."""
    key = (dims, i, k)
    found = _PATTERNS.get(key)
    if found is None:
        stride = strides[i]
        period = stride * dims[i]
        block = ((1 << stride) - 1) << (k * stride)
        found = block * (((1 << total) - 1) // ((1 << period) - 1))
        if len(_PATTERNS) > 100_000:
            _PATTERNS.clear()
        _PATTERNS[key] = found
    return found


def paths_of(cond: object) -> frozenset[str]:
    """The facts a condition reads (memoised by identity)."""
    found = _PATHS.get(id(cond))
    if found is None or found[0] is not cond:
        found = (cond, frozenset(leaf.path for leaf in cond.leaves()))  # type: ignore[attr-defined]
        if len(_PATHS) > 100_000:
            _PATHS.clear()
        _PATHS[id(cond)] = found
    return found[1]


class Space:
    """The combinations of ``free`` (open facts and their classes) with ``facts`` fixed."""

    __slots__ = ("all", "dims", "f", "facts", "index", "parts", "strides", "total", "varying")

    def __init__(self, facts: Facts, f: Facts, free: Open) -> None:
        self.facts = facts
        self.f = f
        self.dims = tuple(len(v) for _p, v in free)
        strides = []
        s = 1
        for n in self.dims:
            strides.append(s)
            s *= n
        self.strides = tuple(strides)
        self.total = s
        self.all = (1 << s) - 1
        self.index = {p: i for i, (p, _v) in enumerate(free)}
        self.parts: dict[str, Partition] = {}
        for i, (p, values) in enumerate(free):
            self.parts[p] = [
                (v, _pattern(self.dims, self.strides, s, i, k)) for k, v in enumerate(values)
            ]
        for p, inputs in DERIVED.items():
            if p in facts or p in self.parts or not any(x in self.parts for x in inputs):
                continue
            self.parts[p] = self._derived(p, inputs)
        self.varying = frozenset(self.parts)

    def _derived(self, path: str, inputs: tuple[str, ...]) -> Partition:
        ranges = [self.parts.get(x) or [(self.facts.get(x), self.all)] for x in inputs]
        groups: dict[object, int] = {}
        for combo in itertools.product(*ranges):
            bits = self.all
            given = {}
            for x, (v, b) in zip(inputs, combo, strict=True):
                bits &= b
                if v is not None:
                    given[x] = v
            if bits:
                value = derive(given)[0].get(path)  # type: ignore[arg-type]
                groups[value] = groups.get(value, 0) | bits
        return list(groups.items())

    def truth(self, cond: Condition) -> tuple[int, int]:
        """(where ``cond`` is true, where it is false); unknown elsewhere."""
        if not (paths_of(cond) & self.varying):
            v = cond.fn(self.f)
            return (self.all, 0) if v is True else (0, self.all) if v is False else (0, 0)
        if isinstance(cond, Leaf):
            t = fl = 0
            assume = cond.assume
            contains = cond.contains
            values = cond.values
            negate = cond.negate
            for value, bits in self.parts[cond.path]:
                holds: object
                if value is None:
                    holds = assume
                elif contains:
                    holds = (values[0] in value) != negate  # type: ignore[operator]
                else:
                    holds = (value in values) != negate
                if holds is True:
                    t |= bits
                elif holds is False:
                    fl |= bits
            return t, fl
        parts = [self.truth(p) for p in cond.parts]
        if cond.__class__ is All:
            t = self.all
            fl = 0
            for pt, pf in parts:
                t &= pt
                fl |= pf
        else:
            t = 0
            fl = self.all
            for pt, pf in parts:
                t |= pt
                fl &= pf
        return t, fl

    def outcomes_of(self, compiled: CompiledRuleBase, rule: Rule) -> list[tuple[Outcome, int]]:
        """What ``rule`` would conclude, by combination (it depends on the asked categories,
        the nature, whether confided and its narrowings)."""
        paths: set[str] = set(_DISCLOSURE_FACTS)
        for cond, _cats in rule.narrowing:
            paths |= paths_of(cond)
        moving = [p for p in paths if p in self.varying]
        if not moving:
            return [(compiled.outcome(rule, self.f), self.all)]  # type: ignore[list-item]
        groups: dict[Outcome, int] = {}
        for combo in itertools.product(*(self.parts[p] for p in moving)):
            bits = self.all
            f2 = dict(self.f)
            for p, (v, b) in zip(moving, combo, strict=True):
                bits &= b
                if v is None:
                    f2.pop(p, None)
                else:
                    f2[p] = v
            if bits:
                o = compiled.outcome(rule, f2)
                assert o is not None
                groups[o] = groups.get(o, 0) | bits
        return list(groups.items())


def outcomes(
    compiled: CompiledRuleBase, space: Space, date: dt.date, known: dt.date | None
) -> dict[Outcome, int]:
    """The inner evaluation (``evaluator.evaluate(..., exact_missing=False)``) of every
    combination: outcome -> the combinations that give it."""
    allbits = space.all
    if any(p in space.varying for p in compiled.dispatch):
        defeaters, verdict_rules, _duty = compiled.rule_base.in_force(date, known)
    else:
        defeaters, verdict_rules, _duty, _out = compiled.plan(space.f, date, known)
    defeated: dict[str, int] = {}
    maybe: dict[str, int] = {}
    for d in defeaters:
        t, fl = space.truth(d.effective)
        n = allbits & ~(t | fl)
        for target in d.defeats:
            defeated[target] = defeated.get(target, 0) | t
            maybe[target] = maybe.get(target, 0) | n
    undecided = allbits
    result: dict[Outcome, int] = {}
    undetermined = 0
    # Pending rules so far, by combination: none; one (by its outcome); several with
    # one outcome; several with different outcomes.
    none = allbits
    single: dict[Outcome, int] = {}
    several: dict[Outcome, int] = {}
    mixed = 0
    for r in verdict_rules:
        if not undecided:
            break
        t, fl = space.truth(r.effective)
        t &= undecided
        unknown = undecided & ~(t | fl)
        if not t and not unknown:
            continue
        dead = defeated.get(r.id, 0)
        doubt = maybe.get(r.id, 0) & ~dead
        winners = t & ~dead & ~doubt
        pend = (t & doubt) | unknown
        for o, bits in space.outcomes_of(compiled, r):
            w = winners & bits
            if w:
                agree = none | single.get(o, 0) | several.get(o, 0)
                if w & agree:
                    result[o] = result.get(o, 0) | (w & agree)
                undetermined |= w & ~agree
            p = pend & bits
            if p:
                fresh = none & p
                none &= ~p
                for o2 in list(single):
                    s = single[o2] & p
                    if not s:
                        continue
                    single[o2] &= ~s
                    if o2 == o:
                        several[o] = several.get(o, 0) | s
                    else:
                        mixed |= s
                for o2 in list(several):
                    if o2 != o:
                        m = several[o2] & p
                        if m:
                            several[o2] &= ~m
                            mixed |= m
                if fresh:
                    single[o] = single.get(o, 0) | fresh
        undecided &= ~winners
    if undecided:
        # No rule decided: several pending rules with one outcome give it; otherwise
        # undetermined.
        for o, bits in several.items():
            b = bits & undecided
            if b:
                result[o] = result.get(o, 0) | b
                undecided &= ~b
        undetermined |= undecided
    if undetermined:
        result[UNDETERMINED] = result.get(UNDETERMINED, 0) | undetermined
    return {o: b for o, b in result.items() if b}


def decisive(
    space: Space, results: dict[Outcome, int], paths: Sequence[str], determined_only: bool
) -> list[str]:
    """Which of ``paths`` (free facts) have two combinations, differing only in them, with
    two different outcomes (both determined if ``determined_only``)."""
    groups = [b for o, b in results.items() if not (determined_only and o[0] == "undetermined")]
    if len(groups) < 2:
        return []
    found = []
    for p in paths:
        i = space.index[p]
        n = space.dims[i]
        stride = space.strides[i]
        seen = 0
        two = 0
        for bits in groups:
            projected = 0
            for k in range(n):
                projected |= (bits & _pattern(space.dims, space.strides, space.total, i, k)) >> (
                    k * stride
                )
            two |= seen & projected
            if two:
                break
            seen |= projected
        if two:
            found.append(p)
    return found


def only_decisive(
    compiled: CompiledRuleBase,
    candidates: list[str],
    facts: Facts,
    f: Facts,
    open_: Open,
    date: dt.date,
    known: dt.date | None,
    resolve: Callable[[dict[str, object]], Outcome],
) -> list[str]:
    """The reference's ``_only_decisive`` over ``open_`` (at most :data:`LIMIT`
    combinations), on bit sets. ``resolve`` decides one combination exactly (its
    changes to the situation): as the reference, the combinations left undetermined are
    decided so before they are compared."""
    space = Space(facts, f, open_)
    results = outcomes(compiled, space, date, known)
    found = decisive(space, results, candidates, True)
    if found:
        return found
    open_bits = results.pop(UNDETERMINED, 0)
    b = 0
    while open_bits:
        if open_bits & 1:
            changes = {
                p: values[(b // stride) % n]
                for (p, values), n, stride in zip(open_, space.dims, space.strides, strict=True)
            }
            o = resolve(changes)
            results[o] = results.get(o, 0) | (1 << b)
        open_bits >>= 1
        b += 1
    return decisive(space, results, candidates, True) or decisive(space, results, candidates, False)

"""Exact ``missing`` without enumerating the completions: a decision diagram.

The reference (``evaluator._only_decisive``) defines which open facts are decisive:
every combination of the open facts' value classes is decided, and a fact is decisive
if two combinations that differ only in it are decided differently (two determined
outcomes first; an undetermined one only when no determined pair shows any fact, and
then decided exactly first: it stays undetermined only if a fact outside the
enumeration can change it).
It enumerates, so above ``EXACT_MISSING_LIMIT`` combinations it keeps an estimate.

Here the same function of the open facts (combination -> inner outcome) is built as a
reduced, hash-consed multi-valued decision diagram: a node tests one open fact and has
one child per value class; a node whose children are all the same is not made, and
equal sub-diagrams are one node. Building is a Shannon expansion that stops as soon as
the outcome no longer depends on the facts still open:

- an abstract evaluation (``compiled.abstract_mask``) over the open facts' classes
  tells, for every rule of the plan, whether its condition is settled;
- the rules that can still matter are those examined before the first rule that
  surely holds and is surely not defeated (and that one); only the facts of their
  unsettled conditions, of their narrowings and of what they let out can still change
  the outcome: the others are never expanded;
- a sub-diagram is memoised by exactly what it depends on (those rules, their settled
  values, the values of the facts they read, the open facts still to expand with their
  classes), across decisions: the diagram of a rule base grows as it is used.

Then a fact is decisive iff some node tests it (the diagram is reduced, so every fact
labelling a node is in the function's support), and decisive between determined
outcomes iff some node testing it has two children that can give two different
determined outcomes under one assignment of the facts below (memoised by node pair).
The result is the reference's on every case the reference can enumerate
(``tests/engine/test_missing_exactness.py``, ``scripts/differential.py``), with no limit.
Written here rather than with a BDD library because the nodes carry the engine's
outcomes and three-valued conditions (dd/pyeda are Boolean-only).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from depositaire.engine import bitsets
from depositaire.engine.conditions import All, Condition, Facts, Leaf
from depositaire.engine.rules import Rule
from depositaire.engine.situation import FactValue, Situation

if TYPE_CHECKING:
    from depositaire.engine.compiled import CompiledRuleBase, Outcome

#: Facts what a rule lets out depends on (``evaluator.disclosure``).
_DISCLOSURE_FACTS = ("information.categories", "information.nature", "information.confided")
_T, _F, _N = 1, 2, 4
_SINGLE = (_T, _F, _N)

Open = tuple[tuple[str, tuple[object, ...]], ...]

#: Above this many combinations left undetermined, ``Diagram.resolved`` keeps the diagram
#: as it is (an estimate, as beyond the reference's own limit).
RESOLVE_LIMIT = 1 << 14


class _TooMany(Exception):
    pass


class Diagram:
    """The hash-consed decision diagram of one compiled rule base's inner outcomes."""

    def __init__(self, compiled: CompiledRuleBase) -> None:
        self.compiled = compiled
        #: Derived facts (``derive``) and the facts they are derived from (the law's).
        self.derived = compiled.rule_base.law.derived_inputs
        #: node id -> (fact, values, children ids) or (None, outcome, ())
        self.nodes: list[tuple[str | None, object, tuple[int, ...]]] = []
        self._intern: dict[tuple[object, ...], int] = {}
        self._memo: dict[tuple[object, ...], int] = {}
        self._support: dict[int, frozenset[str]] = {}
        self._decisive: dict[int, frozenset[str]] = {}
        self._dist: dict[tuple[int, int], bool] = {}
        self._opens: dict[int, bool] = {}
        self._paths: dict[int, frozenset[str]] = {}
        self._reader_ids: dict[str, frozenset[str]] = {}
        self._path_tuples: dict[int, tuple[str, ...]] = {}
        self._cond_masks: dict[tuple[object, ...], int] = {}
        self._derivations: dict[tuple[object, ...], tuple[object, ...]] = {}

    # -- nodes ------------------------------------------------------------------

    def _make(
        self, key: tuple[object, ...], node: tuple[str | None, object, tuple[int, ...]]
    ) -> int:
        found = self._intern.get(key)
        if found is None:
            found = self._intern[key] = len(self.nodes)
            self.nodes.append(node)
        return found

    def leaf(self, outcome: Outcome) -> int:
        return self._make((None, outcome), (None, outcome, ()))

    def node(self, path: str, values: tuple[object, ...], children: Sequence[int]) -> int:
        first = children[0]
        if all(c == first for c in children):
            return first
        kids = tuple(children)
        return self._make((path, values, kids), (path, values, kids))

    # -- building ---------------------------------------------------------------

    def _leaf_paths(self, cond: object) -> frozenset[str]:
        found = self._paths.get(id(cond))
        if found is None:
            found = frozenset(leaf.path for leaf in cond.leaves())  # type: ignore[attr-defined]
            self._paths[id(cond)] = found
        return found

    def build(
        self,
        facts: dict[str, FactValue],
        open_: Open,
        date: dt.date,
        known: dt.date | None,
        masks: dict[str, int] | None = None,
        changed: str | None = None,
    ) -> int:
        """The diagram of ``combination of open_ -> inner outcome`` with ``facts`` fixed.

        ``masks`` are the parent's rule masks, ``changed`` the fact it just set: only
        the rules that read it are evaluated again."""
        classes = dict(open_)
        compiled = self.compiled
        if any(p in classes for p in compiled.dispatch):
            # The plan depends on a fact still open: every rule in force is examined
            # (a plan only leaves out rules that are false, which the masks see too).
            defeaters, verdict_rules, _duty = compiled.rule_base.in_force(date, known)
        else:
            defeaters, verdict_rules, _duty, _out = compiled.plan(facts, date, known)

        def values_of(path: str) -> tuple[object, ...]:
            found = classes.get(path)
            if found is not None:
                return found
            if path in facts:
                return (facts[path],)
            inputs = self.derived.get(path)
            if inputs is None:
                return (None,)
            return self._derived(path, inputs, facts, classes)

        own: dict[str, int] = {}
        stale = None if masks is None or changed is None else self._readers(changed)

        def mask(r: Rule) -> int:
            m = None if stale is None or r.id in stale else masks.get(r.id)  # type: ignore[union-attr]
            if m is None:
                cond = r.effective
                paths = self._path_tuple(cond)
                ckey = (id(cond), tuple([values_of(p) for p in paths]))
                m = self._cond_masks.get(ckey)
                if m is None:
                    m = fast_mask(cond, values_of)
                    if len(self._cond_masks) > 200_000:
                        self._cond_masks.clear()
                    self._cond_masks[ckey] = m
            own[r.id] = m
            return m

        dmask = {d.id: mask(d) for d in defeaters}
        relevant: list[tuple[Rule, int]] = []
        for r in verdict_rules:
            m = mask(r)
            if m == _F:
                continue
            relevant.append((r, m))
            if m == _T and all(dmask[d.id] == _F for d in defeaters if r.id in d.defeats):
                break
        ids = {r.id for r, _ in relevant}
        rel_defeaters = [(d, dmask[d.id]) for d in defeaters if ids.intersection(d.defeats)]
        reads: set[str] = set(_DISCLOSURE_FACTS)
        for r, m in (*relevant, *rel_defeaters):
            if m not in _SINGLE:
                reads |= self._leaf_paths(r.effective)
            for cond, _cats in r.narrowing:
                reads |= self._leaf_paths(cond)
        for path in tuple(reads):
            if path not in facts and path not in classes:
                reads.update(self.derived.get(path, ()))
        still = tuple((p, v) for p, v in open_ if p in reads)
        if not still:
            # Nothing still open can change the outcome: any completion gives it.
            complete = {**facts, **{p: v[0] for p, v in open_}}
            return self.leaf(compiled.inner_outcome(complete, date, known))  # type: ignore[arg-type]
        key = (
            still,
            tuple((r.id, m) for r, m in relevant),
            tuple((d.id, m) for d, m in rel_defeaters),
            tuple((p, facts.get(p)) for p in sorted(reads) if p not in classes),
        )
        found = self._memo.get(key)
        if found is None:
            (path, values), rest = still[0], tuple(x for x in open_ if x[0] != still[0][0])
            children = [
                self.build({**facts, path: v}, rest, date, known, own, path)  # type: ignore[dict-item]
                for v in values
            ]
            found = self.node(path, values, children)
            if len(self._memo) > 200_000:
                self._memo.clear()
            self._memo[key] = found
        return found

    def _path_tuple(self, cond: Condition) -> tuple[str, ...]:
        found = self._path_tuples.get(id(cond))
        if found is None:
            found = self._path_tuples[id(cond)] = tuple(sorted(self._leaf_paths(cond)))
        return found

    def _readers(self, path: str) -> frozenset[str]:
        """Ids of the rules whose condition reads ``path`` or a fact derived from it."""
        found = self._reader_ids.get(path)
        if found is None:
            paths = {path, *(d for d, inputs in self.derived.items() if path in inputs)}
            found = frozenset(
                r.id for r in self.compiled.rule_base.rules if self._leaf_paths(r.effective) & paths
            )
            self._reader_ids[path] = found
        return found

    def _derived(
        self,
        path: str,
        inputs: tuple[str, ...],
        facts: Facts,
        classes: dict[str, tuple[object, ...]],
    ) -> tuple[object, ...]:
        """Every value derivation can give ``path`` (absent from the facts) as its
        inputs range over their classes (or keep their value)."""
        ranges = tuple(classes.get(i) or (facts.get(i),) for i in inputs)
        key = (path, ranges)
        found = self._derivations.get(key)
        if found is None:
            out: dict[object, None] = {}
            for combo in itertools.product(*ranges):
                given = {i: v for i, v in zip(inputs, combo, strict=True) if v is not None}
                out[self.compiled.rule_base.law.derive(given)[0].get(path)] = None  # type: ignore[arg-type]
            found = self._derivations[key] = tuple(out)
        return found

    # -- reading ----------------------------------------------------------------

    def support(self, n: int) -> frozenset[str]:
        """The facts some node below ``n`` tests: those the function depends on."""
        found = self._support.get(n)
        if found is None:
            path, _values, children = self.nodes[n]
            if path is None:
                found = frozenset()
            else:
                found = frozenset({path}).union(*(self.support(c) for c in children))
            self._support[n] = found
        return found

    def distinct(self, a: int, b: int, order: dict[str, int]) -> bool:
        """Some assignment of the facts below gives two different determined outcomes."""
        if a == b:
            return False
        key = (a, b) if a < b else (b, a)
        found = self._dist.get(key)
        if found is None:
            pa, va, ca = self.nodes[a]
            pb, vb, cb = self.nodes[b]
            if pa is None and pb is None:
                oa, ob = va, vb
                found = oa != ob and oa[0] != "undetermined" and ob[0] != "undetermined"  # type: ignore[index]
            else:
                if pb is None or (pa is not None and order[pa] <= order[pb]):
                    top = pa
                    values = va
                else:
                    top = pb
                    values = vb
                kids_a = ca if pa == top else (a,) * len(values)  # type: ignore[arg-type]
                kids_b = cb if pb == top else (b,) * len(values)  # type: ignore[arg-type]
                found = any(self.distinct(x, y, order) for x, y in zip(kids_a, kids_b, strict=True))
            self._dist[key] = found
        return found

    def _open(self, n: int) -> bool:
        """Some leaf below ``n`` is undetermined."""
        found = self._opens.get(n)
        if found is None:
            path, values, children = self.nodes[n]
            if path is None:
                found = values[0] == "undetermined"  # type: ignore[index]
            else:
                found = any(self._open(c) for c in children)
            self._opens[n] = found
        return found

    def resolved(
        self, root: int, open_: Open, resolve: Callable[[dict[str, object]], Outcome]
    ) -> int:
        """``root`` (built over ``open_``, in its order) with every combination that
        reaches an undetermined leaf decided exactly (``resolve``, on the combination's
        values), as the reference decides the completions it left undetermined before it
        compares them; one that stays undetermined is kept. Above ``RESOLVE_LIMIT`` such
        combinations, ``root`` is kept as it is."""
        count = [0]
        assignment: dict[str, object] = {}

        def walk(n: int, i: int) -> int:
            if not self._open(n):
                return n
            if i == len(open_):
                count[0] += 1
                if count[0] > RESOLVE_LIMIT:
                    raise _TooMany
                return self.leaf(resolve(dict(assignment)))
            path, values = open_[i]
            tested, _values, children = self.nodes[n]
            kids_of = children if tested == path else (n,) * len(values)
            kids = []
            for v, c in zip(values, kids_of, strict=True):
                assignment[path] = v
                kids.append(walk(c, i + 1))
            del assignment[path]
            return self.node(path, values, kids)

        try:
            return walk(root, 0)
        except _TooMany:
            return root

    def decisive(self, n: int, order: dict[str, int]) -> frozenset[str]:
        """The facts some node below ``n`` tests with two children that give two
        different determined outcomes under one assignment of the facts below."""
        found = self._decisive.get(n)
        if found is None:
            path, _values, children = self.nodes[n]
            if path is None:
                found = frozenset()
            else:
                below = frozenset().union(*(self.decisive(c, order) for c in children))
                if path not in below and any(
                    self.distinct(x, y, order)
                    for i, x in enumerate(children)
                    for y in children[i + 1 :]
                ):
                    below = below | {path}
                found = below
            self._decisive[n] = found
        return found


_LEAF_MASKS: dict[tuple[int, tuple[object, ...]], int] = {}
_TN, _FN = 8, 16
#: mask -> its bits plus _TN (it can be true or unknown) and _FN (false or unknown).
_CODES = tuple(m | (_TN if m & (_T | _N) else 0) | (_FN if m & (_F | _N) else 0) for m in range(8))


def fast_mask(cond: Condition, values_of: Callable[[str], tuple[object, ...]]) -> int:
    """``compiled.abstract_mask``, with the leaves memoised and the junctions inline."""
    if cond.__class__ is Leaf:
        values = values_of(cond.path)
        key = (id(cond), values)
        found = _LEAF_MASKS.get(key)
        if found is None:
            from depositaire.engine.compiled import abstract_mask

            found = abstract_mask(cond, lambda _p: values)
            if len(_LEAF_MASKS) > 200_000:
                _LEAF_MASKS.clear()
            _LEAF_MASKS[key] = found
        return found
    # One table look-up per part: OR and AND of the codes give every flag at once.
    any_code = 0
    all_code = 31
    for part in cond.parts:  # type: ignore[union-attr]
        code = _CODES[fast_mask(part, values_of)]
        any_code |= code
        all_code &= code
    out = 0
    if cond.__class__ is All:
        if any_code & _F:
            out |= _F
        if all_code & _TN and any_code & _N:
            out |= _N
        if all_code & _T:
            out |= _T
    else:
        if any_code & _T:
            out |= _T
        if all_code & _FN and any_code & _N:
            out |= _N
        if all_code & _F:
            out |= _F
    return out


def diagram(compiled: CompiledRuleBase) -> Diagram:
    found = getattr(compiled, "_diagram", None)
    if found is None:
        found = Diagram(compiled)
        compiled._diagram = found  # type: ignore[attr-defined]
    return found


def only_decisive(
    compiled: CompiledRuleBase,
    candidates: list[str],
    pending: list[Rule],
    maybe_defeated: dict[str, Rule],
    situation: Situation,
    f: Facts,
) -> list[str]:
    """The reference's ``_only_decisive`` (same open facts, same value classes, same
    definition of decisive), computed on bit sets (:mod:`depositaire.engine.bitsets`)
    up to ``bitsets.LIMIT`` combinations, on the decision diagram above, with no limit."""
    rule_base = compiled.rule_base
    involved = (*pending, *maybe_defeated.values())
    open_facts = list(dict.fromkeys(p for r in involved for p in r.effective.open_facts(f)))
    open_: Open = tuple((p, tuple(rule_base.value_classes(p, involved))) for p in open_facts)
    if any(not values for _p, values in open_):
        return []  # as the reference: no combination to decide
    total = 1
    for _p, values in open_:
        total *= len(values)

    def resolve(changes: dict[str, object]) -> Outcome:
        d = compiled.evaluate(situation.with_facts(changes), explain=False)  # type: ignore[arg-type]
        return d.verdict, frozenset(d.may_disclose)

    if total <= bitsets.LIMIT:
        return bitsets.only_decisive(
            compiled,
            candidates,
            situation.facts,
            f,
            open_,
            situation.date,
            situation.as_known_on,
            resolve,
        )
    d = diagram(compiled)
    root = d.build(dict(situation.facts), open_, situation.date, situation.as_known_on)
    order = {p: i for i, (p, _v) in enumerate(open_)}
    found = d.decisive(root, order)
    determined = [p for p in candidates if p in found]
    if determined:
        return determined
    root = d.resolved(root, open_, resolve)
    found = d.decisive(root, order)
    determined = [p for p in candidates if p in found]
    if determined:
        return determined
    support = d.support(root)
    return [p for p in candidates if p in support]

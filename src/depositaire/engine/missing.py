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
equal sub-diagrams are one node. The variables (an open fact with its value classes)
are ordered once per rule base, so a node means the same function in every query and
every memo holds across queries (the diagram of a rule base grows as it is used):

- each condition of the plan is restricted by the situation's fixed facts into a
  three-valued diagram over the open facts (a Kleene AND/OR of its leaves' diagrams);
  a condition that reads no open fact is a terminal, its value under the fixed facts;
  what a rule lets out is a diagram over the open facts it reads (usually a terminal);
- the inner evaluation of every combination is then one product walk over those
  diagrams: a state is the list of the rules that can still matter, each as (its
  condition's node, the nodes of the defeaters that may still defeat it, its
  outcome's node), with a rule surely false or surely defeated left out and the list
  ending at the first rule surely true and surely not defeated. States are made of
  canonical nodes only, so two situations whose fixed facts leave the same problem
  share it, whatever those facts are.

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
import threading
from collections.abc import Callable, Iterable, Sequence
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
UNDETERMINED: Outcome = ("undetermined", frozenset())

Open = tuple[tuple[str, tuple[object, ...]], ...]

#: Up to this many combinations, the bit sets (:mod:`bitsets`) decide instead.
BITSETS_UP_TO = 0


#: Position of a terminal node: after every variable.
_TERM = 1 << 62
_VAR_BITS = 20
_VAR_MASK = (1 << _VAR_BITS) - 1
#: Above this many nodes (or memo entries), the diagram of a rule base starts again (at
#: the next query). A node costs about 1.4 KB with its memos (tracemalloc, 11 860 nodes
#: after 8 000 generated situations: 17 MB): about 280 MB at most. A bulk run over
#: 100 000 varied situations makes about 58 000.
NODE_LIMIT = 200_000

#: A binding of a fact in one query: ``("c", class)`` (fixed: the class of its value,
#: ``CompiledRuleBase._value_class``), ``("v", variable)`` (open) or ``("d", ((input, binding), ...))`` (derived
#: from inputs of which one at least is open).
Binding = tuple[object, ...]
#: One verdict rule in a product state: (condition node, nodes of the defeaters that
#: may still defeat it, node of its outcome).
Entry = tuple[int, tuple[int, ...], int]


class Diagram:
    """The hash-consed decision diagrams of one compiled rule base, shared by every query.

    A variable is an open fact with its value classes; variables are ordered once for
    the rule base (by the first rule that reads the fact), so a node means the same
    function in every query and every memo below holds across queries."""

    def __init__(self, compiled: CompiledRuleBase) -> None:
        self.compiled = compiled
        #: Derived facts (``derive``) and the facts they are derived from (the law's).
        self.derived = compiled.rule_base.law.derived_inputs
        rank: dict[str, int] = {}
        rule_base = compiled.rule_base
        for r in (*rule_base.rules, *rule_base.verdict_rules):
            for cond in (r.effective, *(c for c, _ in r.narrowing)):
                for leaf in cond.leaves():
                    for q in (*self.derived.get(leaf.path, ()), leaf.path):
                        rank.setdefault(q, len(rank))
        for q in (*_DISCLOSURE_FACTS, *rule_base.law.facts):
            rank.setdefault(q, len(rank))
        self._rank = rank
        #: One query at a time (a query decides completions, which may query again:
        #: re-entrant); the diagram starts again only between top-level queries.
        self.lock = threading.RLock()
        self.depth = 0
        self._reset()

    def _reset(self) -> None:
        #: node -> position of its variable (``_TERM`` for a terminal)
        self.pos: list[int] = []
        #: node -> children (one per value class of its variable)
        self.kids: list[tuple[int, ...]] = []
        #: node -> its value (a terminal)
        self.value: list[object] = []
        self._intern: dict[tuple[object, ...], int] = {}
        self._leaves: dict[object, int] = {}
        #: variable -> (fact, value classes); (fact, value classes) -> variable
        self.vars: list[tuple[str, tuple[object, ...]]] = []
        self._var_ids: dict[tuple[str, tuple[object, ...]], int] = {}
        self._conds: dict[tuple[object, ...], int] = {}
        self._applies: dict[tuple[int, int, int], int] = {}
        self._outcomes: dict[tuple[object, ...], int] = {}
        self._states: dict[tuple[Entry, ...], int] = {}
        self._support: dict[int, frozenset[int]] = {}
        self._decisive: dict[int, frozenset[int]] = {}
        self._dist: dict[tuple[int, int], bool] = {}
        self._opens: dict[int, bool] = {}
        self._cofactors: dict[tuple[int, tuple[tuple[int, int], ...]], int] = {}
        self.true = self.leaf(True)
        self.false = self.leaf(False)
        self.unknown = self.leaf(None)

    # -- nodes ------------------------------------------------------------------

    def leaf(self, value: object) -> int:
        found = self._leaves.get(value)
        if found is None:
            found = self._leaves[value] = len(self.pos)
            self.pos.append(_TERM)
            self.kids.append(())
            self.value.append(value)
        return found

    def mk(self, position: int, children: tuple[int, ...]) -> int:
        first = children[0]
        for c in children:
            if c != first:
                break
        else:
            return first
        key = (position, children)
        found = self._intern.get(key)
        if found is None:
            found = self._intern[key] = len(self.pos)
            self.pos.append(position)
            self.kids.append(children)
            self.value.append(None)
        return found

    def variable(self, path: str, values: tuple[object, ...]) -> int:
        """The position of the variable ``path`` over ``values``."""
        key = (path, values)
        found = self._var_ids.get(key)
        if found is None:
            found = self._var_ids[key] = len(self.vars)
            self.vars.append(key)
        return (self._rank[path] << _VAR_BITS) | found

    def _tabulate(self, positions: Sequence[int], fn: Callable[[dict[int, object]], object]) -> int:
        """The diagram of ``fn`` (of the values of the variables at ``positions``)."""
        order = sorted(set(positions))
        assignment: dict[int, object] = {}

        def rec(i: int) -> int:
            if i == len(order):
                return self.leaf(fn(assignment))
            p = order[i]
            kids = []
            for x in self.vars[p & _VAR_MASK][1]:
                assignment[p] = x
                kids.append(rec(i + 1))
            del assignment[p]
            return self.mk(p, tuple(kids))

        return rec(0)

    # -- conditions (three-valued) ------------------------------------------------

    def _value_fn(self, b: Binding) -> Callable[[dict[int, object]], object]:
        """The value of a fact bound by ``b`` under an assignment of the variables."""
        if b[0] == "c":
            value = b[1]
            return lambda _a: value
        if b[0] == "v":
            p = b[1]
            return lambda a: a[p]  # type: ignore[index]
        path = b[1]
        inputs = b[2]
        derive = self.compiled.rule_base.law.derive

        def derived(a: dict[int, object]) -> object:
            given: dict[str, FactValue] = {}
            for i, ib in inputs:  # type: ignore[attr-defined]
                v = a[ib[1]] if ib[0] == "v" else ib[1]
                if v is not None:
                    given[i] = v  # type: ignore[assignment]
            return derive(given)[0].get(path)  # type: ignore[call-overload]

        return derived

    @staticmethod
    def _positions(b: Binding) -> list[int]:
        if b[0] == "v":
            return [b[1]]  # type: ignore[list-item]
        if b[0] == "d":
            return [ib[1] for _i, ib in b[2] if ib[0] == "v"]  # type: ignore[attr-defined]
        return []

    def condition(
        self, cond: Condition, bind: Callable[[str], Binding], f: Facts, moving: set[str]
    ) -> int:
        """The diagram (terminals ``True``, ``False``, ``None``) of ``cond``: ``f`` the
        facts fixed (derived), ``moving`` the facts that vary between combinations."""
        paths = _path_tuple(cond)
        key = (id(cond), *[bind(p) for p in paths])
        found = self._conds.get(key)
        if found is None:
            found = self._condition(cond, bind, f, moving)
            self._conds[key] = found
        return found

    def _condition(
        self, cond: Condition, bind: Callable[[str], Binding], f: Facts, moving: set[str]
    ) -> int:
        if cond.__class__ is Leaf:
            leaf: Leaf = cond
            b = bind(leaf.path)
            if b[0] == "c":
                return self.leaf(leaf.fn(f))
            if b[0] == "v":
                p: int = b[1]  # type: ignore[assignment]
                values = self.vars[p & _VAR_MASK][1]
                return self.mk(p, tuple(self.leaf(leaf_truth(leaf, v)) for v in values))
            value = self._value_fn(b)
            return self._tabulate(self._positions(b), lambda a: leaf_truth(leaf, value(a)))
        is_all = cond.__class__ is All
        out = self.true if is_all else self.false
        settle = self.false if is_all else self.true
        op = 0 if is_all else 1
        later = []
        # The parts that read no open fact first: one that settles the junction spares
        # the diagrams of the others.
        for part in cond.parts:  # type: ignore[union-attr]
            if moving.isdisjoint(_path_tuple(part)):
                node = self.leaf(part.fn(f))
                if node == settle:
                    return settle
                out = self._apply(op, out, node)
            else:
                later.append(part)
        for part in later:
            out = self._apply(op, out, self._condition(part, bind, f, moving))
            if out == settle:
                break
        return out

    def _apply(self, op: int, a: int, b: int) -> int:
        """Kleene AND (``op`` 0) or OR (1) of two condition diagrams."""
        if a == b:
            return a
        t, f = self.true, self.false
        if op == 0:
            if a == f or b == f:
                return f
            if a == t:
                return b
            if b == t:
                return a
        else:
            if a == t or b == t:
                return t
            if a == f:
                return b
            if b == f:
                return a
        if a > b:
            a, b = b, a
        key = (op, a, b)
        found = self._applies.get(key)
        if found is None:
            pos, kids = self.pos, self.kids
            pa, pb = pos[a], pos[b]
            if pa == _TERM and pb == _TERM:
                found = self.unknown  # both unknown (the cases above took the rest)
            else:
                top = pa if pa < pb else pb
                ka = kids[a] if pa == top else None
                kb = kids[b] if pb == top else None
                n = len(ka if ka is not None else kb)  # type: ignore[arg-type]
                found = self.mk(
                    top,
                    tuple(
                        self._apply(op, a if ka is None else ka[k], b if kb is None else kb[k])
                        for k in range(n)
                    ),
                )
            self._applies[key] = found
        return found

    # -- outcomes -------------------------------------------------------------------

    def outcome(self, rule: Rule, f: Facts, bind: Callable[[str], Binding]) -> int:
        """The diagram of what ``rule`` would conclude (terminals: outcomes)."""
        paths = _outcome_paths(rule)
        bindings = [bind(p) for p in paths]
        key = (id(rule), *bindings)
        found = self._outcomes.get(key)
        if found is None:
            moving = [(p, b) for p, b in zip(paths, bindings, strict=True) if b[0] != "c"]
            compiled = self.compiled
            if not moving:
                found = self.leaf(compiled.outcome(rule, f))
            else:
                fns = [(p, self._value_fn(b)) for p, b in moving]

                def fn(a: dict[int, object]) -> object:
                    f2 = dict(f)
                    for p, value in fns:
                        v = value(a)
                        if v is None:
                            f2.pop(p, None)
                        else:
                            f2[p] = v
                    return compiled.outcome(rule, f2)

                found = self._tabulate([q for _p, b in moving for q in self._positions(b)], fn)
            self._outcomes[key] = found
        return found

    # -- the inner evaluation of every combination -------------------------------

    def build(
        self,
        facts: Facts,
        f: Facts,
        open_: Open,
        date: dt.date,
        known: dt.date | None,
    ) -> tuple[int, list[tuple[int, str, tuple[object, ...]]]]:
        """The diagram of ``combination of open_ -> inner outcome`` (``facts`` fixed, ``f``
        them derived) and the open facts as (position, fact, classes), in position order."""
        if self.depth <= 1 and max(len(self.pos), len(self._dist), len(self._conds)) > NODE_LIMIT:
            self._reset()
        compiled = self.compiled
        value_class = compiled._value_class
        variables = {p: self.variable(p, values) for p, values in open_}
        derived = self.derived
        bindings: dict[str, Binding] = {}

        def bind(path: str) -> Binding:
            found = bindings.get(path)
            if found is None:
                v = variables.get(path)
                if v is not None:
                    found = ("v", v)
                else:
                    inputs = derived.get(path)
                    if (
                        inputs is not None
                        and path not in facts
                        and any(i in variables for i in inputs)
                    ):
                        found = (
                            "d",
                            path,
                            tuple(
                                (i, ("v", variables[i]) if i in variables else ("c", facts.get(i)))
                                for i in inputs
                            ),
                        )
                    else:
                        # By the class of its value: every value no leaf and no
                        # derivation tells apart makes the same diagrams.
                        found = ("c", value_class(path, f.get(path)))
                bindings[path] = found
            return found

        if any(p in variables for p in compiled.dispatch):
            # The plan depends on a fact still open: every rule in force is examined
            # (a plan only leaves out rules that are false, which the diagrams see too).
            defeaters, verdict_rules, _duty = compiled.rule_base.in_force(date, known)
        else:
            defeaters, verdict_rules, _duty, _out = compiled.plan(f, date, known)
        # Facts whose value varies between combinations: a condition that reads none of
        # them has its value under ``f`` in every combination.
        moving = set(variables)
        for path, inputs in derived.items():
            if path not in facts and path not in variables and any(i in variables for i in inputs):
                moving.add(path)
        leaf = self.leaf

        def truth(cond: Condition) -> int:
            if moving.isdisjoint(_path_tuple(cond)):
                return leaf(cond.fn(f))
            return self.condition(cond, bind, f, moving)

        against: dict[str, list[int]] = {}
        false, true = self.false, self.true
        for d in defeaters:
            node = truth(d.effective)
            if node != false:
                for target in d.defeats:
                    against.setdefault(target, []).append(node)
        entries: list[Entry] = []
        for r in verdict_rules:
            c = truth(r.effective)
            if c == false:
                continue
            if moving.isdisjoint(_outcome_paths(r)):
                o = leaf(compiled.outcome(r, f))
            else:
                o = self.outcome(r, f, bind)
            entries.append((c, tuple(against.get(r.id, ())), o))
            if c == true and r.id not in against:
                break
        root = self._expand(self._simplify(entries))
        order = sorted((v, p, values) for p, values in open_ for v in (variables[p],))
        return root, order

    def _simplify(self, entries: Iterable[Entry]) -> tuple[Entry, ...]:
        """The entries that can still matter, in a canonical form: a rule surely false
        or surely defeated is left out, a defeater surely false too; the first rule
        surely true and surely not defeated ends the list."""
        t, fl, u = self.true, self.false, self.unknown
        out: list[Entry] = []
        for c, ds, o in entries:
            if c == fl:
                continue
            if c == u:
                out.append((c, (), o))
                continue
            if ds:
                if fl in ds:
                    ds = tuple(d for d in ds if d != fl)
                if t in ds:
                    if c == t:
                        continue
                    ds = (t,)
            if c == t and not ds:
                out.append((c, ds, o))
                break
            out.append((c, ds, o))
        return tuple(out)

    def _expand(self, state: tuple[Entry, ...]) -> int:
        found = self._states.get(state)
        if found is not None:
            return found
        pos = self.pos
        top = _TERM
        for c, ds, o in state:
            p = pos[c]
            if p < top:
                top = p
            p = pos[o]
            if p < top:
                top = p
            for d in ds:
                p = pos[d]
                if p < top:
                    top = p
        if top == _TERM:
            found = self.leaf(self._terminal(state))
        else:
            kids = self.kids
            n = len(self.vars[top & _VAR_MASK][1])
            children = []
            for k in range(n):
                children.append(
                    self._expand(
                        self._simplify(
                            [
                                (
                                    kids[c][k] if pos[c] == top else c,
                                    tuple([kids[d][k] if pos[d] == top else d for d in ds]),
                                    kids[o][k] if pos[o] == top else o,
                                )
                                for c, ds, o in state
                            ]
                        )
                    )
                )
            found = self.mk(top, tuple(children))
        self._states[state] = found
        return found

    def _terminal(self, state: tuple[Entry, ...]) -> Outcome:
        """``CompiledRuleBase.inner_outcome`` on rules whose truth values are known."""
        value = self.value
        winner: object = None
        pending: list[object] = []
        for c, ds, o in state:
            outcome = value[o]
            if value[c] is None:
                pending.append(outcome)
                continue
            dvalues = [value[d] for d in ds]
            if True in dvalues:
                continue
            if ds:  # possibly defeated
                pending.append(outcome)
                continue
            winner = outcome
            break
        if pending:
            if (winner is not None and all(o == winner for o in pending)) or (
                winner is None and len(pending) > 1 and all(o == pending[0] for o in pending)
            ):
                return winner if winner is not None else pending[0]  # type: ignore[return-value]
            return UNDETERMINED
        if winner is not None:
            return winner  # type: ignore[return-value]
        return UNDETERMINED

    # -- reading ----------------------------------------------------------------

    def support(self, n: int) -> frozenset[int]:
        """The variables some node below ``n`` tests: those the function depends on."""
        found = self._support.get(n)
        if found is None:
            if self.pos[n] == _TERM:
                found = frozenset()
            else:
                found = frozenset({self.pos[n]}).union(*(self.support(c) for c in self.kids[n]))
            self._support[n] = found
        return found

    def distinct(self, a: int, b: int) -> bool:
        """Some assignment of the variables below gives two different determined outcomes."""
        if a == b:
            return False
        key = (a, b) if a < b else (b, a)
        found = self._dist.get(key)
        if found is None:
            pa, pb = self.pos[a], self.pos[b]
            if pa == _TERM and pb == _TERM:
                oa, ob = self.value[a], self.value[b]
                found = oa != ob and oa[0] != "undetermined" and ob[0] != "undetermined"  # type: ignore[index]
            else:
                top = pa if pa < pb else pb
                n = len(self.vars[top & _VAR_MASK][1])
                kids_a = self.kids[a] if pa == top else (a,) * n
                kids_b = self.kids[b] if pb == top else (b,) * n
                found = any(self.distinct(x, y) for x, y in zip(kids_a, kids_b, strict=True))
            self._dist[key] = found
        return found

    def _open(self, n: int) -> bool:
        """Some leaf below ``n`` is undetermined."""
        found = self._opens.get(n)
        if found is None:
            if self.pos[n] == _TERM:
                found = self.value[n][0] == "undetermined"  # type: ignore[index]
            else:
                found = any(self._open(c) for c in self.kids[n])
            self._opens[n] = found
        return found

    def cofactor(self, n: int, fixed: tuple[tuple[int, int], ...]) -> int:
        """``n`` with the variables at the positions of ``fixed`` (sorted) set to the
        value classes of index given there."""
        pos = self.pos
        p = pos[n]
        if p == _TERM or p > fixed[-1][0]:
            return n
        key = (n, fixed)
        found = self._cofactors.get(key)
        if found is None:
            for position, k in fixed:
                if position == p:
                    found = self.cofactor(self.kids[n][k], fixed)
                    break
            else:
                found = self.mk(p, tuple([self.cofactor(c, fixed) for c in self.kids[n]]))
            self._cofactors[key] = found
        return found

    def resolved(
        self,
        root: int,
        order: Sequence[tuple[int, str, tuple[object, ...]]],
        resolve: Callable[[dict[str, object]], Outcome],
    ) -> int:
        """``root`` with every combination of ``order`` that reaches an undetermined leaf
        decided exactly (``resolve``), one by one: the plain definition, which
        ``resolved_sets`` computes without enumerating (kept for the tests)."""
        assignment: dict[str, object] = {}

        def walk(n: int, i: int) -> int:
            if not self._open(n):
                return n
            if i == len(order):
                return self.leaf(resolve(dict(assignment)))
            position, path, values = order[i]
            kids_of = self.kids[n] if self.pos[n] == position else (n,) * len(values)
            out = []
            for v, c in zip(values, kids_of, strict=True):
                assignment[path] = v
                out.append(walk(c, i + 1))
            del assignment[path]
            return self.mk(position, tuple(out))

        return walk(root, 0)

    def resolved_sets(
        self,
        root: int,
        order: Sequence[tuple[int, str, tuple[object, ...]]],
        resolve: Callable[[dict[str, object]], Outcome],
        dispatch: Sequence[str],
        fixed_dispatch: Callable[[str], object],
        reads: Callable[[tuple[object, ...]], Iterable[str] | None],
    ) -> tuple[set[int], set[int]]:
        """The variables decisive between determined outcomes, and the support, of
        ``root`` (over the variables ``order``) once every combination that reaches an
        undetermined leaf is decided exactly (``resolve``, on the combination's values),
        as the reference decides the completions it left undetermined before it compares
        them (one that stays undetermined is kept). Exact, with no limit.

        The combinations are not enumerated one by one: the dispatch facts still open
        are set first (one cofactor of ``root`` per assignment of them); the plan they
        select then says which facts a completion's exact outcome reads (``reads``), and
        a variable neither the cofactor tests nor the plan reads is not branched on (the
        resolved function does not depend on it: one representative stands for all).
        A dispatch fact is then decisive (in the support) iff two assignments that differ
        only in it have resolved cofactors that can give two different determined
        outcomes (that differ); any other fact iff it is so in one resolved cofactor."""
        open_dispatch = [(p, path, values) for p, path, values in order if path in dispatch]
        rest = [(p, path, values) for p, path, values in order if path not in dispatch]
        assignment: dict[str, object] = {}
        pos, kids = self.pos, self.kids
        last = len(rest)

        def walk(n: int, i: int, relevant: set[str] | None) -> int:
            if not self._open(n):
                return n
            if i == last:
                return self.leaf(resolve(dict(assignment)))
            position, path, values = rest[i]
            if pos[n] == position:
                kids_of: tuple[int, ...] = kids[n]
            elif relevant is None or path in relevant:
                kids_of = (n,) * len(values)
            else:
                # Read neither by the diagram below nor by the completions' plan.
                assignment[path] = values[0]
                found = walk(n, i + 1, relevant)
                del assignment[path]
                return found
            out = []
            for v, c in zip(values, kids_of, strict=True):
                assignment[path] = v
                out.append(walk(c, i + 1, relevant))
            del assignment[path]
            return self.mk(position, tuple(out))

        def relevant_for(values: dict[str, object]) -> set[str] | None:
            dkey = tuple(values[p] if p in values else fixed_dispatch(p) for p in dispatch)
            if None in dkey:
                return None
            read = reads(dkey)
            return None if read is None else set(read)

        if not open_dispatch:
            resolved = walk(root, 0, relevant_for({}))
            return set(self.decisive(resolved)), set(self.support(resolved))
        # One resolved cofactor per assignment of the open dispatch facts.
        results: dict[tuple[int, ...], int] = {}
        for ks in itertools.product(*(range(len(values)) for _p, _path, values in open_dispatch)):
            values_of = {
                path: values[k] for (_p, path, values), k in zip(open_dispatch, ks, strict=True)
            }
            sub = self.cofactor(
                root, tuple((p, k) for (p, _q, _v), k in zip(open_dispatch, ks, strict=True))
            )
            assignment.clear()
            assignment.update(values_of)
            results[ks] = walk(sub, 0, relevant_for(values_of) if self._open(sub) else None)
        assignment.clear()
        decisive: set[int] = set()
        support: set[int] = set()
        for node in set(results.values()):
            decisive |= self.decisive(node)
            support |= self.support(node)
        for j, (p, _path, _values) in enumerate(open_dispatch):
            groups: dict[tuple[int, ...], set[int]] = {}
            for ks, node in results.items():
                groups.setdefault(ks[:j] + ks[j + 1 :], set()).add(node)
            for nodes in groups.values():
                if len(nodes) > 1:
                    support.add(p)
                    listed = sorted(nodes)
                    if p not in decisive and any(
                        self.distinct(x, y) for i, x in enumerate(listed) for y in listed[i + 1 :]
                    ):
                        decisive.add(p)
                if p in decisive:
                    break
        return decisive, support

    def decisive(self, n: int) -> frozenset[int]:
        """The variables some node below ``n`` tests with two children that give two
        different determined outcomes under one assignment of the variables below."""
        found = self._decisive.get(n)
        if found is None:
            if self.pos[n] == _TERM:
                found = frozenset()
            else:
                children = self.kids[n]
                below = frozenset().union(*(self.decisive(c) for c in children))
                p = self.pos[n]
                if p not in below and any(
                    self.distinct(x, y) for i, x in enumerate(children) for y in children[i + 1 :]
                ):
                    below = below | {p}
                found = below
            self._decisive[n] = found
        return found


def leaf_truth(leaf: Leaf, value: object) -> bool | None:
    """A leaf's truth for one value of its fact (its ``assume`` when the value is unknown)."""
    if value is None:
        return leaf.assume
    if leaf.contains:
        return (leaf.values[0] in value) != leaf.negate  # type: ignore[operator]
    return (value in leaf.values) != leaf.negate


_PATH_TUPLES: dict[int, tuple[object, tuple[str, ...]]] = {}


def _path_tuple(cond: Condition) -> tuple[str, ...]:
    """The facts a condition reads, sorted (memoised by identity)."""
    found = _PATH_TUPLES.get(id(cond))
    if found is None or found[0] is not cond:
        found = (cond, tuple(sorted({leaf.path for leaf in cond.leaves()})))
        _PATH_TUPLES[id(cond)] = found
    return found[1]


_OUTCOME_PATHS: dict[int, tuple[object, tuple[str, ...]]] = {}


def _outcome_paths(rule: Rule) -> tuple[str, ...]:
    """The facts what ``rule`` lets out reads (``evaluator.disclosure``)."""
    found = _OUTCOME_PATHS.get(id(rule))
    if found is None or found[0] is not rule:
        paths = set(_DISCLOSURE_FACTS)
        for cond, _cats in rule.narrowing:
            paths.update(leaf.path for leaf in cond.leaves())
        found = (rule, tuple(sorted(paths)))
        _OUTCOME_PATHS[id(rule)] = found
    return found[1]


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


_CREATING = threading.Lock()


def diagram(compiled: CompiledRuleBase) -> Diagram:
    """The diagram of ``compiled`` (one per compiled rule base)."""
    found: Diagram | None = getattr(compiled, "_diagram", None)
    if found is None:
        with _CREATING:
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

    # A completion's exact outcome depends only on the facts its plan reads (the other
    # rules are surely false for its dispatch values): completions that differ only in
    # other open facts share it (memoised for this query, the other facts being fixed).
    outcomes: dict[tuple[object, ...], Outcome] = {}
    dispatch = compiled.dispatch

    def resolve(changes: dict[str, object]) -> Outcome:
        dkey = tuple(changes[p] if p in changes else f.get(p) for p in dispatch)
        if None in dkey:  # every rule in force can matter
            key: tuple[object, ...] = (None, *sorted(changes.items()))
        else:
            read = _plan_reads(compiled, dkey, situation.date, situation.as_known_on)
            key = (dkey, *[(p, read[p](v)) for p, v in sorted(changes.items()) if p in read])
        found = outcomes.get(key)
        if found is None:
            found = outcomes[key] = compiled.exact_outcome(situation.with_facts(changes))  # type: ignore[arg-type]
        return found

    if total <= BITSETS_UP_TO:
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
    with d.lock:
        d.depth += 1
        try:
            return _decisive_facts(d, candidates, situation, f, open_, resolve)
        finally:
            d.depth -= 1


_PLAN_READS: dict[tuple[object, ...], dict[str, Callable[[object], object]]] = {}


def _plan_reads(
    compiled: CompiledRuleBase, dkey: tuple[object, ...], date: dt.date, known: dt.date | None
) -> dict[str, Callable[[object], object]]:
    """The facts the verdict and what goes out can depend on when the dispatch facts
    have the values ``dkey`` (those the plan's defeaters and verdict rules read: scope,
    condition, narrowings; the inputs of those derived; what goes out, the dispatch
    facts), each with the class of a value under the plan: what the plan's leaves and the
    derivation make of it (the value itself for the dispatch facts and what goes out)."""
    plan = compiled.plan(dict(zip(compiled.dispatch, dkey, strict=True)), date, known)
    key = (id(compiled), plan[0], plan[1])
    found = _PLAN_READS.get(key)
    if found is None:
        law = compiled.rule_base.law
        derived = law.derived_inputs
        exact = {*_DISCLOSURE_FACTS, *compiled.dispatch}
        leaves: dict[str, list[Leaf]] = {}
        for r in (*plan[0], *plan[1]):
            for cond in (r.scope, r.effective, *(c for c, _ in r.narrowing)):
                for leaf in cond.leaves():
                    leaves.setdefault(leaf.path, []).append(leaf)
        read = {*exact, *leaves}
        frontier = list(read)
        while frontier:
            for i in derived.get(frontier.pop(), ()):
                if i not in read:
                    read.add(i)
                    frontier.append(i)

        def classer(path: str) -> Callable[[object], object]:
            if path in exact or path in derived:
                return lambda v: (v,)
            of_path = tuple(leaves.get(path, ()))

            def cls(v: object) -> object:
                if v is None:
                    return (None,)
                return (
                    tuple([leaf_truth(leaf, v) for leaf in of_path]),
                    law.derivation_signature(path, v),
                )

            return cls

        if len(_PLAN_READS) > 4096:
            _PLAN_READS.clear()
        found = _PLAN_READS[key] = {p: classer(p) for p in read}
    return found


def _decisive_facts(
    d: Diagram,
    candidates: list[str],
    situation: Situation,
    f: Facts,
    open_: Open,
    resolve: Callable[[dict[str, object]], Outcome],
) -> list[str]:
    root, order = d.build(situation.facts, f, open_, situation.date, situation.as_known_on)
    position = {path: p for p, path, _values in order}
    found = d.decisive(root)
    determined = [p for p in candidates if position.get(p) in found]
    if determined:
        return determined
    compiled = d.compiled
    date, known = situation.date, situation.as_known_on

    def reads(dkey: tuple[object, ...]) -> Iterable[str]:
        return _plan_reads(compiled, dkey, date, known)

    exact, support = d.resolved_sets(root, order, resolve, compiled.dispatch, f.get, reads)
    determined = [p for p in candidates if position.get(p) in exact]
    if determined:
        return determined
    return [p for p in candidates if position.get(p) in support]

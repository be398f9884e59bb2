"""Proof of the rule base's guarantees with an SMT solver (z3), for every situation.

The rule base is translated from its data, never from a list of rules: every
fact of the contract becomes solver variables (whether it is known, and its
value), the derivations of the law are read off :func:`derive` by probing it,
every condition tree becomes a pair of formulas (true, false: neither means
unknown, Kleene logic, ``assume`` included), and the evaluator's steps —
defeaters, examination order, pending rules with the same outcome, what may and
what never may go out, duties — become formulas of those variables. Dates split
into the periods between two validity boundaries; each period is proved apart.

The properties (issue 11):

1. exactly one verdict, and ``undetermined`` only when some unknown fact could
   change it (every completion of the situation does not give one same outcome);
2. a confidence — or a category that is always a confidence — goes out only when
   the deciding rule allows confidences;
3. ``may_disclose`` and ``never_disclose`` never overlap;
4. ``must_disclose`` never rests on an unknown fact: in every completion of the
   situation the deciding rule still holds and is not defeated;
5. every rule decides (or fires) on some situation on some day of its validity,
   and two rules that neither prevails over the other never both hold with
   different outcomes;
6. a rule that reads the person's consent never decides when consent is refused.

A failed property comes with a situation (date included) that the engine
reproduces: :func:`prove` evaluates it and records what the engine decided.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3
from z3 import z3core
from z3.z3 import _to_expr_ref

from depositaire.engine.conditions import All, Any_, Condition, Leaf
from depositaire.engine.decision import Decision
from depositaire.engine.discovery import default_law
from depositaire.engine.package import LawPackage
from depositaire.engine.rules import DISCLOSING, VERDICTS, Rule, RuleBase
from depositaire.engine.schema import CONFIDENCE, FactSpec

Expr = Any  # z3 expressions carry no static types
#: The confidence and the default law's categories (the model's disclosure variables).
CATS: tuple[str, ...] = (CONFIDENCE, *default_law().facts["information.categories"].values)
CODE: dict[str, int] = {v: i for i, v in enumerate(VERDICTS)}
PROPERTIES: tuple[str, ...] = ("one_verdict", "confidences", "overlap", "must", "rules", "consent")


# -- fast formula builders -------------------------------------------------------------------
# The z3 Python wrappers check and coerce every argument; building the rule base's formulas
# with them took seconds. These fold Python constants first and call z3's C API directly.


def Z(x: Expr) -> Expr:
    """A z3 expression for ``x`` (Python booleans and integers included)."""
    if isinstance(x, bool):
        return z3.BoolVal(x)
    if isinstance(x, int):
        return z3.IntVal(x)
    return x


def _nary(fn: Any, xs: list[Expr]) -> Expr:
    ctx = xs[0].ctx
    array = (z3.Ast * len(xs))(*(x.as_ast() for x in xs))
    return z3.BoolRef(fn(ctx.ref(), len(xs), array), ctx)


def AND(*parts: Expr) -> Expr:
    xs = []
    for x in parts:
        if x is False:
            return False
        if x is not True:
            xs.append(x)
    if not xs:
        return True
    return xs[0] if len(xs) == 1 else _nary(z3core.Z3_mk_and, xs)


def OR(*parts: Expr) -> Expr:
    xs = []
    for x in parts:
        if x is True:
            return True
        if x is not False:
            xs.append(x)
    if not xs:
        return False
    return xs[0] if len(xs) == 1 else _nary(z3core.Z3_mk_or, xs)


def NOT(x: Expr) -> Expr:
    if isinstance(x, bool):
        return not x
    return z3.BoolRef(z3core.Z3_mk_not(x.ctx.ref(), x.as_ast()), x.ctx)


def IMPLIES(a: Expr, b: Expr) -> Expr:
    return OR(NOT(a), b)


def IF(c: Expr, a: Expr, b: Expr) -> Expr:
    if c is True:
        return a
    if c is False:
        return b
    if isinstance(a, bool | int) and isinstance(b, bool | int) and a == b and type(a) is type(b):
        return a
    if a is True and b is False:
        return c
    if a is False and b is True:
        return NOT(c)
    ctx = c.ctx
    ast = z3core.Z3_mk_ite(ctx.ref(), c.as_ast(), Z(a).as_ast(), Z(b).as_ast())
    return _to_expr_ref(ast, ctx)


def EQ(a: Expr, b: Expr) -> Expr:
    if isinstance(a, bool | int) and isinstance(b, bool | int):
        return a == b
    if a is b:
        return True
    a, b = Z(a), Z(b)
    return z3.BoolRef(z3core.Z3_mk_eq(a.ctx.ref(), a.as_ast(), b.as_ast()), a.ctx)


def at_least_two(xs: list[Expr]) -> Expr:
    sure = sum(1 for x in xs if x is True)
    open_ = [x for x in xs if not isinstance(x, bool)]
    if sure >= 2:
        return True
    if sure + len(open_) < 2:
        return False
    return z3.PbGe([(x, 1) for x in open_], 2 - sure)


def truth(found: z3.ModelRef, e: Expr) -> bool:
    if isinstance(e, bool):
        return e
    return bool(z3.is_true(found.eval(e, model_completion=True)))


def number(found: z3.ModelRef, e: Expr) -> int:
    if isinstance(e, int):
        return e
    return int(found.eval(e, model_completion=True).as_long())


#: Witnesses the loop of property 1 may gather in one period before it reports "unsettled".
CEGIS_LIMIT = 200
#: Situations the engine settles by its exact enumeration (the model's free choice) that the
#: loop of property 1 may set aside, over all periods, before it reports "unsettled".
ENUMERATION_LIMIT = 12


def _specs() -> tuple[FactSpec, ...]:
    return tuple(s for s in default_law().fact_specs if s.type != "date")


def _domain(spec: FactSpec) -> tuple[object, ...]:
    return (True, False) if spec.type == "bool" else tuple(spec.values)


# -- derivations, read off the engine's own function ------------------------------------


@dataclass(frozen=True)
class DerivationTable:
    """``path`` as derive() sets it from ``inputs``: rows (input values or None, result)."""

    path: str
    inputs: tuple[str, ...]
    rows: tuple[tuple[tuple[object, ...], object], ...]


def derivation_tables(law: LawPackage | None = None) -> tuple[DerivationTable, ...]:
    """Probe :func:`derive` with every single fact, then tabulate each derived fact over
    every combination of its inputs (each known with a value, or unknown)."""
    derive = (law or default_law()).derive
    inputs: dict[str, set[str]] = {}
    for spec in _specs():
        if spec.type == "enum_list":
            continue
        for value in _domain(spec):
            out, _ = derive({spec.path: value})  # type: ignore[dict-item]
            for path in out:
                if path != spec.path:
                    inputs.setdefault(path, set()).add(spec.path)
    by_path = {s.path: s for s in _specs()}
    tables = []
    for path, found in sorted(inputs.items()):
        names = tuple(sorted(found))
        rows = []
        for combo in itertools.product(*((None, *_domain(by_path[q])) for q in names)):
            given = {q: v for q, v in zip(names, combo, strict=True) if v is not None}
            out, _ = derive(given)  # type: ignore[arg-type]
            if out.get(path) is not None:
                rows.append((combo, out[path]))
        tables.append(DerivationTable(path, names, tuple(rows)))
    return tuple(tables)


# -- a situation as solver variables -------------------------------------------------------


class Facts:
    """Solver variables for the facts a situation gives (``full``: every fact given)."""

    def __init__(self, prefix: str, full: bool = False) -> None:
        self.prefix = prefix
        self.known: dict[str, Expr] = {}
        self.value: dict[str, Expr] = {}
        self.members: dict[str, dict[str, Expr]] = {}
        self.domain: list[Expr] = []
        self.variables: list[Expr] = []
        for spec in _specs():
            p = spec.path
            if full:
                self.known[p] = True
            else:
                self.known[p] = z3.Bool(f"{prefix}known:{p}")
                self.variables.append(self.known[p])
            if spec.type == "bool":
                self.value[p] = z3.Bool(f"{prefix}{p}")
                self.variables.append(self.value[p])
            elif spec.type == "enum":
                v = z3.Int(f"{prefix}{p}")
                self.value[p] = v
                self.variables.append(v)
                self.domain.append(AND(v >= 0, v < len(spec.values)))
            else:
                self.members[p] = {c: z3.Bool(f"{prefix}{p}:{c}") for c in spec.values}
                self.variables.extend(self.members[p].values())

    def equals(self, spec: FactSpec, value: object) -> Expr:
        if spec.type == "bool":
            return self.value[spec.path] if value else NOT(self.value[spec.path])
        return self.value[spec.path] == spec.values.index(str(value))


class Effective:
    """The facts after derivation: what the given facts say, else what the law derives."""

    def __init__(self, given: Facts, tables: Sequence[DerivationTable]) -> None:
        self.given = given
        self.known = dict(given.known)
        self.value = dict(given.value)
        self.members = given.members
        specs = {s.path: s for s in _specs()}
        for table in tables:
            when: dict[bool, list[Expr]] = {True: [], False: []}
            for combo, result in table.rows:
                parts = [
                    NOT(given.known[q])
                    if v is None
                    else AND(given.known[q], given.equals(specs[q], v))
                    for q, v in zip(table.inputs, combo, strict=True)
                ]
                when[bool(result)].append(AND(*parts))
            yes, no = OR(*when[True]), OR(*when[False])
            p = table.path
            self.known[p] = OR(given.known[p], yes, no)
            self.value[p] = IF(given.known[p], given.value[p], yes)


class Filled(Facts):
    """The completion of a situation ``partial`` that gives every fact it does not know
    (given or derived) the value of ``fill``."""

    def __init__(self, prefix: str, partial: Effective, fill: Facts) -> None:
        self.prefix = prefix
        self.known = {p: True for p in fill.known}
        self.value = {p: IF(partial.known[p], partial.value[p], fill.value[p]) for p in fill.value}
        self.members = {
            p: {c: IF(partial.known[p], m, fill.members[p][c]) for c, m in ms.items()}
            for p, ms in partial.members.items()
        }
        self.domain = []
        self.variables = []


# -- the rule base as formulas -------------------------------------------------------------


@dataclass
class Disclosure:
    verdict: Expr
    may: dict[str, Expr]
    never: dict[str, Expr]


def _same(a: Disclosure, b: Disclosure) -> Expr:
    return AND(EQ(a.verdict, b.verdict), *(EQ(a.may[c], b.may[c]) for c in CATS))


@dataclass
class Model:
    """One situation's decision under the rules in force on ``day``, as formulas."""

    base: RuleBase
    day: dt.date
    given: Facts
    #: The day the law is read (``as_known_on``); None: as known on ``day``.
    known: dt.date | None = None
    f: Effective = field(init=False)
    truth: dict[int, tuple[Expr, Expr]] = field(default_factory=dict)
    holds: dict[str, Expr] = field(default_factory=dict)
    defeated: dict[str, Expr] = field(default_factory=dict)
    maybe_defeated: dict[str, Expr] = field(default_factory=dict)
    failed: dict[str, Expr] = field(default_factory=dict)
    pending: dict[str, Expr] = field(default_factory=dict)
    decides: dict[str, Expr] = field(default_factory=dict)
    outcome: dict[str, Disclosure] = field(default_factory=dict)
    determined: Expr = None
    verdict: Expr = None
    may: dict[str, Expr] = field(default_factory=dict)
    never: dict[str, Expr] = field(default_factory=dict)
    duties: dict[str, Expr] = field(default_factory=dict)
    #: (rule's contract id, fact): an obligation rests on a presumption the rule declares,
    #: the fact being unknown (``Decision.presumptions``).
    presumed: dict[tuple[str, str], Expr] = field(default_factory=dict)
    verdict_rules: tuple[Rule, ...] = ()
    tables: Sequence[DerivationTable] = ()
    #: Definitions of the named intermediate results (add them to every solver).
    defs: list[Expr] = field(default_factory=list)
    counter: int = 0
    #: False: no named constants (a model used under a quantifier).
    named: bool = True
    #: The engine's exact enumeration found no decisive fact (a free choice, see below).
    enumerated: Expr = None
    #: The examination leaves the verdict open before that enumeration.
    open: Expr = None

    def define(self, expr: Expr, label: str = "x") -> Expr:
        """A fresh constant equal to ``expr``: keeps formulas and model evaluations small."""
        if isinstance(expr, bool | int) or not self.named:
            return expr
        self.counter += 1
        name = f"{self.given.prefix}{label}#{self.counter}"
        const = z3.Bool(name) if z3.is_bool(expr) else z3.Int(name)
        self.defs.append(const == expr)
        return const

    def __post_init__(self) -> None:
        self.f = Effective(self.given, self.tables)
        defeaters, verdict_rules, duty_rules = self.base.in_force(self.day, self.known)
        self.verdict_rules = verdict_rules
        for d in defeaters:
            t, fl = self.cond(d.effective)
            self.holds[d.id] = t
            for target in d.defeats:
                self.defeated[target] = OR(self.defeated.get(target, False), t)
                self.maybe_defeated[target] = OR(
                    self.maybe_defeated.get(target, False), NOT(OR(t, fl))
                )
        stop: Expr = False
        decides: dict[str, Expr] = {}
        for r in verdict_rules:
            t, fl = self.cond(r.effective)
            self.holds[r.id] = t
            unknown = NOT(OR(t, fl))
            dead = self.defeated.get(r.id, False)
            maybe = self.maybe_defeated.get(r.id, False)
            live = NOT(stop)
            decides[r.id] = self.define(AND(live, t, NOT(dead), NOT(maybe)), "wins")
            self.pending[r.id] = self.define(
                AND(live, OR(AND(t, NOT(dead), maybe), unknown)), "pending"
            )
            failing = [AND(t, dead)]
            if r.kind == "exception":
                failing.append(AND(fl, self.cond(r.scope)[0]))
            self.failed[r.id] = self.define(AND(live, OR(*failing)), "failed")
            stop = self.define(OR(stop, decides[r.id]), "stop")
        for r in verdict_rules:
            self.outcome[r.id] = self.disclosure(r)
        ids = [r.id for r in verdict_rules]
        any_pending = OR(*(self.pending[i] for i in ids))
        # A winner and pending rules above it that would all conclude the same.
        winner_outcome = self._select(decides, ids)
        agree_winner = AND(
            stop, *(IMPLIES(self.pending[i], _same(self.outcome[i], winner_outcome)) for i in ids)
        )
        first = {
            i: self.define(AND(self.pending[i], *(NOT(self.pending[j]) for j in ids[:a])), "first")
            for a, i in enumerate(ids)
        }
        first_outcome = self._select(first, ids)
        several = at_least_two([self.pending[i] for i in ids])
        agree_pending = AND(
            NOT(stop),
            several,
            *(IMPLIES(self.pending[i], _same(self.outcome[i], first_outcome)) for i in ids),
        )
        resolved = OR(NOT(any_pending), agree_winner, agree_pending)
        resolved = self.define(resolved, "resolved")
        agree_pending = self.define(agree_pending, "agree")
        settled = {i: OR(AND(decides[i], resolved), AND(agree_pending, first[i])) for i in ids}
        # Left open by the steps above, the engine enumerates the completions of the open
        # facts of the pending rules; when none of those facts changes the outcome, the
        # winner (else the first pending rule) decides. That enumeration is a statement
        # over every completion: it is the free choice ``enumerated`` here, so the model
        # gives both outcomes such a situation can have, and a property proved holds
        # whichever the enumeration finds (a counterexample is kept only if the engine
        # reproduces it).
        # Without a winner, a pending rule that is surely defeated cannot be the one that
        # decides after the enumeration (``completion_winner``: in every completion it is
        # defeated): the first pending rule not surely defeated is.
        alive = {i: AND(self.pending[i], NOT(self.defeated.get(i, False))) for i in ids}
        first_alive = {
            i: self.define(AND(alive[i], *(NOT(alive[j]) for j in ids[:a])), "first_alive")
            for a, i in enumerate(ids)
        }
        self.enumerated = z3.Bool(f"{self.given.prefix}enumerated")
        self.open = self.define(NOT(OR(*settled.values())) if ids else True, "open")
        self.decides = {
            i: self.define(
                OR(
                    settled[i],
                    AND(self.enumerated, self.open, OR(decides[i], AND(NOT(stop), first_alive[i]))),
                ),
                "decides",
            )
            for i in ids
        }
        self.determined = OR(*self.decides.values()) if ids else False
        final = {r.id: self.disclosure(r, with_failed=True) for r in verdict_rules}
        verdict: Expr = int(CODE["undetermined"])
        for i in reversed(ids):
            verdict = IF(self.decides[i], final[i].verdict, verdict)
        self.verdict = self.define(verdict, "verdict")
        for c in CATS:
            self.may[c] = self.define(
                OR(*(AND(self.decides[i], final[i].may[c]) for i in ids)), "may"
            )
            never = OR(*(AND(self.decides[i], final[i].never[c]) for i in ids))
            self.never[c] = self.define(IF(self.determined, never, bool(c == CONFIDENCE)), "never")
        self._duties(verdict_rules, duty_rules)
        obliged = EQ(self.verdict, CODE["must_disclose"])
        for r in verdict_rules:
            for path, _key in r.presumptions:
                key = (r.contract_id, path)
                here = AND(self.decides[r.id], obliged, NOT(self.f.known[path]))
                self.presumed[key] = OR(self.presumed.get(key, False), here)
        self.presumed = {k: self.define(e, "presumed") for k, e in self.presumed.items()}

    def _select(self, which: dict[str, Expr], ids: Sequence[str]) -> Disclosure:
        """The outcome of the rule ``which`` marks (at most one), as named constants."""
        verdict: Expr = -1
        may: dict[str, Expr] = {c: False for c in CATS}
        for i in reversed(ids):
            verdict = IF(which[i], self.outcome[i].verdict, verdict)
            may = {c: IF(which[i], self.outcome[i].may[c], may[c]) for c in CATS}
        return Disclosure(
            self.define(verdict, "sel"), {c: self.define(e, "sel") for c, e in may.items()}, {}
        )

    # -- conditions, three-valued ----------------------------------------------------

    def cond(self, c: Condition) -> tuple[Expr, Expr]:
        """(true, false) formulas of a condition; neither: unknown."""
        found = self.truth.get(id(c))
        if found is None:
            t, fl = self._cond(c)
            if not isinstance(c, Leaf):
                t, fl = self.define(t, "true"), self.define(fl, "false")
            found = t, fl
            self.truth[id(c)] = found
        return found

    def _cond(self, c: Condition) -> tuple[Expr, Expr]:
        if isinstance(c, Leaf):
            return self._leaf(c)
        parts = [self.cond(p) for p in c.parts]
        trues = [t for t, _ in parts]
        falses = [fl for _, fl in parts]
        if isinstance(c, All):
            return AND(*trues), OR(*falses)
        assert isinstance(c, Any_)
        return OR(*trues), AND(*falses)

    def _leaf(self, leaf: Leaf) -> tuple[Expr, Expr]:
        spec = next(s for s in _specs() if s.path == leaf.path)
        known = self.f.known[leaf.path]
        if leaf.contains:
            (item,) = leaf.values
            test = self.f.members[leaf.path][str(item)]
        elif spec.type == "enum_list":
            raise NotImplementedError(f"{leaf.path}: a list fact compared with values")
        elif spec.type == "bool":
            test = OR(*(self.f.value[leaf.path] == bool(bool(v)) for v in leaf.values))
        else:
            test = OR(*(self.f.value[leaf.path] == spec.values.index(str(v)) for v in leaf.values))
        if leaf.negate:
            test = NOT(test)
        t, fl = AND(known, test), AND(known, NOT(test))
        if leaf.assume is True:
            t = OR(t, NOT(known))
        elif leaf.assume is False:
            fl = OR(fl, NOT(known))
        return t, fl

    # -- what goes out -----------------------------------------------------------------

    def asked(self) -> tuple[Expr, dict[str, Expr]]:
        members = self.f.members["information.categories"]
        known = self.f.known["information.categories"]
        return AND(known, OR(*members.values())), members

    def disclosure(self, r: Rule, with_failed: bool = False) -> Disclosure:
        """Formulas of :func:`depositaire.engine.evaluator.disclosure` for ``r``."""
        asked, members = self.asked()
        member = {c: members.get(c, False) for c in CATS}
        verdict = r.verdict or "secret"
        if verdict not in DISCLOSING:
            failed = self.verdict_rules if with_failed else ()
            shut = {
                c: OR(
                    AND(asked, member[c]),
                    c == CONFIDENCE,
                    c in r.withheld,
                    *(self.failed[x.id] for x in failed if c in x.withheld),
                )
                for c in CATS
            }
            return Disclosure(int(CODE[verdict]), {c: False for c in CATS}, shut)
        unbounded: Expr = bool(r.permitted is None)
        permitted: dict[str, Expr] = {
            c: bool(r.permitted is not None and c in r.permitted) for c in CATS
        }
        for condition, cats in r.narrowing:
            hold = self.cond(condition)[0]
            permitted = {
                c: IF(hold, AND(c in cats, OR(unbounded, permitted[c])), permitted[c]) for c in CATS
            }
            unbounded = AND(unbounded, NOT(hold))
        may: dict[str, Expr] = {}
        never: dict[str, Expr] = {}
        for c in CATS:
            withheld = c in r.withheld
            may_asked = AND(member[c], OR(unbounded, permitted[c]))
            may_any = AND(NOT(unbounded), permitted[c])
            never[c] = IF(asked, OR(AND(member[c], NOT(may_asked)), withheld), withheld)
            may[c] = AND(IF(asked, may_asked, may_any), not withheld)
        nature = self.f.known["information.nature"]
        index = next(s for s in _specs() if s.path == "information.nature").values.index(CONFIDENCE)
        is_confidence = AND(nature, self.f.value["information.nature"] == index)
        if r.allows_confidences:
            # Only with something the rule lets out of the asked categories (evaluator).
            carried = OR(NOT(asked), *(may[c] for c in CATS if c != CONFIDENCE))
            may[CONFIDENCE] = OR(may[CONFIDENCE], AND(is_confidence, carried))
            never[CONFIDENCE] = OR(never[CONFIDENCE], AND(is_confidence, NOT(carried)))
        else:
            # The rule's text excludes the confidence, the feelings, the family difficulties
            # and illnesses the person confided, and, for a confidence, all it would let out.
            from depositaire.engine.evaluator import CONFIDED_CATEGORIES, FEELINGS

            confided = AND(
                self.f.known["information.confided"], self.f.value["information.confided"]
            )
            never[CONFIDENCE] = True
            for c in CATS:
                if c == CONFIDENCE:
                    continue
                kept = OR(
                    c in FEELINGS,
                    AND(c in CONFIDED_CATEGORIES, confided),
                    AND(is_confidence, may[c]),
                )
                never[c] = OR(never[c], IF(asked, AND(kept, member[c]), kept))
                may[c] = AND(may[c], NOT(kept))
        may = {c: self.define(e, "may") for c, e in may.items()}
        nothing = AND(OR(asked, is_confidence), NOT(OR(*may.values())))
        code = IF(nothing, int(CODE["secret"]), int(CODE[verdict]))
        return Disclosure(self.define(code, "out"), may, never)

    def _duties(self, verdict_rules: Sequence[Rule], duty_rules: Sequence[Rule]) -> None:
        owed: dict[str, list[Expr]] = {}
        for r in verdict_rules:
            decides = self.decides[r.id]
            for d in r.duties:
                owed.setdefault(d, []).append(decides)
            for condition, d in r.conditional_duties:
                owed.setdefault(d, []).append(AND(decides, self.cond(condition)[0]))
            for condition, d in r.failure_duties:
                owed.setdefault(d, []).append(
                    AND(self.determined, self.failed[r.id], self.cond(condition)[0])
                )
        for r in duty_rules:
            fires = self.cond(r.effective)[0]
            self.holds[r.id] = fires
            for d in r.duties:
                owed.setdefault(d, []).append(fires)
            for condition, d in r.conditional_duties:
                owed.setdefault(d, []).append(AND(fires, self.cond(condition)[0]))
        self.duties = {d: self.define(OR(*conds), "duty") for d, conds in owed.items()}


def completes(partial: Model, full: Model) -> Expr:
    """``full`` gives every fact, and agrees with what ``partial`` knows (given or derived)."""
    parts = []
    for spec in _specs():
        p = spec.path
        known = partial.f.known[p]
        if spec.type == "enum_list":
            same = AND(*(partial.f.members[p][c] == full.given.members[p][c] for c in spec.values))
        else:
            same = partial.f.value[p] == full.given.value[p]
        parts.append(IMPLIES(known, same))
    return AND(*full.given.domain, *parts)


# -- periods -------------------------------------------------------------------------------


def periods(base: RuleBase) -> list[tuple[dt.date, dt.date | None]]:
    """(first day, last day or None) of each period between two validity boundaries."""
    starts = {r.valid_from for r in base.rules if r.valid_from}
    starts |= {r.valid_until + dt.timedelta(days=1) for r in base.rules if r.valid_until}
    # An annulment erases a rule on part of its validity: its span bounds periods too.
    for r in base.rules:
        if r.annulment is not None and r.annulment.erased_from is not None:
            starts.add(r.annulment.erased_from)
        if r.annulment is not None and r.annulment.erased_until is not None:
            starts.add(r.annulment.erased_until + dt.timedelta(days=1))
    if not starts:
        return [(dt.date(2000, 1, 1), None)]
    ordered = sorted(starts)
    first = ordered[0] - dt.timedelta(days=1)
    bounds = [first, *ordered]
    return [
        (start, (bounds[i + 1] - dt.timedelta(days=1)) if i + 1 < len(bounds) else None)
        for i, start in enumerate(bounds)
    ]


def reading_days(base: RuleBase) -> list[dt.date]:
    """One day of each period of the reading day (``as_known_on``): the law as known
    changes only on the day a judgment annuls a rule, or a rule is known from."""
    bounds = {r.annulment.decided_on for r in base.rules if r.annulment is not None}
    bounds |= {r.known_from for r in base.rules if r.known_from is not None}
    if not bounds:
        return [dt.date(2000, 1, 1)]
    ordered = sorted(bounds)
    return [ordered[0] - dt.timedelta(days=1), *ordered]


def readings(base: RuleBase) -> list[tuple[dt.date, dt.date]]:
    """(date, reading day) pairs, one per distinct set of rules in force: every period
    between two validity boundaries read on every period of the reading day."""
    found: dict[tuple[str, ...], tuple[dt.date, dt.date]] = {}
    for start, _end in periods(base):
        for known in reading_days(base):
            key = tuple(r.id for group in base.in_force(start, known) for r in group)
            found.setdefault(key, (start, known))
    return list(found.values())


# -- results ---------------------------------------------------------------------------------


@dataclass
class Counterexample:
    """A situation on which a property fails, with the rules involved and what the engine says."""

    property: str
    kind: str
    rules: tuple[str, ...]
    situation: dict[str, Any] | None
    completion: dict[str, Any] | None = None
    decision: Decision | None = None
    completion_decision: Decision | None = None
    reproduced: bool = False
    detail: dict[str, str] = field(default_factory=dict)


@dataclass
class Proof:
    base: RuleBase
    periods: list[tuple[dt.date, dt.date | None]]
    counterexamples: list[Counterexample]
    seconds: float
    checks: int
    #: Situations of property 1 settled by the engine's enumeration (checked, not proved).
    engine_settled: list[dict[str, Any]] = field(default_factory=list)
    #: Property 4's declared presumptions an obligation can rest on: (rule, fact, a
    #: situation where it does, which the engine decides showing the presumption).
    presumptions: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def holds(self, prop: str) -> bool:
        return not any(c.property == prop for c in self.counterexamples)

    @property
    def ok(self) -> bool:
        return not self.counterexamples


def situation_of(
    model: z3.ModelRef, facts: Facts, day: dt.date, known: dt.date | None = None
) -> dict[str, Any]:
    """The contract's nested mapping of the facts a solver model gives (with the day the
    law is read, ``as_known_on``, when given)."""
    out: dict[str, Any] = {"date": day.isoformat()}
    if known is not None:
        out["as_known_on"] = known.isoformat()
    for spec in _specs():
        p = spec.path
        if not truth(model, facts.known[p]):
            continue
        value: Any
        if spec.type == "bool":
            value = truth(model, facts.value[p])
        elif spec.type == "enum":
            index = number(model, facts.value[p])
            value = spec.values[index]
        else:
            value = [c for c in spec.values if truth(model, facts.members[p][c])]
        if "." in p:
            group, name = p.split(".", 1)
            out.setdefault(group, {})[name] = value
        else:
            out[p] = value
    return out


def engine_decision(base: RuleBase, situation: dict[str, Any]) -> Decision:
    """What the engine decides: the compiled rule base, as ``decide`` and ``depositaire
    evaluate`` (its ``missing`` is exact, with no limit; the reference interpreter keeps
    an estimate above ``evaluator.EXACT_MISSING_LIMIT`` and is held to the compiled one by
    the differential test)."""
    from depositaire.engine.compiled import compiled
    from depositaire.engine.provisions import default_provisions
    from depositaire.engine.situation import parse_situation

    engine = compiled(base, default_provisions())
    return engine.evaluate(parse_situation(situation, law=base.law), explain=False)


# -- the prover ------------------------------------------------------------------------------


class Prover:
    def __init__(self, base: RuleBase, always_confidences: Iterable[str] | None = None) -> None:
        self.base = base
        if always_confidences is None:
            always_confidences = base.law.always_confidences
        self.always_confidences = tuple(sorted(always_confidences))
        self.tables = derivation_tables(base.law)
        self.periods = periods(base)
        self.readings = readings(base)
        #: The reading day of the model being proved (``as_known_on``).
        self.known: dt.date | None = None
        self.counterexamples: list[Counterexample] = []
        self.checks = 0
        self.solver = z3.Solver()
        self.cegis_limit = CEGIS_LIMIT
        #: Situations set aside by the loop of property 1 (the engine's enumeration settled
        #: them), over all periods: each costs an enumeration by the engine.
        self.set_aside = 0
        #: Those situations (undetermined in the model, every completion alike, decided by
        #: the engine): where the engine's own enumeration is checked rather than proved.
        self.engine_settled: list[dict[str, Any]] = []
        #: False: property 1 on the rule base alone (the region where no rule is pending).
        self.engine_check = True
        #: Property 4: the declared presumptions found to carry an obligation, by (rule, fact).
        self.presumptions: dict[tuple[str, str], tuple[str, str, dict[str, Any]]] = {}

    def model(self, day: dt.date, prefix: str, full: bool = False) -> Model:
        return Model(self.base, day, Facts(prefix, full), self.known, tables=self.tables)

    def _solve(self, *constraints: Expr, solver: z3.Solver | None = None) -> z3.ModelRef | None:
        self.checks += 1
        solver = solver or self.solver
        solver.push()
        try:
            solver.add(*(Z(x) for x in constraints))
            return solver.model() if solver.check() == z3.sat else None
        finally:
            solver.pop()

    def _record(
        self,
        prop: str,
        kind: str,
        rules: Sequence[str],
        day: dt.date,
        found: z3.ModelRef,
        m: Model,
        completion: Model | None = None,
        keep: bool = True,
        **detail: str,
    ) -> Counterexample:
        situation = situation_of(found, m.given, day, self.known)
        ce = Counterexample(prop, kind, tuple(rules), situation, detail=dict(detail))
        ce.decision = engine_decision(self.base, situation)
        if completion is not None:
            ce.completion = situation_of(found, completion.given, day, self.known)
            ce.completion_decision = engine_decision(self.base, ce.completion)
        ce.reproduced = reproduces(self.base, ce)
        if kind == "engine_undetermined":
            ce.detail["missing"] = str(len(ce.decision.missing))
        if ce.reproduced and kind not in ("undetermined_for_nothing", "engine_undetermined"):
            shrink(self.base, ce)
        if keep:
            self.counterexamples.append(ce)
        return ce

    def run(self) -> Proof:
        started = time.perf_counter()
        lived: set[str] = set()
        for start, known in self.readings:
            self.known = known
            m = self.model(start, "s:")
            c = self.model(start, "c:", full=True)
            self.solver = z3.Solver()
            self.solver.add(*m.defs, *m.given.domain, *c.defs, *c.given.domain)
            self._confidences(start, m)
            self._overlap(start, m)
            self._must(start, m, c)
            self._consent(start, m)
            self._conflicts(start, m)
            lived |= self._alive(start, m, lived)
            self._one_verdict(start, m, c)
        for r in self.base.ordered:
            if r.id not in lived:
                self.counterexamples.append(
                    Counterexample("rules", "dead_rule", (r.id,), None, reproduced=True)
                )
        self._deduplicate()
        return Proof(
            self.base,
            self.periods,
            self.counterexamples,
            time.perf_counter() - started,
            self.checks,
            self.engine_settled,
            sorted(self.presumptions.values(), key=lambda x: (x[0], x[1])),
        )

    def _deduplicate(self) -> None:
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        kept = []
        for ce in self.counterexamples:
            key = (ce.property, ce.kind, ce.rules)
            if key not in seen:
                seen.add(key)
                kept.append(ce)
        self.counterexamples = kept

    def _winner(self, found: z3.ModelRef, m: Model) -> list[str]:
        return [i for i, e in m.decides.items() if truth(found, e)]

    # 1. one verdict; undetermined only when an unknown fact could change it
    def _one_verdict(self, day: dt.date, m: Model, c: Model) -> None:
        several = at_least_two(list(m.decides.values()))
        undecided = AND(m.determined, NOT(OR(*m.decides.values())))
        found = self._solve(*m.given.domain, OR(several, undecided))
        if found is not None:
            self._record("one_verdict", "several_verdicts", self._winner(found, m), day, found, m)
        # One counterexample contradicts the property: the other periods need not be
        # searched again for the same kind (the search of a period costs tens of queries).
        if not any(
            ce.property == "one_verdict" and ce.kind != "not_settled" and ce.reproduced
            for ce in self.counterexamples
        ):
            self._undetermined(day, m)

    def _undetermined(self, day: dt.date, m: Model) -> None:
        """No undetermined situation whose completions all give one same outcome.

        A counterexample-guided loop (CEGIS) rather than a quantifier, which z3 does not
        settle on this formula: ``A`` and ``B`` are the situation completed with two free
        fillings; each pair of fillings found is a witness that covers every situation it
        tells apart. The loop asks for an undetermined situation that no witness covers,
        then for two fillings that tell it apart (a new witness) or proves there are none
        (a counterexample). It ends when no situation is left uncovered, or reports the
        property unsettled after ``CEGIS_LIMIT`` witnesses.

        Two regions. Where no rule is pending, nothing is left to the engine's
        enumeration: an undetermined situation there is a gap of the rule base (proved
        absent, or a counterexample). Where rules are pending, the engine should decide by
        its exact ``missing`` (no fact can change the outcome: the first rule that can
        decide gives it); the model leaves it to a free choice, so the loop checks the
        engine (``engine_decision``, the compiled rule base that ``decide`` and
        ``depositaire evaluate`` run) on the situations it finds: one the engine leaves
        undetermined is a counterexample (``engine_undetermined``), one it decides is set
        aside and recorded in ``engine_settled`` (checked, not proved). It stops after
        ``ENUMERATION_LIMIT`` situations set aside over all periods."""
        search = z3.Solver()
        search.add(*m.defs, *m.given.domain, Z(EQ(m.verdict, CODE["undetermined"])))
        # A situation that gives every fact has no completion but itself.
        complete = Z(AND(*m.given.known.values()))
        self.checks += 1
        if search.check(complete) == z3.sat:
            found = search.model()
            self._record("one_verdict", "undetermined_for_nothing", [], day, found, m)
            return
        pending = OR(*m.pending.values())
        regions: list[tuple[Expr, str]] = [(Z(NOT(pending)), "gap")]
        if self.engine_check:
            regions.append((Z(pending), "engine"))
        # Every filling found so far: an uncovered situation is one that they all complete
        # to the same outcome (the first filling's).
        first: list[Expr] | None = None
        witness: z3.Solver | None = None
        f1 = f2 = Facts("F0:", full=True)
        outcome: list[Expr] = []

        def fill_vars(f: Facts) -> list[Expr]:
            return [*f.value.values(), *(x for ms in f.members.values() for x in ms.values())]

        rounds = 0
        for region, kind in regions:
            while True:
                rounds += 1
                if kind != "gap" and self.set_aside >= ENUMERATION_LIMIT:
                    # Every situation found here was settled by the engine's enumeration:
                    # the engine's part is checked on them, not proved (see docs/proof.md).
                    return
                if rounds > self.cegis_limit:
                    self.counterexamples.append(
                        Counterexample(
                            "one_verdict",
                            "not_settled",
                            (),
                            None,
                            reproduced=True,
                            detail={"limit": str(rounds - 1), "day": day.isoformat()},
                        )
                    )
                    return
                self.checks += 1
                if search.check(region) != z3.sat:
                    break
                found = search.model()
                fixed = _fix(m.given, _given_of(found, m.given))
                if witness is None:  # built on the first situation to cover (often none)
                    witness, f1, f2, outcome = self._witness(day, m)
                self.checks += 1
                if witness.check(*fixed) != z3.sat:
                    rules = [i for i, e in m.pending.items() if truth(found, e)]
                    named = (
                        "engine_undetermined" if kind == "engine" else "undetermined_for_nothing"
                    )
                    ce = self._record("one_verdict", named, rules, day, found, m, keep=False)
                    if ce.reproduced:
                        self.counterexamples.append(ce)
                        return
                    # The engine's exact enumeration settles this situation (the model's
                    # free choice ``enumerated``): set it aside and look for another.
                    self.set_aside += 1
                    self.engine_settled.append(ce.situation or {})
                    search.add(NOT(AND(*fixed)))
                    continue
                pair = witness.model()
                for source in (f1, f2):
                    values = [
                        (v, pair.eval(w, model_completion=True))
                        for v, w in zip(fill_vars(f1), fill_vars(source), strict=True)
                    ]
                    filled = [z3.substitute(e, *values) for e in outcome]
                    if first is None:
                        first = filled
                    else:
                        search.add(z3.And(*(x == y for x, y in zip(filled, first, strict=True))))

    def _witness(self, day: dt.date, m: Model) -> tuple[z3.Solver, Facts, Facts, list[Expr]]:
        """A solver for two fillings of the open facts that give different outcomes."""
        f1, f2 = Facts("F1:"), Facts("F2:")
        a = Model(
            self.base, day, Filled("A:", m.f, f1), self.known, tables=self.tables, named=False
        )
        b = Model(
            self.base, day, Filled("B:", m.f, f2), self.known, tables=self.tables, named=False
        )
        same = Z(_same(Disclosure(a.verdict, a.may, {}), Disclosure(b.verdict, b.may, {})))
        witness = z3.Solver()
        witness.add(*m.defs, *m.given.domain, *f1.domain, *f2.domain, z3.Not(same))
        return witness, f1, f2, [Z(a.verdict), *(Z(a.may[c]) for c in CATS)]

    def _each(self, goals: dict[Any, Expr], *extra: Expr) -> Iterator[tuple[Any, z3.ModelRef]]:
        """Each key of ``goals`` whose formula is satisfiable (with ``extra``), with a model:
        one query for all of them while none is (the usual case, a property proved), then
        one per key found (that key is left out of the next query)."""
        left = {k: g for k, g in goals.items() if g is not False}
        while left:
            found = self._solve(*extra, OR(*left.values()))
            if found is None:
                return
            key = next(k for k, g in left.items() if truth(found, g))
            del left[key]
            yield key, found

    # 2. confidences only from a rule that allows them
    def _confidences(self, day: dt.date, m: Model) -> None:
        allowing = [m.decides[r.id] for r in m.verdict_rules if r.allows_confidences]
        goals = {c: m.may[c] for c in (CONFIDENCE, *self.always_confidences)}
        for category, found in self._each(goals, *m.given.domain, NOT(OR(*allowing))):
            self._record(
                "confidences",
                "confidence_out",
                self._winner(found, m),
                day,
                found,
                m,
                category=category,
            )

    # 3. may and never never overlap
    def _overlap(self, day: dt.date, m: Model) -> None:
        goals = {c: AND(m.may[c], m.never[c]) for c in CATS}
        for category, found in self._each(goals, *m.given.domain):
            self._record(
                "overlap", "overlap", self._winner(found, m), day, found, m, category=category
            )

    # 4. must_disclose never rests on an unknown fact, except on a declared presumption
    def _must(self, day: dt.date, m: Model, c: Model) -> None:
        """No obligation stands on a rule that a completion of the situation sets aside
        with no obligation left: no situation that a rule obliging decides has a
        completion where that rule no longer holds (or is defeated) and no rule that
        obliges decides. (A completion asking only for categories the rule does not let
        out is ``secret`` while the rule still holds: what goes out is bounded by what is
        asked; the obligation does not rest on it.)

        A presumption the rule declares (``Rule.presumptions``: a leaf ``assume=True``)
        is the exception the property allows, because the decision shows it: the
        completions searched are those where every declared presumption the obligation
        rests on (its fact unknown) proves right, so that any other unknown fact that
        would set the rule aside is a counterexample; an ``assume=True`` leaf the rule
        does not declare is such a fact. Each declared presumption that can carry an
        obligation is listed, with a situation where it does, and the engine must show it
        there (``Decision.presumptions``), else ``presumption_not_shown``.

        Where the examination leaves the verdict open, the engine decides only when its
        exact ``missing`` finds that every completion of the open facts gives one outcome,
        so an obligation decided that way does not rest on those facts: the search is
        confined to the verdicts the examination settles (``NOT(open AND enumerated)``),
        which the engine follows step by step. One query per period."""
        obliging = [r for r in m.verdict_rules if r.verdict == "must_disclose"]
        if not obliging:
            return
        settled = NOT(AND(m.open, m.enumerated))
        still_obliged = OR(*(c.decides[r.id] for r in obliging))
        falls = OR(
            *(
                AND(m.decides[r.id], NOT(AND(c.holds[r.id], NOT(c.defeated.get(r.id, False)))))
                for r in obliging
            )
        )
        proves_right = []
        for r in obliging:
            for path, _key in r.presumptions:
                leaves = [x for x in r.effective.leaves() if x.path == path and x.assume is True]
                rests = AND(m.decides[r.id], NOT(m.f.known[path]))
                proves_right.append(IMPLIES(rests, AND(*(c.cond(x)[0] for x in leaves))))
        goal = [
            *m.given.domain,
            EQ(m.verdict, CODE["must_disclose"]),
            settled,
            completes(m, c),
            *proves_right,
            falls,
            NOT(still_obliged),
        ]
        found = self._solve(*goal)
        if found is not None:
            self._record(
                "must", "must_on_unknown", self._winner(found, m), day, found, m, completion=c
            )
        for (rule_id, path), rests in m.presumed.items():
            if (rule_id, path) in self.presumptions:
                continue
            found = self._solve(*m.given.domain, settled, rests)
            if found is None:
                continue
            situation = situation_of(found, m.given, day, self.known)
            shown = engine_decision(self.base, situation)
            if (rule_id, path) in {(r, p) for r, p, _k in shown.presumptions}:
                self.presumptions[(rule_id, path)] = (rule_id, path, situation)
            else:
                self._record("must", "presumption_not_shown", (rule_id,), day, found, m, fact=path)

    # 5a. no dead rule
    def _alive(self, day: dt.date, m: Model, known: set[str]) -> set[str]:
        goals: dict[str, Expr] = {}
        for r in self.base.ordered:
            if not r.in_force(day, self.known) or r.id in known:
                continue
            fires = m.decides.get(r.id, m.holds.get(r.id))
            if fires is not None:
                goals[r.id] = fires
        alive: set[str] = set()
        left = {k: g for k, g in goals.items() if g is not False}
        while left:
            found = self._solve(*m.given.domain, OR(*left.values()))
            if found is None:
                break
            # The situation found shows every rule it makes decide (or fire) alive.
            shown = {k for k, g in left.items() if truth(found, g)}
            alive |= shown
            left = {k: g for k, g in left.items() if k not in shown}
        return alive

    # 5b. two rules of the same precedence never conclude differently on the same facts
    def _conflicts(self, day: dt.date, m: Model) -> None:
        goals = {
            (a.id, b.id): AND(
                m.holds[a.id], m.holds[b.id], NOT(_same(m.outcome[a.id], m.outcome[b.id]))
            )
            for a, b in itertools.combinations(m.verdict_rules, 2)
            if b.id not in self.base.above(a.id) and a.id not in self.base.above(b.id)
        }
        for pair, found in self._each(goals, *m.given.domain):
            self._record("rules", "conflict", pair, day, found, m)

    # 6. consent refused never decided by a rule that reads consent
    def _consent(self, day: dt.date, m: Model) -> None:
        spec = next(s for s in _specs() if s.path == "consent")
        refused = AND(m.given.known["consent"], m.given.equals(spec, "refused"))
        goals = {
            r.id: m.decides[r.id]
            for r in m.verdict_rules
            if any(leaf.path == "consent" for leaf in r.effective.leaves())
        }
        for rule_id, found in self._each(goals, *m.given.domain, refused):
            self._record("consent", "consent_refused", (rule_id,), day, found, m)


def prove(base: RuleBase, always_confidences: Iterable[str] | None = None) -> Proof:
    """Prove the six properties of ``base`` on every period; counterexamples if not."""
    return Prover(base, always_confidences).run()


# -- agreement with the engine -----------------------------------------------------------------


def random_situations(base: RuleBase, count: int, seed: int = 11) -> Iterator[dict[str, Any]]:
    """Situations that reach the rules: values the rules test are drawn more often."""
    rng = random.Random(seed)
    tested: dict[str, list[object]] = {}
    for r in base.rules:
        conditions = [r.effective, *(c for c, _ in r.narrowing)]
        conditions += [c for c, _ in r.conditional_duties + r.failure_duties]
        for cond in conditions:
            for leaf in cond.leaves():
                tested.setdefault(leaf.path, []).extend(leaf.values)
    days = [start for start, _ in periods(base)]
    days += [end for _, end in periods(base) if end]
    # Reading days on both sides of every boundary of the law as known (an annulment's
    # decision, a rule known from), and none (the law as known today).
    known_days: list[dt.date | None] = [None]
    for day in reading_days(base):
        known_days += [day, day - dt.timedelta(days=1)]
    for _ in range(count):
        out: dict[str, Any] = {"date": rng.choice(days).isoformat()}
        known = rng.choice(known_days)
        if known is not None:
            out["as_known_on"] = known.isoformat()
        unknown = rng.choice((0.1, 0.3, 0.6))
        for spec in _specs():
            if rng.random() < unknown:
                continue
            value: Any
            if spec.type == "enum_list":
                value = [c for c in spec.values if rng.random() < 0.2]
            elif tested.get(spec.path) and rng.random() < 0.7:
                value = rng.choice(tested[spec.path])
            else:
                value = rng.choice(_domain(spec))
            _set(out, spec.path, value)
        yield out


@dataclass
class Agreement:
    situations: int
    differences: list[tuple[dict[str, Any], str]]
    verdicts: dict[str, int]
    deciding_rules: set[str]
    #: Situations whose obligation rests on a declared presumption (the decision shows it).
    presumed: int = 0
    #: Situations where the engine took, with no winner and no decisive fact, the first
    #: pending rule giving the one outcome of every completion rather than the first pending
    #: rule the model takes; each checked by deciding every completion (``_settled_by_all``).
    completion_settled: int = 0


def _set(out: dict[str, Any], path: str, value: Any) -> None:
    if "." in path:
        group, name = path.split(".", 1)
        if value is None:
            out.get(group, {}).pop(name, None)
        else:
            out.setdefault(group, {})[name] = value
    elif value is None:
        out.pop(path, None)
    else:
        out[path] = value


def _mutations(seeds: Sequence[dict[str, Any]], count: int, seed: int) -> Iterator[dict[str, Any]]:
    """Situations near the solver's seeds: one to four facts forgotten or changed."""
    import copy

    rng = random.Random(seed)
    specs = _specs()
    for _ in range(count):
        out = copy.deepcopy(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            spec = rng.choice(specs)
            if rng.random() < 0.5:
                _set(out, spec.path, None)
            elif spec.type == "enum_list":
                _set(out, spec.path, [c for c in spec.values if rng.random() < 0.2])
            else:
                _set(out, spec.path, rng.choice(_domain(spec)))
        yield out


def agreement(base: RuleBase, count: int = 3000, seed: int = 11) -> Agreement:
    """Decide ``count`` situations with the engine and with the solver's model: half drawn at
    random, half near situations the solver found for each rule and each verdict."""
    from depositaire.engine.compiled import compiled
    from depositaire.engine.provisions import default_provisions
    from depositaire.engine.situation import parse_situation

    engine = compiled(base, default_provisions())
    tables = derivation_tables()
    models: dict[tuple[str, ...], tuple[Model, z3.Solver]] = {}
    seeds: list[dict[str, Any]] = []
    settled_seeds: list[dict[str, Any]] = []
    for start, known in readings(base):
        key = tuple(r.id for group in base.in_force(start, known) for r in group)
        m = Model(base, start, Facts("a:"), known, tables=tables)
        solver = z3.Solver()
        solver.add(*m.defs, *m.given.domain)
        models[key] = (m, solver)
        goals = [*m.decides.values(), *(EQ(m.verdict, CODE[v]) for v in VERDICTS)]
        goals += list(m.duties.values())
        # (an obligation on a presumption that the examination settles, as the engine does)
        goals += [AND(e, NOT(AND(m.open, m.enumerated))) for e in m.presumed.values()]
        for goal in goals:
            if solver.check(Z(goal)) == z3.sat:
                seeds.append(situation_of(solver.model(), m.given, start, known))
        # Each verdict once in a situation the examination settles (no enumeration), decided
        # as it is: the generated situations reach every verdict whatever z3's models are.
        for v in VERDICTS:
            if solver.check(Z(AND(EQ(m.verdict, CODE[v]), NOT(m.open)))) == z3.sat:
                settled_seeds.append(situation_of(solver.model(), m.given, start, known))
    differences: list[tuple[dict[str, Any], str]] = []
    verdicts: dict[str, int] = {}
    deciding: set[str] = set()
    caches: dict[tuple[str, ...], dict[Any, Expr]] = {}
    done = presumed = completion_settled = 0
    settled_seeds = settled_seeds[: count - count // 2]
    situations = itertools.chain(
        random_situations(base, count // 2, seed),
        settled_seeds,
        _mutations(seeds, count - count // 2 - len(settled_seeds), seed),
    )
    # The engine runs in full (as ``decide``): its exact ``missing`` can settle a verdict.
    try:
        for data in situations:
            situation = parse_situation(data, law=base.law)
            decision = engine.evaluate(situation, explain=False)
            read = situation.as_known_on
            key = tuple(r.id for group in base.in_force(situation.date, read) for r in group)
            if key not in models:
                m = Model(base, situation.date, Facts("a:"), read, tables=tables)
                solver = z3.Solver()
                solver.add(*m.defs)
                models[key] = (m, solver)
            m, solver = models[key]
            literals = caches.setdefault(key, {})

            def literal(
                name: tuple[object, ...], e: Any, cache: dict[Any, Expr] = literals
            ) -> Expr:
                """A cached z3 literal: ``e``, negated when ``name`` ends with False."""
                found = cache.get(name)
                if found is None:
                    value = e
                    if name[-1] is False:
                        value = NOT(value)
                    found = cache[name] = Z(value)
                return found

            fixed = _fix(m.given, situation.facts, literals)
            expected = (
                decision.verdict,
                set(decision.may_disclose),
                set(decision.never_disclose),
                set(decision.duties),
                {(r, q) for r, q, _key in decision.presumptions},
            )
            # One check: the situation's facts and the engine's outcome together are
            # satisfiable exactly when the model gives that outcome (it is determined).
            claims = [
                literal(("verdict", decision.verdict), EQ(m.verdict, CODE[decision.verdict])),
                *(literal(("may", c, c in expected[1]), m.may[c]) for c in CATS),
                *(literal(("never", c, c in expected[2]), m.never[c]) for c in CATS),
                *(literal(("duty", d, d in expected[3]), e) for d, e in m.duties.items()),
                *(literal(("presumed", *k, k in expected[4]), e) for k, e in m.presumed.items()),
            ]
            unknown = expected[3] - set(m.duties) or expected[4] - set(m.presumed)
            if unknown or solver.check(*fixed, *claims) != z3.sat:
                assert solver.check(*fixed) == z3.sat
                found = solver.model()
                got = (
                    VERDICTS[number(found, m.verdict)],
                    {c for c in CATS if truth(found, m.may[c])},
                    {c for c in CATS if truth(found, m.never[c])},
                    {d for d, e in m.duties.items() if truth(found, e)},
                    {k for k, e in m.presumed.items() if truth(found, e)},
                )
                if _settled_by_all(base, situation, decision):
                    completion_settled += 1
                else:
                    differences.append((data, f"solver {got} engine {expected}"))
            verdicts[decision.verdict] = verdicts.get(decision.verdict, 0) + 1
            if decision.winner is not None:
                deciding.add(decision.winner.id)
            presumed += bool(decision.presumptions)
            done += 1
    finally:
        pass
    return Agreement(done, differences, verdicts, deciding, presumed, completion_settled)


def _settled_by_all(base: RuleBase, situation: Any, decision: Decision, limit: int = 4096) -> bool:
    """True when every completion of the open facts of the rules in force gives the
    engine's determined outcome (verdict and what may go out), by the reference."""
    from depositaire.engine import evaluator
    from depositaire.engine.provisions import default_provisions

    if decision.verdict == "undetermined":
        return False
    f, _ = base.law.derive(situation.facts)
    rules = [r for group in base.in_force(situation.date, situation.as_known_on) for r in group]
    open_facts, classes = evaluator.open_classes(rules, f, base)
    total = 1
    for c in classes:
        total *= len(c)
    if total > limit:
        return False
    provisions = default_provisions()
    expected = (decision.verdict, frozenset(decision.may_disclose))
    for combo in itertools.product(*classes):
        d = evaluator.evaluate(
            situation.with_facts(dict(zip(open_facts, combo, strict=True))),
            base,
            provisions,
            explain=False,
            exact_missing=False,
        )
        if (d.verdict, frozenset(d.may_disclose)) != expected:
            return False
    return True


def _given_of(found: z3.ModelRef, facts: Facts) -> dict[str, Any]:
    """The flat facts a solver model gives (for :func:`_fix`)."""
    out: dict[str, Any] = {}
    for spec in _specs():
        p = spec.path
        if not truth(found, facts.known[p]):
            continue
        if spec.type == "bool":
            out[p] = truth(found, facts.value[p])
        elif spec.type == "enum":
            out[p] = spec.values[number(found, facts.value[p])]
        else:
            out[p] = frozenset(c for c, x in facts.members[p].items() if truth(found, x))
    return out


def _fix(facts: Facts, given: dict[str, Any], cache: dict[Any, Expr] | None = None) -> list[Expr]:
    """Literals that set the solver variables to a situation's given facts (memoised in
    ``cache``: the agreement check asks for the same literals thousands of times)."""
    cache = {} if cache is None else cache
    out = []
    for spec in _specs():
        p = spec.path
        value = given.get(p)
        if value is None:
            key: tuple[object, ...] = (p, None)
            if key not in cache:
                cache[key] = Z(NOT(facts.known[p]))
            out.append(cache[key])
            continue
        if (p, True) not in cache:
            cache[(p, True)] = Z(facts.known[p])
        out.append(cache[(p, True)])
        if spec.type == "enum_list":
            for c, m in facts.members[p].items():
                key = (p, c, c in value)
                if key not in cache:
                    cache[key] = Z(m if c in value else NOT(m))
                out.append(cache[key])
        else:
            key = (p, "=", value)
            if key not in cache:
                cache[key] = Z(facts.equals(spec, value))
            out.append(cache[key])
    return out


def reproduces(base: RuleBase, ce: Counterexample) -> bool:
    """Whether the engine, on the counterexample's situation, shows what the solver claims."""
    d = ce.decision
    if ce.situation is None or d is None:
        return ce.kind == "dead_rule"
    winner = d.winner.id if d.winner is not None else None
    category = ce.detail.get("category", "")
    if ce.kind == "not_settled":
        return True
    if ce.kind in ("undetermined_for_nothing", "engine_undetermined"):
        return d.verdict == "undetermined"
    if ce.kind == "confidence_out":
        return category in d.may_disclose and (d.winner is None or not d.winner.allows_confidences)
    if ce.kind == "overlap":
        return category in d.may_disclose and category in d.never_disclose
    if ce.kind == "must_on_unknown":
        after = ce.completion_decision
        return (
            d.verdict == "must_disclose"
            and winner == ce.rules[0]
            and after is not None
            # (a completion is decided: reduced, it must stay so)
            and after.winner is not None
            and after.winner.id != ce.rules[0]
            and after.winner.verdict != "must_disclose"
        )
    if ce.kind == "presumption_not_shown":
        fact = ce.detail.get("fact", "")
        return d.verdict == "must_disclose" and (ce.rules[0], fact) not in {
            (r, p) for r, p, _k in d.presumptions
        }
    if ce.kind == "conflict":
        from depositaire.engine.situation import parse_situation

        facts, _ = base.law.derive(parse_situation(ce.situation, law=base.law).facts)
        return all(base.by_id[r].effective.fn(facts) is True for r in ce.rules)
    if ce.kind == "consent_refused":
        return winner == ce.rules[0] and ce.situation.get("consent") == "refused"
    return False


def _flat(nested: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in nested.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        _set(out, path, value)
    return out


def shrink(base: RuleBase, ce: Counterexample) -> None:
    """Forget, one by one, the facts the counterexample does not need (the engine still
    reproduces it without them), so that what remains shows the defect."""

    def attempt(situation: dict[str, Any], completion: dict[str, Any] | None) -> bool:
        trial = Counterexample(
            ce.property, ce.kind, ce.rules, situation, completion, detail=ce.detail
        )
        trial.decision = engine_decision(base, situation)
        if completion is not None:
            trial.completion_decision = engine_decision(base, completion)
        if not reproduces(base, trial):
            return False
        ce.situation, ce.completion = situation, completion
        ce.decision, ce.completion_decision = trial.decision, trial.completion_decision
        return True

    assert ce.situation is not None
    if ce.completion is not None:
        known = _flat(ce.situation)
        full = _flat(ce.completion)
        for path in [p for p in full if p not in known]:
            smaller = {k: v for k, v in _flat(ce.completion).items() if k != path}
            attempt(ce.situation, _nested(smaller))
    for path in [p for p in _flat(ce.situation) if p not in ("date", "as_known_on")]:
        smaller = {k: v for k, v in _flat(ce.situation).items() if k != path}
        completion = None
        if ce.completion is not None:
            completion = _nested(_flat(ce.completion))
        attempt(_nested(smaller), completion)

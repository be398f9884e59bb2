"""Rules: the law's defaults, exceptions, defeaters and duties, as data.

A rule states when it is in play (``scope``), what must hold for it to apply
(``conditions``), what it concludes (a verdict, what may go out, what never may,
duties), which rules it is an exception to, which rules it disables
(``defeats``), its period of validity and the provisions it rests on.
The order in which rules are examined is derived from the declared relations
(``exception_to`` and ``prevails_over``), never from numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

from depositaire.engine.conditions import TRUE, Condition, Leaf, all_, check_leaf, compile_condition

if TYPE_CHECKING:
    from depositaire.engine.package import LawPackage

Verdict = Literal["secret", "share", "may_disclose", "must_disclose", "undetermined"]
VERDICTS: Final[tuple[Verdict, ...]] = (
    "secret",
    "share",
    "may_disclose",
    "must_disclose",
    "undetermined",
)
DISCLOSING: Final = frozenset({"share", "may_disclose", "must_disclose"})
RuleKind = Literal["default", "exception", "defeater", "duty"]


class RuleBaseError(Exception):
    """The rule base is not sound (a rule without citation, an unknown reference…)."""


@dataclass(frozen=True, slots=True)
class Annulment:
    """A judgment that erases a rule for a past period, known only from the day it was decided.

    Read as known on a day before ``decided_on``, the rule stands; read as known on or
    after it, the rule never existed on the days from ``erased_from`` to ``erased_until``
    (an annulment acts retroactively)."""

    decided_on: dt.date
    #: Provision key of the judgment (``constitutional_court.44_2019``).
    by: str
    erased_from: dt.date | None
    erased_until: dt.date | None

    def erases(self, on: dt.date, as_known_on: dt.date) -> bool:
        return (
            as_known_on >= self.decided_on
            and (self.erased_from is None or self.erased_from <= on)
            and (self.erased_until is None or on <= self.erased_until)
        )


@dataclass(frozen=True, eq=False)
class Rule:
    """One rule of the base. ``id`` is one of the contract's rule ids (or an addition)."""

    id: str
    kind: RuleKind
    instrument: str
    citations: tuple[str, ...]
    scope: Condition = TRUE
    conditions: Condition = TRUE
    verdict: Verdict | None = None
    exception_to: tuple[str, ...] = ()
    prevails_over: tuple[str, ...] = ()
    defeats: tuple[str, ...] = ()
    #: Categories that may go out under this rule; ``None``: every category asked.
    permitted: frozenset[str] | None = None
    #: Narrower permissions when a condition holds: (condition, categories).
    narrowing: tuple[tuple[Condition, frozenset[str]], ...] = ()
    #: Categories this rule names as never to go out, even if not asked.
    withheld: frozenset[str] = frozenset()
    #: Whether confidences may go out under this rule. Every rule that lets information
    #: out must say so explicitly, from its text (``None`` is refused for such a rule);
    #: the catalogue's ``rules.<id>.confidences`` says which provision decides it.
    allows_confidences: bool | None = None
    duties: tuple[str, ...] = ()
    conditional_duties: tuple[tuple[Condition, str], ...] = ()
    #: Duties owed when the rule was in play but did not apply, under a condition
    #: (a CPAS worker whose circuit stops on the person's refusal explains the consequence).
    failure_duties: tuple[tuple[Condition, str], ...] = ()
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    #: The rule is part of the law only as known from this day (a rule that an
    #: annulment brings in, for past dates too).
    known_from: dt.date | None = None
    #: A judgment that erased this rule retroactively.
    annulment: Annulment | None = None
    #: Keys of "to verify" notes in the message catalogue (``to_verify.<key>``).
    to_verify: tuple[str, ...] = ()
    #: Presumptions the rule declares: (fact, key of ``presumptions.<key>`` in the
    #: catalogue) for a leaf with ``assume=True`` the rule may hold on while the fact is
    #: unknown. An obliging decision resting on one shows it (``Decision.presumptions``
    #: and a note ``to_verify``); ``rules --prove`` proves that an obligation rests on no
    #: other unknown fact (property 4).
    presumptions: tuple[tuple[str, str], ...] = ()
    #: The seed files (or other sources) the rule is drawn from.
    sources: tuple[str, ...] = ()
    #: A dated version of another rule (its contract id): the decision's ``rules`` name
    #: the contract id, ``rule_versions`` says which version decided (situation.md).
    version_of: str | None = None
    #: The full condition: scope and conditions. No condition is added implicitly:
    #: whether confidences may go out is ``allows_confidences``, applied to what goes out.
    effective: Condition = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.verdict in DISCLOSING and self.allows_confidences is None:
            raise RuleBaseError(
                f"rule {self.id} lets information out and must say whether confidences may"
                " go out (allows_confidences=True or False, from its text)"
            )
        effective = all_(self.scope, self.conditions)
        for path, _key in self.presumptions:
            if not any(leaf.path == path and leaf.assume is True for leaf in effective.leaves()):
                raise RuleBaseError(
                    f"rule {self.id} declares a presumption on {path}, but none of its"
                    " conditions tests that fact with assume=True"
                )
        object.__setattr__(effective, "fn", compile_condition(effective))
        object.__setattr__(self, "effective", effective)
        # The evaluator also asks the scope (did an exception fail?) and the duty
        # conditions on every decision: compiled too, for bulk speed.
        for cond in (self.scope, *(c for c, _ in self.conditional_duties + self.failure_duties)):
            object.__setattr__(cond, "fn", compile_condition(cond))

    @property
    def contract_id(self) -> str:
        """The id the contract names (``situation.md``): the rule's own, or that of the
        rule it is a dated version of."""
        return self.version_of or self.id

    def valid_on(self, on: dt.date) -> bool:
        """Within its period of validity (whatever is known later)."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )

    def annulled(self, on: dt.date, as_known_on: dt.date | None = None) -> bool:
        """Valid on ``on`` but erased by an annulment known on ``as_known_on``."""
        known = on if as_known_on is None else as_known_on
        return self.annulment is not None and self.valid_on(on) and self.annulment.erases(on, known)

    def in_force(self, on: dt.date, as_known_on: dt.date | None = None) -> bool:
        """Part of the law on ``on`` as known on ``as_known_on`` (default: as known that day)."""
        known = on if as_known_on is None else as_known_on
        if not self.valid_on(on):
            return False
        if self.known_from is not None and known < self.known_from:
            return False
        return not (self.annulment is not None and self.annulment.erases(on, known))

    @property
    def confidence_guard(self) -> Condition | None:
        """Always ``None``: no rule gains an implicit "not a confidence" condition any more
        (kept for callers of the 0.2 API; see ``allows_confidences``)."""
        return None


def _periods_meet(a: Rule, b: Rule) -> bool:
    """Whether the periods of validity of ``a`` and ``b`` share a day."""
    start = max((d for d in (a.valid_from, b.valid_from) if d is not None), default=None)
    end = min((d for d in (a.valid_until, b.valid_until) if d is not None), default=None)
    return start is None or end is None or start <= end


def with_precedence(rules: Sequence[Rule], tiers: Sequence[Sequence[str]]) -> tuple[Rule, ...]:
    """Declare that every rule of a tier prevails over every rule of the later tiers.

    Rules not named in any tier keep only their own declared relations."""
    from dataclasses import replace

    later: dict[str, tuple[str, ...]] = {}
    for i, tier in enumerate(tiers):
        below = tuple(r for t in tiers[i + 1 :] for r in t)
        for rule_id in tier:
            later[rule_id] = below
    known = {r.id for r in rules}
    unknown = set(later) - known
    if unknown:
        raise RuleBaseError(f"precedence names unknown rules: {sorted(unknown)}")
    return tuple(
        replace(r, prevails_over=tuple(dict.fromkeys((*r.prevails_over, *later[r.id]))))
        if r.id in later
        else r
        for r in rules
    )


_LEAVES_BY_PATH: dict[int, tuple[Rule, dict[str, tuple[Leaf, ...]]]] = {}


def _rule_leaves(rule: Rule, path: str) -> tuple[Leaf, ...]:
    """The leaves of ``rule`` (its condition, then its narrowings) that read ``path``,
    in that order (memoised by identity)."""
    found = _LEAVES_BY_PATH.get(id(rule))
    if found is None or found[0] is not rule:
        by_path: dict[str, list[Leaf]] = {}
        for cond in (rule.effective, *(c for c, _ in rule.narrowing)):
            for leaf in cond.leaves():
                by_path.setdefault(leaf.path, []).append(leaf)
        if len(_LEAVES_BY_PATH) > 65536:
            _LEAVES_BY_PATH.clear()
        found = _LEAVES_BY_PATH[id(rule)] = (rule, {p: tuple(v) for p, v in by_path.items()})
    return found[1].get(path, ())


def _value_classes(path: str, rules: Sequence[Rule], law: LawPackage) -> list[object]:
    spec = law.facts[path]
    leaves = [leaf for r in rules for leaf in _rule_leaves(r, path)]
    if spec.type == "bool":
        return [True, False]
    if spec.type == "enum_list":
        items = sorted({str(v) for leaf in leaves for v in leaf.values})
        return [frozenset(), *(frozenset({i}) for i in items)]
    groups: dict[tuple[object, ...], object] = {}
    for value in spec.values:
        signature = (
            *(value in leaf.values for leaf in leaves),
            law.derivation_signature(path, value),
        )
        groups.setdefault(signature, value)
    return list(groups.values())


def _order(rules: Sequence[Rule]) -> list[Rule]:
    """Topological order: a rule comes before every rule it is an exception to or
    prevails over; otherwise declaration order is kept."""
    by_id = {r.id: r for r in rules}
    below: dict[str, set[str]] = {r.id: set() for r in rules}
    for r in rules:
        for other in (*r.exception_to, *r.prevails_over):
            if other not in by_id:
                raise RuleBaseError(
                    f"rule {r.id}: unknown rule {other} in exception_to/prevails_over"
                )
            below[r.id].add(other)
    placed: list[Rule] = []
    done: set[str] = set()
    remaining = list(rules)
    while remaining:
        for r in remaining:
            above = [o for o in remaining if r.id in below[o.id] and o is not r]
            if not above:
                placed.append(r)
                done.add(r.id)
                remaining.remove(r)
                break
        else:
            raise RuleBaseError(
                "cycle in exception_to/prevails_over: " + ", ".join(r.id for r in remaining)
            )
    return placed


def _conditions(r: Rule) -> Iterable[Condition]:
    yield r.scope
    yield r.conditions
    yield from (c for c, _ in r.narrowing)
    yield from (c for c, _ in r.conditional_duties)
    yield from (c for c, _ in r.failure_duties)


@dataclass(frozen=True, eq=False)
class RuleBase:
    """The rules, in examination order, with the provisions they cite, and the law that
    declares their facts (``law``; default: the default law, :mod:`.discovery`)."""

    rules: tuple[Rule, ...]
    version: str
    law: LawPackage = field(default=None)  # type: ignore[assignment]
    ordered: tuple[Rule, ...] = field(init=False)
    verdict_rules: tuple[Rule, ...] = field(init=False)
    defeaters: tuple[Rule, ...] = field(init=False)
    duty_rules: tuple[Rule, ...] = field(init=False)
    by_id: dict[str, Rule] = field(init=False)

    def __post_init__(self) -> None:
        if self.law is None:
            from depositaire.engine.discovery import default_law

            object.__setattr__(self, "law", default_law())
        seen: set[str] = set()
        for r in self.rules:
            if r.id in seen:
                raise RuleBaseError(f"duplicate rule id {r.id}")
            seen.add(r.id)
            for cond in _conditions(r):
                for leaf in cond.leaves():
                    check_leaf(leaf, self.law.facts)
        ordered = tuple(_order(self.rules))
        object.__setattr__(self, "ordered", ordered)
        object.__setattr__(
            self, "verdict_rules", tuple(r for r in ordered if r.kind in ("default", "exception"))
        )
        object.__setattr__(self, "defeaters", tuple(r for r in ordered if r.kind == "defeater"))
        object.__setattr__(self, "duty_rules", tuple(r for r in ordered if r.kind == "duty"))
        object.__setattr__(self, "by_id", {r.id: r for r in self.rules})
        for r in self.rules:
            if r.version_of is None:
                continue
            main = self.by_id.get(r.version_of)
            if main is None or main.version_of is not None:
                raise RuleBaseError(f"rule {r.id} is a version of an unknown rule {r.version_of}")
            if _periods_meet(r, main) or any(
                o is not r and o.version_of == r.version_of and _periods_meet(r, o)
                for o in self.rules
            ):
                raise RuleBaseError(
                    f"rule {r.id} and another version of {r.version_of} are valid on a same day"
                )

    def reported(self, rule_ids: Sequence[str]) -> tuple[list[str], dict[str, str]]:
        """The decision's ``rules`` (contract ids, each once, in order) and the dated
        versions that decided under a contract id (``{contract id: version id}``)."""
        ids: list[str] = []
        versions: dict[str, str] = {}
        for rule_id in rule_ids:
            rule = self.by_id.get(rule_id)
            name = rule_id if rule is None else rule.contract_id
            if name != rule_id:
                versions[name] = rule_id
            if name not in ids:
                ids.append(name)
        return ids, versions

    def __iter__(self) -> Iterable[Rule]:  # pragma: no cover - convenience
        return iter(self.ordered)

    def in_force(
        self, on: dt.date, as_known_on: dt.date | None = None
    ) -> tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...]]:
        """(defeaters, verdict rules, duty rules) in force on ``on`` as known on
        ``as_known_on`` (default: as known that day), in examination order."""
        Found = tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...]]
        cache: dict[tuple[dt.date, dt.date | None], Found]
        cache = self.__dict__.setdefault("_in_force", {})
        key = (on, as_known_on)
        found = cache.get(key)
        if found is None:
            found = (
                tuple(r for r in self.defeaters if r.in_force(on, as_known_on)),
                tuple(r for r in self.verdict_rules if r.in_force(on, as_known_on)),
                tuple(r for r in self.duty_rules if r.in_force(on, as_known_on)),
            )
            if len(cache) > 4096:
                cache.clear()
            cache[key] = found
        return found

    def value_classes(self, path: str, among: Sequence[Rule] | None = None) -> list[object]:
        """One representative value per class of values of ``path`` that no rule of
        ``among`` (default: all rules) nor the derivation of facts tells apart."""
        rules = tuple(among) if among is not None else self.rules
        key = (path, tuple(r.id for r in rules))
        cache: dict[tuple[str, tuple[str, ...]], list[object]] = self.__dict__.setdefault(
            "_classes", {}
        )
        if key not in cache:
            cache[key] = _value_classes(path, rules, self.law)
        return cache[key]

    def above(self, rule_id: str) -> set[str]:
        """Ids of the rules examined before ``rule_id`` by declared relation (transitive)."""
        result: set[str] = set()
        frontier = [rule_id]
        while frontier:
            current = frontier.pop()
            for r in self.rules:
                if current in (*r.exception_to, *r.prevails_over) and r.id not in result:
                    result.add(r.id)
                    frontier.append(r.id)
        return result

"""Static checks of a rule base, without evaluating any situation.

It reports: a rule that can never fire (its conditions contradict each other, or
its validity period is empty); two rules that can conclude differently on the
same facts, on a common day, with no declared priority between them; a rule
without citation; a citation without stored text; a rule or a provision that
the message catalogue cannot name.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from depositaire.engine.conditions import All, Any_, Condition, Leaf
from depositaire.engine.provisions import Provisions
from depositaire.engine.rules import DISCLOSING, Rule, RuleBase
from depositaire.engine.schema import FACTS
from depositaire.messages import has, t

Conjunction = tuple[Leaf, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    rules: tuple[str, ...]
    detail: str


def _dnf(cond: Condition) -> list[Conjunction]:
    """Disjunctive normal form: a list of conjunctions of leaves."""
    if isinstance(cond, Leaf):
        return [(cond,)]
    if isinstance(cond, All):
        result: list[Conjunction] = [()]
        for part in cond.parts:
            result = [a + b for a in result for b in _dnf(part)]
        return result
    assert isinstance(cond, Any_)
    return [c for part in cond.parts for c in _dnf(part)]


def _domain(path: str) -> set[object]:
    spec = FACTS[path]
    if spec.type == "bool":
        return {True, False}
    return set(spec.values)


def satisfiable(conj: Iterable[Leaf]) -> bool:
    """Whether some assignment of facts makes every leaf true (unknown facts count as
    free: a leaf with ``assume`` can also be made true by giving the fact)."""
    allowed: dict[str, set[object]] = {}
    must_have: dict[str, set[object]] = {}
    must_not: dict[str, set[object]] = {}
    for leaf in conj:
        if leaf.contains:
            target = must_not if leaf.negate else must_have
            target.setdefault(leaf.path, set()).update(leaf.values)
            continue
        values = set(leaf.values)
        possible = _domain(leaf.path) - values if leaf.negate else values
        allowed[leaf.path] = allowed.get(leaf.path, _domain(leaf.path)) & possible
        if not allowed[leaf.path]:
            return False
    return all(not (must_have.get(p, set()) & must_not.get(p, set())) for p in must_have)


def _periods_overlap(a: Rule, b: Rule) -> bool:
    start = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    end = min(a.valid_until or dt.date.max, b.valid_until or dt.date.max)
    return start <= end


def _jointly(a: Rule, b: Rule) -> bool:
    return any(
        satisfiable(x + y) for x, y in itertools.product(_dnf(a.effective), _dnf(b.effective))
    )


def check(rule_base: RuleBase, provisions: Provisions) -> list[Problem]:
    problems: list[Problem] = []
    for r in rule_base.rules:
        if not r.citations:
            problems.append(Problem("no_citation", (r.id,), t("check.details.no_citation")))
        for key in r.citations:
            if key not in provisions:
                problems.append(
                    Problem("citation_without_text", (r.id,), t("check.details.no_text", key=key))
                )
            elif not provisions.covers(key, r.valid_from, r.valid_until, r.known_from) and not any(
                provisions.covers(k, r.valid_from, r.valid_until, r.known_from) for k in r.citations
            ):
                problems.append(
                    Problem(
                        "citation_not_in_force",
                        (r.id,),
                        t("check.details.not_in_force", key=key),
                    )
                )
        if r.valid_from and r.valid_until and r.valid_from > r.valid_until:
            problems.append(Problem("never_fires", (r.id,), t("check.details.empty_period")))
        elif not any(satisfiable(c) for c in _dnf(r.effective)):
            problems.append(Problem("never_fires", (r.id,), t("check.details.contradiction")))
        if not has(f"rules.{r.id}.title") or not has(f"rules.{r.id}.applies"):
            problems.append(Problem("no_wording", (r.id,), t("check.details.no_wording")))
        if r.verdict in DISCLOSING and not has(f"rules.{r.id}.confidences"):
            # The rule lets information out: the catalogue must say, from its text,
            # whether confidences may go out (and which provision excludes what).
            problems.append(Problem("no_wording", (r.id,), t("check.details.no_confidences")))
        for target in r.defeats:
            if target not in rule_base.by_id:
                problems.append(
                    Problem(
                        "unknown_reference", (r.id,), t("check.details.unknown_rule", rule=target)
                    )
                )
    for version in provisions.versions:
        if not version.quote.strip():
            problems.append(
                Problem("citation_without_text", (version.key,), t("check.details.empty_quote"))
            )

    verdict_rules = rule_base.verdict_rules
    for a, b in itertools.combinations(verdict_rules, 2):
        if a.verdict == b.verdict and a.permitted == b.permitted and a.withheld == b.withheld:
            continue
        if b.id in rule_base.above(a.id) or a.id in rule_base.above(b.id):
            continue
        if not _periods_overlap(a, b) or not _jointly(a, b):
            continue
        problems.append(
            Problem(
                "conflict",
                (a.id, b.id),
                t(
                    "check.details.conflict",
                    a=a.id,
                    verdict_a=t(f"verdicts.{a.verdict}.label"),
                    b=b.id,
                    verdict_b=t(f"verdicts.{b.verdict}.label"),
                ),
            )
        )
    return problems

"""Differential test: the compiled rule base against the reference interpreter.

Both decide every situation of the scenario files and COUNT generated situations
(every fact of the contract, unknown facts, dates on both sides of every boundary of
the rules and provisions); their decisions must be identical (``to_dict()`` equal,
explanation included). Prints the number compared and the differences; exit 1 if any.

  .venv/bin/python scripts/differential.py --count 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

from depositaire.engine import Situation, evaluator, parse_situation
from depositaire.engine.compiled import CompiledRuleBase
from depositaire.engine.evaluator import evaluate
from depositaire.engine.provisions import Provisions, default_provisions
from depositaire.engine.rules import RuleBase
from depositaire.engine.schema import FACTS, FactSpec
from depositaire.law import default_rule_base

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))
PATHS = [p for p in FACTS if p != "date"]


def boundaries(rule_base: RuleBase, provisions: Provisions) -> list[dt.date]:
    """Every day on which a rule or a provision starts or stops, and the days around it."""
    edges: set[dt.date] = set()
    for r in rule_base.rules:
        edges.update(d for d in (r.valid_from, r.valid_until, r.known_from) if d is not None)
        if r.annulment is not None:
            a = r.annulment
            edges.update(d for d in (a.decided_on, a.erased_from, a.erased_until) if d)
    for v in provisions.versions:
        edges.update(
            d
            for d in (v.valid_from, v.valid_until, v.annulled_on, v.retroactive_from)
            if d is not None
        )
    days: set[dt.date] = set()
    for d in edges:
        days.update(d + dt.timedelta(days=k) for k in (-1, 0, 1))
    return sorted(days)


def value(spec: FactSpec, rng: random.Random) -> object:
    if spec.type == "bool":
        return rng.random() < 0.5
    if spec.type == "enum":
        return rng.choice(spec.values)
    if spec.type == "enum_list":
        return frozenset(rng.sample(spec.values, rng.randint(0, 4)))
    return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 4500))


def generated(count: int, days: list[dt.date], seed: int = 10) -> Iterator[Situation]:
    """Situations with 0 to every fact known; scoped facts (request, recipient, holder)
    known more often, as the interview and bulk checks produce them."""
    rng = random.Random(seed)
    for _ in range(count):
        density = rng.choice((0.05, 0.15, 0.3, 0.5, 0.8, 1.0))
        facts: dict[str, object] = {}
        for path in PATHS:
            boost = 0.4 if path.split(".")[0] in ("request", "recipient", "holder") else 0.0
            if rng.random() < min(1.0, density + boost):
                facts[path] = value(FACTS[path], rng)
        if rng.random() < 0.5:
            day = rng.choice(days)
        else:
            day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 4700))
        # The day the law is read (bi-temporal): often a boundary day (an annulment's
        # decision, a rule known only from a day), on either side of the situation's date;
        # sometimes left unknown (read as known today).
        reading = rng.random()
        if reading < 0.4:
            facts["as_known_on"] = rng.choice(days)
        elif reading < 0.6:
            facts["as_known_on"] = day + dt.timedelta(days=rng.randint(0, 3000))
        elif reading < 0.8:
            facts.pop("as_known_on", None)
        yield Situation(facts, day)  # type: ignore[arg-type]


def scenario_situations() -> Iterator[Situation]:
    for path in SCENARIO_FILES:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield parse_situation(case["situation"])


class _Enumeration:
    """Wraps the reference's ``_only_decisive`` to tell whether it enumerated (below
    ``EXACT_MISSING_LIMIT``) or kept its estimate."""

    def __init__(self) -> None:
        self.beyond = False
        self.original = evaluator._only_decisive

    def __call__(self, candidates, pending, maybe_defeated, situation, rule_base, provisions, f):  # type: ignore[no-untyped-def]
        involved = (*pending, *maybe_defeated.values())
        total = 1
        for p in dict.fromkeys(q for r in involved for q in r.effective.open_facts(f)):
            total *= len(rule_base.value_classes(p, involved))
        if total > evaluator.EXACT_MISSING_LIMIT:
            self.beyond = True
        return self.original(
            candidates, pending, maybe_defeated, situation, rule_base, provisions, f
        )


#: Situations the reference could not enumerate in the last ``compare`` (its ``missing``
#: is an estimate there): compared on a weaker property, counted apart.
BEYOND: list[int] = [0]


def compare(
    situations: Iterator[Situation], explain: bool = True, every: int = 0
) -> tuple[int, list[str]]:
    """Decide each situation with both; beyond the reference's enumeration limit the
    compiled decision (exact ``missing``, no limit) must ask only facts of the
    reference's estimate, and give the same decision when the reference decided."""
    rule_base, provisions = default_rule_base(), default_provisions()
    fast = CompiledRuleBase(rule_base, provisions)
    n = 0
    differences: list[str] = []
    BEYOND[0] = 0
    probe = _Enumeration()
    evaluator._only_decisive = probe  # type: ignore[assignment]
    try:
        for s in situations:
            n += 1
            if every and n % every == 0:
                print(f"... {n} compared, {len(differences)} differences", flush=True)
            probe.beyond = False
            want = evaluate(s, rule_base, provisions, explain=explain).to_dict()
            got = fast.evaluate(s, explain=explain).to_dict()
            if probe.beyond:
                BEYOND[0] += 1
                if want["verdict"] != "undetermined":
                    same = want == got
                else:
                    same = set(got["missing"]) <= set(want["missing"])
                if not same:
                    differences.append(f"{s.to_contract()} (date {s.date}): beyond the limit")
                continue
            _diff(s, want, got, differences)
    finally:
        evaluator._only_decisive = probe.original
    return n, differences


def _diff(s: Situation, want: dict, got: dict, differences: list[str]) -> None:  # type: ignore[type-arg]
    if want != got:
        keys = [k for k in want if want[k] != got[k]]
        differences.append(f"{s.to_contract()} (date {s.date}): {keys}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--every", type=int, default=0, help="print a count every N")
    args = parser.parse_args()
    days = boundaries(default_rule_base(), default_provisions())
    start = time.perf_counter()
    n1, d1 = compare(scenario_situations())
    n2, d2 = compare(generated(args.count, days, args.seed), every=args.every)
    beyond = BEYOND[0]
    elapsed = time.perf_counter() - start
    for line in (d1 + d2)[:20]:
        print("DIFFERENT:", line)
    print(
        f"{n1} scenario situations and {n2} generated ({len(days)} boundary days) compared "
        f"in {elapsed:.0f} s: {len(d1) + len(d2)} differences ({beyond} generated beyond the "
        f"reference's enumeration limit: compiled `missing` within its estimate)"
    )
    return 1 if d1 or d2 else 0


if __name__ == "__main__":
    sys.exit(main())

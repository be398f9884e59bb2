"""Benchmark: median in-process time per decision over the scenario mix, beside cedarpy.

Situations are parsed once (parsing is input handling, not deciding); each
decision is then timed alone with ``perf_counter_ns``, many rounds over the
mix, with and without the French explanation. Then, in the same process and
interleaved in shuffled order: the engine and cedarpy (AWS Cedar's Rust
authorizer) on ``bench_policy.cedar``, a subset of the rule base (the default,
shared secrecy, the CPAS circuit, testimony, the police's informal request),
after checking that Cedar's permit/deny agrees with the engine's verdict on
every situation a subset rule decided; the cost of nearly empty situations
(holder and recipient only); ``parse_situation``; the bulk rate in-process and
through ``depositaire evaluate --jsonl`` on the same generated file.
Run: ``make bench`` (``--bulk N`` for a smaller file).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from depositaire.engine import decide, parse_situation
from depositaire.engine.rules import DISCLOSING

ROOT = Path(__file__).resolve().parents[1]
POLICY = Path(__file__).resolve().parent / "bench_policy.cedar"
#: The rules the Cedar policy encodes (the police's informal request is the default's case).
SUBSET = {"professional_secrecy", "shared_secrecy", "cpas_internal_circuit", "testimony"}
CONTEXT = {
    ("request", "kind"): "request_kind",
    ("request", "under_oath"): "under_oath",
    ("request", "urgent"): "urgent",
    ("consent",): "consent",
    ("consent_informed",): "consent_informed",
    ("necessary_only",): "necessary_only",
    ("in_person_interest",): "in_person_interest",
    ("information", "nature"): "nature",
    ("information", "categories"): "categories",
}


def load_mix(files: list[Path]) -> list:
    situations = []
    for path in files:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            situations.append(parse_situation(case["situation"]))
    return situations


def measure(situations: list, rounds: int, explain: bool) -> list[float]:
    for s in situations:  # warm caches (provision look-ups, value classes)
        decide(s, explain=explain).to_dict()
    samples: list[float] = []
    gc.disable()
    try:
        for _ in range(rounds):
            for s in situations:
                start = time.perf_counter_ns()
                _ = decide(s, explain=explain).explanation  # rendered when read
                samples.append((time.perf_counter_ns() - start) / 1000)
    finally:
        gc.enable()
    return samples


def report(label: str, samples: list[float]) -> None:
    samples.sort()
    p90 = samples[int(len(samples) * 0.9)]
    print(
        f"{label:<28} median {statistics.median(samples):8.1f} µs   p90 {p90:8.1f} µs   "
        f"mean {statistics.fmean(samples):8.1f} µs   n={len(samples)}"
    )


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def cedar_request(contract: dict[str, Any], i: int) -> tuple[dict[str, Any], Any]:
    """The situation as a Cedar request with pre-built entities (facts as attributes)."""
    import cedarpy

    holder = {
        k: v
        for k, v in (contract.get("holder") or {}).items()
        if k in ("role", "institution", "bound_by_secrecy")
    }
    recipient = {
        k: v
        for k, v in (contract.get("recipient") or {}).items()
        if k in ("kind", "bound_by_secrecy", "same_mission")
    }
    ctx = {n: _get(contract, p) for p, n in CONTEXT.items() if _get(contract, p) is not None}
    h, r = {"type": "Holder", "id": f"h{i}"}, {"type": "Recipient", "id": f"r{i}"}
    entities = [
        {"uid": h, "attrs": holder, "parents": []},
        {"uid": r, "attrs": dict(recipient, ctx=ctx), "parents": []},
    ]
    request = {
        "principal": h,
        "action": {"type": "Action", "id": "disclose"},
        "resource": r,
        "context": "{}",
    }
    return request, cedarpy.Entities.from_json_str(json.dumps(entities))


def side_by_side(contracts: list[dict[str, Any]], rounds: int) -> None:
    """Engine and cedarpy, interleaved in shuffled order, on the determined situations."""
    import cedarpy

    policies = cedarpy.PolicySet.from_str(POLICY.read_text().replace("context", "resource.ctx"))
    situations = [parse_situation(c) for c in contracts]
    decisions = [decide(s, explain=False) for s in situations]
    cedar = [cedar_request(c, i) for i, c in enumerate(contracts)]
    checked = 0
    for i, d in enumerate(decisions):
        if d.winner is not None and d.winner.id in SUBSET:
            result = cedarpy.is_authorized(cedar[i][0], policies, cedar[i][1])
            permitted = result.decision == cedarpy.Decision.Allow
            if permitted != (d.verdict in DISCLOSING):
                raise SystemExit(f"Cedar and the engine disagree on {contracts[i]}: {d.verdict}")
            checked += 1
    determined = [i for i, d in enumerate(decisions) if d.verdict != "undetermined"]
    calls = {
        "engine": lambda i: decide(situations[i], explain=False),
        "engine+explanation": lambda i: len(decide(situations[i]).explanation),
        "cedarpy": lambda i: cedarpy.is_authorized(cedar[i][0], policies, cedar[i][1]),
    }
    samples: dict[str, list[float]] = {k: [] for k in calls}
    for i in determined:
        for call in calls.values():
            call(i)
    gc.disable()
    try:
        for _ in range(rounds):
            order = determined[:]
            random.shuffle(order)
            for i in order:
                names = list(calls)
                random.shuffle(names)
                for name in names:
                    start = time.perf_counter_ns()
                    calls[name](i)
                    samples[name].append((time.perf_counter_ns() - start) / 1000)
    finally:
        gc.enable()
    medians = {k: statistics.median(v) for k, v in samples.items()}
    print(
        f"Cedar agrees with the engine on the {checked} situations a subset rule decided; "
        f"{len(determined)} determined situations x {rounds} rounds, interleaved"
    )
    for name, m in medians.items():
        print(f"  {name:<20} median {m:8.1f} µs")
    print(
        f"  engine is {medians['cedarpy'] / medians['engine']:.2f}x cedarpy without explanation,"
        f" {medians['cedarpy'] / medians['engine+explanation']:.2f}x with explanation"
    )
    sparse = [
        parse_situation({"holder": {"role": r, "institution": "cpas"}, "recipient": {"kind": k}})
        for r in ("social_worker", "cpas_admin_staff")
        for k in ("external_professional", "police", "cpas_special_committee", "family")
    ]
    worst = max(statistics.median(measure([s], rounds, explain=False)) for s in sparse)
    print(
        f"  slowest nearly empty situation {worst:.1f} µs = "
        f"{worst / medians['engine']:.1f}x a determined decision"
    )
    parse = []
    for _ in range(rounds):
        for c in contracts:
            start = time.perf_counter_ns()
            parse_situation(c)
            parse.append((time.perf_counter_ns() - start) / 1000)
    p = statistics.median(parse)
    print(
        f"  parse_situation median {p:.1f} µs = {p / medians['engine']:.2f}x a determined decision"
    )


def bulk(count: int) -> None:
    """Decisions per second over ``count`` generated situations, in-process and by the CLI."""
    spec = importlib.util.spec_from_file_location(
        "differential", Path(__file__).resolve().parent / "differential.py"
    )
    assert spec is not None and spec.loader is not None
    differential = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(differential)
    from depositaire.engine.provisions import default_provisions
    from depositaire.law import default_rule_base

    days = differential.boundaries(default_rule_base(), default_provisions())
    situations = list(differential.generated(count, days, seed=1))
    # CPU time of this process ("on one core"): the machine may be shared. The first pass
    # builds the compiled plans and the decision diagrams of `missing` as it goes; the
    # second decides the same situations with them built.
    # Collections of the garbage collector (CPU time): a full one walks every object of the
    # process, these situations included, and lands on whichever decision triggers it.
    pauses: list[int] = []
    gc_start = [0]

    def on_gc(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            gc_start[0] = time.process_time_ns()
        else:
            pauses.append(time.process_time_ns() - gc_start[0])

    gc.callbacks.append(on_gc)
    for label in ("first pass", "second pass"):
        undetermined = 0
        slowest = 0.0
        slowest_own = 0
        pauses.clear()
        start = time.process_time()
        # CPU without garbage collection, by whether the decision stayed undetermined
        # (its ``missing`` is computed exactly) and above 2 ms.
        own_undetermined = 0
        own_total = 0
        above = 0
        for s in situations:
            n0 = len(pauses)
            c0 = time.process_time_ns()
            t0 = time.perf_counter_ns()
            open_ = decide(s, explain=False).verdict == "undetermined"
            slowest = max(slowest, time.perf_counter_ns() - t0)
            own = time.process_time_ns() - c0 - sum(pauses[n0:])
            slowest_own = max(slowest_own, own)
            own_total += own
            above += own > 2_000_000
            if open_:
                undetermined += 1
                own_undetermined += own
        elapsed = time.process_time() - start
        print(
            f"bulk ({label}): {count} generated situations in-process: "
            f"{count / elapsed:,.0f} decisions per CPU second ({undetermined} undetermined); "
            f"slowest situation {slowest / 1e6:.1f} ms (wall), {slowest_own / 1e6:.2f} ms "
            f"(CPU, without garbage collection; {len(pauses)} collections, "
            f"{sum(pauses) / 1e9:.2f} CPU s, longest {max(pauses, default=0) / 1e6:.1f} ms)"
        )
        print(
            f"bulk ({label}): {above} situations above 2 ms of CPU; the undetermined "
            f"{100 * undetermined / count:.0f} % of the situations took "
            f"{100 * own_undetermined / max(own_total, 1):.0f} % of the CPU (garbage "
            f"collection left out)"
        )
    gc.callbacks.remove(on_gc)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for s in situations:
                out.write(json.dumps(s.to_contract()) + "\n")
        cli = Path(sys.executable).with_name("depositaire")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with open(os.devnull, "w") as sink:
            subprocess.run(  # noqa: S603 - our own command on our own file
                [str(cli), "evaluate", "--jsonl", str(source)],
                stdout=sink,
                stderr=sink,
                check=False,
            )
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        f"bulk: the same file through depositaire evaluate --jsonl (start-up, parsing, "
        f"explanation, JSON): {count / cpu:,.0f} lines per CPU second, "
        f"{count / elapsed:,.0f} lines/s wall"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--mix", choices=["public", "all"], default="public")
    parser.add_argument("--cedar-rounds", type=int, default=40)
    parser.add_argument("--bulk", type=int, default=100_000)
    args = parser.parse_args()
    files = [ROOT / "tests/scenarios/public.yaml"]
    if args.mix == "all":
        files.append(ROOT / "tests/scenarios/project.yaml")
    situations = load_mix(files)
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {len(situations)} situations "
        f"({args.mix} mix), {args.rounds} rounds, one timing per decision"
    )
    report("decision without explanation", measure(situations, args.rounds, explain=False))
    report("decision with explanation", measure(situations, args.rounds, explain=True))
    contracts = [
        case["situation"]
        for path in files
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    side_by_side(contracts, args.cedar_rounds)
    if args.bulk:
        bulk(args.bulk)


if __name__ == "__main__":
    main()

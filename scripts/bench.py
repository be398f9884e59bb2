"""Benchmark: median in-process time per decision over the scenario mix.

Situations are parsed once (parsing is input handling, not deciding); each
decision is then timed alone with ``perf_counter_ns``, many rounds over the
mix, with and without the French explanation. Run: ``make bench``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import time
from pathlib import Path

import yaml

from depositaire.engine import decide, parse_situation

ROOT = Path(__file__).resolve().parents[1]


def load_mix(files: list[Path]) -> list:
    situations = []
    for path in files:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            situations.append(parse_situation(case["situation"]))
    return situations


def measure(situations: list, rounds: int, explain: bool) -> list[float]:
    for s in situations:  # warm caches (provision look-ups, value classes)
        decide(s, explain=explain)
    samples: list[float] = []
    gc.disable()
    try:
        for _ in range(rounds):
            for s in situations:
                start = time.perf_counter_ns()
                decide(s, explain=explain)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--mix", choices=["public", "all"], default="public")
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


if __name__ == "__main__":
    main()

"""Metamorphic probe of the rule base: every scenario, one fact changed at a time.

Usage: .venv/bin/python scripts/metamorphic.py [--only PROPERTY] [--limit N]
Prints the number of decisions made, the flagged transitions by property, and up to
``--limit`` of each (tests/metamorphic.py says what each property rests on)."""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from metamorphic import closing_pairs, probe  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=None)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    count, flags = probe()
    pairs, pair_flags = closing_pairs()
    count += pairs
    flags += pair_flags
    by_prop = collections.defaultdict(list)
    for f in flags:
        if args.only is None or f.prop == args.only:
            by_prop[f.prop].append(f)
    print(f"{count} decisions in {time.perf_counter() - start:.0f} s; {len(flags)} flags")
    for prop, found in sorted(by_prop.items()):
        print(f"\n== {prop}: {len(found)}")
        for f in found[: args.limit]:
            print("  " + f.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

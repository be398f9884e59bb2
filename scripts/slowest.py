"""Print the slowest generated situations (first pass) and profile them: ``python scripts/slowest.py [N]``."""

from __future__ import annotations

import cProfile
import importlib.util
import pstats
import sys
import time
from pathlib import Path

from depositaire.engine import decide
from depositaire.engine.provisions import default_provisions
from depositaire.law import default_rule_base

spec = importlib.util.spec_from_file_location(
    "differential", Path(__file__).resolve().parent / "differential.py"
)
assert spec is not None and spec.loader is not None
differential = importlib.util.module_from_spec(spec)
spec.loader.exec_module(differential)

args = [a for a in sys.argv[1:] if not a.startswith("--")]
count = int(args[0]) if args else 20_000
days = differential.boundaries(default_rule_base(), default_provisions())
situations = list(differential.generated(count, days, seed=1))
timings = []
start = time.process_time()
for i, s in enumerate(situations):
    t0 = time.perf_counter_ns()
    decide(s, explain=False)
    timings.append((time.perf_counter_ns() - t0, i))
elapsed = time.process_time() - start
print(f"{count} situations: {count / elapsed:,.0f} decisions per CPU second")
timings.sort(reverse=True)
for ns, i in timings[:10]:
    s = situations[i]
    print(f"{ns / 1e6:8.1f} ms  #{i}  {len(s.facts)} facts")
if "--profile" in sys.argv:
    # Warm: the diagrams built above are reused (profile a cold start in a fresh process).
    profiler = cProfile.Profile()
    profiler.enable()
    for _ns, i in timings[:10]:
        decide(situations[i], explain=False)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)

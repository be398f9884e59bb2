"""Print the slowest generated situations (first pass) and profile them: ``python scripts/slowest.py [N]``."""

from __future__ import annotations

import cProfile
import gc
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
# Collections of the garbage collector, in CPU time: a full one walks every object of the
# process (the situations above included) and lands on whichever decision triggers it.
pauses: list[int] = []
_gc_start = [0]


def _on_gc(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_start[0] = time.process_time_ns()
    else:
        pauses.append(time.process_time_ns() - _gc_start[0])


gc.callbacks.append(_on_gc)
timings = []
start = time.process_time()
for i, s in enumerate(situations):
    n0 = len(pauses)
    c0 = time.process_time_ns()
    t0 = time.perf_counter_ns()
    decide(s, explain=False)
    wall = time.perf_counter_ns() - t0
    cpu = time.process_time_ns() - c0
    timings.append((wall, cpu, sum(pauses[n0:]), i))
elapsed = time.process_time() - start
gc.callbacks.remove(_on_gc)
print(f"{count} situations: {count / elapsed:,.0f} decisions per CPU second")
print(
    f"garbage collector: {len(pauses)} collections, {sum(pauses) / 1e9:.2f} CPU s, "
    f"longest {max(pauses, default=0) / 1e6:.1f} ms"
)
timings.sort(reverse=True)
print("slowest by wall time (wall, CPU, of which garbage collection):")
for wall, cpu, in_gc, i in timings[:10]:
    s = situations[i]
    print(
        f"{wall / 1e6:8.1f} ms  cpu {cpu / 1e6:8.1f} ms  gc {in_gc / 1e6:7.1f} ms  "
        f"#{i}  {len(s.facts)} facts"
    )
own = sorted(((cpu - in_gc, i) for _w, cpu, in_gc, i in timings), reverse=True)
print("slowest by CPU time without garbage collection:")
for ns, i in own[:5]:
    print(f"{ns / 1e6:8.2f} ms  #{i}  {len(situations[i].facts)} facts")
timings = [(w, i) for w, _c, _g, i in timings]
if "--profile" in sys.argv:
    # Warm: the diagrams built above are reused (profile a cold start in a fresh process).
    profiler = cProfile.Profile()
    profiler.enable()
    for _ns, i in timings[:10]:
        decide(situations[i], explain=False)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)

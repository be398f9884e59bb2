"""Agreement check of ``depositaire rules --prove``: the solver's model of the rule base
against the engine, on COUNT generated situations (half drawn at random with the values
the rules test, half near situations the solver found for each rule, verdict and duty).
Both must give the same verdict, ``may_disclose``, ``never_disclose`` and duties. Prints
the number compared and the differences; exit 1 if any. The suite runs 600.

  .venv/bin/python scripts/prove_agreement.py --count 3000
"""

from __future__ import annotations

import argparse
import sys
import time

from depositaire.engine.prove import agreement
from depositaire.law import default_rule_base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    started = time.perf_counter()
    result = agreement(default_rule_base(), count=args.count, seed=args.seed)
    seconds = time.perf_counter() - started
    for data, difference in result.differences[:20]:
        print(f"difference: {difference}\n  situation: {data}")
    print(
        f"{result.situations} situations, {len(result.differences)} differences, "
        f"verdicts {dict(sorted(result.verdicts.items()))}, "
        f"{len(result.deciding_rules)} deciding rules, "
        f"{result.presumed} obligations on a declared presumption, "
        f"{result.completion_settled} settled by every completion, {seconds:.0f} s"
    )
    return 1 if result.differences else 0


if __name__ == "__main__":
    sys.exit(main())

"""The decision diagram of ``missing`` is bounded: above ``NODE_LIMIT`` it starts again at
the next top-level query, and the decisions stay the reference's."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from depositaire.engine.provisions import default_provisions
from depositaire.law import default_rule_base

missing_module = importlib.import_module("depositaire.engine.missing")
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "differential.py"
_spec = importlib.util.spec_from_file_location("differential", SCRIPT)
assert _spec is not None and _spec.loader is not None
differential = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(differential)


def test_the_diagram_starts_again_above_its_limit_and_decides_as_the_reference(monkeypatch):
    monkeypatch.setattr(missing_module, "NODE_LIMIT", 400)
    sizes: list[int] = []
    real = missing_module.Diagram._reset

    def reset(self):  # type: ignore[no-untyped-def]
        sizes.append(len(getattr(self, "pos", ())))  # the size it had when it started again
        real(self)

    monkeypatch.setattr(missing_module.Diagram, "_reset", reset)
    days = differential.boundaries(default_rule_base(), default_provisions())
    # The differential's comparison (the reference's estimate where it cannot enumerate).
    count, differences = differential.compare(differential.generated(600, days, seed=5))
    assert count == 600 and differences == []
    # Made once (empty), then started again more than once, each time just past the limit
    # (one query's growth), not without end.
    assert sizes[0] == 0 and len(sizes) >= 3
    assert all(400 < n < 400 * 20 for n in sizes[1:])

"""The engine is pure: importing it and deciding loads nothing of the web framework."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from depositaire.engine import decide
import depositaire.law, depositaire.engine.check, depositaire.engine.docs
decide({"holder": {"role": "social_worker", "institution": "cpas"}, "recipient": {"kind": "police"}})
bad = sorted(m for m in sys.modules if m.split(".")[0] in {"django", "depositaire"} and (m.startswith("django") or m.startswith("depositaire.web")))
print(",".join(bad))
"""


def test_the_engine_and_the_law_import_nothing_of_django():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_the_engine_sources_never_name_django():
    from pathlib import Path

    import depositaire.engine
    import depositaire.law

    for package in (depositaire.engine, depositaire.law):
        for path in Path(package.__file__).parent.glob("*.py"):
            assert "django" not in path.read_text(encoding="utf-8").lower(), path

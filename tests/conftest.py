"""Test-wide set-up: every run gets its own data and key folders, never the developer's."""

from __future__ import annotations

import os
import tempfile

_ROOT = tempfile.mkdtemp(prefix="depositaire-tests-")
os.environ.setdefault("DEPOSITAIRE_DATA_DIR", os.path.join(_ROOT, "data"))
os.environ.setdefault("DEPOSITAIRE_KEY_DIR", os.path.join(_ROOT, "keys"))
os.environ.setdefault("DEPOSITAIRE_CHROMIUM", "/usr/bin/chromium")

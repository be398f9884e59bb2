"""Static files served by the application itself (WhiteNoise), straight from the project.

The files are found through Django's finders (``WHITENOISE_USE_FINDERS``): there is no
``collectstatic`` step to forget at an upgrade. ``STATIC_ROOT`` is used only when a
``collectstatic`` has filled it; WhiteNoise would warn at every start otherwise.
"""

from __future__ import annotations

import os
from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    def add_files(self, root: Any, prefix: Any = None) -> None:
        if root == self.static_root and not os.path.isdir(root):
            return
        super().add_files(root, prefix)

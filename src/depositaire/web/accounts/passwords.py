"""Password validators beyond Django's: a shipped list of breached passwords, and variety.

Django's ``CommonPasswordValidator`` compares the whole password with its list, so
``motdepasse12`` passes (``motdepasse`` is listed). Here the password is also compared
after the usual disguises are removed — case, digits and symbols added at either end,
digits for letters (``m0tdepa55e``) — against the breached list shipped in
``data/breached-passwords.txt.gz`` (source: ``data/README.md``) and Django's list.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

from depositaire.messages import t

BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
MIN_DISTINCT = 5


@cache
def breached() -> frozenset[str]:
    with gzip.open(BREACHED_LIST, "rt", encoding="utf-8") as fh:
        shipped = {line.strip() for line in fh if line.strip()}
    return frozenset(shipped | set(CommonPasswordValidator().passwords))


def variants(password: str) -> set[str]:
    low = password.lower().strip()
    core = EDGES.sub("", low)
    out = {low, core, low.translate(LEET), core.translate(LEET), EDGES.sub("", low.translate(LEET))}
    return {v for v in out if len(v) >= 4}


class BreachedPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if variants(password) & breached():
            raise ValidationError(t("security.password.breached"), code="password_breached")

    def get_help_text(self) -> str:
        return t("security.password.breached_help")


class VarietyValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password.lower())) < MIN_DISTINCT:
            raise ValidationError(
                t("security.password.variety", count=MIN_DISTINCT), code="password_variety"
            )

    def get_help_text(self) -> str:
        return t("security.password.variety", count=MIN_DISTINCT)

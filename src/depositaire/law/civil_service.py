"""Duty of discretion of those who handle personal data without professional secrecy.

Source: 001 §7 (state agents' statute art. 10; teaching-staff decrees) and §8
(civil liability, also for those bound only by discretion).
"""

from __future__ import annotations

from depositaire.engine.conditions import is_
from depositaire.engine.rules import Rule

discretion_duty = Rule(
    id="discretion_duty",
    kind="default",
    instrument="civil_service",
    verdict="secret",
    conditions=is_("holder.bound_by_secrecy", False),
    citations=("civil_service.discretion", "civil_code.1382_1383"),
    sources=("001_fa6a8c0b420365de.txt",),
)

RULES = (discretion_duty,)

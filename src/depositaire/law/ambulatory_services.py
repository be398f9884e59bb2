"""Ambulatory services: the decree of 5 March 2009 on ambulatory services in social action,
family and health, art. 33 (the seeds do not name the assembly that adopted it: to verify).

Source: 001 (art. 33, quoted under ``ambulatory_services.decree_33``). The decree carries
no rule of its own here: the holder of an ambulatory service is bound by secrecy.
"""

from __future__ import annotations

from depositaire.engine.package import Derives

DERIVATIONS = (
    Derives(
        "holder.bound_by_secrecy",
        "holder.institution",
        # Before the decree (5 March 2009, 001) the holder is bound by art. 458 alone: « c'est la
        # fonction occupée qui crée la nécessité du secret » (001); the decree is not cited then.
        {
            "ambulatory_service": (
                True,
                "ambulatory_service",
                ("ambulatory_services.decree_33", "penal_code.458.scope"),
            )
        },
    ),
)

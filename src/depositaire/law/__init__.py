"""The rule base: one module per legal instrument, assembled here.

A reader who knows the law finds a rule where the law is: ``penal_code`` (458,
458bis, 458ter, 458quater, 422bis), ``criminal_procedure`` (29, 30, 46bis/1),
``case_law`` (necessity), ``cpas``, ``foreigners``, ``deontology`` (shared
secrecy), ``youth_care``, ``probation``, ``school_health``, ``intelligence_act``,
``civil_service`` (discretion).
"""

from __future__ import annotations

import hashlib
from functools import cache

from depositaire.engine.rules import Rule, RuleBase
from depositaire.law import (
    case_law,
    civil_service,
    cpas,
    criminal_procedure,
    deontology,
    foreigners,
    intelligence_act,
    penal_code,
    probation,
    school_health,
    youth_care,
)

MODULES = (
    penal_code,
    case_law,
    criminal_procedure,
    intelligence_act,
    cpas,
    foreigners,
    deontology,
    youth_care,
    probation,
    school_health,
    civil_service,
)

RULES: tuple[Rule, ...] = tuple(rule for module in MODULES for rule in module.RULES)


def _version(rules: tuple[Rule, ...]) -> str:
    digest = hashlib.sha256(repr([(r.id, r.verdict, r.citations, r.valid_from, r.valid_until) for r in rules]).encode())
    return f"{len(rules)}r-{digest.hexdigest()[:12]}"


@cache
def default_rule_base() -> RuleBase:
    return RuleBase(RULES, version=_version(RULES))

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
from importlib import resources
from typing import Any

from depositaire.engine.package import Derives, LawError, LawPackage
from depositaire.engine.rules import Rule, RuleBase, with_precedence
from depositaire.engine.schema import FactSpec
from depositaire.law import (
    ambulatory_services,
    case_law,
    civil_service,
    contract,
    cpas,
    criminal_procedure,
    deontology,
    foreigners,
    intelligence_act,
    penal_code,
    penalties,
    pms_centres,
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
    pms_centres,
    civil_service,
    ambulatory_services,
)

#: Declared precedence between rules that can meet on the same facts. Each tier
#: prevails over the tiers below it; `depositaire rules --check` proves that no two
#: rules of one tier can conclude differently on the same facts.
PRECEDENCE: tuple[tuple[str, ...], ...] = (
    # 1. What a law obliges to communicate binds the holder whatever else applies
    #    (art. 458: "la loi ... les oblige"); these rules never meet each other.
    (
        "prosecutor_requisition",
        "terror_reporting_duty",
        "judicial_follow_up_report",
        "disease_notification",
    ),
    # 1b. Art. 29 CIC binds a civil servant bound only by discretion (001); an
    #    obligation of tier 1 that meets it (46bis/1 § 3) keeps its own exclusions.
    ("denunciation_duty",),
    # 2-3. A grave and imminent danger lifts the secret in every context; 458bis is
    #    the statutory form of the state of necessity (001), so it is named first.
    ("right_to_report_abuse", "right_to_report_abuse_2001"),
    ("necessity",),
    # 3b. The secrecy of a prosecutor's measure (46bis/1 §2): toward everyone but the
    #    prosecutor, whatever opening would otherwise apply (the person's access included).
    ("measure_secrecy",),
    # 3c. Art. 14 of the intelligence services act binds (at the service's request) or
    #    lets (on one's own initiative) a civil servant bound only by discretion (001).
    ("intelligence_communication_duty", "intelligence_communication_right"),
    # 4. The other exceptions written in the Penal Code itself (458, 458ter).
    ("case_consultation", "testimony"),
    # 5. Texts that seem to oblige but do not: the secret prevails (001).
    (
        "terror_reporting_annulled",
        "denunciation_duty_not_applicable",
        "intelligence_request",
        "mandated_professional",
    ),
    # 6. Sharing circuits organised by texts or by the administration (002, 004).
    ("guarantor_lookup", "automatic_flow", "cpas_internal_circuit"),
    # 7-9. Deontological openings, the most specific first.
    ("person_access",),
    ("teaching_research",),
    ("shared_secrecy",),
)

RULES: tuple[Rule, ...] = with_precedence(
    tuple(rule for module in MODULES for rule in getattr(module, "RULES", ())), PRECEDENCE
)

#: The facts, in the order the contract lists them, then each instrument's own.
FACTS: tuple[FactSpec, ...] = (
    *contract.FACTS,
    *(spec for module in MODULES for spec in getattr(module, "FACTS", ())),
)
DERIVATIONS: tuple[Derives, ...] = tuple(
    d for module in MODULES for d in getattr(module, "DERIVATIONS", ())
)


def _lists() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module in (contract, *MODULES):
        for name, values in getattr(module, "LISTS", {}).items():
            if name in found:
                raise LawError(f"list {name} declared twice")
            found[name] = values
    return found


def _data(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text("utf-8")


#: Everything the law declares besides its rules, for the engine.
LAW = LawPackage(
    name="belgium.professional_secrecy",
    facts_declared=FACTS,
    derivations=DERIVATIONS,
    lists=_lists(),
    penalties=penalties.penalties_for,
    change_dates=penalties.CHANGE_DATES,
    always_confidences=deontology.ALWAYS_CONFIDENCES,
    secrecy_basis=penal_code.SECRECY_BASIS,
    discretion_basis=("civil_service.discretion",),
    data=_data,
)


def _version(rules: tuple[Rule, ...]) -> str:
    digest = hashlib.sha256(
        repr([(r.id, r.verdict, r.citations, r.valid_from, r.valid_until) for r in rules]).encode()
    )
    return f"{len(rules)}r-{digest.hexdigest()[:12]}"


@cache
def default_rule_base() -> RuleBase:
    """The rule base of the law (the engine finds it through the entry point
    ``depositaire.law`` of pyproject.toml)."""
    return RuleBase(RULES, version=_version(RULES), law=LAW)

"""Facts the law derives from others, each with its reason and citation.

"The function creates the duty, not the title" (001): whether a holder is bound
by professional secrecy follows from the role and the institution; whether a
recipient is bound or pursues the same mission follows from its kind where the
kind settles it. A fact given in the situation always wins over a derivation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from depositaire.engine.situation import FactValue


@dataclass(frozen=True, slots=True)
class Derivation:
    """``path`` was set to ``value`` because of ``reason`` (a catalogue key)."""

    path: str
    value: bool
    reason: str
    citations: tuple[str, ...]


# (fact path, input fact, input value) -> (derived value, reason key, citations)
_HOLDER_BY_ROLE: Final[dict[str, tuple[bool, str, tuple[str, ...]]]] = {
    "social_worker": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
    "psychologist": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
    "doctor": (True, "profession", ("penal_code.458",)),
    "nurse": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
    "educator": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
    "lawyer": (True, "lawyer", ("penal_code.458", "penal_code.458quater")),
    "volunteer": (True, "state", ("penal_code.458.scope",)),
    "intern": (True, "state", ("penal_code.458.scope",)),
    "cpas_council_member": (True, "cpas_council", ("cpas_organic_law.36",)),
    "cpas_president": (True, "cpas_council", ("cpas_organic_law.36",)),
    "cpas_admin_staff": (True, "cpas_staff", ("cpas_organic_law.50",)),
}
_HOLDER_BY_INSTITUTION: Final[dict[str, tuple[bool, str, tuple[str, ...]]]] = {
    "cpas": (True, "cpas_staff", ("cpas_organic_law.50",)),
    "youth_care": (True, "youth_care", ("youth_care.code_12", "youth_care.decree_4")),
    "pms_centre": (True, "pms_centre", ("pms_centres.decree_12",)),
    "ambulatory_service": (True, "ambulatory_service", ("ambulatory_services.decree_33",)),
}
_RECIPIENT_BOUND: Final[dict[str, tuple[bool, str, tuple[str, ...]]]] = {
    "colleague_same_team": (True, "same_team", ("social_workers_code.shared_secrecy",)),
    "cpas_president": (True, "cpas_council", ("cpas_organic_law.36",)),
    "cpas_committee_preparation": (True, "cpas_staff", ("cpas_organic_law.50",)),
    "cpas_special_committee": (True, "cpas_council", ("cpas_organic_law.36",)),
    "cpas_admin_staff": (True, "cpas_staff", ("cpas_organic_law.50",)),
    "justice_assistant": (True, "mandated", ("medical_code.44",)),
    "court_expert": (True, "mandated", ("medical_code.44",)),
    "family": (False, "private_person", ("penal_code.458",)),
    "employer": (False, "private_person", ("penal_code.458",)),
    "landlord": (False, "private_person", ("penal_code.458",)),
    "media": (False, "private_person", ("penal_code.458",)),
}
_SAME_MISSION: Final[dict[str, tuple[bool, str, tuple[str, ...]]]] = {
    "colleague_same_team": (True, "same_team", ("social_workers_code.shared_secrecy",)),
    "cpas_president": (True, "cpas_circuit", ("cpas_practice.internal_circuit",)),
    "cpas_committee_preparation": (True, "cpas_circuit", ("cpas_practice.internal_circuit",)),
    "cpas_special_committee": (True, "cpas_circuit", ("cpas_practice.internal_circuit",)),
    "cpas_admin_staff": (True, "cpas_circuit", ("cpas_practice.internal_circuit",)),
    "police": (False, "repressive", ("shared_secrecy.principles",)),
    "public_prosecutor": (False, "repressive", ("shared_secrecy.principles",)),
    "immigration_office": (False, "control", ("foreigners.no_shared_secrecy",)),
    "intelligence_service": (False, "repressive", ("shared_secrecy.principles",)),
    "justice_assistant": (False, "mandated", ("medical_code.44",)),
    "court_expert": (False, "mandated", ("medical_code.44",)),
    "employer": (False, "private", ("shared_secrecy.principles",)),
    "landlord": (False, "private", ("shared_secrecy.principles",)),
    "media": (False, "private", ("shared_secrecy.principles",)),
    "family": (False, "private", ("shared_secrecy.principles",)),
}


def derive(facts: Mapping[str, FactValue]) -> tuple[dict[str, FactValue], list[Derivation]]:
    """The facts completed with what the law derives, and the list of derivations."""
    out = dict(facts)
    notes: list[Derivation] = []

    if "holder.bound_by_secrecy" not in out:
        found = _HOLDER_BY_ROLE.get(str(out.get("holder.role")))
        if found is None:
            found = _HOLDER_BY_INSTITUTION.get(str(out.get("holder.institution")))
        if found is not None:
            out["holder.bound_by_secrecy"] = found[0]
            notes.append(Derivation("holder.bound_by_secrecy", found[0], found[1], found[2]))

    kind = out.get("recipient.kind")
    if kind is not None:
        for path, table in (
            ("recipient.bound_by_secrecy", _RECIPIENT_BOUND),
            ("recipient.same_mission", _SAME_MISSION),
        ):
            if path not in out and (found := table.get(str(kind))) is not None:
                out[path] = found[0]
                notes.append(Derivation(path, found[0], found[1], found[2]))
    return out, notes


def derivation_signature(path: str, value: object) -> tuple[object, ...]:
    """What derivation makes of ``path = value`` (values with equal signatures derive alike)."""
    key = str(value)
    if path == "holder.role":
        return (_HOLDER_BY_ROLE.get(key, (None,))[0],)
    if path == "holder.institution":
        return (_HOLDER_BY_INSTITUTION.get(key, (None,))[0],)
    if path == "recipient.kind":
        return (_RECIPIENT_BOUND.get(key, (None,))[0], _SAME_MISSION.get(key, (None,))[0])
    return ()

"""The situation contract as data: every fact path, its type and accepted values.

The names come from ``shared/spec/situation.md`` (v1) and are never renamed;
facts marked ``extension`` are additions of this project, documented in
``docs/situation-extensions.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

FactType = Literal["bool", "enum", "enum_list", "date"]

HOLDER_ROLES: Final = (
    "social_worker",
    "psychologist",
    "doctor",
    "nurse",
    "educator",
    "lawyer",
    "cpas_council_member",
    "cpas_president",
    "cpas_admin_staff",
    "volunteer",
    "intern",
    "civil_servant",
    "other",
)
INSTITUTIONS: Final = (
    "cpas",
    "youth_care",
    "pms_centre",
    "ambulatory_service",
    "hospital",
    "health_insurer",
    "social_security_institution",
    "school",
    "other",
)
NATURES: Final = ("confidence", "secret_fact")
CATEGORIES: Final = (
    "identity",
    "national_number",
    "nationality",
    "address",
    "household",
    "income",
    "aid_granted",
    "aid_period",
    "administrative_situation",
    "health",
    "feelings",
    "family_difficulties",
    "attendance",
    "therapy_content",
    "offence",
    "other",
)
#: The pseudo-category that stands for everything the person confided.
CONFIDENCE: Final = "confidence"

RECIPIENT_KINDS: Final = (
    "colleague_same_team",
    "external_professional",
    "cpas_president",
    "cpas_committee_preparation",
    "cpas_special_committee",
    "cpas_admin_staff",
    "judge",
    "parliamentary_inquiry",
    "public_prosecutor",
    "police",
    "immigration_office",
    "intelligence_service",
    "justice_assistant",
    "court_expert",
    "case_consultation",
    "school_health_service",
    "school_director",
    "the_person",
    "family",
    "employer",
    "landlord",
    "researcher",
    "media",
    "crossroads_bank",
    "other",
)
REQUEST_KINDS: Final = (
    "testimony",
    "prosecutor_requisition",
    "guarantor_lookup",
    "informal_request",
    "own_initiative_report",
    "case_consultation",
    "care_collaboration",
    "judicial_follow_up_report",
    "teaching_research",
    "automatic_flow",
    "disease_notification",
    "access_request",
    "aid_decision",
)
CONSENT_VALUES: Final = ("given", "refused", "not_asked", "not_possible")
CONSULTATION_BASES: Final = ("statute", "prosecutor_authorization", "none")
CONSULTATION_PURPOSES: Final = ("integrity", "terrorism", "criminal_organization", "other")

#: Diseases of the French Community order of 14 July 2011 (seed 001), in two lists.
DISEASES_ON_SUSPICION: Final = (
    "pertussis",
    "diphtheria",
    "invasive_meningococcal_infection",
    "acute_flaccid_paralysis",
    "measles",
    "collective_food_poisoning",
)
DISEASES_ON_CONFIRMATION: Final = (
    "scabies",
    "gastroenteritis",
    "hepatitis_a",
    "impetigo",
    "vtec_ehec_infection",
    "mumps",
    "head_lice",
    "rubella",
    "scarlet_fever",
    "tinea_capitis",
    "tuberculosis",
    "chickenpox",
)
DISEASES: Final = (*DISEASES_ON_SUSPICION, *DISEASES_ON_CONFIRMATION, "other")

#: "Renseignements administratifs" (art. 46bis/1 CIC) and the administrative data of 002.
ADMINISTRATIVE_CATEGORIES: Final = frozenset(
    {
        "identity",
        "national_number",
        "nationality",
        "address",
        "household",
        "income",
        "aid_granted",
        "aid_period",
        "administrative_situation",
    }
)
#: Categories that identify the person (removed when anonymising).
IDENTIFYING_CATEGORIES: Final = frozenset({"identity", "national_number", "address"})


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One fact of the contract: its dotted path, type and accepted values."""

    path: str
    type: FactType
    values: tuple[str, ...] = ()
    extension: bool = False


def _bools(prefix: str, *names: str, extension: bool = False) -> list[FactSpec]:
    return [FactSpec(f"{prefix}.{n}" if prefix else n, "bool", extension=extension) for n in names]


FACT_SPECS: Final[tuple[FactSpec, ...]] = (
    FactSpec("date", "date"),
    #: The day the law is read (bi-temporal): an annulment decided later erases a
    #: provision for the past too. Default: today.
    FactSpec("as_known_on", "date", extension=True),
    FactSpec("holder.role", "enum", HOLDER_ROLES),
    FactSpec("holder.institution", "enum", INSTITUTIONS),
    FactSpec("holder.bound_by_secrecy", "bool"),
    FactSpec("information.nature", "enum", NATURES),
    FactSpec("information.categories", "enum_list", CATEGORIES),
    FactSpec("information.medical", "bool"),
    FactSpec("information.terrorism_indications", "bool"),
    FactSpec("information.client_prosecution_risk", "bool", extension=True),
    FactSpec("information.confided", "bool", extension=True),
    FactSpec("information.requisition_measure", "bool", extension=True),
    FactSpec("recipient.kind", "enum", RECIPIENT_KINDS),
    FactSpec("recipient.bound_by_secrecy", "bool"),
    FactSpec("recipient.same_mission", "bool"),
    FactSpec("recipient.knows_bound", "bool", extension=True),
    FactSpec("recipient.is_requester", "bool", extension=True),
    FactSpec("request.kind", "enum", REQUEST_KINDS),
    *_bools(
        "request",
        "in_writing",
        "reasoned",
        "under_oath",
        "terrorism_investigation",
        "information_specified",
    ),
    FactSpec("request.urgent", "bool", extension=True),
    FactSpec("consent", "enum", CONSENT_VALUES),
    *_bools("", "consent_informed", "necessary_only", "in_person_interest"),
    *_bools(
        "danger",
        "exists",
        "serious",
        "imminent",
        "other_means_exhausted",
        "victim_minor_or_vulnerable",
        "offence_listed_458bis",
        "other_victims_risk",
    ),
    *_bools("danger", "victim_minor", "victim_examined_or_confided", extension=True),
    FactSpec("danger.intervention_risky", "bool", extension=True),
    FactSpec("consultation.legal_basis", "enum", CONSULTATION_BASES),
    FactSpec("consultation.purpose", "enum", CONSULTATION_PURPOSES),
    FactSpec("consultation.framework_defined", "bool"),
    *_bools(
        "guarantor",
        "visa_required_country",
        "visa_issued_within_2_years",
        "asylum_procedure",
        "medical_costs_request",
        "urgent_medical_aid",
    ),
    FactSpec("guarantor.stay_over_2_years", "bool", extension=True),
    *_bools("person", "deceased", "minor", "able_to_consent"),
    *_bools("person", "objects", "foreigners_register", extension=True),
    FactSpec("disease", "enum", DISEASES),
    FactSpec("disease_confirmed", "bool", extension=True),
)

FACTS: Final[dict[str, FactSpec]] = {spec.path: spec for spec in FACT_SPECS}

#: Top-level keys that hold a mapping of sub-facts.
GROUPS: Final[frozenset[str]] = frozenset(p.split(".", 1)[0] for p in FACTS if "." in p)

"""The situation's vocabulary as the law gives it: who holds a secret, in which institution,
what is asked, by whom and for whom, and the facts the rules read.

The names come from ``shared/spec/situation.md`` (v1) and are never renamed; facts
marked ``extension`` are additions of this project (``docs/situation-extensions.md``).
The engine declares only ``date`` and ``as_known_on``; the facts and lists of one
instrument are declared by its module (``school_health``: the diseases;
``criminal_procedure``: the administrative data of art. 46bis/1). The whole law is
assembled in ``depositaire.law`` and found by the engine through its entry point.
"""

from __future__ import annotations

from typing import Final

from depositaire.engine.schema import FactSpec, bools

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

FACTS: Final[tuple[FactSpec, ...]] = (
    FactSpec("holder.role", "enum", HOLDER_ROLES),
    FactSpec("holder.institution", "enum", INSTITUTIONS),
    FactSpec("holder.bound_by_secrecy", "bool", derived_from=("holder.role", "holder.institution")),
    FactSpec("information.nature", "enum", NATURES),
    FactSpec("information.categories", "enum_list", CATEGORIES),
    FactSpec("information.medical", "bool"),
    FactSpec("information.terrorism_indications", "bool"),
    FactSpec("information.client_prosecution_risk", "bool", extension=True),
    FactSpec("information.confided", "bool", extension=True),
    FactSpec("information.requisition_measure", "bool", extension=True),
    FactSpec("recipient.kind", "enum", RECIPIENT_KINDS),
    FactSpec("recipient.bound_by_secrecy", "bool", derived_from=("recipient.kind",)),
    FactSpec("recipient.same_mission", "bool", derived_from=("recipient.kind",)),
    FactSpec("recipient.knows_bound", "bool", extension=True),
    FactSpec("recipient.is_requester", "bool", extension=True),
    FactSpec("request.kind", "enum", REQUEST_KINDS),
    *bools(
        "request",
        "in_writing",
        "reasoned",
        "under_oath",
        "terrorism_investigation",
        "information_specified",
    ),
    FactSpec("request.urgent", "bool", extension=True),
    FactSpec("consent", "enum", CONSENT_VALUES),
    *bools("", "consent_informed", "necessary_only", "in_person_interest"),
    *bools(
        "danger",
        "exists",
        "serious",
        "imminent",
        "other_means_exhausted",
        "victim_minor_or_vulnerable",
        "offence_listed_458bis",
        "other_victims_risk",
    ),
    *bools("danger", "victim_minor", "victim_examined_or_confided", extension=True),
    FactSpec("danger.intervention_risky", "bool", extension=True),
    FactSpec("danger.recipient_can_avert", "bool", extension=True),
    FactSpec("consultation.legal_basis", "enum", CONSULTATION_BASES),
    FactSpec("consultation.purpose", "enum", CONSULTATION_PURPOSES),
    FactSpec("consultation.framework_defined", "bool"),
    *bools(
        "guarantor",
        "visa_required_country",
        "visa_issued_within_2_years",
        "asylum_procedure",
        "medical_costs_request",
        "urgent_medical_aid",
    ),
    FactSpec("guarantor.stay_over_2_years", "bool", extension=True),
    *bools("person", "deceased", "minor", "able_to_consent"),
    *bools("person", "objects", "foreigners_register", extension=True),
)

LISTS: Final = {
    "HOLDER_ROLES": HOLDER_ROLES,
    "INSTITUTIONS": INSTITUTIONS,
    "NATURES": NATURES,
    "CATEGORIES": CATEGORIES,
    "RECIPIENT_KINDS": RECIPIENT_KINDS,
    "REQUEST_KINDS": REQUEST_KINDS,
    "CONSENT_VALUES": CONSENT_VALUES,
    "CONSULTATION_BASES": CONSULTATION_BASES,
    "CONSULTATION_PURPOSES": CONSULTATION_PURPOSES,
}

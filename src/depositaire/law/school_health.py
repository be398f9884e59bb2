"""School health: the communicable diseases to report (order of the French Community, 14 July 2011).

Source: 001 (the two lists: on clinical suspicion, on confirmed diagnosis; the
duty lies on parents and, where relevant, doctors).
"""

from __future__ import annotations

from typing import Final

from depositaire.engine.conditions import all_, any_, is_
from depositaire.engine.rules import Rule
from depositaire.engine.schema import FactSpec
from depositaire.law._dates import SCHOOL_DISEASES_ORDER

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

FACTS: Final = (
    FactSpec("disease", "enum", DISEASES),
    FactSpec("disease_confirmed", "bool", extension=True),
)
LISTS: Final = {
    "DISEASES_ON_SUSPICION": DISEASES_ON_SUSPICION,
    "DISEASES_ON_CONFIRMATION": DISEASES_ON_CONFIRMATION,
    "DISEASES": DISEASES,
}

disease_notification = Rule(
    id="disease_notification",
    kind="exception",
    instrument="school_health",
    exception_to=("professional_secrecy",),
    verdict="must_disclose",
    scope=is_("request.kind", "disease_notification"),
    conditions=all_(
        # "Les parents (et les médecins le cas échéant) ont l'obligation de signaler les
        # maladies contagieuses que contracte l'enfant ou l'étudiant. Le directeur prévient
        # ensuite l'équipe PSE" (001): the doctor reports to the school director, who warns
        # the PSE team (the school health service).
        is_("holder.role", "doctor"),
        is_("recipient.kind", "school_director", "school_health_service"),
        any_(
            is_("disease", *DISEASES_ON_SUSPICION),
            all_(
                is_("disease", *DISEASES_ON_CONFIRMATION),
                is_("disease_confirmed", True),
            ),
        ),
    ),
    # The report concerns "l'enfant ou l'étudiant" who contracts the disease: which child,
    # and which disease. The order obliges it: an illness confided goes out too (002 counts
    # illnesses among confidences, and art. 458 yields where "la loi … les oblige").
    permitted=frozenset({"identity", "health"}),
    allows_confidences=True,
    duties=("notify_disease_only",),
    # « Arrêté du 14/07/2011 de la CF » (001): not before the day of the order. Its entry
    # into force, and whatever list applied before it, are not in the seeds.
    valid_from=SCHOOL_DISEASES_ORDER,
    to_verify=("school_diseases_order_entry_into_force",),
    citations=("school_health.order_2011",),
    sources=("001_fa6a8c0b420365de.txt",),
)

RULES = (disease_notification,)

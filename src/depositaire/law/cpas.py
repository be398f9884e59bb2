"""CPAS: the organic law of 8 July 1976 (art. 36, 50) and the internal circuit of 002.

Sources: 001 (art. 36 and 50), 002 (who receives what inside a CPAS; the
automatic flows of the Crossroads Bank), 004 (the flow to the immigration
office: only the kind of monthly aid, its period and the CPAS).
"""

from __future__ import annotations

from depositaire.engine.conditions import all_, any_, is_, is_not
from depositaire.engine.package import Derives
from depositaire.engine.rules import Rule
from depositaire.law._dates import CROSSROADS_BANK_LAW
from depositaire.law.criminal_procedure import ADMINISTRATIVE_CATEGORIES
from depositaire.law.deontology import ALWAYS_CONFIDENCES, CONFIDED_KNOWN, THERAPY_CONTENT

CPAS_INTERNAL = (
    "cpas_president",
    "cpas_committee_preparation",
    "cpas_special_committee",
    "cpas_admin_staff",
)

cpas_internal_circuit = Rule(
    id="cpas_internal_circuit",
    kind="exception",
    instrument="cpas",
    exception_to=("professional_secrecy",),
    verdict="share",
    scope=is_("recipient.kind", *CPAS_INTERNAL),
    conditions=all_(
        is_("holder.institution", "cpas"),
        is_not("consent", "refused", assume=True),
        is_("necessary_only", True),
        any_(
            is_not("recipient.kind", "cpas_president"),
            is_("request.urgent", True),
        ),
        # Administrative staff receive administrative data only: whether an illness was
        # confided cannot change what they receive.
        any_(is_("recipient.kind", "cpas_admin_staff"), CONFIDED_KNOWN),
    ),
    # 002: "Les « faits secrets par nature » peuvent être partagés […] pour permettre le
    # traitement de votre dossier"; "Les « confidences » ne peuvent pas être révélées".
    allows_confidences=False,
    narrowing=((is_("recipient.kind", "cpas_admin_staff"), ADMINISTRATIVE_CATEGORIES),),
    withheld=ALWAYS_CONFIDENCES | THERAPY_CONTENT,
    # 002: the person may refuse; the worker then explains that the request may not be
    # processed. Owed when the circuit stops on that refusal (or on the person's own
    # objection, rule ``person_own_say``), hence a failure duty.
    failure_duties=(
        (
            any_(is_("consent", "refused"), is_("person.objects", True)),
            "explain_refusal_consequences",
        ),
    ),
    # 002 says confidences « ne peuvent pas être révélées sans votre accord »; 001 calls them
    # « toujours secrètes » (with « cas particuliers en cas de partage interne au sein d'une
    # équipe »), 003 excludes « les confidences faites personnellement ». The seeds do not
    # settle whether the person's consent lets one reach the committee: kept out, to verify.
    to_verify=("cpas_confidences_with_consent",),
    citations=("cpas_practice.internal_circuit", "cpas_organic_law.36", "cpas_organic_law.50"),
    sources=("002_07818b6856039f22.txt", "001_fa6a8c0b420365de.txt"),
)

automatic_flow = Rule(
    id="automatic_flow",
    kind="exception",
    instrument="cpas",
    exception_to=("professional_secrecy",),
    verdict="share",
    scope=is_("request.kind", "automatic_flow"),
    conditions=all_(
        is_("holder.institution", "cpas"),
        is_("recipient.kind", "crossroads_bank", "immigration_office"),
        # 004: the flow to the immigration office concerns monthly aid only; "ce flux ne
        # concerne pas les frais médicaux ou d'hospitalisation" (an aid that is medical).
        any_(
            is_not("recipient.kind", "immigration_office"),
            is_not("information.medical", True, assume=True),
        ),
        # 004: « cette information concerne tous les étrangers inscrits dans le registre des
        # étrangers ou le registre d'attente »: a person said not to be registered there is
        # outside the flow to the immigration office (unknown: assumed registered).
        any_(
            is_not("recipient.kind", "immigration_office"),
            is_not("person.foreigners_register", False, assume=True),
        ),
    ),
    permitted=ADMINISTRATIVE_CATEGORIES,
    # "certaines données administratives" (002): administrative data, no confidences.
    allows_confidences=False,
    narrowing=(
        (is_("recipient.kind", "immigration_office"), frozenset({"aid_granted", "aid_period"})),
    ),
    withheld=frozenset({"health"}),
    duties=("inform_person",),
    # The Bank exists by « la loi du 15 janvier 1990 relative à l'institution et à
    # l'organisation d'une Banque-carrefour de la sécurité sociale » (001, in art. 46bis/1):
    # no automatic flow before it (entry into force not in the seeds: the day of the law).
    valid_from=CROSSROADS_BANK_LAW,
    to_verify=("automatic_flow_scope", "crossroads_bank_law_entry_into_force"),
    citations=("cpas_practice.automatic_flows", "foreigners.automatic_flow"),
    sources=("002_07818b6856039f22.txt", "004_4a3fe5f62184d1e8.txt"),
)

RULES = (cpas_internal_circuit, automatic_flow)

#: The organic law binds the council and the staff (art. 36, 50); inside the CPAS the
#: internal circuit of 002 is one mission.
DERIVATIONS = (
    Derives(
        "holder.bound_by_secrecy",
        "holder.role",
        {
            "cpas_council_member": (True, "cpas_council", ("cpas_organic_law.36",)),
            "cpas_president": (True, "cpas_council", ("cpas_organic_law.36",)),
            "cpas_admin_staff": (True, "cpas_staff", ("cpas_organic_law.50",)),
        },
    ),
    Derives(
        "holder.bound_by_secrecy",
        "holder.institution",
        {"cpas": (True, "cpas_staff", ("cpas_organic_law.50",))},
    ),
    Derives(
        "recipient.bound_by_secrecy",
        "recipient.kind",
        {
            "cpas_president": (True, "cpas_council", ("cpas_organic_law.36",)),
            "cpas_committee_preparation": (True, "cpas_staff", ("cpas_organic_law.50",)),
            "cpas_special_committee": (True, "cpas_council", ("cpas_organic_law.36",)),
            "cpas_admin_staff": (True, "cpas_staff", ("cpas_organic_law.50",)),
        },
    ),
    Derives(
        "recipient.same_mission",
        "recipient.kind",
        {
            kind: (True, "cpas_circuit", ("cpas_practice.internal_circuit",))
            for kind in CPAS_INTERNAL
        },
    ),
)

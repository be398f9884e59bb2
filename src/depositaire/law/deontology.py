"""Codes of ethics: shared professional secrecy and mandated professionals.

Sources: 001 (the five cumulative conditions of the social workers' code),
003 (principles, C. const. 52/2021 B.10, psychologists' code art. 14,
mandated professionals, representation of minors), 004 (the conditions again).
"""

from __future__ import annotations

from typing import Final

from depositaire.engine.conditions import all_, any_, is_, is_not, lacks
from depositaire.engine.package import Derives
from depositaire.engine.rules import Rule

#: Categories that are confidences whatever the nature given: "les « confidences » (ce que
#: vous confiez à l'assistant social comme par exemple votre ressenti, vos sentiments…)"
#: (002), "toujours secrètes" (001). A rule that lets no confidence out withholds them.
#: Fears ("vos peurs", 002) are counted among feelings.
ALWAYS_CONFIDENCES = frozenset({"feelings"})
#: What was said in therapy: no objective fact (« s'en tenir […] à la révélation de faits
#: objectifs, de données factuelles », 001, testimony), no administrative datum (002), and
#: « rien concernant ce qui relève de la relation thérapeutique » (003, follow-up reports).
#: The rules that let only facts out (testimony, the CPAS circuit) withhold it.
THERAPY_CONTENT: Final = frozenset({"therapy_content"})
#: Categories that identify the person (removed when anonymising).
IDENTIFYING_CATEGORIES: Final = frozenset({"identity", "national_number", "address"})
LISTS: Final = {"IDENTIFYING_CATEGORIES": IDENTIFYING_CATEGORIES}
#: Categories that 002 also counts among confidences when the person confided them
#: ("vos difficultés familiales, […] vos maladies"), but that may be learned otherwise (a
#: certificate, an administrative file): `information.confided` says which.
CONFIDED_CATEGORIES = frozenset({"family_difficulties", "health"})
#: For a rule that lets no confidence out: whether family difficulties or illnesses asked
#: for were confided must be known (asked), unless the item is a confidence anyway.
CONFIDED_KNOWN = any_(
    is_("information.nature", "confidence", assume=False),
    all_(
        lacks("information.categories", "family_difficulties", assume=True),
        lacks("information.categories", "health", assume=True),
    ),
    is_("information.confided", True),
    is_("information.confided", False),
)

#: Recipients whose finality is security or repression (003: « autorités ayant d'autres
#: finalités (sécuritaires et répressives) que les soins et l'aide »).
REPRESSIVE_RECIPIENTS: Final = ("police", "public_prosecutor", "intelligence_service")
#: Recipients who are no professional of care or help (003: « Uniquement entre intervenants »).
PRIVATE_RECIPIENTS: Final = ("employer", "landlord", "media", "family")

shared_secrecy = Rule(
    id="shared_secrecy",
    kind="exception",
    instrument="deontology",
    exception_to=("professional_secrecy",),
    verdict="share",
    scope=any_(
        is_("request.kind", "care_collaboration", assume=False),
        is_("recipient.kind", "external_professional", "colleague_same_team", assume=False),
    ),
    conditions=all_(
        is_("consent", "given"),
        is_("consent_informed", True),
        is_("recipient.bound_by_secrecy", True),
        # 001: « avec un collaborateur lui-même tenu au secret professionnel (et qui le sait) »:
        # a recipient said not to know he is bound stops the sharing; unknown, it is assumed.
        is_not("recipient.knows_bound", False, assume=True),
        is_("recipient.same_mission", True),
        # 003: « Uniquement entre intervenants […] qui poursuivent une même finalité (soins
        # – aide) » (C. const. 52/2021, B.10). A judge or a parliamentary inquiry commission
        # is no intervenant of care or help: the law lets the holder speak to them only in a
        # testimony « après convocation, sous serment » (001), never by sharing.
        is_not("recipient.kind", "judge", "parliamentary_inquiry", assume=True),
        # The kinds that, by the contract, settle that the recipient pursues no mission of
        # care or help share nothing, whatever ``recipient.same_mission`` is said to be
        # (metamorphic probe, legal4): the police, the prosecutor and the intelligence
        # services pursue « d'autres finalités (sécuritaires et répressives) que les soins et
        # l'aide », reached only through a consultation of art. 458ter (003); with the
        # immigration office « Le secret professionnel partagé ne peut être justifié » (004);
        # an employer, a landlord, the press or the family are no « intervenants » (003:
        # « Uniquement entre intervenants »), no « collaborateur lui-même tenu au secret
        # professionnel » (001).
        is_not("recipient.kind", *REPRESSIVE_RECIPIENTS, assume=True),
        is_not("recipient.kind", "immigration_office", assume=True),
        is_not("recipient.kind", *PRIVATE_RECIPIENTS, assume=True),
        is_("necessary_only", True),
        is_("in_person_interest", True),
        # Shared *professional* secrecy presupposes a holder bound by it.
        is_("holder.bound_by_secrecy", True),
        CONFIDED_KNOWN,
    ),
    # Faits secrets par nature "partageables sous conditions", confidences "toujours
    # secrètes" (001).
    allows_confidences=False,
    withheld=ALWAYS_CONFIDENCES,
    conditional_duties=(
        (any_(is_("person.minor", True), is_("person.able_to_consent", False)), "involve_person"),
    ),
    citations=(
        "social_workers_code.shared_secrecy",
        "shared_secrecy.principles",
        "psychologists_code.14",
        "constitutional_court.52_2021",
        "patients_rights.12_14",
    ),
    sources=("001_fa6a8c0b420365de.txt", "003_c4ff197169ddbce6.txt", "004_4a3fe5f62184d1e8.txt"),
)

mandated_professional = Rule(
    id="mandated_professional",
    kind="exception",
    instrument="deontology",
    exception_to=("shared_secrecy",),
    verdict="secret",
    scope=all_(
        is_("recipient.kind", "justice_assistant", "court_expert"),
        is_not("request.kind", "judicial_follow_up_report", "testimony"),
    ),
    duties=("hand_information_to_person", "involve_person"),
    citations=("medical_code.44",),
    sources=("003_c4ff197169ddbce6.txt",),
)

#: 001: « Dans l'intérêt de la personne (c'est elle qui en décide, au maximum de sa capacité
#: de discernement) ». A person able to discern who objects is not overruled by the consent
#: of a representative (a parent of a minor): shared secrecy does not apply. A person unable
#: to discern is represented, and still involved (duty ``involve_person``). The same holds
#: inside a CPAS: « il vous est bien entendu possible de refuser que certaines informations
#: soient partagées » (002), so the person's own objection also stops the internal circuit.
person_own_say = Rule(
    id="person_own_say",
    kind="defeater",
    instrument="deontology",
    defeats=("shared_secrecy", "cpas_internal_circuit"),
    scope=is_("person.objects", True, assume=False),
    conditions=any_(
        is_("person.able_to_consent", True),
        # 003 (code of medical deontology, art. 18 and commentary): « Le médecin postule que
        # le patient est capable, plutôt que de recourir rapidement au représentant »: for a
        # doctor, a patient whose capacity is unknown is taken as able, so his objection
        # stands (only a patient known to be unable is represented).
        all_(
            is_("holder.role", "doctor"),
            is_not("person.able_to_consent", False, assume=True),
        ),
    ),
    citations=("social_workers_code.shared_secrecy", "patients_rights.12_14"),
    sources=("001_fa6a8c0b420365de.txt", "002_07818b6856039f22.txt", "003_c4ff197169ddbce6.txt"),
)

RULES = (shared_secrecy, mandated_professional, person_own_say)

#: Shared secrecy: a colleague of the same team is bound and shares the mission; a
#: mandated professional is bound but reports to the one who mandated (medical code,
#: art. 44); repressive, controlling and private recipients share no mission.
DERIVATIONS = (
    Derives(
        "recipient.bound_by_secrecy",
        "recipient.kind",
        {
            "colleague_same_team": (True, "same_team", ("social_workers_code.shared_secrecy",)),
            "justice_assistant": (True, "mandated", ("medical_code.44",)),
            "court_expert": (True, "mandated", ("medical_code.44",)),
        },
    ),
    Derives(
        "recipient.same_mission",
        "recipient.kind",
        {
            "colleague_same_team": (True, "same_team", ("social_workers_code.shared_secrecy",)),
            "police": (False, "repressive", ("shared_secrecy.principles",)),
            "public_prosecutor": (False, "repressive", ("shared_secrecy.principles",)),
            "intelligence_service": (False, "repressive", ("shared_secrecy.principles",)),
            "justice_assistant": (False, "mandated", ("medical_code.44",)),
            "court_expert": (False, "mandated", ("medical_code.44",)),
            "employer": (False, "private", ("shared_secrecy.principles",)),
            "landlord": (False, "private", ("shared_secrecy.principles",)),
            "media": (False, "private", ("shared_secrecy.principles",)),
            "family": (False, "private", ("shared_secrecy.principles",)),
        },
    ),
)

"""Youth-care code of ethics (art. 7 and 12): the person's access, teaching and research.

Source: 001. Outside youth care the same principles are applied with a
"to verify" note: the sources quote them from the youth-care code only.
"""

from __future__ import annotations

from depositaire.engine.conditions import all_, any_, is_, is_not
from depositaire.engine.package import Derives
from depositaire.engine.rules import Rule
from depositaire.law.deontology import IDENTIFYING_CATEGORIES

person_access = Rule(
    id="person_access",
    kind="exception",
    instrument="youth_care",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="may_disclose",
    # Art. 7: "les informations qui les concernent", all of them: the person's own
    # confidences are hers.
    allows_confidences=True,
    scope=any_(
        is_("recipient.kind", "the_person", assume=False),
        is_("request.kind", "access_request", assume=False),
    ),
    # The access is the person's own (art. 7: "aux bénéficiaires les informations qui les
    # concernent"): a third party who calls its request an access request gets nothing here.
    conditions=all_(
        is_("recipient.kind", "the_person"),
        is_not("person.deceased", True, assume=True),
    ),
    duties=("hand_information_to_person", "withhold_third_party_information"),
    to_verify=("youth_care_code_outside_youth_care",),
    citations=("youth_care.code_7",),
    sources=("001_fa6a8c0b420365de.txt",),
)

#: Recipients toward whom anonymity cannot be guaranteed: they know the person, act on her
#: or investigate her (see ``teaching_research``).
NO_ANONYMITY_RECIPIENTS = (
    "police",
    "public_prosecutor",
    "judge",
    "parliamentary_inquiry",
    "immigration_office",
    "intelligence_service",
    "justice_assistant",
    "court_expert",
    "employer",
    "landlord",
    "family",
    "crossroads_bank",
)

teaching_research = Rule(
    id="teaching_research",
    kind="exception",
    instrument="youth_care",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="may_disclose",
    scope=any_(
        is_("request.kind", "teaching_research", assume=False),
        is_("recipient.kind", "researcher", assume=False),
    ),
    # Art. 12 opens the secret « à des fins d'enseignement, de recherche ou d'informations »
    # only if the holder can « garantir l'anonymat et le respect de la vie privée » (001).
    # Toward the police, the prosecutor, a judge or an inquiry, the immigration office or
    # the intelligence services, a mandated professional, the person's employer, landlord
    # or family, or the Crossroads Bank, a « teaching » purpose guarantees no anonymity:
    # they know the person or act on her, and an anonymised account is read against what
    # they know. The secret then applies (our reading, à vérifier). A recipient not yet
    # chosen is not held against the holder.
    conditions=is_not("recipient.kind", *NO_ANONYMITY_RECIPIENTS, assume=True),
    # Art. 12: "Lorsqu'à des fins d'enseignement, de recherche ou d'informations,
    # l'intervenant est amené à utiliser ou transmettre des renseignements sur les
    # bénéficiaires, il est tenu de garantir l'anonymat et le respect de la vie privée"
    # (001). "des renseignements sur les bénéficiaires", with no exclusion of confidences:
    # a researcher may receive them anonymised, never what identifies the person.
    allows_confidences=True,
    withheld=IDENTIFYING_CATEGORIES,
    duties=("anonymise", "respect_private_life"),
    to_verify=("youth_care_code_outside_youth_care", "teaching_research_recipient"),
    citations=("youth_care.code_12",),
    sources=("001_fa6a8c0b420365de.txt",),
)

RULES = (person_access, teaching_research)

DERIVATIONS = (
    Derives(
        "holder.bound_by_secrecy",
        "holder.institution",
        {"youth_care": (True, "youth_care", ("youth_care.code_12", "youth_care.decree_4"))},
    ),
)

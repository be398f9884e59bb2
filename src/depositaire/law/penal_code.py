"""Penal Code: art. 458 (secrecy and its exceptions), 458bis, 458ter, 458quater, 422bis.

Sources: 001 (texts of 458, 458bis, 458ter, 458quater, 422bis), 003 (458, 458ter,
public order), 002 (confidences never revealed, even in court).
"""

from __future__ import annotations

from depositaire.engine.conditions import all_, any_, is_, is_not
from depositaire.engine.package import Derives
from depositaire.engine.rules import Rule
from depositaire.law._dates import ART_458BIS_2001, ART_458BIS_2011, POT_POURRI_V, day_before
from depositaire.law.deontology import ALWAYS_CONFIDENCES, CONFIDED_KNOWN, THERAPY_CONTENT

DANGER_ALLEGED = any_(
    is_("request.kind", "own_initiative_report", assume=False),
    is_("danger.exists", True, assume=False),
)

professional_secrecy = Rule(
    id="professional_secrecy",
    kind="default",
    instrument="penal_code",
    verdict="secret",
    conditions=is_("holder.bound_by_secrecy", True),
    citations=("penal_code.458", "penal_code.458.scope", "secrecy.public_order"),
    sources=("001_fa6a8c0b420365de.txt", "003_c4ff197169ddbce6.txt"),
)

testimony = Rule(
    id="testimony",
    kind="exception",
    instrument="penal_code",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="may_disclose",
    scope=is_("request.kind", "testimony"),
    conditions=all_(
        is_("recipient.kind", "judge", "parliamentary_inquiry"),
        is_("request.under_oath", True),
        CONFIDED_KNOWN,
    ),
    # Objective facts only, never confidences: "Le Code de déontologie belge francophone des
    # AS impose de ne jamais divulguer de confidences" (001); "même lors d'un témoignage en
    # justice" (002). Both sources speak of the social worker (001: the AS code; 002: "votre
    # assistant social"); for another holder (a doctor) the seeds give only art. 458, « une
    # faculté de parler, jamais une obligation » (001), and name art. 25 of the code of
    # medical deontology without its text (003). The same limit is kept for every holder,
    # the conservative reading: "à vérifier" (testimony_confidences_other_holders).
    allows_confidences=False,
    withheld=ALWAYS_CONFIDENCES | THERAPY_CONTENT,
    to_verify=("testimony_confidences_other_holders",),
    citations=(
        "penal_code.458",
        "penal_code.458.testimony",
        "social_workers_code.testimony",
        "cpas_practice.confidences",
        "youth_care.code_12",
    ),
    sources=("001_fa6a8c0b420365de.txt", "002_07818b6856039f22.txt"),
)

right_to_report_abuse = Rule(
    id="right_to_report_abuse",
    kind="exception",
    instrument="penal_code",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="may_disclose",
    # The text lets the holder "en informer le procureur du Roi" of what he knows, with no
    # exclusion: confidences may go out (001).
    allows_confidences=True,
    scope=DANGER_ALLEGED,
    conditions=all_(
        is_("danger.exists", True),
        is_("danger.offence_listed_458bis", True),
        is_("danger.victim_minor_or_vulnerable", True),
        any_(
            all_(is_("danger.serious", True), is_("danger.imminent", True)),
            is_("danger.other_victims_risk", True),
        ),
        is_("danger.other_means_exhausted", True),
        is_("recipient.kind", "public_prosecutor"),
    ),
    duties=("disclose_only_to_avert_danger",),
    # « sans préjudice des obligations que lui impose l'article 422bis » (001): the duty to
    # help stays where 422bis gives it, « une personne exposée à un péril grave » (001), as
    # rule ``assistance_duty`` reads it; a danger said not to be grave (458bis, second case:
    # a risk to other victims) owes no help under 422bis.
    conditional_duties=(
        (
            all_(
                is_("danger.exists", True),
                is_("danger.serious", True),
                is_not("danger.intervention_risky", True, assume=True),
            ),
            "assist_person_in_danger",
        ),
    ),
    # "droit de parole consacré par la loi du 30 novembre 2011 (revu en 2012 et 2014)" (001).
    valid_from=ART_458BIS_2011,
    to_verify=("art_458bis_2011_entry_into_force",),
    citations=("penal_code.458bis",),
    sources=("001_fa6a8c0b420365de.txt",),
)

#: The first art. 458bis (law of 28 November 2000, in force 27 March 2001), known from
#: B. Lhoest, « Secret professionnel et multidisciplinarité », 2008 (outside the seeds):
#: listed offences on a minor only, the holder examined the victim or received its
#: confidences, a grave and imminent danger, and he cannot protect the child himself or with
#: help. No vulnerable adults, no risk to other victims. Before it, only necessity.
right_to_report_abuse_2001 = Rule(
    id="right_to_report_abuse_2001",
    kind="exception",
    instrument="penal_code",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="may_disclose",
    # The holder "received its confidences": the text lets them out.
    allows_confidences=True,
    scope=DANGER_ALLEGED,
    conditions=all_(
        is_("danger.exists", True),
        is_("danger.offence_listed_458bis", True),
        is_("danger.victim_minor", True),
        is_("danger.victim_examined_or_confided", True),
        is_("danger.serious", True),
        is_("danger.imminent", True),
        is_("danger.other_means_exhausted", True),
        is_("recipient.kind", "public_prosecutor"),
    ),
    duties=("disclose_only_to_avert_danger",),
    conditional_duties=((is_("danger.exists", True), "assist_person_in_danger"),),
    valid_from=ART_458BIS_2001,
    valid_until=day_before(ART_458BIS_2011),
    to_verify=("art_458bis_2001_text",),
    citations=("penal_code.458bis",),
    sources=("001_fa6a8c0b420365de.txt", "B. Lhoest 2008 (hors sources)"),
    # The same article in its first form: decisions name the contract's id.
    version_of="right_to_report_abuse",
)

#: Recipients who take no part in a consultation of art. 458ter (see ``case_consultation``).
NOT_CONSULTATION_PARTICIPANTS = (
    "media",
    "employer",
    "landlord",
    "family",
    "researcher",
    "crossroads_bank",
)

case_consultation = Rule(
    id="case_consultation",
    kind="exception",
    instrument="penal_code",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="may_disclose",
    # "communique ceux-ci" — the secrets, all of them, within the consultation (001).
    allows_confidences=True,
    scope=any_(
        is_("request.kind", "case_consultation", assume=False),
        is_("recipient.kind", "case_consultation", assume=False),
    ),
    conditions=all_(
        is_("consultation.legal_basis", "statute", "prosecutor_authorization"),
        is_("consultation.purpose", "integrity", "terrorism", "criminal_organization"),
        is_("consultation.framework_defined", True),
        # « communique ceux-ci dans le cadre d'une concertation » whose basis « détermin[e] au
        # moins qui peut participer » and whose « participants sont tenus au secret » (001):
        # the secrets go to the consultation's participants only. The press, an employer, a
        # landlord, the family, a researcher or the Crossroads Bank are no participant of a
        # consultation set up to protect integrity or to prevent terrorist or organised
        # crime (003 names « élus locaux, représentants de la Police et du Parquet, de
        # l'administration, travailleurs sociaux »): 458ter never opens the secret toward them
        # (our reading of who may take part, à vérifier). An unknown recipient is the
        # consultation itself.
        is_not("recipient.kind", *NOT_CONSULTATION_PARTICIPANTS, assume=True),
    ),
    duties=("keep_consultation_secret", "share_only_what_is_useful", "inform_person"),
    valid_from=POT_POURRI_V,
    to_verify=("pot_pourri_v_entry_into_force", "consultation_participants"),
    citations=(
        "penal_code.458ter",
        "penal_code.458ter.preparatory_works",
        "constitutional_court.52_2021",
    ),
    sources=("001_fa6a8c0b420365de.txt", "003_c4ff197169ddbce6.txt"),
)

lawyer_exception = Rule(
    id="lawyer_exception",
    kind="defeater",
    instrument="penal_code",
    defeats=("right_to_report_abuse", "case_consultation"),
    scope=is_("holder.role", "lawyer", assume=False),
    conditions=is_("information.client_prosecution_risk", True),
    valid_from=POT_POURRI_V,
    to_verify=("pot_pourri_v_entry_into_force",),
    citations=("penal_code.458quater",),
    sources=("001_fa6a8c0b420365de.txt",),
)

assistance_duty = Rule(
    id="assistance_duty",
    kind="duty",
    instrument="penal_code",
    scope=is_("danger.exists", True, assume=False),
    conditions=all_(
        is_("danger.serious", True, assume=False),
        is_not("person.deceased", True, assume=True),
        # 001: « l'abstenant doit pouvoir intervenir sans « danger sérieux pour lui-même ou
        # pour autrui »: a serious danger in intervening lifts the duty (unknown: owed).
        is_not("danger.intervention_risky", True, assume=True),
    ),
    duties=("assist_person_in_danger",),
    citations=("penal_code.422bis",),
    sources=("001_fa6a8c0b420365de.txt",),
)

RULES = (
    professional_secrecy,
    testimony,
    right_to_report_abuse,
    right_to_report_abuse_2001,
    case_consultation,
    lawyer_exception,
    assistance_duty,
)

#: What makes a confidence secret by default (cited when an exception opens it).
SECRECY_BASIS = ("penal_code.458",)

#: "The function creates the duty, not the title" (001): art. 458 binds the professions
#: it names, and whoever is a depositary by state or profession (volunteers, interns);
#: a private person who receives is bound by no secret.
DERIVATIONS = (
    Derives(
        "holder.bound_by_secrecy",
        "holder.role",
        {
            "social_worker": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
            "psychologist": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
            "doctor": (True, "profession", ("penal_code.458",)),
            "nurse": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
            "educator": (True, "profession", ("penal_code.458", "penal_code.458.scope")),
            "lawyer": (True, "lawyer", ("penal_code.458", "penal_code.458quater")),
            "volunteer": (True, "state", ("penal_code.458.scope",)),
            "intern": (True, "state", ("penal_code.458.scope",)),
        },
    ),
    Derives(
        "recipient.bound_by_secrecy",
        "recipient.kind",
        {
            kind: (False, "private_person", ("penal_code.458",))
            for kind in ("family", "employer", "landlord", "media")
        },
    ),
)

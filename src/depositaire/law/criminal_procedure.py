"""Code of criminal procedure: art. 29 and 30 (denunciation), 46bis/1 (terrorism).

Sources: 001 (texts of 29, 30, 46bis/1 §1-3 and the annulment of §3 by
judgment 44/2019), law.md (date of entry into force of 46bis/1).
"""

from __future__ import annotations

from typing import Final

from depositaire.engine.conditions import all_, any_, has, is_, is_not
from depositaire.engine.rules import Annulment, Rule
from depositaire.law._dates import ANNULMENT_46BIS1_3, ART_46BIS1, day_before

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

#: The administrative data that reveal nothing of a person's health: what a requisition
#: reaches when the information holds medical data (an aid granted, its period, an income or
#: a situation may then be medical aid, medical costs or an incapacity).
NON_MEDICAL_ADMINISTRATIVE_CATEGORIES: Final = frozenset(
    {"identity", "national_number", "nationality", "address", "household"}
)

LISTS: Final = {
    "ADMINISTRATIVE_CATEGORIES": ADMINISTRATIVE_CATEGORIES,
    "NON_MEDICAL_ADMINISTRATIVE_CATEGORIES": NON_MEDICAL_ADMINISTRATIVE_CATEGORIES,
}

SOCIAL_SECURITY_INSTITUTIONS = ("cpas", "health_insurer", "social_security_institution")
TERROR_REPORT = all_(
    is_("request.kind", "own_initiative_report"),
    is_("information.terrorism_indications", True, assume=False),
)
#: Art. 29 and 30 CIC oblige to « donner avis […] au procureur du Roi », and § 3 of art.
#: 46bis/1 to « en font la déclaration conformément à l'article 29 » (001): the question of a
#: denunciation arises toward the authorities that receive one (the prosecutor, and the
#: police or a judge it would reach through), never toward the person herself, a colleague,
#: a researcher or a CPAS body. Toward those, the rules that say why the secret prevails over
#: a duty to denounce are not in play, and the openings of their own recipient answer (the
#: person's access, teaching, sharing). An unknown recipient keeps them in play.
DENUNCIATION_RECIPIENTS = ("public_prosecutor", "police", "judge")
TO_DENUNCIATION_RECIPIENT = is_("recipient.kind", *DENUNCIATION_RECIPIENTS, assume=True)

prosecutor_requisition = Rule(
    id="prosecutor_requisition",
    kind="exception",
    instrument="criminal_procedure",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="must_disclose",
    scope=is_("request.kind", "prosecutor_requisition"),
    conditions=all_(
        is_("request.terrorism_investigation", True),
        is_("request.in_writing", True),
        is_("request.reasoned", True),
        is_("request.information_specified", True),
        is_("recipient.kind", "public_prosecutor"),
        is_("holder.institution", *SOCIAL_SECURITY_INSTITUTIONS),
    ),
    permitted=ADMINISTRATIVE_CATEGORIES,
    # § 1er: "les renseignements administratifs qu'il juge nécessaires" — nothing else. The
    # express exclusion of « les données médicales à caractère personnel » is written in § 3,
    # al. 2 only (« Sont exclues des informations visées à l'alinéa 1er »), so §§ 1-2 carry
    # none; but medical personal data are no administrative information, and an exception to
    # art. 458 reaches only what the law names (003: « les exceptions sont uniquement celles
    # reconnues par la loi »). When the information holds medical data, only the data that
    # reveal nothing of health go out (an aid, its period, an income may be medical care):
    # our reading, to verify. Unknown, the information is taken as holding none — § 1er
    # asks for administrative information — and the note says so.
    narrowing=(
        (
            is_("information.medical", True, assume=False),
            NON_MEDICAL_ADMINISTRATIVE_CATEGORIES,
        ),
    ),
    allows_confidences=False,
    duties=("keep_measure_secret", "answer_without_delay"),
    to_verify=("requisition_medical_data",),
    valid_from=ART_46BIS1,
    citations=("criminal_procedure.46bis1",),
    sources=("001_fa6a8c0b420365de.txt",),
)

terror_reporting_duty = Rule(
    id="terror_reporting_duty",
    kind="exception",
    instrument="criminal_procedure",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="must_disclose",
    scope=TERROR_REPORT,
    conditions=all_(
        is_("holder.institution", *SOCIAL_SECURITY_INSTITUTIONS),
        # § 3 binds « les membres du personnel des institutions de sécurité sociale » (001);
        # the CPAS organic law quoted in 001 tells the council's members (art. 36) from « les
        # membres du personnel » (art. 50): a council member or the president, who are not
        # staff, were outside the declaration duty (a question for a CPAS only).
        any_(
            is_not("holder.institution", "cpas"),
            is_not("holder.role", "cpas_council_member", "cpas_president"),
        ),
        # § 3, al. 2: "Sont exclues des informations visées à l'alinéa 1er les données
        # médicales à caractère personnel" — the only exclusion of the text. It excludes
        # the medical data, not the declaration: information that holds medical data still
        # obliges for the facts in it that reveal nothing of health, narrowed as the
        # requisition of § 1er is (`narrowing` below; both to verify). A confidence that
        # holds medical data cannot be split: it stays outside.
        any_(
            is_not("information.medical", True, assume=True),
            all_(
                is_("information.nature", "secret_fact"),
                any_(
                    *(
                        has("information.categories", c)
                        for c in sorted(NON_MEDICAL_ADMINISTRATIVE_CATEGORIES)
                    )
                ),
            ),
        ),
        # § 3: "en font la déclaration conformément à l'article 29", which gives notice
        # to the procureur du Roi, never to the police or another service.
        is_("recipient.kind", "public_prosecutor"),
    ),
    narrowing=(
        (
            is_("information.medical", True, assume=False),
            NON_MEDICAL_ADMINISTRATIVE_CATEGORIES,
        ),
    ),
    # The text excludes medical data and nothing else: confidences are not excluded.
    allows_confidences=True,
    withheld=frozenset({"health"}),
    # Not known to be medical, the information is presumed not to be (the exclusion of
    # § 3, al. 2 takes medical data out of what goes out, `withheld` above); the decision
    # shows the presumption, to verify before the declaration (rules --prove, property 4).
    presumptions=(("information.medical", "terror_reporting_not_medical"),),
    to_verify=("terror_reporting_medical_data",),
    valid_from=ART_46BIS1,
    valid_until=day_before(ANNULMENT_46BIS1_3),
    # Annulled by the Constitutional Court on 14 March 2019 (001): read as known from that
    # day, the paragraph never existed, even for the days it stood.
    annulment=Annulment(
        decided_on=ANNULMENT_46BIS1_3,
        by="constitutional_court.44_2019",
        erased_from=ART_46BIS1,
        erased_until=day_before(ANNULMENT_46BIS1_3),
    ),
    citations=("criminal_procedure.46bis1.3",),
    sources=("001_fa6a8c0b420365de.txt",),
)

terror_reporting_annulled = Rule(
    id="terror_reporting_annulled",
    kind="exception",
    instrument="criminal_procedure",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="secret",
    scope=all_(TERROR_REPORT, TO_DENUNCIATION_RECIPIENT),
    # From the judgment on, and, read as known since then, for the period it erased.
    valid_from=ART_46BIS1,
    known_from=ANNULMENT_46BIS1_3,
    citations=("constitutional_court.44_2019",),
    sources=("001_fa6a8c0b420365de.txt", "003_c4ff197169ddbce6.txt"),
)

denunciation_duty_not_applicable = Rule(
    id="denunciation_duty_not_applicable",
    kind="exception",
    instrument="criminal_procedure",
    exception_to=("professional_secrecy",),
    verdict="secret",
    scope=all_(
        is_("request.kind", "own_initiative_report"),
        has("information.categories", "offence", assume=False),
        TO_DENUNCIATION_RECIPIENT,
    ),
    conditions=is_("holder.bound_by_secrecy", True),
    citations=("criminal_procedure.29", "criminal_procedure.30"),
    sources=("001_fa6a8c0b420365de.txt",),
)


#: Art. 29 CIC binds civil servants; 001: "Ces deux obligations, dites obligations de
#: dénonciation, ne s'appliquent pas aux personnes tenues au secret professionnel !" — so
#: a civil servant bound only by discretion is bound by them.
denunciation_duty = Rule(
    id="denunciation_duty",
    kind="exception",
    instrument="criminal_procedure",
    exception_to=("discretion_duty",),
    verdict="must_disclose",
    # In play only for a holder not known to be bound by professional secrecy (for those
    # who are, `denunciation_duty_not_applicable` says why the secret prevails).
    scope=all_(
        is_("request.kind", "own_initiative_report"),
        has("information.categories", "offence", assume=False),
        is_not("holder.bound_by_secrecy", True, assume=True),
    ),
    conditions=all_(
        is_("holder.bound_by_secrecy", False),
        # "Toute autorité constituée, tout fonctionnaire ou officier public"
        is_("holder.role", "civil_servant"),
        # "d'en donner avis sur le champ au procureur du Roi"
        is_("recipient.kind", "public_prosecutor"),
    ),
    # "et de transmettre à ce magistrat tous les renseignements, procès-verbaux et actes
    # qui y sont relatifs": the text excludes nothing that relates to the offence.
    allows_confidences=True,
    duties=("notify_prosecutor_forthwith", "transmit_only_offence_information"),
    to_verify=("denunciation_duty_art_30",),
    citations=("criminal_procedure.29", "criminal_procedure.30"),
    sources=("001_fa6a8c0b420365de.txt",),
)


#: 46bis/1 §2, second paragraph: « Toute personne qui, du chef de sa fonction, a connaissance
#: de la mesure ou y prête son concours, est tenue de garder le secret » — toward everyone,
#: the person concerned included; only the prosecutor who ordered it is outside it. In play
#: when what is asked is the measure itself, or when a requisition is the context and the
#: recipient is anyone but the prosecutor.
measure_secrecy = Rule(
    id="measure_secrecy",
    kind="exception",
    instrument="criminal_procedure",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="secret",
    # A secret verdict: nothing goes out, confidences included.
    allows_confidences=False,
    scope=all_(
        any_(
            is_("information.requisition_measure", True, assume=False),
            is_("request.kind", "prosecutor_requisition", assume=False),
        ),
        # An unknown recipient leaves the rule open: it may be the prosecutor.
        is_not("recipient.kind", "public_prosecutor"),
    ),
    duties=("keep_measure_secret",),
    valid_from=ART_46BIS1,
    to_verify=("measure_secrecy_concours",),
    citations=("criminal_procedure.46bis1",),
    sources=("001_fa6a8c0b420365de.txt",),
)

RULES = (
    prosecutor_requisition,
    measure_secrecy,
    terror_reporting_duty,
    terror_reporting_annulled,
    denunciation_duty_not_applicable,
    denunciation_duty,
)

"""Case law: the state of necessity (Cass. 13 May 1987; C. const. 52/2021).

Sources: 001 (the four conditions), 002 (the same in plain words), 003
(definition by the Constitutional Court), youth-care code art. 12 (001).
"""

from __future__ import annotations

from depositaire.engine.conditions import all_, any_, is_, is_not
from depositaire.engine.rules import Rule
from depositaire.law.penal_code import DANGER_ALLEGED

#: Recipients through whom no danger can be averted (see the condition below).
NO_PROTECTION_RECIPIENTS = ("media", "researcher", "crossroads_bank")
#: The competent authorities, held able to avert a danger unless the holder says otherwise:
#: « transmettre aux autorités compétentes les informations nécessaires » (youth-care code
#: art. 12, 001). Which recipients are such authorities is our reading, to verify.
COMPETENT_AUTHORITIES = ("police", "public_prosecutor", "judge")

necessity = Rule(
    id="necessity",
    kind="exception",
    instrument="case_law",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="may_disclose",
    # 002: confidences may be revealed "si les 4 conditions suivantes sont remplies".
    allows_confidences=True,
    scope=DANGER_ALLEGED,
    conditions=all_(
        is_("danger.exists", True),
        is_("danger.serious", True),
        is_("danger.imminent", True),
        is_("danger.other_means_exhausted", True),
        # The revelation must be the means of averting the danger: « il ne lui était pas
        # possible de sauvegarder autrement qu'en commettant cette violation » (Cass., 001),
        # « transmettre aux autorités compétentes les informations nécessaires » (youth-care
        # code art. 12, 001). The press, a researcher and the Crossroads Bank never avert a
        # danger (our reading, à vérifier). A competent authority (police, prosecutor, judge)
        # is held able to avert it unless the holder says otherwise. For anyone else (the
        # family, an employer, a landlord, another professional…) the sources give no
        # presumption (« il s'apprécie au cas par cas », 001) and the holder weighs it
        # (Cass., 001): the fact must be known, so the interview asks it. A recipient not yet
        # chosen is not held against the holder. The decision shows the note to verify.
        is_not("recipient.kind", *NO_PROTECTION_RECIPIENTS, assume=True),
        is_not("danger.recipient_can_avert", False, assume=True),
        any_(
            is_("recipient.kind", *COMPETENT_AUTHORITIES, assume=True),
            is_("danger.recipient_can_avert", True),
        ),
    ),
    duties=("disclose_only_to_avert_danger",),
    # 422bis holds only if one can intervene without serious danger for oneself or others (001).
    conditional_duties=(
        (is_not("danger.intervention_risky", True, assume=True), "assist_person_in_danger"),
    ),
    citations=(
        "court_of_cassation.1987_05_13",
        "constitutional_court.52_2021",
        "cpas_practice.confidences",
        "youth_care.code_12",
    ),
    sources=("001_fa6a8c0b420365de.txt", "002_07818b6856039f22.txt", "003_c4ff197169ddbce6.txt"),
    to_verify=("necessity_recipient",),
)

RULES = (necessity,)

"""Code of criminal procedure: art. 29 and 30 (denunciation), 46bis/1 (terrorism).

Sources: 001 (texts of 29, 30, 46bis/1 §1-3 and the annulment of §3 by
judgment 44/2019), law.md (date of entry into force of 46bis/1).
"""

from __future__ import annotations

from depositaire.engine.conditions import all_, any_, has, is_, is_not
from depositaire.engine.rules import Rule
from depositaire.engine.schema import ADMINISTRATIVE_CATEGORIES
from depositaire.law._dates import ANNULMENT_46BIS1_3, ART_46BIS1, day_before

SOCIAL_SECURITY_INSTITUTIONS = ("cpas", "health_insurer", "social_security_institution")
TERROR_REPORT = all_(
    is_("request.kind", "own_initiative_report"),
    is_("information.terrorism_indications", True, assume=False),
)

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
    duties=("keep_measure_secret", "answer_without_delay"),
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
        is_not("information.medical", True, assume=True),
        # § 3: "en font la déclaration conformément à l'article 29", which gives notice
        # to the procureur du Roi, never to the police or another service.
        is_("recipient.kind", "public_prosecutor"),
    ),
    withheld=frozenset({"health"}),
    valid_from=ART_46BIS1,
    valid_until=day_before(ANNULMENT_46BIS1_3),
    to_verify=("terror_reporting_annulled_retroactively",),
    citations=("criminal_procedure.46bis1.3",),
    sources=("001_fa6a8c0b420365de.txt",),
)

terror_reporting_annulled = Rule(
    id="terror_reporting_annulled",
    kind="exception",
    instrument="criminal_procedure",
    exception_to=("professional_secrecy", "discretion_duty"),
    verdict="secret",
    scope=TERROR_REPORT,
    valid_from=ANNULMENT_46BIS1_3,
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
    ),
    conditions=is_("holder.bound_by_secrecy", True),
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
)

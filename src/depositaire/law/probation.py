"""Release under conditions: follow-up reports to the justice assistant.

Sources: 001 (law of 28 November 2000 and the reports it requires), 003 (what
the reports mention, and nothing of the therapeutic relationship).
"""

from __future__ import annotations

from depositaire.engine.conditions import any_, is_, is_not
from depositaire.engine.rules import Rule
from depositaire.law._dates import LAW_2000_FOLLOW_UP_REPORTS

judicial_follow_up_report = Rule(
    id="judicial_follow_up_report",
    kind="exception",
    instrument="probation",
    exception_to=("professional_secrecy",),
    prevails_over=("mandated_professional",),
    verdict="must_disclose",
    scope=is_("request.kind", "judicial_follow_up_report"),
    conditions=is_("recipient.kind", "justice_assistant"),
    # 003: the reports mention « les présences effectives », « les absences injustifiées »,
    # « la cessation unilatérale », « les difficultés […] survenues dans la mise en œuvre »
    # (attendance) and « les situations comportant un risque sérieux pour les tiers (= état de
    # nécessité) »: where a serious danger is known, what shows it (an offence announced,
    # another fact) goes in the report too; otherwise attendance only.
    permitted=frozenset({"attendance", "offence", "other"}),
    narrowing=(
        (
            any_(
                is_not("danger.exists", True, assume=True),
                is_not("danger.serious", True, assume=True),
            ),
            frozenset({"attendance"}),
        ),
    ),
    # The law obliges the report on attendance, absences, ending and difficulties, whoever
    # said them; what the reports never carry is the therapeutic relationship (003), which
    # `therapy_content` and `feelings` stand for. A confidence goes out only with what the
    # report may carry (« N.B.: rien concernant ce qui relève de la relation thérapeutique »,
    # 003): asked only for feelings or therapy, nothing goes out (evaluator.disclosure).
    allows_confidences=True,
    withheld=frozenset({"therapy_content", "feelings"}),
    duties=("report_only_follow_up_facts",),
    # 001: the law of 28 November 2000 « a introduit toute un série de modifications », among
    # them « celle d'établir et de communiquer des rapports de suivi »: before it, no law
    # obliged a service to report and the secret applied. Its entry into force is not in the
    # seeds (the day law.md gives for the 458bis of the same law is taken, to verify).
    valid_from=LAW_2000_FOLLOW_UP_REPORTS,
    to_verify=("follow_up_reports_entry_into_force",),
    citations=("probation.follow_up_reports",),
    sources=("001_fa6a8c0b420365de.txt", "003_c4ff197169ddbce6.txt"),
)

RULES = (judicial_follow_up_report,)

"""A presumption a rule declares (``Rule.presumptions``) is shown in an obligation that
rests on it: ``Decision.presumptions``, a note ``to_verify`` and a line of the explanation,
in French and Dutch; the compiled engine and the reference interpreter say the same."""

from __future__ import annotations

from depositaire.engine import decide, parse_situation
from depositaire.engine.compiled import CompiledRuleBase
from depositaire.engine.evaluator import evaluate
from depositaire.engine.provisions import default_provisions
from depositaire.law import default_rule_base
from depositaire.messages import t, using_language

# 46bis/1 § 3 as known before its annulment: whether the information is medical is unknown.
TERROR_REPORT = {
    "date": "2017-09-01",
    "as_known_on": "2019-03-13",
    "holder": {"institution": "health_insurer"},
    "information": {"terrorism_indications": True},
    "recipient": {"kind": "public_prosecutor"},
    "request": {"kind": "own_initiative_report"},
}


def _with_information(**facts: object) -> dict[str, object]:
    return {**TERROR_REPORT, "information": {**TERROR_REPORT["information"], **facts}}


def test_an_obligation_on_a_presumption_shows_it():
    d = decide(TERROR_REPORT)
    assert d.verdict == "must_disclose" and d.rules[0] == "terror_reporting_duty"
    assert d.to_dict()["presumptions"] == [
        {"rule": "terror_reporting_duty", "fact": "information.medical"}
    ]
    note = t("presumptions.terror_reporting_not_medical")
    assert note.startswith("Présumé : ") and "46bis/1, § 3, al. 2" in note
    assert note in d.to_verify
    # The explanation says it once, as itself (not "À vérifier : Présumé : …").
    assert d.explanation.count(note) == 1
    assert not any(line.endswith(note) and line != note for line in d.explanation)


def test_the_presumption_is_shown_in_dutch():
    with using_language("nl"):
        d = decide(TERROR_REPORT)
        note = t("presumptions.terror_reporting_not_medical")
        assert note.startswith("Vermoed: ")
        assert note in d.to_verify and note in d.explanation


def test_no_presumption_is_shown_when_the_fact_is_known_or_nothing_is_obliged():
    known = decide(_with_information(medical=False))
    assert known.verdict == "must_disclose"
    assert known.presumptions == [] and known.to_dict()["presumptions"] == []
    assert not any(n.startswith("Présumé") for n in known.to_verify)
    medical = decide(_with_information(medical=True))
    assert medical.verdict != "must_disclose" and medical.presumptions == []
    # Read as known after the annulment, the paragraph never existed: no obligation.
    after = decide({**TERROR_REPORT, "as_known_on": "2019-03-14"})
    assert after.verdict != "must_disclose" and after.presumptions == []


def test_the_compiled_engine_and_the_interpreter_show_the_same_presumptions():
    base, provisions = default_rule_base(), default_provisions()
    fast = CompiledRuleBase(base, provisions)
    for facts in (
        TERROR_REPORT,
        _with_information(medical=False),
        _with_information(medical=True),
        _with_information(categories=["identity", "health"]),
    ):
        situation = parse_situation(facts)
        reference = evaluate(situation, base, provisions).to_dict()
        assert fast.evaluate(situation).to_dict() == reference, facts

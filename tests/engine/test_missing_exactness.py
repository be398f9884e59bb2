"""``missing`` lists only facts whose answer can change the outcome (engine, ``_only_decisive``)."""

from __future__ import annotations

from depositaire.engine import decide, parse_situation

# Found by Hypothesis (test_every_missing_fact_can_change_the_outcome): a recipient that
# could turn out to be a colleague opens shared secrecy, whose own facts are not
# enumerated; that undetermined completion made the holder's secrecy look decisive.
HOSPITAL_TESTIMONY_WITHOUT_OATH = {
    "date": "2015-01-01",
    "holder": {"institution": "hospital"},
    "information": {"medical": False, "terrorism_indications": False},
    "request": {"kind": "testimony", "in_writing": False, "reasoned": False, "under_oath": False},
    "danger": {"exists": True, "victim_minor_or_vulnerable": False, "offence_listed_458bis": False},
}


def test_a_fact_that_decides_only_against_an_open_completion_is_not_asked():
    d = decide(HOSPITAL_TESTIMONY_WITHOUT_OATH)
    assert d.verdict == "undetermined"
    assert "holder.bound_by_secrecy" not in d.missing
    assert d.missing[:1] == ["danger.serious"]


def test_answering_the_listed_facts_settles_the_answer():
    d = decide(
        {
            **HOSPITAL_TESTIMONY_WITHOUT_OATH,
            "danger": {
                **HOSPITAL_TESTIMONY_WITHOUT_OATH["danger"],
                "serious": True,
                "imminent": False,
                "other_means_exhausted": True,
            },
        }
    )
    assert d.verdict != "undetermined"


# Found by the SMT proof (issue 11, property 1, docs/proof.md): eleven open facts, beyond
# the reference's EXACT_MISSING_LIMIT, where every completion gives `secret`. The
# reference run with its enumeration in full (limit raised, 9.9 s here) answers `secret`
# with nothing missing; the engine's decision diagram gives the same without a limit.
REQUISITION_GUARANTOR_LOOKUP = {
    "date": "2017-09-01",
    "as_known_on": "2019-03-13",
    "information": {
        "requisition_measure": True,
        "categories": ["identity", "national_number", "address", "health"],
    },
    "request": {"kind": "guarantor_lookup"},
}


def test_a_verdict_every_completion_gives_alike_is_given_beyond_the_enumeration_limit():
    from depositaire.engine.evaluator import EXACT_MISSING_LIMIT, evaluate
    from depositaire.engine.provisions import default_provisions
    from depositaire.law import default_rule_base

    reference = evaluate(
        parse_situation(REQUISITION_GUARANTOR_LOOKUP), default_rule_base(), default_provisions()
    )
    assert EXACT_MISSING_LIMIT == 8192
    assert reference.verdict == "undetermined"  # the reference's estimate, above its limit
    d = decide(REQUISITION_GUARANTOR_LOOKUP)
    assert d.verdict == "secret"
    assert d.missing == []


def test_a_nearly_empty_situation_lists_only_facts_of_the_estimate_in_its_order():
    from depositaire.engine.evaluator import evaluate
    from depositaire.engine.provisions import default_provisions
    from depositaire.law import default_rule_base

    facts = {"holder": {"role": "social_worker", "institution": "cpas"}}
    reference = evaluate(parse_situation(facts), default_rule_base(), default_provisions())
    d = decide(facts)
    assert d.verdict == "undetermined"
    assert d.missing
    assert [p for p in reference.missing if p in d.missing] == d.missing

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


# Found by test_every_missing_fact_can_change_the_outcome (a CPAS social worker, a
# prosecutor's requisition, the person objects): the recipient could be a colleague, which
# opens shared secrecy on facts outside the enumeration (consent, in_person_interest).
# Those four inner completions stayed undetermined, every other gave `secret`, and the
# fallback comparison (undetermined against secret) listed `recipient.kind` and
# `necessary_only`; decided exactly, those completions give `secret` too (the person's
# objection defeats shared secrecy), so neither fact is missing. (A recipient who is the
# person or a researcher would open other exceptions; their scope assumes an unknown
# recipient is neither, so they are not open here: unchanged by this fix.)
REQUISITION_PERSON_OBJECTS = {
    "date": "2000-01-01",
    "holder": {"role": "social_worker", "institution": "cpas"},
    "request": {"kind": "prosecutor_requisition"},
    "person": {"objects": True, "able_to_consent": True},
}


def _reference(situation):
    from depositaire.engine.evaluator import evaluate
    from depositaire.engine.provisions import default_provisions
    from depositaire.law import default_rule_base

    rule_base = default_rule_base()
    return evaluate(
        parse_situation(situation, law=rule_base.law),
        rule_base,
        default_provisions(),
        explain=False,
    )


def test_an_inner_completion_left_undetermined_is_decided_before_it_is_compared():
    # The truth, by the engine itself, on answers to the two facts it used to list (the
    # recipients the enumeration tells apart, and one it does not).
    outcomes = set()
    for kind in ("colleague_same_team", "external_professional", "police", "family"):
        for necessary in (True, False):
            completed = {
                **REQUISITION_PERSON_OBJECTS,
                "recipient": {"kind": kind},
                "necessary_only": necessary,
            }
            c = decide(completed, explain=False)
            outcomes.add((c.verdict, tuple(c.may_disclose)))
    assert outcomes == {("secret", ())}
    compiled = decide(REQUISITION_PERSON_OBJECTS, explain=False)
    for d in (compiled, _reference(REQUISITION_PERSON_OBJECTS)):
        assert (d.verdict, d.missing, d.may_disclose) == ("secret", [], []), (d.verdict, d.missing)


def test_a_completion_still_open_after_its_exact_decision_still_counts():
    # The fallback is kept where an undetermined completion stays so when decided exactly:
    # a testimony where danger is open still asks about the danger (above).
    d = _reference(HOSPITAL_TESTIMONY_WITHOUT_OATH)
    assert d.verdict == "undetermined" and d.missing
    assert d.missing == decide(HOSPITAL_TESTIMONY_WITHOUT_OATH, explain=False).missing


def test_situations_that_leave_the_same_problem_share_the_diagram():
    # Two nearly empty situations that differ only in a fact no rule reads the value of
    # (the reading day, in the same period): the second builds no new state.
    from depositaire.engine.compiled import CompiledRuleBase
    from depositaire.engine.missing import diagram
    from depositaire.engine.provisions import default_provisions
    from depositaire.law import default_rule_base

    fast = CompiledRuleBase(default_rule_base(), default_provisions())
    first = {"date": "2024-03-01", "holder": {"role": "social_worker", "institution": "cpas"}}
    d1 = fast.evaluate(parse_situation(first), explain=False)
    states = len(diagram(fast)._states)
    assert d1.verdict == "undetermined" and d1.missing and states > 0
    d2 = fast.evaluate(parse_situation({**first, "date": "2024-03-02"}), explain=False)
    assert d2.missing == d1.missing
    assert len(diagram(fast)._states) == states


def test_missing_is_the_same_when_decided_from_several_threads_at_once():
    import threading

    from depositaire.engine.compiled import CompiledRuleBase
    from depositaire.engine.provisions import default_provisions
    from depositaire.law import default_rule_base

    situations = [
        parse_situation(s)
        for s in (
            HOSPITAL_TESTIMONY_WITHOUT_OATH,
            REQUISITION_GUARANTOR_LOOKUP,
            REQUISITION_PERSON_OBJECTS,
            {"holder": {"role": "social_worker", "institution": "cpas"}},
            {"holder": {"role": "cpas_admin_staff", "institution": "cpas"}},
        )
    ]
    want = [
        CompiledRuleBase(default_rule_base(), default_provisions()).evaluate(s, explain=False)
        for s in situations
    ]
    shared = CompiledRuleBase(default_rule_base(), default_provisions())
    got: list[list[object]] = [[] for _ in range(4)]

    def run(k: int) -> None:
        for s in situations[k:] + situations[:k]:
            got[k].append(shared.evaluate(s, explain=False))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(4):
        rotated = want[k:] + want[:k]
        assert [d.to_dict() for d in got[k]] == [d.to_dict() for d in rotated]  # type: ignore[attr-defined]

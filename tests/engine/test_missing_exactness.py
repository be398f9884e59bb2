"""``missing`` lists only facts whose answer can change the outcome (engine, ``_only_decisive``)."""

from __future__ import annotations

from depositaire.engine import decide

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

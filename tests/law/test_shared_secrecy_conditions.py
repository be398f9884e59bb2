"""The five cumulative conditions of shared secrecy, one at a time (001, 003, 004).

001: « il s'agit de conditions cumulatives au partage du secret ; si l'une d'entre elles
manque, c'est la loi, c'est-à-dire le secret strict qui s'applique. » Each condition
missing alone, everything else met, must refuse the sharing — for several holders and
recipients, and on both sides of the dates the rule base knows.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from depositaire.engine import decide

HOLDERS = (
    {"role": "social_worker", "institution": "cpas"},
    {"role": "psychologist", "institution": "ambulatory_service"},
    {"role": "educator", "institution": "youth_care"},
    {"role": "doctor", "institution": "hospital"},
)
RECIPIENTS = ("external_professional", "colleague_same_team")
DATES = ("2017-08-02", "2017-08-03", "2026-04-07", "2026-04-08")

#: (path, value): one condition missing. The recipient bound by secrecy and knowing it,
#: the same mission, the person's informed consent, only what is necessary, in the
#: person's interest.
MISSING_ONE = (
    ("recipient.bound_by_secrecy", False),
    ("recipient.knows_bound", False),
    ("recipient.same_mission", False),
    ("consent", "refused"),
    ("consent", "not_asked"),
    ("consent", "not_possible"),
    ("consent_informed", False),
    ("necessary_only", False),
    ("in_person_interest", False),
)


def situation(holder: dict[str, str], recipient: str, date: str) -> dict[str, Any]:
    return {
        "date": date,
        "holder": dict(holder),
        "information": {"nature": "secret_fact", "categories": ["income", "household"]},
        "recipient": {"kind": recipient, "bound_by_secrecy": True, "same_mission": True},
        "request": {"kind": "care_collaboration"},
        "consent": "given",
        "consent_informed": True,
        "necessary_only": True,
        "in_person_interest": True,
    }


def with_fact(s: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    s = copy.deepcopy(s)
    *parents, leaf = path.split(".")
    node = s
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    return s


@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize("recipient", RECIPIENTS)
@pytest.mark.parametrize("holder", HOLDERS, ids=lambda h: h["role"])
def test_all_five_conditions_met_allow_sharing(holder, recipient, date):
    d = decide(situation(holder, recipient, date))
    assert d.verdict == "share", d.to_dict()
    assert "shared_secrecy" in d.decided_rule_ids()


@pytest.mark.parametrize("path,value", MISSING_ONE, ids=lambda x: str(x))
@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize("recipient", RECIPIENTS)
@pytest.mark.parametrize("holder", HOLDERS, ids=lambda h: h["role"])
def test_each_condition_missing_alone_refuses_sharing(holder, recipient, date, path, value):
    d = decide(with_fact(situation(holder, recipient, date), path, value)).to_dict()
    assert d["verdict"] == "secret", (path, value, d)
    assert d["may_disclose"] == []
    assert {"income", "household"} <= set(d["never_disclose"])


@pytest.mark.parametrize("path", ["consent", "consent_informed", "necessary_only"])
def test_each_condition_unknown_alone_leaves_sharing_open(path):
    s = situation(HOLDERS[0], "external_professional", "2026-11-23")
    del s[path]
    d = decide(s).to_dict()
    assert d["verdict"] == "undetermined" and path in d["missing"], d

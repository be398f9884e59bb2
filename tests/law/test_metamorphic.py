"""Metamorphic properties of the rule base, on every scenario with one fact changed at a time.

The properties and the seed passages they rest on are in ``tests/metamorphic.py``;
``scripts/metamorphic.py`` prints the same probe as a report. Each case of
``public.yaml`` and ``project.yaml`` is decided with each fact set to each accepted value
(or unknown) and with its date moved to either side of each day the law changes.
"""

from __future__ import annotations

from functools import cache

import pytest
from metamorphic import (
    NO_CARE_PARTNERS,
    Flag,
    closing_pairs,
    load_cases,
    mutations,
    pair_flags,
    probe,
    single_problems,
)

from depositaire.engine import decide, parse_situation

#: The properties kept as tests (``unknown_then_known`` is reported by the script only: a
#: rule may presume a fact on purpose, see ``Rule.presumptions``).
KEPT = (
    "single",
    "consent_closes",
    "condition_closes",
    "death_closes",
    "confidence_closes",
    "danger_opens",
    "shared_needs_all",
    "police_no_confidence",
)


@cache
def probed() -> tuple[int, tuple[Flag, ...]]:
    count, flags = probe()
    return count, tuple(flags)


def test_the_probe_changes_every_scenario_many_times():
    count, _ = probed()
    assert count > 100 * len(load_cases())


@pytest.mark.parametrize("prop", KEPT)
def test_no_transition_breaks_a_property_the_seeds_give(prop):
    broken = [f.line() for f in probed()[1] if f.prop == prop]
    assert broken == [], "\n".join(broken[:20])


SHARING = {
    "date": "2026-11-23",
    "holder": {"role": "social_worker", "institution": "cpas"},
    "information": {"nature": "secret_fact", "categories": ["income"]},
    "recipient": {"kind": "external_professional", "bound_by_secrecy": True, "same_mission": True},
    "request": {"kind": "care_collaboration"},
    "consent": "given",
    "consent_informed": True,
    "necessary_only": True,
    "in_person_interest": True,
}


def test_the_pair_check_can_fail():
    """A refusal followed by a ``share`` is flagged: the check is no tautology."""
    given = parse_situation(SHARING)
    refused = given.with_facts({"consent": "refused"})
    d_given, d_refused = decide(given, explain=False), decide(refused, explain=False)
    assert (d_given.verdict, d_refused.verdict) == ("share", "secret")
    assert pair_flags("x", "consent=refused", given, d_given, refused, d_refused) == []
    wrong = pair_flags("x", "consent=refused", refused, d_refused, refused, d_given)
    assert [f.prop for f in wrong] == ["consent_closes"]


def test_the_single_check_can_fail():
    """A ``share`` under shared secrecy toward the police would be flagged."""
    police = parse_situation({**SHARING, "recipient": {**SHARING["recipient"], "kind": "police"}})
    shared = decide(parse_situation(SHARING), explain=False)
    assert single_problems(police, shared)
    assert single_problems(parse_situation(SHARING), shared) == []


@pytest.mark.parametrize("kind", sorted(NO_CARE_PARTNERS))
def test_no_recipient_outside_care_and_help_shares_even_said_to_share_the_mission(kind):
    """003: « Uniquement entre intervenants […] qui poursuivent une même finalité (soins –
    aide) »; 004: « Le secret professionnel partagé ne peut être justifié dans ce cas
    présent »."""
    s = parse_situation({**SHARING, "recipient": {**SHARING["recipient"], "kind": kind}})
    d = decide(s, explain=False)
    assert not (d.verdict == "share" and "shared_secrecy" in d.rules), (kind, d.rules)
    assert "income" not in d.may_disclose


def test_the_mutations_cover_unknown_and_every_value():
    s = parse_situation(SHARING)
    changes = {change for change, _ in mutations(s)}
    assert {"consent=refused", "consent=not_asked", "consent=unknown"} <= changes
    assert "recipient.kind=police" in changes
    assert any(c.startswith("date=") for c in changes)


def test_the_458bis_check_can_fail():
    """A 458bis decision read against a situation naming the police is flagged."""
    abuse = {
        "date": "2026-11-23",
        "holder": {"role": "psychologist", "institution": "ambulatory_service"},
        "information": {"nature": "confidence", "categories": ["offence"]},
        "recipient": {"kind": "public_prosecutor"},
        "request": {"kind": "own_initiative_report"},
        "danger": {
            "exists": True,
            "serious": True,
            "imminent": True,
            "other_means_exhausted": True,
            "victim_minor_or_vulnerable": True,
            "offence_listed_458bis": True,
        },
    }
    s = parse_situation(abuse)
    d = decide(s, explain=False)
    assert "right_to_report_abuse" in d.rules and single_problems(s, d) == []
    police = parse_situation({**abuse, "recipient": {"kind": "police"}})
    assert any("458bis" in p for p in single_problems(police, d))


def test_two_closing_changes_together_never_open_the_answer():
    count, flags = closing_pairs()
    assert count > 100 * len(load_cases()) // 2
    assert [f.line() for f in flags] == []

"""Duties owed when a rule was in play but did not apply (``Rule.failure_duties``)."""

from __future__ import annotations

from depositaire.engine import decide

COMMITTEE = {
    "date": "2026-11-23",
    "holder": {"role": "social_worker", "institution": "cpas"},
    "information": {"nature": "secret_fact", "categories": ["household"]},
    "recipient": {"kind": "cpas_committee_preparation"},
    "request": {"kind": "aid_decision"},
    "necessary_only": True,
}


def test_a_refusal_that_stops_the_cpas_circuit_asks_the_worker_to_explain_the_consequence():
    d = decide({**COMMITTEE, "consent": "refused"})
    assert d.verdict == "secret"
    assert "explain_refusal_consequences" in d.duties


def test_no_refusal_duty_when_the_circuit_applies():
    d = decide(COMMITTEE)
    assert d.verdict == "share"
    assert "explain_refusal_consequences" not in d.duties


def test_no_refusal_duty_when_the_circuit_is_not_in_play():
    d = decide({**COMMITTEE, "recipient": {"kind": "police"}, "consent": "refused"})
    assert d.verdict == "secret"
    assert "explain_refusal_consequences" not in d.duties

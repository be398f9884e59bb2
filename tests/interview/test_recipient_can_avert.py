"""The state of necessity asks whether the recipient can avert the danger when it decides.

A competent authority (police, prosecutor, judge) is held able to avert it: « transmettre
aux autorités compétentes les informations nécessaires » (youth-care code art. 12, 001).
For anyone else the sources give no presumption (« il s'apprécie au cas par cas », 001):
the interview asks, and the answer turns the decision."""

from __future__ import annotations

import datetime as dt

from depositaire.engine import decide
from depositaire.interview import Interview

DAY = dt.date(2026, 11, 23)
DANGER = {
    "exists": True,
    "serious": True,
    "imminent": True,
    "other_means_exhausted": True,
    "victim_minor_or_vulnerable": False,
    "offence_listed_458bis": False,
}


def situation(recipient: str) -> dict:
    return {
        "date": "2026-11-23",
        "holder": {"role": "social_worker", "institution": "cpas"},
        "information": {"nature": "secret_fact", "categories": ["address"]},
        "recipient": {"kind": recipient},
        "request": {"kind": "own_initiative_report"},
        "danger": dict(DANGER),
    }


def asked_paths(start: dict) -> list[str]:
    interview = Interview(start, date=DAY)
    asked = []
    while (question := interview.next_question()) is not None:
        asked.append(question.path)
        interview.unknown(question.path)
    return asked


def test_the_interview_asks_whether_a_landlord_can_avert_the_danger():
    assert "danger.recipient_can_avert" in asked_paths(situation("landlord"))


def test_the_answer_decides_for_a_private_recipient():
    interview = Interview(situation("employer"), date=DAY)
    assert interview.next_question().path == "danger.recipient_can_avert"
    assert interview.decision.verdict == "undetermined"
    interview.answer("danger.recipient_can_avert", True)
    assert interview.decision.verdict == "may_disclose"
    interview.change("danger.recipient_can_avert", False)
    assert interview.decision.verdict == "secret"


def test_the_police_are_held_able_and_the_question_is_not_asked():
    assert "danger.recipient_can_avert" not in asked_paths(situation("police"))
    decision = decide(situation("police"))
    assert decision.verdict == "may_disclose" and "necessity" in decision.rules


def test_the_police_said_unable_take_necessity_out():
    facts = situation("police")
    facts["danger"]["recipient_can_avert"] = False
    assert decide(facts).verdict == "secret"

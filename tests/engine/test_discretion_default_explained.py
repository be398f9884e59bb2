"""For a holder bound only by discretion, the explanation's default is the discretion duty.

001, § 7-8: the discretion duty is no art. 458 secret — revealing is a fault (civil,
disciplinary), not an offence.
"""

from __future__ import annotations

from depositaire.engine import decide

CIVIL_SERVANT = {"role": "civil_servant", "institution": "other", "bound_by_secrecy": False}


def _explanation(situation: dict) -> list[str]:
    return decide(situation).to_dict()["explanation"]


def test_an_exception_for_a_civil_servant_bound_by_discretion_names_the_discretion_duty():
    for situation in (
        {
            "date": "2026-11-23",
            "holder": CIVIL_SERVANT,
            "information": {"nature": "secret_fact", "categories": ["offence"]},
            "recipient": {"kind": "public_prosecutor"},
            "request": {"kind": "own_initiative_report"},
            "danger": {"exists": False},
        },
        {
            "date": "2026-11-23",
            "holder": CIVIL_SERVANT,
            "information": {"nature": "secret_fact", "categories": ["address"]},
            "recipient": {"kind": "intelligence_service"},
            "request": {"kind": "informal_request"},
        },
    ):
        lines = _explanation(situation)
        assert any("devoir de discrétion interdit" in line for line in lines), lines
        assert not any("le révéler est une infraction" in line for line in lines), lines


def test_an_exception_for_a_holder_bound_by_secrecy_keeps_the_offence_of_art_458():
    lines = _explanation(
        {
            "date": "2026-11-23",
            "holder": {"role": "social_worker", "institution": "cpas"},
            "information": {"nature": "secret_fact", "categories": ["income"]},
            "recipient": {"kind": "judge"},
            "request": {"kind": "testimony", "under_oath": True},
        }
    )
    assert any("le révéler est une infraction" in line for line in lines), lines

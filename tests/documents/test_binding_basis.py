"""QA s11 (legal): what leaves the file names only provisions that bind this holder in this
situation. The law data declares whom a provision binds (``binds`` in provisions.yaml): the
psychologists' code the psychologist (003), the youth-care code the youth-care services
(001), art. 12 and 14 of the patients' rights act a minor or a person unable to consent
(003). The decision note kept in the file still cites every provision."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from depositaire.documents import basis
from depositaire.documents.letters import LetterInputs, build_letter
from depositaire.documents.markdown import render_markdown
from depositaire.engine import decide, parse_situation
from depositaire.engine.provisions import default_provisions
from depositaire.engine.schema import FACTS
from depositaire.messages import t

PSYCHOLOGISTS = t("documents.public_provisions.psychologists_code.14").lower()
PATIENTS = t("documents.public_provisions.patients_rights.12_14").lower()
YOUTH_CARE = t("documents.public_provisions.youth_care.code_7").lower()

SHARING: dict[str, Any] = {
    "date": "2026-11-23",
    "holder": {"role": "social_worker", "institution": "cpas"},
    "information": {"nature": "secret_fact", "categories": ["income"]},
    "recipient": {"kind": "external_professional", "bound_by_secrecy": True, "same_mission": True},
    "request": {"kind": "care_collaboration"},
    "consent": "given",
    "consent_informed": True,
    "necessary_only": True,
    "in_person_interest": True,
    "person": {"minor": False, "able_to_consent": True},
}

ACCESS: dict[str, Any] = {
    "date": "2026-11-23",
    "holder": {"role": "social_worker", "institution": "cpas"},
    "information": {"nature": "secret_fact", "categories": ["income"]},
    "recipient": {"kind": "the_person"},
    "request": {"kind": "access_request", "in_writing": True},
}


def _sharing(**changes: Any) -> dict[str, Any]:
    facts = copy.deepcopy(SHARING)
    for path, value in changes.items():
        group, name = path.split("__")
        facts[group][name] = value
    return facts


def _public(facts: dict[str, Any]) -> str:
    """What the extract and the report name for the shared secret (stored decision and
    situation, as the web keeps them)."""
    decision = decide(parse_situation(facts))
    assert decision.verdict == "share" and decision.rules == ["shared_secrecy"]
    rows = basis.rule_rows(
        [decision.to_dict()], ["shared_secrecy"], public=True, situations=[facts]
    )
    names = basis.public_names(decision.to_dict(), situation=facts)
    assert rows[0]["citations"], "never an empty basis"
    assert names, "never an empty basis"
    return " ".join([*rows[0]["citations"], *names]).lower()


def _letter(decision: Any, situation: Any) -> str:
    """The letter answering the person's written request (as the web builds it)."""
    letter = build_letter(decision, situation, LetterInputs(), incoming=True)
    return render_markdown(letter).lower()


def test_a_social_workers_shared_secret_does_not_name_the_psychologists_code() -> None:
    text = _public(_sharing())
    assert PSYCHOLOGISTS not in text
    assert PATIENTS not in text  # an adult able to consent
    # Nothing binding left among the permitting provisions: the general principle.
    assert t("documents.public_basis_none").lower() in text


def test_a_psychologists_shared_secret_names_the_psychologists_code() -> None:
    text = _public(_sharing(holder__role="psychologist"))
    assert PSYCHOLOGISTS in text
    assert t("documents.public_basis_none").lower() not in text


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"person__minor": True}, True),
        ({"person__able_to_consent": False}, True),
        ({}, False),
    ],
)
def test_the_patients_rights_representation_is_named_only_for_a_minor_or_unable_person(
    changes: dict[str, Any], named: bool
) -> None:
    assert (PATIENTS in _public(_sharing(**changes))) is named


def test_the_decision_note_of_the_file_still_cites_every_provision() -> None:
    decision = decide(parse_situation(_sharing()))
    cited = " ".join(basis.titles(decision)).lower()
    assert "psychologues" in cited and "droits du patient" in cited


def test_a_cpas_persons_access_letter_does_not_name_the_youth_care_code() -> None:
    situation = parse_situation(ACCESS)
    decision = decide(situation)
    assert decision.rules == ["person_access"]
    text = _letter(decision, situation)
    assert YOUTH_CARE not in text and "aide à la jeunesse" not in text
    assert t("documents.public_basis_none").lower() in text
    # The note of the file keeps it.
    assert any("aide à la jeunesse" in c.lower() for c in basis.titles(decision))


def test_a_youth_care_services_access_letter_names_the_youth_care_code() -> None:
    facts = copy.deepcopy(ACCESS)
    facts["holder"]["institution"] = "youth_care"
    situation = parse_situation(facts)
    text = _letter(decide(situation), situation)
    assert YOUTH_CARE in text


@pytest.mark.parametrize(("role", "named"), [("social_worker", False), ("doctor", True)])
def test_a_refusal_to_a_justice_assistant_names_the_medical_code_only_for_a_doctor(
    role: str, named: bool
) -> None:
    situation = parse_situation(
        {
            "date": "2026-11-23",
            "holder": {"role": role, "institution": "cpas"},
            "information": {"nature": "secret_fact", "categories": ["income"]},
            "recipient": {"kind": "justice_assistant"},
            "request": {"kind": "informal_request", "in_writing": True},
        }
    )
    decision = decide(situation)
    assert decision.rules == ["mandated_professional"]
    text = _letter(decision, situation)
    medical = t("documents.public_provisions.medical_code.44").lower()
    assert (medical in text) is named
    assert (t("documents.public_basis_none").lower() in text) is not named


def test_outside_a_cpas_nothing_binding_falls_back_to_article_458() -> None:
    facts = copy.deepcopy(ACCESS)
    facts["holder"]["institution"] = "pms_centre"
    situation = parse_situation(facts)
    decision = decide(situation)
    names = " ".join(basis.public_names(decision, situation=situation)).lower()
    assert YOUTH_CARE not in names and "458" in names


def test_unknown_facts_do_not_show_a_conditional_provision_binds() -> None:
    """A row stored without its situation: only what binds every holder, else art. 458."""
    stored = decide(parse_situation(_sharing(holder__role="psychologist"))).to_dict()
    names = " ".join(basis.public_names(stored)).lower()
    assert PSYCHOLOGISTS not in names and "458" in names


def test_every_declared_binding_is_a_fact_and_value_of_the_situation() -> None:
    declared = [v for v in default_provisions().versions if v.binds]
    assert {v.key for v in declared} >= {
        "psychologists_code.14",
        "patients_rights.12_14",
        "youth_care.code_7",
        "youth_care.code_12",
        "medical_code.44",
    }
    for version in declared:
        for alternative in version.binds:
            for path, values in alternative:
                assert path in FACTS, (version.key, path)
                spec = FACTS[path]
                for value in values:
                    accepted = spec.values if spec.values else (True, False)
                    assert value in accepted, (version.key, path, value)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"person.minor": True}, True),
        ({"person.minor": False, "person.able_to_consent": True}, False),
        ({"person.minor": False, "person.able_to_consent": False}, True),
        ({"person.minor": False}, None),
        ({}, None),
        ({"person.able_to_consent": True}, None),
    ],
)
def test_binding_is_three_valued(facts: dict[str, Any], expected: bool | None) -> None:
    """Review 5: a provision whose binding turns on a fact the situation does not give is
    neither bound nor unbound: « les faits connus ne disent pas »."""
    version = default_provisions().latest("patients_rights.12_14")
    assert version is not None
    assert version.binding_in(facts.get) is expected
    assert version.binds_in(facts.get) is (expected is True)


def test_unknown_binding_fact_is_said_unknown_not_unbinding() -> None:
    """The general note for a provision whose binding facts are unknown says the known facts
    do not tell, never that the provision does not bind (which would be a finding the
    facts do not support); with the facts that show it does not bind, it says so."""
    cited = basis.Cited("patients_rights.12_14", dt.date(2026, 11, 23), "patients", None, False)
    empty = basis.Basis("share", (), (cited,))
    unknown = basis.marked_title(cited, empty, {"person": {"minor": False}})
    assert t("documents.basis_binding_unknown") in unknown
    assert t("documents.basis_not_binding") not in unknown
    adult = basis.marked_title(cited, empty, {"person": {"minor": False, "able_to_consent": True}})
    assert t("documents.basis_not_binding") in adult
    assert t("documents.basis_binding_unknown") not in adult

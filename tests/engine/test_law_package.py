"""A law declares its facts, lists and derivations; the engine discovers the default one
and decides with the declarations of the rule base it is given."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

import depositaire.law
from depositaire.engine import (
    RuleBase,
    SituationError,
    decide,
    discovery,
    evaluate,
    parse_situation,
    schema,
)
from depositaire.engine.conditions import is_
from depositaire.engine.package import Derives, LawError, LawPackage
from depositaire.engine.provisions import default_provisions
from depositaire.engine.rules import Rule
from depositaire.engine.schema import FactSpec
from depositaire.law import criminal_procedure, school_health

KINDS = ("dog", "cat", "fish")


def _penalties(rules, verdict, facts, on):
    return ["civil_liability"] if verdict == "secret" else []


PET_LAW = LawPackage(
    name="test.pets",
    facts_declared=(
        FactSpec("pet.kind", "enum", KINDS),
        FactSpec("pet.registered", "bool", derived_from=("pet.kind",)),
        FactSpec("pet.chipped", "bool"),
    ),
    derivations=(
        Derives(
            "pet.registered",
            "pet.kind",
            {"dog": (True, "profession", ("penal_code.458",)), "fish": (False, "state", ())},
        ),
    ),
    lists={"KINDS": KINDS},
    penalties=_penalties,
)
PET_BASE = RuleBase(
    (
        Rule(
            id="professional_secrecy",
            kind="default",
            instrument="penal_code",
            verdict="secret",
            citations=("penal_code.458",),
        ),
        Rule(
            id="shared_secrecy",
            kind="exception",
            instrument="deontology",
            exception_to=("professional_secrecy",),
            verdict="share",
            scope=is_("pet.kind", *KINDS),
            conditions=is_("pet.registered", True),
            allows_confidences=False,
            citations=("penal_code.458",),
        ),
    ),
    version="test-pets",
    law=PET_LAW,
)


def test_a_rule_base_of_its_own_law_parses_derives_and_penalises_with_that_law():
    dog = decide({"pet": {"kind": "dog"}, "date": "2026-11-23"}, rule_base=PET_BASE, explain=False)
    assert dog.verdict == "share"
    assert [(d.path, d.value) for d in dog.trace.derivations] == [("pet.registered", True)]
    fish = decide({"pet": {"kind": "fish"}}, rule_base=PET_BASE, explain=False)
    assert fish.verdict == "secret"
    assert fish.penalties == ["civil_liability"]
    # a fact given wins over the derivation
    given = decide({"pet": {"kind": "fish", "registered": True}}, rule_base=PET_BASE)
    assert given.verdict == "share" and given.trace.derivations == []


def test_the_reference_interpreter_agrees_on_a_law_of_its_own():
    for pet in ({"kind": "dog"}, {"kind": "cat"}, {"kind": "fish"}, {"chipped": True}):
        s = parse_situation({"pet": pet}, law=PET_LAW, today=dt.date(2026, 11, 23))
        slow = evaluate(s, PET_BASE, default_provisions(), explain=False)
        fast = decide(s, rule_base=PET_BASE, explain=False)
        assert fast.to_dict() == slow.to_dict()
        assert s.with_facts({"pet.kind": "cat"}).to_contract()["pet"]["kind"] == "cat"


def test_each_law_refuses_the_facts_of_the_other():
    with pytest.raises(SituationError) as error:
        decide({"pet": {"kind": "dog"}})
    assert error.value.path == "pet"
    with pytest.raises(SituationError) as error:
        decide({"holder": {"role": "social_worker"}}, rule_base=PET_BASE)
    assert error.value.path == "holder"


def test_a_rule_on_a_fact_its_law_does_not_declare_is_refused():
    rule = Rule(
        id="professional_secrecy",
        kind="default",
        instrument="penal_code",
        verdict="secret",
        scope=is_("recipient.kind", "police"),
        citations=("penal_code.458",),
    )
    with pytest.raises(ValueError, match="unknown fact path"):
        RuleBase((rule,), version="x", law=PET_LAW)
    with pytest.raises(ValueError, match="not in the contract"):
        RuleBase((replace(rule, scope=is_("pet.kind", "bird")),), version="y", law=PET_LAW)


def test_a_law_that_contradicts_itself_is_refused():
    with pytest.raises(LawError, match="declared twice"):
        LawPackage("x", (FactSpec("pet.kind", "enum", KINDS), FactSpec("pet.kind", "bool")))
    with pytest.raises(LawError, match="two derivations"):
        LawPackage(
            "x",
            PET_LAW.facts_declared,
            (
                Derives("pet.registered", "pet.kind", {"dog": (True, "a", ())}),
                Derives("pet.registered", "pet.kind", {"dog": (False, "a", ())}),
            ),
        )
    with pytest.raises(LawError, match="not declared as derived"):
        LawPackage("x", PET_LAW.facts_declared, (Derives("pet.chipped", "pet.kind", {}),))


def test_the_default_law_is_discovered_once_and_is_the_law_package():
    assert discovery.default_rule_base() is discovery.default_rule_base()
    assert discovery.default_rule_base() is depositaire.law.default_rule_base()
    assert discovery.default_law() is depositaire.law.LAW


def test_the_engine_schema_names_are_views_of_what_the_law_modules_declare():
    assert schema.DISEASES is school_health.DISEASES
    assert schema.DISEASES_ON_SUSPICION is school_health.DISEASES_ON_SUSPICION
    assert schema.ADMINISTRATIVE_CATEGORIES is criminal_procedure.ADMINISTRATIVE_CATEGORIES
    assert schema.FACTS["disease"].values == school_health.DISEASES
    assert list(schema.FACTS)[:2] == ["date", "as_known_on"]
    assert schema.FACT_SPECS == depositaire.law.LAW.fact_specs
    with pytest.raises(AttributeError):
        _ = schema.NO_SUCH_LIST  # type: ignore[attr-defined]

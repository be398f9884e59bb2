"""``depositaire rules --check``: the real base is sound; a deliberately unsound one is caught."""

from __future__ import annotations

from typer.testing import CliRunner

from depositaire.cli import app
from depositaire.engine.check import check, satisfiable
from depositaire.engine.conditions import has, is_, is_not
from depositaire.engine.provisions import default_provisions
from depositaire.law import default_rule_base

runner = CliRunner()


def test_the_rule_base_passes_its_static_check():
    result = runner.invoke(app, ["rules", "--check"])
    assert result.exit_code == 0, result.output
    assert check(default_rule_base(), default_provisions()) == []


def test_a_rule_base_with_a_conflict_fails_the_check():
    result = runner.invoke(app, ["rules", "--check", "--rule-base", "fixtures.conflicting_rules"])
    assert result.exit_code == 1
    from fixtures.conflicting_rules import RULE_BASE

    kinds = {(p.kind, p.rules) for p in check(RULE_BASE, default_provisions())}
    assert ("conflict", ("necessity", "prosecutor_requisition")) in kinds
    assert ("never_fires", ("testimony",)) in kinds
    assert ("citation_without_text", ("teaching_research",)) in kinds


def test_declaring_the_priority_resolves_the_conflict():
    result = runner.invoke(app, ["rules", "--check", "--rule-base", "fixtures.sound_rules"])
    assert result.exit_code == 0, result.output


def test_an_unknown_rule_base_module_is_a_clear_error():
    result = runner.invoke(app, ["rules", "--check", "--rule-base", "no.such.module"])
    assert result.exit_code == 2
    assert "no.such.module" in result.output


def test_satisfiability_sees_contradictions_and_compatible_facts():
    assert not satisfiable([is_("consent", "given"), is_("consent", "refused")])
    assert not satisfiable([is_("danger.exists", True), is_not("danger.exists", True)])
    assert not satisfiable([has("information.categories", "address"), has_not_address()])
    assert satisfiable([is_("consent", "given", "refused"), is_not("consent", "given")])


def has_not_address():
    from depositaire.engine.conditions import Leaf

    return Leaf("information.categories", ("address",), contains=True, negate=True)


def test_rules_lists_every_rule_with_its_validity_and_what_is_not_modelled():
    result = runner.invoke(app, ["rules"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    for rule in default_rule_base().rules:
        assert rule.id in result.output
    assert "Ce que la base de règles ne modélise pas" in result.output


def test_the_rules_document_is_generated_from_the_code_and_up_to_date():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    result = runner.invoke(app, ["rules", "--markdown"])
    assert doc.read_text(encoding="utf-8") == result.output, (
        "run: depositaire rules --markdown > docs/rules.md"
    )
    for rule in default_rule_base().rules:
        assert f"`{rule.id}`" in result.output

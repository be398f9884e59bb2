"""The coverage map (``law/coverage.yaml``): every statement quoted verbatim from the seeds,
every rule of the base in it, every reference real, and ``docs/coverage.md`` up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from depositaire.cli import app
from depositaire.engine import decide
from depositaire.engine.coverage import default_coverage
from depositaire.engine.schema import FACTS
from depositaire.law import default_rule_base
from depositaire.messages import has, t

from .test_provisions import LAW_DIR, normalise, pieces, source_text

ROOT = Path(__file__).resolve().parents[2]
STATEMENTS = default_coverage()
DECISION_FIELDS = set(decide({"recipient": {"kind": "police"}}).to_dict())


@pytest.mark.parametrize("statement", STATEMENTS, ids=[s.id for s in STATEMENTS])
def test_every_statement_is_quoted_word_for_word_from_its_seed(statement):
    text = normalise(source_text(statement.source))
    position = 0
    for piece in pieces(statement.quote):
        found = text.find(piece, position)
        assert found >= 0, f"{statement.id}: not in {statement.source}: {piece[:80]!r}"
        position = found + len(piece)


def test_the_quote_check_itself_can_fail():
    text = normalise(source_text("001_fa6a8c0b420365de.txt"))
    assert normalise("Toute personne, du chef de sa fonction, peut parler.") not in text


def test_the_map_ids_are_unique_and_every_seed_is_in_it():
    ids = [s.id for s in STATEMENTS]
    assert len(ids) == len(set(ids))
    seeds = {p.name for p in (LAW_DIR / "sources").iterdir()}
    assert {s.source for s in STATEMENTS} == seeds


def test_every_rule_of_the_base_appears_in_the_map():
    named = {r for s in STATEMENTS for r in (*s.rules, *s.bears_on)}
    assert {r.id for r in default_rule_base().rules} - named == set()


def test_every_reference_of_the_map_exists():
    rules = set(default_rule_base().by_id)
    for s in STATEMENTS:
        assert set(s.rules) | set(s.bears_on) <= rules, s.id
        assert set(s.facts) <= set(FACTS), s.id
        for name in s.fields:
            if name.startswith("duties."):
                assert has(name), s.id
            else:
                assert name in DECISION_FIELDS, (s.id, name)


def test_every_statement_is_carried_or_declared_with_a_reason():
    for s in STATEMENTS:
        if s.modelled:
            assert s.rules or s.facts or s.fields, s.id
        else:
            assert has(f"not_modelled.items.{s.not_modelled}"), s.id


def test_the_fourteen_statements_of_issue_17_are_all_in_the_map():
    assert {s.issue for s in STATEMENTS if s.issue} == set(range(1, 15))


def test_a_declared_statement_is_shown_with_the_decisions_it_bears_on():
    decision = decide(
        {
            "date": "2026-11-23",
            "holder": {"role": "social_worker", "institution": "cpas"},
            "information": {"nature": "secret_fact", "categories": ["household"]},
            "recipient": {"kind": "case_consultation"},
            "request": {"kind": "case_consultation"},
            "consultation": {
                "legal_basis": "statute",
                "purpose": "integrity",
                "framework_defined": True,
            },
        }
    )
    note = t("not_modelled.items.consultation_prosecution_limit")
    assert decision.verdict == "may_disclose"
    assert note in decision.not_modelled
    assert t("explain.not_modelled", note=note) in decision.explanation
    police = decide({"recipient": {"kind": "police"}, "holder": {"role": "social_worker"}})
    assert note not in police.not_modelled


def test_the_coverage_document_is_generated_from_the_map_and_up_to_date():
    result = CliRunner().invoke(app, ["rules", "--coverage"])
    assert result.exit_code == 0
    doc = ROOT / "docs" / "coverage.md"
    assert doc.read_text(encoding="utf-8") == result.stdout, (
        "run: depositaire rules --coverage > docs/coverage.md"
    )
    counts = t(
        "docs.coverage.counts",
        total=len(STATEMENTS),
        modelled=sum(s.modelled for s in STATEMENTS),
        not_modelled=sum(not s.modelled for s in STATEMENTS),
        rules=len(default_rule_base().rules),
    )
    assert counts in result.stdout


def test_the_map_file_is_a_list_of_statements():
    data = yaml.safe_load((LAW_DIR / "coverage.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == len(STATEMENTS) >= 100

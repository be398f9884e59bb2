"""One function gives the legal basis to every caller (``depositaire.documents.basis``):
what was decided, with the rule base it was decided with, rendered in the reader's language."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

from depositaire.documents import basis
from depositaire.documents.letters import LetterInputs, build_letter
from depositaire.documents.markdown import render_markdown
from depositaire.engine import Rule, RuleBase, decide, parse_situation
from depositaire.messages import t, using_language

SRC = Path(__file__).resolve().parents[2] / "src" / "depositaire"


def _computes_a_basis(source: str) -> list[str]:
    """The functions of ``source`` that work out a legal basis themselves: they look rules
    up (``by_id``) and read their ``citations``, read ``citations`` or ``basis`` out of a
    stored decision, or read a decision's ``basis``."""
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        nodes = list(ast.walk(fn))
        attrs = {n.attr for n in nodes if isinstance(n, ast.Attribute)}
        stored = any(
            (
                isinstance(n, ast.Subscript)
                and isinstance(n.slice, ast.Constant)
                and n.slice.value in ("citations", "basis")
            )
            or (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr == "get"
                and n.args
                and isinstance(n.args[0], ast.Constant)
                and n.args[0].value in ("citations", "basis")
            )
            for n in nodes
        )
        if ("citations" in attrs and "by_id" in attrs) or stored or "basis" in attrs:
            found.append(fn.name)
    return found


def test_one_module_computes_the_legal_basis() -> None:
    """Outside the engine (which decides) and the law, one module: documents/basis.py."""
    places = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] in ("engine", "law") or "migrations" in rel.parts:
            continue
        if found := _computes_a_basis(path.read_text("utf-8")):
            places[str(rel)] = found
    assert list(places) == ["documents/basis.py"], places


def test_the_count_finds_the_ways_the_basis_used_to_be_computed() -> None:
    """The three former ways (letters, register, disclosures) are each caught."""
    letters = (
        "def legal_basis(decision):\n"
        "    by_id = default_rule_base().by_id\n"
        "    return {k for r in decision.rules if r in by_id for k in by_id[r].citations}\n"
    )
    register = "def basis_labels(d):\n    return [c['label'] for c in d.get('citations', [])]\n"
    disclosures = "def legal_basis(o):\n    return [c['id'] for c in o['decision']['citations']]\n"
    for source in (letters, register, disclosures):
        assert _computes_a_basis(source), source
    assert not _computes_a_basis("def f(decision):\n    return decision.verdict\n")


FIXTURE = RuleBase(
    (
        Rule(
            id="professional_secrecy",
            kind="default",
            instrument="penal_code",
            verdict="secret",
            citations=("cpas_organic_law.36",),
        ),
    ),
    version="fixture",
)
POLICE = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "police"},
    "request": {"kind": "informal_request", "in_writing": True},
    "date": "2024-05-02",
}


def test_a_letter_cites_the_provisions_of_the_rule_base_that_decided() -> None:
    situation = parse_situation(POLICE)
    decision = decide(situation, rule_base=FIXTURE)
    assert decision.verdict == "secret"
    assert [(b.rule, b.provisions) for b in decision.basis] == [
        ("professional_secrecy", ("cpas_organic_law.36",))
    ]
    letter = render_markdown(build_letter(decision, situation, LetterInputs())).lower()
    assert t("documents.public_provisions.cpas_organic_law.36").lower() in letter
    # The default rule base rests the same rule on art. 458: the letter does not cite it.
    art_458 = t("documents.public_provisions.penal_code.458").lower()
    assert art_458 not in letter
    default = decide(situation)
    assert art_458 in render_markdown(build_letter(default, situation, LetterInputs())).lower()


def test_a_stored_decision_keeps_the_basis_it_was_decided_with() -> None:
    stored = decide(parse_situation(POLICE), rule_base=FIXTURE).to_dict()
    assert stored["basis"] == [
        {
            "rule": "professional_secrecy",
            "version": "professional_secrecy",
            "provisions": ["cpas_organic_law.36"],
        }
    ]
    found = basis.legal_basis(stored)
    assert found.as_decided
    assert [c.key for c in found.provisions()] == ["cpas_organic_law.36"]
    name = t("documents.public_provisions.cpas_organic_law.36")
    assert basis.public_names(stored) == (name[:1].upper() + name[1:],)


def test_a_row_stored_before_decisions_kept_their_basis_reads_the_default_rule_base() -> None:
    stored = copy.deepcopy(decide(parse_situation(POLICE)).to_dict())
    del stored["basis"]
    for citation in stored["citations"]:
        del citation["since"]
    found = basis.legal_basis(stored)
    assert not found.as_decided
    assert "penal_code.458" in [c.key for c in found.provisions()]
    assert basis.titles(stored) == basis.titles(decide(parse_situation(POLICE)))


def test_the_basis_is_rendered_in_the_readers_language() -> None:
    decision = decide(parse_situation(POLICE))
    french = basis.titles(decision)
    with using_language("nl"):
        dutch = basis.titles(decision)
        stored_dutch = basis.titles(decision.to_dict())
    assert french != dutch
    assert dutch == stored_dutch
    assert any("Strafwetboek" in title for title in dutch)


def test_a_disclosure_lists_each_rule_with_the_provisions_it_rested_on() -> None:
    situation = parse_situation(POLICE)
    decision = decide(situation, rule_base=FIXTURE)
    rows = basis.rule_rows([decision.to_dict()], ["professional_secrecy"], public=False)
    assert rows == [
        {
            "id": "professional_secrecy",
            "title": t("rules.professional_secrecy.title"),
            "citations": [decision.citations[0].title],
        }
    ]
    assert decision.citations[0].id == "cpas_organic_law.36"
    # Only permitting provisions by their public names (art. 36 permits).
    public = basis.rule_rows([decision.to_dict()], ["professional_secrecy"], public=True)
    name = basis.public_name("cpas_organic_law.36", decision.date) or ""
    assert public[0]["citations"] == [name[:1].upper() + name[1:]]

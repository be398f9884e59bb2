"""One definition each: a set the engine defines is not copied elsewhere.

A static scan of the sources (``ast``): a literal set of strings (``{…}``,
``frozenset({…})``, ``set([…])``) equal to the engine's set of disclosing verdicts
(``depositaire.engine.rules.DISCLOSING``) may stand only in ``engine/rules.py``; every
other module imports it, so that a new disclosing verdict is added in one place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import depositaire
from depositaire.engine.rules import DISCLOSING

PACKAGE = Path(depositaire.__file__).parent
HOME = PACKAGE / "engine" / "rules.py"


def _string_sets(path: Path) -> list[tuple[int, frozenset[str]]]:
    """Every literal set of strings in ``path`` (a set display, or a list, tuple or set
    display given to ``frozenset``/``set``), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, frozenset[str]]] = []
    for node in ast.walk(tree):
        elements: list[ast.expr] | None = None
        if isinstance(node, ast.Set):
            elements = node.elts
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") in ("frozenset", "set")
            and len(node.args) == 1
            and isinstance(node.args[0], ast.List | ast.Tuple)
        ):
            elements = node.args[0].elts
        if not elements:
            continue
        if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements):
            found.append((node.lineno, frozenset(e.value for e in elements)))  # type: ignore[attr-defined]
    return found


def test_the_disclosing_verdicts_are_defined_once() -> None:
    copies = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != HOME
        for line, values in _string_sets(path)
        if values == DISCLOSING
    ]
    assert copies == []


def test_the_scan_finds_the_definition_it_guards() -> None:
    # The scan reads the engine's own definition: a scan that found nothing could not fail.
    assert any(values == DISCLOSING for _line, values in _string_sets(HOME))

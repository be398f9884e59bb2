"""Every word a person reads comes from the catalogue: none is written in the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from depositaire.messages import catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "depositaire"
FILES = sorted([*SRC.joinpath("interview").glob("*.py"), *SRC.joinpath("documents").glob("*.py")])
KEY = re.compile(r"""\bt\(\s*f?["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")
FRENCH_WORDS = re.compile(r"\b(vous|votre|les|une|des|pour|est|sont|aucun|réponse|lettre)\b", re.I)


def code_strings(path: Path) -> list[str]:
    """String literals outside docstrings and comments."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_interview_and_documents_modules_exist():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_french_sentence_is_written_in_the_code(path):
    for text in code_strings(path):
        assert not FRENCH_WORDS.search(text), (path.name, text)
        assert text.isascii() or set(text) <= set("«»…—•→ "), (path.name, text)


def test_every_catalogue_key_the_code_names_literally_exists():
    keys = {k for path in FILES for k in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(keys) > 30, "the pattern found too few keys: the test would prove little"
    assert sorted(k for k in keys if k not in catalogue()) == []

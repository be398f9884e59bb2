"""Every word of the API's OpenAPI document comes from the catalogue: no French literal
in web/api outside it, and the schema's descriptions follow the active language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import depositaire.web.api as api_package

FRENCH = re.compile(r"[àâçéèêëîïôûùüÿœ«»]|\b(le|la|les|des|une|du|dans)\b", re.IGNORECASE)


def _descriptions() -> list[tuple[str, int, str]]:
    found = []
    for path in Path(api_package.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in {"description", "title"}:
                value = node.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((path.name, node.lineno, value.value))
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "description"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        found.append((path.name, value.lineno, value.value))
    return found


def test_no_french_description_outside_the_catalogue() -> None:
    french = [d for d in _descriptions() if FRENCH.search(d[2])]
    assert french == []


def _literal_texts(node: ast.expr) -> list[str]:
    """The text written in ``node`` itself: a string, or an f-string's fixed parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    return []


def _raised_literals() -> list[tuple[str, int, str]]:
    """Every string written into a raised exception in web/api (``raise X("...")``)."""
    found = []
    for path in Path(api_package.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                given = [*node.exc.args, *(k.value for k in node.exc.keywords)]
                for arg in given:
                    found += [(path.name, node.lineno, text) for text in _literal_texts(arg)]
    return found


def test_no_french_raised_message_outside_the_catalogue() -> None:
    assert _raised_literals(), "the scan found no raise at all"
    french = [r for r in _raised_literals() if FRENCH.search(r[2])]
    assert french == []


def test_the_nul_refusal_follows_the_active_language() -> None:
    import pytest

    from depositaire.messages import t, using_language
    from depositaire.web.api.schemas import AnswerIn

    for lang in ("fr", "nl"):
        with using_language(lang):
            expected = t("api.errors.nul")
            with pytest.raises(ValueError) as caught:
                AnswerIn.model_validate({"path": "a\x00b", "value": ["x"]})
        assert expected in str(caught.value)


def test_a_field_description_follows_the_active_language() -> None:
    from depositaire.messages import t, using_language
    from depositaire.web.api.schemas import DecisionOut

    for lang in ("fr", "nl"):
        with using_language(lang):
            schema = DecisionOut.model_json_schema()
            assert schema["properties"]["date"]["description"] == t("api.fields.decision_date")
    with using_language("fr"):
        french = t("api.fields.decision_date")
    with using_language("nl"):
        assert t("api.fields.decision_date") != french

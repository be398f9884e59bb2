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

"""The layers, both ways: the engine holds no law, the law needs nothing but the engine.

A static scan of the sources (``ast``): every ``import`` and ``from … import`` of every
module, at the top or inside a function, and every string constant of the engine. The
engine finds the law through the entry point group ``depositaire.law`` (pyproject.toml),
never by naming it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
import yaml

import depositaire

PACKAGE = Path(depositaire.__file__).parent
ENGINE = PACKAGE / "engine"
LAW = PACKAGE / "law"


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "sources" not in p.relative_to(folder).parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports or opens by name (absolute names; relative imports
    resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(("depositaire", *path.relative_to(PACKAGE).parent.parts))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # ``from depositaire import law`` names the module in the alias
            found.extend((node.lineno, f"{name}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call):
            # importlib.import_module("…") / __import__("…") with a literal name
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            # resources.files("…"), importlib.util.find_spec("…") read or find a package too
            if called in ("import_module", "__import__", "files", "find_spec") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((node.lineno, arg.value))
    return found


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _law_citation_prefixes() -> set[str]:
    """The instruments the law cites (``penal_code``, ``cpas_organic_law`` …), read from the
    law's own provisions file: the first part of each provision key."""
    entries = yaml.safe_load((LAW / "provisions.yaml").read_text(encoding="utf-8"))
    return {str(e["key"]).split(".", 1)[0] for e in entries}


def _is_law(name: str) -> bool:
    return name == "depositaire.law" or name.startswith("depositaire.law.")


def engine_violations() -> list[str]:
    prefixes = _law_citation_prefixes()
    out: list[str] = []
    for path in _modules(ENGINE):
        where = path.relative_to(PACKAGE)
        for line, name in _imports(path):
            if _is_law(name):
                out.append(f"{where}:{line} imports {name}")
        for line, text in _strings(path):
            for prefix in prefixes:
                # a citation key of the law: "penal_code.458", "cpas_organic_law.36" …
                if f"{prefix}." in text and any(
                    token.startswith(f"{prefix}.") and len(token) > len(prefix) + 1
                    for token in text.replace("(", " ").replace(")", " ").replace(",", " ").split()
                ):
                    out.append(f"{where}:{line} holds the citation key {text!r}")
    return out


#: What a module of the law may import besides the standard library.
LAW_MAY_IMPORT = ("depositaire.engine", "depositaire.messages", "depositaire.law", "yaml")


def law_violations() -> list[str]:
    stdlib = sys.stdlib_module_names | {"__future__"}
    out: list[str] = []
    for path in _modules(LAW):
        where = path.relative_to(PACKAGE)
        for line, name in _imports(path):
            top = name.split(".", 1)[0]
            if top in stdlib:
                continue
            if name == "depositaire" or any(
                name == allowed or name.startswith(f"{allowed}.") for allowed in LAW_MAY_IMPORT
            ):
                continue
            out.append(f"{where}:{line} imports {name}")
    return out


def test_the_engine_imports_nothing_of_the_law_and_holds_no_citation_key():
    assert engine_violations() == []


def test_the_law_imports_only_the_engine_the_messages_the_stdlib_and_pyyaml():
    assert law_violations() == []


def test_the_scan_sees_imports_at_any_depth_and_citation_keys(tmp_path, monkeypatch):
    """The scan can fail: a function-level import, a relative import, a resource read and
    a citation key planted in a copy of the engine are all found."""
    fake = tmp_path / "depositaire"
    (fake / "engine").mkdir(parents=True)
    (fake / "law").mkdir()
    (fake / "law" / "provisions.yaml").write_text(
        (LAW / "provisions.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (fake / "engine" / "planted.py").write_text(
        "def f():\n"
        "    from depositaire.law.penalties import penalties_for\n"
        "    from ..law import deontology\n"
        "    from importlib import resources\n"
        "    resources.files('depositaire.law')\n"
        "    return ('penal_code.458',)\n",
        encoding="utf-8",
    )
    (fake / "law" / "planted.py").write_text(
        "import django\nfrom depositaire.web import views\nimport json, yaml\n"
        "from depositaire.engine.rules import Rule\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    monkeypatch.setattr(sys.modules[__name__], "ENGINE", fake / "engine")
    monkeypatch.setattr(sys.modules[__name__], "LAW", fake / "law")
    found = engine_violations()
    assert any("imports depositaire.law.penalties" in v for v in found), found
    assert any("imports depositaire.law.deontology" in v for v in found), found
    assert any(v.endswith("imports depositaire.law") for v in found), found
    assert any("'penal_code.458'" in v for v in found), found
    assert law_violations() == ["law/planted.py:1 imports django"] + [
        "law/planted.py:2 imports depositaire.web",
        "law/planted.py:2 imports depositaire.web.views",
    ]


@pytest.mark.parametrize("name", ["depositaire.law"])
def test_the_engine_finds_the_law_by_its_entry_point(name):
    from importlib.metadata import entry_points

    found = entry_points(group=name)
    assert [ep.value for ep in found] == ["depositaire.law:default_rule_base"]

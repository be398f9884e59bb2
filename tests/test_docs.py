"""Docs that cannot drift: every setting and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from depositaire.cli import app

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"\bDEPOSITAIRE_[A-Z_]+\b")


def variables_read_by_the_code() -> set[str]:
    found: set[str] = set()
    for folder in ("src", "scripts"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".sh"} and path.is_file():
                found |= set(VARIABLE.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_environment_variable_is_in_the_settings_doc():
    documented = set(VARIABLE.findall((ROOT / "docs/settings.md").read_text(encoding="utf-8")))
    used = variables_read_by_the_code()
    assert len(used) >= 10
    assert sorted(used - documented) == []


def command_paths(command, prefix: str = "") -> list[str]:
    paths = []
    for name, sub in getattr(command, "commands", {}).items():
        path = f"{prefix} {name}".strip()
        paths += command_paths(sub, path) if hasattr(sub, "commands") else [path]
    return paths


def test_every_command_is_shown_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = command_paths(typer.main.get_command(app))
    assert {"evaluate", "rules", "law", "consult", "demo code", "journal verify"} <= set(commands)
    missing = [c for c in commands if c != "demo" and f"depositaire {c}" not in readme]
    assert missing == []
    assert "make run" in readme  # the demo command is what `make run` starts

"""Templates keep to the Content-Security-Policy and to the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "depositaire" / "web" / "templates"
FILES = sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_template_has_no_inline_script_style_or_event_handler(path: Path) -> None:
    text = path.read_text("utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text and not re.search(r"\sstyle=", text), "inline style"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert "hx-on" not in text and "javascript:" not in text


def test_every_catalogue_key_a_template_names_exists() -> None:
    from depositaire.messages import catalogue

    keys = catalogue()
    missing = []
    for path in FILES:
        for key in re.findall(r"""\{%\s*t\s+["']([a-z0-9_.]+)["']""", path.read_text("utf-8")):
            if not key.endswith(".") and key not in keys:
                missing.append(f"{path.name}: {key}")
    assert not missing

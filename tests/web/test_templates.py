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


def test_every_plural_message_a_template_names_has_its_singular_and_its_plural() -> None:
    from depositaire.messages import plural_keys

    plurals = plural_keys()
    named = [
        (path.name, key)
        for path in FILES
        for key in re.findall(r"""\{%\s*tn\s+["']([a-z0-9_.]+)["']""", path.read_text("utf-8"))
    ]
    assert named, "no template uses {% tn %}"
    assert not [f"{name}: {key}" for name, key in named if key not in plurals]


def test_a_catalogue_message_with_a_value_the_template_escaped_is_escaped_once() -> None:
    from django.template import Context, Template

    html = Template(
        '{% load dep %}{% t "incoming.examine.dropped" items=dropped|join:", " %}'
    ).render(Context({"dropped": ["procédure d'asile", "<b>"]}))
    assert "procédure d&#x27;asile" in html and "&amp;#x27;" not in html
    assert "&lt;b&gt;" in html and "&amp;lt;" not in html
    # A value given raw is escaped too, and so is the message itself.
    raw = Template('{% load dep %}{% t "incoming.examine.dropped" items=x %}').render(
        Context({"x": "<script>"})
    )
    assert "&lt;script&gt;" in raw and "<script>" not in raw


def test_the_shared_field_template_gives_its_help_the_id_the_field_points_to() -> None:
    import re as _re

    from django import forms
    from django.template.loader import render_to_string

    class Form(forms.Form):
        name = forms.CharField(help_text="Le nom tel qu'il figure sur la demande.")

    html = render_to_string("incoming/_field.html", {"field": Form()["name"]})
    described = _re.search(r'aria-describedby="([^"]+)"', html)
    assert described, html
    assert f'id="{described.group(1)}"' in html


def test_a_catalogue_message_in_a_template_without_autoescape_is_left_as_written() -> None:
    from django.template import Context, Template

    text = Template(
        '{% load dep %}{% autoescape off %}{% t "incoming.examine.dropped" items=x %}'
        '{% tn "incoming.follow_up.age" count=n %}{% endautoescape %}'
    ).render(Context({"x": "procédure d'asile", "n": 2}))
    assert "procédure d'asile" in text and "2 jours" in text

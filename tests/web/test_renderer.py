"""The form renderer writes in Python exactly what Django's widget templates write.

``depositaire.web.renderer.FormRenderer`` replaces the templates of the common widgets
(inputs, selects, radio buttons, check boxes, labels, empty error lists) by Python. Here
every form of every page, and a form of awkward widgets, is rendered both ways: the
markup must be the same, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from depositaire.web import renderer as fast
from web.factories import World
from web.test_access import SPECS


class Shadow:
    """Every render through the fast path is also rendered by Django's templates."""

    def __init__(self) -> None:
        self.compared: dict[str, int] = {}
        self.differences: list[tuple[str, str, str]] = []

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        ours = ORIGINAL(fast.FormRenderer(), template_name, context, request)
        if template_name in fast.WRITERS:
            django = DjangoTemplates.render(fast.FormRenderer(), template_name, context, request)
            self.compared[template_name] = self.compared.get(template_name, 0) + 1
            if ours != django:
                self.differences.append((template_name, ours, django))
        return ours


ORIGINAL = fast.FormRenderer.render


@pytest.fixture
def shadow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Shadow]:
    checker = Shadow()
    monkeypatch.setattr(
        fast.FormRenderer,
        "render",
        lambda self, name, ctx, request=None: checker.render(name, ctx, request),
    )
    yield checker


class Awkward(forms.Form):
    """Widgets with the cases a template handles quietly: markup in labels and values,
    boolean and safe attributes, groups, numbers, nothing chosen, several chosen."""

    text = forms.CharField(
        label='Nom <b>"&',
        initial='a "b" <c> & d',
        widget=forms.TextInput(attrs={"placeholder": "x<y", "autofocus": True, "hidden": False}),
        help_text="aide",
    )
    number = forms.IntegerField(initial=12345, widget=forms.NumberInput(attrs={"min": 0}))
    hidden = forms.CharField(widget=forms.HiddenInput, initial=mark_safe("<i>s</i>"))
    empty = forms.CharField(required=False)
    when = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    flag = forms.BooleanField(required=False, initial=True)
    choice = forms.ChoiceField(
        choices=[
            ("", "— choisir —"),
            ("a&b", 'A "&" <B>'),
            ("Groupe <g>", [(1, "un"), (2, mark_safe("<em>deux</em>"))]),
            (("t", 1), "tuple"),
        ],
        initial="a&b",
        widget=forms.Select(attrs={"class": "wide", "data-x": 'q"q'}),
    )
    several = forms.MultipleChoiceField(
        choices=[("x", "X <1>"), ("y", "Y"), ("Groupe", [("z", "Z"), ("w", "W")])],
        initial=["y", "w"],
        widget=forms.SelectMultiple,
    )
    radio = forms.ChoiceField(
        choices=[("1", "Un & un"), ("2", "Deux"), ("Groupe", [("3", "Trois")])],
        widget=forms.RadioSelect(attrs={"class": "inline"}),
        initial="2",
    )
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", 'B "b"'), ("c", "C")],
        widget=forms.CheckboxSelectMultiple,
        initial=["a", "c"],
    )
    no_id_radio = forms.ChoiceField(choices=[("1", "Un")], widget=forms.RadioSelect)


def _render_all(form: forms.Form) -> str:
    parts = []
    for field in form:
        parts += [str(field), str(field.label_tag()), str(field.errors), str(field.legend_tag())]
    parts.append(str(form.non_field_errors()))
    parts.append(str(form))  # each field through django/forms/field.html
    return "\n".join(parts)


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "with errors"])
def test_awkward_widgets_are_written_as_the_templates_write_them(
    shadow: Shadow, bound: bool
) -> None:
    data = {"text": "<x>", "number": "nope", "choice": "zzz", "boxes": ["b", "q"]}
    form = Awkward(data if bound else None, auto_id="id_%s")
    _render_all(form)
    no_ids = Awkward(data if bound else None, auto_id=False)
    _render_all(no_ids)
    assert not shadow.differences, shadow.differences[0]
    for name in ("select.html", "radio.html", "checkbox_select.html", "text.html", "hidden.html"):
        assert shadow.compared.get(fast.WIDGETS + name), name
    assert shadow.compared.get("django/forms/label.html")
    assert shadow.compared.get("django/forms/field.html")


def test_the_fast_path_writes_the_common_widgets_without_their_templates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without it, the test above would compare Django's templates with themselves."""
    used: list[str] = []
    original = DjangoTemplates.render

    def spy(self: Any, name: str, context: Any, request: Any = None) -> str:
        used.append(name)
        return str(original(self, name, context, request))

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    form = Awkward(auto_id="id_%s", renderer=fast.FormRenderer())
    html = _render_all(form)
    assert "<select" in html and 'type="radio"' in html and 'type="checkbox"' in html
    assert used == ["django/forms/div.html"]  # the form's own layout stays a template


def test_an_unusual_widget_is_left_to_the_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    original = DjangoTemplates.render

    def spy(self: Any, name: str, context: Any, request: Any = None) -> str:
        used.append(name)
        return str(original(self, name, context, request))

    monkeypatch.setattr(DjangoTemplates, "render", spy)

    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    field = forms.ChoiceField(choices=[("1", "Un")], widget=OwnOption)
    form = forms.Form(renderer=fast.FormRenderer())
    form.fields["x"] = field
    str(form["x"])
    assert used == [fast.WIDGETS + "select.html"]


def test_the_settings_name_the_renderer() -> None:
    from django.conf import settings
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "depositaire.web.renderer.FormRenderer"
    assert isinstance(get_default_renderer(), fast.FormRenderer)


@pytest.mark.django_db
def test_every_page_renders_its_forms_as_the_templates_would(
    client: Any, world: World, shadow: Shadow
) -> None:
    """Each page of the access table, as the first role allowed (GET), or posted as the
    table posts it (forms sent back with their errors)."""
    seen = 0
    for spec in SPECS:
        if not spec.ok or spec.name.startswith("api:") or spec.name == "accounts:logout":
            continue
        role = sorted(spec.ok)[0]
        client.force_login(world.a.users[role])
        url = spec.url(world.a)
        response = (
            client.post(url, spec.data(world.a)) if spec.method == "post" else client.get(url)
        )
        assert response.status_code < 500, (spec.id, response.status_code)
        seen += 1
    assert seen > 40
    assert not shadow.differences, shadow.differences[0]
    assert shadow.compared.get(fast.WIDGETS + "select.html", 0) > 10
    assert shadow.compared.get(fast.WIDGETS + "checkbox_select.html", 0) > 3
    assert shadow.compared.get(fast.WIDGETS + "radio.html", 0) > 3
    assert shadow.compared.get("django/forms/field.html", 0) > 10

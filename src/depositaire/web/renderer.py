"""The form renderer: Django's widget templates, the common ones written out in Python.

Django renders each widget through a chain of small templates, and a choice widget
includes one template per option (``select_option.html`` → ``attrs.html``;
``radio_option.html`` → ``input_option.html`` → ``input.html`` → ``attrs.html``): the
request form's ~240 options cost ~90 % of that page's CPU. :class:`FormRenderer` writes
the same markup in Python for the plain widgets (inputs, selects, radio buttons and
check boxes, labels, an empty error list) and hands everything else (and anything
unusual: a custom option template, a callable attribute) to Django's templates. The
output is byte for byte Django's: ``tests/web/test_renderer.py`` renders every form of
the application both ways and compares. Escaping is Django's own (``conditional_escape``
after ``localize``, as a template variable is), so a label or a value cannot inject
markup here any more than through the templates.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"

#: Templates that are only ``{% include "django/forms/widgets/input.html" %}`` + newline.
INPUT_TEMPLATES = frozenset(
    WIDGETS + f"{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "number",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "url",
        "tel",
        "search",
        "color",
        "checkbox",
    )
)
OPTION_INPUT_TEMPLATES = frozenset(
    {WIDGETS + "input_option.html", WIDGETS + "radio_option.html", WIDGETS + "checkbox_option.html"}
)
SELECT_OPTION = WIDGETS + "select_option.html"


class Unusual(Exception):
    """Something the Python path does not write: Django's templates render it."""


def _text(value: Any) -> str:
    """``{{ value }}`` (autoescaped, localised)."""
    if type(value) is str:  # the common case: localize() and template_localtime() keep it
        return html.escape(value)
    if callable(value):  # a template would call it
        raise Unusual
    return str(conditional_escape(localize(template_localtime(value))))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if callable(value):
        raise Unusual
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031 - the filter's own
    return text if isinstance(value, SafeData) else str(escape(text))


def _attrs(attrs: Any) -> str:
    """``django/forms/widgets/attrs.html`` (and ``django/forms/attrs.html``, the same)."""
    if not isinstance(attrs, Mapping):
        raise Unusual
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + _text(name))
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _get(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ mapping.key }}``: a missing key is "" (``string_if_invalid``)."""
    value = mapping.get(key, "")
    if callable(value):
        raise Unusual
    return value


def _input(widget: Mapping[str, Any]) -> str:
    """``input.html`` (its newline included)."""
    if "value" not in widget:
        raise Unusual
    value = _get(widget, "value")
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - the template's !=
    return (
        f'<input type="{_text(_get(widget, "type"))}" name="{_text(_get(widget, "name"))}"'
        f"{shown}{_attrs(_get(widget, 'attrs'))}>\n"
    )


def _input_option(option: Mapping[str, Any]) -> str:
    """``radio_option.html`` / ``checkbox_option.html``: ``input_option.html`` + newline."""
    attrs = _get(option, "attrs")
    wrap = _get(option, "wrap_label")
    out = ""
    if wrap:
        ident = attrs.get("id", "") if isinstance(attrs, Mapping) else ""
        out += f'<label for="{_text(ident)}">' if ident else "<label>"
    out += _input(option)
    if wrap:
        out += f" {_text(_get(option, 'label'))}</label>"
    # input_option.html's own newline, and radio_option.html's (or checkbox_option.html's).
    template = option.get("template_name")
    return out + ("\n" if template == WIDGETS + "input_option.html" else "\n\n")


def _select_option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{_formatted(_get(option, "value"))}"'
        f"{_attrs(_get(option, 'attrs'))}>{_text(_get(option, 'label'))}</option>\n"
    )


def _optgroups(widget: Mapping[str, Any]) -> list[tuple[Any, list[Mapping[str, Any]]]]:
    groups = widget.get("optgroups")
    if not isinstance(groups, list):
        raise Unusual
    return [(group[0], group[1]) for group in groups]


def _select(widget: Mapping[str, Any]) -> str:
    out = [f'<select name="{_text(_get(widget, "name"))}"{_attrs(_get(widget, "attrs"))}>']
    for group_name, options in _optgroups(widget):
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option.get("template_name") != SELECT_OPTION:
                raise Unusual
            out.append("\n  " + _select_option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _multiple_input(widget: Mapping[str, Any]) -> str:
    attrs = _get(widget, "attrs")
    if not isinstance(attrs, Mapping):
        raise Unusual
    ident, css = attrs.get("id", ""), attrs.get("class", "")
    out = ["<div"]
    if ident:
        out.append(f' id="{_text(ident)}"')
    if css:
        out.append(f' class="{_text(css)}"')
    out.append(">")
    for group, options in _optgroups(widget):
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            if option.get("template_name") not in OPTION_INPUT_TEMPLATES:
                raise Unusual
            out.append("<div>\n    " + _input_option(option) + "</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


def _label(context: Mapping[str, Any]) -> str:
    label = _text(context.get("label", ""))
    if not context.get("use_tag"):
        return label
    tag = _text(context.get("tag", ""))
    attrs = context.get("attrs")  # None when the field has no id: the loop writes nothing
    return f"<{tag}{_attrs(attrs) if attrs is not None else ''}>{label}</{tag}>"


def _errors(context: Mapping[str, Any]) -> str:
    if context.get("errors"):
        raise Unusual  # errors are rare: Django's template writes them
    return ""


def _field(context: Mapping[str, Any]) -> str:
    """``django/forms/field.html`` (``{{ field.as_field_group }}``, each field of ``{{ form }}``)."""
    field = context.get("field")
    if field is None or len(context) != 1:
        raise Unusual
    fieldset = field.use_fieldset
    if fieldset:
        described = field.aria_describedby
        out = "\n  <fieldset" + (f' aria-describedby="{_text(described)}"' if described else "")
        out += ">\n  " + (_text(field.legend_tag()) if field.label else "") + "\n"
    else:
        out = "\n  " + (_text(field.label_tag()) if field.label else "") + "\n"
    out += "\n"
    if field.help_text:
        ident = field.auto_id
        out += '<div class="helptext"' + (f' id="{_text(ident)}_helptext"' if ident else "")
        out += f">{mark_safe(field.help_text)}</div>"  # noqa: S308 - the template's |safe
    out += "\n" + _text(field.errors) + "\n" + _text(field)
    return out + ("</fieldset>" if fieldset else "") + "\n"


def _widget(write: Callable[[Mapping[str, Any]], str]) -> Callable[[Mapping[str, Any]], str]:
    def render(context: Mapping[str, Any]) -> str:
        widget = context.get("widget")
        if not isinstance(widget, Mapping) or len(context) != 1:
            raise Unusual
        return write(widget)

    return render


WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{name: _widget(_input) for name in INPUT_TEMPLATES},
    WIDGETS + "select.html": _widget(_select),
    WIDGETS + "radio.html": _widget(_multiple_input),
    WIDGETS + "checkbox_select.html": _widget(_multiple_input),
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
}


class FormRenderer(DjangoTemplates):
    """Django's default renderer (``DjangoTemplates``), the common widgets written in Python."""

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        write = WRITERS.get(template_name)
        if write is not None and isinstance(context, Mapping):
            try:
                return write(context).strip()
            except Unusual:
                pass
        return str(super().render(template_name, context, request=request))

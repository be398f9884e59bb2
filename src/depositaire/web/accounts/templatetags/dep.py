"""Template words from the catalogue: ``{% load dep %}{% t "web.key" name=value %}``."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import template
from django.conf import settings
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString

from depositaire.engine.explain import disclosure_label as _disclosure_label
from depositaire.engine.explain import elide as _elide
from depositaire.engine.explain import format_date
from depositaire.engine.explain import value_label as _value_label
from depositaire.messages import t as _t
from depositaire.messages import tn_template as _tn

register = template.Library()


@register.simple_tag(name="t", takes_context=True)
def t_tag(context: template.Context, key: str, **params: Any) -> str:
    """The catalogue message ``key``, escaped once.

    Without parameters the template engine escapes it like any value. With parameters the
    message and each value are escaped here and the result marked safe: a value the
    template has escaped already (``items=list|join:", "``) is not escaped a second time
    ("procédure d&#x27;asile" was shown as typed).
    """
    if not params or not context.autoescape:
        return _t(key, **params)
    return format_html(escape(_t(key)), **params)


@register.simple_tag(name="tn", takes_context=True)
def tn_tag(context: template.Context, key: str, count: int, **params: Any) -> str:
    """``{% tn "key" count=n %}`` — the singular or plural form of ``key`` for ``n``."""
    if not context.autoescape:
        return _tn(key, count).format(count=count, **params)
    return format_html(escape(_tn(key, count)), count=count, **params)


@register.filter
def category_label(category: str) -> str:
    return _disclosure_label(category)


@register.filter
def categories_label(categories: list[str] | None) -> str:
    return ", ".join(category_label(c) for c in categories or []) or _t("web.common.none")


@register.filter
def value_label(value: Any, path: str) -> str:
    """``{{ consent|value_label:"consent" }}`` — the engine's label of one fact value."""
    return _value_label(path, value)


@register.filter
def why(outcome: Any) -> str:
    """``{{ outcome|why }}`` — the « Pourquoi » of a disclosure's outcome (live or stored),
    in the reader's language (:func:`depositaire.web.disclosures.preparation.why_text`)."""
    from depositaire.web.disclosures.preparation import why_text

    return why_text(outcome)


@register.filter
def explanation(outcome: Any) -> dict[str, Any]:
    """``{% with x=outcome|explanation %}`` — a stored outcome's full explanation in the
    reader's language, or as recorded with a note saying why
    (:func:`depositaire.web.disclosures.preparation.stored_explanation`)."""
    from depositaire.web.disclosures.preparation import stored_explanation

    return stored_explanation(outcome)


@register.filter
def nationality(code: str) -> str:
    """``{{ person.nationality|nationality }}`` — "Maroc (MA)"."""
    from depositaire.web.cases.countries import nationality_label

    return nationality_label(code or "")


@register.filter
def fr_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return _t("web.common.none")
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value)


@register.filter
def fr_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return _t("web.common.none")
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _t("web.common.datetime", date=format_date(local.date()), time=local.strftime("%H:%M"))


@register.simple_tag(name="once_token", takes_context=True)
def once_token_tag(context: template.Context, scope: str = "") -> str:
    """The hidden one-time token of a form that creates a record (:mod:`depositaire.web.once`)."""
    from django.utils.safestring import mark_safe

    from depositaire.web.once import hidden_field

    return mark_safe(hidden_field(context["request"], scope or None))  # noqa: S308


@functools.lru_cache(maxsize=4096)
def _reversed(
    urlconf: str,
    prefix: str,
    current_app: str | None,
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[Any, ...],
) -> str:
    """Django's ``reverse()`` for one URL configuration, script prefix and current
    application (all in the key: a test that swaps one gets its own answers); a refusal
    (NoReverseMatch) is not remembered."""
    return reverse(
        view_name, urlconf=urlconf, args=list(args), kwargs=dict(kwargs), current_app=current_app
    )


def _plain(value: Any) -> bool:
    """An integer or a string (a template's literal, the view's name, is a ``SafeString``:
    a string marked safe, whose text is the string's)."""
    return type(value) is int or type(value) is str or type(value) is SafeString


def _key(value: Any) -> Any:
    """The value as the cache's key holds it: a string as a plain ``str``."""
    return str.__str__(value) if type(value) is SafeString else value


class URLNode(defaulttags.URLNode):
    """Django's ``{% url %}``, with each URL reversed once per process.

    Reversing a URL with parameters costs Django about 0.1 ms of CPU, and a file's page
    shows dozens. The answer depends only on the URL configuration, the script prefix,
    the current application, the view name and the values; values other than integers
    and strings go to Django's ``reverse()`` as before."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:  # as Django's node finds it
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            if (
                _plain(view_name)
                and type(view_name) is not int
                and (current_app is None or type(current_app) is str)
                and all(map(_plain, args))
                and all(map(_plain, kwargs.values()))
            ):
                url = _reversed(
                    get_urlconf() or settings.ROOT_URLCONF,
                    get_script_prefix(),
                    _key(current_app),
                    _key(view_name),
                    tuple(map(_key, args)),
                    tuple(sorted((k, _key(v)) for k, v in kwargs.items())),
                )
            else:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag(name="url")
def url_tag(parser: Any, token: Any) -> URLNode:
    """``{% url %}`` as Django parses it, rendered by :class:`URLNode`."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)


#: First words of an organisation's name that French takes with « du » (« du CPAS de
#: Testville », never « de CPAS »): masculine nouns written without their article.
MASCULINE_HEADS = frozenset(
    {"cpas", "centre", "service", "conseil", "bureau", "office", "département", "ministère"}
)


def of_organisation(name: str) -> str:
    """« de » and an organisation's name as the catalogue writes them (``web.of_organisation``:
    « de le {name} », « de les {name} », « de {name} » in French), contracted and elided by
    the engine's one French elision (:func:`depositaire.engine.explain.elide`): « du CPAS
    de Testville », « de l'Office des étrangers », « des Services… », « d'Ailleurs », « de
    Testville ». Only the words the template adds and the name's first are elided, never
    the rest of the name as it was written; in Dutch the templates are written whole."""
    text = (name or "").strip()
    first, _, rest = text.partition(" ")
    head = first.casefold()
    if head == "le" and rest:
        key, text = "web.of_organisation.masculine", rest
    elif head == "les" and rest:
        key, text = "web.of_organisation.plural", rest
    elif head in MASCULINE_HEADS:
        key = "web.of_organisation.masculine"
    else:
        key = "web.of_organisation.plain"
    first, space, rest = text.partition(" ")
    joined = _elide(_t(key, name=first))
    if joined.endswith(first):
        return joined + space + rest
    return _elide(_t(key, name=text))  # a template that does not end with the name


register.filter("of_organisation", of_organisation)


#: Fragments of the layout rendered once per process for each set of values they are
#: given (``{% fragment %}``): at most this many, all dropped when full.
FRAGMENTS = 512
_fragments: dict[tuple[Any, ...], tuple[dict[str, str], SafeString]] = {}


def forget_fragments() -> None:
    """Drop every rendered fragment (tests)."""
    _fragments.clear()


def _fragment_value(value: Any) -> bool:
    """A value a fragment may be keyed on: ``None``, a boolean, an integer, a string, or a
    tuple or list of those."""
    if value is None or type(value) in (bool, int, str, SafeString):
        return True
    return type(value) in (tuple, list) and all(map(_fragment_value, value))


def _frozen(value: Any) -> Any:
    if type(value) in (tuple, list):
        return tuple(map(_frozen, value))
    return _key(value)


class _App:
    """What ``{% url %}`` reads of the request inside a fragment: the current application."""

    def __init__(self, current_app: str | None) -> None:
        self.current_app = current_app


class FragmentNode(template.Node):
    """``{% fragment "name" a=x b=y %}…{% endfragment %}``: the part of the page between
    the two tags, rendered once per process for each set of the values it is given.

    The part sees nothing but those values: not the request, not the user, not the CSRF
    token, not the messages (a name it reads that it is not given is empty, everywhere:
    the tests of each page show it). Its key is those values, the name, the language of
    the messages and their catalogue, the URL configuration, the script prefix and the
    current application (for ``{% url %}``) and whether the page escapes. A value other
    than ``None``, a boolean, an integer, a string or a list of those is rendered every
    time (still seeing only its values)."""

    def __init__(self, name: str, values: dict[str, Any], nodelist: template.NodeList) -> None:
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        from depositaire.messages import current_catalogue, current_language

        values = {k: v.resolve(context) for k, v in self.values.items()}
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        inner = template.Context(
            {**values, "request": _App(current_app)}, autoescape=context.autoescape
        )
        inner.template = context.template  # the engine's settings (string_if_invalid)
        cacheable = all(map(_fragment_value, values.values())) and (
            current_app is None or type(current_app) is str
        )
        if not cacheable:
            return self.nodelist.render(inner)
        messages = current_catalogue()
        key = (
            self.name,
            tuple(sorted((k, _frozen(v)) for k, v in values.items())),
            current_language(),
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
            _key(current_app),
            context.autoescape,
        )
        kept = _fragments.get(key)
        if kept is not None and kept[0] is messages:
            return kept[1]
        html = SafeString(self.nodelist.render(inner))
        if len(_fragments) >= FRAGMENTS:
            _fragments.clear()
        _fragments[key] = (messages, html)
        return html


@register.tag(name="fragment")
def fragment_tag(parser: Any, token: Any) -> FragmentNode:
    """``{% fragment "name" key=value … %}…{% endfragment %}`` (:class:`FragmentNode`)."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name first")
    values = template.base.token_kwargs(bits[2:], parser, support_legacy=False)
    if len(values) != len(bits) - 2:
        raise template.TemplateSyntaxError("{% fragment %} takes name=value pairs after its name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(bits[1][1:-1], values, nodelist)

"""The one catalogue of words a person reads.

Every French sentence shown by the engine, the command line, the interview,
the documents and the web application comes from this catalogue through
:func:`t`. It is kept in one file per domain (``fr.yaml`` for the engine and
the command line, ``fr.<domain>.yaml`` for the others), merged into one
mapping; a key defined twice is an error. Keys are dotted English identifiers; Dutch is
the sibling family ``nl*.yaml`` with the same keys.

The language is chosen per call, not per process: :func:`using_language` sets it for a
block (a web request, a command, a document); outside any block ``DEPOSITAIRE_LANGUAGE``
(default ``fr``) applies. Messages defined at import time use :func:`lazy_t`, rendered
in the language active when they are shown.

Test hook: ``DEPOSITAIRE_EXTRA_CATALOGUE`` names a folder whose ``<language>*.yaml`` files
are read after the packaged ones (a key defined in both is taken from the folder); the tests
use it to develop against a throwaway catalogue, never the packaged one.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

import yaml

DEFAULT_LANGUAGE = "fr"


class MissingMessage(KeyError):
    """A key that the catalogue does not hold (a programming error)."""


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = str(node)


#: The languages the application speaks (a catalogue family each).
LANGUAGES: tuple[str, ...] = ("fr", "nl")


class UnknownLanguage(ValueError):
    """A language outside :data:`LANGUAGES` (bad input: the caller names the accepted ones)."""


def _is_of(name: str, language: str) -> bool:
    return name == f"{language}.yaml" or (
        name.startswith(f"{language}.") and name.endswith(".yaml")
    )


#: libyaml's safe loader when PyYAML was built with it (the catalogue loads 10x faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_family(folder: Any, language: str, out: dict[str, str], *, override: bool) -> None:
    names = sorted(entry.name for entry in folder.iterdir() if _is_of(entry.name, language))
    for name in names:
        part: dict[str, str] = {}
        text = folder.joinpath(name).read_text("utf-8")
        _flatten("", yaml.load(text, Loader=_LOADER) or {}, part)  # noqa: S506 - a safe loader
        clash = out.keys() & part.keys()
        if clash and not override:
            raise ValueError(f"{name}: keys defined twice in the catalogue: {sorted(clash)}")
        out.update(part)


def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """All messages of ``language`` as a flat ``{dotted.key: text}`` mapping."""
    return _catalogue(language, os.environ.get("DEPOSITAIRE_EXTRA_CATALOGUE", ""))


@cache
def _catalogue(language: str, extra: str) -> dict[str, str]:
    out: dict[str, str] = {}
    _read_family(resources.files(__package__), language, out, override=False)
    if extra:
        from pathlib import Path

        _read_family(Path(extra), language, out, override=True)
    return out


def check_language(language: str) -> str:
    """``language`` if the application speaks it, else :class:`UnknownLanguage`."""
    if language not in LANGUAGES:
        raise UnknownLanguage(language)
    return language


#: The language of the rendering in progress (see :func:`using_language`).
_ACTIVE: ContextVar[str | None] = ContextVar("depositaire_language", default=None)


def default_language() -> str:
    """The language when nothing chose one: ``DEPOSITAIRE_LANGUAGE``, else French."""
    return os.environ.get("DEPOSITAIRE_LANGUAGE", DEFAULT_LANGUAGE)


def current_language() -> str:
    """The active language: the innermost :func:`using_language`, else the default."""
    return _ACTIVE.get() or default_language()


@contextmanager
def using_language(language: str | None) -> Iterator[str]:
    """Render in ``language`` inside the block (``None`` keeps the active one)."""
    if language is None:
        yield current_language()
        return
    check_language(language)
    token = _ACTIVE.set(language)
    pinned = _PINNED.set(None)
    try:
        yield language
    finally:
        _PINNED.reset(pinned)
        _ACTIVE.reset(token)


#: The catalogue fixed for the rendering in progress (see :func:`one_language`).
_PINNED: ContextVar[dict[str, str] | None] = ContextVar("depositaire_catalogue", default=None)


@contextmanager
def one_language() -> Iterator[None]:
    """Read the language once for a whole rendering (an explanation, a document):
    inside the block, :func:`t` uses that catalogue instead of asking the environment
    for every message."""
    if _PINNED.get() is not None:
        yield
        return
    language = _ACTIVE.get() or default_language()
    token = _PINNED.set(catalogue(language))
    active = _ACTIVE.set(language)  # what ``current_language`` answers inside, read once
    try:
        yield
    finally:
        _ACTIVE.reset(active)
        _PINNED.reset(token)


def _current() -> dict[str, str]:
    pinned = _PINNED.get()
    return pinned if pinned is not None else catalogue(current_language())


def current_catalogue() -> dict[str, str]:
    """The messages :func:`t` reads now (the pinned catalogue, else the active language's):
    the same object while neither changes (a cache keyed on what a rendering read)."""
    return _current()


def has(key: str) -> bool:
    return key in _current()


def t(key: str, /, **params: object) -> str:
    """The message ``key``, with ``{name}`` placeholders filled from ``params``."""
    template = _current().get(key)
    if template is None:
        # A message the other language lacks (the parity test names it) is shown in
        # French rather than failing the page; a key no catalogue has is a bug.
        template = catalogue(DEFAULT_LANGUAGE).get(key)
        if template is None:
            raise MissingMessage(key)
    return template.format(**params) if params else template


#: Cardinal plural categories, from the Unicode CLDR plural rules for each language
#: (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html):
#: French "one" for i = 0,1 ("0 jour", "1 jour", "2 jours") and "many" for whole millions
#: ("1 000 000 de jours"); Dutch "one" for 1 only ("0 dagen", "1 dag"). Written here rather
#: than taken from Babel: two languages, whole numbers only, and no 30 MB of locale data.
_PLURAL_RULES: dict[str, Callable[[int], str]] = {
    "fr": lambda n: "one" if n in (0, 1) else ("many" if n % 1_000_000 == 0 else "other"),
    "nl": lambda n: "one" if n == 1 else "other",
}


def lazy_t(key: str, /, **params: object) -> str:
    """:func:`t` evaluated when the text is shown, not when it is defined (labels, choices,
    help written at import time). Django's ``lazy`` proxy: it behaves as a ``str``
    (Django is imported only here: the engine, which never calls it, does not need it)."""
    return lazy_text(_t_now, key, **params)


def lazy_text(render: Callable[..., str], /, *args: object, **params: object) -> str:
    """``render(*args)`` evaluated when shown: a label helper called at import
    (``lazy_text(value_label, "recipient.kind", k)`` in a form's choices)."""
    from django.utils.functional import lazy  # type: ignore[import-untyped]

    return lazy(render, str)(*args, **params)  # type: ignore[no-any-return]


def _t_now(key: str, /, **params: object) -> str:
    return t(key, **params)


def plural_form(count: int, language: str | None = None) -> str:
    """The CLDR plural category (``one``, ``many`` or ``other``) of ``count`` in ``language``."""
    rule = _PLURAL_RULES.get(language or current_language(), _PLURAL_RULES["nl"])
    return rule(abs(int(count)))


def tn_template(key: str, count: int, /) -> str:
    """The unformatted message of ``key`` for ``count``: ``key.one``, ``key.many`` or
    ``key.other`` (a missing ``many`` falls back to ``other``)."""
    messages = _current()
    form = plural_form(count)
    for candidate in (f"{key}.{form}", f"{key}.other"):
        if candidate in messages:
            return messages[candidate]
    raise MissingMessage(f"{key}.{form}")


def tn(key: str, count: int, /, **params: object) -> str:
    """The message ``key`` in the form ``count`` asks for, with ``{count}`` and ``params`` filled:
    ``tn("incoming.follow_up.age", 1)`` → « 1 jour », with 6 → « 6 jours »."""
    return tn_template(key, count).format(count=count, **params)


def plural_keys() -> set[str]:
    """The keys that have plural forms (``key.one`` and ``key.other`` both defined)."""
    messages = catalogue(current_language())
    return {
        k.removesuffix(".one")
        for k in messages
        if k.endswith(".one") and f"{k.removesuffix('.one')}.other" in messages
    }


def t_or(key: str, default: str, /, **params: object) -> str:
    """Like :func:`t`, falling back to ``default`` when the key is absent."""
    return t(key, **params) if has(key) else default


def placeholders(key: str) -> set[str]:
    """The ``{names}`` a message expects (used by the catalogue tests)."""
    return {
        name
        for _, name, _, _ in string.Formatter().parse(catalogue(current_language())[key])
        if name
    }

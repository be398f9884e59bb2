"""A situation: the facts a decision may depend on, validated against the contract.

Input is the contract's nested YAML/JSON; inside the engine a situation is a flat
mapping from dotted fact paths to values, where an absent path is an unknown fact.
Every validation error names the offending key or value and, for an enumeration,
lists the accepted values, in French, from the message catalogue.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import yaml

from depositaire.engine.schema import FactSpec
from depositaire.messages import t

if TYPE_CHECKING:
    from depositaire.engine.package import LawPackage

FactValue = bool | str | frozenset[str] | dt.date


class SituationError(ValueError):
    """Bad input: the message is French and names the problem; ``path`` the fact."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class Situation(Mapping[str, FactValue]):
    """An immutable, validated set of facts keyed by dotted path."""

    __slots__ = ("_facts", "_law", "date")

    def __init__(
        self, facts: Mapping[str, FactValue], date: dt.date, law: LawPackage | None = None
    ) -> None:
        self._facts: dict[str, FactValue] = dict(facts)
        self._facts["date"] = date
        self.date = date
        #: The law whose facts these are (None: the default law).
        self._law = law

    @classmethod
    def _adopt(
        cls, facts: dict[str, FactValue], date: dt.date, law: LawPackage | None
    ) -> Situation:
        """A situation over ``facts``, a dict the caller just built and hands over."""
        self = cls.__new__(cls)
        facts["date"] = date
        self._facts = facts
        self.date = date
        self._law = law
        return self

    def __getitem__(self, path: str) -> FactValue:
        return self._facts[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)

    def __repr__(self) -> str:
        return f"Situation({self._facts!r})"

    @property
    def as_known_on(self) -> dt.date:
        """The day the law is read: ``as_known_on`` if given, else today."""
        value = self._facts.get("as_known_on")
        return value if isinstance(value, dt.date) else dt.date.today()

    @property
    def facts(self) -> dict[str, FactValue]:
        """The underlying flat mapping (read it, do not change it)."""
        return self._facts

    def with_facts(self, changes: Mapping[str, FactValue | None]) -> Situation:
        """A copy with some facts set (a ``None`` value forgets the fact)."""
        facts = dict(self._facts)
        date = self.date
        specs = _law_of(self._law).facts
        for path, value in changes.items():
            if path == "date" and isinstance(value, dt.date):
                date = value
            elif value is None:
                facts.pop(path, None)
            else:
                facts[path] = _validate(specs[path], value, path)
        return Situation(facts, date, self._law)

    def to_contract(self) -> dict[str, Any]:
        """The nested form of the contract (YAML/JSON-ready)."""
        out: dict[str, Any] = {}
        for path, value in self._facts.items():
            plain: Any = value
            if isinstance(value, frozenset):
                plain = sorted(value, key=_law_of(self._law).facts[path].values.index)
            elif isinstance(value, dt.date):
                plain = value.isoformat()
            if "." in path:
                group, name = path.split(".", 1)
                out.setdefault(group, {})[name] = plain
            else:
                out[path] = plain
        return out


def _law_of(law: LawPackage | None) -> LawPackage:
    if law is not None:
        return law
    return _default_law()()


@functools.cache
def _default_law() -> Callable[[], LawPackage]:
    """:func:`~depositaire.engine.discovery.default_law`, imported once (late: it imports
    this module)."""
    from depositaire.engine.discovery import default_law

    return default_law


def _accepted(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _validate(spec: FactSpec, value: object, path: str) -> FactValue:
    values = spec.value_set
    if spec.type == "enum" and value.__class__ is str and value in values:
        return value  # the common case first, without building anything
    if spec.type == "bool":
        if isinstance(value, bool):
            return value
        raise SituationError(t("error.not_boolean", path=path, value=value), path)
    if spec.type == "enum":
        if isinstance(value, str) and value in spec.values:
            return value
        raise SituationError(
            t("error.unknown_value", path=path, value=value, accepted=_accepted(spec.values)),
            path,
        )
    if spec.type == "enum_list":
        if isinstance(value, frozenset):
            items: list[object] = list(value)
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            raise SituationError(t("error.not_list", path=path, value=value), path)
        for item in items:
            if not (isinstance(item, str) and item in values):
                raise SituationError(
                    t(
                        "error.unknown_value",
                        path=path,
                        value=item,
                        accepted=_accepted(spec.values),
                    ),
                    path,
                )
        return frozenset(str(i) for i in items)
    return _parse_date(value, path)


def _parse_date(value: object, path: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise SituationError(t("error.bad_date", path=path, value=value), path)


#: How the fast path checks a fact: the value's exact class and the accepted values
#: (enumerations and booleans), a list of values, a date, the situation's own date.
_LIST, _DATE, _SITUATION_DATE = 0, 1, 2
_BOOLS: frozenset[bool] = frozenset((True, False))
#: One fact's check: (dotted path, the value's class or a kind above, accepted values).
_Check = tuple[str, type | int, frozenset[Any]]


class _Checks:
    """A law's facts arranged for the fast path of :func:`parse_situation`: for each
    group, its sub-keys; for each top-level key, its check (built once per law)."""

    __slots__ = ("groups", "top")

    def __init__(self, law: LawPackage) -> None:
        def check(spec: FactSpec) -> _Check:
            if spec.path == "date":
                return (spec.path, _SITUATION_DATE, frozenset())
            if spec.type == "bool":
                return (spec.path, bool, _BOOLS)
            if spec.type == "enum":
                return (spec.path, str, spec.value_set)
            if spec.type == "enum_list":
                return (spec.path, _LIST, spec.value_set)
            return (spec.path, _DATE, frozenset())

        self.groups: dict[str, dict[str, _Check]] = {group: {} for group in law.groups}
        self.top: dict[str, _Check] = {}
        for path, spec in law.facts.items():
            group, _, sub = path.partition(".")
            if sub and group in self.groups:
                self.groups[group][sub] = check(spec)
            if path not in self.groups:
                self.top[path] = check(spec)


#: Each law's checks (a law package is hashed by identity).
_CHECKS: dict[LawPackage, _Checks] = {}


def _checks_of(law: LawPackage) -> _Checks:
    checks = _CHECKS.get(law)
    if checks is None:
        checks = _CHECKS[law] = _Checks(law)
    return checks


#: Today's date and the span of time (seconds since the epoch) it lasts, local time.
_TODAY: tuple[dt.date, float, float] = (dt.date.min, 0.0, 0.0)


def _today() -> dt.date:
    """``date.today()``, read again only when the cached day is over."""
    global _TODAY
    now = time.time()
    day, start, end = _TODAY
    if start <= now < end:
        return day
    day = dt.date.fromtimestamp(now)
    start = dt.datetime.combine(day, dt.time()).timestamp()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).timestamp()
    _TODAY = (day, start, end)
    return day


#: What :func:`_fast_value` returns for a value the fast path leaves to the full validator.
_UNSURE: Any = object()


def _fast_value(kind: type | int, accepted: frozenset[Any], item: Any) -> Any:
    """A value that is not of the plain class of its fact (a list, a date), or
    ``_UNSURE`` when it is not plainly valid."""
    if item.__class__ is kind:
        return item if item in accepted else _UNSURE
    if kind is _LIST:
        if item.__class__ is not list:
            return _UNSURE
        for entry in item:
            if entry.__class__ is not str or entry not in accepted:
                return _UNSURE
        return frozenset(item)
    if kind is _DATE or kind is _SITUATION_DATE:
        if item.__class__ is dt.date:
            return item
        if item.__class__ is str:
            try:
                return dt.date.fromisoformat(item.strip())
            except ValueError:
                return _UNSURE
    return _UNSURE


def _fast_parse(
    data: dict[Any, Any], checks: _Checks
) -> tuple[dict[str, FactValue], dt.date | None] | None:
    """The facts of well-formed input, or ``None`` at the first thing that is not plainly
    valid (the full validator then decides, and words the error if there is one)."""
    facts: dict[str, Any] = {}
    date: dt.date | None = None
    groups, top = checks.groups, checks.top
    sub: Any
    item: Any
    for key, value in data.items():
        subs = groups.get(key)
        if subs is None:
            check = top.get(key)
            if check is None:
                return None
            if value is None:
                continue
            path, kind, accepted = check
            item = _fast_value(kind, accepted, value)
            if item is _UNSURE:
                return None
            if kind is _SITUATION_DATE:
                date = item
            else:
                facts[path] = item
            continue
        if value is None:
            continue
        if value.__class__ is not dict:
            return None
        for sub, item in value.items():
            check = subs.get(sub)
            if check is None:
                return None
            if item is None:
                continue
            path, kind, accepted = check
            if item.__class__ is kind and item in accepted:  # the common case, inline
                facts[path] = item
                continue
            item = _fast_value(kind, accepted, item)
            if item is _UNSURE:
                return None
            facts[path] = item
    return facts, date


def parse_situation(
    data: object, *, today: dt.date | None = None, law: LawPackage | None = None
) -> Situation:
    """Validate the contract's nested mapping and flatten it into a :class:`Situation`,
    against the facts ``law`` declares (default: the default law's)."""
    declared = _law_of(law)
    if data.__class__ is dict and data:
        fast = _fast_parse(data, _CHECKS.get(declared) or _checks_of(declared))
        if fast is not None:
            facts, date = fast
            return Situation._adopt(facts, date or today or _today(), law)
    return _parse_fully(data, today=today, declared=declared, law=law)


def _parse_fully(
    data: object, *, today: dt.date | None, declared: LawPackage, law: LawPackage | None
) -> Situation:
    """Every check, in the order of the input: the first problem found is the one named."""
    if data is None or data == {} or data == "":
        raise SituationError(t("error.empty"))
    if not isinstance(data, Mapping):
        raise SituationError(t("error.not_mapping", kind=type(data).__name__))
    FACTS, GROUPS = declared.facts, declared.groups
    facts: dict[str, FactValue] = {}
    date = today or _today()
    # The lists of accepted keys are built only for an error message.
    for key, value in data.items():
        key = str(key)
        if key in GROUPS:
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise SituationError(t("error.group_not_mapping", path=key), key)
            for sub, subvalue in value.items():
                path = f"{key}.{sub}"
                spec = FACTS.get(path)
                if spec is None:
                    accepted = sorted(p.split(".", 1)[1] for p in FACTS if p.startswith(key + "."))
                    raise SituationError(
                        t("error.unknown_key", path=path, accepted=", ".join(accepted)), path
                    )
                if subvalue is not None:
                    facts[path] = _validate(spec, subvalue, path)
        elif key in FACTS:
            if value is None:
                continue
            if key == "date":
                date = _parse_date(value, key)
            else:
                facts[key] = _validate(FACTS[key], value, key)
        else:
            top_level = sorted({p.split(".", 1)[0] for p in FACTS})
            raise SituationError(
                t("error.unknown_key", path=key, accepted=", ".join(top_level)), key
            )
    return Situation._adopt(facts, date, law)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text so a bad date gets our own message."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_document(text: str, *, fmt: str | None = None) -> object:
    """Parse YAML or JSON text, raising :class:`SituationError` on malformed input."""
    if not text.strip():
        raise SituationError(t("error.empty"))
    stripped = text.lstrip()
    as_json = fmt == "json" or (fmt is None and stripped[:1] in "{[")
    if as_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SituationError(
                t("error.malformed_json", line=exc.lineno, column=exc.colno)
            ) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else "?"
        column = mark.column + 1 if mark else "?"
        raise SituationError(t("error.malformed_yaml", line=line, column=column)) from None
    except yaml.YAMLError:
        raise SituationError(t("error.malformed_yaml", line="?", column="?")) from None


def load_situation(text: str, *, fmt: str | None = None, today: dt.date | None = None) -> Situation:
    """Parse and validate a situation from YAML or JSON text."""
    return parse_situation(load_document(text, fmt=fmt), today=today)

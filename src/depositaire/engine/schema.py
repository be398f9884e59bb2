"""The situation contract as data: a fact is a dotted path, a type and accepted values.

The engine declares only what every situation has whatever the law: its ``date`` and the
day the law is read (``as_known_on``). Every other fact, and every list of values a law
needs (roles, recipient kinds, categories, the diseases to report …), is declared by the
law module that needs it and discovered (:mod:`depositaire.engine.discovery`).

The names of the contract (``shared/spec/situation.md``, v1) are never renamed; facts
marked ``extension`` are additions of this project (``docs/situation-extensions.md``).

``FACTS``, ``FACT_SPECS``, ``GROUPS`` and the law's named lists (``CATEGORIES``,
``RECIPIENT_KINDS``, ``DISEASES`` …) stay importable from here: they are views of the
default law's declarations, resolved at first use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

FactType = Literal["bool", "enum", "enum_list", "date"]

#: The pseudo-category that stands for everything the person confided (the value of
#: ``information.nature`` the evaluator's disclosure reads).
CONFIDENCE: Final = "confidence"


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One fact of the contract: its dotted path, type and accepted values.

    ``derived_from``: when the fact is not given, the law may derive it from these facts,
    tried in this order (the tables come from the law's declarations)."""

    path: str
    type: FactType
    values: tuple[str, ...] = ()
    extension: bool = False
    derived_from: tuple[str, ...] = ()
    #: ``values`` as a set (membership on the hot path of parsing).
    value_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "value_set", frozenset(self.values))


def bools(prefix: str, *names: str, extension: bool = False) -> list[FactSpec]:
    """Boolean facts ``prefix.name`` (or ``name`` for an empty prefix)."""
    return [FactSpec(f"{prefix}.{n}" if prefix else n, "bool", extension=extension) for n in names]


#: The facts of every situation, whatever the law.
ENGINE_FACTS: Final[tuple[FactSpec, ...]] = (
    FactSpec("date", "date"),
    #: The day the law is read (bi-temporal): an annulment decided later erases a
    #: provision for the past too. Default: today.
    FactSpec("as_known_on", "date", extension=True),
)


class _DefaultFacts(Mapping[str, FactSpec]):
    """``FACTS``: every fact of the default law, by path (resolved at first use)."""

    __slots__ = ()

    def _facts(self) -> dict[str, FactSpec]:
        from depositaire.engine.discovery import default_law

        return default_law().facts

    def __getitem__(self, path: str) -> FactSpec:
        return self._facts()[path]

    def get(self, path: str, default: Any = None) -> Any:
        return self._facts().get(path, default)

    def __contains__(self, path: object) -> bool:
        return path in self._facts()

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts())

    def __len__(self) -> int:
        return len(self._facts())

    def __repr__(self) -> str:
        return f"FACTS({list(self._facts())!r})"


FACTS: Final[Mapping[str, FactSpec]] = _DefaultFacts()


def __getattr__(name: str) -> Any:
    """``FACT_SPECS``, ``GROUPS`` and the default law's named lists, at first use."""
    if not name.isupper():
        raise AttributeError(name)
    from depositaire.engine.discovery import default_law

    law = default_law()
    if name == "FACT_SPECS":
        return law.fact_specs
    if name == "GROUPS":
        return law.groups
    try:
        return law.lists[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

"""What a law declares besides its rules, as the engine reads it.

A law package (the default one is found by :mod:`depositaire.engine.discovery`) gives the
engine, with its rules (:class:`~depositaire.engine.rules.RuleBase`):

- its **facts** (:class:`~depositaire.engine.schema.FactSpec`; the engine adds ``date``
  and ``as_known_on``), in the order its modules declare them;
- named **lists** of values (``CATEGORIES``, ``DISEASES`` …), for the code that reads
  them by name (``depositaire.engine.schema.CATEGORIES``);
- its **derivations**: tables that set a fact from another's value, each entry with its
  reason (catalogue key ``derivations.<fact>.<reason>``) and its citations;
- **penalties** (what the holder risks in a decision), the **always-confidences** (the
  categories that are confidences whatever is said, for the prover), the provisions that
  make a confidence secret by default (**secrecy_basis**), and its **data** files
  (``provisions.yaml``, ``coverage.yaml``).

The engine holds none of it: it only knows the shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from depositaire.engine.derive import Derivation
from depositaire.engine.schema import ENGINE_FACTS, FactSpec
from depositaire.engine.situation import FactValue

#: value of the source fact -> (derived value, reason key, citations)
DerivationEntries = Mapping[str, tuple[bool, str, tuple[str, ...]]]
Penalties = Callable[[Sequence[str], str, Mapping[str, object], dt.date], Sequence[str]]


class LawError(Exception):
    """A law package is not consistent (a fact declared twice, a derivation that conflicts)."""


@dataclass(frozen=True, slots=True)
class Derives:
    """``target`` is derived from the value of ``source`` by ``entries`` (the target's
    :class:`FactSpec` lists ``source`` in ``derived_from``). Several modules may declare
    entries for the same (target, source): they are merged, and may not disagree."""

    target: str
    source: str
    entries: DerivationEntries


@dataclass(frozen=True, eq=False)
class LawPackage:
    """A law's declarations (see the module's docstring)."""

    name: str
    facts_declared: tuple[FactSpec, ...]
    derivations: tuple[Derives, ...] = ()
    lists: Mapping[str, Any] = field(default_factory=dict)
    penalties: Penalties | None = None
    always_confidences: frozenset[str] = frozenset()
    secrecy_basis: tuple[str, ...] = ()
    #: The provisions of the default for one bound only by discretion (a fault, no offence).
    discretion_basis: tuple[str, ...] = ()
    #: Reads one of the law's data files by name (``provisions.yaml``, ``coverage.yaml``).
    data: Callable[[str], str] | None = None
    #: The days on which what ``penalties`` answers may change (each penalty's first and
    #: last day): the compiled engine memoises between the days where the law changes.
    change_dates: tuple[dt.date, ...] = ()
    # Derived at construction:
    fact_specs: tuple[FactSpec, ...] = field(init=False)
    facts: dict[str, FactSpec] = field(init=False)
    #: Top-level keys that hold a mapping of sub-facts.
    groups: frozenset[str] = field(init=False)
    #: Each derived fact and the facts it is derived from.
    derived_inputs: dict[str, tuple[str, ...]] = field(init=False)
    #: (target, ((source, merged entries), …)), in the order the facts are declared.
    plan: tuple[tuple[str, tuple[tuple[str, DerivationEntries], ...]], ...] = field(init=False)

    def __post_init__(self) -> None:
        specs = (*ENGINE_FACTS, *self.facts_declared)
        facts: dict[str, FactSpec] = {}
        for spec in specs:
            if spec.path in facts:
                raise LawError(f"fact {spec.path} declared twice")
            facts[spec.path] = spec
        merged: dict[tuple[str, str], dict[str, tuple[bool, str, tuple[str, ...]]]] = {}
        for d in self.derivations:
            target = facts.get(d.target)
            if target is None or d.source not in target.derived_from:
                raise LawError(f"{d.target} is not declared as derived from {d.source}")
            if d.source not in facts:
                raise LawError(f"derivation of {d.target} from an unknown fact {d.source}")
            table = merged.setdefault((d.target, d.source), {})
            for value, found in d.entries.items():
                if value in table and table[value] != found:
                    raise LawError(f"two derivations of {d.target} for {d.source} = {value}")
                table[value] = found
        plan = tuple(
            (
                spec.path,
                tuple(
                    (source, merged.get((spec.path, source), {})) for source in spec.derived_from
                ),
            )
            for spec in specs
            if spec.derived_from
        )
        object.__setattr__(self, "fact_specs", specs)
        object.__setattr__(self, "facts", facts)
        object.__setattr__(self, "groups", frozenset(p.split(".", 1)[0] for p in facts if "." in p))
        object.__setattr__(self, "plan", plan)
        derived = {spec.path: spec.derived_from for spec in specs if spec.derived_from}
        object.__setattr__(self, "derived_inputs", derived)

    # -- derivations ---------------------------------------------------------------------

    def derive(
        self, facts: Mapping[str, FactValue]
    ) -> tuple[dict[str, FactValue], list[Derivation]]:
        """The facts completed with what the law derives, and the list of derivations
        (a fact given always wins over a derivation)."""
        out = dict(facts)
        notes: list[Derivation] = []
        for target, sources in self.plan:
            if target in out:
                continue
            for source, table in sources:
                found = table.get(str(out.get(source)))
                if found is not None:
                    out[target] = found[0]
                    notes.append(Derivation(target, found[0], found[1], found[2]))
                    break
        return out, notes

    def derivation_signature(self, path: str, value: object) -> tuple[object, ...]:
        """What derivation makes of ``path = value`` (values with equal signatures derive
        alike)."""
        key = str(value)
        return tuple(
            table.get(key, (None,))[0]
            for _target, sources in self.plan
            for source, table in sources
            if source == path
        )

    # -- the rest ------------------------------------------------------------------------

    def penalties_for(
        self, rules: Sequence[str], verdict: str, facts: Mapping[str, object], on: dt.date
    ) -> list[str]:
        """What the holder risks in this decision (none if the law declares no penalty)."""
        return [] if self.penalties is None else list(self.penalties(rules, verdict, facts, on))

    def read(self, name: str) -> str:
        """The text of one of the law's data files ("" when it has none)."""
        return "" if self.data is None else self.data(name)

"""Facts the law derives from others, each with its reason and citation.

"The function creates the duty, not the title" (001): whether a holder is bound by
professional secrecy follows from the role and the institution; whether a recipient is
bound or pursues the same mission follows from its kind where the kind settles it. A
fact given in the situation always wins over a derivation.

The tables are the law's (each module of the law declares its own, with its citations:
:class:`depositaire.engine.package.Derives`); the engine applies them
(:meth:`LawPackage.derive`). ``derive`` and ``derivation_signature`` here use the
default law; a rule base's own law is ``rule_base.law``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from depositaire.engine.situation import FactValue


@dataclass(frozen=True, slots=True)
class Derivation:
    """``path`` was set to ``value`` because of ``reason`` (a catalogue key)."""

    path: str
    value: bool
    reason: str
    citations: tuple[str, ...]


def derive(facts: Mapping[str, FactValue]) -> tuple[dict[str, FactValue], list[Derivation]]:
    """The facts completed with what the default law derives, and the list of derivations."""
    from depositaire.engine.discovery import default_law

    return default_law().derive(facts)


def derivation_signature(path: str, value: object) -> tuple[object, ...]:
    """What the default law's derivation makes of ``path = value``."""
    from depositaire.engine.discovery import default_law

    return default_law().derivation_signature(path, value)

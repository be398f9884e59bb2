"""The coverage map: every normative statement of the sources and what carries it.

The law's ``coverage.yaml`` (``LawPackage.read``) quotes each statement of the five seeds verbatim and names the
rules, facts and decision fields that carry it, or declares it not modelled (a key of
``not_modelled.items`` in the catalogue) with the rules whose decisions recall it
(``bears_on``). ``docs/coverage.md`` is generated from it; a decision lists, in its
``not_modelled`` field, the declared statements that bear on the rules that decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import yaml

from depositaire.engine.discovery import default_law

#: libyaml's safe loader when PyYAML was built with it (the same data, far faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    source: str
    where: str
    quote: str
    issue: int | None
    rules: tuple[str, ...]
    facts: tuple[str, ...]
    fields: tuple[str, ...]
    #: Key under ``not_modelled.items`` when the statement is declared not modelled.
    not_modelled: str | None
    bears_on: tuple[str, ...]

    @property
    def modelled(self) -> bool:
        return self.not_modelled is None


@cache
def default_coverage() -> tuple[Statement, ...]:
    text = default_law().read("coverage.yaml")
    return tuple(
        Statement(
            id=str(e["id"]),
            source=e["source"],
            where=e["where"],
            quote=" ".join(str(e["quote"]).split()),
            issue=e.get("issue"),
            rules=tuple(e.get("rules") or ()),
            facts=tuple(e.get("facts") or ()),
            fields=tuple(e.get("fields") or ()),
            not_modelled=e.get("not_modelled"),
            bears_on=tuple(e.get("bears_on") or ()),
        )
        for e in yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader or ()
    )


_NOTES: dict[tuple[str, ...], tuple[str, ...]] = {}


def not_modelled_keys(rule_ids: Iterable[str]) -> tuple[str, ...]:
    """Catalogue keys (``not_modelled.items.<key>``) of the declared statements that bear
    on any of ``rule_ids``, in the map's order, each once (memoised)."""
    key = tuple(rule_ids)
    found = _NOTES.get(key)
    if found is None:
        wanted = set(key)
        found = tuple(
            dict.fromkeys(
                s.not_modelled
                for s in default_coverage()
                if s.not_modelled and wanted.intersection(s.bears_on)
            )
        )
        if len(_NOTES) > 4096:
            _NOTES.clear()
        _NOTES[key] = found
    return found

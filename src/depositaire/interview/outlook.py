"""What an unknown answer would change: the decision for each possible answer.

When the interview ends with facts still missing (answered "je ne sais pas", or
not asked because the person stopped), each such fact is set in turn to each of
its values and the situation decided again. For the list of categories, each
category is tried alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from depositaire.engine import Situation, Verdict, decide
from depositaire.engine.explain import disclosure_label, fact_label
from depositaire.engine.schema import FACTS
from depositaire.interview.questions import choices_for
from depositaire.messages import t


@dataclass(frozen=True, slots=True)
class Option:
    """One possible answer to a missing fact and the decision it would give."""

    value: bool | str
    label: str
    verdict: Verdict
    may_disclose: tuple[str, ...]

    def sentence(self) -> str:
        """ "oui → Peut parler (peut sortir : l'adresse)", in French."""
        verdict = t(f"verdicts.{self.verdict}.label")
        if not self.may_disclose:
            return t("interview.outlook.option", value=self.label, verdict=verdict)
        items = ", ".join(_category(c) for c in self.may_disclose)
        return t(
            "interview.outlook.option_with_may", value=self.label, verdict=verdict, items=items
        )


@dataclass(frozen=True, slots=True)
class OpenFact:
    """A fact the decision still depends on, with the outcome of each answer."""

    path: str
    label: str
    options: tuple[Option, ...]

    def heading(self) -> str:
        return t("interview.outlook.fact", fact=self.label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label,
            "options": [
                {
                    "value": o.value,
                    "label": o.label,
                    "verdict": o.verdict,
                    "may_disclose": list(o.may_disclose),
                }
                for o in self.options
            ],
        }


def _category(category: str) -> str:
    return disclosure_label(category)


def outcome_of(situation: Situation, path: str, value: bool | str) -> Option:
    """Decide ``situation`` with ``path`` set to ``value`` (a single category for a list)."""
    fact: object = [value] if FACTS[path].type == "enum_list" else value
    decision = decide(situation.with_facts({path: fact}), explain=False)  # type: ignore[dict-item]
    label = next(c.label for c in choices_for(path) if c.value == value)
    return Option(value, label, decision.verdict, tuple(decision.may_disclose))


def open_facts(situation: Situation, missing: Iterable[str]) -> list[OpenFact]:
    """For each missing fact, the decision each of its possible answers would give."""
    return [
        OpenFact(
            path,
            fact_label(path),
            tuple(outcome_of(situation, path, c.value) for c in choices_for(path)),
        )
        for path in missing
    ]

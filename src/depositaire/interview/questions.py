"""A question of the interview: one fact of the contract, worded for a person.

A question carries its French wording and help, the accepted answers with their
French labels (the contract's values, plus "je ne sais pas"), and the reasons it
is asked: the rules whose outcome still depends on the fact, with the provisions
they rest on. Nothing here depends on an interface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from depositaire.engine.derive import derive
from depositaire.engine.explain import fact_label, rule_title, value_label
from depositaire.engine.provisions import default_provisions
from depositaire.engine.schema import FACTS, FactType
from depositaire.engine.situation import FactValue, Situation, SituationError
from depositaire.messages import t

#: What is asked: these four facts define the question put to the holder.
FRAMING: Final = ("recipient.kind", "request.kind", "information.nature", "information.categories")
#: Who is asked: put only when the interview does not know them yet.
HOLDER: Final = ("holder.role", "holder.institution")
#: The questions put before any the engine asks for, in this order.
OPENING: Final = (*FRAMING, *HOLDER)
#: Facts a person may answer (the dates — of the disclosure, and the day the law is read —
#: are set by the interview or its starting situation, never asked).
ANSWERABLE: Final = tuple(path for path in FACTS if FACTS[path].type != "date")

#: Token for "je ne sais pas" when answers travel as text (web forms, files).
UNKNOWN_TOKEN: Final = "unknown"  # noqa: S105 - an answer token, not a secret


@dataclass(frozen=True, slots=True)
class Choice:
    """One accepted answer: the contract's value, a text token and its French label."""

    value: bool | str
    token: str
    label: str


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that needs the answer, with the provisions it cites (labels in force)."""

    rule: str
    title: str
    citations: tuple[str, ...]

    def sentence(self) -> str:
        if not self.citations:
            return t("interview.why.rule_without_citation", title=self.title)
        return t("interview.why.rule", title=self.title, citations=" ; ".join(self.citations))


@dataclass(frozen=True, slots=True)
class Question:
    """One fact to ask, worded for a person, with its answers and its reasons."""

    path: str
    type: FactType
    label: str
    text: str
    help: str
    choices: tuple[Choice, ...]
    unknown_label: str
    reasons: tuple[Reason, ...]

    @property
    def framing(self) -> bool:
        """True for the opening questions, asked whatever the law needs next."""
        return self.path in OPENING

    @property
    def multiple(self) -> bool:
        """True when several choices may be picked (the information categories)."""
        return self.type == "enum_list"

    @property
    def why(self) -> tuple[str, ...]:
        """ "Pourquoi cette question ?": an introduction, then one line per rule."""
        if self.path in FRAMING:
            return (t("interview.why.framing"),)
        if self.path in HOLDER:
            return (t("interview.why.holder"),)
        return (t("interview.why.rules"), *(r.sentence() for r in self.reasons))

    def parse(self, tokens: str | Sequence[str]) -> FactValue | None:
        """The value for answer token(s) (``"unknown"``: je ne sais pas), as a web form sends them."""
        items = [tokens] if isinstance(tokens, str) else list(tokens)
        if items == [UNKNOWN_TOKEN]:
            return None
        by_token = {c.token: c.value for c in self.choices}
        bad = [i for i in items if i not in by_token]
        if bad or not items or (len(items) > 1 and not self.multiple):
            accepted = ", ".join((*by_token, UNKNOWN_TOKEN))
            value = ", ".join(bad or items)
            raise SituationError(
                t("error.unknown_value", path=self.path, value=value, accepted=accepted), self.path
            )
        if self.multiple:
            return frozenset(str(by_token[i]) for i in items)
        return by_token[items[0]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for a web page."""
        return {
            "path": self.path,
            "type": self.type,
            "label": self.label,
            "text": self.text,
            "help": self.help,
            "multiple": self.multiple,
            "framing": self.framing,
            "choices": [{"token": c.token, "label": c.label} for c in self.choices],
            "unknown": {"token": UNKNOWN_TOKEN, "label": self.unknown_label},
            "why": list(self.why),
            "reasons": [
                {"rule": r.rule, "title": r.title, "citations": list(r.citations)}
                for r in self.reasons
            ],
        }


def value_text(path: str, value: object) -> str:
    """The French label of a fact's value; a list in the contract's order, not the alphabet's."""
    if isinstance(value, frozenset | list | tuple | set):
        ordered = sorted(value, key=FACTS[path].values.index)
        return ", ".join(value_label(path, v) for v in ordered)
    return value_label(path, value)


def choices_for(path: str) -> tuple[Choice, ...]:
    """The contract's values of a fact, with their French labels."""
    spec = FACTS[path]
    if spec.type == "bool":
        return tuple(Choice(v, str(v).lower(), value_label(path, v)) for v in (True, False))
    return tuple(Choice(v, v, value_label(path, v)) for v in spec.values)


def reasons_for(path: str, situation: Situation) -> tuple[Reason, ...]:
    """The rules in force whose condition still waits for ``path``, in examination order."""
    from depositaire.law import default_rule_base

    facts, _ = derive(situation.facts)
    found: list[Reason] = []
    for rule in default_rule_base().ordered:
        if rule.in_force(
            situation.date, situation.as_known_on
        ) and path in rule.effective.open_facts(facts):
            found.append(
                Reason(rule.id, rule_title(rule), _citations(rule.citations, situation.date))
            )
    return tuple(found)


def _citations(keys: Sequence[str], date: dt.date) -> tuple[str, ...]:
    provisions = default_provisions()
    labels = (v.label for key in keys if (v := provisions.on(key, date)) is not None)
    return tuple(dict.fromkeys(labels))


def question_for(path: str, situation: Situation) -> Question:
    """The question that asks ``path``, with its reasons given what ``situation`` holds."""
    return Question(
        path=path,
        type=FACTS[path].type,
        label=fact_label(path),
        text=t(f"interview.questions.{path}.text"),
        help=t(f"interview.questions.{path}.help"),
        choices=choices_for(path),
        unknown_label=t("interview.unknown"),
        reasons=() if path in OPENING else reasons_for(path, situation),
    )

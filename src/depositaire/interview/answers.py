"""A file of answers, replayed through the interview without asking anything.

The file is a YAML (or JSON) mapping from fact path to answer, flat
(``consent: given``, ``request.in_writing: true``) or grouped as in the contract
(``request: {in_writing: true}``); ``null`` or ``"unknown"`` stands for
"je ne sais pas", and an optional ``date`` sets the day of the communication.
Replaying puts the interview's questions in order and answers each from the
file; a question the file does not answer is answered "je ne sais pas".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from depositaire.engine.schema import GROUPS
from depositaire.engine.situation import FactValue, SituationError, load_document
from depositaire.interview.questions import ANSWERABLE, UNKNOWN_TOKEN
from depositaire.interview.session import Answer, Interview, check_answer
from depositaire.messages import t


@dataclass(frozen=True, slots=True)
class AnswersFile:
    """The answers of a file, checked, and the date it sets (if any)."""

    answers: dict[str, FactValue | None]
    date: dt.date | None = None


@dataclass(slots=True)
class Replay:
    """What replaying a file did: each answer given, and whether the file held it."""

    steps: list[tuple[Answer, bool]] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)


def _flatten(data: Mapping[object, object]) -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in data.items():
        name = str(key)
        if name in GROUPS and isinstance(value, Mapping):
            flat.update({f"{name}.{sub}": v for sub, v in value.items()})
        else:
            flat[name] = value
    return flat


def _date(value: object) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise SituationError(t("error.bad_date", path="date", value=value), "date") from None


def load_answers(text: str, *, fmt: str | None = None) -> AnswersFile:
    """Parse and check a file of answers; :class:`SituationError` names any bad path or value."""
    data = load_document(text, fmt=fmt)
    if not isinstance(data, Mapping):
        raise SituationError(t("interview.answers_file.not_mapping"))
    flat = _flatten(data)
    date = _date(flat.pop("date")) if "date" in flat else None
    checked: dict[str, FactValue | None] = {}
    for path, value in flat.items():
        if path not in ANSWERABLE:
            accepted = ", ".join(ANSWERABLE)
            raise SituationError(
                t("interview.answers_file.unknown_path", path=path, accepted=accepted), path
            )
        unknown = value is None or value == UNKNOWN_TOKEN
        checked[path] = None if unknown else check_answer(path, value, date or dt.date.today())
    return AnswersFile(checked, date)


def replay(interview: Interview, answers: Mapping[str, FactValue | None]) -> Replay:
    """Answer every question the interview puts from ``answers`` ("je ne sais pas" if absent)."""
    result = Replay()
    while (question := interview.next_question()) is not None:
        in_file = question.path in answers
        interview.answer(question.path, answers.get(question.path))
        result.steps.append((interview.history[-1], in_file))
    asked = {a.path for a, _ in result.steps}
    result.unused = [p for p in answers if p not in asked and p not in interview.given]
    return result

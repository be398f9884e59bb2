"""The interview: ask only what the law needs, in the order the engine gives.

After the opening questions (what is asked, and who asks it when unknown), the
next question is the first fact of ``decide(...).missing`` not yet answered. An
answer may be "je ne sais pas" (``None``): that fact is not asked again. The
interview is over when no unanswered fact can change the decision, or when the
person stops. Changing an earlier answer re-decides; later answers the law no
longer needs are dropped and reported. The whole state is a plain dict, so a
web session can store it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from depositaire.engine import Decision, Situation, SituationError, decide, parse_situation
from depositaire.engine.explain import fact_label
from depositaire.engine.schema import FACTS
from depositaire.engine.situation import FactValue
from depositaire.interview.outlook import OpenFact, open_facts
from depositaire.interview.questions import ANSWERABLE, OPENING, Question, question_for, value_text
from depositaire.messages import t

STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: a fact path and its value, ``None`` for "je ne sais pas"."""

    path: str
    value: FactValue | None

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def label(self) -> str:
        """The French label of the fact."""
        return fact_label(self.path)

    @property
    def value_label(self) -> str:
        """The French label of the value ("je ne sais pas" when unknown)."""
        if self.value is None:
            return t("interview.unknown")
        return value_text(self.path, self.value)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "value": plain(self.path, self.value)}


def plain(path: str, value: FactValue | None) -> Any:
    """A JSON-ready value: lists in the contract's order, dates as ISO text."""
    if isinstance(value, frozenset):
        return sorted(value, key=FACTS[path].values.index)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def check_answer(path: str, value: object, date: dt.date) -> FactValue | None:
    """The validated value of an answer; :class:`SituationError` names a bad path or value."""
    if path not in ANSWERABLE:
        raise SituationError(
            t("error.unknown_key", path=path, accepted=", ".join(ANSWERABLE)), path
        )
    if value is None:
        return None
    return Situation({}, date).with_facts({path: value})[path]  # type: ignore[dict-item]


class Interview:
    """A guided interview over the situation contract (no interface: see ``cli``)."""

    def __init__(
        self,
        situation: Situation | Mapping[str, Any] | None = None,
        date: dt.date | None = None,
    ) -> None:
        start = _situation(situation, date)
        self._date = date or start.date
        self._given: dict[str, FactValue] = {p: v for p, v in start.items() if p != "date"}
        self._history: list[Answer] = []
        self._dropped: list[Answer] = []
        self._stopped = False
        self._decision: Decision | None = None

    # -- what the interview knows ------------------------------------------

    @property
    def date(self) -> dt.date:
        return self._date

    @property
    def given(self) -> dict[str, FactValue]:
        """Facts known before the interview (never asked)."""
        return dict(self._given)

    @property
    def history(self) -> tuple[Answer, ...]:
        """The answers, in the order the questions were asked."""
        return tuple(self._history)

    @property
    def dropped(self) -> tuple[Answer, ...]:
        """Answers removed because a changed answer made them irrelevant."""
        return tuple(self._dropped)

    @property
    def unknown_paths(self) -> tuple[str, ...]:
        """Facts answered "je ne sais pas"."""
        return tuple(a.path for a in self._history if a.value is None)

    @property
    def situation(self) -> Situation:
        """The facts known so far: given facts and known answers."""
        return self._build()

    @property
    def decision(self) -> Decision:
        """The engine's decision on the facts known so far."""
        if self._decision is None:
            self._decision = decide(self.situation)
        return self._decision

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def finished(self) -> bool:
        """Stopped, or no unanswered fact can change the decision any more."""
        return self._stopped or self._next_path() is None

    # -- asking -------------------------------------------------------------

    def next_question(self) -> Question | None:
        """The next question to put, or ``None`` when the interview is over."""
        if self._stopped:
            return None
        path = self._next_path()
        return None if path is None else self.question(path)

    def question(self, path: str) -> Question:
        """The question for any answerable fact (to show an earlier one again)."""
        check_answer(path, None, self._date)
        return question_for(path, self._build(without=path))

    def open_facts(self) -> list[OpenFact]:
        """For each fact still missing: the decision each possible answer would give."""
        return open_facts(self.situation, self.decision.missing)

    def _next_path(self) -> str | None:
        for path in OPENING:
            if not self._settled(path):
                return path
        return next((p for p in self.decision.missing if not self._settled(p)), None)

    def _settled(self, path: str) -> bool:
        return path in self._given or self._index(path) is not None

    # -- answering ----------------------------------------------------------

    def answer(self, path: str, value: object) -> list[Answer]:
        """Record an answer (``None``: je ne sais pas); an answered fact is changed instead.

        Returns the answers this dropped (only a change can drop answers)."""
        if self._settled(path):
            return self.change(path, value)
        self._history.append(Answer(path, check_answer(path, value, self._date)))
        self._touch()
        return []

    def unknown(self, path: str) -> list[Answer]:
        """Answer "je ne sais pas": the fact is not asked again."""
        return self.answer(path, None)

    def change(self, path: str, value: object) -> list[Answer]:
        """Change an earlier answer, re-decide, and drop later answers no longer needed."""
        checked = check_answer(path, value, self._date)
        if path in self._given:
            del self._given[path]
            self._history.insert(0, Answer(path, checked))
            start = 1
        elif (index := self._index(path)) is not None:
            self._history[index] = Answer(path, checked)
            start = index + 1
        else:
            self._history.append(Answer(path, checked))
            start = len(self._history)
        self._touch()
        return self._prune(start)

    def stop(self) -> None:
        """The person stops: the decision stands on the answers given (answering resumes)."""
        self._stopped = True

    def _touch(self) -> None:
        self._stopped = False
        self._decision = None

    def _prune(self, start: int) -> list[Answer]:
        """Drop answers after ``start`` that the law no longer needs, latest first."""
        dropped: list[Answer] = []
        while True:
            later = self._history[start:]
            victim = next((a for a in reversed(later) if not self._needed(a)), None)
            if victim is None:
                break
            self._history.remove(victim)
            dropped.insert(0, victim)
        self._dropped.extend(dropped)
        if dropped:
            self._decision = None
        return dropped

    def _needed(self, answer: Answer) -> bool:
        """An opening answer, or a fact the decision would miss without this answer."""
        if answer.path in OPENING:
            return True
        return answer.path in decide(self._build(without=answer.path), explain=False).missing

    # -- facts ---------------------------------------------------------------

    def _index(self, path: str) -> int | None:
        return next((i for i, a in enumerate(self._history) if a.path == path), None)

    def _build(self, without: str | None = None) -> Situation:
        facts = dict(self._given)
        facts.update({a.path: a.value for a in self._history if a.value is not None})
        facts.pop(without or "", None)
        return Situation(facts, self._date)

    # -- storage ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The whole state as JSON-ready data (see :meth:`from_dict`)."""
        return {
            "version": STATE_VERSION,
            "date": self._date.isoformat(),
            "given": {p: plain(p, v) for p, v in self._given.items()},
            "history": [a.to_dict() for a in self._history],
            "dropped": [a.to_dict() for a in self._dropped],
            "stopped": self._stopped,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Interview:
        """Rebuild an interview stored by :meth:`to_dict`, checking every value again."""
        try:
            date = dt.date.fromisoformat(str(data["date"]))
            interview = cls(date=date)
            for path, value in dict(data.get("given") or {}).items():
                # A fact given at the start that no question asks (``as_known_on``) is
                # checked as the situation checks it; any other path as an answer.
                if path not in ANSWERABLE and path in FACTS:
                    checked = Situation({}, date).with_facts({path: value})[path]
                else:
                    checked = check_answer(path, value, date)
                if checked is not None:
                    interview._given[path] = checked
            interview._history = _answers(data.get("history"), date)
            interview._dropped = _answers(data.get("dropped"), date)
        except SituationError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SituationError(t("interview.bad_state", detail=type(exc).__name__)) from None
        interview._stopped = bool(data.get("stopped"))
        return interview


def _answers(items: object, date: dt.date) -> list[Answer]:
    return [Answer(i["path"], check_answer(i["path"], i["value"], date)) for i in items or ()]  # type: ignore[attr-defined]


def _situation(situation: Situation | Mapping[str, Any] | None, date: dt.date | None) -> Situation:
    """The facts known at the start (a :class:`Situation` or the contract's mapping)."""
    today = date or dt.date.today()
    if situation is None or (isinstance(situation, Mapping) and not situation):
        return Situation({}, today)
    if isinstance(situation, Situation):
        return situation.with_facts({"date": date}) if date else situation
    parsed = parse_situation(situation, today=today)
    return parsed.with_facts({"date": date}) if date else parsed

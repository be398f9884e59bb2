"""The guided interview, independent of any interface (terminal or web).

>>> from depositaire.interview import Interview
>>> interview = Interview(date=dt.date(2026, 11, 23))  # doctest: +SKIP
>>> question = interview.next_question()              # doctest: +SKIP
>>> interview.answer(question.path, "police")          # doctest: +SKIP

``Interview`` asks the opening questions (what is asked, and who asks it when
unknown), then only the facts the engine lists as ``missing``; ``to_dict`` and
``from_dict`` store and restore it.
"""

from __future__ import annotations

from depositaire.interview.answers import load_answers, replay
from depositaire.interview.outlook import OpenFact, Option, open_facts
from depositaire.interview.questions import (
    ANSWERABLE,
    FRAMING,
    HOLDER,
    OPENING,
    UNKNOWN_TOKEN,
    Choice,
    Question,
    Reason,
    question_for,
)
from depositaire.interview.session import Answer, Interview

__all__ = [
    "ANSWERABLE",
    "FRAMING",
    "HOLDER",
    "OPENING",
    "UNKNOWN_TOKEN",
    "Answer",
    "Choice",
    "Interview",
    "OpenFact",
    "Option",
    "Question",
    "Reason",
    "load_answers",
    "open_facts",
    "question_for",
    "replay",
]

"""The guided interview, independent of any interface (terminal or web).

    interview = Interview(date=day)                 # or Interview({"holder": {...}})
    while (question := interview.next_question()) is not None:
        interview.answer(question.path, value)      # or interview.unknown(question.path)
    interview.decision, interview.open_facts()      # the answer, what unknowns would change
    interview.change(path, value)                   # -> the answers dropped as irrelevant
    Interview.from_dict(interview.to_dict())        # stored in a web session

``Interview`` asks the opening questions (what is asked, and who asks it when
unknown), then only the facts the engine lists as ``missing``.
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

"""Test helpers: the public scenarios, and an interview answered from a scenario's situation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from depositaire.engine import Situation, parse_situation
from depositaire.interview import Interview

TESTS = Path(__file__).resolve().parents[1]
PUBLIC_SCENARIOS = (TESTS / "scenarios" / "public.yaml", Path("/work/shared/scenarios/public.yaml"))


def public_cases() -> list[dict[str, Any]]:
    """The 21 public scenarios: the project's copy, or the shared file until it exists."""
    path = next(p for p in PUBLIC_SCENARIOS if p.is_file())
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def case_named(start: str) -> dict[str, Any]:
    return next(c for c in public_cases() if c["name"].startswith(start))


def full_situation(case: dict[str, Any]) -> Situation:
    return parse_situation(case["situation"])


def answer_from(interview: Interview, situation: Situation) -> list[str]:
    """Answer every question from ``situation`` ("je ne sais pas" when it lacks the fact)."""
    asked: list[str] = []
    while (question := interview.next_question()) is not None:
        asked.append(question.path)
        interview.answer(question.path, situation.get(question.path))
    return asked


def interview_for(case: dict[str, Any]) -> tuple[Interview, list[str]]:
    """A fresh interview on the scenario's date, answered from its situation."""
    situation = full_situation(case)
    interview = Interview(date=situation.date)
    return interview, answer_from(interview, situation)

"""The interview in a terminal: numbered choices, "?" for why, "r" to go back, "q" to stop.

Going back shows the previous question again with its current answer; a new
answer changes it (answers the law no longer needs are dropped and listed), and
the interview goes on with the next question it needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rich.console import Console
from rich.markup import escape

from depositaire.engine.situation import FactValue
from depositaire.interview.questions import Question
from depositaire.interview.session import Answer, Interview
from depositaire.messages import t

ReplyKind = Literal["answer", "back", "quit"]
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class Reply:
    """What the person typed: an answer (``None``: je ne sais pas), back, or quit."""

    kind: ReplyKind
    value: FactValue | None = None


def parse_reply(question: Question, raw: str) -> Reply | None:
    """The reply typed for ``question``; ``None`` when it is not understood ("?" included)."""
    text = raw.strip().lower()
    if text == "r":
        return Reply("back")
    if text == "q":
        return Reply("quit")
    if text == "0":
        return Reply("answer", None)
    tokens = [x for x in _SEPARATORS.split(text) if x]
    if not tokens or not all(x.isdigit() and 1 <= int(x) <= len(question.choices) for x in tokens):
        return None
    values = [question.choices[int(x) - 1].value for x in tokens]
    if question.multiple:
        return Reply("answer", frozenset(str(v) for v in values))
    return Reply("answer", values[0]) if len(values) == 1 else None


class Terminal:
    """Puts the interview's questions to a person at a terminal."""

    def __init__(
        self, interview: Interview, console: Console, read: Callable[[str], str] | None = None
    ) -> None:
        self.interview = interview
        self.console = console
        self.read = read or (lambda prompt: console.input(prompt))

    def run(self) -> None:
        """Ask until the interview is over or the person stops."""
        self.console.print(f"[bold]{escape(t('interview.cli.welcome'))}[/bold]")
        self.console.print(escape(t("interview.cli.intro")), style="dim")
        cursor: int | None = None
        while True:
            if cursor is None:
                question = self.interview.next_question()
                if question is None:
                    return
                current, number = None, len(self.interview.history) + 1
            else:
                current = self.interview.history[cursor]
                question, number = self.interview.question(current.path), cursor + 1
            reply = self.ask(question, number, current)
            if reply.kind == "quit":
                self.interview.stop()
                self.console.print(escape(t("interview.cli.stopped")))
                return
            if reply.kind == "back":
                cursor = self._back(cursor)
                continue
            self._dropped(self.interview.answer(question.path, reply.value))
            cursor = None

    def _back(self, cursor: int | None) -> int | None:
        position = (len(self.interview.history) if cursor is None else cursor) - 1
        if position < 0:
            self.console.print(escape(t("interview.cli.nothing_before")), style="yellow")
            return cursor
        return position

    def _dropped(self, dropped: list[Answer]) -> None:
        if dropped:
            items = ", ".join(a.label for a in dropped)
            self.console.print(escape(t("interview.cli.dropped", items=items)), style="yellow")

    def ask(self, question: Question, number: int, current: Answer | None) -> Reply:
        """Show ``question`` and read until a reply is understood."""
        self.show(question, number, current)
        key = "interview.cli.prompt_several" if question.multiple else "interview.cli.prompt"
        while True:
            try:
                raw = self.read(f"{escape(t(key))} : ")
            except (EOFError, KeyboardInterrupt):
                return Reply("quit")
            if raw.strip() == "?":
                self.why(question)
                continue
            reply = parse_reply(question, raw)
            if reply is not None:
                return reply
            last = len(question.choices)
            self.console.print(escape(t("interview.cli.invalid", first=0, last=last)), style="red")

    def show(self, question: Question, number: int, current: Answer | None) -> None:
        """The question, its help and its numbered choices."""
        self.console.print()
        self.console.rule(escape(t("interview.cli.question_title", number=number)))
        self.console.print(f"[bold]{escape(question.text)}[/bold]")
        self.console.print(escape(question.help), style="dim")
        if question.multiple:
            self.console.print(escape(t("interview.several")), style="dim")
        for i, choice in enumerate(question.choices, start=1):
            self.console.print(
                escape("  " + t("interview.cli.choice", number=i, label=choice.label))
            )
        self.console.print(
            escape("  " + t("interview.cli.choice", number=0, label=question.unknown_label))
        )
        if current is not None:
            self.console.print(
                escape(t("interview.cli.current", value=current.value_label)), style="cyan"
            )

    def why(self, question: Question) -> None:
        """ "Pourquoi cette question ?": the rules that need the answer, with their provisions."""
        lines = question.why
        self.console.print(f"[bold]{escape(t('interview.why.title'))}[/bold]")
        self.console.print(escape(lines[0]))
        for line in lines[1:]:
            self.console.print(escape(f"• {line}"))

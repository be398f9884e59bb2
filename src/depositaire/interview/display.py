"""What the terminal shows at the end: the answer, what goes out and why; a replayed file."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from depositaire.engine.explain import disclosure_label
from depositaire.interview.answers import Replay
from depositaire.interview.session import Interview
from depositaire.messages import t, tn


def _categories(values: list[str]) -> str:
    if not values:
        return t("interview.cli.none")
    labels = (disclosure_label(v) for v in values)
    return ", ".join(labels)


def _bullets(console: Console, title: str, lines: list[str]) -> None:
    if lines:
        console.print(f"\n[bold]{escape(title)}[/bold]")
        for line in lines:
            console.print(escape(f"• {line}"))


def show_result(interview: Interview, console: Console) -> None:
    """Verdict, what may go out, what never may, duties, citations, explanation, to verify."""
    decision = interview.decision
    verdict = t(f"verdicts.{decision.verdict}.label")
    sentence = t(f"verdicts.{decision.verdict}.sentence")
    console.print()
    console.print(
        Panel(
            f"[bold]{escape(verdict)}[/bold]\n{escape(sentence)}", title=t("interview.cli.verdict")
        )
    )
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_row(t("interview.cli.may_disclose"), escape(_categories(decision.may_disclose)))
    table.add_row(t("interview.cli.never_disclose"), escape(_categories(decision.never_disclose)))
    duties = "\n".join(t(f"duties.{d}") for d in decision.duties) or t("interview.cli.none")
    table.add_row(t("interview.cli.duties"), escape(duties))
    console.print(table)
    _bullets(console, t("interview.cli.citations"), [c.label for c in decision.citations])
    _bullets(console, t("interview.cli.explanation"), decision.explanation)
    _bullets(console, t("interview.cli.to_verify"), decision.to_verify)
    show_open_facts(interview, console)
    console.print("\n" + escape(tn("interview.cli.count", len(interview.history))))


def show_open_facts(interview: Interview, console: Console) -> None:
    """For each fact still missing, the answer each possible value would give."""
    facts = interview.open_facts()
    if not facts:
        return
    console.print(f"\n[bold]{escape(t('interview.outlook.title'))}[/bold]")
    for fact in facts:
        console.print(escape(fact.heading()))
        for option in fact.options:
            console.print(escape(f"  • {option.sentence()}"))


def show_replay(replay: Replay, console: Console, path: str) -> None:
    """The answers read from a file, in the order the interview asked for them."""
    console.print(escape(t("interview.cli.replayed", path=path)))
    for answer, in_file in replay.steps:
        key = "interview.cli.replayed_answer" if in_file else "interview.cli.not_in_file"
        console.print(escape("  " + t(key, fact=answer.label, value=answer.value_label)))
    if replay.unused:
        from depositaire.engine.explain import fact_label

        items = ", ".join(fact_label(p) for p in replay.unused)
        console.print(escape(t("interview.cli.not_needed", items=items)), style="dim")

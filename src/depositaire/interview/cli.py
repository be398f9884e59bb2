"""``depositaire consult``: the guided interview in a terminal, or replayed from a file.

The main command line registers :func:`consult` (``app.command("consult")(consult)``);
``app`` below runs it alone. Bad input exits with code 2 and one French sentence,
never a traceback; a letter the decision does not call for exits with code 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import yaml
from rich.console import Console

from depositaire.cli_text import reason
from depositaire.engine import SituationError
from depositaire.interview.answers import load_answers, replay
from depositaire.interview.display import show_replay, show_result
from depositaire.interview.session import Interview
from depositaire.interview.terminal import Terminal
from depositaire.messages import t

EXIT_BAD_INPUT = 2
EXIT_NO_LETTER = 1
FORMATS = {".pdf": "pdf", ".md": "md"}
TEXT = t("interview.cli.metavar_text")


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"{t('error.prefix')} : {message}", markup=False
    )
    raise typer.Exit(code)


def _date(value: str | None, option: str = "--date") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(t("error.bad_option_date", value=value, option=option))


def _start(known: dt.date | None) -> dict[str, str] | None:
    """The starting situation: the day the law is read, when given (never asked)."""
    return {"as_known_on": known.isoformat()} if known else None


def _format(path: str | None) -> str | None:
    if path is None:
        return None
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        _fail(t("interview.cli.bad_suffix", path=path))
    return fmt


def _read(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        _fail(t("error.file_not_found", path=path))
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(t("error.file_unreadable", path=path, detail=reason(exc)))


def _write(path: str, content: bytes | str, console: Console) -> None:
    try:
        if isinstance(content, bytes):
            Path(path).write_bytes(content)
        else:
            Path(path).write_text(content, encoding="utf-8")
    except OSError as exc:
        _fail(t("interview.cli.cannot_write", path=path, detail=reason(exc)))
    console.print(t("interview.cli.written", path=path), markup=False)


def contract_yaml(interview: Interview) -> str:
    """The situation reached, in the contract's YAML format (date first)."""
    contract = interview.situation.to_contract()
    ordered = {"date": contract.pop("date"), **contract}
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False)


def _replayed(
    answers: str, day: dt.date | None, console: Console, known: dt.date | None = None
) -> Interview:
    """An interview answered from a file, without asking anything."""
    try:
        parsed = load_answers(_read(answers), fmt="json" if answers.endswith(".json") else None)
    except SituationError as exc:
        _fail(exc.message)
    interview = Interview(_start(known), date=day or parsed.date)
    show_replay(replay(interview, parsed.answers), console, answers)
    return interview


def _documents(
    interview: Interview,
    console: Console,
    note: str | None,
    letter: str | None,
    letter_inputs: tuple[str | None, str | None, str | None],
) -> None:
    """Write the decision note and the letter the verdict calls for."""
    from depositaire.documents import DocumentError, render_letter, render_note

    decision, situation = interview.decision, interview.situation
    if note:
        content = render_note(
            decision,
            situation,
            _format(note) or "pdf",
            unknown=interview.unknown_paths,
            open_facts=interview.open_facts(),
        )
        _write(note, content, console)
    if letter:
        try:
            requester, reference, person = letter_inputs
            content = render_letter(
                decision,
                situation,
                _format(letter) or "pdf",
                requester=requester,
                reference=reference,
                person_name=person,
            )
        except DocumentError as exc:
            _fail(exc.message, EXIT_NO_LETTER)
        _write(letter, content, console)


def consult(
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers", metavar=t("cli.metavars.file"), help=t("interview.cli.help.answers")
        ),
    ] = None,
    save: Annotated[
        str | None,
        typer.Option("--save", metavar=t("cli.metavars.file"), help=t("interview.cli.help.save")),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar=t("cli.metavars.file"), help=t("interview.cli.help.note")),
    ] = None,
    letter: Annotated[
        str | None,
        typer.Option(
            "--letter", metavar=t("cli.metavars.file"), help=t("interview.cli.help.letter")
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar=t("interview.cli.metavar_date"), help=t("interview.cli.help.date")
        ),
    ] = None,
    as_known_on: Annotated[
        str | None,
        typer.Option(
            "--as-known-on",
            metavar=t("interview.cli.metavar_date"),
            help=t("interview.cli.help.as_known_on"),
        ),
    ] = None,
    requester: Annotated[
        str | None,
        typer.Option("--requester", metavar=TEXT, help=t("interview.cli.help.requester")),
    ] = None,
    reference: Annotated[
        str | None,
        typer.Option("--reference", metavar=TEXT, help=t("interview.cli.help.reference")),
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", metavar=TEXT, help=t("interview.cli.help.person"))
    ] = None,
) -> None:
    """The consult command (its help text is set from the catalogue below)."""
    day = _date(date)
    known = _date(as_known_on, "--as-known-on")
    _format(note), _format(letter)
    console = Console(highlight=False)
    if answers is not None:
        interview = _replayed(answers, day, console, known)
    else:
        interview = Interview(_start(known), date=day)
        Terminal(interview, console).run()
    show_result(interview, console)
    if save:
        _write(save, contract_yaml(interview), console)
    _documents(interview, console, note, letter, (requester, reference, person))


consult.__doc__ = t("interview.cli.help.command")

#: ``consult`` alone, for running and testing it without the main command line.
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.command()(consult)

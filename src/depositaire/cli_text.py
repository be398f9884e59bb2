"""The command line's own words in the reader's language: help screens and usage errors.

Typer renders help and usage errors with English strings of its own ("Usage:",
"Options", "Show this message and exit.", "No such option"). A person reads
them, so they come from the catalogue like every other word: the help screens
through a command class and the panel titles, the usage errors through
:func:`usage_error_message`, used by ``depositaire.cli.main``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperCommand, TyperGroup

from depositaire.messages import LANGUAGES, t


def _french_usage(command: Any, ctx: Any, formatter: Any) -> None:
    pieces = command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("cli.help.usage"))


def _french_help_option(option: Any) -> Any:
    if option is not None:
        option.help = t("cli.help.help_option")
        option.metavar = ""  # a flag takes no value: no "<bool>" beside it
    return option


class FrenchCommand(TyperCommand):
    """A command whose usage line and ``--help`` line are French."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _french_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Any) -> Any:
        return _french_help_option(super().get_help_option(ctx))


class FrenchGroup(TyperGroup):
    """A group of commands whose usage line and ``--help`` line are French."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _french_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Any) -> Any:
        return _french_help_option(super().get_help_option(ctx))


def install_panel_titles() -> None:
    """Panel titles and fixed strings of Typer's Rich help, from the catalogue."""
    rich_utils.ARGUMENTS_PANEL_TITLE = t("cli.help.arguments")
    rich_utils.OPTIONS_PANEL_TITLE = t("cli.help.options")
    rich_utils.COMMANDS_PANEL_TITLE = t("cli.help.commands")
    rich_utils.ERRORS_PANEL_TITLE = t("cli.help.error")
    rich_utils.DEFAULT_STRING = t("cli.help.default")
    rich_utils.REQUIRED_LONG_STRING = t("cli.help.required")
    rich_utils.ABORTED_TEXT = t("cli.usage.aborted")


def _hint(exc: Any) -> str:
    """The option or argument an error is about, as the command line writes it."""
    hint = getattr(exc, "param_hint", None)
    if hint:
        names = list(hint) if isinstance(hint, list | tuple) else [str(hint)]
    elif getattr(exc, "param", None) is not None:
        names = [exc.param.get_error_hint().strip("'")]
    else:
        return "?"
    return " / ".join(f"« {name} »" for name in names)


def _choices(exc: Any) -> list[str]:
    descriptor = getattr(getattr(exc, "param", None), "type_descriptor", None)
    if descriptor is None or not getattr(descriptor, "is_choice", False):
        return []
    return [str(getattr(c, "value", c)) for c in descriptor.choices or ()]


class FrenchUsageError(typer._click.exceptions.UsageError):
    """A usage error whose message already comes from the catalogue."""


def usage_error_message(exc: Exception) -> str:
    """One French sentence for a usage error raised while reading the command line."""
    errors = typer._click.exceptions
    if isinstance(exc, FrenchUsageError):
        return exc.message
    if isinstance(exc, errors.NoSuchOption):
        message = t("cli.usage.no_such_option", option=exc.option_name)
        if exc.possibilities:
            message += " " + t(
                "cli.usage.possibilities", options=", ".join(sorted(exc.possibilities))
            )
        return message
    if isinstance(exc, errors.MissingParameter):
        return t("cli.usage.missing", name=_hint(exc))
    if isinstance(exc, errors.BadParameter):
        choices = _choices(exc)
        if choices:
            return t("cli.usage.bad_choice", name=_hint(exc), accepted=", ".join(map(str, choices)))
        return t("cli.usage.bad_value", name=_hint(exc))
    if isinstance(exc, errors.BadOptionUsage):
        return t("cli.usage.bad_option_usage", option=exc.option_name)
    message = getattr(exc, "message", "")
    if message.startswith("No such command"):
        command = message.split("'")[1] if "'" in message else message
        return t("cli.usage.no_such_command", command=command)
    return t("cli.usage.generic")


#: Exception classes a person may meet on the command line, most specific first.
_REASONS = (
    (ModuleNotFoundError, "module_not_found"),
    (ImportError, "import_failed"),
    (IsADirectoryError, "is_a_directory"),
    (PermissionError, "permission"),
    (FileNotFoundError, "not_found"),
    (UnicodeError, "not_utf8"),
    (OSError, "system"),
)


def reason(exc: BaseException) -> str:
    """Why a file or module could not be used, in French (never the exception's English name)."""
    for kind, key in _REASONS:
        if isinstance(exc, kind):
            return t(f"error.reasons.{key}")
    return t("error.reasons.other")


def take_language(argv: list[str]) -> tuple[str | None, list[str]]:
    """The global ``--lang fr|nl`` option, taken out of ``argv`` (any position, before
    or after the command): every command renders in that language. Read here rather
    than as a Typer option so that it applies to every command and sub-command alike."""
    rest: list[str] = []
    language: str | None = None
    it = iter(argv)
    for arg in it:
        if arg == "--":
            rest.append(arg)
            rest.extend(it)
            break
        if arg == "--lang":
            language = next(it, "")
        elif arg.startswith("--lang="):
            language = arg.removeprefix("--lang=")
        else:
            rest.append(arg)
    return language, rest


#: The names the command line runs under: the installed script, ``python -m depositaire.cli``.
_PROGRAMS = frozenset({"depositaire", "cli.py"})


def help_language(argv: list[str]) -> str | None:
    """Make the ``--lang`` of ``argv`` the process's language (``DEPOSITAIRE_LANGUAGE``)
    when this process is the command line, before the help strings are built; an unknown
    language is left for ``main`` to refuse. Returns the language taken, if any."""
    if not argv or Path(argv[0]).name not in _PROGRAMS:
        return None
    language, _ = take_language(argv[1:])
    if language not in LANGUAGES:
        return None
    os.environ["DEPOSITAIRE_LANGUAGE"] = language
    return language

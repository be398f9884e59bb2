"""``depositaire journal verify``: verify the journal from the command line (Rich, French).

The main command line (``depositaire.cli``) calls :func:`verify_command`; the Django
management command ``journal_verify`` shares :func:`print_report`.
Exit codes: 0 intact, 1 problems found, 2 the journal could not be read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from rich.console import Console

from depositaire.messages import t, tn

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNREADABLE = 2


def verify_command(database_url: str | None = None, public_key: str | None = None) -> int:
    """Set Django up, verify the journal, print the French report; return the exit code.

    ``database_url`` (``postgres://…``) overrides ``DEPOSITAIRE_DATABASE_URL``; it can
    only be honoured before Django is set up in this process. ``public_key`` is a PEM
    file to verify against instead of the one in the key folder.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    import django
    from django.apps import apps

    if database_url:
        if apps.ready:
            _error(err, t("journal.cli.already_configured"))
            return EXIT_UNREADABLE
        os.environ["DEPOSITAIRE_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
    if not apps.ready:
        django.setup()
    return run_verify(Console(highlight=False), err, public_key=public_key)


def seal_existing_command(*, also_reported: bool = False) -> int:
    """``depositaire journal seal-existing``: seal the rows written before sealing existed.

    Exit codes: 0 done (or nothing to seal), 1 rows left unsealed because ``verify``
    reports them as inserted behind the application, 2 the database could not be used.
    """
    import django
    from django.apps import apps

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    out = Console(highlight=False, soft_wrap=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
    if not apps.ready:
        django.setup()
    from django.db import DatabaseError

    from depositaire.web.crypto import CryptoError
    from depositaire.web.journal.rows import seal_rows_written_before

    try:
        report = seal_rows_written_before(also_reported=also_reported)
    except DatabaseError as exc:
        _error(err, t("journal.cli.database_error", detail=type(exc).__name__))
        return EXIT_UNREADABLE
    except CryptoError as exc:
        _error(err, exc.message)
        return EXIT_UNREADABLE
    if report.total:
        out.print(
            t(
                "journal.seal_existing.done",
                total=report.total,
                seq=report.entry_seq,
                **report.sealed,
            ),
            markup=False,
        )
    else:
        out.print(t("journal.seal_existing.nothing"), markup=False)
    if report.reported_total:
        out.print(tn("journal.seal_existing.reported", report.reported_total), markup=False)
        return EXIT_PROBLEMS
    return EXIT_OK


def run_verify(out: Console, err: Console, *, public_key: str | None = None) -> int:
    """Verify (Django already set up) and print; the exit code."""
    from django.db import DatabaseError

    from depositaire.web.crypto import CryptoError
    from depositaire.web.journal.signing import load_public_key
    from depositaire.web.journal.verify import verify

    try:
        key = load_public_key(Path(public_key)) if public_key else None
        if public_key and key is None:
            raise FileNotFoundError(public_key)
        report = verify(public_key=key)
    except DatabaseError as exc:
        _error(err, t("journal.cli.database_error", detail=type(exc).__name__))
        return EXIT_UNREADABLE
    except CryptoError as exc:  # a key folder file with loose permissions
        _error(err, exc.message)
        return EXIT_UNREADABLE
    except (OSError, ValueError) as exc:
        _error(err, t("journal.cli.key_error", detail=type(exc).__name__))
        return EXIT_UNREADABLE
    print_report(out, report)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _error(err: Console, message: str) -> None:
    err.print(f"{t('error.prefix')} : {message}", markup=False)


def print_report(out: Console, report: object) -> None:
    """The report as a title, a coloured verdict and one line per problem."""
    from depositaire.web.journal.verify import VerifyReport

    assert isinstance(report, VerifyReport)
    out.print(t("journal.verify.title"), style="bold", markup=False)
    out.print(report.summary(), style="green" if report.ok else "bold red", markup=False)
    for problem in report.problems:
        out.print(f"  • {problem.message}", markup=False)


def console_for(stream: IO[str]) -> Console:
    """A Rich console writing to ``stream`` (a management command's stdout)."""
    return Console(file=stream, highlight=False, soft_wrap=True)

"""Commands for running Dépositaire for real: ``backup``, ``restore``, ``serve``.

Registered on the main command line by :func:`register`; kept apart from ``cli.py`` so
the operations side can grow without touching the engine's commands. Every refusal is
one French sentence naming the problem (exit 1), never a traceback.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from depositaire.cli_text import FrenchCommand
from depositaire.messages import t, tn

PASSPHRASE_VARIABLE = "DEPOSITAIRE_BACKUP_PASSPHRASE"  # noqa: S105 (a variable name)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"{t('error.prefix')} : {message}", markup=False)
    raise typer.Exit(code)


def _passphrase(*, confirm: bool) -> str:
    """From ``DEPOSITAIRE_BACKUP_PASSPHRASE`` when set, else asked at the terminal."""
    value = os.environ.get(PASSPHRASE_VARIABLE)
    if value:
        return value
    if not sys.stdin.isatty():
        _fail(t("ops.backup.error.no_passphrase", variable=PASSPHRASE_VARIABLE))
    first = getpass.getpass(t("ops.backup.prompt"))
    if confirm and getpass.getpass(t("ops.backup.prompt_again")) != first:
        _fail(t("ops.backup.error.passphrase_mismatch"))
    return first


def _setup_django() -> None:
    import django
    from django.apps import apps

    from depositaire.web.env import SettingError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
    if apps.ready:
        return
    try:
        django.setup()
    except SettingError as exc:
        _fail(t("ops.serve.error.setting", detail=str(exc)))


def backup(
    file: Annotated[
        str, typer.Argument(metavar=t("cli.metavars.file"), help=t("ops.cli.backup_file"))
    ],
    public_key: Annotated[
        str | None,
        typer.Option("--public-key", metavar="PEM", help=t("ops.cli.backup_public_key")),
    ] = None,
) -> None:
    """Write an encrypted backup of the database and the key folder (help: ``ops.cli.backup``)."""
    from depositaire.web.ops.archive import PublicKey
    from depositaire.web.ops.backup import BackupError, load_public_key, make_backup

    passphrase: str | PublicKey
    if public_key is not None:
        try:
            passphrase = load_public_key(Path(public_key))
        except BackupError as exc:
            _fail(exc.message)
    else:
        passphrase = _passphrase(confirm=True)
    _setup_django()
    from django.db import DatabaseError

    from depositaire.web.crypto import CryptoError

    try:
        report = make_backup(Path(file), passphrase)
    except BackupError as exc:
        _fail(exc.message)
    except CryptoError as exc:
        _fail(exc.message)
    except DatabaseError as exc:
        _fail(t("ops.backup.error.database", detail=type(exc).__name__))
    out.print(
        t(
            "ops.backup.done",
            path=str(report.path),
            size=_size(report.size),
            vendor=report.vendor,
            seq=report.journal_seq,
            keys=", ".join(report.key_files) or "—",
        ),
        markup=False,
    )


def restore(
    file: Annotated[
        str, typer.Argument(metavar=t("cli.metavars.file"), help=t("ops.cli.restore_file"))
    ],
    private_key: Annotated[
        str | None,
        typer.Option("--private-key", metavar="PEM", help=t("ops.cli.restore_private_key")),
    ] = None,
) -> None:
    """Restore a backup into the empty data folder or database the settings name."""
    from depositaire.web.ops.archive import PrivateKey
    from depositaire.web.ops.backup import (
        BackupError,
        Target,
        load_private_key,
        private_key_is_encrypted,
    )
    from depositaire.web.ops.backup import restore as do_restore

    passphrase: str | PrivateKey
    try:
        if private_key is not None:
            pem = Path(private_key)
            password = _passphrase(confirm=False) if private_key_is_encrypted(pem) else None
            passphrase = load_private_key(pem, password)
        else:
            passphrase = _passphrase(confirm=False)
    except BackupError as exc:
        _fail(exc.message)
    try:
        target = Target.from_environment()
        report = do_restore(Path(file), passphrase, target)
    except BackupError as exc:
        _fail(exc.message)
    except Exception as exc:  # noqa: BLE001 - a restore never ends in a traceback
        _fail(t("ops.backup.error.restore_failed", detail=type(exc).__name__))
    m = report.manifest
    out.print(
        t("ops.restore.done", target=report.target, version=m.version, created=m.created_at),
        markup=False,
    )
    for line in report.journal_lines:
        out.print(f"  {line}", markup=False)
    if m.journal_seq:
        key = "ops.restore.head_found" if report.backup_head_found else "ops.restore.head_missing"
        out.print(f"  {t(key, seq=m.journal_seq)}", markup=False)
    if report.sealed_sampled:
        out.print(
            f"  {t('ops.restore.sealed', opened=report.sealed_opened, sampled=report.sealed_sampled)}",
            markup=False,
        )
    else:
        out.print(f"  {t('ops.restore.no_sealed')}", markup=False)
    for failure in report.sealed_failures:
        out.print(f"  • {t('ops.restore.sealed_failed', field=failure)}", markup=False)
    if not report.ok:
        _fail(t("ops.restore.not_ok"))


def serve(
    bind: Annotated[
        str | None,
        typer.Option(metavar=t("cli.metavars.host"), help=t("ops.cli.serve_bind")),
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", metavar="", help=t("ops.cli.serve_check"))
    ] = False,
) -> None:
    """Start gunicorn after the production checks (help: ``ops.cli.serve``)."""
    from depositaire.web.env import SettingError
    from depositaire.web.ops import serve as server

    try:
        production = server.production()
    except SettingError as exc:
        _fail(t("ops.serve.error.setting", detail=str(exc)))
    if production:
        problem = server.secret_key_problem()
        if problem:
            _refuse([problem])
    _setup_django()
    problems = server.check(production_mode=production)
    if problems:
        _refuse(problems)
    if check_only:
        out.print(
            t("ops.serve.checked") if production else t("ops.serve.not_production"), markup=False
        )
        return
    if not production:
        err.print(t("ops.serve.not_production"), markup=False)
    try:
        config = server.options(bind)
    except server.ServeError as exc:
        _refuse(exc.problems)
    err.print(
        t(
            "ops.serve.starting",
            bind=config["bind"],
            workers=config["workers"],
            threads=config["threads"],
        ),
        markup=False,
    )
    server.run(bind)


def _refuse(problems: list[str]) -> NoReturn:
    err.print(f"{t('error.prefix')} : {t('ops.serve.refused')}", markup=False)
    for problem in problems:
        err.print(f"  • {problem}", markup=False)
    raise typer.Exit(1)


def migrate() -> None:
    """Apply the database migrations (help: ``ops.cli.migrate``)."""
    _setup_django()
    from django.core.management import call_command
    from django.db import DatabaseError, connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections["default"])
        count = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        _fail(t("ops.serve.error.database", detail=type(exc).__name__))
    out.print(tn("ops.migrate.done", count), markup=False)


def _size(size: int) -> str:
    for unit in ("o", "Kio", "Mio", "Gio"):
        if size < 1024 or unit == "Gio":
            return f"{size:.0f} {unit}" if unit == "o" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024  # type: ignore[assignment]
    return str(size)  # pragma: no cover


def register(app: typer.Typer) -> None:
    """Add the operations commands to the main command line."""
    app.command("backup", cls=FrenchCommand, help=t("ops.cli.backup"))(backup)
    app.command("restore", cls=FrenchCommand, help=t("ops.cli.restore"))(restore)
    app.command("serve", cls=FrenchCommand, help=t("ops.cli.serve"))(serve)
    app.command("migrate", cls=FrenchCommand, help=t("ops.cli.migrate"))(migrate)
    from depositaire.cli_text import FrenchGroup

    decisions_app = typer.Typer(
        cls=FrenchGroup,
        subcommand_metavar=t("cli.help.subcommand_metavar"),
        help=t("ops.cli.decisions"),
        no_args_is_help=True,
    )
    decisions_app.command("recheck", cls=FrenchCommand, help=t("ops.cli.recheck"))(
        decisions_recheck
    )
    app.add_typer(decisions_app, name="decisions")


def decisions_recheck(
    organisation: Annotated[
        int | None,
        typer.Option("--organisation", metavar="ID", help=t("ops.recheck.option_organisation")),
    ] = None,
    rule_base: Annotated[
        str | None, typer.Option("--rule-base", metavar="MODULE", help=t("cli.options.rule_base"))
    ] = None,
) -> None:
    """Re-decide every stored decision (register and case files) with the current rule
    base, through the bulk path; list those whose verdict or disclosures would differ."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from depositaire.cli import load_rule_base

    base = load_rule_base(rule_base)
    _setup_django()
    from django.db import DatabaseError

    from depositaire.engine.recheck import recheck
    from depositaire.web.disclosures.recheck import count_stored, stored_decisions

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=False,
    )
    try:
        total = count_stored(organisation)
        with progress:
            task = progress.add_task(t("ops.recheck.progress"), total=total)
            report = recheck(
                stored_decisions(organisation),
                rule_base=base,
                advance=lambda n: progress.update(task, advance=n),
            )
    except DatabaseError as exc:
        _fail(t("ops.backup.error.database", detail=type(exc).__name__))
    for change in report.changes:
        out.print(format_change(change), markup=False, soft_wrap=True)
    for stored, message in report.errors:
        err.print(t("ops.recheck.error", ref=stored.ref, message=message), markup=False)
    out.print(
        t(
            "ops.recheck.summary",
            checked=report.checked,
            changed=len(report.changes),
            errors=len(report.errors),
        ),
        markup=False,
    )
    raise typer.Exit(1 if report.errors else 0)


def format_change(change: object) -> str:
    """One changed decision, in French, on one line."""
    from depositaire.engine.recheck import Change

    assert isinstance(change, Change)

    def cats(values: tuple[str, ...]) -> str:
        return ", ".join(t(f"values.information.categories.{c}") for c in values) or "—"

    def verdict(v: str) -> str:
        return t(f"verdicts.{v}.label") if v else "—"

    return t(
        "ops.recheck.change",
        source=t(f"ops.recheck.sources.{change.stored.source}"),
        ref=change.stored.ref,
        before=verdict(change.verdict_before),
        now=verdict(change.verdict_now),
        may_before=cats(change.may_before),
        may_now=cats(change.may_now),
        version_before=change.stored.rule_base_version or "—",
        version_now=change.version_now,
        provisions="; ".join(change.provisions) or "—",
    )

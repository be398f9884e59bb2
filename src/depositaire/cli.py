"""The command line: ``depositaire evaluate | rules | law | consult | journal | demo | api-token``.

A thin layer: it reads input, calls the engine, and prints French text (Rich)
or the contract's JSON. Bad input exits with code 2 and one French sentence
naming the problem; it never shows a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Final, NoReturn, TextIO

import typer
import typer._click.globals
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from depositaire.cli_text import (
    FrenchCommand,
    FrenchGroup,
    FrenchUsageError,
    help_language,
    install_panel_titles,
    reason,
    take_language,
    usage_error_message,
)
from depositaire.engine import (
    Decision,
    RuleBase,
    SituationError,
    decide,
    load_situation,
    parse_situation,
)
from depositaire.engine.check import check
from depositaire.engine.explain import format_date, rule_title
from depositaire.engine.provisions import ProvisionVersion, default_provisions
from depositaire.engine.rules import Rule
from depositaire.messages import LANGUAGES, t, tn, using_language

# Typer writes the help screens from the strings given when the commands are declared
# (just below, at import) and refuses lazy ones: the language asked with ``--lang`` is the
# process's before that, so that ``depositaire --lang nl evaluate --help`` is Dutch.
help_language(sys.argv)
install_panel_titles()
app = typer.Typer(
    cls=FrenchGroup,
    subcommand_metavar=t("cli.help.subcommand_metavar"),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help=t("cli.commands.app"),
)
journal_app = typer.Typer(
    cls=FrenchGroup,
    subcommand_metavar=t("cli.help.subcommand_metavar"),
    no_args_is_help=True,
    help=t("cli.commands.journal"),
)
app.add_typer(journal_app, name="journal")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err.print(f"{t('error.prefix')} : {message}", markup=False)
    raise typer.Exit(code)


def usage_fail(message: str) -> NoReturn:
    """A usage error told in French with the command's usage line (exit 2)."""
    raise FrenchUsageError(message, typer._click.globals.get_current_context(silent=True))


def read_input(source: str) -> tuple[str, str | None]:
    """The text of FILE (or standard input for ``-``) and its format hint."""
    if source == "-":
        return sys.stdin.read(), None
    path = Path(source)
    if not path.is_file():
        fail(t("error.file_not_found", path=source))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(t("error.file_unreadable", path=source, detail=reason(exc)))
    return text, "json" if path.suffix.lower() == ".json" else None


def parse_date_option(value: str | None, option: str = "--date") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(t("error.bad_option_date", value=value, option=option))


# -- evaluate -------------------------------------------------------------


@app.command(cls=FrenchCommand, help=t("cli.commands.evaluate"))
def evaluate(
    source: Annotated[
        str | None,
        typer.Argument(metavar=t("cli.metavars.file_or_stdin"), help=t("cli.options.source")),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", metavar="text|json", help=t("cli.options.format"))
    ] = None,
    date: Annotated[
        str | None, typer.Option(metavar=t("cli.metavars.date"), help=t("cli.options.date"))
    ] = None,
    as_known_on: Annotated[
        str | None,
        typer.Option(
            "--as-known-on", metavar=t("cli.metavars.date"), help=t("cli.options.as_known_on")
        ),
    ] = None,
    rule_base: Annotated[
        str | None, typer.Option("--rule-base", metavar="MODULE", help=t("cli.options.rule_base"))
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option(
            "--jsonl", metavar=t("cli.metavars.file_or_stdin"), help=t("cli.options.jsonl")
        ),
    ] = None,
) -> None:
    """Decide one situation, or one per line (help text: ``cli.commands.evaluate``)."""
    if fmt not in (None, "text", "json"):
        fail(t("error.unknown_value", path="--format", value=fmt, accepted="text, json"))
    day = parse_date_option(date)
    known = parse_date_option(as_known_on, "--as-known-on")
    if jsonl is not None:
        if source is not None:
            usage_fail(t("cli.jsonl.both_sources"))
        if fmt == "text":
            usage_fail(t("cli.jsonl.text_format"))
        raise typer.Exit(evaluate_lines(jsonl, day, known))
    if source is None:
        usage_fail(t("cli.jsonl.no_source"))
    fmt = fmt or "text"
    text, hint = read_input(source)
    try:
        situation = load_situation(text, fmt=hint)
    except SituationError as exc:
        fail(exc.message)
    if day is not None:
        situation = situation.with_facts({"date": day})
    if known is not None:
        situation = situation.with_facts({"as_known_on": known})
    decision = decide(situation, rule_base=load_rule_base(rule_base) if rule_base else None)
    if fmt == "json":
        out.print_json(json.dumps(decision.to_dict(), ensure_ascii=False))
    else:
        print_decision(decision)


def _open_lines(source: str) -> tuple[TextIO, int | None]:
    """The stream of ``--jsonl`` (standard input for ``-``) and its line count if known."""
    if source == "-":
        return sys.stdin, None
    path = Path(source)
    if not path.is_file():
        fail(t("error.file_not_found", path=source))
    try:
        with path.open("rb") as counted:
            total = sum(1 for line in counted if line.strip())
        return path.open(encoding="utf-8"), total
    except OSError as exc:
        fail(t("error.file_unreadable", path=source, detail=reason(exc)))


#: ``evaluate --jsonl`` moves what the run has kept so far (the rule base's memos, the
#: plans) out of the cyclic collector's reach every so many lines, and raises the
#: collector's first threshold for the run: each line makes many short-lived objects and
#: few cycles, and a full collection over the memos cost a bulk run a fifth of its time
#: with pauses of a quarter second. Both are put back when the run ends.
_FREEZE_EVERY: Final = 4096
_BULK_THRESHOLD: Final = 50_000


@contextlib.contextmanager
def _bulk_collection() -> Iterator[None]:
    """The collector tuned for a bulk run (see :data:`_FREEZE_EVERY`), restored after."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_BULK_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def evaluate_lines(source: str, day: dt.date | None, known: dt.date | None = None) -> int:
    """``evaluate --jsonl``: one decision (the contract's JSON) per situation line.

    A bad line is reported on standard error with its number and gets an ``error``
    object in its place; the run goes on. Exit code 0 if no line failed, else 1."""
    from collections import Counter

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    stream, total = _open_lines(source)
    verdicts: Counter[str] = Counter()
    errors = 0
    count = 0
    write = sys.stdout.write
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=False,
    )
    with stream, progress, _bulk_collection():
        task = progress.add_task(t("cli.jsonl.progress"), total=total, rate="")
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                count += 1
                try:
                    try:
                        data = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise SituationError(
                            t("error.malformed_json", line=number, column=exc.colno)
                        ) from None
                    situation = parse_situation(data)
                    if day is not None:
                        situation = situation.with_facts({"date": day})
                    if known is not None:
                        situation = situation.with_facts({"as_known_on": known})
                    decision = decide(situation)
                except SituationError as exc:
                    errors += 1
                    message = t("cli.jsonl.line_error", line=number, message=exc.message)
                    err.print(message, markup=False)
                    write(json.dumps({"line": number, "error": message}, ensure_ascii=False))
                    write("\n")
                else:
                    verdicts[decision.verdict] += 1
                    write(json.dumps(decision.to_dict(), ensure_ascii=False))
                    write("\n")
                if count % _FREEZE_EVERY == 0:
                    gc.freeze()
                if count % 256 == 0 and progress.live.is_started:
                    speed = progress.tasks[0].speed
                    progress.update(task, advance=256, rate=f"{speed:,.0f}/s" if speed else "")
        except UnicodeDecodeError as exc:
            fail(t("error.file_unreadable", path=source, detail=reason(exc)), code=1)
        progress.update(task, completed=count)
    sys.stdout.flush()
    parts = [
        t("cli.jsonl.summary_verdict", label=t(f"verdicts.{v}.label"), count=n)
        for v, n in sorted(verdicts.items())
    ]
    err.print(
        t(
            "cli.jsonl.summary",
            lines=tn("cli.jsonl.lines_read", count),
            verdicts=", ".join(parts) or t("cli.jsonl.no_verdict"),
            errors=tn("cli.jsonl.lines_failed", errors),
        ),
        markup=False,
    )
    return 1 if errors else 0


def _items(values: list[str], label: str) -> str:
    from depositaire.engine.explain import disclosure_label

    if not values:
        return t("cli.none")
    if label == "categories":
        return ", ".join(disclosure_label(v) for v in values)
    return ", ".join(values)


def print_decision(decision: Decision) -> None:
    """Readable text for a person: the verdict first, then what goes out, then why."""
    from depositaire.engine.explain import fact_label

    verdict = t(f"verdicts.{decision.verdict}.label")
    out.print(
        Panel(
            f"[bold]{verdict}[/bold]\n{t(f'verdicts.{decision.verdict}.sentence')}",
            title=t("cli.verdict"),
        )
    )
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_row(f"[bold]{t('cli.date')}[/bold]", format_date(decision.date))
    if decision.as_known_on is not None:
        table.add_row(f"[bold]{t('cli.as_known_on')}[/bold]", format_date(decision.as_known_on))
    table.add_row(
        f"[bold]{t('cli.may_disclose')}[/bold]", _items(decision.may_disclose, "categories")
    )
    table.add_row(
        f"[bold]{t('cli.never_disclose')}[/bold]", _items(decision.never_disclose, "categories")
    )
    duties = "\n".join(t(f"duties.{d}") for d in decision.duties) or t("cli.none")
    table.add_row(f"[bold]{t('cli.duties')}[/bold]", duties)
    if decision.missing:
        table.add_row(
            f"[bold]{t('cli.missing')}[/bold]", "\n".join(fact_label(p) for p in decision.missing)
        )
    rules = [rule_title(r) for r in _rules_of(decision)]
    table.add_row(f"[bold]{t('cli.rules')}[/bold]", "\n".join(rules) or t("cli.none"))
    out.print(table)
    out.print(f"\n[bold]{t('cli.explanation')}[/bold]")
    for sentence in decision.explanation:
        out.print(f"• {sentence}", markup=False)
    out.print(f"\n[bold]{t('cli.citations')}[/bold]")
    for c in decision.citations:
        out.print(f"• {c.title}", markup=False)


def _rules_of(decision: Decision) -> list[Rule]:
    from depositaire.law import default_rule_base

    by_id = default_rule_base().by_id
    return [by_id[r] for r in decision.decided_rule_ids() if r in by_id]


# -- rules ----------------------------------------------------------------


def load_rule_base(module: str | None) -> RuleBase:
    """The default rule base, or the ``RULE_BASE`` of a Python module (for tests)."""
    if module is None:
        from depositaire.law import default_rule_base

        return default_rule_base()
    try:
        loaded = importlib.import_module(module)
        base = loaded.RULE_BASE
    except ImportError as exc:
        fail(t("error.rule_base_module", module=module, detail=reason(exc)))
    except AttributeError:
        fail(t("error.rule_base_module", module=module, detail=t("error.reasons.no_rule_base")))
    if not isinstance(base, RuleBase):
        fail(t("error.rule_base_module", module=module, detail=t("error.reasons.no_rule_base")))
    return base


def _validity(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return t("cli.between", start=format_date(start), end=format_date(end))
    if start:
        return t("cli.since", date=format_date(start))
    if end:
        return t("cli.until", date=format_date(end))
    return t("cli.always")


@app.command(cls=FrenchCommand, help=t("cli.commands.rules"))
def rules(
    check_only: Annotated[
        bool, typer.Option("--check", metavar="", help=t("cli.options.check"))
    ] = False,
    rule_base: Annotated[
        str | None, typer.Option("--rule-base", metavar="MODULE", help=t("cli.options.rule_base"))
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", metavar="", help=t("cli.options.markdown"))
    ] = False,
    coverage: Annotated[
        bool, typer.Option("--coverage", metavar="", help=t("cli.options.coverage"))
    ] = False,
    prove_all: Annotated[
        bool, typer.Option("--prove", metavar="", help=t("cli.options.prove"))
    ] = False,
) -> None:
    """List or check the rule base (help text: ``cli.commands.rules``)."""
    base = load_rule_base(rule_base)
    provisions = default_provisions()
    if markdown:
        from depositaire.engine.docs import rules_markdown

        sys.stdout.write(rules_markdown(base, provisions))
        return
    if coverage:
        from depositaire.engine.docs import coverage_markdown

        sys.stdout.write(coverage_markdown(base))
        return
    if prove_all:
        raise typer.Exit(print_proof(base, rule_base))
    if check_only:
        problems = check(base, provisions)
        if not problems:
            out.print(t("cli.check_ok", count=len(base.rules), provisions=len(provisions.versions)))
            return
        err.print(tn("cli.check_failed", len(problems)))
        for p in problems:
            err.print(
                f"• {t(f'cli.check_kinds.{p.kind}')} : {', '.join(p.rules)} — {p.detail}",
                markup=False,
            )
        raise typer.Exit(1)
    # One block per rule rather than a table: readable in an 80-column terminal.
    out.print(
        f"[bold]{t('cli.rules_table_title', count=len(base.rules), version=base.version)}[/bold]"
    )
    today = dt.date.today()
    for r in base.ordered:
        labels = [
            v.title for k in r.citations if (v := provisions.on(k, today) or provisions.latest(k))
        ]
        verdict = t(f"verdicts.{r.verdict}.label") if r.verdict else t("cli.none")
        out.print(f"\n[bold]{r.id}[/bold] — {t(f'rules.{r.id}.title')}", markup=True)
        out.print(
            f"  {t('cli.col_kind')} : {t(f'cli.kinds.{r.kind}')} · "
            f"{t('cli.col_verdict')} : {verdict} · "
            f"{t('cli.col_validity')} : {_validity(r.valid_from, r.valid_until)}",
            markup=False,
        )
        for label in labels:
            out.print(f"  • {label}", markup=False)
    out.print(f"\n[bold]{t('not_modelled.title')}[/bold]")
    from depositaire.messages import catalogue, current_language

    for key, text in catalogue(current_language()).items():
        if key.startswith("not_modelled.items."):
            out.print(f"• {text}", markup=False)


def _period(start: dt.date, end: dt.date | None, first: bool) -> str:
    if first:
        return t("prove.period_before", end=format_date(end or start))
    if end is None:
        return t("prove.period_open", start=format_date(start))
    return t("prove.period", start=format_date(start), end=format_date(end))


def print_proof(base: RuleBase, module: str | None) -> int:
    """Prove the rule base's guarantees; print each counterexample as a YAML situation."""
    import yaml

    from depositaire.engine.prove import PROPERTIES, prove

    always = None
    if module is not None:
        always = getattr(importlib.import_module(module), "ALWAYS_CONFIDENCES", None)
    proof = prove(base, always)
    spans = ", ".join(_period(s, e, i == 0) for i, (s, e) in enumerate(proof.periods))
    if len(proof.periods) == 1:
        spans = t("cli.always")
    out.print(
        t("prove.title", count=len(base.rules), periods=tn("prove.periods", len(proof.periods))),
        markup=False,
    )
    out.print(f"  ({spans})", markup=False)

    def names(ids: tuple[str, ...]) -> str:
        titles = [f"« {t(f'rules.{i}.title')} »" for i in ids]
        return ", ".join(titles) or t("prove.no_rule")

    for prop in PROPERTIES:
        found = [c for c in proof.counterexamples if c.property == prop]
        unsettled = bool(found) and all(c.kind == "not_settled" for c in found)
        status = t("prove.proved")
        mark = "✓"
        if unsettled:
            status, mark = t("prove.unsettled"), "?"
        elif found:
            status, mark = t("prove.failed"), "✗"
        out.print(f"{mark} {t(f'prove.properties.{prop}')} : {status}", markup=False)
        if prop == "one_verdict" and not found and proof.engine_settled:
            out.print(f"  • {tn('prove.engine_checked', len(proof.engine_settled))}", markup=False)
        if prop == "must":
            from depositaire.engine.explain import fact_label

            for rule_id, path, _situation in proof.presumptions:
                out.print(
                    "  • "
                    + t(
                        "prove.presumption",
                        rules=names((rule_id,)),
                        fact=fact_label(path),
                        path=path,
                    ),
                    markup=False,
                )
        for ce in found:
            detail = {k: v for k, v in ce.detail.items() if k != "outcome"}
            if "outcome" in ce.detail:
                detail["outcome"] = t(f"verdicts.{ce.detail['outcome']}.label")
            if "category" in detail:
                from depositaire.engine.explain import disclosure_label

                detail["category"] = disclosure_label(detail["category"])
            out.print(
                f"  • {t(f'prove.kinds.{ce.kind}', rules=names(ce.rules), **detail)}", markup=False
            )
            for label, situation, decision in (
                ("prove.situation", ce.situation, ce.decision),
                ("prove.completion", ce.completion, ce.completion_decision),
            ):
                if situation is None or decision is None:
                    continue
                out.print(f"    {t(label)}", markup=False)
                text = yaml.safe_dump(situation, allow_unicode=True, sort_keys=False)
                for line in text.splitlines():
                    out.print(f"      {line}", markup=False)
                verdict = t(f"verdicts.{decision.verdict}.label")
                out.print(
                    f"    {t('prove.engine', verdict=verdict, rules=names(tuple(decision.decided_rule_ids())))}",
                    markup=False,
                )
            if not ce.reproduced:
                out.print(f"    {t('prove.not_reproduced')}", markup=False)
    seconds = f"{proof.seconds:.1f}".replace(".", ",")
    failed = len({c.property for c in proof.counterexamples if c.kind != "not_settled"})
    unsettled = len({c.property for c in proof.counterexamples}) - failed
    if failed or unsettled:
        out.print(
            t(
                "prove.summary_failed",
                failed=tn("prove.failed_count", failed),
                unsettled=tn("prove.unsettled_count", unsettled),
                checks=proof.checks,
                seconds=seconds,
            )
        )
        return 1
    out.print(t("prove.summary_ok", checks=proof.checks, seconds=seconds))
    return 0


# -- law ------------------------------------------------------------------


def find_provisions(article: str) -> list[ProvisionVersion]:
    """Versions whose key is ``article``, or whose key ends with it, or whose article is it."""
    provisions = default_provisions()
    wanted = article.strip().lower().replace(" ", "")
    if wanted in provisions.by_key:
        return list(provisions.by_key[wanted])
    found = [
        v
        for v in provisions.versions
        if v.key.lower().endswith("." + wanted) or v.article.lower().replace(" ", "") == wanted
    ]
    return found


@app.command(cls=FrenchCommand, help=t("cli.commands.law"))
def law(
    article: Annotated[str, typer.Argument(metavar="ARTICLE", help=t("cli.options.article"))],
) -> None:
    """Show a provision's stored text (help text: ``cli.commands.law``)."""
    versions = find_provisions(article)
    if not versions:
        known = ", ".join(sorted(default_provisions().by_key))
        fail(t("error.unknown_provision", article=article, known=known))
    from depositaire.law import default_rule_base

    base = default_rule_base()
    for key in dict.fromkeys(v.key for v in versions):
        for v in (x for x in versions if x.key == key):
            body = v.shown_quote
            for source, quote in v.extra_quotes:
                body += f"\n\n[{source}] {quote}"
            lines = [
                t("cli.law_validity", validity=_validity(v.valid_from, v.valid_until)),
                t("cli.law_source", source=v.source),
            ]
            if v.note:
                lines.append(t("cli.law_note", note=v.note))
            if v.to_verify_text:
                lines.append(t("explain.to_verify", note=v.to_verify_text))
            out.print(
                Panel(body + "\n\n" + "\n".join(lines), title=t("cli.law_title", label=v.title)),
                markup=False,
            )
        users = [r for r in base.ordered if key in r.citations]
        if users:
            names = ", ".join(f"{r.id} ({rule_title(r)})" for r in users)
            out.print(t("cli.law_used_by", rules=names), markup=False)
        else:
            out.print(t("cli.law_not_used"))


# -- commands provided by the other layers ------------------------------------


# The interview is part of the project: its command is registered here; it imports
# the document renderers (WeasyPrint) lazily, only when a PDF is asked for.
from depositaire.interview.cli import consult  # noqa: E402

app.command("consult", cls=FrenchCommand)(consult)


@journal_app.command("verify", cls=FrenchCommand, help=t("cli.commands.journal_verify"))
def journal_verify(
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key", metavar=t("cli.metavars.file"), help=t("cli.options.public_key")
        ),
    ] = None,
) -> None:
    """Verify the journal chain (help text: ``cli.commands.journal_verify``)."""
    from depositaire.web.journal.cli import verify_command

    raise typer.Exit(verify_command(public_key=public_key))


@journal_app.command(
    "seal-existing", cls=FrenchCommand, help=t("cli.commands.journal_seal_existing")
)
def journal_seal_existing(
    also_reported: Annotated[
        bool, typer.Option("--also-reported", help=t("cli.options.also_reported"))
    ] = False,
) -> None:
    """Seal the rows written before sealing existed (help: ``cli.commands.journal_seal_existing``)."""
    from depositaire.web.journal.cli import seal_existing_command

    raise typer.Exit(seal_existing_command(also_reported=also_reported))


demo_app = typer.Typer(
    cls=FrenchGroup,
    subcommand_metavar=t("cli.help.subcommand_metavar"),
    invoke_without_command=True,
    help=t("cli.commands.demo"),
)
app.add_typer(demo_app, name="demo")


@demo_app.callback()
def demo(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(metavar=t("cli.metavars.host"), help=t("cli.options.host"))
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help=t("cli.options.port"))] = 8000,
) -> None:
    """Start the demo web application (help text: ``cli.commands.demo``)."""
    if ctx.invoked_subcommand is not None:
        return
    from depositaire.web.demo import DemoError, run

    try:
        run(host=host, port=port)
    except DemoError as exc:
        fail(str(exc), code=1)


# backup, restore, serve: running Dépositaire for real (depositaire.cli_ops).
from depositaire import cli_ops  # noqa: E402

cli_ops.register(app)


@app.command("api-token", cls=FrenchCommand, help=t("cli.commands.api_token"))
def api_token(
    username: Annotated[str, typer.Argument(metavar=t("cli.metavars.username"))],
    scope: Annotated[
        list[str],
        typer.Option("--scope", metavar="decide|register", help=t("cli.options.token_scope")),
    ],
    days: Annotated[
        int, typer.Option("--days", metavar="N", help=t("cli.options.token_days"))
    ] = 90,
    name: Annotated[
        str,
        typer.Option("--name", metavar=t("cli.metavars.name"), help=t("cli.options.token_name")),
    ] = "",
) -> None:
    """Create an API token (help text: ``cli.commands.api_token``); the token is the last line."""
    from depositaire.web.demo import setup

    setup()
    from depositaire.web.api.tokens import TokenError, issue_from_command_line

    try:
        message, raw = issue_from_command_line(username, scope, days, name)
    except TokenError as exc:
        fail(str(exc))
    print(message)
    print(raw, flush=True)


@demo_app.command("code", cls=FrenchCommand, help=t("cli.commands.demo_code"))
def demo_code(
    username: Annotated[str, typer.Argument(metavar=t("cli.metavars.user"))],
) -> None:
    """Print the current one-time code of a demo account (help text: ``cli.commands.demo_code``)."""
    from depositaire.web.demo import DemoError, current_code

    try:
        out.print(current_code(username), markup=False)
    except DemoError as exc:
        fail(str(exc), code=1)


def main() -> None:
    """Run the command line; usage errors are told in French (exit 2), never as a traceback."""
    language, args = take_language(sys.argv[1:])
    if language is not None and language not in LANGUAGES:
        err.print(
            f"{t('error.prefix')} : "
            + t("cli.usage.unknown_language", value=language, accepted=", ".join(LANGUAGES)),
            markup=False,
        )
        sys.exit(EXIT_BAD_INPUT)
    with using_language(language):
        _run(args)


def _run(args: list[str]) -> None:
    errors = typer._click.exceptions
    try:
        code = app(args=args, standalone_mode=False)
    except errors.NoArgsIsHelpError as exc:
        exc.show()
        code = 2
    except errors.UsageError as exc:
        if exc.ctx is not None:
            err.print(exc.ctx.get_usage(), markup=False)
            err.print(t("cli.usage.see_help", command=exc.ctx.command_path), markup=False)
        err.print(f"{t('error.prefix')} : {usage_error_message(exc)}", markup=False)
        code = EXIT_BAD_INPUT
    except typer.Abort:
        err.print(t("cli.usage.aborted"), markup=False)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

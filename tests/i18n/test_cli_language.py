"""The command line speaks the language asked with ``--lang``: every public scenario in
Dutch, with the verdict of the French run; an unknown language is refused in French."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from i18n.catalogues import found_in

SCENARIOS = Path(os.environ.get("DEPOSITAIRE_SCENARIOS", "/work/shared/scenarios/public.yaml"))
CLI = [sys.executable, "-m", "depositaire.cli"]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=120, input=stdin, check=False
    )


def _run_here(*args: str) -> subprocess.CompletedProcess[str]:
    """As :func:`_run`, in this process: ``depositaire.cli.main`` with these arguments.

    The same entry point (``--lang`` taken out, the command run, ``sys.exit`` with its
    code), without starting Python and importing the application for each of the 63 runs
    of the scenario test; the other tests here start the real command.
    """
    from depositaire.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["depositaire", *args]
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    returncode = code if isinstance(code, int) else (0 if code is None else 1)
    return subprocess.CompletedProcess(args, returncode, stdout.getvalue(), stderr.getvalue())


def _cases() -> list[dict[str, object]]:
    if SCENARIOS.exists():
        return list(yaml.safe_load(SCENARIOS.read_text("utf-8")))
    examples = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.yaml"))
    return [{"name": p.stem, "situation": yaml.safe_load(p.read_text("utf-8"))} for p in examples]


def test_every_public_scenario_is_explained_in_dutch_with_the_same_verdict(tmp_path: Path) -> None:
    cases = _cases()
    assert len(cases) >= 5
    for index, case in enumerate(cases):
        path = tmp_path / f"s{index}.yaml"
        path.write_text(yaml.safe_dump(case["situation"], allow_unicode=True), "utf-8")
        french = json.loads(_run_here("evaluate", str(path), "--format", "json").stdout)
        dutch_json = _run_here("evaluate", str(path), "--format", "json", "--lang", "nl")
        assert dutch_json.returncode == 0, (case["name"], dutch_json.stderr[-500:])
        dutch = json.loads(dutch_json.stdout)
        assert dutch["verdict"] == french["verdict"], case["name"]
        assert dutch["may_disclose"] == french["may_disclose"], case["name"]
        assert dutch["explanation"] != french["explanation"], case["name"]
        text = _run_here("evaluate", str(path), "--lang", "nl")
        assert text.returncode == 0, (case["name"], text.stderr[-500:])
        # The "à vérifier" notes are catalogue messages too: nothing is left out.
        shown = " ".join(text.stdout.replace("│", " ").split())
        assert not found_in(shown, "fr", "nl"), (case["name"], found_in(shown, "fr", "nl"))


@pytest.mark.parametrize("command", [["rules"], ["law", "458"]])
def test_the_rules_and_the_law_are_shown_in_dutch(command: list[str]) -> None:
    from depositaire.engine.provisions import default_provisions

    run = _run(*command, "--lang", "nl")
    assert run.returncode == 0, run.stderr[-500:]
    # The quotations are the law's French text, shown as it is (and marked).
    shown = " ".join(run.stdout.replace("│", " ").split())
    for versions in default_provisions().by_key.values():
        for v in versions:
            for quote in (v.quote, *(q for _, q in v.extra_quotes)):
                shown = shown.replace(" ".join(quote.split()), "")
    assert not found_in(shown, "fr", "nl")


def test_a_dutch_quotation_is_the_french_text_with_the_mark() -> None:
    from depositaire.messages import t, using_language

    run = _run("law", "458", "--lang", "nl")
    with using_language("nl"):
        mark = t("law_quotes.french_only")
    assert " ".join(mark.split()) in " ".join(run.stdout.split())
    assert mark not in _run("law", "458").stdout


def test_the_dutch_mark_of_a_french_quotation_is_the_one_the_issue_asks() -> None:
    from depositaire.messages import catalogue

    assert catalogue("nl").get("law_quotes.french_only") == (
        "Franse tekst — officiële Nederlandse tekst te verifiëren"
    )


def test_an_unknown_language_is_refused_in_french_naming_the_accepted_ones() -> None:
    run = _run("evaluate", "-", "--lang", "de", stdin="{}")
    assert run.returncode == 2
    assert "« de »" in run.stderr and "fr, nl" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_provision_titles_of_the_catalogue_are_those_of_the_law() -> None:
    from depositaire.engine.provisions import default_provisions
    from depositaire.messages import catalogue

    fr = catalogue("fr")
    versions = [v for vs in default_provisions().by_key.values() for v in vs]
    assert versions
    for v in versions:
        assert fr.get(v.title_key) == v.label, v.title_key


def test_the_provision_notes_of_the_catalogue_are_those_of_the_law() -> None:
    from depositaire.engine.provisions import default_provisions
    from depositaire.messages import catalogue

    fr, nl = catalogue("fr"), catalogue("nl")
    noted = [v for vs in default_provisions().by_key.values() for v in vs if v.to_verify]
    assert noted
    for v in noted:
        assert fr.get(v.note_key) == v.to_verify, v.note_key
        assert nl.get(v.note_key) not in (None, v.to_verify), v.note_key
    notes = {k for k in fr if k.startswith("provision_notes.")}
    assert notes == {v.note_key for v in noted}


def test_a_note_to_verify_is_shown_in_dutch(tmp_path: Path) -> None:
    """Art. 458 in 2020: its version of 2017 carries a note (entry into force to confirm)."""
    from depositaire.engine.provisions import default_provisions
    from depositaire.messages import catalogue

    version = default_provisions().on("penal_code.458", dt.date(2020, 5, 4))
    assert version is not None and version.to_verify
    path = tmp_path / "s.yaml"
    path.write_text(
        "holder: {role: social_worker, institution: cpas}\n"
        "recipient: {kind: police}\nrequest: {kind: informal_request}\ndate: 2020-05-04\n",
        "utf-8",
    )
    dutch_note = " ".join(catalogue("nl")[version.note_key].split())
    text = _run("evaluate", str(path), "--lang", "nl")
    shown = " ".join(text.stdout.replace("│", " ").split())
    assert text.returncode == 0, text.stderr[-500:]
    assert dutch_note[:60] in shown
    assert " ".join(version.to_verify.split())[:60] not in shown
    as_json = json.loads(_run("evaluate", str(path), "--format", "json", "--lang", "nl").stdout)
    assert any(dutch_note in note for note in as_json["to_verify"])
    assert as_json["citations"][0]["to_verify"] == catalogue("nl")[version.note_key]
    french = json.loads(_run("evaluate", str(path), "--format", "json").stdout)
    assert any(version.to_verify in note for note in french["to_verify"])


@pytest.mark.parametrize(
    "args",
    [["--lang", "nl", "evaluate", "--help"], ["evaluate", "--help", "--lang", "nl"]],
)
def test_the_help_is_dutch_wherever_lang_is_given(args: list[str]) -> None:
    from depositaire.messages import t, using_language

    run = _run(*args)
    assert run.returncode == 0, run.stderr[-500:]
    shown = " ".join(run.stdout.replace("│", " ").split())
    with using_language("nl"):
        for key in ("cli.help.usage", "cli.help.options", "cli.help.help_option"):
            assert t(key) in shown, key
        assert " ".join(t("cli.commands.evaluate").split())[:40] in shown
    assert not found_in(shown, "fr", "nl"), found_in(shown, "fr", "nl")


def test_the_help_is_french_without_lang() -> None:
    from depositaire.messages import t, using_language

    run = subprocess.run(
        [*CLI, "evaluate", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "DEPOSITAIRE_LANGUAGE": "fr"},
    )
    shown = " ".join(run.stdout.replace("│", " ").split())
    with using_language("fr"):
        assert t("cli.help.usage") in shown and t("cli.help.help_option") in shown
    assert not found_in(shown, "nl", "fr"), found_in(shown, "nl", "fr")

"""Bad input: exit code 2, one French message naming the key or value, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from depositaire.cli import app
from depositaire.engine import SituationError, parse_situation

runner = CliRunner()

CASES = [
    ("unknown top-level key", "holdr: {role: social_worker}\n", ["holdr", "holder"]),
    ("unknown nested key", "holder: {rol: social_worker}\n", ["holder.rol", "role"]),
    (
        "unknown value",
        "recipient: {kind: neighbour}\n",
        ["neighbour", "police", "immigration_office"],
    ),
    (
        "unknown category",
        "information: {categories: [address, shoe_size]}\n",
        ["shoe_size", "national_number"],
    ),
    ("not a boolean", "danger: {exists: maybe}\n", ["danger.exists", "maybe"]),
    ("impossible date", "date: 2026-02-30\n", ["2026-02-30", "AAAA-MM-JJ"]),
    ("malformed YAML", "holder: [social_worker\n", ["YAML", "ligne"]),
    ("malformed JSON", '{"holder": }', ["JSON", "ligne 1"]),
    ("empty document", "", ["vide"]),
    ("a list instead of a mapping", "- a\n- b\n", ["list"]),
    ("a group that is not a mapping", "holder: social_worker\n", ["holder"]),
    (
        "categories not a list",
        "information: {categories: address}\n",
        ["information.categories", "liste"],
    ),
]


@pytest.mark.parametrize(("label", "text", "named"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_and_names_the_problem(label, text, named):
    result = runner.invoke(app, ["evaluate", "-"], input=text)
    assert result.exit_code == 2, result.output
    for word in named:
        assert word in result.output, (label, result.output)
    assert "Traceback" not in result.output


def test_a_missing_file_is_named():
    result = runner.invoke(app, ["evaluate", "no-such-situation.yaml"])
    assert result.exit_code == 2
    assert "no-such-situation.yaml" in result.output


def test_an_impossible_date_option_is_named():
    result = runner.invoke(
        app, ["evaluate", "-", "--date", "2026-13-01"], input="holder: {role: doctor}\n"
    )
    assert result.exit_code == 2
    assert "2026-13-01" in result.output


def test_an_unknown_output_format_is_named():
    result = runner.invoke(
        app, ["evaluate", "-", "--format", "xml"], input="holder: {role: doctor}\n"
    )
    assert result.exit_code == 2
    assert "xml" in result.output


def test_the_installed_command_prints_no_traceback_on_bad_input():
    """The real program, not the test runner: stderr holds one line, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "depositaire.cli", "evaluate", "-"],
        input="recipient: {kind: neighbour}\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "recipient.kind" in proc.stderr


def test_parse_errors_carry_the_path_of_the_fact():
    with pytest.raises(SituationError) as caught:
        parse_situation({"consent": "maybe"})
    assert caught.value.path == "consent"


def test_json_input_is_accepted_like_yaml():
    result = runner.invoke(
        app,
        ["evaluate", "-", "--format", "json"],
        input='{"holder": {"role": "social_worker", "institution": "cpas"}, "recipient": {"kind": "police"}, "request": {"kind": "informal_request"}}',
    )
    assert result.exit_code == 0
    assert '"verdict": "secret"' in result.output


def test_the_date_option_overrides_the_situation_date():
    result = runner.invoke(
        app,
        ["evaluate", "-", "--format", "json", "--date", "2017-08-31"],
        input="date: 2026-01-01\nholder: {role: social_worker, institution: cpas}\nrecipient: {kind: police}\nrequest: {kind: informal_request}\n",
    )
    assert '"date": "2017-08-31"' in result.output

"""The command line speaks French to people: help screens and usage errors included."""

from __future__ import annotations

import subprocess
import sys

import pytest

ENGLISH = ("Usage:", "Show this message", "No such", "Missing argument", "Invalid value", "Try '")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "depositaire.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["evaluate", "--bogus"], "--bogus"),
        (["evaluate"], "FILE|-"),
        (["frob"], "frob"),
        (["journal", "verify", "--nope"], "--nope"),
        (["demo", "--port", "abc"], "--port"),
    ],
)
def test_a_usage_error_is_one_french_message_naming_the_problem(args, named):
    proc = run(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "Erreur :" in proc.stderr and named in proc.stderr
    assert "Utilisation :" in proc.stderr
    assert not [word for word in ENGLISH if word in proc.stderr + proc.stdout]


@pytest.mark.parametrize(
    "args", [["--help"], ["evaluate", "--help"], ["rules", "--help"], ["journal", "--help"]]
)
def test_help_screens_carry_no_english_fixed_strings(args):
    proc = run(*args)
    assert proc.returncode == 0
    assert "Utilisation :" in proc.stdout and "Affiche cette aide et quitte." in proc.stdout
    assert not [word for word in ENGLISH if word in proc.stdout]


def test_the_group_help_lists_commands_under_a_french_title():
    proc = run("--help")
    assert "Commandes" in proc.stdout and "COMMANDE [ARGUMENTS]" in proc.stdout
    assert "Commands" not in proc.stdout

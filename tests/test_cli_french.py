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
        (["evaluate"], "FICHIER|-"),
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
    assert "<bool>" not in proc.stdout


def test_the_group_help_lists_commands_under_a_french_title():
    proc = run("--help")
    assert "Commandes" in proc.stdout and "COMMANDE [ARGUMENTS]" in proc.stdout
    assert "Commands" not in proc.stdout


def test_the_rule_checker_reports_its_problems_in_french():
    env_run = subprocess.run(
        [sys.executable, "-m", "depositaire.cli", "rules", "--check"]
        + ["--rule-base", "fixtures.conflicting_rules"],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": "tests", "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )
    assert env_run.returncode == 1
    assert "peuvent s'appliquer ensemble sans priorité déclarée" in env_run.stderr
    assert "ses conditions se contredisent" in env_run.stderr
    for english in ("no stored text", "declared priority", "contradict", "can both apply"):
        assert english not in env_run.stderr


@pytest.mark.parametrize(("text", "fmt"), [("holder: [\n", "YAML"), ('{"holder": {,}', "JSON")])
def test_malformed_input_is_named_in_french_with_its_line(text, fmt):
    proc = subprocess.run(
        [sys.executable, "-m", "depositaire.cli", "evaluate", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert f"{fmt} mal formé (ligne" in proc.stderr
    for english in ("expected", "found", "Expecting", "property name", "delimiter"):
        assert english not in proc.stderr


def test_an_unusable_file_or_module_is_explained_in_french(tmp_path):
    folder = run("evaluate", str(tmp_path))
    assert folder.returncode == 2 and "introuvable" in folder.stderr
    module = run("rules", "--rule-base", "json")
    assert module.returncode == 2 and "RULE_BASE" in module.stderr
    assert "AttributeError" not in module.stderr and "Error" not in module.stderr

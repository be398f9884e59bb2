"""The French catalogue names everything a person can read: facts, values, rules, duties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from depositaire.engine.schema import FACTS
from depositaire.law import default_rule_base
from depositaire.messages import MissingMessage, catalogue, has, t


def test_every_fact_has_a_french_label():
    for path in FACTS:
        assert has(f"facts.{path}.label"), path


def test_every_boolean_fact_says_both_what_holds_and_what_does_not():
    for path, spec in FACTS.items():
        if spec.type == "bool":
            assert has(f"facts.{path}.if_true") and has(f"facts.{path}.if_false"), path


def test_every_value_of_every_enumerated_fact_has_a_french_label():
    for path, spec in FACTS.items():
        for value in spec.values:
            assert has(f"values.{path}.{value}"), f"{path}={value}"


def test_every_rule_every_duty_and_every_verdict_is_worded():
    base = default_rule_base()
    for rule in base.rules:
        assert has(f"rules.{rule.id}.title") and has(f"rules.{rule.id}.applies")
        for duty in (
            *rule.duties,
            *(d for _, d in rule.conditional_duties),
            *(d for _, d in rule.failure_duties),
        ):
            assert has(f"duties.{duty}"), duty
        for key in rule.to_verify:
            assert has(f"to_verify.{key}"), key
    for verdict in ("secret", "share", "may_disclose", "must_disclose", "undetermined"):
        assert has(f"verdicts.{verdict}.label") and has(f"verdicts.{verdict}.sentence")


def test_an_unknown_key_is_an_error_not_a_silent_blank():
    with pytest.raises(MissingMessage):
        t("no.such.message")


KEY_PATTERN = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")


def test_every_message_key_the_engine_and_cli_use_literally_exists():
    root = Path(__file__).resolve().parents[2] / "src" / "depositaire"
    files = [*root.joinpath("engine").glob("*.py"), root / "cli.py"]
    keys = set()
    for path in files:
        keys.update(KEY_PATTERN.findall(path.read_text(encoding="utf-8")))
    assert keys, "the pattern found no keys: the test would prove nothing"
    missing = sorted(k for k in keys if k not in catalogue())
    assert missing == []


def test_dates_read_as_french_dates_with_the_first_of_the_month_as_1er():
    import datetime as dt

    from depositaire.engine.explain import format_date

    assert format_date(dt.date(2017, 9, 1)) == "1er septembre 2017"
    assert format_date(dt.date(2019, 3, 14)) == "14 mars 2019"

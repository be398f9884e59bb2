"""Plural forms come from the catalogue: one message, its singular and its plural."""

from __future__ import annotations

import re

import pytest

from depositaire.messages import (
    MissingMessage,
    catalogue,
    plural_form,
    plural_keys,
    tn,
)


def test_french_counts_zero_and_one_as_singular_and_more_as_plural() -> None:
    assert [plural_form(n, "fr") for n in (0, 1, 2, 6, 1_000_000)] == [
        "one",
        "one",
        "other",
        "other",
        "many",
    ]


def test_dutch_counts_only_one_as_singular() -> None:
    assert [plural_form(n, "nl") for n in (0, 1, 2)] == ["other", "one", "other"]


def test_a_count_reads_in_the_right_form_without_an_s_in_brackets() -> None:
    assert tn("incoming.follow_up.age", 1) == "1 jour"
    assert tn("incoming.follow_up.age", 6) == "6 jours"
    assert tn("interview.cli.count", 1) == "1 question posée."
    assert tn("interview.cli.count", 7) == "7 questions posées."
    assert tn("web.journal.details.size_count", 2, value=2) == "taille : 2 octets"
    # French "many" (whole millions) falls back to the plural when the message has no such form.
    assert tn("incoming.follow_up.age", 1_000_000) == "1000000 jours"


def test_a_plural_message_without_its_forms_is_an_error() -> None:
    with pytest.raises(MissingMessage):
        tn("web.app.name", 2)


def test_every_plural_message_has_both_forms_and_the_same_placeholders() -> None:
    messages = catalogue()
    keys = plural_keys()
    assert {
        "incoming.follow_up.age",
        "interview.cli.count",
        "web.journal.details.size_count",
    } <= keys
    for key in keys:
        one, other = messages[f"{key}.one"], messages[f"{key}.other"]
        assert set(re.findall(r"{(\w+)}", one)) == set(re.findall(r"{(\w+)}", other)), key
        assert one != other, key


def test_no_message_with_a_count_writes_its_plural_in_brackets() -> None:
    assert not sorted(k for k, v in catalogue().items() if "(s)" in v)

"""The Dutch catalogue says everything the French one says: same keys, same placeholders,
same plural forms (French may add ``many``, which Dutch does not have)."""

from __future__ import annotations

import string

from depositaire.messages import catalogue


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _plural_base(key: str) -> str | None:
    head, _, form = key.rpartition(".")
    return head if form in ("one", "other", "many") else None


def test_there_is_a_dutch_catalogue() -> None:
    assert len(catalogue("nl")) > 0, "src/depositaire/messages/nl*.yaml are missing"


def test_every_french_key_has_a_dutch_message() -> None:
    fr, nl = catalogue("fr"), catalogue("nl")
    missing = sorted(k for k in fr if k not in nl and not k.endswith(".many"))
    assert not missing, f"{len(missing)} keys without Dutch: {missing[:20]}"


def test_the_dutch_catalogue_has_no_key_the_french_one_lacks() -> None:
    fr, nl = catalogue("fr"), catalogue("nl")
    extra = sorted(k for k in nl if k not in fr)
    assert not extra, f"keys only in Dutch: {extra[:20]}"


def test_each_dutch_message_expects_the_placeholders_of_the_french_one() -> None:
    fr, nl = catalogue("fr"), catalogue("nl")
    assert nl
    wrong = {
        k: (sorted(_names(fr[k])), sorted(_names(nl[k])))
        for k in fr.keys() & nl.keys()
        if _names(fr[k]) != _names(nl[k])
    }
    assert not wrong, (
        f"{len(wrong)} messages with other placeholders: {dict(list(wrong.items())[:10])}"
    )


def test_the_plural_messages_have_the_same_forms_in_both_languages() -> None:
    fr, nl = catalogue("fr"), catalogue("nl")
    assert nl
    bases = {b for k in fr if (b := _plural_base(k)) and f"{b}.one" in fr and f"{b}.other" in fr}
    assert bases, "the French catalogue has plural messages"
    for base in sorted(bases):
        assert f"{base}.one" in nl and f"{base}.other" in nl, base
        # Dutch has two cardinal forms (CLDR): no "many".
        assert f"{base}.many" not in nl, base


def test_a_list_message_has_as_many_items_in_both_languages() -> None:
    fr, nl = catalogue("fr"), catalogue("nl")
    assert len(nl["common.months"].split(",")) == len(fr["common.months"].split(",")) == 12


def test_the_two_catalogues_differ_in_most_sentences() -> None:
    fr, nl = catalogue("fr"), catalogue("nl")
    long = [k for k in fr if len(fr[k].split()) >= 3 and k in nl]
    same = [k for k in long if fr[k] == nl[k]]
    assert len(same) < len(long) / 20, f"{len(same)} of {len(long)} untranslated: {same[:10]}"

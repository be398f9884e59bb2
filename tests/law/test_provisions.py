"""Fidelity of ``depositaire/law/provisions.yaml`` to the legal sources.

Every quote must be found word for word in the seed file it names. Before
comparing, both sides are normalised the same way, which only undoes layout:

* runs of whitespace (line breaks, non-breaking spaces, page-break padding)
  become one space;
* typographic apostrophes (’ ‘) become ';
* a word cut by a hyphen at the end of a line is joined ("lui-\\n\\nmême" ->
  "lui-même");
* private-use glyphs left by the PDF extraction (bullet symbols) are dropped.

A quote may be cut with "[…]" between verbatim pieces; each piece must then be
found, in the order of the quote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

import depositaire.law

LAW_DIR = Path(depositaire.law.__file__).parent
SOURCES_DIR = LAW_DIR / "sources"
PROVISIONS_FILE = LAW_DIR / "provisions.yaml"
SEEDS_DIR = Path("/work/shared/seeds")

REQUIRED_FIELDS = ("key", "label", "instrument", "article", "source", "quote")

INSTRUMENTS = {
    "penal_code",
    "new_penal_code",
    "criminal_procedure",
    "constitutional_court",
    "court_of_cassation",
    "cpas_organic_law",
    "social_workers_code",
    "psychologists_code",
    "medical_code",
    "youth_care",
    "pms_centres",
    "ambulatory_services",
    "intelligence_act",
    "probation",
    "school_health",
    "civil_service",
    "civil_code",
    "foreigners",
    "cpas_practice",
    "patients_rights",
}

REQUIRED_KEYS = (
    "penal_code.458",
    "penal_code.458bis",
    "penal_code.458ter",
    "penal_code.458quater",
    "penal_code.422bis",
    "penal_code.458.scope",
    "penal_code.458ter.preparatory_works",
    "secrecy.public_order",
    "criminal_procedure.29",
    "criminal_procedure.30",
    "criminal_procedure.46bis1",
    "criminal_procedure.46bis1.3",
    "constitutional_court.44_2019",
    "constitutional_court.52_2021",
    "court_of_cassation.1987_05_13",
    "court_of_cassation.1992_12_16",
    "cpas_organic_law.36",
    "cpas_organic_law.50",
    "cpas_practice.internal_circuit",
    "cpas_practice.automatic_flows",
    "cpas_practice.confidences",
    "foreigners.guarantor_lookup",
    "foreigners.automatic_flow",
    "foreigners.no_shared_secrecy",
    "social_workers_code.1_4",
    "social_workers_code.testimony",
    "social_workers_code.shared_secrecy",
    "social_workers_code.secret_facts",
    "psychologists_code.14",
    "medical_code.44",
    "patients_rights.12_14",
    "youth_care.code_7",
    "youth_care.code_12",
    "youth_care.decree_4",
    "pms_centres.decree_12",
    "ambulatory_services.decree_33",
    "intelligence_act.14",
    "intelligence_act.2_2",
    "probation.follow_up_reports",
    "school_health.order_2011",
    "civil_service.discretion",
    "civil_code.1382_1383",
    "civil_code.book6",
    "shared_secrecy.principles",
)

# Provisions of the 1867 Penal Code carried into the new Penal Code, whose new
# numbers are not confirmed: only these old numbers may be named.
OLD_PENAL_CODE_NUMBERS = {"458", "458bis", "458ter", "458quater", "422bis"}
CARRIED_INTO_NEW_PENAL_CODE = tuple(f"penal_code.{n}" for n in sorted(OLD_PENAL_CODE_NUMBERS))
OLD_PENAL_CODE_LAST_DAY = dt.date(2026, 4, 7)
NEW_PENAL_CODE_FIRST_DAY = dt.date(2026, 4, 8)

# Every date the file may use: each is stated in the seeds or in law.md.
DOCUMENTED_DATES = {
    dt.date(1987, 5, 13),  # Cass. 13 mai 1987 (001)
    dt.date(1992, 12, 16),  # Cass. 16 décembre 1992 (003)
    dt.date(
        1998, 11, 30
    ),  # intelligence services act of 30 November 1998 (001; day of the law, to verify)
    dt.date(2001, 3, 27),  # first art. 458bis in force (B. Lhoest 2008, law.md; to verify)
    dt.date(2002, 8, 22),  # patients' rights law of 22 August 2002 (003; day of the law, to verify)
    dt.date(2009, 3, 5),  # Brussels ambulatory decree of 5 March 2009 (001; day of it, to verify)
    dt.date(2011, 11, 29),  # day before the law of 30 November 2011 (001; to verify)
    dt.date(2011, 11, 30),  # law of 30 November 2011, art. 458bis as it now stands (001)
    dt.date(2017, 8, 2),  # day before the pot-pourri V law (to confirm)
    dt.date(2017, 8, 3),  # pot-pourri V law, tenth day after publication (to confirm)
    dt.date(2017, 9, 1),  # art. 46bis/1 CIC in force (law.md)
    dt.date(2019, 3, 13),  # day before judgment 44/2019
    dt.date(2019, 3, 14),  # Constitutional Court 44/2019 (001, 003)
    dt.date(2021, 4, 1),  # Constitutional Court 52/2021 (003)
    dt.date(2024, 12, 31),  # last day of Civil Code art. 1382-1383 (law.md)
    dt.date(2025, 1, 1),  # Book 6 of the new Civil Code (law.md)
    OLD_PENAL_CODE_LAST_DAY,  # law.md
    NEW_PENAL_CODE_FIRST_DAY,  # law.md (to confirm)
}

ELLIPSIS = re.compile(r"\s*\[…\]\s*")
ARTICLE_REFERENCE = re.compile(r"\bart(?:icle)?s?\b\.?\s*(\d+[a-z]*)", re.IGNORECASE)
NUMBER_REFERENCE = re.compile(r"\b(?:n°|no\.|numéro)\s*\d", re.IGNORECASE)
SUPERSEDED_WORDING = ("version antérieure", "jusqu", "annulé", "ancien", "1867")


def normalise(text: str) -> str:
    """Undo layout only: whitespace, apostrophes, end-of-line hyphenation, PDF glyphs."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub("[\ue000-\uf8ff]", " ", text)
    text = re.sub(r"(?<=\w)-[^\S\n]*\n\s*(?=\w)", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def pieces(quote: str) -> list[str]:
    return [piece for piece in ELLIPSIS.split(normalise(quote)) if piece]


def load_entries() -> list[dict[str, Any]]:
    with PROVISIONS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, list), "provisions.yaml must be a YAML list of versions"
    return data


ENTRIES = load_entries()


def entry_id(entry: dict[str, Any]) -> str:
    return f"{entry.get('key')}@{entry.get('valid_from')}"


def all_quotes() -> list[tuple[str, str, str]]:
    """(id, source, quote) for every quote, including extra_quotes."""
    quotes = []
    for entry in ENTRIES:
        quotes.append((entry_id(entry), entry["source"], entry["quote"]))
        for index, extra in enumerate(entry.get("extra_quotes") or []):
            quotes.append((f"{entry_id(entry)}+{index}", extra["source"], extra["quote"]))
    return quotes


QUOTE_PARAMS = [
    pytest.param(ident, source, quote, id=ident) for ident, source, quote in all_quotes()
]


def source_text(source: str) -> str:
    path = SOURCES_DIR / source
    assert path.is_file(), f"source file {source!r} is not in {SOURCES_DIR}"
    return path.read_text(encoding="utf-8")


def versions_by_key() -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in ENTRIES:
        grouped[entry["key"]].append(entry)
    return grouped


def text_fields(entry: dict[str, Any]) -> str:
    return " ".join(
        str(entry.get(field) or "") for field in ("label", "article", "note", "to_verify")
    )


# 1. Structure -------------------------------------------------------------


def test_the_yaml_loads_as_a_non_empty_list_of_mappings() -> None:
    assert ENTRIES
    assert all(isinstance(entry, dict) for entry in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_every_entry_has_key_label_instrument_article_source_and_quote(
    entry: dict[str, Any],
) -> None:
    for field in REQUIRED_FIELDS:
        assert field in entry, f"{entry_id(entry)}: missing {field!r}"
        assert isinstance(entry[field], str), f"{entry_id(entry)}: {field!r} must be a string"
        assert entry[field].strip(), f"{entry_id(entry)}: {field!r} is empty"


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_every_entry_uses_a_known_instrument(entry: dict[str, Any]) -> None:
    assert entry["instrument"] in INSTRUMENTS


@pytest.mark.parametrize("key", REQUIRED_KEYS)
def test_every_required_key_has_at_least_one_version(key: str) -> None:
    assert key in versions_by_key(), f"no entry for {key}"


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_optional_notes_are_non_empty_french_strings_when_present(entry: dict[str, Any]) -> None:
    for field in ("to_verify", "note"):
        if field in entry:
            assert isinstance(entry[field], str) and entry[field].strip()


# 2. Fidelity to the seeds -----------------------------------------------------


@pytest.mark.parametrize(("ident", "source", "quote"), QUOTE_PARAMS)
def test_every_quote_appears_verbatim_in_its_seed(ident: str, source: str, quote: str) -> None:
    text = normalise(source_text(source))
    position = 0
    for piece in pieces(quote):
        found = text.find(piece, position)
        if found == -1:
            matched = 0
            for length in range(len(piece), 0, -1):
                if text.find(piece[:length], position) != -1:
                    matched = length
                    break
            pytest.fail(
                f"{ident}: piece not found (in order) in {source}.\n"
                f"Matches up to: {piece[:matched]!r}\nThen expected: {piece[matched : matched + 80]!r}"
            )
        position = found + len(piece)


@pytest.mark.parametrize(("ident", "source", "quote"), QUOTE_PARAMS)
def test_every_quote_carries_real_text_and_not_only_cuts(
    ident: str, source: str, quote: str
) -> None:
    assert sum(len(piece) for piece in pieces(quote)) >= 40, ident


def test_the_normalisation_does_not_change_words() -> None:
    assert normalise("d’une\n\n  amende\u00a0de") == "d'une amende de"
    assert normalise("par lui-\n\nmême") == "par lui-même"
    assert normalise("\uf0d8 Arrêté") == "Arrêté"
    assert normalise("- Avec un collaborateur") == "- Avec un collaborateur"
    assert pieces("a b […] c d […]") == ["a b", "c d"]


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="original seeds not available")
@pytest.mark.parametrize("source", sorted({s for _, s, _ in all_quotes()}))
def test_the_packaged_sources_are_identical_to_the_original_seeds(source: str) -> None:
    original = SEEDS_DIR / source
    if not original.is_file():
        pytest.skip(f"{source} is not a seed file")
    assert (SOURCES_DIR / source).read_bytes() == original.read_bytes()


# 3. Time ------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_validity_dates_are_iso_dates_or_null(entry: dict[str, Any]) -> None:
    for field in ("valid_from", "valid_until"):
        value = entry.get(field)
        assert value is None or type(value) is dt.date, f"{entry_id(entry)}: {field}={value!r}"


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_valid_from_is_not_after_valid_until(entry: dict[str, Any]) -> None:
    start, end = entry.get("valid_from"), entry.get("valid_until")
    if start is not None and end is not None:
        assert start <= end, entry_id(entry)


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_no_date_is_invented(entry: dict[str, Any]) -> None:
    for field in ("valid_from", "valid_until"):
        value = entry.get(field)
        assert value is None or value in DOCUMENTED_DATES, f"{entry_id(entry)}: {field}={value}"


@pytest.mark.parametrize("key", sorted(versions_by_key()))
def test_versions_of_one_key_are_ordered_and_never_overlap(key: str) -> None:
    versions = versions_by_key()[key]
    for earlier, later in zip(versions, versions[1:], strict=False):
        assert earlier.get("valid_until") is not None, (
            f"{key}: an open-ended version is followed by another"
        )
        assert later.get("valid_from") is not None, f"{key}: a later version has no start"
        assert earlier["valid_until"] < later["valid_from"], (
            f"{key}: versions overlap or are out of order"
        )


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_superseded_versions_say_so_in_their_label(entry: dict[str, Any]) -> None:
    if entry.get("valid_until") is not None:
        assert any(word in entry["label"] for word in SUPERSEDED_WORDING), entry_id(entry)


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_pot_pourri_v_dates_carry_the_to_verify_note(entry: dict[str, Any]) -> None:
    starts = entry.get("valid_from") == dt.date(2017, 8, 3)
    ends = entry.get("valid_until") == dt.date(2017, 8, 2)
    if starts or ends:
        assert "pot-pourri V" in entry.get("to_verify", ""), entry_id(entry)
        assert "24 juillet 2017" in entry["to_verify"], entry_id(entry)


def test_article_458_has_a_pre_2017_version_a_2017_version_and_a_new_code_version() -> None:
    versions = versions_by_key()["penal_code.458"]
    assert [(v["instrument"], v.get("valid_from"), v.get("valid_until")) for v in versions] == [
        ("penal_code", None, dt.date(2017, 8, 2)),
        ("penal_code", dt.date(2017, 8, 3), OLD_PENAL_CODE_LAST_DAY),
        ("new_penal_code", NEW_PENAL_CODE_FIRST_DAY, None),
    ]
    assert "antérieurement max. 6 mois de prison" in versions[0]["quote"]
    assert "n'est pas reproduit" in versions[0]["note"]


def test_the_annulled_paragraph_3_of_46bis1_ends_the_day_before_the_judgment() -> None:
    (version,) = versions_by_key()["criminal_procedure.46bis1.3"]
    assert version["valid_from"] == dt.date(2017, 9, 1)
    assert version["valid_until"] == dt.date(2019, 3, 13)
    assert "annulé" in version["note"].lower()


def test_civil_liability_moves_to_book_6_on_1_january_2025() -> None:
    versions = versions_by_key()["civil_code.1382_1383"]
    assert versions[0]["valid_until"] == dt.date(2024, 12, 31)
    for version in [*versions[1:], *versions_by_key()["civil_code.book6"]]:
        assert version["valid_from"] == dt.date(2025, 1, 1)
        assert "Livre 6" in version["note"]
        assert "à vérifier" in version["to_verify"]


@pytest.mark.parametrize("key", [k for k in REQUIRED_KEYS if k.startswith("social_workers_code.")])
def test_the_ufas_code_entries_flag_the_2025_code_without_an_end_date(key: str) -> None:
    for version in versions_by_key()[key]:
        assert version.get("valid_until") is None
        assert "2025" in version["to_verify"] and "UFAS" in version["to_verify"]


# 4. New Penal Code: never an invented article number --------------------------


@pytest.mark.parametrize("key", CARRIED_INTO_NEW_PENAL_CODE)
def test_the_old_code_ends_and_the_new_code_starts_on_the_documented_days(key: str) -> None:
    versions = versions_by_key()[key]
    old, new = versions[-2], versions[-1]
    assert old["instrument"] == "penal_code" and old["valid_until"] == OLD_PENAL_CODE_LAST_DAY
    assert new["instrument"] == "new_penal_code" and new["valid_from"] == NEW_PENAL_CODE_FIRST_DAY
    assert new.get("valid_until") is None


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e["instrument"] == "new_penal_code"], ids=entry_id
)
def test_every_new_penal_code_entry_has_a_to_verify_note(entry: dict[str, Any]) -> None:
    note = entry.get("to_verify", "")
    assert "numéro" in note.lower() and "à vérifier" in note
    assert "8 avril 2026" in note and "9 avril" in note and "report" in note


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e["instrument"] == "new_penal_code"], ids=entry_id
)
def test_a_new_penal_code_entry_quotes_the_old_text_and_says_so(entry: dict[str, Any]) -> None:
    old = [v for v in versions_by_key()[entry["key"]] if v["instrument"] == "penal_code"][-1]
    assert normalise(entry["quote"]) == normalise(old["quote"])
    assert "n'est pas dans les sources" in entry["note"]


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e["instrument"] == "new_penal_code"], ids=entry_id
)
def test_no_new_penal_code_entry_gives_an_article_number_of_the_new_code(
    entry: dict[str, Any],
) -> None:
    fields = text_fields(entry)
    for number in ARTICLE_REFERENCE.findall(fields):
        assert number.lower() in OLD_PENAL_CODE_NUMBERS, f"{entry_id(entry)}: article {number}"
    assert not NUMBER_REFERENCE.search(fields), entry_id(entry)


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if "nouveau code pénal" in e["label"].lower()], ids=entry_id
)
def test_no_label_naming_the_new_penal_code_gives_a_new_article_number(
    entry: dict[str, Any],
) -> None:
    for number in ARTICLE_REFERENCE.findall(entry["label"]):
        assert number.lower() in OLD_PENAL_CODE_NUMBERS, f"{entry_id(entry)}: article {number}"
    assert not NUMBER_REFERENCE.search(entry["label"]), entry_id(entry)

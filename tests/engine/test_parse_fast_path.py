"""The fast path of ``parse_situation`` agrees with the full validator on every input:
the same facts for good input, the same French error (and path) for bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depositaire.engine import SituationError, parse_situation
from depositaire.engine.discovery import default_law
from depositaire.engine.situation import _parse_fully

ROOT = Path(__file__).resolve().parents[2]
LAW = default_law()
TODAY = dt.date(2026, 12, 2)


def full(data: object) -> Any:
    """The full validator's answer: the facts, or the error's message and path."""
    try:
        return dict(_parse_fully(data, today=TODAY, declared=LAW, law=None).facts)
    except SituationError as exc:
        return ("error", exc.message, exc.path)


def fast(data: object) -> Any:
    try:
        return dict(parse_situation(data, today=TODAY).facts)
    except SituationError as exc:
        return ("error", exc.message, exc.path)


#: Odd values: of the wrong type, near misses, a str subclass, nested containers.
class Text(str):
    pass


ODD: list[object] = [
    None,
    0,
    1,
    1.0,
    "",
    " ",
    "yes",
    "true",
    True,
    False,
    [],
    [None],
    ["x"],
    {},
    {"a": 1},
    (),
    ("confidence",),
    frozenset({"health"}),
    "2026-02-30",
    " 2026-01-01 ",
    "20260101",
    dt.date(2025, 3, 1),
    dt.datetime(2025, 3, 1, 12, 0),
    Text("police"),
    b"police",
]


def good_value(spec: Any) -> st.SearchStrategy[object]:
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "enum_list":
        return st.lists(st.sampled_from(spec.values), max_size=4)
    return st.dates(min_value=dt.date(2000, 1, 1)).map(lambda d: d.isoformat() if d.day % 2 else d)


def value(spec: Any) -> st.SearchStrategy[object]:
    return st.one_of(good_value(spec), good_value(spec), st.sampled_from(ODD))


@st.composite
def contracts(draw: st.DrawFn) -> dict[object, object]:
    """A nested contract, mostly well-formed, sometimes with a bad key or value."""
    out: dict[object, Any] = {}
    paths = draw(st.lists(st.sampled_from(sorted(LAW.facts)), unique=True, max_size=12))
    for path in paths:
        spec = LAW.facts[path]
        group, _, sub = path.partition(".")
        item = draw(value(spec) if draw(st.integers(0, 9)) == 0 else good_value(spec))
        if sub and draw(st.integers(0, 19)):
            out.setdefault(group, {})[sub] = item
        else:
            out[path] = item
    extra = draw(st.integers(0, 14))
    if extra == 0:
        out[draw(st.sampled_from(["holder", "unknown", 3, "holder.nope"]))] = draw(
            st.sampled_from(ODD)
        )
    elif extra == 1 and out:
        group = draw(st.sampled_from(sorted(LAW.groups)))
        out.setdefault(group, {})
        if isinstance(out[group], dict):
            out[group][draw(st.sampled_from(["nope", 1, True, "kind"]))] = "x"
    return out


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contracts())
def test_the_fast_path_agrees_with_the_full_validator(data: dict[object, object]) -> None:
    assert fast(data) == full(data)


def test_the_scenarios_parse_alike() -> None:
    for name in ("public.yaml", "project.yaml"):
        for case in yaml.safe_load((ROOT / "tests/scenarios" / name).read_text("utf-8")):
            assert fast(case["situation"]) == full(case["situation"])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        "",
        [],
        "text",
        {"holder": "x"},
        {"holder": {"role": "nope"}},
        {"holder": {"nope": True}},
        {"nope": 1},
        {"consent": "yes"},
        {"date": "2026-02-30"},
        {"information": {"categories": ["health", "nope"]}},
        {"information": {"categories": "x"}},
        {"as_known_on": 20260101},
    ],
)
def test_bad_input_gets_the_full_validators_error(data: object) -> None:
    answer = fast(data)
    assert answer[0] == "error"
    assert answer == full(data)


def test_a_mapping_other_than_a_dict_and_tuples_are_accepted_alike() -> None:
    from types import MappingProxyType

    data = MappingProxyType(
        {
            "holder": MappingProxyType({"role": "social_worker"}),
            "information": {"categories": ("health",)},
        }
    )
    assert fast(data) == full(data)
    assert fast(data)["information.categories"] == frozenset({"health"})


def test_today_is_the_day_of_the_clock() -> None:
    assert parse_situation({"holder": {"role": "social_worker"}}).date == dt.date.today()

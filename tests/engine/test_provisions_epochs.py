"""``Provisions.on`` memoised on the epochs of the day and of the reading day: the same
version as a scan of every version, on any days, the edges' neighbours included."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from depositaire.engine.provisions import Provisions, ProvisionVersion, default_provisions

PROVISIONS = default_provisions()
KEYS = sorted(PROVISIONS.by_key)
EDGES = sorted(PROVISIONS._edges)
#: Each edge, the day before and the day after: where a memo on the wrong interval errs.
NEAR = sorted({e + dt.timedelta(days=k) for e in EDGES for k in (-1, 0, 1)})
DAYS = st.one_of(
    st.sampled_from(NEAR), st.dates(min_value=dt.date(1860, 1, 1), max_value=dt.date(2040, 1, 1))
)


def scan(key: str, day: dt.date, known: dt.date | None):
    return next((v for v in PROVISIONS.by_key[key] if v.in_force(day, known)), None)


def test_the_law_has_edges_and_versions_that_change_on_them():
    assert len(EDGES) > 10
    changing = [k for k in KEYS if len(PROVISIONS.by_key[k]) > 1]
    assert changing  # several versions of one provision: the memo has something to tell apart


@settings(max_examples=3000, deadline=None)
@given(key=st.sampled_from(KEYS), day=DAYS, known=st.one_of(st.none(), DAYS))
def test_on_is_the_scan_of_every_version(key, day, known):
    fresh = Provisions(PROVISIONS.versions)
    assert fresh.on(key, day, known) == scan(key, day, known)
    # Then from the memo of the epochs, for another day of the same epochs.
    assert fresh.on(key, day, known) == scan(key, day, known)


def test_every_edge_and_its_neighbours_on_one_memo():
    shared = Provisions(PROVISIONS.versions)
    for key in KEYS:
        for day in NEAR:
            for known in (None, *NEAR[:: max(1, len(NEAR) // 12)]):
                assert shared.on(key, day, known) == scan(key, day, known), (key, day, known)


def _version(key: str, **dates: dt.date | None) -> ProvisionVersion:
    fields = {"valid_from": None, "valid_until": None, **dates}
    return ProvisionVersion(
        key=key,
        label=key,
        instrument="test",
        article="1",
        source="test",
        quote="",
        **fields,  # type: ignore[arg-type]
    )


#: Each of its edges alone (no other version starts or ends there): an end, an annulment
#: known from a day, a judgment reaching back.
ALONE = [
    _version("ends", valid_from=dt.date(2000, 1, 1), valid_until=dt.date(2000, 6, 30)),
    _version("annulled", valid_from=dt.date(2001, 1, 1), annulled_on=dt.date(2003, 3, 3)),
    _version(
        "reaching",
        valid_from=dt.date(2005, 5, 5),
        retroactive_from=dt.date(2004, 4, 4),
    ),
]


def test_each_kind_of_edge_alone_is_its_own_epoch():
    shared = Provisions(ALONE)
    days = [dt.date(1999, 12, 31) + dt.timedelta(days=k) for k in range(0, 2500, 1)]
    for v in ALONE:
        for day in days:
            for known in (None, dt.date(2003, 3, 2), dt.date(2003, 3, 3), dt.date(2005, 5, 5)):
                want = v if v.in_force(day, known) else None
                assert shared.on(v.key, day, known) == want, (v.key, day, known)

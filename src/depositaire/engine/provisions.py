"""The stored text of the provisions the rules cite, with their validity periods.

``law/provisions.yaml`` holds one entry per *version* of a provision, quoted
verbatim from the sources; several versions share a key when the law changed
(for example the Penal Code of 1867 and the new Penal Code from 2026).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from depositaire.engine.discovery import default_law

#: libyaml's safe loader when PyYAML was built with it (the same data, far faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class ProvisionVersion:
    key: str
    label: str
    instrument: str
    article: str
    source: str
    quote: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    to_verify: str | None = None
    note: str | None = None
    #: Further quotes from other sources: (source, quote).
    extra_quotes: tuple[tuple[str, str], ...] = ()
    #: The day a judgment annulled this version: read as known from that day, it never
    #: was in force (bi-temporal law).
    annulled_on: dt.date | None = None
    #: A judgment that reaches back: read as known from ``valid_from``, it governs the
    #: days from ``retroactive_from`` too.
    retroactive_from: dt.date | None = None
    #: Whom the provision binds, as the law data declares it (``binds``): alternatives,
    #: each a set of facts and the values one of which each must have. ``()``: declared for
    #: nobody in particular (it binds every holder). Letters, extracts and the report name
    #: a provision only when the situation shows it binds (:meth:`binds_in`).
    binds: tuple[tuple[tuple[str, tuple[Any, ...]], ...], ...] = ()

    def binds_in(self, fact: Callable[[str], Any]) -> bool:
        """Whether the provision binds the holder in the situation whose facts ``fact``
        reads (``None``: unknown). A fact unknown does not show the provision binds."""
        if not self.binds:
            return True
        return any(
            all(fact(path) in values for path, values in alternative) for alternative in self.binds
        )

    def binding_in(self, fact: Callable[[str], Any]) -> bool | None:
        """Three-valued :meth:`binds_in`: ``True`` when the known facts show the provision
        binds the holder, ``False`` when they show it does not, ``None`` when that turns on
        a fact the situation does not give (« les faits connus ne disent pas »)."""
        if not self.binds:
            return True
        unknown = False
        for alternative in self.binds:
            open_ = False
            for path, values in alternative:
                value = fact(path)
                if value is None:
                    open_ = True
                elif value not in values:
                    break
            else:
                if not open_:
                    return True
                unknown = True
        return None if unknown else False

    def in_force(self, on: dt.date, as_known_on: dt.date | None = None) -> bool:
        """In force on ``on`` as known on ``as_known_on`` (default: as known that day)."""
        known = on if as_known_on is None else as_known_on
        if self.annulled_on is not None and known >= self.annulled_on:
            return False
        start = self.valid_from
        if (
            self.retroactive_from is not None
            and self.valid_from is not None
            and known >= self.valid_from
        ):
            start = self.retroactive_from
        return (start is None or start <= on) and (
            self.valid_until is None or on <= self.valid_until
        )

    @property
    def title_key(self) -> str:
        """The catalogue key of this version's title (``provision_titles.<key>@<from>``)."""
        start = self.valid_from.isoformat() if self.valid_from else "always"
        return f"provision_titles.{self.key}@{start}"

    @property
    def title(self) -> str:
        """The title in the reader's language (the catalogue), the stored French one when
        the catalogue has none."""
        from depositaire.messages import t_or

        return t_or(self.title_key, self.label)

    @property
    def note_key(self) -> str:
        """The catalogue key of this version's "to verify" note (same suffix as the title)."""
        return self.title_key.replace("provision_titles.", "provision_notes.", 1)

    @property
    def to_verify_text(self) -> str | None:
        """The "to verify" note in the reader's language (``None``: nothing to verify)."""
        if not self.to_verify:
            return None
        from depositaire.messages import t_or

        return t_or(self.note_key, self.to_verify)

    @property
    def shown_quote(self) -> str:
        """The quotation as a reader sees it: the stored French text; in another language,
        followed by the mark that no official translation is held."""
        from depositaire.messages import DEFAULT_LANGUAGE, current_language, t

        if current_language() == DEFAULT_LANGUAGE:
            return self.quote
        return t("law_quotes.marked", quote=self.quote, mark=t("law_quotes.french_only"))

    @property
    def short(self) -> str:
        """A short label for inline citations in explanations."""
        from depositaire.messages import t

        if self.instrument == "new_penal_code":
            return t("provisions.new_penal_code_short", article=self.key.rsplit(".", 1)[-1])
        return self.title.split(" — ")[0]


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _binds(value: Any) -> tuple[tuple[tuple[str, tuple[Any, ...]], ...], ...]:
    """``binds`` as declared: a list of alternatives, each a mapping fact → values."""
    return tuple(
        tuple((str(path), tuple(values)) for path, values in alternative.items())
        for alternative in value or ()
    )


class Provisions:
    """All versions, by key, with lookup of the version in force on a date."""

    def __init__(self, versions: list[ProvisionVersion]) -> None:
        self.versions = versions
        self.by_key: dict[str, list[ProvisionVersion]] = {}
        for v in versions:
            self.by_key.setdefault(v.key, []).append(v)
        for vs in self.by_key.values():
            vs.sort(key=lambda v: v.valid_from or dt.date.min)
        self._cache: dict[tuple[str, dt.date, dt.date | None], ProvisionVersion | None] = {}
        # Every day on which some version's being in force can change: ``in_force``
        # compares a day only as ``day >= edge`` with these, so the number of edges up to
        # a day (its epoch) fixes the answer, and ``on`` is memoised on the epochs (a bulk
        # run over varied days asks few of them).
        edges: set[dt.date] = set()
        for v in versions:
            edges.update(d for d in (v.valid_from, v.retroactive_from, v.annulled_on) if d)
            if v.valid_until is not None and v.valid_until < dt.date.max:
                edges.add(v.valid_until + dt.timedelta(days=1))
        self._edges = sorted(edges)
        self._by_epoch: dict[tuple[str, int, int | None], ProvisionVersion | None] = {}

    def __contains__(self, key: str) -> bool:
        return key in self.by_key

    def on(
        self, key: str, date: dt.date, as_known_on: dt.date | None = None
    ) -> ProvisionVersion | None:
        """The version of ``key`` in force on ``date`` as known on ``as_known_on``
        (default: as known that day); ``None`` if none was."""
        cache_key = (key, date, as_known_on)
        try:
            return self._cache[cache_key]
        except KeyError:
            epochs = (
                key,
                bisect.bisect_right(self._edges, date),
                None if as_known_on is None else bisect.bisect_right(self._edges, as_known_on),
            )
            try:
                found = self._by_epoch[epochs]
            except KeyError:
                found = next(
                    (v for v in self.by_key.get(key, ()) if v.in_force(date, as_known_on)),
                    None,
                )
                self._by_epoch[epochs] = found
            if len(self._cache) > 65536:
                self._cache.clear()
            self._cache[cache_key] = found
            return found

    def latest(self, key: str) -> ProvisionVersion | None:
        versions = self.by_key.get(key)
        return versions[-1] if versions else None

    def covers(
        self,
        key: str,
        start: dt.date | None,
        end: dt.date | None,
        as_known_on: dt.date | None = None,
    ) -> bool:
        """True when some version of ``key`` is in force on every day of [start, end]
        (as known on ``as_known_on``; default: as known on each day)."""
        day = start or dt.date.min
        last = end or dt.date.max
        for v in self.by_key.get(key, ()):
            if v.in_force(day, as_known_on):
                if v.valid_until is None or v.valid_until >= last:
                    return True
                day = v.valid_until + dt.timedelta(days=1)
        return False


@cache
def default_provisions() -> Provisions:
    text = default_law().read("provisions.yaml")
    entries = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader or []
    versions = [
        ProvisionVersion(
            key=e["key"],
            label=e["label"],
            instrument=e["instrument"],
            article=str(e["article"]),
            source=e["source"],
            quote=" ".join(str(e["quote"]).split()),
            valid_from=_date(e.get("valid_from")),
            valid_until=_date(e.get("valid_until")),
            to_verify=e.get("to_verify"),
            note=e.get("note"),
            extra_quotes=tuple(
                (x["source"], " ".join(str(x["quote"]).split()))
                for x in e.get("extra_quotes") or ()
            ),
            annulled_on=_date(e.get("annulled_on")),
            retroactive_from=_date(e.get("retroactive_from")),
            binds=_binds(e.get("binds")),
        )
        for e in entries
    ]
    return Provisions(versions)

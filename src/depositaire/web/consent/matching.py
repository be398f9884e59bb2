"""The engine's ``consent`` fact, read from the file.

``given`` when an active consent matches (same recipient kind — and named
recipient if the consent names one —, same purpose, every category covered, in
its period, not withdrawn); ``refused`` when an objection or a refused consent
matches (any shared category), or when a consent withdrawn by that day would
still cover the sharing and no consent given since covers it (002: the person
may refuse); otherwise ``not_asked``. A refusal wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from depositaire.web.cases.models import Person
from depositaire.web.consent.models import Consent, Objection
from depositaire.web.db.prepared import Prepared


@dataclass
class ConsentFact:
    consent: str
    informed: bool | None = None
    consent_ids: list[int] = field(default_factory=list)
    objection_ids: list[int] = field(default_factory=list)


#: A person's objections and consents, as read from the file.
Recorded = tuple[list[Objection], list[Consent]]


def _objections(person_id: int) -> Any:
    return Objection.objects.filter(person_id=person_id)


def _consents(person_id: int) -> Any:
    return Consent.objects.filter(person_id=person_id)


#: The same two queries for every file, compiled once per connection.
_OBJECTIONS = Prepared(_objections, -1)
_CONSENTS = Prepared(_consents, -1)


def recorded_for(person: Person) -> Recorded:
    return _OBJECTIONS.fetch(person.pk), _CONSENTS.fetch(person.pk)


def consent_fact(
    person: Person,
    *,
    recipient_kind: str,
    recipient_name: str = "",
    purpose: str,
    categories: Iterable[str],
    on: dt.date,
    recorded: Recorded | None = None,
) -> ConsentFact:
    """``recorded``: the person's objections and consents, read once by a caller that asks
    for several facts (one per item of a disclosure); read here otherwise."""
    cats = set(categories)
    objections_on_file, consents_on_file = recorded or recorded_for(person)
    objections = [
        o.pk
        for o in objections_on_file
        if o.in_force(on)
        and o.covers_recipient(recipient_kind, recipient_name)
        and (not o.purpose or o.purpose == purpose)
        and (not o.categories or cats & set(o.categories))
    ]
    consents = [
        c
        for c in consents_on_file
        if c.in_force(on)
        and c.covers_recipient(recipient_kind, recipient_name)
        and c.recipient_kind == recipient_kind
    ]
    refused = [
        c.pk
        for c in consents
        if not c.given and (not c.purpose or c.purpose == purpose) and cats & set(c.categories)
    ]
    if objections or refused:
        return ConsentFact("refused", None, refused, objections)
    given = [c for c in consents if c.given and c.purpose == purpose and cats <= set(c.categories)]
    # 002: « il vous est bien entendu possible de refuser que certaines informations soient
    # partagées » — a consent withdrawn by the day of the sharing, for a period that still
    # covers it, is the person's refusal of what it covered (any shared category), unless a
    # consent given since the withdrawal covers the sharing.
    withdrawn = [
        c
        for c in consents_on_file
        if c.given
        and c.withdrawn_on is not None
        and c.withdrawn_on <= on
        and c.period_start <= on
        and (c.period_end is None or on <= c.period_end)
        and c.covers_recipient(recipient_kind, recipient_name)
        and c.recipient_kind == recipient_kind
        and (not c.purpose or c.purpose == purpose)
        and cats & set(c.categories)
    ]
    withdrawn = [
        w
        for w in withdrawn
        if not any(
            w.withdrawn_on is not None
            and max(g.period_start, g.recorded_at.date()) >= w.withdrawn_on
            for g in given
        )
    ]
    if withdrawn:
        return ConsentFact("refused", None, [w.pk for w in withdrawn])
    if given:
        return ConsentFact("given", any(c.informed for c in given), [c.pk for c in given])
    return ConsentFact("not_asked")

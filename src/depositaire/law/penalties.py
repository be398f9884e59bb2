"""What the holder risks, as in force on the decision's date — only what the sources state.

Source: 001 (§ 8 "Les sanctions": penal, civil, disciplinary and procedural; the penalties
of art. 458 before and after 2017; art. 46bis/1 §2 for the measure's secrecy and for a
refusal; art. 458ter §2; art. 422bis). Amounts are the sources' own; where the new Penal
Code (from 2026) sets other penalties, the sources do not say: "à vérifier".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from depositaire.law._dates import NEW_PENAL_CODE, POT_POURRI_V, day_before


@dataclass(frozen=True, slots=True)
class Penalty:
    """One consequence: ``id`` names ``penalties.<id>`` in the catalogue."""

    id: str
    #: The penalty is shown when one of these rules decided or fired (empty: any rule).
    rules: tuple[str, ...] = ()
    #: Shown only for a holder bound by professional secrecy.
    bound_only: bool = False
    #: Shown only for these verdicts (empty: any determined verdict).
    verdicts: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )


PENALTIES: tuple[Penalty, ...] = (
    # 001: « antérieurement max. 6 mois de prison et max cent euros d'amende ».
    Penalty("breach_458_before_2017", bound_only=True, valid_until=day_before(POT_POURRI_V)),
    # 001: « emprisonnement d'un an à trois ans et une amende de cent euros à mille euros ».
    Penalty(
        "breach_458",
        bound_only=True,
        valid_from=POT_POURRI_V,
        valid_until=day_before(NEW_PENAL_CODE),
    ),
    Penalty("breach_458_new_penal_code", bound_only=True, valid_from=NEW_PENAL_CODE),
    # 46bis/1 §2: « Toute violation du secret est punie conformément à l'article 458 ».
    Penalty("breach_measure_secrecy", rules=("measure_secrecy",)),
    # 46bis/1 §2: « amende de vingt-six euros à dix mille euros » for a refusal.
    Penalty("refusal_46bis1", rules=("prosecutor_requisition",), verdicts=("must_disclose",)),
    # 458ter §2: « sera punie des peines prévues à l'article 458 ».
    Penalty("breach_consultation_secrecy", rules=("case_consultation",)),
    # 422bis: « huit jours à six mois et d'une amende de 50 à 500 francs ».
    Penalty("failure_to_assist", rules=("assistance_duty",)),
    # 001 § 8: civil (also for discretion only, also whoever encourages), disciplinary
    # (« faute grave »), procedural (« nullité des poursuites »).
    Penalty("civil_liability"),
    Penalty("disciplinary", bound_only=True),
    Penalty("nullity_of_proceedings", bound_only=True),
)

#: The days a penalty starts or ends (``LawPackage.change_dates``).
CHANGE_DATES: tuple[dt.date, ...] = tuple(
    sorted({d for p in PENALTIES for d in (p.valid_from, p.valid_until) if d is not None})
)


def penalties_for(
    rules: Sequence[str], verdict: str, facts: Mapping[str, object], on: dt.date
) -> list[str]:
    """Ids of what the holder risks in this decision (revealing what stays secret, or
    refusing what the law obliges), in force on ``on``."""
    if verdict == "undetermined":
        return []
    bound = facts.get("holder.bound_by_secrecy") is True
    found = []
    for p in PENALTIES:
        if not p.in_force(on):
            continue
        if p.rules and not set(p.rules) & set(rules):
            continue
        if p.bound_only and not bound:
            continue
        if p.verdicts and verdict not in p.verdicts:
            continue
        found.append(p.id)
    return found

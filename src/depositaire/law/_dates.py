"""Dates at which the modelled law changed, each with its source."""

from __future__ import annotations

import datetime as dt
from typing import Final

#: Law of 6 July 2017 ("pot-pourri V"), published 24 July 2017: 458ter, 458quater and the
#: new penalties of 458. Exact entry into force to confirm (law.md): tenth day after
#: publication is assumed, and flagged "to verify" wherever it matters.
POT_POURRI_V: Final = dt.date(2017, 8, 3)
#: Law of 17 May 2017 inserting art. 46bis/1 CIC, in force 1 September 2017 (law.md, not the
#: seeds: flagged "to verify" on the provision).
ART_46BIS1: Final = dt.date(2017, 9, 1)
#: Constitutional Court, judgment 44/2019 of 14 March 2019, annulling art. 46bis/1 §3 (001).
ANNULMENT_46BIS1_3: Final = dt.date(2019, 3, 14)
#: First art. 458bis, inserted by the law of 28 November 2000 on the criminal protection
#: of minors, in force from 27 March 2001: outside the seeds (B. Lhoest, « Secret
#: professionnel et multidisciplinarité », 2008, quotes it; law.md); flagged "to verify".
ART_458BIS_2001: Final = dt.date(2001, 3, 27)
#: The same law of 28 November 2000 "relative à la protection pénale des mineurs" introduced
#: the follow-up reports to the justice assistant (001: it « a introduit toute un série de
#: modifications » ; « on peut en retenir une série d'obligations […] comme celle d'établir
#: et de communiquer des rapports de suivi »). The
#: seeds give the law's date only; the entry into force law.md gives for the 458bis it
#: inserted is taken for these provisions too and flagged "to verify".
LAW_2000_FOLLOW_UP_REPORTS: Final = ART_458BIS_2001
#: Art. 458bis as it now stands: "droit de parole consacré par la loi du 30 novembre 2011
#: (revu en 2012 et 2014)" (001). The seeds give the law's date, not its entry into force:
#: the day of the law is taken and flagged "to verify".
ART_458BIS_2011: Final = dt.date(2011, 11, 30)
#: Order of the French Community government of 14 July 2011 listing the communicable
#: diseases to report in schools (« Arrêté du 14/07/2011 de la CF », 001). The seeds give its
#: date, not its entry into force: the day of the order is taken and flagged "to verify".
SCHOOL_DISEASES_ORDER: Final = dt.date(2011, 7, 14)
#: Intelligence services act « du 30 novembre 1998 » (001; its art. 14 quoted as amended by
#: the law of 4 February 2010). The seeds give the law's date, not its entry into force: the
#: day of the law is taken and flagged "to verify"; before it, the act cannot apply.
INTELLIGENCE_ACT: Final = dt.date(1998, 11, 30)
#: The Crossroads Bank for Social Security was instituted by « la loi du 15 janvier 1990
#: relative à l'institution et à l'organisation d'une Banque-carrefour de la sécurité
#: sociale » (named in art. 46bis/1 § 1er, 001). No flow through it before that law; the
#: seeds give its date, not its entry into force: the day of the law, flagged "to verify".
CROSSROADS_BANK_LAW: Final = dt.date(1990, 1, 15)
#: New Penal Code (laws of 29 February 2024) from 8 April 2026 (law.md; to verify).
NEW_PENAL_CODE: Final = dt.date(2026, 4, 8)


def day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)

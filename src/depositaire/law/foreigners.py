"""Foreigners: the CPAS's request to the immigration office about a guarantor.

Source: 004 (instructions of the SPP Intégration sociale quoted by the Comité
de vigilance en travail social).
"""

from __future__ import annotations

from depositaire.engine.conditions import all_, is_, is_not
from depositaire.engine.package import Derives
from depositaire.engine.rules import Rule

guarantor_lookup = Rule(
    id="guarantor_lookup",
    kind="exception",
    instrument="foreigners",
    exception_to=("professional_secrecy",),
    verdict="may_disclose",
    scope=is_("request.kind", "guarantor_lookup"),
    conditions=all_(
        is_("guarantor.asylum_procedure", False),
        is_("guarantor.urgent_medical_aid", False),
        is_("guarantor.visa_required_country", True),
        is_("guarantor.visa_issued_within_2_years", True),
        # 004: « pour celles qui séjournent ici depuis plus de deux ans, d'autre part, cette
        # demande à l'O.E ne sera JAMAIS introduite » (unknown: the visa's age is asked).
        is_not("guarantor.stay_over_2_years", True, assume=True),
        is_("guarantor.medical_costs_request", True),
        is_("recipient.kind", "immigration_office"),
        is_("holder.institution", "cpas"),
        # 004: « la procédure suivante sera appliquée: - introduire la demande par mail à
        # l'O.E et garder une traçabilité de cette demande au dossier »: the exchange is
        # opened only by the procedure, a written request kept in the file; by telephone it
        # is not followed and the secret applies. A postal letter is read as written too
        # ("à vérifier": guarantor_lookup_by_mail).
        is_("request.in_writing", True),
    ),
    permitted=frozenset({"identity", "national_number", "nationality"}),
    # 004 names the data that go out (name, national number, nationality, the CPAS) and
    # nothing else: no confidences.
    allows_confidences=False,
    withheld=frozenset({"address", "administrative_situation"}),
    duties=("record_request_in_file", "send_request_by_email"),
    to_verify=("guarantor_lookup_by_mail",),
    citations=("foreigners.guarantor_lookup", "foreigners.no_shared_secrecy"),
    sources=("004_4a3fe5f62184d1e8.txt",),
)

RULES = (guarantor_lookup,)

#: The immigration office controls; it shares no mission with a social worker (004).
DERIVATIONS = (
    Derives(
        "recipient.same_mission",
        "recipient.kind",
        {"immigration_office": (False, "control", ("foreigners.no_shared_secrecy",))},
    ),
)

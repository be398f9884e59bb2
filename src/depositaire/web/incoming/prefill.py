"""Facts the interview need not ask: what the register, the file and the user already say.

Each fact keeps its source (``register``, ``file``, ``profile``) so the page can show
it as such; the worker corrects any of them like an answer. Only names of the
situation contract are used:

- the requester's kind is the ``recipient.kind`` (the information would go to it);
- the claimed legal basis gives ``request.kind`` where it maps to one (a requisition
  under art. 46bis/1 CIC also gives ``request.terrorism_investigation``); a request
  that claims no basis is an informal request (the contract's wording: a phone call
  or an e-mail asking for information);
- the channel gives ``request.in_writing`` (an e-mail or a letter is written, a call
  or a visit is not);
- the asked categories are ``information.categories``; their ``information.nature``
  comes from the file: a confidence if any item holding one of them is a confidence,
  a secret fact when the file holds them only as facts (identity data included);
- the holder is the user (profession, organisation kind), as for disclosures;
- ``consent`` (and ``consent_informed``) from the consents and objections on record;
- ``person.minor`` from the birth date; ``danger.exists`` when the request is urgent;
- ``information.requisition_measure`` when the person herself asks whether information
  about her was asked for or communicated: true when a prosecutor's requisition about her
  is registered (its measure stays secret toward her, art. 46bis/1, § 2 CIC, 001; see
  :mod:`depositaire.web.incoming.measure`), false when none is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from depositaire.web.cases.models import InformationItem
from depositaire.web.consent.matching import consent_fact
from depositaire.web.disclosures.preparation import holder_for
from depositaire.web.incoming.models import WRITTEN_CHANNELS, IncomingRequest

REGISTER: Final = "register"
FILE: Final = "file"
PROFILE: Final = "profile"

#: Claimed basis -> facts of the contract it settles.
BASIS_FACTS: Final[dict[str, dict[str, Any]]] = {
    "none": {"request.kind": "informal_request"},
    "prosecutor_requisition_46bis1": {
        "request.kind": "prosecutor_requisition",
        "request.terrorism_investigation": True,
    },
    "testimony": {"request.kind": "testimony"},
    "case_consultation_458ter": {"request.kind": "case_consultation"},
    "guarantor_lookup": {"request.kind": "guarantor_lookup"},
    "judicial_follow_up": {"request.kind": "judicial_follow_up_report"},
}
#: Categories the person's own record holds (identity data: secret facts, never confidences).
PERSON_RECORD: Final = frozenset(
    {"identity", "national_number", "nationality", "address", "household"}
)


def nature_from_file(request: IncomingRequest) -> str | None:
    """``confidence`` if an item holding an asked category is one; ``secret_fact`` if only facts hold them."""
    asked = set(request.categories)
    if not asked:
        return None
    holding = [
        i
        for i in InformationItem.objects.current().filter(person=request.person)
        if asked & set(i.categories)
    ]
    if any(i.is_confidence for i in holding):
        return "confidence"
    held = {c for i in holding for c in i.categories} | PERSON_RECORD
    return "secret_fact" if asked <= held else None


def known_facts(request: IncomingRequest, user: Any, on: dt.date) -> dict[str, tuple[Any, str]]:
    """``{path: (value, source)}`` for every fact the register, the file or the user settles."""
    facts: dict[str, tuple[Any, str]] = {"recipient.kind": (request.requester_kind, REGISTER)}
    for path, value in BASIS_FACTS.get(request.claimed_basis, {}).items():
        facts[path] = (value, REGISTER)
    if request.requester_kind == "the_person" and request.claimed_basis == "none":
        # The person asking what her file holds makes an access request (youth-care code
        # art. 7, 001: « les informations qui les concernent »), not an informal one.
        facts["request.kind"] = ("access_request", REGISTER)
    facts["request.in_writing"] = (request.channel in WRITTEN_CHANNELS, REGISTER)
    if request.categories:
        facts["information.categories"] = (list(request.categories), REGISTER)
    nature = nature_from_file(request)
    if nature is not None:
        facts["information.nature"] = (nature, FILE)
    holder = holder_for(user)
    facts["holder.role"] = (holder["role"], PROFILE)
    facts["holder.institution"] = (holder["institution"], PROFILE)
    purpose = facts.get("request.kind", (None, ""))[0]
    if purpose and request.categories:
        consent = consent_fact(
            request.person,
            recipient_kind=request.requester_kind,
            recipient_name=request.requester_organisation,
            purpose=purpose,
            categories=request.categories,
            on=on,
        )
        facts["consent"] = (consent.consent, FILE)
        if consent.informed is not None:
            facts["consent_informed"] = (consent.informed, FILE)
    minor = request.person.is_minor(on)
    if minor is not None:
        facts["person.minor"] = (minor, FILE)
    if request.urgent:
        facts["danger.exists"] = (True, REGISTER)
    if request.about_medical_aid:
        facts["information.medical"] = (True, REGISTER)
    if request.asks_about_requests and request.requester_kind == "the_person":
        from depositaire.web.incoming.measure import requisition_registered

        facts["information.requisition_measure"] = (requisition_registered(request), REGISTER)
    return facts

"""The secrecy of a prosecutor's measure toward the person (art. 46bis/1, § 2 CIC, seed 001).

001: « Toute personne qui, du chef de sa fonction, a connaissance de la mesure ou y prête
son concours, est tenue de garder le secret » — toward everyone but the prosecutor, the
person concerned included. The engine's rule ``measure_secrecy`` says so; the register
and the person's report ask it, rather than deciding here:

- a person who asks whether information about her was asked for or communicated gets
  ``information.requisition_measure`` from the register: true when a requisition about her
  is registered (the interview then decides within the secrecy of the measure);
- the person's report leaves out every registered requisition (and a disclosure made for
  one) that the engine says must stay secret toward her, whatever the requisition's own
  outcome: the measure is secret whether or not the CPAS had to answer it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from depositaire.web.incoming.models import IncomingRequest

#: The claimed basis of a prosecutor's requisition in the register.
REQUISITION_BASIS = "prosecutor_requisition_46bis1"


def is_requisition(request: IncomingRequest) -> bool:
    """A prosecutor's requisition: so registered, or so examined (the request's kind in the
    situation the answer was decided on), or answered with the measure kept secret."""
    if request.is_outgoing:
        return False
    if request.claimed_basis == REQUISITION_BASIS:
        return True
    answer = getattr(request, "answer", None) if request.status == "closed" else None
    if answer is None:
        return False
    situation = answer.situation or {}
    kind = (situation.get("request") or {}).get("kind")
    return bool(answer.keep_secret or kind == "prosecutor_requisition")


def requisition_registered(request: IncomingRequest) -> bool:
    """Whether a requisition about the request's person is registered (another request)."""
    others = (
        IncomingRequest.objects.filter(person_id=request.person_id, direction="incoming")
        .exclude(pk=request.pk)
        .select_related("answer")
    )
    return any(is_requisition(r) for r in others)


@lru_cache(maxsize=64)
def secret_toward_person(on: dt.date) -> bool:
    """Whether the engine keeps a prosecutor's measure secret toward the person on ``on``
    (``measure_secrecy``: verdict ``secret`` and the duty ``keep_measure_secret``)."""
    from depositaire.engine import decide

    decision = decide(
        {
            "date": on.isoformat(),
            "information": {"categories": ["other"], "requisition_measure": True},
            "recipient": {"kind": "the_person"},
            "request": {"kind": "access_request"},
        },
        explain=False,
    )
    return decision.verdict == "secret" and "keep_measure_secret" in decision.duties


def hidden_from_person(request: IncomingRequest, on: dt.date) -> bool:
    """The request must not appear in what the person is told about herself."""
    if request.status == "closed" and getattr(request, "answer", None) is not None:
        if request.answer.keep_secret:
            return True
    return is_requisition(request) and secret_toward_person(on)


#: Columns of a request that neither the report nor its list of viewers reads.
NOT_READ = ("interview_state", "prefill_sources", "request_text")


def shown_requests(person: Any, on: dt.date) -> list[IncomingRequest]:
    """The person's closed requests that her report may show, oldest first."""
    closed = (
        IncomingRequest.objects.filter(person=person, status="closed")
        .select_related("answer")
        # Not read to decide (``hidden_from_person``): the sealed letter, the texts, the
        # interview and the decision, which grow with every request (read on use, if ever).
        .defer(*NOT_READ, "answer__letter_pdf", "answer__decision")
        .order_by("received_at", "pk")
    )
    return [r for r in closed if not hidden_from_person(r, on)]

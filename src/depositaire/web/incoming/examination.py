"""The guided interview of a request: the same ``Interview`` as the terminal, stored on the request.

The interview starts from the facts :mod:`prefill` knows (given facts, never asked,
shown with their source, correctable). The next question is the interview's own,
except for an urgent request: the danger questions come first (458bis, necessity,
422bis), including those that decide whether the procureur du Roi may be alerted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from depositaire.engine import Decision, decide
from depositaire.engine.provisions import default_provisions
from depositaire.interview import Interview, Question
from depositaire.web.disclosures.preparation import nest
from depositaire.web.incoming.models import IncomingRequest
from depositaire.web.incoming.prefill import known_facts

#: The danger facts of the contract, in the order an urgent examination asks them.
DANGER: Final = (
    "danger.exists",
    "danger.serious",
    "danger.imminent",
    "danger.victim_minor_or_vulnerable",
    "danger.offence_listed_458bis",
    "danger.other_victims_risk",
    "danger.other_means_exhausted",
)
#: Art. 458bis lets the holder inform the procureur du Roi: the alert the rules name.
ALERT: Final = {"recipient.kind": "public_prosecutor", "request.kind": "own_initiative_report"}


def start(request: IncomingRequest, user: Any, on: dt.date) -> Interview:
    """A new interview on the request's known facts; their sources are kept on the request."""
    facts = known_facts(request, user, on)
    request.prefill_sources = {path: source for path, (_, source) in facts.items()}
    interview = Interview(nest({path: value for path, (value, _) in facts.items()}), date=on)
    request.interview_state = interview.to_dict()
    return interview


def load(request: IncomingRequest) -> Interview:
    return Interview.from_dict(request.interview_state)


def settled(interview: Interview, path: str) -> bool:
    return path in interview.given or any(a.path == path for a in interview.history)


def alert_decision(interview: Interview) -> Decision:
    """The decision if the holder informed the procureur du Roi on their own initiative."""
    return decide(interview.situation.with_facts(ALERT))


def next_question(interview: Interview, urgent: bool) -> Question | None:
    """The interview's next question; for an urgent request, the danger questions first."""
    if interview.stopped:
        return None
    if urgent and interview.situation.get("danger.exists") is True:
        needed = set(interview.decision.missing) | set(alert_decision(interview).missing)
        for path in DANGER:
            if path in needed and not settled(interview, path):
                return interview.question(path)
    return interview.next_question()


@dataclass(frozen=True)
class Step:
    """One thing the urgency panel says to do now, and the provision it rests on."""

    key: str
    citation: str


def urgency_steps(interview: Interview) -> list[Step]:
    """What to do now, before any paperwork: help the person; call for help when the
    danger is serious and imminent; whom the rules let the holder alert."""
    situation = interview.situation
    on = interview.date
    provisions = default_provisions()

    def label(key: str) -> str:
        version = provisions.on(key, on)
        return version.label if version is not None else ""

    steps = [Step("help", label("penal_code.422bis"))]
    grave_and_imminent = (
        situation.get("danger.serious") is True and situation.get("danger.imminent") is True
    )
    if grave_and_imminent:
        steps.append(Step("emergency", label("penal_code.422bis")))
    alert = alert_decision(interview)
    if "right_to_report_abuse" in alert.rules and alert.verdict == "may_disclose":
        steps.append(Step("alert_prosecutor", label("penal_code.458bis")))
    elif alert.verdict == "undetermined" and any(p.startswith("danger.") for p in alert.missing):
        steps.append(Step("alert_depends", label("penal_code.458bis")))
    if grave_and_imminent:
        steps.append(Step("necessity", label("court_of_cassation.1987_05_13")))
    steps.append(Step("no_denunciation", label("penal_code.422bis")))
    return steps

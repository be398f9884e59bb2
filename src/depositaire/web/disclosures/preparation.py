"""From the file to the engine and back: one situation and one decision per item.

For every item chosen, the facts come from the file — the holder (the item's
author: role and organisation kind), the item's nature and categories, the
person's consent or objection for this recipient, purpose and categories — plus
the recipient and purpose chosen and the facts asked in the form. The engine
decides; only what the decision allows goes into the extract. A confidence never
goes into an extract prepared here: even where the law would let its author
speak (state of necessity), the author speaks in person.

An identification line (the person's name, category ``identity``) is decided the
same way: when it may not go out, the extract names the file by its number only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from depositaire.engine import Decision, decide
from depositaire.engine.explain import rule_title
from depositaire.engine.rules import DISCLOSING
from depositaire.engine.schema import FACTS
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.consent.matching import ConsentFact, Recorded, consent_fact, recorded_for

#: Facts taken from the file or the form's main fields, never asked as "missing facts".
FILE_FACTS = frozenset(
    {
        "date",
        "holder.role",
        "holder.institution",
        "information.nature",
        "information.categories",
        "recipient.kind",
        "request.kind",
        "consent",
        "consent_informed",
        "necessary_only",
        "person.minor",
    }
)
IDENTITY = "identity"


@dataclass
class PreparationRequest:
    person: Person
    preparer: Any
    recipient_kind: str
    purpose: str
    recipient_name: str = ""
    necessary_only: bool | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    on: dt.date = field(default_factory=dt.date.today)


@dataclass
class Outcome:
    item: InformationItem | None  # None: the identification line
    nature: str
    categories: list[str]
    situation: dict[str, Any]
    decision: Decision
    consent: ConsentFact
    included: bool
    reason: str

    @property
    def kind(self) -> str:
        return "identity" if self.item is None else "item"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "item_id": self.item.pk if self.item is not None else None,
            "nature": self.nature,
            "categories": list(self.categories),
            "created_at": self.item.created_at.date().isoformat()
            if self.item is not None
            else None,
            "included": self.included,
            "reason": self.reason,
            "consent": self.consent.consent,
            "consent_ids": self.consent.consent_ids,
            "objection_ids": self.consent.objection_ids,
            "situation": self.situation,
            "decision": self.decision.to_dict(),
        }


def holder_for(author: Any) -> dict[str, str]:
    """The engine's holder for a user: profession (caseworkers) or circuit role, and institution."""
    role = (
        author.profession
        if author.role in roles.CASEWORKERS
        else roles.HOLDER_ROLE.get(author.role, "other")
    )
    return {"role": role, "institution": author.organisation.kind}


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """Dotted paths to the contract's nested mapping."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        node = out
        *groups, leaf = path.split(".")
        for group in groups:
            node = node.setdefault(group, {})
        node[leaf] = value
    return out


def build_situation(
    request: PreparationRequest,
    *,
    author: Any,
    nature: str,
    categories: list[str],
    recorded: Recorded | None = None,
) -> tuple[dict[str, Any], ConsentFact]:
    fact = consent_fact(
        request.person,
        recipient_kind=request.recipient_kind,
        recipient_name=request.recipient_name,
        purpose=request.purpose,
        categories=categories,
        on=request.on,
        recorded=recorded,
    )
    flat: dict[str, Any] = {
        path: value
        for path, value in request.facts.items()
        if path in FACTS and path not in FILE_FACTS
    }
    flat.update(
        {
            "date": request.on.isoformat(),
            "holder.role": holder_for(author)["role"],
            "holder.institution": holder_for(author)["institution"],
            "information.nature": nature,
            "information.categories": list(categories),
            "recipient.kind": request.recipient_kind,
            "request.kind": request.purpose,
            "consent": fact.consent,
        }
    )
    if fact.informed is not None:
        flat["consent_informed"] = fact.informed
    if request.necessary_only is not None:
        flat["necessary_only"] = request.necessary_only
    minor = request.person.is_minor(request.on)
    if minor is not None:
        flat["person.minor"] = minor
    return nest(flat), fact


def why_withheld(decision: Decision) -> str:
    """The decision's first sentence that says why: a missing fact, an exception that
    failed or was set aside, or else the verdict itself."""
    if decision.verdict == "undetermined" and decision.missing:
        prefix = t("explain.missing", facts="").rstrip(" .")
        line = next((s for s in decision.explanation if s.startswith(prefix)), None)
        if line:
            return line
    for rule, status in decision.trace.steps:
        if status in ("failed", "defeated") and rule.kind == "exception":
            title = rule_title(rule)
            line = next((s for s in decision.explanation if s.startswith(title)), None)
            if line:
                return line
    return (
        f"{t(f'verdicts.{decision.verdict}.label')} — {t(f'verdicts.{decision.verdict}.sentence')}"
    )


def judge(nature: str, categories: list[str], decision: Decision) -> tuple[bool, str]:
    # A confidence never leaves the file through this circuit (author-only items); under a
    # rule that lets no confidence out the engine now answers "secret" for it (issue 9).
    if nature == "confidence" and decision.verdict != "undetermined":
        return False, t("web.disclosure.confidence_stays")
    if decision.verdict not in DISCLOSING:
        return False, why_withheld(decision)
    outside = [c for c in categories if c not in decision.may_disclose]
    if outside:
        return False, t("web.disclosure.categories_not_permitted")
    if nature == "confidence":
        return False, t("web.disclosure.confidence_stays")
    return True, ""


def evaluate(request: PreparationRequest, items: list[InformationItem]) -> list[Outcome]:
    """The identification line first, then one outcome per item, each decided by the engine."""
    out: list[Outcome] = []
    subjects: list[tuple[InformationItem | None, Any, str, list[str]]] = [
        (None, request.preparer, "secret_fact", [IDENTITY])
    ]
    subjects += [(item, item.author, item.nature, list(item.categories)) for item in items]
    recorded = recorded_for(request.person)  # the same file for every subject: read once
    for item, author, nature, categories in subjects:
        situation, fact = build_situation(
            request, author=author, nature=nature, categories=categories, recorded=recorded
        )
        decision = decide(situation)
        included, reason = judge(nature, categories, decision)
        out.append(Outcome(item, nature, categories, situation, decision, fact, included, reason))
    return out


def missing_facts(outcomes: list[Outcome]) -> list[str]:
    """Facts the decisions still need that the form can ask (most decisive first)."""
    seen: dict[str, None] = {}
    for outcome in outcomes:
        for path in outcome.decision.missing:
            if path in FACTS and path not in FILE_FACTS:
                seen.setdefault(path, None)
    return list(seen)

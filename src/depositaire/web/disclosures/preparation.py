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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from depositaire.engine import Decision, decide, parse_situation
from depositaire.engine.conditions import Leaf
from depositaire.engine.derive import derive
from depositaire.engine.explain import defeated_sentence, failed_sentence, missing_sentence
from depositaire.engine.provisions import default_provisions
from depositaire.engine.rules import DISCLOSING
from depositaire.engine.schema import FACTS
from depositaire.engine.situation import Situation, SituationError
from depositaire.messages import LANGUAGES, current_language, has, t, using_language
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
    #: Why it is withheld, as a catalogue key and its parameters (:func:`why_withheld`),
    #: rendered in the reader's language by :func:`reason_text`; ``None``: included.
    why: dict[str, Any] | None

    @property
    def reason(self) -> str:
        """Why it is withheld, in the reader's language ("" when it goes out)."""
        return reason_text({"why": self.why}) if self.why else ""

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
            # The text as the preparer read it, kept for the rows' readers that do not
            # render ``why`` (and for a rule base in which its rule is gone).
            "reason": self.reason,
            "why": self.why,
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


def why_withheld(decision: Decision, situation: Situation) -> dict[str, Any]:
    """Why the decision withholds, as a catalogue key and its parameters (no text: a
    reader of another language reads it in theirs, :func:`reason_text`): a missing fact,
    an exception that failed (on its first condition not met in ``situation``, the one
    decided) or was set aside, or else the verdict itself."""
    if decision.verdict == "undetermined" and decision.missing:
        return {"key": "explain.missing", "facts": list(decision.missing)}
    for rule, status in decision.trace.steps:
        if rule.kind != "exception":
            continue
        if status == "defeated":
            by = decision.trace.defeated_by[rule.id]
            return {
                "key": "explain.defeated",
                "rule": rule.id,
                "by": by.id,
                "date": decision.date.isoformat(),
            }
        if status == "failed":
            facts, _ = derive(situation.facts)
            leaves = rule.effective.failing(facts)
            condition = _leaf_json(leaves[0]) if leaves else None
            if leaves and condition is None:
                break  # a value JSON cannot keep: the verdict says why
            return {
                "key": "explain.failed",
                "rule": rule.id,
                "date": decision.date.isoformat(),
                "condition": condition,
            }
    return {"key": "verdicts", "verdict": decision.verdict}


def _leaf_json(leaf: Leaf) -> dict[str, Any] | None:
    """A condition as JSON keeps it (``None``: a value JSON cannot keep as it is)."""
    if not all(v is None or isinstance(v, str | bool | int) for v in leaf.values):
        return None
    return {
        "path": leaf.path,
        "values": list(leaf.values),
        "negate": leaf.negate,
        "contains": leaf.contains,
    }


def reason_text(outcome: Mapping[str, Any]) -> str:
    """Why an outcome (as stored, or ``{"why": …}``) was withheld, in the reader's
    language. A row stored before reasons were kept as keys, or whose rule is no longer
    in the rule base, gives the text stored with it (its preparer's language)."""
    why = outcome.get("why")
    stored = str(outcome.get("reason") or "")
    if not isinstance(why, Mapping):
        return stored
    key = why.get("key")
    if key == "verdicts":
        verdict = why["verdict"]
        return f"{t(f'verdicts.{verdict}.label')} — {t(f'verdicts.{verdict}.sentence')}"
    if key == "explain.missing":
        return missing_sentence(why["facts"])
    if key in ("explain.failed", "explain.defeated"):
        from depositaire.law import default_rule_base

        by_id = default_rule_base().by_id
        rule = by_id.get(why["rule"])
        by = by_id.get(why.get("by", ""))
        if rule is None or (key == "explain.defeated" and by is None):
            return stored
        day = dt.date.fromisoformat(why["date"])
        if by is not None:
            return defeated_sentence(rule, by, default_provisions(), day)
        c = why.get("condition")
        leaf = (
            Leaf(c["path"], tuple(c["values"]), c["negate"], c["contains"])
            if isinstance(c, Mapping)
            else None
        )
        return failed_sentence(rule, leaf, default_provisions(), day)
    return t(key) if isinstance(key, str) and has(key) else stored


def sent_under(decision: Decision | Mapping[str, Any]) -> str:
    """The basis an item went out under, in the reader's language: each deciding rule and
    the provisions it rested on, as decided (:func:`depositaire.documents.basis.grounds_text`)."""
    from depositaire.documents.basis import ground_notes, grounds_text

    parts = grounds_text(decision)
    if not parts:
        return ""
    text = t("web.prepare.sent_under", basis=t("explain.separator").join(parts))
    # What the sources do not settle about that basis is never left out of it: its « à
    # vérifier » notes follow, in the reader's language (the decision's others are in its
    # explanation).
    notes = ground_notes(decision)
    if notes:
        text += " " + t("web.prepare.sent_under_to_verify", notes=" ".join(notes))
    return text


def why_text(outcome: Outcome | Mapping[str, Any]) -> str:
    """The « Pourquoi » of an outcome (live, or as stored): the basis it went out under,
    or why it was withheld, in the reader's language."""
    if isinstance(outcome, Outcome):
        return sent_under(outcome.decision) if outcome.included else outcome.reason
    if outcome.get("included"):
        decision = outcome.get("decision")
        return sent_under(decision) if isinstance(decision, Mapping) else ""
    return reason_text(outcome)


def stored_explanation(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """The « Explication complète » of a stored outcome in the reader's language.

    The stored text (``decision.explanation``, in its preparer's language) stays the
    record. The stored situation is decided again on the same date, with the law as known
    on the day it was decided, by the same rule-base version: when that decision renders
    the stored text identically in one language, its rendering in the reader's language is
    shown (``lines``). Otherwise the stored text is shown as it is, with ``note`` saying
    why (the catalogue's ``web.disclosure.explanation_as_recorded``)."""
    decision = outcome.get("decision")
    decision = decision if isinstance(decision, Mapping) else {}
    stored = [str(line) for line in decision.get("explanation") or ()]
    renderings = _renderings(outcome, decision)
    if renderings is not None:
        language = current_language()
        mine = renderings(language)
        if mine == stored or any(
            renderings(other) == stored for other in LANGUAGES if other != language
        ):
            return {"lines": mine, "note": None}
    from depositaire.law import default_rule_base

    recorded = str(decision.get("rule_base_version") or "")
    current = default_rule_base().version
    note = (
        t("web.disclosure.explanation_as_recorded.version", recorded=recorded, current=current)
        if recorded != current
        else t("web.disclosure.explanation_as_recorded.other")
    )
    return {"lines": stored, "note": note}


def _renderings(outcome: Mapping[str, Any], decision: Mapping[str, Any]) -> Any:
    """A function giving the explanation of the stored situation decided again, in a
    language; ``None`` when it cannot be decided again as it was (another rule base, a
    situation the contract no longer reads, another verdict)."""
    from depositaire.law import default_rule_base

    situation = outcome.get("situation")
    if not isinstance(situation, Mapping) or not decision.get("explanation"):
        return None
    if decision.get("rule_base_version") != default_rule_base().version:
        return None
    known = decision.get("as_known_on") or decision.get("date")
    try:
        parsed = parse_situation({**situation, "as_known_on": known})
    except SituationError:
        return None
    again = decide(parsed)
    if again.verdict != decision.get("verdict") or list(again.rules) != list(
        decision.get("rules") or ()
    ):
        return None

    def render(language: str) -> list[str]:
        with using_language(language):
            return list(again.explanation)

    return render


def judge(
    nature: str, categories: list[str], decision: Decision, situation: Situation
) -> tuple[bool, dict[str, Any] | None]:
    """Whether the item goes out, and if not why (:func:`why_withheld`)."""
    # A confidence never leaves the file through this circuit (author-only items); under a
    # rule that lets no confidence out the engine now answers "secret" for it (issue 9).
    if nature == "confidence" and decision.verdict != "undetermined":
        return False, {"key": "web.disclosure.confidence_stays"}
    if decision.verdict not in DISCLOSING:
        return False, why_withheld(decision, situation)
    outside = [c for c in categories if c not in decision.may_disclose]
    if outside:
        return False, {"key": "web.disclosure.categories_not_permitted"}
    if nature == "confidence":
        return False, {"key": "web.disclosure.confidence_stays"}
    return True, None


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
        parsed = parse_situation(situation)  # once: decided, and read for why it withholds
        decision = decide(parsed)
        included, why = judge(nature, categories, decision, parsed)
        out.append(Outcome(item, nature, categories, situation, decision, fact, included, why))
    return out


def missing_facts(outcomes: list[Outcome]) -> list[str]:
    """Facts the decisions still need that the form can ask (most decisive first)."""
    seen: dict[str, None] = {}
    for outcome in outcomes:
        for path in outcome.decision.missing:
            if path in FACTS and path not in FILE_FACTS:
                seen.setdefault(path, None)
    return list(seen)

"""The legal basis of a decision: the one place that says which provisions the deciding
rules rest on, for every caller (letters, the decision note, the register of requests, the
disclosures, their extract and the report).

The basis is what was decided: ``Decision.basis`` (each deciding rule, its version and the
provision keys it rests on, as the engine read them with the rule base it was given) and
``Decision.citations`` (each provision's version, the day it was read for, whether it is to
verify). A stored decision (``Decision.to_dict()`` kept by the web) carries both; a row
stored before the decision kept its basis (no ``basis`` key) falls back to the rules' own
citations in the default rule base, the only reading of the rule base left here.

Text is made only at the edge, in the reader's language: :func:`titles` (the provisions'
titles), :func:`public_names` (their public names, for the person and the letters),
:func:`rule_rows` (each rule with its provisions, for a disclosure). No Django here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from depositaire.documents.model import capitalise
from depositaire.engine.decision import Decision
from depositaire.messages import has, t, t_or

#: Provisions that permit (or oblige) a communication: only these follow "permise par" or
#: "nous y obligent". The others a deciding rule cites (the secret itself, doctrine, the
#: reasons a shared secret is refused) never appear there.
PERMITTING: Final = frozenset(
    {
        "penal_code.458bis",
        "penal_code.458ter",
        "penal_code.458quater",
        "criminal_procedure.29",
        "criminal_procedure.30",
        "criminal_procedure.46bis1",
        "criminal_procedure.46bis1.3",
        "court_of_cassation.1987_05_13",
        "cpas_organic_law.36",
        "foreigners.guarantor_lookup",
        "foreigners.automatic_flow",
        "psychologists_code.14",
        "patients_rights.12_14",
        "youth_care.code_7",
        "intelligence_act.14",
        "probation.follow_up_reports",
        "school_health.order_2011",
    }
)

ALLOWING: Final = frozenset({"share", "may_disclose", "must_disclose"})


@dataclass(frozen=True, slots=True)
class Cited:
    """One provision as the decision cited it."""

    key: str
    valid_on: dt.date
    #: The law data's French title, or the label a stored row kept.
    label: str
    #: The version (``valid_from`` or ``always``); ``None`` for a row stored before the
    #: decisions kept it (the version is then the one in force on ``valid_on``).
    since: str | None = None
    to_verify: bool = False

    def title(self) -> str:
        """The provision's title in the reader's language."""
        if self.since is not None:
            return t_or(f"provision_titles.{self.key}@{self.since}", self.label)
        from depositaire.engine.provisions import default_provisions

        version = default_provisions().on(self.key, self.valid_on)
        # Only when the stored label is this version's (the law data may have changed).
        return version.title if version is not None and version.label == self.label else self.label

    def public_name(self) -> str | None:
        """Its public name (see :func:`public_name`)."""
        return public_name(self.key, self.valid_on)


@dataclass(frozen=True, slots=True)
class Ground:
    """A deciding rule and the provisions it rests on."""

    rule: str
    version: str
    provisions: tuple[Cited, ...]


@dataclass(frozen=True, slots=True)
class Basis:
    verdict: str
    grounds: tuple[Ground, ...]
    #: Every provision the decision cites (the rules that failed or waited included).
    citations: tuple[Cited, ...]
    #: ``True``: as decided; ``False``: a stored row without its basis, read again from the
    #: default rule base.
    as_decided: bool = True

    def provisions(self) -> tuple[Cited, ...]:
        """The provisions the deciding rules rest on, each once; every citation if none."""
        chosen = {c.key: c for g in self.grounds for c in g.provisions}
        return tuple(chosen.values()) or self.citations


def legal_basis(decision: Decision | Mapping[str, Any]) -> Basis:
    """The legal basis of a decision, or of a stored one (``Decision.to_dict()``)."""
    if isinstance(decision, Decision):
        cited = {
            c.id: Cited(c.id, c.valid_on, c.label, c.since, bool(c.to_verify))
            for c in decision.citations
        }
        grounds = tuple(
            Ground(b.rule, b.version, tuple(cited[k] for k in b.provisions if k in cited))
            for b in decision.basis
        )
        return Basis(decision.verdict, grounds, tuple(cited.values()))
    cited = {}
    for c in decision.get("citations", ()):
        if "id" not in c:
            continue
        day = dt.date.fromisoformat(str(c.get("valid_on") or decision.get("date")))
        cited[c["id"]] = Cited(
            c["id"], day, str(c.get("label", c["id"])), c.get("since"), bool(c.get("to_verify"))
        )
    stored = decision.get("basis")
    if stored is None:
        return Basis(
            str(decision.get("verdict", "")),
            _from_rule_base(decision, cited),
            tuple(cited.values()),
            as_decided=False,
        )
    grounds = tuple(
        Ground(
            str(g["rule"]),
            str(g.get("version", g["rule"])),
            tuple(cited[k] for k in g.get("provisions", ()) if k in cited),
        )
        for g in stored
    )
    return Basis(str(decision.get("verdict", "")), grounds, tuple(cited.values()))


def _from_rule_base(decision: Mapping[str, Any], cited: Mapping[str, Cited]) -> tuple[Ground, ...]:
    """The basis of a row stored before decisions kept theirs: the rules' citations in the
    default rule base (what every caller read before)."""
    from depositaire.law import default_rule_base

    by_id = default_rule_base().by_id
    versions: Mapping[str, str] = decision.get("rule_versions") or {}
    grounds = []
    for rule_id in decision.get("rules", ()):
        version = versions.get(rule_id, rule_id)
        rule = by_id.get(version) or by_id.get(rule_id)
        if rule is None:
            continue
        keys = dict.fromkeys(rule.citations)
        grounds.append(Ground(rule_id, rule.id, tuple(cited[k] for k in keys if k in cited)))
    return tuple(grounds)


# -- text, at the edge ------------------------------------------------------------


def titles(decision: Decision | Mapping[str, Any]) -> tuple[str, ...]:
    """The titles of the provisions the deciding rules rest on (all citations if none)."""
    return tuple(dict.fromkeys(c.title() for c in legal_basis(decision).provisions()))


def citation_titles(decision: Decision | Mapping[str, Any]) -> tuple[str, ...]:
    """The titles of every provision the decision cites."""
    return tuple(dict.fromkeys(c.title() for c in legal_basis(decision).citations))


def public_name(key: str, on: dt.date) -> str | None:
    """A provision as its reader knows it (article, instrument, date), or ``None`` when it
    has no public name (a commentary, doctrine, a practice note: for the file's note only)."""
    from depositaire.engine.provisions import default_provisions

    version = default_provisions().on(key, on)
    instrument = version.instrument if version is not None else ""
    if instrument == "new_penal_code" and has(f"documents.public_provisions.{key}"):
        old = t(f"documents.public_provisions.{key}").split(" (")[0]
        return t("documents.public_new_penal_code", article=old)
    if (
        key == "civil_code.1382_1383"
        and version is not None
        and version.label.startswith("Nouveau")
    ):
        return t("documents.public_new_civil_code")
    specific = f"documents.public_provisions.{key}"
    return t(specific) if has(specific) else None


def _public(cited: Iterable[Cited], *, permits: bool) -> tuple[str, ...]:
    names: list[str] = []
    for c in cited:
        if permits and c.key not in PERMITTING:
            continue
        name = c.public_name()
        if name:
            names.append(capitalise(name))
    return tuple(dict.fromkeys(names))


def public_names(
    decision: Decision | Mapping[str, Any], *, permits: bool | None = None
) -> tuple[str, ...]:
    """Public names of the provisions the deciding rules rest on; only the permitting ones
    when ``permits`` (default: when the verdict lets information out)."""
    basis = legal_basis(decision)
    if permits is None:
        permits = basis.verdict in ALLOWING
    return _public((c for g in basis.grounds for c in g.provisions), permits=permits)


def measure_secret_names(on: dt.date) -> tuple[str, ...]:
    """The basis of a refusal that keeps a prosecutor's measure secret: the professional
    secret (art. 458) only, never art. 46bis/1, whose mention would reveal the measure."""
    return _public([Cited("penal_code.458", on, "")], permits=False)


def rule_rows(
    decisions: Sequence[Decision | Mapping[str, Any]], rule_ids: Sequence[str], *, public: bool
) -> list[dict[str, Any]]:
    """Each rule of ``rule_ids`` with the provisions it rested on in ``decisions`` (the
    decisions of what went out): its title and the provisions' titles, or with ``public``
    only the permitting provisions by their public names (extract, report)."""
    by_rule: dict[str, dict[str, str]] = {rule: {} for rule in rule_ids}
    for decision in decisions:
        for ground in legal_basis(decision).grounds:
            for rule in {ground.rule, ground.version} & by_rule.keys():
                labels = by_rule[rule]
                for c in ground.provisions:
                    if c.key in labels:
                        continue
                    if not public:
                        labels[c.key] = c.title()
                    elif c.key in PERMITTING and (name := c.public_name()):
                        labels[c.key] = capitalise(name)
    return [
        {"id": rule, "title": t(f"rules.{rule}.title"), "citations": list(labels.values())}
        for rule, labels in by_rule.items()
    ]

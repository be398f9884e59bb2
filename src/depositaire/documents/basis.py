"""The legal basis of a decision: the one place that says which provisions the deciding
rules rest on, for every caller (letters, the decision note, the register of requests, the
disclosures, their extract and the report).

The basis is what was decided: ``Decision.basis`` (each deciding rule, its version and the
provision keys it rests on, as the engine read them with the rule base it was given) and
``Decision.citations`` (each provision's version, the day it was read for, whether it is to
verify). A stored decision (``Decision.to_dict()`` kept by the web) carries both; a row
stored before the decision kept its basis (no ``basis`` key) falls back to the rules' own
citations in the default rule base, the only reading of the rule base left here.

Outside the file (letters, the extract, the person's report, the register) a provision is
named only when it binds this holder in this situation: the law data declares whom a
provision binds (``binds`` in ``law/provisions.yaml``: the psychologists' code binds the
psychologist, the youth-care code the youth-care services, art. 12 and 14 of the patients'
rights act matter for a minor or a person unable to consent); the situation's facts the
decision was made for decide (:func:`binds`). When nothing binding is left, the general
principle is named (:func:`general_names`), never nothing. The decision note kept in the
file cites every provision (:func:`titles`, :func:`citation_titles`).

Text is made only at the edge, in the reader's language: :func:`titles` (the provisions'
titles), :func:`public_names` (their public names, for the person and the letters),
:func:`rule_rows` (each rule with its provisions, for a disclosure). No Django here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from depositaire.documents.model import capitalise
from depositaire.engine.decision import Decision
from depositaire.engine.rules import DISCLOSING
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

#: Provisions that record a negative finding (a ground that does not apply: no shared
#: secret with the immigration office, 004): a deciding rule cites them to say why nothing
#: is shared on that ground, and they are no legal basis. :func:`titles` leaves them out;
#: :func:`finding_titles` gives them, for the reason nothing is shared.
FINDINGS: Final = frozenset({"foreigners.no_shared_secrecy"})

#: The facts of the situation a decision was made for: a ``Situation``, its contract form
#: (nested, as the web stores it) or a flat mapping of paths; ``None``: unknown.
Facts = Mapping[str, Any] | None


def fact_reader(situation: Facts) -> Callable[[str], Any]:
    """Reads a fact (``holder.role``…) of ``situation``, flat or nested; ``None``: unknown."""
    if situation is None:
        return lambda path: None

    def fact(path: str) -> Any:
        if path in situation:
            return situation[path]
        group, _, name = path.partition(".")
        nested = situation.get(group)
        return nested.get(name) if isinstance(nested, Mapping) else None

    return fact


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

    def binds(self, fact: Callable[[str], Any]) -> bool:
        """Whether it binds the holder in the situation ``fact`` reads (see :func:`binds`)."""
        return binds(self.key, self.valid_on, fact)


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


def titles(decision: Decision | Mapping[str, Any], *, situation: Facts = None) -> tuple[str, ...]:
    """The titles of the provisions the deciding rules rest on (all citations if none),
    the negative findings (:data:`FINDINGS`) left out: the legal basis. With
    ``situation``, a provision that does not bind the holder there is marked « à
    vérifier » (:func:`marked_title`), never cited bare as if it applied."""
    basis = legal_basis(decision)
    return tuple(
        dict.fromkeys(
            marked_title(c, basis, situation) for c in basis.provisions() if c.key not in FINDINGS
        )
    )


def marked_title(cited: Cited, basis: Basis, situation: Facts) -> str:
    """The provision's title; when ``situation`` is given and the provision does not bind
    its holder (:func:`binds`: the youth-care code for a CPAS), the title with the « à
    vérifier » notes of the deciding rules that rest on it, as the decision gives them
    (``to_verify.<key>``), or the catalogue's general note when they declare none."""
    title = cited.title()
    if situation is None or cited.binds(fact_reader(situation)):
        return title
    general = (
        "documents.basis_binding_unknown"
        if binding(cited.key, cited.valid_on, fact_reader(situation)) is None
        else "documents.basis_not_binding"
    )
    notes = _rule_notes(basis, cited.key) or (t(general),)
    return t("documents.basis_to_verify", title=title, note=t("explain.separator").join(notes))


def _rule_notes(basis: Basis, key: str) -> tuple[str, ...]:
    """The « to verify » notes of the deciding rules whose provisions include ``key``."""
    from depositaire.law import default_rule_base

    by_id = default_rule_base().by_id
    notes: list[str] = []
    for ground in basis.grounds:
        if all(c.key != key for c in ground.provisions):
            continue
        rule = by_id.get(ground.version) or by_id.get(ground.rule)
        if rule is not None:
            notes.extend(t(f"to_verify.{note}") for note in rule.to_verify)
    return tuple(dict.fromkeys(notes))


def ground_notes(decision: Decision | Mapping[str, Any]) -> tuple[str, ...]:
    """The « à vérifier » notes the legal basis itself carries, in the reader's language:
    each provision a deciding rule rests on that has one (``provision_notes.<id>@<since>``,
    as the decision gives it), then each deciding rule's own (``to_verify.<key>``). The
    decision's other notes (provisions cited beside the basis) are in its explanation."""
    from depositaire.engine.provisions import default_provisions
    from depositaire.law import default_rule_base

    basis = legal_basis(decision)
    by_id = default_rule_base().by_id
    provisions: list[str] = []
    rules: list[str] = []
    for ground in basis.grounds:
        for c in ground.provisions:
            if not c.to_verify:
                continue
            version = default_provisions().on(c.key, c.valid_on)
            french = version.to_verify if version is not None else None
            since = c.since or (
                version.valid_from.isoformat() if version and version.valid_from else "always"
            )
            note = t_or(f"provision_notes.{c.key}@{since}", french or "")
            if note:
                provisions.append(t("explain.provision_to_verify", title=c.title(), note=note))
        rule = by_id.get(ground.version) or by_id.get(ground.rule)
        if rule is not None:
            rules.extend(t(f"to_verify.{key}") for key in rule.to_verify)
    return tuple(dict.fromkeys(provisions + rules))


def finding_titles(decision: Decision | Mapping[str, Any]) -> tuple[str, ...]:
    """The titles of the negative findings (:data:`FINDINGS`) the deciding rules rest on:
    why nothing is shared on the ground they set aside."""
    provisions = legal_basis(decision).provisions()
    return tuple(dict.fromkeys(c.title() for c in provisions if c.key in FINDINGS))


def grounds_text(decision: Decision | Mapping[str, Any]) -> tuple[str, ...]:
    """Each deciding rule with the provisions it rested on, as decided, in the reader's
    language (« title (provision ; provision) »; for the file: every provision, by its
    title)."""
    rows = rule_rows(
        [decision], list(dict.fromkeys(g.rule for g in legal_basis(decision).grounds)), public=False
    )
    return tuple(
        t(
            "documents.ground",
            rule=row["title"],
            provisions=t("explain.separator").join(row["citations"]),
        )
        if row["citations"]
        else row["title"]
        for row in rows
    )


def citation_titles(
    decision: Decision | Mapping[str, Any], *, situation: Facts = None
) -> tuple[str, ...]:
    """The titles of every provision the decision cites (with ``situation``, those that do
    not bind its holder marked, :func:`marked_title`)."""
    basis = legal_basis(decision)
    return tuple(dict.fromkeys(marked_title(c, basis, situation) for c in basis.citations))


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


def binds(key: str, on: dt.date, fact: Callable[[str], Any]) -> bool:
    """Whether provision ``key`` binds the holder in the situation ``fact`` reads: as the
    law data declares it (``binds``; none declared: every holder). A fact the situation
    does not give does not show that it binds: the provision is then not named outside the
    file (the decision note still cites it)."""
    from depositaire.engine.provisions import default_provisions

    provisions = default_provisions()
    version = provisions.on(key, on) or provisions.latest(key)
    return version is None or version.binds_in(fact)


def binding(key: str, on: dt.date, fact: Callable[[str], Any]) -> bool | None:
    """Three-valued :func:`binds`: ``None`` when whether provision ``key`` binds the holder
    turns on a fact the situation does not give."""
    from depositaire.engine.provisions import default_provisions

    provisions = default_provisions()
    version = provisions.on(key, on) or provisions.latest(key)
    return True if version is None else version.binding_in(fact)


def general_names(on: dt.date, situation: Facts = None) -> tuple[str, ...]:
    """The general principle, when no provision named binds the holder: the professional
    secrecy rules of the CPAS for a CPAS, else art. 458 of the Penal Code (the secret of
    every « dépositaire par état ou par profession », 001)."""
    if fact_reader(situation)("holder.institution") == "cpas":
        return (capitalise(t("documents.public_basis_none")),)
    return _public([Cited("penal_code.458", on, "")], permits=False)


def _public(
    cited: Iterable[Cited],
    *,
    permits: bool,
    fact: Callable[[str], Any] | None = None,
    dropped: list[str] | None = None,
) -> tuple[str, ...]:
    """Public names of ``cited``: only the permitting ones when ``permits``; with ``fact``
    only those that bind the holder (the others' keys go to ``dropped``)."""
    names: list[str] = []
    for c in cited:
        if permits and c.key not in PERMITTING:
            continue
        name = c.public_name()
        if not name:
            continue
        if fact is not None and not c.binds(fact):
            if dropped is not None:
                dropped.append(c.key)
            continue
        names.append(capitalise(name))
    return tuple(dict.fromkeys(names))


def public_names(
    decision: Decision | Mapping[str, Any],
    *,
    permits: bool | None = None,
    situation: Facts = None,
) -> tuple[str, ...]:
    """Public names of the provisions the deciding rules rest on that bind the holder in
    ``situation`` (the facts the decision was made for); only the permitting ones when
    ``permits`` (default: when the verdict lets information out). When every one named
    was left out as not binding, the general principle (:func:`general_names`)."""
    basis = legal_basis(decision)
    if permits is None:
        permits = basis.verdict in DISCLOSING
    dropped: list[str] = []
    names = _public(
        (c for g in basis.grounds for c in g.provisions),
        permits=permits,
        fact=fact_reader(situation),
        dropped=dropped,
    )
    if names or not dropped:
        return names
    return general_names(_day(decision), situation)


def _day(decision: Decision | Mapping[str, Any]) -> dt.date:
    if isinstance(decision, Decision):
        return decision.date
    return dt.date.fromisoformat(str(decision.get("date") or dt.date.today().isoformat()))


def measure_secret_names(on: dt.date) -> tuple[str, ...]:
    """The basis of a refusal that keeps a prosecutor's measure secret: the professional
    secret (art. 458) only, never art. 46bis/1, whose mention would reveal the measure."""
    return _public([Cited("penal_code.458", on, "")], permits=False)


def rule_rows(
    decisions: Sequence[Decision | Mapping[str, Any]],
    rule_ids: Sequence[str],
    *,
    public: bool,
    situations: Sequence[Facts] | None = None,
    binding: bool | None = None,
) -> list[dict[str, Any]]:
    """Each rule of ``rule_ids`` with the provisions it rested on in ``decisions`` (the
    decisions of what went out): its title and the provisions' titles, or with ``public``
    only the permitting provisions by their public names (extract, report).

    With ``binding`` (default: ``public``; the register too) only the provisions that bind
    the holder in the situation of each decision (``situations``, one per decision; none
    given: unknown facts); a rule left with none of those it named gets the general
    principle (:func:`general_names`)."""
    if binding is None:
        binding = public
    by_rule: dict[str, dict[str, str]] = {rule: {} for rule in rule_ids}
    dropped: dict[str, tuple[dt.date, Facts]] = {}
    for index, decision in enumerate(decisions):
        situation = situations[index] if situations is not None else None
        fact = fact_reader(situation) if binding else None
        for ground in legal_basis(decision).grounds:
            for rule in {ground.rule, ground.version} & by_rule.keys():
                labels = by_rule[rule]
                for c in ground.provisions:
                    if c.key in labels:
                        continue
                    if public and (c.key not in PERMITTING or not c.public_name()):
                        continue
                    if fact is not None and not c.binds(fact):
                        dropped.setdefault(rule, (c.valid_on, situation))
                        continue
                    labels[c.key] = capitalise(str(c.public_name())) if public else c.title()
    for rule, (on, situation) in dropped.items():
        if not by_rule[rule]:
            names = general_names(on, situation)
            by_rule[rule] = {name: name for name in names}
    return [
        {"id": rule, "title": t(f"rules.{rule}.title"), "citations": list(labels.values())}
        for rule, labels in by_rule.items()
    ]

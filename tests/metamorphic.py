"""Metamorphic probing of the rule base: every scenario, one fact changed at a time.

Each scenario of ``public.yaml`` and ``project.yaml`` is decided, then decided again with
one fact set to each accepted value (or forgotten: unknown), or its date moved to either
side of a day the law changes. A *property* says which transitions the seeds rule out;
:func:`probe` lists the transitions that break one. ``tests/law/test_metamorphic.py``
keeps the properties that hold as tests; ``scripts/metamorphic.py`` prints the report.

The properties, each with the seed passage it rests on:

- ``consent_closes`` — withdrawing or refusing consent never opens the answer (003:
  « l'autorisation de la personne concernée ne suffit pas à libérer du secret »; consent
  is one of the cumulative conditions of sharing, 001: « si l'une d'entre elles manque,
  c'est la loi, c'est-à-dire le secret strict qui s'applique »), unless the rule that then
  decides reads no consent at all (danger, 458bis, a legal obligation…).
- ``condition_closes`` — the same for each other condition of sharing (the recipient not
  bound, not on the same mission, more than necessary, not in the person's interest,
  consent not informed) and for the formal conditions of a requisition (46bis/1 §1: « par
  une décision motivée et écrite », « décrit précisément les renseignements »), of a
  consultation (458ter: « La loi, le décret ou l'ordonnance, ou l'autorisation motivée du
  procureur du Roi, […] déterminent au moins qui peut participer à la concertation, avec
  quelle finalité et selon quelles modalités »), of a testimony (001: « après convocation,
  sous serment ») and of the guarantor look-up (004).
- ``death_closes`` — the person's death never opens the answer (001: « Le décès de
  l'usager ne lève pas l'obligation du secret du professionnel »).
- ``confidence_closes`` — a confidence never gets more out than a secret fact in the same
  situation (001: les « confidences » (toujours secrètes); 002: « Les « confidences » ne
  peuvent pas être révélées sans votre accord, même lors d'un témoignage en justice, sauf si
  les 4 conditions suivantes sont remplies »).
- ``danger_opens`` — adding a danger fact (grave, imminent, no other means, …) never turns
  a disclosing answer into silence (001: necessity and 458bis lift the secret; 002: « sauf
  si les 4 conditions suivantes sont remplies »).
- ``shared_needs_all`` — a ``share`` under shared secrecy stops being one when any of
  its five cumulative conditions fails (001, 003, 004).
- ``police_no_confidence`` — the police's informal request never gets a confidence out
  unless a danger rule decides (001: a hearing is no testimony; 29-30 CIC do not bind).
- ``single`` — on every decision: ``may_disclose`` holds only what the request asked for
  (and ``confidence`` only when the information is one); ``may_disclose`` and
  ``never_disclose`` are disjoint; ``secret`` and ``undetermined`` let nothing out;
  shared secrecy never opens toward a recipient outside care and help (003: « Uniquement
  entre intervenants »; 004: « Le secret professionnel partagé ne peut être justifié »),
  testimony only before a judge or an inquiry commission under oath (001: « la déposition
  faite, après convocation, sous serment »), 458bis only toward the prosecutor (001: « en
  informer le procureur du Roi »), neither 458bis nor 458ter for a lawyer's information
  that may expose his client (001, art. 458quater);
  every citation is in force on the decision's date (« les dispositions en vigueur ce
  jour-là », law.md « Time »), and so is every deciding rule.
- ``unknown_then_known`` — a decided answer with a fact unknown does not become another
  decided answer once that fact is known (the engine must then have said ``undetermined``
  or reached its answer on other grounds). Reported, not kept as a test: a rule may
  presume a fact on purpose (``presumptions``), see the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from depositaire.engine import Decision, Situation, decide, parse_situation
from depositaire.engine.provisions import default_provisions
from depositaire.engine.rules import DISCLOSING
from depositaire.law import default_rule_base
from depositaire.law._dates import POT_POURRI_V

#: Art. 458quater, from the pot-pourri V law (its entry into force is « à vérifier »).
LAWYER_EXCEPTION_FROM = POT_POURRI_V
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
RANK = {"secret": 0, "undetermined": None, "share": 1, "may_disclose": 2, "must_disclose": 3}

#: Rules whose conclusion rests on a danger (necessity, 458bis) or on a text that
#: obliges whatever the person says: consent and the conditions of sharing are not theirs.
NOT_CONSENT_BASED = frozenset(
    {
        "right_to_report_abuse",
        "right_to_report_abuse_2001",
        "necessity",
        "prosecutor_requisition",
        "terror_reporting_duty",
        "judicial_follow_up_report",
        "disease_notification",
        "denunciation_duty",
        "intelligence_communication_duty",
        "intelligence_communication_right",
        "case_consultation",
        "testimony",
        "automatic_flow",
        "guarantor_lookup",
        "person_access",
        "teaching_research",
    }
)
DANGER_RULES = frozenset({"right_to_report_abuse", "right_to_report_abuse_2001", "necessity"})

#: (path, value the seeds say can only close): moving a fact TO this value never opens.
#: ``exempt``: winners of the changed situation that do not rest on the fact.
CLOSING: tuple[tuple[str, object, frozenset[str], str], ...] = (
    ("consent", "refused", NOT_CONSENT_BASED, "consent_closes"),
    # From ``given`` only: a CPAS circuit works unless the person refuses (002: « il vous
    # est bien entendu possible de refuser »), so refused -> not asked may open it.
    ("consent", "not_asked", NOT_CONSENT_BASED, "consent_closes"),
    ("consent_informed", False, NOT_CONSENT_BASED, "consent_closes"),
    ("recipient.bound_by_secrecy", False, NOT_CONSENT_BASED, "condition_closes"),
    ("recipient.knows_bound", False, NOT_CONSENT_BASED, "condition_closes"),
    ("recipient.same_mission", False, NOT_CONSENT_BASED, "condition_closes"),
    ("necessary_only", False, NOT_CONSENT_BASED, "condition_closes"),
    ("in_person_interest", False, NOT_CONSENT_BASED, "condition_closes"),
    ("request.in_writing", False, frozenset(), "condition_closes"),
    ("request.reasoned", False, frozenset(), "condition_closes"),
    ("request.information_specified", False, frozenset(), "condition_closes"),
    ("request.under_oath", False, frozenset(), "condition_closes"),
    ("consultation.framework_defined", False, frozenset(), "condition_closes"),
    ("consultation.legal_basis", "none", frozenset(), "condition_closes"),
    ("consultation.purpose", "other", frozenset(), "condition_closes"),
    ("guarantor.asylum_procedure", True, frozenset(), "condition_closes"),
    ("guarantor.urgent_medical_aid", True, frozenset(), "condition_closes"),
    ("guarantor.stay_over_2_years", True, frozenset(), "condition_closes"),
    ("guarantor.visa_required_country", False, frozenset(), "condition_closes"),
    ("guarantor.visa_issued_within_2_years", False, frozenset(), "condition_closes"),
    ("guarantor.medical_costs_request", False, frozenset(), "condition_closes"),
    ("person.deceased", True, DANGER_RULES, "death_closes"),
    ("person.objects", True, NOT_CONSENT_BASED, "consent_closes"),
    ("information.nature", "confidence", frozenset(), "confidence_closes"),
)
#: (path, value): moving a danger fact TO this value never turns disclosing into silence.
OPENING: tuple[tuple[str, object], ...] = tuple(
    (f"danger.{name}", True)
    for name in (
        "exists",
        "serious",
        "imminent",
        "other_means_exhausted",
        "victim_minor_or_vulnerable",
        "offence_listed_458bis",
        "other_victims_risk",
        "victim_minor",
        "victim_examined_or_confided",
    )
)
#: Recipients who never share a secret by shared secrecy, whatever ``same_mission`` is said to
#: be: a judge or an inquiry commission hears a testimony « après convocation, sous
#: serment » (001); the police, the prosecutor, the intelligence services have « d'autres
#: finalités (sécuritaires et répressives) que les soins et l'aide » (003); with the
#: immigration office « Le secret professionnel partagé ne peut être justifié » (004); an
#: employer, a landlord, the press, the family are no « intervenants » (003).
NO_CARE_PARTNERS = frozenset(
    {
        "judge",
        "parliamentary_inquiry",
        "police",
        "public_prosecutor",
        "intelligence_service",
        "immigration_office",
        "employer",
        "landlord",
        "media",
        "family",
    }
)
SHARING_FAILS: tuple[tuple[str, object], ...] = (
    ("recipient.bound_by_secrecy", False),
    ("recipient.knows_bound", False),
    ("recipient.same_mission", False),
    ("consent", "refused"),
    ("consent", "not_asked"),
    ("consent", "not_possible"),
    ("consent_informed", False),
    ("necessary_only", False),
    ("in_person_interest", False),
)


@dataclass(frozen=True)
class Flag:
    prop: str
    case: str
    change: str
    before: str
    after: str

    def line(self) -> str:
        return f"[{self.prop}] {self.case} | {self.change} | {self.before} -> {self.after}"


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for name in ("public.yaml", "project.yaml"):
        cases.extend(yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8")))
    return cases


def change_days() -> list[dt.date]:
    """Every day a rule or a provision starts or ends, and the day before or after."""
    days: set[dt.date] = set()
    for r in default_rule_base().rules:
        if r.valid_from:
            days |= {r.valid_from, r.valid_from - dt.timedelta(days=1)}
        if r.valid_until:
            days |= {r.valid_until, r.valid_until + dt.timedelta(days=1)}
    for v in default_provisions().versions:
        if v.valid_from:
            days |= {v.valid_from, v.valid_from - dt.timedelta(days=1)}
    return sorted(days)


def mutations(base: Situation) -> Iterator[tuple[str, Situation]]:
    """Every situation one fact away from ``base`` (each accepted value, and unknown)."""
    facts = default_rule_base().law.facts
    for path, spec in facts.items():
        if spec.type == "date":
            continue
        if spec.type == "bool":
            values: list[object] = [True, False]
        elif spec.type == "enum":
            values = list(spec.values)
        else:
            values = [frozenset({v}) for v in spec.values]
        for value in [*values, None]:
            if base.facts.get(path) == value or (value is None and path not in base.facts):
                continue
            yield f"{path}={_show(value)}", base.with_facts({path: value})
    for day in change_days():
        if day != base.date:
            yield f"date={day}", base.with_facts({"date": day})


def _show(value: object) -> str:
    if isinstance(value, frozenset):
        return "[" + ",".join(sorted(value)) + "]"
    return "unknown" if value is None else str(value)


def summary(d: Decision) -> str:
    return f"{d.verdict}{d.rules[:2]} may={list(d.may_disclose)}"


def opener(before: Decision, after: Decision, *, same_item: bool = False) -> bool:
    """``after`` lets more out than ``before`` (both decided). ``same_item``: the item only
    changed nature, so ``confidence`` naming it in ``after`` is no more than before."""
    rb, ra = RANK[before.verdict], RANK[after.verdict]
    if rb is None or ra is None:
        return False
    if ra > rb:
        return True
    gained = set(after.may_disclose) - set(before.may_disclose)
    if same_item:
        gained.discard("confidence")
    return ra > 0 and rb > 0 and bool(gained)


def winner_id(d: Decision) -> str | None:
    return d.winner.contract_id if d.winner is not None else None


def single_problems(s: Situation, d: Decision) -> list[str]:
    found: list[str] = []
    asked = s.facts.get("information.categories")
    allowed = set(asked) if isinstance(asked, frozenset) else set()
    if s.facts.get("information.nature") == "confidence":
        allowed.add("confidence")
    if asked is not None and set(d.may_disclose) - allowed:
        found.append(f"may_disclose beyond what was asked: {sorted(set(d.may_disclose) - allowed)}")
    if set(d.may_disclose) & set(d.never_disclose):
        found.append("may and never overlap")
    if d.verdict in ("secret", "undetermined") and d.may_disclose:
        found.append(f"{d.verdict} lets out {d.may_disclose}")
    provisions = default_provisions()
    for c in d.citations:
        if provisions.on(c.id, s.date, d.as_known_on) is None:
            found.append(f"cites {c.id}, not in force on {s.date}")
    kind = s.facts.get("recipient.kind")
    if d.verdict == "share" and winner_id(d) == "shared_secrecy" and kind in NO_CARE_PARTNERS:
        found.append(f"shared secrecy with {kind}, no intervenant of care or help")
    if winner_id(d) == "testimony" and d.verdict in DISCLOSING:
        if (
            kind not in ("judge", "parliamentary_inquiry")
            or s.facts.get("request.under_oath") is not True
        ):
            found.append(f"testimony toward {kind}, under oath {s.facts.get('request.under_oath')}")
    winner = winner_id(d)
    if winner == "right_to_report_abuse" and kind != "public_prosecutor":
        found.append(f"458bis toward {kind}, not « le procureur du Roi »")
    if (
        winner in ("right_to_report_abuse", "case_consultation")
        and s.facts.get("holder.role") == "lawyer"
        and s.facts.get("information.client_prosecution_risk") is True
        and s.date >= LAWYER_EXCEPTION_FROM
    ):
        found.append(f"{winner} for a lawyer's information that may expose his client (458quater)")
    base = default_rule_base()
    for rule_id in d.decided_rule_ids():
        rule = base.by_id.get(rule_id)
        if rule is not None and not rule.valid_on(s.date):
            found.append(f"rule {rule_id} decides outside its validity on {s.date}")
    return found


def pair_flags(name: str, change: str, s0: Situation, d0: Decision, s1: Situation, d1: Decision):
    path, _, shown = change.partition("=")
    flags: list[Flag] = []

    def flag(prop: str) -> None:
        flags.append(Flag(prop, name, change, summary(d0), summary(d1)))

    value = s1.facts.get(path)
    for cpath, cvalue, exempt, prop in CLOSING:
        if path != cpath or value != cvalue or winner_id(d1) in exempt:
            continue
        if cvalue == "not_asked" and s0.facts.get(path) != "given":
            continue
        if opener(d0, d1, same_item=path == "information.nature"):
            flag(prop)
    for opath, ovalue in OPENING:
        if (
            path == opath
            and value == ovalue
            and d0.verdict in DISCLOSING
            and d1.verdict == "secret"
        ):
            flag("danger_opens")
    if (
        d0.verdict == "share"
        and "shared_secrecy" in d0.rules
        and any(path == p and value == v for p, v in SHARING_FAILS)
        and d1.verdict == "share"
        and "shared_secrecy" in d1.rules
    ):
        flag("shared_needs_all")
    if (
        path not in s0.facts
        and d0.verdict != "undetermined"
        and d1.verdict != "undetermined"
        and (d0.verdict != d1.verdict or set(d0.may_disclose) != set(d1.may_disclose))
        and not default_rule_base().law.facts[path].derived_from
        and path != "date"
    ):
        flag("unknown_then_known")
    return flags


def police_problem(s: Situation, d: Decision) -> bool:
    f = s.facts
    return (
        f.get("recipient.kind") == "police"
        and f.get("request.kind") == "informal_request"
        and "confidence" in d.may_disclose
        and winner_id(d) not in DANGER_RULES
    )


def probe(cases: list[dict[str, Any]] | None = None) -> tuple[int, list[Flag]]:
    """(number of decisions made, every transition or decision that breaks a property)."""
    count = 0
    flags: list[Flag] = []
    for case in cases if cases is not None else load_cases():
        s0 = parse_situation(case["situation"])
        d0 = decide(s0, explain=False)
        count += 1
        for problem in single_problems(s0, d0):
            flags.append(Flag("single", case["name"], "-", summary(d0), problem))
        for change, s1 in mutations(s0):
            d1 = decide(s1, explain=False)
            count += 1
            for problem in single_problems(s1, d1):
                flags.append(Flag("single", case["name"], change, summary(d1), problem))
            if police_problem(s1, d1):
                flags.append(Flag("police_no_confidence", case["name"], change, "", summary(d1)))
            flags.extend(pair_flags(case["name"], change, s0, d0, s1, d1))
    return count, flags


def closing_pairs(cases: list[dict[str, Any]] | None = None) -> tuple[int, list[Flag]]:
    """Two closing changes of ``CLOSING`` at once (consent refused and the recipient not
    bound, …): together they never open the answer either, unless the rule that then
    decides rests on neither."""
    import itertools

    count = 0
    flags: list[Flag] = []
    for case in cases if cases is not None else load_cases():
        s0 = parse_situation(case["situation"])
        d0 = decide(s0, explain=False)
        if d0.verdict == "undetermined":
            continue
        for (p1, v1, e1, prop), (p2, v2, e2, _) in itertools.combinations(CLOSING, 2):
            if p1 == p2:
                continue
            if "not_asked" in (v1, v2) and s0.facts.get("consent") != "given":
                continue
            s2 = s0.with_facts({p1: v1, p2: v2})
            d2 = decide(s2, explain=False)
            count += 1
            if winner_id(d2) in (e1 | e2):
                continue
            if opener(d0, d2, same_item="information.nature" in (p1, p2)):
                change = f"{p1}={_show(v1)}, {p2}={_show(v2)}"
                flags.append(Flag("closing_pairs", case["name"], change, summary(d0), summary(d2)))
    return count, flags

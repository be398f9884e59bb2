"""The evaluator: from a situation to a decision, under the law in force on its date.

Rules are examined in the order their declared relations give (an exception
before what it is an exception to). The first rule whose full condition holds
decides. A rule whose condition is still unknown *and* above the deciding rule
leaves the verdict open only if what it would conclude differs from what a
rule below it would conclude; the facts that could settle such rules are the
``missing`` ones, the most widely needed first. A fact that cannot change the
outcome is never listed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import Any, cast

from depositaire.engine.conditions import Facts
from depositaire.engine.decision import Citation, Decision, RuleBasis, Trace
from depositaire.engine.derive import Derivation
from depositaire.engine.provisions import Provisions
from depositaire.engine.rules import DISCLOSING, Rule, RuleBase, Verdict
from depositaire.engine.schema import CONFIDENCE, FACTS
from depositaire.engine.situation import Situation

#: Categories 002 counts among confidences when the person confided them
#: ("vos difficultés familiales, […] vos maladies"); ``information.confided`` says so.
CONFIDED_CATEGORIES = frozenset({"family_difficulties", "health"})
#: Always confidences ("votre ressenti, vos sentiments", 002).
FEELINGS = frozenset({"feelings"})

#: The order of what may go out: the confidence, then the law's categories (at first use).
_ORDER: dict[str, int] = {}
Outcome = tuple[Verdict, frozenset[str]]


def _sorted(categories: Iterable[str]) -> list[str]:
    if not _ORDER:
        values = FACTS["information.categories"].values
        _ORDER.update({c: i for i, c in enumerate((CONFIDENCE, *values))})
    return sorted(categories, key=_ORDER.__getitem__)


def disclosure(
    rule: Rule, f: Facts, failed: Iterable[Rule] = ()
) -> tuple[Verdict, frozenset[str], frozenset[str]]:
    """What ``rule`` lets out of the asked categories: (verdict, may, never)."""
    asked = cast("frozenset[str] | None", f.get("information.categories") or None)
    verdict = rule.verdict or "secret"
    if verdict not in DISCLOSING:
        never: set[str] = set(asked or ())
        never.add(CONFIDENCE)
        for r in failed:
            never |= r.withheld
        never |= rule.withheld
        return verdict, frozenset(), frozenset(never)
    permitted = rule.permitted
    for cond, cats in rule.narrowing:
        if cond.fn(f) is True:
            permitted = cats if permitted is None else permitted & cats
    if asked is None:
        may = set(permitted or ())
        never = set(rule.withheld)
    else:
        may = set(asked) if permitted is None else set(asked & permitted)
        never = set(asked) - may
        never |= rule.withheld
    may -= rule.withheld
    if rule.allows_confidences:
        # A confidence goes out only as what the rule lets out of it: when none of the asked
        # categories may go (a follow-up report asked for a feeling or for what was said in
        # therapy: « rien concernant ce qui relève de la relation thérapeutique », 003), the
        # confidence stays in and nothing goes out.
        if f.get("information.nature") == CONFIDENCE:
            if asked is None or may:
                may.add(CONFIDENCE)
            else:
                never.add(CONFIDENCE)
    else:
        # Explicitly excluded by the rule's text: the confidence itself, the feelings, and
        # family difficulties or illnesses the person confided (002).
        never.add(CONFIDENCE)
        kept = set(FEELINGS)
        if f.get("information.confided") is True:
            kept |= CONFIDED_CATEGORIES
        if f.get("information.nature") == CONFIDENCE:
            kept |= may
        never |= kept if asked is None else kept & set(asked)
        may -= kept
    if (asked is not None or f.get("information.nature") == CONFIDENCE) and not may:
        verdict = "secret"
    return verdict, frozenset(may), frozenset(never)


def presumed(rule: Rule | None, verdict: Verdict, f: Facts) -> list[tuple[str, str, str]]:
    """The presumptions ``rule`` declares that an obligation it decides rests on: their
    fact is unknown, the rule holds on its ``assume``. (rule id, fact, catalogue key)."""
    if rule is None or verdict != "must_disclose":
        return []
    return [(rule.contract_id, p, key) for p, key in rule.presumptions if f.get(p) is None]


def _outcome(rule: Rule | None, f: Facts) -> Outcome | None:
    if rule is None:
        return None
    verdict, may, _ = disclosure(rule, f)
    return verdict, may


def evaluate(
    situation: Situation,
    rule_base: RuleBase,
    provisions: Provisions,
    *,
    explain: bool = True,
    exact_missing: bool = True,
) -> Decision:
    """Decide ``situation`` with ``rule_base``; ``explain=False`` skips the French text."""
    f, derivations = rule_base.law.derive(situation.facts)
    date = situation.date
    known = situation.as_known_on
    trace = Trace(derivations=derivations)
    steps = trace.steps
    defeaters, verdict_rules, duty_rules = rule_base.in_force(date, known)

    defeated: dict[str, Rule] = {}
    maybe_defeated: dict[str, Rule] = {}
    for d in defeaters:
        v = d.effective.fn(f)
        if v is True:
            steps.append((d, "fired"))
            for target in d.defeats:
                defeated[target] = d
        elif v is None:
            steps.append((d, "pending"))
            for target in d.defeats:
                maybe_defeated[target] = d
    trace.defeated_by = defeated

    if explain:
        for r in rule_base.verdict_rules:
            if not r.in_force(date, known) and r.scope.fn(f) is True:
                if r.annulled(date, known):
                    steps.append((r, "annulled"))
                elif r.known_from is not None and r.valid_on(date):
                    pass  # not yet part of the law as known that day (said by the winner)
                elif not any(o.citations == r.citations for o in verdict_rules):
                    # (another version of the same provision, in force, is examined instead)
                    steps.append((r, "not_in_force"))

    winner: Rule | None = None
    pending: list[Rule] = []
    failed: list[Rule] = []
    for r in verdict_rules:
        v = r.effective.fn(f)
        if v is True:
            if r.id in defeated:
                steps.append((r, "defeated"))
                failed.append(r)
                continue
            if r.id in maybe_defeated:
                pending.append(r)
                continue
            winner = r
            break
        if v is None:
            pending.append(r)
        elif r.kind == "exception" and r.scope.fn(f) is True:
            failed.append(r)
            steps.append((r, "failed"))

    missing: list[str] = []
    if pending:
        outcome = _outcome(winner, f)
        outcomes = [_outcome(p, f) for p in pending]
        if (
            winner is not None
            and all(o == outcome for o in outcomes)
            or (winner is None and all(o == outcomes[0] for o in outcomes) and len(pending) > 1)
        ):
            for p in pending:
                steps.append((p, "same_outcome"))
            if winner is None:
                winner = pending[0]
            pending = []
        else:
            missing = _missing(pending, winner, outcomes, outcome, f, maybe_defeated)
            if exact_missing:
                missing = _only_decisive(
                    missing, pending, maybe_defeated, situation, rule_base, provisions, f
                )
            if exact_missing and not missing:
                # The exact enumeration found no fact that could change the outcome: a
                # pending rule is shadowed wherever it could apply (for example by the
                # secrecy of a prosecutor's measure, whoever the recipient is). The first
                # rule that can decide gives that one outcome.
                for p in pending:
                    steps.append((p, "same_outcome"))
                if winner is None:
                    winner = completion_winner(
                        pending, maybe_defeated, situation, rule_base, provisions, f
                    )
                pending = []
            for p in pending:
                steps.append((p, "pending"))

    if winner is not None and not pending:
        steps.append((winner, "fired"))
        verdict, may, never = disclosure(winner, f, failed)
        rules = [winner.id, *(r.id for r in failed if r.id != winner.id)]
        duties = list(winner.duties)
        duties.extend(d for cond, d in winner.conditional_duties if cond.fn(f) is True)
        duties.extend(d for r in failed for cond, d in r.failure_duties if cond.fn(f) is True)
    else:
        verdict, may, never = "undetermined", frozenset(), frozenset({CONFIDENCE})
        rules = [r.id for r in pending]
        duties = []
    if not exact_missing:  # an inner evaluation of _only_decisive: the outcome is enough
        return Decision(
            verdict,
            rules,
            [],
            _sorted(may),
            [],
            [],
            missing,
            [],
            [],
            date,
            rule_base.version,
            as_known_on=known,
        )
    for d in defeaters:
        if d.id in {x.id for x in defeated.values()} and d.id not in rules:
            rules.append(d.id)
    for dr in duty_rules:
        if dr.effective.fn(f) is True:
            steps.append((dr, "fired"))
            rules.append(dr.id)
            duties.extend(dr.duties)
            duties.extend(x for cond, x in dr.conditional_duties if cond.fn(f) is True)

    cited_rules = tuple(
        r for r, status in steps if status in ("fired", "failed", "pending", "defeated")
    )
    annulments = tuple(
        r.annulment.by for r, status in steps if status == "annulled" and r.annulment
    )
    citations, to_verify = _citations(
        cited_rules, tuple(derivations), provisions, date, known, annulments
    )
    from depositaire.engine.coverage import not_modelled_keys

    penalties = rule_base.law.penalties_for(rules, verdict, f, date)
    # A dated version decides under its contract id (situation.md); which one, in
    # ``rule_versions``.
    reported, versions = rule_base.reported(rules)
    presumptions = presumed(winner, verdict, f)
    if presumptions:
        to_verify = (*to_verify, *(f"presumptions.{key}" for _r, _p, key in presumptions))
    decision = Decision(
        verdict=verdict,
        rules=reported,
        rule_versions=versions,
        citations=list(citations),
        may_disclose=_sorted(may),
        never_disclose=_sorted(never),
        duties=list(dict.fromkeys(duties)),
        missing=missing,
        text=[],
        verify_keys=list(to_verify),
        date=date,
        rule_base_version=rule_base.version,
        as_known_on=known,
        basis=rule_basis(rule_base, rules, citations),
        not_modelled_keys=list(not_modelled_keys(rules)),
        penalties=penalties,
        presumptions=presumptions,
        trace=trace,
        winner=winner if verdict != "undetermined" else None,
    )
    if explain:
        from depositaire.engine.explain import explain as build_explanation

        decision.explanation = build_explanation(decision, situation, f, provisions)
    return decision


def _missing(
    pending: list[Rule],
    winner: Rule | None,
    outcomes: list[Outcome | None],
    winner_outcome: Outcome | None,
    f: Facts,
    maybe_defeated: dict[str, Rule],
) -> list[str]:
    """Facts that could settle a pending rule whose outcome differs from a rule below it."""
    all_outcomes = [*outcomes, winner_outcome]
    score: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    for i, rule in enumerate(pending):
        below = all_outcomes[i + 1 :]
        unresolved_bottom = winner is None and i == len(pending) - 1
        if not unresolved_bottom and all(o == outcomes[i] for o in below if o is not None):
            continue
        facts = rule.effective.open_facts(f)
        if rule.id in maybe_defeated:
            facts = facts + maybe_defeated[rule.id].effective.open_facts(f)
        for path in dict.fromkeys(facts):
            score[path] = score.get(path, 0) + 1
            first_seen.setdefault(path, len(first_seen))
    return sorted(score, key=lambda p: (-score[p], first_seen[p]))


#: Above this many combinations of open facts, ``missing`` keeps the rule-by-rule estimate.
EXACT_MISSING_LIMIT = 8192


def open_classes(
    rules: Sequence[Rule], f: Facts, rule_base: RuleBase
) -> tuple[list[str], list[list[object]]]:
    """The facts still open in ``rules`` (in order) and, for each, one representative per
    class of values that those rules tell apart: the space every exact enumeration walks."""
    open_facts = list(dict.fromkeys(p for r in rules for p in r.effective.open_facts(f)))
    return open_facts, [rule_base.value_classes(p, rules) for p in open_facts]


def completion_winner(
    pending: list[Rule],
    maybe_defeated: dict[str, Rule],
    situation: Situation,
    rule_base: RuleBase,
    provisions: Provisions,
    f: Facts,
) -> Rule:
    """The rule that decides when no open fact can change the outcome and no rule has won.

    Every completion of the open facts then gives one outcome, but not necessarily that of
    the first pending rule: that rule may fail in every completion (a guarantor look-up to a
    colleague of the same team while the person objects: shared secrecy is pending on the
    unknown facts, yet the person's objection keeps the secret whatever they are). So one
    completion is decided — each open fact takes the first of its value classes — and the
    rule that wins there decides."""
    open_facts, classes = open_classes((*pending, *maybe_defeated.values()), f, rule_base)
    changes: dict[str, Any] = {p: c[0] for p, c in zip(open_facts, classes, strict=True)}
    completed = situation.with_facts(changes)
    d = evaluate(completed, rule_base, provisions, explain=False, exact_missing=False)
    if d.verdict == "undetermined":
        # Left open by facts outside the enumeration (as in ``_only_decisive``): decided
        # exactly, it gives the one outcome unless a fact outside can still change it.
        d = evaluate(completed, rule_base, provisions, explain=False)
    if d.verdict == "undetermined" or not d.rules:
        return pending[0]
    # The first pending rule whose outcome is that one outcome decides, as when every
    # pending rule agrees; the completion's own winner only when none gives it.
    common = (d.verdict, frozenset(d.may_disclose))
    for p in pending:
        o = _outcome(p, f)
        if o is not None and (o[0], frozenset(o[1])) == common:
            return p
    if d.winner is not None:  # decided exactly: its rules are reported under contract ids
        return d.winner
    return rule_base.by_id[d.rules[0]]


def _only_decisive(
    candidates: list[str],
    pending: list[Rule],
    maybe_defeated: dict[str, Rule],
    situation: Situation,
    rule_base: RuleBase,
    provisions: Provisions,
    f: Facts,
) -> list[str]:
    """Keep the candidates that can change the outcome under some completion of the open facts.

    Every open fact takes one representative per class of values that the rules tell
    apart, so the enumeration is exact; it is skipped above ``EXACT_MISSING_LIMIT``. A
    completion left undetermined (by facts outside the enumeration) counts only when no
    two determined ones show a decisive fact, and is then decided exactly first."""
    open_facts, classes = open_classes((*pending, *maybe_defeated.values()), f, rule_base)
    total = 1
    for c in classes:
        total *= len(c)
        if total > EXACT_MISSING_LIMIT:
            return candidates
    results: dict[tuple[int, ...], Outcome] = {}
    for combo in itertools.product(*(range(len(c)) for c in classes)):
        changes: dict[str, Any] = {
            p: classes[i][k] for i, (p, k) in enumerate(zip(open_facts, combo, strict=True))
        }
        d = evaluate(
            situation.with_facts(changes), rule_base, provisions, explain=False, exact_missing=False
        )
        results[combo] = (d.verdict, frozenset(d.may_disclose))

    def decisive(determined_only: bool) -> list[str]:
        found: set[str] = set()
        for i, path in enumerate(open_facts):
            groups: dict[tuple[int, ...], set[Outcome]] = {}
            for combo, result in results.items():
                if determined_only and result[0] == "undetermined":
                    continue
                groups.setdefault(combo[:i] + combo[i + 1 :], set()).add(result)
            if any(len(g) > 1 for g in groups.values()):
                found.add(path)
        return [p for p in candidates if p in found]

    # A completion that opens another rule can stay undetermined on facts outside this
    # enumeration; such a result proves nothing about the fact varied, so it is compared
    # only when no determined pair shows any fact to be decisive.
    found = decisive(True)
    if found:
        return found
    # Before it is compared, such a completion is decided exactly: where no fact outside
    # the enumeration can change it either, it has the one outcome all its completions
    # give (a colleague of the same team while the person objects: shared secrecy is
    # pending, yet every answer keeps the secret), not "undetermined".
    for combo, result in results.items():
        if result[0] == "undetermined":
            fixed: dict[str, Any] = {
                p: classes[i][k] for i, (p, k) in enumerate(zip(open_facts, combo, strict=True))
            }
            results[combo] = resolved(situation.with_facts(fixed), rule_base, provisions)
    return decisive(True) or decisive(False)


def resolved(situation: Situation, rule_base: RuleBase, provisions: Provisions) -> Outcome:
    """The outcome of an inner completion left undetermined, decided exactly: still
    undetermined only if some fact outside the enumeration can change it."""
    d = evaluate(situation, rule_base, provisions, explain=False)
    return d.verdict, frozenset(d.may_disclose)


_CITATION_CACHE: dict[object, tuple[tuple[Citation, ...], tuple[str, ...]]] = {}


def _citations(
    rules: tuple[Rule, ...],
    derivations: tuple[Derivation, ...],
    provisions: Provisions,
    date: dt.date,
    as_known_on: dt.date | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[tuple[Citation, ...], tuple[str, ...]]:
    """The provisions in force on ``date`` as known on ``as_known_on`` that the rules and
    derivations rest on, plus ``extra`` keys (the judgments that annulled a rule), and the
    catalogue keys of the rules' "to verify" notes; memoised. No text: the notes are
    rendered when read (``Decision.to_verify``), in the reader's language."""
    # The rules themselves (identity), not their ids: another rule base may have a rule
    # of the same id citing other provisions.
    key = (rules, derivations, date, as_known_on, extra, id(provisions))
    found = _CITATION_CACHE.get(key)
    if found is not None:
        return found
    keys: list[str] = []
    verify_keys: list[str] = []
    for r in rules:
        keys.extend(r.citations)
        verify_keys.extend(r.to_verify)
    for d in derivations:
        keys.extend(d.citations)
    keys.extend(extra)
    citations: list[Citation] = []
    for k in dict.fromkeys(keys):
        version = provisions.on(k, date, as_known_on)
        if version is None:
            continue
        since = version.valid_from.isoformat() if version.valid_from else "always"
        citations.append(Citation(k, version.label, date, version.to_verify, since))
    found = (tuple(citations), tuple(f"to_verify.{k}" for k in dict.fromkeys(verify_keys)))
    if len(_CITATION_CACHE) > 65536:
        _CITATION_CACHE.clear()
    _CITATION_CACHE[key] = found
    return found


def rule_basis(
    rule_base: RuleBase, rules: Sequence[str], citations: Sequence[Citation]
) -> list[RuleBasis]:
    """The legal basis as decided: each deciding rule (version ids, as ``rules`` holds them
    before ``RuleBase.reported``) with the provisions of ``citations`` it rests on."""
    cited = {c.id for c in citations}
    out: list[RuleBasis] = []
    for rule_id in dict.fromkeys(rules):
        rule = rule_base.by_id.get(rule_id)
        if rule is None:
            continue
        keys = tuple(k for k in dict.fromkeys(rule.citations) if k in cited)
        out.append(RuleBasis(rule.contract_id, rule.id, keys))
    return out

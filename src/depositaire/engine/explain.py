"""The French explanation of a decision: one sentence per step of the reasoning.

It names what the law derives, the default, each exception that failed and why
(the first condition not met), the exception that applied instead, what may and
may not go out, the duties, what is still missing and what is to be verified.
All wording comes from the message catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from depositaire.engine.conditions import Leaf
from depositaire.engine.decision import Decision
from depositaire.engine.provisions import Provisions
from depositaire.engine.rules import Rule
from depositaire.engine.schema import FACTS
from depositaire.engine.situation import Situation
from depositaire.messages import one_language, t, t_or


def value_label(path: str, value: object) -> str:
    """The French label of one value of a fact."""
    if isinstance(value, bool):
        return t("common.word_yes") if value else t("common.word_no")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, frozenset | list | tuple | set):
        return ", ".join(value_label(path, v) for v in sorted(value, key=str))
    return t_or(f"values.{path}.{value}", str(value))


def category_label(category: str) -> str:
    return t(f"values.information.categories.{category}")


def disclosure_label(entry: str) -> str:
    """An entry of ``may_disclose`` / ``never_disclose``: a category, or ``confidence``."""
    return t("values.confidence") if entry == "confidence" else category_label(entry)


def fact_label(path: str) -> str:
    return t(f"facts.{path}.label")


def format_date(day: dt.date) -> str:
    months = t("common.months").split(",")
    number = t("common.first_of_month") if day.day == 1 else str(day.day)
    return f"{number} {months[day.month - 1]} {day.year}"


def describe_leaf(leaf: Leaf) -> str:
    """A leaf as a French statement of what must hold ("la personne a donné son accord")."""
    spec = FACTS[leaf.path]
    if spec.type == "bool":
        (value,) = leaf.values
        positive = bool(value) != leaf.negate
        return t(f"facts.{leaf.path}.{'if_true' if positive else 'if_false'}")
    if leaf.contains:
        return t(
            "explain.leaf_contains",
            fact=fact_label(leaf.path),
            value=value_label(leaf.path, leaf.values[0]),
        )
    values = t("common.or").join(f"« {value_label(leaf.path, v)} »" for v in leaf.values)
    key = "explain.leaf_not_in" if leaf.negate else "explain.leaf_in"
    return t(key, fact=fact_label(leaf.path), values=values)


def rule_title(rule: Rule) -> str:
    return t(f"rules.{rule.id}.title")


def _cite(rule: Rule | Iterable[str], provisions: Provisions, date: dt.date) -> str:
    keys = rule.citations if isinstance(rule, Rule) else tuple(rule)
    labels = [v.short for k in keys if (v := provisions.on(k, date)) is not None]
    # Two references are enough inline; the decision's citations list them all.
    return " ; ".join(list(dict.fromkeys(labels))[:2])


def explain(
    decision: Decision, situation: Situation, f: Mapping[str, object], provisions: Provisions
) -> list[str]:
    """The explanation's sentences, in the language read once for the whole rendering."""
    with one_language():
        return _explain(decision, situation, f, provisions)


def _explain(
    decision: Decision, situation: Situation, f: Mapping[str, object], provisions: Provisions
) -> list[str]:
    date = decision.date
    out: list[str] = []
    trace = decision.trace
    for d in trace.derivations:
        reason = t(f"derivations.{d.path}.{d.reason}")
        out.append(
            t("explain.derived", reason=reason, citation=_cite(d.citations, provisions, date))
        )

    statuses = trace.steps
    default = next(
        (r for r, s in statuses if r.kind == "default" and s in ("fired", "same_outcome")), None
    )
    if default is None and decision.winner is not None and decision.winner.kind == "exception":
        default = next((r for r, s in statuses if r.kind == "default"), None)
    if decision.winner is not None and decision.winner.kind == "exception":
        out.append(
            t("explain.default_secret", citation=_cite(("penal_code.458",), provisions, date))
        )
    elif default is not None:
        out.append(t(f"rules.{default.id}.applies") + f" ({_cite(default, provisions, date)}).")

    if f.get("person.deceased") is True:
        out.append(t("explain.deceased"))

    for rule, status in statuses:
        if status == "not_in_force":
            out.append(t("explain.not_in_force", rule=rule_title(rule), date=format_date(date)))
        elif status == "defeated":
            by = trace.defeated_by[rule.id]
            out.append(
                t(
                    "explain.defeated",
                    rule=rule_title(rule),
                    by=rule_title(by),
                    citation=_cite(by, provisions, date),
                )
            )
        elif status == "failed":
            leaves = rule.effective.failing(f)
            condition = describe_leaf(leaves[0]) if leaves else t("explain.condition_unknown")
            out.append(
                t(
                    "explain.failed",
                    rule=rule_title(rule),
                    citation=_cite(rule, provisions, date),
                    condition=condition,
                )
            )
        elif status == "same_outcome":
            out.append(t("explain.same_outcome", rule=rule_title(rule)))
        elif status == "pending" and rule.kind in ("default", "exception"):
            facts = ", ".join(fact_label(p) for p in dict.fromkeys(rule.effective.open_facts(f)))
            out.append(
                t(
                    "explain.pending",
                    rule=rule_title(rule),
                    facts=facts,
                    citation=_cite(rule, provisions, date),
                )
            )

    winner = decision.winner
    if winner is not None and winner.kind == "exception":
        sentence = t(f"rules.{winner.id}.applies")
        out.append(
            t(
                "explain.exception_applies",
                rule=rule_title(winner),
                reason=sentence,
                citation=_cite(winner, provisions, date),
            )
        )
        if winner.verdict != decision.verdict:
            out.append(t("explain.nothing_permitted"))
    if winner is not None and winner.kind == "defeater":  # pragma: no cover - defeaters never win
        pass
    for rule, status in statuses:
        if rule.kind == "duty" and status == "fired":
            out.append(t(f"rules.{rule.id}.applies") + f" ({_cite(rule, provisions, date)}).")

    out.append(t(f"verdicts.{decision.verdict}.sentence"))
    if decision.may_disclose:
        out.append(
            t("explain.may", items=", ".join(disclosure_label(c) for c in decision.may_disclose))
        )
    if decision.never_disclose and decision.verdict != "undetermined":
        out.append(
            t(
                "explain.never",
                items=", ".join(disclosure_label(c) for c in decision.never_disclose),
            )
        )
    if decision.duties:
        out.append(t("explain.duties", items=" ; ".join(t(f"duties.{d}") for d in decision.duties)))
    if decision.missing:
        out.append(t("explain.missing", facts=", ".join(fact_label(p) for p in decision.missing)))
    if (
        f.get("danger.exists") is None
        and f.get("request.kind") != "own_initiative_report"
        and decision.verdict in ("secret", "undetermined")
    ):
        out.append(t("explain.no_danger_alleged"))
    for note in decision.to_verify:
        out.append(t("explain.to_verify", note=note))
    return out

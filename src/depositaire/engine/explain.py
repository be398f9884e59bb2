"""The explanation of a decision, in the reader's language: one sentence per step.

It names what the law derives, the default, each exception that failed and why
(the first condition not met), the exception that applied instead, what may and
may not go out, the duties, what is still missing and what is to be verified.
All wording comes from the message catalogue.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping

from depositaire.engine.conditions import Leaf
from depositaire.engine.decision import Decision
from depositaire.engine.discovery import default_law
from depositaire.engine.provisions import Provisions
from depositaire.engine.rules import Rule
from depositaire.engine.schema import FACTS
from depositaire.engine.situation import Situation
from depositaire.messages import current_language, has, one_language, t, t_or


def value_label(path: str, value: object) -> str:
    """The label of one value of a fact, in the reader's language."""
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
    return t("common.date", day=number, month=months[day.month - 1], year=day.year)


def describe_leaf(leaf: Leaf) -> str:
    """A leaf as a statement of what must hold ("la personne a donné son accord")."""
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
    values = t("common.or").join(
        t("common.quoted", text=value_label(leaf.path, v)) for v in leaf.values
    )
    key = "explain.leaf_not_in" if leaf.negate else "explain.leaf_in"
    return t(key, fact=fact_label(leaf.path), values=values)


def rule_title(rule: Rule) -> str:
    return t(f"rules.{rule.id}.title")


def rule_grammar(rule: Rule) -> tuple[str, str]:
    """(gender, number) of a rule's title, from the catalogue: ("m"|"f", "s"|"p")."""
    return t_or(f"rules.{rule.id}.gender", "m"), t_or(f"rules.{rule.id}.number", "s")


def lower_title(rule: Rule) -> str:
    """The title inside a sentence: its article in lower case ("le secret…")."""
    title = rule_title(rule)
    return title[:1].lower() + title[1:]


_VOWEL = "aeiouyàâäéèêëîïôöûüœAEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜŒ"
_ELISIONS = (
    (re.compile(rf"\b([qQ]u|[dD]|[nN]|[sS]|[jJ])e ([{_VOWEL}])"), r"\1'\2"),
    (re.compile(rf"\b([lL])[ea] ([{_VOWEL}])"), r"\1'\2"),
    (re.compile(r"\b([dD])e le\b"), r"\1u"),
    (re.compile(r"\b([dD])e les\b"), r"\1es"),
    (re.compile(r"\bà le\b"), "au"),
    (re.compile(r"\bà les\b"), "aux"),
)


def elide(text: str) -> str:
    """French elision and contraction where a template meets a title or a condition
    ("que une" → "qu'une", "de le" → "du", "à les" → "aux"). Written by hand: no kept
    library does this for French, and the list is short and tested. French only: the
    Dutch templates are written whole."""
    if current_language() != "fr":
        return text
    return _elide_fr(text)


@functools.lru_cache(maxsize=16384)
def _elide_fr(text: str) -> str:
    """``elide`` in French, remembered per text: a bulk run renders the same sentences
    again and again (six regular expressions each, 2 s of 25 in a 20,000-line run)."""
    for pattern, repl in _ELISIONS:
        text = pattern.sub(repl, text)
    return text


def agree(key: str, rule: Rule, **params: object) -> str:
    """Render the template ``key`` in the form that agrees with ``rule``'s title (number,
    then gender): ``key.s_f``, ``key.s``, or ``key`` itself."""
    gender, number = rule_grammar(rule)
    for candidate in (f"{key}.{number}_{gender}", f"{key}.{number}"):
        if has(candidate):
            return elide(t(candidate, rule=rule_title(rule), **params))
    return elide(t(key, rule=rule_title(rule), **params))


#: The templates that a rule title is the subject of, with their parameters (for the
#: grammar test that renders every rule in every one).
RULE_TEMPLATES: tuple[str, ...] = (
    "explain.not_in_force",
    "explain.annulled",
    "explain.defeated",
    "explain.failed",
    "explain.pending",
    "explain.exception_obliges",
    "explain.exception_opens",
    "explain.exception_keeps",
)


def exception_template(rule: Rule) -> str:
    """Which template states that an exception applied: one that obliges to communicate,
    one that lets information out, one that keeps the secret."""
    if rule.verdict == "must_disclose":
        return "explain.exception_obliges"
    if rule.verdict in ("share", "may_disclose"):
        return "explain.exception_opens"
    return "explain.exception_keeps"


def _cite(rule: Rule | Iterable[str], provisions: Provisions, date: dt.date) -> str:
    keys = rule.citations if isinstance(rule, Rule) else tuple(rule)
    labels = [v.short for k in keys if (v := provisions.on(k, date)) is not None]
    # Two references are enough inline; the decision's citations list them all.
    return t("explain.separator").join(list(dict.fromkeys(labels))[:2])


def _applies(rule: Rule, provisions: Provisions, date: dt.date) -> str:
    """A rule's sentence followed by the provisions it cites."""
    return t(
        "explain.rule_applies",
        sentence=t(f"rules.{rule.id}.applies"),
        citation=_cite(rule, provisions, date),
    )


def defeated_sentence(rule: Rule, by: Rule, provisions: Provisions, date: dt.date) -> str:
    """The sentence that says ``rule`` was set aside by ``by`` (its provisions on ``date``)."""
    return agree("explain.defeated", rule, by=lower_title(by), citation=_cite(by, provisions, date))


def failed_sentence(
    rule: Rule, condition: Leaf | None, provisions: Provisions, date: dt.date
) -> str:
    """The sentence that says exception ``rule`` failed, on its first condition not met
    (``None``: not known)."""
    return agree(
        "explain.failed",
        rule,
        citation=_cite(rule, provisions, date),
        condition=describe_leaf(condition) if condition else t("explain.condition_unknown"),
    )


def missing_sentence(paths: Iterable[str]) -> str:
    """The sentence that says what the answer still depends on."""
    return t("explain.missing", facts=", ".join(fact_label(p) for p in paths))


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
        # One bound only by discretion commits no offence by revealing, but a fault (001, § 7
        # and § 8): the default is then the discretion duty, with its own provisions.
        discretion = default_law().discretion_basis
        if f.get("holder.bound_by_secrecy") is False and discretion:
            out.append(
                t("explain.default_discretion", citation=_cite(discretion, provisions, date))
            )
        else:
            out.append(
                t(
                    "explain.default_secret",
                    citation=_cite(default_law().secrecy_basis, provisions, date),
                )
            )
    elif default is not None:
        out.append(_applies(default, provisions, date))

    if f.get("person.deceased") is True:
        out.append(t("explain.deceased"))

    known = decision.as_known_on or date
    for rule, status in statuses:
        if status == "not_in_force":
            out.append(agree("explain.not_in_force", rule, date=format_date(date)))
        elif status == "annulled" and rule.annulment is not None:
            out.append(
                agree(
                    "explain.annulled",
                    rule,
                    decided=format_date(rule.annulment.decided_on),
                    by=t(f"judgments.{rule.annulment.by}"),
                    known=format_date(known),
                    date=format_date(date),
                )
            )
        elif status == "defeated":
            out.append(defeated_sentence(rule, trace.defeated_by[rule.id], provisions, date))
        elif status == "failed":
            leaves = rule.effective.failing(f)
            out.append(failed_sentence(rule, leaves[0] if leaves else None, provisions, date))
        elif status == "same_outcome":
            out.append(t("explain.same_outcome", rule=rule_title(rule)))
        elif status == "pending" and rule.kind in ("default", "exception"):
            open_facts = list(rule.effective.open_facts(f))
            # A rule that applies unless a defeater fires waits on the defeater's facts.
            open_facts += [
                p
                for d, d_status in trace.steps
                if d.kind == "defeater" and d_status == "pending" and rule.id in d.defeats
                for p in d.effective.open_facts(f)
            ]
            facts = ", ".join(fact_label(p) for p in dict.fromkeys(open_facts))
            out.append(
                agree(
                    "explain.pending",
                    rule,
                    facts=facts,
                    citation=_cite(rule, provisions, date),
                )
            )

    winner = decision.winner
    if winner is not None and winner.kind == "exception":
        sentence = t(f"rules.{winner.id}.applies")
        out.append(
            agree(
                exception_template(winner),
                winner,
                reason=sentence,
                citation=_cite(winner, provisions, date),
            )
        )
        if has(f"rules.{winner.id}.confidences"):
            out.append(t(f"rules.{winner.id}.confidences"))
        if winner.verdict != decision.verdict:
            out.append(t("explain.nothing_permitted"))
    if winner is not None and winner.kind == "defeater":  # pragma: no cover - defeaters never win
        pass
    for rule, status in statuses:
        if rule.kind == "duty" and status == "fired":
            out.append(_applies(rule, provisions, date))

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
        out.append(
            t(
                "explain.duties",
                items=t("explain.separator").join(t(f"duties.{d}") for d in decision.duties),
            )
        )
    if decision.missing:
        out.append(missing_sentence(decision.missing))
    if (
        f.get("danger.exists") is None
        and f.get("request.kind") != "own_initiative_report"
        and decision.verdict in ("secret", "undetermined")
    ):
        out.append(t("explain.no_danger_alleged"))
    presumed = {t(f"presumptions.{key}") for _r, _p, key in decision.presumptions}
    for note in decision.to_verify:
        # A presumption says itself that it is to verify.
        out.append(note if note in presumed else t("explain.to_verify", note=note))
    bitemporal = any(s == "annulled" for _, s in statuses) or (
        winner is not None and (winner.annulment is not None or winner.known_from is not None)
    )
    if winner is not None and winner.annulment is not None:
        later = winner.annulment
        if later.erased_from is not None and known < later.decided_on:
            out.append(
                t(
                    "explain.annulled_later",
                    known=format_date(known),
                    decided=format_date(later.decided_on),
                    by=t(f"judgments.{later.by}"),
                )
            )
    if bitemporal:
        out.append(t("explain.known_on", date=format_date(date), known=format_date(known)))
    if decision.penalties:
        out.append(
            t(
                "explain.penalties",
                items=t("explain.separator").join(t(f"penalties.{p}") for p in decision.penalties),
            )
        )
    for note in decision.not_modelled:
        out.append(t("explain.not_modelled", note=note))
    return out

"""Past decisions under a changed law: re-decide what was stored, list what would differ.

A stored decision is the situation it was taken on and the decision's JSON
(``Decision.to_dict()``) with the rule base's version. Each is decided again through the
bulk path (``decide(explain=False)`` with the compiled rule base), on the same date and
with the law as known today (``as_known_on``), and kept when its verdict or what may
go out (``may_disclose``) differs. The change says both rule-base versions and the
provisions whose citation changed (cited before or now, not both, or another version).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from depositaire.engine.rules import RuleBase
from depositaire.engine.situation import SituationError, parse_situation


@dataclass(frozen=True, slots=True)
class Stored:
    """One decision the application stored: where (``source``: ``register`` or
    ``case_file``), which (``ref``, shown to the DPO: no name, no content)."""

    source: str
    ref: str
    situation: Mapping[str, Any]
    decision: Mapping[str, Any]
    rule_base_version: str
    #: Where the page links to (the request or the file), if anywhere.
    url: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    stored: Stored
    verdict_before: str
    verdict_now: str
    may_before: tuple[str, ...]
    may_now: tuple[str, ...]
    version_now: str
    #: Labels of the provisions cited before or now but not both (or in another version);
    #: when the same provisions are cited, those of the rule that decides now.
    provisions: tuple[str, ...] = field(default=())
    rules_before: tuple[str, ...] = field(default=())
    rules_now: tuple[str, ...] = field(default=())


@dataclass(slots=True)
class Report:
    checked: int = 0
    changes: list[Change] = field(default_factory=list)
    #: (stored, French message): a stored situation the contract no longer accepts.
    errors: list[tuple[Stored, str]] = field(default_factory=list)


def _citations(decision: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """A stored decision's citations by version: ``(id, "@" + since)`` (the label is in
    the language the decision was stored in), or ``(id, label)`` for a row stored before
    citations kept their version."""
    out: dict[tuple[str, str], str] = {}
    for c in decision.get("citations") or ():
        if isinstance(c, Mapping) and "id" in c:
            version = f"@{c['since']}" if "since" in c else str(c.get("label", ""))
            label = str(c.get("label") or c["id"])
            if "since" in c:
                from depositaire.messages import t_or

                label = t_or(f"provision_titles.{c['id']}@{c['since']}", label)
            out[(str(c["id"]), version)] = label
    return out


def recheck_one(
    stored: Stored, *, rule_base: RuleBase | None = None, today: dt.date | None = None
) -> Change | None:
    """``stored`` decided again (raises :class:`SituationError` for a bad situation)."""
    from depositaire.engine import _default_rule_base, decide

    base = rule_base or _default_rule_base()
    situation = parse_situation(dict(stored.situation))
    situation = situation.with_facts({"as_known_on": today or dt.date.today()})
    now = decide(situation, explain=False, rule_base=base)
    before = stored.decision
    verdict_before = str(before.get("verdict", ""))
    may_before = tuple(before.get("may_disclose") or ())
    if verdict_before == now.verdict and set(may_before) == set(now.may_disclose):
        return None
    cited_before = _citations(before)
    by_version = any(version.startswith("@") for _, version in cited_before)
    cited_now = {(c.id, f"@{c.since}" if by_version else c.label): c.title for c in now.citations}
    provisions = tuple(
        dict.fromkeys(
            [v for k, v in cited_before.items() if k not in cited_now]
            + [v for k, v in cited_now.items() if k not in cited_before]
        )
    )
    if not provisions and now.winner is not None:
        # The same provisions cited: those of the rule that decides now.
        own = set(now.winner.citations)
        provisions = tuple(dict.fromkeys(c.title for c in now.citations if c.id in own))
    return Change(
        stored=stored,
        verdict_before=verdict_before,
        verdict_now=now.verdict,
        may_before=may_before,
        may_now=tuple(now.may_disclose),
        version_now=base.version,
        provisions=provisions,
        rules_before=tuple(before.get("rules") or ()),
        rules_now=tuple(now.rules),
    )


def recheck(
    stored: Iterable[Stored],
    *,
    rule_base: RuleBase | None = None,
    today: dt.date | None = None,
    advance: Callable[[int], None] | None = None,
) -> Report:
    """Every stored decision decided again; ``advance(1)`` after each (a progress bar)."""
    report = Report()
    for item in stored:
        report.checked += 1
        try:
            change = recheck_one(item, rule_base=rule_base, today=today)
        except SituationError as exc:
            report.errors.append((item, exc.message))
        else:
            if change is not None:
                report.changes.append(change)
        if advance is not None:
            advance(1)
    return report

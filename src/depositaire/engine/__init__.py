"""The decision engine: pure Python, no web framework.

>>> from depositaire.engine import decide
>>> decide({"holder": {"role": "social_worker", "institution": "cpas"},
...         "recipient": {"kind": "police"}, "request": {"kind": "informal_request"},
...         "date": "2026-11-23"}).verdict
'secret'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from depositaire.engine.compiled import CompiledRuleBase, compiled
from depositaire.engine.decision import Citation, Decision, RuleBasis
from depositaire.engine.evaluator import evaluate
from depositaire.engine.provisions import Provisions, default_provisions
from depositaire.engine.rules import Rule, RuleBase, Verdict
from depositaire.engine.situation import (
    Situation,
    SituationError,
    load_situation,
    parse_situation,
)

__all__ = [
    "Citation",
    "Decision",
    "Provisions",
    "Rule",
    "RuleBasis",
    "RuleBase",
    "Situation",
    "SituationError",
    "Verdict",
    "decide",
    "evaluate",
    "load_situation",
    "parse_situation",
]


def decide(
    situation: Situation | dict[str, Any],
    *,
    explain: bool = True,
    today: dt.date | None = None,
    rule_base: RuleBase | None = None,
) -> Decision:
    """Decide a situation (a :class:`Situation` or the contract's mapping) with the default law.

    The compiled rule base (:mod:`depositaire.engine.compiled`) decides; it gives the
    reference interpreter's (``evaluate``) decision, as the differential test requires."""
    if rule_base is None and USE_COMPILED and type(situation) is Situation:
        # The default law on a parsed situation: straight to the compiled rule base.
        return _default_compiled().evaluate(situation, explain=explain)
    base = rule_base or _RULE_BASE or _default_rule_base()
    if not isinstance(situation, Situation):
        situation = parse_situation(situation, today=today, law=base.law)
    if USE_COMPILED:
        fast = _default_compiled() if rule_base is None else compiled(base, _PROVISIONS())
        return fast.evaluate(situation, explain=explain)
    return evaluate(situation, base, _PROVISIONS(), explain=explain)


#: The compiled default rule base (looked up once).
_DEFAULT: list[CompiledRuleBase | None] = [None]


def _default_compiled() -> CompiledRuleBase:
    """The compiled default rule base, compiled again only when the default base or the
    provisions were replaced."""
    fast = _DEFAULT[0]
    if fast is None or fast.rule_base is not _RULE_BASE or fast.provisions is not _PROVISIONS():
        fast = _DEFAULT[0] = compiled(_default_rule_base(), _PROVISIONS())
    return fast


#: The compiled rule base decides only when it agrees with the interpreter (differential test).
USE_COMPILED = True


_PROVISIONS = default_provisions


def _default_rule_base() -> RuleBase:
    """The default law's rule base, found once through its entry point (``discovery``)."""
    global _RULE_BASE
    if _RULE_BASE is None:
        from depositaire.engine.discovery import default_rule_base

        _RULE_BASE = default_rule_base()
    return _RULE_BASE


_RULE_BASE: RuleBase | None = None

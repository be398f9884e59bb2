"""How the engine finds the law: the entry point group ``depositaire.law``.

A law package declares, in its distribution's metadata (``pyproject.toml``)::

    [project.entry-points."depositaire.law"]
    default = "depositaire.law:default_rule_base"

The entry point names a function that returns a :class:`~depositaire.engine.rules.RuleBase`
carrying its :class:`~depositaire.engine.package.LawPackage` (``rule_base.law``). The engine
never names the law: it loads the entry point called ``default`` (or the only one of the
group), once, at first use, and keeps it for the life of the process. ``decide(…,
rule_base=X)`` uses X's law instead.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from depositaire.engine.package import LawPackage
    from depositaire.engine.rules import RuleBase

GROUP = "depositaire.law"


class NoLawError(LookupError):
    """No law package is installed (or several, none called ``default``)."""


_DEFAULT: RuleBase | None = None
_LOADING = False


def default_rule_base() -> RuleBase:
    """The default law's rule base (discovered once)."""
    global _DEFAULT, _LOADING
    if _DEFAULT is not None:
        return _DEFAULT
    if _LOADING:
        raise NoLawError(
            "the law package asked for the default law while it was being loaded: "
            "a law module must not read depositaire.engine.schema's views at import"
        )
    found = list(entry_points(group=GROUP))
    chosen = [ep for ep in found if ep.name == "default"] or (found if len(found) == 1 else [])
    if not chosen:
        names = ", ".join(sorted(ep.name for ep in found)) or "none"
        raise NoLawError(
            f"no default law in the entry point group {GROUP!r} (found: {names}); "
            "install the package (pip install -e .)"
        )
    _LOADING = True
    try:
        base = chosen[0].load()()
    finally:
        _LOADING = False
    from depositaire.engine.rules import RuleBase

    if not isinstance(base, RuleBase):
        raise NoLawError(f"the entry point {chosen[0].value} did not give a RuleBase")
    _DEFAULT = base
    return base


def default_law() -> LawPackage:
    """The default law's declarations (facts, lists, derivations, penalties …)."""
    return (_DEFAULT or default_rule_base()).law

"""The decision: the contract's answer, plus what the explanation is built from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from depositaire.engine.derive import Derivation
from depositaire.engine.rules import Rule, Verdict

RuleStatus = Literal[
    "fired", "failed", "pending", "not_in_force", "annulled", "defeated", "same_outcome"
]


@dataclass(frozen=True, slots=True)
class Citation:
    """A provision the decision rests on, in the version in force on ``valid_on``.

    ``label`` and ``to_verify`` are the law data's own French (``law/provisions.yaml``);
    a reader sees :attr:`title` and :attr:`note`, the catalogue's text for this version
    (``provision_titles.<id>@<since>``, ``provision_notes.<id>@<since>``) in the active
    language."""

    id: str
    label: str
    valid_on: dt.date
    to_verify: str | None = None
    #: The version: its ``valid_from`` (ISO date) or ``always``.
    since: str = "always"

    @property
    def title(self) -> str:
        from depositaire.messages import t_or

        return t_or(f"provision_titles.{self.id}@{self.since}", self.label)

    @property
    def note(self) -> str | None:
        """The "to verify" note in the reader's language (``None``: nothing to verify)."""
        if not self.to_verify:
            return None
        from depositaire.messages import t_or

        return t_or(f"provision_notes.{self.id}@{self.since}", self.to_verify)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.title,
            "valid_on": self.valid_on.isoformat(),
            "since": self.since,
        }
        if self.to_verify:
            out["to_verify"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class RuleBasis:
    """One rule that decided and the provisions it rests on (keys of ``citations``)."""

    #: The contract's id (``Decision.rules``).
    rule: str
    #: The id of the version that decided (``rule`` itself unless a dated version).
    version: str
    provisions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "version": self.version, "provisions": list(self.provisions)}


@dataclass(slots=True)
class Trace:
    """What happened to each rule that was in play."""

    steps: list[tuple[Rule, RuleStatus]] = field(default_factory=list)
    derivations: list[Derivation] = field(default_factory=list)
    defeated_by: dict[str, Rule] = field(default_factory=dict)


@dataclass(slots=True)
class Decision:
    verdict: Verdict
    rules: list[str]
    citations: list[Citation]
    may_disclose: list[str]
    never_disclose: list[str]
    duties: list[str]
    missing: list[str]
    #: The explanation's sentences once rendered (``None``: not yet, see ``renderer``).
    text: list[str] | None
    #: Catalogue keys of the rules' "to verify" notes (``to_verify.<key>``); the notes of
    #: the provisions come from ``citations``. Rendered by :attr:`to_verify`.
    verify_keys: list[str]
    date: dt.date
    rule_base_version: str
    #: Catalogue keys (``not_modelled.items.<key>``) of the declared not-modelled
    #: statements of the sources bearing on the rules; rendered by :attr:`not_modelled`.
    not_modelled_keys: list[str] = field(default_factory=list)
    #: Ids of what the holder risks (``penalties.<id>``), as in force on ``date``.
    penalties: list[str] = field(default_factory=list)
    #: Dated versions that decided under a contract id: ``{contract id: version id}``
    #: (``right_to_report_abuse`` → ``right_to_report_abuse_2001`` for a 2005 situation).
    rule_versions: dict[str, str] = field(default_factory=dict)
    #: Presumptions the deciding rule declares and an obligation rests on, the fact being
    #: unknown: (rule id, fact, catalogue key ``presumptions.<key>``); each is also a note
    #: in ``to_verify`` (``rules --prove``, property 4).
    presumptions: list[tuple[str, str, str]] = field(default_factory=list)
    #: Each deciding rule and the provisions it rests on: the legal basis, as decided
    #: (``documents.basis`` renders it).
    basis: list[RuleBasis] = field(default_factory=list)
    trace: Trace = field(repr=False, default_factory=Trace)
    winner: Rule | None = field(repr=False, default=None)
    #: The day the law was read (bi-temporal): an annulment decided by then erases the
    #: provision for the past too. ``None`` only for decisions built by hand.
    as_known_on: dt.date | None = None
    #: Renders the explanation on first use: the decision holds what it is built from
    #: (the trace, the rules, the facts), the French text is made only when read.
    renderer: Callable[[Decision], list[str]] | None = field(
        repr=False, default=None, compare=False
    )
    #: The language ``text`` was rendered in: read in another language, the explanation
    #: is rendered again (the renderer is kept); ``None`` for a text set by hand.
    text_language: str | None = field(repr=False, default=None, compare=False)

    @property
    def explanation(self) -> list[str]:
        """The explanation in the active language, rendered on first access in it."""
        from depositaire.messages import current_language, using_language

        language = current_language()
        stale = self.text_language is not None and self.text_language != language
        if (self.text is None or stale) and self.renderer is not None:
            with using_language(language):  # read once for the whole rendering
                self.text = self.renderer(self)
            self.text_language = language
        elif self.text is None:
            self.text = []
        return self.text

    @explanation.setter
    def explanation(self, sentences: list[str]) -> None:
        self.text = sentences
        self.renderer = None
        self.text_language = None

    @property
    def not_modelled(self) -> list[str]:
        """The not-modelled notes in the active language (rendered when read)."""
        from depositaire.messages import t

        return [t(f"not_modelled.items.{key}") for key in self.not_modelled_keys]

    @property
    def to_verify(self) -> list[str]:
        """The "to verify" notes in the active language: each cited provision's, then the
        rules' own."""
        from depositaire.messages import t

        notes = [
            t("explain.provision_to_verify", title=c.title, note=c.note)
            for c in self.citations
            if c.to_verify
        ]
        notes.extend(t(key) for key in self.verify_keys)
        return list(dict.fromkeys(notes))

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON form (plus ``to_verify``, ``date``, ``rule_base_version``),
        rendered in the active language, read once for the whole rendering."""
        from depositaire.messages import one_language

        with one_language():
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "rules": list(self.rules),
            "citations": [c.to_dict() for c in self.citations],
            "may_disclose": list(self.may_disclose),
            "never_disclose": list(self.never_disclose),
            "duties": list(self.duties),
            "missing": list(self.missing),
            "explanation": list(self.explanation),
            "to_verify": list(self.to_verify),
            "date": self.date.isoformat(),
            "as_known_on": (self.as_known_on or self.date).isoformat(),
            "rule_base_version": self.rule_base_version,
            "not_modelled": self.not_modelled,
            "penalties": list(self.penalties),
            "rule_versions": dict(self.rule_versions),
            "presumptions": [{"rule": r, "fact": p} for r, p, _key in self.presumptions],
            "basis": [b.to_dict() for b in self.basis],
        }

    def decided_rule_ids(self) -> list[str]:
        """The ids of the rules that decided, each dated version under its own id."""
        return [self.rule_versions.get(r, r) for r in self.rules]

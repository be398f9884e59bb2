"""Pydantic schemas of the API, and the situation's JSON Schema built from the contract.

The situation is not a pydantic model: the engine parses it (``parse_situation``) so
the API refuses exactly what the command line refuses, with the same French message.
Its JSON Schema is generated from :data:`depositaire.engine.schema.FACTS` so that the
OpenAPI document can never drift from the contract.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import (
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from depositaire.engine.schema import FACTS, FactSpec

Lang = Literal["fr", "nl"]


def _fact_schema(spec: FactSpec) -> dict[str, Any]:
    if spec.type == "bool":
        return {"type": ["boolean", "null"]}
    if spec.type == "enum":
        return {"enum": [*spec.values, None]}
    if spec.type == "enum_list":
        return {"type": ["array", "null"], "items": {"enum": list(spec.values)}, "maxItems": 64}
    return {"type": ["string", "null"], "format": "date"}


def situation_schema() -> dict[str, Any]:
    """The contract's situation (``/work/shared/spec/situation.md``) as JSON Schema 2020-12."""
    groups: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for path, spec in FACTS.items():
        if "." in path:
            group, name = path.split(".", 1)
            groups.setdefault(group, {})[name] = _fact_schema(spec)
        else:
            top[path] = _fact_schema(spec)
    for group, props in sorted(groups.items()):
        top[group] = {
            "type": ["object", "null"],
            "properties": dict(sorted(props.items())),
            "additionalProperties": False,
        }
    return {
        "type": "object",
        "title": "Situation",
        "description": "Une situation du contrat (mêmes clés que `depositaire evaluate`).",
        "properties": top,
        "additionalProperties": False,
        "minProperties": 1,
    }


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("caractère nul")
    return value


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Citation(Schema):
    """A provision the decision rests on, in the version in force on ``valid_on``
    (``Citation.to_dict``): its title and its "to verify" note in the requested language."""

    id: str = Field(description="La clé de la disposition (`penal_code.458bis`).")
    label: str = Field(description="Son titre, dans la langue demandée.")
    valid_on: str = Field(description="Le jour où elle est lue (date ISO).")
    since: str = Field(description="Sa version : son début de validité (date ISO) ou `always`.")
    #: Absent when the version has nothing to verify.
    to_verify: str | None = Field(
        default=None, description="La note « à vérifier » de cette version (absente sinon)."
    )

    @model_serializer(mode="wrap")
    def _without_empty_note(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # As Citation.to_dict: no ``to_verify`` key when there is nothing to verify (an
        # answer validated by the schema, such as the interview's, would add a null).
        # No return annotation: pydantic would publish it as the citation's schema.
        out = handler(self)
        if out.get("to_verify") is None:
            out.pop("to_verify", None)
        return out


class PresumptionOut(Schema):
    """A presumption the deciding rule declares and an obligation rests on, the fact
    being unknown (also a note in ``to_verify``)."""

    rule: str = Field(description="La règle qui la déclare.")
    fact: str = Field(description="Le fait présumé, inconnu (`information.medical`).")


class RuleBasisOut(Schema):
    """A rule that decided, the version that decided and the provisions it rests on."""

    rule: str = Field(description="L'identifiant de contrat de la règle (dans `rules`).")
    version: str = Field(description="La version datée qui a décidé (`rule` sinon).")
    provisions: list[str] = Field(description="Les clés des dispositions (dans `citations`).")


class DecisionOut(Schema):
    """The decision, exactly as ``depositaire evaluate --format json`` prints it
    (``Decision.to_dict``): every key is always there."""

    verdict: Literal["secret", "share", "may_disclose", "must_disclose", "undetermined"]
    rules: list[str]
    citations: list[Citation]
    may_disclose: list[str]
    never_disclose: list[str]
    duties: list[str]
    missing: list[str]
    explanation: list[str]
    to_verify: list[str]
    date: str = Field(description="Le jour de la situation (date ISO).")
    as_known_on: str = Field(description="Le jour où la loi est lue (date ISO).")
    rule_base_version: str
    not_modelled: list[str] = Field(
        description="Ce que les sources disent et que les règles ne modélisent pas (français)."
    )
    penalties: list[str] = Field(description="Ce que risque le dépositaire (identifiants).")
    #: A dated version that decided under a contract id: ``{contract id: version id}``.
    rule_versions: dict[str, str]
    presumptions: list[PresumptionOut]
    basis: list[RuleBasisOut] = Field(
        description="La base légale : chaque règle qui a décidé et ses dispositions."
    )


class FieldProblem(Schema):
    field: str
    detail: str
    accepted: list[str] | None = None


class Problem(Schema):
    """RFC 9457 problem details, in French."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


class BatchItem(Schema):
    index: int
    decision: DecisionOut | None = None
    problem: Problem | None = None


class BatchOut(Schema):
    count: int
    decided: int
    refused: int
    results: list[BatchItem]


class RuleOut(Schema):
    id: str
    title: str
    kind: str
    instrument: str
    verdict: str | None
    citations: list[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    to_verify: list[str]
    sources: list[str]


class RulesOut(Schema):
    version: str
    count: int
    rules: list[RuleOut]


class ProvisionVersionOut(Schema):
    """A version of a provision: the stored French text (``quote``, ``note``, ``source``),
    its title and its "to verify" note in the requested language."""

    key: str
    label: str = Field(description="Le titre de cette version, dans la langue demandée.")
    instrument: str
    article: str
    source: str
    quote: str = Field(description="Le texte conservé (français : aucune traduction officielle).")
    valid_from: dt.date | None
    valid_until: dt.date | None
    since: str = Field(description="La version : `valid_from` (date ISO) ou `always`.")
    to_verify: str | None = Field(
        description="La note « à vérifier » de cette version, dans la langue demandée."
    )
    note: str | None = Field(description="La remarque des données juridiques (français).")
    extra_quotes: list[dict[str, str]]
    used_by: list[str]


class ProvisionOut(Schema):
    id: str
    versions: list[ProvisionVersionOut]


# -- the interview -------------------------------------------------------------------


class ChoiceOut(Schema):
    token: str
    label: str


class ReasonOut(Schema):
    rule: str
    title: str
    citations: list[str]


class QuestionOut(Schema):
    path: str
    type: str
    label: str
    text: str
    help: str
    multiple: bool
    framing: bool
    choices: list[ChoiceOut]
    unknown: ChoiceOut
    why: list[str]
    reasons: list[ReasonOut]


class FactOut(Schema):
    path: str
    label: str
    value: str


class ConsultationStart(Strict):
    facts: dict[str, Any] | None = Field(
        default=None, description="Faits déjà connus (une situation du contrat)."
    )
    date: dt.date | None = None


class AnswerIn(Strict):
    path: str = Field(max_length=80)
    value: list[str] = Field(
        min_length=1,
        max_length=64,
        description="Le ou les jetons de réponse (« unknown » : je ne sais pas).",
    )

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return _no_nul(value)


class ConsultationOut(Schema):
    id: str
    date: dt.date
    finished: bool
    question: QuestionOut | None
    given: list[FactOut]
    answered: list[FactOut]
    dropped: list[FactOut]
    decision: DecisionOut


class OpenFactOut(Schema):
    path: str
    label: str
    outcomes: list[dict[str, Any]]


class ResultOut(Schema):
    id: str
    finished: bool
    decision: DecisionOut
    unknown: list[str]
    open_facts: list[OpenFactOut]


# -- tokens ---------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    status: Literal["active", "expired", "revoked"]

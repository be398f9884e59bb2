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
from depositaire.messages import lazy_t, t

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
        "description": lazy_t("api.fields.situation"),
        "properties": top,
        "additionalProperties": False,
        "minProperties": 1,
    }


def no_nul(value: str) -> str:
    """``value`` unless it holds a NUL character (refused, message from the catalogue)."""
    if "\x00" in value:
        raise ValueError(t("api.errors.nul"))
    return value


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Citation(Schema):
    """A provision the decision rests on, in the version in force on ``valid_on``
    (``Citation.to_dict``): its title and its "to verify" note in the requested language."""

    id: str = Field(description=lazy_t("api.fields.citation_id"))
    label: str = Field(description=lazy_t("api.fields.citation_label"))
    valid_on: str = Field(description=lazy_t("api.fields.citation_valid_on"))
    since: str = Field(description=lazy_t("api.fields.citation_since"))
    #: Absent when the version has nothing to verify.
    to_verify: str | None = Field(default=None, description=lazy_t("api.fields.citation_to_verify"))

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

    rule: str = Field(description=lazy_t("api.fields.presumption_rule"))
    fact: str = Field(description=lazy_t("api.fields.presumption_fact"))


class RuleBasisOut(Schema):
    """A rule that decided, the version that decided and the provisions it rests on."""

    rule: str = Field(description=lazy_t("api.fields.basis_rule"))
    version: str = Field(description=lazy_t("api.fields.basis_version"))
    provisions: list[str] = Field(description=lazy_t("api.fields.basis_provisions"))


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
    date: str = Field(description=lazy_t("api.fields.decision_date"))
    as_known_on: str = Field(description=lazy_t("api.fields.decision_as_known_on"))
    rule_base_version: str
    not_modelled: list[str] = Field(description=lazy_t("api.fields.decision_not_modelled"))
    penalties: list[str] = Field(description=lazy_t("api.fields.decision_penalties"))
    #: A dated version that decided under a contract id: ``{contract id: version id}``.
    rule_versions: dict[str, str]
    presumptions: list[PresumptionOut]
    basis: list[RuleBasisOut] = Field(description=lazy_t("api.fields.decision_basis"))


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
    label: str = Field(description=lazy_t("api.fields.version_label"))
    instrument: str
    article: str
    source: str
    quote: str = Field(description=lazy_t("api.fields.version_quote"))
    valid_from: dt.date | None
    valid_until: dt.date | None
    since: str = Field(description=lazy_t("api.fields.version_since"))
    to_verify: str | None = Field(description=lazy_t("api.fields.version_to_verify"))
    note: str | None = Field(description=lazy_t("api.fields.version_note"))
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
        default=None, description=lazy_t("api.fields.consultation_facts")
    )
    date: dt.date | None = None


class AnswerIn(Strict):
    path: str = Field(max_length=80)
    value: list[str] = Field(
        min_length=1,
        max_length=64,
        description=lazy_t("api.fields.answer_value"),
    )

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return no_nul(value)


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

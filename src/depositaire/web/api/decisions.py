"""Decisions, rules and provisions: the engine, as ``depositaire evaluate | rules | law``.

These operations touch no person's data: a ``decide`` token is enough, whatever
the user's role. The situation is parsed by the engine itself, so the API accepts
and refuses exactly what the command line does, with the same French messages.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from depositaire.engine import SituationError, decide, parse_situation
from depositaire.engine.explain import rule_title
from depositaire.engine.provisions import default_provisions
from depositaire.engine.schema import FACTS
from depositaire.law import default_rule_base
from depositaire.messages import t
from depositaire.web.api.auth import DECIDE
from depositaire.web.api.problems import ApiProblem, body, field_error
from depositaire.web.api.schemas import (
    BatchOut,
    DecisionOut,
    Lang,
    ProvisionOut,
    RulesOut,
    situation_schema,
)

router = Router(tags=["décisions"], auth=DECIDE)

MAX_BATCH = 1000


class LangQuery(Schema):
    lang: Lang = "fr"


def in_requested_language(view: Any) -> Any:
    """Render the answer in the query's ``lang`` (``fr`` or ``nl``; another value is refused
    with 422 by the schema before the view runs)."""
    import functools

    from depositaire.messages import using_language

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        query = kwargs.get("query")
        with using_language(getattr(query, "lang", None) or "fr"):
            return view(request, *args, **kwargs)

    return wrapper


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type="application/json"
    )


def read_json(request: HttpRequest) -> Any:
    """The JSON body, or a French problem (415 for another media type, 400 when malformed)."""
    if request.content_type != "application/json":
        raise ApiProblem(
            "unsupported_media_type",
            t("api.errors.media_type", media_type=request.content_type or "?"),
        )
    try:
        return json.loads(request.body or b"null")
    except json.JSONDecodeError as exc:
        raise ApiProblem(
            "malformed_json", t("error.malformed_json", line=exc.lineno, column=exc.colno)
        ) from None
    except (UnicodeDecodeError, RecursionError):
        raise ApiProblem("malformed_json", t("api.errors.malformed_json")) from None


def situation_problem(exc: SituationError) -> ApiProblem:
    field = exc.path or "corps"
    spec = FACTS.get(exc.path or "")
    accepted = list(spec.values) if spec is not None and spec.values else None
    return ApiProblem("invalid", exc.message, errors=[field_error(field, exc.message, accepted)])


def decide_json(data: Any) -> dict[str, Any]:
    try:
        situation = parse_situation(data)
    except SituationError as exc:
        raise situation_problem(exc) from None
    return decide(situation).to_dict()


SITUATION_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": situation_schema()}},
    }
}
BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "situations": {
                            "type": "array",
                            "items": situation_schema(),
                            "minItems": 1,
                            "maxItems": MAX_BATCH,
                        }
                    },
                    "required": ["situations"],
                    "additionalProperties": False,
                }
            }
        },
    }
}


@router.post(
    "/decisions",
    response={200: DecisionOut},
    openapi_extra=SITUATION_BODY,
    summary="Décider une situation",
    operation_id="decide",
)
@in_requested_language
def decide_one(request: HttpRequest, query: Query[LangQuery]) -> HttpResponse:
    """Une situation du contrat → la décision, comme `depositaire evaluate --format json`."""
    return json_response(decide_json(read_json(request)))


@router.post(
    "/decisions:batch",
    response={200: BatchOut},
    openapi_extra=BATCH_BODY,
    summary="Décider jusqu'à 1 000 situations",
    operation_id="decide_batch",
)
@in_requested_language
def decide_batch(request: HttpRequest, query: Query[LangQuery]) -> HttpResponse:
    """Chaque situation est décidée à part ; une situation refusée a son propre problème."""
    data = read_json(request)
    if not isinstance(data, dict) or set(data) != {"situations"}:
        raise ApiProblem(
            "invalid",
            t("api.errors.batch_shape"),
            errors=[field_error("situations", t("api.errors.batch_shape"))],
        )
    items = data["situations"]
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
        detail = t("api.errors.batch_size", limit=MAX_BATCH)
        raise ApiProblem("invalid", detail, errors=[field_error("situations", detail)])
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            results.append({"index": index, "decision": decide_json(item)})
        except ApiProblem as exc:
            errors = [dict(e, field=f"situations.{index}.{e['field']}") for e in exc.errors]
            results.append(
                {
                    "index": index,
                    "problem": body(exc.code, exc.detail, errors=errors, status=exc.status),
                }
            )
    refused = sum(1 for r in results if "problem" in r)
    return json_response(
        {
            "count": len(results),
            "decided": len(results) - refused,
            "refused": refused,
            "results": results,
        }
    )


@router.get("/rules", response={200: RulesOut}, summary="Les règles", operation_id="rules")
@in_requested_language
def rules(request: HttpRequest, query: Query[LangQuery]) -> dict[str, Any]:
    """Les règles de la base, leurs dispositions et leur validité (`depositaire rules`)."""
    base = default_rule_base()
    out = [
        {
            "id": r.id,
            "title": rule_title(r),
            "kind": r.kind,
            "instrument": r.instrument,
            "verdict": r.verdict,
            "citations": list(r.citations),
            "valid_from": r.valid_from,
            "valid_until": r.valid_until,
            "to_verify": [t(f"to_verify.{k}") for k in r.to_verify],
            "sources": list(r.sources),
        }
        for r in base.ordered
    ]
    return {"version": base.version, "count": len(out), "rules": out}


@router.get(
    "/provisions/{provision_id}",
    response={200: ProvisionOut},
    summary="Le texte d'une disposition",
    operation_id="provision",
)
@in_requested_language
def provision(request: HttpRequest, provision_id: str, query: Query[LangQuery]) -> dict[str, Any]:
    """Le texte conservé d'une disposition (clé `penal_code.458bis` ou article `458bis`) ;
    son titre et sa note « à vérifier » dans la langue demandée."""
    from depositaire.cli import find_provisions

    versions = find_provisions(provision_id) if len(provision_id) <= 100 else []
    if not versions:
        known = ", ".join(sorted(default_provisions().by_key))
        raise ApiProblem(
            "not_found", t("error.unknown_provision", article=provision_id[:100], known=known)
        )
    used = {
        v.key: [r.id for r in default_rule_base().ordered if v.key in r.citations] for v in versions
    }
    return {
        "id": provision_id,
        "versions": [
            {
                "key": v.key,
                "label": v.title,
                "instrument": v.instrument,
                "article": v.article,
                "source": v.source,
                "quote": v.quote,
                "valid_from": v.valid_from,
                "valid_until": v.valid_until,
                "since": v.valid_from.isoformat() if v.valid_from else "always",
                "to_verify": v.to_verify_text,
                "note": v.note,
                "extra_quotes": [{"source": s, "quote": q} for s, q in v.extra_quotes],
                "used_by": used[v.key],
            }
            for v in versions
        ],
    }

"""The guided interview through the API: start, next question (why, choices, rules), answer,
go back, result, decision note (PDF).

The interview is the one the terminal and the register use (:class:`Interview`); its
state is stored server-side, owned by the token's user. It holds facts about a
situation, never a person's data: a ``decide`` token is enough.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from depositaire.engine import SituationError, parse_situation
from depositaire.interview import Interview
from depositaire.interview.questions import value_text
from depositaire.messages import t
from depositaire.web.api.auth import DECIDE
from depositaire.web.api.decisions import situation_problem
from depositaire.web.api.models import ApiConsultation
from depositaire.web.api.problems import ApiProblem, field_error
from depositaire.web.api.schemas import AnswerIn, ConsultationOut, ConsultationStart, ResultOut
from depositaire.web.views import attachment_response

router = Router(tags=["entretien"], auth=DECIDE)


def _load(request: HttpRequest, consultation_id: uuid.UUID) -> tuple[ApiConsultation, Interview]:
    found = ApiConsultation.objects.filter(uuid=consultation_id, user=request.user).first()
    if found is None:
        raise ApiProblem("not_found", t("api.errors.no_consultation"))
    try:
        return found, Interview.from_dict(found.state)
    except SituationError as exc:
        raise situation_problem(exc) from None


def _save(consultation: ApiConsultation, interview: Interview) -> None:
    consultation.state = interview.to_dict()
    consultation.updated_at = timezone.now()
    consultation.save(update_fields=["state", "updated_at"])


def _facts(pairs: Any) -> list[dict[str, str]]:
    from depositaire.engine.explain import fact_label

    return [{"path": p, "label": fact_label(p), "value": value_text(p, v)} for p, v in pairs]


def state(consultation: ApiConsultation, interview: Interview) -> dict[str, Any]:
    question = interview.next_question()
    return {
        "id": str(consultation.uuid),
        "date": interview.date,
        "finished": question is None,
        "question": question.to_dict() if question is not None else None,
        "given": _facts(interview.given.items()),
        "answered": [
            {"path": a.path, "label": a.label, "value": a.value_label} for a in interview.history
        ],
        "dropped": [
            {"path": a.path, "label": a.label, "value": a.value_label} for a in interview.dropped
        ],
        "decision": interview.decision.to_dict(),
    }


@router.post(
    "/consultations",
    response={201: ConsultationOut},
    summary="Commencer un entretien",
    operation_id="consultation_start",
)
def start(request: HttpRequest, payload: ConsultationStart) -> Any:
    """Un entretien guidé, vide ou sur des faits déjà connus (une situation du contrat)."""
    facts = payload.facts or {}
    day = payload.date or timezone.localdate()
    try:
        situation = parse_situation(facts, today=day) if facts else None
    except SituationError as exc:
        problem = situation_problem(exc)
        problem.errors = [dict(e, field=f"facts.{e['field']}") for e in problem.errors]
        raise problem from None
    interview = Interview(situation, date=day)
    consultation = ApiConsultation.objects.create(user=request.user, state=interview.to_dict())
    return Status(201, state(consultation, interview))


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationOut},
    summary="L'entretien et sa prochaine question",
    operation_id="consultation_get",
)
def get(request: HttpRequest, consultation_id: uuid.UUID) -> dict[str, Any]:
    """La prochaine question (pourquoi, choix, règles qu'elle sert), les réponses, la décision."""
    consultation, interview = _load(request, consultation_id)
    return state(consultation, interview)


@router.post(
    "/consultations/{consultation_id}/answers",
    response={200: ConsultationOut},
    summary="Répondre à une question",
    operation_id="consultation_answer",
)
def answer(request: HttpRequest, consultation_id: uuid.UUID, payload: AnswerIn) -> dict[str, Any]:
    """Répondre (ou corriger une réponse) par les jetons des choix ; « unknown » : je ne sais pas."""
    consultation, interview = _load(request, consultation_id)
    try:
        question = interview.question(payload.path)
        interview.answer(payload.path, question.parse(payload.value))
    except SituationError as exc:
        accepted = None
        try:
            q = interview.question(payload.path)
            accepted = [c.token for c in q.choices] + ["unknown"]
        except SituationError:
            pass
        field = "value" if accepted else "path"
        raise ApiProblem(
            "invalid", exc.message, errors=[field_error(field, exc.message, accepted)]
        ) from None
    _save(consultation, interview)
    return state(consultation, interview)


@router.post(
    "/consultations/{consultation_id}/back",
    response={200: ConsultationOut},
    summary="Revenir à la question précédente",
    operation_id="consultation_back",
)
def back(request: HttpRequest, consultation_id: uuid.UUID) -> dict[str, Any]:
    """La dernière réponse est retirée : sa question redevient la prochaine."""
    consultation, interview = _load(request, consultation_id)
    data = interview.to_dict()
    if not data["history"]:
        raise ApiProblem("conflict", t("api.errors.nothing_to_undo"))
    data["history"] = data["history"][:-1]
    data["stopped"] = False
    interview = Interview.from_dict(data)
    _save(consultation, interview)
    return state(consultation, interview)


@router.get(
    "/consultations/{consultation_id}/result",
    response={200: ResultOut},
    summary="Le résultat de l'entretien",
    operation_id="consultation_result",
)
def result(request: HttpRequest, consultation_id: uuid.UUID) -> dict[str, Any]:
    """La décision sur les faits connus, et ce que chaque fait encore ouvert changerait."""
    consultation, interview = _load(request, consultation_id)
    return {
        "id": str(consultation.uuid),
        "finished": interview.next_question() is None,
        "decision": interview.decision.to_dict(),
        "unknown": list(interview.unknown_paths),
        "open_facts": [
            {
                "path": f.path,
                "label": f.label,
                "outcomes": [
                    {
                        "value": o.label,
                        "verdict": o.verdict,
                        "may_disclose": list(o.may_disclose),
                    }
                    for o in f.options
                ],
            }
            for f in interview.open_facts()
        ],
    }


@router.get(
    "/consultations/{consultation_id}/note.pdf",
    summary="La note de décision (PDF)",
    operation_id="consultation_note",
    openapi_extra={"x-pdf": True},
)
def note(request: HttpRequest, consultation_id: uuid.UUID) -> HttpResponse:
    """La note de décision pour le dossier, en PDF."""
    from depositaire.documents import render_note

    consultation, interview = _load(request, consultation_id)
    pdf = render_note(
        interview.decision,
        interview.situation,
        "pdf",
        unknown=interview.unknown_paths,
        open_facts=interview.open_facts(),
    )
    assert isinstance(pdf, bytes)
    return attachment_response(pdf, f"note-{consultation.uuid}.pdf", "application/pdf")

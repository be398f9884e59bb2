"""Test data for the register of requests: requests, a closed one, a document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from depositaire.web.incoming.models import IncomingRequest, RequestAnswer, RequestDocument


def make_request(person: Any, user: Any, **fields: Any) -> IncomingRequest:
    values: dict[str, Any] = {
        "requester_kind": "police",
        "requester_organisation": "Zone de police Testville",
        "requester_name": "Inspecteur Martin",
        "requester_contact": "081 00 00 00",
        "channel": "phone",
        "categories": ["address"],
        "claimed_basis": "none",
        "received_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
    }
    values.update(fields)
    text = values.pop("text", "REQUEST-TEXT-il veut son adresse")
    request = IncomingRequest(
        organisation=person.organisation,
        team=person.team,
        person=person,
        received_by=user,
        registered_by=user,
        **values,
    )
    request.set_sealed("request_text", text)
    request.save()
    return request


def make_document(
    request: IncomingRequest, user: Any, raw: bytes = b"%PDF-1.4 requisition"
) -> RequestDocument:
    import hashlib

    doc = RequestDocument(
        request=request,
        content_type="application/pdf",
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        uploaded_by=user,
    )
    doc.set_sealed("filename", "requisition.pdf")
    doc.set_bytes(raw)
    doc.save()
    return doc


def make_closed(
    request: IncomingRequest, user: Any, pdf: bytes = b"%PDF-1.4 letter"
) -> RequestAnswer:
    import hashlib

    answer = RequestAnswer(
        request=request,
        closed_by=user,
        verdict="secret",
        rule_ids=["professional_secrecy"],
        decision={"verdict": "secret", "rules": ["professional_secrecy"], "citations": []},
        rule_base_version="test",
        letter_kind="reply",
        letter_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    answer.set_pdf(pdf)
    answer.save()
    request.status = "closed"
    request.save(update_fields=["status"])
    return answer


def request_for(w: Any) -> IncomingRequest:
    """An open request about the world's person (created inside the calling test)."""
    return make_request(w.person, w.users["social_worker"])


def document_for(w: Any) -> RequestDocument:
    return make_document(request_for(w), w.users["social_worker"])


def closed_request_for(w: Any) -> IncomingRequest:
    request = request_for(w)
    make_closed(request, w.users["social_worker"])
    return request

"""The access matrix of the API: every operation, every role, another organisation,
another team, and no token at all.

A token acts as its user. The register's operations are for caseworkers (403 for
every other role), and reach only the requests of the user's teams (404 outside,
like the pages); the engine and interview operations need no access to persons (every
role gets in with a ``decide`` token), and an interview belongs to the user who
started it. Without a valid token every operation answers 401. A last test checks
that the table covers every operation of the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from depositaire.web.accounts import roles
from web.api_helpers import call, token
from web.factories import OrgWorld, World
from web.incoming_factories import closed_request_for, request_for

SW, HEAD, PRES, COMM, ADMIN, DPO, SYS = roles.ROLES
CASE = frozenset({SW, HEAD})
ALL = frozenset(roles.ROLES)
POLICE = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "police"},
}


def consultation(w: OrgWorld) -> str:
    """An interview started by the organisation's social worker."""
    from depositaire.interview import Interview
    from depositaire.web.api.models import ApiConsultation

    found = ApiConsultation.objects.create(user=w.users[SW], state=Interview(POLICE).to_dict())
    return str(found.uuid)


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # OpenAPI path template
    ok: frozenset[str]
    url: Callable[[OrgWorld], str]
    body: Callable[[OrgWorld], Any] = lambda w: None
    has_object: bool = True  # another organisation gets 404 (or 422 for a person it cannot see)
    owner_only: bool = False  # the object belongs to one user (an interview)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"


def rid(w: OrgWorld) -> int:
    return request_for(w).pk


OPS: list[Op] = [
    Op("post", "/api/v1/decisions", ALL, lambda w: "/api/v1/decisions", lambda w: POLICE, False),
    Op(
        "post",
        "/api/v1/decisions:batch",
        ALL,
        lambda w: "/api/v1/decisions:batch",
        lambda w: {"situations": [POLICE]},
        False,
    ),
    Op("get", "/api/v1/rules", ALL, lambda w: "/api/v1/rules", has_object=False),
    Op(
        "get",
        "/api/v1/provisions/{provision_id}",
        ALL,
        lambda w: "/api/v1/provisions/penal_code.458",
        has_object=False,
    ),
    Op(
        "post",
        "/api/v1/consultations",
        ALL,
        lambda w: "/api/v1/consultations",
        lambda w: {"facts": POLICE},
        False,
    ),
    Op(
        "get",
        "/api/v1/consultations/{consultation_id}",
        frozenset({SW}),
        lambda w: f"/api/v1/consultations/{consultation(w)}",
        owner_only=True,
    ),
    Op(
        "post",
        "/api/v1/consultations/{consultation_id}/answers",
        frozenset({SW}),
        lambda w: f"/api/v1/consultations/{consultation(w)}/answers",
        lambda w: {"path": "information.nature", "value": ["secret_fact"]},
        owner_only=True,
    ),
    Op(
        "post",
        "/api/v1/consultations/{consultation_id}/back",
        frozenset({SW}),
        lambda w: f"/api/v1/consultations/{consultation(w)}/back",
        owner_only=True,
    ),
    Op(
        "get",
        "/api/v1/consultations/{consultation_id}/result",
        frozenset({SW}),
        lambda w: f"/api/v1/consultations/{consultation(w)}/result",
        owner_only=True,
    ),
    Op(
        "get",
        "/api/v1/consultations/{consultation_id}/note.pdf",
        frozenset({SW}),
        lambda w: f"/api/v1/consultations/{consultation(w)}/note.pdf",
        owner_only=True,
    ),
    Op("get", "/api/v1/requests", CASE, lambda w: "/api/v1/requests", has_object=False),
    Op(
        "post",
        "/api/v1/requests",
        CASE,
        lambda w: "/api/v1/requests",
        lambda w: {
            "person_id": w.person.pk,
            "requester_kind": "police",
            "requester_name": "Inspecteur",
            "channel": "phone",
            "categories": ["address"],
            "claimed_basis": "none",
        },
    ),
    Op(
        "post",
        "/api/v1/requests/outgoing",
        CASE,
        lambda w: "/api/v1/requests/outgoing",
        lambda w: {
            "person_id": w.person.pk,
            "purpose": "guarantor_lookup",
            "recipient_organisation": "Office des étrangers",
        },
    ),
    Op("get", "/api/v1/requests/{request_id}", CASE, lambda w: f"/api/v1/requests/{rid(w)}"),
    Op(
        "get",
        "/api/v1/requests/{request_id}/examination",
        CASE,
        lambda w: f"/api/v1/requests/{rid(w)}/examination",
    ),
    Op(
        "post",
        "/api/v1/requests/{request_id}/examination",
        CASE,
        lambda w: f"/api/v1/requests/{rid(w)}/examination",
        lambda w: {"path": "request.in_writing", "value": ["unknown"]},
    ),
    Op(
        "post",
        "/api/v1/requests/{request_id}/close",
        CASE,
        lambda w: f"/api/v1/requests/{rid(w)}/close",
        lambda w: {},
    ),
    Op(
        "get",
        "/api/v1/requests/{request_id}/letter",
        CASE,
        lambda w: f"/api/v1/requests/{closed_request_for(w).pk}/letter",
    ),
]

#: The operations' refusals a caseworker of the right team may still meet (an interview not
#: finished yet cannot be closed: 409), counted as "got in".
GOT_IN = {200, 201, 409}


def _tok(user: Any) -> str:
    return token(user, "decide", "register")


def _call(client: Any, op: Op, w: OrgWorld, raw: str | None) -> Any:
    return call(client, op.method, op.url(w), raw, op.body(w))


CASES_SAME_ORG = [
    pytest.param(op, role, id=f"{op.id}-{role}") for op in OPS for role in roles.ROLES
]
CASES_OTHER_ORG = [
    pytest.param(op, role, id=f"{op.id}-outsider-{role}") for op in OPS for role in sorted(op.ok)
]
CASES_ANONYMOUS = [pytest.param(op, id=f"{op.id}-anonymous") for op in OPS]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("op", "role"), CASES_SAME_ORG)
def test_each_role_of_the_organisation_gets_in_or_is_refused(
    client: Any, world: World, op: Op, role: str
) -> None:
    response = _call(client, op, world.a, _tok(world.a.users[role]))
    if role in op.ok:
        assert response.status_code in GOT_IN, response.content[:300]
    elif op.owner_only:
        assert response.status_code == 404  # another user's interview: as if it did not exist
    else:
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("op", "role"), CASES_OTHER_ORG)
def test_a_user_of_another_organisation_is_refused(
    client: Any, world: World, op: Op, role: str
) -> None:
    response = _call(client, op, world.a, _tok(world.b.users[role]))
    body = response.content.decode(errors="replace")
    if op.has_object or op.owner_only:
        assert response.status_code in (404, 422)  # 422: the person is not among the user's
    else:
        assert response.status_code in GOT_IN
    for marker in world.markers_of(world.a) + [world.a.org.name]:
        assert marker not in body


@pytest.mark.parametrize("op", CASES_ANONYMOUS)
def test_a_call_without_a_token_is_refused_with_401(client: Any, world: World, op: Op) -> None:
    response = _call(client, op, world.a, None)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "op", [op for op in OPS if op.has_object and op.ok == CASE], ids=lambda op: op.id
)
def test_a_social_worker_of_another_team_is_refused(client: Any, world: World, op: Op) -> None:
    response = _call(client, op, world.a, _tok(world.a.other_team_worker))
    assert response.status_code in (404, 422)


def test_no_operation_ever_returns_a_confidence(client: Any, world: World) -> None:
    raw = _tok(world.a.users[SW])
    for op in OPS:
        body = _call(client, op, world.a, raw).content.decode(errors="replace")
        assert world.a.confidence_text not in body, op.id


def test_the_table_covers_every_operation_of_the_schema(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    served = {f"{m.upper()} {p}" for p, methods in spec["paths"].items() for m in methods}
    assert served == {op.id for op in OPS}


def test_the_number_of_refusal_tests_is_reported(capsys: Any) -> None:
    refusals = sum(
        1 for op in OPS if not op.owner_only for role in roles.ROLES if role not in op.ok
    )
    others = sum(1 for op in OPS if op.owner_only for role in roles.ROLES if role not in op.ok)
    with capsys.disabled():
        print(
            f"\nAPI access matrix: {len(OPS)} operations; {refusals} wrong-role refusals (403), "
            f"{others} calls on another user's interview (404), "
            f"{len(CASES_OTHER_ORG)} other-organisation checks, "
            f"{len(CASES_ANONYMOUS)} calls without a token"
        )
    assert refusals > 30 and others > 20

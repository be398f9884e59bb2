"""The JSON API: decisions as `evaluate` gives them, French problem details, tokens
(shown once, stored hashed, scopes, expiry, revocation, the command line), throttling,
CORS closed, the OpenAPI 3.1 document and its documentation page, the interview."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from depositaire.engine import decide, parse_situation
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.api.models import ApiToken, token_hash
from depositaire.web.journal.models import JournalEntry
from web.api_helpers import call, token
from web.factories import World

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = yaml.safe_load((ROOT / "tests" / "scenarios" / "public.yaml").read_text("utf-8"))
POLICE = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "information": {"nature": "secret_fact", "categories": ["address"]},
    "recipient": {"kind": "police"},
    "request": {"kind": "informal_request"},
}
# 46bis/1 § 3 as known before its annulment, whether the information is medical unknown: an
# obligation resting on a declared presumption (tests/engine/test_presumptions.py), a cited
# version with a date and a "to verify" note.
TERROR_REPORT = {
    "date": "2017-09-01",
    "as_known_on": "2018-06-01",
    "holder": {"institution": "health_insurer"},
    "information": {"terrorism_indications": True},
    "recipient": {"kind": "public_prosecutor"},
    "request": {"kind": "own_initiative_report"},
}
CASES = [(case["name"], case["situation"]) for case in PUBLIC] + [
    ("terror_report_presumed_not_medical", TERROR_REPORT)
]


def _expected(situation: dict[str, Any], lang: str = "fr") -> dict[str, Any]:
    from depositaire.messages import using_language

    with using_language(lang):
        return decide(parse_situation(json.loads(json.dumps(situation, default=str)))).to_dict()


def _closed(schema: Any) -> Any:
    """The schema with every object closed: a key the schema does not name is an error."""
    if isinstance(schema, dict):
        out = {k: _closed(v) for k, v in schema.items()}
        if "properties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


@pytest.fixture
def decider(world: World) -> str:
    return token(world.a.users[roles.SOCIAL_WORKER], "decide")


# -- decisions ------------------------------------------------------------------------


def test_every_public_scenario_gets_the_same_json_as_evaluate(client: Any, decider: str) -> None:
    for name, situation in CASES:
        for lang in ("fr", "nl"):
            response = call(client, "post", f"/api/v1/decisions?lang={lang}", decider, situation)
            assert response.status_code == 200, response.content[:300]
            assert response["Content-Type"] == "application/json"
            # Key for key, every key: the whole of Decision.to_dict().
            assert response.json() == _expected(situation, lang), (name, lang)
    for case in PUBLIC:
        decided = call(client, "post", "/api/v1/decisions", decider, case["situation"]).json()
        assert decided["verdict"] == case["expect"]["verdict"], case["name"]


def test_a_presumption_and_the_legal_basis_come_through_the_api(client: Any, decider: str) -> None:
    api = call(client, "post", "/api/v1/decisions", decider, TERROR_REPORT).json()
    assert api["verdict"] == "must_disclose"
    assert api["presumptions"] == [{"rule": "terror_reporting_duty", "fact": "information.medical"}]
    assert api["basis"][0]["rule"] == "terror_reporting_duty"
    assert "criminal_procedure.46bis1.3" in api["basis"][0]["provisions"]
    cited = {c["id"]: c for c in api["citations"]}
    assert cited["criminal_procedure.46bis1.3"]["since"] == "2017-09-01"
    assert api["as_known_on"] == "2018-06-01"


def test_every_decision_matches_the_openapi_schema_and_names_every_key(client: Any) -> None:
    import jsonschema_rs

    spec = json.loads(client.get("/api/v1/openapi.json").content)
    components = spec["components"]["schemas"]
    out = components["DecisionOut"]
    validator = jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/DecisionOut", "components": _closed(spec["components"])}
    )
    for name, situation in CASES:
        decision = _expected(situation)
        errors = [e.message for e in validator.iter_errors(decision)]
        assert not errors, (name, errors[:3])
        # Every key of to_dict() is named and required: the schema documents them all.
        assert set(out["required"]) == set(out["properties"]) == set(decision), name
    citation = components["Citation"]
    assert set(citation["required"]) == {"id", "label", "valid_on", "since"}
    assert set(citation["properties"]) == {"id", "label", "valid_on", "since", "to_verify"}


def test_the_api_json_is_the_command_lines(client: Any, decider: str, tmp_path: Path) -> None:
    for name, situation in (("police", POLICE), ("terror", TERROR_REPORT)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(situation))
        cli = subprocess.run(
            [sys.executable, "-m", "depositaire.cli", "evaluate", str(path), "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
        )
        api = call(client, "post", "/api/v1/decisions?lang=fr", decider, situation).json()
        assert api == json.loads(cli.stdout), name


def test_a_batch_decides_each_situation_and_names_each_refused_one(
    client: Any, decider: str
) -> None:
    bad = {"recipient": {"kind": "martians"}}
    response = call(
        client, "post", "/api/v1/decisions:batch", decider, {"situations": [POLICE, bad, {}]}
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["decided"], data["refused"]) == (3, 1, 2)
    assert data["results"][0]["decision"]["verdict"] == "secret"
    problem = data["results"][1]["problem"]
    assert problem["status"] == 422 and "martians" in problem["detail"]
    assert problem["errors"][0]["field"] == "situations.1.recipient.kind"
    assert "police" in problem["errors"][0]["accepted"]
    assert "vide" in data["results"][2]["problem"]["detail"]


def test_a_batch_of_more_than_a_thousand_is_refused_in_french(client: Any, decider: str) -> None:
    response = call(
        client, "post", "/api/v1/decisions:batch", decider, {"situations": [POLICE] * 1001}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "1 à 1000" in response.json()["detail"]


def test_rules_and_provisions_are_served_with_their_stored_text(client: Any, decider: str) -> None:
    rules = call(client, "get", "/api/v1/rules", decider).json()
    assert rules["count"] == len(rules["rules"]) > 10
    assert all(r["citations"] for r in rules["rules"])
    provision = call(client, "get", "/api/v1/provisions/penal_code.458bis", decider)
    assert provision.status_code == 200
    version = provision.json()["versions"][0]
    assert version["quote"] and version["source"] and version["used_by"]
    missing = call(client, "get", "/api/v1/provisions/999zzz", decider)
    assert missing.status_code == 404 and "Dispositions connues" in missing.json()["detail"]


def test_a_provisions_title_and_note_are_in_the_language_asked(client: Any, decider: str) -> None:
    from depositaire.messages import catalogue

    url = "/api/v1/provisions/criminal_procedure.46bis1.3"
    french = call(client, "get", f"{url}?lang=fr", decider).json()["versions"][0]
    dutch = call(client, "get", f"{url}?lang=nl", decider).json()["versions"][0]
    key = "criminal_procedure.46bis1.3@2017-09-01"
    assert dutch["since"] == french["since"] == "2017-09-01"
    assert dutch["to_verify"] == catalogue("nl")[f"provision_notes.{key}"]
    assert dutch["to_verify"] != french["to_verify"] == catalogue("fr")[f"provision_notes.{key}"]
    assert dutch["label"] == catalogue("nl")[f"provision_titles.{key}"]
    assert "Wetboek van strafvordering" in dutch["label"]
    # The stored text stays the French one: no official translation is held.
    assert dutch["quote"] == french["quote"] and "§ 3." in dutch["quote"]
    # The note a decision cites is the provision's, in either language.
    for lang, version in (("fr", french), ("nl", dutch)):
        decision = call(client, "post", f"/api/v1/decisions?lang={lang}", decider, TERROR_REPORT)
        cited = {c["id"]: c for c in decision.json()["citations"]}
        assert cited["criminal_procedure.46bis1.3"]["to_verify"] == version["to_verify"], lang
        assert cited["criminal_procedure.46bis1.3"]["label"] == version["label"], lang


# -- errors -----------------------------------------------------------------------------


def test_an_unknown_value_is_a_french_problem_naming_the_field_and_the_accepted_values(
    client: Any, decider: str
) -> None:
    response = call(
        client, "post", "/api/v1/decisions", decider, {"recipient": {"kind": "martians"}}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Données refusées"
    assert problem["detail"].startswith("Valeur inconnue pour « recipient.kind » : « martians »")
    assert problem["errors"][0]["field"] == "recipient.kind"
    assert "immigration_office" in problem["errors"][0]["accepted"]
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        ("{", "application/json", 400, "JSON mal formé"),
        ("[1, 2]", "application/json", 422, "ensemble de clés"),
        ("holder: {}", "text/yaml", 415, "application/json"),
        ('{"holder": {"role": "x"}, "zzz": 1}', "application/json", 422, "Valeur inconnue"),
        ('{"date": "2026-02-30"}', "application/json", 422, "Date impossible"),
    ],
)
def test_bad_bodies_get_a_4xx_problem_in_french(
    client: Any, decider: str, body: str, content_type: str, status: int, words: str
) -> None:
    response = client.post(
        "/api/v1/decisions",
        data=body,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {decider}",
    )
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert words in response.json()["detail"]


def test_an_unknown_language_lists_the_accepted_ones(client: Any, decider: str) -> None:
    response = call(client, "post", "/api/v1/decisions?lang=en", decider, POLICE)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "lang" and error["accepted"] == ["fr", "nl"]
    assert "Valeurs acceptées : fr, nl" in error["detail"]


def test_the_explanation_is_given_in_the_language_asked(client: Any, decider: str) -> None:
    from depositaire.messages import catalogue

    french = call(client, "post", "/api/v1/decisions?lang=fr", decider, POLICE).json()
    dutch = call(client, "post", "/api/v1/decisions?lang=nl", decider, POLICE).json()
    assert dutch["verdict"] == french["verdict"]
    assert dutch["explanation"] != french["explanation"]
    sentence = " ".join(catalogue("nl")["verdicts.secret.sentence"].split())
    assert any(sentence in " ".join(s.split()) for s in dutch["explanation"])


def test_an_unknown_address_under_the_api_is_a_problem_not_a_page(client: Any) -> None:
    response = client.get("/api/v2/nothing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "/api/v1/docs" in response.json()["detail"]


# -- tokens -------------------------------------------------------------------------------


def test_a_call_without_a_valid_token_is_refused_with_401(client: Any, world: World) -> None:
    user = world.a.users[roles.SOCIAL_WORKER]
    expired_token, expired = ApiToken.issue(user, ["decide"])
    ApiToken.objects.filter(pk=expired_token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    revoked_token, revoked = ApiToken.issue(user, ["decide"])
    ApiToken.objects.filter(pk=revoked_token.pk).update(revoked_at=timezone.now())
    for raw in (None, "dep_not-a-token", expired, revoked):
        response = call(client, "post", "/api/v1/decisions", raw, POLICE)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Jeton absent, inconnu, expiré ou révoqué" in response.json()["detail"]


def test_a_session_cookie_does_not_open_the_api(client: Any, world: World) -> None:
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    assert call(client, "post", "/api/v1/decisions", None, POLICE).status_code == 401


def test_a_decide_token_does_not_reach_the_register(client: Any, decider: str) -> None:
    response = call(client, "get", "/api/v1/requests", decider)
    assert response.status_code == 403
    assert "portée « register »" in response.json()["detail"]


def test_a_token_is_shown_once_and_stored_only_as_its_hash(client: Any, world: World) -> None:
    user = world.a.users[roles.PRESIDENT]
    client.force_login(user)
    page = client.post(
        reverse("api_tokens:list"), {"name": "logiciel", "scopes": ["decide"], "days": "30"}
    )
    assert page.status_code == 200
    raw = page.context["created"]
    assert raw.startswith("dep_") and raw in page.content.decode()
    stored = ApiToken.objects.get(user=user, name="logiciel")
    assert stored.key_hash == token_hash(raw) and raw not in json.dumps(
        list(ApiToken.objects.values()), default=str
    )
    again = client.get(reverse("api_tokens:list"))
    assert raw not in again.content.decode() and stored.prefix in again.content.decode()
    # The president decides through the API: no person's data is needed.
    assert call(client, "post", "/api/v1/decisions", raw, POLICE).status_code == 200
    entry = JournalEntry.objects.filter(action="api_token_created").latest("seq")
    assert entry.details["token_id"] == stored.pk and raw not in json.dumps(entry.details)
    # Revoked by its user: refused from then on, and journaled.
    client.post(reverse("api_tokens:revoke", kwargs={"token_id": stored.pk}))
    assert call(client, "post", "/api/v1/decisions", raw, POLICE).status_code == 401
    assert JournalEntry.objects.filter(action="api_token_revoked", details__token_id=stored.pk)


def test_the_sysadmin_creates_lists_and_revokes_the_tokens_of_the_organisation(
    client: Any, world: World
) -> None:
    worker = world.a.users[roles.SOCIAL_WORKER]
    mine, _ = ApiToken.issue(worker, ["register"])
    foreign, _ = ApiToken.issue(world.b.users[roles.SOCIAL_WORKER], ["decide"])
    client.force_login(world.a.users[roles.SYSADMIN])
    page = client.get(reverse("api_tokens:list"))
    listed = list(page.context["tokens"])
    assert mine in listed and foreign not in listed
    created = client.post(
        reverse("api_tokens:list"), {"user": worker.pk, "scopes": ["decide"], "days": "7"}
    )
    assert created.context["created"]
    assert ApiToken.objects.filter(user=worker, scopes=["decide"]).exists()
    assert (
        client.post(reverse("api_tokens:revoke", kwargs={"token_id": mine.pk})).status_code == 302
    )
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    refused = client.post(reverse("api_tokens:revoke", kwargs={"token_id": foreign.pk}))
    assert refused.status_code == 404


def test_the_sysadmin_cannot_mint_a_register_token_in_a_workers_name(
    client: Any, world: World
) -> None:
    # A register token acts as its user on persons' files and is shown once, to whoever
    # creates it: made by the system administrator for a social worker, it let him read
    # the requests' texts and the file's values through the API (found by QA).
    worker = world.a.users[roles.SOCIAL_WORKER]
    client.force_login(world.a.users[roles.SYSADMIN])
    before = ApiToken.objects.count()
    for scopes in (["register"], ["decide", "register"]):
        refused = client.post(
            reverse("api_tokens:list"), {"user": worker.pk, "scopes": scopes, "days": "7"}
        )
        assert refused.status_code == 400
        assert not refused.context["created"]
        body = refused.content.decode()
        assert "registre" in body and "lui-même" in body
    assert ApiToken.objects.count() == before
    assert not JournalEntry.objects.filter(action="api_token_created").exists()


def test_a_token_page_refuses_a_validity_out_of_bounds_in_french(client: Any, world: World) -> None:
    client.force_login(world.a.users[roles.DPO])
    page = client.post(reverse("api_tokens:list"), {"scopes": ["decide"], "days": "999"})
    assert page.status_code == 400
    assert "La validité va de 1 à 366 jours." in page.content.decode()


def test_the_command_line_prints_the_token_alone_on_its_last_line(world: World) -> None:
    from depositaire.web.api.tokens import issue_from_command_line

    user = world.a.users[roles.SOCIAL_WORKER]
    message, raw = issue_from_command_line(user.username, ["register"], 5, "")
    assert "expire le" in message and raw.startswith("dep_") and " " not in raw
    token_obj = ApiToken.objects.get(key_hash=token_hash(raw))
    assert token_obj.scopes == ["register"] and token_obj.user == user
    assert (token_obj.expires_at - timezone.now()).days in (4, 5)


# -- throttling, CORS, schema --------------------------------------------------------------


def test_calls_beyond_the_rate_are_refused_with_429(client: Any, decider: str) -> None:
    from depositaire.web.api.api import THROTTLES

    throttle = THROTTLES[1]
    saved = throttle.num_requests
    throttle.num_requests = 3
    try:
        codes = [
            call(client, "post", "/api/v1/decisions", decider, POLICE).status_code for _ in range(5)
        ]
    finally:
        throttle.num_requests = saved
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_no_cross_origin_call_is_allowed(client: Any, decider: str) -> None:
    response = client.post(
        "/api/v1/decisions",
        data=json.dumps(POLICE),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {decider}",
        HTTP_ORIGIN="https://evil.example",
    )
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(
        "/api/v1/decisions",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in preflight
    assert preflight.status_code >= 400


def test_the_schema_is_openapi_3_1_and_every_error_is_a_problem(client: Any) -> None:
    raw = client.get("/api/v1/openapi.json").content
    keys: list[list[str]] = []
    json.loads(
        raw, object_pairs_hook=lambda pairs: keys.append([k for k, _ in pairs]) or dict(pairs)
    )
    assert all(len(k) == len(set(k)) for k in keys), "a key appears twice in an object"
    spec = json.loads(raw)
    assert spec["openapi"].startswith("3.1")
    operations = [op for methods in spec["paths"].values() for op in methods.values()]
    assert len(operations) >= 15
    for op in operations:
        for status, answer in op["responses"].items():
            if status.startswith("4"):
                assert "application/problem+json" in answer["content"]
    situation = spec["paths"]["/api/v1/decisions"]["post"]["requestBody"]["content"]
    schema = situation["application/json"]["schema"]
    assert "police" in schema["properties"]["recipient"]["properties"]["kind"]["enum"]


def test_the_documentation_page_uses_only_local_files(client: Any) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    body = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower() and "https://" not in body
    assert "script-src 'self'" in page["Content-Security-Policy"]


# -- the interview ------------------------------------------------------------------------


def test_an_interview_runs_through_the_api_to_its_decision_note(client: Any, decider: str) -> None:
    facts = {"holder": {"role": "social_worker", "institution": "cpas"}}
    start = call(client, "post", "/api/v1/consultations", decider, {"facts": facts})
    assert start.status_code == 201
    state = start.json()
    cid = state["id"]
    assert {f["path"] for f in state["given"]} == {"holder.role", "holder.institution"}
    first = state["question"]
    assert first["choices"] and first["why"] and "unknown" == first["unknown"]["token"]
    refused = call(
        client,
        "post",
        f"/api/v1/consultations/{cid}/answers",
        decider,
        {"path": first["path"], "value": ["nonsense"]},
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["accepted"]
    answered = call(
        client,
        "post",
        f"/api/v1/consultations/{cid}/answers",
        decider,
        {"path": first["path"], "value": [first["choices"][0]["token"]]},
    )
    assert answered.status_code == 200
    assert answered.json()["answered"][0]["path"] == first["path"]
    back = call(client, "post", f"/api/v1/consultations/{cid}/back", decider)
    assert back.json()["question"]["path"] == first["path"] and not back.json()["answered"]
    for _ in range(40):
        question = call(client, "get", f"/api/v1/consultations/{cid}", decider).json()["question"]
        if question is None:
            break
        token_ = question["choices"][0]["token"]
        call(
            client,
            "post",
            f"/api/v1/consultations/{cid}/answers",
            decider,
            {"path": question["path"], "value": [token_]},
        )
    result = call(client, "get", f"/api/v1/consultations/{cid}/result", decider).json()
    assert result["finished"] and result["decision"]["verdict"] != "undetermined"
    note = call(client, "get", f"/api/v1/consultations/{cid}/note.pdf", decider)
    assert note.status_code == 200 and note["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(note.content)).pages)
    assert "décision" in text.lower()


def test_an_interview_belongs_to_its_user(client: Any, world: World, decider: str) -> None:
    cid = call(client, "post", "/api/v1/consultations", decider, {}).json()["id"]
    other = token(world.a.users[roles.HEAD_SOCIAL_WORKER], "decide")
    assert call(client, "get", f"/api/v1/consultations/{cid}", other).status_code == 404


def test_an_interviews_decision_keeps_every_key_of_the_decision(client: Any, decider: str) -> None:
    from depositaire.interview import Interview

    # The interview's answers are validated by the schema: a key it did not name was dropped.
    day = dt.date(2017, 9, 1)
    body = {"facts": POLICE, "date": day.isoformat()}
    cid = call(client, "post", "/api/v1/consultations", decider, body).json()["id"]
    result = call(client, "get", f"/api/v1/consultations/{cid}/result", decider)
    assert result.status_code == 200, result.content[:300]
    expected = Interview(parse_situation(POLICE, today=day), date=day).decision.to_dict()
    assert result.json()["decision"] == expected
    assert expected["basis"] and all("since" in c for c in expected["citations"])


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_documentation_page_speaks_the_reader_s_language(client: Any, language: str) -> None:
    """QA: the page had no language and only django-ninja's own template; its language,
    title and a notice (Swagger UI's own labels stay in English) come from the catalogue."""
    from depositaire.messages import using_language

    page = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE=language)
    body = html.unescape(page.content.decode())
    with using_language(language):
        title, notice = t("api.docs.title"), t("api.docs.notice")
    assert f'<html lang="{language}">' in body
    assert f"<title>{title}</title>" in body and notice in body

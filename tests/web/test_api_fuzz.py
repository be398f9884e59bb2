"""Schemathesis against a live server on the test database: every operation of the
OpenAPI document, at least 1,000 generated requests (its deterministic "coverage"
phase: boundary, missing and wrong values for every parameter and body field), no
server error (5xx), no answer that breaks the schema (status, content type, body).

It runs once, on PostgreSQL (stricter than SQLite: a NUL character in a text is an
error there), in the test command's PostgreSQL step; on SQLite it is skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_started

from depositaire.web.accounts import roles
from depositaire.web.api.models import ApiToken
from web.factories import build_org
from web.incoming_factories import closed_request_for, request_for

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DEPOSITAIRE_DATABASE_URL"),
        reason="run once, on PostgreSQL (the test command's step 4)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server: Any, tmp_path: Path, capsys: Any
) -> None:
    from depositaire.web.api.api import THROTTLES

    w = build_org("Z", "CPAS de Fuzz")
    request_for(w)
    closed_request_for(w)
    raw = ApiToken.issue(w.users[roles.SOCIAL_WORKER], ["decide", "register"])[1]
    hits: list[str] = []

    def count(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        if environ.get("PATH_INFO", "").startswith("/api/v1/"):
            hits.append(environ["PATH_INFO"])

    request_started.connect(count)
    saved = [t.num_requests for t in THROTTLES]
    for throttle in THROTTLES:
        throttle.num_requests = 10**9  # the fuzzer is one token calling very fast
    try:
        st = Path(sys.executable).with_name("schemathesis")
        run = subprocess.run(
            [
                str(st),
                "run",
                f"{live_server.url}/api/v1/openapi.json",
                "-H",
                f"Authorization: Bearer {raw}",
                "--checks",
                CHECKS,
                "--phases",
                "coverage",
                "--seed",
                "1",
                "--request-timeout",
                "120",
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=1200,
            cwd=tmp_path,  # schemathesis keeps a cache folder where it runs
            env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
        )
    finally:
        request_started.disconnect(count)
        for throttle, value in zip(THROTTLES, saved, strict=True):
            throttle.num_requests = value
    out = run.stdout + run.stderr
    summary = re.search(r"(\d+) generated, (\d+) passed", out)
    with capsys.disabled():
        print(f"\nschemathesis: {summary.group(0) if summary else '?'}; {len(hits)} API requests")
    assert run.returncode == 0, out[-4000:]
    assert summary is not None, out[-2000:]
    generated, passed = int(summary.group(1)), int(summary.group(2))
    assert generated == passed >= 1000
    assert len(hits) >= 1000
    operations = {re.sub(r"/\d+|/[0-9a-f-]{36}", "/{id}", h) for h in hits}
    assert len(operations) >= 15

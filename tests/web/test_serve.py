"""``depositaire serve``: production checks, a real gunicorn, the health endpoint, JSON logs."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from web.live import CLI, SQLITE_SUBPROCESSES, Client, clean_env, seed, start_serve

pytestmark = SQLITE_SUBPROCESSES


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder migrated once; each check works on its own copy of it."""
    data = tmp_path_factory.mktemp("migrated") / "data"
    plain = clean_env(DEPOSITAIRE_DATA_DIR=str(data))
    subprocess.run([*CLI, "migrate"], env=plain, capture_output=True, timeout=300, check=True)
    return data


def serve_check(
    tmp_path: Path, migrated: Path, **variables: str
) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data"
    shutil.copytree(migrated, data)  # modes kept: the key folder stays private
    env = {**clean_env(DEPOSITAIRE_DATA_DIR=str(data)), **variables}
    return subprocess.run(
        [*CLI, "serve", "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


GOOD = {
    "DEPOSITAIRE_PRODUCTION": "1",
    "DEPOSITAIRE_ALLOWED_HOSTS": "cpas.example.be",
}


def strong_key() -> str:
    return secrets.token_urlsafe(64)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({}, "DEPOSITAIRE_SECRET_KEY"),
        ({"DEPOSITAIRE_SECRET_KEY": "trop-court"}, "DEPOSITAIRE_SECRET_KEY"),
        ({"DEPOSITAIRE_SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "DEPOSITAIRE_SECRET_KEY"),
        ({"DEPOSITAIRE_HTTPS": "0"}, "DEPOSITAIRE_HTTPS"),
        ({"DEPOSITAIRE_DEBUG": "1"}, "DEPOSITAIRE_DEBUG"),
    ],
)
def test_serve_refuses_production_with_a_bad_setting_and_names_it_in_french(
    tmp_path: Path, migrated: Path, variables: dict[str, str], named: str
) -> None:
    if "DEPOSITAIRE_SECRET_KEY" not in variables and named != "DEPOSITAIRE_SECRET_KEY":
        variables = {**variables, "DEPOSITAIRE_SECRET_KEY": strong_key()}
    result = serve_check(tmp_path, migrated, **GOOD, **variables)
    assert result.returncode == 1, result.stdout
    assert "le serveur ne démarre pas" in result.stderr
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_key_folder_open_to_others(tmp_path: Path, migrated: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(migrated, template)
    keys = template / "keys"
    keys.mkdir(exist_ok=True)
    keys.chmod(0o755)
    result = serve_check(tmp_path, template, **GOOD, DEPOSITAIRE_SECRET_KEY=strong_key())
    assert result.returncode == 1
    assert "DEPOSITAIRE_KEY_DIR" in result.stderr and "0755" in result.stderr


def test_serve_accepts_good_production_settings_and_the_deploy_check_is_clean(
    tmp_path: Path, migrated: Path
) -> None:
    result = serve_check(tmp_path, migrated, **GOOD, DEPOSITAIRE_SECRET_KEY=strong_key())
    assert result.returncode == 0, result.stderr
    assert "rien à signaler" in result.stdout


def test_serve_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    env = clean_env(DEPOSITAIRE_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run(
        [*CLI, "serve", "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert "depositaire migrate" in result.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("serve")
    env = clean_env(DEPOSITAIRE_DATA_DIR=str(folder / "data"))
    person = seed(env, workers=1)
    server = start_serve(env, folder / "serve.log", workers=2, threads=2)
    yield server, person
    server.stop()


def test_gunicorn_serves_the_application_and_its_static_files(served) -> None:
    server, person = served
    client = Client(server.base)
    status, page, _ = client.request("/connexion/")
    assert status == 200 and "csrfmiddlewaretoken" in page
    css = [part.split('"')[0] for part in page.split('href="/static/')[1:]]
    assert css, "the login page links no static file"
    status, body, headers = client.request("/static/" + css[0])
    assert status == 200 and body
    client.login("charge.0")
    status, page, _ = client.request(f"/personnes/{person}/")
    assert status == 200 and "Amina" in page


def test_the_health_endpoint_reports_its_checks_without_personal_data_or_journal_entry(
    served,
) -> None:
    server, person = served
    client = Client(server.base)
    status, body, headers = client.request("/sante/")
    assert status == 200, body
    first = json.loads(body)
    assert first["status"] == "ok"
    assert first["checks"] == {"database": "ok", "keyring": "ok", "journal": "ok"}
    assert "no-cache" in headers.get("Cache-Control", "") or "no-store" in headers.get(
        "Cache-Control", ""
    )
    _, again, _ = client.request("/sante/")
    assert json.loads(again)["journal"]["seq"] == first["journal"]["seq"]  # no entry written
    for word in ("Amina", "Idrissi", "Dupont", "peur"):
        assert word not in body


def test_logs_are_json_lines_with_request_ids_and_no_personal_data(served, tmp_path) -> None:
    server, person = served
    client = Client(server.base)
    client.login("charge.0")
    status, page, headers = client.request(f"/personnes/{person}/")
    assert status == 200
    # The confidence of the demo is on the file for its author only; open every item page.
    items = sorted(set(part.split("/")[0] for part in page.split('href="/elements/')[1:]))
    for item in items:
        client.request(f"/elements/{item}/")
    client.request("/personnes/?q=Idrissi")
    rid = headers["X-Request-ID"]
    log = server.log.read_text(encoding="utf-8")
    lines = [line for line in log.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    requests = [r for r in records if r["logger"] == "depositaire.request"]
    assert any(
        r.get("request_id") == rid and r["route"] == "personnes/<int:person_id>/" for r in requests
    )
    assert all(r.get("request_id") and "status" in r and "duration_ms" in r for r in requests)
    # The random request ids, the times and the durations can hold any digits ("1988" was
    # once inside a request id): the markers are looked for in everything else.
    noise = ("request_id", "time", "duration_ms")
    text = "\n".join(
        [line for line in log.splitlines() if not line.startswith("{")]
        + [json.dumps({k: v for k, v in r.items() if k not in noise}) for r in records]
    )
    for marker in ("Amina", "El Idrissi", "Idrissi", "ancien compagnon", "Tilleuls", "1988"):
        assert marker not in text, marker


def test_idle_connections_outlive_a_pause_between_two_pages(settings) -> None:
    from depositaire.web.ops.serve import options

    assert options()["keepalive"] == 5  # gunicorn's 2 s gave "connection reset" under load
    settings.SERVE_KEEPALIVE = 15
    assert options()["keepalive"] == 15


def test_a_worker_warms_up_before_its_first_request_and_a_failed_step_does_not_stop_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from depositaire.web import views
    from depositaire.web.ops import warmup

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(views, "render_pdf", broken)
    with caplog.at_level("WARNING", logger="depositaire.warmup"):
        warmup.warm_up()  # does not raise
    # Only that step failed: the URL conf, catalogues, engine and templates warmed up.
    assert [r.getMessage() for r in caplog.records] == ["warm-up: pdf failed: OSError"]


def test_after_the_warm_up_what_it_made_is_out_of_the_collectors_reach() -> None:
    import gc

    from depositaire.web.ops import warmup

    gc.unfreeze()
    try:
        warmup.warm_up()
        frozen = gc.get_freeze_count()
        # The modules, rule base, templates: no longer walked by each full collection.
        assert frozen > 10_000
        # What a request makes afterwards is collected as before.
        assert len(gc.get_objects()) < frozen
    finally:
        gc.unfreeze()


def test_a_worker_is_replaced_after_its_requests_and_a_bad_count_is_refused(settings) -> None:
    from depositaire.messages import t
    from depositaire.web.ops.serve import ServeError, options

    assert options()["max_requests"] == 20000
    assert options()["max_requests_jitter"] == 2000
    settings.SERVE_MAX_REQUESTS = 0  # never replaced
    assert (options()["max_requests"], options()["max_requests_jitter"]) == (0, 0)
    for bad in (-5, 1, 99):
        settings.SERVE_MAX_REQUESTS = bad
        with pytest.raises(ServeError) as refused:
            options()
        assert refused.value.problems == [t("ops.serve.error.max_requests", value=bad)]
        assert "DEPOSITAIRE_MAX_REQUESTS" in refused.value.problems[0]

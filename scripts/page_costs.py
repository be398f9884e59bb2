"""CPU ms and SQL queries per page kind, in process (a benchmark, not a test).

    python scripts/page_costs.py                 # SQLite, 10 rounds of a social worker's day
    python scripts/page_costs.py --rounds 20 --database postgresql
    python scripts/page_costs.py --profile dossier --profile "rapport PDF"

The day is ``scripts/locustfile.py``'s, driven by Django's test client in this process (no
server, no network): each page kind's median CPU time (``time.process_time``) and its
number of SQL queries (``CaptureQueriesContext``). CPU time, unlike latency under locust, does
not depend much on what else the machine runs: compare two branches by these figures.
``--profile KIND`` prints that kind's cProfile (cumulative time, top 30). It makes a
throwaway data folder (and PostgreSQL database) and removes it afterwards.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import os
import pstats
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from load import PASSWORD, SEED, TOTP_KEY, exit_on_sigterm, pg_server, psql  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(r'name="form_once" value="([^"]+)"')


class Day:
    """One social worker's day through the test client, each page timed and counted."""

    def __init__(self, client: Any, profile: set[str]) -> None:
        self.client = client
        self.anonymous = client.__class__()
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.profile = profile
        self.profiler = cProfile.Profile(time.process_time)  # CPU, as measured
        self.measuring = False
        self.show_queries: set[str] = set()
        self.last_queries: dict[str, list[str]] = {}  # the first measured request of each kind

    def page(self, name: str, method: str, url: str, data: Any = None, **kw: Any) -> Any:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call = getattr(self.client, method)
        args = (url, data) if data is not None else (url,)
        with CaptureQueriesContext(connection) as queries:
            if name in self.profile and self.measuring:
                self.profiler.enable()
            start = time.process_time()
            response = call(*args, **kw)
            spent = time.process_time() - start
            if name in self.profile and self.measuring:
                self.profiler.disable()
        if response.status_code >= 400:
            raise SystemExit(f"{name}: {method.upper()} {url} answered {response.status_code}")
        if name in self.show_queries and self.measuring:
            self.last_queries.setdefault(name, [q["sql"] for q in queries.captured_queries])
        self.cpu[name].append(spent * 1000)
        self.queries[name].append(len(queries))
        return response


def login(day: Day, username: str) -> None:
    import pyotp

    page = day.page("connexion (page)", "get", "/connexion/")
    day.page(
        "connexion (mot de passe)",
        "post",
        "/connexion/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page)},
    )
    form = day.client.get("/connexion/code/")
    secret = base64.b32encode(bytes.fromhex(TOTP_KEY)).decode()
    day.client.post(
        "/connexion/code/", {"code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": _csrf(form)}
    )


def _csrf(response: Any) -> str:
    match = CSRF.search(response.content.decode())
    return match.group(1) if match else ""


def _once(response: Any) -> str:
    """The form's one-time token (depositaire/web/once.py)."""
    match = ONCE.search(response.content.decode())
    return match.group(1) if match else ""


def one_round(day: Day, person: str) -> None:
    import loadday as lf

    text = day.page("liste des personnes", "get", "/personnes/").content.decode()
    persons = sorted(set(lf.PERSON.findall(text)))
    person = person or persons[0]
    text = day.page("dossier", "get", f"/personnes/{person}/").content.decode()
    items = lf.ITEM.findall(text)
    day.page("élément", "get", f"/elements/{items[0]}/")
    form = day.page("nouvel élément (formulaire)", "get", f"/personnes/{person}/elements/nouveau/")
    day.page(
        "nouvel élément (enregistrement)",
        "post",
        f"/personnes/{person}/elements/nouveau/",
        {
            "nature": "secret_fact",
            "categories": ["income"],
            "origin": "observed",
            "content": "Note de charge : revenus vérifiés.",
            "csrfmiddlewaretoken": _csrf(form),
            "form_once": _once(form),
        },
    )
    day.page("rapport PDF", "get", f"/personnes/{person}/rapport.pdf")
    # A written request, examined, closed with its letter.
    form = day.page("demande (formulaire)", "get", f"/demandes/nouvelle/?personne={person}")
    data: dict[str, Any] = dict(lf.form_fields(form.content.decode(), "request-form"))
    data.update(lf.REQUISITION, person=person)
    created = day.page("demande (enregistrement)", "post", "/demandes/nouvelle/", data)
    if created.status_code != 302:
        raise SystemExit(f"the request was not registered ({created.status_code})")
    number = re.search(r"/demandes/(\d+)/examen/", created["Location"]).group(1)  # type: ignore[union-attr]
    url = f"/demandes/{number}/examen/"
    for _ in range(40):
        page = day.page("examen (question)", "get", url)
        question = lf.QUESTION.search(page.content.decode())
        if question is None:
            break
        day.page(
            "examen (réponse)",
            "post",
            url,
            {
                **lf.examination_answer(page.content.decode(), question.group(1)),
                "csrfmiddlewaretoken": _csrf(page),
            },
        )
    answer_url = f"/demandes/{number}/reponse/"
    page = day.page("réponse (formulaire)", "get", answer_url)
    fields = lf.form_fields(page.content.decode(), answer_url)
    confirm = day.page(
        "réponse (confirmation)", "post", answer_url, _multi([*fields, ("action", "confirm")])
    )
    closing = [*lf.form_fields(confirm.content.decode(), answer_url), ("action", "close")]
    closed = day.page("réponse : clôture et lettre PDF", "post", answer_url, _multi(closing))
    assert closed.status_code == 302, closed.status_code  # noqa: S101
    day.page("lettre PDF", "get", f"/demandes/{number}/reponse.pdf")
    # A disclosure to the special committee.
    url = f"/personnes/{person}/communications/nouvelle/"
    form = day.page("communication (formulaire)", "get", url)
    text = form.content.decode()
    boxes = lf.ITEM_BOX.findall(text)
    sessions = lf.SESSION.findall(text.split('name="session"', 1)[-1].split("</select>", 1)[0])
    data = {
        "recipient_kind": "cpas_special_committee",
        "recipient_name": "",
        "purpose": "aid_decision",
        "session": sessions[0],
        "necessary_only": "true",
        "items": boxes[:2],
        "csrfmiddlewaretoken": _csrf(form),
        "form_once": _once(form),
    }
    evaluated = day.page("communication (évaluation)", "post", url, {**data, "action": "preview"})
    posted = [
        (k, v)
        for k, v in lf.form_fields(evaluated.content.decode(), "prepare-form")
        if k not in data
    ]
    prepared = day.page(
        "communication : préparation et extrait PDF",
        "post",
        url,
        {**_multi(posted), **data, "action": "prepare"},
    )
    disclosure = re.search(r"/communications/(\d+)/", prepared["Location"]).group(1)  # type: ignore[union-attr]
    day.page("communication", "get", f"/communications/{disclosure}/")
    # The login page, as someone not logged in sees it.
    client, day.client = day.client, day.anonymous
    try:
        day.page("connexion (page)", "get", "/connexion/")
    finally:
        day.client = client


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        out[key].append(value)
    return dict(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--profile", action="append", default=[], metavar="KIND")
    parser.add_argument("--queries", action="append", default=[], metavar="KIND")
    parser.add_argument("--sort", default="cumulative", help="pstats order (tottime…)")
    parser.add_argument("--dump", metavar="FILE", help="write the profile there (pstats)")
    parser.add_argument("--lines", type=int, default=40, help="lines of the printed profile")
    args = parser.parse_args()
    exit_on_sigterm()
    if args.database == "postgresql":
        # The test server is stopped afterwards if this run started it (scripts/load.py).
        with pg_server() as base:
            return measure(args, base)
    return measure(args, None)


def measure(args: argparse.Namespace, base: str | None) -> int:
    folder = Path(tempfile.mkdtemp(prefix="depositaire-costs-"))
    for key in [k for k in os.environ if k.startswith(("DEPOSITAIRE_", "DJANGO_"))]:
        if key != "DEPOSITAIRE_PG_TEST_PORT":
            del os.environ[key]
    os.environ["DEPOSITAIRE_DATA_DIR"] = str(folder / "data")
    database = None
    try:
        if base:
            database = f"dep_costs_{secrets.token_hex(4)}"
            psql(base, f'CREATE DATABASE "{database}"')
            os.environ["DEPOSITAIRE_DATABASE_URL"] = f"{base.rsplit('/', 1)[0]}/{database}"
        subprocess.run(  # noqa: S603 (this interpreter, our own seed)
            [sys.executable, "-c", SEED.format(users=1, password=PASSWORD, totp_key=TOTP_KEY)],
            check=True,
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
        import django

        django.setup()
        # No setup_test_environment(): its signal on every template rendered is not what a
        # server pays.
        from django.conf import settings
        from django.test import Client

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        day = Day(Client(), set(args.profile))
        day.show_queries = set(args.queries)
        login(day, "charge.0")
        one_round(day, "")  # warm-up: imports, rule base, catalogue, fonts
        from depositaire.web.ops.warmup import freeze

        freeze()  # as `serve` does after its warm-up (ops/warmup.py)
        day.cpu.clear()
        day.queries.clear()
        day.measuring = True
        for _ in range(args.rounds):
            one_round(day, "")
        print(
            f"\n{args.database}, {args.rounds} rounds, in process; "
            f"load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)\n"
        )
        print("| page | requests | CPU ms (median) | SQL queries (median) |")
        print("| --- | ---: | ---: | ---: |")
        for name, values in day.cpu.items():
            queries = day.queries[name]
            print(
                f"| {name} | {len(values)} | {statistics.median(values):.1f} | "
                f"{statistics.median(queries):g} |"
            )
        for name, sqls in day.last_queries.items():
            print(f"\n{name}: {len(sqls)} queries")
            for sql in sqls:
                print(f"  {sql[:300]}")
        if args.profile and args.dump:
            day.profiler.dump_stats(args.dump)
        if args.profile:
            out = io.StringIO()
            pstats.Stats(day.profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(out.getvalue())
        return 0
    finally:
        if base and database:
            from django.db import connections

            connections.close_all()
            psql(base, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

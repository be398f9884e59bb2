"""``make load``: locust (headless) against ``depositaire serve``, p50/p95/p99 per page kind.

    python scripts/load.py                      # PostgreSQL test server, 50 users, 60 s
    python scripts/load.py --database sqlite --users 20
    python scripts/load.py --users 50 --seconds 120 --workers 4 --threads 2
    python scripts/load.py --steady             # statistics from the moment every user is in

``--steady`` resets the statistics once every user has started (locust's ``--reset-stats``):
the table is then the steady state of a day, without the opening burst of every user's
login at once (the logins themselves then fall out of the table).

A benchmark, not a test: it prints a Markdown table and the machine's load average,
and exits 1 only when some request failed. It makes its own throwaway data folder (and
PostgreSQL database on the test server, ``scripts/pg-test-server.sh``), seeds the demo
and one social worker per simulated user, and removes everything afterwards: the test
server too when this run started it (also on a failure, Ctrl-C or ``kill``), never one
that was already running. Traffic goes to the loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CLI = [PY, "-c", "from depositaire.cli import main; main()"]
PG_SCRIPT = ROOT / "scripts/pg-test-server.sh"
PASSWORD = "un mot de passe de charge assez long"  # noqa: S105 (throwaway accounts)

SEED = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from depositaire.web.demo import ensure_demo_data
from depositaire.web.accounts.models import User
ensure_demo_data()
dupont = User.objects.get(username="as.dupont")
for n in range({users}):
    user = User(username=f"charge.{{n}}", first_name="Charge", last_name=f"N{{n}}",
                organisation=dupont.organisation, role="social_worker")
    user.set_password({password!r})
    user.save()
    user.teams.set(dupont.teams.all())
    # A confirmed second factor with a known key: locust computes its codes (pyotp).
    from django_otp.plugins.otp_totp.models import TOTPDevice
    TOTPDevice.objects.create(user=user, name="charge", confirmed=True, key={totp_key!r})
"""
#: The TOTP key (hex, as django-otp stores it) of every ``charge.N`` (throwaway accounts).
TOTP_KEY = "3132333435363738393031323334353637383930"


def _pg(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        ["bash", str(PG_SCRIPT), command],  # noqa: S607 (bash from PATH, as make runs it)
        capture_output=True,
        text=True,
        check=False,
    )


@contextlib.contextmanager
def pg_server() -> Iterator[str]:
    """The test server's database URL (``scripts/pg-test-server.sh``, its port from
    ``DEPOSITAIRE_PG_TEST_PORT``). A server this run started is stopped on the way out,
    also when the run fails or is interrupted; one that was already running is left so."""
    started = _pg("status").returncode != 0
    try:
        out = _pg("start")
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            raise SystemExit("make load: the PostgreSQL test server did not start")
        yield out.stdout.strip().splitlines()[-1]
    finally:
        if started:
            _pg("stop")


def exit_on_sigterm() -> None:
    """A ``kill`` (SIGTERM) ends the run as Ctrl-C does: through the ``finally`` clauses
    (server stopped, database dropped, folder removed) instead of leaving them behind."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def psql(base: str, sql: str) -> None:
    import psycopg

    from depositaire.web.env import database_from_url

    db = database_from_url(base)
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    ) as con:
        con.execute(sql)


def percentile_table(stats_csv: Path) -> tuple[str, int]:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    lines = [
        "| page | method | requests | errors | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**toutes**"
        errors += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        lines.append(
            f"| {name} | {row['Type']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} |"
        )
    return "\n".join(lines), errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=18479)
    parser.add_argument(
        "--keepalive", type=int, default=None, help="DEPOSITAIRE_KEEPALIVE of serve (seconds)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    parser.add_argument(
        "--steady", action="store_true", help="statistics once every user has started"
    )
    args = parser.parse_args()
    if shutil.which("locust", path=str(Path(PY).parent)) is None:
        print("make load: locust is missing: .venv/bin/pip install -e '.[load]'", file=sys.stderr)
        return 2
    exit_on_sigterm()
    if args.database == "postgresql":
        with pg_server() as base:
            return run(args, base)
    return run(args, None)


def run(args: argparse.Namespace, base: str | None) -> int:
    """One run on a throwaway data folder (and database on the server at ``base``)."""
    folder = Path(tempfile.mkdtemp(prefix="depositaire-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEPOSITAIRE_", "DJANGO_"))}
    env["DEPOSITAIRE_DATA_DIR"] = str(folder / "data")
    database = None
    server = None
    try:
        if base:
            database = f"dep_load_{secrets.token_hex(4)}"
            psql(base, f'CREATE DATABASE "{database}"')
            env["DEPOSITAIRE_DATABASE_URL"] = f"{base.rsplit('/', 1)[0]}/{database}"
        subprocess.run(  # noqa: S603 (this interpreter, our own seed)
            [PY, "-c", SEED.format(users=args.users, password=PASSWORD, totp_key=TOTP_KEY)],
            env=env,
            check=True,
        )
        env.update(
            DEPOSITAIRE_BIND=f"127.0.0.1:{args.port}",
            DEPOSITAIRE_WORKERS=str(args.workers),
            DEPOSITAIRE_THREADS=str(args.threads),
            DEPOSITAIRE_REQUEST_LOG_LEVEL="WARNING",
        )
        if args.keepalive is not None:
            env["DEPOSITAIRE_KEEPALIVE"] = str(args.keepalive)
        log = (folder / "serve.log").open("wb")
        server = subprocess.Popen([*CLI, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        host = f"http://127.0.0.1:{args.port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{host}/connexion/", timeout=5)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.5)
        load_before = os.getloadavg()
        locust_log = (folder / "locust.log").open("wb")
        ran = subprocess.run(  # noqa: S603 (the venv's locust, our own arguments)
            [
                str(Path(PY).parent / "locust"),
                "-f",
                str(ROOT / "scripts/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(max(1, args.users // 10)),
                "-t",
                f"{args.seconds}s",
                "--host",
                host,
                "--csv",
                str(folder / "load"),
                "--only-summary",
                *(["--reset-stats"] if args.steady else []),
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=locust_log,  # its own summary repeats the table below
        )
        load_after = os.getloadavg()
        locust_log.close()
        if not (folder / "load_stats.csv").is_file():
            print((folder / "locust.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            print(f"make load: locust failed (exit {ran.returncode})", file=sys.stderr)
            return 2
        table, errors = percentile_table(folder / "load_stats.csv")
        print(
            f"\n{args.database}, depositaire serve {args.workers} workers × {args.threads} threads, "
            f"{args.users} users, think time 1–3 s, {args.seconds} s"
            f"{' (steady state: after every user started)' if args.steady else ''}; "
            f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} "
            f"({os.cpu_count()} cores)\n"
        )
        print(table)
        failures = folder / "load_failures.csv"
        if errors and failures.is_file():
            print("\nerrors:")
            for row in csv.DictReader(failures.open(encoding="utf-8")):
                print(f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
            log.flush()
            worries = [
                line
                for line in (folder / "serve.log").read_text(errors="replace").splitlines()
                if any(w in line for w in ("ERROR", "CRITICAL", "TIMEOUT", "Traceback"))
            ]
            for line in worries[-10:]:
                print(f"  serve: {line[:300]}")
        return 1 if errors else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        if base and database:
            psql(base, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if args.keep:
            print(f"kept: {folder} (serve.log, locust.log, the data folder)")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

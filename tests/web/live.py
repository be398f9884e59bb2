"""Real servers for tests: ``depositaire serve`` in a subprocess, and a small HTTP client.

The client keeps cookies and fills Django's CSRF token from the page it came from,
as a browser does; it sends requests only to the loopback.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from depositaire.cli import main; main()"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(r'name="form_once" value="([^"]+)"')

SEED = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from depositaire.web.demo import ensure_demo_data, DEMO_ORG
from depositaire.web.accounts.models import User
from depositaire.web.cases.models import Person
ensure_demo_data()
amina = Person.objects.get(first_name="Amina")
dupont = User.objects.get(username="as.dupont")
for n in range({workers}):
    user = User(username=f"charge.{{n}}", first_name="Charge", last_name=f"N{{n}}",
                organisation=dupont.organisation, role="social_worker")
    user.set_password({password!r})
    user.save()
    user.teams.set(dupont.teams.all())
    # A confirmed second factor with a known key: the client computes its codes (pyotp).
    from django_otp.plugins.otp_totp.models import TOTPDevice
    TOTPDevice.objects.create(user=user, name="test", confirmed=True, key={totp_key!r})
from depositaire.web.cases.models import InformationItem
fact = InformationItem.objects.filter(person=amina, nature="secret_fact").order_by("pk").first()
print(amina.pk, fact.pk)
"""
PASSWORD = "un mot de passe de test assez long"
#: The TOTP key (hex, as django-otp stores it) of every seeded ``charge.N``.
TOTP_KEY = "3132333435363738393031323334353637383930"
#: The last time step whose code each seeded user gave (a used code is refused).
_LAST_STEP: dict[str, int] = {}


#: Tests that run the command line in subprocesses on their own SQLite data folder
#: (:func:`clean_env` drops the database URL): the test command's PostgreSQL step would
#: only run them a second time on SQLite, so they run in the SQLite step alone.
SQLITE_SUBPROCESSES = pytest.mark.skipif(
    bool(os.environ.get("DEPOSITAIRE_DATABASE_URL")),
    reason="runs on its own SQLite data folder in subprocesses: run by the SQLite step",
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEPOSITAIRE_", "DJANGO_"))}
    env.update(extra)
    return env


def seed(env: dict[str, str], workers: int = 8) -> int:
    """Migrate, load the demo, add ``workers`` social workers (``charge.N``); the person's id."""
    return seed_ids(env, workers)[0]


def seed_ids(env: dict[str, str], workers: int = 8) -> tuple[int, int]:
    """As :func:`seed`; the ids of the person and of one of her secret facts."""
    code = SEED.format(workers=workers, password=PASSWORD, totp_key=TOTP_KEY)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    person, item = result.stdout.strip().splitlines()[-1].split()
    return int(person), int(item)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_serve(env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 2) -> Server:
    port = free_port()
    env = {
        **env,
        "DEPOSITAIRE_BIND": f"127.0.0.1:{port}",
        "DEPOSITAIRE_WORKERS": str(workers),
        "DEPOSITAIRE_THREADS": str(threads),
    }
    handle = log.open("wb")
    process = subprocess.Popen([*CLI, "serve"], env=env, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
    server = Server(process, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve stopped: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.base}/connexion/", timeout=5):  # noqa: S310
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    server.stop()
    raise AssertionError(f"serve did not answer: {log.read_text()}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Client:
    """Cookies, CSRF and the form's one-time token as a browser; redirects are returned, not
    followed. A post sends the one-time token of the page just read (GET the form first)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.token = ""
        self.once = ""

    def request(
        self, path: str, data: dict[str, object] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        body = None
        if data is not None:
            fields = {**data, "csrfmiddlewaretoken": self.token}
            if self.once:
                fields.setdefault("form_once", self.once)
            body = urllib.parse.urlencode(fields, doseq=True).encode()
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as response:
                status, text, headers = (
                    response.status,
                    response.read().decode(),
                    dict(response.headers),
                )
        except urllib.error.HTTPError as exc:
            status, text, headers = exc.code, exc.read().decode(errors="replace"), dict(exc.headers)
        match = CSRF.search(text)
        if match:
            self.token = match.group(1)
        once = ONCE.search(text)
        self.once = once.group(1) if once else ""
        return status, text, headers

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Both steps: the password, then the TOTP code of the seeded device."""
        import base64

        from web.mfa import code_for_secret

        self.request("/connexion/")
        status, text, _ = self.request("/connexion/", {"username": username, "password": password})
        assert status == 302, (status, text[:500])
        self.request("/connexion/code/")
        secret = base64.b32encode(bytes.fromhex(TOTP_KEY)).decode()
        step = _LAST_STEP.get(username, -1)
        code = code_for_secret(secret, after_step=step)
        _LAST_STEP[username] = max(step + 1, int(time.time()) // 30)
        status, text, _ = self.request("/connexion/code/", {"code": code})
        assert status == 302, (status, text[:500])


def pg_base_url() -> str | None:
    url = os.environ.get("DEPOSITAIRE_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def pg_params(url: str) -> dict[str, object]:
    from depositaire.web.env import database_from_url

    db = database_from_url(url)
    return {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


def create_pg_database(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(**pg_params(base), autocommit=True) as con:  # type: ignore[arg-type]
        con.execute(f'CREATE DATABASE "{name}"')
    return f"{base.rsplit('/', 1)[0]}/{name}"


def drop_pg_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(**pg_params(base), autocommit=True) as con:  # type: ignore[arg-type]
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

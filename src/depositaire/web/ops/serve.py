"""``depositaire serve``: gunicorn in front of the WSGI application, checked before it starts.

In production mode (``DEPOSITAIRE_PRODUCTION=1``) the server refuses to start, with a
French message naming the setting, when:

- ``DEPOSITAIRE_SECRET_KEY`` is missing or weak (Django's own criteria: at least 50
  characters, at least 5 different ones, not a ``django-insecure-`` key);
- the key folder (``DEPOSITAIRE_KEY_DIR``) or a secret file in it is open to group or
  others;
- Django's deployment checks (``check --deploy``) report any warning;
- the database is not migrated.

Workers and threads come from the settings (``DEPOSITAIRE_WORKERS``,
``DEPOSITAIRE_THREADS``); static files are served by WhiteNoise inside the application.
Gunicorn's own messages go through the same JSON formatter as the application's.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from depositaire.messages import has, t, tn

#: Django deployment check → the setting of this project that governs it.
CHECK_SETTINGS = {
    "security.W004": "DEPOSITAIRE_HTTPS",
    "security.W008": "DEPOSITAIRE_HTTPS",
    "security.W009": "DEPOSITAIRE_SECRET_KEY",
    "security.W012": "DEPOSITAIRE_HTTPS",
    "security.W016": "DEPOSITAIRE_HTTPS",
    "security.W018": "DEPOSITAIRE_DEBUG",
    "security.W020": "DEPOSITAIRE_ALLOWED_HOSTS",
}


class ServeError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def production() -> bool:
    from depositaire.web.env import env_bool

    return env_bool("DEPOSITAIRE_PRODUCTION", False)


def secret_key_problem() -> str | None:
    """Before Django is set up: a missing or weak secret key (Django's W009 criteria)."""
    value = os.environ.get("DEPOSITAIRE_SECRET_KEY", "")
    if not value:
        return t("ops.serve.error.secret_missing")
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure-"):
        return t("ops.serve.error.secret_weak", length=len(value))
    return None


def key_folder_problems(folder: Path) -> list[str]:
    """Group or others may enter the key folder or read a secret in it."""
    if not folder.exists():
        return []
    problems = []
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        problems.append(t("ops.serve.error.key_dir_mode", path=str(folder), mode=f"{mode:04o}"))
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix != ".pub":
            file_mode = stat.S_IMODE(path.stat().st_mode)
            if file_mode & 0o077:
                problems.append(
                    t("ops.serve.error.key_file_mode", path=str(path), mode=f"{file_mode:04o}")
                )
    return problems


def deploy_check_problems() -> list[str]:
    """Django's checks with the deployment ones: every warning, in French, naming the setting."""
    from django.core import checks

    problems = []
    for message in checks.run_checks(include_deployment_checks=True):
        if message.level < checks.WARNING or message.is_silenced():
            continue
        setting = CHECK_SETTINGS.get(message.id or "", "")
        key = f"ops.serve.check.{(message.id or '').replace('.', '_')}"
        if has(key):
            problems.append(t(key, setting=setting))
        else:
            problems.append(t("ops.serve.check.other", id=message.id or "?", detail=message.msg))
    return problems


def migration_problems() -> list[str]:
    from django.db import DatabaseError, connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return [t("ops.serve.error.database", detail=type(exc).__name__)]
    return [tn("ops.serve.error.migrations", len(plan))] if plan else []


def check(*, production_mode: bool) -> list[str]:
    """Every reason not to start (Django set up): empty when the server may start."""
    from django.conf import settings

    problems = []
    if production_mode:
        problems += key_folder_problems(Path(settings.KEY_DIR))
        problems += deploy_check_problems()
    problems += migration_problems()
    return problems


def options(bind: str | None = None) -> dict[str, Any]:
    from django.conf import settings

    workers, threads = int(settings.SERVE_WORKERS), int(settings.SERVE_THREADS)
    if workers < 1 or threads < 1:
        raise ServeError([t("ops.serve.error.workers", workers=workers, threads=threads)])
    recycle = int(settings.SERVE_MAX_REQUESTS)
    if recycle != 0 and recycle < 100:
        raise ServeError([t("ops.serve.error.max_requests", value=recycle)])
    return {
        "bind": bind or settings.SERVE_BIND,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": int(settings.SERVE_TIMEOUT),
        "keepalive": int(settings.SERVE_KEEPALIVE),
        "graceful_timeout": 30,
        # A worker is replaced after this many requests (its memory starts again; the new
        # one warms up before its first request, ``warmup``).
        "max_requests": recycle,
        "max_requests_jitter": recycle // 10,
        # One line per request comes from the application (with its request id).
        "accesslog": None,
        "errorlog": "-",
        "logconfig_dict": _gunicorn_logging(),
        "proc_name": "depositaire",
        # Behind the reverse proxy only: X-Forwarded-* from the loopback are trusted.
        "forwarded_allow_ips": "127.0.0.1,::1",
        "limit_request_line": 8190,
    }


def _gunicorn_logging() -> dict[str, Any]:
    from django.conf import settings

    formatter = settings.LOGGING["handlers"]["console"].get("formatter", "json")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": settings.LOGGING["formatters"],
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
        },
        "root": {"level": "WARNING", "handlers": ["console"]},
    }


def run(bind: str | None = None) -> None:
    """Start gunicorn (blocks until it stops)."""
    from django.conf import settings
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    config = options(bind)
    # The workers open their own connections: none is inherited across the fork.
    connections.close_all()
    # Inherited by every worker: at most this many password hashes at once on the machine.
    from depositaire.web.ops.hashers import share_between_processes

    share_between_processes(
        Path(settings.DATA_DIR) / "run", int(settings.PASSWORD_HASHING_MACHINE_SLOTS)
    )

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from depositaire.web.ops.warmup import warm_up
            from depositaire.web.wsgi import application

            # In each worker, before its first request (see ops.warmup).
            warm_up()
            return application

    Application().run()

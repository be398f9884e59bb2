"""One settings module, read from the environment; strict and secure by default.

SQLite in ``DEPOSITAIRE_DATA_DIR`` is the embedded default; PostgreSQL when
``DEPOSITAIRE_DATABASE_URL`` is set. DEBUG is off unless asked. Keys (the
encryption key ring, the journal's signing key) live in ``DEPOSITAIRE_KEY_DIR``,
outside the database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from depositaire.web.env import (
    SettingError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("DEPOSITAIRE_DATA_DIR", Path.cwd() / "var")
KEY_DIR = env_path("DEPOSITAIRE_KEY_DIR", DATA_DIR / "keys")
DEBUG = env_bool("DEPOSITAIRE_DEBUG", False)
PRODUCTION = env_bool("DEPOSITAIRE_PRODUCTION", False)


def _secret_key() -> str:
    value = env_str("DEPOSITAIRE_SECRET_KEY")
    if value:
        return value
    if PRODUCTION:
        raise SettingError("DEPOSITAIRE_SECRET_KEY is required in production")
    path = KEY_DIR / "django-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DEPOSITAIRE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DEPOSITAIRE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "depositaire.web.accounts",
    "depositaire.web.journal",
    "depositaire.web.cases",
    "depositaire.web.consent",
    "depositaire.web.disclosures",
    "depositaire.web.incoming",
    "depositaire.web.api",
    # django-ninja: its documentation page served from local static files (no CDN).
    "ninja",
]

MIDDLEWARE = [
    "depositaire.web.db.ReadIntentMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "depositaire.web.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "depositaire.web.accounts.middleware.OTPMiddleware",
    "depositaire.web.accounts.language.LanguageMiddleware",
    "depositaire.web.accounts.middleware.IdleTimeoutMiddleware",
    "depositaire.web.accounts.middleware.NullCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "depositaire.web.views.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "depositaire.web.urls"
# Django's widget templates, the common widgets written in Python (same markup, a fraction
# of the CPU: see depositaire/web/renderer.py).
FORM_RENDERER = "depositaire.web.renderer.FormRenderer"
WSGI_APPLICATION = "depositaire.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                # The user itself rather than its lazy proxies (accounts/context.py).
                "depositaire.web.accounts.context.user",
                "django.contrib.messages.context_processors.messages",
                "depositaire.web.cases.emergency.badge",
                "depositaire.web.accounts.language.language_context",
            ],
        },
    }
]

_db_url = env_str("DEPOSITAIRE_DATABASE_URL")
if _db_url:
    DATABASES = {"default": database_from_url(_db_url)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite in WAL mode; safe requests read without the write lock,
            # others take it when they begin; the journal is chained just before the
            # commit (depositaire/web/db/).
            "ENGINE": "depositaire.web.db.sqlite3",
            "NAME": env_path("DEPOSITAIRE_SQLITE_PATH", DATA_DIR / "depositaire.sqlite3"),
            # How long a writer waits for the write lock before "database is locked"
            # (Python's default, 5 s, gave 500s under load; a wait is better).
            "OPTIONS": {"timeout": env_int("DEPOSITAIRE_SQLITE_TIMEOUT", 30)},
        }
    }

# A request changes the file and appends to the journal in one transaction: both are
# stored, or neither (an error half-way leaves nothing half-written).
DATABASES["default"]["ATOMIC_REQUESTS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# UserBackend makes every login; ModelBackend only keeps the sessions signed under its path
# (before UserBackend existed) signed in (depositaire.web.accounts.backends).
AUTHENTICATION_BACKENDS = [
    "depositaire.web.accounts.backends.UserBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    # argon2id per OWASP (19 MiB, t=2, p=1), a bounded number at once (ops/hashers.py).
    "depositaire.web.ops.hashers.BoundedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "depositaire.web.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "depositaire.web.accounts.passwords.VarietyValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "accounts:login"
#: Failed logins allowed per username and per address in the throttling window.
#: Failed logins allowed per (address, account) in the throttling window; an address
#: alone never blocks (behind a proxy, a whole organisation shares one address).
LOGIN_MAX_FAILURES = env_int("DEPOSITAIRE_LOGIN_MAX_FAILURES", 5)
#: Failed logins allowed per account from all addresses together.
LOGIN_MAX_FAILURES_ACCOUNT = env_int("DEPOSITAIRE_LOGIN_MAX_FAILURES_ACCOUNT", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("DEPOSITAIRE_LOGIN_FAILURE_WINDOW", 900)

#: API throttling (django-ninja's throttles, in the cache): per token, and per address
#: for calls without a valid token. "N/s", "N/m", "N/h" or "N/d".
DEPOSITAIRE_API_RATE = env_str("DEPOSITAIRE_API_RATE") or "1200/m"
DEPOSITAIRE_API_ANON_RATE = env_str("DEPOSITAIRE_API_ANON_RATE") or "120/m"
#: The API answers no cross-origin browser call (no CORS headers are ever sent).

LANGUAGE_CODE = "fr-be"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# Uploads never touch the disk in clear: kept in memory up to the limit, dropped beyond.
FILE_UPLOAD_HANDLERS = ["depositaire.web.uploads.InMemoryOnlyUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 + 64 * 1024  # the 5 MB document limit + the form

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The project's own static files (CSS, htmx) live beside the templates, outside any app.
STATICFILES_DIRS = [BASE_DIR / "static"]

# Sessions and cookies: secure by default, relaxed only for the local HTTP demo.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = env_int("DEPOSITAIRE_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
#: Session keys are stored hashed (a copy of the database opens no session).
SESSION_ENGINE = "depositaire.web.accounts.sessions"
#: A session unused for this long ends (besides the absolute SESSION_COOKIE_AGE).
SESSION_IDLE_SECONDS = env_int("DEPOSITAIRE_SESSION_IDLE_SECONDS", 30 * 60)
#: The one-time password link an administrator sends is valid this long.
PASSWORD_RESET_TIMEOUT = env_int("DEPOSITAIRE_PASSWORD_RESET_SECONDS", 24 * 3600)
#: The reset link is mailed through Django's e-mail backend (console by default:
#: printed on the server's terminal; set SMTP in production).
EMAIL_BACKEND = env_str(
    "DEPOSITAIRE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("DEPOSITAIRE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DEPOSITAIRE_EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("DEPOSITAIRE_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEPOSITAIRE_EMAIL_FROM", "depositaire@localhost")
#: The issuer shown in the TOTP application.
OTP_TOTP_ISSUER = "Dépositaire"
#: WebAuthn passkeys (django-otp-webauthn), an optional second factor besides TOTP.
#: Only as a second factor: never a login without the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Dépositaire"
#: The relying party id is DEPOSITAIRE_WEBAUTHN_RP_ID, else the host of the request
#: (checked by ALLOWED_HOSTS). Browsers refuse an IP address: use a name (localhost).
OTP_WEBAUTHN_RP_ID_CALLABLE = "depositaire.web.accounts.passkeys.relying_party_id"
WEBAUTHN_RP_ID = env_str("DEPOSITAIRE_WEBAUTHN_RP_ID", "")
#: The origins a passkey ceremony may come from (https, or http://localhost); the
#: origin of a request to localhost is also accepted, whatever its port (the demo, tests).
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("DEPOSITAIRE_WEBAUTHN_ORIGINS", ["http://localhost:8000"])
OTP_WEBAUTHN_HELPER_CLASS = "depositaire.web.accounts.passkeys.Helper"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "depositaire.web.views.csrf_failure"
CSRF_COOKIE_SAMESITE = "Strict"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_https = env_bool("DEPOSITAIRE_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None

# Logs: JSON lines on standard error, each with its request id, no personal data
# (depositaire.web.ops.logs); DEPOSITAIRE_LOG_FORMAT=text for plain lines.
_log_format = env_str("DEPOSITAIRE_LOG_FORMAT", "json")
if _log_format not in {"json", "text"}:
    raise SettingError(f"DEPOSITAIRE_LOG_FORMAT must be json or text, not {_log_format!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "depositaire.web.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": _log_format}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "depositaire.request": {"level": env_str("DEPOSITAIRE_REQUEST_LOG_LEVEL", "INFO")},
    },
}

# --- Running for real: `depositaire serve` (gunicorn), docs/deploy.md -----------------
# Request ids and one log line per request (outermost); static files by WhiteNoise.
MIDDLEWARE.insert(0, "depositaire.web.ops.logs.RequestLogMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "depositaire.web.ops.static.StaticFilesMiddleware",
)
# Served from the project's static folders directly: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
# The monitoring may ask over plain HTTP on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SERVE_BIND = env_str("DEPOSITAIRE_BIND", "127.0.0.1:8000")
SERVE_WORKERS = env_int("DEPOSITAIRE_WORKERS", 4)
SERVE_THREADS = env_int("DEPOSITAIRE_THREADS", 2)
SERVE_TIMEOUT = env_int("DEPOSITAIRE_TIMEOUT", 60)
#: Requests after which a worker is replaced by a fresh one (gunicorn's ``max_requests``,
#: with up to a tenth more at random so that the workers are not replaced together; 0:
#: never). The engine's memos are bounded in entries, not in bytes: one process that
#: decided 100,000 varied situations (``scripts/bench.py``'s generator) held 700 MB.
SERVE_MAX_REQUESTS = env_int("DEPOSITAIRE_MAX_REQUESTS", 20000)
#: Seconds an idle keep-alive connection is kept open (gunicorn's default, 2 s, is shorter
#: than a client's pause between two pages: the client then reuses a connection the
#: server is closing, "connection reset by peer"; measured with make load).
SERVE_KEEPALIVE = env_int("DEPOSITAIRE_KEEPALIVE", 5)
#: Password hashes (argon2, 19 MiB each) computed at once in one process.
PASSWORD_HASHING_SLOTS = env_int("DEPOSITAIRE_HASHING_SLOTS", 1)
#: Password hashes computed at once on the machine, all ``serve`` workers together
#: (ops/hashers.py): half the cores, so that a burst of logins leaves the rest to pages.
PASSWORD_HASHING_MACHINE_SLOTS = env_int(
    "DEPOSITAIRE_HASHING_MACHINE_SLOTS", max(1, (os.cpu_count() or 2) // 2)
)

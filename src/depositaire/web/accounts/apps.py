from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any

from django.apps import AppConfig

from depositaire.messages import lazy_t

#: Journal actions of the accounts app (labels: ``journal.action.<code>``).
ACTIONS = (
    "login_password",
    "mfa_enrolled",
    "mfa_failed",
    "session_ended",
    "session_idle",
    "password_changed",
    "password_reset_sent",
    "password_set",
    "account_change_requested",
    "account_change_approved",
    "account_change_refused",
    "account_change_refused_self",
    "admin_action",
    "list_viewed",
    "break_glass",
    "passkey_enrolled",
    "passkey_removed",
    "break_glass_reviewed",
)
DETAIL_KEYS = ("role_before", "role_after", "model", "flag", "fields", "email_changed", "view")

log = logging.getLogger("depositaire.security")


def keep_database_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The SQLite file (and its journal files) 0600 in a 0700 folder, from the first connection."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    from depositaire.web.crypto import ensure_private_dir

    ensure_private_dir(path.parent)
    for candidate in (path, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
        try:
            st = candidate.stat()
        except FileNotFoundError:
            continue
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            candidate.chmod(0o600)
            # SQLite has just created an empty file with the umask's mode: nothing to report.
            if st.st_size:
                log.warning("%s was %04o: now 0600", candidate, mode)


class AccountsConfig(AppConfig):
    name = "depositaire.web.accounts"
    label = "accounts"
    verbose_name = lazy_t("web.admin.accounts_app")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from depositaire.web.journal.codes import register_action, register_detail_keys

        for code in ACTIONS:
            register_action(code)
        register_detail_keys(*DETAIL_KEYS)
        connection_created.connect(keep_database_private, dispatch_uid="depositaire-private-db")

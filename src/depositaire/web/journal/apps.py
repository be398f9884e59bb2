from __future__ import annotations

from django.apps import AppConfig


class JournalConfig(AppConfig):
    """The journal app: it depends on no other app of the project (plain integer ids)."""

    name = "depositaire.web.journal"
    label = "journal"
    default_auto_field = "django.db.models.BigAutoField"

from __future__ import annotations

from django.apps import AppConfig


class JournalConfig(AppConfig):
    """The journal app: it depends on no other app of the project (plain integer ids)."""

    name = "depositaire.web.journal"
    label = "journal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.journal import rows
        from depositaire.web.journal.codes import register_action

        register_action("row_sealed", detail_keys=("model",))
        register_action("rows_sealed_existing")
        rows.connect()

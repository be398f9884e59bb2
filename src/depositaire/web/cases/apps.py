from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "depositaire.web.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.cases.sealing import register

        register("cases.InformationItem", "content", "change_note")
        register("cases.Person", "national_number", "address", "household")
        register("cases.EmergencyAccess", "statement")

        from depositaire.web.journal.codes import register_action

        # Issue 12: corrections with history, refused accesses.
        register_action("item_corrected", detail_keys=("reason",))
        register_action("item_withdrawn")
        register_action("access_denied", detail_keys=("denied",))

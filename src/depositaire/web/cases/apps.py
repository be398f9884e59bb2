from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "depositaire.web.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.cases.sealing import register

        register("cases.InformationItem", "content")
        register("cases.Person", "national_number", "address", "household")
        register("cases.EmergencyAccess", "statement")

from __future__ import annotations

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "depositaire.web.consent"
    label = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.cases.sealing import register

        register("consent.Consent", "information_given")

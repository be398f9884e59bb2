from __future__ import annotations

from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "depositaire.web.disclosures"
    label = "disclosures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.cases.sealing import register

        register("disclosures.Disclosure", "extract_html", "extract_pdf")

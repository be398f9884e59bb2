from __future__ import annotations

from django.apps import AppConfig

from depositaire.messages import lazy_t


class DisclosuresConfig(AppConfig):
    name = "depositaire.web.disclosures"
    label = "disclosures"
    verbose_name = lazy_t("web.admin.disclosures_app")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.cases.sealing import register

        register("disclosures.Disclosure", "extract_html", "extract_pdf")

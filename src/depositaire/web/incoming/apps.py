from __future__ import annotations

from django.apps import AppConfig


class IncomingConfig(AppConfig):
    name = "depositaire.web.incoming"
    label = "incoming"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.cases.sealing import register

        register("incoming.IncomingRequest", "request_text")
        register("incoming.RequestDocument", "filename", "data")
        register("incoming.RequestAnswer", "letter_pdf")
        register("incoming.RequestReopening", "statement")

        from depositaire.web.journal.codes import register_action

        register_action("request_reopened", detail_keys=("reason",))

from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "depositaire.web.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from depositaire.web.journal.codes import register_action, register_detail_keys

        register_action("api_token_created")
        register_action("api_token_revoked")
        register_detail_keys("via", "scopes", "expires", "replaced_by")

from __future__ import annotations

from django.apps import AppConfig

from depositaire.messages import t


class AccountsConfig(AppConfig):
    name = "depositaire.web.accounts"
    label = "accounts"
    verbose_name = t("web.admin.accounts_app")
    default_auto_field = "django.db.models.BigAutoField"

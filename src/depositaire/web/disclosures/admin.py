"""The organisation's data-protection officer, set by the system administrator."""

from __future__ import annotations

from django.contrib import admin

from depositaire.web.accounts.admin import ScopedAdmin, site
from depositaire.web.disclosures.models import PrivacyContact


@admin.register(PrivacyContact, site=site)
class PrivacyContactAdmin(ScopedAdmin):
    list_display = ("organisation", "dpo_name", "dpo_email")

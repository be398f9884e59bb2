"""URLs: login, the file, consents, disclosures and the restricted admin (users, organisations, teams)."""

from __future__ import annotations

from django.urls import include, path

from depositaire.web.accounts.admin import site as admin_site
from depositaire.web.api.urls import api_urlpatterns
from depositaire.web.ops.health import health
from depositaire.web.views import error_view, server_error

urlpatterns = [
    path("", include("depositaire.web.accounts.urls")),
    path("", include("depositaire.web.cases.urls")),
    path("", include("depositaire.web.consent.urls")),
    path("", include("depositaire.web.disclosures.urls")),
    path("", include("depositaire.web.incoming.urls")),
    path("", include("depositaire.web.api.urls")),
    path("administration/", admin_site.urls),
    path("sante/", health, name="health"),
    *api_urlpatterns,
]

handler400 = error_view(400)
handler403 = error_view(403)
handler404 = error_view(404)
handler500 = server_error

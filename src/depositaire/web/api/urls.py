"""``/api/v1/`` (the API, its schema and its documentation page) and the token pages."""

from __future__ import annotations

from django.urls import path, re_path

from depositaire.web.api import views
from depositaire.web.api.api import api, not_found

app_name = "api_tokens"

urlpatterns = [
    path("jetons-api/", views.token_list, name="list"),
    path("jetons-api/<int:token_id>/revoquer/", views.token_revoke, name="revoke"),
]

api_urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", not_found, name="api_not_found"),
]

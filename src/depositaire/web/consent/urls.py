from __future__ import annotations

from django.urls import path

from depositaire.web.consent import views

app_name = "consent"

urlpatterns = [
    path(
        "personnes/<int:person_id>/consentements/nouveau/",
        views.consent_create,
        name="consent_create",
    ),
    path(
        "consentements/<int:consent_id>/retirer/", views.consent_withdraw, name="consent_withdraw"
    ),
    path("consentements/<int:consent_id>/fhir.json", views.consent_fhir, name="consent_fhir"),
    path(
        "personnes/<int:person_id>/oppositions/nouvelle/",
        views.objection_create,
        name="objection_create",
    ),
    path("oppositions/<int:objection_id>/lever/", views.objection_lift, name="objection_lift"),
]

from __future__ import annotations

from django.urls import path

from depositaire.web.cases import emergency, views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("personnes/", views.person_list, name="person_list"),
    path("personnes/nouvelle/", views.person_create, name="person_create"),
    path("personnes/<int:person_id>/", views.person_detail, name="person_detail"),
    path("personnes/<int:person_id>/elements/nouveau/", views.item_create, name="item_create"),
    path("elements/<int:item_id>/", views.item_detail, name="item_detail"),
    path("elements/<int:item_id>/corriger/", views.item_correct, name="item_correct"),
    path("elements/<int:item_id>/retirer/", views.item_withdraw, name="item_withdraw"),
    path("acces-urgence/", emergency.emergency_open, name="emergency_open"),
    path("acces-urgence/liste/", emergency.emergency_list, name="emergency_list"),
]

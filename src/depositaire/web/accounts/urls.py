from __future__ import annotations

from django.urls import path

from depositaire.web.accounts import language, passkeys, views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("connexion/code/", views.mfa_view, name="mfa"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("compte/sessions/", views.sessions_view, name="sessions"),
    path("langue/", language.switch_language, name="language"),
    path("compte/mot-de-passe/", views.password_change_view, name="password_change"),
    path(
        "compte/nouveau-mot-de-passe/<str:uidb64>/<str:token>/",
        views.password_set_view,
        name="password_set",
    ),
    path("compte/approbations/", views.approvals_view, name="approvals"),
    path("compte/cles-d-acces/", passkeys.passkeys_view, name="passkeys"),
    path(
        "compte/cles-d-acces/ajout/debut/", passkeys.register_begin, name="passkey_register_begin"
    ),
    path(
        "compte/cles-d-acces/ajout/fin/",
        passkeys.register_complete,
        name="passkey_register_complete",
    ),
    path("connexion/cle/debut/", passkeys.auth_begin, name="passkey_auth_begin"),
    path("connexion/cle/fin/", passkeys.auth_complete, name="passkey_auth_complete"),
]

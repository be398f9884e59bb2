from __future__ import annotations

from django.urls import path

from depositaire.web.incoming import views

app_name = "incoming"

urlpatterns = [
    path("demandes/", views.request_list, name="list"),
    path("demandes/nouvelle/", views.request_create, name="create"),
    path("demandes/envoyer/", views.outgoing_create, name="outgoing_create"),
    path("demandes/suivi/", views.follow_up, name="follow_up"),
    path("demandes/registre/", views.register, name="register"),
    path("demandes/<int:incoming_id>/", views.request_detail, name="detail"),
    path("demandes/<int:incoming_id>/examen/", views.examine, name="examine"),
    path("demandes/<int:incoming_id>/examen/recommencer/", views.restart, name="restart"),
    path("demandes/<int:incoming_id>/reponse/", views.answer, name="answer"),
    path("demandes/<int:incoming_id>/rouvrir/", views.reopen, name="reopen"),
    path("demandes/<int:incoming_id>/reponse.pdf", views.letter_pdf, name="letter_pdf"),
    path("demandes/<int:incoming_id>/pieces/", views.document_add, name="document_add"),
    path("demandes/pieces/<int:document_id>/", views.document_download, name="document"),
]

from __future__ import annotations

from django.urls import path

from depositaire.web.disclosures import report, views

app_name = "disclosures"

urlpatterns = [
    path("personnes/<int:person_id>/communications/nouvelle/", views.prepare, name="prepare"),
    path("communications/<int:disclosure_id>/", views.detail, name="detail"),
    path("communications/<int:disclosure_id>/transmettre/", views.send, name="send"),
    path("communications/<int:disclosure_id>/extrait/", views.extract, name="extract"),
    path("communications/<int:disclosure_id>/extrait.pdf", views.extract_pdf, name="extract_pdf"),
    path("communications/recues/", views.inbox, name="inbox"),
    path("comite/", views.session_list, name="session_list"),
    path("comite/nouvelle-seance/", views.session_create, name="session_create"),
    path("comite/<int:session_id>/", views.session_detail, name="session_detail"),
    path("registres/", views.registers, name="registers"),
    path("registres/journal/", views.journal_page, name="journal"),
    path("registres/journal.csv", views.journal_csv, name="journal_csv"),
    path("registres/revision/", views.recheck_page, name="recheck"),
    path("personnes/<int:person_id>/rapport/", report.report, name="report"),
    path("personnes/<int:person_id>/rapport.pdf", report.report_pdf, name="report_pdf"),
]

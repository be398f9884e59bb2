"""The person's report: categories only, who received what and why, consents, automatic flows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.disclosures.models import Disclosure
from depositaire.web.journal.models import JournalEntry
from web.factories import World

pytestmark = pytest.mark.django_db


def _prepare_and_send(client: Any, world: World) -> Disclosure:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    client.post(
        reverse("disclosures:prepare", kwargs={"person_id": w.person.pk}),
        {
            "recipient_kind": "cpas_special_committee",
            "purpose": "aid_decision",
            "session": w.session.pk,
            "necessary_only": "true",
            "items": [w.confidence.pk, w.secret_fact.pk],
            "action": "prepare",
        },
    )
    d = Disclosure.objects.latest("pk")
    client.post(reverse("disclosures:send", kwargs={"disclosure_id": d.pk}))
    return d


def test_the_report_tells_the_person_in_plain_french_what_the_file_holds_and_who_received_what(
    client: Any, world: World
) -> None:
    w = world.a
    _prepare_and_send(client, world)
    page = client.get(reverse("disclosures:report", kwargs={"person_id": w.person.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    # Categories only; the confidence as the agreed sentence, never its content or categories.
    assert "les revenus" in body and "la composition du ménage" in body
    assert "une confidence, connue seulement de votre assistant(e) social(e)" in body
    assert w.confidence_text not in body and w.secret_fact_text not in body
    assert "le ressenti" not in body and "les difficultés familiales" not in body
    # Who received what, on which legal basis.
    assert "le Comité spécial du service social" in body
    assert "Le circuit interne du CPAS" in body
    assert "article 36 de la loi organique des CPAS de 1976" in body
    assert "information du CPAS de Profondeville" not in body and "(commentaire)" not in body
    assert "Autorité de protection des données" in body and "article 77" in body
    # Consents and objections on record.
    assert "Vous avez accepté la communication de" in body and "Vous refusez le partage de" in body
    # The Crossroads Bank flows of 002.
    assert "Banque Carrefour" in body and "Cadastre des biens immobiliers" in body
    assert "Office des étrangers l'apprend automatiquement" not in body  # a Belgian national
    assert JournalEntry.objects.filter(
        action="report_viewed", target=f"person:{w.person.pk}"
    ).exists()


def test_a_draft_not_yet_sent_is_not_reported_as_received(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    page = client.get(reverse("disclosures:report", kwargs={"person_id": w.person.pk}))
    received = [d["disclosure"].pk for d in page.context["disclosures"]]
    assert w.disclosures["draft"].pk not in received
    assert w.disclosures["committee"].pk in received


def test_a_foreigner_is_told_about_the_flow_to_the_immigration_office(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.other_team_worker)
    body = client.get(
        reverse("disclosures:report", kwargs={"person_id": w.other_team_person.pk})
    ).content.decode()
    assert "L&#x27;Office des étrangers" in body or "L'Office des étrangers" in body
    assert "seulement le type d&#x27;aide, sa période et le CPAS concerné" in body
    assert "jamais les frais médicaux" in body


def test_the_report_pdf_is_journaled_as_an_export(client: Any, world: World) -> None:
    from pypdf import PdfReader

    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.get(reverse("disclosures:report_pdf", kwargs={"person_id": w.person.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "une confidence, connue seulement de votre assistant(e) social(e)" in text.replace(
        "\n", " "
    )
    assert w.confidence_text not in text
    entry = JournalEntry.objects.filter(action="export").latest("seq")
    assert entry.details["format"] == "pdf" and len(entry.details["report_sha256"]) == 64

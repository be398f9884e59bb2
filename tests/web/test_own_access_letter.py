"""The person's own access (QA s10 item 2): an item of her file that also carries categories
she did not name (household, aid period) may go out to her when the engine lets all its
categories out; to anyone else the decision's lists are never widened. When nothing may go
out, the page says why and the letter says so without saying anything of the file."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from depositaire.engine.explain import category_label
from depositaire.web.accounts import roles
from depositaire.web.incoming import examination
from depositaire.web.incoming.models import RequestAnswer
from web.factories import World, make_item
from web.test_incoming import ANSWERS, PROSECUTOR, close, examine, page_text, pdf_text, register

pytestmark = pytest.mark.django_db

#: The person writes: what are my income and my aid on the file?
OWN = {
    "requester_kind": "the_person",
    "requester_name": "Aline",
    "requester_contact": "Rue des Lilas 3, 5000 Testville",
    "channel": "letter",
    "categories": ["income", "aid_granted"],
    "claimed_basis": "none",
}
RIS = "RIS-OWN 1 200 € par mois pour le ménage depuis mars 2026"


@pytest.fixture
def sw(client: Any, world: World) -> Any:
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    return world.a.users[roles.SOCIAL_WORKER]


def answer_page(client: Any, incoming: Any) -> Any:
    return client.get(reverse("incoming:answer", kwargs={"incoming_id": incoming.pk}))


def test_the_persons_own_request_gets_her_item_that_also_carries_household_and_aid_period(
    client: Any, world: World, sw: Any
) -> None:
    w = world.a
    item = make_item(
        w.person,
        sw,
        nature="secret_fact",
        categories=["income", "household", "aid_period"],
        text=RIS,
    )
    incoming = register(client, w.person, OWN)
    examine(client, incoming, {})
    page = answer_page(client, incoming)
    # The general decision lets out what she named; the letter rests on the wider one.
    incoming.refresh_from_db()
    assert examination.load(incoming).decision.may_disclose == ["income", "aid_granted"]
    offered = page.context["form"].sources
    assert f"item:{item.pk}" in offered and f"item:{w.secret_fact.pk}" in offered
    assert f"item:{w.confidence.pk}" not in offered  # a confidence never goes out here
    assert "nothing-offered" not in page_text(page)
    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    text = pdf_text(answer.get_pdf())
    assert RIS in " ".join(text.split()) and w.confidence_text not in text
    # Recorded as it went out: the item's categories, all let out by the engine.
    assert {"income", "household", "aid_period"} <= set(answer.sent_categories)
    assert {"income", "household", "aid_period"} <= set(answer.decision["may_disclose"])
    assert item in answer.items.all()
    # QA s11: the stored situation is the one that decision was taken on (her categories
    # and the item's): the DPO's « Décisions à revoir » listed this fresh answer as changed.
    from depositaire.engine.recheck import recheck
    from depositaire.web.disclosures.recheck import stored_decisions

    assert {"income", "household", "aid_period"} <= set(
        answer.situation["information"]["categories"]
    )
    assert recheck(stored_decisions(w.org.pk)).changes == []


def test_an_authority_never_gets_an_item_carrying_a_category_it_did_not_ask_for(
    client: Any, world: World, sw: Any
) -> None:
    w = world.a
    item = make_item(
        w.person, sw, nature="secret_fact", categories=["aid_granted", "aid_period"], text=RIS
    )
    incoming = register(client, w.person, PROSECUTOR)
    examine(client, incoming, ANSWERS["prosecutor"])
    page = answer_page(client, incoming)
    decision = page.context["decision"]
    assert "aid_period" not in decision.may_disclose
    assert f"item:{item.pk}" not in page.context["form"].sources
    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert "RIS-OWN" not in pdf_text(answer.get_pdf())
    assert "aid_period" not in answer.sent_categories


def test_nothing_to_offer_is_explained_on_the_page_and_the_letter_says_it_without_the_file(
    client: Any, world: World, sw: Any
) -> None:
    w = world.a
    incoming = register(client, w.person, {**OWN, "categories": ["aid_granted"]})
    examine(client, incoming, {})
    page = answer_page(client, incoming)
    assert not page.context["form"].sources
    body = " ".join(page_text(page).split())
    assert "Aucune information du dossier n'est proposée" in body
    assert "ni donnée de la fiche ni fait secret enregistré" in body and "l'aide accordée" in body
    letter = " ".join(
        b.get("text", "") + " ".join(b.get("items", [])) for b in page.context["letter"]
    )
    assert "aucune ne peut l'être pour cette demande" in letter
    assert "aucune information du dossier" not in letter
    assert close(client, incoming).status_code == 302
    text = " ".join(pdf_text(RequestAnswer.objects.get(request=incoming).get_pdf()).split())
    assert "aucune ne peut l'être pour cette demande" in text and "fiche" not in text


def test_an_item_mixed_with_a_category_kept_back_is_explained_on_the_page(
    client: Any, world: World, sw: Any
) -> None:
    w = world.a
    make_item(w.person, sw, nature="secret_fact", categories=["aid_granted", "health"], text=RIS)
    incoming = register(client, w.person, {**PROSECUTOR, "categories": ["aid_granted"]})
    examine(client, incoming, ANSWERS["prosecutor"])
    page = answer_page(client, incoming)
    assert page.context["decision"].may_disclose == ["aid_granted"]
    assert not page.context["form"].sources
    body = " ".join(page_text(page).split())
    assert "enregistrés avec d'autres catégories" in body and "la santé" in body
    letter = " ".join(
        b.get("text", "") + " ".join(b.get("items", [])) for b in page.context["letter"]
    )
    assert "aucune ne peut l'être" in letter and "santé" not in letter and "RIS-OWN" not in letter


def test_the_covering_line_guard_names_the_category_that_is_disallowed(
    client: Any, world: World, sw: Any
) -> None:
    # The item carries the aid granted (let out) and health (kept back): a covering line
    # repeating it is refused as health, never as « l'aide accordée », which may go out.
    w = world.a
    make_item(w.person, sw, nature="secret_fact", categories=["aid_granted", "health"], text=RIS)
    incoming = register(client, w.person, {**PROSECUTOR, "categories": ["aid_granted"]})
    examine(client, incoming, ANSWERS["prosecutor"])
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    response = client.post(url, {"covering_note": "Voir " + RIS, "action": "preview"})
    assert response.status_code == 400
    body = page_text(response)
    assert "ne permet pas de communiquer (la santé)" in body
    assert "(l'aide accordée" not in body


def test_a_value_left_out_by_the_worker_is_refused_in_the_covering_line_as_left_out(
    client: Any, world: World, sw: Any
) -> None:
    w = world.a
    item = make_item(
        w.person,
        sw,
        nature="secret_fact",
        categories=["income", "household", "aid_period"],
        text=RIS,
    )
    incoming = register(client, w.person, OWN)
    examine(client, incoming, {})
    url = reverse("incoming:answer", kwargs={"incoming_id": incoming.pk})
    kept = [f"item:{item.pk}"]
    # The decision lets it out, the worker unticked it: refused as left out, not as
    # disallowed (it would go out unrecorded).
    note = "Voir " + w.secret_fact_text
    response = client.post(url, {"sources": kept, "covering_note": note, "action": "preview"})
    assert response.status_code == 400
    body = page_text(response)
    assert "que vous avez décochée (la composition du ménage" in body
    assert "contient une donnée du dossier que la décision ne permet pas" not in body
    # Carried by the letter, it may be repeated.
    both = [*kept, f"item:{w.secret_fact.pk}"]
    response = client.post(url, {"sources": both, "covering_note": note, "action": "preview"})
    assert response.status_code == 200
    # The confidence stays a confidence: refused as such.
    note = "Voir " + w.confidence_text
    response = client.post(url, {"sources": both, "covering_note": note, "action": "preview"})
    assert response.status_code == 400
    assert "contient une donnée du dossier que la décision ne permet pas" in page_text(response)


def test_the_persons_report_says_you_asked_for_her_own_request(
    client: Any, world: World, sw: Any
) -> None:
    """QA s11: the report, written to the person, said « la personne elle-même (Aline) a
    demandé : … » of her own request."""
    from depositaire.messages import t

    w = world.a
    incoming = register(client, w.person, OWN)
    examine(client, incoming, {})
    assert close(client, incoming).status_code == 302
    report = page_text(client.get(reverse("disclosures:report", args=[w.person.pk])))
    day = incoming.received_at
    from depositaire.web.accounts.templatetags.dep import fr_date

    own = t(
        "incoming.report.line_own", date=fr_date(day), categories="les revenus, l'aide accordée"
    )
    assert own in report
    assert "la personne elle-même" not in report


def test_a_cpas_persons_access_letter_and_report_do_not_name_the_youth_care_code(
    client: Any, world: World, sw: Any
) -> None:
    """QA s11 (legal): the youth-care code binds youth-care services only (001); a CPAS's
    letter and report name the general principle instead, never an empty basis. The note
    of the file still cites it."""
    from depositaire.messages import t

    w = world.a
    incoming = register(client, w.person, OWN)
    examine(client, incoming, {})
    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.decision["rules"] == ["person_access"]
    letter = " ".join(pdf_text(answer.get_pdf()).split())
    assert "aide à la jeunesse" not in letter
    assert t("documents.public_basis_none")[1:] in letter
    report = page_text(client.get(reverse("disclosures:report", args=[w.person.pk])))
    assert "aide à la jeunesse" not in report
    assert t("documents.public_basis_none")[1:] in report
    note = " ".join(c["label"] for c in answer.decision["citations"])
    assert "aide à la jeunesse" in note


def test_the_persons_own_request_is_an_access_request_not_an_informal_one(
    client: Any, world: World, sw: Any
) -> None:
    """QA s11: the person's own letter was registered as « une demande informelle »; with no
    other basis claimed, it is her access request (youth-care code art. 7, 001)."""
    incoming = register(client, world.a.person, OWN)
    examine(client, incoming, {})
    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.situation["request"]["kind"] == "access_request"
    assert "person_access" in answer.decision["rules"]


def test_the_own_access_decision_panel_shows_what_her_letter_lets_out(
    client: Any, world: World, sw: Any
) -> None:
    """QA: the panel « La décision » of her own request showed the general decision (what
    she named: income, aid granted) while the letter rested on the wider one (the household
    and the aid period her item carries too): the panel now shows the letter's, on the
    examination's last page and on the answer page."""
    w = world.a
    make_item(
        w.person,
        sw,
        nature="secret_fact",
        categories=["income", "household", "aid_period"],
        text=RIS,
    )
    incoming = register(client, w.person, OWN)
    examine(client, incoming, {})
    pages = [
        client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk})),
        answer_page(client, incoming),
    ]
    shown = [p.context["decision"].may_disclose for p in pages]
    panels = [_may(p) for p in pages]
    assert close(client, incoming).status_code == 302
    letter = RequestAnswer.objects.get(request=incoming).decision["may_disclose"]
    assert {"household", "aid_period"} <= set(letter)
    assert shown == [letter, letter]
    labels = ", ".join(category_label(c) for c in letter)
    assert panels == [labels, labels]


def _may(page: Any) -> str:
    """The « Peut sortir » of the decision panel, as text."""
    found = re.search(r'<dd class="may">(.*?)</dd>', page.content.decode(), re.S)
    assert found
    return html.unescape(" ".join(found.group(1).split()))

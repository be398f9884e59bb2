"""Disclosures enforce the engine's decision on the real file: the committee's extract."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from depositaire.engine import decide
from depositaire.engine.explain import category_label
from depositaire.law import default_rule_base
from depositaire.web.accounts import roles
from depositaire.web.consent.models import Objection
from depositaire.web.disclosures.models import Disclosure
from depositaire.web.disclosures.preparation import PreparationRequest, build_situation, evaluate
from depositaire.web.journal.models import JournalEntry
from web.factories import World, make_collaboration_consent, make_item

pytestmark = pytest.mark.django_db


def prepare(
    client: Any,
    world: World,
    *,
    kind: str = "cpas_special_committee",
    items: list[Any],
    **extra: Any,
) -> Any:
    w = world.a
    data = {
        "recipient_kind": kind,
        "recipient_name": "",
        "purpose": "aid_decision",
        "session": w.session.pk if kind == "cpas_special_committee" else "",
        "necessary_only": "true",
        "items": [i.pk for i in items],
        "action": "prepare",
        **extra,
    }
    return client.post(reverse("disclosures:prepare", kwargs={"person_id": w.person.pk}), data)


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def assert_nothing_said_of_what_is_withheld(document: str, withheld: Any) -> None:
    """``document`` (an extract's HTML or PDF text) says nothing of the withheld item."""
    flat = " ".join(document.split()).casefold()
    for said in (
        "Informations non communiquées",
        "non communiqué",
        "La loi ne permet pas de communiquer",
        "restent au dossier",
        f"Élément n° {withheld.pk}",
        withheld.get_sealed("content"),
        "confidence :",
    ):
        assert " ".join(said.split()).casefold() not in flat, said
    assert not re.search(r" : \d+ éléments?\b", flat)
    for category in withheld.categories:
        assert category_label(category).casefold() not in flat, category


def test_the_committee_extract_leaves_the_confidence_out_and_says_nothing_of_it(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = prepare(client, world, items=[w.confidence, w.secret_fact])
    assert response.status_code == 302
    disclosure = Disclosure.objects.latest("pk")
    assert response["Location"] == reverse(
        "disclosures:detail", kwargs={"disclosure_id": disclosure.pk}
    )

    by_item = {o["item_id"]: o for o in disclosure.outcomes}
    assert by_item[w.confidence.pk]["included"] is False
    assert by_item[w.confidence.pk]["decision"]["verdict"] == "secret"
    assert "confidence" in by_item[w.confidence.pk]["reason"]
    assert by_item[w.secret_fact.pk]["included"] is True
    assert by_item[w.secret_fact.pk]["decision"]["verdict"] == "share"
    assert by_item[None]["kind"] == "identity" and by_item[None]["included"] is True
    assert list(disclosure.items.all()) == [w.secret_fact]
    assert disclosure.disclosed_categories == ["identity", "household", "income"]
    assert disclosure.rule_ids == ["cpas_internal_circuit"]
    assert disclosure.rule_base_version == default_rule_base().version

    html = disclosure.get_sealed("extract_html")
    assert w.secret_fact_text in html
    assert w.confidence_text not in html
    # The recipient is not told what is withheld: no section, no count, no number, no
    # category of the withheld confidence, no word saying something stays in the file.
    assert_nothing_said_of_what_is_withheld(html, w.confidence)
    assert "Le circuit interne du CPAS" in html

    pdf = disclosure.get_pdf()
    assert pdf.startswith(b"%PDF")
    assert disclosure.extract_sha256 == hashlib.sha256(pdf).hexdigest()
    text = pdf_text(pdf)
    assert "REVENUS" in text.upper() and w.confidence_text not in text
    assert_nothing_said_of_what_is_withheld(text, w.confidence)

    entry = JournalEntry.objects.filter(action="disclosure_prepared").latest("seq")
    assert entry.details["disclosure_id"] == disclosure.pk
    assert entry.details["extract_sha256"] == disclosure.extract_sha256
    assert entry.details["included_item_ids"] == [w.secret_fact.pk]


def test_a_committee_member_reads_the_sent_extract_of_their_session_and_never_the_file(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    prepare(client, world, items=[w.confidence, w.secret_fact])
    disclosure = Disclosure.objects.latest("pk")

    client.force_login(w.users[roles.COMMITTEE_MEMBER])
    extract_url = reverse("disclosures:extract", kwargs={"disclosure_id": disclosure.pk})
    assert client.get(extract_url).status_code == 404  # not sent yet

    client.force_login(w.users[roles.SOCIAL_WORKER])
    assert (
        client.post(
            reverse("disclosures:send", kwargs={"disclosure_id": disclosure.pk})
        ).status_code
        == 302
    )
    assert (
        JournalEntry.objects.filter(action="disclosure_sent").latest("seq").details["disclosure_id"]
        == disclosure.pk
    )

    client.force_login(w.users[roles.COMMITTEE_MEMBER])
    session_page = client.get(
        reverse("disclosures:session_detail", kwargs={"session_id": w.session.pk})
    )
    assert extract_url in session_page.content.decode()
    page = client.get(extract_url).content.decode()
    assert w.secret_fact_text in page and w.confidence_text not in page
    pdf = client.get(reverse("disclosures:extract_pdf", kwargs={"disclosure_id": disclosure.pk}))
    assert hashlib.sha256(pdf.content).hexdigest() == disclosure.extract_sha256

    for name, kwargs in [
        ("cases:person_detail", {"person_id": w.person.pk}),
        ("cases:item_detail", {"item_id": w.secret_fact.pk}),
        ("cases:person_list", {}),
        ("disclosures:report", {"person_id": w.person.pk}),
        ("disclosures:detail", {"disclosure_id": disclosure.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_administrative_staff_receive_only_administrative_categories(
    client: Any, world: World
) -> None:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    health = make_item(
        w.person, sw, nature="secret_fact", categories=["health"], text="HEALTH-diabète"
    )
    client.force_login(sw)
    prepare(client, world, kind="cpas_admin_staff", items=[w.secret_fact, health])
    d = Disclosure.objects.latest("pk")
    by_item = {o["item_id"]: o for o in d.outcomes}
    assert by_item[w.secret_fact.pk]["included"] is True
    assert by_item[health.pk]["included"] is False
    assert "HEALTH-diabète" not in d.get_sealed("extract_html")


def test_an_objection_makes_the_consent_refused_and_the_item_is_withheld(
    client: Any, world: World
) -> None:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    Objection.objects.create(
        person=w.person,
        status="active",
        decision="deny",
        recipient_kind="cpas_special_committee",
        categories=["income"],
        recorded_by=sw,
    )
    client.force_login(sw)
    prepare(client, world, items=[w.secret_fact])
    d = Disclosure.objects.latest("pk")
    outcome = next(o for o in d.outcomes if o["item_id"] == w.secret_fact.pk)
    assert outcome["situation"]["consent"] == "refused"
    assert outcome["included"] is False
    assert w.secret_fact_text not in d.get_sealed("extract_html")


def test_the_situation_comes_from_the_file(world: World) -> None:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    request = PreparationRequest(
        person=w.person,
        preparer=sw,
        recipient_kind="external_professional",
        purpose="care_collaboration",
        necessary_only=True,
    )
    situation, fact = build_situation(
        request, author=sw, nature="secret_fact", categories=["income"]
    )
    assert situation["holder"] == {"role": "social_worker", "institution": "cpas"}
    assert situation["information"] == {"nature": "secret_fact", "categories": ["income"]}
    assert situation["recipient"] == {"kind": "external_professional"}
    assert situation["request"] == {"kind": "care_collaboration"}
    # The world's consent: external professional, care collaboration, income, informed.
    assert situation["consent"] == "given" and situation["consent_informed"] is True
    assert fact.consent_ids == [w.consent.pk]
    # Household is not covered by that consent.
    situation, _ = build_situation(
        request, author=sw, nature="secret_fact", categories=["income", "household"]
    )
    assert situation["consent"] == "not_asked"
    assert decide(situation).verdict in {"secret", "undetermined"}


def test_facts_still_missing_are_asked_and_used(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    url = reverse("disclosures:prepare", kwargs={"person_id": w.person.pk})
    data = {
        "recipient_kind": "external_professional",
        "purpose": "care_collaboration",
        "necessary_only": "true",
        "items": [w.secret_fact.pk],
        "action": "preview",
    }
    make_collaboration_consent(w.person, w.users[roles.SOCIAL_WORKER])
    page = client.post(url, data)
    asked = page.context["facts_form"].paths
    assert "in_person_interest" in asked
    assert all(o.decision.verdict == "undetermined" for o in page.context["outcomes"])
    answers = {f"fact__{p.replace('.', '__')}": "true" for p in asked}
    page = client.post(url, {**data, **answers, "asked_facts": ",".join(asked)})
    outcome = page.context["outcomes"][1]
    assert outcome.decision.verdict == "share" and outcome.included


def test_a_confidence_never_leaves_even_when_the_law_would_let_its_author_speak(
    world: World,
) -> None:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    danger = {
        f"danger.{k}": True for k in ("exists", "serious", "imminent", "other_means_exhausted")
    }
    request = PreparationRequest(
        person=w.person,
        preparer=sw,
        recipient_kind="police",
        purpose="own_initiative_report",
        facts=danger,
    )
    outcomes = evaluate(request, [w.confidence])
    confidence = outcomes[1]
    assert confidence.decision.verdict == "may_disclose"
    assert confidence.included is False
    assert "ne sort jamais" in confidence.reason


def test_the_disclosure_form_has_no_default_recipient_nor_purpose(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    url = reverse("disclosures:prepare", kwargs={"person_id": w.person.pk})
    form = client.get(url).context["form"]
    assert form["recipient_kind"].value() in (None, "") and form["purpose"].value() in (None, "")
    before = Disclosure.objects.count()
    response = client.post(url, {"items": [w.secret_fact.pk], "action": "prepare"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choisissez le destinataire" in body and "Choisissez le but" in body
    assert Disclosure.objects.count() == before


def test_a_stored_disclosure_gives_the_basis_it_was_decided_with(client: Any, world: World) -> None:
    """The detail page reads the basis kept with each decision, not today's rule base; a
    row stored before decisions kept their basis falls back to the rules' citations."""
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    assert prepare(client, world, items=[w.secret_fact]).status_code == 302
    disclosure = Disclosure.objects.latest("pk")
    stored = next(o for o in disclosure.outcomes if o["item_id"] == w.secret_fact.pk)
    assert [g["rule"] for g in stored["decision"]["basis"]] == ["cpas_internal_circuit"]
    url = reverse("disclosures:detail", kwargs={"disclosure_id": disclosure.pk})
    (row,) = client.get(url).context["basis"]
    assert row["id"] == "cpas_internal_circuit" and row["citations"]

    # As decided: a basis kept with fewer provisions is the one shown.
    outcomes = [dict(o) for o in disclosure.outcomes]
    for o in outcomes:
        if "basis" in o.get("decision", {}):
            o["decision"] = {**o["decision"], "basis": [dict(g) for g in o["decision"]["basis"]]}
            for ground in o["decision"]["basis"]:
                ground["provisions"] = ground["provisions"][:1]
    Disclosure.objects.filter(pk=disclosure.pk).update(outcomes=outcomes)
    (kept,) = client.get(url).context["basis"]
    assert kept["citations"] == row["citations"][:1] != row["citations"]

    # A row of before: no basis kept, the rules' citations in the default rule base.
    for o in outcomes:
        o.get("decision", {}).pop("basis", None)
    Disclosure.objects.filter(pk=disclosure.pk).update(outcomes=outcomes)
    (before,) = client.get(url).context["basis"]
    assert before == row


def test_preparing_reads_the_consents_and_the_authors_once_whatever_the_number_of_items(
    client: Any, world: World
) -> None:
    """The file's consents and objections, and each item's author and organisation, were
    read again for every item (two, then four queries more per item)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world.a
    sw, head = w.users[roles.SOCIAL_WORKER], w.users[roles.HEAD_SOCIAL_WORKER]
    client.force_login(sw)
    more = [
        make_item(w.person, author, nature="secret_fact", categories=["income"], text="R")
        for author in (sw, head, head)
    ]
    counts = []
    # The first request also reads what a session reads once (its devices…): not counted.
    for items in ([w.secret_fact], [w.secret_fact], [w.secret_fact, *more]):
        with CaptureQueriesContext(connection) as queries:
            response = prepare(client, world, items=items)
        assert response.status_code == 302
        counts.append([q["sql"] for q in queries.captured_queries])
    assert len(counts[1]) == len(counts[2]), "\n".join(counts[2])
    disclosure = Disclosure.objects.latest("pk")
    assert set(disclosure.items.all()) == {w.secret_fact, *more}


def test_an_extract_without_the_identity_says_nothing_of_the_name_held_back(
    client: Any, world: World
) -> None:
    """QA walk: an extract to another service, the name not covered by the consent, said
    « dossier n° 1 (identité non communiquée) »: it told what was withheld."""
    w = world.a
    make_collaboration_consent(w.person, w.users[roles.SOCIAL_WORKER], ("income", "household"))
    facts = {
        f"fact__{p}": "true"
        for p in ("recipient__bound_by_secrecy", "recipient__same_mission", "in_person_interest")
    }
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = prepare(
        client,
        world,
        kind="external_professional",
        purpose="care_collaboration",
        items=[w.confidence, w.secret_fact],
        asked_facts="recipient.bound_by_secrecy,recipient.same_mission,in_person_interest",
        **facts,
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.latest("pk")
    by_item = {o["item_id"]: o for o in disclosure.outcomes}
    assert by_item[None]["kind"] == "identity" and by_item[None]["included"] is False
    assert by_item[w.secret_fact.pk]["included"] is True
    html = disclosure.get_sealed("extract_html")
    assert w.secret_fact_text in html and w.person.last_name.upper() not in html
    for document in (html, pdf_text(disclosure.get_pdf())):
        assert_nothing_said_of_what_is_withheld(document, w.confidence)
        assert "identit" not in document.casefold()


def _shared_extract(client: Any, world: World, profession: str) -> str:
    """A care collaboration shared with an external professional, every fact answered:
    the extract the holder (of ``profession``) sends out."""
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    sw.profession = profession
    sw.save(update_fields=["profession"])
    client.force_login(sw)
    make_collaboration_consent(w.person, sw)
    data = {
        "recipient_kind": "external_professional",
        "purpose": "care_collaboration",
        "necessary_only": "true",
        "items": [w.secret_fact.pk],
        "action": "preview",
    }
    url = reverse("disclosures:prepare", kwargs={"person_id": w.person.pk})
    asked = client.post(url, data).context["facts_form"].paths
    answers = {f"fact__{p.replace('.', '__')}": "true" for p in asked}
    client.post(url, {**data, **answers, "asked_facts": ",".join(asked), "action": "prepare"})
    d = Disclosure.objects.latest("pk")
    assert "shared_secrecy" in d.rule_ids
    return " ".join(d.get_sealed("extract_html").split())


def test_a_social_workers_shared_secrecy_extract_does_not_name_the_psychologists_code(
    client: Any, world: World
) -> None:
    """QA s11 (legal): the psychologists' code binds psychologists only (003); art. 12 and
    14 of the patients' rights act, an adult able to consent's sharing no more."""
    from depositaire.messages import t

    text = _shared_extract(client, world, "social_worker")
    assert "psychologues" not in text and "droits du patient" not in text
    # Never an empty basis: the general principle.
    assert t("documents.public_basis_none")[1:] in text
    # Sent, the person's report says the same; the register too.
    d = Disclosure.objects.latest("pk")
    client.post(reverse("disclosures:send", kwargs={"disclosure_id": d.pk}))
    assert Disclosure.objects.get(pk=d.pk).status == "sent"
    w = world.a
    page = client.get(reverse("disclosures:report", kwargs={"person_id": w.person.pk}))
    report = " ".join(page.content.decode().split())
    assert "psychologues" not in report and t("documents.public_basis_none")[1:] in report
    client.force_login(w.users[roles.DPO])
    register = " ".join(client.get(reverse("disclosures:registers")).content.decode().split())
    assert "secret professionnel partagé" in register and "psychologues" not in register


def test_a_psychologists_shared_secrecy_extract_names_the_psychologists_code(
    client: Any, world: World
) -> None:
    text = _shared_extract(client, world, "psychologist")
    assert "article 14 du Code de déontologie des psychologues" in text

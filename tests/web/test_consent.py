"""Consents and objections: FHIR shape, matching, journaled changes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.consent.matching import consent_fact
from depositaire.web.consent.models import Consent, Objection
from depositaire.web.journal.models import JournalEntry
from web.factories import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def consent(world: World, **kw: Any) -> Consent:
    w = world.a
    fields: dict[str, Any] = {
        "person": w.person,
        "status": "active",
        "decision": "permit",
        "recipient_kind": "cpas_special_committee",
        "purpose": "aid_decision",
        "categories": ["income", "household"],
        "informed": True,
        "period_start": dt.date(2026, 1, 1),
        "recorded_by": w.users[roles.SOCIAL_WORKER],
    }
    fields.update(kw)
    return Consent.objects.create(**fields)


def fact(world: World, categories: list[str], **kw: Any) -> Any:
    args: dict[str, Any] = {
        "recipient_kind": "cpas_special_committee",
        "purpose": "aid_decision",
        "on": TODAY,
    }
    args.update(kw)
    return consent_fact(world.a.person, categories=categories, **args)


def test_a_consent_is_a_fhir_consent_provision(world: World) -> None:
    c = consent(world, recipient_name="Dr Dupont", period_end=dt.date(2026, 12, 31))
    fhir = c.to_fhir()
    assert fhir["resourceType"] == "Consent"
    assert fhir["status"] == "active" and fhir["decision"] == "permit"
    assert fhir["subject"] == {"reference": f"Patient/{world.a.person.uuid}"}
    provision = fhir["provision"]
    assert provision["type"] == "permit"
    assert provision["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    actor = provision["actor"][0]
    assert actor["role"]["coding"][0]["code"] == "cpas_special_committee"
    assert actor["role"]["coding"][0]["display"] == "le Comité spécial du service social"
    assert actor["reference"] == {"display": "Dr Dupont"}
    assert provision["purpose"][0]["code"] == "aid_decision"
    assert [c["code"] for c in provision["class"]] == ["income", "household"]
    assert fhir["verification"] == [{"verified": True}]
    json.dumps(fhir)  # JSON-ready


def test_a_withdrawn_consent_and_an_objection_in_fhir(world: World) -> None:
    c = consent(world)
    c.withdraw(dt.date(2026, 6, 1))
    assert c.to_fhir()["status"] == "inactive"
    assert c.to_fhir()["provision"]["period"]["end"] == "2026-06-01"
    o = Objection.objects.create(
        person=world.a.person,
        status="active",
        recipient_kind="",
        categories=["health"],
        recorded_by=world.a.users[roles.SOCIAL_WORKER],
    )
    fhir = o.to_fhir()
    assert fhir["decision"] == "deny" and fhir["provision"]["type"] == "deny"
    assert "actor" not in fhir["provision"]
    assert fhir["provision"]["class"][0]["code"] == "health"


def test_a_refused_consent_is_rejected_and_deny(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("consent:consent_create", kwargs={"person_id": w.person.pk}),
        {
            "answer": "refused",
            "recipient_kind": "cpas_special_committee",
            "purpose": "aid_decision",
            "categories": ["health"],
            "information_given": "Je lui ai expliqué le rôle du Comité",
            "period_start": "2026-01-01",
        },
    )
    assert response.status_code == 302
    c = Consent.objects.latest("pk")
    assert (c.status, c.decision) == ("rejected", "deny")
    assert "expliqué" not in c.information_given
    assert c.get_sealed("information_given") == "Je lui ai expliqué le rôle du Comité"
    entry = JournalEntry.objects.filter(action="consent_changed").latest("seq")
    assert entry.details == {
        "consent_id": c.pk,
        "person_id": w.person.pk,
        "status": "rejected",
        "state": "deny",
    }


def test_withdrawing_a_consent_and_lifting_an_objection_are_journaled(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    client.post(reverse("consent:consent_withdraw", kwargs={"consent_id": w.consent.pk}))
    w.consent.refresh_from_db()
    assert w.consent.status == "inactive" and w.consent.withdrawn_on is not None
    assert JournalEntry.objects.filter(
        action="consent_changed", details__reason="withdrawn"
    ).exists()
    client.post(
        reverse("consent:objection_create", kwargs={"person_id": w.person.pk}),
        {"categories": ["health"], "recipient_kind": "", "period_start": "2026-01-01"},
    )
    objection = Objection.objects.latest("pk")
    assert objection.recipient_kind == "" and objection.decision == "deny"
    client.post(reverse("consent:objection_lift", kwargs={"objection_id": objection.pk}))
    objection.refresh_from_db()
    assert objection.status == "inactive"
    actions = list(
        JournalEntry.objects.filter(action="objection_changed").values_list("details", flat=True)
    )
    assert any(d.get("reason") == "lifted" for d in actions)


def test_a_consent_matches_recipient_purpose_covered_categories_and_period(world: World) -> None:
    consent(world, period_end=dt.date(2026, 12, 31))
    assert fact(world, ["income"]).consent == "given"
    assert fact(world, ["income"]).informed is True
    assert fact(world, ["income", "health"]).consent == "not_asked"  # health not covered
    assert fact(world, ["income"], purpose="informal_request").consent == "not_asked"
    assert fact(world, ["income"], recipient_kind="cpas_president").consent == "not_asked"
    assert fact(world, ["income"], on=dt.date(2027, 1, 1)).consent == "not_asked"  # expired
    assert fact(world, ["income"], on=dt.date(2025, 12, 31)).consent == "not_asked"  # not yet


def test_a_withdrawn_consent_no_longer_counts(world: World) -> None:
    c = consent(world)
    c.withdraw(dt.date(2026, 6, 1))
    c.save()
    assert fact(world, ["income"], on=dt.date(2026, 5, 31)).consent == "given"
    # 002: « il vous est bien entendu possible de refuser que certaines informations soient
    # partagées » — withdrawing one's consent says no: from the day of the withdrawal on,
    # the sharing it covered is refused (the CPAS circuit stops on a refusal, not on silence).
    withdrawn_day = fact(world, ["income"], on=dt.date(2026, 6, 1))
    assert withdrawn_day.consent == "refused" and withdrawn_day.consent_ids == [c.pk]
    assert fact(world, ["income"]).consent == "refused"
    # Outside what the withdrawn consent covered, the withdrawal says nothing.
    assert fact(world, ["health"]).consent == "not_asked"
    assert fact(world, ["income"], recipient_kind="cpas_president").consent == "not_asked"


def test_a_consent_given_again_after_a_withdrawal_counts(world: World) -> None:
    c = consent(world)
    c.withdraw(dt.date(2026, 6, 1))
    c.save()
    again = consent(world, period_start=dt.date(2026, 9, 1))
    assert fact(world, ["income"], on=dt.date(2026, 8, 31)).consent == "refused"
    given = fact(world, ["income"])
    assert given.consent == "given" and given.consent_ids == [again.pk]


def test_a_named_consent_only_covers_that_recipient(world: World) -> None:
    consent(
        world,
        recipient_kind="external_professional",
        purpose="informal_request",
        recipient_name="Maison médicale",
    )
    args = {"recipient_kind": "external_professional", "purpose": "informal_request"}
    assert fact(world, ["income"], recipient_name="maison médicale ", **args).consent == "given"
    assert fact(world, ["income"], recipient_name="Autre service", **args).consent == "not_asked"


def test_an_objection_or_a_refusal_wins_over_a_consent(world: World) -> None:
    consent(world)
    Objection.objects.create(
        person=world.a.person,
        status="active",
        recipient_kind="",
        categories=["household"],
        period_start=dt.date(2026, 1, 1),
        recorded_by=world.a.users[roles.SOCIAL_WORKER],
    )
    assert fact(world, ["income"]).consent == "given"
    result = fact(world, ["income", "household"])
    assert result.consent == "refused" and result.objection_ids
    consent(world, status="rejected", decision="deny", categories=["aid_granted"])
    assert fact(world, ["aid_granted"]).consent == "refused"


def test_a_consent_is_not_stored_when_its_journal_entry_cannot_be(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change and its journal entry are one transaction: neither is half-written."""
    from django.test import Client

    from depositaire.web.journal import service

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("journal unavailable")

    w = world.a
    client = Client(raise_request_exception=False)
    client.force_login(w.users[roles.SOCIAL_WORKER])
    before = Consent.objects.count()
    monkeypatch.setattr(service, "record", broken)
    response = client.post(
        reverse("consent:consent_create", kwargs={"person_id": w.person.pk}),
        {
            "answer": "given",
            "recipient_kind": "cpas_special_committee",
            "purpose": "aid_decision",
            "categories": ["income"],
            "period_start": "2026-01-01",
        },
    )
    assert response.status_code == 500
    assert "journal unavailable" not in response.content.decode()
    assert Consent.objects.count() == before

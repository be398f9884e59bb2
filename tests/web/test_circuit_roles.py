"""Each role sees only what its part of the circuit needs: the DPO no contents, the
system administrator no persons, the recipients only their extracts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from web.factories import World

pytestmark = pytest.mark.django_db


def _body(response: Any) -> str:
    return response.content.decode(errors="replace")


def test_the_dpo_sees_the_registers_but_no_contents_and_no_names(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.DPO])
    page = client.get(reverse("disclosures:registers"))
    assert page.status_code == 200
    body = _body(page)
    assert "Registre des communications" in body
    assert str(w.person) in body  # the file number only
    for secret in [
        w.confidence_text,
        w.secret_fact_text,
        w.person.last_name,
        w.person.first_name,
        "ADDRESS-",
        "HOUSEHOLD-",
    ]:
        assert secret not in body
    for name, kwargs in [
        ("cases:person_detail", {"person_id": w.person.pk}),
        ("cases:item_detail", {"item_id": w.secret_fact.pk}),
        ("disclosures:extract", {"disclosure_id": w.disclosures["committee"].pk}),
        ("disclosures:report", {"person_id": w.person.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_the_dpo_reads_the_journal_of_their_organisation_only(client: Any, world: World) -> None:
    from depositaire.web.journal.models import JournalEntry

    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    client.get(reverse("cases:item_detail", kwargs={"item_id": w.secret_fact.pk}))
    client.force_login(world.b.users[roles.SOCIAL_WORKER])
    client.get(reverse("cases:person_detail", kwargs={"person_id": world.b.person.pk}))
    client.force_login(w.users[roles.DPO])
    page = client.get(reverse("disclosures:journal"))
    body = _body(page)
    assert "Consultation d&#x27;une information" in body and f"dossier n° {w.person.pk}" in body
    assert all(r["entry"].organisation_id == w.org.pk for r in page.context["rows"])
    assert w.secret_fact_text not in body and w.person.last_name not in body
    filtered = client.get(reverse("disclosures:journal"), {"action": "item_viewed"}).context["rows"]
    assert filtered and {r["entry"].action for r in filtered} == {"item_viewed"}
    assert JournalEntry.objects.filter(
        action="journal_viewed", actor_id=w.users[roles.DPO].pk
    ).exists()


def test_the_sysadmin_manages_users_but_sees_no_persons(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SYSADMIN])
    pages = [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_team_changelist"),
        reverse(
            "admin:accounts_user_change", kwargs={"object_id": w.users[roles.SOCIAL_WORKER].pk}
        ),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        body = _body(response)
        for secret in [
            w.person.last_name,
            w.other_team_person.last_name,
            w.confidence_text,
            w.secret_fact_text,
        ]:
            assert secret not in body
    # The other organisation's users are not listed.
    assert world.b.users[roles.SOCIAL_WORKER].username not in _body(
        client.get(reverse("admin:accounts_user_changelist"))
    )
    for url in [
        "/administration/cases/person/",
        "/administration/cases/informationitem/",
        "/administration/consent/consent/",
    ]:
        assert client.get(url).status_code == 404
    for name, kwargs in [
        ("cases:person_list", {}),
        ("cases:person_detail", {"person_id": w.person.pk}),
        ("disclosures:registers", {}),
        ("disclosures:extract", {"disclosure_id": w.disclosures["committee"].pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


def test_the_sysadmin_creates_a_user_in_their_own_organisation_only(
    client: Any, world: World
) -> None:
    from depositaire.web.accounts.models import User
    from depositaire.web.journal.models import JournalEntry

    w = world.a
    client.force_login(w.users[roles.SYSADMIN])
    data = {
        "username": "nouvelle-as",
        "email": "nouvelle-as@example.org",
        "organisation": world.b.org.pk,  # tries the other organisation
        "role": roles.SOCIAL_WORKER,
        "profession": "social_worker",
        "teams": [w.team.pk],
    }
    response = client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="nouvelle-as").exists()

    response = client.post(reverse("admin:accounts_user_add"), {**data, "organisation": w.org.pk})
    assert response.status_code == 302
    user = User.objects.get(username="nouvelle-as")
    # The administrator sets no password (a one-time link is mailed to the user), and the
    # content role and team wait for the approval of a second person (issue 13).
    from django.core import mail

    from depositaire.web.accounts.models import AccountChange

    assert user.organisation_id == w.org.pk and user.role == ""
    assert not user.has_usable_password() and mail.outbox[-1].to == ["nouvelle-as@example.org"]
    change = AccountChange.objects.get(user=user)
    assert change.role_after == roles.SOCIAL_WORKER and change.teams_after == [w.team.pk]
    assert JournalEntry.objects.filter(action="user_created", target=f"user:{user.pk}").exists()


def test_the_president_only_sees_extracts_sent_for_urgent_aid(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.PRESIDENT])
    inbox = client.get(reverse("disclosures:inbox"))
    listed = {d.pk for d in inbox.context["disclosures"]}
    assert listed == {w.disclosures["president"].pk}
    assert client.get(reverse("cases:person_list")).status_code == 403


def test_the_head_social_worker_receives_the_preparation_meeting_extracts(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.HEAD_SOCIAL_WORKER])
    listed = {d.pk for d in client.get(reverse("disclosures:inbox")).context["disclosures"]}
    assert listed == {w.disclosures["preparation"].pk}
    # ... but not the other team's file itself.
    url = reverse("cases:person_detail", kwargs={"person_id": w.other_team_person.pk})
    assert client.get(url).status_code == 404


def test_every_role_lands_on_its_own_page(client: Any, world: World) -> None:
    expected = {
        roles.SOCIAL_WORKER: reverse("cases:person_list"),
        roles.HEAD_SOCIAL_WORKER: reverse("cases:person_list"),
        roles.PRESIDENT: reverse("disclosures:inbox"),
        roles.COMMITTEE_MEMBER: reverse("disclosures:session_list"),
        roles.ADMIN_STAFF: reverse("disclosures:inbox"),
        roles.DPO: reverse("disclosures:registers"),
        roles.SYSADMIN: reverse("admin:index"),
    }
    for role, url in expected.items():
        client.force_login(world.a.users[role])
        response = client.get(reverse("cases:home"))
        assert response["Location"] == url

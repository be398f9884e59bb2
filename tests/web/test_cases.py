"""The file: the national number, persons of the team, sealed items, journaled access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.cases import national_number
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.journal.models import JournalEntry
from web.factories import World


@pytest.mark.parametrize(
    ("number", "birth", "valid"),
    [
        ("85.07.30-033.28", dt.date(1985, 7, 30), True),  # born before 2000
        ("85073003328", None, True),
        ("85073003327", None, False),  # wrong check digits
        ("17.07.30-033.84", dt.date(2017, 7, 30), True),  # born in 2000 or later: 2 in front
        ("17073003384", dt.date(1917, 7, 30), False),  # right digits, wrong century
        ("85073003328", dt.date(1985, 7, 31), False),  # not this birth date
        ("8507300332", None, False),  # ten digits
        ("8507300332a", None, False),
        ("85.27.30-033.xx", None, False),
    ],
)
def test_the_belgian_national_number_is_checked(
    number: str, birth: dt.date | None, valid: bool
) -> None:
    assert national_number.is_valid(number, birth) is valid


def test_generated_numbers_are_valid_on_both_sides_of_2000() -> None:
    for birth in (dt.date(1999, 12, 31), dt.date(2000, 1, 1), dt.date(2012, 2, 29)):
        number = national_number.make(birth, 7)
        assert national_number.is_valid(number, birth)
        assert national_number.format_number(number).count(".") == 3


@pytest.mark.django_db
def test_a_social_worker_opens_a_file_whose_identity_is_sealed(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("cases:person_create"),
        {
            "last_name": "Martin",
            "first_name": "Zoé",
            "birth_date": "2001-03-04",
            "national_number": national_number.make(dt.date(2001, 3, 4), 12),
            "nationality": "cd",
            "address": "Rue Haute 3, 5000 Namur",
            "household": "avec sa mère",
            "team": w.team.pk,
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(last_name="Martin")
    assert person.organisation == w.org and person.nationality == "CD" and person.is_foreigner
    assert "Rue Haute" not in person.address and person.get_sealed("address").startswith(
        "Rue Haute"
    )
    assert person.national_number.startswith("v1:")
    assert JournalEntry.objects.filter(
        action="person_created", target=f"person:{person.pk}"
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Rue Haute 3" in page and "01.03.04-012." in page


@pytest.mark.django_db
def test_a_wrong_national_number_is_refused_in_french(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("cases:person_create"),
        {
            "last_name": "X",
            "first_name": "Y",
            "national_number": "85073003327",
            "nationality": "BE",
            "team": w.team.pk,
        },
    )
    assert response.status_code == 200
    assert "pas valable" in response.content.decode()


@pytest.mark.django_db
def test_a_file_cannot_be_opened_in_a_team_one_does_not_belong_to(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("cases:person_create"),
        {"last_name": "X", "first_name": "Y", "nationality": "BE", "team": w.other_team.pk},
    )
    assert response.status_code == 200 and not Person.objects.filter(last_name="X").exists()


@pytest.mark.django_db
def test_the_person_list_shows_the_team_files_only(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    page = client.get(reverse("cases:person_list"))
    names = {p.last_name for p in page.context["persons"]}
    assert names == {w.person.last_name}
    assert client.get(reverse("cases:person_list"), {"q": "nobody"}).context["persons"].count() == 0


@pytest.mark.django_db
def test_recording_and_reading_an_item_are_journaled(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("cases:item_create", kwargs={"person_id": w.person.pk}),
        {
            "nature": "secret_fact",
            "categories": ["address", "income"],
            "origin": "learned_from_others",
            "content": "Loyer de 650 euros",
        },
    )
    assert response.status_code == 302
    item = InformationItem.objects.latest("pk")
    assert item.categories == ["address", "income"] and item.content.startswith("v1:")
    created = JournalEntry.objects.filter(action="item_created").latest("seq")
    assert (
        created.details["item_id"] == item.pk
        and created.actor_id == w.users[roles.SOCIAL_WORKER].pk
    )

    client.force_login(w.users[roles.HEAD_SOCIAL_WORKER])
    page = client.get(reverse("cases:item_detail", kwargs={"item_id": item.pk}))
    assert "Loyer de 650 euros" in page.content.decode()
    viewed = JournalEntry.objects.filter(action="item_viewed").latest("seq")
    assert (
        viewed.details["item_id"] == item.pk
        and viewed.actor_id == w.users[roles.HEAD_SOCIAL_WORKER].pk
    )
    assert "Loyer" not in repr(viewed.details)

    client.get(reverse("cases:person_detail", kwargs={"person_id": w.person.pk}))
    assert JournalEntry.objects.filter(
        action="file_viewed", target=f"person:{w.person.pk}"
    ).exists()


@pytest.mark.django_db
def test_an_item_needs_a_known_category(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("cases:item_create", kwargs={"person_id": w.person.pk}),
        {"nature": "secret_fact", "categories": ["salary"], "origin": "observed", "content": "x"},
    )
    assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.django_db
def test_an_error_page_shows_no_file_data(client: Any, world: World) -> None:
    client.force_login(world.a.users[roles.PRESIDENT])
    response = client.get(reverse("cases:person_detail", kwargs={"person_id": world.a.person.pk}))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Accès refusé" in body and world.a.person.last_name not in body


@pytest.mark.django_db
def test_the_file_lists_current_and_withdrawn_items_apart_and_no_one_elses_confidence(
    client: Any, world: World
) -> None:
    """The file page reads both lists in one query: each still gets only its own items."""
    from django.utils import timezone

    from web.factories import make_item

    w = world.a
    sw, head = w.users[roles.SOCIAL_WORKER], w.users[roles.HEAD_SOCIAL_WORKER]

    def withdrawn(author: Any, nature: str) -> InformationItem:
        item = make_item(w.person, author, nature=nature, categories=["income"], text="x")
        item.status, item.changed_by, item.changed_at = "withdrawn", author, timezone.now()
        item.change_reason = "factual_error"
        item.save()
        return item

    mine = withdrawn(sw, "secret_fact")
    theirs = withdrawn(head, "confidence")
    client.force_login(sw)
    page = client.get(reverse("cases:person_detail", kwargs={"person_id": w.person.pk}))
    html = page.content.decode()
    current = html.split('id="items"', 1)[1].split('id="withdrawn-items"', 1)[0]
    gone = html.split('id="withdrawn-items"', 1)[1].split('id="requests"', 1)[0]

    def link(item: InformationItem) -> str:
        return reverse("cases:item_detail", kwargs={"item_id": item.pk})

    assert link(w.secret_fact) in current and link(w.confidence) in current
    assert link(mine) not in current and link(mine) in gone
    assert link(theirs) not in html  # another author's confidence, even withdrawn
    assert link(w.secret_fact) not in gone

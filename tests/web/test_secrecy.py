"""A confidence is readable by its author only: not in the database, the journal, a page,
an export, an error message or the admin — for anyone else, whatever their role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.cases.models import InformationItem
from depositaire.web.journal.models import JournalEntry
from web.factories import World, build_org

CONFIDENCE = "CONFIDENCE-RAW-il dort dans sa voiture depuis mars"


def _all_text_in_tables() -> str:
    """Every value of every row of every table, as text (any database engine)."""
    out: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(out)


@pytest.mark.django_db(transaction=True)
def test_the_raw_database_file_holds_no_confidence_text(client: Any) -> None:
    w = build_org("R", "CPAS de Raw")
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.post(
        reverse("cases:item_create", kwargs={"person_id": w.person.pk}),
        {
            "nature": "confidence",
            "categories": ["feelings"],
            "origin": "confided",
            "content": CONFIDENCE,
        },
    )
    assert response.status_code == 302
    item = InformationItem.objects.latest("pk")
    # Read it back (journaled), then look everywhere.
    assert (
        CONFIDENCE
        in client.get(reverse("cases:item_detail", kwargs={"item_id": item.pk})).content.decode()
    )
    assert JournalEntry.objects.filter(action="item_viewed").exists()

    tables = _all_text_in_tables()
    assert w.person.last_name in tables  # the search itself works
    assert CONFIDENCE not in tables
    assert "dort dans sa voiture" not in tables
    journal = "\n".join(repr(e.details) + e.target for e in JournalEntry.objects.all())
    assert "voiture" not in journal and CONFIDENCE not in journal

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        assert path.is_file(), "the web tests use a file database"
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert w.person.last_name.encode() in raw  # committed: the file holds the rows
        for needle in (CONFIDENCE, "dort dans sa voiture", w.confidence_text):
            assert needle.encode() not in raw
            assert needle.encode("utf-16-le") not in raw


@pytest.mark.django_db
def test_nobody_but_the_author_can_read_a_confidence(client: Any, world: World) -> None:
    w = world.a
    url = reverse("cases:item_detail", kwargs={"item_id": w.confidence.pk})
    client.force_login(w.users[roles.SOCIAL_WORKER])
    assert w.confidence_text in client.get(url).content.decode()
    colleague = w.users[roles.HEAD_SOCIAL_WORKER]
    for user in [
        colleague,
        *[w.users[r] for r in roles.ROLES if r != roles.SOCIAL_WORKER],
        world.b.users[roles.SOCIAL_WORKER],
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert w.confidence_text not in response.content.decode()
    with pytest.raises(PermissionError):
        w.confidence.read_content(colleague)


@pytest.mark.django_db
def test_the_head_social_worker_sees_that_a_confidence_exists_but_not_what_it_says(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.users[roles.HEAD_SOCIAL_WORKER])
    page = client.get(
        reverse("cases:person_detail", kwargs={"person_id": w.person.pk})
    ).content.decode()
    assert "Une confidence recueillie par un(e) collègue" in page
    assert w.confidence_text not in page
    assert reverse("cases:item_detail", kwargs={"item_id": w.confidence.pk}) not in page
    # The report and the preparation form do not offer it either.
    prepare = client.get(reverse("disclosures:prepare", kwargs={"person_id": w.person.pk}))
    assert w.confidence.pk not in [i.pk for i in prepare.context["form"].fields["items"].queryset]


@pytest.mark.django_db
def test_pages_exports_and_the_journal_never_carry_a_confidence(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    pages = [
        reverse("cases:person_detail", kwargs={"person_id": w.person.pk}),
        reverse("cases:person_list"),
        reverse("disclosures:report", kwargs={"person_id": w.person.pk}),
        reverse("disclosures:report_pdf", kwargs={"person_id": w.person.pk}),
        reverse("consent:consent_fhir", kwargs={"consent_id": w.consent.pk}),
        reverse("disclosures:prepare", kwargs={"person_id": w.person.pk}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert w.confidence_text.encode() not in response.content
    journal = "\n".join(repr(e.details) + e.target for e in JournalEntry.objects.all())
    assert "CONFIDENCE" not in journal and "SECRET-FACT" not in journal


@pytest.mark.django_db
def test_the_admin_registers_no_person_data_at_all() -> None:
    from depositaire.web.accounts.admin import site

    labels = {model._meta.label for model in site._registry}
    # The organisation's data-protection officer is the organisation's setting, not a person's data.
    assert labels == {
        "accounts.User",
        "accounts.Organisation",
        "accounts.Team",
        "disclosures.PrivacyContact",
    }


@pytest.mark.django_db
def test_the_item_representation_never_contains_its_content(world: World) -> None:
    item = world.a.confidence
    assert world.a.confidence_text not in str(item) + repr(item)
    assert item.content.startswith("v1:")

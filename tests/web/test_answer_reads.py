"""What the answer page and the file page read, and who reaches them: the file's secret
facts are read once for a letter that has nothing to offer (the reason why is made from
the same read), and the file page's requests rest on the page's guard alone (a role that
is not a caseworker's is refused before the page, 403, as before)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from depositaire.web.accounts import roles
from web.factories import World, make_item
from web.test_incoming import ANSWERS, PROSECUTOR, examine, page_text, register
from web.test_own_access_letter import OWN, RIS, answer_page

pytestmark = pytest.mark.django_db


def _secret_fact_reads(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "cases_informationitem"' in q["sql"] and "secret_fact" in q["sql"]
    ]


@pytest.mark.parametrize("mixed", [True, False])
def test_nothing_offered_reads_the_files_secret_facts_once(
    client: Any, world: World, mixed: bool
) -> None:
    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    client.force_login(sw)
    if mixed:
        make_item(
            w.person, sw, nature="secret_fact", categories=["aid_granted", "health"], text=RIS
        )
        incoming = register(client, w.person, {**PROSECUTOR, "categories": ["aid_granted"]})
        examine(client, incoming, ANSWERS["prosecutor"])
    else:
        incoming = register(client, w.person, {**OWN, "categories": ["aid_granted"]})
        examine(client, incoming, {})
    with CaptureQueriesContext(connection) as queries:
        page = answer_page(client, incoming)
    assert not page.context["form"].sources
    body = " ".join(page_text(page).split())
    # The reason is still given, as before (mixed: the category kept back is named).
    if mixed:
        assert "enregistrés avec d'autres catégories" in body and "la santé" in body
    else:
        assert "Aucune information du dossier n'est proposée" in body
    assert len(_secret_fact_reads(queries)) == 1, _secret_fact_reads(queries)


@pytest.mark.parametrize(
    "role", [roles.PRESIDENT, roles.ADMIN_STAFF, roles.COMMITTEE_MEMBER, roles.DPO]
)
def test_the_file_page_refuses_other_roles_before_listing_requests(
    client: Any, world: World, role: str, monkeypatch: Any
) -> None:
    from depositaire.web.cases import views as case_views

    w = world.a
    listed: list[Any] = []
    real = case_views.requests_about
    monkeypatch.setattr(
        case_views, "requests_about", lambda person, user: listed.append(user) or real(person, user)
    )
    client.force_login(w.users[role])
    response = client.get(reverse("cases:person_detail", kwargs={"person_id": w.person.pk}))
    assert response.status_code == 403
    assert listed == []
    # A caseworker of the file reads its requests.
    sw = w.users[roles.SOCIAL_WORKER]
    client.force_login(sw)
    incoming = register(client, w.person, OWN)
    response = client.get(reverse("cases:person_detail", kwargs={"person_id": w.person.pk}))
    assert response.status_code == 200
    assert [entry["r"].pk for entry in response.context["requests"]] == [incoming.pk]
    assert listed == [sw]


def test_requests_about_rests_on_the_callers_guard(client: Any, world: World) -> None:
    """``requests_about`` is called for a file the guard found visible to a caseworker: it
    does not check the role a second time (the page's guard refuses the others, above)."""
    from depositaire.web.cases import views as case_views

    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    incoming = register(client, w.person, OWN)
    for role in (roles.SOCIAL_WORKER, roles.PRESIDENT):
        rows = case_views.requests_about(w.person, w.users[role])
        assert [row["r"].pk for row in rows] == [incoming.pk]

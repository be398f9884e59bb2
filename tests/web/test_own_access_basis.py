"""The person's own access, answered by a CPAS: the rule that decides (``person_access``)
rests on art. 7 of the youth-care code, which binds the youth-care services only
(``binds`` in ``law/provisions.yaml``) and is marked « à vérifier » outside youth care.
The decision panel (the examination, the answer page) and the request's page after closing
never cite it bare for a CPAS: it carries the rule's note. For a youth-care service it is
cited as it is."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from depositaire.messages import t, using_language
from depositaire.web.accounts import roles
from web.factories import World
from web.test_incoming import close, examine, register
from web.test_own_access_letter import OWN, answer_page

pytestmark = pytest.mark.django_db

ART_7 = "provision_titles.youth_care.code_7@always"
NOTE = "to_verify.youth_care_code_outside_youth_care"


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def panel_basis(page: Any) -> str:
    """The « Base légale » of the decision panel, as text."""
    body = page.content.decode()
    found = re.search(r'<dd class="basis">(.*?)</dd>', body, re.S)
    assert found, "no basis on the page"
    return _text(found.group(1))


def cited(page: Any) -> list[str]:
    """The « Dispositions citées » of the panel's explanation."""
    body = page.content.decode()
    block = body[body.index('<details class="explanation">') :]
    block = block[: block.index("</details>")]
    tail = block[block.index("</p>") :] if "<p><strong>" in block else ""
    return [_text(li) for li in re.findall(r"<li>(.*?)</li>", tail, re.S)]


def _own_request(client: Any, world: World, kind: str) -> Any:
    w = world.a
    if kind != "cpas":
        w.org.kind = kind
        w.org.save(update_fields=["kind"])
    user = w.users[roles.SOCIAL_WORKER]
    user.refresh_from_db()
    client.force_login(user)
    incoming = register(client, w.person, OWN)
    examine(client, incoming, {})
    return incoming


def test_a_cpas_answer_never_cites_the_youth_care_code_bare(client: Any, world: World) -> None:
    incoming = _own_request(client, world, "cpas")
    page = answer_page(client, incoming)
    assert page.status_code == 200
    marked = t("documents.basis_to_verify", title=t(ART_7), note=t(NOTE))
    assert marked in panel_basis(page)
    assert marked in cited(page) and t(ART_7) not in cited(page)
    examined = client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk}))
    assert marked in panel_basis(examined)
    # The request's page, once answered: the stored decision, marked the same way.
    assert close(client, incoming).status_code == 302
    detail = client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk}))
    assert marked in _text(detail.content.decode())
    # In Dutch, the catalogue's Dutch words.
    user = world.a.users[roles.SOCIAL_WORKER]
    user.language = "nl"
    user.save(update_fields=["language"])
    dutch = client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk}))
    with using_language("nl"):
        marked_nl = t("documents.basis_to_verify", title=t(ART_7), note=t(NOTE))
    assert marked_nl in _text(dutch.content.decode())


def test_a_youth_care_service_cites_art_7_as_it_applies(client: Any, world: World) -> None:
    incoming = _own_request(client, world, "youth_care")
    page = answer_page(client, incoming)
    assert page.status_code == 200
    assert panel_basis(page) == t(ART_7)
    assert t(ART_7) in cited(page)

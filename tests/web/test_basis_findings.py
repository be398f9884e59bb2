"""A negative finding is no legal basis: « Pas de secret partagé avec l'Office des
étrangers » (004) is shown as the reason the secret is not shared, never under « Base
légale », on the examination page and on the request's page once answered."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from depositaire.messages import t
from web import test_incoming as stories
from web.factories import World
from web.test_incoming import ANSWERS, GUARANTOR, close, examine, register

pytestmark = pytest.mark.django_db
sw = stories.sw
foreigner = stories.foreigner

FINDING = "provision_titles.foreigners.no_shared_secrecy@always"
BASIS = "provision_titles.foreigners.guarantor_lookup@always"


def terms(page: Any, section: str) -> dict[str, str]:
    """The ``<dt>``/``<dd>`` pairs of the section whose id is ``section``, as text."""
    body = page.content.decode()
    start = body.index(f'id="{section}"')
    part = body[start : body.index("</section>", start)]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", part, re.S)
    flat = {}
    for dt_, dd in pairs:
        flat[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", dt_)).split())] = " ".join(
            html.unescape(re.sub(r"<[^>]+>", " ", dd)).split()
        )
    return flat


def test_no_shared_secret_is_the_reason_nothing_is_shared_not_a_legal_basis(
    client: Any,
    world: World,
    sw: Any,
    foreigner: Any,
) -> None:
    incoming = register(client, foreigner, GUARANTOR)
    examine(client, incoming, ANSWERS["guarantor"])
    page = client.get(reverse("incoming:examine", kwargs={"incoming_id": incoming.pk}))
    panel = terms(page, "decision")
    basis = t("incoming.decision.basis")
    assert t(BASIS) in panel[basis]
    assert t(FINDING) not in panel[basis]
    finding = t("incoming.decision.findings")
    assert panel[finding] == t(FINDING)

    assert close(client, incoming).status_code == 302
    page = client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk}))
    answered = terms(page, "answer")
    assert t(BASIS) in answered[basis] and t(FINDING) not in answered[basis]
    assert answered[finding] == t(FINDING)

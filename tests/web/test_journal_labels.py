"""The DPO's journal shows every code through its French label (issue 12, item 8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.accounts.admin import UserChangeForm
from depositaire.web.accounts.models import Organisation, Team
from depositaire.web.api.models import SCOPES
from depositaire.web.consent.models import STATUSES as CONSENT_STATUSES
from depositaire.web.disclosures.models import STATUSES as DISCLOSURE_STATUSES
from depositaire.web.disclosures.models import PrivacyContact
from depositaire.web.disclosures.views import _detail_value, _details_text
from depositaire.web.incoming.models import CLAIMED_BASES, OUTGOING_BASES
from depositaire.web.incoming.models import STATUSES as REQUEST_STATUSES
from depositaire.web.journal.rows import SEALED_ROWS
from web.factories import World

#: Every code a detail may carry, by key, from the models and the code that journals them.
CODES: dict[str, list[str]] = {
    "legal_basis": [*CLAIMED_BASES, *OUTGOING_BASES],
    "state": ["urgent", "normal", "outgoing", "permit", "deny"],
    "status": [*CONSENT_STATUSES, *DISCLOSURE_STATUSES, *REQUEST_STATUSES],
    "role_before": [*roles.ROLES, "none"],
    "role_after": [*roles.ROLES, "none"],
    "model": [*SEALED_ROWS.values(), "user", "team", "organisation", "privacycontact"],
    "flag": ["add", "change", "delete"],
    "format": ["pdf", "fhir"],
    "via": ["api"],
    "scopes": list(SCOPES),
    "kind": ["totp", "recovery_code", "enrol", "verify"],
    "reason": ["withdrawn", "lifted"],
    # The fields an administrator may change (the admin's forms: the journal's « champs »).
    "fields": sorted(
        {
            *UserChangeForm.base_fields,
            *(
                f.name
                for model in (Organisation, Team, PrivacyContact)
                for f in model._meta.get_fields()
                if getattr(f, "editable", False) and not getattr(f, "primary_key", False)
            ),
        }
    ),
    "view": [
        "person_list",
        "request_list",
        "examination",
        "follow_up",
        "inbox",
        "committee_sessions",
        "committee_session",
        "emergency_accesses",
    ],
}


@pytest.mark.parametrize(
    ("key", "code"), [(k, c) for k, codes in CODES.items() for c in codes], ids=str
)
def test_a_journal_code_reads_as_french_words(key: str, code: str) -> None:
    label = _detail_value(key, code)
    # « organisation », « profession » are the same words in French; their labels still
    # come from the catalogue.
    assert (label != code or code in ("organisation", "profession")) and "_" not in label, (
        key,
        code,
        label,
    )


def test_the_issues_examples_read_in_french() -> None:
    text = _details_text(
        {"legal_basis": "guarantor_lookup", "state": "normal", "role_after": "none"}
    )
    assert "guarantor_lookup" not in text and "normal" not in text and "none" not in text
    assert "base légale : demande à l'Office des étrangers des coordonnées du garant" in text
    assert "état : ordinaire" in text and "rôle après : aucun" in text


def test_a_count_in_the_journal_takes_its_plural_form() -> None:
    assert _details_text({"search_words_count": 1}) == "recherche : 1 mot, termes non conservés"
    assert _details_text({"search_words_count": 3}) == "recherche : 3 mots, termes non conservés"


@pytest.mark.django_db
def test_the_dpo_reads_no_code_in_the_journal_page(client: Any, world: World) -> None:
    from depositaire.web.journal.service import record

    w = world.a
    record(
        "request_registered",
        actor=w.users[roles.SOCIAL_WORKER],
        organisation=w.org,
        target=f"person:{w.person.pk}",
        details={"legal_basis": "guarantor_lookup", "state": "outgoing", "recipient_kind": "none"},
    )
    client.force_login(w.users[roles.DPO])
    html = client.get(reverse("disclosures:journal")).content.decode()
    assert "guarantor_lookup" not in html and "outgoing" not in html
    assert "état : envoyée par le CPAS" in html


@pytest.mark.django_db
def test_the_fields_an_administrator_changed_read_as_french_labels_page_and_csv(
    client: Any, world: World
) -> None:
    """QA s10 item 2: « champs : is_active, role » showed the field names."""
    from depositaire.web.journal.service import record

    w = world.a
    record(
        "admin_action",
        actor=w.users[roles.SYSADMIN],
        organisation=w.org,
        target=f"user:{w.users[roles.SOCIAL_WORKER].pk}",
        details={"model": "user", "flag": "change", "fields": ["is_active", "role", "teams"]},
    )
    client.force_login(w.users[roles.DPO])
    page = client.get(reverse("disclosures:journal")).content.decode()
    csv = client.get(reverse("disclosures:journal_csv")).content.decode()
    for text in (page, csv):
        assert "champs : actif, fonction, équipes" in text
        assert "is_active" not in text


def test_every_detail_key_the_application_journals_has_a_label() -> None:
    """A key without a label read « passkey_id = 3 » (QA s10 item 2)."""
    import pathlib
    import re

    from depositaire.messages import has

    source = pathlib.Path(__file__).parents[2] / "src" / "depositaire" / "web"
    keys = {
        key
        for path in source.rglob("*.py")
        for literal in re.findall(r"details=\{[^}]*\}", path.read_text())
        for key in re.findall(r'"([a-z_]+)":', literal)
    }
    assert {"passkey_id", "token_id", "fields"} <= keys
    assert [
        k
        for k in sorted(keys)
        if not (has(f"web.journal.details.{k}") or has(f"web.journal.details.{k}.one"))
    ] == []
    assert _details_text({"passkey_id": 3, "token_id": 4}) == "clé d'accès n° 3 ; jeton d'API n° 4"


def test_every_object_a_refusal_names_has_a_target_label() -> None:
    """QA s11: a refused FHIR export read « dossier n° 1 / consent:1 » on the DPO's journal
    and in its CSV: the target code of a consent (and of an objection, an API token) had no
    label. Every model a page loads by its URL (``guard(load=…)``) reads in French."""
    import importlib
    import pkgutil

    from django.urls import get_resolver

    import depositaire.web
    from depositaire.messages import has
    from depositaire.web.disclosures.views import _target_label
    from depositaire.web.views import _TARGET_CODES

    for info in pkgutil.walk_packages(depositaire.web.__path__, "depositaire.web."):
        if ".migrations" in info.name or info.name.endswith(("wsgi", "__main__")):
            continue
        importlib.import_module(info.name)

    loaded = set()

    def walk(patterns: Any) -> None:
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
            else:
                for loader in (getattr(p.callback, "guard_load", None) or {}).values():
                    model = loader[0] if isinstance(loader, tuple) else loader
                    loaded.add(model._meta.model_name)

    walk(get_resolver().url_patterns)
    assert {"person", "consent", "objection", "informationitem"} <= loaded, loaded
    for name in sorted(loaded):
        code = _TARGET_CODES.get(name, name)
        assert has(f"web.journal.targets.{code}"), code
        assert _target_label(f"{code}:7") != f"{code}:7", code

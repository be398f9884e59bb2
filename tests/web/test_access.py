"""Every view, every role, every organisation: who gets in and who is refused.

The table below lists every URL of the application with the roles that may use it.
Each URL is requested by a user of every role of the same organisation (the roles
that are not listed must be refused: 403 for a role that never uses the view, 404
for a role that uses it but not for this object), by each allowed role of *another*
organisation (404 for an object, no foreign data in a list), and anonymously
(redirect to the login page). A last test checks that this table covers every URL
the application serves, and that every view goes through the access guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from depositaire.web.accounts import roles
from web.factories import OrgWorld, World
from web.incoming_factories import closed_request_for, document_for, request_for


def token_for(w: OrgWorld) -> Any:
    """An API token of the organisation's sysadmin: only they (and nobody outside) revoke it."""
    from depositaire.web.api.models import ApiToken

    user = w.users[roles.SYSADMIN]
    return ApiToken.issue(user, ["decide"])[0]


SW, HEAD, PRES, COMM, ADMIN, DPO, SYS = roles.ROLES
CASE = {SW, HEAD}
ALL = set(roles.ROLES)


@dataclass(frozen=True)
class Spec:
    name: str  # URL name
    ok: frozenset[str]  # roles that get in
    args: Callable[[OrgWorld], dict[str, Any]] = lambda w: {}
    method: str = "get"
    scoped: frozenset[str] = frozenset()  # roles the guard lets in, refused for this object (404)
    data: Callable[[OrgWorld], dict[str, Any]] = lambda w: {}
    has_object: bool = True
    label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.label or self.name

    def url(self, w: OrgWorld) -> str:
        return reverse(self.name, kwargs=self.args(w))


def S(name: str, ok: set[str], **kw: Any) -> Spec:  # noqa: N802
    kw["scoped"] = frozenset(kw.get("scoped", ()))
    return Spec(name, frozenset(ok), **kw)


person = lambda w: {"person_id": w.person.pk}  # noqa: E731
disclosure = lambda key: lambda w: {"disclosure_id": w.disclosures[key].pk}  # noqa: E731
incoming = lambda w: {"incoming_id": request_for(w).pk}  # noqa: E731

SPECS: list[Spec] = [
    S("cases:home", ALL, has_object=False),
    S("cases:person_list", CASE, has_object=False),
    S("cases:person_create", CASE, has_object=False),
    S("cases:person_detail", CASE, args=person),
    S("cases:item_create", CASE, args=person),
    S(
        "cases:item_detail",
        CASE,
        args=lambda w: {"item_id": w.secret_fact.pk},
        label="item_detail(secret fact)",
    ),
    S(
        "cases:item_detail",
        {SW},
        args=lambda w: {"item_id": w.confidence.pk},
        scoped={HEAD},
        label="item_detail(confidence)",
    ),
    S("cases:item_correct", CASE, args=lambda w: {"item_id": w.secret_fact.pk}),
    S("cases:item_withdraw", CASE, args=lambda w: {"item_id": w.secret_fact.pk}),
    S(
        "cases:item_correct",
        {SW},
        args=lambda w: {"item_id": w.confidence.pk},
        scoped={HEAD},
        label="item_correct(confidence)",
    ),
    S("consent:consent_create", CASE, args=person),
    S("consent:consent_withdraw", CASE, args=lambda w: {"consent_id": w.consent.pk}, method="post"),
    S(
        "consent:consent_withdraw",
        CASE,
        args=lambda w: {"consent_id": w.consent.pk},
        label="consent_withdraw(confirmation page)",
    ),
    S("consent:consent_fhir", CASE, args=lambda w: {"consent_id": w.consent.pk}),
    S("consent:objection_create", CASE, args=person),
    S(
        "consent:objection_lift",
        CASE,
        args=lambda w: {"objection_id": w.objection.pk},
        method="post",
    ),
    S("disclosures:prepare", CASE, args=person),
    S("disclosures:detail", CASE, args=disclosure("committee")),
    S("disclosures:send", CASE, args=disclosure("draft"), method="post"),
    S("disclosures:send", CASE, args=disclosure("draft"), label="send(confirmation page)"),
    S(
        "disclosures:extract",
        {SW, HEAD, COMM},
        args=disclosure("committee"),
        scoped={PRES, ADMIN},
        label="extract(committee)",
    ),
    S(
        "disclosures:extract_pdf",
        {SW, HEAD, COMM},
        args=disclosure("committee"),
        scoped={PRES, ADMIN},
        label="extract_pdf(committee)",
    ),
    S(
        "disclosures:extract",
        {SW, HEAD},
        args=disclosure("draft"),
        scoped={COMM, PRES, ADMIN},
        label="extract(committee, not yet sent)",
    ),
    S(
        "disclosures:extract",
        {SW, HEAD, PRES},
        args=disclosure("president"),
        scoped={COMM, ADMIN},
        label="extract(president)",
    ),
    S(
        "disclosures:extract",
        {SW, HEAD, ADMIN},
        args=disclosure("admin_staff"),
        scoped={COMM, PRES},
        label="extract(admin staff)",
    ),
    S(
        "disclosures:extract",
        {HEAD},
        args=disclosure("preparation"),
        scoped={SW, COMM, PRES, ADMIN},
        label="extract(preparation meeting, other team)",
    ),
    S("disclosures:inbox", {PRES, ADMIN, HEAD}, has_object=False),
    S("disclosures:session_list", {COMM, SW, HEAD}, has_object=False),
    S("disclosures:session_create", {HEAD}, has_object=False),
    S("disclosures:session_detail", {COMM, SW, HEAD}, args=lambda w: {"session_id": w.session.pk}),
    S("disclosures:registers", {DPO}, has_object=False),
    S("disclosures:journal", {DPO}, has_object=False),
    S("disclosures:journal_csv", {DPO}, has_object=False),
    S("disclosures:recheck", {DPO}, has_object=False),
    S("disclosures:report", CASE, args=person),
    S("disclosures:report_pdf", CASE, args=person),
    S("incoming:list", CASE, has_object=False),
    S("incoming:create", CASE, has_object=False),
    S("incoming:outgoing_create", CASE, has_object=False),
    S("incoming:follow_up", {HEAD}, has_object=False),
    S("incoming:register", {DPO}, has_object=False),
    S("incoming:detail", CASE, args=incoming),
    S("incoming:examine", CASE, args=incoming),
    S("incoming:restart", CASE, args=incoming, method="post"),
    S("incoming:answer", CASE, args=incoming),
    S("incoming:document_add", CASE, args=incoming, method="post"),
    S("incoming:reopen", CASE, args=lambda w: {"incoming_id": closed_request_for(w).pk}),
    S("incoming:document", CASE, args=lambda w: {"document_id": document_for(w).pk}),
    S(
        "incoming:letter_pdf",
        CASE,
        args=lambda w: {"incoming_id": closed_request_for(w).pk},
    ),
    S("api_tokens:list", ALL, has_object=False),
    S(
        "api_tokens:revoke",
        {SYS},
        args=lambda w: {"token_id": token_for(w).pk},
        method="post",
        scoped=ALL - {SYS},
        label="revoke(the sysadmin's token)",
    ),
    S("accounts:logout", ALL, method="post", has_object=False),
    S("accounts:mfa", ALL, has_object=False),
    S("accounts:sessions", ALL, has_object=False),
    S("accounts:password_change", ALL, has_object=False),
    S("accounts:passkeys", ALL, has_object=False),
    S("accounts:passkey_register_begin", ALL, method="post", has_object=False),
    S("accounts:passkey_auth_begin", ALL, method="post", has_object=False),
    S("accounts:approvals", {HEAD, PRES}, has_object=False),
    S("cases:emergency_open", CASE, has_object=False),
    S("cases:emergency_list", {HEAD, DPO}, has_object=False),
    S("admin:index", {SYS}, has_object=False),
    S("admin:accounts_user_changelist", {SYS}, has_object=False),
    S("admin:accounts_user_add", {SYS}, has_object=False),
    S("admin:accounts_user_change", {SYS}, args=lambda w: {"object_id": w.users[SW].pk}),
    S("admin:accounts_team_changelist", {SYS}, has_object=False),
    S("admin:accounts_team_change", {SYS}, args=lambda w: {"object_id": w.team.pk}),
    S("admin:accounts_organisation_changelist", {SYS}, has_object=False),
    S("admin:accounts_organisation_change", {SYS}, args=lambda w: {"object_id": w.org.pk}),
    S("admin:disclosures_privacycontact_changelist", {SYS}, has_object=False),
    S("admin:disclosures_privacycontact_add", {SYS}, has_object=False),
]

#: URL names deliberately outside the table: public or reached only through another listed page.
NOT_IN_TABLE = {
    "accounts:login",  # public (tested in test_accounts)
    "accounts:language",  # public, the FR | NL switcher (tested in tests/i18n/test_web_language)
    "health",  # public, no personal data (tested in test_serve)
    "api_not_found",  # the API's own 404 problem (tested in test_api)
    "accounts:password_set",  # public, one-time link (tested in test_security)
    # The end of a passkey ceremony needs its beginning in the same session: tested in
    # test_security (anonymous, unverified, forged) and in Chromium (test_security_browser).
    "accounts:passkey_register_complete",
    "accounts:passkey_auth_complete",
    "admin:login",  # sends to the application's own login page
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin:autocomplete",
    "admin:accounts_user_history",
    "admin:accounts_user_delete",
    "admin:accounts_team_add",
    "admin:accounts_team_history",
    "admin:accounts_team_delete",
    "admin:accounts_organisation_add",
    "admin:accounts_organisation_history",
    "admin:accounts_organisation_delete",
    # The DPO's contact: its list and add pages are in the table; one object's pages follow.
    "admin:disclosures_privacycontact_change",
    "admin:disclosures_privacycontact_history",
    "admin:disclosures_privacycontact_delete",
}


def _request(client: Any, spec: Spec, w: OrgWorld) -> Any:
    url = spec.url(w)
    if spec.method == "post":
        return client.post(url, spec.data(w))
    return client.get(url)


def _expected(spec: Spec, role: str) -> int | None:
    """None: allowed (any success); otherwise the refusal code."""
    if role in spec.ok:
        return None
    return 404 if role in spec.scoped else 403


CASES_SAME_ORG = [
    pytest.param(spec, role, id=f"{spec.id}-{role}") for spec in SPECS for role in roles.ROLES
]
CASES_OTHER_ORG = [
    pytest.param(spec, role, id=f"{spec.id}-outsider-{role}")
    for spec in SPECS
    for role in sorted(spec.ok)
]
CASES_ANONYMOUS = [pytest.param(spec, id=f"{spec.id}-anonymous") for spec in SPECS]


@pytest.mark.django_db
@pytest.mark.parametrize(("spec", "role"), CASES_SAME_ORG)
def test_each_role_of_the_organisation_gets_in_or_is_refused(
    client: Any, world: World, spec: Spec, role: str
) -> None:
    client.force_login(world.a.users[role])
    response = _request(client, spec, world.a)
    expected = _expected(spec, role)
    if expected is None:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302 and spec.name != "accounts:logout":
            assert "/connexion/" not in response["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("spec", "role"), CASES_OTHER_ORG)
def test_a_user_of_another_organisation_is_refused(
    client: Any, world: World, spec: Spec, role: str
) -> None:
    client.force_login(world.b.users[role])
    response = _request(client, spec, world.a)
    if spec.has_object:
        assert response.status_code == 404
    else:
        # Lists and home pages answer, with the user's own organisation only.
        assert response.status_code in (200, 302)
        body = response.content.decode(errors="replace") if response.status_code == 200 else ""
        for marker in world.markers_of(world.a) + [world.a.org.name]:
            assert marker not in body


@pytest.mark.django_db
@pytest.mark.parametrize("spec", CASES_ANONYMOUS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(
    client: Any, world: World, spec: Spec
) -> None:
    response = _request(client, spec, world.a)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) or response[
        "Location"
    ].startswith(reverse("admin:login"))
    if response["Location"].startswith(reverse("admin:login")):
        follow = client.get(response["Location"])
        assert follow.status_code == 302 and follow["Location"].startswith(
            reverse("accounts:login")
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spec",
    # (The preparation-meeting extract belongs to the other team already.)
    [
        s
        for s in SPECS
        if s.has_object and CASE & s.ok and s.id != "extract(preparation meeting, other team)"
    ],
    ids=lambda s: s.id,
)
def test_a_social_worker_of_another_team_is_refused(client: Any, world: World, spec: Spec) -> None:
    client.force_login(world.a.other_team_worker)
    response = _request(client, spec, world.a)
    if spec.name == "disclosures:session_detail":
        # A session belongs to the organisation; the page lists the worker's own team's extracts only.
        assert response.status_code == 200
        assert response.context["extracts"].filter(person__team=world.a.team).count() == 0
    else:
        assert response.status_code == 404


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def _views(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            out += _views(entry, ns)
        elif isinstance(entry, URLPattern):
            out.append((prefix + (entry.name or str(entry.pattern)), entry.callback))
    return out


def test_the_table_covers_every_url_of_the_application() -> None:
    # The API's operations have their own access matrix (tests/web/test_api_access.py).
    served = {n for n in _names(get_resolver()) if not n.startswith(("journal:", "api:"))}
    listed = {s.name for s in SPECS}
    missing = served - listed - NOT_IN_TABLE
    assert not missing, f"URLs without access tests: {sorted(missing)}"
    assert not (listed - served), f"listed but not served: {sorted(listed - served)}"


def test_every_application_view_goes_through_the_guard() -> None:
    unguarded = [
        name
        for name, view in _views(get_resolver())
        if not name.startswith(("admin:", "journal:", "api:")) and not hasattr(view, "guard_roles")
    ]
    assert not unguarded


def test_the_number_of_refusal_tests_is_reported(capsys: Any) -> None:
    refusals = sum(1 for spec in SPECS for role in roles.ROLES if role not in spec.ok)
    outsiders = len(CASES_OTHER_ORG)
    anonymous = len(CASES_ANONYMOUS)
    with capsys.disabled():
        print(
            f"\naccess matrix: {len(SPECS)} URLs; {refusals} wrong-role refusals, "
            f"{outsiders} other-organisation checks, {anonymous} anonymous checks, "
            f"{len(CASES_SAME_ORG) - refusals} allowed-role checks"
        )
    assert refusals > 100

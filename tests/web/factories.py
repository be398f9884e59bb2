"""Test data: organisations, a user per role, persons, items, consents, disclosures.

Texts are recognisable markers so that tests can search pages, exports, the
journal and the raw database for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from depositaire.web.accounts import roles
from depositaire.web.accounts.models import Organisation, Team, User
from depositaire.web.cases import national_number
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.consent.models import Consent, Objection
from depositaire.web.disclosures.models import CommitteeSession, Disclosure

PASSWORD = "un mot de passe de test assez long"


@dataclass
class OrgWorld:
    key: str
    org: Organisation
    team: Team
    other_team: Team
    users: dict[str, User]
    other_team_worker: User
    person: Person
    other_team_person: Person
    confidence: InformationItem
    secret_fact: InformationItem
    consent: Consent
    objection: Objection
    session: CommitteeSession
    disclosures: dict[str, Disclosure] = field(default_factory=dict)

    @property
    def confidence_text(self) -> str:
        return f"CONFIDENCE-{self.key}-elle a peur de son ancien compagnon"

    @property
    def secret_fact_text(self) -> str:
        return f"SECRET-FACT-{self.key}-revenus de 1234 euros par mois"


def make_user(
    org: Organisation,
    role: str,
    username: str,
    *,
    teams: list[Team] = (),
    password: str | None = None,
) -> User:  # type: ignore[assignment]
    user = User(
        username=username,
        first_name=role.replace("_", " ").title(),
        last_name=username.upper(),
        organisation=org,
        role=role,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if teams:
        user.teams.set(teams)
    return user


def make_person(
    org: Organisation,
    team: Team,
    worker: User,
    *,
    first: str,
    last: str,
    nationality: str = "BE",
    birth: dt.date = dt.date(1985, 7, 30),
) -> Person:
    person = Person(
        organisation=org,
        team=team,
        social_worker=worker,
        first_name=first,
        last_name=last,
        birth_date=birth,
        nationality=nationality,
    )
    person.set_identity(
        national_number_value=national_number.make(birth, 33),
        address=f"ADDRESS-{last}-rue des Tests 1, 5000 Namur",
        household=f"HOUSEHOLD-{last}-seule avec deux enfants",
    )
    person.save()
    return person


def make_item(
    person: Person,
    author: User,
    *,
    nature: str,
    categories: list[str],
    text: str,
    origin: str = "confided",
) -> InformationItem:
    item = InformationItem(
        person=person, author=author, nature=nature, categories=categories, origin=origin
    )
    item.set_content(text)
    item.save()
    return item


def make_collaboration_consent(
    person: Person,
    recorded_by: User,
    categories: tuple[str, ...] = ("income", "household", "identity"),
) -> Consent:
    """The person's informed consent to share ``categories`` with another professional for
    a care collaboration (what a disclosure to an outside service rests on)."""
    return Consent.objects.create(
        person=person,
        status="active",
        decision="permit",
        recipient_kind="external_professional",
        purpose="care_collaboration",
        categories=list(categories),
        informed=True,
        recorded_by=recorded_by,
    )


def make_disclosure(
    person: Person,
    preparer: User,
    *,
    kind: str,
    status: str = "sent",
    session: CommitteeSession | None = None,
    items: list[InformationItem] = (),
) -> Disclosure:  # type: ignore[assignment]
    """A disclosure row without running the engine (fast); real ones come from the prepare view."""
    d = Disclosure(
        organisation=person.organisation,
        person=person,
        prepared_by=preparer,
        recipient_kind=kind,
        purpose="aid_decision",
        session=session,
        outcomes=[],
        rule_base_version="test",
        disclosed_categories=["income"],
        rule_ids=["cpas_internal_circuit"],
        status=status,
        sent_at=dt.datetime.now(dt.UTC) if status == "sent" else None,
    )
    d.set_sealed("extract_html", f"<p>EXTRACT-{kind}-{person.last_name}</p>")
    d.set_pdf(b"%PDF-1.4 test")
    d.extract_sha256 = "0" * 64
    d.save()
    if items:
        d.items.set(items)
    return d


def build_org(key: str, name: str) -> OrgWorld:
    org = Organisation.objects.create(name=name, kind="cpas")
    team = Team.objects.create(organisation=org, name=f"Équipe A {key}")
    other_team = Team.objects.create(organisation=org, name=f"Équipe B {key}")
    users: dict[str, User] = {}
    for role in roles.ROLES:
        teams = [team] if role in roles.CASEWORKERS else []
        users[role] = make_user(org, role, f"{role}-{key}".lower(), teams=teams)
    other_worker = make_user(
        org, roles.SOCIAL_WORKER, f"other-sw-{key}".lower(), teams=[other_team]
    )
    sw = users[roles.SOCIAL_WORKER]
    person = make_person(org, team, sw, first="Aline", last=f"PERSONNE{key}")
    other_person = make_person(
        org, other_team, other_worker, first="Bruno", last=f"AUTRE{key}", nationality="MA"
    )
    world = OrgWorld(
        key=key,
        org=org,
        team=team,
        other_team=other_team,
        users=users,
        other_team_worker=other_worker,
        person=person,
        other_team_person=other_person,
        confidence=None,  # type: ignore[arg-type]
        secret_fact=None,  # type: ignore[arg-type]
        consent=None,  # type: ignore[arg-type]
        objection=None,  # type: ignore[arg-type]
        session=None,  # type: ignore[arg-type]
    )
    world.confidence = make_item(
        person,
        sw,
        nature="confidence",
        categories=["feelings", "family_difficulties"],
        text=world.confidence_text,
    )
    world.secret_fact = make_item(
        person,
        sw,
        nature="secret_fact",
        categories=["income", "household"],
        text=world.secret_fact_text,
        origin="observed",
    )
    world.consent = Consent.objects.create(
        person=person,
        status="active",
        decision="permit",
        recipient_kind="external_professional",
        purpose="care_collaboration",
        categories=["income"],
        informed=True,
        recorded_by=sw,
    )
    world.objection = Objection.objects.create(
        person=person,
        status="active",
        decision="deny",
        recipient_kind="employer",
        categories=[],
        recorded_by=sw,
    )
    world.session = CommitteeSession.objects.create(
        organisation=org, date=dt.date(2026, 12, 1), created_by=users[roles.HEAD_SOCIAL_WORKER]
    )
    world.disclosures = {
        "committee": make_disclosure(
            person,
            sw,
            kind="cpas_special_committee",
            session=world.session,
            items=[world.secret_fact],
        ),
        "president": make_disclosure(person, sw, kind="cpas_president"),
        "admin_staff": make_disclosure(person, sw, kind="cpas_admin_staff"),
        "preparation": make_disclosure(
            other_person, other_worker, kind="cpas_committee_preparation"
        ),
        "draft": make_disclosure(
            person, sw, kind="cpas_special_committee", status="prepared", session=world.session
        ),
    }
    return world


@dataclass
class World:
    a: OrgWorld
    b: OrgWorld

    def markers_of(self, w: OrgWorld) -> list[str]:
        return [w.person.last_name, w.confidence_text, w.secret_fact_text]


def build_world() -> World:
    """Loaded like a fixture: its rows are not sealed in the journal (tests that verify the
    seals call ``rows.seal_existing()`` first), so the shared journal starts empty."""
    from depositaire.web.journal import rows

    with rows.loading():
        return World(a=build_org("A", "CPAS de Testville"), b=build_org("B", "CPAS d'Ailleurs"))

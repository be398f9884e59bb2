"""``depositaire demo``: migrate, create the demonstration organisations, print the logins, serve.

Idempotent: the organisations, users and files are created on the first run only.
Passwords are generated once and kept in ``DATA_DIR/demo-passwords.txt`` (0600), so
they stay the same from one run to the next. The server is Django's development
server (``runserver --noreload --insecure``: it also serves the static files),
for a local demonstration only — never for real data.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

from depositaire.messages import t

DEMO_ORG = "CPAS de Démoville"
OTHER_ORG = "Service d'aide de Voisinville"

#: (username, role, first name, last name, organisation) — fictional people.
USERS = [
    ("as.dupont", "social_worker", "Claire", "Dupont", DEMO_ORG),
    ("as.lambert", "head_social_worker", "Marc", "Lambert", DEMO_ORG),
    ("president.renard", "president", "Anne", "Renard", DEMO_ORG),
    ("comite.michel", "committee_member", "Paul", "Michel", DEMO_ORG),
    ("admin.leroy", "admin_staff", "Sophie", "Leroy", DEMO_ORG),
    ("dpo.simon", "dpo", "Nadia", "Simon", DEMO_ORG),
    ("sysadmin.martin", "sysadmin", "Luc", "Martin", DEMO_ORG),
    ("educ.voisin", "social_worker", "Julie", "Voisin", OTHER_ORG),
    # A maatschappelijk werker of the same (Brussels, bilingual) CPAS/OCMW who works in Dutch.
    ("mw.peeters", "social_worker", "Lotte", "Peeters", DEMO_ORG),
]

#: The working language of the demo accounts that do not work in French.
LANGUAGE_OF = {"mw.peeters": "nl"}


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depositaire.web.settings")
    import django

    django.setup()


def passwords_file() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "demo-passwords.txt"


def load_passwords() -> dict[str, str]:
    path = passwords_file()
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text("utf-8").splitlines():
        if "\t" in line:
            name, password = line.split("\t", 1)
            out[name] = password
    return out


def save_passwords(passwords: dict[str, str]) -> None:
    path = passwords_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(f"{name}\t{password}\n" for name, password in passwords.items())
    path.chmod(0o600)


def ensure_demo_data() -> dict[str, str]:
    """Create what is missing; return the demo users' passwords."""
    from django.db import transaction

    from depositaire.web.accounts.models import Organisation, Team, User

    passwords = load_passwords()
    with transaction.atomic():
        demo, created_demo = Organisation.objects.get_or_create(
            name=DEMO_ORG, defaults={"kind": "cpas"}
        )
        other, _ = Organisation.objects.get_or_create(
            name=OTHER_ORG, defaults={"kind": "ambulatory_service"}
        )
        orgs = {DEMO_ORG: demo, OTHER_ORG: other}
        teams = {
            DEMO_ORG: Team.objects.get_or_create(organisation=demo, name="Service social général")[
                0
            ],
            OTHER_ORG: Team.objects.get_or_create(organisation=other, name="Accompagnement")[0],
        }
        users: dict[str, User] = {}
        for username, role, first, last, org_name in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                password = passwords.get(username) or secrets.token_urlsafe(12)
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    organisation=orgs[org_name],
                    role=role,
                    profession="educator" if org_name == OTHER_ORG else "social_worker",
                    language=LANGUAGE_OF.get(username, ""),
                )
                user.set_password(password)
                user.save()
                if role in ("social_worker", "head_social_worker"):
                    user.teams.set([teams[org_name]])
                passwords[username] = password
            users[username] = user
            _ensure_totp(user)
        if created_demo:
            _demo_files(demo, other, teams, users)
        _demo_requests(demo, users)
    save_passwords({name: passwords[name] for name, *_ in USERS if name in passwords})
    return passwords


def _ensure_totp(user: Any) -> None:
    """Demo accounts come enrolled: their codes are given by ``depositaire demo code USER``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="demo", confirmed=True)


def current_code(username: str) -> str:
    """The current TOTP code of a demonstration account; refused for any other account."""
    setup()
    from django.db import DatabaseError, connection
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from depositaire.web.accounts.models import User

    demo_names = {name: org for name, _, _, _, org in USERS}
    try:
        user = User.objects.filter(username=username).select_related("organisation").first()
    except DatabaseError as exc:  # a data folder the demonstration never filled
        raise DemoError(t("security.demo.no_database", detail=type(exc).__name__)) from exc
    is_demo = (
        username in demo_names
        and user is not None
        and user.organisation is not None
        and user.organisation.name == demo_names[username]
        and passwords_file().exists()
        and username in load_passwords()
        and connection.vendor == "sqlite"
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if is_demo else None
    if device is None:
        raise DemoError(t("security.demo.not_demo", user=username))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return t("security.demo.code", user=username, code=f"{totp.token():0{device.digits}d}")


def _item(
    person: Any, author: Any, nature: str, categories: list[str], text: str, origin: str
) -> Any:
    from depositaire.web.cases.models import InformationItem

    item = InformationItem(
        person=person, author=author, nature=nature, categories=categories, origin=origin
    )
    item.set_content(text)
    item.save()
    return item


def _person(
    org: Any,
    team: Any,
    worker: Any,
    first: str,
    last: str,
    birth: dt.date,
    nationality: str,
    serial: int,
    address: str,
    household: str,
) -> Any:
    from depositaire.web.cases import national_number
    from depositaire.web.cases.models import Person

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
        national_number_value=national_number.make(birth, serial),
        address=address,
        household=household,
    )
    person.save()
    return person


def _demo_files(demo: Any, other: Any, teams: dict[str, Any], users: dict[str, Any]) -> None:
    from django.utils import timezone

    from depositaire.web.consent.models import Consent, Objection
    from depositaire.web.disclosures.models import CommitteeSession
    from depositaire.web.disclosures.preparation import PreparationRequest, evaluate
    from depositaire.web.disclosures.service import record_disclosure

    sw, head = users["as.dupont"], users["as.lambert"]
    team = teams[DEMO_ORG]
    amina = _person(
        demo,
        team,
        sw,
        "Amina",
        "El Idrissi",
        dt.date(1988, 4, 12),
        "MA",
        41,
        "Rue des Tilleuls 14, 5100 Démoville",
        "Elle et ses deux enfants (7 et 10 ans)",
    )
    jean = _person(
        demo,
        team,
        sw,
        "Jean",
        "Dubois",
        dt.date(1961, 11, 2),
        "BE",
        87,
        "Avenue de la Gare 3, boîte 2, 5100 Démoville",
        "Vit seul",
    )
    income = _item(
        amina,
        sw,
        "secret_fact",
        ["income", "household"],
        "Allocations de chômage : 1 050 € par mois. Loyer : 690 € par mois. Vit seule avec ses deux enfants.",
        "learned_from_others",
    )
    _item(
        amina,
        sw,
        "confidence",
        ["feelings", "family_difficulties"],
        "Elle confie avoir peur de son ancien compagnon, qui l'appelle encore la nuit. Elle ne veut pas que cela se sache.",
        "confided",
    )
    _item(
        amina,
        sw,
        "secret_fact",
        ["aid_granted", "aid_period"],
        "Aide sociale équivalente au revenu d'intégration accordée du 1er mars au 31 août.",
        "observed",
    )
    _item(
        jean,
        sw,
        "secret_fact",
        ["address", "administrative_situation"],
        "Expulsion annoncée pour la fin du mois ; arriérés de loyer de 2 400 €.",
        "confided",
    )
    _item(
        jean,
        sw,
        "secret_fact",
        ["health"],
        "Diabète ; suivi par la maison médicale du quartier.",
        "confided",
    )
    Consent.objects.create(
        person=amina,
        status="active",
        decision="permit",
        recipient_kind="external_professional",
        recipient_name="Maison médicale du Centre",
        purpose="care_collaboration",
        categories=["income", "household"],
        informed=True,
        recorded_by=sw,
    )
    Objection.objects.create(
        person=jean,
        status="active",
        decision="deny",
        recipient_kind="",
        categories=["health"],
        recorded_by=sw,
    )
    session = CommitteeSession.objects.create(
        organisation=demo,
        date=timezone.localdate() + dt.timedelta(days=7),
        label="Aides sociales",
        created_by=head,
    )
    request = PreparationRequest(
        person=amina,
        preparer=sw,
        recipient_kind="cpas_special_committee",
        purpose="aid_decision",
        necessary_only=True,
        on=timezone.localdate(),
    )
    disclosure = record_disclosure(request, evaluate(request, [income]), session=session)
    disclosure.status, disclosure.sent_at = "sent", timezone.now()
    disclosure.save(update_fields=["status", "sent_at"])

    educ = users["educ.voisin"]
    lea = _person(
        other,
        teams[OTHER_ORG],
        educ,
        "Léa",
        "Moreau",
        dt.date(2008, 6, 21),
        "BE",
        15,
        "Rue du Moulin 8, 5200 Voisinville",
        "Avec son père",
    )
    _item(
        lea,
        educ,
        "secret_fact",
        ["attendance"],
        "Présente à tous les rendez-vous depuis janvier.",
        "observed",
    )


#: Open requests of the register (fictional): the same officer asks about two persons.
DEMO_REQUESTS = [
    # (first name, requester kind, organisation, name, contact, channel, categories, basis, days ago)
    (
        "Amina",
        "police",
        "Zone de police Démoville",
        "Inspecteur T. Wauters",
        "081 00 11 22",
        "phone",
        ["address"],
        "none",
        2,
    ),
    (
        "Jean",
        "police",
        "Zone de police Démoville",
        "Inspecteur T. Wauters",
        "081 00 11 22",
        "phone",
        ["address", "aid_granted"],
        "none",
        6,
    ),
    (
        "Amina",
        "immigration_office",
        "Office des étrangers",
        "Cellule garants",
        "garants@oe.example",
        "email",
        ["identity", "national_number", "nationality"],
        "guarantor_lookup",
        1,
    ),
]


def _demo_requests(demo: Any, users: dict[str, Any]) -> None:
    """A few open requests in the register, created once."""
    from django.utils import timezone

    from depositaire.web.cases.models import Person
    from depositaire.web.disclosures.models import PrivacyContact
    from depositaire.web.incoming.models import OUTGOING_BASES, IncomingRequest

    PrivacyContact.objects.get_or_create(
        organisation=demo,
        defaults={
            "dpo_name": "Délégué à la protection des données (fictif)",
            "dpo_email": "dpo@demoville.example",
        },
    )
    if IncomingRequest.objects.filter(organisation=demo).exists():
        return
    sw = users["as.dupont"]
    for first, kind, org, name, contact, channel, categories, basis, days in DEMO_REQUESTS:
        person = Person.objects.filter(organisation=demo, first_name=first).first()
        if person is None:
            continue
        request = IncomingRequest(
            organisation=demo,
            team=person.team,
            person=person,
            requester_kind=kind,
            requester_organisation=org,
            requester_name=name,
            requester_contact=contact,
            channel=channel,
            categories=categories,
            claimed_basis=basis,
            # The guarantor look-up is a request the CPAS sends (004), not one it receives.
            direction="outgoing" if basis in OUTGOING_BASES else "incoming",
            received_at=timezone.now() - dt.timedelta(days=days),
            received_by=sw,
            registered_by=sw,
        )
        request.set_sealed("request_text", "")
        request.save()


def banner(host: str, port: int, passwords: dict[str, str]) -> str:
    from depositaire.messages import t

    lines = [
        t("web.demo.title"),
        "",
        t("web.demo.url", url=f"http://{host}:{port}/"),
        "",
        t("web.demo.users"),
    ]
    for username, role, _first, _last, org in USERS:
        lines.append(
            t(
                "web.demo.user_line",
                role=t(f"web.roles.{role}"),
                org=org,
                username=username,
                password=passwords.get(username, "?"),
            )
        )
    lines += [
        "",
        t("web.demo.passwords_file", path=str(passwords_file())),
        t("security.demo.hint"),
        t("web.demo.not_for_real_data"),
        t("web.demo.stop"),
    ]
    return "\n".join(lines)


def prepare() -> dict[str, str]:
    """Migrate and create the demo data (no server): the passwords."""
    setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return ensure_demo_data()


class DemoError(Exception):
    """The demo cannot start (the message is French, for the person)."""


def check_port(host: str, port: int) -> None:
    """Refuse early, in French, when the address is taken or cannot be used."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError:
        raise DemoError(t("web.demo.port_taken", host=host, port=port)) from None


def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the demo with Django's development server (static files included), quietly.

    The server is started directly rather than through ``runserver``, whose start-up
    lines are English; requests are still logged by the ``django.server`` logger.
    """
    check_port(host, port)
    passwords = prepare()
    print(banner(host, port, passwords), flush=True)
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import run as serve
    from django.core.wsgi import get_wsgi_application

    try:
        serve(host, port, StaticFilesHandler(get_wsgi_application()), threading=True)
    except KeyboardInterrupt:
        print(t("web.demo.stopped"), flush=True)

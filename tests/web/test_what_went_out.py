"""What is recorded is what was sent (issue 8): for every kind of letter and extract, the
produced PDF is read back with pdftotext and compared with what the journal, the record
and the person's report say went out; no value of a withheld category of that file is in it."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from django.urls import reverse

from depositaire.engine.explain import category_label
from depositaire.engine.schema import CATEGORIES
from depositaire.web.accounts import roles
from depositaire.web.disclosures.models import Disclosure
from depositaire.web.incoming.models import RequestAnswer
from depositaire.web.incoming.sources import record_values
from depositaire.web.journal.models import JournalEntry
from web.factories import World, make_item, make_person
from web.test_incoming import (
    ANSWERS,
    GUARANTOR,
    IMMIGRATION_MEDICAL,
    POLICE,
    POLICE_WRITTEN,
    PROSECUTOR,
    close,
    examine,
    page_text,
    register,
)

pytestmark = pytest.mark.django_db

LABELS = {category_label(c).casefold(): c for c in CATEGORIES}


def pdftotext(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def categories_in(labels: str) -> set[str]:
    """Categories named by a list of labels ("L'identité (nom), la nationalité")."""
    out = set()
    for part in re.split(r",\s*(?=l[ae'’]|les )", labels.strip().rstrip(".")):
        key = part.strip().casefold()
        if key in LABELS:
            out.add(LABELS[key])
    return out


def letter_categories(text: str) -> set[str]:
    """Categories of the letter's "Catégorie : valeur" lines."""
    found: set[str] = set()
    for line in text.splitlines():
        line = line.strip().lstrip("•").strip()
        if " : " in line:
            found |= categories_in(line.split(" : ", 1)[0])
    return found


def report_sent(client: Any, person: Any) -> list[set[str]]:
    """For each closed request in the person's report: the categories it says went out."""
    text = page_text(client.get(reverse("disclosures:report", kwargs={"person_id": person.pk})))
    out = []
    for line in flat(text).split("Nous n'avons rien communiqué")[1:]:
        out.append(set())
    for m in re.finditer(r"Ce que nous avons communiqué, et rien d'autre : ([^.]+)\.", flat(text)):
        out.append(categories_in(m.group(1)))
    return out


def withheld_values(person: Any, sent: set[str]) -> list[str]:
    values = [v for c, v in record_values(person).items() if c not in sent and v]
    if "national_number" not in sent:
        values.append(person.get_sealed("national_number"))
    return values


@pytest.fixture
def sw(client: Any, world: World) -> Any:
    client.force_login(world.a.users[roles.SOCIAL_WORKER])
    return world.a.users[roles.SOCIAL_WORKER]


@pytest.fixture
def foreigner(world: World) -> Any:
    w = world.a
    person = make_person(
        w.org, w.team, w.users[roles.SOCIAL_WORKER], first="Samir", last="GARANTX", nationality="MA"
    )
    person.set_sealed("address", "Rue des Tilleuls 14, 5000 Namur")
    person.save()
    make_item(
        person,
        w.users[roles.SOCIAL_WORKER],
        nature="secret_fact",
        categories=["aid_granted"],
        text="AID-bénéficie du RIS depuis 2025",
    )
    make_item(
        person,
        w.users[roles.SOCIAL_WORKER],
        nature="secret_fact",
        categories=["health"],
        text="HEALTH-suivi en psychiatrie",
    )
    return person


STORIES = {
    "phone call note (police)": (POLICE, ANSWERS["police"], "call_note"),
    "refusal letter (written police request)": (POLICE_WRITTEN, ANSWERS["police"], "reply"),
    "refusal letter (immigration office, medical aid)": (IMMIGRATION_MEDICAL, {}, "reply"),
    "transmission letter (prosecutor's requisition)": (
        PROSECUTOR,
        ANSWERS["prosecutor"],
        "transmission",
    ),
    "outgoing letter (guarantor look-up)": (GUARANTOR, ANSWERS["guarantor"], "transmission"),
}


@pytest.mark.parametrize("story", list(STORIES))
def test_the_letter_holds_exactly_what_the_journal_and_the_report_say_went_out(
    client: Any, world: World, sw: Any, foreigner: Any, story: str
) -> None:
    fields, answers, kind = STORIES[story]
    incoming = register(client, foreigner, fields)
    examine(client, incoming, answers)
    assert close(client, incoming).status_code == 302
    answer = RequestAnswer.objects.get(request=incoming)
    assert answer.letter_kind == kind
    text = pdftotext(answer.get_pdf())
    in_pdf = letter_categories(text)
    entry = JournalEntry.objects.filter(
        action="request_closed", details__request_id=incoming.pk
    ).get()
    # The PDF, the record, the journal and the report agree on what went out.
    assert set(entry.details["categories"]) == in_pdf == set(answer.sent_categories)
    assert entry.details["letter_sha256"] == answer.letter_sha256
    if not answer.keep_secret:
        assert in_pdf in report_sent(client, foreigner)
    # No value of a withheld category of this file is in the PDF.
    body = flat(text)
    for value in withheld_values(foreigner, in_pdf):
        assert flat(value) not in body, (story, value)
    assert "HEALTH-" not in body
    if "aid_granted" not in in_pdf:
        assert "AID-" not in body and "RIS" not in body
    # Printed as on the file: the national number formatted, never raw.
    number = foreigner.get_sealed("national_number")
    assert number not in body
    if "national_number" in in_pdf:
        assert record_values(foreigner)["national_number"] in body
    # Provisions by their public names only.
    for internal in ("à vérifier", "(commentaire)", "doctrine", "Profondeville", "Pas de secret"):
        assert internal not in body, (story, internal)


@pytest.mark.parametrize("kind", ["cpas_special_committee", "cpas_president"])
def test_the_extract_holds_exactly_what_the_journal_and_the_report_say_went_out(
    client: Any, world: World, kind: str
) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    data = {
        "recipient_kind": kind,
        "purpose": "aid_decision",
        "session": w.session.pk if kind == "cpas_special_committee" else "",
        "necessary_only": "true",
        "items": [w.confidence.pk, w.secret_fact.pk],
        "action": "prepare",
    }
    response = client.post(reverse("disclosures:prepare", kwargs={"person_id": w.person.pk}), data)
    assert response.status_code == 302
    disclosure = Disclosure.objects.latest("pk")
    client.post(reverse("disclosures:send", kwargs={"disclosure_id": disclosure.pk}))
    text = flat(pdftotext(disclosure.get_pdf()))
    included = text.split("Informations communiquées", 1)[1].split("Base légale")[0]
    in_pdf = {c for c in CATEGORIES if category_label(c).casefold() in included.casefold()}
    if w.person.last_name.upper() in text:
        in_pdf.add("identity")
    sent = JournalEntry.objects.filter(
        action="disclosure_sent", details__disclosure_id=disclosure.pk
    ).get()
    assert set(sent.details["categories"]) == in_pdf == set(disclosure.disclosed_categories)
    report = flat(
        page_text(client.get(reverse("disclosures:report", kwargs={"person_id": w.person.pk})))
    )
    said = re.findall(r"Informations communiquées : ([^.]+)\. But", report)
    assert said and categories_in(said[-1]) == in_pdf  # the last one sent is this one
    # Withheld: nothing said of it to the recipient, neither its text, nor its categories,
    # nor a count, nor a section saying something stays in the file.
    assert w.confidence_text not in text
    # The footer's general sentence aside, the word never appears.
    assert "confidence" not in text.replace("les confidences n'y figurent jamais", "")
    assert "Informations non communiquées" not in text and "restent au dossier" not in text
    assert not re.search(r" : \d+ éléments?\b", text)
    assert not {"feelings", "family_difficulties"} & in_pdf
    assert not {c for c in CATEGORIES if category_label(c).casefold() in text.casefold()} - in_pdf
    for value in withheld_values(w.person, in_pdf):
        assert flat(value) not in text
    assert "Communication communication" not in text

"""A social worker's day for locust (``make load``): the person list, files, items, a report,
new notes, a request examined step by step and closed with its letter, a disclosure.

Each simulated user logs in as its own social worker (``charge.N``, made by
``scripts/load.py``) and thinks 1 to 3 seconds between pages (between the steps of an
examination too). Requests are grouped by page kind, the names of the table ``make load``
prints; a step that produces a PDF says so in its name.
"""

from __future__ import annotations

import base64
import itertools
import random
import re
import threading
from typing import Any

import pyotp
from loadday import (
    ITEM,
    ITEM_BOX,
    PERSON,
    QUESTION,
    REQUISITION,
    SESSION,
    examination_answer,
    form_fields,
)
from locust import HttpUser, between, task

PASSWORD = "un mot de passe de charge assez long"  # noqa: S105 (throwaway load-test accounts)
_numbers = itertools.count()
_lock = threading.Lock()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(r'name="form_once" value="([^"]+)"')
#: base32 of scripts/load.py's TOTP_KEY.
TOTP_SECRET = base64.b32encode(bytes.fromhex("3132333435363738393031323334353637383930")).decode()


def _csrf(text: str) -> str:
    match = CSRF.search(text)
    return match.group(1) if match else ""


def _once(text: str) -> str:
    """The form's one-time token (depositaire/web/once.py)."""
    match = ONCE.search(text)
    return match.group(1) if match else ""


class SocialWorker(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        with _lock:
            number = next(_numbers)
        page = self.client.get("/connexion/", name="connexion (page)")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/connexion/",
            {"username": f"charge.{number}", "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="connexion (mot de passe)",
        )
        # The second factor, as a phone computes it (the seeded device's known key).
        form = self.client.get("/connexion/code/", name="connexion (page du code)")
        self.client.post(
            "/connexion/code/",
            {"code": pyotp.TOTP(TOTP_SECRET).now(), "csrfmiddlewaretoken": _csrf(form.text)},
            name="connexion (code)",
        )
        with self.client.get(
            "/personnes/", name="liste des personnes", catch_response=True
        ) as listing:
            if "/connexion/" in listing.url:
                listing.failure("the login did not pass both factors")
        self.persons = sorted(set(PERSON.findall(listing.text))) or ["0"]
        self.items: list[str] = []
        self.token = (CSRF.search(listing.text) or CSRF.search(page.text)).group(1)  # type: ignore[union-attr]

    @task(4)
    def person_list(self) -> None:
        self.client.get("/personnes/", name="liste des personnes")

    @task(4)
    def person_file(self) -> None:
        page = self.client.get(f"/personnes/{random.choice(self.persons)}/", name="dossier")
        found = ITEM.findall(page.text)
        if found:
            self.items = found

    @task(3)
    def item(self) -> None:
        if self.items:
            self.client.get(f"/elements/{random.choice(self.items)}/", name="élément")

    @task(1)
    def new_item(self) -> None:
        person = random.choice(self.persons)
        form = self.client.get(
            f"/personnes/{person}/elements/nouveau/", name="nouvel élément (formulaire)"
        )
        match = CSRF.search(form.text)
        if match:
            self.client.post(
                f"/personnes/{person}/elements/nouveau/",
                {
                    "nature": "secret_fact",
                    "categories": ["income"],
                    "origin": "observed",
                    "content": "Note de charge : revenus vérifiés.",
                    "csrfmiddlewaretoken": match.group(1),
                    "form_once": _once(form.text),
                },
                name="nouvel élément (enregistrement)",
                allow_redirects=False,
            )

    @task(1)
    def report_pdf(self) -> None:
        self.client.get(f"/personnes/{random.choice(self.persons)}/rapport.pdf", name="rapport PDF")

    @task(1)
    def request_with_letter(self) -> None:
        """A written request registered, examined question by question, closed with its letter."""
        person = random.choice(self.persons)
        form = self.client.get(
            f"/demandes/nouvelle/?personne={person}", name="demande (formulaire)"
        )
        data = dict(form_fields(form.text, "request-form"))
        data.update(REQUISITION, person=person, received_by=data.get("received_by", ""))
        data["categories"] = REQUISITION["categories"]  # type: ignore[assignment]
        with self.client.post(
            "/demandes/nouvelle/",
            data,
            name="demande (enregistrement)",
            allow_redirects=False,
            catch_response=True,
        ) as created:
            location = created.headers.get("Location", "")
            match = re.search(r"/demandes/(\d+)/examen/", location)
            if created.status_code != 302 or not match:
                created.failure(f"the request was not registered ({created.status_code})")
                return
        number = match.group(1)
        url = f"/demandes/{number}/examen/"
        for _ in range(40):
            self.wait()
            page = self.client.get(url, name="examen (question)")
            question = QUESTION.search(page.text)
            if question is None:
                break
            self.wait()
            self.client.post(
                url,
                {
                    **examination_answer(page.text, question.group(1)),
                    "csrfmiddlewaretoken": _csrf(page.text),
                },
                name="examen (réponse)",
            )
        else:
            return
        self.wait()
        answer_url = f"/demandes/{number}/reponse/"
        page = self.client.get(answer_url, name="réponse (formulaire)")
        fields = form_fields(page.text, answer_url)
        self.wait()
        confirm = self.client.post(
            answer_url, [*fields, ("action", "confirm")], name="réponse (confirmation)"
        )
        with self.client.post(
            answer_url,
            [*form_fields(confirm.text, answer_url), ("action", "close")],
            name="réponse : clôture et lettre PDF",
            allow_redirects=False,
            catch_response=True,
        ) as closed:
            if closed.status_code != 302:
                closed.failure(f"the request was not closed ({closed.status_code})")
                return
        self.wait()
        with self.client.get(
            f"/demandes/{number}/reponse.pdf", name="lettre PDF", catch_response=True
        ) as letter:
            if not letter.content.startswith(b"%PDF-"):
                letter.failure("the letter is not a PDF")

    @task(1)
    def disclosure(self) -> None:
        """A disclosure to the special committee: evaluated, then prepared (its extract, a PDF)."""
        person = random.choice(self.persons)
        url = f"/personnes/{person}/communications/nouvelle/"
        form = self.client.get(url, name="communication (formulaire)")
        items = ITEM_BOX.findall(form.text)
        sessions = SESSION.findall(
            form.text.split('name="session"', 1)[-1].split("</select>", 1)[0]
        )
        if not items or not sessions:
            return
        data: dict[str, Any] = {
            "recipient_kind": "cpas_special_committee",
            "recipient_name": "",
            "purpose": "aid_decision",
            "session": sessions[0],
            "necessary_only": "true",
            "items": random.sample(items, min(2, len(items))),
            "csrfmiddlewaretoken": _csrf(form.text),
            "form_once": _once(form.text),
        }
        self.wait()
        evaluated = self.client.post(
            url, {**data, "action": "preview"}, name="communication (évaluation)"
        )
        self.wait()
        posted = [(k, v) for k, v in form_fields(evaluated.text, "prepare-form") if k not in data]
        for key, value in data.items():
            for v in value if isinstance(value, list) else [value]:
                posted.append((key, v))
        with self.client.post(
            url,
            [*posted, ("action", "prepare")],
            name="communication : préparation et extrait PDF",
            allow_redirects=False,
            catch_response=True,
        ) as prepared:
            match = re.search(r"/communications/(\d+)/", prepared.headers.get("Location", ""))
            if prepared.status_code != 302 or not match:
                prepared.failure(f"the disclosure was not prepared ({prepared.status_code})")
                return
        self.wait()
        self.client.get(f"/communications/{match.group(1)}/", name="communication")

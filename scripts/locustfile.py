"""A social worker's day for locust (``make load``): list, files, items, a report, new notes.

Each simulated user logs in as its own social worker (``charge.N``, made by
``scripts/load.py``) and thinks 1 to 3 seconds between pages. Requests are grouped by
page kind, the names of the table ``make load`` prints.
"""

from __future__ import annotations

import base64
import itertools
import random
import re
import threading

import pyotp
from locust import HttpUser, between, task

PASSWORD = "un mot de passe de charge assez long"  # noqa: S105 (throwaway load-test accounts)
_numbers = itertools.count()
_lock = threading.Lock()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON = re.compile(r'href="/personnes/(\d+)/"')
ITEM = re.compile(r'href="/elements/(\d+)/"')
#: base32 of scripts/load.py's TOTP_KEY.
TOTP_SECRET = base64.b32encode(bytes.fromhex("3132333435363738393031323334353637383930")).decode()


def _csrf(text: str) -> str:
    match = CSRF.search(text)
    return match.group(1) if match else ""


class SocialWorker(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        with _lock:
            number = next(_numbers)
        page = self.client.get("/connexion/", name="connexion")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/connexion/",
            {"username": f"charge.{number}", "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="connexion",
        )
        # The second factor, as a phone computes it (the seeded device's known key).
        form = self.client.get("/connexion/code/", name="connexion")
        self.client.post(
            "/connexion/code/",
            {"code": pyotp.TOTP(TOTP_SECRET).now(), "csrfmiddlewaretoken": _csrf(form.text)},
            name="connexion",
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
                },
                name="nouvel élément (enregistrement)",
                allow_redirects=False,
            )

    @task(1)
    def report_pdf(self) -> None:
        self.client.get(f"/personnes/{random.choice(self.persons)}/rapport.pdf", name="rapport PDF")

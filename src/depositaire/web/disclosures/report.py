"""The person's report: what the file holds (categories only), who received what, when
and on which legal basis, the consents and objections on record, and the automatic
flows of the Crossroads Bank that concern the person (seeds 002 and 004).

A confidence appears only as "une confidence, connue seulement de votre assistant(e)
social(e)" — never its content, never its categories.
"""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from depositaire.documents.parts import render_parts
from depositaire.engine.explain import category_label, value_label
from depositaire.engine.schema import CATEGORIES
from depositaire.messages import catalogue, current_language, t
from depositaire.web.accounts import roles
from depositaire.web.cases import access_report
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.consent.models import Consent, Objection
from depositaire.web.disclosures.models import Disclosure, PrivacyContact
from depositaire.web.disclosures.service import basis_rows, recipient_label
from depositaire.web.views import guard, journal, layout_pdf, pdf_response, sha256_hex

CASEWORKERS = tuple(sorted(roles.CASEWORKERS))


class SealedParts:
    """The kept part of reports (what the file holds and what went out, as PDF objects) on
    disk for every worker of the server: each file sealed with the key ring (AES-GCM, bound
    to its name, as other sealed data), in a 0700 folder of the data folder, named by a
    hash of the person and the part's HTML (never a name or a number of the person). A
    file that does not open (another key ring, a retired key, altered bytes) is a miss: the
    part is laid out again and the file written anew. Beyond ``files`` files the oldest
    are removed."""

    def __init__(self, files: int = 256) -> None:
        self.files = files

    @property
    def folder(self) -> Path:
        from django.conf import settings

        return Path(settings.DATA_DIR) / "cache" / "report-parts"

    @staticmethod
    def _context(key: str) -> str:
        return f"report-part:{key}"

    def load(self, key: str) -> bytes | None:
        from depositaire.web.crypto import CryptoError, unseal

        try:
            token = (self.folder / key).read_text(encoding="ascii")
            return base64.b64decode(unseal(token, context=self._context(key)), validate=True)
        except (OSError, UnicodeDecodeError, ValueError, CryptoError):
            return None

    def save(self, key: str, data: bytes) -> None:
        from depositaire.web.crypto import ensure_private_dir, seal

        folder = self.folder
        ensure_private_dir(folder)
        token = seal(base64.b64encode(data).decode("ascii"), context=self._context(key))
        fd, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(token)
            os.replace(name, folder / key)  # a cache: no fsync, a lost file is a miss
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
        self._prune(folder)

    def _prune(self, folder: Path) -> None:
        with os.scandir(folder) as entries:
            found = [(e.stat().st_mtime_ns, e.path) for e in entries if e.is_file()]
        for _, path in sorted(found)[: max(0, len(found) - self.files)]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


#: Shared by the workers of a server (``None``: kept in each process's memory only).
PARTS: SealedParts | None = SealedParts()


#: ``_numbered``'s answers by prefix and catalogue (the catalogue kept, to be compared):
#: finding them went through the whole catalogue, some 2,500 keys, for every report.
_NUMBERED: dict[tuple[str, int], tuple[dict[str, str], tuple[str, ...]]] = {}


def _numbered(prefix: str) -> list[str]:
    """Catalogue entries ``prefix.01``, ``prefix.02``… in order."""
    entries = catalogue(current_language())
    kept = _NUMBERED.get((prefix, id(entries)))
    if kept is None or kept[0] is not entries:
        keys = sorted(k for k in entries if k.startswith(prefix + "."))
        kept = _NUMBERED[(prefix, id(entries))] = (entries, tuple(entries[k] for k in keys))
    return list(kept[1])


def _provision_line(record: Consent | Objection) -> dict[str, Any]:
    return {
        "record": record,
        "recipient": recipient_label(record.recipient_kind, record.recipient_name)
        if record.recipient_kind
        else t("web.report.anyone"),
        "purpose": value_label("request.kind", record.purpose) if record.purpose else "",
        "categories": ", ".join(category_label(c) for c in record.categories)
        or t("web.report.all_categories"),
    }


def report_context(person: Person) -> dict[str, Any]:
    items = list(InformationItem.objects.current().filter(person=person))
    held = {c for i in items if not i.is_confidence for c in i.categories}
    confidences = [i for i in items if i.is_confidence]
    from depositaire.web.incoming.measure import secret_toward_person

    sent = (
        Disclosure.objects.filter(person=person, status="sent")
        # The report reads what went out and why, never the extract itself (read on use).
        .defer("extract_pdf", "extract_html", "facts")
        .order_by("sent_at", "pk")
    )
    if secret_toward_person(timezone.localdate()):
        # What went out on a prosecutor's requisition is the measure itself (46bis/1, § 2).
        sent = sent.exclude(purpose="prosecutor_requisition")
    disclosures = [
        {
            "disclosure": d,
            "recipient": recipient_label(d.recipient_kind, d.recipient_name),
            "purpose": value_label("request.kind", d.purpose),
            "categories": ", ".join(category_label(c) for c in d.disclosed_categories)
            or t("incoming.report.nothing_sent"),
            "basis": basis_rows(d.outcomes, d.rule_ids, public=True),
        }
        for d in sent
    ]
    is_cpas = person.organisation.kind == "cpas"
    return {
        "person": person,
        "organisation": person.organisation,
        "today": timezone.localdate(),
        "categories": [category_label(c) for c in CATEGORIES if c in held],
        "confidences": confidences,
        "disclosures": disclosures,
        "consents": [_provision_line(c) for c in Consent.objects.filter(person=person)],
        "objections": [_provision_line(o) for o in Objection.objects.filter(person=person)],
        "crossroads": is_cpas,
        "crossroads_recipients": _numbered("web.report.crossroads.recipients") if is_cpas else [],
        "immigration_flow": is_cpas and person.is_foreigner,
        "requests": closed_requests(person),
        "privacy": PrivacyContact.objects.filter(organisation=person.organisation).first(),
        "viewers": access_report.report_section(person),
    }


def closed_requests(person: Person) -> list[dict[str, Any]]:
    """Closed requests about the person: who asked what, when, the decision, its basis and
    what was sent — never the request's text, and never a measure the law keeps secret."""
    from django.db.models import Q

    from depositaire.web.incoming.answer import basis_labels, requester_label
    from depositaire.web.incoming.measure import NOT_READ, hidden_from_person
    from depositaire.web.incoming.models import RequestAnswer

    # Art. 46bis/1, § 2 CIC (001): a prosecutor's requisition stays secret toward the person,
    # whatever its own outcome; the engine's ``measure_secrecy`` says so (incoming.measure).
    # With the answers of requests reopened since (kept under ``former_request``): what
    # went out then did go out.
    on = timezone.localdate()
    answers = [
        a
        for a in RequestAnswer.objects.filter(
            Q(request__person=person) | Q(former_request__person=person), keep_secret=False
        )
        .select_related("request", "former_request")
        # Never the letter (a sealed PDF) nor the request's text or interview (read on use).
        .defer(
            "letter_pdf",
            *(f"{about}__{name}" for about in ("request", "former_request") for name in NOT_READ),
        )
        .order_by("closed_at", "pk")
        if not hidden_from_person(a.about, on)
    ]
    return [
        {
            "received": a.about.received_at,
            "outgoing": a.about.is_outgoing,
            # The report is written to the person: her own request is « vous avez demandé ».
            "own": a.about.requester_kind == "the_person",
            "purpose": t(f"incoming.report.purposes.{a.about.claimed_basis}")
            if a.about.is_outgoing
            else "",
            "requester": requester_label(a.about),
            "categories": ", ".join(category_label(c) for c in a.about.categories),
            "verdict": t(f"verdicts.{a.verdict}.label"),
            "sent": ", ".join(category_label(c) for c in a.sent_categories)
            or t("incoming.report.nothing_sent"),
            "outcome": t(
                "incoming.report.outcome_sent",
                sent=", ".join(category_label(c) for c in a.sent_categories),
            )
            if a.sent_categories
            else t("incoming.report.outcome_nothing"),
            "basis": basis_labels(a.decision, public=True, situation=a.situation),
        }
        for a in answers
    ]


@guard(*CASEWORKERS, load={"person_id": Person})
@require_GET
def report(request: HttpRequest, person: Person) -> HttpResponse:
    journal(
        request, "report_viewed", target=f"person:{person.pk}", details={"person_id": person.pk}
    )
    return render(request, "disclosures/report_page.html", report_context(person))


@guard(*CASEWORKERS, load={"person_id": Person})
@require_GET
def report_pdf(request: HttpRequest, person: Person) -> HttpResponse:
    context = report_context(person)
    # Two parts, one PDF: what the file holds and what went out (its pages kept as PDF
    # objects, for every thread of the process, while its HTML does not change), then who
    # viewed the file, from a new page, laid out for every download from what this request
    # read: the report shows every view up to it. Each download is journaled.
    pdf = render_parts(
        render_to_string("disclosures/report_document.html", {**context, "part": "stable"}),
        render_to_string("disclosures/report_document.html", {**context, "part": "fresh"}),
        cache_scope=f"person:{person.pk}",
        layout=layout_pdf,
        store=PARTS,
    )
    journal(
        request,
        "export",
        target=f"person:{person.pk}",
        details={"person_id": person.pk, "format": "pdf", "report_sha256": sha256_hex(pdf)},
    )
    return pdf_response(pdf, f"rapport-dossier-{person.pk}.pdf")

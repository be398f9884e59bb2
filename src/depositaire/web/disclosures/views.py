"""Preparing, sending and reading disclosures; committee sessions; the DPO's registers."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from depositaire.engine.explain import value_label
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import Person
from depositaire.web.consent.models import Consent, Objection
from depositaire.web.disclosures.forms import FactsForm, PrepareForm, SessionForm, posted_fact_paths
from depositaire.web.disclosures.models import CommitteeSession, Disclosure
from depositaire.web.disclosures.preparation import PreparationRequest, evaluate, missing_facts
from depositaire.web.disclosures.service import legal_basis, recipient_label, record_disclosure
from depositaire.web.views import guard, journal, journal_read, pdf_response

CASEWORKERS = tuple(sorted(roles.CASEWORKERS))
#: Roles that receive extracts, with the caseworkers who prepare them.
READERS = (*CASEWORKERS, roles.PRESIDENT, roles.COMMITTEE_MEMBER, roles.ADMIN_STAFF)


@guard(*CASEWORKERS, load={"person_id": Person})
@require_http_methods(["GET", "POST"])
def prepare(request: HttpRequest, person: Person) -> HttpResponse:
    user: Any = request.user
    initial = {k: request.GET[k] for k in ("recipient_kind", "purpose") if k in request.GET}
    form = PrepareForm(request.POST or None, person=person, user=user, initial=initial)
    outcomes = None
    facts_form = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        asked = posted_fact_paths(request.POST)
        answered = FactsForm(request.POST, paths=asked).facts() if asked else {}
        prep = PreparationRequest(
            person=person,
            preparer=user,
            recipient_kind=data["recipient_kind"],
            recipient_name=data["recipient_name"].strip(),
            purpose=data["purpose"],
            necessary_only=data["necessary_only"],
            facts=answered,
            on=timezone.localdate(),
        )
        items = list(data["items"])
        outcomes = evaluate(prep, items)
        paths = list(dict.fromkeys([*asked, *missing_facts(outcomes)]))
        facts_form = FactsForm(request.POST if asked else None, paths=paths)
        if request.POST.get("action") == "prepare":
            disclosure = record_disclosure(prep, outcomes, session=data["session"])
            journal(
                request,
                "disclosure_prepared",
                target=f"person:{person.pk}",
                details={
                    "disclosure_id": disclosure.pk,
                    "person_id": person.pk,
                    "item_ids": [o.item.pk for o in outcomes if o.item is not None],
                    "included_item_ids": [
                        o.item.pk for o in outcomes if o.item is not None and o.included
                    ],
                    "extract_sha256": disclosure.extract_sha256,
                    "categories": list(disclosure.disclosed_categories),
                    "version": disclosure.rule_base_version,
                    **(
                        {
                            "date": outcomes[0].decision.date.isoformat(),
                            "as_known_on": (
                                outcomes[0].decision.as_known_on or outcomes[0].decision.date
                            ).isoformat(),
                        }
                        if outcomes
                        else {}
                    ),
                },
            )
            return redirect("disclosures:detail", disclosure_id=disclosure.pk)
    return render(
        request,
        "disclosures/prepare.html",
        {
            "person": person,
            "form": form,
            "outcomes": outcomes,
            "facts_form": facts_form,
            "asked_facts": ",".join(facts_form.paths) if facts_form else "",
        },
    )


def _extract_html(disclosure: Disclosure) -> str:
    # The fragment was rendered by our own template (every value escaped) and sealed.
    return mark_safe(disclosure.get_sealed("extract_html"))  # noqa: S308  # nosec B308


@guard(*CASEWORKERS, load={"disclosure_id": (Disclosure, "managed_by")})
@require_GET
def detail(request: HttpRequest, disclosure: Disclosure) -> HttpResponse:
    journal(
        request,
        "file_viewed",
        target=f"person:{disclosure.person_id}",
        details={"disclosure_id": disclosure.pk, "person_id": disclosure.person_id},
    )
    return render(
        request,
        "disclosures/detail.html",
        {
            "disclosure": disclosure,
            "person": disclosure.person,
            "recipient": recipient_label(disclosure.recipient_kind, disclosure.recipient_name),
            "purpose": value_label("request.kind", disclosure.purpose),
            "basis": legal_basis(disclosure.outcomes, disclosure.rule_ids),
            "extract": _extract_html(disclosure),
        },
    )


@guard(*CASEWORKERS, load={"disclosure_id": (Disclosure, "managed_by")})
@require_POST
def send(request: HttpRequest, disclosure: Disclosure) -> HttpResponse:
    if disclosure.status != "sent":
        disclosure.status = "sent"
        disclosure.sent_at = timezone.now()
        disclosure.save(update_fields=["status", "sent_at"])
        journal(
            request,
            "disclosure_sent",
            target=f"person:{disclosure.person_id}",
            details={
                "disclosure_id": disclosure.pk,
                "person_id": disclosure.person_id,
                "extract_sha256": disclosure.extract_sha256,
                "categories": list(disclosure.disclosed_categories),
            },
        )
    return redirect("disclosures:detail", disclosure_id=disclosure.pk)


@guard(*READERS, load={"disclosure_id": Disclosure})
@require_GET
def extract(request: HttpRequest, disclosure: Disclosure) -> HttpResponse:
    journal(
        request,
        "item_viewed",
        target=f"person:{disclosure.person_id}",
        details={
            "disclosure_id": disclosure.pk,
            "item_ids": list(disclosure.items.values_list("pk", flat=True)),
            "extract_sha256": disclosure.extract_sha256,
        },
    )
    return render(
        request,
        "disclosures/extract_page.html",
        {"disclosure": disclosure, "extract": _extract_html(disclosure)},
    )


@guard(*READERS, load={"disclosure_id": Disclosure})
@require_GET
def extract_pdf(request: HttpRequest, disclosure: Disclosure) -> HttpResponse:
    pdf = disclosure.get_pdf()
    journal(
        request,
        "export",
        target=f"person:{disclosure.person_id}",
        details={
            "disclosure_id": disclosure.pk,
            "extract_sha256": disclosure.extract_sha256,
            "format": "pdf",
        },
    )
    return pdf_response(pdf, f"extrait-{disclosure.pk}.pdf")


@guard(roles.PRESIDENT, roles.ADMIN_STAFF, roles.HEAD_SOCIAL_WORKER)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    received = (
        Disclosure.objects.visible_to(user)
        .filter(status="sent", recipient_kind=roles.RECEIVES[user.role])
        .select_related("prepared_by")
    )
    journal_read(request, "inbox", received)
    return render(
        request,
        "disclosures/inbox.html",
        {"disclosures": received, "kind": roles.RECEIVES[user.role]},
    )


@guard(roles.COMMITTEE_MEMBER, *CASEWORKERS)
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = CommitteeSession.objects.visible_to(request.user)
    journal_read(request, "committee_sessions", sessions)
    return render(request, "disclosures/session_list.html", {"sessions": sessions})


@guard(roles.HEAD_SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        session = CommitteeSession.objects.create(
            organisation_id=user.organisation_id,
            date=form.cleaned_data["date"],
            label=form.cleaned_data["label"],
            created_by=user,
        )
        return redirect("disclosures:session_detail", session_id=session.pk)
    return render(request, "disclosures/session_form.html", {"form": form})


@guard(roles.COMMITTEE_MEMBER, *CASEWORKERS, load={"session_id": CommitteeSession})
@require_GET
def session_detail(request: HttpRequest, session: CommitteeSession) -> HttpResponse:
    extracts = session.extracts_for(request.user).select_related("prepared_by")
    journal_read(request, "committee_session", extracts, target=f"session:{session.pk}")
    return render(
        request, "disclosures/session_detail.html", {"session": session, "extracts": extracts}
    )


@guard(roles.DPO)
@require_GET
def registers(request: HttpRequest) -> HttpResponse:
    """Processing registers: who disclosed what kind of data to whom and why; consents — never contents."""
    user: Any = request.user
    org = user.organisation_id
    disclosures = Disclosure.objects.filter(organisation_id=org).select_related(
        "prepared_by", "session"
    )
    consents = Consent.objects.filter(person__organisation_id=org).select_related("recorded_by")
    objections = Objection.objects.filter(person__organisation_id=org).select_related("recorded_by")
    rows = [
        {
            "disclosure": d,
            "recipient": recipient_label(d.recipient_kind, d.recipient_name),
            "purpose": value_label("request.kind", d.purpose),
            "rules": legal_basis(d.outcomes, d.rule_ids),
        }
        for d in disclosures[:500]
    ]
    return render(
        request,
        "disclosures/registers.html",
        {"rows": rows, "consents": consents[:500], "objections": objections[:500]},
    )


JOURNAL_PAGE = 100


def _target_label(target: str) -> str:
    from depositaire.messages import t_or

    parts = []
    for ref in target.split("/") if target else []:
        kind, _, ident = ref.partition(":")
        parts.append(t_or(f"web.journal.targets.{kind}", ref, id=ident))
    return " / ".join(parts)


#: How a detail's code reads in French, by key (the code itself when it has no label).
_DETAIL_VALUE_KEYS = {
    "categories": "values.information.categories.{}",
    "category": "values.information.categories.{}",
    "rules": "rules.{}.title",
    "rule": "rules.{}.title",
    "verdict": "verdicts.{}.label",
    "recipient_kind": "values.recipient.kind.{}",
    "purpose": "values.request.kind.{}",
    "channel": "incoming.channels.{}",
    "kind": "incoming.letter.kinds.{}",
    "role": "web.roles.{}",
}


def _detail_value(key: str, value: Any) -> str:
    from depositaire.messages import t, t_or

    if isinstance(value, bool):
        return t("common.word_yes") if value else t("common.word_no")
    if isinstance(value, list):
        return ", ".join(_detail_value(key, v) for v in value) or t("web.common.none")
    pattern = _DETAIL_VALUE_KEYS.get(key)
    if pattern and isinstance(value, str):
        return t_or(pattern.format(value), t("web.common.none") if value == "none" else value)
    return str(value)


def _sort_key(label: str) -> str:
    """Alphabetical order as a French reader expects it: accents and case aside."""
    return "".join(
        c for c in unicodedata.normalize("NFD", label) if not unicodedata.combining(c)
    ).casefold()


def _details_text(details: dict[str, Any]) -> str:
    """An entry's details in French: each key's label and each code's name (ids stay ids)."""
    from depositaire.messages import t_or

    parts = []
    for key, value in sorted(details.items()):
        shown = _detail_value(key, value)
        parts.append(t_or(f"web.journal.details.{key}", f"{key} = {shown}", value=shown))
    return " ; ".join(parts)


@guard(roles.DPO)
@require_GET
def journal_page(request: HttpRequest) -> HttpResponse:
    """The access journal of the DPO's organisation: who did what to which object, never contents."""
    from depositaire.web.accounts.models import User
    from depositaire.web.journal.codes import action_label
    from depositaire.web.journal.models import JournalEntry

    user: Any = request.user
    entries = JournalEntry.objects.filter(organisation_id=user.organisation_id).order_by("-seq")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    try:
        before = int(request.GET.get("avant", ""))
        entries = entries.filter(seq__lt=before)
    except ValueError:
        pass
    page = list(entries[: JOURNAL_PAGE + 1])
    more = len(page) > JOURNAL_PAGE
    page = page[:JOURNAL_PAGE]
    names = dict(
        User.objects.filter(pk__in={e.actor_id for e in page if e.actor_id}).values_list(
            "pk", "username"
        )
    )
    rows = [
        {
            "entry": e,
            "action": action_label(e.action),
            "actor": names.get(e.actor_id, "—") if e.actor_id else "—",
            "target": _target_label(e.target),
            "details": _details_text(e.details),
        }
        for e in page
    ]
    # order_by() drops the model's ordering on seq, which would make every entry distinct.
    actions = sorted(
        JournalEntry.objects.filter(organisation_id=user.organisation_id)
        .order_by()
        .values_list("action", flat=True)
        .distinct()
    )
    journal(
        request,
        "journal_viewed",
        target=f"organisation:{user.organisation_id}",
        details={"count": len(rows)},
    )
    return render(
        request,
        "disclosures/journal.html",
        {
            "rows": rows,
            "actions": sorted(
                ((a, action_label(a)) for a in actions), key=lambda p: _sort_key(p[1])
            ),
            "action": action,
            "next_before": page[-1].seq if more and page else None,
        },
    )


@guard(roles.DPO)
@require_GET
def recheck_page(request: HttpRequest) -> HttpResponse:
    """The stored decisions of the organisation that the current rule base would decide
    otherwise (``depositaire decisions recheck``): references, verdicts, versions and
    provisions only — never a name or a content."""
    from depositaire.engine.recheck import recheck
    from depositaire.web.disclosures.recheck import stored_decisions

    user: Any = request.user
    report = recheck(stored_decisions(user.organisation_id))
    rows = [
        {
            "change": c,
            "source": t(f"ops.recheck.sources.{c.stored.source}"),
            "before": t(f"verdicts.{c.verdict_before}.label") if c.verdict_before else "—",
            "now": t(f"verdicts.{c.verdict_now}.label"),
        }
        for c in report.changes
    ]
    return render(
        request,
        "disclosures/recheck.html",
        {"rows": rows, "checked": report.checked, "errors": report.errors},
    )

"""Preparing, sending and reading disclosures; committee sessions; the DPO's registers."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from depositaire.engine.explain import value_label
from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.cases.models import Person
from depositaire.web.consent.models import Consent, Objection
from depositaire.web.disclosures.forms import (
    FactsForm,
    PrepareForm,
    SessionForm,
    field_name,
    posted_fact_paths,
)
from depositaire.web.disclosures.models import CommitteeSession, Disclosure
from depositaire.web.disclosures.preparation import PreparationRequest, evaluate, missing_facts
from depositaire.web.disclosures.service import basis_rows, recipient_label, record_disclosure
from depositaire.web.once import once_per_token
from depositaire.web.views import (
    attachment_response,
    guard,
    journal,
    journal_read,
    paginate,
    pdf_response,
    query_without_page,
    sha256_hex,
)

CASEWORKERS = tuple(sorted(roles.CASEWORKERS))
#: Roles that receive extracts, with the caseworkers who prepare them.
READERS = (*CASEWORKERS, roles.PRESIDENT, roles.COMMITTEE_MEMBER, roles.ADMIN_STAFF)


@guard(*CASEWORKERS, load={"person_id": Person})
@once_per_token
@require_http_methods(["GET", "POST"])
def prepare(request: HttpRequest, person: Person) -> HttpResponse:
    user: Any = request.user
    initial = {k: request.GET[k] for k in ("recipient_kind", "purpose") if k in request.GET}
    form = PrepareForm(request.POST or None, person=person, user=user, initial=initial)
    outcomes = None
    facts_form = given_form = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        asked = posted_fact_paths(request.POST)
        posted = FactsForm(request.POST, paths=asked)
        answered = posted.facts() if asked else {}
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
        # The block asks only what the decisions still need; a fact answered that they no
        # longer miss is kept (still posted, still used) in the block of given answers,
        # where it can be changed. A question left blank that is no longer needed goes.
        missing = missing_facts(outcomes)
        given = [
            p
            for p in asked
            if p not in missing and any(str(v).strip() for v in posted.data.getlist(field_name(p)))
        ]
        facts_form = FactsForm(request.POST if asked else None, paths=missing)
        given_form = FactsForm(request.POST, paths=given)
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
            "given_form": given_form,
            "asked_facts": (
                ",".join([*facts_form.paths, *given_form.paths])
                if facts_form and given_form
                else ""
            ),
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
            "basis": basis_rows(disclosure.outcomes, disclosure.rule_ids),
            "extract": _extract_html(disclosure),
        },
    )


@guard(*CASEWORKERS, load={"disclosure_id": (Disclosure, "managed_by")})
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, disclosure: Disclosure) -> HttpResponse:
    """GET: the page that says what transmitting will do; POST: transmit (journaled)."""
    if request.method == "GET":
        if disclosure.status == "sent":
            return redirect("disclosures:detail", disclosure_id=disclosure.pk)
        from depositaire.engine.explain import category_label

        return render(
            request,
            "disclosures/send_confirm.html",
            {
                "disclosure": disclosure,
                "person": disclosure.person,
                "recipient": recipient_label(disclosure.recipient_kind, disclosure.recipient_name),
                "categories": ", ".join(category_label(c) for c in disclosure.disclosed_categories),
            },
        )
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
        messages.success(request, t("daily.send.done", number=disclosure.pk))
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
    page = paginate(request, received)
    journal_read(request, "inbox", page.object_list, total=page.paginator.count)
    return render(
        request,
        "disclosures/inbox.html",
        {
            "disclosures": page.object_list,
            "page": page,
            "filters": query_without_page(request),
            "kind": roles.RECEIVES[user.role],
        },
    )


@guard(roles.COMMITTEE_MEMBER, *CASEWORKERS)
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, CommitteeSession.objects.visible_to(request.user))
    journal_read(request, "committee_sessions", page.object_list, total=page.paginator.count)
    return render(
        request,
        "disclosures/session_list.html",
        {"sessions": page.object_list, "page": page, "filters": query_without_page(request)},
    )


@guard(roles.HEAD_SOCIAL_WORKER)
@once_per_token
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
    objections = (
        Objection.objects.filter(person__organisation_id=org)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    disclosure_page = paginate(request, disclosures)
    rows = [
        {
            "disclosure": d,
            "recipient": recipient_label(d.recipient_kind, d.recipient_name),
            "purpose": value_label("request.kind", d.purpose),
            # The register: only what binds the holder (documents.basis).
            "rules": basis_rows(d.outcomes, d.rule_ids, binding=True),
        }
        for d in disclosure_page.object_list
    ]
    consent_page = paginate(request, consents, param="page_c")
    objection_page = paginate(request, objections, param="page_o")
    return render(
        request,
        "disclosures/registers.html",
        {
            "rows": rows,
            "consents": consent_page.object_list,
            "objections": objection_page.object_list,
            "disclosure_page": disclosure_page,
            "consent_page": consent_page,
            "objection_page": objection_page,
            # One table for both: one count under it (a pager only for a kind with pages).
            "consents_total": consent_page.paginator.count + objection_page.paginator.count,
            "disclosure_filters": query_without_page(request),
            "consent_filters": query_without_page(request, "page_c"),
            "objection_filters": query_without_page(request, "page_o"),
        },
    )


JOURNAL_PAGE = 100


def _target_label(target: str) -> str:
    from depositaire.messages import t_or

    parts = []
    for ref in target.split("/") if target else []:
        kind, _, ident = ref.partition(":")
        parts.append(t_or(f"web.journal.targets.{kind}", ref, id=ident))
    return " / ".join(parts)


#: How a detail's code reads in French, by key: the catalogue keys tried in turn (the code
#: itself only when none has a label; ``none`` reads « aucun »).
_DETAIL_VALUE_KEYS: dict[str, tuple[str, ...]] = {
    "categories": ("values.information.categories.{}",),
    "category": ("values.information.categories.{}",),
    "rules": ("rules.{}.title",),
    "rule": ("rules.{}.title",),
    "rule_ids": ("rules.{}.title",),
    "verdict": ("verdicts.{}.label",),
    "recipient_kind": ("values.recipient.kind.{}",),
    "purpose": ("values.request.kind.{}",),
    "channel": ("incoming.channels.{}",),
    "legal_basis": ("incoming.bases.{}",),
    "kind": ("incoming.letter.kinds.{}", "labels.kind.{}"),
    "role": ("web.roles.{}",),
    "role_before": ("web.roles.{}",),
    "role_after": ("web.roles.{}",),
    "state": ("labels.state.{}",),
    "status": ("labels.status.{}",),
    "reason": ("security.emergency.reasons.{}", "daily.reasons.{}", "labels.reason.{}"),
    "denied": ("daily.denied.{}",),
    "format": ("labels.format.{}",),
    "via": ("labels.via.{}",),
    "scope": ("labels.scope.{}",),
    "scopes": ("labels.scope.{}",),
    "view": ("labels.view.{}",),
    "model": ("labels.model.{}",),
    "flag": ("labels.flag.{}",),
    "fields": ("labels.field.{}",),
}


def _detail_value(key: str, value: Any) -> str:
    from depositaire.messages import has, t

    if isinstance(value, bool):
        return t("common.word_yes") if value else t("common.word_no")
    if isinstance(value, list):
        return ", ".join(_detail_value(key, v) for v in value) or t("web.common.none")
    if isinstance(value, str):
        for pattern in _DETAIL_VALUE_KEYS.get(key, ()):
            if has(pattern.format(value)):
                return t(pattern.format(value))
        if value == "none":
            return t("labels.none")
    return str(value)


def _sort_key(label: str) -> str:
    """Alphabetical order as a French reader expects it: accents and case aside."""
    return "".join(
        c for c in unicodedata.normalize("NFD", label) if not unicodedata.combining(c)
    ).casefold()


def _details_text(details: dict[str, Any]) -> str:
    """An entry's details in French: each key's label and each code's name (ids stay ids)."""
    from depositaire.messages import has, t_or, tn

    parts = []
    for key, value in sorted(details.items()):
        shown = _detail_value(key, value)
        label = f"web.journal.details.{key}"
        if isinstance(value, int) and not isinstance(value, bool) and has(f"{label}.one"):
            parts.append(tn(label, value, value=shown))  # « 1 mot », « 3 mots »
        else:
            parts.append(t_or(label, f"{key} = {shown}", value=shown))
    return " ; ".join(parts)


def _journal_filtered(request: HttpRequest) -> tuple[Any, Any, Any]:
    """The organisation's entries, the filter form, and the entries it selects (newest first)."""
    from depositaire.web.accounts.models import User
    from depositaire.web.filters import JournalFilterForm
    from depositaire.web.journal.codes import action_label
    from depositaire.web.journal.models import JournalEntry

    user: Any = request.user
    entries = JournalEntry.objects.filter(organisation_id=user.organisation_id)
    # order_by() drops the model's ordering on seq, which would make every entry distinct.
    actions = sorted(entries.order_by().values_list("action", flat=True).distinct())
    users = list(
        User.objects.filter(organisation_id=user.organisation_id)
        .order_by("username")
        .values_list("pk", "username")
    )
    form = JournalFilterForm(
        request.GET or None,
        users=users,
        actions=sorted(((a, action_label(a)) for a in actions), key=lambda p: _sort_key(p[1])),
    )
    return entries, form, form.apply(entries).order_by("-seq")


def _journal_rows(entries: list[Any]) -> list[dict[str, Any]]:
    from depositaire.web.accounts.models import User
    from depositaire.web.journal.codes import action_label

    names = dict(
        User.objects.filter(pk__in={e.actor_id for e in entries if e.actor_id}).values_list(
            "pk", "username"
        )
    )
    return [
        {
            "entry": e,
            "action": action_label(e.action),
            "actor": names.get(e.actor_id, "—") if e.actor_id else "—",
            "target": _target_label(e.target),
            "details": _details_text(e.details),
        }
        for e in entries
    ]


@guard(roles.DPO)
@require_GET
def journal_page(request: HttpRequest) -> HttpResponse:
    """The access journal of the DPO's organisation: who did what to which object, never contents.

    Filters: dates, user, person (file number), action; Django's paginator; the CSV export
    of the same filtered entries (:func:`journal_csv`)."""
    user: Any = request.user
    _, form, selected = _journal_filtered(request)
    page = paginate(request, selected, per_page=JOURNAL_PAGE)
    rows = _journal_rows(list(page.object_list))
    journal(
        request,
        "journal_viewed",
        target=f"organisation:{user.organisation_id}",
        details={"count": len(rows), "total_count": page.paginator.count},
    )
    filters = query_without_page(request)
    return render(
        request,
        "disclosures/journal.html",
        {"rows": rows, "page": page, "filter_form": form, "filters": filters},
    )


#: The CSV export is cut nowhere: the entries are written as they are read.
CSV_CHUNK = 2000


@guard(roles.DPO)
@require_GET
def journal_csv(request: HttpRequest) -> HttpResponse:
    """The filtered entries as CSV (UTF-8 with BOM, ``;`` as Excel reads it in Belgium), journaled.

    The file holds what the page shows (codes in French, ids), never a content."""
    import csv
    import io

    from depositaire.messages import t

    user: Any = request.user
    _, form, selected = _journal_filtered(request)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            t("web.journal.col_seq"),
            t("web.journal.col_when"),
            t("daily.journal.col_action_code"),
            t("web.journal.col_action"),
            t("web.journal.col_actor"),
            t("web.journal.col_target"),
            t("web.journal.col_details"),
            t("daily.journal.col_hash"),
        ]
    )
    count = 0
    batch: list[Any] = []
    for entry in selected.iterator(chunk_size=CSV_CHUNK):
        batch.append(entry)
        if len(batch) == CSV_CHUNK:
            count += _write_csv_rows(writer, batch)
            batch = []
    count += _write_csv_rows(writer, batch)
    data = buffer.getvalue().encode("utf-8")
    journal(
        request,
        "export",
        target=f"organisation:{user.organisation_id}",
        details={
            "format": "csv",
            "kind": "journal",
            "count": count,
            "export_sha256": sha256_hex(data),
            "filters_count": sum(1 for v in form.valid_data().values() if v not in (None, "")),
        },
    )
    day = timezone.localdate().isoformat()
    return attachment_response(data, f"journal-{day}.csv", "text/csv; charset=utf-8")


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet will not read as a formula (CSV injection, OWASP)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_csv_rows(writer: Any, entries: list[Any]) -> int:
    for row in _journal_rows(entries):
        e = row["entry"]
        writer.writerow(
            map(
                _cell,
                [
                    e.seq,
                    timezone.localtime(e.created_at).isoformat(timespec="seconds"),
                    e.action,
                    row["action"],
                    row["actor"],
                    row["target"],
                    row["details"],
                    e.hash,
                ],
            )
        )
    return len(entries)


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

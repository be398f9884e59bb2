"""For the person's report: who viewed the file (function, service, day) and the emergency
accesses. Kept apart from the report's other sections (one function, one template
include: ``disclosures/_report_viewers.html``).

Names of the viewers are not given: the report says which function and which service,
as asked. Views made while handling a request that the report does not show (an open
request, or one whose answer is kept secret — see ``closed_requests``) are left out, so
the list does not reveal what the law keeps from the person.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from depositaire.messages import t

#: Journal actions that are a view of the file.
VIEW_ACTIONS = (
    "file_viewed",
    "item_viewed",
    "report_viewed",
    "disclosure_viewed",
    "request_viewed",
    "request_document_viewed",
    "break_glass",
)
REQUEST_ACTIONS = ("request_viewed", "request_document_viewed")


def _service(user: Any) -> str:
    teams = sorted(team.name for team in user.teams.all())
    return ", ".join(teams) if teams else user.organisation.name if user.organisation else ""


def _role(user: Any) -> str:
    return t(f"web.roles.{user.role}") if user.role else ""


def report_section(person: Any) -> dict[str, Any]:
    """``views``: (day, function, service, count) rows; ``emergencies``: the accesses."""
    from django.db.models import Count, Q
    from django.db.models.fields.json import KT
    from django.db.models.functions import TruncDate

    from depositaire.web.accounts.models import User
    from depositaire.web.cases.emergency import reason_label
    from depositaire.web.cases.models import EmergencyAccess
    from depositaire.web.incoming.measure import shown_requests as shown
    from depositaire.web.journal.models import JournalEntry

    shown_requests = {str(r.pk) for r in shown(person, timezone.localdate())}
    # Counted by the database, one row per (action, viewer, day, request): the file's
    # views grow with every page anyone opens, the rows read here do not.
    entries = (
        JournalEntry.objects.filter(organisation_id=person.organisation_id)
        .filter(Q(target=f"person:{person.pk}") | Q(details__person_id=person.pk))
        .filter(action__in=VIEW_ACTIONS)
        .exclude(actor_id=None)
        .annotate(day=TruncDate("created_at"), request_id=KT("details__request_id"))
        .order_by()
        .values_list("action", "actor_id", "day", "request_id")
        .annotate(n=Count("id"))
    )
    users = {
        u.pk: (_role(u), _service(u))
        for u in User.objects.filter(organisation_id=person.organisation_id)
        .select_related("organisation")
        .prefetch_related("teams")
    }
    counts: Counter[tuple[dt.date, str, str]] = Counter()
    for action, actor_id, day, request_id, n in entries:
        if action in REQUEST_ACTIONS and (
            request_id is None or str(request_id) not in shown_requests
        ):
            continue
        who = users.get(actor_id)
        if who is None:
            continue
        counts[(day, *who)] += n
    views = [
        {"day": day, "role": role, "service": service, "count": n}
        for (day, role, service), n in sorted(counts.items())
    ]
    emergencies = [
        {
            "day": timezone.localtime(a.created_at).date(),
            "role": _role(a.user),
            "service": _service(a.user),
            "reason": reason_label(a.reason),
        }
        for a in EmergencyAccess.objects.filter(person=person)
        .select_related("user", "user__organisation")
        .order_by("created_at")
    ]
    return {"views": views, "emergencies": emergencies}

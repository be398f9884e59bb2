"""The decisions the application stored, for ``decisions recheck`` and the DPO's page.

Two places keep a decision with the situation it was taken on: the register of requests
(the answer that closed a request, ``RequestAnswer``) and the case files (each item an
extract considered, ``Disclosure.outcomes``). Only references are shown (a request's or
an extract's number), never a name or a content.
"""

from __future__ import annotations

from collections.abc import Iterator

from depositaire.engine.recheck import Stored
from depositaire.messages import t


def stored_decisions(organisation_id: int | None = None) -> Iterator[Stored]:
    """Every stored decision (of one organisation, or all), register first."""
    from depositaire.web.disclosures.models import Disclosure
    from depositaire.web.incoming.models import RequestAnswer

    answers = RequestAnswer.objects.order_by("pk")
    disclosures = Disclosure.objects.order_by("pk")
    if organisation_id is not None:
        answers = answers.filter(request__organisation_id=organisation_id)
        disclosures = disclosures.filter(organisation_id=organisation_id)
    for a in answers.iterator():
        if a.situation and a.decision:
            yield Stored(
                "register",
                t("incoming.request.number", number=a.request_id),
                a.situation,
                a.decision,
                a.rule_base_version,
            )
    for d in disclosures.iterator():
        for i, outcome in enumerate(d.outcomes or (), start=1):
            if isinstance(outcome, dict) and outcome.get("situation") and outcome.get("decision"):
                yield Stored(
                    "case_file",
                    t("web.recheck.extract_item", number=d.pk, item=i),
                    outcome["situation"],
                    outcome["decision"],
                    d.rule_base_version,
                )


def count_stored(organisation_id: int | None = None) -> int:
    from depositaire.web.disclosures.models import Disclosure
    from depositaire.web.incoming.models import RequestAnswer

    answers = RequestAnswer.objects.all()
    disclosures = Disclosure.objects.all()
    if organisation_id is not None:
        answers = answers.filter(request__organisation_id=organisation_id)
        disclosures = disclosures.filter(organisation_id=organisation_id)
    return answers.count() + sum(
        len(o or ()) for o in disclosures.values_list("outcomes", flat=True)
    )

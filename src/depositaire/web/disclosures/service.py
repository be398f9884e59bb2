"""Recording a disclosure: decisions, extract (HTML and PDF, sealed), sha256 of the PDF."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from depositaire.documents import basis
from depositaire.engine.explain import value_label
from depositaire.engine.schema import CATEGORIES
from depositaire.web.cases.models import InformationItem
from depositaire.web.disclosures.models import CommitteeSession, Disclosure
from depositaire.web.disclosures.preparation import IDENTITY, Outcome, PreparationRequest
from depositaire.web.views import render_pdf, sha256_hex


def recipient_label(kind: str, name: str = "") -> str:
    label = value_label("recipient.kind", kind)
    return f"{label} — {name}" if name else label


def basis_rows(
    outcomes: list[dict[str, Any]],
    rule_ids: list[str],
    *,
    public: bool = False,
    binding: bool | None = None,
) -> list[dict[str, Any]]:
    """Each rule that allowed what went out, its title and the provisions it rested on in
    the stored decisions of the included items; ``public``: only the provisions that
    permit, by their public names (extract, report); ``binding`` (default: ``public``; the
    register too): only those that bind the holder in each outcome's stored situation.
    See :mod:`depositaire.documents.basis`."""
    chosen = [o for o in outcomes if o.get("included") and "decision" in o]
    return basis.rule_rows(
        [o["decision"] for o in chosen],
        rule_ids,
        public=public,
        situations=[o.get("situation") for o in chosen],
        binding=binding,
    )


def _ordered_union(lists: list[list[str]], order: tuple[str, ...] | None = None) -> list[str]:
    seen: dict[str, None] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value, None)
    if order is None:
        return list(seen)
    return [v for v in order if v in seen]


def extract_context(disclosure: Disclosure, outcomes: list[Outcome]) -> dict[str, Any]:
    person = disclosure.person
    identity = next((o for o in outcomes if o.item is None), None)
    included = [o for o in outcomes if o.included and o.item is not None]
    return {
        "disclosure": disclosure,
        "organisation": disclosure.organisation,
        "person": person,
        "show_identity": bool(identity and identity.included),
        "recipient": recipient_label(disclosure.recipient_kind, disclosure.recipient_name),
        "purpose": value_label("request.kind", disclosure.purpose),
        "included": [
            {"item": o.item, "categories": o.categories, "content": _content(o.item)}
            for o in included
        ],
        "basis": basis_rows([o.to_json() for o in outcomes], disclosure.rule_ids, public=True),
        "rule_base_version": disclosure.rule_base_version,
    }


def _content(item: InformationItem | None) -> str:
    # Confidences never reach here: ``judge`` withholds them whatever the verdict.
    assert item is not None and not item.is_confidence
    return item.get_sealed("content")


@transaction.atomic
def record_disclosure(
    request: PreparationRequest, outcomes: list[Outcome], *, session: CommitteeSession | None
) -> Disclosure:
    included = [o for o in outcomes if o.included]
    # The file's organisation: the preparer's, already loaded with the signed-in user.
    preparer = request.preparer
    same = getattr(preparer, "organisation_id", None) == request.person.organisation_id
    disclosure = Disclosure(
        organisation=preparer.organisation if same else request.person.organisation,
        person=request.person,
        prepared_by=request.preparer,
        recipient_kind=request.recipient_kind,
        recipient_name=request.recipient_name,
        purpose=request.purpose,
        session=session,
        necessary_only=request.necessary_only,
        facts=request.facts,
        outcomes=[o.to_json() for o in outcomes],
        rule_base_version=outcomes[0].decision.rule_base_version if outcomes else "",
        disclosed_categories=_ordered_union([o.categories for o in included], CATEGORIES),
        rule_ids=_ordered_union([o.decision.rules for o in included]),
    )
    disclosure.save()  # the extract names the disclosure by its number
    context = extract_context(disclosure, outcomes)
    fragment = render_to_string("disclosures/extract.html", context)
    document = render_to_string(
        "disclosures/extract_document.html", {**context, "fragment": fragment}
    )
    pdf = render_pdf(document)
    disclosure.set_sealed("extract_html", fragment)
    disclosure.set_pdf(pdf)
    disclosure.extract_sha256 = sha256_hex(pdf)
    # What is recorded is what the extract carries (its rendered entries), not the form.
    carried = {IDENTITY} if context["show_identity"] else set()
    carried |= {c for entry in context["included"] for c in entry["categories"]}
    disclosure.disclosed_categories = [c for c in CATEGORIES if c in carried]
    disclosure.save(
        update_fields=["extract_html", "extract_pdf", "extract_sha256", "disclosed_categories"]
    )
    # A new disclosure: nothing to remove first (``set`` would read the links there are).
    disclosure.items.add(*[o.item for o in included if o.item is not None])
    return disclosure

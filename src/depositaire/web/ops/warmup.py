"""What a server process does once before its first request, rather than during it.

Without it each gunicorn worker's first requests import every view module, read the
message catalogues, build the rule base, make the engine's first decision, compile the templates and start WeasyPrint
(fonts): a few hundred milliseconds on the first pages, which under load show up as the
slowest requests. Nothing here touches the database, a person's data or the journal.

Last, what the warm-up made (modules, the rule base, templates, fonts: some 200,000
objects) is moved out of the garbage collector's reach (``gc.freeze()``): they live as long
as the worker, and each full collection would otherwise walk them all again, some 90 ms of
CPU at once in one request (measured with ``scripts/page_costs.py``, ``gc.callbacks``).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

log = logging.getLogger("depositaire.warmup")

#: A page with no data in the faces the PDFs use (regular, bold, italic, monospace, the
#: headings): starts WeasyPrint and Pango and loads those fonts once.
_BLANK = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
    '<h1>—</h1><h2>—</h2><h3>—</h3><p class="org">—</p><p class="confidential">—</p>'
    "<p><strong>—</strong> <em>—</em> <code>—</code></p><ul><li>—</li></ul>"
    "<table><tr><th>—</th><td>—</td></tr></table></body></html>"
)


def warm_up() -> None:
    """Each step is only a head start: one that fails is logged and the worker serves anyway
    (the request that needs it will meet the problem, as without a warm-up)."""
    for step in (_urls, _catalogues, _engine, _templates, _pdf):
        try:
            step()
        except Exception as exc:  # noqa: BLE001 (a warm-up never stops a worker)
            log.warning("warm-up: %s failed: %s", step.__name__.strip("_"), type(exc).__name__)
    freeze()


def freeze() -> None:
    """What exists now is kept for the worker's life: the collector no longer walks it
    (objects made afterwards are collected as before)."""
    gc.collect()
    gc.freeze()


def _urls() -> None:
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (imports every view module of the URL conf)


def _catalogues() -> None:
    from depositaire.messages import catalogue

    for language in ("fr", "nl"):
        catalogue(language)


def _engine() -> None:
    from django.utils import timezone

    from depositaire.law import default_rule_base
    from depositaire.web.incoming.measure import secret_toward_person

    default_rule_base()
    # The engine's first decision (imports, compiled rules), on no one's data: whether a
    # prosecutor's measure is kept from the person today, which every report asks.
    secret_toward_person(timezone.localdate())


def _templates() -> None:
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    templates = Path(__file__).resolve().parents[1] / "templates"
    for path in sorted(templates.rglob("*.html")):
        name = path.relative_to(templates).as_posix()
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError) as exc:  # reported, not fatal
            log.warning("warm-up: template %s: %s", name, type(exc).__name__)


def _pdf() -> None:
    from depositaire.documents import render
    from depositaire.documents.model import Bullets, Document, Heading, Lines, Paragraph
    from depositaire.web.views import render_pdf

    render_pdf(_BLANK)
    # The letters' and notes' stylesheet (documents/style.css), likewise.
    document = Document(
        kind="letter",
        title="—",
        footer="—",
        blocks=[Heading("—"), Paragraph("—", "strong"), Bullets(("—",)), Lines(("—",))],
    )
    render(document, "pdf")

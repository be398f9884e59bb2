"""What a server process does once before its first request, rather than during it.

Without it each gunicorn worker's first requests import every view module, read the
message catalogues, build the rule base, make the engine's first decision, compile the templates and start WeasyPrint
(fonts): a few hundred milliseconds on the first pages, which under load show up as the
slowest requests. Nothing here touches the database, a person's data or the journal.
"""

from __future__ import annotations

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
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import timezone

    from depositaire.documents import render
    from depositaire.documents.model import Bullets, Document, Heading, Lines, Paragraph
    from depositaire.law import default_rule_base
    from depositaire.messages import catalogue
    from depositaire.web.incoming.measure import secret_toward_person
    from depositaire.web.views import render_pdf

    get_resolver().reverse_dict  # noqa: B018 (imports every view module of the URL conf)
    for language in ("fr", "nl"):
        catalogue(language)
    default_rule_base()
    # The engine's first decision (imports, compiled rules), on no one's data: whether a
    # prosecutor's measure is kept from the person today, which every report asks.
    secret_toward_person(timezone.localdate())
    templates = Path(__file__).resolve().parents[1] / "templates"
    for path in sorted(templates.rglob("*.html")):
        name = path.relative_to(templates).as_posix()
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError) as exc:  # reported, not fatal
            log.warning("warm-up: template %s: %s", name, type(exc).__name__)
    render_pdf(_BLANK)
    # The letters' and notes' stylesheet (documents/style.css), likewise.
    document = Document(
        kind="letter",
        title="—",
        footer="—",
        blocks=[Heading("—"), Paragraph("—", "strong"), Bullets(("—",)), Lines(("—",))],
    )
    render(document, "pdf")

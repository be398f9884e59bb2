"""HTML rendering of a document, and the PDF WeasyPrint makes of it."""

from __future__ import annotations

import threading
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from depositaire.documents.model import (
    Block,
    Bullets,
    Document,
    Fields,
    Heading,
    Lines,
    Paragraph,
    Quote,
)
from depositaire.messages import t


@cache
def _style() -> str:
    return resources.files(__package__).joinpath("style.css").read_text("utf-8")


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for the page footer)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _page_css(document: Document) -> str:
    footer = _css_string(document.footer)
    page = _css_string(t("documents.page") + " ")
    return (
        "@page { @bottom-left { content: " + footer + "; }"
        " @bottom-right { content: " + page + " counter(page) ' / ' counter(pages); } }"
    )


def _classes(style: str) -> str:
    return f' class="{escape(style)}"' if style else ""


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p{_classes(block.style)}>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{escape(i)}</li>" for i in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Fields):
        rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in block.rows)
        return f'<table class="fields">{rows}</table>'
    if isinstance(block, Quote):
        notes = "".join(f'<p class="to-verify">{escape(n)}</p>' for n in block.notes)
        return (
            f'<section class="provision"><h3>{escape(block.title)}</h3>'
            f"<blockquote>{escape(block.text)}</blockquote>{notes}</section>"
        )
    assert isinstance(block, Lines)
    lines = "<br>".join(escape(line) for line in block.lines)
    return f"<p{_classes('lines ' + block.style)}>{lines}</p>"


def _page(document: Document, style: str) -> str:
    title = f"<h1>{escape(document.title)}</h1>" if document.kind == "note" else ""
    body = "\n".join(_block(b) for b in document.blocks)
    return (
        f'<!DOCTYPE html><html lang="{escape(document.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)}</title>"
        f"<style>{style}</style></head>"
        f'<body class="{document.kind}">{title}\n{body}</body></html>'
    )


def render_html(document: Document) -> str:
    """A standalone HTML page for the document (in its language, print-ready CSS)."""
    return _page(document, f"{_style()}\n{_page_css(document)}")


#: Per thread: WeasyPrint's font configuration and style.css parsed with it, made once (a
#: Pango font map is not shared between threads): making the one and parsing the other for
#: every document cost a few ms of each PDF.
_tools = threading.local()


def _pdf_tools() -> tuple[Any, Any]:
    tools = getattr(_tools, "tools", None)
    if tools is None:
        from weasyprint import CSS  # type: ignore[import-untyped]
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

        fonts = FontConfiguration()
        tools = _tools.tools = (fonts, CSS(string=_style(), font_config=fonts))
    return tools


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes (WeasyPrint): the page of :func:`render_html`, with
    style.css given as a parsed stylesheet rather than in the page (it sets nothing that
    the page's own footer rules set, so the cascade is the same)."""
    from weasyprint import HTML

    fonts, style = _pdf_tools()
    html = _page(document, _page_css(document))
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[style], font_config=fonts)
    return pdf

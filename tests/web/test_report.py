"""The person's report: categories only, who received what and why, consents, automatic flows."""

from __future__ import annotations

import hashlib
import html
import io
from typing import Any

import pytest
from django.urls import reverse

from depositaire.web.accounts import roles
from depositaire.web.disclosures.models import Disclosure
from depositaire.web.journal.models import JournalEntry
from web.factories import World

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _prepare_and_send(client: Any, world: World) -> Disclosure:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    client.post(
        reverse("disclosures:prepare", kwargs={"person_id": w.person.pk}),
        {
            "recipient_kind": "cpas_special_committee",
            "purpose": "aid_decision",
            "session": w.session.pk,
            "necessary_only": "true",
            "items": [w.confidence.pk, w.secret_fact.pk],
            "action": "prepare",
        },
    )
    d = Disclosure.objects.latest("pk")
    client.post(reverse("disclosures:send", kwargs={"disclosure_id": d.pk}))
    return d


def test_the_report_tells_the_person_in_plain_french_what_the_file_holds_and_who_received_what(
    client: Any, world: World
) -> None:
    w = world.a
    _prepare_and_send(client, world)
    page = client.get(reverse("disclosures:report", kwargs={"person_id": w.person.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    # Categories only; the confidence as the agreed sentence, never its content or categories.
    assert "les revenus" in body and "la composition du ménage" in body
    assert "une confidence, connue seulement de votre assistant(e) social(e)" in body
    assert w.confidence_text not in body and w.secret_fact_text not in body
    assert "le ressenti" not in body and "les difficultés familiales" not in body
    # Who received what, on which legal basis.
    assert "le Comité spécial du service social" in body
    assert "Le circuit interne du CPAS" in body
    assert "article 36 de la loi organique des CPAS de 1976" in body
    assert "information du CPAS de Profondeville" not in body and "(commentaire)" not in body
    assert "Autorité de protection des données" in body and "article 77" in body
    # Consents and objections on record.
    assert "Vous avez accepté la communication de" in body and "Vous refusez le partage de" in body
    # The Crossroads Bank flows of 002.
    assert "Banque Carrefour" in body and "Cadastre des biens immobiliers" in body
    assert "Office des étrangers l'apprend automatiquement" not in body  # a Belgian national
    assert JournalEntry.objects.filter(
        action="report_viewed", target=f"person:{w.person.pk}"
    ).exists()


def test_a_draft_not_yet_sent_is_not_reported_as_received(client: Any, world: World) -> None:
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    page = client.get(reverse("disclosures:report", kwargs={"person_id": w.person.pk}))
    received = [d["disclosure"].pk for d in page.context["disclosures"]]
    assert w.disclosures["draft"].pk not in received
    assert w.disclosures["committee"].pk in received


def test_a_foreigner_is_told_about_the_flow_to_the_immigration_office(
    client: Any, world: World
) -> None:
    w = world.a
    client.force_login(w.other_team_worker)
    body = client.get(
        reverse("disclosures:report", kwargs={"person_id": w.other_team_person.pk})
    ).content.decode()
    assert "L&#x27;Office des étrangers" in body or "L'Office des étrangers" in body
    assert "seulement le type d&#x27;aide, sa période et le CPAS concerné" in body
    assert "jamais les frais médicaux" in body


def test_the_report_pdf_is_journaled_as_an_export(client: Any, world: World) -> None:
    from pypdf import PdfReader

    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    response = client.get(reverse("disclosures:report_pdf", kwargs={"person_id": w.person.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "une confidence, connue seulement de votre assistant(e) social(e)" in text.replace(
        "\n", " "
    )
    assert w.confidence_text not in text
    entry = JournalEntry.objects.filter(action="export").latest("seq")
    assert entry.details["format"] == "pdf" and len(entry.details["report_sha256"]) == 64


def test_who_viewed_the_file_is_counted_by_day_function_and_service_without_hidden_requests(
    world: World,
) -> None:
    """The counts come from the database (one row per viewer and day), as the views were."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from depositaire.messages import t
    from depositaire.web.cases.access_report import report_section
    from depositaire.web.journal.service import record
    from web.incoming_factories import make_closed, make_request

    w = world.a
    sw, head = w.users[roles.SOCIAL_WORKER], w.users[roles.HEAD_SOCIAL_WORKER]
    shown = make_request(w.person, sw)
    make_closed(shown, sw)
    still_open = make_request(w.person, sw)
    person = f"person:{w.person.pk}"
    for _ in range(3):
        record("file_viewed", actor=sw, organisation=w.org, target=person)
    record("item_viewed", actor=sw, organisation=w.org, target=person, details={"item_id": 1})
    record("report_viewed", actor=head, organisation=w.org, details={"person_id": w.person.pk})
    for request, times in ((shown, 2), (still_open, 5)):
        for _ in range(times):
            record(
                "request_viewed",
                actor=sw,
                organisation=w.org,
                target=f"{person}/request:{request.pk}",
                details={"request_id": request.pk, "person_id": w.person.pk},
            )
    record("export", actor=sw, organisation=w.org, target=person)  # not a view
    record("file_viewed", actor=sw, organisation=w.org, target=f"person:{world.b.person.pk}")
    with CaptureQueriesContext(connection) as queries:
        views = report_section(w.person)["views"]
    # Requests shown, the counts, the users and their teams, the emergency accesses: not one
    # query per view (as there was: each view asked for its viewer's teams).
    assert len(queries) <= 5
    by_role = {v["role"]: v for v in views}
    worker = t(f"web.roles.{roles.SOCIAL_WORKER}")
    assert sorted(v["count"] for v in views) == [1, 3 + 1 + 2]
    assert by_role[worker]["count"] == 6
    assert by_role[worker]["service"] == ", ".join(sorted(t.name for t in sw.teams.all()))
    assert {v["day"] for v in views} == {timezone.localdate()}


def _count_layouts(monkeypatch: Any) -> list[int]:
    """A list that grows by one at each WeasyPrint document made; parts kept in memory only."""
    import weasyprint

    layouts: list[int] = []
    real = weasyprint.HTML

    def counted(*args: Any, **kwargs: Any) -> Any:
        layouts.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", counted)
    monkeypatch.setattr("depositaire.web.disclosures.report.PARTS", None)
    return layouts


def _pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _views_of_the_day(pdf: bytes) -> int:
    """The count on the last page's line of the table of views (one worker, today)."""
    import re

    rows = re.findall(r"^\d\d/\d\d/\d{4} .* (\d+)$", _pages(pdf)[-1], re.M)
    assert len(rows) <= 1, rows
    return int(rows[0]) if rows else 0


def test_the_report_pdf_lays_out_what_the_file_holds_once_and_who_viewed_it_every_time(
    client: Any, world: World, monkeypatch: Any
) -> None:

    from depositaire.documents import parts
    from depositaire.web import views
    from web.factories import make_item

    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    layouts = _count_layouts(monkeypatch)
    parts.forget_kept()  # no part kept from before
    url = reverse("disclosures:report_pdf", kwargs={"person_id": w.person.pk})
    first = client.get(url).content
    assert first.startswith(b"%PDF-") and len(layouts) == 1  # both parts, as one document
    second = client.get(url).content
    # The views laid out again, alone, after the pages kept: the same PDF, to the byte.
    assert second == first and len(layouts) == 2
    exports = JournalEntry.objects.filter(action="export", target=f"person:{w.person.pk}")
    assert exports.count() == 2
    assert {e.details["report_sha256"] for e in exports} == {hashlib.sha256(first).hexdigest()}
    # One PDF, numbered as one: every page says "page n / N", the views on a page of their own.
    pages = _pages(first)
    for n, page in enumerate(pages, 1):
        assert f"page {n} / {len(pages)}" in page
    assert "Qui a consulté votre dossier" in pages[-1]
    assert "Vos droits" not in pages[-1] and "Vos droits" in "".join(pages[:-1])
    # Someone opens the file: the next download shows that view, the part kept unchanged.
    before = _views_of_the_day(first)
    assert client.get(reverse("cases:person_detail", args=[w.person.pk])).status_code == 200
    third = client.get(url).content
    assert _views_of_the_day(third) == before + 1 and len(layouts) == 3
    # What the file holds changed: that part is laid out again, never the one kept.
    make_item(
        w.person,
        w.users[roles.SOCIAL_WORKER],
        nature="secret_fact",
        categories=["health"],
        text="S",
    )
    fourth = client.get(url).content
    assert len(layouts) == 4
    assert "la santé" in pdf_text(fourth) and "la santé" not in pdf_text(third)
    # Another person's report with the same HTML would not be served from this one's.
    html = "<html><body><p>même page</p></body></html>"
    for scope in ("person:1", "person:2", "person:1"):
        parts.render_parts(html, html, cache_scope=scope, layout=views.layout_pdf)
    assert len(layouts) == 4 + 1 + 1 + 1


def test_a_longer_list_of_views_is_counted_in_every_page_number(monkeypatch: Any) -> None:
    """When the fresh part takes more pages, the kept part is laid out again: its pages
    say "/ N" with the new N."""
    from depositaire.documents import parts
    from depositaire.web import views

    parts.forget_kept()
    stable = "<html><body><h1>Ce que le dossier contient</h1></body></html>"
    short = "<html><body><p>une consultation</p></body></html>"
    long = "<html><body>" + "<p>une consultation</p>" * 120 + "</body></html>"
    counts = []
    for fresh in (short, long, short):
        pdf = parts.render_parts(stable, fresh, cache_scope="person:1", layout=views.layout_pdf)
        pages = _pages(pdf)
        counts.append(total := len(pages))
        assert "Ce que le dossier contient" in pages[0] and "une consultation" in pages[1]
        for n, page in enumerate(pages, 1):
            assert f"page {n} / {total}" in page
    assert counts[0] == counts[2] == 2 and counts[1] > 2


def test_the_kept_part_serves_every_thread_and_keeps_its_bookmarks(
    client: Any, world: World, monkeypatch: Any
) -> None:
    """The kept part is PDF objects, not a layout tied to one thread's fonts: a download in
    another thread lays out the views only, and the PDF is the one a full layout makes,
    to the byte, its bookmarks those of both parts, in order, each on its page."""
    import threading

    from depositaire.documents import parts
    from depositaire.web import views

    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    layouts = _count_layouts(monkeypatch)
    parts.forget_kept()
    url = reverse("disclosures:report_pdf", kwargs={"person_id": w.person.pk})
    first = client.get(url).content
    html = {"stable": "", "fresh": ""}
    real_render = parts.render_parts

    def keep(stable: str, fresh: str, **kwargs: Any) -> bytes:
        html.update(stable=stable, fresh=fresh)
        return real_render(stable, fresh, **kwargs)

    monkeypatch.setattr("depositaire.web.disclosures.report.render_parts", keep)
    assert client.get(url).content == first
    out: list[bytes] = []
    other = threading.Thread(
        target=lambda: out.append(
            parts.render_parts(
                html["stable"],
                html["fresh"],
                cache_scope=f"person:{w.person.pk}",
                layout=views.layout_pdf,
            )
        )
    )
    other.start()
    other.join()
    assert out == [first] and len(layouts) == 3  # one full layout, then the views alone
    # The same two documents laid out as one, the way a kept part is first made.
    parts.forget_kept()
    assert (
        parts.render_parts(html["stable"], html["fresh"], cache_scope="x", layout=views.layout_pdf)
        == first
    )
    # The same as one WeasyPrint document of both parts: text page by page, bookmarks
    # (title, depth, page).
    head, body, end = parts._body(html["stable"])
    _, fresh_body, _ = parts._body(html["fresh"])
    one = views.render_pdf(f'{head}{body}<div class="pdf-part">{fresh_body}</div>{end}')
    assert _pages(first) == _pages(one)
    assert _outline(first) == _outline(one)
    marks = _outline(first)
    assert ("Qui a consulté votre dossier", 1, len(_pages(first)) - 1) in marks
    assert len(marks) > 3 and marks[0][1] == 0


def _outline(pdf: bytes) -> list[tuple[str, int, int]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int, int]] = []

    def walk(marks: list[Any], depth: int) -> None:
        for mark in marks:
            if isinstance(mark, list):
                walk(mark, depth + 1)
            else:
                found.append((mark.title, depth, reader.get_destination_page_number(mark)))

    walk(reader.outline, 0)
    return found


def test_the_kept_part_on_disk_is_sealed_and_serves_another_worker(
    client: Any, world: World, monkeypatch: Any, settings: Any, tmp_path: Any
) -> None:
    """Another worker (its memory empty) takes the part from the data folder: sealed, in a
    private folder, named by a hash; an altered file is a miss, laid out and written anew."""
    import stat

    import weasyprint

    from depositaire.documents import parts
    from depositaire.web import crypto
    from depositaire.web.disclosures import report

    settings.DATA_DIR = tmp_path
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    whole = []  # layouts of both parts (not the views alone, after blank pages)
    real = weasyprint.HTML

    def counted(*args: Any, **kwargs: Any) -> Any:
        whole.append(parts.FILLER not in kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", counted)
    parts.forget_kept()
    url = reverse("disclosures:report_pdf", kwargs={"person_id": w.person.pk})
    first = client.get(url).content
    folder = report.PARTS.folder  # type: ignore[union-attr]
    (path,) = list(folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = path.read_text()
    assert crypto.is_sealed(token) and w.person.last_name not in token
    assert len(path.name) == 64 and int(path.name, 16) >= 0  # a hash, not the person's id
    parts.forget_kept()  # another worker: nothing in its memory
    assert client.get(url).content == first and whole == [True, False]
    parts.forget_kept()
    path.write_text(token[:-8] + "AAAAAAAA")  # altered: refused, laid out again
    assert client.get(url).content == first and whole == [True, False, True]
    assert path.read_text() != token[:-8] + "AAAAAAAA"
    assert list(folder.iterdir()) == [path]
    # The journal entry of every download stays.
    exports = JournalEntry.objects.filter(action="export", target=f"person:{w.person.pk}")
    assert exports.count() == 3


def test_the_report_says_du_cpas_never_de_cpas(client: Any, world: World) -> None:
    # « écrivez au délégué à la protection des données de CPAS de Testville » (QA s10 item 4).
    w = world.a
    client.force_login(w.users[roles.SOCIAL_WORKER])
    page = client.get(reverse("disclosures:report", kwargs={"person_id": w.person.pk}))
    body = " ".join(html.unescape(page.content.decode()).split())
    assert "de CPAS" not in body
    assert "à l'accueil du CPAS de Testville" in body or "données du CPAS de Testville" in body


@pytest.mark.parametrize(
    ("name", "fr", "nl"),
    [
        ("CPAS de Testville", "du CPAS de Testville", "van CPAS de Testville"),
        ("Centre public d'action sociale", "du Centre public d'action sociale", None),
        ("Le Méridien", "du Méridien", None),
        ("Les Services sociaux", "des Services sociaux", None),
        ("Ailleurs asbl", "d'Ailleurs asbl", "van Ailleurs asbl"),
        ("Maison de l'aide", "de Maison de l'aide", None),
        # QA: « du Office des étrangers » (the masculine head before a vowel is elided).
        ("Office des étrangers", "de l'Office des étrangers", "van Office des étrangers"),
        ("Le Office", "de l'Office", None),
        ("Écoute et accueil", "d'Écoute et accueil", None),
        # Only the words before the name are elided, never the name as it was written.
        ("Centre de accueil", "du Centre de accueil", None),
        ("Ëlan", "d'Ëlan", None),
    ],
)
def test_de_before_an_organisation_is_written_as_french_writes_it(
    name: str, fr: str, nl: str | None
) -> None:
    from depositaire.messages import using_language
    from depositaire.web.accounts.templatetags.dep import of_organisation

    with using_language("fr"):
        assert of_organisation(name) == fr
    if nl is not None:
        with using_language("nl"):
            assert of_organisation(name) == nl


def test_the_report_pdf_reads_no_letter_extract_or_request_text(client: Any, world: World) -> None:
    """What the report never shows is not read for it: the sealed letters and extracts,
    the requests' texts and interviews (they grow with every request and disclosure)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from web.incoming_factories import make_closed, make_request

    w = world.a
    sw = w.users[roles.SOCIAL_WORKER]
    make_closed(make_request(w.person, sw), sw)
    _prepare_and_send(client, world)
    url = reverse("disclosures:report_pdf", kwargs={"person_id": w.person.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert w.org.name in text  # the report itself, with its closed request and disclosure
    read = " ".join(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    for column in ("letter_pdf", "extract_pdf", "extract_html", "request_text", "interview_state"):
        assert not re.search(rf'"{column}"', read), column
    assert re.search(r'"sent_categories"', read) and re.search(r'"outcomes"', read)


def test_the_numbered_lines_of_the_report_are_the_catalogue_s_in_order_in_each_language() -> None:
    from depositaire.messages import catalogue, using_language
    from depositaire.web.disclosures.report import _numbered

    prefix = "web.report.crossroads.recipients"
    for language in ("fr", "nl"):
        entries = catalogue(language)
        expected = [entries[k] for k in sorted(entries) if k.startswith(prefix + ".")]
        assert len(expected) >= 2
        with using_language(language):
            first = _numbered(prefix)
            first.append("changed by a caller")  # a copy: the next report is not changed
            assert _numbered(prefix) == expected
    with using_language("fr"):
        french = _numbered(prefix)
    with using_language("nl"):
        assert _numbered(prefix) != french

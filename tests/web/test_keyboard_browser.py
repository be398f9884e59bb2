"""The keyboard alone, focus after htmx, the skip link, the focus ring, and print, in Chromium.

A social worker registers a police phone call, answers the interview and closes the
request with the keyboard only (Tab, arrows, Space, Enter: no click, no fill). After each
htmx answer the focus is on the new question (or on the decision) and the page's aria-live
region says it; the decision and the answer page pass axe-core at both widths. The
person's file printed (print media, ``page.pdf()``) has no menu and no button; page 1 goes
to ``var/screenshots/print-person-file.png`` (pdftoppm).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from depositaire.web.accounts import roles
from depositaire.web.incoming.models import RequestAnswer
from web import test_browser as shared
from web.factories import OrgWorld, make_item
from web.test_accessibility_browser import Scanner
from web.test_browser import SCREENSHOTS

browser = shared.browser
org = shared.org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = "document.activeElement"


def focused(page: Any, selector: str) -> bool:
    return bool(page.evaluate(f"s => {ACTIVE} && {ACTIVE}.matches(s)", selector))


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the focus is on ``selector`` (as a keyboard user would)."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page: Any, selector: str, value: str) -> None:
    """A <select>: focus it, then the arrow keys until its value is ``value``."""
    tab_to(page, selector)
    for _ in range(60):
        if page.evaluate(f"{ACTIVE}.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector}: no option {value}")


def radio(page: Any, name: str, value: str, scope: str = "") -> None:
    """A radio group: Tab into it, then the arrows (which also check) until ``value``."""
    tab_to(page, f"{scope} input[name={name}]".strip())
    for _ in range(20):
        if page.evaluate(f"{ACTIVE}.value") == value:
            if not page.evaluate(f"{ACTIVE}.checked"):
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{name}: no choice {value}")


def tick(page: Any, name: str, value: str) -> None:
    tab_to(page, f"input[name={name}][value={value}]")
    page.keyboard.press("Space")
    assert page.evaluate(f"{ACTIVE}.checked")


def answer_by_keyboard(page: Any, answers: dict[str, str]) -> list[str]:
    """Answer every question the page puts with the keyboard (the given value, else the one
    already chosen, else the first); after each htmx swap the focus must be on what came
    (the next question or the decision) and the aria-live region must say it."""
    asked: list[str] = []
    for _ in range(15):
        fieldset = page.locator("#question fieldset.choices")
        if fieldset.count() == 0:
            return asked
        path = fieldset.get_attribute("data-path")
        asked.append(path)
        if path in answers:
            radio(page, "value", answers[path], scope="#question")
        elif page.locator("#question input[name=value]:checked").count():
            tab_to(page, "#question input[name=value]:checked")
        else:
            tab_to(page, "#question input[name=value]")
            page.keyboard.press("Space")
        tab_to(page, "#question button[value=answer]")
        page.evaluate("document.getElementById('live').textContent = ''")
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.keyboard.press("Enter")
        page.wait_for_function(
            "p => !document.querySelector(`#question fieldset[data-path='${p}']`)"
            " || document.querySelector('[role=alert]')",
            arg=path,
        )
        page.wait_for_function("() => document.getElementById('live').textContent.length > 0")
        assert focused(page, "#question legend, #decision h2, [role=alert]")
        said = page.locator("#live").text_content()
        assert said.startswith(page.evaluate(f"{ACTIVE}.innerText").strip()[:20]), said
    raise AssertionError("the interview never ended")


def assert_prints_clean(page: Any) -> None:
    """In print media: no menu, button, form or action; links black and underlined."""
    page.emulate_media(media="print")
    shown = page.evaluate(
        "() => [...document.querySelectorAll('header.top, nav, button, .actions, form, .skip')]"
        ".filter(e => getComputedStyle(e).display !== 'none').map(e => e.outerHTML.slice(0, 80))"
    )
    assert not shown, shown
    links = page.evaluate(
        "() => [...document.querySelectorAll('main a')].filter(a => a.offsetParent)"
        ".map(a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine])"
    )
    assert all(c == "rgb(0, 0, 0)" and "underline" in d for c, d in links), links
    page.emulate_media(media="screen")


@pytest.fixture
def scanner(browser: Any, live_server: Any) -> Any:
    s = Scanner(browser, live_server.url)
    yield s
    s.close()


def test_a_police_phone_call_is_registered_examined_and_closed_with_the_keyboard_only(
    scanner: Scanner, live_server: Any, org: OrgWorld
) -> None:
    make_item(
        org.person,
        org.users[roles.SOCIAL_WORKER],
        nature="secret_fact",
        categories=["aid_granted"],
        text="Revenu d'intégration accordé depuis janvier.",
        origin="observed",
    )
    page = scanner.open(org.users[roles.SOCIAL_WORKER])
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/demandes/nouvelle/")

    # The skip link is the first stop, and takes the focus to the content.
    page.keyboard.press("Tab")
    assert focused(page, "a.skip") and page.evaluate(f"{ACTIVE}.offsetHeight") > 0
    page.keyboard.press("Enter")
    assert focused(page, "main#main")

    choose(page, "#id_requester_kind", "police")
    type_into(page, "#id_requester_organisation", "Zone de police Clavier")
    type_into(page, "#id_requester_name", "Inspecteur Lenoir")
    type_into(page, "#id_requester_contact", "081 24 24 24")
    radio(page, "channel", "phone")
    choose(page, "#id_person", str(org.person.pk))
    tick(page, "categories", "address")
    tick(page, "categories", "aid_granted")
    type_into(page, "#id_request_text", "Demande l'adresse actuelle par téléphone.")
    choose(page, "#id_claimed_basis", "none")
    tab_to(page, "#request-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/demandes/\d+/examen/(#main)?$", page.url), page.url

    # The interview: each answer by keyboard; focus and announcement follow the htmx swap.
    asked = answer_by_keyboard(page, {"request.in_writing": "false"})
    assert len(asked) <= 1  # what the register knows is not asked again
    assert (
        page.locator("#decision").count() == 1
        and "Secret" in page.locator("#decision").text_content()
    )
    # Correct a known fact (a link, Enter): the question comes back; answered again, by htmx.
    tab_to(page, "#known a.fix")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#question fieldset.choices").count() == 1
    corrected = answer_by_keyboard(page, {})
    assert corrected and focused(page, "#decision h2")
    assert "Secret" in page.locator("#live").text_content()
    # The decision printed: no button, and its explanation (a closed <details>) printed open.
    assert_prints_clean(page)
    page.emulate_media(media="print")
    assert page.locator("#decision details.explanation li").first.is_visible()
    page.emulate_media(media="screen")
    assert not page.locator("#decision details.explanation li").first.is_visible()
    scanner.check(roles.SOCIAL_WORKER, "incoming:examine(decision, after htmx)")

    # A focus ring of at least 3:1 against what surrounds it.
    tab_to(page, "#write-answer")
    ring = page.evaluate(
        f"() => {{ const s = getComputedStyle({ACTIVE}); return [s.outlineStyle, s.outlineWidth,"
        " s.outlineColor, getComputedStyle(document.body).backgroundColor]; }"
    )
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2
    assert contrast(ring[2], ring[3]) >= 3, ring
    assert contrast(ring[2], "rgb(255, 255, 255)") >= 3, ring

    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "#call-script" and page.locator("#call-script").count() == 1
    scanner.check(roles.SOCIAL_WORKER, "incoming:answer(call)")
    tab_to(page, "#close-request")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Closing is irreversible: a page says what will happen and asks to confirm (issue 12).
    assert page.locator("#confirm-close").count() == 1
    scanner.check(roles.SOCIAL_WORKER, "incoming:answer(confirm closing)")
    tab_to(page, "#confirm-close")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/demandes/\d+/(#main)?$", page.url)
    assert "La demande est clôturée" in page.content()
    answer = RequestAnswer.objects.get(request__person=org.person)
    assert answer.letter_kind == "call_note"
    scanner.check(roles.SOCIAL_WORKER, "incoming:detail(closed by keyboard)")
    assert not scanner.violations, "\n".join(scanner.violations)
    assert not scanner.wide, "\n".join(scanner.wide)
    assert not errors, errors


def _rgb(colour: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", colour)[:3])


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two CSS ``rgb()`` colours."""

    def lum(rgb: tuple[float, ...]) -> float:
        def c(v: float) -> float:
            v /= 255
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b_ = (c(v) for v in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    hi, lo = sorted((lum(_rgb(a)), lum(_rgb(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_printed_file_has_no_menu_and_no_button_and_its_first_page_is_kept_as_png(
    scanner: Scanner, live_server: Any, org: OrgWorld, tmp_path: Path
) -> None:
    page = scanner.open(org.users[roles.SOCIAL_WORKER])
    page.goto(f"{live_server.url}/personnes/{org.person.pk}/rapport/")
    assert_prints_clean(page)
    page.goto(f"{live_server.url}/personnes/{org.person.pk}/")
    assert_prints_clean(page)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    source = tmp_path / "file.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(source), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert org.person.last_name.upper() in text.upper()
    for word in ("Se déconnecter", "Ajouter une information", "Journal des accès"):
        assert word not in text, word
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "print-person-file"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(target),
        ],
        check=True,
    )
    assert target.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    # On screen again, the menu is back.
    page.emulate_media(media="screen")
    assert page.locator("header.top nav").is_visible()

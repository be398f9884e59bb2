"""What ``scripts/locustfile.py`` and ``scripts/page_costs.py`` share: the forms a browser
posts, the patterns of the links followed, the written request of the day.

No locust here: importing locust patches threads (gevent), which the in-process
``page_costs.py`` must not have.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

PERSON = re.compile(r'href="/personnes/(\d+)/"')
ITEM = re.compile(r'href="/elements/(\d+)/"')
QUESTION = re.compile(r'<input type="hidden" name="path" value="([^"]+)">')
SESSION = re.compile(r'<option value="(\d+)"')
ITEM_BOX = re.compile(r'name="items" value="(\d+)"')
#: A prosecutor's requisition (art. 46bis/1 CIC, seed 001), as the register takes it: the
#: examination asks whether it is reasoned and specifies the information (the worker answers
#: yes), and the request is closed with a letter transmitting what it specifies (PDF).
REQUISITION = {
    "requester_kind": "public_prosecutor",
    "requester_organisation": "Parquet de Chargeville",
    "requester_name": "Substitut Charge",
    "reference": "TE.00.00/26",
    "channel": "letter",
    "categories": ["identity", "address", "aid_granted"],
    "claimed_basis": "prosecutor_requisition_46bis1",
    "claimed_basis_text": "Art. 46bis/1 CIC",
}
YES = re.compile(r'name="value" value="true"')


def examination_answer(page: str, path: str) -> dict[str, str]:
    """What the worker posts for a question: yes where yes is a choice, else "je ne sais pas"."""
    if YES.search(page):
        return {"path": path, "value": "true", "action": "answer"}
    return {"path": path, "action": "unknown"}


class _Form(HTMLParser):
    """The fields a browser would post from the first form whose action or id is ``action``:
    hidden and text inputs, checked boxes, the selected options, textareas."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = self.done = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_first: tuple[str, str] | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and self.action in (a.get("action", ""), a.get("id")):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            if self._select_first is None:
                self._select_first = (self._select, a.get("value", ""))
            if "selected" in a and not self._select_chosen:
                self.fields.append((self._select, a.get("value", "")))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_fields(text: str, action: str) -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(text)
    return parser.fields

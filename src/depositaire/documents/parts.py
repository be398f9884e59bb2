"""One PDF from two parts laid out apart: the pages of a part that seldom changes, kept as
PDF objects (bytes), then the pages of a part laid out for every download.

WeasyPrint writes each part (``write_pdf``'s finisher sees its ``pydyf.PDF``): the kept
part's objects are taken before anything is written (its pages, their contents, fonts,
resources and bookmarks), and put into the other part's PDF, numbered after its own
objects, its pages first in the page tree and its bookmarks first in the outline. The
kept part is bytes only (no Pango object, unlike a laid-out page): one copy serves every
thread of the process, and its pages are never drawn again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

#: A PDF literal string (left as it is) or an indirect reference (renumbered): pydyf
#: escapes the parentheses inside a literal string; a hexadecimal string has no space.
_TOKEN = re.compile(rb"\((?:\\.|[^\\()])*\)|(?<![\d.])(\d+) 0 R", re.S)
_STREAM = b"\nstream\n"
#: A bookmark's entries that place it in the tree (made again when the parts are joined).
_LINKS = frozenset({"Prev", "Next", "First", "Last", "Parent"})


@dataclass(frozen=True)
class Outline:
    """The bookmarks of a part: each item's entries (renumbered later), its children, and
    where WeasyPrint's bookmark tree stood after the part's last bookmark (the items open
    to children by depth, the levels skipped, the last level: ``make_page_bookmark_tree``)."""

    items: dict[int, dict[str, bytes]]
    children: dict[int, tuple[int, ...]]
    top: tuple[int, ...]
    chain: tuple[int, ...]
    skipped: tuple[int, ...]
    level: int


@dataclass(frozen=True)
class KeptPages:
    """The objects of a part's PDF but its catalog, page tree and bookmarks, and those."""

    objects: tuple[tuple[int, bytes, bool], ...]  # number, data, whether a stream
    pages: tuple[int, ...]  # the page objects, in order
    tree: int  # the page tree (the pages' /Parent)
    outline: Outline | None

    @property
    def size(self) -> int:
        return sum(len(data) for _, data, _ in self.objects)

    def to_bytes(self, later_pages: int) -> bytes:
        """These pages (and how many pages the later part had) as JSON, to be stored."""

        def b64(data: bytes) -> str:
            return base64.b64encode(data).decode("ascii")

        o = self.outline
        return json.dumps(
            {
                "objects": [[n, b64(data), stream] for n, data, stream in self.objects],
                "pages": self.pages,
                "tree": self.tree,
                "later_pages": later_pages,
                "outline": None
                if o is None
                else {
                    "items": [[n, {k: b64(v) for k, v in e.items()}] for n, e in o.items.items()],
                    "children": [[n, kids] for n, kids in o.children.items()],
                    "top": o.top,
                    "chain": o.chain,
                    "skipped": o.skipped,
                    "level": o.level,
                },
            },
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> tuple[KeptPages, int]:
        """What :meth:`to_bytes` wrote (``ValueError``, ``KeyError`` or ``TypeError`` else)."""
        d = json.loads(raw)

        def ints(values: Any) -> tuple[int, ...]:
            return tuple(int(v) for v in values)

        o = d["outline"]
        outline = (
            None
            if o is None
            else Outline(
                items={
                    int(n): {str(k): base64.b64decode(v, validate=True) for k, v in e.items()}
                    for n, e in o["items"]
                },
                children={int(n): ints(kids) for n, kids in o["children"]},
                top=ints(o["top"]),
                chain=ints(o["chain"]),
                skipped=ints(o["skipped"]),
                level=int(o["level"]),
            )
        )
        kept = cls(
            objects=tuple(
                (int(n), base64.b64decode(data, validate=True), bool(stream))
                for n, data, stream in d["objects"]
            ),
            pages=ints(d["pages"]),
            tree=int(d["tree"]),
            outline=outline,
        )
        return kept, int(d["later_pages"])


class _Taken(Exception):
    """Raised by the finisher once the objects are taken: nothing is written."""


def _number(reference: Any) -> int:
    return int(bytes(reference).split()[0])


def _value(value: Any) -> bytes:
    """An entry's value as it is written (pydyf)."""
    if isinstance(value, bytes):
        return value
    return bytes(value.data) if hasattr(value, "data") else str(value).encode()


def _depths(levels: list[int], skipped: list[int], previous: int) -> list[int]:
    """The depth of each bookmark of these levels, WeasyPrint's way (``skipped`` and the
    previous level carried on from the bookmarks before: ``make_page_bookmark_tree``)."""
    depths = []
    for level in levels:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depths.append(level - sum(skipped))
    return depths


def _tree(pdf: Any) -> tuple[int | None, list[int], dict[int, tuple[int, ...]]]:
    """The outline root's number, its items in order (depth first), their children."""
    if "Outlines" not in pdf.catalog:
        return None, [], {}
    order: list[int] = []
    children: dict[int, tuple[int, ...]] = {}

    def siblings(reference: Any) -> tuple[int, ...]:
        found = []
        while True:
            number = _number(reference)
            found.append(number)
            order.append(number)
            entry = pdf.objects[number]
            children[number] = siblings(entry["First"]) if "First" in entry else ()
            if "Next" not in entry:
                return tuple(found)
            reference = entry["Next"]

    root = _number(pdf.catalog["Outlines"])
    children[root] = siblings(pdf.objects[root]["First"])
    return root, order, children


def _levels(document: Any) -> list[int]:
    return [mark[0] for page in document.pages for mark in page.bookmarks]


def take_pages(document: Any) -> KeptPages:
    """The PDF objects of a laid-out WeasyPrint document, to go before another's pages."""
    taken: list[KeptPages] = []

    def finisher(_document: Any, pdf: Any) -> None:
        import pydyf  # type: ignore[import-untyped]

        root, order, children = _tree(pdf)
        outline = None
        if root is not None:
            skipped: list[int] = []
            levels = _levels(document)
            chain: list[int] = []
            for number, depth in zip(order, _depths(levels, skipped, 0), strict=True):
                chain[depth - 1 :] = [number]
            outline = Outline(
                items={
                    n: {k: _value(v) for k, v in pdf.objects[n].items() if k not in _LINKS}
                    for n in order
                },
                children=children,
                top=children.pop(root),
                chain=tuple(chain),
                skipped=tuple(skipped),
                level=levels[-1],
            )
        skip = {pdf.catalog.number, pdf.pages.number, root, *order}
        taken.append(
            KeptPages(
                objects=tuple(
                    (o.number, o.data, isinstance(o, pydyf.Stream))
                    for o in pdf.objects[1:]
                    if o.free != "f" and o.number not in skip
                ),
                pages=tuple(pdf.pages["Kids"][::3]),
                tree=pdf.pages.number,
                outline=outline,
            )
        )
        raise _Taken

    try:
        document.write_pdf(finisher=finisher)
    except _Taken:
        return taken[0]
    raise AssertionError("the finisher was not called")  # pragma: no cover


def write_after(kept: KeptPages, document: Any) -> bytes:
    """The PDF of ``kept``'s pages, then those of a laid-out WeasyPrint ``document``."""
    return bytes(
        document.write_pdf(finisher=lambda _doc, pdf: _prepend(pdf, kept, _levels(document)))
    )


def _prepend(pdf: Any, kept: KeptPages, levels: list[int]) -> None:
    import pydyf

    class Raw(pydyf.Object):  # type: ignore[misc]
        def __init__(self, data: bytes, stream: bool) -> None:
            super().__init__()
            self._data, self._stream = data, stream

        @property
        def data(self) -> bytes:
            return self._data

        @property
        def compressible(self) -> bool:
            return not self._stream

    outline = kept.outline
    root_number, order, children = _tree(pdf)
    if outline is not None and root_number is None:
        root = pydyf.Dictionary({})
        pdf.add_object(root)
        pdf.catalog["Outlines"] = root.reference
        root_number, children = root.number, {root.number: ()}
    numbers = {n: len(pdf.objects) + i for i, (n, _, _) in enumerate(kept.objects)}
    if outline is not None:
        numbers.update(
            {n: len(pdf.objects) + len(kept.objects) + i for i, n in enumerate(outline.items)}
        )
    numbers[kept.tree] = pdf.pages.number

    def ref(number: int) -> bytes:
        return b"%d 0 R" % numbers[number]

    def renumber(match: re.Match[bytes]) -> bytes:
        return match[0] if match[1] is None else ref(int(match[1]))

    for number, data, stream in kept.objects:
        head, mark, rest = data.partition(_STREAM) if stream else (data, b"", b"")
        raw = Raw(_TOKEN.sub(renumber, head) + mark + rest, stream)
        pdf.add_object(raw)
        assert raw.number == numbers[number]  # noqa: S101 (numbered as announced)
    kids = [part for number in kept.pages for part in (numbers[number], 0, "R")]
    pdf.pages["Kids"] = pydyf.Array(kids + list(pdf.pages["Kids"]))
    pdf.pages["Count"] += len(kept.pages)
    if outline is None:
        return
    # One bookmark tree: the kept part's, the later part's items under it where WeasyPrint
    # would have put them had both been laid out as one document.
    entries: dict[int, Any] = {}
    for number, items in outline.items.items():
        entry = pydyf.Dictionary({k: _TOKEN.sub(renumber, v) for k, v in items.items()})
        pdf.add_object(entry)
        assert entry.number == numbers[number]  # noqa: S101
        entries[entry.number] = entry
    entries.update({n: pdf.objects[n] for n in order})
    tree = {numbers[n]: [numbers[c] for c in kids] for n, kids in outline.children.items()}
    tree.update({n: list(kids) for n, kids in children.items()})
    top = tree[root_number] = [numbers[n] for n in outline.top]
    chain = [numbers[n] for n in outline.chain]
    later = set(children[root_number]) if order else set()
    skipped = list(outline.skipped)
    for number, depth in zip(order, _depths(levels, skipped, outline.level), strict=True):
        if number in later:
            (tree[chain[depth - 2]] if depth > 1 else top).append(number)
        chain[depth - 1 :] = [number]

    closed = {n: _value(e.get("Count", 0)).startswith(b"-") for n, e in entries.items()}

    def link(parent: int, entry: Any | None) -> int:
        """Parent, siblings, first and last child and count of the children of ``parent``;
        the number of bookmarks they show (WeasyPrint's /Count)."""
        kids = tree.get(parent, [])
        shown = len(kids)
        for n, kid in enumerate(kids):
            item = entries[kid]
            for key in (*_LINKS, "Count"):
                item.pop(key, None)
            inner = link(kid, item)
            item["Count"] = -inner if closed[kid] else inner
            shown += 0 if closed[kid] else inner
            if n:
                item["Prev"] = b"%d 0 R" % kids[n - 1]
            if n + 1 < len(kids):
                item["Next"] = b"%d 0 R" % kids[n + 1]
            item["Parent"] = b"%d 0 R" % parent
        if entry is not None and kids:
            entry["First"], entry["Last"] = b"%d 0 R" % kids[0], b"%d 0 R" % kids[-1]
        return shown

    root_entry = pdf.objects[root_number]
    root_entry.clear()
    root_entry["Count"] = link(root_number, root_entry)
    root_entry["First"], root_entry["Last"] = b"%d 0 R" % top[0], b"%d 0 R" % top[-1]


#: A blank page standing for a page of the kept part (print.css, ``.pdf-filler``).
FILLER = '<div class="pdf-filler"></div>'
#: The fresh part, from a new page (print.css, ``.pdf-part``); its id marks its first page.
PART_ID = "pdf-fresh-part"
_PART = f'<div class="pdf-part" id="{PART_ID}">'
_BODY = re.compile(r"<body[^>]*>")
#: Kept parts, for the whole process, by (scope, SHA-256 of the part's HTML), the oldest
#: dropped first: the PDF objects of a few pages (tens of kB each), in memory only.
KEPT_ENTRIES = 64
_kept: OrderedDict[tuple[str, str], tuple[KeptPages, int]] = OrderedDict()
_lock = threading.Lock()


class Store(Protocol):
    """Somewhere else to keep parts (several processes share it): bytes by a hex key."""

    def load(self, key: str) -> bytes | None: ...

    def save(self, key: str, data: bytes) -> None: ...


def forget_kept() -> None:
    """Drop every kept part (tests)."""
    with _lock:
        _kept.clear()


def _body(html: str) -> tuple[str, str, str]:
    """A complete document cut at its body: up to ``<body…>``, the body, from ``</body>``."""
    match = _BODY.search(html)
    if match is None or "</body>" not in html:
        raise ValueError("a complete HTML document is expected")
    body, end, tail = html[match.end() :].rpartition("</body>")
    return html[: match.end()], body, end + tail


def _stored(store: Store, key: str) -> tuple[KeptPages, int] | None:
    raw = store.load(key)
    if raw is None:
        return None
    try:
        return KeptPages.from_bytes(raw)
    except (ValueError, KeyError, TypeError):
        return None  # not what this module wrote: laid out again, and written anew


def render_parts(
    stable: str,
    fresh: str,
    *,
    cache_scope: str,
    layout: Callable[[str], Any],
    store: Store | None = None,
) -> bytes:
    """One PDF from two complete HTML documents: the pages of ``stable``, then those of
    ``fresh`` from a new page, numbered as one document ("page n / N" counts both);
    ``layout`` makes a WeasyPrint document of an HTML page (the print stylesheet's).

    The first time (for this scope and this ``stable`` HTML, in this process) both are
    laid out as one document and the pages of ``stable`` are kept as PDF objects;
    afterwards only ``fresh`` is laid out, after as many blank pages as ``stable`` has (so
    that its pages are numbered on from them: the blank pages are left out), and written
    after the kept pages. Both ways give the same bytes. A change in the HTML of ``stable``
    is a new layout, never the one kept; so is a change in the number of pages of
    ``fresh`` (the kept pages say "/ N"). With a ``store``, a part kept by another process
    is taken from it (keyed by a hash of the scope and the HTML), and a new one put there."""
    key = (cache_scope, hashlib.sha256(stable.encode()).hexdigest())
    stored = hashlib.sha256(f"{key[0]}\n{key[1]}".encode()).hexdigest()
    fresh_head, fresh_body, fresh_end = _body(fresh)
    part = _PART + fresh_body + "</div>"
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
    if kept is None and store is not None:
        kept = _stored(store, stored)
        if kept is not None:
            _keep(key, kept)
    if kept is not None:
        pages, count = kept
        own = len(pages.pages)
        late = layout(fresh_head + FILLER * own + part + fresh_end)
        if len(late.pages) - own == count:
            return write_after(pages, late.copy(late.pages[own:]))
    head, body, end = _body(stable)
    whole = layout(head + body + part + end)
    every = whole.pages
    own = next((n for n, page in enumerate(every) if PART_ID in page.anchors), len(every))
    pages = take_pages(whole.copy(every[:own]))
    _keep(key, (pages, len(every) - own))
    if store is not None:
        store.save(stored, pages.to_bytes(len(every) - own))
    return write_after(pages, whole.copy(every[own:]))


def _keep(key: tuple[str, str], kept: tuple[KeptPages, int]) -> None:
    with _lock:
        _kept[key] = kept
        _kept.move_to_end(key)
        while len(_kept) > KEPT_ENTRIES:
            _kept.popitem(last=False)

"""What a letter may carry: values taken from the file, never typed; and the guard on free text.

A transmission letter carries only *sources*: a field of the person's record (name,
national number as on the file, nationality, address, household) or a secret fact of
the file, for categories the decision lets out. The worker may leave a source out,
never edit one. Every free text that goes into a letter (the covering line, the
addresses, the reference) is checked against the values of the file that the letter
does *not* carry: a text that holds one of them is refused, naming the category.

The check is written here rather than taken from a library: it compares a short text
with a handful of known values (no general "personal data detector" knows the file).
It looks for the national number's digits in any layout, any run of three digits or
more, any two consecutive words, and any capitalised word (a street, a first name) of
a withheld value — leaving aside what the letter itself carries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final

from depositaire.engine.explain import category_label
from depositaire.engine.schema import CATEGORIES
from depositaire.web.cases.countries import nationality_label
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.cases.national_number import format_number, normalise

RECORD_PREFIX: Final = "record:"
ITEM_PREFIX: Final = "item:"
#: Capitalised words too common to betray anything on their own.
COMMON_WORDS: Final = frozenset(
    {
        "rue",
        "avenue",
        "place",
        "chaussee",
        "boulevard",
        "chemin",
        "madame",
        "monsieur",
        "aide",
        "epouse",
        "epoux",
        "enfant",
        "enfants",
        "fils",
        "fille",
        "belgique",
        "cpas",
    }
)
#: Common French and Dutch function words (pronouns, articles, auxiliaries, prepositions):
#: they betray nothing, capitalised at a sentence start or paired with one another
#: (« Elle est » in a withheld fact must not refuse every covering line saying « elle »).
FUNCTION_WORDS: Final = frozenset(
    {
        "elle", "elles", "nous", "vous", "ils", "lui", "leur", "leurs", "eux", "celle",
        "celui", "cette", "ces", "son", "sa", "ses", "une", "des", "les", "est", "sont",
        "etait", "avait", "ont", "avec", "pour", "dans", "sans", "sur", "sous", "chez",
        "mais", "donc", "car", "que", "qui", "dont", "depuis", "par", "aux", "pas",
        "plus", "tres", "tout", "tous", "toute", "toutes", "aussi", "encore", "deja",
        "zij", "haar", "hij", "zijn", "heeft", "hebben", "was", "met", "voor", "niet",
        "een", "het", "van", "die", "dat", "deze", "ook", "maar", "bij", "naar", "wordt",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Source:
    """One value of the file a letter may carry: its key, categories and text."""

    key: str
    categories: tuple[str, ...]
    value: str
    item: InformationItem | None = None

    @property
    def label(self) -> str:
        return ", ".join(category_label(c) for c in self.categories)


def record_values(person: Person) -> dict[str, str]:
    """The person's record, printed as on the file (national number formatted)."""
    number = person.get_sealed("national_number")
    return {
        "identity": person.full_name,
        "national_number": format_number(number) if number else "",
        "nationality": nationality_label(person.nationality),
        "address": person.get_sealed("address"),
        "household": person.get_sealed("household"),
    }


def letter_sources(
    person: Person, allowed: list[str], items: list[InformationItem]
) -> list[Source]:
    """The values the letter may carry: record fields of the ``allowed`` categories, then
    the eligible secret facts (judged by the caller, ``forms.eligible_items``: each carries
    at least one allowed category, never a confidence)."""
    out: list[Source] = []
    for category, value in record_values(person).items():
        if category in allowed and value.strip():
            out.append(Source(RECORD_PREFIX + category, (category,), value.strip()))
    for item in items:
        cats = tuple(c for c in CATEGORIES if c in item.categories)
        if cats and set(cats) & set(allowed) and not item.is_confidence:
            out.append(Source(f"{ITEM_PREFIX}{item.pk}", cats, item.get_sealed("content"), item))
    return out


def withheld_values(
    person: Person,
    user: Any,
    sent: list[Source],
    offered: list[Source] | None = None,
    allowed: Collection[str] = (),
) -> list[tuple[str, str]]:
    """``(category, value)`` of the file that the letter may not carry: neither ``sent`` nor
    ``offered`` (what the decision lets the letter carry; by default only what is sent).
    An item is named by a category the letter may not carry (a confidence as such), not
    by one the decision lets out (``allowed``)."""
    may = {s.key for s in [*sent, *(offered or [])]}
    may_categories = {c for s in [*sent, *(offered or [])] for c in s.categories} | set(allowed)
    out: list[tuple[str, str]] = []
    for category, value in record_values(person).items():
        if RECORD_PREFIX + category not in may and value.strip():
            out.append((category, value))
            if category == "national_number":
                out.append((category, normalise(value)))
    for item in InformationItem.objects.visible_to(user).filter(person=person):
        if f"{ITEM_PREFIX}{item.pk}" in may:
            continue
        cats = item.categories or ["other"]
        outside = [c for c in cats if c not in may_categories] or cats
        out.append(("confidence" if item.is_confidence else outside[0], item.get_sealed("content")))
    return out


def left_out_values(sent: list[Source], offered: list[Source]) -> list[tuple[str, str]]:
    """``(category, value)`` the letter may carry but that the worker left out: a covering
    line repeating one would send it without its being recorded as sent."""
    sent_keys = {s.key for s in sent}
    out: list[tuple[str, str]] = []
    for source in offered:
        if source.key not in sent_keys:
            out.append((source.categories[0], source.value))
            if source.key == RECORD_PREFIX + "national_number":
                out.append((source.categories[0], normalise(source.value)))
    return out


def _visible(text: str) -> str:
    """``text`` without Unicode format characters (soft hyphen, zero-width marks, direction
    marks): they split no word on paper, so they must split none here either."""
    return "".join(c for c in text or "" if unicodedata.category(c) != "Cf")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", _visible(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", _plain(text))


#: A number as people write it, its groups split by spaces, dots, commas or apostrophes
#: (« 1 050 », « 1.050 », « 1'050 »).
_NUMBER = re.compile(r"\d(?:[\d\s.,']*\d)?")


def _numbers(text: str) -> set[str]:
    """The digits of each written number of 3 digits or more, its separators left out:
    « 1 050 € » and « 1050 euros » are the same amount."""
    out = set()
    for number in _NUMBER.findall(text):
        digits = re.sub(r"\D", "", number)
        if len(digits) >= 3:
            out.add(digits)
    return out


def _markers(value: str) -> set[str]:
    """What betrays a value: digit runs (3+), word pairs, capitalised words (4+ letters)."""
    value = _visible(value)
    words = _words(value)
    marks = {w for w in words if w.isdigit() and len(w) >= 3}
    marks |= _numbers(value)
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11:
        marks.add(digits)
    for a, b in zip(words, words[1:], strict=False):
        if min(len(a), len(b)) >= 3 and not {a, b} <= FUNCTION_WORDS:
            marks.add(f"{a} {b}")
    for raw in re.findall(r"[^\W\d_]+", value or ""):
        word = _plain(raw)
        ignored = word in COMMON_WORDS or word in FUNCTION_WORDS
        if raw[:1].isupper() and len(word) >= 4 and not ignored:
            marks.add(word)
    return marks


def _text_marks(text: str) -> set[str]:
    text = _visible(text)
    words = _words(text)
    marks = set(words)
    marks |= {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
    marks.add(re.sub(r"\D", "", text))
    digits = re.sub(r"\D", " ", text)
    marks |= set(digits.split())
    marks |= _numbers(text)
    # A national number may be typed with any separators: keep every 11-digit window.
    run = re.sub(r"\D", "", text)
    marks |= {run[i : i + 11] for i in range(max(len(run) - 10, 0))}
    return marks


def leaked_categories(
    texts: list[str], withheld: list[tuple[str, str]], sent: list[Source]
) -> list[str]:
    """The categories of withheld values that one of the texts holds (in file order)."""
    allowed_marks: set[str] = set()
    for source in sent:
        allowed_marks |= _markers(source.value)
    found: dict[str, None] = {}
    for text in texts:
        if not (text or "").strip():
            continue
        marks = _text_marks(text)
        for category, value in withheld:
            hits = (_markers(value) - allowed_marks) & marks
            if hits:
                found.setdefault(category, None)
    return list(found)

"""Form fields that answer bad input with a French error, never a server error.

- Dates outside 1900–2100 are refused (a year 1 date overflowed on conversion to UTC,
  a year 9999 or 1800 date is a typing error in a social file).
- A list of ids with an id no database integer holds (23 digits) is an invalid choice:
  Django passes it to ``pk__in``, where SQLite raises ``OverflowError`` (a 500).
- A control character (a NUL…) in a text field is the field's error (:class:`Form`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict

from depositaire.messages import lazy_t, t

MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_ID = 2**63 - 1
#: The largest file number a form takes (12 digits): a file number is a person's id; a
#: longer number is a typing error, and the error says so without bigint's 19 digits.
FILE_NUMBER_DIGITS = 12
MAX_FILE_NUMBER = 10**FILE_NUMBER_DIGITS - 1


def plausible_date(value: dt.date | dt.datetime | None) -> None:
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            t("security.forms.date_range", low=MIN_YEAR, high=MAX_YEAR), code="date_range"
        )


def plausible_id(text: str) -> bool:
    """Whether ``text`` is an id a database integer can hold (decimal digits, ≤ bigint)."""
    return text.isdecimal() and int(text) <= MAX_ID


def check_plausible_pks(field: forms.ModelMultipleChoiceField, value: Any) -> None:
    """Refuse a posted list holding an implausible id before the database is asked."""
    for pk in value:
        text = str(pk)
        if not plausible_id(text):
            raise ValidationError(
                field.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": text[:20]},
            )


class FileNumberField(forms.IntegerField):
    """A file number (a person's id): a whole number of 1 to 12 digits, one French error for
    every wrong value (Django's said « inférieure ou égale à 9223372036854775807 »)."""

    def __init__(self, **kwargs: Any) -> None:
        message = lazy_t("security.forms.file_number", digits=FILE_NUMBER_DIGITS)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_FILE_NUMBER)
        kwargs["error_messages"] = {
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "step_size": message,
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)


class DateField(forms.DateField):
    default_validators = [plausible_date]


class DateTimeField(forms.DateTimeField):
    default_validators = [plausible_date]

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class ListedChoiceIterator(ModelChoiceIterator):
    """Django's choice iterator, reading the rows in one query rather than ``iterator()``:
    on PostgreSQL that is a server-side cursor (``DECLARE``, ``FETCH``, ``CLOSE``: three
    round trips) for a list of a few dozen rows. The same rows, in the same order; the
    field's queryset itself is left unevaluated (a copy is read)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        listed = getattr(self.field, "listed_rows", None)
        rows = listed() if listed is not None and self.queryset is self.field.queryset else None
        reader = self.field.__dict__.get("_read_rows")
        if rows is None and reader is not None and reader[0] is self.queryset:
            rows = reader[1]()  # the same rows, by a query compiled once
        for obj in self.queryset.all() if rows is None else rows:
            yield self.choice(obj)


def read_rows(field: Any, reader: Callable[[], list[Any]]) -> None:
    """The choices of a model choice field drawn from ``reader()``, a query compiled once
    that gives the rows of the field's queryset in its order (``web.views.Scoped``); the
    queryset still checks what is posted."""
    field._read_rows = (field.queryset, reader)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator

    def _check_values(self, value: Any) -> Any:
        check_plausible_pks(self, value)
        return super()._check_values(value)


class SafeModelChoiceField(forms.ModelChoiceField):
    """A model choice whose value must be a plausible id before the database is asked.

    PostgreSQL refuses an integer beyond bigint with an error (a 500), SQLite does not."""

    iterator = ListedChoiceIterator

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            text = str(value)
            if not plausible_id(text):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class _ListedRows:
    """The field's rows read once per form: the same list checks the posted ids and draws
    the choices (the form shown again after a post, a preview, asked for them twice)."""

    queryset: Any

    def listed_rows(self) -> list[Any]:
        queryset = self.queryset
        if self.__dict__.get("_listed_of") is not queryset:
            self._listed = list(queryset.all())
            self._listed_of = queryset
        return self._listed

    def use_rows(self, rows: list[Any]) -> None:
        """The rows of the field's queryset, read by a query compiled once that gives the
        same rows in the same order (``web.views.Scoped``)."""
        self._listed = rows
        self._listed_of = self.queryset


class ListedModelChoiceField(_ListedRows, SafeModelChoiceField):
    """:class:`SafeModelChoiceField` for a short list shown in full: the posted id is looked
    up among the listed rows (the same rows, the same answers as ``queryset.get(pk=…)``)."""

    def to_python(self, value: Any) -> Any:
        if self.to_field_name or value in self.empty_values:
            return super().to_python(value)
        if isinstance(value, self.queryset.model):
            value = value.pk
        text = str(value)
        if not plausible_id(text):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        self.validate_no_null_characters(value)
        wanted = int(text)
        for row in self.listed_rows():
            if row.pk == wanted:
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class ListedModelMultipleChoiceField(_ListedRows, SafeModelMultipleChoiceField):
    """:class:`SafeModelMultipleChoiceField` for a short list shown in full: the posted ids
    are checked against the listed rows, as Django checks them against
    ``queryset.filter(pk__in=…)`` (an id matches when written as the row's id is); the
    chosen rows come back as a list, in the queryset's order."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name:
            return super()._check_values(value)
        check_plausible_pks(self, value)  # first the plausible ids, as the safe field
        try:
            wanted = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for pk in wanted:
            self.validate_no_null_characters(pk)
        chosen = [row for row in self.listed_rows() if str(row.pk) in wanted]
        found = {str(row.pk) for row in chosen}
        for val in wanted:
            if str(val) not in found:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": val},
                )
        return chosen


#: Characters a typed text may hold among the control characters (category ``Cc``).
ALLOWED_CONTROLS = frozenset("\t\n\r")


def _typed(char: str) -> bool:
    """Whether a typed text may hold ``char`` (not a control character, but tab and line
    breaks)."""
    return char in ALLOWED_CONTROLS or unicodedata.category(char) != "Cc"


def control_character(value: str) -> str | None:
    """The first control character of ``value`` a typed text never holds (NUL, the other
    C0 and C1 controls, DEL; tab and line breaks excepted), or ``None``."""
    return next((char for char in value if not _typed(char)), None)


def without_controls(value: str) -> str:
    return "".join(char for char in value if _typed(char))


def refuse_control_characters(value: Any) -> None:
    """A text field's validator: a control character is refused, named by its code."""
    char = control_character(value) if isinstance(value, str) else None
    if char is not None:
        raise ValidationError(
            t("security.forms.control_character", code=f"U+{ord(char):04X}"),
            code="control_character",
        )


class GuardedPost(QueryDict):
    """A POST whose values holding a NUL are refused (``BadRequest``: the 400 page) when a
    view reads them itself (PostgreSQL refuses a NUL in text: a 500). A form of
    :class:`CheckedTextMixin` reads the plain values and answers with a field's error."""

    def __getitem__(self, key: str) -> Any:
        return _refuse_nul(super().__getitem__(key))

    def _getlist(self, key: str, default: Any = None, force_list: bool = False) -> Any:
        values = super()._getlist(key, default, force_list)
        if isinstance(values, list):
            for value in values:
                _refuse_nul(value)
        return values

    def lists(self) -> Iterator[tuple[str, list[Any]]]:
        for key, values in super().lists():
            for value in values:
                _refuse_nul(value)
            yield key, values

    def unguarded(self) -> QueryDict:
        return _copied(self, QueryDict)


def _refuse_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise BadRequest("NUL character in a POST value read outside a form")
    return value


def plain_query(data: QueryDict) -> QueryDict:
    """``data`` as sent (a :class:`GuardedPost` unguarded), for a caller that checks it."""
    return data.unguarded() if isinstance(data, GuardedPost) else data


def query_text(data: QueryDict, name: str) -> tuple[str, str]:
    """A text parameter of a search box read by its view: ``(text, error)``; a control
    character is the catalogue's error and the text comes back without it."""
    raw = plain_query(data).get(name, "")
    char = control_character(raw)
    if char is None:
        return raw, ""
    return without_controls(raw), t("security.forms.control_character", code=f"U+{ord(char):04X}")


_Query = TypeVar("_Query", bound=QueryDict)


def guarded_post(post: QueryDict) -> GuardedPost:
    return _copied(post, GuardedPost)


def _copied(data: QueryDict, kind: type[_Query]) -> _Query:
    """An immutable ``kind`` holding ``data``'s values as sent (read without the guard)."""
    copy = kind(mutable=True, encoding=data.encoding)
    for key, values in dict.items(data):
        copy.setlist(key, list(values))
    copy._mutable = False
    return copy


class CheckedTextMixin:
    """Every form of the application: a control character in a text field (a NUL, pasted
    or sent) is a field's error in the catalogue's words, the form shown again with the
    rest of what was typed; shown again, the values are without their control characters.
    Django's own NUL check of a text field is replaced (one error, not two)."""

    data: Any
    fields: dict[str, forms.Field]
    is_bound: bool
    _errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if isinstance(self.data, GuardedPost):
            self.data = self.data.unguarded()

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and refuse_control_characters not in (
                field.validators
            ):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [refuse_control_characters]
        super().full_clean()  # type: ignore[misc]
        if self.is_bound and self._errors and hasattr(self.data, "lists"):
            bad = [
                key
                for key, values in self.data.lists()
                if any(isinstance(v, str) and control_character(v) for v in values)
            ]
            if bad:
                data = self.data.copy()
                for key in bad:
                    data.setlist(
                        key,
                        [
                            without_controls(v) if isinstance(v, str) else v
                            for v in data.getlist(key)
                        ],
                    )
                self.data = data


class Form(CheckedTextMixin, forms.Form):
    """The application's form (see :class:`CheckedTextMixin`)."""


class ModelForm(CheckedTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The application's model form (see :class:`CheckedTextMixin`)."""

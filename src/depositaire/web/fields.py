"""Form fields that answer bad input with a French error, never a server error.

- Dates outside 1900–2100 are refused (a year 1 date overflowed on conversion to UTC,
  a year 9999 or 1800 date is a typing error in a social file).
- A list of ids with an id no database integer holds (23 digits) is an invalid choice:
  Django passes it to ``pk__in``, where SQLite raises ``OverflowError`` (a 500).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from depositaire.messages import t

MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_ID = 2**63 - 1


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
        for obj in self.queryset.all() if rows is None else rows:
            yield self.choice(obj)


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

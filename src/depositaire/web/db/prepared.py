"""Queries compiled once: the lookups by key every page makes (its session, its user, its
second-factor device).

Django builds and compiles a queryset anew each time it runs: for a lookup by key that is
most of its cost (measured: about 1.5 ms of CPU for the signed-in user's query, 0.1 ms of
it in the database). A :class:`Prepared` query is built and compiled once per database
connection, with stand-in values; each call puts the real values in the stand-ins' places
in the stored SQL and turns the rows into model instances with the stored compiler's
converters and ``select_related`` populators, as Django's own iterator does. The SQL sent
is the one Django would send for the same queryset, through the same cursor (query logs
and ``CaptureQueriesContext`` see it).

Only for querysets whose values are plain integers or strings that the database receives
as they are, or aware datetimes (received as a ``DateTimeField`` adapts them). The query is
built twice when first compiled, with two sets of stand-ins: the SQL must be the same and
the parameters must differ exactly where the stand-ins are (a value may appear several
times, as a user's id does in a scope), else :class:`Prepared` refuses it
(:class:`NotPreparable`): a stand-in the SQL does not carry, or a value the build takes
from elsewhere (the clock) that would be frozen in the stored parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators

#: Where each connection keeps its compiled queries (one dict per connection wrapper: a
#: thread's own, as Django's connections are).
_CACHE = "_depositaire_prepared"
#: A query this connection cannot prepare (remembered: the refusal depends on its shape).
_REFUSED = ("refused",)

Value = int | str | dt.datetime


class NotPreparable(ValueError):
    """The queryset cannot be compiled once and re-bound (see the module's docstring)."""


def _other(stand_in: Value) -> Value:
    """A second stand-in of the same type, for the second build."""
    if type(stand_in) is int:
        return stand_in - 7919
    if type(stand_in) is str:
        return stand_in + "\x01"
    return stand_in + dt.timedelta(days=1, microseconds=1)  # type: ignore[operator]


def _bound(value: Value, connection: Any) -> Any:
    """A value as the database receives it among the compiled parameters."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class Prepared:
    """A queryset ``build(*values)`` compiled once per connection, then only re-bound."""

    def __init__(
        self,
        build: Callable[..., Any],
        *stand_ins: Value,
        may_omit: Collection[int] = (),
    ) -> None:
        """``may_omit``: the positions of stand-ins the query may not carry (a scope that
        does not look at the clock or at the user's id)."""
        others = [_other(s) for s in stand_ins]
        if not stand_ins or len({*stand_ins, *others}) != 2 * len(stand_ins):
            raise ValueError("distinct stand-in values are needed")
        self.build = build
        self.stand_ins = stand_ins
        self.others = tuple(others)
        self.may_omit = frozenset(may_omit)

    def _compiled(self, connection: Any) -> tuple[Any, ...]:
        cache = connection.__dict__.setdefault(_CACHE, {})
        state = cache.get(self)
        if state is _REFUSED:
            raise NotPreparable("refused when first compiled on this connection")
        if state is not None:
            return state  # type: ignore[no-any-return]
        try:
            state = self._compile(connection)
        except NotPreparable:
            cache[self] = _REFUSED
            raise
        cache[self] = state
        return state

    def _compile(self, connection: Any) -> tuple[Any, ...]:
        try:
            queryset = self.build(*self.stand_ins)
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            second_sql, second = queryset_sql(self.build(*self.others), connection)
        except EmptyResultSet as exc:  # a scope that is empty for this user: Django's way
            raise NotPreparable("the query is empty") from exc
        params = list(params)
        if second_sql != sql or len(second) != len(params):
            raise NotPreparable("the two builds differ in their SQL")
        slots: list[tuple[int, ...]] = []
        taken: set[int] = set()
        for n, (stand_in, other) in enumerate(zip(self.stand_ins, self.others, strict=True)):
            first, then = _bound(stand_in, connection), _bound(other, connection)
            found = tuple(
                i
                for i, (p, q) in enumerate(zip(params, second, strict=True))
                if type(p) is type(first) and p == first and type(q) is type(then) and q == then
            )
            if not found and n not in self.may_omit:
                raise NotPreparable(f"stand-in {stand_in!r} found 0 times in {params!r}")
            slots.append(found)
            taken.update(found)
        changed = {i for i, (p, q) in enumerate(zip(params, second, strict=True)) if p != q}
        if changed != taken:
            raise NotPreparable(f"parameters {sorted(changed - taken)} change without a stand-in")
        select, klass_info = compiler.select, compiler.klass_info
        if compiler.annotation_col_map or queryset._known_related_objects:
            raise NotPreparable("annotations and known related objects are not prepared")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, connection.alias)
        converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
        width = compiler.col_count if compiler.has_extra_select else None
        state = (
            sql,
            params,
            slots,
            compiler,
            converters,
            klass_info["model"],
            init_list,
            start,
            end,
            populators,
            width,
        )
        return state

    def fetch(self, *values: Value, using: str = DEFAULT_DB_ALIAS) -> list[Any]:
        """The instances the queryset built from ``values`` gives, in its order."""
        if len(values) != len(self.stand_ins) or any(
            type(value) is not type(stand_in)
            or (type(value) is dt.datetime and value.tzinfo is None)
            for value, stand_in in zip(values, self.stand_ins, strict=True)
        ):
            # Another type may be adapted differently: Django's own way.
            return list(self.build(*values).using(using))
        connection = connections[using]
        (
            sql,
            template,
            slots,
            compiler,
            converters,
            model,
            init_list,
            start,
            end,
            populators,
            width,
        ) = self._compiled(connection)
        params = list(template)
        for places, value in zip(slots, values, strict=True):
            bound = _bound(value, connection)
            for place in places:
                params[place] = bound
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: Any = cursor.fetchall()
        if width is not None:
            rows = [row[:width] for row in rows]
        if converters:
            rows = compiler.apply_converters(rows, converters)
        out = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            out.append(obj)
        return out

    def first(self, *values: Value, using: str = DEFAULT_DB_ALIAS) -> Any:
        rows = self.fetch(*values, using=using)
        return rows[0] if rows else None


def queryset_sql(queryset: Any, connection: Any) -> tuple[str, list[Any]]:
    """The SQL and parameters Django would send for ``queryset`` on ``connection``."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)

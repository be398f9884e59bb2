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
as they are (a stand-in must appear exactly once among the compiled parameters, else
:class:`Prepared` refuses it when first compiled).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators

#: Where each connection keeps its compiled queries (one dict per connection wrapper: a
#: thread's own, as Django's connections are).
_CACHE = "_depositaire_prepared"


class Prepared:
    """A queryset ``build(*values)`` compiled once per connection, then only re-bound."""

    def __init__(self, build: Callable[..., Any], *stand_ins: int | str) -> None:
        if not stand_ins or len(set(stand_ins)) != len(stand_ins):
            raise ValueError("distinct stand-in values are needed")
        self.build = build
        self.stand_ins = stand_ins

    def _compiled(self, connection: Any) -> tuple[Any, ...]:
        cache = connection.__dict__.setdefault(_CACHE, {})
        state = cache.get(self)
        if state is not None:
            return state  # type: ignore[no-any-return]
        queryset = self.build(*self.stand_ins)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = []
        for stand_in in self.stand_ins:
            found = [i for i, p in enumerate(params) if type(p) is type(stand_in) and p == stand_in]
            if len(found) != 1:
                raise ValueError(f"stand-in {stand_in!r} found {len(found)} times in {params!r}")
            slots.append(found[0])
        select, klass_info = compiler.select, compiler.klass_info
        if compiler.annotation_col_map or queryset._known_related_objects:
            raise ValueError("annotations and known related objects are not prepared")
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
        cache[self] = state
        return state

    def fetch(self, *values: int | str, using: str = DEFAULT_DB_ALIAS) -> list[Any]:
        """The instances the queryset built from ``values`` gives, in its order."""
        if len(values) != len(self.stand_ins) or any(
            type(value) is not type(stand_in)
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
        for slot, value in zip(slots, values, strict=True):
            params[slot] = value
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

    def first(self, *values: int | str, using: str = DEFAULT_DB_ALIAS) -> Any:
        rows = self.fetch(*values, using=using)
        return rows[0] if rows else None

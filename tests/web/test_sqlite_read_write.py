"""SQLite: a safe request's reading transaction that must write takes the write lock first."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections

from depositaire.web.db import read_next_transaction


def _wrappers(tmp_path: Path) -> tuple[Any, Any]:
    from depositaire.web.db.sqlite3.base import DatabaseWrapper

    default = connections["default"].settings_dict
    if "sqlite" not in default["ENGINE"]:
        pytest.skip("SQLite's locking only")
    settings = copy.deepcopy(default)
    settings["NAME"] = str(tmp_path / "db.sqlite3")
    reader, writer = DatabaseWrapper(settings, "reader"), DatabaseWrapper(settings, "writer")
    writer.cursor().execute("CREATE TABLE t (n INTEGER)")
    return reader, writer


@pytest.mark.parametrize("prepared", [False, True])
def test_a_reading_transaction_whose_snapshot_moved_can_write_once_it_took_the_lock(
    tmp_path: Path, prepared: bool, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        _race(tmp_path, prepared)


def _race(tmp_path: Path, prepared: bool) -> None:
    reader, writer = _wrappers(tmp_path)
    try:
        token = read_next_transaction.set(True)
        reader.ensure_connection()
        reader._start_transaction_under_autocommit()  # BEGIN DEFERRED, as a GET's view
        read_next_transaction.reset(token)
        reader.cursor().execute("SELECT COUNT(*) FROM t").fetchone()  # its snapshot
        writer.cursor().execute("INSERT INTO t VALUES (1)")  # another request writes
        if prepared:
            reader.begin_writing()
            reader.cursor().execute("INSERT INTO t VALUES (2)")
            reader.connection.commit()
            rows = writer.cursor().execute("SELECT n FROM t ORDER BY n").fetchall()
            assert rows == [(1,), (2,)]
        else:  # what a GET that wrote met under load: no waiting helps
            with pytest.raises(OperationalError, match="locked"):
                reader.cursor().execute("INSERT INTO t VALUES (2)")
    finally:
        reader.close()
        writer.close()

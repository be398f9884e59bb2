"""PostgreSQL, with the journal chained just before commit (see :mod:`depositaire.web.db`)."""

from __future__ import annotations

from django.db.backends.postgresql import base

from depositaire.web.db import JournalChainingMixin


class DatabaseWrapper(JournalChainingMixin, base.DatabaseWrapper):
    pass

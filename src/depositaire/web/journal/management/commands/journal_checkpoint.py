"""``python -m depositaire.web journal_checkpoint``: sign the journal's last entry now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from depositaire.messages import t
from depositaire.web.journal.service import checkpoint


class Command(BaseCommand):
    help = "Create a signed checkpoint on the journal's last entry (e.g. before a backup)."

    def handle(self, *args: Any, **options: Any) -> None:
        point = checkpoint()
        if point is None:
            self.stdout.write(t("journal.checkpoint.empty"))
        else:
            self.stdout.write(t("journal.checkpoint.done", seq=point.seq, hash=point.hash[:16]))

"""``python -m depositaire.web journal_verify``: exit 0 if the journal is intact, 1 if not."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from depositaire.web.journal.cli import console_for, run_verify


class Command(BaseCommand):
    help = "Verify the journal's hash chain, checkpoints, head and anchor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--public-key", help="PEM public key to verify against (default: the key folder's)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = run_verify(
            console_for(self.stdout), console_for(self.stderr), public_key=options["public_key"]
        )
        if code:
            sys.exit(code)

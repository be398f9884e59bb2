"""``python -m depositaire.web rotate_keys [--retire-old]``: new encryption key, every token re-sealed.

Prints a French summary (key ids and counts, never key material); the rotation
itself is journaled by :func:`depositaire.web.crypto.rotate_keys`. Exit code 1 when
some rows could not be re-sealed (their old key is then kept).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from depositaire.messages import t, tn
from depositaire.web.crypto import CryptoError, RotationReport, rotate_keys

#: Rows that failed, listed by id in the summary before it only counts the rest.
SHOWN_FAILURES = 20


class Command(BaseCommand):
    help = "Rotate the encryption key and re-seal every registered sealed field."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retire-old",
            action="store_true",
            help="Remove old keys from the ring once no token uses them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = rotate_keys(retire_old=options["retire_old"])
        except CryptoError as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        for line in summary_lines(report, retire_old=options["retire_old"]):
            self.stdout.write(line)
        if report.failures:
            sys.exit(1)


def summary_lines(report: RotationReport, *, retire_old: bool) -> list[str]:
    """The French summary of a rotation."""
    lines = [
        t("crypto.rotation.done", new=report.new_key_id, previous=report.previous_key_id),
        t(
            "crypto.rotation.totals",
            rows=tn("crypto.rotation.rows_sealed", report.rows),
            tokens=tn("crypto.rotation.tokens", report.tokens),
            models=tn("crypto.rotation.models", len(report.models)),
        ),
    ]
    for model in report.models:
        lines.append(
            t(
                "crypto.rotation.model",
                model=model.model_label,
                rows=tn("crypto.rotation.rows", model.rows),
                tokens=tn("crypto.rotation.tokens", model.tokens),
            )
        )
    failed = [(m.model_label, f, pk) for m in report.models for f, pk in m.failed]
    if failed:
        lines.append(tn("crypto.rotation.failures", len(failed)))
        for label, field, pk in failed[:SHOWN_FAILURES]:
            lines.append(t("crypto.rotation.failure", model=label, field=field, pk=pk))
    if retire_old:
        lines.append(
            t("crypto.rotation.retired", keys=", ".join(report.retired))
            if report.retired
            else t("crypto.rotation.nothing_retired")
        )
        if report.kept:
            lines.append(t("crypto.rotation.kept", keys=", ".join(report.kept)))
    else:
        lines.append(t("crypto.rotation.old_kept"))
    if report.journal_seq is not None:
        lines.append(t("crypto.rotation.journaled", seq=report.journal_seq))
    return lines

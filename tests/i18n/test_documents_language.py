"""Documents in the recipient's language: a Dutch refusal letter and decision note, as real
PDFs (``lang`` nl), page 1 as PNG under ``var/screenshots/``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from i18n.catalogues import found_in

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"


def _law_text() -> list[str]:
    from depositaire.engine.provisions import default_provisions

    versions = [v for vs in default_provisions().by_key.values() for v in vs]
    # The "à vérifier" notes are built by the engine from the French title and note of
    # the law data (engine/evaluator, not the catalogue): left out too.
    return [
        " ".join(x.split()) for v in versions for x in (v.quote, v.to_verify or "", v.label) if x
    ]


def test_a_dutch_refusal_letter_and_decision_note_are_written_in_dutch(tmp_path: Path) -> None:
    note, letter = tmp_path / "nota.pdf", tmp_path / "brief.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "depositaire.cli", "consult", "--lang", "nl",
         "--answers", str(ROOT / "examples/answers/police-phone.yaml"),
         "--note", str(note), "--letter", str(letter)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-800:]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for pdf, name in ((letter, "nl-refusal-letter"), (note, "nl-decision-note")):
        reader = PdfReader(pdf)
        assert reader.trailer["/Root"].get("/Lang") == "nl", name
        text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
        for law in _law_text():  # the law's French text, shown as it is and marked
            text = text.replace(law, "")
        assert found_in(text, "nl", "fr"), name
        if name == "nl-decision-note":
            # The note quotes the law (French, as the seeds give it), marked as such; the
            # quotations' lines break anywhere in the PDF text, so only the mark is checked.
            from depositaire.messages import t, using_language

            with using_language("nl"):
                mark = " ".join(t("law_quotes.french_only").split())
            assert mark in text
        else:
            assert not found_in(text, "fr", "nl"), (name, found_in(text, "fr", "nl")[:5])
        assert shutil.which("pdftoppm")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
             str(SCREENSHOTS / name)],
            check=True, timeout=60,
        )  # fmt: skip
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000

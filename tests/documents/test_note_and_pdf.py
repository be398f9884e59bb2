"""The decision note, and real PDFs: text extracted (pypdf, pdftotext), page 1 rendered (pdftoppm)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from interview.replaying import case_named, full_situation, interview_for
from pypdf import PdfReader

from depositaire.documents import render_letter, render_note
from depositaire.documents.markdown import escape
from depositaire.engine import decide
from depositaire.engine.provisions import default_provisions

POLICE = full_situation(case_named("Police phone"))
PROSECUTOR = full_situation(case_named("Prosecutor's written"))


def squeeze(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return squeeze("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def pdftotext(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return squeeze(done.stdout.decode("utf-8"))


def page_one(path: Path, tmp_path: Path) -> tuple[Path, float]:
    """Page 1 as PNG, and the share of its pixels that are not white (from a grey render)."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(tmp_path / "grey"),
        ],
        check=True,
    )
    raw = (tmp_path / "grey.pgm").read_bytes()
    width, height = map(int, raw.split(b"\n")[1].split())
    pixels = raw[-width * height :]
    inked = sum(1 for p in pixels if p < 200) / len(pixels)
    return tmp_path / "page.png", inked


def test_the_note_for_the_police_phone_records_facts_verdict_duties_and_provisions():
    decision = decide(POLICE)
    text = render_note(decision, POLICE, "md")
    assert text.startswith("# Note de décision — secret professionnel")
    assert "**Destinataire** : la police" in text
    assert "**Catégories d'informations demandées** : l'adresse, l'aide accordée" in text
    assert "**Secret**" in text
    facts_part, rest = text.split("## La réponse")
    never = rest.split("## Ce qui ne sort jamais")[1].split("##")[0]
    assert "L'adresse" in never and "Les confidences" in never
    assert "## Dispositions appliquées" in text
    for citation in decision.citations:
        quote = default_provisions().on(citation.id, decision.date).quote
        assert escape(quote[:60]) in text
    assert "## À vérifier" in text and "À vérifier :" in text


def test_the_note_lists_facts_answered_i_do_not_know_and_what_they_would_change():
    interview, _ = interview_for(case_named("Only the recipient is known"))
    text = render_note(
        interview.decision,
        interview.situation,
        "md",
        unknown=interview.unknown_paths,
        open_facts=interview.open_facts(),
    )
    assert "**Accord de la personne** : je ne sais pas" in text
    assert "## Ce que changerait une réponse inconnue" in text
    assert "Si « accord de la personne » était :" in text and "refusé → Secret" in text
    assert "**Indéterminé**" in text


def test_the_note_as_pdf_reads_the_same_as_the_markdown(tmp_path):
    decision = decide(POLICE)
    pdf = render_note(decision, POLICE, "pdf")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "note.pdf"
    path.write_bytes(pdf)
    for text in (pdf_text(pdf), pdftotext(path)):
        assert "Note de décision" in text
        assert "Secret" in text and "la police" in text
        assert "Ce qui ne sort jamais" in text and "L'adresse" in text
        assert "Dispositions appliquées" in text
        assert "Document confidentiel" in text
    png, inked = page_one(path, tmp_path)
    assert png.stat().st_size > 10_000
    assert 0.01 < inked < 0.5


def test_the_reply_letter_as_pdf_says_no_and_names_nothing_of_the_person(tmp_path):
    pdf = render_letter(decide(POLICE), POLICE, "pdf", reference="PV 2026/0815")
    path = tmp_path / "reply.pdf"
    path.write_bytes(pdf)
    text = pdftotext(path)
    assert "Nous ne pouvons pas y donner suite" in text and "PV 2026/0815" in text
    assert "adresse" not in text.lower()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    png, inked = page_one(path, tmp_path)
    assert png.stat().st_size > 10_000 and 0.01 < inked < 0.5


def test_the_transmission_letter_as_pdf_lists_the_permitted_data_and_the_secret_measure(tmp_path):
    pdf = render_letter(
        decide(PROSECUTOR), PROSECUTOR, "pdf", items={"address": "rue de la Loi 16"}
    )
    path = tmp_path / "transmission.pdf"
    path.write_bytes(pdf)
    text = pdf_text(pdf)
    assert "L'adresse : rue de la Loi 16" in text
    assert "L'identité (nom)" not in text  # not given, so not announced
    assert "Nous garderons le secret sur la présente réquisition." in text
    assert "revenus" not in text and "santé" not in text
    png, inked = page_one(path, tmp_path)
    assert png.stat().st_size > 10_000 and inked > 0.01


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_a_note_can_be_written_for_every_verdict(fmt):
    for start in (
        "Police phone",
        "Prosecutor's written",
        "Sharing with a debt",
        "Case used",
        "Only the recipient",
    ):
        situation = full_situation(case_named(start))
        assert render_note(decide(situation), situation, fmt)

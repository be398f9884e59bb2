"""``depositaire consult`` replayed from answer files: no prompt, clear errors, files written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from depositaire.engine import SituationError, decide, load_situation
from depositaire.interview import Interview, load_answers, replay
from depositaire.interview.cli import consult

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "answers"
runner = CliRunner()

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.command()(consult)


def run(*args: str):
    return runner.invoke(app, list(args))


def write(tmp_path: Path, text: str, name: str = "answers.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("example", "verdict"),
    [
        ("police-phone.yaml", "Secret"),
        ("prosecutor-requisition.yaml", "Doit communiquer"),
        ("guarantor.yaml", "Peut parler"),
    ],
)
def test_each_example_answers_file_replays_without_prompting_to_its_verdict(example, verdict):
    result = run("--answers", str(EXAMPLES / example))
    assert result.exit_code == 0, result.output
    assert verdict in result.output
    assert "Votre réponse" not in result.output
    assert re.search(r"\d+ questions? posées?\.", result.output)


def test_the_replayed_answers_are_listed_in_french():
    result = run("--answers", str(EXAMPLES / "police-phone.yaml"))
    assert "destinataire : la police" in result.output
    assert "type de demande : une demande informelle" in result.output
    assert "Ne sort jamais" in result.output and "l'adresse" in result.output


def test_a_question_the_file_does_not_answer_is_answered_i_do_not_know(tmp_path):
    answers = write(tmp_path, "recipient.kind: police\nrequest.kind: informal_request\n")
    result = run("--answers", answers)
    assert result.exit_code == 0, result.output
    assert "je ne sais pas (absent du fichier)" in result.output


def test_an_unknown_path_in_the_answers_file_exits_2_with_a_french_message(tmp_path):
    answers = write(tmp_path, "recipient.kind: police\nrecipient.colour: red\n")
    result = run("--answers", answers)
    assert result.exit_code == 2
    assert "Question inconnue dans le fichier de réponses : « recipient.colour »" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_value_in_the_answers_file_exits_2_listing_the_accepted_values(tmp_path):
    answers = write(tmp_path, "recipient.kind: neighbour\n")
    result = run("--answers", answers)
    assert result.exit_code == 2
    assert "Valeur inconnue pour « recipient.kind » : « neighbour »" in result.output
    assert "police" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- police\n", "doit associer chaque question à sa réponse"),
        ("recipient.kind: [police\n", "YAML mal formé"),
        ("request.in_writing: peut-être\n", "attend true ou false"),
        ("date: 2026-13-45\n", "Date impossible"),
    ],
)
def test_a_malformed_answers_file_exits_2_with_one_french_sentence(tmp_path, content, message):
    result = run("--answers", write(tmp_path, content))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_a_missing_answers_file_exits_2(tmp_path):
    result = run("--answers", str(tmp_path / "none.yaml"))
    assert result.exit_code == 2
    assert "Fichier introuvable" in result.output


def test_a_bad_date_or_document_suffix_exits_2():
    assert run("--date", "23/11/2026").exit_code == 2
    result = run("--answers", str(EXAMPLES / "police-phone.yaml"), "--note", "note.docx")
    assert result.exit_code == 2 and "extension non reconnue" in result.output


def test_save_writes_the_situation_in_the_contract_format(tmp_path):
    saved = tmp_path / "situation.yaml"
    result = run("--answers", str(EXAMPLES / "prosecutor-requisition.yaml"), "--save", str(saved))
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert data["date"] == "2024-03-01"
    assert data["request"]["kind"] == "prosecutor_requisition"
    situation = load_situation(saved.read_text(encoding="utf-8"))
    assert decide(situation).verdict == "must_disclose"


def test_note_and_letter_are_written_in_the_format_their_suffix_names(tmp_path):
    note, letter = tmp_path / "note.md", tmp_path / "letter.pdf"
    result = run(
        "--answers",
        str(EXAMPLES / "police-phone.yaml"),
        "--note",
        str(note),
        "--letter",
        str(letter),
        "--reference",
        "PV 12/345",
    )
    assert result.exit_code == 0, result.output
    assert note.read_text(encoding="utf-8").startswith("# Note de décision")
    assert letter.read_bytes().startswith(b"%PDF")


def test_a_letter_the_decision_does_not_call_for_exits_1_with_the_reason(tmp_path):
    answers = write(
        tmp_path, "recipient.kind: external_professional\nrequest.kind: care_collaboration\n"
    )
    result = run("--answers", answers, "--letter", str(tmp_path / "letter.md"))
    assert result.exit_code == 1
    assert "Aucune lettre pour cette réponse" in result.output
    assert not (tmp_path / "letter.md").exists()


def test_the_date_option_sets_the_day_of_the_law():
    result = run("--answers", str(EXAMPLES / "police-phone.yaml"), "--date", "2020-01-15")
    assert result.exit_code == 0
    assert "Art. 458 du Code pénal de 1867" in result.output


def test_the_answers_file_accepts_flat_and_grouped_paths_unknown_and_a_date():
    parsed = load_answers(
        "date: 2024-03-01\nconsent: unknown\nrequest: {kind: testimony, under_oath: true}\n"
        "recipient.kind: judge\nperson.minor: null\n"
    )
    assert parsed.date.isoformat() == "2024-03-01"
    assert parsed.answers == {
        "consent": None,
        "request.kind": "testimony",
        "request.under_oath": True,
        "recipient.kind": "judge",
        "person.minor": None,
    }


def test_replaying_reports_the_answers_the_law_did_not_need():
    parsed = load_answers((EXAMPLES / "police-phone.yaml").read_text(encoding="utf-8"))
    interview = Interview(date=parsed.date)
    result = replay(interview, parsed.answers)
    assert result.unused == ["request.in_writing"]
    assert all(in_file for _, in_file in result.steps)


def test_loading_answers_never_accepts_the_date_as_a_question():
    with pytest.raises(SituationError):
        load_answers("date: [2024]\n")

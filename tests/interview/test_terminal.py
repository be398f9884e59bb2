"""The terminal interview driven for real (pexpect): answer, ask why, go back, change, finish."""

from __future__ import annotations

import os
import sys

import pexpect
import pytest

from depositaire.interview import Interview
from depositaire.interview.terminal import parse_reply

PROGRAM = "from depositaire.interview.cli import app; app()"
PROMPT = "Votre réponse"


def spawn(*args: str) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}
    child = pexpect.spawn(
        sys.executable, ["-c", PROGRAM, *args], env=env, encoding="utf-8", timeout=20
    )
    return child


def answer(child: pexpect.spawn, question: str, reply: str) -> None:
    child.expect_exact(question)
    child.expect_exact(PROMPT)
    child.sendline(reply)


def test_a_person_answers_asks_why_goes_back_changes_an_answer_and_gets_the_decision(tmp_path):
    note = tmp_path / "note.md"
    child = spawn("--date", "2026-11-23", "--note", str(note))
    child.expect_exact("Entretien guidé")
    answer(child, "À qui l'information irait-elle ?", "2")  # a professional of another service
    answer(child, "De quel type de demande s'agit-il ?", "7")  # care collaboration
    answer(child, "De quelle nature est l'information sur la personne ?", "2")  # secret fact
    answer(child, "Quelles informations sur la personne sont en jeu ?", "6")  # income
    answer(child, "Quelle est votre fonction ?", "1")  # social worker
    answer(child, "Dans quelle institution", "1")  # CPAS
    answer(child, "La personne a-t-elle donné son accord", "1")  # given
    child.expect_exact("La personne sait-elle précisément")
    child.expect_exact(PROMPT)
    child.sendline("?")
    child.expect_exact("Pourquoi cette question ?")
    child.expect_exact("Le secret professionnel partagé (")
    child.expect_exact(PROMPT)
    child.sendline("1")  # informed: yes
    child.expect_exact("Question 9")
    child.expect_exact(PROMPT)
    child.sendline("r")  # back to "informed"
    child.expect_exact("Réponse actuelle : oui")
    child.expect_exact(PROMPT)
    child.sendline("r")  # back to consent
    child.expect_exact("La personne a-t-elle donné son accord")
    child.expect_exact("Réponse actuelle : donné")
    child.expect_exact(PROMPT)
    child.sendline("3")  # not asked
    child.expect_exact("Ces réponses ne servent plus et ont été retirées : accord éclairé.")
    child.expect_exact("Secret")
    child.expect_exact("Ne sort jamais")
    child.expect_exact("Dispositions appliquées")
    child.expect_exact("Explication")
    child.expect_exact("7 questions posées.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = note.read_text(encoding="utf-8")
    assert "pas demandé" in text and "accord éclairé" not in text.split("## La réponse")[0]


def test_a_person_who_stops_sees_what_each_unknown_answer_would_change():
    child = spawn("--date", "2026-11-23")
    answer(child, "À qui l'information irait-elle ?", "2")
    answer(child, "De quel type de demande s'agit-il ?", "7")
    answer(child, "De quelle nature est l'information sur la personne ?", "2")
    answer(child, "Quelles informations sur la personne sont en jeu ?", "6, 5")
    answer(child, "Quelle est votre fonction ?", "1")
    answer(child, "Dans quelle institution", "1")
    child.expect_exact("La personne a-t-elle donné son accord")
    child.expect_exact(PROMPT)
    child.sendline("peut-être")
    child.expect_exact("Réponse non comprise. Tapez un numéro entre 0 et 4")
    child.expect_exact(PROMPT)
    child.sendline("q")
    child.expect_exact("Entretien arrêté")
    child.expect_exact("Indéterminé")
    child.expect_exact("Ce que changerait une réponse que vous ne connaissez pas")
    child.expect_exact("Si « accord de la personne » était :")
    child.expect_exact("refusé → Secret")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_going_back_before_the_first_question_says_there_is_none():
    child = spawn("--date", "2026-11-23")
    answer(child, "À qui l'information irait-elle ?", "r")
    child.expect_exact("Il n'y a pas de question précédente.")
    child.expect_exact(PROMPT)
    child.sendeof()
    child.expect_exact("Entretien arrêté")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [("2", "answer", False), ("0", "answer", None), ("r", "back", None), (" Q ", "quit", None)],
)
def test_a_typed_reply_is_understood(typed, kind, value):
    question = Interview().question("request.in_writing")
    reply = parse_reply(question, typed)
    assert (reply.kind, reply.value) == (kind, value)


@pytest.mark.parametrize("typed", ["", "3", "1,2", "oui", "-1"])
def test_a_reply_that_is_not_a_choice_is_not_understood(typed):
    assert parse_reply(Interview().question("request.in_writing"), typed) is None


def test_several_numbers_pick_several_categories():
    question = Interview().question("information.categories")
    assert parse_reply(question, "1, 4;7").value == frozenset(
        {"identity", "address", "aid_granted"}
    )

"""The interview's API: order of questions, "je ne sais pas", changes, stopping, storage."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from interview.replaying import case_named, full_situation, interview_for

from depositaire.engine import SituationError
from depositaire.engine.schema import FACTS
from depositaire.interview import FRAMING, HOLDER, OPENING, UNKNOWN_TOKEN, Interview
from depositaire.messages import has

DAY = dt.date(2026, 11, 23)
SHARING = case_named("Sharing with a debt-mediation")
PROSECUTOR = case_named("Prosecutor's written")


def answered(case) -> Interview:
    return interview_for(case)[0]


def test_the_four_framing_questions_come_first_then_the_holder():
    interview = Interview(date=DAY)
    asked = []
    for _ in OPENING:
        question = interview.next_question()
        asked.append(question.path)
        interview.unknown(question.path)
    assert asked == [*FRAMING, *HOLDER]


def test_the_holder_is_not_asked_when_the_interview_knows_it():
    interview = Interview({"holder": {"role": "social_worker", "institution": "cpas"}}, date=DAY)
    asked = []
    while (question := interview.next_question()) is not None:
        asked.append(question.path)
        interview.unknown(question.path)
    assert asked[:4] == list(FRAMING)
    assert not set(HOLDER) & set(asked)


def test_a_framing_fact_already_known_is_not_asked_again():
    interview = Interview({"recipient": {"kind": "police"}}, date=DAY)
    assert interview.next_question().path == "request.kind"


def test_after_the_opening_questions_the_next_is_the_first_missing_fact():
    interview = Interview(date=DAY)
    for path, value in [
        ("recipient.kind", "external_professional"),
        ("request.kind", "care_collaboration"),
        ("information.nature", "secret_fact"),
        ("information.categories", ["income"]),
        ("holder.role", "social_worker"),
        ("holder.institution", "cpas"),
    ]:
        interview.answer(path, value)
    assert interview.decision.missing[0] == "consent"
    assert interview.next_question().path == "consent"


def test_a_fact_answered_i_do_not_know_is_not_asked_again():
    interview = Interview(date=DAY)
    situation = full_situation(SHARING)
    for path in OPENING:
        interview.answer(path, situation[path])
    interview.unknown("consent")
    following = interview.next_question()
    assert following.path != "consent"
    assert "consent" in interview.decision.missing
    assert interview.unknown_paths == ("consent",)


def test_the_interview_ends_when_only_unknown_facts_are_missing_and_says_what_each_would_change():
    interview = Interview(date=DAY)
    situation = full_situation(SHARING)
    while (question := interview.next_question()) is not None:
        value = None if question.path == "consent" else situation.get(question.path)
        interview.answer(question.path, value)
    assert interview.finished
    assert interview.decision.verdict == "undetermined"
    assert interview.decision.missing == ["consent"]
    (fact,) = interview.open_facts()
    outcomes = {o.value: o.verdict for o in fact.options}
    assert outcomes == {
        "given": "share",
        "refused": "secret",
        "not_asked": "secret",
        "not_possible": "secret",
    }
    given = next(o for o in fact.options if o.value == "given")
    assert given.may_disclose == ("household", "income")
    assert "Partage autorisé" in given.sentence() and "les revenus" in given.sentence()


def test_stopping_gives_the_decision_so_far_and_what_the_unasked_facts_would_change():
    interview = Interview(date=DAY)
    situation = full_situation(SHARING)
    for path in OPENING:
        interview.answer(path, situation[path])
    interview.stop()
    assert interview.finished and interview.next_question() is None
    assert interview.decision.verdict == "undetermined"
    paths = [f.path for f in interview.open_facts()]
    assert paths == interview.decision.missing and "consent" in paths


def test_answering_after_stopping_resumes_the_interview():
    interview = Interview(date=DAY)
    interview.stop()
    interview.answer("recipient.kind", "police")
    assert not interview.finished
    assert interview.next_question().path == "request.kind"


def test_changing_an_answer_drops_the_later_answers_that_became_irrelevant():
    interview = answered(SHARING)
    assert interview.decision.verdict == "share"
    before = [a.path for a in interview.history]
    dropped = interview.change("consent", "refused")
    assert [a.path for a in dropped] == [
        p for p in before[before.index("consent") + 1 :] if p not in OPENING
    ]
    assert {a.path for a in dropped} >= {"consent_informed", "necessary_only", "in_person_interest"}
    assert interview.dropped == tuple(dropped)
    assert interview.decision.verdict == "secret"
    assert interview.finished
    assert [a.path for a in interview.history] == [*OPENING, "consent"]


def test_changing_an_answer_keeps_the_later_answers_still_needed():
    interview = answered(SHARING)
    dropped = interview.change("information.categories", ["income"])
    assert dropped == []
    assert interview.decision.verdict == "share"
    assert interview.decision.may_disclose == ["income"]


def test_changing_the_request_drops_the_questions_of_the_old_request_and_asks_the_new_ones():
    interview = answered(PROSECUTOR)
    assert interview.decision.verdict == "must_disclose"
    dropped = interview.change("request.kind", "informal_request")
    assert {a.path for a in dropped} == {
        "request.terrorism_investigation",
        "request.in_writing",
        "request.reasoned",
        "request.information_specified",
    }
    assert interview.decision.verdict == "secret"
    assert interview.finished


def test_answering_an_answered_question_again_changes_it():
    interview = answered(SHARING)
    dropped = interview.answer("consent", "not_asked")
    assert dropped and interview.decision.verdict == "secret"


def test_a_given_fact_can_be_changed_and_becomes_an_answer():
    interview = Interview({"holder": {"role": "social_worker", "institution": "cpas"}}, date=DAY)
    interview.change("holder.role", "psychologist")
    assert interview.history[0].path == "holder.role"
    assert interview.situation["holder.role"] == "psychologist"


def test_each_question_offers_the_contract_values_in_french_and_i_do_not_know():
    interview = Interview(date=DAY)
    question = interview.question("consent")
    assert [c.value for c in question.choices] == list(FACTS["consent"].values)
    assert [c.label for c in question.choices] == [
        "donné",
        "refusé",
        "pas demandé",
        "impossible à obtenir",
    ]
    assert question.unknown_label == "je ne sais pas"
    assert question.text.endswith("?") and question.help
    boolean = interview.question("request.in_writing")
    assert [(c.value, c.label) for c in boolean.choices] == [(True, "oui"), (False, "non")]
    categories = interview.question("information.categories")
    assert categories.multiple and len(categories.choices) == len(
        FACTS["information.categories"].values
    )


def test_why_names_the_rules_that_need_the_answer_with_their_provisions():
    interview = answered(SHARING)
    interview.change("consent", "given")
    question = interview.question("consent_informed")
    assert [r.rule for r in question.reasons] == ["shared_secrecy"]
    assert question.reasons[0].title == "Le secret professionnel partagé"
    assert any("déontologie" in c for c in question.reasons[0].citations)
    assert question.why[0].startswith("Votre réponse peut changer la décision")
    assert "Le secret professionnel partagé (" in question.why[1]


def test_why_for_a_prosecutor_question_cites_article_46bis_1():
    interview = Interview(date=dt.date(2024, 3, 1))
    situation = full_situation(PROSECUTOR)
    for path in OPENING:
        interview.answer(path, situation[path])
    question = interview.next_question()
    assert question.path.startswith("request.")
    assert any("46bis/1" in c for r in question.reasons for c in r.citations)


def test_every_non_opening_question_of_the_scenarios_has_a_reason():
    for case in (SHARING, PROSECUTOR, case_named("Immigration office guarantor lookup that")):
        situation = full_situation(case)
        interview = Interview(date=situation.date)
        while (question := interview.next_question()) is not None:
            assert question.framing or question.reasons, question.path
            interview.answer(question.path, situation.get(question.path))


def test_a_question_parses_the_tokens_a_web_form_sends():
    interview = Interview(date=DAY)
    assert interview.question("request.in_writing").parse("true") is True
    assert interview.question("consent").parse("given") == "given"
    assert interview.question("consent").parse(UNKNOWN_TOKEN) is None
    categories = interview.question("information.categories")
    assert categories.parse(["identity", "address"]) == frozenset({"identity", "address"})
    with pytest.raises(SituationError, match="Valeur inconnue"):
        interview.question("consent").parse("maybe")
    with pytest.raises(SituationError):
        interview.question("consent").parse(["given", "refused"])


def test_a_bad_answer_is_refused_with_a_french_message_naming_it():
    interview = Interview(date=DAY)
    with pytest.raises(SituationError, match="Clé inconnue : « recipient.colour »"):
        interview.answer("recipient.colour", "red")
    with pytest.raises(SituationError, match="Valeurs acceptées : .*police"):
        interview.answer("recipient.kind", "neighbour")
    with pytest.raises(SituationError, match="true ou false"):
        interview.answer("request.in_writing", "yes")
    with pytest.raises(SituationError):
        interview.answer("date", "2026-01-01")
    assert interview.history == ()


def test_an_interview_survives_a_round_trip_through_json():
    interview = answered(SHARING)
    interview.change("consent", "refused")
    interview.answer("consent", "given")
    stored = json.loads(json.dumps(interview.to_dict()))
    restored = Interview.from_dict(stored)
    assert restored.to_dict() == stored
    assert restored.history == interview.history
    assert restored.dropped == interview.dropped
    assert restored.decision.to_dict() == interview.decision.to_dict()
    assert restored.next_question().path == interview.next_question().path


def test_a_stored_interview_with_a_bad_value_is_refused():
    stored = Interview(date=DAY).to_dict()
    stored["history"] = [{"path": "consent", "value": "perhaps"}]
    with pytest.raises(SituationError, match="consent"):
        Interview.from_dict(stored)
    with pytest.raises(SituationError, match="illisible"):
        Interview.from_dict({"history": []})


def test_every_answerable_fact_has_a_worded_question_and_help():
    for path in FACTS:
        if FACTS[path].type != "date":
            assert has(f"interview.questions.{path}.text"), path
            assert has(f"interview.questions.{path}.help"), path


def test_a_stored_interview_keeps_the_day_the_law_is_read():
    # `as_known_on` is given at the start, never asked: the stored state keeps it and a bad
    # value in a stored state is refused with the situation's own message.
    interview = Interview(
        {
            "date": "2018-06-01",
            "as_known_on": "2018-06-01",
            "holder": {"role": "social_worker", "institution": "cpas"},
        }
    )
    state = json.loads(json.dumps(interview.to_dict()))
    assert state["given"]["as_known_on"] == "2018-06-01"
    again = Interview.from_dict(state)
    assert again.to_dict()["given"] == state["given"]
    with pytest.raises(SituationError, match="as_known_on"):
        Interview.from_dict({**state, "given": {**state["given"], "as_known_on": "pas une date"}})

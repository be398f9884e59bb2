"""The letters: a refusal that says nothing about the person, a transmission of only what may go out."""

from __future__ import annotations

import pytest
from interview.replaying import case_named, full_situation

from depositaire.documents import DocumentError, letter_kind, render_letter
from depositaire.engine import decide
from depositaire.engine.explain import category_label
from depositaire.engine.schema import CATEGORIES

POLICE = full_situation(case_named("Police phone"))
PROSECUTOR = full_situation(case_named("Prosecutor's written"))
GUARANTOR = full_situation(case_named("Immigration office guarantor lookup that"))


def letter(situation, **inputs) -> str:
    return render_letter(decide(situation), situation, "md", **inputs)


def category_words(category: str) -> list[str]:
    """The label of a category and its bare noun ("l'adresse" and "adresse")."""
    label = category_label(category)
    return [label, label.split("'", 1)[-1].split(" ", 1)[-1] if "'" in label else label]


def test_the_reply_to_the_police_names_no_category_of_the_persons_data():
    text = letter(POLICE).lower()
    assert "adresse" not in text
    for category in CATEGORIES:
        for words in category_words(category):
            assert words.lower() not in text, category


def test_the_reply_refuses_courteously_on_its_legal_basis_without_confirming_the_person_is_known():
    text = letter(
        POLICE,
        reference="PV 2026/0815",
        person_name="M. Jean Dupont",
        requester="Zone de police Nord",
    )
    assert "Nous ne pouvons pas y donner suite" in text
    assert "ne confirme ni n'infirme" in text
    assert "Base légale" in text and "458" in text
    assert "Votre référence : PV 2026/0815" in text
    assert "M. Jean Dupont" in text and "Zone de police Nord" in text
    assert "salutations distinguées" in text


def test_the_reply_to_state_security_adds_that_the_intelligence_act_does_not_lift_the_secret():
    situation = full_situation(case_named("State security"))
    assert "30 novembre 1998" in letter(situation)


def test_the_reply_refuses_any_value_about_the_person():
    with pytest.raises(DocumentError, match="l'adresse.*ne peut pas figurer"):
        letter(POLICE, items={"address": "rue Haute 1"})


def test_the_transmission_to_the_prosecutor_lists_only_the_values_it_carries():
    text = letter(PROSECUTOR, items={"address": "rue de la Loi 16, 1000 Bruxelles"})
    permitted = decide(PROSECUTOR).may_disclose
    assert permitted == ["identity", "address", "aid_granted"]
    for category in CATEGORIES:
        present = category_label(category)[:1].upper() + category_label(category)[1:] + " :" in text
        assert present == (category == "address"), category
    assert "L'adresse : rue de la Loi 16, 1000 Bruxelles" in text
    assert "……" not in text  # a category with no value is not announced with a blank


def test_the_transmission_to_the_prosecutor_says_the_measure_stays_secret_and_the_law_obliges():
    text = letter(PROSECUTOR)
    assert "Nous garderons le secret sur la présente réquisition." in text
    assert "qui nous y obligent" in text and "46bis/1" in text
    assert "Le 1er mars 2024" in text


def test_a_category_the_prosecutor_may_not_have_stays_out_of_the_transmission():
    situation = PROSECUTOR.with_facts({"information.categories": ["identity", "health"]})
    decision = decide(situation)
    assert decision.may_disclose == ["identity"] and "health" in decision.never_disclose
    text = render_letter(decision, situation, "md", items={"identity": "Jean DUPONT"})
    assert "L'identité (nom)" in text and "santé" not in text
    with pytest.raises(DocumentError, match="la santé"):
        render_letter(decision, situation, "md", items={"health": "diabète"})


def test_a_letter_refuses_an_unknown_category():
    with pytest.raises(DocumentError, match="Catégorie inconnue"):
        letter(PROSECUTOR, items={"shoe_size": "42"})


def test_the_guarantor_lookup_is_a_request_sent_by_the_cpas_with_only_three_data():
    text = letter(
        GUARANTOR,
        items={"identity": "Samir X", "national_number": "85.07.30-033.27", "nationality": "Maroc"},
    )
    assert "coordonnées du garant" in text
    assert "Le numéro national" in text and "La nationalité" in text
    assert "L'adresse" not in text and "La présente communication est conservée au dossier." in text
    # "permise par" lists only what permits: not the reasons a shared secret is refused.
    assert "Pas de secret partagé" not in text and "SPP Intégration sociale" in text


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        ("Police phone", "reply"),
        ("State security", "reply"),
        ("Prosecutor's written", "transmission"),
        ("Immigration office guarantor lookup that", "transmission"),
        ("Follow-up report", "transmission"),
        ("A client announces", "transmission"),
        ("Social worker testifies under oath", None),
        ("Social worker wonders whether signs of radicalisation", None),
        ("Sharing with a debt-mediation", None),
        ("Case used in a training course", None),
        ("Only the recipient is known", None),
    ],
)
def test_the_letter_fits_the_verdict(start, kind):
    situation = full_situation(case_named(start))
    assert letter_kind(decide(situation), situation) == kind


def test_asking_for_a_letter_the_decision_does_not_call_for_is_an_error_with_the_reason():
    situation = full_situation(case_named("Only the recipient is known"))
    with pytest.raises(DocumentError, match="indéterminée"):
        letter(situation)


def test_an_unknown_format_is_an_error():
    with pytest.raises(DocumentError, match="Format de document inconnu"):
        render_letter(decide(POLICE), POLICE, "docx")


def test_what_the_requester_typed_cannot_inject_markup():
    markdown = letter(POLICE, requester="*Police* <b>", reference="[x](http://e)")
    assert "\\*Police\\* \\<b\\>" in markdown and "\\[x\\](http://e)" in markdown
    from depositaire.documents import build_letter, render_html
    from depositaire.documents.letters import LetterInputs

    html = render_html(
        build_letter(decide(POLICE), POLICE, LetterInputs(requester="<script>x</script>"))
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_signature_is_the_senders_own_name_and_role_when_given():
    from depositaire.documents import LetterInputs, build_letter, render

    situation = PROSECUTOR.with_facts({"holder.role": "psychologist"})
    decision = decide(situation)
    signed = LetterInputs(signatory=("Marie Lambert", "assistant(e) social(e) en chef"))
    for inputs, expected, absent in [
        # From the case file: the signed-in sender, not the situation's holder.role.
        (
            signed,
            ["Marie Lambert", "Assistant(e) social(e) en chef"],
            ["Psychologue", "(nom et signature)"],
        ),
        # CLI and interview: no sender known, a placeholder and the situation's role.
        (LetterInputs(), ["(nom et signature)", "Psychologue"], ["Marie Lambert"]),
    ]:
        document = build_letter(decision, situation, inputs)
        text = str(render(document, "md"))
        foot = text.rsplit("salutations distinguées", 1)[1]
        for word in expected:
            assert word in foot, (word, foot)
        for word in absent:
            assert word not in foot, (word, foot)


def test_a_value_of_two_categories_names_them_in_one_phrase_capitalised_once():
    """QA s11: the person's letter read « L'aide accordée, La période d'aide : … » (every
    label capitalised, the second one mid-phrase)."""
    situation = PROSECUTOR.with_facts({"information.categories": ["identity", "address"]})
    decision = decide(situation)
    assert decision.may_disclose == ["identity", "address"]
    from depositaire.documents import build_letter, render
    from depositaire.documents.letters import LetterInputs

    inputs = LetterInputs(entries=((("identity", "address"), "Jean DUPONT, rue Haute 1"),))
    text = render(build_letter(decision, situation, inputs), "md")
    assert "L'identité (nom), l'adresse : Jean DUPONT, rue Haute 1" in text
    assert ", L'adresse" not in text


def test_the_call_script_names_the_categories_in_lower_case_mid_sentence():
    from depositaire.documents.letters import call_script

    situation = PROSECUTOR.with_facts({"information.categories": ["identity", "address"]})
    script = call_script(decide(situation))
    assert "seulement sur : l'identité (nom), l'adresse." in script

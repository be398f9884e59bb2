"""Every rule title rendered in every template that makes it a subject, checked against
French agreement and elision mistakes (issue 9: explanations that said the opposite)."""

from __future__ import annotations

import re

import pytest

from depositaire.engine.explain import (
    RULE_TEMPLATES,
    agree,
    elide,
    exception_template,
    rule_grammar,
    rule_title,
)
from depositaire.law import default_rule_base

RULES = default_rule_base().rules
PARAMS = {
    "date": "1er juin 2018",
    "decided": "14 mars 2019",
    "by": "la Cour constitutionnelle (arrêt n° 44/2019)",
    "known": "1er décembre 2026",
    "citation": "art. 458 du Code pénal",
    "condition": "une condition soit remplie",
    "facts": "danger imminent",
    "reason": "une raison",
}
SINGULAR_VERBS = r"(est|n'est|a été|s'applique|ne s'applique|pourrait|permet|oblige|ne lève)"
PLURAL_VERBS = (
    r"(sont|ne sont|ont été|s'appliquent|ne s'appliquent|pourraient|permettent|obligent|ne lèvent)"
)
MISTAKES = [
    re.compile(r"\bque [aeiouyéèêàâîôû]", re.IGNORECASE),
    re.compile(r"\bde [aeiouyéèêàâîôû]", re.IGNORECASE),
    re.compile(r"\bde le\b|\bde les\b|\bà le\b|\bà les\b", re.IGNORECASE),
    re.compile(r"\(e\)|\(s\)|\(es\)"),
]


def subject_verb(sentence: str, title: str) -> str:
    rest = sentence[len(title) :]
    rest = re.sub(r"^ \([^)]*\)", "", rest)  # "(citation)" between subject and verb
    return rest.strip()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
@pytest.mark.parametrize("template", RULE_TEMPLATES)
def test_every_rule_renders_in_every_template_without_an_agreement_or_elision_mistake(
    rule, template
):
    sentence = agree(template, rule, **PARAMS)
    for mistake in MISTAKES:
        assert not mistake.search(sentence), (mistake.pattern, sentence)
    gender, number = rule_grammar(rule)
    after = subject_verb(sentence, rule_title(rule))
    if number == "p":
        assert not re.match(SINGULAR_VERBS + r"\b", after), sentence
    else:
        assert not re.match(PLURAL_VERBS + r"\b", after), sentence
    participle = re.match(r"(?:est|sont|a été|ont été) (écarté|annulé)(e?)(s?)\b", after)
    if participle:
        assert (participle.group(2) == "e") == (gender == "f"), sentence
        assert (participle.group(3) == "s") == (number == "p"), sentence


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_title_declares_its_gender_and_number(rule):
    from depositaire.messages import has

    assert has(f"rules.{rule.id}.gender") and has(f"rules.{rule.id}.number"), rule.id
    assert rule_grammar(rule)[0] in ("m", "f") and rule_grammar(rule)[1] in ("s", "p")


def test_an_exception_that_keeps_the_secret_is_never_said_to_lift_it():
    rule = default_rule_base().by_id["intelligence_request"]
    sentence = agree(exception_template(rule), rule, **PARAMS)
    assert "ne lèvent pas le secret" in sentence
    assert "à la place du secret" not in sentence and "permet" not in sentence


def test_an_obligation_and_a_right_are_worded_differently():
    base = default_rule_base().by_id
    obliges = agree(
        exception_template(base["disease_notification"]), base["disease_notification"], **PARAMS
    )
    opens = agree(exception_template(base["necessity"]), base["necessity"], **PARAMS)
    assert "oblige ici à communiquer" in obliges and "permet ici de lever" in opens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("il faudrait que une condition soit remplie", "il faudrait qu'une condition soit remplie"),
        ("la liste de le Code", "la liste du Code"),
        ("renvoyé à les services", "renvoyé aux services"),
        ("que il parle", "qu'il parle"),
    ],
)
def test_elision_and_contraction_are_applied(text, expected):
    assert elide(text) == expected


@pytest.mark.parametrize(
    "rule",
    [r for r in RULES if r.verdict in ("share", "may_disclose", "must_disclose")],
    ids=lambda r: r.id,
)
def test_every_rule_that_lets_information_out_says_whether_confidences_may(rule):
    from depositaire.messages import t

    assert rule.allows_confidences in (True, False)
    sentence = t(f"rules.{rule.id}.confidences")
    assert sentence.startswith("Confidences")

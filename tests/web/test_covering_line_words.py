"""The covering line's guard: common French words are no identifiers (QA: « elle »)."""

from __future__ import annotations

from depositaire.web.incoming.sources import leaked_categories

#: A withheld secret fact that starts a sentence with « Elle » (capitalised, 4 letters).
FACT = "Elle est suivie pour une dépendance depuis mars, chez le docteur Vandenberghe."
WITHHELD = [("confidence", FACT), ("identity", "Marie Dubois")]


def test_a_covering_line_with_elle_is_not_refused() -> None:
    note = "Elle a bien reçu votre courrier ; nous restons à votre disposition."
    assert leaked_categories([note], WITHHELD, []) == []


def test_elle_est_as_a_pair_is_not_an_identifier() -> None:
    assert leaked_categories(["Elle est d'accord avec la démarche."], WITHHELD, []) == []


def test_the_real_identifiers_still_are_refused() -> None:
    assert leaked_categories(["Vu le docteur Vandenberghe."], WITHHELD, []) == ["confidence"]
    assert leaked_categories(["Elle s'appelle Dubois."], WITHHELD, []) == ["identity"]
    assert leaked_categories(["une dépendance depuis mars"], WITHHELD, []) == ["confidence"]


def test_the_two_word_lists_do_not_overlap() -> None:
    """COMMON_WORDS (capitalised words too common to betray) and FUNCTION_WORDS (also
    harmless in pairs) are disjoint: a word in both would say nothing more."""
    from depositaire.web.incoming.sources import COMMON_WORDS, FUNCTION_WORDS

    assert COMMON_WORDS.isdisjoint(FUNCTION_WORDS), COMMON_WORDS & FUNCTION_WORDS


def test_an_amount_is_refused_however_its_digits_are_grouped() -> None:
    """QA 2026-12-02: « 1 050 € » in the file, « 1050 euros » in the line went through
    (only « 050 » was a marker); « 1.050 EUR » and « 1 050 € » were refused."""
    withheld = [("income", "Allocations de chômage : 1 050 € par mois.")]
    for note in ("Elle touche 1050 euros de chômage.", "1.050 EUR", "1'050", "1 050 €"):
        assert leaked_categories([note], withheld, []) == ["income"], note
    assert leaked_categories(["Merci pour votre courrier du 3 mars."], withheld, []) == []

"""Countries by their ISO 3166-1 alpha-2 code, named in the interface's language.

A person's nationality is stored as its two-letter code (``BE``, ``MA``); people read
the country's French name. Names come from pycountry's ISO 3166 data and its
translations (the common name where ISO's official one reads awkwardly: "Syrie", not
"Syrienne, République arabe").
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from depositaire.messages import current_language


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str) -> str:
    """The country's name ("Maroc"), in the active language; the code itself when it is
    not an ISO country."""
    return _country_name(code, current_language())


@cache
def _country_name(code: str, language: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _translation(language).gettext(name)


def nationality_label(code: str) -> str:
    """The name and the code, as a letter or a page shows them: "Maroc (MA)"."""
    name = country_name(code)
    return name if name == code else f"{name} ({code.upper()})"

"""Country names in the document's language: Babel's territory names, the code kept beside them.

English names come from ropa's reference data (:func:`ropa.render.text.country_label`), so English
output is unchanged; in another language the name is the one the Unicode CLDR gives that language
(``babel.Locale(lang).territories``), and a code CLDR does not know keeps the English label.
"""

from __future__ import annotations

from functools import cache

from ropa.i18n import SOURCE_LANGUAGE, current
from ropa.render.text import country_label as english_label


def country_label(code: str | None) -> str | None:
    """``"Vereinigte Staaten (US)"`` for ``"US"`` in German; None stays None so it renders as "Not recorded"."""
    if not code:
        return None
    lang = current()
    if lang == SOURCE_LANGUAGE:
        return english_label(code)
    name = _territories(lang).get(code.upper())
    return f"{name} ({code})" if name else english_label(code)


@cache
def _territories(lang: str) -> dict[str, str]:
    """Babel's territory names of ``lang`` by ISO 3166-1 alpha-2 code (read once per language)."""
    from babel import Locale

    return {str(k): str(v) for k, v in Locale.parse(lang).territories.items()}

"""Wording every document shares: country names, EEA status and ISO 8601 durations in words.

The PDF register, the annexes and the XLSX tables all print these; they live here, apart
from the PDF view-models, so the spreadsheet does not depend on the PDF's views.
"""

from __future__ import annotations

from ropa.i18n import gettext, ngettext
from ropa.model.common import DURATION_PATTERN

NOT_STATED = "Not recorded"
"""The marker printed for every fact the register leaves out (a gap: the record should hold it)."""
NONE_RECORDED = "None"
"""The record says explicitly that there is none (no recipients, no joint controllers)."""
NOT_APPLICABLE = "Not applicable"
"""The fact does not apply to this entry (SCC modules of an adequacy decision, a contract with a public body)."""
GAP_VOCABULARY = (
    (NOT_STATED, "the record must hold this fact and does not: a gap to fill"),
    (NONE_RECORDED, "the record states that there is none"),
    (NOT_APPLICABLE, "the fact does not apply here"),
)
"""The three words every document uses for an empty value, with what each means (defined on the cover)."""
UNKNOWN_LOCATION = "location not recorded: a transfer cannot be excluded"
"""What a document says where a country the data may go to is not recorded (never "outside the EEA")."""

_UNITS = (
    ("{count} year", "{count} years"),
    ("{count} month", "{count} months"),
    ("{count} week", "{count} weeks"),
    ("{count} day", "{count} days"),
    ("{count} hour", "{count} hours"),
    ("{count} minute", "{count} minutes"),
    ("{count} second", "{count} seconds"),
)
"""The units of a duration, (one, other) msgids, in the order of the ISO 8601 pattern."""


def country_label(code: str | None) -> str | None:
    """``"United States (US)"`` for ``"US"``; None stays None so it renders as "Not recorded"."""
    if not code:
        return None
    from ropa.refdata import country_name

    name = country_name(code)
    return f"{name} ({code})" if name else code


def duration_label(value: str) -> str:
    """An ISO 8601 duration in words of the document language: ``P1Y6M`` -> ``1 year 6 months``."""
    match = DURATION_PATTERN.match(value)
    if match is None:
        return value
    parts = []
    for (one, other), amount in zip(_UNITS, match.groups(), strict=True):
        if amount:
            number = int(amount)
            parts.append(gettext(one if number == 1 else other).format(count=number))
    return " ".join(parts) or value


def period_text(value: str | None) -> str | None:
    """An ISO 8601 duration in words with the code kept: ``6 months (P6M)``; None stays None."""
    return f"{duration_label(value)} ({value})" if value else None


SEVERITY_COUNTS = {
    "error": ("{count} error", "{count} errors"),
    "warning": ("{count} warning", "{count} warnings"),
    "info": ("{count} info", "{count} info"),
}
"""How a number of findings of one severity is written: (singular, plural) msgids of one plural message."""


def severity_count(count: int, severity: str) -> str:
    """``1 error``, ``2 warnings``, ``3 info`` in the document language and its plural forms."""
    singular, plural = SEVERITY_COUNTS[severity]
    return ngettext(singular, plural, count).format(count=count)

"""Wording every document shares: country names, EEA status and ISO 8601 durations in words.

The PDF register, the annexes and the XLSX tables all print these; they live here, apart
from the PDF view-models, so the spreadsheet does not depend on the PDF's views.
"""

from __future__ import annotations

from ropa.model.common import DURATION_PATTERN

NOT_STATED = "Not stated"
"""The marker printed for every fact the register leaves out."""

_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")


def country_label(code: str | None) -> str | None:
    """``"United States (US)"`` for ``"US"``; None stays None so it renders as "Not stated"."""
    if not code:
        return None
    from ropa.refdata import country_name

    name = country_name(code)
    return f"{name} ({code})" if name else code


def duration_label(value: str) -> str:
    """An ISO 8601 duration in words: ``P1Y6M`` -> ``1 year 6 months``."""
    match = DURATION_PATTERN.match(value)
    if match is None:
        return value
    parts = []
    for unit, amount in zip(_UNITS, match.groups(), strict=True):
        if amount:
            number = int(amount)
            parts.append(f"{number} {unit}{'' if number == 1 else 's'}")
    return " ".join(parts) or value


def period_text(value: str | None) -> str | None:
    """An ISO 8601 duration in words with the code kept: ``6 months (P6M)``; None stays None."""
    return f"{duration_label(value)} ({value})" if value else None

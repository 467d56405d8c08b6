"""How the workbook shows a column: the ICO template's heading, a typed date, a label for a raw value.

The sheet modules say what a column holds; this module only says how the workbook presents it, so
that a reader who knows the ICO controller template (docs/xlsx-columns.md) finds its column names,
dates sort and filter as dates, and no internal code (``custom``) reaches a cell.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from ropa.render.tables.table import Column, Value

T = TypeVar("T")

ICO_HEADINGS: Mapping[str, Mapping[str, str]] = {
    "Activities": {
        "Purposes of processing (Art. 30(1)(b))": "Purpose of processing",
        "Lawful basis per purpose (Art. 6)": "Article 6 lawful basis for processing personal data",
        "Categories of data subjects (Art. 30(1)(c))": "Categories of individuals",
        "Categories of personal data (Art. 30(1)(c))": "Categories of personal data",
        "Special categories and Art. 9 condition": "Article 9 condition for processing special category data",
        "Source of the data": "The source of the personal data (if applicable)",
        "Recipients (Art. 30(1)(d))": "Categories of recipients",
        "Contract with processor (Art. 28(3))": "Link to contract with processor",
        "Retention per data category (Art. 30(1)(f))": "Retention schedule (if possible)",
        "Security measures (Art. 30(1)(g), Art. 32)": (
            "General description of technical and organisational security measures (if possible)"
        ),
        "DPIA required (Art. 35)": "Data Protection Impact Assessment required?",
        "DPIA": "Link to Data Protection Impact Assessment",
    },
}
"""Sheet -> our heading -> the ICO controller template's heading, where both mean the same
(gdpr-reference.md §7.1). The ICO processor template's columns are unverified, so the Art. 30(2)
sheet keeps its own headings."""

WIDTHS: Mapping[str, Mapping[str, int]] = {
    "Activities": {
        "Security measures (Art. 30(1)(g), Art. 32)": 64,
        "Sources": 56,
        "Recipients (Art. 30(1)(d))": 44,
        "Retention per data category (Art. 30(1)(f))": 52,
    },
    "Providers": {"Security measures (Art. 32)": 60},
}
"""Sheet -> heading -> width in characters, for columns whose long lists would otherwise wrap into
rows taller than a printed page (a row cannot continue on the next page)."""

DATES: Mapping[str, frozenset[str]] = {
    "Activities": frozenset({"Last reviewed"}),
    "Art. 30(2) processor": frozenset({"Last reviewed"}),
    "Providers": frozenset({"Signed"}),
    "Sub-processors": frozenset({"Authorised on"}),
    "Transfers": frozenset({"Art. 49(1) 2nd subpara.: SA informed"}),
    "Findings": frozenset({"Waiver expires"}),
}
"""Sheet -> headings whose ISO dates become date cells ("Not stated" and other words stay text)."""

ABOUT_DATES = frozenset({"Record date", "Document date", "Validated as of"})
"""Items of the About sheet whose value is a date."""

BASED_ON_LABELS: Mapping[str, str] = {
    "custom": "The provider's own terms",
    "scc_2021_915": "Standard contractual clauses of Decision (EU) 2021/915 (Art. 28(7))",
    "scc_2021_914": "Standard contractual clauses of Decision (EU) 2021/914 (Art. 46(2)(c))",
}
"""The words the annexes use for a contract's ``based_on`` code (render/annexes.py)."""

LABELS: Mapping[str, Mapping[str, Mapping[str, str]]] = {"Providers": {"Based on": BASED_ON_LABELS}}
"""Sheet -> heading -> raw value -> the words shown instead."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_date(value: Value) -> Value:
    """An ISO date string as a date; anything else (``Not stated``, a number) unchanged."""
    if isinstance(value, str) and len(value) == 10 and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def about_value(item: tuple[str, Value]) -> Value:
    """The value of one About item, typed as a date where the item is one."""
    label, value = item
    return as_date(value) if label in ABOUT_DATES else value


def present(sheet: str, columns: Sequence[Column[T]]) -> list[Column[T]]:
    """``columns`` as the workbook shows them on ``sheet``: ICO headings, widths, dates and labels."""
    headings = ICO_HEADINGS.get(sheet, {})
    widths = WIDTHS.get(sheet, {})
    dates = DATES.get(sheet, frozenset())
    labels = LABELS.get(sheet, {})
    out: list[Column[T]] = []
    for column in columns:
        value = column.value
        if column.header in dates:
            value = _then(value, as_date)
        if column.header in labels:
            value = _then(value, _labelled(labels[column.header]))
        out.append(
            dataclasses.replace(
                column,
                header=headings.get(column.header, column.header),
                width=widths.get(column.header, column.width),
                value=value,
            )
        )
    return out


def _then(get: Callable[[T], Value], then: Callable[[Value], Value]) -> Callable[[T], Value]:
    return lambda item: then(get(item))


def _labelled(words: Mapping[str, str]) -> Callable[[Value], Value]:
    return lambda v: words.get(v, v) if isinstance(v, str) else v

"""Cell values: Yes/No in several spellings, dates as text, bases, retention periods, countries."""

from __future__ import annotations

import datetime as dt

import pytest

from ropa.importing.values import basis, countries, date, retention, yes_no


@pytest.mark.parametrize("value", ["Yes", "YES", "y", "x", "X", "TRUE", True, 1, "Oui", "ja", "yes - see DPIA"])
def test_yes(value: object) -> None:
    assert yes_no(value) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["No", "n", "FALSE", False, 0, "Non", "nein", "no, not needed"])
def test_no(value: object) -> None:
    assert yes_no(value) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["maybe", "", None, "TBC"])
def test_neither(value: object) -> None:
    assert yes_no(value) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", ["2026-03-01", "01/03/2026", "1.3.2026", "1 March 2026", "1st Mar 2026", "1er mars 2026", 46082]
)
def test_dates_as_text(value: object) -> None:
    assert date(value) == dt.date(2026, 3, 1)  # type: ignore[arg-type]


def test_bases() -> None:
    assert basis("Consent") == "6.1.a"
    assert basis("Art. 6(1)(b) - contract") == "6.1.b"
    assert basis("intérêt légitime") == "6.1.f"
    assert basis("contract and consent") is None


def test_retention_reads_one_period_only() -> None:
    assert retention("3 years from the end of the contract") == {
        "statement": "3 years from the end of the contract",
        "trigger_event": "the end of the contract",
        "kind": "duration",
        "duration": "P3Y",
    }
    assert retention("6 months for logs, 2 years for invoices") == {
        "statement": "6 months for logs, 2 years for invoices"
    }
    assert retention("as long as necessary") == {"statement": "as long as necessary"}


def test_countries() -> None:
    assert countries("USA; India\nUnited Kingdom (GB), Narnia") == (["US", "IN", "GB"], ["Narnia"])

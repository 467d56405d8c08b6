"""What the corrected reference data changes in the findings of a checked register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ropa.check.engine import check
from ropa.check.findings import Finding
from ropa.load.loader import load_register

AS_OF = dt.date(2026, 11, 23)
Make = Callable[..., Path]


def provider(**fields: Any) -> dict[str, Any]:
    """A processor provider in Germany, with ``fields`` over it."""
    base = {"id": "acme", "legal_name": "Acme Ltd", "country": "DE", "role": "processor", "service": "SMS delivery"}
    return {**base, **fields}


def findings(make_register: Make, rules: set[str], **fields: Any) -> list[Finding]:
    """The findings of ``rules`` on a register with the one provider ``fields`` describe."""
    register = load_register(make_register({"acme": provider(**fields)}), display_root="")
    return [f for f in check(register, AS_OF, rules).findings if f.rule in rules]


def transfer(country: str, mechanism: dict[str, Any] | None = None) -> dict[str, Any]:
    """An activity of the provider with one transfer to ``country``."""
    item: dict[str, Any] = {"country": country, "recipient": "acme"}
    if mechanism is not None:
        item["mechanism"] = mechanism
    return {"activities": [{"id": "sms", "name": "SMS", "transfers": [item]}]}


def test_safe_harbor_is_reported_as_invalid(make_register: Make) -> None:
    found = findings(make_register, {"A44-invalid-mechanism"}, country="US", mechanisms=[{"type": "safe_harbor"}])
    assert len(found) == 1
    message = found[0].message
    assert "'safe_harbor'" in message and "2000/520/EC" in message and "invalid since 2015-10-06" in message
    assert "C-362/14" in message and "Use EU-US Data Privacy Framework" in message


def test_uk_adequacy_raises_no_scope_warning_and_prints_no_placeholder(make_register: Make) -> None:
    rules = {"A45-adequacy-scope", "A45-adequacy-unknown"}
    assert findings(make_register, rules, country="GB", mechanisms=[{"type": "adequacy"}]) == []
    assert findings(make_register, rules, **transfer("GB", {"type": "adequacy"})) == []


def test_gibraltar_has_no_adequacy_of_its_own(make_register: Make) -> None:
    found = findings(make_register, {"A45-adequacy-unknown"}, country="GI", mechanisms=[{"type": "adequacy"}])
    assert [f.message for f in found] == [
        "provider acme (GI) relies on adequacy, but GI has no EU adequacy decision; use SCCs 2021/914 "
        "(or another Art. 46 safeguard) or an Art. 49 derogation"
    ]


def test_israel_adequacy_asks_why_the_recipient_is_in_scope(make_register: Make) -> None:
    found = findings(make_register, {"A45-adequacy-scope"}, **transfer("IL", {"type": "adequacy"}))
    assert len(found) == 1
    assert "(Commission Decision 2011/61/EU): The decision is framed around automated processing" in found[0].message
    assert found[0].message.endswith("after the transfer. Say why acme (Acme Ltd) is within its scope in scope_note")


@pytest.mark.parametrize("code", ["GF", "GP", "MQ", "RE", "YT", "MF", "AX"])
def test_a_transfer_to_eu_territory_needs_no_mechanism(make_register: Make, code: str) -> None:
    assert findings(make_register, {"A44-mechanism"}, **transfer(code)) == []


@pytest.mark.parametrize("code", ["NC", "GI"])
def test_a_transfer_to_a_territory_outside_the_eu_needs_one(make_register: Make, code: str) -> None:
    found = findings(make_register, {"A44-mechanism"}, **transfer(code))
    assert [f.path for f in found] == [("activities", 0, "transfers", 0)]

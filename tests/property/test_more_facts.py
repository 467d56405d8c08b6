"""Stating more true facts never raises more errors than stating fewer (hypothesis).

For a generated transfer (destination, the importer's role, a direct transfer or a processor's onward
transfer to its sub-processor, how often), adding a valid mechanism, the module the roles call for, or a
current transfer impact assessment never increases the register's error count under the whole
catalogue. The review's perverse case, a valid Module 3 onward transfer raising four errors where no
mechanism raised two, is one of the generated shapes.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ropa.check.engine import check
from ropa.load.loader import load_register
from ropa.model.common import Severity

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 23)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TIA = {"ref": "TIA-2026-01", "date": "2026-06-01", "outcome": "proceed"}


def _bases() -> Any:
    spec = importlib.util.spec_from_file_location("rule_bases", ROOT / "tests" / "rules" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASES = _bases()


def errors(provider: dict[str, Any]) -> int:
    """Errors of the whole catalogue on a register holding ``provider``."""
    with tempfile.TemporaryDirectory() as tmp:
        root = BASES.write_register(Path(tmp), None, [provider])
        report = check(load_register(root, display_root=""), AS_OF)
    return sum(1 for f in report.findings if f.severity is Severity.ERROR)


@st.composite
def shapes(draw: st.DrawFn) -> tuple[dict[str, Any], list[str], int]:
    """A provider with one transfer, the steps that add true facts, and the module the roles call for."""
    country = draw(st.sampled_from(["US", "IN", "SG", "BR", "CN"]))
    onward = draw(st.booleans())
    frequency = draw(st.sampled_from([None, "occasional", "continuous"]))
    transfer: dict[str, Any] = {"country": country, "recipient": "acme/sub" if onward else "acme"}
    if frequency:
        transfer["frequency"] = frequency
    activity = {
        "id": "otp",
        "name": "One-time passcodes",
        "purposes": [{"description": "Deliver one-time login passcodes by SMS", "lawful_basis": "6.1.b"}],
        "data_subjects": [{"name": "Customers logging in"}],
        "data_categories": [
            {"id": "phone", "name": "Mobile phone number", "retention": {"duration": "P30D", "trigger_event": "sent"}}
        ],
        "recipients": [{"provider": "acme/sub" if onward else "acme", "role": "processor"}],
        "transfers": [transfer],
    }
    provider: dict[str, Any] = {"activities": [activity], "toms": [{"kind": "encryption", "measure": "TLS 1.3"}]}
    if onward:
        provider["country"] = "DE"
        provider["role"] = "processor"
        provider["sub_processors"] = [{"id": "sub", "name": "Sub Inc.", "country": country}]
        module = 3
    else:
        provider["country"] = country
        provider["role"] = draw(st.sampled_from(["processor", "independent_controller"]))
        module = 2 if provider["role"] == "processor" else 1
    start = draw(st.sampled_from(["none", "scc", "module"]))
    steps = {"none": ["mechanism", "tia"], "scc": ["module", "tia"], "module": ["tia"]}[start]
    if start == "scc":
        transfer["mechanism"] = {"type": "scc_2021_914"}
    elif start == "module":
        transfer["mechanism"] = {"type": "scc_2021_914", "modules": [module]}
    return provider, steps, module


def add(provider: dict[str, Any], step: str, module: int) -> dict[str, Any]:
    """``provider`` with one more true fact about its transfer (and the sub-processor's own record)."""
    more = copy.deepcopy(provider)
    transfer = more["activities"][0]["transfers"][0]
    if step == "mechanism":
        transfer["mechanism"] = {"type": "scc_2021_914", "modules": [module]}
    elif step == "module":
        transfer["mechanism"]["modules"] = [module]
    else:
        transfer["mechanism"]["tia"] = TIA
    return more


@FAST
@given(shapes())
def test_adding_a_valid_mechanism_module_or_tia_never_adds_errors(shape: tuple[dict[str, Any], list[str], int]) -> None:
    provider, steps, module = shape
    before = errors(provider)
    for step in steps:
        provider = add(provider, step, module)
        after = errors(provider)
        assert after <= before, f"adding the {step} raised errors from {before} to {after}: {provider}"
        before = after


def test_a_valid_module_3_onward_transfer_raises_no_clause_errors() -> None:
    """The review's case: the organisation is not a party to its processor's Module 3 clauses."""
    transfer = {"country": "US", "recipient": "acme/sub", "mechanism": {"type": "scc_2021_914", "modules": [3]}}
    provider = {
        "role": "processor",
        "sub_processors": [{"id": "sub", "name": "Sub Inc.", "country": "US"}],
        "activities": [{"id": "otp", "name": "OTP", "transfers": [transfer]}],
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = BASES.write_register(Path(tmp), None, [provider])
        report = check(load_register(root, display_root=""), AS_OF)
    clauses = [f for f in report.findings if f.rule.startswith("SCC914-")]
    assert clauses, "the clause rules still say what the record lacks"
    assert {f.severity for f in clauses} <= {Severity.INFO, Severity.WARNING}, [(f.rule, f.severity) for f in clauses]
    assert not [f for f in report.findings if f.rule == "A44-mechanism"]

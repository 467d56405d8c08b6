"""Fixtures for the rule catalogue tests: small registers built from case data.

A case or a rule example gives only what matters to its rule; the rest comes
from :data:`BASE_ORGANISATION` and :data:`BASE_PROVIDER` (top-level keys of the
case replace those of the base).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ropa.check.engine import check
from ropa.check.findings import Report
from ropa.load.loader import load_register

AS_OF = dt.date(2026, 11, 23)
"""The date cases are judged on unless they say otherwise (fixed, so results never drift)."""

BASE_ORGANISATION: dict[str, Any] = {
    "legal_name": "Example GmbH",
    "country": "DE",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    "contact": {"email": "privacy@example.com"},
    "dpo": {"designated": True, "name": "Data Protection Officer", "email": "dpo@example.com"},
    "record": {"version": "1", "date": "2026-11-01"},
}

BASE_PROVIDER: dict[str, Any] = {
    "id": "acme",
    "legal_name": "Acme Messaging Ltd",
    "country": "DE",
    "role": "processor",
    "service": "SMS delivery",
}

Build = Callable[..., Report]


def write_register(
    root: Path,
    organisation: dict[str, Any] | None,
    providers: list[dict[str, Any]] | None,
    activity_files: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """Write organisation.yaml, providers/<id>.yaml (merged over the bases) and activities/<name>.yaml."""
    (root / "providers").mkdir(parents=True, exist_ok=True)
    for name, activities in (activity_files or {}).items():
        (root / "activities").mkdir(exist_ok=True)
        text = yaml.safe_dump({"activities": activities}, allow_unicode=True, sort_keys=False)
        (root / "activities" / f"{name}.yaml").write_text(text, "utf-8")
    org = {**BASE_ORGANISATION, **(organisation or {})}
    (root / "organisation.yaml").write_text(yaml.safe_dump(org, allow_unicode=True, sort_keys=False), "utf-8")
    for data in providers or []:
        provider = {**BASE_PROVIDER, **data}
        text = yaml.safe_dump(provider, allow_unicode=True, sort_keys=False)
        (root / "providers" / f"{provider['id']}.yaml").write_text(text, "utf-8")
    return root


@pytest.fixture
def run_rules(tmp_path: Path) -> Build:
    """Build a register from case data and check it with only the ``select``-ed rules."""
    counter = iter(range(1_000_000))

    def run(
        select: set[str],
        organisation: dict[str, Any] | None = None,
        providers: list[dict[str, Any]] | None = None,
        as_of: dt.date = AS_OF,
        activity_files: dict[str, list[dict[str, Any]]] | None = None,
    ) -> Report:
        root = write_register(tmp_path / f"register{next(counter)}", organisation, providers, activity_files)
        register = load_register(root, display_root="")
        return check(register, as_of, select)

    return run

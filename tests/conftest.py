"""Shared fixtures: the bundled example and a factory for small registers written to disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sms-providers"

MINIMAL_ORGANISATION: dict[str, Any] = {
    "legal_name": "Example GmbH",
    "country": "DE",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    "contact": {"email": "privacy@example.com"},
    "dpo": {"designated": True, "name": "DPO", "email": "dpo@example.com"},
    "record": {"version": "1", "date": "2026-11-01"},
}


@pytest.fixture
def example_dir() -> Path:
    """The bundled example register (read-only: copy it before changing anything)."""
    return EXAMPLE


@pytest.fixture
def make_register(tmp_path: Path) -> Callable[..., Path]:
    """Write ``organisation`` and ``providers`` (id -> mapping) as a register folder; return it."""

    def make(providers: dict[str, dict[str, Any]] | None = None, organisation: dict[str, Any] | None = None) -> Path:
        root = tmp_path / "register"
        (root / "providers").mkdir(parents=True, exist_ok=True)
        org = organisation if organisation is not None else MINIMAL_ORGANISATION
        (root / "organisation.yaml").write_text(yaml.safe_dump(org, allow_unicode=True, sort_keys=False), "utf-8")
        for pid, data in (providers or {}).items():
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            (root / "providers" / f"{pid}.yaml").write_text(text, "utf-8")
        return root

    return make


@pytest.fixture(scope="session", autouse=True)
def cache_secret() -> Iterator[None]:
    """A fixed build-cache secret (ropa/produce/cache.py), so tests never make one in the user's home folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROPA_CACHE_SECRET", "tests-" + "0123456789abcdef" * 4)
        yield


@pytest.fixture(autouse=True)
def no_job_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that run ``--format github`` inside GitHub Actions must not append to the real job summary."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)

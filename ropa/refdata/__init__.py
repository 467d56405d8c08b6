"""Reference data shipped as data files, each with its source and ``last_verified`` date.

Files are read on first use and cached; they are trusted package data, so the
fast safe loader is used without the position-keeping walk of user input.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed content of ``refdata/<name>.yaml``."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=_Loader)
    return data


def country_name(code: str) -> str | None:
    """Short English name of an ISO 3166-1 alpha-2 code, or None when unknown."""
    name: str | None = load("countries")["countries"].get(code.upper())
    return name


@cache
def eea() -> frozenset[str]:
    """ISO codes of the EEA countries."""
    data = load("eea")
    return frozenset(data["eu"]) | frozenset(data["efta_eea"])


@cache
def adequacy() -> dict[str, dict[str, Any]]:
    """Adequacy decisions by id (ISO code, or ``IO:...`` for international organisations)."""
    return {entry["id"]: entry for entry in load("adequacy")["entries"]}


def invalid_mechanisms() -> dict[str, dict[str, Any]]:
    """Mechanisms no longer valid, by mechanism type value."""
    result: dict[str, dict[str, Any]] = load("invalid_mechanisms")["mechanisms"]
    return result


def versions() -> dict[str, str]:
    """``last_verified`` date of every reference data file, for manifests and reports."""
    out: dict[str, str] = {}
    for name in ("adequacy", "countries", "eea", "invalid_mechanisms"):
        value = load(name)["last_verified"]
        out[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return out

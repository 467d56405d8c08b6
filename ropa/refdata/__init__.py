"""Reference data shipped as data files, each with its title, source and ``last_verified`` date.

Files are read on first use, checked against their shape in :mod:`ropa.refdata.schema` and cached.
They are read with the register's own one-pass reader (:func:`ropa.read.source.read_text`): the same
data as ``yaml.load`` with the C loader, in about two thirds of the instructions (PyYAML builds the
values in Python). Callers get plain mappings with every optional key present (``None`` when not given).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from ropa.errors import InputError
from ropa.read.source import read_text
from ropa.refdata.schema import SCHEMAS, RefFile


@cache
def parsed(name: str) -> RefFile:
    """``refdata/<name>.yaml`` read and validated; a broken file is an error naming it."""
    file = f"ropa/refdata/{name}.yaml"
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    try:
        return SCHEMAS[name].model_validate(read_text(text, file).data)
    except InputError as exc:
        raise ValueError(f"{file} cannot be read: {exc}") from exc
    except ValidationError as exc:
        raise ValueError(f"{file} does not have the expected shape: {exc}") from exc


@cache
def load(name: str) -> dict[str, Any]:
    """The validated content of ``refdata/<name>.yaml`` as a mapping (dates as :class:`datetime.date`)."""
    return parsed(name).model_dump()


def country_name(code: str) -> str | None:
    """Short English name of an ISO 3166-1 alpha-2 code, or None when unknown."""
    name: str | None = load("countries")["countries"].get(code.upper())
    return name


@cache
def eea() -> frozenset[str]:
    """ISO codes inside the EEA: the EU and EEA EFTA states, and EU territory with codes of its own.

    The outermost regions and Åland (GF, GP, MQ, RE, YT, MF, AX) are part of the EU (Art. 355 TFEU),
    so disclosure there is no Chapter V transfer, although ISO gives them codes of their own.
    """
    data = load("eea")
    return frozenset(data["eu"]) | frozenset(data["efta_eea"]) | frozenset(data["eu_territories"])


@cache
def adequacy() -> dict[str, dict[str, Any]]:
    """Adequacy decisions by id (ISO code, or ``IO:...`` for international organisations)."""
    return {entry["id"]: entry for entry in load("adequacy")["entries"]}


def invalid_mechanisms() -> dict[str, dict[str, Any]]:
    """Mechanisms no longer valid, by mechanism type value."""
    result: dict[str, dict[str, Any]] = load("invalid_mechanisms")["mechanisms"]
    return result


def versions() -> dict[str, str]:
    """``last_verified`` date of every reference data file by file name, for manifests."""
    return {name: parsed(name).last_verified.isoformat() for name in SCHEMAS}


def titles() -> dict[str, str]:
    """The human title of every reference data file by file name."""
    return {name: parsed(name).title for name in SCHEMAS}


def dated_titles() -> list[tuple[str, str]]:
    """(title, ``last_verified`` date) of every file, in file-name order: what a document lists."""
    return [(parsed(name).title, parsed(name).last_verified.isoformat()) for name in sorted(SCHEMAS)]

"""The stages glued together: read -> load -> check. Pure apart from reading files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ropa.findings import Report
from ropa.model.register import Register

if TYPE_CHECKING:
    from ropa.readahead import ReadAhead


def load_and_check(
    root: Path,
    as_of: dt.date,
    select: set[str] | None = None,
    display_root: str | None = None,
    ahead: ReadAhead | None = None,
) -> tuple[Register, Report]:
    """Load the register at ``root`` and run the rule catalogue on it.

    ``ahead`` is reading of the register started earlier (:func:`ropa.loader.read_ahead`).

    Raises:
        InputError: when the register cannot be read or does not match the model.
    """
    from ropa.checker import check
    from ropa.loader import load_register

    register = load_register(root, display_root, ahead)
    return register, check(register, as_of, select)


def load_and_check_for_documents(root: Path, display_root: str | None = None) -> tuple[Register, Report]:
    """Load and check as of the record's own date, so documents do not depend on the clock."""
    from ropa.checker import check
    from ropa.loader import load_register

    register = load_register(root, display_root)
    return register, check(register, register.organisation.record.date)

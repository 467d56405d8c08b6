"""The one date every document carries: the record's date, or SOURCE_DATE_EPOCH. Never the clock."""

from __future__ import annotations

import datetime as dt
import os
import re

from ropa.errors import UsageError
from ropa.model.register import Register

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"
LATEST_EPOCH = 253_402_300_799
"""9999-12-31T23:59:59Z, the last second a date can carry (dates before 1980 are clamped in zips)."""
_DECIMAL = re.compile(r"[0-9]{1,12}")
"""ASCII digits only: ``str.isdigit`` would take superscripts and other scripts' digits."""


def source_date_epoch() -> dt.datetime | None:
    """The time ``SOURCE_DATE_EPOCH`` sets (UTC), or None when it is unset or empty.

    The reproducible-builds convention: a plain decimal count of seconds since
    1970-01-01 UTC. Anything else is refused rather than ignored, since a build
    that quietly fell back to the record date would not be the one asked for.

    Raises:
        UsageError: when the value is not plain ASCII digits, or past the year 9999.
    """
    raw = os.environ.get(EPOCH_VARIABLE)
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if not _DECIMAL.fullmatch(value) or int(value) > LATEST_EPOCH:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise UsageError(
            f"{EPOCH_VARIABLE}={shown!r} is not a time ropa can use; set it to whole seconds since "
            f"1970-01-01 UTC, from 0 to {LATEST_EPOCH} (9999-12-31), e.g. $(git log -1 --format=%ct), or unset it"
        )
    return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)


def document_datetime(register: Register) -> dt.datetime:
    """Timestamp for documents and archives (UTC midnight of the record date by default).

    ``SOURCE_DATE_EPOCH`` (reproducible-builds convention) takes precedence when set.
    """
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    day = register.organisation.record.date
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


SLUG_CHARS = 80
"""Longest slug: file names made of one (and a version) stay far below the 255 bytes file systems allow."""


def slug(text: str, limit: int = SLUG_CHARS) -> str:
    """A file-name-safe lower-case slug of ``text``, at most ``limit`` characters.

    A longer one is cut and ends in 8 hex digits of the whole text's SHA-256, so
    two long names that share their start still give different file names.
    """
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "register"
    return bounded(out, limit, text)


def bounded(name: str, limit: int, whole: str) -> str:
    """``name`` if it fits in ``limit`` characters, else its start and 8 hex digits of ``whole``'s SHA-256."""
    import hashlib

    if len(name) <= limit:
        return name
    digest = hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('-.')}-{digest}"

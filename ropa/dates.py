"""The one date every document carries: the record's date, or SOURCE_DATE_EPOCH. Never the clock."""

from __future__ import annotations

import datetime as dt
import os

from ropa.model.register import Register


def document_datetime(register: Register) -> dt.datetime:
    """Timestamp for documents and archives (UTC midnight of the record date by default).

    ``SOURCE_DATE_EPOCH`` (reproducible-builds convention) takes precedence when set.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    day = register.organisation.record.date
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def slug(text: str) -> str:
    """A file-name-safe lower-case slug of ``text``."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "register"

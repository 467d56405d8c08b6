"""The language of the documents: message catalogues read at run time from ``ropa/locale``.

Each language is a folder of gettext catalogues, ``ropa/locale/<lang>/LC_MESSAGES/*.po`` (one
per document family: ``ropa.po`` for the workbook, ``legal.po`` for the labels taken from the acts,
``register.po``, ``annex.po``, ``report.po``), read with Babel when first needed and merged, so a
translator adds or corrects a language by editing ``.po`` files and no Python. A message lives in
one catalogue of its language; the same msgid in two is refused, naming both places.
English is the source language: its messages are the msgids themselves, so an English build
never reads a catalogue and prints exactly what the code says.

Rendering code calls :func:`gettext` (imported as ``_``), which translates into the language
made active by :func:`active` around one document's rendering (a build renders each document in
a worker process, so the active language is per document, not global configuration).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Literal, get_args

Language = Literal["en", "de", "fr"]
"""The languages ropa writes documents in."""
LANGUAGES: tuple[str, ...] = get_args(Language)
SOURCE_LANGUAGE = "en"
"""The language of the msgids: no catalogue, every message is printed as written in the code."""
DOMAIN = "ropa"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("ropa_language", default=SOURCE_LANGUAGE)


def catalogue_path(lang: str) -> Path:
    """Where the main catalogue of ``lang`` (the workbook's) lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue_paths(lang: str) -> list[Path]:
    """Every catalogue of ``lang``, in name order (their messages are merged)."""
    return sorted(catalogue_path(lang).parent.glob("*.po"))


class CatalogueError(ValueError):
    """A catalogue that cannot be used: a message defined twice, named by file:line."""


@cache
def messages(lang: str) -> dict[str, str]:
    """The translated messages of ``lang``: msgid -> msgstr, untranslated and fuzzy entries left out."""
    if lang == SOURCE_LANGUAGE:
        return {}
    if lang not in LANGUAGES:
        raise ValueError(f"unknown document language {lang!r} (one of {', '.join(LANGUAGES)})")
    from babel.messages.pofile import read_po

    table: dict[str, str] = {}
    where: dict[str, str] = {}
    for path in catalogue_paths(lang):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=lang, domain=DOMAIN)
        for message in catalogue:
            text = message.string
            if not (message.id and isinstance(message.id, str)):
                continue
            place = f"{path.relative_to(LOCALE_DIR.parent.parent)}:{message.lineno}"
            if message.id in where:
                raise CatalogueError(
                    f"{place}: msgid {message.id!r} is already in {where[message.id]}; keep it in one catalogue"
                )
            where[message.id] = place
            if isinstance(text, str) and text and not message.fuzzy:
                table[message.id] = text
    return table


def translator(lang: str) -> Callable[[str], str]:
    """The ``_()`` of ``lang``: a message in that language, or the English msgid where none is translated."""
    table = messages(lang)
    return lambda message: table.get(message, message)


def gettext(message: str) -> str:
    """``message`` in the active language (see :func:`active`)."""
    lang = _current.get()
    return message if lang == SOURCE_LANGUAGE else messages(lang).get(message, message)


DATE_PATTERN = "%Y-%m-%d"
"""The msgid of the date format: a catalogue gives its language's ``strftime`` pattern (``%d.%m.%Y``)."""


def format_date(value: dt.date) -> str:
    """``value`` as the active language writes a date (ISO 8601 in English, so English output is unchanged)."""
    return value.strftime(gettext(DATE_PATTERN))


def current() -> str:
    """The active document language."""
    return _current.get()


@contextlib.contextmanager
def active(lang: str) -> Iterator[None]:
    """Render in ``lang`` inside the block (its catalogue is read, and checked, on entry)."""
    messages(lang)
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)

"""The language of the documents: message catalogues read at run time from ``ropa/locale``.

Each language is a folder of gettext catalogues, ``ropa/locale/<lang>/LC_MESSAGES/*.po`` (one
per document family: ``ropa.po`` for the workbook and the words every document shares,
``register.po``, ``annex.po``, ``report.po``, ``figure.po``), read with Babel when first needed and merged, so a
translator adds or corrects a language by editing ``.po`` files and no Python. A message lives in
one catalogue of its language; the same msgid in two is refused, naming both places. A count
is one plural message (``msgid_plural``, ``msgstr[n]``) and takes the language's plural forms
(:func:`ngettext`).
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
            if not message.id:
                continue
            key, text = _entry(message.id, message.string)
            place = f"{path.relative_to(LOCALE_DIR.parent.parent)}:{message.lineno}"
            if key in where:
                raise CatalogueError(f"{place}: msgid {key!r} is already in {where[key]}; keep it in one catalogue")
            where[key] = place
            if text and not message.fuzzy:
                table[key] = text
    return table


PLURAL_SEPARATOR = "\x00"
"""Joins a plural message's msgids (singular, plural) into its key and its forms into its value."""


def _entry(msgid: object, msgstr: object) -> tuple[str, str]:
    """A catalogue message as table key and value; a plural one as a compiled catalogue stores it."""
    if isinstance(msgid, tuple):
        forms = tuple(str(form) for form in msgstr) if isinstance(msgstr, tuple | list) else ()
        return PLURAL_SEPARATOR.join(map(str, msgid)), PLURAL_SEPARATOR.join(forms) if all(forms) else ""
    return str(msgid), msgstr if isinstance(msgstr, str) else ""


@cache
def _plural_index(lang: str) -> Callable[[int], int]:
    """Which plural form of ``lang`` a count takes (the catalogue standard's ``Plural-Forms`` rule, from Babel)."""
    import gettext as stdlib_gettext

    from babel.messages.catalog import Catalog

    return stdlib_gettext.c2py(Catalog(locale=lang).plural_expr)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` in the active language (English: ``singular`` for 1, else ``plural``)."""
    lang = _current.get()
    english = singular if count == 1 else plural
    if lang == SOURCE_LANGUAGE:
        return english
    forms = messages(lang).get(singular + PLURAL_SEPARATOR + plural)
    if forms is None:
        return english
    chosen = forms.split(PLURAL_SEPARATOR)
    return chosen[min(_plural_index(lang)(count), len(chosen) - 1)]


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

"""One import: read the workbook, map it from its source, then write the register or show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ropa.importing.grid import Book
from ropa.importing.problems import ImportFailed, Problem
from ropa.importing.writer import Imported, dry_run_text, files, write

SOURCES = ("ico", "cnil", "ropa")
"""The sources ``--from`` names: the ICO templates, the CNIL register model, ropa's own register.xlsx."""


@dataclass(frozen=True)
class Done:
    """What an import produced: the files (relative path -> text) and the notes for the person importing."""

    files: dict[str, str]
    notes: list[str]
    text: str


def read_book(path: Path, shown: str) -> Book:
    """The workbook at ``path``: ODS by its name ending, XLSX otherwise (the readers check the content)."""
    if path.suffix.casefold() == ".ods":
        from ropa.importing.ods import read_ods

        return read_ods(path, shown)
    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        raise ImportFailed([Problem(shown, "", "", "give an .xlsx (or, for --from cnil, an .ods) workbook")])
    from ropa.importing.xlsx import read_xlsx

    return read_xlsx(path, shown)


def _mapper(source: str) -> Callable[[Book, str], Imported]:
    if source == "ico":
        from ropa.importing.ico import import_ico

        return import_ico
    if source == "cnil":
        from ropa.importing.cnil import import_cnil

        return import_cnil
    from ropa.importing.register_xlsx import import_register

    return import_register


def run_import(path: Path, source: str, out: Path | None, shown: str, country: str | None = None) -> Done:
    """Import ``path`` as ``source``; write the register into ``out``, or only return it when ``out`` is None.

    Raises:
        ImportFailed: one located line per problem; nothing was written.
    """
    if source not in SOURCES:
        raise ImportFailed([Problem(shown, "", "", f"unknown source {source!r}; use one of {', '.join(SOURCES)}")])
    if source == "ropa" and path.suffix.casefold() == ".ods":
        raise ImportFailed([Problem(shown, "", "", "ropa's register.xlsx is an XLSX workbook; give that file")])
    book = read_book(path, shown)
    imported = _mapper(source)(book, shown)
    if country and "country" not in imported.organisation.items:
        from ropa.importing.values import country as country_code

        if country_code(country) is None or len(country) != 2:
            raise ImportFailed([Problem(shown, "", "", f"--country {country!r} is not an ISO 3166-1 alpha-2 code")])
        imported.organisation.items["country"] = country.upper()
        imported.notes.append(f"organisation country {country.upper()} taken from --country")
    if "country" not in imported.organisation.items:
        raise ImportFailed([Problem(shown, "", "", "the workbook states no country for the organisation; "
                                    "give it with --country (ISO 3166 code, e.g. GB)")])  # fmt: skip
    header = [
        f"Imported by ropa import --from {source} from {shown}.",
        "Every fact's 'source' names the sheet and row it came from; comments keep the columns that do not map.",
        "Run 'ropa validate' on this folder: it reports what the spreadsheet left vague or out.",
    ]
    contents = files(imported, header)
    if out is not None:
        write(contents, out, shown)
    return Done(contents, imported.notes, dry_run_text(contents))


def record_date(book: Book) -> dt.date | None:
    """The date the workbook was last saved, for the record date of a template that states none."""
    return book.modified

"""How much of a workbook the import reads before refusing it: the file, its zip parts, its cells."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from ropa.importing.problems import ImportFailed, Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest workbook read (20 MB): a register of thousands of activities is a few MB."""
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""Largest sum of the sizes of a workbook's zip parts once unpacked (a zip bomb stops here)."""
MAX_PARTS = 2_000
"""Most zip parts a workbook may have."""
MAX_ROWS = 100_000
"""Most rows read from one sheet."""
MAX_COLUMNS = 200
"""Most columns read from one sheet."""
MAX_CELLS = 2_000_000
"""Most non-empty cells read from one workbook."""
_PROLOGUE_BYTES = 4096
"""How much of each XML part is looked at for a document type declaration."""


def check_file(path: Path, shown: str) -> None:
    """Refuse what is not a regular file, or is over :data:`MAX_FILE_BYTES`, before any parsing."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ImportFailed([Problem(shown, "", "", f"cannot be read ({exc.strerror or exc})")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise ImportFailed([Problem(shown, "", "", "not a regular file; give the path of a workbook")])
    if info.st_size > MAX_FILE_BYTES:
        size = info.st_size / (1024 * 1024)
        raise ImportFailed(
            [
                Problem(
                    shown,
                    "",
                    "",
                    f"{size:.1f} MB is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit of a workbook to import; "
                    "remove images and unused sheets, or split it",
                )
            ]
        )
    if not os.access(path, os.R_OK):
        raise ImportFailed([Problem(shown, "", "", "cannot be read (permission denied)")])


def check_zip(path: Path, shown: str, kind: str) -> None:
    """Refuse a workbook whose zip is broken, too large unpacked, or whose XML declares a document type.

    XLSX and ODS are zips of XML. A DTD is what entity-expansion attacks need, and no spreadsheet
    application writes one, so a part that declares one is refused instead of parsed.
    """

    def fail(message: str) -> ImportFailed:
        return ImportFailed([Problem(shown, "", "", message)])

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise fail(f"{len(members)} parts in the zip; an {kind} workbook has far fewer")
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise fail(f"unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; refused")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        head = part.read(_PROLOGUE_BYTES)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise fail(f"part {member.filename} declares a document type (DTD); refused")
    except zipfile.BadZipFile:
        raise fail(f"not an {kind} workbook (not a zip file); save it as .{kind.lower()} and import again") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None

"""The register as an XLSX workbook: streamed, text-safe and byte-for-byte reproducible.

The sheets come from :func:`ropa.render.rows.build_tables`; this module only lays
them out. Three things matter more than looks:

* **Streaming.** openpyxl's write-only mode writes each row as it is appended, so
  memory stays flat however many activities the register holds. Everything that
  write-only mode writes before the rows (column widths, frozen panes, page fit)
  is set before the first row; the autofilter, written after the rows, is set last.
  Print titles are workbook-level names and can be set at any time.
* **Text stays text.** openpyxl turns a string starting with ``=`` into a formula
  and ``#N/A`` into an error value. Every user string is therefore forced to a
  string cell (``data_type = "s"``), so ``=HYPERLINK(...)`` or DDE payloads are
  shown, never evaluated. Carriage returns are written as ``&#13;`` (a raw CR
  would be read back as LF) and control characters as OOXML ``_xHHHH_`` escapes.
* **Same input, same bytes.** The saved zip is rewritten by
  :mod:`ropa.render.zipnorm` with one fixed entry time (the document date) and a
  pinned ``docProps/core.xml``, so two renders of one register are identical.

openpyxl is imported inside the functions, never at module level, so that
``ropa validate`` does not pay for it.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from ropa.findings import Report
from ropa.model.register import Register
from ropa.render.rows import Table, Value, build_tables
from ropa.render.zipnorm import Streamed, normalise_zip

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MAX_DATA_ROWS = 1_048_575
"""Excel's 1,048,576 rows per sheet, less the header row; longer tables continue on a new sheet."""

MAX_CELL_CHARS = 32_767
"""Excel's limit on the characters of one cell."""

TRUNCATED = "\n[... truncated: the full text is in the register's YAML]"

SUBJECT = "Record of processing activities (GDPR Art. 30)"

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters XML 1.0 cannot carry; OOXML writes them as ``_xHHHH_``."""
_ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")
"""Text that a spreadsheet program would decode as an OOXML escape."""


def cell_text(value: str) -> str:
    """``value`` ready for a cell: at most Excel's length, with OOXML escapes where XML needs them.

    Control characters that XML 1.0 cannot hold become ``_xHHHH_`` (which Excel and
    LibreOffice decode back), and text that merely looks like such an escape gets
    its underscore escaped (``_x005F_``) so it is shown as written.
    """
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - len(TRUNCATED)] + TRUNCATED
    if "_x" in value:
        value = _ESCAPE_LIKE.sub(lambda m: "_x005F" + m.group(0), value)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)


_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
"""XML escapes for cell text; CR as a character reference, since XML parsers read a raw CR as LF."""


def _keep_carriage_returns(chunk: bytes) -> bytes:
    """Write CR as a character reference: XML parsers turn a raw CR into LF."""
    return chunk.replace(b"\r", b"&#13;")


BODY_STYLE = "ropa body"
HEADER_STYLE = "ropa header"


def _add_styles(wb: Workbook) -> tuple[int, int]:
    """Register the named cell styles every sheet uses; return the (header, body) cell style ids.

    The ids index the workbook's cell formats (``s="..."`` on each cell); the header
    is registered first so that the ids do not depend on which sheet is written
    first. The names also show up in the spreadsheet's style gallery.
    """
    from openpyxl.styles import DEFAULT_FONT, Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.styles.cell_style import StyleArray

    wrap = Alignment(wrap_text=True, vertical="top")
    body = NamedStyle(name=BODY_STYLE, alignment=wrap, font=DEFAULT_FONT)
    bold = Font(
        name=DEFAULT_FONT.name, sz=DEFAULT_FONT.sz, family=DEFAULT_FONT.family, scheme=DEFAULT_FONT.scheme, b=True
    )
    header = NamedStyle(
        name=HEADER_STYLE,
        alignment=wrap,
        font=bold,
        fill=PatternFill("solid", fgColor="FFD9E1F2"),
        border=Border(bottom=Side(style="thin")),
    )
    wb.add_named_style(body)
    wb.add_named_style(header)
    styles: Any = wb._cell_styles  # type: ignore[attr-defined]  # the cell formats cells refer to by index
    return styles.add(StyleArray(header.as_tuple())), styles.add(StyleArray(body.as_tuple()))


_LETTERS: list[str] = []


def _letters(count: int) -> list[str]:
    """Column letters A, B, ... for at least ``count`` columns (computed once, shared)."""
    if len(_LETTERS) < count:
        from openpyxl.utils import get_column_letter

        _LETTERS.extend(get_column_letter(i) for i in range(len(_LETTERS) + 1, count + 1))
    return _LETTERS


def _row_xml(number: int, values: Sequence[Value | None], style: int) -> str:
    """One ``<row>`` of styled cells, as openpyxl's write-only writer (with lxml) would serialise it.

    Writing the XML directly instead of through one openpyxl cell object per value is
    what keeps large registers fast: openpyxl spends most of its time per cell on
    type inference, style look-ups and lxml element calls. Strings are always
    inline strings (``t="inlineStr"``), so nothing becomes a formula or an error
    value. The result still holds non-ASCII characters; the caller encodes it with
    character references, as lxml does.
    """
    row = str(number)
    letters = _letters(len(values))
    cells = [f'<row r="{row}">']
    add = cells.append
    head = f'" s="{style}" t='
    for letter, value in zip(letters, values, strict=False):  # letters is a shared, longer list
        if isinstance(value, str) and value:
            text = cell_text(value)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            add(f'<c r="{letter}{row}{head}"inlineStr"><is><t{space}>{text.translate(_SPECIAL)}</t></is></c>')
        elif value is None or value == "":
            add(f'<c r="{letter}{row}{head}"n"></c>')
        elif isinstance(value, bool):
            add(f'<c r="{letter}{row}{head}"b"><v>{value:d}</v></c>')
        elif isinstance(value, int):
            add(f'<c r="{letter}{row}{head}"n"><v>{value:.16g}</v></c>')
        else:
            raise TypeError(f"cannot write {value!r} to a cell")
    add("</row>")
    return "".join(cells)


@dataclass
class _Part:
    """One sheet of a table: its name, its rows as XML in a scratch file, and how many data rows it holds."""

    name: str
    rows: IO[bytes]
    count: int


_BATCH = 256
"""Rows serialised before each write to the scratch file."""


def _stream_table(table: Table, header: int, body: int, files: ExitStack) -> list[_Part]:
    """Serialise one table's rows into scratch files, a new part past Excel's row limit.

    The rows are produced and written one batch at a time, so memory stays flat; the
    files hold plain XML, as openpyxl's own write-only sheets do, and are read back
    once into the zip. ``files`` closes (and so deletes) them.
    """
    rows = iter(table.rows())
    parts: list[_Part] = []
    while True:
        scratch = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - the stack closes it
        batch = [_row_xml(1, table.headers, header)]
        count = 0
        for row in rows:
            count += 1
            batch.append(_row_xml(count + 1, row, body))
            if len(batch) >= _BATCH:
                scratch.write("".join(batch).encode("ascii", "xmlcharrefreplace"))
                batch.clear()
            if count == MAX_DATA_ROWS:
                break
        scratch.write("".join(batch).encode("ascii", "xmlcharrefreplace"))
        parts.append(_Part(table.name if not parts else f"{table.name} ({len(parts) + 1})", scratch, count))
        following = next(rows, None)
        if following is None:
            return parts
        rows = itertools.chain([following], rows)


def _setup_sheet(ws: Any, table: Table) -> None:
    """Widths, panes and page set-up of one sheet (its rows are written separately)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    for index, width in enumerate(table.widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    ws.print_title_rows = "1:1"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"


_SHEET_DATA = b"<sheetData></sheetData>"


def _sheet_entry(skeleton: bytes, part: _Part) -> Streamed:
    """A worksheet entry: openpyxl's sheet (layout, autofilter) with the part's rows inside ``<sheetData>``."""
    head, found, tail = skeleton.partition(_SHEET_DATA)
    if not found:
        raise RuntimeError("openpyxl wrote a worksheet without an empty <sheetData> element")
    head += b"<sheetData>"
    tail = b"</sheetData>" + tail
    size = part.rows.seek(0, io.SEEK_END)
    part.rows.seek(0)

    def chunks() -> Iterator[bytes]:
        yield head
        while chunk := part.rows.read(1 << 20):
            yield chunk
        yield tail

    return Streamed(len(head) + size + len(tail), chunks())


def _properties(wb: Workbook, register: Register, when: dt.datetime, generated_by: str) -> None:
    record = register.organisation.record

    def clean(value: str) -> str:
        return _ILLEGAL.sub("", value)

    props = wb.properties
    props.title = clean(record.title or f"Record of processing activities - {register.organisation.legal_name}")
    props.subject = SUBJECT
    props.creator = generated_by
    props.description = clean(f"{register.organisation.legal_name}, record version {record.version}")
    props.keywords = "GDPR; Article 30; RoPA"
    props.version = clean(record.version)
    props.lastModifiedBy = generated_by
    props.created = when
    props.modified = when


def render_register_xlsx(register: Register, report: Report) -> bytes:
    """The register workbook as bytes: About, Activities, ..., Findings (and Art. 30(2) when relevant).

    The same register and report always give the same bytes: the only date in the
    file is :func:`ropa.dates.document_datetime` (the record's date, or
    ``SOURCE_DATE_EPOCH``), never the clock.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.xml.functions import tostring

    from ropa import __version__
    from ropa.dates import document_datetime

    when = document_datetime(register).astimezone(dt.timezone.utc).replace(tzinfo=None)
    generated_by = f"ropa {__version__}"
    tables = build_tables(register, report, generated_by, when.date())

    wb = Workbook(write_only=True)
    header, body = _add_styles(wb)
    sheets: list[tuple[Any, _Part]] = []
    with ExitStack() as files:
        for table in tables:
            for part in _stream_table(table, header, body, files):
                ws = wb.create_sheet(part.name)
                _setup_sheet(ws, table)
                ws.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{part.count + 1}"
                sheets.append((ws, part))
        _properties(wb, register, when, generated_by)
        raw = io.BytesIO()
        wb.save(raw)  # the package around the rows: styles, workbook, empty sheets with their layout
        wb.properties.modified = when  # saving stamps "now"; the replacement below pins it back
        replace: dict[str, bytes | Streamed] = {"docProps/core.xml": tostring(wb.properties.to_tree())}
        with zipfile.ZipFile(raw) as package:
            for ws, part in sheets:
                name = ws.path.lstrip("/")
                replace[name] = _sheet_entry(package.read(name), part)
        return normalise_zip(
            raw.getvalue(),
            when=when,
            order="sorted",
            first=("[Content_Types].xml",),
            replace=replace,
            filters=[("docProps/core.xml", _keep_carriage_returns)],
        )

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
from typing import TYPE_CHECKING, Any

from ropa.findings import Report
from ropa.model.register import Register
from ropa.render.rows import Table, Value, build_tables

if TYPE_CHECKING:
    from openpyxl.styles.cell_style import StyleArray
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


def _keep_carriage_returns(chunk: bytes) -> bytes:
    """Write CR as a character reference: XML parsers turn a raw CR into LF."""
    return chunk.replace(b"\r", b"&#13;")


BODY_STYLE = "ropa body"
HEADER_STYLE = "ropa header"


def _add_styles(wb: Workbook) -> tuple[StyleArray, StyleArray]:
    """Register the named cell styles every sheet uses; return (header, body) as style arrays.

    Passing a style array to each new cell costs a copy; assigning ``cell.style`` or
    ``cell.alignment`` instead looks the style up for every cell, which was a
    seventh of the render time of large registers. The names also show up in the
    spreadsheet's style gallery.
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
    return StyleArray(header.as_tuple()), StyleArray(body.as_tuple())


def _cell(ws: Any, value: Value | None, style: StyleArray) -> Any:
    """A write-only cell; strings are forced to text so nothing becomes a formula or error value."""
    from openpyxl.cell.cell import Cell

    if isinstance(value, str) and value:
        cell = Cell(ws, row=1, column=1, value=cell_text(value), style_array=style)
        cell.data_type = "s"
        return cell
    return Cell(ws, row=1, column=1, value=None if value == "" else value, style_array=style)


def _setup_sheet(ws: Any, table: Table) -> None:
    """Everything write-only mode writes before the rows: widths, panes, page set-up."""
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


def _write_table(wb: Workbook, table: Table, styles: tuple[StyleArray, StyleArray]) -> int:
    """Stream one table into a new sheet, continued on "Name (2)", ... past Excel's row limit.

    Returns the number of data rows written.
    """
    from openpyxl.utils import get_column_letter

    header, body = styles
    rows = iter(table.rows())
    total = 0
    part = 1
    while True:
        ws = wb.create_sheet(table.name if part == 1 else f"{table.name} ({part})")
        _setup_sheet(ws, table)
        ws.append([_cell(ws, h, header) for h in table.headers])
        count = 0
        for row in rows:
            ws.append([_cell(ws, v, body) for v in row])
            count += 1
            if count == MAX_DATA_ROWS:
                break
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{count + 1}"
        total += count
        following = next(rows, None)
        if following is None:
            return total
        rows = itertools.chain([following], rows)
        part += 1


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
    from openpyxl.xml.functions import tostring

    from ropa import __version__
    from ropa.dates import document_datetime
    from ropa.render.zipnorm import normalise_zip

    when = document_datetime(register).astimezone(dt.timezone.utc).replace(tzinfo=None)
    generated_by = f"ropa {__version__}"
    tables = build_tables(register, report, generated_by, when.date())

    wb = Workbook(write_only=True)
    styles = _add_styles(wb)
    for table in tables:
        _write_table(wb, table, styles)
    _properties(wb, register, when, generated_by)
    raw = io.BytesIO()
    wb.save(raw)
    wb.properties.modified = when  # saving stamps "now"; the replacement below pins it back
    core = tostring(wb.properties.to_tree())
    return normalise_zip(
        raw.getvalue(),
        when=when,
        order="sorted",
        first=("[Content_Types].xml",),
        replace={"docProps/core.xml": core},
        filters=[("xl/worksheets/*.xml", _keep_carriage_returns), ("docProps/core.xml", _keep_carriage_returns)],
    )

"""The register as an XLSX workbook: streamed, text-safe and byte-for-byte reproducible.

The sheets come from :func:`ropa.render.tables.workbook.build_tables`; this module only lays
them out. Three things matter more than looks:

* **Streaming, and fast.** openpyxl lays out the package: styles, workbook, and
  each sheet's widths, frozen panes, autofilter and print layout
  (:mod:`ropa.render.xlsx_print`). The rows (most
  of a large workbook's cells) are serialised here, as openpyxl's
  write-only writer with lxml would write them, row by row into scratch files
  that are then streamed into the zip, so memory stays flat however many
  activities the register holds. Going through one openpyxl cell object per
  value was several times slower (``benchmarks/README.md``, XLSX).
* **Text stays text.** Every user string is an inline string cell
  (``t="inlineStr"``), never a formula or an error value, so ``=HYPERLINK(...)``,
  DDE payloads or ``#N/A`` are shown, never evaluated. Only the values the
  tables give as numbers or dates (counts, line numbers, the dates of
  :mod:`ropa.render.tables.present`) become numeric cells. Carriage returns are
  written as ``&#13;`` (a raw CR would be read back as LF) and control characters
  as OOXML ``_xHHHH_`` escapes.
* **Same input, same bytes.** The saved zip is rewritten by
  :mod:`ropa.util.zipnorm` with one fixed entry time (the document date) and a
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

from ropa.check.findings import Report
from ropa.i18n import format_date
from ropa.model.register import Register
from ropa.render.tables.table import Table, Value
from ropa.render.tables.workbook import build_tables
from ropa.render.xlsx_print import PageInfo, RowHeights, setup_print
from ropa.util.zipnorm import Streamed, normalise_zip

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MAX_DATA_ROWS = 1_048_575
"""Excel's 1,048,576 rows per sheet, less the header row; longer tables continue on a new sheet."""

MAX_CELL_CHARS = 32_767
"""Excel's limit on the characters of one cell."""

TRUNCATED = "\n[... truncated: the full text is in the register's YAML]"

SUBJECT = "Record of processing activities (GDPR Art. 30)"

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry (and lone surrogates, which UTF-8 cannot); OOXML writes them as ``_xHHHH_``."""
_ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")
"""Text that a spreadsheet program would decode as an OOXML escape."""


def cell_text(value: str) -> str:
    """``value`` ready for a cell: at most Excel's length, with OOXML escapes where XML needs them.

    Control characters that XML 1.0 cannot hold become ``_xHHHH_`` (which Excel and
    LibreOffice decode back), and text that merely looks like such an escape gets
    its underscore escaped (``_x005F_``) so it is shown as written.
    """
    if len(value) > MAX_CELL_CHARS:
        from ropa.i18n import gettext

        cut = gettext(TRUNCATED)
        value = value[: MAX_CELL_CHARS - len(cut)] + cut
    if "_x" in value:
        value = _ESCAPE_LIKE.sub(lambda m: "_x005F" + m.group(0), value)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)


def _keep_carriage_returns(chunk: bytes) -> bytes:
    """Write CR as a character reference: XML parsers turn a raw CR into LF."""
    return chunk.replace(b"\r", b"&#13;")


BODY_STYLE = "ropa body"
HEADER_STYLE = "ropa header"
DATE_STYLE = "ropa date"

DATE_FORMAT = "yyyy-mm-dd"
"""Dates show as ISO dates, as in ropa's other documents, whatever the reader's locale."""


@dataclass(frozen=True)
class Styles:
    """Cell format ids (``s="..."``) of the header, body text and body date cells."""

    header: int
    body: int
    date: int


def _add_styles(wb: Workbook) -> Styles:
    """Register the named cell styles every sheet uses; return their cell format ids.

    The ids index the workbook's cell formats (``s="..."`` on each cell); the styles
    are registered in a fixed order so that the ids do not depend on which sheet is
    written first. The names also show up in the spreadsheet's style gallery.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import DEFAULT_FONT, Alignment, Border, Font, NamedStyle, PatternFill, Side

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
    date = NamedStyle(name=DATE_STYLE, alignment=wrap, font=DEFAULT_FONT, number_format=DATE_FORMAT)
    wb.add_named_style(body)
    wb.add_named_style(header)
    wb.add_named_style(date)
    probe = wb.create_sheet()  # a cell gives its format's index (``style_id``) only through a sheet of the workbook
    try:
        ids: list[int] = []
        for name in (HEADER_STYLE, BODY_STYLE, DATE_STYLE):
            cell = WriteOnlyCell(probe)
            cell.style = name
            ids.append(cell.style_id)
    finally:
        wb.remove(probe)  # never written, so it leaves no trace in the saved workbook
    return Styles(*ids)


_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of spreadsheet dates in the 1900 date system (right for every date from March 1900 on)."""

_LETTERS: list[str] = []


def _letters(count: int) -> list[str]:
    """Column letters A, B, ... for at least ``count`` columns (computed once, shared)."""
    if len(_LETTERS) < count:
        from openpyxl.utils import get_column_letter

        _LETTERS.extend(get_column_letter(i) for i in range(len(_LETTERS) + 1, count + 1))
    return _LETTERS


_REMEMBERED = 16_384
"""Distinct short texts whose cell XML is kept per render (then the memory starts afresh)."""
_SHORT = 256
"""Texts up to this length are remembered; longer ones rarely repeat."""


class _RowWriter:
    """Serialises rows of styled cells as openpyxl's write-only writer (with lxml) would.

    Writing the XML directly instead of through one openpyxl cell object per value is
    what keeps large registers fast: openpyxl spends most of its time per cell on
    type inference, style look-ups and lxml element calls. Strings are always
    inline strings (``t="inlineStr"``), so nothing becomes a formula or an error
    value; dates are day numbers in the date format, as openpyxl writes them. Nine
    cells in ten repeat a text seen shortly before ("Not stated", a provider's name),
    so the XML of short texts is remembered.
    """

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def _text(self, value: str) -> str:
        """The end of a text cell, from its type on: escaped, with ``xml:space`` where spaces must stay.

        CR is written as a character reference: XML parsers read a raw CR as LF.
        """
        text = cell_text(value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
        xml = f'"inlineStr"><is><t{space}>{text}</t></is></c>'
        if len(value) <= _SHORT:
            if len(self._texts) >= _REMEMBERED:
                self._texts.clear()
            self._texts[value] = xml
        return xml

    def row(
        self, number: int, values: Sequence[Value | None], style: int, date: int = 0, height: float | None = None
    ) -> str:
        """One ``<row>``, ``height`` points tall if given, dates in cell format ``date``.

        The XML still holds non-ASCII characters, which the caller encodes as references.
        """
        row = str(number)
        letters = _letters(len(values))
        cells = [f'<row r="{row}">' if height is None else f'<row r="{row}" ht="{height:g}" customHeight="1">']
        add = cells.append
        head = f'" s="{style}" t='
        texts = self._texts
        for letter, value in zip(letters, values, strict=False):  # letters is a shared, longer list
            if isinstance(value, str) and value:
                add(f'<c r="{letter}{row}{head}{texts.get(value) or self._text(value)}')
            elif value is None or value == "":
                add(f'<c r="{letter}{row}{head}"n"></c>')
            elif isinstance(value, bool):
                add(f'<c r="{letter}{row}{head}"b"><v>{value:d}</v></c>')
            elif isinstance(value, int):
                add(f'<c r="{letter}{row}{head}"n"><v>{value:.16g}</v></c>')
            elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                add(f'<c r="{letter}{row}" s="{date}" t="n"><v>{(value - _EPOCH).days}</v></c>')
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


def _stream_table(table: Table, styles: Styles, files: ExitStack, writer: _RowWriter) -> list[_Part]:
    """Serialise one table's rows into scratch files, a new part past Excel's row limit.

    The rows are produced and written one batch at a time, so memory stays flat; the
    files hold plain XML, as openpyxl's own write-only sheets do, and are read back
    once into the zip. ``files`` closes (and so deletes) them. Each row is as tall as
    its longest wrapped text (:class:`ropa.render.xlsx_print.RowHeights`), so that a
    printout shows all of it.
    """
    from ropa.i18n import current, gettext, messages

    rows = iter(table.rows())
    headers = table.headers
    if current() != "en":  # headings and ropa's own cell words in the document's language; user text as written
        from ropa.render.tables.vocabulary import translated_rows

        rows = iter(translated_rows(rows, messages(current())))
        headers = tuple(gettext(h) for h in headers)
    parts: list[_Part] = []
    head = writer.row(1, headers, styles.header, height=RowHeights(table.widths, bold=True)(headers))
    body, date, height = styles.body, styles.date, RowHeights(table.widths)
    while True:
        scratch = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - the stack closes it
        batch = [head]
        count = 0
        for row in rows:
            count += 1
            batch.append(writer.row(count + 1, row, body, date, height(row)))
            if len(batch) >= _BATCH:
                scratch.write("".join(batch).encode("ascii", "xmlcharrefreplace"))
                batch.clear()
            if count == MAX_DATA_ROWS:
                break
        scratch.write("".join(batch).encode("ascii", "xmlcharrefreplace"))
        name = gettext(table.name)
        parts.append(_Part(name if not parts else f"{name} ({len(parts) + 1})", scratch, count))
        following = next(rows, None)
        if following is None:
            return parts
        rows = itertools.chain([following], rows)


def _setup_sheet(ws: Any, table: Table, page: PageInfo, part: _Part) -> None:
    """Widths, panes, autofilter and print layout of one sheet (its rows are written separately)."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(table.widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{part.count + 1}"
    setup_print(ws, table, page, part.count + 1)


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

    from ropa.i18n import gettext as _

    org = register.organisation.legal_name
    props = wb.properties
    props.title = clean(record.title or _("Record of processing activities - {organisation}").format(organisation=org))
    props.subject = _(SUBJECT)
    props.creator = generated_by
    props.description = clean(
        _("{organisation}, record version {version}").format(organisation=org, version=record.version)
    )
    props.keywords = _("GDPR; Article 30; RoPA")
    props.version = clean(record.version)
    props.lastModifiedBy = generated_by
    props.created = when
    props.modified = when


def render_register_xlsx(register: Register, report: Report) -> bytes:
    """The register workbook as bytes: About, Activities, ..., Findings (and Art. 30(2) when relevant).

    The same register and report always give the same bytes: the only date in the
    file is :func:`ropa.util.dates.document_datetime` (the record's date, or
    ``SOURCE_DATE_EPOCH``), never the clock.
    """
    from openpyxl import Workbook
    from openpyxl.xml.functions import tostring

    from ropa import __version__
    from ropa.util.dates import document_datetime

    when = document_datetime(register).astimezone(dt.timezone.utc).replace(tzinfo=None)
    generated_by = f"ropa {__version__}"
    tables = build_tables(register, report, generated_by, when.date())

    record = register.organisation.record
    page = PageInfo(register.organisation.legal_name, record.version, format_date(record.date))
    wb = Workbook(write_only=True)
    styles = _add_styles(wb)
    sheets: list[tuple[Any, _Part]] = []
    writer = _RowWriter()
    with ExitStack() as files:
        for table in tables:
            for part in _stream_table(table, styles, files, writer):
                ws = wb.create_sheet(part.name)
                _setup_sheet(ws, table, page, part)
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

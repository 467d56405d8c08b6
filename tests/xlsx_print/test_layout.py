"""The example workbook as a spreadsheet program reads it: typed cells, row heights, print set-up, ICO headings."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ropa.render.tables.present import BASED_ON_LABELS, ICO_HEADINGS
from ropa.render.text import NOT_STATED
from ropa.render.xlsx_print import LINE_PT, MIN_SCALE, text_lines
from tests.xlsx_print.conftest import Rendered

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "xlsx-columns.md"


def _records(workbook: Workbook, sheet: str) -> list[dict[str, Any]]:
    rows = list(workbook[sheet].iter_rows(values_only=True))
    return [dict(zip([str(h) for h in rows[0]], row, strict=True)) for row in rows[1:]]


def test_dates_are_date_cells_in_iso_format(workbook: Workbook) -> None:
    about = {row[0].value: row[1] for row in workbook["About"].iter_rows(min_row=2)}
    for item in ("Record date", "Document date", "Validated as of"):
        assert about[item].value == dt.datetime(2026, 11, 1), item
        assert about[item].number_format == "yyyy-mm-dd", item
    for sheet, column in (("Activities", "Last reviewed"), ("Providers", "Signed")):
        values = [r[column] for r in _records(workbook, sheet)]
        assert any(isinstance(v, dt.datetime) for v in values), (sheet, column)
        assert all(isinstance(v, dt.datetime) or v == NOT_STATED for v in values), (sheet, column, values)


def test_counts_are_numbers_and_versions_stay_text(workbook: Workbook, rendered: Rendered) -> None:
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows(min_row=2)}
    assert about["Providers"] == len(rendered.register.providers)
    for item in ("Open findings: errors", "Open findings: warnings", "Waived findings", "Providers"):
        assert isinstance(about[item], int), item
    assert about["Record version"] == "2026.2"  # a version is not a number
    for row in _records(workbook, "Providers"):
        assert isinstance(row["Sub-processors"], int) and isinstance(row["Activities"], int)
    assert all(isinstance(r["Line"], int) for r in _records(workbook, "Findings") if r["Line"] is not None)


def test_based_on_is_shown_in_words(workbook: Workbook) -> None:
    shown = {r["Based on"] for r in _records(workbook, "Providers")}
    assert "The provider's own terms" in shown  # sendsmsgate's contract is based on its own terms
    assert not shown & set(BASED_ON_LABELS), shown


def test_activities_use_the_ico_template_headings(workbook: Workbook) -> None:
    headers = [c.value for c in workbook["Activities"][1]]
    for ours, ico in ICO_HEADINGS["Activities"].items():
        assert ico in headers and ours not in headers, ico


def test_the_column_mapping_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", text, re.MULTILINE))
    for ours, ico in ICO_HEADINGS["Activities"].items():
        assert (ico, ours) in rows, f"docs/xlsx-columns.md has no row '| {ico} | {ours} |'"


def test_rows_are_as_tall_as_their_wrapped_text(workbook: Workbook) -> None:
    from openpyxl.utils import get_column_letter

    checked = 0
    for ws in workbook.worksheets:
        widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)]
        for row in ws.iter_rows():
            texts = [(str(c.value), w) for c, w in zip(row, widths, strict=True) if isinstance(c.value, str)]
            lines = max((text.count("\n") + 1 for text, _ in texts), default=1)
            height = ws.row_dimensions[row[0].row].height
            if lines > 1:
                checked += 1
                assert height is not None and height >= min(409, lines * LINE_PT), (ws.title, row[0].row, height)
    assert checked > 20


def test_every_sheet_prints_landscape_at_a_readable_scale_with_running_heads(workbook: Workbook) -> None:
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert MIN_SCALE <= ws.page_setup.scale <= 100, ws.title
        fit = ws.sheet_properties.pageSetUpPr
        assert fit is None or not fit.fitToPage, ws.title
        assert ws.page_setup.pageOrder == "overThenDown", ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.oddHeader.left.text == "Nordlicht Commerce GmbH", ws.title
        assert ws.oddHeader.right.text == "Record of processing activities, version 2026.2 of 2026-11-01"
        assert (ws.oddFooter.left.text, ws.oddFooter.right.text) == ("&A", "Page &P of &N"), ws.title
    assert workbook["Activities"].page_setup.scale == MIN_SCALE
    assert workbook["Activities"].print_title_cols == "$E:$E"  # the activity's name on every page across
    assert workbook["About"].page_setup.scale == 100 and workbook["About"].print_title_cols is None


def test_gaps_are_highlighted_by_conditional_formatting(workbook: Workbook) -> None:
    assert not list(workbook["Findings"].conditional_formatting), "a finding's message describes a gap, it is none"
    for ws in workbook.worksheets:
        if ws.title == "Findings":
            continue
        [(cells, rules)] = [(str(cf.sqref), cf.rules) for cf in ws.conditional_formatting]
        assert cells.startswith("A2:") and cells.endswith(str(ws.max_row)), (ws.title, cells)
        [rule] = rules
        assert rule.type == "expression", ws.title
        [formula] = rule.formula
        assert f'ISNUMBER(SEARCH("{NOT_STATED.lower()}",A2))' in formula, formula
        assert rule.dxf.fill is not None


def test_ampersands_in_running_heads_are_escaped(make_register: Callable[..., Path]) -> None:
    from ropa.pipeline import load_and_check_for_documents
    from ropa.render.xlsx import render_register_xlsx
    from tests.conftest import MINIMAL_ORGANISATION

    organisation = {**MINIMAL_ORGANISATION, "legal_name": "Smith & Sons &P Ltd"}
    data = render_register_xlsx(*load_and_check_for_documents(make_register({}, organisation)))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<oddHeader>&amp;LSmith &amp;&amp; Sons &amp;&amp;P Ltd&amp;R" in sheet
    assert load_workbook(io.BytesIO(data))["About"].oddHeader.left.text == "Smith && Sons &&P Ltd"


def test_same_register_gives_the_same_bytes(rendered: Rendered) -> None:
    from ropa.render.xlsx import render_register_xlsx

    assert render_register_xlsx(rendered.register, rendered.report) == rendered.data


def test_wrapping_counts_lines_at_word_boundaries() -> None:
    # A column 10 digits wide holds 11 letters (CHARS_PER_UNIT), less one for the cell's padding: 10.
    assert text_lines("short", 10) == 1
    assert text_lines("one two three four five", 10) == 3  # "one two" / "three four" / "five"
    assert text_lines("a\nb\nc", 10) == 3
    assert text_lines("x" * 25, 10) == 3  # a word longer than the line breaks inside it
    assert text_lines("中文" * 6, 10) == 3  # wide characters take two places
    assert text_lines("word " * 40, 40) > text_lines("word " * 40, 80)

"""Bad input: one located line per problem (file:sheet!cell), exit code 2, nothing written."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ropa.importing.ico import CONTROLLER
from tests.importing.conftest import run
from tests.importing.fixtures import ico_rows, workbook

ROW = {"Purpose of processing": "Send order confirmations to customers", "Categories of individuals": "Customers"}


def _fails(tmp_path: Path, book: Path, source: str = "ico") -> list[str]:
    out = tmp_path / "reg"
    result = run("import", str(book), "--from", source, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert not out.exists(), "nothing may be written"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ropa-tmp-")]
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith(str(book)) for line in lines), lines
    return lines


def test_wrong_sheet(tmp_path: Path) -> None:
    book = workbook(tmp_path / "x.xlsx", {"Sheet1": [["Name", "Value"], ["a", "b"]]})
    [line] = _fails(tmp_path, book)
    assert line.startswith(f"{book}:Sheet1!A1: no sheet has the ICO template's header row")


def test_ropa_source_on_an_ico_workbook(tmp_path: Path) -> None:
    book = workbook(tmp_path / "x.xlsx", {"Template": ico_rows([ROW])})
    [line] = _fails(tmp_path, book, "ropa")
    assert "not a register.xlsx of ropa build" in line


def test_merged_header_cells(tmp_path: Path) -> None:
    book = workbook(tmp_path / "x.xlsx", {"Template": ico_rows([ROW])}, merges={"Template": ["E9:F9"]})
    lines = _fails(tmp_path, book)
    assert f"{book}:Template!E9: merged header cells E9:F9; unmerge them" in lines[0]


def test_formula_where_text_is_expected(tmp_path: Path) -> None:
    rows = ico_rows([ROW, {**ROW, "Categories of individuals": "=UPPER(D10)"}])
    book = workbook(tmp_path / "x.xlsx", {"Template": rows})
    column = "ABCDEFGHIJ"[CONTROLLER.index("Categories of individuals")]
    [line] = _fails(tmp_path, book)
    assert line.startswith(f"{book}:Template!{column}11: a formula (=UPPER(D10)) where text is expected")


def test_a_50_mb_file_is_refused_before_parsing(tmp_path: Path) -> None:
    book = tmp_path / "big.xlsx"
    with open(book, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written
    [line] = _fails(tmp_path, book)
    assert line == f"{book}: 50.0 MB is over the 20 MB limit of a workbook to import; " + (
        "remove images and unused sheets, or split it"
    )


def test_not_a_workbook_and_a_dtd(tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("hello", encoding="utf-8")
    assert "not a zip file" in _fails(tmp_path, text)[0]
    bomb = tmp_path / "dtd.ods"
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert "declares a document type (DTD); refused" in _fails(tmp_path, bomb, "cnil")[0]


def test_out_must_be_new_or_empty(tmp_path: Path) -> None:
    book = workbook(tmp_path / "x.xlsx", {"Template": ico_rows([ROW])})
    out = tmp_path / "reg"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = run("import", str(book), "--from", "ico", "--out", str(out))
    assert result.exit_code == 2 and "is not empty" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_merged_data_cells_across_rows(tmp_path: Path) -> None:
    rows = ico_rows([ROW, ROW])
    book = workbook(tmp_path / "x.xlsx", {"Template": rows}, merges={"Template": ["D10:D11"]})
    [line] = _fails(tmp_path, book)
    assert line.startswith(f"{book}:Template!D10: merged cells D10:D11 across rows")


def test_several_problems_one_line_each(tmp_path: Path) -> None:
    rows = ico_rows([ROW, {**ROW, "Categories of individuals": "=A1", "Categories of personal data": "=B1"}])
    book = workbook(tmp_path / "x.xlsx", {"Template": rows}, merges={"Template": ["A9:B9"]})
    lines = _fails(tmp_path, book)
    assert len(lines) == 3, lines
    assert [line.split(": ", 1)[0].rsplit("!", 1)[1] for line in lines] == ["A9", "D11", "E11"]

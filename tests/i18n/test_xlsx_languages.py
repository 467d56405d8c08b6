"""The register workbook in German and French: no English word of the catalogue is left in a cell.

The example is built with ``--lang de`` and ``--lang fr``; every cell text, sheet name and the
print header are read back with openpyxl and compared with the catalogue's English msgids (so a
user's own text, which is never translated, is not mistaken for a leftover).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from openpyxl import load_workbook

from ropa import i18n
from ropa.cli import main


def catalogue(lang: str) -> dict[str, str]:
    with i18n.catalogue_path(lang).open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def build(example_dir: Path, out: Path, *lang: str) -> Path:
    result = CliRunner().invoke(main, ["build", str(example_dir), "--only", "xlsx", "--out", str(out), "-q", *lang])
    assert result.exit_code == 0, result.output
    return out / "register.xlsx"


def cell_texts(path: Path) -> tuple[list[str], set[str]]:
    book = load_workbook(path, read_only=True)
    names = list(book.sheetnames)
    texts = {v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    return names, texts


@pytest.fixture(scope="module")
def english(example_dir_module: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(example_dir_module, tmp_path_factory.mktemp("en"))


@pytest.fixture(scope="module")
def example_dir_module() -> Path:
    from tests.conftest import EXAMPLE

    return EXAMPLE


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_no_english_catalogue_word_is_left_in_the_workbook(
    lang: str, example_dir_module: Path, english: Path, tmp_path: Path
) -> None:
    translated = build(example_dir_module, tmp_path, "--lang", lang)
    messages = catalogue(lang)
    names, texts = cell_texts(translated)
    en_names, en_texts = cell_texts(english)
    assert names == [messages[n] for n in en_names], "every sheet is named in the language"
    shown = en_texts & set(messages)
    assert len(shown) > 150, "the English workbook shows the catalogue's words"
    leftovers = {t for t in texts if t in messages and messages[t] != t}
    assert leftovers == set()
    assert {messages[t] for t in shown} <= texts, "each of them is there in its translation"
    assert messages["Not recorded"] in texts and messages["Record version"] in texts
    with zipfile.ZipFile(translated) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert messages["Page &P of &N"].replace("&", "&amp;") in sheet and "Page &amp;P of &amp;N" not in sheet


def test_user_text_is_printed_as_written(example_dir_module: Path, english: Path, tmp_path: Path) -> None:
    _, en_texts = cell_texts(english)
    _, de_texts = cell_texts(build(example_dir_module, tmp_path, "--lang", "de"))
    user = {t for t in en_texts if t not in catalogue("de") and not t[:1].isdigit() and len(t) > 40}
    assert len(user) > 20
    assert len(user & de_texts) / len(user) > 0.4, "long free texts of the register come through unchanged"


def test_the_english_workbook_is_the_default_build(example_dir_module: Path, english: Path, tmp_path: Path) -> None:
    assert build(example_dir_module, tmp_path, "--lang", "en").read_bytes() == english.read_bytes()

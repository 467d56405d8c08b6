"""The register workbook in German and French: no English word of the catalogue is left in a cell.

The example is built with ``--lang de`` and ``--lang fr``; every cell text, sheet name and the
print header are read back with openpyxl and compared with the catalogue's English msgids (so a
user's own text, which is never translated, is not mistaken for a leftover).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from openpyxl import load_workbook

from ropa import i18n
from ropa.cli import main
from ropa.render import text


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
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert messages["Record of processing activities (GDPR Art. 30)"] in core and "GDPR; Article 30" not in core
    assert messages["Page &P of &N"].replace("&", "&amp;") in sheet and "Page &amp;P of &amp;N" not in sheet
    from ropa.load.loader import load_register

    day = load_register(example_dir_module).organisation.record.date
    assert day.strftime(messages["%Y-%m-%d"]) in sheet and day.isoformat() not in sheet, "the print header's date"


def test_user_text_is_printed_as_written(example_dir_module: Path, english: Path, tmp_path: Path) -> None:
    _, en_texts = cell_texts(english)
    _, de_texts = cell_texts(build(example_dir_module, tmp_path, "--lang", "de"))
    user = {t for t in en_texts if t not in catalogue("de") and not t[:1].isdigit() and len(t) > 40}
    assert len(user) > 20
    assert len(user & de_texts) / len(user) > 0.4, "long free texts of the register come through unchanged"


def test_the_english_workbook_is_the_default_build(example_dir_module: Path, english: Path, tmp_path: Path) -> None:
    assert build(example_dir_module, tmp_path, "--lang", "en").read_bytes() == english.read_bytes()


def test_every_label_the_workbook_can_print_is_in_the_catalogue() -> None:
    from ropa.render.tables import cells, providers
    from ropa.render.tables.vocabulary import vocabulary

    words = set(vocabulary())
    words |= {*cells.CLAUSE9_WORDS.values(), *cells.COVERS_WORDS.values(), *providers.AUTHORISATION_WORDS.values()}
    words |= {i18n.PLURAL_SEPARATOR.join(pair) for pair in text.SEVERITY_COUNTS.values()}
    words |= {"written", "electronic", "duration", "criteria", "statutory", "until event", "unlimited"}
    words |= {"specific", "general", "error", "warning", "info", "Open", "Waived"}
    words |= set(every_heading())
    for lang in ("de", "fr"):
        messages = i18n.messages(lang)
        assert sorted(w for w in words if not messages.get(w)) == [], lang


def every_heading() -> list[str]:
    """The column headings of every sheet the workbook can have (the Art. 30(2) sheet too), as printed."""
    from ropa.load.loader import load_register
    from ropa.render.tables import activities, categories, findings, own, providers, transfers
    from ropa.render.tables.present import present
    from tests.conftest import EXAMPLE

    register = load_register(EXAMPLE)
    sheets = {
        "Activities": activities.activity_columns(register),
        "Art. 30(2) processor": activities.processor_columns(register),
        "Providers": providers.provider_columns(register),
        "Recipients": providers.recipient_columns(register),
        "Sub-processors": providers.sub_processor_columns(register),
        "Transfers": transfers.transfer_columns(register),
        "Data categories": categories.category_columns(),
        "Retention": categories.retention_columns(),
        "Own processing": own.own_columns(register),
        "Findings": findings.finding_columns(),
    }
    headings = [column.header for sheet, columns in sheets.items() for column in present(sheet, columns)]
    assert len(headings) > 150
    return [*sheets, *headings]


def pattern(message: str) -> re.Pattern[str]:
    """A message with placeholders as a regular expression over one cell; a placeholder stands for a short text."""
    parts = re.split(r"\{\w+\}", message)
    return re.compile(r"[^\n]{0,200}?".join(re.escape(p) for p in parts))


def record_texts(path: Path, findings: str) -> set[str]:
    """The cell texts of every sheet but the Findings sheet (whose messages and articles are the rules' English)."""
    book = load_workbook(path, read_only=True)
    sheets = [ws for ws in book.worksheets if ws.title != findings]
    return {v for ws in sheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_composed_cells_are_in_the_language(lang: str, example_dir_module: Path, english: Path, tmp_path: Path) -> None:
    """Cells ropa composes from its words and the register's values ("dated <date>", retention sentences)."""
    messages = catalogue(lang)
    composed = {m: t for m, t in messages.items() if "{" in m and len(re.sub(r"\{\w+\}", "", m).strip()) >= 9}
    del composed["Record of processing activities - {organisation}"]  # a document property; the example titles itself
    en_texts = record_texts(english, "Findings")
    texts = record_texts(build(example_dir_module, tmp_path, "--lang", lang), messages["Findings"])
    shown = {m for m in composed if any(pattern(m).search(t) for t in en_texts)}
    assert len(shown) >= 10, sorted(set(composed) - shown)
    left = {m for m in shown if any(pattern(m).search(t) for t in texts)}
    assert left == set()
    assert {m for m in shown if not any(pattern(composed[m]).search(t) for t in texts)} == set()
    names = {"de": "Vereinigte Staaten (US)", "fr": "États-Unis (US)"}
    assert names[lang] in texts and not any("United States (US)" in t for t in texts), "country names of the language"
    day = {"de": "vom 20.03.2026", "fr": "du 20/03/2026"}
    assert any(day[lang] in t for t in texts) and not any("dated 2026-" in t for t in texts), "dates in the language"


def test_cells_are_composed_in_the_language() -> None:
    """Composed cell texts the example does not print: every part in the language, the register's values as written."""
    from ropa.model.activity import Retention
    from ropa.model.transfer import DpfCertification, Mechanism
    from ropa.render.tables import cells

    kept = Retention.model_validate(
        {"duration": "P6M", "trigger_event": "end of contract", "statutory_period": "P10Y", "after_withdrawal": "P1M"}
    )
    dpf = DpfCertification.model_validate({"certified": True, "covers": "non-hr", "checked_on": "2026-03-01"})
    scc = Mechanism.model_validate(
        {"type": "scc_2021_914", "modules": [2], "clause9_option": "general", "acceded_via_clause7": True}
    )
    with i18n.active("de"):
        assert cells.retention(kept) == (
            "6 Monate (P6M) ab end of contract; Gesetzliche Frist 10 Jahre (P10Y); "
            "Nach Widerruf der Einwilligung: aufbewahrt 1 Monat (P1M)"
        )
        assert cells.dpf(dpf) == "Zertifiziert, umfasst andere als Personaldaten, geprüft am 01.03.2026"
        assert cells.mechanism(scc).endswith(
            "; Klausel 9 Buchst. a: allgemeine Genehmigung; "
            "Datenimporteur über Klausel 7 beigetreten (Anhang I.A unterzeichnet), Datum nicht erfasst"
        )
    with i18n.active("fr"):
        assert cells.dpf(dpf) == "Certifié, couvre les données autres que RH, vérifié le 01/03/2026"
        assert cells.country("DE") == "Allemagne (DE)"
    assert cells.dpf(dpf) == "Certified, covers non-hr data, checked 2026-03-01", "English as before"
    assert cells.country("DE") == "Germany (DE)", "the cache keeps one name per language"

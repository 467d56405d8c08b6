"""The PDF register, read back: content, structure, metadata, attachment, reproducibility, layout."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from ropa.check.findings import Report
from ropa.model.register import Register
from tests.render.conftest import LONG_WORD, flat, load, pdf_text, register_files, word_boxes


def _reader(pdf: bytes):  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


def _page_texts(pdf: bytes) -> list[str]:
    """Text of each page (pdftotext separates pages with a form feed)."""
    return pdf_text(pdf).split("\f")[:-1]


def test_every_activity_provider_and_section_appears(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    register, _report, pdf = small_register_pdf
    text = flat(pdf_text(pdf))
    for entry in register.activities():
        assert flat(entry.activity.name) in text
        assert entry.host is None or flat(entry.host.legal_name) in text
    for provider in register.providers:
        assert flat(provider.legal_name) in text
    for phrase in (
        "Contents",
        "1. The controller (Art. 30(1)(a))",
        "Purposes and lawful basis",
        "Art. 6(1)(f) legitimate interests",
        "30 days (P30D) from delivery; then deleted",
        "Processing on behalf of controllers (Art. 30(2))",
        "Ελληνικά Καταστήματα Α.Ε.",
        "Recipients and providers",
        "Transfers outside the EEA",
        "Module Two (controller to processor)",
        "Retention per data category",
        "Security measures",
        "Data flows: activities, providers, sub-processors, countries",
        "深圳短信科技有限公司",
        "Appendix A. Validation findings",
        "Validation status",
        "Record version",
        "2026.3",
        "2026-11-01",
    ):
        assert flat(phrase) in text, phrase


def test_cover_holds_organisation_version_date_and_status(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, report, pdf = small_register_pdf
    cover = flat(_page_texts(pdf)[0])
    assert flat("Rīgas Ziņu Serviss SIA") in cover
    assert "2026.3" in cover and "2026-11-01" in cover
    summary = report.summary()
    assert flat(f"{summary['error']} errors, {summary['warning']} warnings") in cover
    assert flat("Findings to fix: the record has errors") in cover


def test_toc_page_numbers_point_at_the_headings(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, _report, pdf = small_register_pdf
    pages = _page_texts(pdf)
    toc = next(page for page in pages if page.lstrip().startswith("Contents") or "\nContents\n" in page)
    checked = 0
    titles = ("1. The controller (Art. 30(1)(a))", "4.2 Transfers outside the EEA", "Appendix A. Validation findings")
    for title in titles:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", toc, re.M)
        assert match, f"{title!r} not in the contents"
        page = int(match.group(1))
        assert title in pages[page - 1], f"{title!r} is not on page {page}"
        checked += 1
    assert checked == 3


def test_running_header_and_footer(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, _report, pdf = small_register_pdf
    pages = _page_texts(pdf)
    total = len(pages)
    assert 8 <= total <= 40
    for number, text in enumerate(pages[1:], start=2):
        assert f"page {number} of {total}" in text
        assert "Rīgas Ziņu Serviss SIA" in text
        assert "version 2026.3" in text


def test_missing_facts_are_marked_not_stated(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, _report, pdf = small_register_pdf
    text = pdf_text(pdf)
    body = text[text.index("Art. 30(1)(a): name and contact") :]
    marketing = body[body.index("2.2 Marketing SMS") :]
    section = marketing[: marketing.index("Processing on behalf of controllers")]
    # Beta states neither recipients nor data categories nor an owner: every gap is shown.
    assert section.count("Not recorded") >= 6
    # The missing recipients are also marked with the finding about them.
    assert re.search(r"Recipients \(Art\. 30\(1\)\(d\)\) \u26a0\s?F\d+\nNot recorded", section)


def test_findings_appendix_lists_every_finding(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, report, pdf = small_register_pdf
    assert report.findings, "the fixture is meant to have findings"
    pages = _page_texts(pdf)
    appendix = flat("".join(page for page in pages[3:] if "Appendix A. Validation findings" in page))
    for finding in report.findings:
        assert flat(finding.rule) in appendix


def test_no_findings_is_stated_clearly(small_register: tuple[Register, Report]) -> None:
    from ropa.render.pdf import render_register_pdf

    register, _report = small_register
    text = flat(pdf_text(render_register_pdf(register, Report(as_of="2026-11-01"), None)))
    assert flat("There are no validation findings") in text
    assert flat("Passed: no findings") in text


def test_metadata_pdfa_tags_and_language(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, _report, pdf = small_register_pdf
    reader = _reader(pdf)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Record of processing activities \u2013 Rīgas Ziņu Serviss SIA"
    assert meta.author == "Rīgas Ziņu Serviss SIA"
    assert "Art. 30 GDPR" in (meta.subject or "")
    assert meta["/CreationDate"] == "D:20261101000000Z"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root, "the PDF should be tagged"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


def test_register_json_is_the_only_attachment(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    from ropa.archive.normalise import register_json

    register, _report, pdf = small_register_pdf
    attachments = _reader(pdf).attachments
    assert list(attachments) == ["register.json"]
    assert attachments["register.json"] == [register_json(register)]


def test_same_input_same_bytes(
    small_register: tuple[Register, Report],
    small_register_pdf: tuple[Register, Report, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ropa.render.pdf import render_register_pdf

    register, report = small_register  # loaded afresh from its own copy of the files
    first = hashlib.sha256(small_register_pdf[2]).hexdigest()
    second = hashlib.sha256(render_register_pdf(register, report, None)).hexdigest()
    assert first == second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    epoch_a = render_register_pdf(register, report, None)
    epoch_b = render_register_pdf(register, report, None)
    assert hashlib.sha256(epoch_a).digest() == hashlib.sha256(epoch_b).digest()
    assert _reader(epoch_a).metadata["/CreationDate"] == "D:20231114221320Z"
    assert hashlib.sha256(epoch_a).hexdigest() != first


def test_html_is_built_once_and_exposed(small_register: tuple[Register, Report]) -> None:
    from ropa.render.pdf import register_html

    register, report = small_register
    html = register_html(register, report, None)
    assert html.startswith("<!DOCTYPE html>")
    assert html == register_html(register, report, None)
    assert html.count("<svg") == 1
    assert "leader(" in html and 'data-page=""' in html  # the front as measured, before its numbers are known


def test_fonts_cover_latvian_greek_chinese_arabic(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, _report, pdf = small_register_pdf
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=False)
    if out.returncode != 0:  # older poppler cannot read stdin
        names = {
            str(font["/BaseFont"])
            for page in _reader(pdf).pages
            for font in (page["/Resources"].get("/Font") or {}).values()
        }
        listing = " ".join(names)
    else:
        listing = out.stdout.decode()
    assert "DejaVu" in listing
    assert "CJK" in listing
    text = pdf_text(pdf)
    assert "Rīgas" in text and "Ελληνικά" in text and "深圳短信科技有限公司" in text
    assert "شركة الرسائل القصيرة" in text.replace("\u202b", "").replace("\u202c", "")
    assert "\ufffd" not in text


def test_nothing_runs_off_the_page(small_register_pdf: tuple[Register, Report, bytes], tmp_path: Path) -> None:
    """Every word's box lies inside the A4 page: long words wrap inside their table cells."""
    _register, _report, pdf = small_register_pdf
    width, height, words = word_boxes(pdf, tmp_path)
    assert words
    assert max(w[2] for w in words) <= width - 30  # inside the right margin (17 mm = 48 pt)
    assert max(w[3] for w in words) <= height
    pieces = [w[4] for w in words if w[4] and w[4] in LONG_WORD]
    assert len("".join(pieces)) >= len(LONG_WORD), "the long word is printed whole, over several lines"


def test_user_templates_are_searched_first(small_register: tuple[Register, Report], tmp_path: Path) -> None:
    from ropa.render.pdf import render_register_pdf

    register, report = small_register
    custom = tmp_path / "templates"
    (custom / "partials").mkdir(parents=True)
    builtin = Path(__file__).resolve().parents[2] / "templates" / "partials" / "cover.html"
    (custom / "partials" / "cover.html").write_text(
        builtin.read_text("utf-8").replace("Record of processing activities · Article 30 GDPR", "House style cover"),
        "utf-8",
    )
    text = pdf_text(render_register_pdf(register, report, custom))
    assert "HOUSE STYLE COVER" in text.upper()
    assert "ARTICLE 30 GDPR" not in text.upper()
    assert "Appendix A. Validation findings" in text  # everything else still from the built-in folder


def test_templates_readme_documents_every_view_field() -> None:
    from ropa.render import annex_subprocessors, annex_transfers, annexes, figures
    from ropa.render.views import (
        activity,
        findings,
        marks,
        measures,
        overview,
        parties,
        places,
        register,
        summaries,
        transfers,
        wording,
    )

    readme = (Path(__file__).resolve().parents[2] / "templates" / "README.md").read_text("utf-8")
    views: list[type] = [
        register.RegisterView,
        activity.ActivityView,
        activity.ProcessorActivityView,
        register.ControllerView,
        parties.Party,
        transfers.TransferView,
        measures.MeasureView,
        measures.MeasureGroup,
        summaries.RecipientRow,
        summaries.RetentionRow,
        findings.FindingView,
        findings.WaivedView,
        findings.Status,
        register.DocumentMeta,
        activity.PurposeView,
        activity.SubjectView,
        activity.CategoryView,
        activity.RecipientView,
        activity.PartyView,
        marks.Mark,
        marks.FindingRef,
        overview.Overview,
        overview.OverviewRow,
        overview.TopicCount,
        overview.Cell,
        places.Place,
        register.TocEntry,
        wording.Detail,
        figures.FigureView,
        figures.FigurePart,
        figures.Box,
        figures.Path,
        figures.Line,
        annexes.AnnexView,
        annexes.AnnexParty,
        annexes.MeasureRow,
        annexes.ChecklistItem,
        annex_subprocessors.SubProcessorView,
        annex_subprocessors.AnnexIV,
        annex_transfers.SensitiveRow,
        annex_transfers.TransferSection,
        annex_transfers.DestinationRow,
        annex_transfers.SccAppendix,
        annex_transfers.SccParty,
    ]
    missing = [
        f"{view.__name__}.{f.name}" for view in views for f in dataclasses.fields(view) if f"`{f.name}`" not in readme
    ]
    assert not missing, f"templates/README.md does not mention: {missing}"


def test_build_writes_one_annex_per_provider(make_register: Callable[..., Path], tmp_path: Path) -> None:
    from ropa.produce.build import build

    organisation, providers = register_files()
    register, report = load(make_register(providers, organisation))
    out = tmp_path / "out"
    (out / "annexes").mkdir(parents=True)
    (out / "annexes" / "removed-provider.pdf").write_bytes(b"%PDF-stale")
    build(register, report, out, only={"annexes"}, workers=2)
    annexes = sorted(p for p in (out / "annexes").glob("*.pdf") if not p.name.endswith(".review.pdf"))
    assert len(annexes) == len(register.providers) == 3
    assert {p.stem for p in annexes} == {p.id for p in register.providers}
    for annex in annexes:
        provider = register.provider(annex.stem)
        assert provider is not None
        assert flat(provider.legal_name) in flat(pdf_text(annex.read_bytes()))


# ---------------------------------------------------------------------------- the bundled example


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Register, Report, Path]:
    """The bundled example built as ``ropa build --only pdf,annexes`` would: register and output folder."""
    from ropa.produce.build import build

    register, report = load(Path(__file__).resolve().parents[2] / "examples" / "sms-providers")
    out = tmp_path_factory.mktemp("example-out")
    build(register, report, out, only={"pdf", "annexes"}, workers=2)
    return register, report, out


def test_example_register_shows_every_activity_and_provider(example: tuple[Register, Report, Path]) -> None:
    register, _report, out = example
    pdf = (out / "register.pdf").read_bytes()
    text = flat(pdf_text(pdf))
    assert register.providers
    for provider in register.providers:
        assert flat(provider.legal_name) in text
        for activity in provider.activities:
            assert flat(activity.name) in text
    pages = len(_reader(pdf).pages)
    # An activity takes a few pages, and one more for the list of its findings.
    assert 6 <= pages <= 30 + 5 * len(register.activities())  # the cover, overview, contents and appendix grow too


def test_example_annexes_one_per_provider(example: tuple[Register, Report, Path]) -> None:
    register, _report, out = example
    annexes = sorted(p for p in (out / "annexes").glob("*.pdf") if not p.name.endswith(".review.pdf"))
    assert [p.stem for p in annexes] == sorted(p.id for p in register.providers)
    for annex in annexes:
        provider = register.provider(annex.stem)
        assert provider is not None
        text = flat(pdf_text(annex.read_bytes()))
        assert flat(provider.legal_name) in text
        assert flat("ANNEX I – List of parties") in text
        assert flat("Article 28(3) checklist") in text


# ---------------------------------------------------------------------------- the data-flow figure


def _synthetic(providers: int, subs_each: int) -> Register:
    """A register of ``providers`` providers with ``subs_each`` sub-processors each, built in memory."""
    from ropa.model.organisation import Organisation
    from ropa.model.provider import Provider

    organisation = Organisation.model_validate(
        {"legal_name": "Nordlicht Commerce GmbH", "country": "DE", "record": {"version": "1", "date": "2026-11-01"}}
    )
    countries = ["DE", "US", "CN", "FR", "IN"]
    items = [
        Provider.model_validate(
            {
                "id": f"p{i:03d}",
                "legal_name": f"Provider {i} " + "International Messaging Networks " * (i % 3) + "Ltd",
                "country": countries[i % len(countries)],
                "role": "processor",
                "service": "SMS delivery",
                "sub_processors": [
                    {"id": f"s{j}", "name": f"Sub {i}.{j} Hosting", "country": countries[(i + j) % len(countries)]}
                    for j in range(subs_each + i % 4)
                ],
            }
        )
        for i in range(providers)
    ]
    return Register(organisation=organisation, providers=items, provider_files={p.id: f"{p.id}.yaml" for p in items})


@pytest.mark.parametrize(("providers", "subs_each"), [(5, 2), (100, 3), (3, 60)])
def test_figure_layout_stays_legible(providers: int, subs_each: int) -> None:
    from ropa.render import figures

    register = _synthetic(providers, subs_each)
    view = figures.build_figure(register)
    assert view.providers == providers
    if providers <= 5 and subs_each < 10:
        assert len(view.parts) == 1
    else:
        assert len(view.parts) > 1
    chips = 0
    named: set[str] = set()
    for index, part in enumerate(view.parts):
        limit = figures.MAX_HEIGHT_FIRST if index == 0 else figures.MAX_HEIGHT
        assert part.height <= limit + figures.LEGEND_H
        assert part.height_mm <= 250
        for box in part.boxes:
            assert box.x >= 0 and box.x + box.w <= part.width and box.y >= 0 and box.y + box.h <= part.height
        nodes = [b for b in part.boxes if b.cls.split()[0] in ("provider", "sub")]
        for a_index, a in enumerate(nodes):  # no two boxes overlap
            for b in nodes[a_index + 1 :]:
                assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
        for line in part.lines:
            assert figures.text_width(line.text, figures.scale_of(line.cls)) <= line.width + 0.01, line.text
            assert line.x + line.width <= part.width and line.top + figures.LINE <= part.height + 0.01
        chips += sum(1 for b in part.boxes if b.cls.split()[0] == "sub" and b.y >= figures.LEGEND_H)
        named.update(line.text for line in part.lines if line.cls == "name")
    assert chips == sum(len(p.sub_processors) for p in register.providers)
    for provider in register.providers:
        assert any(provider.legal_name.startswith(text.rstrip("\u2026")) for text in named), provider.legal_name


def test_figure_marks_what_is_outside_the_eea() -> None:
    from ropa.render.figures import build_figure

    view = build_figure(_synthetic(5, 2))
    part = view.parts[0]
    countries = [b for b in part.boxes if b.cls.startswith("country") and b.y > 40]
    assert countries
    for box in countries:  # each country box says in words what its style shows
        inside = [line for line in part.lines if box.x <= line.x < box.x + box.w and box.y <= line.top < box.y + box.h]
        words = " ".join(line.text for line in inside)
        outside = any(code in words for code in ("(US)", "(CN)", "(IN)"))
        assert (box.cls == "country outside") is outside, words
        assert ("outside the EEA" in words) is outside, words
    assert any(b.cls == "sub outside" for b in part.boxes)
    assert any(p.cls == "edge outside" for p in part.paths)
    assert any(p.cls == "edge" for p in part.paths)


def test_figure_page_of_the_pdf(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, _report, pdf = small_register_pdf
    page = next(t for t in _page_texts(pdf) if "Data flows: activities, providers" in t and "Figure 1" in t)
    for text in (
        "Alpha Messaging Inc.",
        "China (CN)",
        "United States (US)",
        "outside the EEA",
        "Latvia (LV)",
        "No sub-processors recorded",
        "Data leaves the EEA",
        "Data categories on the edges: D1",
    ):
        assert text in page, text


def test_register_without_providers_says_so(tmp_path: Path) -> None:
    from ropa.render.pdf import render_register_pdf
    from tests.render.conftest import write_register

    organisation, _providers = register_files()
    register, report = load(write_register(tmp_path / "register", organisation, {}))
    text = flat(pdf_text(render_register_pdf(register, report, None)))
    assert flat("No processing activity is recorded") in text
    assert flat("No provider is recorded, so there is no data flow to draw") in text
    assert flat("Processing for Ελληνικά Καταστήματα Α.Ε.") in text

"""The speed settings of the PDF writer change how fast the register is written, never what it shows.

The example register is rendered with today's settings of :mod:`ropa.render.pdf` and with the
previous ones (pydyf's zlib level 9 for the streams WeasyPrint writes); both must give the
same pages, the same text on each page and the same drawing operators on each page, and today's
settings the same bytes twice.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import ropa.render.pdf as pdf
from ropa.pipeline import load_and_check_for_documents

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"
PREVIOUS = {"STREAM_ZLIB_LEVEL": 9}
"""The settings before the levers of 2026-12-02."""


def _render(tmp: Path, name: str, **settings: object) -> Path:
    register, report = load_and_check_for_documents(EXAMPLE)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings.items():
            patch.setattr(pdf, key, value)
        data = pdf.render_register_pdf(register, report)
    path = tmp / f"{name}.pdf"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's register PDF: today's settings twice, the previous settings once."""
    tmp = tmp_path_factory.mktemp("levers")
    return {
        "now": _render(tmp, "now"),
        "again": _render(tmp, "again"),
        "previous": _render(tmp, "previous", **PREVIOUS),
    }


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _drawing(path: Path) -> Iterator[bytes]:
    """Each page's content streams, decoded (what is drawn, and where)."""
    with pikepdf.open(path) as document:
        for page in document.pages:
            contents = page.obj.Contents
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            yield b"\n".join(stream.read_bytes() for stream in streams)


def test_settings_differ_from_the_previous_ones() -> None:
    assert {key: getattr(pdf, key) for key in PREVIOUS} != PREVIOUS


def test_same_pages_and_text_per_page_as_before(builds: dict[str, Path]) -> None:
    now, previous = _texts(builds["now"]), _texts(builds["previous"])
    assert len(now) == len(previous) > 10
    assert now == previous
    assert any("Nordlicht Commerce GmbH" in text for text in now)


def test_same_drawing_per_page_as_before(builds: dict[str, Path]) -> None:
    assert list(_drawing(builds["now"])) == list(_drawing(builds["previous"]))


def test_byte_identical_run_to_run(builds: dict[str, Path]) -> None:
    assert builds["now"].read_bytes() == builds["again"].read_bytes()


def test_page_streams_are_deflated_at_the_set_level(builds: dict[str, Path]) -> None:
    """zlib's second header byte records the level class: 0x9C for the default (6), 0xDA for 7-9."""
    expected = zlib.compress(b"x", pdf.STREAM_ZLIB_LEVEL)[1]
    previous = zlib.compress(b"x", 9)[1]
    for path, flag in ((builds["now"], expected), (builds["previous"], previous)):
        with pikepdf.open(path) as document:
            raw = [s.read_raw_bytes() for page in document.pages for s in _streams(page.obj.Contents)]
        weasyprint_streams = [data for data in raw if len(data) > 100]
        assert weasyprint_streams
        assert {data[1] for data in weasyprint_streams} == {flag}


def _streams(contents: object) -> list[pikepdf.Stream]:
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]  # type: ignore[list-item]

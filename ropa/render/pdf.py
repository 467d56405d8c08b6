"""PDF documents: view-model -> HTML (Jinja) -> PDF/A-3b (WeasyPrint), the register with its JSON attached.

One WeasyPrint document is written by :func:`html_to_pdf` (annexes) or
:func:`render_part` (a part of the register or of the report, with what
joining it needs: page count, anchors, bookmarks). The register is planned in
parts by :class:`ropa.render.parts.RegisterPlan` and joined by
:mod:`ropa.render.joinpdf`; :func:`render_register_pdf` does that in one
process, ``ropa build`` in its worker pool with the same bytes. WeasyPrint is
imported inside these functions only (it costs about half a second).

Same input, same bytes: WeasyPrint 70 writes no clock dates when the HTML
carries ``dcterms.created``/``dcterms.modified`` (set from
:func:`ropa.util.dates.document_datetime`), the attachment gets the same fixed
dates, and the PDF ``/ID`` is a hash of the content (qpdf's deterministic ID
for joined documents).
"""

from __future__ import annotations

import contextlib
import gc
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ropa.check.findings import Report
from ropa.model.register import Register
from ropa.util.gcpolicy import GC_THRESHOLDS as GC_THRESHOLDS  # read by benchmarks/run.py
from ropa.util.gcpolicy import laying_out
from ropa.util.gcpolicy import release_memory as release_memory  # read by ropa/produce/build.py

if TYPE_CHECKING:
    from ropa.render.jobs import PartResult, Task

PDF_VARIANT = "pdf/a-3b"
"""PDF/A-3b allows the JSON attachment; WeasyPrint 70 also tags it (pdf_tags) without complaint."""
PDF_TAGS = True
ATTACHMENT_NAME = "register.json"
STREAM_ZLIB_LEVEL = 6
"""zlib level of the streams WeasyPrint writes (pages, fonts, metadata): pydyf's own 9 costs more CPU for
about 2 % smaller files (figures in benchmarks/README.md, "Levers")."""


@dataclass(frozen=True)
class AttachmentSpec:
    """A file to embed: bytes, name, description, AFRelationship."""

    data: bytes
    name: str
    description: str
    relationship: str = "Source"


class _LevelledZlib:
    """Stands in for the ``zlib`` module inside pydyf: the same functions, compressing at one given level."""

    def __init__(self, level: int) -> None:
        self.level = level

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(self.level, *args, **kwargs)

    def compress(self, data: bytes, /, level: int = -1, **kwargs: Any) -> bytes:
        return zlib.compress(data, self.level, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


@contextlib.contextmanager
def stream_compression(level: int) -> Iterator[None]:
    """Have WeasyPrint's PDF writer (pydyf) deflate its streams at ``level`` for the ``with`` block.

    pydyf calls ``zlib.compressobj(level=9)`` for every stream and offers no option, so its
    module's ``zlib`` is replaced for the block and put back after. Deflate at a fixed level
    is deterministic, so the bytes stay the same run to run; the text and layout do not
    depend on it (``tests/perf_levers``).
    """
    import pydyf  # type: ignore[import-untyped]

    if level == 9:
        yield
        return
    original = pydyf.zlib
    pydyf.zlib = _LevelledZlib(level)
    try:
        yield
    finally:
        pydyf.zlib = original


def html_to_pdf(
    html: str,
    register: Register,
    templates: Path | None,
    attachments: Sequence[AttachmentSpec] = (),
) -> bytes:
    """Write ``html`` as PDF/A-3b with ``attachments``, fetching only template files.

    Dates of the attachments are the document date (record date or SOURCE_DATE_EPOCH).
    """
    return render_part(html, register, templates, attachments).pdf


def render_part(
    html: str,
    register: Register,
    templates: Path | None,
    attachments: Sequence[AttachmentSpec] = (),
    layout_only: bool = False,
) -> PartResult:
    """Lay out ``html`` and write it like :func:`html_to_pdf`, keeping what joining parts needs.

    Returns the PDF (empty with ``layout_only``), the page count, the first page
    of each anchor and the bookmarks (level, label, page, open) in order.
    """
    from weasyprint import HTML, Attachment  # type: ignore[import-untyped]

    from ropa.render.fetcher import make_fetcher
    from ropa.render.html import template_roots
    from ropa.render.jobs import PartResult
    from ropa.util.dates import document_datetime

    roots = template_roots(templates)
    fetcher = make_fetcher(roots)
    when = document_datetime(register)
    with laying_out():
        document = HTML(string=html, base_url=roots[0].as_uri() + "/", url_fetcher=fetcher).render(
            pdf_variant=PDF_VARIANT, pdf_tags=PDF_TAGS
        )
        anchors: dict[str, int] = {}
        bookmarks: list[tuple[int, str, int, float, float, bool]] = []
        for number, page in enumerate(document.pages):
            for anchor in page.anchors:
                anchors.setdefault(anchor, number)
            bookmarks.extend(
                (level, label, number, float(x), float(y), state != "closed")
                for level, label, (x, y), state in page.bookmarks
            )
        pdf = b""
        if not layout_only:
            embedded = [
                Attachment(
                    string=a.data,
                    name=a.name,
                    description=a.description,
                    created=when,
                    modified=when,
                    relationship=a.relationship,
                    url_fetcher=fetcher,
                )
                for a in attachments
            ]
            with stream_compression(STREAM_ZLIB_LEVEL):
                pdf = document.write_pdf(
                    pdf_variant=PDF_VARIANT, pdf_tags=PDF_TAGS, attachments=embedded, uncompressed_pdf=False
                )
    return PartResult(pdf=pdf, pages=len(document.pages), anchors=anchors, bookmarks=bookmarks)


def render_task(task: Task, register: Register, templates: Path | None) -> PartResult:
    """Render one task of a :class:`~ropa.render.parts.RegisterPlan`."""
    attachments = [register_attachment(register)] if task.attach else []
    return render_part(task.html, register, templates, attachments, task.layout_only)


def render_parts_pdf(pages: Sequence[str], register: Register, templates: Path | None) -> bytes:
    """Lay out each HTML part on its own, one after another, and join them with page numbers.

    For documents without a table of contents (the validation report); the
    register uses :class:`~ropa.render.parts.RegisterPlan`, which also fills in
    its contents and renders its parts in parallel.
    """
    from ropa.i18n import gettext
    from ropa.render.joinpdf import join_parts
    from ropa.render.pagestamp import PAGE_LABEL
    from ropa.render.parts import numbers_html

    parts = []
    for html in pages:
        parts.append(render_part(html, register, templates))
        gc.collect()  # a laid-out part is a web of cycles: free it before the next one, not at some later threshold
        release_memory()
    pattern = gettext(PAGE_LABEL)
    numbers = render_part(numbers_html(pattern, templates), register, templates)
    return join_parts(parts, numbers, pattern, None)


def register_html(register: Register, report: Report, templates: Path | None = None) -> str:
    """The HTML of every part of the register, in order (for inspection; each part is laid out on its own)."""
    from ropa.render.parts import RegisterPlan

    return "\n".join(RegisterPlan(register, report, templates).html())


def register_attachment(register: Register) -> AttachmentSpec:
    """The normalised register JSON, embedded so the PDF carries its own source data."""
    from ropa.archive.normalise import register_json

    return AttachmentSpec(
        data=register_json(register),
        name=ATTACHMENT_NAME,
        description="Normalised register (ropa-register JSON) this document was rendered from",
        relationship="Source",
    )


def render_register_pdf(register: Register, report: Report, templates: Path | None = None) -> bytes:
    """The PDF register (PDF/A-3b, tagged, register JSON attached) as bytes, its parts rendered one by one.

    ``ropa build`` makes the same bytes with the parts rendered in parallel and cached.
    """
    from ropa.render.parts import RegisterPlan

    plan = RegisterPlan(register, report, templates)
    while tasks := plan.tasks():
        for task in tasks:
            plan.receive(task.name, render_task(task, register, templates))
    return plan.join()

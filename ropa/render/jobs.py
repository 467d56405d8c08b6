"""What a render worker is given and gives back: a :class:`Task` (HTML to lay out) and a :class:`PartResult`.

Shared by the planner (:mod:`ropa.render.parts`), the workers that render tasks and the
joiner (:mod:`ropa.render.joinpdf`), so none of them needs to import another for these types.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Task:
    """One WeasyPrint document to render: a part, the measuring of the front, or the page numbers.

    The HTML is held compressed (with its SHA-256 for the cache key): the parts of a register of 10,000
    activities are 100 MB of HTML, queued for the workers all at once.
    """

    name: str
    packed: bytes
    """The HTML, UTF-8, zlib-compressed (see :meth:`of` and :attr:`html`)."""
    digest: str
    """SHA-256 of the HTML."""
    attach: bool = False
    """Whether the register JSON is attached (only the carrier, see :data:`ropa.render.parts.CARRIER_HTML`)."""
    layout_only: bool = False
    """Only the page count and anchors are wanted, not the PDF."""

    @classmethod
    def of(cls, name: str, html: str, attach: bool = False, layout_only: bool = False) -> Task:
        """A task rendering ``html``."""
        import zlib

        data = html.encode("utf-8")
        return cls(name, zlib.compress(data, 1), hashlib.sha256(data).hexdigest(), attach, layout_only)

    @property
    def html(self) -> str:
        """The HTML to lay out."""
        import zlib

        return zlib.decompress(self.packed).decode("utf-8")


@dataclass
class PartResult:
    """A rendered part: its PDF (empty when only laid out), page count, anchors and bookmarks."""

    pdf: bytes
    pages: int
    anchors: dict[str, int]
    """First page (0-based, within the part) of each anchor."""
    bookmarks: list[tuple[int, str, int, float, float, bool]]
    """``(level, label, page, x, y, open)`` of each heading, in order; x and y in CSS px from the top left."""
    path: str = ""
    """Where the PDF is when it was set aside on disk (then :attr:`pdf` is empty), see :meth:`spill`."""

    def spill(self, path: Path) -> PartResult:
        """This result with its PDF written to ``path`` instead of held in memory."""
        from ropa.util.fsutil import spilling

        with spilling(path):
            path.write_bytes(self.pdf)
        return PartResult(b"", self.pages, self.anchors, self.bookmarks, str(path))

    def to_bytes(self) -> bytes:
        """One blob for the cache: a JSON header line, then the PDF."""
        import json

        head = json.dumps(
            {"pages": self.pages, "anchors": self.anchors, "bookmarks": self.bookmarks},
            sort_keys=True,
            ensure_ascii=True,
            separators=(",", ":"),
        ).encode("ascii")
        return head + b"\n" + self.pdf

    @classmethod
    def from_bytes(cls, blob: bytes) -> PartResult:
        """Inverse of :meth:`to_bytes`."""
        import json

        head, _, pdf = blob.partition(b"\n")
        meta = json.loads(head)
        return cls(
            pdf=pdf,
            pages=int(meta["pages"]),
            anchors={str(k): int(v) for k, v in meta["anchors"].items()},
            bookmarks=[(int(a), str(b), int(c), float(x), float(y), bool(d)) for a, b, c, x, y, d in meta["bookmarks"]],
        )

"""The running "page X of Y", written into each joined page as one small sample rendered by WeasyPrint drew it.

Rendering a blank page per page of the register only to carry its number cost a second of
layout per thousand pages after every part was done. Instead ``page_numbers.html`` lays out
two sample pages once (:func:`sample_labels`: every digit and every word of the label
pattern), and :class:`Stamp` reads from them what WeasyPrint drew: the content stream around
the label (colour, graphics state, font and size), the glyph code and advance of each
character, and where the text starts. Two labels of different widths tell how the start
moves with the width (right-aligned in ``base.css``: by the whole width), so each page's
label is written where the margin box would have put it, with the sample's embedded font
subset (PDF/A: every glyph drawn is embedded, ``/ToUnicode`` maps it back to its text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PAGE_LABEL = "page {page} of {pages}"
"""The msgid of the running page number; a catalogue gives it in the document's language."""
SAMPLE_VALUES = (("01234", "56789"), ("1", "1"))
"""The two sample labels' numbers: together every digit, and two widths to tell the alignment."""

_NUMBER = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_TJ = re.compile(rb"\[((?:\s*(?:<[0-9A-Fa-f\s]*>|" + _NUMBER + rb"))*)\s*\]\s*TJ")
_TM = re.compile(rb"((?:" + _NUMBER + rb"\s+){4})(" + _NUMBER + rb")(\s+" + _NUMBER + rb"\s+Tm)")
_TF = re.compile(rb"/([^\s/\[\]<>()]+)\s+(" + _NUMBER + rb")\s+Tf")
_MARKED = re.compile(rb"/[^\s/]+\s*<<\s*/MCID\s+\d+\s*>>\s*BDC\s*")
_EMC = re.compile(rb"\bEMC\b\s*")
_ITEM = re.compile(rb"<([0-9A-Fa-f\s]*)>|(" + _NUMBER + rb")")
_SPACING = re.compile(rb"(?<![\w.])(?:Tc|Tw|Tz)(?![\w])")


class SampleError(ValueError):
    """``page_numbers.html`` drew its sample in a way the page numbers cannot be written from."""

    def __init__(self, message: str) -> None:
        super().__init__(f"page_numbers.html: {message}")


def sample_labels(pattern: str) -> list[str]:
    """The labels of the sample pages (``page_numbers.html`` receives them as ``labels``)."""
    return [pattern.format(page=page, pages=pages) for page, pages in SAMPLE_VALUES]


def _real(value: float) -> bytes:
    return (f"{value:.6f}".rstrip("0").rstrip(".") or "0").encode("ascii")


PANGO_UNITS = 1024
"""WeasyPrint places each glyph at its advance rounded to 1/1024 of a CSS pixel (Pango's unit)."""


def _advances(font: Any, size: float) -> dict[int, float]:
    """Advance of each glyph code of a Type 0 font at ``size``, as WeasyPrint laid it out.

    From the embedded font's own metrics (the ``/W`` widths are rounded to a thousandth of the
    size, which would move a right-aligned label by up to a hundredth of a point); ``/W`` only
    when the font program has no ``hmtx`` table.
    """
    import pikepdf

    cid = font.DescendantFonts[0]
    widths: dict[int, float] = {}
    items = list(cid.get("/W", []))
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for n, width in enumerate(items[i + 1]):
                widths[first + n] = float(width)
            i += 2
        else:
            for code in range(first, int(items[i + 1]) + 1):
                widths[code] = float(items[i + 2])
            i += 3
    advances = {code: width * size / 1000 for code, width in widths.items()}
    descriptor = cid.get("/FontDescriptor", {})
    program = descriptor.get("/FontFile2", descriptor.get("/FontFile3"))
    if program is None:
        return advances
    import io

    from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]

    try:
        parsed = TTFont(io.BytesIO(program.read_bytes()), lazy=True)
        order, metrics, per_em = parsed.getGlyphOrder(), parsed["hmtx"], parsed["head"].unitsPerEm
    except (TTLibError, KeyError, AssertionError):
        return advances
    for code in widths:
        if code < len(order):
            advance = metrics[order[code]][0] / per_em * size
            advances[code] = round(advance * PANGO_UNITS) / PANGO_UNITS
    return advances


@dataclass(frozen=True)
class _Drawn:
    """One sample page: its content split around the label, and the label as drawn."""

    before: bytes
    """Content up to the text's x in its ``Tm`` (exclusive)."""
    middle: bytes
    """From after that x to the ``TJ`` array (exclusive)."""
    after: bytes
    """From after the ``TJ`` operator to the end."""
    x: float
    codes: list[int]
    adjustments: list[float]
    """The ``TJ`` number after each glyph (0 where there is none)."""
    font: str
    size: float
    scale: float
    """The ``Tm``'s horizontal scale (x grows by ``scale`` times a text-space advance)."""


def _drawn(content: bytes) -> _Drawn:
    """Split a sample page's content around its one line of text (its tagging dropped: the stamp is an artifact)."""
    marked = len(_MARKED.findall(content))
    content = _MARKED.sub(b"", content)
    shown = list(_TJ.finditer(content))
    if len(shown) != 1:
        raise SampleError(f"the sample label is drawn as {len(shown)} runs of text, not one line in one font")
    tj = shown[0]
    head = content[: tj.start()]
    tms, tfs = list(_TM.finditer(head)), list(_TF.finditer(head))
    if not tms or not tfs or _SPACING.search(content):
        raise SampleError("the sample label has no text matrix and font, or sets character or word spacing")
    tm, tf = tms[-1], tfs[-1]
    codes: list[int] = []
    adjustments: list[float] = []
    for item in _ITEM.finditer(tj.group(1)):
        if item.group(1) is not None:
            digits = re.sub(rb"\s", b"", item.group(1))
            for i in range(0, len(digits), 4):
                codes.append(int(digits[i : i + 4], 16))
                adjustments.append(0.0)
        elif adjustments:
            adjustments[-1] += float(item.group(2))
    after = content[tj.end() :]
    if marked:
        after = _EMC.sub(b"", after, count=marked)
    return _Drawn(
        before=content[: tm.start(2)],
        middle=content[tm.end(2) : tj.start()],
        after=after,
        x=float(tm.group(2)),
        codes=codes,
        adjustments=adjustments,
        font=tf.group(1).decode("latin-1"),
        size=float(tf.group(2)),
        scale=float(tm.group(1).split()[0]),
    )


def _content(page: Any) -> bytes:
    """A page's content streams, decoded and joined."""
    import pikepdf

    contents = page.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    return b"\n".join(stream.read_bytes() for stream in streams)


ALIGNMENTS = (0.0, 0.5, 1.0)
"""Left, centred, right: how far the start of a label moves back per unit of its width."""


class Stamp:
    """Writes the content of a page's number, as the sample pages drew theirs.

    Built from the open sample PDF (``page_numbers.html`` laid out with :func:`sample_labels`); every
    page's content uses the first sample page's resources (:attr:`resources`) and media box (:attr:`box`).
    """

    def __init__(self, pdf: Any, pattern: str) -> None:
        labels = sample_labels(pattern)
        if len(pdf.pages) != len(labels):
            raise SampleError(f"drew {len(pdf.pages)} pages for {len(labels)} labels")
        page = pdf.pages[0]
        self.resources = page.obj.get("/Resources")
        self.box = [float(v) for v in page.obj.MediaBox]
        drawn = [_drawn(_content(p.obj)) for p in pdf.pages]
        first = drawn[0]
        fonts = self.resources.get("/Font", {}) if self.resources is not None else {}
        if "/" + first.font not in fonts or "/DescendantFonts" not in fonts["/" + first.font]:
            raise SampleError(f"the sample label's font /{first.font} is not a composite font of its page")
        advances = _advances(fonts["/" + first.font], first.size)
        self.glyphs: dict[str, int] = {}
        self.advances: dict[int, float] = {}
        self.kerning: dict[tuple[str, str], float] = {}
        for label, found in zip(labels, drawn, strict=True):
            if len(found.codes) != len(label) or found.font != first.font or found.size != first.size:
                raise SampleError(
                    f"the sample label {label!r} is drawn as {len(found.codes)} glyphs, not one per character"
                )
            for n, (char, code) in enumerate(zip(label, found.codes, strict=True)):
                self.glyphs.setdefault(char, code)
                if code not in advances:
                    raise SampleError(f"the sample label's glyph {code} has no width in its font")
                self.advances[code] = advances[code]
                following = label[n + 1] if n + 1 < len(label) else ""
                self.kerning.setdefault((char, following), found.adjustments[n])
        self._first = first
        widths_drawn = [self.width(label) for label in labels]
        moved = (drawn[1].x - first.x) / (widths_drawn[0] - widths_drawn[1])
        self.align = min(ALIGNMENTS, key=lambda a: abs(a - moved))
        if abs(self.align - moved) > 1e-3:
            raise SampleError("the sample labels are neither left-aligned, centred nor right-aligned")
        self._origin = first.x + self.align * widths_drawn[0]

    def width(self, label: str) -> float:
        """The advance of ``label`` in the units of the text's x (as the sample's font and size draw it)."""
        total = 0.0
        for n, char in enumerate(label):
            following = label[n + 1] if n + 1 < len(label) else ""
            kern = self.kerning.get((char, following), 0.0) * self._first.size / 1000
            total += self.advances[self.glyphs[char]] - kern
        return total * self._first.scale

    def content(self, label: str) -> bytes:
        """The content stream drawing ``label`` where the sample's margin box puts it."""
        missing = sorted(set(label) - set(self.glyphs))
        if missing:
            raise SampleError(f"the page number {label!r} uses characters the sample does not: {missing}")
        items = []
        for n, char in enumerate(label):
            items.append(b"<%04x>" % self.glyphs[char])
            following = label[n + 1] if n + 1 < len(label) else ""
            shift = self.kerning.get((char, following), 0.0)
            if shift:
                items.append(_real(shift))
        x = self._origin - self.align * self.width(label)
        first = self._first
        return first.before + _real(x) + first.middle + b"[" + b"".join(items) + b"] TJ" + first.after

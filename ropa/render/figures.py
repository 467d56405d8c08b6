"""The data-flow figure: organisation -> providers -> sub-processors, laid out in Python, drawn as SVG.

The layout is computed here as plain boxes, lines and text lines in SVG user
units; the template only writes them out. One figure part holds as many
providers as fit on an A4 page; a larger register gets several parts, each
repeating the organisation on the left, so the figure stays legible with 5
providers and with 100. Sub-processors sit beside their provider as a grid of
small boxes. Everything outside the EEA is drawn in the "outside" style (red,
dashed connector) and says so in words, not only in colour.

No user text ever reaches an attribute: texts are element content, which
Jinja escapes; attributes hold numbers and fixed class names only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ropa.model.facts import outside_eea as _outside
from ropa.model.provider import Provider
from ropa.model.register import Register
from ropa.render.views.parties import provider_locations
from ropa.render.views.wording import sub_processor_name

WIDTH = 700.0
"""Width of every part in SVG user units; printed 174 mm wide (about 0.25 mm per unit)."""
WIDTH_MM = 174.0
MAX_HEIGHT_FIRST = 880.0
"""Tallest first part: it shares its page with the section heading and introduction."""
MAX_HEIGHT = 1000.0
"""Tallest later part, so that a part and its caption fit on one A4 page (about 249 mm)."""
FONT = 11.0
LINE = 13.5
LEGEND_H = 34.0

ORG_X, ORG_W = 6.0, 150.0
PROV_X, PROV_W = 196.0, 196.0
GROUP_X = 410.0
GROUP_W = WIDTH - GROUP_X - 4.0
CHIP_COLUMNS = 2
CHIP_GAP = 8.0
CHIP_W = (GROUP_W - 2 * CHIP_GAP - (CHIP_COLUMNS - 1) * CHIP_GAP) / CHIP_COLUMNS
PAD = 5.0
"""Space above the first and below the last line of text in a box."""
INSET = 6.0
"""Space left and right of text in a box."""
CHIP_H = 2 * PAD + 3 * LINE
EMPTY_H = 2 * CHIP_GAP + LINE
ROW_GAP = 12.0
MAX_CHIP_ROWS = 14


@dataclass(frozen=True)
class Box:
    """A rectangle; ``cls`` is one of the fixed classes of the template's SVG style."""

    x: float
    y: float
    w: float
    h: float
    cls: str


@dataclass(frozen=True)
class Line:
    """One line of label text, placed over the SVG as HTML so that the text engine shapes it.

    SVG text in WeasyPrint is drawn letter by letter, which breaks Arabic and other
    scripts that join letters or run right to left; HTML text does not. ``x``, ``top``
    and ``width`` are in SVG units; ``left_mm``, ``top_mm`` and ``width_mm`` are the
    same in millimetres for the template (numbers only, never user text).
    """

    x: float
    top: float
    width: float
    text: str
    cls: str
    left_mm: float = 0.0
    top_mm: float = 0.0
    width_mm: float = 0.0

    @classmethod
    def at(cls, x: float, top: float, width: float, text: str, css: str) -> Line:
        """A line with its millimetre position computed from SVG units."""
        scale = WIDTH_MM / WIDTH
        return cls(x, top, width, text, css, round(x * scale, 2), round(top * scale, 2), round(width * scale, 2))


@dataclass(frozen=True)
class Path:
    """A connector: an SVG path made of numbers only."""

    d: str
    cls: str


@dataclass(frozen=True)
class FigurePart:
    """One SVG of the figure (one page at most)."""

    number: int
    width: float
    height: float
    width_mm: float
    height_mm: float
    boxes: list[Box]
    paths: list[Path]
    lines: list[Line]
    caption: str


@dataclass(frozen=True)
class FigureView:
    """The whole figure: its parts plus counts for the caption."""

    parts: list[FigurePart]
    providers: int
    sub_processors: int
    outside: int
    summary: str


def _char_width(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return FONT
    if unicodedata.combining(char):
        return 0.0
    return FONT * 0.56


SCALES = {"name": 1.0, "small": 0.93, "service": 0.9, "country": 0.9, "outside": 0.96, "legend": 0.93, "note": 0.93}
"""Font size of each label class relative to ``FONT`` (bold "outside" text runs wider); see register.css."""


def scale_of(css: str) -> float:
    """Relative font size of a label with classes ``css`` (the widest of its classes)."""
    return max((SCALES[c] for c in css.split() if c in SCALES), default=1.0)


def text_width(text: str, scale: float = 1.0) -> float:
    """Estimated width of ``text`` at the figure's font size times ``scale`` (generous, so text never overflows)."""
    return sum(_char_width(c) for c in text) * scale


def wrap(text: str, width: float, max_lines: int, scale: float = 1.0) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines of ``width``; the last one ends in an ellipsis if cut.

    Breaks at spaces where possible and anywhere inside a word that is longer
    than a line (long identifiers, CJK text without spaces). ``scale`` is the
    relative font size (see :data:`SCALES`).
    """
    width = width / scale
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while text_width(word) > width:
            cut = len(word)
            while cut > 1 and text_width(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and text_width(last + "\u2026") > width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "\u2026"
        return kept
    return lines or [""]


@dataclass(frozen=True)
class _Chip:
    name: str
    country: str | None


@dataclass(frozen=True)
class _Row:
    provider: Provider
    chips: list[_Chip]
    continued: bool
    empty: bool


def _rows(register: Register) -> list[_Row]:
    per_row = MAX_CHIP_ROWS * CHIP_COLUMNS
    rows: list[_Row] = []
    for provider in register.providers:
        chips = [_Chip(sub_processor_name(s), s.country) for s in provider.sub_processors]
        if not chips:
            rows.append(_Row(provider, [], False, True))
            continue
        for start in range(0, len(chips), per_row):
            rows.append(_Row(provider, chips[start : start + per_row], start > 0, False))
    return rows


def _country_line(code: str | None) -> tuple[str, str]:
    """``("US · outside the EEA", "country outside")`` and the like."""
    if not code:
        return "country not stated", "country"
    if _outside(code):
        return f"{code} \u00b7 outside the EEA", "country outside"
    return f"{code} \u00b7 EEA", "country"


def _stack(x: float, top: float, width: float, texts: list[tuple[str, str]]) -> list[Line]:
    """Lines of text stacked from ``top`` down, one per (text, class)."""
    return [Line.at(x, top + PAD + LINE * i, width, text, css) for i, (text, css) in enumerate(texts)]


def _provider_texts(provider: Provider, continued: bool) -> tuple[list[tuple[str, str]], bool]:
    """Name (up to three lines), service, country, and where else it keeps data."""
    inner = PROV_W - 2 * INSET
    name = provider.legal_name + (" (continued)" if continued else "")
    texts = [(line, "name") for line in wrap(name, inner, 3)]
    texts.append((wrap(provider.service, inner, 1, SCALES["service"])[0], "service"))
    country, css = _country_line(provider.country)
    texts.append((country, css))
    extra = [c for c in provider_locations(provider) if c != provider.country]
    if extra:
        where = "data also in " + ", ".join(f"{c} (outside the EEA)" if _outside(c) else c for c in extra)
        css = "country outside" if any(_outside(c) for c in extra) else "country"
        texts.extend((line, css) for line in wrap(where, inner, 2, scale_of(css)))
    outside = any(_outside(c) for c in provider_locations(provider))
    return texts, outside


def _row_height(row: _Row) -> float:
    texts, _outside_eea = _provider_texts(row.provider, row.continued)
    provider_h = 2 * PAD + len(texts) * LINE
    if row.empty:
        return max(provider_h, EMPTY_H)
    chip_rows = -(-len(row.chips) // CHIP_COLUMNS)
    return max(provider_h, 2 * CHIP_GAP + chip_rows * CHIP_H + (chip_rows - 1) * CHIP_GAP)


def _legend(boxes: list[Box], lines: list[Line], paths: list[Path]) -> None:
    x = 4.0
    for label, css in (
        ("Organisation", "org"),
        ("Provider", "provider"),
        ("Sub-processor", "sub"),
        ("Outside the EEA", "sub outside"),
    ):
        boxes.append(Box(x, 8.0, 16.0, 12.0, css))
        lines.append(Line.at(x + 21.0, 7.0, text_width(label, SCALES["legend"]) + 12, label, "legend"))
        x += 21.0 + text_width(label, SCALES["legend"]) + 16.0
    paths.append(Path(f"M {x:.1f} 14.0 L {x + 30:.1f} 14.0", "edge outside"))
    label = "Data leaves the EEA"
    lines.append(Line.at(x + 35.0, 7.0, text_width(label, SCALES["legend"]) + 12, label, "legend"))


def _part(number: int, register: Register, rows: list[_Row], heights: list[float]) -> FigurePart:
    boxes: list[Box] = []
    paths: list[Path] = []
    lines: list[Line] = []
    _legend(boxes, lines, paths)
    top = LEGEND_H
    total = top + sum(heights) + ROW_GAP * (len(rows) - 1) + 4.0
    org = register.organisation
    org_texts = [(line, "name on-dark") for line in wrap(org.legal_name, ORG_W - 2 * INSET, 4)]
    org_country, _css = _country_line(org.country)
    org_texts.append((org_country, "country on-dark"))
    org_h = 2 * PAD + len(org_texts) * LINE
    org_y = top + (total - top - org_h) / 2
    boxes.append(Box(ORG_X, org_y, ORG_W, org_h, "org"))
    lines.extend(_stack(ORG_X + INSET, org_y, ORG_W - 2 * INSET, org_texts))
    org_cy = org_y + org_h / 2
    y = top
    mid = (ORG_X + ORG_W + PROV_X) / 2
    for row, height in zip(rows, heights, strict=True):
        texts, outside = _provider_texts(row.provider, row.continued)
        provider_h = 2 * PAD + len(texts) * LINE
        py = y + (height - provider_h) / 2
        cy = py + provider_h / 2
        boxes.append(Box(PROV_X, py, PROV_W, provider_h, "provider outside" if outside else "provider"))
        lines.extend(_stack(PROV_X + INSET, py, PROV_W - 2 * INSET, texts))
        paths.append(
            Path(
                f"M {ORG_X + ORG_W:.1f} {org_cy:.1f} C {mid:.1f} {org_cy:.1f} {mid:.1f} {cy:.1f} {PROV_X:.1f} {cy:.1f}",
                "edge outside" if outside else "edge",
            )
        )
        if row.empty:
            gy = y + (height - EMPTY_H) / 2
            boxes.append(Box(GROUP_X, gy, GROUP_W, EMPTY_H, "group empty"))
            lines.append(
                Line.at(
                    GROUP_X + CHIP_GAP,
                    gy + (EMPTY_H - LINE) / 2,
                    GROUP_W - 2 * CHIP_GAP,
                    "No sub-processors recorded",
                    "note",
                )
            )
            paths.append(Path(f"M {PROV_X + PROV_W:.1f} {cy:.1f} L {GROUP_X:.1f} {cy:.1f}", "edge"))
            y += height + ROW_GAP
            continue
        chip_rows = -(-len(row.chips) // CHIP_COLUMNS)
        gh = 2 * CHIP_GAP + chip_rows * CHIP_H + (chip_rows - 1) * CHIP_GAP
        gy = y + (height - gh) / 2
        boxes.append(Box(GROUP_X, gy, GROUP_W, gh, "group"))
        edge_cls = "edge outside" if any(_outside(c.country) for c in row.chips) else "edge"
        paths.append(Path(f"M {PROV_X + PROV_W:.1f} {cy:.1f} L {GROUP_X:.1f} {cy:.1f}", edge_cls))
        for index, chip in enumerate(row.chips):
            cx = GROUP_X + CHIP_GAP + (index % CHIP_COLUMNS) * (CHIP_W + CHIP_GAP)
            chip_y = gy + CHIP_GAP + (index // CHIP_COLUMNS) * (CHIP_H + CHIP_GAP)
            country, css = _country_line(chip.country)
            boxes.append(Box(cx, chip_y, CHIP_W, CHIP_H, "sub outside" if css.endswith("outside") else "sub"))
            texts = [(line, "name small") for line in wrap(chip.name, CHIP_W - 2 * INSET, 2, SCALES["small"])]
            texts.append((country, css))
            lines.extend(_stack(cx + INSET, chip_y, CHIP_W - 2 * INSET, texts))
        y += height + ROW_GAP
    first = rows[0].provider.legal_name
    last = rows[-1].provider.legal_name
    caption = f"{first} to {last}" if first != last else first
    height_mm = round(total * WIDTH_MM / WIDTH, 2)
    return FigurePart(number, WIDTH, round(total, 1), WIDTH_MM, height_mm, boxes, paths, lines, caption)


def build_figure(register: Register) -> FigureView:
    """Lay out the data-flow figure of ``register`` in page-sized parts."""
    rows = _rows(register)
    parts: list[FigurePart] = []
    batch: list[_Row] = []
    heights: list[float] = []
    used = LEGEND_H
    for row in rows:
        height = _row_height(row)
        limit = MAX_HEIGHT if parts else MAX_HEIGHT_FIRST
        if batch and used + height + ROW_GAP > limit:
            parts.append(_part(len(parts) + 1, register, batch, heights))
            batch, heights, used = [], [], LEGEND_H
        batch.append(row)
        heights.append(height)
        used += height + ROW_GAP
    if batch:
        parts.append(_part(len(parts) + 1, register, batch, heights))
    subs = sum(len(p.sub_processors) for p in register.providers)
    outside = sum(1 for p in register.providers if any(_outside(c) for c in provider_locations(p)))
    outside += sum(1 for p in register.providers for s in p.sub_processors if _outside(s.country))
    summary = (
        f"{len(register.providers)} provider(s) and {subs} sub-processor(s); "
        f"{outside} of them hold data outside the EEA."
    )
    return FigureView(parts, len(register.providers), subs, outside, summary)

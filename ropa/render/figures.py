"""The data-flow figure: activities -> providers -> sub-processors -> countries, laid out in Python, drawn as SVG.

One block per activity, in the order of chapter 2 (activities whose data goes the same way share
one): the activity on the left, the providers that take
part in it, the sub-processors each of them engages, and the countries the data is kept in. The edge
from an activity to a provider carries the data categories it receives, as short codes (D1, D2 ...)
listed under the figure, so no label is cut. Everything outside the EEA is drawn in the "outside"
style (red, dashed) and a location the record does not give in the "unknown" style, each also in
words. A part of the figure holds whole blocks up to an A4 page; a block too tall for one page
goes on in the next part, its activity marked "(continued)": that is the one rule by which the
figure is split, and the chapter's introduction states it. Providers in no activity close the figure.

Labels wrap to as many lines as they need (never an ellipsis). No user text ever reaches an
attribute: texts are element content, which Jinja escapes; attributes hold numbers and fixed
class names only. The figure's own words (legend, role and status words, captions) are in the
document's language and are translated before the layout, which measures them; names are
printed as written.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace

from ropa.i18n import gettext as _
from ropa.model.activity import Activity
from ropa.model.facts import outside_eea as _outside
from ropa.model.provider import Provider, SubProcessor
from ropa.model.register import Register
from ropa.render.views.parties import provider_locations
from ropa.render.views.wording import sub_processor_name

WIDTH = 700.0
"""Width of every part in SVG user units; printed 174 mm wide (about 0.25 mm per unit)."""
WIDTH_MM = 174.0
MAX_HEIGHT_FIRST = 840.0
"""Tallest first part: it shares its page with the section heading and introduction."""
MAX_HEIGHT = 1000.0
"""Tallest later part, so that a part and its caption fit on one A4 page (about 249 mm)."""
FONT = 11.0
LINE = 13.5
LEGEND_H = 46.0

ACT_X, ACT_W = 4.0, 120.0
PROV_X, PROV_W = 206.0, 140.0
SUB_X, SUB_W = 370.0, 150.0
CTRY_X, CTRY_W = 550.0, WIDTH - 550.0 - 4.0
LABEL_X, LABEL_W = ACT_X + ACT_W + 6.0, PROV_X - ACT_X - ACT_W - 12.0
"""Where the data-category codes of an activity-to-provider edge are written (between the two columns)."""
PAD = 5.0
"""Space above the first and below the last line of text in a box."""
INSET = 6.0
"""Space left and right of text in a box."""
GAP = 6.0
"""Space between boxes of one column."""
NO_SUBS = "No sub-processors recorded"
"""The note in the empty sub-processor box of a provider that engages none."""
BLOCK_GAP = 16.0
"""Space between two activities (a thin rule separates them)."""


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
    codes: list[tuple[str, str]] = field(default_factory=list)
    """(code, data category) of the codes on this part's edges, in code order."""
    title: str = ""
    """``Figure <n> of <total>: <caption>.`` in the document's language (set once every part is laid out)."""
    codes_title: str = ""
    """The words before the list of codes (:data:`CODES_TITLE` in the document's language)."""


@dataclass(frozen=True)
class FigureView:
    """The whole figure: its parts plus counts for the caption."""

    parts: list[FigurePart]
    providers: int
    sub_processors: int
    outside: int
    summary: str
    intro: list[str] = field(default_factory=list)
    """The sentences of the chapter's introduction after :attr:`summary` (before it: :attr:`lead`)."""
    lead: str = ""
    empty: str = ""
    """What the chapter says when there is no part (no provider)."""


def _char_width(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return FONT
    if unicodedata.combining(char):
        return 0.0
    return FONT * 0.56


SCALES = {
    "name": 1.0,
    "small": 0.93,
    "service": 0.9,
    "country": 0.9,
    "outside": 1.06,
    "unknown": 1.06,
    "legend": 0.93,
    "note": 0.93,
    "codes": 0.9,
}
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


ALL_LINES = 1_000
"""``max_lines`` that never cuts: the figure wraps every label in full."""


def _texts(text: str, width: float, css: str) -> list[tuple[str, str]]:
    """``text`` wrapped in full to ``width`` (SVG units) at the size of ``css``, one (line, class) per line."""
    return [(line, css) for line in wrap(text, width, ALL_LINES, scale_of(css))]


def _place_texts(code: str | None, width: float) -> tuple[list[tuple[str, str]], str]:
    """The lines of a country box and its box class: the country, then its status in words."""
    from ropa.render.countries import country_label
    from ropa.render.text import UNKNOWN_LOCATION

    if not code:
        unknown = _(UNKNOWN_LOCATION)
        return _texts(unknown[:1].upper() + unknown[1:], width, "unknown"), "country unknown"
    name = _texts(country_label(code) or code, width, "name small")
    if _outside(code):
        return [*name, (_("outside the EEA"), "country outside")], "country outside"
    return [*name, (_("EEA"), "country")], "country"


def _height(texts: list[tuple[str, str]]) -> float:
    return 2 * PAD + len(texts) * LINE


@dataclass(frozen=True)
class _Sub:
    name: str
    locations: list[str | None]


@dataclass(frozen=True)
class _Group:
    """A provider in one activity (or the organisation itself, in-house), with the sub-processors it engages."""

    name: str
    service: str | None
    locations: list[str | None]
    categories: list[str]
    subs: list[_Sub]
    continued: bool = False


@dataclass(frozen=True)
class _Block:
    """One activity (or the providers in no activity) and its groups."""

    title: str
    caption: str
    groups: list[_Group]
    rest: bool = False
    """The providers in no activity (the last block)."""


def _provider_locations(provider: Provider) -> list[str | None]:
    codes: list[str | None] = [*provider_locations(provider)]
    return codes or [None]


def _subs_of(provider: Provider, named: list[SubProcessor]) -> list[_Sub]:
    """The sub-processors the activity names for ``provider``, else all it lists (any may receive the data)."""
    chosen = named or list(provider.sub_processors)
    return [_Sub(sub_processor_name(s), [s.country]) for s in chosen]


def _blocks(register: Register) -> list[_Block]:
    from ropa.model.facts import parties

    org = register.organisation
    blocks: list[_Block] = []
    seen: set[str] = set()
    for number, entry in enumerate(register.activities(), start=1):
        activity = entry.activity
        names = {c.id: c.name for c in activity.data_categories}
        involved = parties(register, entry)
        groups: list[_Group] = []
        for party in involved:
            if party.sub is not None:
                continue
            seen.add(party.provider.id)
            shared = party.involvement.data_shared if party.involvement is not None else []
            named = [p.sub for p in involved if p.sub is not None and p.provider.id == party.provider.id]
            groups.append(
                _Group(
                    party.provider.legal_name,
                    party.provider.service,
                    _provider_locations(party.provider),
                    [names.get(c, c) for c in shared] or list(names.values()),
                    _subs_of(party.provider, [s for s in named if s is not None]),
                )
            )
        for party in involved:  # a sub-processor named without its processor taking part itself
            if party.sub is not None and all(g.name != party.provider.legal_name for g in groups):
                groups.append(
                    _Group(
                        party.provider.legal_name,
                        party.provider.service,
                        _provider_locations(party.provider),
                        list(names.values()),
                        _subs_of(party.provider, [party.sub]),
                    )
                )
        groups += _transfer_groups(register, activity, {party.provider.id for party in involved}, names)
        if not groups:
            groups.append(
                _Group(_("In-house: {name}").format(name=org.legal_name), None, [org.country], [*names.values()], [])
            )
        blocks.append(_Block(f"2.{number} {activity.name}", f"2.{number}", groups))
    blocks = _merged(blocks)
    rest = [p for p in register.providers if p.id not in seen]
    if rest:
        groups = [_Group(p.legal_name, p.service, _provider_locations(p), [], _subs_of(p, [])) for p in rest]
        blocks.append(_Block(_("Providers in no activity"), _("providers in no activity"), groups, rest=True))
    return blocks


MAX_TITLES = 6
"""Activities named in full in one merged block; the others by their number only."""


def _flow_key(block: _Block) -> tuple[object, ...]:
    """What a block draws apart from its data categories: activities with the same key share one block."""
    return tuple(
        (g.name, g.service, tuple(g.locations), tuple((sub.name, tuple(sub.locations)) for sub in g.subs))
        for g in block.groups
    )


def _merged(blocks: list[_Block]) -> list[_Block]:
    """Activities whose data goes the same way (same providers, sub-processors and places) as one block.

    A register of thousands of activities run through a few providers would otherwise draw the same
    flow once per activity; the block names each activity and the edges carry the union of their data
    categories. Blocks keep the order of their first activity.
    """
    found: dict[tuple[object, ...], list[_Block]] = {}
    for block in blocks:
        found.setdefault(_flow_key(block), []).append(block)
    merged = []
    for same in found.values():
        if len(same) == 1:
            merged.append(same[0])
            continue
        groups = []
        for index, group in enumerate(same[0].groups):
            categories: list[str] = []
            for block in same:
                categories += [c for c in block.groups[index].categories if c not in categories]
            groups.append(_Group(group.name, group.service, group.locations, categories, group.subs))
        titles = [b.title for b in same[:MAX_TITLES]]
        if len(same) > MAX_TITLES:
            titles.append(_("and {activities}").format(activities=", ".join(b.caption for b in same[MAX_TITLES:])))
        merged.append(_Block("; ".join(titles), ", ".join(b.caption for b in same), groups))
    return merged


def _transfer_groups(register: Register, activity: Activity, drawn: set[str], names: dict[str, str]) -> list[_Group]:
    """The recipients of the activity's declared transfers whose provider (ids in ``drawn``) the block does not
    show already, each with the destinations of its transfers."""
    from ropa.render.views.wording import recipient_name

    found: dict[str, _Group] = {}
    for transfer in activity.transfers:
        name = recipient_name(register, transfer.recipient)
        if transfer.recipient.split("/", 1)[0] in drawn:
            continue
        group = found.setdefault(name, _Group(name, _("Recipient of a declared transfer"), [], [], []))
        group.locations.append(transfer.country)
        categories = [names.get(c, c) for c in transfer.data_categories] or list(names.values())
        group.categories.extend(c for c in categories if c not in group.categories)
    return list(found.values())


def _continued(text: str) -> str:
    """``text`` marked as going on from the previous figure."""
    return _("{name} (continued)").format(name=text)


def _provider_texts(group: _Group) -> list[tuple[str, str]]:
    inner = PROV_W - 2 * INSET
    name = _continued(group.name) if group.continued else group.name
    texts = _texts(name, inner, "name")
    if group.service:
        texts += _texts(group.service, inner, "service")
    return texts


def _note_texts() -> list[tuple[str, str]]:
    """The lines of :data:`NO_SUBS` in the document's language.

    The English note is one line: it fits the box, though the generous width estimate says otherwise, and
    the English figure keeps its layout; a longer translation wraps like any label.
    """
    note = _(NO_SUBS)
    if text_width(note) <= text_width(NO_SUBS):
        return [(note, "note")]
    return _texts(note, SUB_W - 2 * INSET, "note")


def _sub_texts(sub: _Sub) -> list[tuple[str, str]]:
    return _texts(sub.name, SUB_W - 2 * INSET, "name small")


def _group_height(group: _Group) -> float:
    own = _height(_provider_texts(group))
    if not group.subs:
        return max(own, _height(_note_texts()))
    subs = sum(_height(_sub_texts(s)) for s in group.subs) + GAP * (len(group.subs) - 1)
    return max(own, subs)


def _block_locations(block: _Block) -> list[str | None]:
    found: dict[str | None, None] = {}
    for group in block.groups:
        for code in group.locations:
            found.setdefault(code, None)
        for sub in group.subs:
            for code in sub.locations:
                found.setdefault(code, None)
    return list(found)


def _block_height(block: _Block) -> float:
    activity = _height(_texts(block.title, ACT_W - 2 * INSET, "name on-dark"))
    groups = sum(_group_height(g) for g in block.groups) + GAP * (len(block.groups) - 1)
    places = [_height(_place_texts(code, CTRY_W - 2 * INSET)[0]) for code in _block_locations(block)]
    countries = sum(places) + GAP * (len(places) - 1)
    return max(activity, groups, countries)


def _split(block: _Block, limit: float) -> list[_Block]:
    """``block`` in pieces no taller than ``limit``: whole groups, or a long group's sub-processors in runs."""
    pieces: list[_Block] = []
    current: list[_Group] = []

    def close() -> None:
        nonlocal current
        if current:
            title = _continued(block.title) if pieces else block.title
            caption = _continued(block.caption) if pieces else block.caption
            pieces.append(_Block(title, caption, current, block.rest))
            current = []

    for group in block.groups:
        runs = [group]
        if _group_height(group) > limit:
            runs = []
            run: list[_Sub] = []
            for sub in group.subs:
                trial = _Group(group.name, group.service, group.locations, group.categories, [*run, sub], bool(runs))
                if run and _block_height(_Block(block.title, "", [trial])) > limit:
                    runs.append(_Group(group.name, group.service, group.locations, group.categories, run, bool(runs)))
                    run = []
                run.append(sub)
            runs.append(_Group(group.name, group.service, group.locations, group.categories, run, bool(runs)))
        for piece in runs:
            if current and _block_height(_Block(block.title, "", [*current, piece])) > limit:
                close()
            current.append(piece)
    close()
    return pieces


class _Codes:
    """Short codes for data categories, numbered in the order they first appear in one part."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def of(self, names: list[str]) -> list[str]:
        return [self.codes.setdefault(name, f"D{len(self.codes) + 1}") for name in names]


def _legend(boxes: list[Box], lines: list[Line], paths: list[Path]) -> None:
    x = 4.0
    for label, css in (
        (_("Activity"), "activity"),
        (_("Provider"), "provider"),
        (_("Sub-processor"), "sub"),
        (_("Country in the EEA"), "country"),
        (_("Outside the EEA"), "country outside"),
        (_("Location not recorded"), "country unknown"),
    ):
        boxes.append(Box(x, 8.0, 14.0, 12.0, css))
        width = text_width(label, SCALES["legend"]) + 4
        lines.append(Line.at(x + 18.0, 7.0, width, label, "legend"))
        x += 18.0 + width + 8.0
    x = 4.0
    edges = ((_("Data leaves the EEA"), "edge outside"), (_("Where the data goes is not recorded"), "edge unknown"))
    for label, css in edges:
        paths.append(Path(f"M {x:.1f} 30.0 L {x + 22:.1f} 30.0", css))
        width = text_width(label, SCALES["legend"]) + 4
        lines.append(Line.at(x + 26.0, 23.0, width, label, "legend"))
        x += 26.0 + width + 10.0


def _curve(x1: float, y1: float, x2: float, y2: float, css: str) -> Path:
    mid = (x1 + x2) / 2
    return Path(f"M {x1:.1f} {y1:.1f} C {mid:.1f} {y1:.1f} {mid:.1f} {y2:.1f} {x2:.1f} {y2:.1f}", css)


def _stack(x: float, top: float, width: float, texts: list[tuple[str, str]]) -> list[Line]:
    """Lines of text stacked from ``top`` down, one per (text, class)."""
    return [Line.at(x, top + PAD + LINE * i, width, text, css) for i, (text, css) in enumerate(texts)]


def _draw_block(
    block: _Block, top: float, height: float, codes: _Codes, out: tuple[list[Box], list[Path], list[Line]]
) -> None:
    boxes, paths, lines = out
    places = _block_locations(block)
    place_y: dict[str | None, float] = {}
    heights = [_height(_place_texts(code, CTRY_W - 2 * INSET)[0]) for code in places]
    y = top + (height - (sum(heights) + GAP * (len(heights) - 1))) / 2
    for code, h in zip(places, heights, strict=True):
        texts, css = _place_texts(code, CTRY_W - 2 * INSET)
        boxes.append(Box(CTRY_X, y, CTRY_W, h, css))
        lines.extend(_stack(CTRY_X + INSET, y, CTRY_W - 2 * INSET, texts))
        place_y[code] = y + h / 2
        y += h + GAP

    def place_css(code: str | None) -> str:
        return "edge unknown" if code is None else "edge outside" if _outside(code) else "edge"

    act_texts = _texts(block.title, ACT_W - 2 * INSET, "name on-dark")
    act_h = _height(act_texts)
    act_y = top + (height - act_h) / 2
    boxes.append(Box(ACT_X, act_y, ACT_W, act_h, "activity"))
    lines.extend(_stack(ACT_X + INSET, act_y, ACT_W - 2 * INSET, act_texts))
    act_cy = act_y + act_h / 2
    y = top
    for group in block.groups:
        group_h = _group_height(group)
        texts = _provider_texts(group)
        prov_h = _height(texts)
        py = y + (group_h - prov_h) / 2
        cy = py + prov_h / 2
        reach = [*group.locations, *(c for s in group.subs for c in s.locations)]
        worst = "edge unknown" if None in reach else "edge outside" if any(_outside(c) for c in reach) else "edge"
        paths.append(_curve(ACT_X + ACT_W, act_cy, PROV_X, cy, worst))
        label = ", ".join(codes.of(group.categories))
        if label:
            label_lines = _texts(label, LABEL_W, "codes")
            label_top = max(top, cy - 2.0 - LINE * len(label_lines))
            for i, (text, css) in enumerate(label_lines):
                lines.append(Line.at(LABEL_X, label_top + LINE * i, LABEL_W, text, css))
        boxes.append(Box(PROV_X, py, PROV_W, prov_h, "provider"))
        lines.extend(_stack(PROV_X + INSET, py, PROV_W - 2 * INSET, texts))
        for code in group.locations:  # where the provider itself keeps the data (drawn under the sub-processors)
            paths.append(_curve(PROV_X + PROV_W, cy, CTRY_X, place_y[code], place_css(code) + " own"))
        if not group.subs:
            note = _note_texts()
            gy = y + (group_h - _height(note)) / 2
            boxes.append(Box(SUB_X, gy, SUB_W, _height(note), "sub empty"))
            lines.extend(_stack(SUB_X + INSET, gy, SUB_W - 2 * INSET, note))
        else:
            sy = y + (group_h - (sum(_height(_sub_texts(s)) for s in group.subs) + GAP * (len(group.subs) - 1))) / 2
            for sub in group.subs:
                sub_texts = _sub_texts(sub)
                sh = _height(sub_texts)
                code = sub.locations[0]
                css = "sub unknown" if code is None else "sub outside" if _outside(code) else "sub"
                boxes.append(Box(SUB_X, sy, SUB_W, sh, css))
                lines.extend(_stack(SUB_X + INSET, sy, SUB_W - 2 * INSET, sub_texts))
                paths.append(_curve(PROV_X + PROV_W, cy, SUB_X, sy + sh / 2, place_css(code)))
                paths.append(_curve(SUB_X + SUB_W, sy + sh / 2, CTRY_X, place_y[code], place_css(code)))
                sy += sh + GAP
        y += group_h + GAP


def _part(number: int, blocks: list[tuple[_Block, float]]) -> FigurePart:
    boxes: list[Box] = []
    paths: list[Path] = []
    lines: list[Line] = []
    _legend(boxes, lines, paths)
    codes = _Codes()
    top = LEGEND_H
    for index, (block, height) in enumerate(blocks):
        if index:
            paths.append(Path(f"M 2.0 {top - BLOCK_GAP / 2:.1f} L {WIDTH - 2:.1f} {top - BLOCK_GAP / 2:.1f}", "rule"))
        _draw_block(block, top, height, codes, (boxes, paths, lines))
        top += height + BLOCK_GAP
    total = top - BLOCK_GAP + 4.0
    shown = [block.caption for block, _height in blocks if not block.rest]
    one = len(shown) == 1 and "," not in shown[0]
    caption = (_("activity {number}") if one else _("activities {numbers}")).format(
        number="; ".join(shown), numbers="; ".join(shown)
    )
    last = blocks[-1][0]
    if last.rest:
        caption = (
            _("{activities}, then the {rest}").format(activities=caption, rest=last.caption) if shown else last.caption
        )
    height_mm = round(total * WIDTH_MM / WIDTH, 2)
    legend = [(code, name) for name, code in codes.codes.items()]
    return FigurePart(
        number, WIDTH, round(total, 1), WIDTH_MM, height_mm, boxes, paths, lines, caption, legend, "", _(CODES_TITLE)
    )


CODES_TITLE = "Data categories on the edges:"
"""What the list of data-category codes under each part starts with."""

CODES_RESERVE = 120.0
"""Height kept free under a part that fills a page, for its list of data-category codes."""
CODE_LINE_CHARS = 105
"""Characters of the code list per printed line (7.5 pt across 174 mm), estimated low."""


def codes_height(names: set[str]) -> float:
    """Estimated height (SVG units) of the caption and the list of codes under a part naming ``names``."""
    chars = sum(len(name) + 6 for name in names)
    lines = 1 + (-(-chars // CODE_LINE_CHARS) if names else 0)
    return lines * 16.0


LEAD = (
    "Where the data of each activity goes: the activity, the providers taking part in it (the edge names the data "
    "categories they receive, by the codes under each figure), the sub-processors each engages, and the countries "
    "the data is kept in."
)
"""The chapter's first sentence (then the :attr:`FigureView.summary`, then :data:`INTRO`)."""
INTRO = (
    "Red dashed boxes and edges mark data outside the EEA, amber dotted ones a location that is not recorded.",
    "Activities whose data goes the same way share one block.",
    "Each figure holds whole blocks in the order of chapter 2; a block too long for one page goes on in the next "
    'figure, marked "(continued)".',
)
EMPTY = "No provider is recorded, so there is no data flow to draw."


def build_figure(register: Register) -> FigureView:
    """Lay out the data-flow figure of ``register`` in page-sized parts of whole activities."""
    parts: list[FigurePart] = []
    batch: list[tuple[_Block, float]] = []
    used = LEGEND_H
    names: set[str] = set()
    for whole in _blocks(register):
        for block in _split(whole, MAX_HEIGHT_FIRST - LEGEND_H - CODES_RESERVE):
            height = _block_height(block)
            limit = MAX_HEIGHT if parts else MAX_HEIGHT_FIRST
            more = names | {c for g in block.groups for c in g.categories}
            if batch and used + height + BLOCK_GAP + codes_height(more) > limit:
                parts.append(_part(len(parts) + 1, batch))
                batch, used = [], LEGEND_H
                more = {c for g in block.groups for c in g.categories}
            batch.append((block, height))
            used += height + BLOCK_GAP
            names = more
    if batch:
        parts.append(_part(len(parts) + 1, batch))
    subs = sum(len(p.sub_processors) for p in register.providers)
    outside = sum(1 for p in register.providers if any(_outside(c) for c in provider_locations(p)))
    outside += sum(1 for p in register.providers for s in p.sub_processors if _outside(s.country))
    unknown = sum(1 for p in register.providers if not provider_locations(p))
    unknown += sum(1 for p in register.providers for s in p.sub_processors if not s.country)
    summary = _(
        "{providers} provider(s) and {subs} sub-processor(s); {outside} of them hold data outside "
        "the EEA and {unknown} have no recorded location, so a transfer to them cannot be excluded."
    ).format(providers=len(register.providers), subs=subs, outside=outside, unknown=unknown)
    titled = [
        replace(
            part,
            title=_("Figure {number} of {total}: {caption}.").format(
                number=part.number, total=len(parts), caption=part.caption
            ),
        )
        for part in parts
    ]
    return FigureView(titled, len(register.providers), subs, outside, summary, [_(s) for s in INTRO], _(LEAD), _(EMPTY))

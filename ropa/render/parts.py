"""The PDF register in parts: which parts, their HTML, and the page numbers that tie them together.

WeasyPrint lays out about ten pages a second and holds every page of a
document in memory until it is written, so one long register is slow, uses a
single core and grows with the register. The register is therefore laid out in
parts that start on a new page anyway (each chapter and each activity does):

* ``front``: the cover and the contents (a long contents goes on in parts
  ``contents:<n>`` of :data:`CONTENTS_PER_PART` lines each: WeasyPrint holds
  about 150 kB per laid-out contents line, 1.5 GB for the 10,000 lines of a large group);
* ``controller``: the controller (Art. 30(1)(a));
* ``activities:...``: the activities of a few providers each (a provider with
  many activities is cut into chunks of :data:`MAX_ACTIVITIES`);
* ``processor`` and ``data-flow``: one part per chapter; ``summaries:...``: one
  per summary table; ``findings:...``: Appendix A, :data:`FINDINGS_PER_PART` findings each.

Parts other than the front and the appendix do not depend on page numbers, so
they render in parallel and are cached by their HTML; a changed provider
re-renders its own part. The contents need the page of every heading: its parts
are laid out once with blank numbers to learn their length
(:attr:`Task.layout_only`), then with the numbers. The appendix prints the page
of the section each finding concerns; it comes after every section, so it is
laid out once, with the contents, when those pages are known (its HTML, and so
its cache entry, changes only when they do). Parts link to each other (the
contents to headings, a section's finding markers to the appendix, the
appendix back): each holds empty stand-ins for the anchors it links to
(:attr:`Segment.link_targets`), which the joiner drops. "page X of Y" needs the total, so the joiner
(:mod:`ropa.render.joinpdf`) writes it over the joined pages, drawn as ``page_numbers.html`` draws two
sample labels (task ``numbers``, rendered with the first round: it depends only on the templates and
the language).

:class:`RegisterPlan` is the protocol: ask it for :meth:`~RegisterPlan.tasks`,
render them (in any order, anywhere), :meth:`~RegisterPlan.receive` the
results, repeat until it asks for nothing, then :meth:`~RegisterPlan.join`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ropa.check.findings import Report
from ropa.i18n import gettext
from ropa.model.register import Register
from ropa.render.jobs import PartResult, Task
from ropa.render.pagestamp import PAGE_LABEL
from ropa.render.views.marks import linked_anchors

if TYPE_CHECKING:
    from ropa.render.joinpdf import PartJoiner
    from ropa.render.views.activity import ActivityView
    from ropa.render.views.findings import FindingView
    from ropa.render.views.register import RegisterView

SUMMARY_TABLES = ("recipients", "transfers", "retention", "measures")
"""The summary chapter is laid out one table per part, each from a new page."""
SUMMARY_ROWS = 200
"""Rows of a summary table per part (the retention table of 10,000 activities is 30,000 rows)."""
FINDINGS_PER_PART = 100
"""Findings per part of Appendix A (about eleven pages): a renamed provider re-renders only the parts naming it."""
MAX_ACTIVITIES = 20
"""Most activities in one part (about 60 pages): bounds the memory and the time of a part."""
GROUP_EVERY = 8
"""A part of small providers ends after a provider whose id hashes to 0 modulo this (stable boundaries)."""
CARRIER_HTML = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body></body></html>'
"""A one-page document that only carries the register JSON: the joined PDF takes its attachment from it, so
the front (whose key would otherwise change with every edit of the register) does not carry it."""
CONTENTS_PER_PART = 500
"""Lines of the contents per part (about ten pages)."""
MAX_ROUNDS = 4
"""The front is laid out again while its length changes with its numbers (in practice once)."""


@dataclass(frozen=True)
class Segment:
    """What register.html draws for one part (template variable ``segment``).

    Attributes:
        name: ``front``, ``contents:<n>``, ``controller``, ``activities:<first provider id>:<chunk>``,
            ``processor``, ``summaries:<table>``, ``data-flow`` or ``findings:<chunk>``.
        activities: The activities of an ``activities`` part.
        findings: The findings of a ``findings`` part.
        opens_chapter: Whether this part starts its chapter (heading and introduction).
        closes_chapter: Whether this ``findings`` part ends the appendix (waivers and reference data).
        doc: Fields of the register view this part draws in place of the whole register's (the rows of
            a part of a summary table, the lines of a part of the contents).
        link_targets: Anchors in other parts that this part links to, drawn as empty stand-ins so the links
            exist while the part is laid out (the contents: headings; an activity: its findings' appendix
            entries; the appendix: the sections its findings concern). The joiner drops them.
        pages: Contents and appendix: page number of each heading by anchor (empty while not yet known).
    """

    name: str
    activities: list[ActivityView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    opens_chapter: bool = False
    closes_chapter: bool = False
    doc: dict[str, Any] = field(default_factory=dict)
    link_targets: list[str] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)


def _group_break(provider_id: str) -> bool:
    digest = hashlib.sha256(provider_id.encode("utf-8")).digest()
    return digest[0] % GROUP_EVERY == 0


def _files_in_order(register: Register) -> list[tuple[str, int]]:
    """Each file that declares activities, in register order, with how many: a provider's file by its id,
    an activities/ file by ``@`` and its name (which no provider id can be)."""
    counted: dict[str, int] = {}
    for entry in register.activities():
        key = entry.host.id if entry.host is not None else "@" + entry.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        counted[key] = counted.get(key, 0) + 1
    return list(counted.items())


def body_segments(register: Register, view: RegisterView) -> list[Segment]:
    """Every part after the front, in document order.

    Activities are grouped by the file that declares them (an activities/ file or a
    provider's file): a part holds whole small files up to a boundary that depends only
    on their names (so an edit never moves it), and one file's activities are cut every
    :data:`MAX_ACTIVITIES`.
    """
    segments: list[Segment] = [Segment("controller")]
    group: list[ActivityView] = []
    name = ""

    def close() -> None:
        nonlocal group
        if group:
            targets = sorted(set().union(*(linked_anchors(a) for a in group)), key=_natural)
            segments.append(Segment(name, group, opens_chapter=len(segments) == 1, link_targets=targets))
            group = []

    remaining = iter(view.activities)
    for key, count in _files_in_order(register):
        own = [next(remaining) for _ in range(count)]
        if len(own) > MAX_ACTIVITIES:
            close()
            for chunk, start in enumerate(range(0, len(own), MAX_ACTIVITIES)):
                name, group = f"activities:{key}:{chunk}", own[start : start + MAX_ACTIVITIES]
                close()
            continue
        if own and not group:
            name = f"activities:{key}:0"
        group.extend(own)
        if group and (_group_break(key) or len(group) >= MAX_ACTIVITIES):
            close()
    close()
    if len(segments) == 1:
        segments.append(Segment("activities:none:0", [], opens_chapter=True))
    if view.processor_record:
        segments.append(Segment("processor"))
    segments += _summary_segments(view)
    segments.append(Segment("data-flow"))
    chunks = [view.findings[i : i + FINDINGS_PER_PART] for i in range(0, len(view.findings), FINDINGS_PER_PART)] or [[]]
    segments += [
        Segment(
            f"findings:{n}",
            findings=chunk,
            opens_chapter=n == 0,
            closes_chapter=n == len(chunks) - 1,
            link_targets=sorted({f.section for f in chunk if f.section}),
        )
        for n, chunk in enumerate(chunks)
    ]
    return segments


def _natural(anchor: str) -> tuple[str, int]:
    """``finding-9`` before ``finding-10``."""
    head, _, number = anchor.rpartition("-")
    return (head, int(number)) if number.isdigit() else (anchor, -1)


def _summary_segments(view: RegisterView) -> list[Segment]:
    """The summary tables, :data:`SUMMARY_ROWS` rows (or measures) per part, each table from a new page."""
    from ropa.render.views.measures import MeasureGroup

    segments = []
    for table in SUMMARY_TABLES:
        if table == "measures":
            items: list[tuple[MeasureGroup, Any]] = [
                (g, m) for g in view.measure_groups for m in ([*g.measures] if g.measures else [None])
            ]
            chunks: list[Any] = []
            for start in range(0, len(items), SUMMARY_ROWS):
                groups: list[MeasureGroup] = []
                for group, measure in items[start : start + SUMMARY_ROWS]:
                    if not groups or groups[-1].number != group.number:
                        groups.append(MeasureGroup(group.number, group.label, []))
                    if measure is not None:
                        groups[-1].measures.append(measure)
                chunks.append({"measure_groups": groups})
        else:
            rows = getattr(view, table)
            chunks = [{table: rows[i : i + SUMMARY_ROWS]} for i in range(0, len(rows), SUMMARY_ROWS)]
        segments += [Segment(f"summaries:{table}:{n}", doc=chunk) for n, chunk in enumerate(chunks or [{}])]
    return segments


def segment_html(view: RegisterView, segment: Segment, templates: Path | None) -> str:
    """The HTML of one part."""
    from ropa.render.html import render

    return render(
        "register.html", templates, doc=replace(view, **segment.doc) if segment.doc else view, segment=segment
    )


def numbers_html(pattern: str, templates: Path | None) -> str:
    """``page_numbers.html`` with the sample labels of ``pattern``, from which every page's number is drawn."""
    from ropa.render.html import render
    from ropa.render.pagestamp import sample_labels

    return render("page_numbers.html", templates, labels=sample_labels(pattern))


APPENDIX_ANCHOR = "findings"
"""The anchor of Appendix A, on the first page of its first part (``partials/findings.html``)."""


class RegisterPlan:
    """Which documents make the register PDF, round by round (see the module docstring)."""

    def __init__(self, register: Register, report: Report, templates: Path | None) -> None:
        from ropa.render.html import check_parts_templates
        from ropa.render.views.register import build_register_view

        check_parts_templates(templates)
        self.templates = templates
        self.view = build_register_view(register, report)
        self.segments = body_segments(register, self.view)
        self.bodies = [Task.of(f"part:{s.name}", segment_html(self.view, s, templates)) for s in self.segments]
        """The parts after the contents, in order; those of the appendix as last asked for."""
        self._appendix = [n for n, s in enumerate(self.segments) if s.name.startswith("findings:")]
        toc = self.view.toc
        self._chunks = [toc[i : i + CONTENTS_PER_PART] for i in range(0, len(toc), CONTENTS_PER_PART)] or [[]]
        self._targets = [entry.anchor for entry in toc]
        self.results: dict[str, PartResult] = {}
        self.page_label = gettext(PAGE_LABEL)
        """The page label pattern in the document's language (``{page}`` and ``{pages}``)."""
        self._front_tasks: list[Task] = []
        self._settled = False
        self._rounds = 0

    def front_html(self, pages: dict[str, int], chunk: int = 0) -> str:
        """Part ``chunk`` of the contents (0: the front, with the cover) with ``pages`` as its numbers."""
        lines = self._chunks[chunk]
        name = "front" if chunk == 0 else f"contents:{chunk}"
        segment = Segment(name, doc={"toc": lines}, link_targets=[entry.anchor for entry in lines], pages=pages)
        return segment_html(self.view, segment, self.templates)

    def html(self) -> list[str]:
        """The HTML of every part, in order, with the contents as they are measured (for inspection)."""
        fronts = [self.front_html({}, k) for k in range(len(self._chunks))]
        return [*fronts, *(task.html for task in self.bodies)]

    def _measured(self) -> list[PartResult]:
        return [self.results[f"measure:front:{k}"] for k in range(len(self._chunks))]

    def tasks(self) -> list[Task]:
        """What to render next; empty when :meth:`join` can run.

        Round 1 measures the contents and renders every part but the appendix, the carrier of the
        attachment and the sample of the page numbers; each later round renders the contents and the
        appendix with the page numbers known so far (the appendix prints the page of each finding's
        section), until the contents keep their length.
        """
        if self._rounds == 0:
            self._rounds = 1
            probes = [
                Task.of(f"measure:front:{k}", self.front_html({}, k), layout_only=True)
                for k in range(len(self._chunks))
            ]
            carrier = Task.of("attachment", CARRIER_HTML, attach=True)
            numbers = Task.of("numbers", numbers_html(self.page_label, self.templates))
            appendix = set(self._appendix)
            bodies = [task for n, task in enumerate(self.bodies) if n not in appendix]
            return [*probes, carrier, numbers, *bodies]
        if self._settled:
            return []
        if self._front_tasks:
            fronts = [self.results[task.name] for task in self._front_tasks]
            settled = [f.pages for f in fronts] == [m.pages for m in self._measured()]
            for k, result in enumerate(fronts):
                self.results[f"measure:front:{k}"] = result
            if settled or self._rounds >= MAX_ROUNDS:
                self._settled = True
                return []
        self._rounds += 1
        pages = self._page_numbers()
        self._front_tasks = [
            Task.of(f"front:{self._rounds}:{k}", self.front_html(pages, k)) for k in range(len(self._chunks))
        ]
        for n in self._appendix:
            known = {a: pages[a] for a in self.segments[n].link_targets if a in pages}
            segment = replace(self.segments[n], pages=known)
            self.bodies[n] = Task.of(f"part:{segment.name}", segment_html(self.view, segment, self.templates))
        return [*self._front_tasks, *(self.bodies[n] for n in self._appendix)]

    def receive(self, name: str, result: PartResult) -> None:
        """Record a rendered task's result."""
        self.results[name] = result

    def total_pages(self) -> int:
        """Pages of the joined register (with the contents as last measured)."""
        return sum(m.pages for m in self._measured()) + sum(self.results[task.name].pages for task in self.bodies)

    def _page_numbers(self) -> dict[str, int]:
        """1-based page of every anchor in the joined register up to the appendix (and of the appendix).

        The appendix is laid out after the other parts, with their page numbers: only its own anchor, on its
        first page, is needed before (the contents line of Appendix A).
        """
        pages: dict[str, int] = {}
        offset = 0
        targets = set(self._targets)
        for front in self._measured():
            for anchor, page in front.anchors.items():
                if anchor not in targets:
                    pages.setdefault(anchor, offset + page + 1)
            offset += front.pages
        for n, task in enumerate(self.bodies):
            if n in self._appendix:
                pages.setdefault(APPENDIX_ANCHOR, offset + 1)
                break
            part = self.results[task.name]
            stand_ins = set(self.segments[n].link_targets)
            for anchor, page in part.anchors.items():
                if anchor not in stand_ins:
                    pages.setdefault(anchor, offset + page + 1)
            offset += part.pages
        return pages

    def joiner(self, out: IO[bytes]) -> PartJoiner:
        """A joiner writing the register to ``out``: hand it to :meth:`join_ahead`, then to :meth:`join_to`."""
        from ropa.render.joinpdf import PartJoiner

        return PartJoiner(out, self.results["numbers"], self.page_label)

    def can_join_ahead(self) -> bool:
        """Whether the first round is back, so that :meth:`join_ahead` can run."""
        return self._rounds >= 2 or self._settled

    def join_ahead(self, joiner: PartJoiner) -> None:
        """Write the parts that no later round changes (all but the contents and the appendix) into ``joiner``.

        Possible once the first round is back (:meth:`tasks` has asked for a second); ``ropa build``
        does it while the contents and the appendix are laid out. Parts ``joiner`` has are not added again.
        """
        assert self.can_join_ahead()
        appendix = set(self._appendix)
        base = len(self._chunks)
        for n, task in enumerate(self.bodies):
            if n not in appendix and base + n not in joiner:
                joiner.add(base + n, self.results[task.name], set(self.segments[n].link_targets))

    def join_to(self, out: IO[bytes], joiner: PartJoiner | None = None) -> None:
        """Write the register PDF to ``out`` (through ``joiner`` if :meth:`join_ahead` has begun it): the
        contents, the other parts and the page numbers as one PDF/A-3b.

        The parts are always added in one order (those of :meth:`join_ahead`, then the contents, then the
        appendix), so the bytes do not depend on whether the join began early.
        """
        assert self._settled
        joiner = joiner if joiner is not None else self.joiner(out)
        self.join_ahead(joiner)
        targets = set(self._targets)
        for k, task in enumerate(self._front_tasks):
            joiner.add(k, self.results[task.name], targets)
        base = len(self._chunks)
        for n in self._appendix:
            joiner.add(base + n, self.results[self.bodies[n].name], set(self.segments[n].link_targets))
        joiner.finish(self.results["attachment"])

    def join(self) -> bytes:
        """The register PDF as bytes (see :meth:`join_to`)."""
        import io

        out = io.BytesIO()
        self.join_to(out)
        return out.getvalue()

"""Join the parts of the register into one tagged PDF/A-3b, streaming part after part into the file.

A joined register of 10,000 activities has some 29,000 pages and five million
objects, most of them structure elements (the tags that make the PDF
accessible). Building that document in memory, as a PDF library does, costs
about 0.25 MB per page, so the join writes the file itself: each part is opened
(pikepdf, qpdf underneath), its objects are written with their references
renumbered into the joined file's numbering, and the part is closed before the
next opens. Memory is that of one part plus a few numbers per page.

Parts may be added in any order (:class:`PartJoiner`): each is placed by its
position in the document, and what orders the document (page tree, structure
kids, outline, page numbers) is written at the end, so the parts that are final
can be joined while others are still being laid out. The part at position 0 (the
front) gives the catalogue: XMP metadata, output intent, language and document
information; the attached register JSON comes from a one-page carrier document,
so that the front does not change with every edit.
Every part adds its pages and, so that the result stays a tagged PDF:

* its structure elements, under one ``Document`` element;
* its parent-tree entries, renumbered after the previous parts', with the pages'
  ``StructParents`` and the annotations' ``StructParent`` moved with them;
* its named destinations, less its stand-ins: a part that links to another
  part (the contents to the headings, an activity to its findings in the
  appendix, the appendix back to the sections) holds empty targets of the same
  names while it is laid out, and only the real target of each name is kept.

The outline is rebuilt over all parts from the bookmarks each part reported
(levels are the headings' levels, so an activity sits under its chapter even
when the chapter heading is in another part), and the page numbers ("page X
of Y") are drawn over each page as a small form XObject, inside an ``/Artifact``
marked-content sequence: its text is written here, in the font, size, colour and
place that ``page_numbers.html`` gave a sample label (:mod:`ropa.render.pagestamp`),
so no page is laid out only to carry its number. Objects other than streams are packed into compressed object
streams with a cross-reference stream (PDF 1.5, allowed by PDF/A-2 and -3), and
the ``/ID`` is a hash of the bytes written: same parts, same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from array import array
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pikepdf

    from ropa.render.jobs import PartResult

CSS_PX = 0.75
"""PDF points per CSS pixel."""
OBJECTS_PER_STREAM = 100
"""Objects packed into one compressed object stream (as qpdf does)."""
HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
"""Version line, then a comment of bytes above 127 (PDF/A: the file is binary)."""

_TOKENS = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f]*>|(?<![\w.#/+-])(\d+) (\d+) R(?![\w#])", re.S)
"""In qpdf's unparsed objects: literal strings (qpdf escapes every parenthesis in them), hex strings,
and indirect references ``N G R``; only the references are rewritten."""


def _tree(node: Any, leaves: str) -> Iterator[tuple[Any, Any]]:
    """Entries of a PDF number tree (``leaves="/Nums"``) or name tree (``"/Names"``), in order."""
    if leaves in node:
        pairs = node[leaves]
        for i in range(0, len(pairs), 2):
            yield pairs[i], pairs[i + 1]
    for kid in node.get("/Kids", []):
        yield from _tree(kid, leaves)


def _document_element(pdf: pikepdf.Pdf) -> Any:
    """The top structure element (WeasyPrint writes one ``/Document`` under the root)."""
    import pikepdf

    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, pikepdf.Array) else kids


def _string(text: str | bytes) -> bytes:
    """A PDF string object (text as PDFDocEncoding or UTF-16, as qpdf writes it)."""
    import pikepdf

    return bytes(pikepdf.String(text).unparse())


def _real(value: float) -> bytes:
    """A PDF real without exponent or needless digits."""
    return (f"{value:.6f}".rstrip("0").rstrip(".") or "0").encode("ascii")


class _Writer:
    """Writes numbered objects to ``out``; packs small ones into object streams; ends with the xref stream."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.offset = 0
        self.digest = hashlib.sha256()
        self.kind = bytearray(b"\x00")  # per object number: 0 free, 1 at an offset, 2 in an object stream
        self.where = array("Q", [0])  # offset, or number of the object stream
        self.index = array("L", [65535])  # generation, or index within the object stream
        self.pending: list[tuple[int, bytes]] = []
        self._write(HEADER)

    def reserve(self) -> int:
        """A new object number (its object is written later)."""
        self.kind.append(0)
        self.where.append(0)
        self.index.append(0)
        return len(self.kind) - 1

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.offset += len(data)

    def put(self, number: int, body: bytes) -> None:
        """Object ``number`` (not a stream), into the current object stream."""
        self.pending.append((number, body))
        if len(self.pending) >= OBJECTS_PER_STREAM:
            self.flush()

    def put_stream(self, number: int, head: bytes, data: bytes) -> None:
        """Stream object ``number``: ``head`` is its dictionary without the closing ``>>`` or ``/Length``."""
        self.kind[number], self.where[number], self.index[number] = 1, self.offset, 0
        self._write(b"%d 0 obj\n%s /Length %d >>\nstream\n" % (number, head, len(data)))
        self._write(data)
        self._write(b"\nendstream\nendobj\n")

    def flush(self) -> None:
        """Write the pending objects as one compressed object stream."""
        if not self.pending:
            return
        number = self.reserve()
        offsets, bodies, at = [], [], 0
        for i, (num, body) in enumerate(self.pending):
            self.kind[num], self.where[num], self.index[num] = 2, number, i
            offsets.append(b"%d %d" % (num, at))
            bodies.append(body)
            at += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", 6)
        count = len(self.pending)
        self.pending = []
        self.put_stream(number, b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (count, len(head)), data)

    def finish(self, root: int, info: int | None) -> None:
        """The cross-reference stream and trailer; ``/ID`` is the hash of everything before them."""
        self.flush()
        number = self.reserve()
        self.kind[number], self.where[number], self.index[number] = 1, self.offset, 0
        size = len(self.kind)
        width = max(1, (max(self.offset, max(self.where)).bit_length() + 7) // 8)
        iwidth = max(1, (max(self.index).bit_length() + 7) // 8)
        rows = bytearray()
        for kind, where, index in zip(self.kind, self.where, self.index, strict=True):
            rows.append(kind)
            rows += where.to_bytes(width, "big")
            rows += index.to_bytes(iwidth, "big")
        data = zlib.compress(bytes(rows), 6)
        ident = self.digest.hexdigest()[:32].encode("ascii")
        head = b"<< /Type /XRef /Size %d /W [ 1 %d %d ] /Root %d 0 R%s /ID [ <%s> <%s> ] /Filter /FlateDecode" % (
            size,
            width,
            iwidth,
            root,
            b" /Info %d 0 R" % info if info is not None else b"",
            ident,
            ident,
        )
        start = self.offset
        self._write(b"%d 0 obj\n%s /Length %d >>\nstream\n" % (number, head, len(data)))
        self._write(data)
        self._write(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)


class _Source:
    """One input PDF: its objects are written on demand, renumbered into the writer's numbering."""

    def __init__(self, writer: _Writer, pdf: pikepdf.Pdf) -> None:
        self.writer = writer
        self.pdf = pdf
        self.numbers: dict[tuple[int, int], int] = {}
        self.todo: deque[tuple[int, int]] = deque()
        self.tokens: dict[bytes, bytes] = {}
        """Each reference rewritten so far and what it became: a reference recurs on many objects (a
        structure element's parent, a page), so most are rewritten by one lookup."""

    def alias(self, obj: Any, number: int) -> None:
        """References to ``obj`` (an indirect object of this PDF) become references to ``number``."""
        self.numbers[obj.objgen] = number

    def ref(self, objgen: tuple[int, int]) -> int:
        """The joined file's number of this PDF's object ``objgen`` (written when :meth:`drain` runs)."""
        number = self.numbers.get(objgen)
        if number is None:
            number = self.numbers[objgen] = self.writer.reserve()
            self.todo.append(objgen)
        return number

    def _sub(self, match: re.Match[bytes]) -> bytes:
        token = match.group(0)
        done = self.tokens.get(token)
        if done is None:
            number, generation = match.group(1, 2)
            if number is None:  # a string: left as it is, and not kept (strings rarely recur)
                return token
            done = self.tokens[token] = b"%d 0 R" % self.ref((int(number), int(generation)))
        return done

    def value(self, obj: Any) -> bytes:
        """``obj`` as it appears inside another object (an indirect object as a reference)."""
        import pikepdf

        if not isinstance(obj, pikepdf.Object):  # pikepdf hands out numbers and booleans as Python's
            return bytes(pikepdf.Array([obj]).unparse())[2:-2]
        return bytes(_TOKENS.sub(self._sub, obj.unparse()))

    def drain(self) -> None:
        """Write every object referenced so far, and everything they reference."""
        import pikepdf

        while self.todo:
            objgen = self.todo.popleft()
            number = self.numbers[objgen]
            obj = self.pdf.get_object(objgen)
            if isinstance(obj, pikepdf.Stream):
                data = obj.read_raw_bytes()
                head = obj.stream_dict.unparse(resolved=True)
                head = re.sub(rb"\s*/Length \d+(?: \d+ R)?", b"", head[:-2].rstrip())
                self.writer.put_stream(number, _TOKENS.sub(self._sub, head), data)
            else:
                self.writer.put(number, _TOKENS.sub(self._sub, obj.unparse(resolved=True)))


@dataclass
class _Slot:
    """What one part adds to the joined document's own objects: its pages (their objects, heights and
    page-number forms), the kids of the ``Document`` structure element, and its named destinations."""

    page_refs: list[int] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    forms: list[int] = field(default_factory=list)
    kids: list[bytes] = field(default_factory=list)
    dests: dict[bytes, bytes] = field(default_factory=dict)


class _Join:
    """The joined document's own objects, and what the parts contribute to them."""

    def __init__(self, out: IO[bytes]) -> None:
        self.writer = _Writer(out)
        reserve = self.writer.reserve
        self.catalog, self.pages, self.struct_root, self.document = reserve(), reserve(), reserve(), reserve()
        self.open_q, self.close_q = reserve(), reserve()
        self.writer.put_stream(self.open_q, b"<<", b"q\n")
        self.writer.put_stream(self.close_q, b"<<", b"\nQ /Artifact BMC q /RopaPageNumber Do Q EMC\n")
        self.slots: dict[int, _Slot] = {}
        """What each part added, by its place in the document (parts may be added in any order)."""
        self.page_refs: list[int] = []
        self.heights: list[float] = []
        self.entries: list[tuple[int, bytes]] = []
        self.next_key = 0
        self.catalog_extra = b""
        self.document_extra = b""
        self.info: int | None = None
        self.embedded = b""
        self.files = b""

    def add(self, pdf: pikepdf.Pdf, position: int, stand_ins: Collection[str] = ()) -> None:
        """Write the pages and structure of the part at ``position`` (0: the front) in the document.

        ``stand_ins``: the part's named destinations that only stand in for targets in other parts.
        Each page gets the number of its page-number form, written by :meth:`finish` once the pages
        are counted.
        """
        import pikepdf

        assert position not in self.slots
        slot = self.slots[position] = _Slot()
        source = _Source(self.writer, pdf)
        first = position == 0
        stand_in_pages = pdf.make_indirect(pikepdf.Dictionary())
        source.alias(stand_in_pages, self.pages)
        document = _document_element(pdf)
        source.alias(document, self.document)
        opening = pdf.make_indirect(pikepdf.Dictionary())
        closing = pdf.make_indirect(pikepdf.Dictionary())
        source.alias(opening, self.open_q)
        source.alias(closing, self.close_q)
        offset = self.next_key
        _retag_fonts(pdf.pages, position)
        for page in pdf.pages:
            obj = page.obj
            obj.Parent = stand_in_pages
            if "/StructParents" in obj:
                obj.StructParents = int(obj.StructParents) + offset
            for annot in obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
            form = pdf.make_indirect(pikepdf.Dictionary())
            slot.forms.append(self.writer.reserve())
            source.alias(form, slot.forms[-1])
            # Pages of a part share one resource dictionary: each page gets its own (shallow) copy.
            resources = pikepdf.Dictionary(dict(obj.get("/Resources", pikepdf.Dictionary()).items()))
            xobjects = pikepdf.Dictionary(dict(resources.get("/XObject", pikepdf.Dictionary()).items()))
            xobjects[pikepdf.Name("/RopaPageNumber")] = form
            resources.XObject = xobjects
            obj.Resources = resources
            contents = obj.get("/Contents")
            inner = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents else []
            obj.Contents = pikepdf.Array([opening, *inner, closing])
            box = obj.MediaBox
            slot.heights.append(float(box[3]) - float(box[1]))
            slot.page_refs.append(source.ref(obj.objgen))
        struct_root = pdf.Root.StructTreeRoot
        keys = []
        for key, value in _tree(struct_root.ParentTree, "/Nums"):
            keys.append(int(key))
            self.entries.append((int(key) + offset, source.value(value)))
        self.next_key = offset + max(keys, default=-1) + 1
        kids = document.K
        slot.kids.extend(source.value(kid) for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]))
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            for name, dest in _tree(pdf.Root.Names.Dests, "/Names"):
                key = bytes(name)
                if key.decode("latin-1") not in stand_ins:
                    slot.dests.setdefault(key, source.value(dest))
        if first:
            skip = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Names", "/AF"}
            self.catalog_extra = b"".join(
                b" %s %s" % (str(key).encode("latin-1"), source.value(value))
                for key, value in sorted(pdf.Root.items())
                if key not in skip
            )
            self.document_extra = b"".join(
                b" %s %s" % (str(key).encode("latin-1"), source.value(value))
                for key, value in sorted(document.items())
                if key not in {"/K", "/P", "/Type", "/S"}
            )
            info = pdf.trailer.get("/Info")
            if info is not None and info.is_indirect:
                self.info = source.ref(info.objgen)
        source.drain()

    def attach(self, pdf: pikepdf.Pdf) -> None:
        """Take over the embedded files of ``pdf`` (as WeasyPrint wrote them for PDF/A-3)."""
        source = _Source(self.writer, pdf)
        if "/Names" in pdf.Root and "/EmbeddedFiles" in pdf.Root.Names:
            self.embedded = source.value(pdf.Root.Names.EmbeddedFiles)
        if "/AF" in pdf.Root:
            self.files = source.value(pdf.Root.AF)
        source.drain()

    def finish(self, bookmarks: list[tuple[int, str, int, float, float, bool]], stamp: _Stamper) -> None:
        """The page numbers, page tree, structure root, names, outline and catalogue; then the cross-reference
        stream. The parts are taken in document order, whatever order they were added in."""
        put, reserve = self.writer.put, self.writer.reserve
        slots = [self.slots[n] for n in range(len(self.slots))]  # a KeyError here: a part was never added
        self.page_refs = [ref for slot in slots for ref in slot.page_refs]
        self.heights = [height for slot in slots for height in slot.heights]
        stamp.write([form for slot in slots for form in slot.forms])
        dests: dict[bytes, bytes] = {}
        for slot in slots:
            for key, dest in slot.dests.items():
                dests.setdefault(key, dest)
        put(
            self.pages,
            b"<< /Type /Pages /Count %d /Kids [ %s ] >>"
            % (len(self.page_refs), b" ".join(b"%d 0 R" % n for n in self.page_refs)),
        )
        self.entries.sort(key=lambda e: e[0])
        parent_tree = reserve()
        put(parent_tree, b"<< /Nums [ %s ] >>" % b" ".join(b"%d %s" % entry for entry in self.entries))
        put(
            self.struct_root,
            b"<< /Type /StructTreeRoot /K [ %d 0 R ] /ParentTree %d 0 R /ParentTreeNextKey %d >>"
            % (self.document, parent_tree, self.next_key),
        )
        put(
            self.document,
            b"<< /Type /StructElem /S /Document /P %d 0 R /K [ %s ]%s >>"
            % (self.struct_root, b" ".join(kid for slot in slots for kid in slot.kids), self.document_extra),
        )
        names = b""
        if dests:
            names_tree = reserve()
            put(
                names_tree,
                b"<< /Names [ %s ] >>" % b" ".join(b"%s %s" % (_string(name), dests[name]) for name in sorted(dests)),
            )
            names += b" /Dests %d 0 R" % names_tree
        if self.embedded:
            names += b" /EmbeddedFiles " + self.embedded
        extra = self.catalog_extra
        if names:
            extra += b" /Names <<%s >>" % names
        if self.files:
            extra += b" /AF " + self.files
        outline = self._outline(bookmarks)
        if outline is not None:
            extra += b" /Outlines %d 0 R" % outline
        put(
            self.catalog,
            b"<< /Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R%s >>" % (self.pages, self.struct_root, extra),
        )
        self.writer.finish(self.catalog, self.info)

    def _outline(self, bookmarks: list[tuple[int, str, int, float, float, bool]]) -> int | None:
        """The outline over every part's headings, nested by heading level (None: no headings)."""
        items: list[dict[str, Any]] = []
        stack: list[tuple[int, list[dict[str, Any]]]] = [(0, items)]
        for level, label, page, x, y, is_open in bookmarks:
            dest = b"[ %d 0 R /XYZ %s %s 0 ]" % (
                self.page_refs[page],
                _real(x * CSS_PX),
                _real(self.heights[page] - y * CSS_PX),
            )
            while len(stack) > 1 and stack[-1][0] >= level:
                stack.pop()
            node: dict[str, Any] = {"title": label, "dest": dest, "open": is_open, "children": []}
            stack[-1][1].append(node)
            stack.append((level, node["children"]))
        if not items:
            return None
        root = self.writer.reserve()
        first, last, visible = self._items(root, items)
        self.writer.put(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, visible))
        return root

    def _items(self, parent: int, nodes: list[dict[str, Any]]) -> tuple[int, int, int]:
        """Write ``nodes`` under ``parent``: the first and last item, and how many items are visible."""
        numbers = [self.writer.reserve() for _ in nodes]
        visible = 0
        for i, (number, node) in enumerate(zip(numbers, nodes, strict=True)):
            body = b"<< /Title %s /Parent %d 0 R /Dest %s" % (_string(node["title"]), parent, node["dest"])
            if i > 0:
                body += b" /Prev %d 0 R" % numbers[i - 1]
            if i + 1 < len(numbers):
                body += b" /Next %d 0 R" % numbers[i + 1]
            visible += 1
            if node["children"]:
                first, last, below = self._items(number, node["children"])
                body += b" /First %d 0 R /Last %d 0 R /Count %d" % (first, last, below if node["open"] else -below)
                if node["open"]:
                    visible += below
            self.writer.put(number, body + b" >>")
        return numbers[0], numbers[-1], visible


class _Stamper:
    """The page-number forms: ``numbers`` is ``page_numbers.html`` laid out with the sample labels of
    ``pattern`` (:mod:`ropa.render.pagestamp`); its font and resources are written at once and shared by
    every form, and the forms themselves once the pages are counted (:meth:`write`)."""

    def __init__(self, writer: _Writer, numbers: PartResult, pattern: str) -> None:
        from ropa.render.pagestamp import Stamp

        self.writer = writer
        self.pattern = pattern
        with _open(numbers) as pdf:
            _retag_fonts(pdf.pages, -1)
            self.stamp = Stamp(pdf, pattern)
            source = _Source(writer, pdf)
            if self.stamp.resources is None:
                resources = writer.reserve()
                writer.put(resources, b"<< >>")
            elif self.stamp.resources.is_indirect:
                resources = source.ref(self.stamp.resources.objgen)
            else:
                resources = writer.reserve()
                writer.put(resources, source.value(self.stamp.resources))
            source.drain()
        self.head = b"<< /Type /XObject /Subtype /Form /BBox [ %s ] /Resources %d 0 R /Filter /FlateDecode" % (
            b" ".join(_real(v) for v in self.stamp.box),
            resources,
        )

    def write(self, forms: Sequence[int]) -> None:
        """Write form ``forms[i]`` with the label of page ``i + 1`` of ``len(forms)``."""
        total = len(forms)
        for page, number in enumerate(forms, 1):
            content = self.stamp.content(self.pattern.format(page=page, pages=total))
            self.writer.put_stream(number, self.head, zlib.compress(content, 6))


def _open(part: PartResult) -> pikepdf.Pdf:
    import pikepdf

    return pikepdf.open(part.path) if part.path else pikepdf.open(io.BytesIO(part.pdf))


class PartJoiner:
    """Joins parts into one PDF, written to ``out`` as they are added, in any order: each is placed by
    its position in the document, so the parts that are final can be written while others are still
    being laid out (see :func:`join_parts_to`). The same parts added in the same order give the same bytes.

    Args:
        out: Where the joined PDF goes (written front to back, never sought).
        numbers: ``page_numbers.html`` laid out with the sample labels of ``pattern``
            (:func:`ropa.render.pagestamp.sample_labels`): how a page number is drawn.
        pattern: The page label with ``{page}`` and ``{pages}`` (``page {page} of {pages}`` in English).
    """

    def __init__(self, out: IO[bytes], numbers: PartResult, pattern: str) -> None:
        self._join = _Join(out)
        self._stamp = _Stamper(self._join.writer, numbers, pattern)
        self._parts: dict[int, PartResult] = {}

    def add(self, position: int, part: PartResult, stand_ins: Collection[str] = ()) -> None:
        """Write the part at ``position`` (0: the first; the part at 0 carries the catalogue).

        ``stand_ins``: the anchors the part holds only as link targets (the real ones are in other parts).
        """
        with _open(part) as pdf:
            self._join.add(pdf, position, stand_ins)
        self._parts[position] = part

    def __contains__(self, position: object) -> bool:
        """Whether the part at ``position`` has been added."""
        return position in self._parts

    def finish(self, carrier: PartResult | None) -> None:
        """Write the rest once every position from 0 up has its part: page numbers, outline, catalogue.

        ``carrier``: a document whose embedded files (``/EmbeddedFiles``, ``/AF``) the joined PDF takes
        over (None: no attachment).
        """
        bookmarks = []
        first_page = 0
        for n in range(len(self._parts)):
            part = self._parts[n]
            bookmarks += [(level, label, first_page + page, x, y, o) for level, label, page, x, y, o in part.bookmarks]
            first_page += part.pages
        if carrier is not None:
            with _open(carrier) as pdf:
                self._join.attach(pdf)
        self._join.finish(bookmarks, self._stamp)


def join_parts_to(
    out: IO[bytes],
    parts: list[PartResult],
    numbers: PartResult,
    pattern: str,
    carrier: PartResult | None,
    stand_ins: Sequence[Collection[str]],
) -> None:
    """Write one PDF from ``parts`` (front first, added in that order) to ``out``, with "page X of Y" drawn
    over every page (see :class:`PartJoiner` for the arguments).

    ``stand_ins``: for each part in turn, the anchors it holds only as link targets; parts past the end of
    the sequence hold none.
    """
    joiner = PartJoiner(out, numbers, pattern)
    held = list(stand_ins)
    for n, part in enumerate(parts):
        joiner.add(n, part, held[n] if n < len(held) else ())
    joiner.finish(carrier)


def join_parts(
    parts: list[PartResult],
    numbers: PartResult,
    pattern: str,
    carrier: PartResult | None,
    stand_ins: Sequence[Collection[str]] = (),
) -> bytes:
    """The joined PDF as bytes (see :func:`join_parts_to`)."""
    out = io.BytesIO()
    join_parts_to(out, parts, numbers, pattern, carrier, stand_ins)
    return out.getvalue()


def _retag_fonts(pages: Any, part: int) -> None:
    """Give the font subsets of a part their own subset tags.

    WeasyPrint derives a subset's ``ABCDEF+`` tag from the font, not from the
    glyphs in the subset, so two parts would embed different subsets of DejaVu
    Sans under one name; a reader that caches fonts by name could draw one
    part's text with the other part's glyphs.
    """
    import pikepdf

    done: set[tuple[int, int]] = set()
    for page in pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _name, font in fonts.items():
            if font.objgen in done:
                continue
            done.add(font.objgen)
            described = [font, *font.get("/DescendantFonts", [])]
            for item in described:
                for holder, key in ((item, "/BaseFont"), (item.get("/FontDescriptor"), "/FontName")):
                    if holder is None or key not in holder:
                        continue
                    name = str(holder[key])[1:]
                    if len(name) > 7 and name[6] == "+" and name[:6].isupper():
                        digest = hashlib.sha256(f"{part}:{name}".encode()).digest()
                        tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
                        holder[key] = pikepdf.Name("/" + tag + name[6:])

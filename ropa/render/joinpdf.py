"""Join the parts of the register into one tagged PDF/A-3b (pikepdf, qpdf underneath).

The first part (the front) gives the catalogue: XMP metadata, output intent,
language and document information; the attached register JSON comes from a
one-page carrier document, so that the front does not change with every edit. Every later
part adds its pages and, so that the result stays a tagged PDF:

* its structure elements, appended under the front's ``Document`` element;
* its parent-tree entries, renumbered after the front's, with the pages'
  ``StructParents`` and the annotations' ``StructParent`` moved with them;
* its named destinations (the contents' links in the front name headings of
  other parts; the front holds stand-ins for them, replaced here).

The outline is rebuilt over all parts from the bookmarks each part reported
(levels are the headings' levels, so an activity sits under its chapter even
when the chapter heading is in another part), and the page numbers ("page X
of Y", a document of empty pages rendered from ``page_numbers.html``) are drawn
over each page as a form XObject, inside an ``/Artifact`` marked-content
sequence. The file is saved with a content-derived ``/ID``: same parts, same bytes.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pikepdf

    from ropa.render.parts import PartResult

CSS_PX = 0.75
"""PDF points per CSS pixel."""


def _tree(node: Any, leaves: str) -> Iterator[tuple[Any, Any]]:
    """Entries of a PDF number tree (``leaves="/Nums"``) or name tree (``"/Names"``), in order."""
    if leaves in node:
        pairs = node[leaves]
        for i in range(0, len(pairs), 2):
            yield pairs[i], pairs[i + 1]
    for kid in node.get("/Kids", []):
        yield from _tree(kid, leaves)


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    """Entries of a PDF number tree (the structure's parent tree)."""
    return ((int(key), value) for key, value in _tree(node, "/Nums"))


def _name_tree(node: Any) -> Iterator[tuple[bytes, Any]]:
    """Entries of a PDF name tree (named destinations)."""
    return ((bytes(key), value) for key, value in _tree(node, "/Names"))


def _copy(base: pikepdf.Pdf, obj: Any) -> Any:
    """``obj`` of another PDF as an object of ``base`` (qpdf copies indirect objects once per source)."""
    import pikepdf

    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return base.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(base, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(base, value) for key, value in obj.items()})
    return obj


def _document_element(pdf: pikepdf.Pdf) -> Any:
    """The top structure element (WeasyPrint writes one ``/Document`` under the root)."""
    import pikepdf

    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, pikepdf.Array) else kids


def join_parts(
    parts: list[PartResult], numbers: list[PartResult], carrier: PartResult | None, stand_ins: set[str]
) -> bytes:
    """One PDF from ``parts`` (front first), with the pages of ``numbers`` drawn over them.

    Args:
        parts: Rendered parts in document order; the first carries the catalogue.
        numbers: The page-number documents: together one page per page of the parts.
        carrier: A document whose embedded files (``/EmbeddedFiles``, ``/AF``) the joined PDF takes over
            (None: no attachment).
        stand_ins: Anchors the front holds only as link targets; the real ones are in later parts.
    """
    import pikepdf

    base = pikepdf.open(io.BytesIO(parts[0].pdf))
    struct_root = base.Root.StructTreeRoot
    document = _document_element(base)
    entries = list(_number_tree(struct_root.ParentTree))
    next_key = max((k for k, _ in entries), default=-1) + 1
    dests: dict[bytes, Any] = {}
    if "/Names" in base.Root and "/Dests" in base.Root.Names:
        dests = {name: d for name, d in _name_tree(base.Root.Names.Dests) if name.decode("latin-1") not in stand_ins}
    pages_before = [len(base.pages)]
    sources = []
    for part in parts[1:]:
        src = pikepdf.open(io.BytesIO(part.pdf))
        sources.append(src)  # kept open until saved: qpdf copies lazily
        src_document = _document_element(src)
        if "/P" in src_document:
            del src_document["/P"]  # copying its children must not pull in the part's own structure root
        first = len(base.pages)
        base.pages.extend(src.pages)
        offset = next_key
        for page in base.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        part_entries = list(_number_tree(src.Root.StructTreeRoot.ParentTree))
        for key, value in part_entries:
            entries.append((key + offset, _copy(base, value)))
        next_key = offset + max((k for k, _ in part_entries), default=-1) + 1
        for child in src_document.K:
            copied = _copy(base, child)
            copied.P = document
            document.K.append(copied)
        if "/Names" in src.Root and "/Dests" in src.Root.Names:
            for name, dest in _name_tree(src.Root.Names.Dests):
                dests.setdefault(name, _copy(base, dest))
        _retag_fonts(base.pages[first:], len(pages_before))
        pages_before.append(len(base.pages))
    entries.sort(key=lambda e: e[0])
    struct_root.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array([x for k, v in entries for x in (k, v)]))
    struct_root.ParentTreeNextKey = next_key
    if dests:
        if "/Names" not in base.Root:
            base.Root.Names = pikepdf.Dictionary()
        base.Root.Names.Dests = pikepdf.Dictionary(
            Names=pikepdf.Array([x for name in sorted(dests) for x in (pikepdf.String(name), dests[name])])
        )
    _outline(base, parts, pages_before)
    if carrier is not None:
        _attach(base, carrier, sources)
    _draw_numbers(base, numbers, sources)
    out = io.BytesIO()
    base.save(
        out,
        deterministic_id=True,
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
    )
    return out.getvalue()


def _retag_fonts(pages: Any, part: int) -> None:
    """Give the font subsets of a part their own subset tags.

    WeasyPrint derives a subset's ``ABCDEF+`` tag from the font, not from the
    glyphs in the subset, so two parts would embed different subsets of DejaVu
    Sans under one name; a reader that caches fonts by name could draw one
    part's text with the other part's glyphs.
    """
    import hashlib

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


def _outline(base: pikepdf.Pdf, parts: list[PartResult], pages_before: list[int]) -> None:
    """Replace the front's outline with one over every part's headings, nested by heading level."""
    import pikepdf

    items: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(0, items)]
    for part, first in zip(parts, [0, *pages_before[:-1]], strict=True):
        for level, label, page, x, y, is_open in part.bookmarks:
            page_obj = base.pages[first + page].obj
            height = float(page_obj.MediaBox[3]) - float(page_obj.MediaBox[1])
            dest = pikepdf.Array([page_obj, pikepdf.Name.XYZ, x * CSS_PX, height - y * CSS_PX, 0])
            while len(stack) > 1 and stack[-1][0] >= level:
                stack.pop()
            node: dict[str, Any] = {"title": label, "dest": dest, "open": is_open, "children": []}
            stack[-1][1].append(node)
            stack.append((level, node["children"]))
    if "/Outlines" in base.Root:
        del base.Root["/Outlines"]
    if not items:
        return
    root = base.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    visible = _link_items(base, root, items)
    root.Count = visible
    base.Root.Outlines = root


def _link_items(base: pikepdf.Pdf, parent: Any, nodes: list[dict[str, Any]]) -> int:
    """Write ``nodes`` as outline items under ``parent``; the number of items visible under it."""
    import pikepdf

    objects = []
    visible = 0
    for node in nodes:
        item = base.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(node["title"]), Parent=parent,
                                                     Dest=node["dest"]))
        objects.append(item)
        visible += 1
        if node["children"]:
            below = _link_items(base, item, node["children"])
            item.Count = below if node["open"] else -below
            if node["open"]:
                visible += below
    for before, after in itertools.pairwise(objects):
        before.Next = after
        after.Prev = before
    parent.First = objects[0]
    parent.Last = objects[-1]
    return visible


def _attach(base: pikepdf.Pdf, carrier: PartResult, keep: list[pikepdf.Pdf]) -> None:
    """Take over the embedded files of ``carrier`` (as WeasyPrint wrote them for PDF/A-3)."""
    import pikepdf

    source = pikepdf.open(io.BytesIO(carrier.pdf))
    keep.append(source)
    if "/Names" in source.Root and "/EmbeddedFiles" in source.Root.Names:
        if "/Names" not in base.Root:
            base.Root.Names = pikepdf.Dictionary()
        base.Root.Names.EmbeddedFiles = _copy(base, source.Root.Names.EmbeddedFiles)
    if "/AF" in source.Root:
        base.Root.AF = _copy(base, source.Root.AF)


def _draw_numbers(base: pikepdf.Pdf, numbers: list[PartResult], keep: list[pikepdf.Pdf]) -> None:
    """Draw page ``i`` of the numbers documents over page ``i`` of ``base`` as an artifact."""
    import pikepdf

    sources = [pikepdf.open(io.BytesIO(n.pdf)) for n in numbers]
    keep.extend(sources)
    count = sum(len(source.pages) for source in sources)
    if count != len(base.pages):
        raise ValueError(f"page numbers for {count} pages, but the register has {len(base.pages)}")
    numbered_pages = [page for source in sources for page in source.pages]
    for source in sources:
        _retag_fonts(source.pages, -1)
    for page, numbered in zip(base.pages, numbered_pages, strict=True):
        form = base.copy_foreign(numbered.as_form_xobject())
        # Pages of a part share one resource dictionary: each page gets its own (shallow) copy.
        resources = pikepdf.Dictionary(dict(page.obj.get("/Resources", pikepdf.Dictionary()).items()))
        xobjects = pikepdf.Dictionary(dict(resources.get("/XObject", pikepdf.Dictionary()).items()))
        xobjects[pikepdf.Name("/RopaPageNumber")] = form
        resources.XObject = xobjects
        page.obj.Resources = resources
        page.contents_add(pikepdf.Stream(base, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(base, b"\nQ /Artifact BMC q /RopaPageNumber Do Q EMC\n"), prepend=False)

"""The register PDF in parts (ropa/render/parts.py) joined into one (ropa/render/joinpdf.py).

The joined file must read as one document: every page numbered "page X of Y"
in order, one structure tree whose elements all point at pages of the file, a
parent tree with one entry per page, contents lines that link to the real
headings, and an outline that nests each activity under its chapter. A build
with the cache re-renders only the part a change touches and still equals a
clean build byte for byte.
"""

from __future__ import annotations

import copy
import io
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ropa.check.findings import Report
from ropa.model.register import Register
from ropa.pipeline import load_and_check_for_documents
from ropa.produce.build import build
from ropa.produce.cache import BuildCache
from ropa.render.parts import MAX_ACTIVITIES, body_segments
from ropa.render.views.register import build_register_view


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def activity(pid: str, n: int, description: str = "Sends order notices by SMS") -> dict[str, Any]:
    return {
        "id": f"{pid}-a{n}",
        "name": f"Activity {n} with {pid}",
        "description": description,
        "purposes": [{"description": "Deliver order notices by SMS", "lawful_basis": "6.1.b"}],
        "data_subjects": [{"name": "Customers"}],
        "data_categories": [
            {"id": "phone", "name": "Mobile phone number", "retention": {"kind": "duration", "duration": "P30D"}}
        ],
        "recipients": [{"provider": pid, "role": "processor"}],
    }


def provider(pid: str, activities: int) -> dict[str, Any]:
    return {
        "id": pid,
        "legal_name": f"{pid.title()} Messaging Ltd",
        "country": "DE",
        "role": "processor",
        "service": "SMS delivery",
        "activities": [activity(pid, n) for n in range(activities)],
    }


def test_parts_hold_every_activity_once_in_order(small_register: tuple[Register, Report]) -> None:
    register, report = small_register
    view = build_register_view(register, report)
    segments = body_segments(register, view)
    names = [s.name for s in segments]
    assert len(names) == len(set(names))
    assert [a.anchor for s in segments for a in s.activities] == [a.anchor for a in view.activities]
    activities = [s for s in segments if s.name.startswith("activities:")]
    assert activities[0].opens_chapter and not any(s.opens_chapter for s in activities[1:])
    assert [s.opens_chapter for s in segments if s.name.startswith("findings:")] == [True] + [False] * (
        len([s for s in segments if s.name.startswith("findings:")]) - 1
    )
    assert names[-7:-1] == [
        "processor",
        "summaries:recipients:0",
        "summaries:transfers:0",
        "summaries:retention:0",
        "summaries:measures:0",
        "data-flow",
    ]  # the small register is a processor too
    assert names[-1] == "findings:0"


def test_a_large_provider_is_cut_and_part_names_do_not_follow_content(make_register: Callable[..., Path]) -> None:
    providers = {"big": provider("big", 2 * MAX_ACTIVITIES + 3), "small": provider("small", 2)}
    register, report = load_and_check_for_documents(make_register(providers))
    segments = body_segments(register, build_register_view(register, report))
    big = [s for s in segments if s.name.startswith("activities:big:")]
    assert [s.name for s in big] == ["activities:big:0", "activities:big:1", "activities:big:2"]
    assert [len(s.activities) for s in big] == [MAX_ACTIVITIES, MAX_ACTIVITIES, 3]

    renamed = copy.deepcopy(providers)
    renamed["small"]["legal_name"] = "Renamed Messaging Ltd"
    renamed["small"]["activities"][0]["name"] = "A new name"
    register2, report2 = load_and_check_for_documents(make_register(renamed))
    assert [s.name for s in body_segments(register2, build_register_view(register2, report2))] == [
        s.name for s in segments
    ]


def test_every_page_is_numbered_in_order(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    _register, _report, pdf = small_register_pdf
    pages = page_texts(pdf)
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert text.count(f"page {number} of {len(pages)}") == 1, f"page {number}"


def test_one_structure_tree_over_all_pages(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(small_register_pdf[2]))
    assert pdf.check_pdf_syntax() == [], "qpdf finds the joined file malformed"
    pages = {page.obj.objgen for page in pdf.pages}
    tree = pdf.Root.StructTreeRoot
    documents = tree.K if isinstance(tree.K, pikepdf.Array) else [tree.K]
    assert len(documents) == 1 and documents[0].S == "/Document"
    seen = 0
    stack: list[Any] = [documents[0]]
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") != "/StructElem":
            continue
        seen += 1
        if "/Pg" in element:
            assert element.Pg.objgen in pages, "a structure element points at a page that is not in the file"
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    assert kid.P.objgen == element.objgen
                stack.append(kid)
    assert seen > 100
    nums = tree.ParentTree.Nums
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert keys == sorted(set(keys))
    for page in pdf.pages:
        assert int(page.obj.StructParents) in keys
        for annot in page.obj.get("/Annots", []):
            assert int(annot.StructParent) in keys


def test_contents_links_reach_the_headings_of_other_parts(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    from pypdf import PdfReader

    pdf = small_register_pdf[2]
    reader = PdfReader(io.BytesIO(pdf))
    texts = page_texts(pdf)
    named = reader.named_destinations
    # Page 3 is the contents (after the cover and the overview).
    links = [
        annot.get_object() for annot in reader.pages[2].get("/Annots", []) if annot.get_object()["/Subtype"] == "/Link"
    ]
    assert len(links) >= 8
    targets = {}
    for link in links:
        name = str(link["/Dest"])
        targets[name] = reader.get_destination_page_number(named[name])
    assert targets["activities"] > 1 and targets["findings"] > targets["activities"]
    assert "Appendix A. Validation findings" in texts[targets["findings"]]
    view = build_register_view(*small_register_pdf[:2])
    for entry in view.activities:
        assert entry.name.split()[0] in texts[targets[entry.anchor]]


def test_outline_nests_activities_under_their_chapter(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(small_register_pdf[2]))
    outline = reader.outline
    chapter = next(
        i
        for i, item in enumerate(outline)
        if not isinstance(item, list) and item.title == "2. Processing activities (Art. 30(1)(b)-(g))"
    )
    children = outline[chapter + 1]
    assert isinstance(children, list)
    assert any(isinstance(c, list) for c in children), "an activity's own headings nest under it"
    view = build_register_view(*small_register_pdf[:2])
    assert [c.title for c in children if not isinstance(c, list)] == [f"2.{a.number} {a.name}" for a in view.activities]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_changed_activity_rerenders_its_part_only(
    make_register: Callable[..., Path], tmp_path: Path, workers: int
) -> None:
    providers = {pid: provider(pid, 2) for pid in ("acme", "beta", "zeta")}
    out = tmp_path / "out"
    build(*load_and_check_for_documents(make_register(providers)), out, {"pdf"}, workers=workers)
    first = (out / "register.pdf").read_bytes()

    changed = copy.deepcopy(providers)
    changed["beta"]["activities"][1]["description"] = "Sends delivery notices by SMS, now also on Sundays"
    register, report = load_and_check_for_documents(make_register(changed))
    cache = BuildCache(out)
    build(register, report, out, {"pdf"}, workers=workers, cache=cache)
    part = next(
        s.name
        for s in body_segments(register, build_register_view(register, report))
        if any(a.id == "beta-a1" for a in s.activities)
    )
    # the part, and the one-page carrier of the register JSON (which changed with it); not the front
    assert sorted(cache.part_misses) == ["register.pdf#attachment", f"register.pdf#part:{part}"]
    assert cache.misses == ["register.pdf"]
    incremental = (out / "register.pdf").read_bytes()
    assert incremental != first
    assert "now also on Sundays" in "".join(page_texts(incremental))

    clean = tmp_path / "clean"
    build(register, report, clean, {"pdf"}, workers=workers, use_cache=False)
    assert (clean / "register.pdf").read_bytes() == incremental

    again = BuildCache(out)
    build(register, report, out, {"pdf"}, workers=workers, cache=again)
    assert again.part_misses == [] and again.hits == ["register.pdf"]
    assert (out / "register.pdf").read_bytes() == incremental


def test_findings_over_several_parts_print_each_finding_once(
    small_register: tuple[Register, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ropa.render.parts
    from ropa.render.pdf import render_register_pdf

    register, report = small_register
    view = build_register_view(register, report)
    monkeypatch.setattr(ropa.render.parts, "FINDINGS_PER_PART", 7)
    chunks = [s for s in body_segments(register, view) if s.name.startswith("findings:")]
    assert len(chunks) == -(-len(view.findings) // 7) >= 3
    assert [s.closes_chapter for s in chunks] == [False] * (len(chunks) - 1) + [True]
    text = "".join(page_texts(render_register_pdf(register, report, None)))
    flat = " ".join(text.split())
    assert flat.count("Appendix A. Validation findings") == 2  # the contents line and the heading
    assert flat.count("Reference data") == 1
    appendix = flat[flat.rindex("Appendix A. Validation findings") :]
    rules = [f.rule for f in view.findings]
    for rule in set(rules):
        assert appendix.count(f"{rule} ") >= rules.count(rule), rule


def test_each_embedded_subset_has_its_own_name(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    import hashlib

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(small_register_pdf[2]))
    programs: dict[str, set[str]] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            stream = obj.get("/FontFile2") or obj.get("/FontFile3") or obj.get("/FontFile")
            if stream is not None:
                digest = hashlib.sha256(stream.read_raw_bytes()).hexdigest()
                programs.setdefault(str(obj.FontName), set()).add(digest)
    assert len(programs) > 3
    assert all(len(found) == 1 for found in programs.values()), "two different subsets share one font name"


def test_a_translated_page_label_is_drawn_with_its_own_words(
    small_register: tuple[Register, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The label comes from the catalogue: its words' glyphs are in the sample, whatever the language."""
    import ropa.render.parts
    from ropa.render.pagestamp import PAGE_LABEL
    from ropa.render.pdf import render_register_pdf

    german = {PAGE_LABEL: "Seite {page} von {pages}"}
    monkeypatch.setattr(ropa.render.parts, "gettext", lambda message: german.get(message, message))
    register, report = small_register
    pages = page_texts(render_register_pdf(register, report, None))
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert text.count(f"Seite {number} von {len(pages)}") == 1, f"page {number}"
        assert f"page {number} of" not in text


def test_contents_over_several_parts_link_and_number_every_line(
    small_register: tuple[Register, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long contents is laid out in parts of CONTENTS_PER_PART lines: each line once, in order, with the
    page its link lands on, and the heading "Contents" once."""
    from pypdf import PdfReader

    import ropa.render.parts
    from ropa.render.pdf import render_register_pdf

    register, report = small_register
    view = build_register_view(register, report)
    monkeypatch.setattr(ropa.render.parts, "CONTENTS_PER_PART", 4)
    assert len(view.toc) > 8
    pdf = render_register_pdf(register, report, None)
    texts = page_texts(pdf)
    for number, text in enumerate(texts, start=1):
        assert text.count(f"page {number} of {len(texts)}") == 1, f"page {number}"
    reader = PdfReader(io.BytesIO(pdf))
    named = reader.named_destinations
    contents_pages = -(-len(view.toc) // 4) + 1  # the cover, then one page per part of four lines
    contents_pages += 1  # the overview follows the cover
    links = [
        annot.get_object()
        for page in reader.pages[2:contents_pages]
        for annot in page.get("/Annots", [])
        if annot.get_object()["/Subtype"] == "/Link"
    ]
    dests = [str(link["/Dest"]) for link in links]  # a line can be more than one link box (text and leader)
    assert [d for i, d in enumerate(dests) if i == 0 or dests[i - 1] != d] == [entry.anchor for entry in view.toc]
    contents = " ".join(" ".join(texts[2:contents_pages]).split())
    assert "Overview" in texts[1] and "Contents" in texts[2] and contents.count("Contents") == 1
    for entry in view.toc:
        target = reader.get_destination_page_number(named[entry.anchor])
        assert target >= contents_pages
        title = " ".join(entry.title.split())
        assert title in " ".join(texts[target].split()), entry.anchor
        line = contents[contents.index(title) + len(title) :].lstrip(" .")
        assert line.startswith(str(target + 1)), (entry.anchor, line[:20])


def test_summary_tables_over_several_parts_hold_every_row_once(
    small_register: tuple[Register, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ropa.render.parts
    from ropa.render.pdf import render_register_pdf

    register, report = small_register
    view = build_register_view(register, report)
    monkeypatch.setattr(ropa.render.parts, "SUMMARY_ROWS", 2)
    names = [s.name for s in body_segments(register, view) if s.name.startswith("summaries:retention")]
    assert names == [f"summaries:retention:{n}" for n in range(-(-len(view.retention) // 2))] and len(names) >= 2
    measures = [s for s in body_segments(register, view) if s.name.startswith("summaries:measures")]
    assert [(g.number, m) for s in measures for g in s.doc["measure_groups"] for m in g.measures] == [
        (g.number, m) for g in view.measure_groups for m in g.measures
    ]
    assert {g.number for s in measures for g in s.doc["measure_groups"]} == {g.number for g in view.measure_groups}
    text = " ".join("".join(page_texts(render_register_pdf(register, report, None))).split())
    assert text.count(view.headings["summary-retention"]) == 2  # the contents line and the heading
    table = text[text.rindex(view.headings["summary-retention"]) : text.rindex(view.headings["summary-measures"])]
    assert table.count("Data category Retention") == len(names)  # the header row repeats in each part
    for row in view.retention:  # (a long category name breaks across lines: its start)
        assert f"{row.activity} {row.category[:20]}" in table, row

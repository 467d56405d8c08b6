"""The PDF register says only what the record says, and marks where it falls short (issue 17).

Read from the PDF itself (pdftotext, pypdf): markers next to wrong values with the id of their
finding, links from Appendix A to the section concerned, "outside the EEA" never after an unknown
location, the overview page after the cover, one vocabulary for gaps.
"""

from __future__ import annotations

import io
import re

from ropa.check.findings import Report
from ropa.model.register import Register
from tests.register_truth.conftest import pages_of, words_of

Truth = tuple[Register, Report, bytes]
MARK = r"\u26a0\s?(F\d+)"


def _flat(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


def _body(pdf: bytes) -> str:
    """The text after the front matter (cover, overview, contents)."""
    text = _flat("\n".join(pages_of(pdf)))
    return text[text.index("Art. 30(1)(a): name and contact") :]


def _appendix_rule(pdf: bytes, finding_id: str) -> str:
    """The rule of the appendix entry ``finding_id``."""
    pages = [page for page in pages_of(pdf) if "Appendix A. Validation findings" in page]
    match = re.search(rf"\b{finding_id} (?:ERROR|WARNING|INFO) ([A-Z0-9][\w-]+)", _flat("\n".join(pages)))
    assert match, f"{finding_id} not in Appendix A"
    return match.group(1)


def test_invalid_mechanism_is_marked_with_its_finding(truth: Truth) -> None:
    _register, _report, pdf = truth
    body = _body(pdf)
    marked = re.findall(r"EU-US Privacy Shield \(invalidated on 16 July 2020\)\s?" + MARK, body)
    assert len(marked) >= 2, "in the activity's transfers and in the summary of transfers"
    assert {_appendix_rule(pdf, f) for f in marked} == {"A44-invalid-mechanism"}
    assert "EU-US Privacy Shield (invalidated on 16 July 2020) Not applicable" not in body  # never unmarked


def test_vague_retention_is_marked_with_its_finding(truth: Truth) -> None:
    _register, _report, pdf = truth
    marked = re.findall(r"stated as \u201c6-24 months\u201d\s?" + MARK, _body(pdf))
    assert len(marked) == 2, "in the activity and in the retention summary"
    assert {_appendix_rule(pdf, f) for f in marked} == {"A5-1-e-retention-vague"}


def test_unknown_location_is_never_outside_the_eea(truth: Truth) -> None:
    _register, _report, pdf = truth
    text = _flat("\n".join(pages_of(pdf)))
    unknown = "location not recorded: a transfer cannot be excluded"
    assert text.count(unknown) >= 4
    assert re.search(re.escape(unknown) + r"(\s?\u26a0\s?F\d+)*\s?outside the EEA", text) is None
    assert "Not recorded outside the EEA" not in text
    assert "Germany (DE) outside" not in text  # Rhein Hosting is in the EEA and keeps data in the US
    assert "Germany (DE); data also in United States (US) outside the EEA" in text
    tracking = _body(pdf).split("2.1 Parcel tracking", 1)[1].split("2.2 Deliveries abroad", 1)[0]
    assert "No transfer outside the EEA is recorded" not in tracking
    assert "where Nowhere Hosting Ltd keep the data is not recorded: a transfer cannot be excluded" in tracking


def test_missing_destination_is_marked_and_not_placed(truth: Truth) -> None:
    _register, _report, pdf = truth
    summary = _body(pdf).split("3.2 Transfers outside the EEA", 1)[1].split("3.3 Retention", 1)[0]
    assert "Brazil (BR) outside the EEA Carriers abroad Derogation (Art. 49(1)), point (b)" in summary
    assert re.search(r"location not recorded: a transfer cannot be excluded Carriers abroad", summary)
    # The marker sits in the country cell of that row, under the words (read by position, not text order).
    page = next(n for n, t in enumerate(pages_of(pdf)) if "Transfers declared in the activities" in t)
    words = words_of(pdf, page)
    texts = [w[4] for w in words]
    at = next(i for i in range(len(texts) - 1) if texts[i : i + 2] == ["location", "not"])
    x0, y0 = words[at][0], words[at][1]
    carriers = min(w[0] for w in words if w[4] == "Carriers" and abs(w[1] - y0) < 2)
    marks = [w[4] for w in words if re.fullmatch(r"F\d+", w[4]) and x0 - 2 <= w[0] < carriers and y0 <= w[1] < y0 + 60]
    assert [_appendix_rule(pdf, f) for f in marks] == ["A30-1-e-destination"]


def test_each_section_lists_its_findings_and_the_appendix_links_back(truth: Truth) -> None:
    import pypdf

    register, report, pdf = truth
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = pages_of(pdf)
    destinations = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    abroad = next(n for n, e in enumerate(register.activities(), 1) if e.activity.id == "abroad")
    section = destinations[f"activity-{abroad}"]
    assert "2.2 Deliveries abroad" in texts[section]
    # The activity's own list names the destination finding with its id.
    own = _flat("\n".join(texts[section : section + 3]))
    listed = own.split("Findings about this activity", 1)[1]
    ids = re.findall(r"\b(F\d+)\b", listed)
    assert "A30-1-e-destination" in {_appendix_rule(pdf, f) for f in ids}, "the section lists its findings by id"
    # Appendix A links each finding to the section it concerns.
    links: dict[int, set[str]] = {}
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            dest = annot.get_object().get("/Dest")
            if dest is not None:
                links.setdefault(number, set()).add(str(dest))
    appendix = [n for n, t in enumerate(texts) if "Appendix A. Validation findings" in t and n > 3]
    targets = set().union(*(links.get(n, set()) for n in appendix))
    assert f"activity-{abroad}" in targets
    assert "summary-transfers" in targets  # a provider's mechanism is shown in the summary of transfers
    assert all(destinations[t] < appendix[0] for t in targets if t.startswith("activity-"))
    assert sum(1 for f in report.findings if f.activity == "abroad") >= 1


def test_overview_follows_the_cover(truth: Truth) -> None:
    register, _report, pdf = truth
    overview = _flat(pages_of(pdf)[1])
    assert overview.startswith("Thames Parcels Ltd") and "Overview" in overview
    for topic in ("Lawful basis", "Retention", "Transfers", "Contract (Art. 28)"):
        assert topic in overview
    for number, entry in enumerate(register.activities(), 1):
        assert f"2.{number} {entry.activity.name}" in overview
    # Parcel tracking: its host keeps the data in no recorded place; one error (no security measures).
    assert re.search(
        r"2\.1 Parcel tracking Recorded Recorded Cannot be excluded Not recorded \(1 of 1\); 1 error 1 \d+", overview
    )
    assert "Destination not recorded; 1 error" in overview  # Deliveries abroad


def test_cover_defines_the_words_for_gaps(truth: Truth) -> None:
    _register, _report, pdf = truth
    cover = _flat(pages_of(pdf)[0])
    assert "Not recorded the record must hold this fact and does not" in cover
    assert "None the record states that there is none" in cover
    assert "Not applicable the fact does not apply here" in cover
    text = _flat("\n".join(pages_of(pdf)))
    assert "Not stated" not in text and "None recorded" not in text


def test_register_html_is_deterministic(truth: Truth) -> None:
    from ropa.render.pdf import register_html

    register, report, _pdf = truth
    assert register_html(register, report) == register_html(register, report)


def test_example_register_prints_no_placeholder_and_places_truthfully() -> None:
    """The bundled example (whatever its content): every invalid mechanism marked, no placeholder, no
    "outside the EEA" after an unknown location, the overview after the cover."""
    from pathlib import Path

    from ropa.pipeline import load_and_check_for_documents
    from ropa.render.pdf import render_register_pdf

    register, report = load_and_check_for_documents(Path(__file__).resolve().parents[2] / "examples" / "sms-providers")
    pdf = render_register_pdf(register, report, None)
    pages = pages_of(pdf)
    text = _flat("\n".join(pages))
    assert re.search(r"\bTBD|TODO|FIXME|verify\)", text) is None
    assert "Not stated" not in text
    assert re.search(r"location not recorded: a transfer cannot be excluded(\s?\u26a0\s?F\d+)*\s?outside", text) is None
    assert re.search(r"data also in [^;]*\((?:DE|FR|NL|IE|LV)\) outside the EEA", text) is None
    assert "Overview" in pages[1] and "Contents" in pages[2]
    invalid = [f for f in report.findings if f.rule == "A44-invalid-mechanism"]
    if invalid:
        marked = re.findall(r"\(invalidated on [^)]*\)\s?" + MARK, _body(pdf))
        assert marked and {_appendix_rule(pdf, f) for f in marked} <= {"A44-invalid-mechanism"}

"""Issue 17: every finding in Appendix A links to the section it concerns, with that section's page, and back.

The register PDF is laid out in parts and joined; an activity's part holds stand-ins for the appendix entries
its markers link to, and the appendix is laid out once the other parts' page numbers are known. These tests
open the joined PDF of the bundled example and follow its link annotations.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from ropa.pipeline import load_and_check_for_documents
from ropa.render.views.marks import Mark
from ropa.render.views.register import RegisterView, build_register_view
from tests.conftest import EXAMPLE


@dataclass
class Joined:
    view: RegisterView
    reader: Any
    texts: list[str]
    named: dict[str, Any]

    def page_of(self, anchor: str) -> int:
        """0-based page of a named destination of the joined PDF."""
        return int(self.reader.get_destination_page_number(self.named[anchor]))

    def links(self) -> list[tuple[int, str]]:
        """(page, destination name) of every internal link annotation, in page order."""
        found = []
        for number, page in enumerate(self.reader.pages):
            for annot in page.get("/Annots", []):
                annot = annot.get_object()
                if annot["/Subtype"] == "/Link" and "/Dest" in annot:
                    found.append((number, str(annot["/Dest"])))
        return found


@pytest.fixture(scope="module")
def joined() -> Joined:
    from pypdf import PdfReader

    from ropa.render.pdf import render_register_pdf

    register, report = load_and_check_for_documents(EXAMPLE)
    pdf = render_register_pdf(register, report)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    reader = PdfReader(io.BytesIO(pdf))
    return Joined(
        build_register_view(register, report), reader, out.stdout.decode().split("\f")[:-1], reader.named_destinations
    )


def _marks(view: object) -> int:
    """How many value markers a view holds (its fields walked like the stand-ins are collected)."""
    from dataclasses import fields, is_dataclass

    if isinstance(view, Mark):
        return 1
    if isinstance(view, list | tuple):
        return sum(_marks(item) for item in view)
    if is_dataclass(view) and not isinstance(view, type):
        return sum(_marks(getattr(view, f.name)) for f in fields(view))
    return 0


def test_markers_and_finding_lists_link_to_the_appendix_entry(joined: Joined) -> None:
    view = joined.view
    appendix = joined.page_of("findings")
    starts = sorted((joined.page_of(a.anchor), a) for a in view.activities)
    by_activity: dict[str, list[str]] = {a.anchor: [] for a in view.activities}
    for page, dest in joined.links():
        if not dest.startswith("finding-") or page >= appendix:
            continue
        owner = [a for start, a in starts if start <= page][-1]
        by_activity[owner.anchor].append(dest)
        target = joined.page_of(dest)
        assert target >= appendix, dest
        number = dest.removeprefix("finding-")
        assert re.search(rf"^F{number} (error|warning|info)\b", joined.texts[target], re.M | re.I), dest
    assert any(a.findings for a in view.activities)
    for activity in view.activities:
        listed = [r.anchor for r in activity.findings]
        # one link per finding in "Findings about this activity", one per marker next to a value
        assert len(by_activity[activity.anchor]) == len(listed) + _marks(activity), activity.anchor
        assert set(listed) <= set(by_activity[activity.anchor]), activity.anchor


def test_each_appendix_entry_prints_and_links_the_page_of_its_section(joined: Joined) -> None:
    view = joined.view
    appendix = joined.page_of("findings")
    text = " ".join(" ".join(joined.texts[appendix:]).split())
    shown = [f for f in view.findings if f.section]
    assert len(shown) > 20
    for finding in shown:
        page = joined.page_of(finding.section) + 1
        title = " ".join(finding.section_title.split())
        assert f"Shown in {title}, page {page}" in text, finding.id
        assert finding.section_title.split()[0] in joined.texts[page - 1]
    back = [(page, dest) for page, dest in joined.links() if page >= appendix and not dest.startswith("finding-")]
    assert {dest for _, dest in back} >= {f.section for f in shown}
    printed = [int(n) for n in re.findall(r"Shown in .*?, page (\d+)", text)]
    assert len(printed) == len(shown)
    assert all(n - 1 < appendix for n in printed)


def test_no_stand_in_claims_a_finding_or_a_section(joined: Joined) -> None:
    """Each finding's destination is its appendix entry, each section's its heading, never a stand-in."""
    appendix = joined.page_of("findings")
    for finding in joined.view.findings:
        assert joined.page_of(finding.anchor) >= appendix
    for activity in joined.view.activities:
        assert f"2.{activity.number} " in joined.texts[joined.page_of(activity.anchor)]

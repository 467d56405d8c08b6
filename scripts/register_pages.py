"""Write the per-page reference of the example's register PDF: ``tests/data/register-pages.json``.

``tests/render/test_register_pages.py`` builds the bundled example's register PDF and compares it with
this file: the page count, the text of every page (``pdftotext``, layout off) and the box of every
word of the running "page X of Y" (``pdftotext -bbox``, in points, two decimals). Regenerate it only
when a change to the register's text or layout is meant::

    .venv/bin/python scripts/register_pages.py            # rewrite tests/data/register-pages.json
    .venv/bin/python scripts/register_pages.py --check    # compare only; exit 1 on a difference
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sms-providers"
REFERENCE = ROOT / "tests" / "data" / "register-pages.json"
FOOTER_FROM = 800.0
"""Words whose top is below this (points from the top of an A4 page) are in the bottom margin."""
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def example_register_pdf() -> bytes:
    """The register PDF of the bundled example, as ``ropa build`` writes it (one process, same bytes)."""
    from ropa.pipeline import load_and_check_for_documents
    from ropa.render.pdf import render_register_pdf

    register, report = load_and_check_for_documents(EXAMPLE)
    return render_register_pdf(register, report)


def pages_of(pdf: bytes) -> dict[str, Any]:
    """Page count, text of each page, and the boxes of the words of each page's number."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
        boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True)
    texts = text.stdout.decode("utf-8").split("\f")[:-1]
    numbers = []
    for page in boxes.stdout.decode("utf-8").split("</page>")[:-1]:
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in _WORD.findall(page)]
        footer = [w for w in words if w[1] > FOOTER_FROM]
        numbers.append([[w[4], *(round(v, 2) for v in w[:4])] for w in footer[-4:]])
    return {"pages": len(texts), "text": texts, "page_numbers": numbers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the reference instead of writing it")
    args = parser.parse_args(argv)
    found = pages_of(example_register_pdf())
    if args.check:
        same = json.loads(REFERENCE.read_text(encoding="utf-8")) == found
        print("same as the reference" if same else "differs from the reference")
        return 0 if same else 1
    REFERENCE.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}: {found['pages']} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())

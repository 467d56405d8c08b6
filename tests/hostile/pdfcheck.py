"""Reading a produced PDF the way an attacker's payload would hope to show up in it.

- :func:`text` of every page (pdftotext), for "the text is shown literally";
- :func:`all_bytes`: every object and decoded stream, to prove no local file or
  fetched resource was embedded;
- :func:`attachments`, :func:`uri_links` and :func:`image_count`;
- :func:`missing_glyphs`: characters drawn with the font's ``.notdef`` glyph (tofu),
  found from each font's encoding (Identity-H, or the ``cidchar``/``cidrange`` CMap
  WeasyPrint writes) and its ToUnicode map.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject, StreamObject


def reader(path: Path) -> PdfReader:
    """A pypdf reader of ``path``."""
    return PdfReader(path)


def text(path: Path) -> str:
    """Text of every page by pdftotext (poppler); pypdf garbles WeasyPrint's custom font encodings."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def _objects(pdf: PdfReader) -> list[Any]:
    refs = [(num, gen) for gen, table in pdf.xref.items() for num in table]
    refs += [(num, 0) for num in pdf.xref_objStm]
    return [pdf.get_object(IndirectObject(num, gen, pdf)) for num, gen in refs]


def all_bytes(pdf: PdfReader) -> bytes:
    """Every object's representation plus every stream's decoded data."""
    chunks = []
    for obj in _objects(pdf):
        if isinstance(obj, StreamObject):
            try:
                chunks.append(obj.get_data())
            except Exception:
                chunks.append(obj._data)
        chunks.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(chunks)


def attachments(pdf: PdfReader) -> dict[str, list[bytes]]:
    """Embedded files by name."""
    return {name: list(data) for name, data in pdf.attachments.items()}


def uri_links(pdf: PdfReader) -> list[str]:
    """Targets of every link annotation that opens a URI (internal links excluded)."""
    found = []
    for obj in _objects(pdf):
        if hasattr(obj, "get") and obj.get("/Subtype") == "/Link":
            action = obj.get("/A")
            action = action.get_object() if action is not None else None
            if action is not None and action.get("/S") == "/URI":
                found.append(str(action.get("/URI")))
        if hasattr(obj, "get") and obj.get("/S") in ("/Launch", "/GoToR", "/ImportData", "/JavaScript"):
            found.append(f"{obj.get('/S')} action")
    return found


def image_count(pdf: PdfReader) -> int:
    """Number of image XObjects (user text must never become an image)."""
    return sum(1 for obj in _objects(pdf) if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Image")


def _code_to_cid(font: Any) -> dict[int, int] | None:
    """Code -> CID of a Type0 font's encoding; None means identity."""
    encoding = font.get("/Encoding")
    stream = encoding.get_object() if isinstance(encoding, IndirectObject) else encoding
    if not isinstance(stream, StreamObject):
        return None
    data = stream.get_data().decode("latin-1")
    table: dict[int, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block):
            table[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", data, re.S):
        for low, high, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = int(cid) + offset
    return table


def _to_unicode(font: Any) -> dict[int, str]:
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    data = stream.get_object().get_data().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            base = bytes.fromhex(uni).decode("utf-16-be", "replace")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = base[:-1] + chr(ord(base[-1]) + offset) if base else ""
    return table


def missing_glyphs(pdf: PdfReader) -> set[str]:
    """Characters drawn as ``.notdef`` (GID 0) anywhere in the document."""
    missing: set[str] = set()
    maps: dict[int, tuple[dict[int, int] | None, dict[int, str]]] = {}
    for page in pdf.pages:
        resources = page.get("/Resources") or {}
        fonts = {name: ref.get_object() for name, ref in (resources.get("/Font") or {}).items()}
        current: Any = None
        for operands, operator in ContentStream(page.get_contents(), pdf).operations:
            if operator == b"Tf":
                current = fonts.get(operands[0])
                continue
            if operator not in (b"Tj", b"TJ") or current is None or current.get("/Subtype") != "/Type0":
                continue
            key = id(current)
            if key not in maps:
                maps[key] = (_code_to_cid(current), _to_unicode(current))
            cids, unicode = maps[key]
            strings = operands[0] if operator == b"TJ" else operands
            for item in strings:
                raw = getattr(item, "original_bytes", None)
                if raw is None:
                    continue
                for index in range(0, len(raw) - 1, 2):
                    code = raw[index] << 8 | raw[index + 1]
                    cid = code if cids is None else cids.get(code, code)
                    if cid == 0:
                        missing.add(unicode.get(code, f"<code {code:04x}>"))
    return missing

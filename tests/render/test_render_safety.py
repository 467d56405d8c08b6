"""Hostile text in the register stays text: no fetched files, no embedded files, no images, no template code.

Two walls are tested separately: Jinja autoescaping (user text never becomes
markup), and the URL fetcher (even markup that did reach WeasyPrint could read
nothing outside the template folders).
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest

from ropa.check.findings import Report
from ropa.errors import InputError
from ropa.model.register import Register
from tests.render.conftest import flat, load, pdf_text, register_files, write_register

SECRET = "ropa-secret-marker-6b1f"
"""Content of the 'secret' file the hostile text tries to pull into the PDF."""

HOSTILE = [
    '<link rel="attachment" href="file://{secret}">',
    '<img src="file://{secret}">',
    "<b>bold</b><script>alert(1)</script>",
    'x" style="background: url(file://{secret})',
    "</style><style>@import url(http://127.0.0.1:9/x.css); body {{ background: url(file://{secret}) }}</style>",
    "url(http://127.0.0.1:9/track.png)",
    "{{{{ 7*7 }}}} {{% include 'register.html' %}}",
    '<svg><image href="file://{secret}"/></svg>',
    "<object data=data:text/html;base64,PHA+aGk8L3A+></object>",
]


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    path.write_text(SECRET, "utf-8")
    return path


DOT_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
"""A 1x1 PNG."""


def hostile_texts(secret: Path) -> list[str]:
    return [h.format(secret=secret) for h in HOSTILE]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, secret_file: Path) -> tuple[Register, Report, list[str]]:
    """The small register with hostile text in names, purposes, categories, measures and contract notes."""
    texts = hostile_texts(secret_file)
    organisation, providers = register_files()
    organisation["trading_name"] = texts[0]
    organisation["contact"]["name"] = texts[1]
    alpha = providers["alpha"]
    alpha["legal_name"] = "Alpha " + texts[2]
    alpha["service"] = texts[3]
    alpha["toms"].append({"kind": "logging", "measure": texts[4]})
    alpha["contract"]["art28"]["c"]["note"] = texts[5]
    alpha["sub_processors"][0]["name"] = texts[7]
    activity = alpha["activities"][0]
    activity["purposes"][0]["description"] = texts[6]
    activity["data_categories"][0]["name"] = texts[8]
    activity["description"] = " ".join(texts)
    providers["beta"]["legal_name"] = texts[4]
    register, report = load(write_register(tmp_path_factory.mktemp("hostile") / "register", organisation, providers))
    return register, report, texts


@pytest.fixture(scope="module")
def hostile_pdfs(hostile: tuple[Register, Report, list[str]]) -> dict[str, bytes]:
    from ropa.render.annexes import render_annex_pdf
    from ropa.render.pdf import render_register_pdf

    register, report, _texts = hostile
    return {
        "register": render_register_pdf(register, report, None),
        "alpha": render_annex_pdf(register, "alpha", report, None),
    }


def _images_and_files(pdf: bytes) -> tuple[int, list[str]]:
    """Count of image objects reachable anywhere in the PDF, and the names of its embedded files."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(pdf))
    seen: set[tuple[int, int]] = set()
    images = 0
    stack: list[Any] = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if item.get("/Subtype") == "/Image":
                images += 1
            stack.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return images, list(reader.attachments)


def test_hostile_text_is_printed_literally(
    hostile: tuple[Register, Report, list[str]], hostile_pdfs: dict[str, bytes]
) -> None:
    _register, _report, texts = hostile
    register_text = flat(pdf_text(hostile_pdfs["register"]))
    for text in texts:
        assert flat(text) in register_text, text
    annex_text = flat(pdf_text(hostile_pdfs["alpha"]))
    assert flat(texts[2]) in annex_text  # provider name
    assert flat(texts[4]) in annex_text  # a measure
    assert flat(texts[5]) in annex_text  # a checklist note
    assert "{{7*7}}" in register_text  # Jinja syntax in data is data


def test_nothing_is_fetched_embedded_or_drawn(
    hostile: tuple[Register, Report, list[str]], hostile_pdfs: dict[str, bytes]
) -> None:
    from ropa.archive.normalise import register_json

    register, _report, _texts = hostile
    for name, pdf in hostile_pdfs.items():
        images, files = _images_and_files(pdf)
        assert images == 0, f"{name}: an image was embedded"
        assert SECRET.encode() not in pdf
        assert files == (["register.json"] if name == "register" else []), name
    from pypdf import PdfReader

    attached = PdfReader(io.BytesIO(hostile_pdfs["register"])).attachments["register.json"]
    assert attached == [register_json(register)]


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend((tag, name, value or "") for name, value in attrs)


def test_no_user_text_in_style_or_href(hostile: tuple[Register, Report, list[str]]) -> None:
    """Attributes of the generated HTML hold only numbers, fixed classes and generated anchors."""
    from ropa.render.annexes import annex_html
    from ropa.render.pdf import register_html

    register, report, _texts = hostile
    for html in (register_html(register, report, None), annex_html(register, "alpha", report, None)):
        parser = _Attributes()
        parser.feed(html)
        styles = [v for _t, n, v in parser.found if n == "style"]
        hrefs = [v for _t, n, v in parser.found if n in ("href", "src", "data")]
        assert all(re.fullmatch(r"[a-z-]+: -?[\d.]+mm(; [a-z-]+: -?[\d.]+mm)*", v) for v in styles), styles
        assert all(re.fullmatch(r"#[a-z0-9-]+", v) for v in hrefs), hrefs
        for _tag, name, value in parser.found:
            if name == "class":
                assert re.fullmatch(r"[a-z0-9 -]+", value), value
        assert "<script>" not in html and "<img" not in html and "<link" not in html


def test_fetcher_is_the_second_wall(
    small_register_pdf: tuple[Register, Report, bytes], secret_file: Path, tmp_path: Path
) -> None:
    """Raw hostile markup handed straight to WeasyPrint still fetches and embeds nothing."""
    from ropa.render.pdf import html_to_pdf

    register, _report, _pdf = small_register_pdf
    link = tmp_path / "templates" / "link.css"
    link.parent.mkdir()
    link.symlink_to(secret_file)
    raw = f"""<!DOCTYPE html><html><head>
    <link rel="attachment" href="file://{secret_file}">
    <link rel="attachment" href="../../../../../../{secret_file}">
    <link rel="stylesheet" href="http://127.0.0.1:9/x.css">
    <link rel="stylesheet" href="link.css">
    <style>@import url("file://{secret_file}"); body {{ background: url(http://127.0.0.1:9/bg.png) }}
    p {{ background: url("data:image/png;base64,{DOT_PNG}") }}</style>
    </head><body><p>x</p><img src="file://{secret_file}"><img src="%2e%2e/%2e%2e/{secret_file}">
    <object data="file://{secret_file}"></object><svg><image href="file://{secret_file}"/></svg></body></html>"""
    pdf = html_to_pdf(raw, register, tmp_path / "templates")
    images, files = _images_and_files(pdf)
    assert images == 0
    assert files == []
    assert SECRET.encode() not in pdf
    # Control: WeasyPrint's own fetcher would have embedded the file and drawn the images.
    from weasyprint import HTML

    unsafe = HTML(string=raw, base_url=(tmp_path / "templates").as_uri() + "/").write_pdf()
    unsafe_images, unsafe_files = _images_and_files(unsafe)
    assert unsafe_files and unsafe_images


def test_template_folder_files_are_served(small_register_pdf: tuple[Register, Report, bytes], tmp_path: Path) -> None:
    """An image the user puts in their template folder is allowed (and counted: the walker sees images)."""
    import base64

    from ropa.render.pdf import html_to_pdf

    register, _report, _pdf = small_register_pdf
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "logo.png").write_bytes(base64.b64decode(DOT_PNG))
    pdf = html_to_pdf('<html lang="en"><body><img src="logo.png" alt="logo"></body></html>', register, folder)
    assert _images_and_files(pdf)[0] >= 1  # the image (and its alpha mask)


def test_fetcher_serves_template_files_only(tmp_path: Path, secret_file: Path) -> None:
    from ropa.render.fetcher import RefusedURL, resolve_inside
    from ropa.render.html import BUILTIN

    user = tmp_path / "mine"
    user.mkdir()
    (user / "base.css").write_text("/* mine */", "utf-8")
    (user / "escape.css").symlink_to(secret_file)
    roots = [user, BUILTIN]
    # A built-in file name found in the user folder wins, as with the Jinja loader.
    assert resolve_inside((BUILTIN / "base.css").as_uri(), roots) == (user / "base.css").resolve()
    assert resolve_inside((BUILTIN / "register.css").as_uri(), roots) == (BUILTIN / "register.css").resolve()
    for url in (
        secret_file.as_uri(),
        f"file://{user}/../{secret_file.parent.name}/{secret_file.name}",
        f"file://{user}/%2e%2e/%2e%2e/{secret_file}",
        (user / "escape.css").as_uri(),
        (user / "missing.css").as_uri(),
        "file:///etc/hostname",
        "file://otherhost/etc/hostname",
        "http://127.0.0.1:9/x.css",
        "https://127.0.0.1:9/x.css",
        "data:text/css,body{}",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(RefusedURL):
            resolve_inside(url, roots)


def test_fetcher_is_a_weasyprint_fetcher(tmp_path: Path) -> None:
    from weasyprint.urls import URLFetcher

    from ropa.render.fetcher import make_fetcher
    from ropa.render.html import BUILTIN

    fetcher = make_fetcher([BUILTIN])
    assert isinstance(fetcher, URLFetcher)
    response = fetcher.fetch((BUILTIN / "base.css").as_uri())
    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/")
    assert fetcher.refused == ["http://127.0.0.1:9/"]


def test_environment_escapes_everything_and_refuses_undefined() -> None:
    from ropa.render.html import environment

    env = environment(None)
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined
    for name in env.list_templates():
        if name.endswith(".html"):
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            assert "|safe" not in source.replace(" ", ""), f"{name} marks a value safe"
            assert "autoescape false" not in source, name
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ doc.nothing }}").render(doc=object())
    assert env.from_string("{{ x }}").render(x="<b>{{ 7*7 }}</b>") == "&lt;b&gt;{{ 7*7 }}&lt;/b&gt;"
    assert "Not recorded" in env.from_string("{{ x | stated }}").render(x=None)


def test_a_misspelt_template_variable_fails_the_build(small_register: tuple[Register, Report], tmp_path: Path) -> None:
    from ropa.render.pdf import register_html

    register, report = small_register
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "cover.html").write_text("<p>{{ doc.organization }}</p>", "utf-8")
    with pytest.raises(InputError, match="organization") as raised:
        register_html(register, report, tmp_path)
    assert raised.value.diagnostics[0].file.endswith("partials/cover.html")  # a located input error, not a traceback

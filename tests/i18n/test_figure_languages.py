"""The data-flow figure in German and French: legend, captions, role and status words, country names.

The figure of the example is laid out in each language and its HTML (the chapter partial with its
inline SVG parts, as the register prints it) rendered directly; its text is compared with the
figure's catalogue. Names from the register are printed as written, every label still fits its
line in the longer languages, and the English figure is the default one.
"""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po

from ropa import i18n
from ropa.model.register import Register
from ropa.pipeline import load_and_check_for_documents
from ropa.render import figures
from ropa.render.html import render
from ropa.render.text import UNKNOWN_LOCATION
from tests.conftest import EXAMPLE

SHARED = ("Activity", "Provider", "Sub-processor", "outside the EEA")
"""Words the figure prints that live in other catalogues of the language."""


def figure_messages(lang: str) -> dict[str, str]:
    """The messages of ``figure.po`` and the shared ones the figure prints, English -> translation."""
    with (i18n.catalogue_path(lang).parent / "figure.po").open("rb") as handle:
        found = {str(m.id): str(m.string) for m in read_po(handle) if m.id}
    table = i18n.messages(lang)
    return found | {m: table[m] for m in SHARED}


def pattern(message: str) -> re.Pattern[str]:
    """``message`` as a regular expression: a ``{placeholder}`` stands for a short text without a colon (so that
    it does not reach across labels), words end at a boundary."""
    body = r"[^:]{1,80}?".join(re.escape(part) for part in re.split(r"\{\w+\}", message))
    return re.compile(rf"(?<!\w){body}(?!\w)")


def distinct(message: str) -> bool:
    """Whether ``message`` has enough words of its own to be told apart from user text ("and {x}" has not)."""
    fixed = re.sub(r"\{\w+\}", "", message).strip()
    return fixed == message or len(fixed) >= 9


@pytest.fixture(scope="module")
def register() -> Register:
    return load_and_check_for_documents(EXAMPLE)[0]


def figure(register: Register, lang: str | None) -> tuple[figures.FigureView, str]:
    """The figure and the text of its HTML (tags removed; wrapped label lines joined by spaces)."""
    doc = {"headings": {"data-flow": "Data flow"}}
    if lang is None:
        view = figures.build_figure(register)
        page = render("partials/figure.html", None, doc={**doc, "figure": view})
    else:
        with i18n.active(lang):
            view = figures.build_figure(register)
            page = render("partials/figure.html", None, doc={**doc, "figure": view})
    text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S))
    return view, re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_the_figure_is_in_the_language(lang: str, register: Register) -> None:
    _view, en_text = figure(register, None)
    view, text = figure(register, lang)
    messages = figure_messages(lang)
    shown = {m for m in messages if pattern(m).search(en_text) and distinct(m)}
    assert len(shown) >= 20, sorted(set(messages) - shown)
    left = {m for m in shown if messages[m] != m and not pattern(m).search(messages[m]) and pattern(m).search(text)}
    assert left == set()
    missing = {m for m in shown if not pattern(messages[m]).search(text)}
    assert missing == set()
    unknown = i18n.messages(lang)[UNKNOWN_LOCATION]
    assert unknown[:1].upper() + unknown[1:] in text and UNKNOWN_LOCATION[1:] not in text
    names = {"de": ("Deutschland (DE)", "Vereinigte Staaten (US)"), "fr": ("Allemagne (DE)", "États-Unis (US)")}
    assert all(name in text for name in names[lang]) and "Germany (DE)" not in text, "country names of the language"
    for provider in register.providers:
        assert provider.legal_name in text, "names are printed as written"
    for part in view.parts:
        for line in part.lines:  # a longer word in the language wraps, it is never cut
            assert figures.text_width(line.text, figures.scale_of(line.cls)) <= line.width + 0.01, line.text


def test_the_english_figure_is_the_default(register: Register) -> None:
    view, text = figure(register, None)
    assert figure(register, "en") == (view, text)
    assert "Figure 1 of 2: activities 2.1, 2.2, 2.3; 2.4; 2.5, 2.6." in text
    assert "Germany (DE)" in text and "Data categories on the edges:" in text
    notes = [line for part in view.parts for line in part.lines if line.cls == "note"]
    assert [line.text for line in notes] == ["No sub-processors recorded"], "the English note stays one line"

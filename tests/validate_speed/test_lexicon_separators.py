"""Word lists match typographic separators as before (ropa/check/rules/lexicons.py), with cheaper expressions.

The lists' expressions hold only ASCII separators; texts have their typographic
hyphens, dashes and apostrophe turned into '-' first. Every answer (``find``,
``alone``, ``only``) must be the one the former expressions, with those
characters in their class, gave on the text as it is, including the matched
wording that findings quote.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from ropa.check.rules import lexicons as lx

ROOT = Path(__file__).resolve().parents[2]
FORMER_SEPARATOR = r"[\s\-‐‑‒–—―_/.'’]+"
LEXICONS = {name: value for name, value in vars(lx).items() if isinstance(value, lx.Lexicon)}


@cache
def former(lexicon: lx.Lexicon) -> re.Pattern[str]:
    """The expression as it was built before: the typographic separators in the class."""
    tokens = [t for t in (tuple(lx.words(p)) for p in lexicon.phrases) if t]
    patterns = sorted({FORMER_SEPARATOR.join(re.escape(w) for w in t) for t in tokens}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)")


def former_find(lexicon: lx.Lexicon, text: str) -> str | None:
    if lexicon._firsts.isdisjoint(lx.text_words(text)):
        return None
    match = former(lexicon).search(lx.normalise(text))
    return match.group(0) if match else None


def former_alone(lexicon: lx.Lexicon, text: str) -> bool:
    found = lx.text_words(text)
    if not found:
        return True
    if len(found) > lexicon._max_words or not lexicon._words.issuperset(found):
        return False
    return former(lexicon).fullmatch(lx.normalise(text).strip(" \t\n.,;:!()[]{}\"'’")) is not None


def former_only(lexicon: lx.Lexicon, text: str) -> bool:
    found = lx.text_words(text)
    if not found or lexicon._firsts.isdisjoint(found):
        return False
    if not all(w in lexicon._words or w in lx.FILLER._words for w in found):
        return False
    rest, hits = former(lexicon).subn(" ", lx.normalise(text))
    return bool(hits) and lx._WORD.search(former(lx.FILLER).sub(" ", rest)) is None


def _texts_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts_of(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts_of(v)]
    return []


def _variants(phrase: str) -> list[str]:
    """A phrase written with each separator, typographic ones included, alone and inside text."""
    out = []
    for sep in (" ", "-", "‐", "‑", "‒", "–", "—", "―", "’", "'", "_", "/", ".", " – ", "’ ", "-‐"):
        written = phrase.replace(" ", sep)
        out += [written, written.upper(), f"Our {written}, and more", f"({written})", f"x{sep}{written}{sep}y"]
    return out


def corpus() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "examples" / "sms-providers").rglob("*.yaml")):
        texts += _texts_of(yaml.safe_load(path.read_text(encoding="utf-8")))
    for lexicon in LEXICONS.values():
        for phrase in lexicon.phrases:
            texts += _variants(phrase)
    texts += ["Third‐party couriers", "n–a", "To—do", "users’ experience", "ﬁrst-party", "—", ""]
    texts += ["Ｔｈｉｒｄ ｐａｒｔｙ", "Ｔｈｉｒｄ－ｐａｒｔｙ"]  # full-width: NFKC makes them ASCII
    return texts


CORPUS = corpus()


@pytest.mark.parametrize("name", sorted(LEXICONS))
def test_every_answer_is_the_former_one(name: str) -> None:
    lexicon = LEXICONS[name]
    typographic = 0
    for text in CORPUS:
        assert lexicon.find(text) == former_find(lexicon, text), text
        assert lexicon.alone(text) == former_alone(lexicon, text), text
        assert lexicon.only(text) == former_only(lexicon, text), text
        typographic += bool(lexicon.find(text)) and not text.isascii()
    assert typographic > 0, "the corpus must exercise typographic separators in matches"


def test_the_quoted_wording_keeps_its_typographic_characters() -> None:
    assert lx.VAGUE_RECIPIENT.find("Our third–party couriers") == "third–party"
    assert lx.VAGUE_PURPOSE_ANYWHERE.find("For improving users’ experience") == "improving users’ experience"
    assert lx.VAGUE_GENERIC.alone("N‐A")

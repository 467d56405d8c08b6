"""Lexicon matching: whole words, case-insensitive, after Unicode NFKC normalisation; retention vagueness."""

from __future__ import annotations

import pytest

from ropa.check.rules import lexicons as lx


@pytest.mark.parametrize(
    ("lexicon", "text", "expected"),
    [
        (lx.SPECIAL_CAT_HINTS, "Health status", "health"),
        (lx.SPECIAL_CAT_HINTS, "HEALTH", "health"),
        (lx.SPECIAL_CAT_HINTS, "Healthy snacks", None),  # whole words only
        (lx.SPECIAL_CAT_HINTS, "ｈｅａｌｔｈ record", "health"),  # full-width letters, NFKC
        (lx.SPECIAL_CAT_HINTS, "Trade-union dues", "trade-union"),  # separators inside a phrase
        (lx.SPECIAL_CAT_HINTS, "trade, union", None),  # but not across a comma
        (lx.CRIMINAL_HINTS, "DBS check", "dbs"),
        (lx.CHILD_HINTS, "Pupils under 16", "pupils"),
        (lx.VAGUE_RECIPIENT, "Third parties", "third parties"),
        (lx.WITHDRAWAL_HINTS, "Customer opts-out by SMS", "opts-out"),
        (lx.WITHDRAWAL_HINTS, "Consent WITHDRAWN", "withdrawn"),
        (lx.WITHDRAWAL_HINTS, "opt-in at checkout", None),
    ],
)
def test_find(lexicon: lx.Lexicon, text: str, expected: str | None) -> None:
    assert lexicon.find(text) == expected
    assert lexicon.contains(text) is (expected is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TBD", True),
        (" n/a. ", True),
        ("N / A", True),
        ("-", True),
        ("?", True),
        ("…", True),
        ("", True),
        ("See above", True),
        ("TBD by legal", False),
        ("Standard retention", False),
        ("Various", True),
    ],
)
def test_alone(text: str, expected: bool) -> None:
    assert lx.VAGUE_GENERIC.alone(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our trusted third-party service providers", True),
        ("partners and affiliates", True),
        ("Partners", True),
        ("Mobile network operators", False),
        ("Partnership accounting firm", False),
        ("our and the", False),  # filler only: no phrase of the list
    ],
)
def test_only(text: str, expected: bool) -> None:
    assert lx.VAGUE_RECIPIENT.only(text) is expected


def test_lexicon_sum_and_listing() -> None:
    both = lx.VAGUE_GENERIC + lx.VAGUE_DATA
    assert both.alone("personal data") and both.alone("TBD")
    assert not lx.VAGUE_GENERIC.alone("personal data")
    assert "third parties" in list(lx.VAGUE_RECIPIENT)
    assert "VAGUE_DATA" in repr(both)


def test_regex_is_compiled_only_when_a_question_needs_it() -> None:
    fresh = lx.Lexicon("TEST", "third party", "partners")
    assert "_regex" not in vars(fresh)  # nothing compiled at import
    assert not fresh.contains("Our customers")  # answered from the words alone
    assert "_regex" not in vars(fresh)
    assert fresh.find("Third-party couriers") == "third-party"
    assert "_regex" in vars(fresh)


def test_cached_words_are_one_string_per_word() -> None:
    first = lx.text_words("Marketing partners and partners of marketing")
    second = lx.text_words("partners in MARKETING")
    assert first == ("marketing", "partners", "and", "partners", "of", "marketing")
    assert first[1] is first[3] is second[0]
    assert first[0] is second[2]


def test_normalise_and_words() -> None:
    assert lx.normalise("  Ｍｉｘｅｄ\tCASE  text ") == "mixed case text"
    assert lx.word_count("Deliver one-time passcodes") == 4
    assert lx.text_words("Straße") == ("strasse",)  # case folding, not just lower-casing


@pytest.mark.parametrize(
    ("statement", "fragment"),
    [
        ("6–24 months", "is a range"),
        ("12-24 months", "is a range"),
        ("1 to 3 years", "is a range"),
        ("between 2 and 5 years", "is a range"),
        ("24-48 hours", "is a range"),
        ("7+ years", "is open-ended"),
        ("at least 5 years", "is open-ended"),
        ("3 years or longer", "is open-ended"),
        ("more than 2 years", "is open-ended"),
        ("As long as necessary", "sets no limit"),
        ("until no longer needed", "sets no limit"),
        ("per policy", "sets no limit"),
        ("for the duration", "does not say of what"),
        ("N/A", "is a placeholder"),
    ],
)
def test_vague_retention(statement: str, fragment: str) -> None:
    reason = lx.retention_vagueness(statement)
    assert reason is not None and fragment in reason


@pytest.mark.parametrize(
    "statement",
    [
        "30 days after delivery",
        "no more than 30 days",
        "Up to 12 months",
        "for the duration of the contract",
        "2024-01-01 cut-off",
        "Active account + 7 years",
        "indefinitely",
    ],
)
def test_not_vague_retention(statement: str) -> None:
    # "indefinitely" is not vague but unlimited: A5-1-e-retention-unlimited reports it.
    assert lx.retention_vagueness(statement) is None

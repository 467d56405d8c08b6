"""Word lists that flag vague or tell-tale values, and the one way they are matched.

Every list is matched the same way, so a rule never guesses: the text is
Unicode-normalised (NFKC) and case-folded, and a phrase matches only as whole
words (``partners`` matches "our partners" but not "partnership"). Separators
between the words of a phrase may be spaces, hyphens or slashes, so "third-party"
matches ``third party`` and "N/A" matches ``n/a``.

Three questions can be asked of a :class:`Lexicon`:

- :meth:`Lexicon.find` / :meth:`Lexicon.contains`: does any phrase occur anywhere in the text?
- :meth:`Lexicon.alone`: is the whole text one phrase of the list (surrounding
  punctuation ignored)?
- :meth:`Lexicon.only`: once every phrase of the list and every :data:`FILLER` word is
  taken out, is nothing left? ("our trusted partners and affiliates")

The lists start from gdpr-reference.md section 6.1; each keeps its phrases as a
plain tuple (``Lexicon.phrases``) so anyone can see exactly what is flagged.
Matching is fast on large registers: the words of each text are found once and
shared by every list, and a text whose words cannot form a phrase is answered
from a set lookup without running the regular expression.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cached_property, lru_cache

_SEPARATOR = r"[\s\-_/.']+"
"""What may stand between the words of a phrase: whitespace, hyphens, underscores, slashes, dots, apostrophes.

The typographic hyphens, dashes and apostrophe (‐ ‑ ‒ – — ― ’) separate words as well: texts have them
turned into '-' (:func:`_ascii_separators`) before an expression looks at them. In the expressions'
character class they made compiling the lists five times slower (about 15 ms of a run)."""
_TYPOGRAPHIC = str.maketrans(dict.fromkeys("‐‑‒–—―’", "-"))


def _ascii_separators(text: str) -> str:
    """``text`` with typographic separators as '-': one character for one, so positions do not move."""
    return text if text.isascii() else text.translate(_TYPOGRAPHIC)


_WORD = re.compile(r"\w+")
_CACHE_LIMIT = 200_000
"""Answers kept per lexicon and question before the cache is emptied (bounds memory on huge registers)."""


def normalise(text: str) -> str:
    """NFKC-normalised, case-folded text with runs of whitespace collapsed and ends trimmed."""
    if text.isascii():  # NFKC leaves ASCII unchanged, and casefold() equals lower() there
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_WORDS: dict[str, tuple[str, ...]] = {}


def text_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` after :func:`normalise`, cached per text and shared by every lexicon."""
    found = _WORDS.get(text)
    if found is None:
        if len(_WORDS) > _CACHE_LIMIT:
            _WORDS.clear()
        # For ASCII, normalising only lower-cases and collapses whitespace, which leaves the words as they are.
        # Words are interned: a register repeats a small vocabulary, so the cache then holds one string per
        # word instead of one per use.
        plain = text.lower() if text.isascii() else normalise(text)
        found = _WORDS[text] = tuple(map(sys.intern, _WORD.findall(plain)))
    return found


def forget_texts() -> None:
    """Empty the words cache: a finished check frees it for what comes next (the report, the documents)."""
    _WORDS.clear()


def words(text: str) -> list[str]:
    """The words of ``text`` after :func:`normalise`."""
    return _WORD.findall(normalise(text))


def word_count(text: str) -> int:
    """Number of words in ``text``."""
    return len(text_words(text))


class Lexicon:
    """A named list of phrases, matched as whole words after normalisation.

    Each question first compares the text's set of words with the words of the
    phrases; only when every needed word is present does the regular expression
    run, so the answer is exactly the regular expression's.

    Attributes:
        name: The list's name, as in gdpr-reference.md section 6.1.
        phrases: The phrases, as written.
    """

    def __init__(self, name: str, *phrases: str) -> None:
        self.name = name
        self.phrases = phrases
        tokens = [t for t in (tuple(words(p)) for p in phrases) if t]
        self._words = frozenset(w for t in tokens for w in t)
        self._firsts = frozenset(t[0] for t in tokens)
        self._max_words = max((len(t) for t in tokens), default=0)
        # Longest phrases first, so "third party service providers" wins over "providers".
        patterns = sorted({_SEPARATOR.join(re.escape(w) for w in t) for t in tokens}, key=len, reverse=True)
        self._pattern = r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)"

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        """The phrases as one regular expression, compiled on first use.

        Most texts are answered from their set of words, so a run may never need
        some lists' expressions; compiling all of them at import cost about 25 ms
        of every command's start-up.
        """
        return re.compile(self._pattern)

    def __repr__(self) -> str:
        return f"Lexicon({self.name!r}, {len(self.phrases)} phrases)"

    def __iter__(self) -> Iterator[str]:
        return iter(self.phrases)

    def find(self, text: str) -> str | None:
        """The first phrase found in ``text`` as whole words (in normalised, case-folded form), or None."""
        if self._firsts.isdisjoint(_WORDS.get(text) or text_words(text)):
            return None
        plain = normalise(text)
        match = self._regex.search(_ascii_separators(plain))
        return plain[match.start() : match.end()] if match else None

    def contains(self, text: str) -> bool:
        """Whether any phrase occurs in ``text`` as whole words."""
        return self.find(text) is not None

    def alone(self, text: str) -> bool:
        """Whether the whole of ``text`` (surrounding punctuation ignored) is one phrase.

        Text made of punctuation only ("-", "?", "...") also counts: it is a placeholder in any list.
        """
        found = _WORDS.get(text) or text_words(text)
        if not found:
            return True
        if len(found) > self._max_words or not self._words.issuperset(found):
            return False
        return self._regex.fullmatch(_ascii_separators(normalise(text).strip(" \t\n.,;:!()[]{}\"'’"))) is not None

    def only(self, text: str) -> bool:
        """Whether ``text`` says nothing beyond this list's phrases and :data:`FILLER` words.

        At least one phrase must be present: empty or filler-only text is a matter
        for ``VAGUE_GENERIC.alone``.
        """
        found = _WORDS.get(text) or text_words(text)
        if not found or self._firsts.isdisjoint(found):
            return False
        if not all(w in self._words or w in FILLER._words for w in found):
            return False
        rest, hits = self._regex.subn(" ", _ascii_separators(normalise(text)))
        return bool(hits) and _WORD.search(FILLER._regex.sub(" ", rest)) is None

    def __add__(self, other: Lexicon) -> Lexicon:
        """Both lists as one (``alone`` of the sum is ``alone`` of either)."""
        return Lexicon(f"{self.name}+{other.name}", *self.phrases, *other.phrases)


VAGUE_GENERIC = Lexicon(
    "VAGUE_GENERIC",
    "various",
    "misc",
    "miscellaneous",
    "other",
    "others",
    "etc",
    "n/a",
    "na",
    "tbd",
    "tbc",
    "todo",
    "to do",
    "see above",
    "as applicable",
    "as required",
    "as needed",
    "general",
    "standard",
    "unknown",
    "none specified",
    "not specified",
    "not applicable",
    "placeholder",
    "xxx",
)
"""Values that say nothing: placeholders left in a field (checked with :func:`alone`)."""

VAGUE_PURPOSE_ANYWHERE = Lexicon(
    "VAGUE_PURPOSE_ANYWHERE",
    "business purposes",
    "legitimate business purposes",
    "business operations",
    "business needs",
    "improving the user experience",
    "improving user experience",
    "improve the user experience",
    "improve user experience",
    "improving users' experience",
    "enhance the user experience",
    "improve our services",
    "improving our services",
    "improve our products",
    "internal purposes",
    "future use",
    "any other purpose",
    "any other purposes",
    "other purposes",
    "such purposes",
)
"""Purpose phrases that are not specific wherever they appear (WP29 Opinion 03/2013)."""

VAGUE_PURPOSE_ALONE = Lexicon(
    "VAGUE_PURPOSE_ALONE",
    "marketing",
    "analytics",
    "administration",
    "admin",
    "compliance",
    "research",
    "operations",
    "service",
    "services",
    "business",
    "processing",
    "communication",
    "communications",
    "security",
)
"""Purpose words that are not specific when they are all the purpose says (checked with :func:`only`)."""

VAGUE_DATA = Lexicon(
    "VAGUE_DATA",
    "personal data",
    "pii",
    "personal information",
    "personally identifiable information",
    "all data",
    "customer data",
    "user data",
    "data",
    "information",
    "client data",
)
"""Data-category names that name no category (checked with :func:`alone`)."""

VAGUE_RECIPIENT = Lexicon(
    "VAGUE_RECIPIENT",
    "service provider",
    "service providers",
    "provider",
    "providers",
    "third party",
    "third parties",
    "third party providers",
    "third party service providers",
    "partner",
    "partners",
    "business partners",
    "trusted partners",
    "affiliate",
    "affiliates",
    "affiliated companies",
    "group companies",
    "group entities",
    "companies",
    "other companies",
    "vendor",
    "vendors",
    "supplier",
    "suppliers",
    "contractor",
    "contractors",
    "subcontractor",
    "subcontractors",
    "processor",
    "processors",
    "sub processor",
    "sub processors",
    "entities",
    "organisations",
    "organizations",
    "recipients",
    "authorities",
    "advisers",
    "advisors",
    "agents",
)
"""Recipient categories that do not say who receives the data (checked with :func:`only`)."""

VAGUE_RETENTION = Lexicon(
    "VAGUE_RETENTION",
    "indefinite",
    "indefinitely",
    "forever",
    "permanent",
    "permanently",
    "unlimited",
    "perpetual",
    "perpetually",
    "as long as necessary",
    "as long as needed",
    "as long as required",
    "as long as is necessary",
    "as long as is needed",
    "as long as is required",
    "as long as appropriate",
    "as long as reasonably necessary",
    "until no longer needed",
    "until no longer required",
    "until no longer necessary",
    "until it is no longer needed",
    "until it is no longer necessary",
    "for as long as",
    "per policy",
    "per our policy",
    "according to our policy",
    "according to policy",
    "in accordance with our policy",
    "in line with our retention policy",
    "per retention policy",
    "standard retention",
    "standard period",
    "ongoing",
    "as appropriate",
    "reasonable period",
    "reasonable time",
)
"""Retention wording that sets no limit (checked with :func:`contains`)."""

UNLIMITED_RETENTION = Lexicon(
    "UNLIMITED_RETENTION",
    "indefinite",
    "indefinitely",
    "forever",
    "permanent",
    "permanently",
    "unlimited",
    "perpetual",
    "perpetually",
    "no time limit",
    "never deleted",
    "not deleted",
)
"""Retention wording that says the data is never erased (checked with :func:`contains`)."""

GENERIC_TOMS = Lexicon(
    "GENERIC_TOMS",
    "industry standard",
    "industry standards",
    "industry standard measures",
    "industry-standard security",
    "appropriate technical and organisational measures",
    "appropriate technical and organizational measures",
    "appropriate measures",
    "appropriate security measures",
    "best practice",
    "best practices",
    "state of the art",
    "secure",
    "security",
    "reasonable security",
    "reasonable measures",
    "commercially reasonable",
    "robust security",
    "strict security",
    "safeguards",
    "protected",
)
"""Measure descriptions that describe nothing concrete (checked with :func:`only`)."""

SPECIAL_CAT_HINTS = Lexicon(
    "SPECIAL_CAT_HINTS",
    "health",
    "medical",
    "diagnosis",
    "sick leave",
    "sickness leave",
    "sickness",
    "disability",
    "disabilities",
    "pregnancy",
    "biometric",
    "biometrics",
    "fingerprint",
    "fingerprints",
    "face print",
    "faceprint",
    "facial template",
    "facial recognition",
    "iris",
    "voiceprint",
    "voice print",
    "genetic",
    "dna",
    "racial",
    "race",
    "ethnic",
    "ethnicity",
    "religion",
    "religious",
    "belief",
    "beliefs",
    "political",
    "trade union",
    "union membership",
    "sex life",
    "sexual orientation",
)
"""Words suggesting Art. 9(1) special-category data (checked with :func:`contains`)."""

CRIMINAL_HINTS = Lexicon(
    "CRIMINAL_HINTS",
    "criminal record",
    "criminal records",
    "criminal",
    "conviction",
    "convictions",
    "offence",
    "offences",
    "offense",
    "offenses",
    "background check",
    "background checks",
    "dbs",
    "police record",
    "police records",
)
"""Words suggesting Art. 10 criminal-conviction and offence data (checked with :func:`contains`)."""

CHILD_HINTS = Lexicon(
    "CHILD_HINTS",
    "child",
    "children",
    "minor",
    "minors",
    "pupil",
    "pupils",
    "under 16",
    "under 18",
    "under 13",
    "juvenile",
    "juveniles",
    "kid",
    "kids",
    "teen",
    "teens",
    "teenager",
    "teenagers",
    "school student",
    "school students",
    "schoolchildren",
)
"""Words suggesting children among the data subjects (checked with :func:`contains`)."""

WITHDRAWAL_HINTS = Lexicon(
    "WITHDRAWAL_HINTS",
    "withdrawal",
    "withdrawn",
    "withdraw",
    "withdraws",
    "withdrew",
    "revocation",
    "revoked",
    "revokes",
    "opt out",
    "opts out",
    "opted out",
    "unsubscribe",
    "unsubscribes",
    "unsubscribed",
    "stop reply",
)
"""Words saying a retention runs from the withdrawal of consent (checked with :func:`contains`)."""

FILLER = Lexicon(
    "FILLER",
    "a",
    "an",
    "the",
    "our",
    "its",
    "their",
    "your",
    "us",
    "we",
    "other",
    "others",
    "certain",
    "selected",
    "select",
    "trusted",
    "various",
    "some",
    "any",
    "all",
    "external",
    "and",
    "or",
    "of",
    "with",
    "to",
    "for",
    "e g",
    "eg",
    "i e",
    "ie",
    "etc",
    "including",
    "such",
    "as",
    "like",
    "who",
    "which",
    "that",
    "may",
    "might",
    "help",
    "helps",
    "helping",
    "assist",
    "on",
    "behalf",
    "in",
    "relevant",
    "appropriate",
    "necessary",
    "purpose",
    "purposes",
    "reasons",
    "reason",
    "related",
    "general",
    "generally",
    "legitimate",
    "and/or",
)
"""Words that add nothing specific; ignored by :func:`only`."""

_UNIT = r"(?:minutes?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|mos?|h|d|w|m|y)"
RETENTION_RANGE = re.compile(
    rf"(?<![\w.])\d+(?:[.,]\d+)?\s*(?:{_UNIT}\s*)?(?:[-‐‑‒–—―]|to|or)\s*\d+(?:[.,]\d+)?\s*{_UNIT}(?!\w)"
    rf"|\bbetween\s+\d+(?:[.,]\d+)?\s*(?:{_UNIT}\s+)?and\s+\d+(?:[.,]\d+)?(?:\s*{_UNIT}(?!\w))?",
)
"""A range instead of a limit: "6–24 months", "12-24 months", "1 to 3 years", "between 2 and 5 years"."""

RETENTION_OPEN_ENDED = re.compile(
    rf"\d+\s*\+\s*{_UNIT}(?!\w)"
    r"|\b(?:at\s+least|a\s+minimum\s+of|minimum\s+of|minimum|no\s+less\s+than|not\s+less\s+than"
    rf"|(?<!\bno )(?<!\bnot )more\s+than)\s+\d+(?:[.,]\d+)?(?:\s*{_UNIT}(?!\w))?"
    r"|\b\d+(?:[.,]\d+)?\s*\w*\s+(?:or\s+more|or\s+longer|and\s+beyond|and\s+more)\b",
)
"""A lower bound instead of a limit: "7+ years", "at least 5 years", "3 years or longer"."""

RETENTION_FOR_THE_DURATION = re.compile(r"\bfor\s+the\s+duration\b(?!\s+of\b)")
"""'for the duration' with no object: the duration of what?"""

BARE_NUMBER = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*$")
"""A number with no unit: 30 what?"""


@lru_cache(maxsize=65_536)
def retention_vagueness(statement: str) -> str | None:
    """Why a retention statement sets no usable limit, or None when it may.

    Returns a short reason naming the offending wording: a vague phrase, a range,
    an open-ended period, 'for the duration' with no object, or a placeholder.
    Unlimited wording ("indefinitely") is not reported here: it is a different
    finding (``A5-1-e-retention-unlimited``).
    """
    if UNLIMITED_RETENTION.contains(statement):
        return None
    norm = normalise(statement)
    if VAGUE_GENERIC.alone(statement):
        return f"{statement.strip()!r} is a placeholder"
    phrase = VAGUE_RETENTION.find(statement)
    if phrase is not None:
        return f"{phrase!r} sets no limit"
    match = RETENTION_RANGE.search(norm)
    if match:
        return f"{match.group(0).strip()!r} is a range, not a limit"
    match = RETENTION_OPEN_ENDED.search(norm)
    if match:
        return f"{match.group(0).strip()!r} is open-ended"
    if RETENTION_FOR_THE_DURATION.search(norm):
        return "'for the duration' does not say of what"
    return None

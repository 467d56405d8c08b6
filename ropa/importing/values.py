"""Cell values as the register wants them: text, lists, yes/no, dates, lawful bases, countries, retention.

Every parser returns None for what it cannot read with confidence; the mapper then keeps the cell
as a comment or in the source's own words (``stated_basis``, ``statement``), never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

from ropa.importing.grid import CellValue

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def text(value: CellValue) -> str | None:
    """A cell as text (whole numbers without '.0', dates as ISO), None for a blank cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    out = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return out or None


def folded(value: str) -> str:
    """Lower case without accents and with single spaces, for comparing headings and words."""
    plain = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = plain.replace("’", "'").replace("–", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", plain).strip().casefold()


_BULLET = re.compile(r"^\s*(?:[-*•·▪◦]|\d{1,2}[.)])\s+")


def split_list(value: str | None) -> list[str]:
    """Items of a list cell: one a line, or separated by ';' (bullets and '1.' numbering removed)."""
    if not value:
        return []
    parts = [p for line in value.split("\n") for p in line.split(";")]
    out = [_BULLET.sub("", p).strip() for p in parts]
    return [p for p in out if p]


_YES = {"yes", "y", "true", "x", "✓", "✔", "oui", "o", "vrai", "ja", "j", "1", "yes.", "required", "applicable"}
_NO = {
    "no",
    "n",
    "false",
    "non",
    "faux",
    "nein",
    "0",
    "no.",
    "-",
    "none",
    "not required",
    "n/a",
    "na",
    "aucun",
    "aucune",
}


def yes_no(value: CellValue) -> bool | None:
    """True or False for the usual spellings (Yes, Y, x, TRUE, Oui, Ja, 1...); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    words = text(value)
    if words is None:
        return None
    key = folded(words)
    if key in _YES:
        return True
    if key in _NO:
        return False
    head = re.split(r"[\s,;:(]", key, maxsplit=1)[0].rstrip(".")
    if head in {"yes", "oui", "ja"}:
        return True
    if head in {"no", "non", "nein"}:
        return False
    return None


_MONTHS = {
    **{
        m: n
        for n, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            1,
        )
    },
    **{
        m[:3]: n
        for n, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            1,
        )
    },
    **{
        m: n
        for n, m in enumerate(
            [
                "janvier",
                "fevrier",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "aout",
                "septembre",
                "octobre",
                "novembre",
                "decembre",
            ],
            1,
        )
    },
}


def date(value: CellValue) -> dt.date | None:
    """A date from a date cell, a spreadsheet serial number, or text (2026-03-01, 01/03/2026, 1.3.2026,
    1 March 2026, 1er mars 2026); day before month, as in the UK and France."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 <= value <= 80_000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    words = text(value)
    if words is None:
        return None
    key = folded(words)
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", key):
            return dt.date.fromisoformat(key)
        found = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", key)
        if found:
            return dt.date(int(found[3]), int(found[2]), int(found[1]))
        found = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th|er)? ([a-z]+)\.? (\d{4})", key)
        if found and found[2] in _MONTHS:
            return dt.date(int(found[3]), _MONTHS[found[2]], int(found[1]))
    except ValueError:
        return None
    return None


_BASES = (
    ("6.1.a", ("consent", "consentement", "einwilligung")),
    ("6.1.b", ("contract", "contrat", "contractuel", "vertrag")),
    ("6.1.c", ("legal obligation", "obligation legale", "rechtliche verpflichtung", "legal requirement")),
    ("6.1.d", ("vital interest", "interets vitaux", "interet vital", "lebenswichtig")),
    ("6.1.e", ("public task", "public interest", "official authority", "mission d'interet public", "offentliches")),
    ("6.1.f", ("legitimate interest", "interet legitime", "interets legitimes", "berechtigte")),
)
_POINT = re.compile(r"6\s*(?:\(\s*1\s*\)|\.\s*1|\s1)?\s*(?:\(\s*([a-f])\s*\)|\.\s*([a-f])\b|\s([a-f])\b)")


def basis(value: str | None) -> str | None:
    """The Art. 6(1) point a text names ('Consent', 'Art. 6(1)(b)', 'intérêt légitime'); None when it names
    none or more than one."""
    if not value:
        return None
    key = folded(value)
    points = {f"6.1.{next(g for g in m.groups() if g)}" for m in _POINT.finditer(key)}
    if not points:
        points = {code for code, words in _BASES if any(w in key for w in words)}
    return points.pop() if len(points) == 1 else None


_UNITS = {
    "D": ("day", "days", "jour", "jours", "tag", "tage", "tagen"),
    "W": ("week", "weeks", "semaine", "semaines", "woche", "wochen"),
    "M": ("month", "months", "mois", "monat", "monate", "monaten"),
    "Y": ("year", "years", "an", "ans", "annee", "annees", "jahr", "jahre", "jahren"),
}
_UNIT_OF = {word: unit for unit, words in _UNITS.items() for word in words}
_PERIOD = re.compile(r"(\d{1,4})\s*([a-z]+)")
_LEADS = frozenset(
    (
        "",
        "for",
        "kept",
        "kept for",
        "keep for",
        "retained for",
        "stored for",
        "conserve",
        "conservees",
        "pendant",
        "conservees pendant",
        "conserve pendant",
    )
)
"""Words that may come before the one period of a retention text that is read as a duration."""
_TRIGGER = re.compile(r"^(?:from|after|following|a compter d(?:e|u|es)|a partir d(?:e|u|es)|apres|nach|ab)\s+(.+)$")


def retention(value: str | None) -> dict[str, str] | None:
    """A retention cell as ``statement`` (always, the words as written), with ``kind: duration``, ``duration``
    and ``trigger_event`` when the text is one period, optionally 'from' an event ('3 years from the end of
    the contract')."""
    if not value:
        return None
    out = {"statement": value}
    key = folded(value)
    periods = [(int(n), _UNIT_OF[u]) for n, u in _PERIOD.findall(key) if u in _UNIT_OF]
    if len(periods) != 1 or periods[0][0] == 0:
        return out
    amount, unit = periods[0]
    found = _PERIOD.search(key)
    assert found is not None
    rest = key[found.end() :].strip(" ,.")
    if rest:
        trigger = _TRIGGER.match(rest)
        if trigger is None:
            return out
        tail = value.strip(" ,.")[-len(trigger[1]) :]
        event = tail if folded(tail) == trigger[1] else trigger[1]
        out["trigger_event"] = event
    if key[: found.start()].strip(" :") not in _LEADS:
        out.pop("trigger_event", None)
        return out
    out["kind"] = "duration"
    out["duration"] = f"P{amount}{unit}"
    return out


_ALIASES = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "etats-unis": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "royaume-uni": "GB",
    "inde": "IN",
    "chine": "CN",
    "japon": "JP",
    "suisse": "CH",
    "bresil": "BR",
    "singapour": "SG",
    "australie": "AU",
    "maroc": "MA",
    "tunisie": "TN",
    "israel": "IL",
    "coree du sud": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "russia": "RU",
    "russie": "RU",
    "allemagne": "DE",
    "espagne": "ES",
    "italie": "IT",
    "pays-bas": "NL",
    "belgique": "BE",
    "irlande": "IE",
    "afrique du sud": "ZA",
    "nouvelle-zelande": "NZ",
    "argentine": "AR",
    "mexique": "MX",
    "turquie": "TR",
}


@cache
def _country_names() -> dict[str, str]:
    from ropa.refdata import load

    names: dict[str, str] = {}
    for code, name in load("countries")["countries"].items():
        if name:
            names[folded(str(name))] = str(code)
    names.update(_ALIASES)
    return names


def country(value: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code for a code or an English (or common French) country name."""
    if not value:
        return None
    key = folded(value).strip(" .")
    names = _country_names()
    if len(key) == 2 and key.isalpha():
        upper = key.upper()
        if upper == "UK":
            return "GB"
        return upper if upper in names.values() else None
    found = re.fullmatch(r".*\(([a-z]{2})\)", key)
    if found and found[1].upper() in names.values():
        return found[1].upper()
    return names.get(key)


def countries(value: str | None) -> tuple[list[str], list[str]]:
    """Codes of the countries a list cell names (split on lines, ';' and ','), and the names not recognised."""
    codes: list[str] = []
    unknown: list[str] = []
    for item in split_list(value):
        parts = [item] if country(item) else [p.strip() for p in item.split(",") if p.strip()]
        for part in parts:
            code = country(part)
            if code is None:
                unknown.append(part)
            elif code not in codes:
                codes.append(code)
    return codes, unknown


def slug(value: str, limit: int = 40) -> str:
    """An id from text: lower case, ASCII letters and digits joined by '-', at most ``limit`` characters."""
    words = re.findall(r"[a-z0-9]+", folded(value))
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "item"


class Ids:
    """Hands out ids unique within one scope: ``name``, then ``name-2``, ``name-3``..."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, wanted: str) -> str:
        """``wanted`` if still free, else the first free ``wanted-N``."""
        base = wanted[:60] or "item"
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate

"""Where data is, in words: a country with its EEA status, or a plain statement that it is not recorded.

"Outside the EEA" is printed only next to a known country outside the EEA; a location the record
does not give says so (:data:`~ropa.render.text.UNKNOWN_LOCATION`) instead, because a transfer can
then not be excluded. Several locations (an establishment and where the data is kept) each carry
their own status, so no reader takes "outside the EEA" for a note on the last country named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ropa.i18n import gettext as _
from ropa.model.facts import outside_eea
from ropa.render.countries import country_label
from ropa.render.text import UNKNOWN_LOCATION


@dataclass(frozen=True)
class Place:
    """One location: ``status`` is ``outside`` (known, outside the EEA), ``eea`` or ``unknown``."""

    text: str
    status: str
    prefix: str = ""
    """Words before the place ("data also in"), printed as they stand."""

    @property
    def outside(self) -> bool:
        """Known and outside the EEA."""
        return self.status == "outside"

    @property
    def unknown(self) -> bool:
        """Not recorded, so a transfer cannot be excluded."""
        return self.status == "unknown"


def place_of(code: str | None, prefix: str = "", organisation: str | None = None) -> Place:
    """A country code (or an international organisation) as a :class:`Place`; None is unknown."""
    if code:
        return Place(country_label(code) or code, "outside" if outside_eea(code) else "eea", prefix)
    if organisation:
        return Place(_("{name} (international organisation)").format(name=organisation), "outside", prefix)
    return Place(_(UNKNOWN_LOCATION), "unknown", prefix)


def places_of(established: str | None, kept: Iterable[str]) -> list[Place]:
    """The establishment, then every other country the data is kept in, each with its own status."""
    others = sorted({code for code in kept if code and code != established})
    places = [place_of(established, "" if established else _("establishment:") + " ")]
    places += [place_of(code, _("data also in") + " " if index == 0 else "") for index, code in enumerate(others)]
    return places


def any_unknown(places: Iterable[Place]) -> bool:
    """Whether one of ``places`` is not recorded."""
    return any(p.unknown for p in places)

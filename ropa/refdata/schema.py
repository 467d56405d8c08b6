"""The shape of each reference data file, checked when the file is first read.

A file that drifts (a missing ``source``, a misspelt key, a date written as text) would
otherwise surface as a wrong verdict far from its cause; here it fails on load, naming the file.
Every file and every entry says how it was verified and where from, so a reader can tell a fact
checked against the primary text from one taken from secondary sources.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

Verified = Literal["primary", "secondary", "unverified"]
"""How a fact was checked: against the primary text (the reference's mark [P]), only against
secondary sources ([S]), or not re-checked at all ([R] or unmarked)."""

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 alpha-2 code, upper case."""

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    """How one fact or group of facts was verified, and against what."""

    verified: Verified
    source: Text


class RefFile(Sourced):
    """What every file carries: a title for documents, its source and the date it was last verified."""

    title: Text
    last_verified: dt.date


class CountriesFile(RefFile):
    """``countries.yaml``: short English names by ISO code; a register's country values must be among them."""

    countries: dict[Code, Text]


class EeaFile(RefFile):
    """``eea.yaml``: where disclosure is no Chapter V transfer, in groups with different sources."""

    eu: list[Code]
    """The EU Member States (also the codes an SCC governing law or forum may name)."""
    efta_eea: list[Code]
    eu_territories: list[Code]
    """EU territory with ISO codes of its own (Art. 355 TFEU): inside the EU, though not Member States."""
    groups: dict[Literal["eu", "efta_eea", "eu_territories"], Sourced]

    @model_validator(mode="after")
    def _disjoint_and_sourced(self) -> EeaFile:
        codes = [*self.eu, *self.efta_eea, *self.eu_territories]
        if len(codes) != len(set(codes)):
            raise ValueError("a code is listed twice")
        if len(self.groups) != 3:
            raise ValueError("groups must say how eu, efta_eea and eu_territories were verified")
        return self


class AdequacyEntry(Sourced):
    """One Art. 45 decision; its ``decision`` and ``scope_note`` are quoted in findings."""

    id: Annotated[str, StringConstraints(pattern=r"^(?:[A-Z]{2}|IO:[A-Za-z]+)$")]
    kind: Literal["country", "territory", "international_org"]
    name: Text
    decision: Text
    adopted: dt.date
    renewed: dt.date | None = None
    valid_until: dt.date | None = None
    scope: Literal["full", "partial"]
    scope_note: Text | None = None
    """Printed in findings on a partial decision, before "Say why ..."; ends with a full stop."""
    requires_dpf: bool = False
    status: Literal["in_force", "suspended", "repealed", "annulled"]
    note: Text | None = None
    """Legal context that does not change the verdict (pending litigation, what was not verified)."""

    @model_validator(mode="after")
    def _partial_is_explained(self) -> AdequacyEntry:
        if self.scope == "partial" and not self.scope_note:
            raise ValueError(f"{self.id}: a partial decision needs a scope_note")
        if self.scope_note and not self.scope_note.endswith("."):
            raise ValueError(f"{self.id}: scope_note must end with a full stop (findings go on after it)")
        return self


class AdequacyFile(RefFile):
    """``adequacy.yaml``: the decisions in force when the file was last verified."""

    entries: list[AdequacyEntry]

    @model_validator(mode="after")
    def _unique_ids(self) -> AdequacyFile:
        ids = [entry.id for entry in self.entries]
        if len(ids) != len(set(ids)):
            raise ValueError("an adequacy id is listed twice")
        return self


class InvalidMechanism(Sourced):
    """A mechanism no longer valid; its name, reason and replacement are quoted in findings."""

    name: Text
    invalid_since: dt.date
    reason: Text
    replace_with: Text


class InvalidMechanismsFile(RefFile):
    """``invalid_mechanisms.yaml``, keyed by the model's mechanism type value."""

    mechanisms: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")], InvalidMechanism]


SCHEMAS: dict[str, type[RefFile]] = {
    "adequacy": AdequacyFile,
    "countries": CountriesFile,
    "eea": EeaFile,
    "invalid_mechanisms": InvalidMechanismsFile,
}
"""Every reference data file by name (``refdata/<name>.yaml``), with its shape."""

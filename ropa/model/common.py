"""Shared building blocks of the register models: strict base, typed values, enums.

The model modules do without ``from __future__ import annotations``: pydantic would
otherwise compile and evaluate every annotation string while building the models,
about 4 ms of every start-up.
"""

import datetime as dt
import re
from enum import Enum
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


def new_list() -> list[Any]:
    """A new empty list: the default of list fields (``Field(default_factory=new_list)``).

    The same as ``default_factory=list``, but pydantic reads the signature of every
    default factory when it builds a model, and for the built-in ``list`` that means
    parsing its text signature: about 5 ms of every start-up for the 23 list fields.
    """
    return []


class Strict(BaseModel):
    """Base of every register model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Sourced(Strict):
    """A modelled fact that can say where it came from."""

    source: str | None = Field(
        default=None,
        description="Where this fact comes from: the document and section, e.g. 'privacy policy §5'.",
    )


Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
"""Non-empty free text."""

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$"),
]
"""A stable identifier: lower-case letters, digits, '-' and '_', at most 63 characters."""


@cache
def _country_codes() -> frozenset[str]:
    """The codes the reference data names (read once: every country value of a register is checked)."""
    from ropa.refdata import load

    return frozenset(code for code, name in load("countries")["countries"].items() if name is not None)


def _country(value: str) -> str:
    upper = value.upper()
    if upper in _country_codes():
        return upper
    if upper == "EL":
        raise ValueError("'EL' is the EU's code for Greece; ISO 3166 uses 'GR'")
    if upper == "UK":
        raise ValueError("'UK' is not an ISO 3166 code; the United Kingdom is 'GB'")
    raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")


CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{2}$"),
    AfterValidator(_country),
    Field(json_schema_extra={"examples": ["DE", "US", "GB"]}),
]
"""An ISO 3166-1 alpha-2 country code such as ``DE``."""

DURATION_PATTERN = re.compile(
    r"^P(?!$)(?:(?P<y>\d+)Y)?(?:(?P<m>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


def duration_days(value: str) -> float:
    """Approximate length of an ISO 8601 duration in days (a year is 365.25 days)."""
    match = DURATION_PATTERN.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not an ISO 8601 duration")
    g = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    return g["y"] * 365.25 + g["m"] * 30.44 + g["w"] * 7 + g["d"] + g["h"] / 24 + g["mi"] / 1440 + g["s"] / 86400


def _duration(value: str) -> str:
    value = value.upper()
    if DURATION_PATTERN.match(value) is None:
        raise ValueError(
            f"{value!r} is not an ISO 8601 duration; write e.g. P30D (30 days), P6M (6 months), P7Y (7 years)"
        )
    return value


Duration = Annotated[
    str,
    AfterValidator(_duration),
    Field(json_schema_extra={"examples": ["P30D", "P6M", "P7Y"]}, pattern=r"^[Pp]"),
]
"""An ISO 8601 duration such as ``P6M``."""


class Severity(str, Enum):
    """How serious a finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Address(Strict):
    """A postal address."""

    street: Text | None = Field(default=None, description="Street, number, unit.")
    city: Text | None = Field(default=None, description="City or town.")
    postal_code: str | None = Field(default=None, description="Postal or ZIP code.")
    region: str | None = Field(default=None, description="State, county or region.")
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 country code.")

    def one_line(self) -> str:
        """The address on one line, parts that are set only."""
        parts = [self.street, " ".join(p for p in (self.postal_code, self.city) if p), self.region, self.country]
        return ", ".join(p for p in parts if p)


class Contact(Sourced):
    """A person, role or mailbox to contact."""

    name: Text | None = Field(default=None, description="Name of the person or function.")
    position: Text | None = Field(default=None, description="Position or role, e.g. 'Privacy lead'.")
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")] | None = Field(
        default=None, description="E-mail address."
    )
    phone: str | None = Field(default=None, description="Telephone number, international format preferred.")
    url: str | None = Field(default=None, description="Web form or page for contact.")

    def channels(self) -> list[str]:
        """The contact channels that are set."""
        return [c for c in (self.email, self.phone, self.url) if c]


class Dpo(Contact):
    """The data protection officer (Art. 37-39)."""

    designated: bool | None = Field(
        default=None,
        description="Whether a DPO is designated. Leave out only when unknown: that is itself a finding.",
    )


class Representative(Sourced):
    """An EU representative under Art. 27."""

    name: Text = Field(description="Legal name of the representative.")
    member_state: CountryCode = Field(description="EU/EEA Member State where the representative is.")
    contact: Contact | None = Field(default=None, description="How to reach the representative.")


class DocumentRef(Sourced):
    """A reference to a document kept elsewhere (LIA, DPIA, TIA, policy...)."""

    ref: Text = Field(description="Identifier or title of the document.")
    date: dt.date | None = Field(default=None, description="Date of the document (YYYY-MM-DD).")
    location: str | None = Field(default=None, description="Where the document is kept (path, URL, system).")


class TomKind(str, Enum):
    """The 17 measure types of the Annex II example list of the SCCs (2021/914)."""

    ENCRYPTION = "encryption"
    CONFIDENTIALITY_INTEGRITY = "confidentiality_integrity"
    RESTORE = "restore"
    TESTING = "testing"
    IDENTIFICATION_AUTHORISATION = "identification_authorisation"
    TRANSMISSION = "transmission"
    STORAGE = "storage"
    PHYSICAL = "physical"
    LOGGING = "logging"
    CONFIGURATION = "configuration"
    GOVERNANCE = "governance"
    CERTIFICATION = "certification"
    MINIMISATION = "minimisation"
    QUALITY = "quality"
    RETENTION = "retention"
    ACCOUNTABILITY = "accountability"
    PORTABILITY_ERASURE = "portability_erasure"


TOM_LABELS: dict[TomKind, str] = {
    TomKind.ENCRYPTION: "Pseudonymisation and encryption of personal data",
    TomKind.CONFIDENTIALITY_INTEGRITY: (
        "Ensuring ongoing confidentiality, integrity, availability and resilience of processing systems and services"
    ),
    TomKind.RESTORE: (
        "Ensuring the ability to restore availability of and access to personal data in a timely "
        "manner after a physical or technical incident"
    ),
    TomKind.TESTING: "Processes for regularly testing, assessing and evaluating the effectiveness of TOMs",
    TomKind.IDENTIFICATION_AUTHORISATION: "User identification and authorisation",
    TomKind.TRANSMISSION: "Protection of data during transmission",
    TomKind.STORAGE: "Protection of data during storage",
    TomKind.PHYSICAL: "Physical security of locations where personal data are processed",
    TomKind.LOGGING: "Events logging",
    TomKind.CONFIGURATION: "System configuration, including default configuration",
    TomKind.GOVERNANCE: "Internal IT and IT security governance and management",
    TomKind.CERTIFICATION: "Certification/assurance of processes and products",
    TomKind.MINIMISATION: "Data minimisation",
    TomKind.QUALITY: "Data quality",
    TomKind.RETENTION: "Limited data retention",
    TomKind.ACCOUNTABILITY: "Accountability",
    TomKind.PORTABILITY_ERASURE: "Data portability and ensuring erasure",
}


class Tom(Sourced):
    """One technical or organisational security measure (Art. 32)."""

    kind: TomKind = Field(description="Measure type from the SCC Annex II example list.")
    measure: Text = Field(description="What is done, concretely (e.g. 'TLS 1.3 for all API traffic').")

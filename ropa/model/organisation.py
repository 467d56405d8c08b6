"""The organisation keeping the record, and register-wide settings."""

import datetime as dt
from typing import Literal

from pydantic import Field

from ropa.model.activity import ProcessorActivity
from ropa.model.common import (
    Address,
    Contact,
    CountryCode,
    Dpo,
    Duration,
    Id,
    Representative,
    Severity,
    Sourced,
    Strict,
    Text,
    new_list,
)


def _controller_only() -> list[Literal["controller", "processor"]]:
    return ["controller"]


class Waiver(Strict):
    """A finding the organisation accepts, with a reason and an expiry date."""

    rule: Text = Field(description="Rule id the waiver applies to, e.g. 'A5-1-e-retention-vague'.")
    provider: str | None = Field(default=None, description="Provider id it is limited to (any when left out).")
    activity: str | None = Field(default=None, description="Activity id it is limited to (any when left out).")
    reason: Text = Field(description="Why the finding is accepted.")
    expires: dt.date = Field(description="Date after which the waiver lapses (YYYY-MM-DD).")
    approved_by: str | None = Field(default=None, description="Who accepted the risk.")


class Settings(Strict):
    """Register-wide settings for validation."""

    review_interval: Duration = Field(
        default="P1Y", description="How old an activity's last review may be (ISO 8601 duration)."
    )
    severity_overrides: dict[str, Severity | Literal["off"]] = Field(
        default_factory=dict, description="Per rule id: a new severity, or 'off' to disable the rule."
    )
    waivers: list[Waiver] = Field(default_factory=new_list, description="Accepted findings.")
    min_purpose_words: int = Field(default=4, ge=1, description="Shortest purpose not reported as vague.")
    art30_5_regime: Literal["gdpr-2016", "omnibus-iv"] = Field(
        default="gdpr-2016",
        description=(
            "Art. 30(5) as in force ('gdpr-2016': under 250 employees, no risk, occasional, no Art. 9/10 data) or "
            "as the 2025 Omnibus IV proposal would have it ('omnibus-iv': under 750, no high risk)."
        ),
    )
    max_retention: dict[Id, Duration] = Field(
        default_factory=dict,
        description="Longest retention per purpose_type of a purpose, e.g. {marketing: P2Y, recruitment: P6M}.",
    )
    retention_grace: Duration = Field(
        default="P30D",
        description="How long erasure may take after a statutory period ends or consent is withdrawn (ISO 8601).",
    )


class RecordInfo(Strict):
    """Version and date of the record itself."""

    version: Text = Field(description="Version of the record, e.g. '2026.1'.")
    date: dt.date = Field(description="Date of this version (used as the date of every document).")
    title: str | None = Field(default=None, description="Title printed on the documents.")
    language: Literal["en", "de", "fr"] | None = Field(
        default=None,
        description="Language of the documents (en, de or fr; English if absent); `--lang` of build and package wins.",
    )


class JointController(Sourced):
    """A joint controller (Art. 26)."""

    name: Text = Field(description="Legal name.")
    contact: Contact | None = Field(default=None, description="Contact details.")
    arrangement_ref: str | None = Field(default=None, description="The Art. 26 arrangement.")


class Organisation(Sourced):
    """The controller (and/or processor) that keeps the record."""

    legal_name: Text = Field(description="Legal name of the organisation.")
    trading_name: str | None = Field(default=None, description="Brand or trading name.")
    registration_number: str | None = Field(default=None, description="Company registration number.")
    address: Address | None = Field(default=None, description="Postal address.")
    country: CountryCode = Field(description="Country of the main establishment.")
    contact: Contact | None = Field(default=None, description="General privacy contact.")
    dpo: Dpo | None = Field(default=None, description="The data protection officer.")
    eu_establishment: bool = Field(default=True, description="Whether it is established in the EU/EEA.")
    art3_2_applies: bool = Field(
        default=False, description="Whether the GDPR applies through Art. 3(2) (no EU establishment)."
    )
    eu_representative: Representative | None = Field(
        default=None, description="Art. 27 representative, where one is required."
    )
    lead_supervisory_authority: str | None = Field(default=None, description="Lead or competent supervisory authority.")
    roles: list[Literal["controller", "processor"]] = Field(
        default_factory=_controller_only, description="Whether it acts as controller, processor or both."
    )
    public_authority: bool = Field(default=False, description="Whether it is a public authority or body.")
    employees: int | None = Field(default=None, ge=0, description="Headcount, for the Art. 30(5) derogation.")
    art30_5_derogation: bool = Field(
        default=False,
        description=(
            "Whether the organisation claims the Art. 30(5) derogation (fewer than 250 employees) for activities "
            "that do not set art30_5_derogation themselves."
        ),
    )
    art27_2_exemption: str | None = Field(
        default=None,
        description=(
            "Why no Art. 27 representative is needed although Art. 3(2) applies: occasional processing, no "
            "large-scale Art. 9/10 data, unlikely to result in a risk (Art. 27(2)(a)), or a public authority (b)."
        ),
    )
    joint_controllers: list[JointController] = Field(
        default_factory=new_list, description="Joint controllers (Art. 26), where any."
    )
    record: RecordInfo = Field(description="Version and date of the record.")
    settings: Settings = Field(default_factory=Settings, description="Register-wide validation settings.")
    processor_activities: list[ProcessorActivity] = Field(
        default_factory=new_list, description="Art. 30(2) record, when the organisation also acts as processor."
    )

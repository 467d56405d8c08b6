"""A processing activity: the unit of the Art. 30(1) controller record."""

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from ropa.model.common import CountryCode, DocumentRef, Duration, Id, Sourced, Strict, Text, Tom, new_list
from ropa.model.transfer import Transfer


class LawfulBasis(str, Enum):
    """Art. 6(1) lawful bases."""

    CONSENT = "6.1.a"
    CONTRACT = "6.1.b"
    LEGAL_OBLIGATION = "6.1.c"
    VITAL_INTERESTS = "6.1.d"
    PUBLIC_TASK = "6.1.e"
    LEGITIMATE_INTERESTS = "6.1.f"


BASIS_LABELS: dict[LawfulBasis, str] = {
    LawfulBasis.CONSENT: "Art. 6(1)(a) consent",
    LawfulBasis.CONTRACT: "Art. 6(1)(b) contract",
    LawfulBasis.LEGAL_OBLIGATION: "Art. 6(1)(c) legal obligation",
    LawfulBasis.VITAL_INTERESTS: "Art. 6(1)(d) vital interests",
    LawfulBasis.PUBLIC_TASK: "Art. 6(1)(e) public task",
    LawfulBasis.LEGITIMATE_INTERESTS: "Art. 6(1)(f) legitimate interests",
}


class Art9Condition(str, Enum):
    """Art. 9(2) conditions for special-category data."""

    A = "9.2.a"
    B = "9.2.b"
    C = "9.2.c"
    D = "9.2.d"
    E = "9.2.e"
    F = "9.2.f"
    G = "9.2.g"
    H = "9.2.h"
    I = "9.2.i"  # noqa: E741 - the point of the article is called (i)
    J = "9.2.j"


class SpecialCategory(str, Enum):
    """Art. 9(1) special categories of personal data."""

    RACIAL_ETHNIC = "racial_ethnic_origin"
    POLITICAL = "political_opinions"
    RELIGIOUS = "religious_beliefs"
    TRADE_UNION = "trade_union_membership"
    GENETIC = "genetic"
    BIOMETRIC = "biometric"
    HEALTH = "health"
    SEX_LIFE = "sex_life_orientation"


class Purpose(Sourced):
    """One purpose of the processing, with its own lawful basis and the evidence for it."""

    description: Text = Field(description="The purpose, specific enough to be checked (Art. 5(1)(b)).")
    lawful_basis: LawfulBasis | None = Field(
        default=None,
        description="Art. 6(1) basis for this purpose: 6.1.a ... 6.1.f. Leave out only if none is stated.",
    )
    stated_basis: str | None = Field(
        default=None,
        description="The basis in the words of the source, when it does not name one Art. 6(1) point.",
    )
    legitimate_interest: str | None = Field(default=None, description="For 6.1.f: the interest pursued.")
    lia: DocumentRef | None = Field(
        default=None, description="For 6.1.f: the legitimate interests assessment (reference and date)."
    )
    consent_mechanism: str | None = Field(
        default=None,
        description="For 6.1.a: how consent is collected and recorded (who, when, which notice), Art. 7(1).",
    )
    withdrawal_mechanism: str | None = Field(
        default=None, description="For 6.1.a: how consent is withdrawn, Art. 7(3)."
    )
    legal_provision: str | None = Field(
        default=None, description="For 6.1.c and 6.1.e: the Union or Member State law (Art. 6(3))."
    )
    archiving_research_statistics: bool = Field(
        default=False, description="Art. 89(1) archiving, research or statistics purpose."
    )
    purpose_type: Id | None = Field(
        default=None,
        description=(
            "Kind of purpose, e.g. 'marketing' or 'recruitment': retention above the maximum configured for it "
            "in settings.max_retention is reported."
        ),
    )


class DataSubjectCategory(Sourced):
    """A category of data subjects (Art. 30(1)(c))."""

    name: Text = Field(description="The category, e.g. 'end users receiving SMS'.")
    children: bool | None = Field(default=None, description="Whether the category includes children.")


class Retention(Sourced):
    """How long a data category is kept (Art. 30(1)(f), Art. 5(1)(e))."""

    kind: Literal["duration", "criteria", "statutory", "until_event", "unlimited"] | None = Field(
        default=None, description="What kind of limit this is; leave out when only a statement is known."
    )
    duration: Duration | None = Field(default=None, description="ISO 8601 duration, e.g. P30D, P6M, P7Y.")
    trigger_event: str | None = Field(default=None, description="The event the duration runs from.")
    criteria: str | None = Field(
        default=None, description="Objective criteria used to determine the period, when no duration applies."
    )
    statement: str | None = Field(
        default=None, description="The retention in the source's own words (kept for the record and for checks)."
    )
    legal_basis_for_period: str | None = Field(
        default=None, description="Statute requiring the period, for kind 'statutory'."
    )
    end_action: Literal["delete", "anonymise", "archive_restricted"] | None = Field(
        default=None, description="What happens at the end of the period."
    )
    not_possible_reason: str | None = Field(
        default=None, description="Why no limit can be given (Art. 30(1)(f) 'where possible')."
    )
    statutory_period: Duration | None = Field(
        default=None,
        description=(
            "The period the cited law requires (ISO 8601), when it differs from 'duration': keeping the data "
            "longer than this plus settings.retention_grace is reported."
        ),
    )
    after_withdrawal: Duration | None = Field(
        default=None,
        description="For consent-based processing: how long the data is still kept after consent is withdrawn.",
    )
    residual_basis: str | None = Field(
        default=None,
        description=(
            "The basis and reason for keeping data after consent is withdrawn, e.g. 'proof of consent for legal "
            "claims, 6.1.f'."
        ),
    )


class DataFamily(str, Enum):
    """The families of data of the CNIL register model ('modèle de registre de base', fiche item 4)."""

    IDENTITY = "identity"
    """Civil status, identity, identification data, images."""
    PERSONAL_LIFE = "personal_life"
    PROFESSIONAL_LIFE = "professional_life"
    ECONOMIC_FINANCIAL = "economic_financial"
    CONNECTION = "connection"
    """IP addresses, logs, device and login identifiers, timestamps."""
    LOCATION = "location"
    INTERNET = "internet"
    """Cookies, trackers, browsing data, audience measurement."""
    OTHER = "other"


class DataCategory(Sourced):
    """A category of personal data, with its own retention (Art. 30(1)(c), (f))."""

    id: Id = Field(description="Identifier of the category within the activity.")
    name: Text = Field(description="The category, e.g. 'mobile phone number'.")
    special: SpecialCategory | None = Field(
        default=None, description="Art. 9(1) special category, when the data is one."
    )
    art9_condition: Art9Condition | None = Field(
        default=None, description="Art. 9(2) condition for special-category data."
    )
    art9_law_ref: str | None = Field(default=None, description="Law or agreement cited for Art. 9(2)(b), (g)-(j).")
    professional_secrecy: str | None = Field(
        default=None,
        description=(
            "For Art. 9(2)(h): who processes the data under an obligation of professional secrecy, and what "
            "binds them (Art. 9(3))."
        ),
    )
    criminal: bool = Field(default=False, description="Art. 10 data on criminal convictions and offences.")
    art10_authority: str | None = Field(
        default=None, description="Official authority or the Union/Member State law authorising Art. 10 data."
    )
    not_special_reason: str | None = Field(
        default=None, description="Why a name that looks special-category is not (silences the heuristic)."
    )
    safeguards: str | None = Field(
        default=None,
        description=(
            "For special-category or criminal-offence data: the restrictions or safeguards applied, e.g. access "
            "only for trained staff, access log (SCC 2021/914 Annex I.B item 3, 2021/915 Annex II)."
        ),
    )
    retention: Retention | None = Field(default=None, description="Retention of this category.")
    family: DataFamily | None = Field(
        default=None,
        description="CNIL's standard family of the category, as an optional classification (CNIL register model).",
    )


_AGES = re.compile(r"\d+")


def age_bounds(value: str) -> tuple[int, int]:
    """Youngest and oldest age of an age range such as ``13-17``."""
    low, high = (int(n) for n in _AGES.findall(value))
    return low, high


def _age_range(value: str) -> str:
    low, high = age_bounds(value)
    if low > high:
        raise ValueError(f"{value!r} runs backwards; write the youngest age first, e.g. '13-17'")
    return f"{low}-{high}"


AgeRange = Annotated[
    str,
    StringConstraints(pattern=r"^\s*\d{1,2}\s*[-–]\s*\d{1,2}\s*$"),
    AfterValidator(_age_range),
    Field(json_schema_extra={"examples": ["13-17", "6-12"]}),
]
"""Youngest and oldest age, e.g. ``13-17``."""

ConsentAge = Annotated[int, Field(ge=13, le=16)]
"""Art. 8(1): the age from which a child's own consent is valid, 16 unless a Member State lowers it (not below 13)."""


class ChildSafeguards(Sourced):
    """How an activity whose data subjects include children protects them (Art. 8, Art. 12(1), Recital 38)."""

    age_range: AgeRange | None = Field(default=None, description="Ages of the children concerned, e.g. '13-17'.")
    consent_ages: dict[CountryCode, ConsentAge] = Field(
        default_factory=dict,
        description=(
            "For an information society service offered to children on consent: per Member State served, the "
            "age from which a child may consent itself (Art. 8(1): 13 to 16), e.g. {DE: 16, FR: 15}."
        ),
    )
    parental_consent: str | None = Field(
        default=None,
        description=(
            "Below that age: how the holder of parental responsibility gives or authorises consent, and how "
            "that is verified (Art. 8(2))."
        ),
    )
    notice: str | None = Field(
        default=None,
        description="The privacy notice written for the children's age, in clear and plain language (Art. 12(1)).",
    )
    lia_reasoning: str | None = Field(
        default=None,
        description=(
            "For legitimate interests: how the balancing test weighs the children's interests (Art. 6(1)(f): "
            "'in particular where the data subject is a child')."
        ),
    )


class RecipientRole(str, Enum):
    """The role of a recipient (Art. 4(9))."""

    PROCESSOR = "processor"
    SUB_PROCESSOR = "sub_processor"
    CONTROLLER = "controller"
    JOINT_CONTROLLER = "joint_controller"
    PUBLIC_AUTHORITY = "public_authority"
    INTERNAL = "internal"


class Recipient(Sourced):
    """A recipient or category of recipients (Art. 30(1)(d))."""

    provider: str | None = Field(
        default=None,
        description="Id of a provider in providers/, or 'provider-id/sub-processor-id' for a sub-processor.",
    )
    category: str | None = Field(
        default=None, description="A named category of recipients, when not a provider of the register."
    )
    role: RecipientRole | None = Field(default=None, description="Role of the recipient.")
    country: str | None = Field(default=None, description="Where the recipient is, ISO 3166 code.")
    data_shared: list[str] = Field(default_factory=new_list, description="What is disclosed to this recipient.")


class InvolvementRole(str, Enum):
    """What a provider is for one activity: its role can differ from one activity to the next."""

    PROCESSOR = "processor"
    """Processes the data on the organisation's documented instructions (Art. 28)."""
    SUB_PROCESSOR = "sub_processor"
    """Engaged by one of the organisation's processors (Art. 28(2), (4)); name it in ``via``."""
    INDEPENDENT_CONTROLLER = "independent_controller"
    """Receives the data and decides its own purposes: a recipient under Art. 30(1)(d)."""
    JOINT_CONTROLLER = "joint_controller"
    """Decides purposes and means together with the organisation (Art. 26)."""


class Involvement(Sourced):
    """One provider's part in one activity, with its role for that activity."""

    provider: str = Field(
        description="Id of a provider in providers/, or 'provider-id/sub-processor-id' for a sub-processor."
    )
    role: InvolvementRole = Field(description="Its role for this activity.")
    processing: str | None = Field(
        default=None,
        description="For a processor or sub-processor: what it does with the data on the organisation's instructions.",
    )
    via: str | None = Field(default=None, description="For a sub-processor: the id of the processor that engages it.")
    purpose: str | None = Field(
        default=None, description="For a controller: what it receives the data for, in its own words."
    )
    arrangement: str | None = Field(
        default=None, description="For a joint controller: the Art. 26 arrangement (title, date, where it is kept)."
    )
    data_shared: list[str] = Field(
        default_factory=new_list, description="Ids of the activity's data categories it receives (all when empty)."
    )


class AutomatedDecisions(Sourced):
    """Automated decision-making, including profiling (Art. 22, Art. 13(2)(f))."""

    used: bool = Field(description="Whether decisions are taken solely by automated means, or profiling is done.")
    description: str | None = Field(default=None, description="The logic involved and its consequences.")
    exception: Literal["22.2.a", "22.2.b", "22.2.c"] | None = Field(
        default=None, description="The Art. 22(2) point relied on for decisions with legal or similar effects."
    )


class Activity(Sourced):
    """A processing activity of the controller record (Art. 30(1))."""

    id: Id = Field(description="Identifier, unique in the register.")
    name: Text = Field(description="Short name of the activity.")
    description: str | None = Field(default=None, description="What happens, in a sentence or two.")
    purposes: list[Purpose] = Field(
        default_factory=new_list, description="Purposes, each with its basis (Art. 30(1)(b))."
    )
    data_subjects: list[DataSubjectCategory] = Field(
        default_factory=new_list, description="Categories of data subjects (Art. 30(1)(c))."
    )
    data_categories: list[DataCategory] = Field(
        default_factory=new_list, description="Categories of personal data with retention (Art. 30(1)(c), (f))."
    )
    data_source: str | None = Field(default=None, description="Where the data comes from (Art. 14(2)(f)).")
    recipients: list[Recipient] | None = Field(
        default=None,
        description="Recipients (Art. 30(1)(d)). An empty list states 'no recipients'; leaving it out is a gap.",
    )
    transfers: list[Transfer] = Field(
        default_factory=new_list, description="Transfers outside the EEA (Art. 30(1)(e))."
    )
    retention: Retention | None = Field(
        default=None, description="Retention for categories that state none of their own."
    )
    security_measures: list[Tom] = Field(
        default_factory=new_list,
        description="Measures for this activity (Art. 30(1)(g)); the provider's TOMs apply as well.",
    )
    dpia: DocumentRef | None = Field(default=None, description="Data protection impact assessment, if any.")
    dpia_required: bool | None = Field(default=None, description="Whether a DPIA is required (Art. 35).")
    frequency: Literal["one-off", "occasional", "regular", "continuous"] | None = Field(
        default=None,
        description=(
            "How often the processing happens; 'occasional' means not regular and outside the regular course of "
            "business (Art. 30(5), Art. 27(2)(a))."
        ),
    )
    risk: Literal["unlikely", "likely", "high"] | None = Field(
        default=None,
        description=(
            "Whether the processing is likely to result in a risk to data subjects' rights and freedoms: "
            "'unlikely', 'likely' (a risk, Art. 30(5)) or 'high' (a high risk, Art. 35)."
        ),
    )
    art30_5_derogation: bool | None = Field(
        default=None,
        description=(
            "true: this activity is claimed to fall under the Art. 30(5) derogation for organisations under 250; "
            "false: it is recorded as required. Left out, the organisation's art30_5_derogation applies."
        ),
    )
    iss_offered_to_children: bool | None = Field(
        default=None,
        description="Whether the activity is part of an information society service offered directly to children "
        "(Art. 8(1)).",
    )
    child_safeguards: ChildSafeguards | None = Field(
        default=None, description="Age range, consent ages, parental consent and notice, where children are concerned."
    )
    owner: str | None = Field(default=None, description="Who in the organisation owns the activity.")
    providers: list[Involvement] = Field(
        default_factory=new_list,
        description=(
            "Providers taking part in the activity, each with its role for it. Empty for processing done in-house; "
            "an activity in a provider's file takes part of that provider with the provider's 'role' as well."
        ),
    )
    business_function: str | None = Field(
        default=None, description="Business function or department the activity belongs to (ICO template)."
    )
    systems: list[str] = Field(
        default_factory=new_list, description="Software, systems or applications used (ICO, CNIL fiche)."
    )
    rights: str | None = Field(
        default=None,
        description="Rights available to the data subjects (Arts 15-22) and how they are exercised (ICO template).",
    )
    automated_decisions: AutomatedDecisions | None = Field(
        default=None, description="Automated decision-making or profiling (Art. 22)."
    )
    dpia_status: Literal["not_required", "planned", "in_progress", "done"] | None = Field(
        default=None, description="Progress of the DPIA (ICO template); the reference goes in 'dpia'."
    )
    consent_record: str | None = Field(
        default=None, description="Where consents are recorded, for 6.1.a purposes (Art. 7(1); ICO template)."
    )
    retention_policy: str | None = Field(
        default=None, description="The retention and erasure policy document the activity follows (ICO template)."
    )
    follows_retention_policy: bool | None = Field(
        default=None, description="Whether the data is kept and erased as that policy says."
    )
    policy_deviation: str | None = Field(
        default=None, description="Why the activity does not follow the retention policy, where it does not."
    )
    created: dt.date | None = Field(default=None, description="When the entry was created (CNIL fiche).")
    last_reviewed: dt.date | None = Field(default=None, description="When the entry was last reviewed.")


class ProcessorActivity(Sourced):
    """A category of processing carried out on behalf of a controller (Art. 30(2))."""

    id: Id = Field(description="Identifier, unique in the register.")
    controller: Text = Field(description="Name of the controller on whose behalf the organisation acts.")
    controller_contact: str | None = Field(default=None, description="Contact details of that controller.")
    categories_of_processing: list[Text] = Field(
        default_factory=new_list, description="Categories of processing, e.g. 'SMS delivery' (Art. 30(2)(b))."
    )
    transfers: list[Transfer] = Field(default_factory=new_list, description="Transfers (Art. 30(2)(c)).")
    security_measures: list[Tom] = Field(default_factory=new_list, description="Measures (Art. 30(2)(d)).")
    sub_processors: list[str] = Field(
        default_factory=new_list,
        description="Ids of the providers the organisation engages as its sub-processors for this processing.",
    )
    authorisation: str | None = Field(
        default=None,
        description="The controller's prior written authorisation of those sub-processors (Art. 28(2)).",
    )
    last_reviewed: dt.date | None = Field(default=None, description="When the entry was last reviewed.")


class ActivitiesFile(Strict):
    """An ``activities/<name>.yaml`` file: activities that stand on their own, in-house or with providers."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, title="Activities")

    activities: list[Activity] = Field(
        default_factory=new_list, description="The activities of this file, each with its providers and their roles."
    )

"""A provider (processor, sub-processor or other recipient), one YAML file each."""

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import Field

from ropa.model.activity import Activity, LawfulBasis, Retention
from ropa.model.common import Address, Contact, CountryCode, Dpo, Duration, Id, Sourced, Strict, Text, Tom, new_list
from ropa.model.transfer import DpfCertification, Mechanism


class ProviderRole(str, Enum):
    """The provider's role towards the organisation."""

    PROCESSOR = "processor"
    SUB_PROCESSOR = "sub_processor"
    INDEPENDENT_CONTROLLER = "independent_controller"
    JOINT_CONTROLLER = "joint_controller"


CoverageStatus = Literal["covered", "partly", "missing"]
"""How far a contract covers one Art. 28(3) item."""


class ClauseRef(Sourced):
    """Where a contract covers one Art. 28(3) item."""

    covered: bool = Field(default=True, description="Whether the contract covers the item (see also 'status').")
    status: CoverageStatus | None = Field(
        default=None,
        description=(
            "covered, partly (name the gap in 'note') or missing; when left out, 'covered' decides "
            "(true: covered, false: missing)."
        ),
    )
    section: str | None = Field(default=None, description="Section of the contract that covers it.")
    note: str | None = Field(default=None, description="How it is covered, or what is missing.")


ART28_ITEMS: dict[str, str] = {
    "a": "documented instructions, including for transfers",
    "b": "confidentiality of authorised persons",
    "c": "security measures required by Art. 32",
    "d": "conditions for engaging another processor (Art. 28(2), (4))",
    "e": "assistance with data subject rights",
    "f": "assistance with Arts 32-36 (security, breaches, DPIA, consultation)",
    "g": "deletion or return of data at the end of the services",
    "h": "information for compliance and audits, including inspections",
    "notice": "immediate notice of instructions that infringe data protection law",
}
"""The Art. 28(3)(a)-(h) stipulations plus the instruction-infringement notice."""


class Art28Coverage(Strict):
    """Which Art. 28(3)(a)-(h) items the contract covers, and where."""

    a: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(a): {ART28_ITEMS['a']}.")
    b: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(b): {ART28_ITEMS['b']}.")
    c: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(c): {ART28_ITEMS['c']}.")
    d: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(d): {ART28_ITEMS['d']}.")
    e: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(e): {ART28_ITEMS['e']}.")
    f: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(f): {ART28_ITEMS['f']}.")
    g: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(g): {ART28_ITEMS['g']}.")
    h: ClauseRef | None = Field(default=None, description=f"Art. 28(3)(h): {ART28_ITEMS['h']}.")
    notice: ClauseRef | None = Field(
        default=None, description=f"Art. 28(3) second subparagraph: {ART28_ITEMS['notice']}."
    )

    def status(self, key: str) -> CoverageStatus | None:
        """The coverage of item ``key``: None when the record says nothing about it."""
        ref = self.item(key)
        if ref is None:
            return None
        if ref.status is not None:
            return ref.status
        return "covered" if ref.covered else "missing"

    def item(self, key: str) -> ClauseRef | None:
        """The reference for item ``key`` (``a`` ... ``h``, ``notice``)."""
        value: ClauseRef | None = getattr(self, key)
        return value


class Contract(Sourced):
    """The contract or data processing agreement with the provider (Art. 28(3), (9))."""

    title: Text = Field(description="Title of the agreement.")
    version: str | None = Field(default=None, description="Version of the agreement.")
    signed: dt.date | None = Field(default=None, description="Date signed or accepted.")
    location: str | None = Field(default=None, description="Where the signed copy is kept.")
    form: Literal["written", "electronic"] | None = Field(
        default=None, description="Art. 28(9): in writing, including electronic form."
    )
    based_on: Literal["custom", "scc_2021_915", "scc_2021_914"] | None = Field(
        default=None, description="Whether the DPA is built on the Commission's SCCs."
    )
    art28: Art28Coverage = Field(
        default_factory=Art28Coverage, description="Which Art. 28(3) items the contract covers, and where."
    )
    subject_matter: str | None = Field(default=None, description="Subject-matter of the processing.")
    duration: str | None = Field(default=None, description="Duration of the processing.")
    nature: str | None = Field(default=None, description="Nature of the processing.")
    data_retention: Duration | None = Field(
        default=None,
        description=(
            "The longest the processor keeps the personal data under the agreement (ISO 8601); it must not "
            "exceed the record's retention for the same data."
        ),
    )
    clause1_option: Literal["2016/679", "2018/1725"] | None = Field(
        default=None,
        description="For DPAs on SCCs 2021/915: the Clause 1 option, the GDPR (2016/679) or Regulation 2018/1725.",
    )
    assistance_measures: str | None = Field(
        default=None,
        description=(
            "The specific measures the processor takes to assist the controller with data subject requests, "
            "breaches and impact assessments (2021/915 Annex III, Clauses 8 and 9)."
        ),
    )


class SubProcessorAuthorisation(Sourced):
    """How the organisation authorises the provider's sub-processors (Art. 28(2))."""

    type: Literal["specific", "general"] = Field(description="Specific or general written authorisation.")
    notice_period: Duration | None = Field(
        default=None,
        description=(
            "For general authorisation: advance notice of changes; for specific: how long before engaging a "
            "sub-processor authorisation is asked (ISO 8601 duration; 2021/915 Clause 7.7(a))."
        ),
    )
    objection_channel: str | None = Field(
        default=None, description="For general authorisation: how the organisation can object."
    )


class SubProcessor(Sourced):
    """A sub-processor engaged by the provider (Art. 28(2), (4))."""

    id: Id = Field(description="Identifier, unique within the provider.")
    name: Text | None = Field(default=None, description="Legal name of the sub-processor.")
    category: str | None = Field(
        default=None, description="The sub-processor in the provider's words, when it is not named."
    )
    country: CountryCode | None = Field(default=None, description="Where it processes the data.")
    address: str | None = Field(default=None, description="Address of the sub-processor.")
    contact: Contact | None = Field(
        default=None,
        description="Contact person's name, position and contact details (2021/914 Annex III, 2021/915 Annex IV).",
    )
    service: str | None = Field(default=None, description="What it does for the provider.")
    authorisation: Literal["specific", "general"] | None = Field(
        default=None, description="How the sub-processor was authorised."
    )
    authorised_on: dt.date | None = Field(default=None, description="Date of specific authorisation.")
    flow_down: str | None = Field(
        default=None, description="Contract that binds it to the same obligations (Art. 28(4))."
    )
    mechanism: Mechanism | None = Field(default=None, description="Transfer mechanism when it is outside the EEA.")
    dpf: DpfCertification | None = Field(default=None, description="DPF certification, for US recipients.")
    sub_processors: list[str] = Field(
        default_factory=new_list,
        description="Ids of further sub-processors of this provider it passes data on to (chains).",
    )


class PolicyDocument(Sourced):
    """The provider document the facts were taken from."""

    title: Text = Field(description="Title of the document.")
    url: str | None = Field(default=None, description="Where it is published.")
    date: dt.date | None = Field(default=None, description="Effective or last-updated date.")
    language: str | None = Field(default=None, description="Language of the document (BCP 47 code).")


class OwnProcessing(Sourced):
    """What a provider does for its own purposes, as its policy says: its processing, not the organisation's."""

    id: Id = Field(description="Identifier, unique within the provider.")
    purpose: Text = Field(description="The provider's own purpose, e.g. 'billing of its customers'.")
    lawful_basis: LawfulBasis | None = Field(default=None, description="The provider's stated Art. 6(1) basis.")
    stated_basis: str | None = Field(default=None, description="The provider's basis in its own words.")
    data: list[str] = Field(default_factory=new_list, description="The data it uses for it, in its own words.")
    uses_organisation_data: bool | None = Field(
        default=None,
        description=(
            "Whether it uses data it processes for the organisation (true makes it a controller for that "
            "processing, Art. 28(10)); left out when the source does not say."
        ),
    )
    shared_with: list[str] = Field(
        default_factory=new_list,
        description="Whom it shares that data with for its own purposes (e.g. 'business partners').",
    )
    retention: Retention | None = Field(default=None, description="The provider's own retention for it.")


class Provider(Sourced):
    """A provider the organisation works with, and the activities done with it."""

    id: Id = Field(description="Identifier; must equal the file name without '.yaml'.")
    legal_name: Text = Field(description="Legal name of the entity.")
    trading_name: str | None = Field(default=None, description="Brand or trading name.")
    registration_number: str | None = Field(default=None, description="Company registration number.")
    address: Address | None = Field(default=None, description="Registered address.")
    country: CountryCode | None = Field(
        default=None,
        description="Country of establishment. Leave out only when the sources do not state it: that is a gap.",
    )
    contacts: list[Contact] = Field(default_factory=new_list, description="Contacts at the provider.")
    dpo: Dpo | None = Field(default=None, description="The provider's DPO.")
    eu_representative: str | None = Field(default=None, description="The provider's Art. 27 representative.")
    role: ProviderRole | None = Field(
        default=None,
        description=(
            "Its role in the activities listed in this file. Activities in activities/ state the role per "
            "involvement instead, so a provider can be a processor in one and a controller in another."
        ),
    )
    service: Text = Field(description="The service provided.")
    documents: list[PolicyDocument] = Field(
        default_factory=new_list, description="Documents the facts were taken from (privacy policy, DPA)."
    )
    contract: Contract | None = Field(
        default=None, description="The Art. 28 contract / DPA. Leave out when none exists: that is a finding."
    )
    data_locations: list[CountryCode] = Field(
        default_factory=new_list, description="Countries where the provider stores or accesses the data."
    )
    mechanisms: list[Mechanism] = Field(
        default_factory=new_list, description="Transfer mechanisms the provider relies on."
    )
    dpf: DpfCertification | None = Field(default=None, description="DPF certification, for US providers.")
    toms: list[Tom] = Field(default_factory=new_list, description="Technical and organisational measures.")
    sub_processor_authorisation: SubProcessorAuthorisation | None = Field(
        default=None, description="How sub-processors are authorised (Art. 28(2))."
    )
    sub_processors: list[SubProcessor] = Field(default_factory=new_list, description="Its sub-processors.")
    activities: list[Activity] = Field(
        default_factory=new_list, description="Processing activities the organisation carries out with it."
    )
    own_processing: list[OwnProcessing] = Field(
        default_factory=new_list,
        description=(
            "What the provider does for its own purposes (its billing, analytics, fraud prevention, marketing), "
            "with its own bases and retention: kept apart from the organisation's purposes."
        ),
    )

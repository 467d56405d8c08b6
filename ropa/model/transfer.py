"""Transfers outside the EEA and the Chapter V mechanisms that make them lawful."""

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import Field

from ropa.model.common import CountryCode, DocumentRef, Duration, Sourced, Text, new_list


class MechanismType(str, Enum):
    """Chapter V transfer mechanisms, plus the repealed or invalidated ones so they can be found."""

    ADEQUACY = "adequacy"
    """Art. 45 adequacy decision (for the US: only with DPF certification)."""
    SCC_2021_914 = "scc_2021_914"
    """Art. 46(2)(c) standard contractual clauses, Decision (EU) 2021/914."""
    BCR = "bcr"
    CODE_OF_CONDUCT = "code_of_conduct"
    CERTIFICATION = "certification"
    AD_HOC_CLAUSES = "ad_hoc_clauses"
    ADMINISTRATIVE_ARRANGEMENT = "administrative_arrangement"
    PUBLIC_INSTRUMENT = "public_instrument"
    DEROGATION = "derogation"
    """Art. 49(1) derogation; name the point in ``derogation``."""
    PRIVACY_SHIELD = "privacy_shield"
    """EU-US Privacy Shield: invalidated by the CJEU on 16 July 2020 (C-311/18)."""
    SAFE_HARBOR = "safe_harbor"
    """Safe Harbour principles (Decision 2000/520/EC): declared invalid by the CJEU on 6 October 2015 (C-362/14)."""
    SCC_2010_87 = "scc_2010_87"
    """Old controller-to-processor SCCs, repealed 27 Sep 2021, grandfathering ended 27 Dec 2022."""
    SCC_2004_915 = "scc_2004_915"
    """The alternative controller-to-controller SCCs Decision 2004/915/EC added to 2001/497/EC; repealed with it."""
    UK_IDTA = "uk_idta"
    """The UK's International Data Transfer Agreement: an instrument of the UK GDPR, for UK exports only."""
    UK_ADDENDUM = "uk_addendum"
    """The UK Addendum to SCCs 2021/914: makes the EU clauses usable for UK exports; UK exports only."""
    SCC_2001_497 = "scc_2001_497"
    """Old controller-to-controller SCCs, repealed 27 Sep 2021."""
    SCC_UNSPECIFIED = "scc_unspecified"
    """'Standard contractual clauses' named without saying which decision or module."""


ART46_TOOLS = frozenset(
    {
        MechanismType.SCC_2021_914,
        MechanismType.SCC_UNSPECIFIED,
        MechanismType.BCR,
        MechanismType.CODE_OF_CONDUCT,
        MechanismType.CERTIFICATION,
        MechanismType.AD_HOC_CLAUSES,
        MechanismType.ADMINISTRATIVE_ARRANGEMENT,
        MechanismType.PUBLIC_INSTRUMENT,
        MechanismType.UK_IDTA,
        MechanismType.UK_ADDENDUM,
    }
)
"""Art. 46 appropriate safeguards (the ones a transfer impact assessment is owed for)."""


class Derogation(str, Enum):
    """Art. 49(1) derogation points."""

    A = "49.1.a"
    B = "49.1.b"
    C = "49.1.c"
    D = "49.1.d"
    E = "49.1.e"
    F = "49.1.f"
    G = "49.1.g"
    SECOND = "49.1.second"


class DpfCertification(Sourced):
    """EU-US Data Privacy Framework certification of a US recipient (Decision 2023/1795)."""

    certified: bool = Field(description="Whether the organisation is on the DPF List.")
    checked_on: dt.date | None = Field(default=None, description="When the DPF List was last checked.")
    part: Literal["EU-US", "UK-extension", "Swiss-US"] | None = Field(
        default=None, description="Programme part; only 'EU-US' covers data from the EU."
    )
    covers: Literal["hr", "non-hr", "both"] | None = Field(
        default=None, description="Data types the certification covers."
    )
    list_id: str | None = Field(default=None, description="The organisation's DPF List identifier.")


class Tia(DocumentRef):
    """A transfer impact assessment (Schrems II; EDPB Recommendations 01/2020)."""

    outcome: Literal["proceed", "proceed-with-measures", "suspend"] | None = Field(
        default=None, description="Result of the assessment."
    )
    supplementary_measures: list[Text] = Field(default_factory=new_list, description="Supplementary measures adopted.")


class CompellingInterests(Sourced):
    """The conditions of a transfer on compelling legitimate interests (Art. 49(1), second subparagraph)."""

    non_repetitive: bool | None = Field(default=None, description="Confirms that the transfer is not repetitive.")
    limited_data_subjects: str | None = Field(
        default=None,
        description="How many data subjects, and who: their number must be limited (e.g. '3 claimants in case 14').",
    )
    sa_informed_on: dt.date | None = Field(
        default=None, description="When the supervisory authority was informed of the transfer."
    )
    data_subjects_informed: str | None = Field(
        default=None,
        description="How and when the data subjects were told of the transfer and the compelling interests pursued.",
    )


class Mechanism(Sourced):
    """A transfer mechanism as relied on for one transfer or one provider."""

    type: MechanismType = Field(description="The Chapter V mechanism relied on.")
    modules: list[Literal[1, 2, 3, 4]] = Field(
        default_factory=new_list,
        description="SCC 2021/914 module(s): 1 C2C, 2 C2P, 3 P2P, 4 P2C.",
    )
    clause9_option: Literal["specific", "general"] | None = Field(
        default=None, description="SCC Clause 9(a) sub-processor option (modules 2 and 3)."
    )
    clause9_notice_period: Duration | None = Field(
        default=None, description="Clause 9(a) time period (ISO 8601 duration)."
    )
    competent_authority: str | None = Field(
        default=None, description="Annex I.C competent supervisory authority (Clause 13)."
    )
    governing_law: CountryCode | None = Field(default=None, description="Clause 17 governing law.")
    forum: CountryCode | None = Field(default=None, description="Clause 18 courts.")
    derogation: Derogation | None = Field(default=None, description="Art. 49(1) point, for derogations.")
    justification: str | None = Field(
        default=None, description="Why the derogation is necessary (Art. 49) or other evidence notes."
    )
    evidence: DocumentRef | None = Field(
        default=None,
        description="The instrument: signed SCCs, BCR approval, code or certificate, SA authorisation.",
    )
    approving_authority: str | None = Field(default=None, description="Authority that approved BCRs.")
    tia: Tia | None = Field(default=None, description="Transfer impact assessment for Art. 46 tools.")
    acceded_via_clause7: bool = Field(
        default=False,
        description="SCC 2021/914: the importer joined existing clauses through the Clause 7 docking clause.",
    )
    acceded_on: dt.date | None = Field(
        default=None, description="Date of that accession: when the party signed Annex I.A."
    )
    compelling_interests: CompellingInterests | None = Field(
        default=None,
        description="For derogation 49.1.second: non-repetition, the limited data subjects, and who was informed.",
    )
    scope_note: str | None = Field(
        default=None,
        description=(
            "For adequacy with a partial decision (e.g. CA, JP, KR, GB): why the recipient falls within its scope."
        ),
    )


class Transfer(Sourced):
    """A transfer of personal data to a third country or international organisation (Art. 30(1)(e))."""

    country: CountryCode | None = Field(default=None, description="Destination country (ISO 3166-1 alpha-2).")
    international_organisation: str | None = Field(
        default=None, description="Destination international organisation, when not a country."
    )
    recipient: Text = Field(
        description="Who receives the data: a provider id, or 'provider-id/sub-processor-id', or a name."
    )
    mechanism: Mechanism | None = Field(
        default=None, description="Mechanism relied on. Leave out only where none is stated: that is a finding."
    )
    frequency: Literal["one-off", "occasional", "regular", "continuous"] | None = Field(
        default=None, description="How often the transfer happens (SCC Annex I.B item 4)."
    )
    data_categories: list[str] = Field(
        default_factory=new_list, description="Ids of the activity's data categories transferred (all when empty)."
    )
    origin_regime: Literal["EU", "UK", "CH"] = Field(
        default="EU", description="Which law governs the export, so EU rules do not fire on UK IDTA transfers."
    )

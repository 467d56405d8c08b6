"""One label for every enumerated value, shared by findings, the PDF register, the annexes and the XLSX.

The same value used to be labelled in up to three places with different words ("Module Two" in the
PDF, "Module 2" in the XLSX and in findings). Every reader now takes its words from here. Where a
label follows an official text, the table's docstring names it; ``docs/labels.md`` lists the labels
that could not be checked against such a text.
"""

from __future__ import annotations

from ropa.model.activity import RecipientRole, SpecialCategory
from ropa.model.provider import ProviderRole
from ropa.model.transfer import MechanismType

SPECIAL_LABELS: dict[SpecialCategory, str] = {
    SpecialCategory.RACIAL_ETHNIC: "racial or ethnic origin",
    SpecialCategory.POLITICAL: "political opinions",
    SpecialCategory.RELIGIOUS: "religious or philosophical beliefs",
    SpecialCategory.TRADE_UNION: "trade union membership",
    SpecialCategory.GENETIC: "genetic data",
    SpecialCategory.BIOMETRIC: "biometric data for identification",
    SpecialCategory.HEALTH: "data concerning health",
    SpecialCategory.SEX_LIFE: "sex life or sexual orientation",
}
"""Art. 9(1) special categories, in the Article's words (lower case: they are read inside sentences)."""

ROLE_LABELS: dict[str, str] = {
    RecipientRole.PROCESSOR.value: "Processor",
    RecipientRole.SUB_PROCESSOR.value: "Sub-processor",
    RecipientRole.CONTROLLER.value: "Controller",
    RecipientRole.JOINT_CONTROLLER.value: "Joint controller",
    RecipientRole.PUBLIC_AUTHORITY.value: "Public authority",
    RecipientRole.INTERNAL.value: "Internal",
    ProviderRole.INDEPENDENT_CONTROLLER.value: "Independent controller",
}
"""Roles of providers and recipients (Art. 4(7)-(9), Art. 26, Art. 28), by their value."""

ART28_SHORT: dict[str, str] = {
    "a": "instructions",
    "b": "confidentiality",
    "c": "security",
    "d": "sub-processors",
    "e": "data subject rights",
    "f": "Arts 32-36 assistance",
    "g": "deletion or return",
    "h": "audits",
}
"""Short names of the Art. 28(3)(a)-(h) points, for column headings (the workbook writes, the import reads)."""

DPIA_STATUS_LABELS: dict[str, str] = {
    "not_required": "Not required",
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
}
"""Progress of a DPIA (Art. 35), as the ICO template asks for it."""

MECHANISM_LABELS: dict[MechanismType, str] = {
    MechanismType.ADEQUACY: "Adequacy decision (Art. 45)",
    MechanismType.SCC_2021_914: "Standard contractual clauses, Decision (EU) 2021/914 (Art. 46(2)(c))",
    MechanismType.BCR: "Binding corporate rules (Art. 47)",
    MechanismType.CODE_OF_CONDUCT: "Approved code of conduct (Art. 46(2)(e))",
    MechanismType.CERTIFICATION: "Approved certification mechanism (Art. 46(2)(f))",
    MechanismType.AD_HOC_CLAUSES: "Contractual clauses authorised by a supervisory authority (Art. 46(3)(a))",
    MechanismType.ADMINISTRATIVE_ARRANGEMENT: "Administrative arrangement (Art. 46(3)(b))",
    MechanismType.PUBLIC_INSTRUMENT: "Instrument between public authorities (Art. 46(2)(a))",
    MechanismType.DEROGATION: "Derogation (Art. 49(1))",
    MechanismType.PRIVACY_SHIELD: "EU-US Privacy Shield (invalidated on 16 July 2020)",
    MechanismType.SAFE_HARBOR: "Safe Harbour (invalidated on 6 October 2015)",
    MechanismType.SCC_2010_87: "Standard contractual clauses 2010/87/EU (repealed)",
    MechanismType.SCC_2001_497: "Standard contractual clauses 2001/497/EC (repealed)",
    MechanismType.SCC_2004_915: "Standard contractual clauses 2004/915/EC (repealed)",
    MechanismType.UK_IDTA: "UK International Data Transfer Agreement (IDTA; UK GDPR Art. 46)",
    MechanismType.UK_ADDENDUM: "UK Addendum to the standard contractual clauses 2021/914 (UK GDPR Art. 46)",
    MechanismType.SCC_UNSPECIFIED: "Standard contractual clauses (decision or module not stated)",
}
"""Chapter V mechanisms, with the provision of the GDPR each rests on."""

MODULE_LABELS: dict[int, str] = {
    1: "Module One (controller to controller)",
    2: "Module Two (controller to processor)",
    3: "Module Three (processor to processor)",
    4: "Module Four (processor to controller)",
}
"""The modules of Decision (EU) 2021/914, numbered as its Annex heads them ("MODULE ONE: Transfer
controller to controller")."""

END_ACTION_LABELS: dict[str, str] = {
    "delete": "deleted",
    "anonymise": "anonymised",
    "archive_restricted": "archived with restricted access",
}
"""What happens to data at the end of its retention (read after "then")."""

FREQUENCY_LABELS: dict[str, str] = {
    "one-off": "One-off",
    "occasional": "Occasional (not regular, outside the regular course of business)",
    "regular": "Regular",
    "continuous": "Continuous",
}
"""How often an activity's processing happens (Art. 30(5), Art. 27(2)(a))."""

RISK_LABELS: dict[str, str] = {
    "unlikely": "Unlikely to result in a risk to the rights and freedoms of data subjects",
    "likely": "Likely to result in a risk to the rights and freedoms of data subjects (Art. 30(5))",
    "high": "Likely to result in a high risk to the rights and freedoms of data subjects (Art. 35)",
}
"""The risk an activity's processing poses, in the words of Art. 30(5) and Art. 35."""

CLAUSE1_LABELS: dict[str, str] = {
    "2016/679": "Option 1: Article 28(3) and (4) of Regulation (EU) 2016/679",
    "2018/1725": "Option 2: Article 29(3) and (4) of Regulation (EU) 2018/1725",
}
"""The Clause 1(a) options of the Art. 28 SCCs (Decision (EU) 2021/915)."""


def sentence_case(label: str) -> str:
    """A label as the start of a cell or line: ``"data concerning health"`` -> ``"Data concerning health"``."""
    return label[:1].upper() + label[1:]

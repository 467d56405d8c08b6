"""The words the annexes quote from the Commission's decisions, each with the text it comes from.

Field labels, explanatory notes and the examples of measures are printed word for word, so they are
kept here once, apart from the code that decides when to print them. Sources: the Annex to Decision
(EU) 2021/915 (Art. 28(7) clauses), Annexes I-IV; the Appendix to the Annex of Decision (EU) 2021/914
(transfer clauses), Annex I.A-I.C (see ``gdpr-reference.md`` §2.4 and §4.5.4). Labels the annexes use
that could not be checked against these texts are listed in ``docs/labels-unverified.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from ropa.i18n import gettext
from ropa.model.common import TomKind

D915 = "Decision (EU) 2021/915"
D914 = "Decision (EU) 2021/914"

# ---------------------------------------------------------------- 2021/915, Annex II

SENSITIVE_LABEL = (
    "Sensitive data processed (if applicable) and applied restrictions or safeguards that fully take into "
    "consideration the nature of the data and the risks involved, such as for instance strict purpose limitation, "
    "access restrictions (including access only for staff having followed specialised training), keeping a record "
    "of access to the data, restrictions for onward transfers or additional security measures."
)
"""2021/915 Annex II, third item, whole."""

# ---------------------------------------------------------------- 2021/915, Annex III

ANNEX_III_NOTE = (
    "The technical and organisational measures need to be described concretely and not in a generic manner."
)
"""2021/915 Annex III, explanatory note."""

ANNEX_III_BODY = (
    "Description of the technical and organisational security measures implemented by the processor(s) (including "
    "any relevant certifications) to ensure an appropriate level of security, taking into account the nature, scope, "
    "context and purpose of the processing, as well as the risks for the rights and freedoms of natural persons."
)
"""2021/915 Annex III, the sentence that opens the body (it continues "Examples of possible measures:")."""

ANNEX_III_SUB_ASSISTANCE = (
    "For transfers to (sub-) processors, also describe the specific technical and organisational measures to be "
    "taken by the (sub-) processor to be able to provide assistance to the controller"
)
"""2021/915 Annex III, item after the examples."""

ANNEX_III_ASSISTANCE = (
    "Description of the specific technical and organisational measures to be taken by the processor to be able to "
    "provide assistance to the controller."
)
"""2021/915 Annex III, last item."""

EXAMPLE_MEASURES: dict[TomKind, str] = {
    TomKind.ENCRYPTION: "Measures of pseudonymisation and encryption of personal data",
    TomKind.CONFIDENTIALITY_INTEGRITY: (
        "Measures for ensuring ongoing confidentiality, integrity, availability and resilience of processing systems "
        "and services"
    ),
    TomKind.RESTORE: (
        "Measures for ensuring the ability to restore the availability and access to personal data in a timely "
        "manner in the event of a physical or technical incident"
    ),
    TomKind.TESTING: (
        "Processes for regularly testing, assessing and evaluating the effectiveness of technical and organisational "
        "measures in order to ensure the security of the processing"
    ),
    TomKind.IDENTIFICATION_AUTHORISATION: "Measures for user identification and authorisation",
    TomKind.TRANSMISSION: "Measures for the protection of data during transmission",
    TomKind.STORAGE: "Measures for the protection of data during storage",
    TomKind.PHYSICAL: "Measures for ensuring physical security of locations at which personal data are processed",
    TomKind.LOGGING: "Measures for ensuring events logging",
    TomKind.CONFIGURATION: "Measures for ensuring system configuration, including default configuration",
    TomKind.GOVERNANCE: "Measures for internal IT and IT security governance and management",
    TomKind.CERTIFICATION: "Measures for certification/assurance of processes and products",
    TomKind.MINIMISATION: "Measures for ensuring data minimisation",
    TomKind.QUALITY: "Measures for ensuring data quality",
    TomKind.RETENTION: "Measures for ensuring limited data retention",
    TomKind.ACCOUNTABILITY: "Measures for ensuring accountability",
    TomKind.PORTABILITY_ERASURE: "Measures for allowing data portability and ensuring erasure",
}
"""2021/915 Annex III "Examples of possible measures", in the decision's order (2021/914 Annex II has the same)."""

# ---------------------------------------------------------------- 2021/915, Annex IV

ANNEX_IV_NOTE = (
    "This Annex needs to be completed in case of specific authorisation of sub-processors (Clause 7.7(a), Option 1)."
)
"""2021/915 Annex IV, explanatory note."""

ANNEX_IV_AUTHORISED = "The controller has authorised the use of the following sub-processors:"
"""2021/915 Annex IV, the sentence before the list (true only for a recorded specific authorisation)."""

SUB_DESCRIPTION_LABEL = (
    "Description of the processing (including a clear delimitation of responsibilities in case several "
    "sub-processors are authorised)"
)
"""2021/915 Annex IV, fourth field of each entry."""

CONTACT_LABEL = "Contact person's name, position and contact details"
"""2021/915 Annex I and IV; 2021/914 Annex I.A."""

# ---------------------------------------------------------------- 2021/914, Annex I

EXPORTERS_NOTE = (
    "[Identity and contact details of the data exporter(s) and, where applicable, of its/their data protection "
    "officer and/or representative in the European Union]"
)
IMPORTERS_NOTE = (
    "[Identity and contact details of the data importer(s), including any contact person with responsibility for "
    "data protection]"
)
ACTIVITIES_LABEL = "Activities relevant to the data transferred under these Clauses"
SIGNATURE_914_LABEL = "Signature and date"
ROLE_914_LABEL = "Role (controller/processor)"
"""2021/914 Annex I.A: the notes under "Data exporter(s):" and "Data importer(s):", and three of the six fields."""

ANNEX_IB_LABELS = (
    "Categories of data subjects whose personal data is transferred",
    "Categories of personal data transferred",
    "Sensitive data transferred (if applicable) and applied restrictions or safeguards that fully take into "
    "consideration the nature of the data and the risks involved, such as for instance strict purpose limitation, "
    "access restrictions (including access only for staff having followed specialised training), keeping a record "
    "of access to the data, restrictions for onward transfers or additional security measures.",
    "The frequency of the transfer (e.g. whether the data is transferred on a one-off or continuous basis)",
    "Nature of the processing",
    "Purpose(s) of the data transfer and further processing",
    "The period for which the personal data will be retained, or, if that is not possible, the criteria used to "
    "determine that period",
    "For transfers to (sub-) processors, also specify subject matter, nature and duration of the processing",
)
"""2021/914 Annex I.B, the eight items in order."""

ANNEX_IC_LABEL = "Identify the competent supervisory authority/ies in accordance with Clause 13"
"""2021/914 Annex I.C, the only item (Modules One to Three: Clause 13 does not exist in Module Four)."""


@dataclass(frozen=True)
class Texts:
    """The quoted wording as one object, for the templates (they see only ``doc``)."""

    sensitive: str = SENSITIVE_LABEL
    annex_iii_note: str = ANNEX_III_NOTE
    annex_iii_body: str = ANNEX_III_BODY
    annex_iii_sub_assistance: str = ANNEX_III_SUB_ASSISTANCE
    annex_iii_assistance: str = ANNEX_III_ASSISTANCE
    annex_iv_note: str = ANNEX_IV_NOTE
    sub_description: str = SUB_DESCRIPTION_LABEL
    contact: str = CONTACT_LABEL
    exporters_note: str = EXPORTERS_NOTE
    importers_note: str = IMPORTERS_NOTE
    activities: str = ACTIVITIES_LABEL
    signature_914: str = SIGNATURE_914_LABEL
    role_914: str = ROLE_914_LABEL
    annex_ib: tuple[str, ...] = ANNEX_IB_LABELS
    annex_ic: str = ANNEX_IC_LABEL


TEXTS = Texts()
"""The wording in English, the source language (each text is the msgid of its translation)."""


def texts() -> Texts:
    """The quoted wording in the active document language (the official language version of each decision)."""
    values: dict[str, object] = {}
    for item in fields(Texts):
        value = getattr(TEXTS, item.name)
        values[item.name] = tuple(gettext(v) for v in value) if isinstance(value, tuple) else gettext(value)
    return replace(TEXTS, **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Piece:
    """A part of a translated sentence: literal text (``name`` "") or the value of placeholder ``name``.

    A template cannot format a message (no ``str.format`` in the sandbox), and some values need markup of
    their own (the running header's spans, the gap marker), so a sentence reaches it as pieces in the
    translation's order.
    """

    text: str
    name: str = ""


def pieces(message: str, **values: str) -> list[Piece]:
    """``message`` (translated) cut at its ``{name}`` placeholders, each filled from ``values``."""
    out: list[Piece] = []
    for n, part in enumerate(re.split(r"\{(\w+)\}", message)):
        if n % 2:
            out.append(Piece(values[part], part))
        elif part:
            out.append(Piece(part))
    return out

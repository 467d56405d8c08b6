"""The register as flat tables: one definition per sheet, rows produced lazily, pure Python.

The XLSX renderer (and anything else that wants a spreadsheet-shaped view, such as
a CSV export) consumes :func:`build_tables`. Nothing here imports openpyxl, so the
tables can be tested and reused without it. Rows are generated on demand so that a
writer streaming them keeps memory flat however large the register grows.

Every cell that describes a fact is text; a fact the register does not state is
:data:`NOT_STATED` rather than an empty cell, so gaps stay visible in the sheet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel

from ropa.findings import Finding, Report
from ropa.model.activity import (
    BASIS_LABELS,
    Activity,
    ChildSafeguards,
    DataCategory,
    LawfulBasis,
    ProcessorActivity,
    Purpose,
    Recipient,
    Retention,
)
from ropa.model.common import TOM_LABELS, Contact, DocumentRef, Dpo, Tom
from ropa.model.labels import (
    CLAUSE1_LABELS,
    END_ACTION_LABELS,
    FREQUENCY_LABELS,
    MECHANISM_LABELS,
    MODULE_LABELS,
    RISK_LABELS,
    ROLE_LABELS,
    SPECIAL_LABELS,
    sentence_case,
)
from ropa.model.organisation import Organisation
from ropa.model.provider import ART28_ITEMS, ClauseRef, Provider, ProviderRole, SubProcessor
from ropa.model.register import Register
from ropa.model.transfer import CompellingInterests, Derogation, DpfCertification, Mechanism, MechanismType, Transfer
from ropa.render.context import country_label, period_text

NOT_STATED = "Not stated"
"""Shown wherever the register leaves a fact out."""

NONE_RECORDED = "None recorded"
"""Shown for lists that may legitimately be empty (transfers, sub-processors)."""

Value = str | int
"""A cell value: text, or a whole number for counts and line numbers."""

Row = tuple[Value, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header, a width in characters, and how to get its value from an item."""

    header: str
    width: int
    value: Callable[[T], Value]


@dataclass(frozen=True)
class Table:
    """One sheet's worth of data.

    Attributes:
        name: Sheet name (at most 31 characters, no ``[]:*?/\\``).
        description: What one row is, for the About sheet.
        headers: Column headers, in order.
        widths: Column widths in characters, in the same order.
        rows: Called once per render; yields the rows lazily.
    """

    name: str
    description: str
    headers: tuple[str, ...]
    widths: tuple[int, ...]
    rows: Callable[[], Iterator[Row]]


def _rows(columns: Sequence[Column[T]], items: Callable[[], Iterable[T]]) -> Iterator[Row]:
    getters = [c.value for c in columns]
    for item in items():
        yield tuple([get(item) for get in getters])  # a list comprehension: no generator per row


def _table(name: str, description: str, columns: Sequence[Column[T]], items: Callable[[], Iterable[T]]) -> Table:
    return Table(
        name=name,
        description=description,
        headers=tuple(c.header for c in columns),
        widths=tuple(c.width for c in columns),
        rows=partial(_rows, columns, items),
    )


# ---------------------------------------------------------------------------
# Formatting of single values
# ---------------------------------------------------------------------------


def text(value: str | None) -> str:
    """The value, or :data:`NOT_STATED` when it is missing or blank."""
    return value if value is not None and value.strip() else NOT_STATED


def lines(items: Iterable[str], empty: str = NOT_STATED, numbered: bool = False) -> str:
    """One item per line (numbered when asked and there is more than one), or ``empty``."""
    values = [i for i in items if i]
    if not values:
        return empty
    if numbered and len(values) > 1:
        return "\n".join(f"{n}. {v}" for n, v in enumerate(values, 1))
    return "\n".join(values)


def date(value: dt.date | None) -> str:
    """ISO date (sorts correctly as text), or :data:`NOT_STATED`."""
    return value.isoformat() if value is not None else NOT_STATED


def yes_no(value: bool | None, yes: str = "Yes", no: str = "No") -> str:
    """Yes/No, or :data:`NOT_STATED` when unknown."""
    if value is None:
        return NOT_STATED
    return yes if value else no


@lru_cache(maxsize=1024)
def duration(value: str | None) -> str:
    """An ISO 8601 duration in words with the code kept, e.g. ``6 months (P6M)``.

    Cached: a register uses a handful of durations, formatted for every category row.
    """
    return period_text(value) or NOT_STATED


@lru_cache(maxsize=1024)
def country(code: str | None) -> str:
    """``United States (US)``; the bare code when the name is unknown (cached, as :func:`duration`)."""
    return country_label(code) or NOT_STATED


def basis(purpose: Purpose) -> str:
    """The Art. 6(1) basis of one purpose, or the source's own words, or :data:`NOT_STATED`."""
    if purpose.lawful_basis is not None:
        return BASIS_LABELS[purpose.lawful_basis]
    if purpose.stated_basis:
        return f"As stated: {purpose.stated_basis}"
    return NOT_STATED


def _point(code: str, article: str) -> str:
    """``9.2.a`` -> ``Art. 9(2)(a)``; ``49.1.second`` -> ``Art. 49(1), second subparagraph``."""
    parts = code.split(".")
    if len(parts) != 3:
        return code
    if parts[2] == "second":
        return f"Art. {article}({parts[1]}), second subparagraph"
    return f"Art. {article}({parts[1]})({parts[2]})"


def mechanism(value: Mechanism | None) -> str:
    """A mechanism with its SCC modules, Clause 9 option or Art. 49 point."""
    if value is None:
        return NOT_STATED
    parts = [MECHANISM_LABELS.get(value.type, value.type.value)]
    if value.modules:
        parts.append(", ".join(MODULE_LABELS.get(m, f"Module {m}") for m in value.modules))
    if value.clause9_option:
        parts.append(f"Clause 9(a) {value.clause9_option} authorisation")
    if value.derogation is not None:
        parts.append(_point(value.derogation.value, "49"))
    if value.acceded_via_clause7:
        when = f"on {value.acceded_on.isoformat()}" if value.acceded_on else f"on a date {NOT_STATED.lower()}"
        parts.append(f"importer acceded through Clause 7 (signed Annex I.A) {when}")
    return "; ".join(parts)


def modules(value: Mechanism | None) -> str:
    """SCC modules of a mechanism, or :data:`NOT_STATED` for SCCs that name none."""
    if value is None:
        return NOT_STATED
    if value.modules:
        return "\n".join(MODULE_LABELS.get(m, f"Module {m}") for m in value.modules)
    if value.type in (MechanismType.SCC_2021_914, MechanismType.SCC_UNSPECIFIED):
        return NOT_STATED
    return "Not applicable"


def dpf(value: DpfCertification | None) -> str:
    """DPF certification status in one line."""
    if value is None:
        return NOT_STATED
    parts = ["Certified" if value.certified else "Not certified"]
    if value.part:
        parts.append(value.part)
    if value.covers:
        parts.append(f"covers {value.covers} data")
    if value.checked_on:
        parts.append(f"checked {value.checked_on.isoformat()}")
    return ", ".join(parts)


def document(value: DocumentRef | None) -> str:
    """A document reference: ref, date, location."""
    if value is None:
        return NOT_STATED
    parts = [value.ref]
    if value.date:
        parts.append(f"dated {value.date.isoformat()}")
    if value.location:
        parts.append(f"kept at {value.location}")
    return ", ".join(parts)


def contact(value: Contact | None) -> str:
    """Name, position and channels of a contact, one per line."""
    if value is None:
        return NOT_STATED
    head = ", ".join(p for p in (value.name, value.position) if p)
    return lines([head, *value.channels()])


def dpo(value: Dpo | None) -> str:
    """The DPO, or whether none is designated."""
    if value is None:
        return NOT_STATED
    if value.designated is False:
        return "Not designated"
    return contact(value)


def retention(value: Retention | None) -> str:
    """A retention period in one sentence, built from its parts; the source's words as a fallback."""
    if value is None:
        return NOT_STATED
    parts: list[str] = []
    if value.duration:
        period = duration(value.duration)
        parts.append(f"{period} from {value.trigger_event}" if value.trigger_event else period)
    elif value.trigger_event:
        parts.append(f"Until {value.trigger_event}")
    if value.criteria:
        parts.append(f"Criteria: {value.criteria}")
    if value.legal_basis_for_period:
        parts.append(f"Required by {value.legal_basis_for_period}")
    if value.statutory_period:
        parts.append(f"Statutory period {duration(value.statutory_period)}")
    if value.kind == "unlimited":
        parts.append("No time limit")
    if value.not_possible_reason:
        parts.append(f"No limit possible: {value.not_possible_reason}")
    if value.end_action:
        parts.append(f"Then {END_ACTION_LABELS.get(value.end_action, value.end_action)}")
    if value.after_withdrawal:
        parts.append(f"After consent is withdrawn: kept {duration(value.after_withdrawal)}")
    if value.residual_basis:
        parts.append(f"Basis after withdrawal: {value.residual_basis}")
    if not parts and value.statement:
        parts.append(f"As stated: {value.statement}")
    return "; ".join(parts) if parts else NOT_STATED


def tom(value: Tom) -> str:
    """``Measure type: what is done``."""
    return f"{TOM_LABELS.get(value.kind, value.kind.value)}: {value.measure}"


def clause(value: ClauseRef | None) -> str:
    """Whether an Art. 28(3) item is covered, and where."""
    if value is None:
        return NOT_STATED
    out = "Covered" if value.covered else "Not covered"
    if value.section:
        out += f" ({value.section})"
    if value.note:
        out += f": {value.note}"
    return out


def sources(model: BaseModel) -> list[str]:
    """Every distinct ``source`` in a model tree, in order of appearance."""
    seen: dict[str, None] = {}

    def walk(node: Any) -> None:
        if isinstance(node, BaseModel):
            for name in _walked_fields(type(node)):
                value = getattr(node, name)
                if name == "source" and isinstance(value, str):
                    seen.setdefault(value, None)
                else:
                    walk(value)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)

    walk(model)
    return list(seen)


_WALKED: dict[type[BaseModel], tuple[str, ...]] = {}


def _walked_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``cls`` that :func:`sources` must visit, in declaration order.

    A field whose type can hold neither a model nor a list or tuple (text, dates,
    numbers, enumerations) cannot contain a ``source``; skipping those makes the
    walk, done for every row of three sheets, about three times faster.
    """
    fields = _WALKED.get(cls)
    if fields is None:
        fields = tuple(
            name for name, info in cls.model_fields.items() if name == "source" or _may_hold_models(info.annotation)
        )
        _WALKED[cls] = fields
    return fields


def _may_hold_models(annotation: Any) -> bool:
    """Whether a value of this type can be, or contain in lists and tuples, a model (when unsure: yes)."""
    if isinstance(annotation, type) and not get_args(annotation):
        return issubclass(annotation, BaseModel | list | tuple) or annotation is object
    origin = get_origin(annotation)
    if origin is Literal:
        return False
    if isinstance(origin, type) and issubclass(origin, dict):
        return False  # the walk does not look into mappings
    args = get_args(annotation)
    if origin is None or not args:
        return True  # Any, a forward reference or something unforeseen
    if origin is Annotated:
        return _may_hold_models(args[0])
    if isinstance(origin, type) and issubclass(origin, list | tuple):
        return True
    return any(_may_hold_models(a) for a in args if a is not Ellipsis)


# ---------------------------------------------------------------------------
# Resolving references within the register
# ---------------------------------------------------------------------------


def recipient_name(register: Register, ref: str | None) -> str:
    """A provider or ``provider/sub-processor`` reference as ``Legal name (ref)``."""
    if not ref:
        return NOT_STATED
    if "/" in ref:
        found = register.sub_processor(ref)
        if found is None:
            return f"{ref} (unknown reference)"
        sub = found[1]
        return f"{sub.name or sub.category or sub.id} ({ref})"
    provider = register.provider(ref)
    if provider is None:
        return f"{ref} (unknown reference)"
    return f"{provider.legal_name} ({ref})"


def recipient(register: Register, value: Recipient) -> str:
    """A recipient in one line: who, role, where."""
    who = recipient_name(register, value.provider) if value.provider else text(value.category)
    extra = [ROLE_LABELS[value.role.value]] if value.role else []
    if value.country:
        extra.append(country(value.country))
    return f"{who} [{', '.join(extra)}]" if extra else who


def destination(value: Transfer) -> str:
    """Country or international organisation a transfer goes to."""
    if value.country:
        return country(value.country)
    if value.international_organisation:
        return value.international_organisation
    return NOT_STATED


def transfer(register: Register, value: Transfer) -> str:
    """A transfer in one line: destination, recipient, mechanism."""
    target = value.recipient
    if register.provider(target.partition("/")[0]) is not None:
        target = recipient_name(register, target)
    where = destination(value)
    where = "Destination not stated" if where == NOT_STATED else where
    how = mechanism(value.mechanism) if value.mechanism is not None else "mechanism not stated"
    return f"{where}, to {target}: {how}"


# ---------------------------------------------------------------------------
# Items of each sheet
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityItem:
    """An activity with its provider and its count of open findings."""

    provider: Provider
    activity: Activity
    findings: str


@dataclass(frozen=True)
class CategoryItem:
    """One data category of one activity, with the retention that applies to it."""

    provider: Provider
    activity: Activity
    category: DataCategory | None
    retention: Retention | None
    retention_from: str


@dataclass(frozen=True)
class RecipientItem:
    """One recipient of one activity (None when the activity states none or leaves them out)."""

    provider: Provider
    activity: Activity
    recipient: Recipient | None


@dataclass(frozen=True)
class TransferItem:
    """One transfer, from an Art. 30(1) activity or an Art. 30(2) processor activity."""

    record: str
    provider: Provider | None
    activity_id: str
    activity_name: str
    transfer: Transfer
    categories: str


@dataclass(frozen=True)
class FindingItem:
    """An open or waived finding."""

    finding: Finding
    status: str
    reason: str
    expires: str


def _finding_counts(report: Report) -> dict[tuple[str | None, str | None], Counter[str]]:
    counts: dict[tuple[str | None, str | None], Counter[str]] = {}
    for finding in report.findings:
        counts.setdefault((finding.provider, finding.activity), Counter())[finding.severity.value] += 1
    return counts


def _count_text(counter: Counter[str] | None) -> str:
    if not counter:
        return "None"
    order = ("error", "warning", "info")
    return ", ".join(f"{counter[s]} {s}{'s' if counter[s] != 1 and s != 'info' else ''}" for s in order if counter[s])


def _activity_items(register: Register, report: Report) -> Iterator[ActivityItem]:
    counts = _finding_counts(report)
    for provider, _, activity in register.activities():
        yield ActivityItem(provider, activity, _count_text(counts.get((provider.id, activity.id))))


def _category_items(register: Register) -> Iterator[CategoryItem]:
    for provider, _, activity in register.activities():
        if not activity.data_categories:
            yield CategoryItem(provider, activity, None, activity.retention, _origin(None, activity))
        for category in activity.data_categories:
            yield CategoryItem(
                provider, activity, category, category.retention or activity.retention, _origin(category, activity)
            )


def _origin(category: DataCategory | None, activity: Activity) -> str:
    if category is not None and category.retention is not None:
        return "Data category"
    if activity.retention is not None:
        return "Activity (applies to categories without their own)"
    return NOT_STATED


def _recipient_items(register: Register) -> Iterator[RecipientItem]:
    for provider, _, activity in register.activities():
        if not activity.recipients:
            yield RecipientItem(provider, activity, None)
        for value in activity.recipients or ():
            yield RecipientItem(provider, activity, value)


def _transfer_items(register: Register) -> Iterator[TransferItem]:
    for provider, _, activity in register.activities():
        names = {c.id: c.name for c in activity.data_categories}
        for value in activity.transfers:
            chosen = [names.get(c, f"{c} (unknown category)") for c in value.data_categories]
            yield TransferItem(
                "Art. 30(1)", provider, activity.id, activity.name, value, lines(chosen, empty="All of the activity")
            )
    for processing in register.organisation.processor_activities:
        for value in processing.transfers:
            yield TransferItem(
                "Art. 30(2)", None, processing.id, processing.controller, value, lines(value.data_categories)
            )


def _sub_items(register: Register) -> Iterator[tuple[Provider, SubProcessor]]:
    for provider in register.providers:
        for sub in provider.sub_processors:
            yield provider, sub


def _finding_items(report: Report) -> Iterator[FindingItem]:
    for finding in report.findings:
        yield FindingItem(finding, "Open", "", "")
    for waived in report.waived:
        yield FindingItem(waived.finding, "Waived", waived.reason, waived.expires)


# ---------------------------------------------------------------------------
# Column sets
# ---------------------------------------------------------------------------


def _purposes(a: Activity) -> str:
    return lines((p.description for p in a.purposes), numbered=True)


def _bases(a: Activity) -> str:
    return lines((basis(p) for p in a.purposes), numbered=True)


def _per_purpose(a: Activity, get: Callable[[Purpose], str | None], empty: str = "Not applicable") -> str:
    """A per-purpose detail, numbered as in the purposes column, only for purposes that have it."""
    numbered = len(a.purposes) > 1
    out = [f"{n}. {value}" if numbered else value for n, p in enumerate(a.purposes, 1) if (value := get(p))]
    return "\n".join(out) if out else empty


def _legitimate(p: Purpose) -> str | None:
    if p.lawful_basis is not LawfulBasis.LEGITIMATE_INTERESTS:
        return None
    return f"{text(p.legitimate_interest)}; LIA: {document(p.lia)}"


def _consent(p: Purpose) -> str | None:
    if p.lawful_basis is not LawfulBasis.CONSENT:
        return None
    return f"Collected: {text(p.consent_mechanism)}; withdrawn: {text(p.withdrawal_mechanism)}"


def _provision(p: Purpose) -> str | None:
    if p.lawful_basis not in (LawfulBasis.LEGAL_OBLIGATION, LawfulBasis.PUBLIC_TASK):
        return None
    return text(p.legal_provision)


def _subjects(a: Activity) -> str:
    return lines(f"{s.name} (includes children)" if s.children else s.name for s in a.data_subjects)


def _purpose_type(p: Purpose) -> str | None:
    return p.purpose_type


def safeguards(c: DataCategory) -> str:
    """Restrictions or safeguards of a special-category or criminal-offence category (with Art. 9(3) secrecy).

    :data:`NOT_STATED` for sensitive data without them, "Not applicable" for other data.
    """
    parts = [x for x in (c.safeguards,) if x]
    if c.professional_secrecy:
        parts.append(f"Professional secrecy (Art. 9(3)): {c.professional_secrecy}")
    if parts:
        return "; ".join(parts)
    return NOT_STATED if c.special is not None or c.criminal else "Not applicable"


def _special(c: DataCategory) -> str:
    if c.special is None:
        return ""
    condition = _point(c.art9_condition.value, "9") if c.art9_condition else f"Art. 9(2) condition {NOT_STATED}"
    law = f", {c.art9_law_ref}" if c.art9_law_ref else ""
    return f"{c.name}: {sentence_case(SPECIAL_LABELS[c.special])}; {condition}{law}; safeguards: {safeguards(c)}"


def _criminal(c: DataCategory) -> str:
    if not c.criminal:
        return ""
    return f"{c.name}: authority {text(c.art10_authority)}; safeguards: {safeguards(c)}"


def children(a: Activity) -> str:
    """How the activity protects the children among its data subjects, one fact a line.

    "Not applicable" when no child is concerned. Age range and notice are expected whenever children
    are; Art. 8 consent ages and parental consent for a service offered to children; the balancing
    under legitimate interests.
    """
    given = a.child_safeguards
    iss = a.iss_offered_to_children
    if not (given is not None or iss or any(s.children for s in a.data_subjects)):
        return "Not applicable (no children recorded)"
    given = given or ChildSafeguards()
    out = [f"Ages: {text(given.age_range)}"]
    if iss is not None:
        out.append(f"Service offered directly to children (Art. 8(1)): {yes_no(iss)}")
    if iss or given.consent_ages:
        ages = ", ".join(f"{code} {age}" for code, age in sorted(given.consent_ages.items()))
        out.append(f"Consent ages (Art. 8(1)): {text(ages)}")
    if iss or given.parental_consent:
        out.append(f"Parental consent (Art. 8(2)): {text(given.parental_consent)}")
    out.append(f"Notice for children (Art. 12(1)): {text(given.notice)}")
    if given.lia_reasoning or any(p.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS for p in a.purposes):
        out.append(f"Children in the LIA (Art. 6(1)(f)): {text(given.lia_reasoning)}")
    return "\n".join(out)


def derogation_claimed(org: Organisation, a: Activity) -> bool:
    """Whether the Art. 30(5) derogation is claimed for the activity: its own claim, else the organisation's."""
    return a.art30_5_derogation if a.art30_5_derogation is not None else org.art30_5_derogation


def _derogation(org: Organisation, a: Activity) -> str:
    if a.art30_5_derogation is not None:
        return "Claimed (this activity)" if a.art30_5_derogation else "Not claimed (recorded in full)"
    return "Claimed (the organisation's claim)" if org.art30_5_derogation else "Not claimed"


def _trigger(org: Organisation, a: Activity, value: str | None, labels: dict[str, str]) -> str:
    """Frequency or risk: expected when the Art. 30(5) derogation is claimed, else shown only when recorded."""
    if value:
        return labels[value]
    return NOT_STATED if derogation_claimed(org, a) else NONE_RECORDED


def _per_category(a: Activity, get: Callable[[DataCategory], str]) -> str:
    """Lines for the categories that have the detail; "None" only when categories are stated at all."""
    if not a.data_categories:
        return NOT_STATED
    return lines((get(c) for c in a.data_categories), empty="None")


def _retention_lines(a: Activity) -> str:
    if not a.data_categories:
        return retention(a.retention) if a.retention else NOT_STATED
    return "\n".join(f"{c.name}: {retention(c.retention or a.retention)}" for c in a.data_categories)


def _measures(provider: Provider, a: Activity) -> str:
    own = [tom(t) for t in a.security_measures]
    theirs = [f"Provider: {tom(t)}" for t in provider.toms]
    return lines([*own, *theirs])


PROCESSOR_ROLES = (ProviderRole.PROCESSOR, ProviderRole.SUB_PROCESSOR)
"""Provider roles that need an Art. 28(3) contract."""


def contract_ref(provider: Provider) -> str:
    """The provider's Art. 28 contract in one line (title, version, where kept), or why there is none to show."""
    if provider.role not in PROCESSOR_ROLES:
        return f"Not applicable ({ROLE_LABELS[provider.role.value].lower()})"
    c = provider.contract
    if c is None:
        return NOT_STATED
    out = f"{c.title} (version {c.version})" if c.version else c.title
    return f"{out}, kept at {c.location}" if c.location else out


def _dpia_required(a: Activity) -> str:
    return yes_no(a.dpia_required, "Required", "Not required")


def _activity_columns(register: Register) -> list[Column[ActivityItem]]:
    org = register.organisation

    def recipients(i: ActivityItem) -> str:
        if i.activity.recipients is None:
            return NOT_STATED
        return lines((recipient(register, r) for r in i.activity.recipients), empty="No recipients (stated)")

    return [
        Column("Provider id", 16, lambda i: i.provider.id),
        Column("Provider", 24, lambda i: i.provider.legal_name),
        Column("Provider role", 14, lambda i: ROLE_LABELS[i.provider.role.value]),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Description", 36, lambda i: text(i.activity.description)),
        Column("Purposes of processing (Art. 30(1)(b))", 44, lambda i: _purposes(i.activity)),
        Column("Lawful basis per purpose (Art. 6)", 30, lambda i: _bases(i.activity)),
        Column("Legitimate interests and LIA", 32, lambda i: _per_purpose(i.activity, _legitimate)),
        Column("Consent: how given and withdrawn", 32, lambda i: _per_purpose(i.activity, _consent)),
        Column("Legal provision (Art. 6(3))", 26, lambda i: _per_purpose(i.activity, _provision)),
        Column("Type of purpose", 16, lambda i: _per_purpose(i.activity, _purpose_type, NONE_RECORDED)),
        Column("Categories of data subjects (Art. 30(1)(c))", 30, lambda i: _subjects(i.activity)),
        Column("Children: ages, consent, notice (Art. 8, 12(1))", 36, lambda i: children(i.activity)),
        Column(
            "Categories of personal data (Art. 30(1)(c))",
            34,
            lambda i: lines(c.name for c in i.activity.data_categories),
        ),
        Column("Special categories and Art. 9 condition", 34, lambda i: _per_category(i.activity, _special)),
        Column("Criminal offence data (Art. 10)", 26, lambda i: _per_category(i.activity, _criminal)),
        Column("Source of the data", 24, lambda i: text(i.activity.data_source)),
        Column("Recipients (Art. 30(1)(d))", 36, recipients),
        Column("Contract with processor (Art. 28(3))", 30, lambda i: contract_ref(i.provider)),
        Column(
            "Transfers: country, mechanism, SCC module (Art. 30(1)(e))",
            44,
            lambda i: lines((transfer(register, t) for t in i.activity.transfers), empty=NONE_RECORDED),
        ),
        Column("Location of personal data", 22, lambda i: lines(country(c) for c in i.provider.data_locations)),
        Column("Retention per data category (Art. 30(1)(f))", 44, lambda i: _retention_lines(i.activity)),
        Column("Security measures (Art. 30(1)(g), Art. 32)", 48, lambda i: _measures(i.provider, i.activity)),
        Column("DPIA required (Art. 35)", 14, lambda i: _dpia_required(i.activity)),
        Column("DPIA", 28, lambda i: document(i.activity.dpia)),
        Column("Frequency", 14, lambda i: _trigger(org, i.activity, i.activity.frequency, FREQUENCY_LABELS)),
        Column("Risk to data subjects", 20, lambda i: _trigger(org, i.activity, i.activity.risk, RISK_LABELS)),
        Column("Art. 30(5) derogation", 18, lambda i: _derogation(org, i.activity)),
        Column("Owner", 20, lambda i: text(i.activity.owner)),
        Column("Last reviewed", 13, lambda i: date(i.activity.last_reviewed)),
        Column("Sources", 36, lambda i: lines(sources(i.activity))),
        Column("Open findings", 18, lambda i: i.findings),
    ]


def _category_columns() -> list[Column[CategoryItem]]:
    def cat(get: Callable[[DataCategory], str]) -> Callable[[CategoryItem], str]:
        return lambda i: get(i.category) if i.category is not None else NOT_STATED

    def ret(get: Callable[[Retention], str | None]) -> Callable[[CategoryItem], str]:
        return lambda i: text(get(i.retention)) if i.retention is not None else NOT_STATED

    return [
        Column("Provider id", 16, lambda i: i.provider.id),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Category id", 18, cat(lambda c: c.id)),
        Column("Data category", 30, cat(lambda c: c.name)),
        Column(
            "Special category (Art. 9(1))",
            22,
            cat(lambda c: sentence_case(SPECIAL_LABELS[c.special]) if c.special else "No"),
        ),
        Column(
            "Art. 9(2) condition",
            20,
            cat(
                lambda c: (
                    (_point(c.art9_condition.value, "9") if c.art9_condition else NOT_STATED)
                    if c.special
                    else "Not applicable"
                )
            ),
        ),
        Column(
            "Art. 9 law or agreement",
            22,
            cat(lambda c: c.art9_law_ref or ("Not applicable" if not c.special else NOT_STATED)),
        ),
        Column("Criminal offence data (Art. 10)", 16, cat(lambda c: "Yes" if c.criminal else "No")),
        Column("Art. 10 authority", 22, cat(lambda c: text(c.art10_authority) if c.criminal else "Not applicable")),
        Column("Restrictions or safeguards (sensitive data)", 30, cat(safeguards)),
        Column("Retention duration", 20, ret(lambda r: duration(r.duration) if r.duration else None)),
        Column("Retention trigger", 24, ret(lambda r: r.trigger_event)),
        Column("Retention criteria", 30, ret(lambda r: r.criteria)),
        Column("Retention statement (source's words)", 36, ret(lambda r: r.statement)),
        Column("Retention (summary)", 40, lambda i: retention(i.retention)),
        Column("Retention set on", 22, lambda i: i.retention_from),
        Column("Sources", 30, lambda i: lines(sources(i.category)) if i.category is not None else NOT_STATED),
    ]


def _retention_columns() -> list[Column[CategoryItem]]:
    def ret(get: Callable[[Retention], str | None]) -> Callable[[CategoryItem], str]:
        return lambda i: text(get(i.retention)) if i.retention is not None else NOT_STATED

    def consent_based(i: CategoryItem) -> bool:
        return any(p.lawful_basis is LawfulBasis.CONSENT for p in i.activity.purposes)

    def statutory(i: CategoryItem) -> str:
        r = i.retention
        if r is not None and r.statutory_period:
            return duration(r.statutory_period)
        return "As the duration" if r is not None and r.kind == "statutory" else "Not applicable"

    def withdrawal(i: CategoryItem) -> str:
        r = i.retention
        if r is not None and r.after_withdrawal:
            return duration(r.after_withdrawal)
        return NOT_STATED if consent_based(i) else "Not applicable"

    def residual(i: CategoryItem) -> str:
        r = i.retention
        if r is not None and r.residual_basis:
            return r.residual_basis
        return NOT_STATED if r is not None and r.after_withdrawal else "Not applicable"

    return [
        Column("Provider id", 16, lambda i: i.provider.id),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Data category", 30, lambda i: i.category.name if i.category is not None else NOT_STATED),
        Column("Kind", 14, ret(lambda r: r.kind.replace("_", " ") if r.kind else None)),
        Column("Duration", 20, ret(lambda r: duration(r.duration) if r.duration else None)),
        Column("Runs from", 24, ret(lambda r: r.trigger_event)),
        Column("Criteria", 30, ret(lambda r: r.criteria)),
        Column("Statutory basis for the period", 26, ret(lambda r: r.legal_basis_for_period)),
        Column("Statutory period", 18, statutory),
        Column(
            "At the end", 18, ret(lambda r: END_ACTION_LABELS.get(r.end_action, r.end_action) if r.end_action else None)
        ),
        Column("Why no limit is possible", 26, ret(lambda r: r.not_possible_reason)),
        Column("Kept after consent is withdrawn", 20, withdrawal),
        Column("Basis for keeping after withdrawal", 28, residual),
        Column("Statement (source's words)", 36, ret(lambda r: r.statement)),
        Column("Retention (summary)", 40, lambda i: retention(i.retention)),
        Column("Set on", 22, lambda i: i.retention_from),
        Column("Source", 26, ret(lambda r: r.source)),
    ]


def _recipient_columns(register: Register) -> list[Column[RecipientItem]]:
    def who(i: RecipientItem) -> str:
        if i.recipient is None:
            return NOT_STATED if i.activity.recipients is None else "No recipients (stated)"
        if i.recipient.provider:
            return recipient_name(register, i.recipient.provider)
        return text(i.recipient.category)

    def rec(get: Callable[[Recipient], str]) -> Callable[[RecipientItem], str]:
        def value(i: RecipientItem) -> str:
            if i.recipient is None:
                return NOT_STATED if i.activity.recipients is None else "Not applicable"
            return get(i.recipient)

        return value

    return [
        Column("Provider id", 16, lambda i: i.provider.id),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Recipient", 34, who),
        Column("Register reference", 22, rec(lambda r: r.provider or "None (named category)")),
        Column("Role", 16, rec(lambda r: ROLE_LABELS[r.role.value] if r.role else NOT_STATED)),
        Column("Country", 20, rec(lambda r: country(r.country))),
        Column("Data shared", 36, rec(lambda r: lines(r.data_shared))),
        Column("Source", 26, rec(lambda r: text(r.source))),
    ]


def _provider_columns() -> list[Column[Provider]]:
    def art28(key: str) -> Callable[[Provider], str]:
        def value(p: Provider) -> str:
            if p.role not in PROCESSOR_ROLES:
                return f"Not applicable ({ROLE_LABELS[p.role.value].lower()})"
            if p.contract is None:
                return NOT_STATED
            return clause(p.contract.art28.item(key))

        return value

    def contract(get: Callable[[Any], str | None]) -> Callable[[Provider], str]:
        return lambda p: text(get(p.contract)) if p.contract is not None else NOT_STATED

    def authorisation(p: Provider) -> str:
        auth = p.sub_processor_authorisation
        if auth is None:
            return NOT_STATED
        parts = [f"{auth.type.capitalize()} authorisation"]
        if auth.notice_period:
            parts.append(f"notice {duration(auth.notice_period)}")
        if auth.objection_channel:
            parts.append(f"objections: {auth.objection_channel}")
        return "; ".join(parts)

    def documents(p: Provider) -> str:
        return lines(
            ", ".join(x for x in (d.title, d.date.isoformat() if d.date else None, d.url) if x) for d in p.documents
        )

    def title(c: Any) -> str:
        return f"{c.title} (version {c.version})" if c.version else str(c.title)

    def kept(p: Provider) -> str:
        if p.contract is None:
            return NOT_STATED
        return duration(p.contract.data_retention) if p.contract.data_retention else NONE_RECORDED

    def clause1(p: Provider) -> str:
        c = p.contract
        if c is not None and c.clause1_option:
            return CLAUSE1_LABELS[c.clause1_option]
        return NOT_STATED if c is not None and c.based_on == "scc_2021_915" else "Not applicable"

    def assistance(p: Provider) -> str:
        c = p.contract
        if c is not None and c.assistance_measures:
            return c.assistance_measures
        if p.role not in PROCESSOR_ROLES:
            return f"Not applicable ({ROLE_LABELS[p.role.value].lower()})"
        return NOT_STATED if c is None or c.based_on == "scc_2021_915" else NONE_RECORDED

    short = {
        "a": "instructions",
        "b": "confidentiality",
        "c": "security",
        "d": "sub-processors",
        "e": "data subject rights",
        "f": "Arts 32-36 assistance",
        "g": "deletion or return",
        "h": "audits",
    }
    items = [Column(f"Art. 28(3)({k}) {v}", 22, art28(k)) for k, v in short.items()]
    assert set(short) | {"notice"} == set(ART28_ITEMS)
    return [
        Column("Provider id", 16, lambda p: p.id),
        Column("Legal name", 26, lambda p: p.legal_name),
        Column("Trading name", 18, lambda p: text(p.trading_name)),
        Column("Registration number", 20, lambda p: text(p.registration_number)),
        Column("Address", 30, lambda p: p.address.one_line() if p.address else NOT_STATED),
        Column("Country", 18, lambda p: country(p.country)),
        Column("Role", 16, lambda p: ROLE_LABELS[p.role.value]),
        Column("Service", 28, lambda p: p.service),
        Column("Contacts", 28, lambda p: lines(contact(c) for c in p.contacts)),
        Column("DPO", 24, lambda p: dpo(p.dpo)),
        Column("EU representative (Art. 27)", 22, lambda p: text(p.eu_representative)),
        Column("Data locations", 22, lambda p: lines(country(c) for c in p.data_locations)),
        Column("Transfer mechanisms", 34, lambda p: lines((mechanism(m) for m in p.mechanisms), empty=NONE_RECORDED)),
        Column("DPF certification", 22, lambda p: dpf(p.dpf)),
        Column("Contract / DPA (Art. 28(3))", 30, contract(title)),
        Column("Signed", 12, contract(lambda c: c.signed.isoformat() if c.signed else None)),
        Column("Form (Art. 28(9))", 12, contract(lambda c: c.form)),
        Column("Based on", 16, contract(lambda c: c.based_on)),
        Column("Contract kept at", 24, contract(lambda c: c.location)),
        Column("Subject-matter", 24, contract(lambda c: c.subject_matter)),
        Column("Duration", 18, contract(lambda c: c.duration)),
        Column("Nature", 22, contract(lambda c: c.nature)),
        Column("Data kept by the processor at most", 18, kept),
        Column("Clause 1 option (2021/915)", 16, clause1),
        Column("Assistance to the controller (2021/915 Clauses 8, 9)", 30, assistance),
        *items,
        Column("Art. 28(3) notice of infringing instructions", 22, art28("notice")),
        Column("Sub-processor authorisation (Art. 28(2))", 30, authorisation),
        Column("Sub-processors", 12, lambda p: len(p.sub_processors)),
        Column("Security measures (Art. 32)", 44, lambda p: lines(tom(t) for t in p.toms)),
        Column("Documents", 40, documents),
        Column("Activities", 12, lambda p: len(p.activities)),
        Column("Source", 26, lambda p: text(p.source)),
    ]


def _sub_columns(register: Register) -> list[Column[tuple[Provider, SubProcessor]]]:
    return [
        Column("Provider id", 16, lambda i: i[0].id),
        Column("Provider", 24, lambda i: i[0].legal_name),
        Column("Sub-processor id", 18, lambda i: i[1].id),
        Column(
            "Sub-processor",
            28,
            lambda i: i[1].name or (f"As described: {i[1].category}" if i[1].category else NOT_STATED),
        ),
        Column("Country", 18, lambda i: country(i[1].country)),
        Column("Address", 28, lambda i: text(i[1].address)),
        Column("Contact person", 26, lambda i: contact(i[1].contact)),
        Column("Service", 28, lambda i: text(i[1].service)),
        Column("Authorisation", 14, lambda i: text(i[1].authorisation)),
        Column("Authorised on", 13, lambda i: date(i[1].authorised_on)),
        Column("Flow-down contract (Art. 28(4))", 28, lambda i: text(i[1].flow_down)),
        Column("Transfer mechanism", 34, lambda i: mechanism(i[1].mechanism)),
        Column("DPF certification", 22, lambda i: dpf(i[1].dpf)),
        Column(
            "Passes data on to",
            24,
            lambda i: lines((recipient_name(register, f"{i[0].id}/{s}") for s in i[1].sub_processors), empty="None"),
        ),
        Column("Source", 26, lambda i: text(i[1].source)),
    ]


def _transfer_columns(register: Register) -> list[Column[TransferItem]]:
    def mech(get: Callable[[Mechanism], str | None]) -> Callable[[TransferItem], str]:
        return lambda i: text(get(i.transfer.mechanism)) if i.transfer.mechanism is not None else NOT_STATED

    def tia(m: Mechanism) -> str | None:
        if m.tia is None:
            return None
        parts = [document(m.tia)]
        if m.tia.outcome:
            parts.append(f"outcome: {m.tia.outcome}")
        if m.tia.supplementary_measures:
            parts.append("measures: " + "; ".join(m.tia.supplementary_measures))
        return "\n".join(parts)

    def compelling(get: Callable[[CompellingInterests], str]) -> Callable[[TransferItem], str]:
        """A condition of Art. 49(1) second subparagraph: expected only for transfers relying on it."""

        def value(i: TransferItem) -> str:
            m = i.transfer.mechanism
            if m is None or (m.derogation is not Derogation.SECOND and m.compelling_interests is None):
                return "Not applicable"
            return get(m.compelling_interests) if m.compelling_interests is not None else NOT_STATED

        return value

    def recipient_of(i: TransferItem) -> str:
        ref = i.transfer.recipient
        if register.provider(ref.partition("/")[0]) is not None:
            return recipient_name(register, ref)
        return ref

    return [
        Column("Record", 11, lambda i: i.record),
        Column("Provider id", 16, lambda i: i.provider.id if i.provider else "Not applicable"),
        Column("Activity id", 18, lambda i: i.activity_id),
        Column("Activity or controller", 28, lambda i: i.activity_name),
        Column("Recipient", 30, recipient_of),
        Column("Destination", 22, lambda i: destination(i.transfer)),
        Column("Export regime", 10, lambda i: i.transfer.origin_regime),
        Column("Mechanism", 34, lambda i: mechanism(i.transfer.mechanism)),
        Column("SCC module", 24, lambda i: modules(i.transfer.mechanism)),
        Column("Clause 9(a) option", 14, mech(lambda m: m.clause9_option)),
        Column("Art. 49 derogation", 18, mech(lambda m: _point(m.derogation.value, "49") if m.derogation else None)),
        Column("Justification or safeguards", 30, mech(lambda m: m.justification)),
        Column("Evidence", 28, mech(lambda m: document(m.evidence) if m.evidence else None)),
        Column("Transfer impact assessment", 32, mech(tia)),
        Column("Art. 49(1) 2nd subpara.: not repetitive", 14, compelling(lambda c: yes_no(c.non_repetitive))),
        Column("Art. 49(1) 2nd subpara.: data subjects", 24, compelling(lambda c: text(c.limited_data_subjects))),
        Column("Art. 49(1) 2nd subpara.: SA informed", 14, compelling(lambda c: date(c.sa_informed_on))),
        Column(
            "Art. 49(1) 2nd subpara.: data subjects informed", 26, compelling(lambda c: text(c.data_subjects_informed))
        ),
        Column("Frequency", 12, lambda i: text(i.transfer.frequency)),
        Column("Data categories", 26, lambda i: i.categories),
        Column("Source", 26, lambda i: text(i.transfer.source)),
    ]


def _finding_columns() -> list[Column[FindingItem]]:
    return [
        Column("Severity", 10, lambda i: i.finding.severity.value),
        Column("Rule", 22, lambda i: i.finding.rule),
        Column("Rule name", 24, lambda i: i.finding.name),
        Column("Message", 60, lambda i: i.finding.message),
        Column("File", 26, lambda i: i.finding.file),
        Column("Line", 7, lambda i: i.finding.line),
        Column("Column", 7, lambda i: i.finding.column),
        Column("Key path", 26, lambda i: _path(i.finding)),
        Column("Provider", 16, lambda i: i.finding.provider or "Not applicable"),
        Column("Activity", 18, lambda i: i.finding.activity or "Not applicable"),
        Column("Article", 16, lambda i: i.finding.article or NOT_STATED),
        Column("Status", 9, lambda i: i.status),
        Column("Waiver reason", 30, lambda i: i.reason),
        Column("Waiver expires", 13, lambda i: i.expires),
    ]


def _path(finding: Finding) -> str:
    from ropa.errors import format_path

    return format_path(finding.path)


def _processor_columns(register: Register) -> list[Column[ProcessorActivity | None]]:
    def get(fn: Callable[[ProcessorActivity], str]) -> Callable[[ProcessorActivity | None], str]:
        return lambda p: fn(p) if p is not None else NOT_STATED

    return [
        Column("Activity id", 18, get(lambda p: p.id)),
        Column("Controller (Art. 30(2)(a))", 28, get(lambda p: p.controller)),
        Column("Controller contact", 28, get(lambda p: text(p.controller_contact))),
        Column("Categories of processing (Art. 30(2)(b))", 40, get(lambda p: lines(p.categories_of_processing))),
        Column(
            "Transfers (Art. 30(2)(c))",
            44,
            get(lambda p: lines((transfer(register, t) for t in p.transfers), empty=NONE_RECORDED)),
        ),
        Column("Security measures (Art. 30(2)(d))", 44, get(lambda p: lines(tom(t) for t in p.security_measures))),
        Column("Last reviewed", 13, get(lambda p: date(p.last_reviewed))),
        Column("Sources", 30, get(lambda p: lines(sources(p)))),
    ]


# ---------------------------------------------------------------------------
# The About sheet and the whole set
# ---------------------------------------------------------------------------


ABOUT = "About"
PROCESSOR_SHEET = "Art. 30(2) processor"


def _about_items(
    register: Register, report: Report, generated_by: str, document_date: dt.date, contents: Sequence[Table]
) -> Iterator[tuple[str, Value]]:
    org = register.organisation
    record = org.record
    yield "Title", record.title or "Record of processing activities"
    yield "Organisation (controller)", org.legal_name
    yield "Trading name", text(org.trading_name)
    yield "Registration number", text(org.registration_number)
    yield "Address", org.address.one_line() if org.address else NOT_STATED
    yield "Country of main establishment", country(org.country)
    yield "Acts as", " and ".join(r.capitalize() if i == 0 else r for i, r in enumerate(org.roles)) or NOT_STATED
    yield "Privacy contact", contact(org.contact)
    yield "Data protection officer", dpo(org.dpo)
    if org.eu_representative is not None:
        rep = org.eu_representative
        yield "EU representative (Art. 27)", f"{rep.name}, {country(rep.member_state)}"
    elif org.eu_establishment and not org.art3_2_applies:
        yield "EU representative (Art. 27)", "Not applicable (established in the EU/EEA)"
    elif org.art27_2_exemption:
        yield "EU representative (Art. 27)", f"None: exempt under Art. 27(2): {org.art27_2_exemption}"
    else:
        yield "EU representative (Art. 27)", NOT_STATED
    yield (
        "Joint controllers (Art. 26)",
        lines(
            (f"{j.name}; arrangement: {text(j.arrangement_ref)}" for j in org.joint_controllers), empty="None recorded"
        ),
    )
    yield "Lead supervisory authority", text(org.lead_supervisory_authority)
    yield "Public authority or body", "Yes" if org.public_authority else "No"
    yield "Employees", org.employees if org.employees is not None else NOT_STATED
    yield "Art. 30(5) derogation (under 250 employees)", _organisation_derogation(register)
    yield "Record version", record.version
    yield "Record date", record.date.isoformat()
    yield "Document date", document_date.isoformat()
    yield "Validated as of", text(report.as_of)
    yield "Rule catalogue version", text(report.catalogue_version)
    summary = report.summary()
    yield "Open findings: errors", summary.get("error", 0)
    yield "Open findings: warnings", summary.get("warning", 0)
    yield "Open findings: info", summary.get("info", 0)
    yield "Waived findings", len(report.waived)
    yield "Providers", len(register.providers)
    yield "Processing activities (Art. 30(1))", sum(len(p.activities) for p in register.providers)
    yield "Processor activities (Art. 30(2))", len(org.processor_activities)
    yield "Generated by", generated_by
    for table in contents:
        yield f"Sheet: {table.name}", table.description


def _organisation_derogation(register: Register) -> str:
    org = register.organisation
    if org.art30_5_derogation:
        regime = "2025 Omnibus IV proposal" if org.settings.art30_5_regime == "omnibus-iv" else "GDPR as in force"
        return f"Claimed ({regime}) for activities that record no claim of their own"
    own = [a.id for _p, _i, a in register.activities() if a.art30_5_derogation]
    return "Not claimed by the organisation; claimed by activities: " + ", ".join(own) if own else "Not claimed"


def is_processor(register: Register) -> bool:
    """Whether the organisation keeps an Art. 30(2) record too."""
    org = register.organisation
    return "processor" in org.roles or bool(org.processor_activities)


def build_tables(register: Register, report: Report, generated_by: str, document_date: dt.date) -> list[Table]:
    """Every sheet of the register workbook, About first.

    Args:
        register: The loaded register.
        report: Findings to list (and to count per activity).
        generated_by: Tool and version, for the About sheet, e.g. ``ropa 0.1.0``.
        document_date: The date the documents carry (see :func:`ropa.dates.document_datetime`).
    """
    tables = [
        _table(
            "Activities",
            "One row per processing activity: the Art. 30(1) record",
            _activity_columns(register),
            partial(_activity_items, register, report),
        ),
        _table(
            "Data categories",
            "One row per activity and category of personal data, with its retention",
            _category_columns(),
            partial(_category_items, register),
        ),
        _table(
            "Recipients",
            "One row per activity and recipient (Art. 30(1)(d))",
            _recipient_columns(register),
            partial(_recipient_items, register),
        ),
        _table(
            "Providers",
            "One row per provider, with the contract and its Art. 28(3)(a)-(h) coverage",
            _provider_columns(),
            lambda: register.providers,
        ),
        _table(
            "Sub-processors",
            "One row per sub-processor of a provider (Art. 28(2), (4))",
            _sub_columns(register),
            partial(_sub_items, register),
        ),
        _table(
            "Transfers",
            "One row per transfer to a third country or international organisation (Art. 30(1)(e), 30(2)(c))",
            _transfer_columns(register),
            partial(_transfer_items, register),
        ),
        _table(
            "Retention",
            "One row per activity and data category: the retention schedule (Art. 30(1)(f))",
            _retention_columns(),
            partial(_category_items, register),
        ),
    ]
    if is_processor(register):
        processing = register.organisation.processor_activities

        def processor_items() -> Iterable[ProcessorActivity | None]:
            return processing if processing else [None]

        tables.append(
            _table(
                PROCESSOR_SHEET,
                "One row per category of processing done on behalf of a controller (Art. 30(2))",
                _processor_columns(register),
                processor_items,
            )
        )
    tables.append(
        _table(
            "Findings",
            "One row per validation finding, open or waived",
            _finding_columns(),
            partial(_finding_items, report),
        )
    )
    about = _table(
        ABOUT,
        "The organisation, the record's version and the validation summary",
        [Column[tuple[str, Value]]("Item", 34, lambda i: i[0]), Column("Value", 80, lambda i: i[1])],
        partial(_about_items, register, report, generated_by, document_date, tables),
    )
    return [about, *tables]

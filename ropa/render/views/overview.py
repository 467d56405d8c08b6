"""The one-page overview after the cover: where each activity stands on basis, retention, transfers, contract.

A reader (a privacy officer, an auditor) first wants to know which activities are complete and
which have open errors. Each activity gets one status per topic, taken from the record and the
findings about it; the counts per topic cover every activity, the table of activities shows at most
:data:`MAX_ROWS` (those with the most open errors first when there are more), so it stays one page.
"""

from __future__ import annotations

from dataclasses import dataclass

from ropa.i18n import gettext as _
from ropa.model.common import Severity
from ropa.model.facts import outside_eea, parties
from ropa.model.register import Entry, Register
from ropa.render.text import NOT_APPLICABLE, NOT_STATED
from ropa.render.views.marks import FindingIndex, Scope

MAX_ROWS = 22
"""Activities the overview table lists (one A4 page with the counts above it)."""
TOPICS = ("Lawful basis", "Retention", "Transfers", "Contract (Art. 28)")
"""The four topics, as English msgids (printed in the document language)."""

OK, GAP, ERROR, NA = "ok", "gap", "error", "na"
"""Statuses of a cell: recorded, not recorded, recorded but with an error finding, not applicable."""


@dataclass(frozen=True)
class Cell:
    """One topic of one activity: the words printed and the status that colours them."""

    text: str
    status: str


@dataclass(frozen=True)
class OverviewRow:
    """One activity of the overview."""

    anchor: str
    number: int
    name: str
    cells: list[Cell]
    errors: int
    warnings: int


@dataclass(frozen=True)
class TopicCount:
    """How many activities are in each status for one topic."""

    topic: str
    recorded: int
    gaps: int
    errors: int
    not_applicable: int


@dataclass(frozen=True)
class Overview:
    """The overview page: counts per topic, then the activities (at most :data:`MAX_ROWS`)."""

    counts: list[TopicCount]
    rows: list[OverviewRow]
    activities: int
    with_errors: int
    left_out: int
    other_errors: int
    """Error-level findings about no activity (the organisation, providers, sub-processors)."""
    intro: str = ""
    """The sentence under the heading: what the page shows and how many activities have errors."""
    left_out_note: str = ""
    """The sentence under a table that does not list every activity ("" when it does)."""


def _errors(scope: Scope, *prefix: str) -> int:
    return sum(1 for mark in scope.at(*prefix) if mark.severity == Severity.ERROR.value)


def _cell(ok: bool, errors: int, recorded: str, gap: str = NOT_STATED) -> Cell:
    """A cell whose words (English msgids, or already in the document language) are printed translated."""
    text = _(recorded if ok else gap)
    if errors:
        counted = _("{text}; {count} error" if errors == 1 else "{text}; {count} errors")
        return Cell(counted.format(text=text, count=errors), ERROR)
    return Cell(text, OK if ok else GAP)


def _transfers(register: Register, entry: Entry, scope: Scope) -> Cell:
    """Declared, none (every place known and in the EEA), or cannot be excluded (a place not recorded)."""
    activity = entry.activity
    errors = _errors(scope, "transfers")
    codes: list[str | None] = []
    for party in parties(register, entry):
        if party.sub is not None:
            codes.append(party.sub.country)
        else:
            codes.extend([str(c) for c in (party.provider.country, *party.provider.data_locations) if c] or [None])
    if activity.transfers:
        unknown = any(t.country is None and t.international_organisation is None for t in activity.transfers)
        return _cell(not unknown, errors, "Declared", "Destination not recorded")
    if any(code is None for code in codes):
        return _cell(False, errors, "", "Cannot be excluded")
    if any(outside_eea(code) for code in codes):
        return _cell(False, errors, "", "Outside the EEA, not declared")
    return _cell(True, errors, "None: EEA only")


def _contract(register: Register, entry: Entry, provider_errors: int) -> Cell:
    """Whether every processor of the activity has a recorded Art. 28 contract; in-house: not applicable."""
    processors = [p.provider for p in parties(register, entry) if p.processes and p.sub is None]
    if not processors:
        return Cell(_(NOT_APPLICABLE), NA)
    missing = sum(1 for p in processors if p.contract is None)
    gap = _("{text} ({count} of {total})").format(text=_(NOT_STATED), count=missing, total=len(processors))
    return _cell(not missing, provider_errors, "Recorded", gap)


def activity_row(register: Register, entry: Entry, number: int, scope: Scope, provider_errors: int) -> OverviewRow:
    """The statuses of one activity; ``provider_errors`` are the contract errors of its processors."""
    activity = entry.activity
    basis_ok = bool(activity.purposes) and all(p.lawful_basis is not None for p in activity.purposes)
    retention_ok = bool(activity.data_categories) and all(
        c.retention is not None or activity.retention is not None for c in activity.data_categories
    )
    contract = _contract(register, entry, provider_errors)
    refs = scope.refs()
    return OverviewRow(
        anchor=f"activity-{number}",
        number=number,
        name=activity.name,
        cells=[
            _cell(basis_ok, _errors(scope, "purposes"), "Recorded"),
            _cell(retention_ok, _errors(scope, "data_categories") + _errors(scope, "retention"), "Recorded"),
            _transfers(register, entry, scope),
            contract,
        ],
        errors=sum(1 for r in refs if r.severity == Severity.ERROR.value),
        warnings=sum(1 for r in refs if r.severity == Severity.WARNING.value),
    )


def build_overview(register: Register, index: FindingIndex, scopes: list[Scope]) -> Overview:
    """The overview of every activity; ``scopes`` are the activities' findings, in register order."""
    contract_errors: dict[str, int] = {}
    for provider in register.providers:
        scope = index.scope(register.provider_files.get(provider.id))
        contract_errors[provider.id] = sum(
            1 for m in scope.at("contract") + scope.at("role") if m.severity == Severity.ERROR.value
        )
    rows = []
    for number, (entry, scope) in enumerate(zip(register.activities(), scopes, strict=True), start=1):
        processors = [p.provider.id for p in parties(register, entry) if p.processes and p.sub is None]
        rows.append(activity_row(register, entry, number, scope, sum(contract_errors[p] for p in processors)))
    counts = []
    for column, topic in enumerate(TOPICS):
        statuses = [row.cells[column].status for row in rows]
        counts.append(
            TopicCount(_(topic), statuses.count(OK), statuses.count(GAP), statuses.count(ERROR), statuses.count(NA))
        )
    in_activities = {n for scope in scopes for n in scope.numbers()}
    other = sum(1 for n, f in index.numbered if f.severity is Severity.ERROR and n not in in_activities)
    shown = rows
    if len(rows) > MAX_ROWS:
        shown = sorted(
            sorted(rows, key=lambda r: (-r.errors, -r.warnings, r.number))[:MAX_ROWS], key=lambda r: r.number
        )
    with_errors = sum(1 for r in rows if r.errors)
    return Overview(
        counts=counts,
        rows=shown,
        activities=len(rows),
        with_errors=with_errors,
        left_out=len(rows) - len(shown),
        other_errors=other,
        intro=intro(len(rows), with_errors, other),
        left_out_note=left_out_note(len(shown), len(rows) - len(shown)),
    )


def intro(activities: int, with_errors: int, other_errors: int) -> str:
    """The overview's opening sentences, with the counts of activities and errors."""
    counts = _(
        "{count} activity, {errors} of them with open errors"
        if activities == 1
        else "{count} activities, {errors} of them with open errors"
    ).format(count=activities, errors=with_errors)
    if other_errors:
        counts = _(
            "{text}; {count} further error concern the organisation, providers or sub-processors (Appendix A)"
            if other_errors == 1
            else "{text}; {count} further errors concern the organisation, providers or sub-processors (Appendix A)"
        ).format(text=counts, count=other_errors)
    lead = _(
        "Where each processing activity stands on the four points an audit asks first, from the record and "
        "its validation findings."
    )
    return f"{lead} {counts}."


def left_out_note(shown: int, left_out: int) -> str:
    """What the table of activities leaves out when there are more than :data:`MAX_ROWS` ("" for nothing)."""
    if not left_out:
        return ""
    return _(
        "The table shows the {shown} activities with the most open findings; {count} more are counted above "
        "and listed in the contents."
    ).format(shown=shown, count=left_out)

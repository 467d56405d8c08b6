"""Select rules, run them, apply severity overrides and waivers -> :class:`Report`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ropa.check.findings import Finding, Report, Waived
from ropa.check.rules import CATALOGUE_VERSION, catalogue
from ropa.check.rules.base import Context, Hit, Rule
from ropa.check.rules.lexicons import forget_texts
from ropa.errors import KeyPath
from ropa.model.common import Severity
from ropa.model.organisation import Waiver
from ropa.model.register import Register
from ropa.read.positions import Positions
from ropa.util.gcpolicy import collector_paused

WAIVER_EXPIRED = "WAIVER-expired"
WAIVER_UNUSED = "WAIVER-unused"


def _locate(register: Register, file: str, path: KeyPath) -> tuple[int, int]:
    """Line and column of ``path`` in ``file``, as :meth:`Register.locate` finds them.

    A loaded register's tables find the longest existing prefix in one walk down
    instead of one lookup per prefix, which counts with tens of thousands of findings.
    """
    table = register.positions.get(file)
    if isinstance(table, Positions):
        return table.locate(path)
    return register.locate(file, path)


def _finding(register: Register, rule: Rule, hit: Hit, severity: Severity) -> Finding:
    line, column = _locate(register, hit.file, hit.path)
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity,
        message=hit.message,
        file=hit.file,
        line=line,
        column=column,
        path=hit.path,
        provider=hit.provider,
        activity=hit.activity,
        article=rule.article,
    )


def _meta(rule_id: str, message: str, register: Register, index: int) -> Finding | None:
    """A finding about waiver ``index``, under the catalogue entry ``rule_id`` and its override (None when off)."""
    rule = catalogue()[rule_id]
    override = register.organisation.settings.severity_overrides.get(rule_id)
    if override == "off":
        return None
    path = ("settings", "waivers", index)
    line, column = _locate(register, register.organisation_file, path)
    severity = Severity(override) if override else rule.severity
    return Finding(
        rule_id,
        rule.name,
        severity,
        message,
        register.organisation_file,
        line,
        column,
        path,
        article=rule.article,
    )


def check(register: Register, as_of: dt.date, select: set[str] | None = None) -> Report:
    """Run the catalogue (or the ``select``-ed rules) and return the report.

    Args:
        register: The loaded register.
        as_of: The date the register is judged on (review ages, waiver expiry).
        select: Rule ids to run; all when None.
    """
    try:
        return _check(register, as_of, select)
    finally:
        forget_texts()  # the words of every text of the register, cached for the rules


def _check(register: Register, as_of: dt.date, select: set[str] | None) -> Report:
    settings = register.organisation.settings
    overrides = settings.severity_overrides
    ctx = Context(register, as_of)
    raw: list[Finding] = []
    ran: list[str] = []
    for rule in catalogue().values():
        if select is not None and rule.id not in select:
            continue
        override = overrides.get(rule.id)
        if override == "off":
            continue
        ran.append(rule.id)
        for hit in rule.check(ctx):
            severity = Severity(override) if override else (hit.severity or rule.severity)
            raw.append(_finding(register, rule, hit, severity))
    report = Report(as_of=as_of.isoformat(), catalogue_version=CATALOGUE_VERSION, rules_run=ran)
    used = [False] * len(settings.waivers)
    live: dict[str, list[tuple[int, Waiver]]] = {}
    for i, w in enumerate(settings.waivers):
        if w.expires >= as_of:
            live.setdefault(w.rule, []).append((i, w))
    for finding in raw:
        candidates = live.get(finding.rule)
        waiver_index = None
        if candidates:
            waiver_index = next(
                (
                    i
                    for i, w in candidates
                    if (w.provider is None or w.provider == finding.provider)
                    and (w.activity is None or w.activity == finding.activity)
                ),
                None,
            )
        if waiver_index is None:
            report.findings.append(finding)
        else:
            used[waiver_index] = True
            waiver = settings.waivers[waiver_index]
            report.waived.append(Waived(finding, waiver.reason, waiver.expires.isoformat()))
    for i, waiver in enumerate(settings.waivers):
        meta: Finding | None = None
        if waiver.expires < as_of:
            if select is None or waiver.rule in select or WAIVER_EXPIRED in select:
                meta = _meta(
                    WAIVER_EXPIRED,
                    f"waiver for {waiver.rule} expired on {waiver.expires.isoformat()}; "
                    "renew it with a new date or fix the finding",
                    register,
                    i,
                )
        elif not used[i] and (select is None or waiver.rule in select):
            meta = _meta(WAIVER_UNUSED, f"waiver for {waiver.rule} matches no finding; remove it", register, i)
        if meta is not None:
            report.findings.append(meta)
    report.findings.sort(key=Finding.sort_key)
    report.waived.sort(key=lambda w: w.finding.sort_key())
    return report


def load_and_check(
    root: Path,
    as_of: dt.date,
    select: set[str] | None = None,
    display_root: str | None = None,
) -> tuple[Register, Report]:
    """Load the register at ``root`` and run the rule catalogue on it.

    Raises:
        InputError: when the register cannot be read or does not match the model.
    """
    from ropa.load.loader import load_register

    with collector_paused():
        register = load_register(root, display_root)
        return register, check(register, as_of, select)


def load_and_check_for_documents(root: Path, display_root: str | None = None) -> tuple[Register, Report]:
    """Load and check as of the record's own date, so documents do not depend on the clock."""
    from ropa.load.loader import load_register

    with collector_paused():
        register = load_register(root, display_root)
        return register, check(register, register.organisation.record.date)

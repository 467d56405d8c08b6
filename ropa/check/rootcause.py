"""The root cause of a finding: the one place its fix goes to, so that a gap with one fix is reported once.

A root cause is a tuple ``(rule, file, object)``. What the object is depends on the rule:

- ``place`` (the default): the finding's own key path; each data category's retention, each purpose's
  lawful basis is a fix of its own.
- ``party``: the provider (or the organisation's processor record) the finding is about. One contract
  clause or one authorisation covers every sub-processor of a processor (Art. 28(2), (3)(d), (4)), and one
  Art. 28 contract lists every missing point, so these rules report once per provider.
- ``reliance``: the importer a mechanism is relied on for (a provider, ``provider/sub``, or a transfer's
  recipient), with the destination and the mechanism's type, modules and Art. 49 point. A transfer that
  restates its importer's own mechanism is the same reliance as the importer's record, so invalid,
  unnamed or undocumented mechanisms are reported there once. The file is left empty: the transfer (in
  an activity's file) and the importer's record (in the provider's file) are one reliance.

``tests/findings_truth/`` fails when two findings of a check share a root cause, and scripts/findings.py
counts the distinct ones.
"""

from __future__ import annotations

from ropa.check.findings import Finding
from ropa.errors import KeyPath
from ropa.model.register import Register
from ropa.model.transfer import Mechanism, Transfer

RootCause = tuple[str, str, str]

PARTY_RULES = frozenset(
    {
        "A28-3-contract",
        "A28-3-contract-content",
        "A28-2-authorisation-type",
        "A28-2-general-notice",
        "A28-4-flow-down",
        "A28-identity",
    }
)
"""Rules whose fix is one change to the provider's record (its contract, its authorisation, its identity)."""

RELIANCE_RULES = frozenset(
    {
        "A44-invalid-mechanism",
        "SCC914-version-module",
        "SCC914-c9-subprocessors",
        "SCC914-c13-annex-ic",
        "SCC914-c17-c18-law-forum",
        "SCC914-annex-i",
        "SCC914-annex-ii",
        "A46-tia",
        "A46-mechanism-evidence",
        "A49-1-derogation-use",
    }
)
"""Rules about the mechanism relied on for one importer: one fix (one contract, one TIA) per importer."""


def _importer(register: Register, finding: Finding) -> str:
    """The reliance a mechanism finding is about: importer, destination and the mechanism's identity,
    read from where the finding points."""
    path: KeyPath = finding.path
    provider = register.provider(finding.provider) if finding.provider else None
    m_index = path[1] if len(path) > 1 else None
    mechanisms = provider.mechanisms if provider is not None and path[:1] == ("mechanisms",) else []
    if provider is not None and isinstance(m_index, int) and m_index < len(mechanisms):
        return _reliance(provider.id, provider.country, mechanisms[m_index])
    if path[:1] == ("sub_processors",) and len(path) > 1 and provider is not None:
        s_index = path[1]
        if isinstance(s_index, int) and s_index < len(provider.sub_processors):
            sub = provider.sub_processors[s_index]
            return _reliance(f"{provider.id}/{sub.id}", sub.country, sub.mechanism)
    if "transfers" in path:
        at = path.index("transfers")
        index = path[at + 1] if at + 1 < len(path) else None
        if isinstance(index, int):
            for transfers in _transfer_lists(register, finding.file, path[:at]):
                if index < len(transfers):
                    transfer = transfers[index]
                    return _reliance(transfer.recipient, transfer.country, transfer.mechanism)
    return finding.file + ":" + "/".join(str(p) for p in path)


def _reliance(importer: str, country: str | None, mech: Mechanism | None) -> str:
    if mech is None:
        return f"{importer}|{country}|none"
    return f"{importer}|{country}|{mech.type.value}|{sorted(mech.modules)}|{mech.derogation}"


def _transfer_lists(register: Register, file: str, owner: KeyPath) -> list[list[Transfer]]:
    """The transfers held at ``owner`` in ``file`` (an activity or a processor record)."""
    if file == register.organisation_file and owner[:1] == ("processor_activities",) and len(owner) == 2:
        index = owner[1]
        records = register.organisation.processor_activities
        if isinstance(index, int) and index < len(records):
            return [list(records[index].transfers)]
        return []
    return [
        list(entry.activity.transfers) for entry in register.activities() if entry.file == file and entry.path == owner
    ]


def root_cause(register: Register, finding: Finding) -> RootCause:
    """``(rule, file, object)``: the object the fix of ``finding`` goes to (see the module docstring)."""
    if finding.rule in PARTY_RULES:
        owner = finding.provider or "/".join(str(p) for p in finding.path[:2])
        return (finding.rule, finding.file, owner)
    if finding.rule in RELIANCE_RULES:
        return (finding.rule, "", _importer(register, finding))
    return (finding.rule, finding.file, "/".join(str(p) for p in finding.path))

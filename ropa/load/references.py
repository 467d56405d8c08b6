"""Cross-reference checks of a register: ids unique, references resolve, no cycles.

These are input errors (the register does not hang together), not rule
findings: documents cannot be built from a register whose references dangle.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ropa.errors import KeyPath
from ropa.model.activity import Activity
from ropa.model.provider import Provider
from ropa.model.register import Register


@dataclass(frozen=True)
class Problem:
    """A broken reference, located by file (relative to the register) and key path."""

    file: str
    path: KeyPath
    message: str


_REFERENCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}(/[a-z0-9][a-z0-9_-]{0,62})?$")
"""What a provider or 'provider/sub-processor' reference looks like; anything else is a plain name."""


def _provider_refs(
    register: Register,
    file: str,
    base: KeyPath,
    ref: str,
    what: str,
    names_allowed: bool = False,
    unloaded: frozenset[str] = frozenset(),
) -> list[Problem]:
    if names_allowed and not _REFERENCE.match(ref):
        return []  # a recipient named in words ("Acme Inc."), not a reference to resolve
    if ref.partition("/")[0] in unloaded:
        return []  # its file did not load: the problems there are reported, this reference cannot be judged
    if "/" in ref:
        if register.sub_processor(ref) is None:
            provider_id, _, sub_id = ref.partition("/")
            if register.provider(provider_id) is None:
                hint = f"no provider {provider_id!r}"
            else:
                hint = f"provider {provider_id!r} has no sub-processor {sub_id!r}"
            return [Problem(file, base, f"{what} {ref!r} is not defined ({hint})")]
        return []
    if register.provider(ref) is None:
        ids = [p.id for p in register.providers]
        close = difflib.get_close_matches(ref, ids, n=1, cutoff=0.6)
        more = ", ..." if len(ids) > 8 else ""
        hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(ids[:8]) + more
        return [Problem(file, base, f"{what} {ref!r} is not a provider of the register ({hint})")]
    return []


def check_references(register: Register, unloaded: frozenset[str] = frozenset()) -> list[Problem]:
    """Every broken reference, duplicate id and sub-processor cycle in the register.

    Args:
        register: The register (when files failed to load: what did load).
        unloaded: Ids of providers whose files did not load; references to them are not judged.
    """
    problems: list[Problem] = []
    seen_activities: dict[str, str] = {}
    for pa in register.organisation.processor_activities:
        seen_activities.setdefault(pa.id, register.organisation_file)
    for provider in register.providers:
        file = register.provider_files[provider.id]
        sub_ids: dict[str, int] = {}
        for s_index, sub in enumerate(provider.sub_processors):
            if sub.id in sub_ids:
                problems.append(
                    Problem(file, ("sub_processors", s_index, "id"), f"sub-processor id {sub.id!r} is used twice")
                )
            sub_ids[sub.id] = s_index
        for s_index, sub in enumerate(provider.sub_processors):
            for c_index, child in enumerate(sub.sub_processors):
                if child not in sub_ids:
                    problems.append(
                        Problem(
                            file,
                            ("sub_processors", s_index, "sub_processors", c_index),
                            f"sub-processor {child!r} is not defined under this provider's sub_processors",
                        )
                    )
        problems.extend(_cycles(provider, file))
        if provider.activities and provider.role is None:
            stated = ("role",) in register.positions.get(file, {})  # 'role:' with no value
            problems.append(
                Problem(
                    file,
                    ("role",) if stated else ("activities",),
                    (
                        f"provider {provider.id!r} lists activities but its 'role' is nothing (null); give its role "
                        "in them, or move them to activities/ with a role for each provider"
                        if stated
                        else f"provider {provider.id!r} lists activities but states no 'role'; add its role in them, "
                        "or move them to activities/ with a role for each provider"
                    ),
                )
            )
    for entry in register.activities():
        file, activity = entry.file, entry.activity
        base: KeyPath = entry.path
        other = seen_activities.get(activity.id)
        if other is not None:
            problems.append(Problem(file, (*base, "id"), f"activity id {activity.id!r} is already used in {other}"))
        seen_activities.setdefault(activity.id, file)
        cat_ids: set[str] = set()
        for c_index, cat in enumerate(activity.data_categories):
            if cat.id in cat_ids:
                problems.append(
                    Problem(
                        file,
                        (*base, "data_categories", c_index, "id"),
                        f"data category id {cat.id!r} is used twice in this activity",
                    )
                )
            cat_ids.add(cat.id)
        problems.extend(_involvements(register, entry.file, base, activity, cat_ids, unloaded))
        for r_index, recipient in enumerate(activity.recipients or []):
            if recipient.provider:
                problems.extend(
                    _provider_refs(
                        register,
                        file,
                        (*base, "recipients", r_index, "provider"),
                        recipient.provider,
                        "recipient",
                        unloaded=unloaded,
                    )
                )
        for t_index, transfer in enumerate(activity.transfers):
            tpath = (*base, "transfers", t_index)
            problems.extend(
                _provider_refs(
                    register, file, (*tpath, "recipient"), transfer.recipient, "transfer recipient", True, unloaded
                )
            )
            for d_index, cat_id in enumerate(transfer.data_categories):
                if cat_id not in cat_ids:
                    problems.append(
                        Problem(
                            file,
                            (*tpath, "data_categories", d_index),
                            f"data category {cat_id!r} is not defined in this activity",
                        )
                    )
    for p_index, record in enumerate(register.organisation.processor_activities):
        for s_index, ref in enumerate(record.sub_processors):
            where: KeyPath = ("processor_activities", p_index, "sub_processors", s_index)
            problems.extend(
                _provider_refs(register, register.organisation_file, where, ref, "sub-processor", unloaded=unloaded)
            )
    return problems


def _involvements(
    register: Register, file: str, base: KeyPath, activity: Activity, cat_ids: set[str], unloaded: frozenset[str]
) -> list[Problem]:
    """The activity's ``providers`` entries: each names a provider (or sub-processor) once, its ``via`` a
    provider, its ``data_shared`` the activity's own categories."""
    problems: list[Problem] = []
    named: set[str] = set()
    for i_index, involvement in enumerate(activity.providers):
        where: KeyPath = (*base, "providers", i_index)
        problems.extend(
            _provider_refs(register, file, (*where, "provider"), involvement.provider, "provider", unloaded=unloaded)
        )
        if involvement.provider in named:
            problems.append(
                Problem(file, (*where, "provider"), f"{involvement.provider!r} is listed twice in this activity")
            )
        named.add(involvement.provider)
        if involvement.via:
            problems.extend(
                _provider_refs(register, file, (*where, "via"), involvement.via, "processor", unloaded=unloaded)
            )
        for d_index, cat_id in enumerate(involvement.data_shared):
            if cat_id not in cat_ids:
                problems.append(
                    Problem(
                        file,
                        (*where, "data_shared", d_index),
                        f"data category {cat_id!r} is not defined in this activity",
                    )
                )
    return problems


def _cycles(provider: Provider, file: str) -> list[Problem]:
    graph = {sub.id: list(sub.sub_processors) for sub in provider.sub_processors}
    index = {sub.id: i for i, sub in enumerate(provider.sub_processors)}
    problems: list[Problem] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for child in graph.get(node, []):
            if state.get(child) == 1:
                cycle = " -> ".join([*trail[trail.index(child) :], child]) if child in trail else child
                problems.append(
                    Problem(
                        file,
                        ("sub_processors", index[node], "sub_processors"),
                        f"sub-processor chain loops back: {cycle}; a chain must end",
                    )
                )
            elif state.get(child) is None and child in graph:
                visit(child, [*trail, child])
        state[node] = 2

    for sub_id in graph:
        if sub_id not in state:
            visit(sub_id, [sub_id])
    return problems

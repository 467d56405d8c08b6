"""The facts a round trip must keep, per kind, in a form that compares across layouts (test helper)."""

from __future__ import annotations

from pathlib import Path

from ropa.load.loader import load_register
from ropa.model.register import Register


def _retention(r: object) -> tuple[object, ...] | None:
    if r is None:
        return None
    return tuple(
        getattr(r, k)
        for k in ("kind", "duration", "trigger_event", "criteria", "statement", "end_action", "statutory_period")
    )


def facts(register: Register) -> dict[str, set[tuple[object, ...]]]:
    """activities, purposes, bases, categories, recipients, transfers, retention and providers as sets of tuples."""
    out: dict[str, set[tuple[object, ...]]] = {
        k: set()
        for k in (
            "activities", "purposes", "bases", "categories", "recipients", "transfers", "retention", "providers", "own",
        )
    }  # fmt: skip
    for entry in register.activities():
        a = entry.activity
        out["activities"].add((a.id, a.name, a.description, a.owner, a.last_reviewed))
        for n, p in enumerate(a.purposes):
            out["purposes"].add((a.id, n, p.description))
            out["bases"].add((a.id, n, p.lawful_basis, p.stated_basis, p.legitimate_interest))
        for c in a.data_categories:
            out["categories"].add((a.id, c.id, c.name, c.special, c.art9_condition, c.criminal))
            out["retention"].add((a.id, c.id, _retention(c.retention or a.retention)))
        for r in a.recipients or []:
            out["recipients"].add((a.id, r.provider or r.category, r.role, r.country, tuple(r.data_shared)))
        for t in a.transfers:
            m = t.mechanism
            out["transfers"].add(
                (
                    a.id,
                    t.country,
                    t.international_organisation,
                    t.recipient,
                    m.type if m else None,
                    tuple(m.modules) if m else (),
                    m.derogation if m else None,
                    t.frequency,
                    tuple(t.data_categories),
                )
            )
    for p in register.providers:
        out["providers"].add((p.id, p.legal_name, p.country, p.service, tuple(s.id for s in p.sub_processors)))
        for own in p.own_processing:
            kept = own.retention
            period = (kept.duration, kept.trigger_event) if kept else None
            basis, uses = own.lawful_basis or own.stated_basis, own.uses_organisation_data  # the sheet shows one
            out["own"].add((p.id, own.purpose, basis, tuple(own.data), uses, tuple(own.shared_with), period))
    return out


def load_facts(root: Path) -> dict[str, set[tuple[object, ...]]]:
    """:func:`facts` of the register in ``root``."""
    return facts(load_register(root))

"""A register in the layout before activities/ (activities only in provider files, one role per provider)
loads unchanged and means what it meant: each activity takes part of its provider, in the file's role."""

from __future__ import annotations

from pathlib import Path

from ropa.archive.normalise import register_data, register_from_data
from ropa.check.engine import check
from ropa.load.loader import load_register
from ropa.model.activity import InvolvementRole
from ropa.model.facts import parties, processed_by, role_of

LEGACY = Path(__file__).resolve().parent / "data" / "legacy-register"


def test_the_old_layout_loads_with_each_activity_at_its_provider_in_the_files_role() -> None:
    register = load_register(LEGACY)
    assert register.activity_sets == []
    entries = register.activities()
    assert len(entries) == sum(len(p.activities) for p in register.providers) > 0
    for entry in entries:
        assert entry.host is not None and entry.file == f"providers/{entry.host.id}.yaml"
        assert entry.host.role is not None
        (party, *_) = parties(register, entry)
        assert party.provider is entry.host and party.involvement is None
        assert party.role is InvolvementRole(entry.host.role.value)
    for provider in register.providers:
        assert provider.role is not None
        expected = "processor" if provider.role.value in ("processor", "sub_processor") else "controller"
        assert role_of(register, provider) == expected
        if expected == "processor":
            assert [e.activity for e in processed_by(register, provider)] == provider.activities


def test_the_old_layout_keeps_its_normalised_form_and_is_checked() -> None:
    register = load_register(LEGACY)
    data = register_data(register)
    assert "activity_files" not in data  # the canonical JSON of such a register keeps its old keys and bytes
    again = register_from_data(data)
    assert [e.activity.id for e in again.activities()] == [e.activity.id for e in register.activities()]
    report = check(register, register.organisation.record.date)
    assert report.findings and not [f for f in report.findings if f.rule.startswith("INPUT-")]
    assert {f.file for f in report.findings} <= {"organisation.yaml", *register.provider_files.values()}

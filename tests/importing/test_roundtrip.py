"""build -> import -> load gives back the same activities, purposes, bases, categories, recipients, transfers,
retention, providers and the providers' own processing: on the example register and on a synthetic one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.importing.conftest import run
from tests.importing.facts import load_facts

ROOT = Path(__file__).resolve().parents[2]


def _round_trip(register: Path, tmp_path: Path) -> tuple[dict[str, set[tuple[object, ...]]], Path]:
    built = tmp_path / "built"
    result = run("build", str(register), "--only", "xlsx", "--out", str(built), "--jobs", "1", "--quiet")
    assert result.exit_code in (0, 1), result.output
    out = tmp_path / "imported"
    result = run("import", str(built / "register.xlsx"), "--from", "ropa", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "activities").is_dir() and (out / "providers").is_dir()
    checked = run("validate", str(out), "--fail-on", "never")
    assert checked.exit_code == 0, checked.output
    return load_facts(out), out


def _same(before: dict[str, set[tuple[object, ...]]], after: dict[str, set[tuple[object, ...]]]) -> None:
    for kind in before:
        assert after[kind] == before[kind], (kind, sorted(map(str, before[kind] ^ after[kind]))[:4])


def test_example_round_trip(tmp_path: Path) -> None:
    example = ROOT / "examples" / "sms-providers"
    before = load_facts(example)
    after, out = _round_trip(example, tmp_path)
    _same(before, after)
    assert len(after["activities"]) >= 6 and len(after["providers"]) == 5
    assert len(after["own"]) >= 3, "the providers' own processing comes back from its sheet"
    text = next((out / "activities").glob("*.yaml")).read_text(encoding="utf-8")
    assert "register.xlsx, Activities, row " in text and "register.xlsx, Recipients, row " in text


@pytest.mark.parametrize("activities", [40])
def test_synthetic_round_trip(tmp_path: Path, activities: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synth import default_shape, write_register  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    register = tmp_path / "synth"
    providers, per = default_shape(activities)
    write_register(register, providers, per)
    before = load_facts(register)
    after, _ = _round_trip(register, tmp_path)
    _same(before, after)
    assert len(after["activities"]) == activities
    assert all(after[kind] for kind in ("purposes", "categories", "recipients", "transfers", "retention"))

"""Reading a large register in worker processes (ropa/load/loader.py) gives exactly what reading in-process gives.

The threshold is lowered to zero so that small registers take the parallel path;
the register, its positions and every diagnostic must come out the same, in the
same order, as in-process reading.
"""

from __future__ import annotations

import copy
import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest
from test_build_cache import ORGANISATION, PROVIDERS

import ropa.load.loader
from ropa.errors import InputError
from ropa.load.loader import load_register

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="parallel reading needs the fork start method"
)


def _load_both(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    outcomes = []
    for threshold in (10**15, 0):
        monkeypatch.setattr(ropa.load.loader, "PARALLEL_READ_BYTES", threshold)
        try:
            outcomes.append(load_register(root, display_root=""))
        except InputError as exc:
            outcomes.append(exc.diagnostics)
    return outcomes[0], outcomes[1]


def test_parallel_reading_loads_the_same_register(
    make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_register(copy.deepcopy(PROVIDERS), ORGANISATION)
    monkeypatch.setattr(ropa.load.loader, "PARALLEL_READ_BYTES", 0)
    assert ropa.load.loader._reader_count([(p, p.name) for p in root.rglob("*.yaml")]) > 1 or (
        multiprocessing.cpu_count() == 1
    )
    serial, parallel = _load_both(root, monkeypatch)
    assert serial.providers == parallel.providers  # type: ignore[attr-defined]
    assert serial.organisation == parallel.organisation  # type: ignore[attr-defined]
    assert serial.positions == parallel.positions  # type: ignore[attr-defined]
    assert serial.positions["providers/acme.yaml"][("activities", 0, "transfers", 0)] == (24, 5)  # type: ignore[attr-defined]


def test_parallel_reading_reports_the_same_problems(
    make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = copy.deepcopy(PROVIDERS)
    broken["beta"]["country"] = "UK"
    broken["zeta"]["activities"][0]["unknown_key"] = 1
    root = make_register(broken, ORGANISATION)
    (root / "providers" / "gamma.yaml").write_text("id: gamma\nlegal_name: [unclosed\n", encoding="utf-8")
    serial, parallel = _load_both(root, monkeypatch)
    assert isinstance(serial, list) and len(serial) == 3
    assert serial == parallel
    assert [d.file for d in serial] == ["providers/beta.yaml", "providers/gamma.yaml", "providers/zeta.yaml"]


def test_too_many_activities_is_refused_with_the_full_count(
    make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_register(copy.deepcopy(PROVIDERS), ORGANISATION)
    monkeypatch.setattr(ropa.load.loader, "MAX_ACTIVITIES", 1)
    serial, parallel = _load_both(root, monkeypatch)
    assert serial == parallel
    assert isinstance(serial, list) and len(serial) == 1
    assert "3 activities, over the limit of 1" in serial[0].message

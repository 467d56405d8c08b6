"""The input limits: documented with their values, enforced with clear messages, far above real registers.

Limits that need megabytes of input to reach are exercised at their real value
elsewhere in this suite (file size, value length, nesting, alias bombs); here the
register-wide ones are lowered for the test, so the check stays fast, and the
documentation is held to the values in the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hostile.support import PROVIDER, Workspace, invoke
from ropa.load import loader
from ropa.read import source
from ropa.util import fsutil

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {
    "MAX_FILE_BYTES": source.MAX_FILE_BYTES,
    "MAX_SCALAR_CHARS": source.MAX_SCALAR_CHARS,
    "MAX_KEY_CHARS": source.MAX_KEY_CHARS,
    "MAX_DEPTH": source.MAX_DEPTH,
    "MAX_NODES": source.MAX_NODES,
    "MAX_ALIAS_NODES": source.MAX_ALIAS_NODES,
    "MAX_TEXT_CHARS": source.MAX_TEXT_CHARS,
    "MAX_PROVIDERS": loader.MAX_PROVIDERS,
    "MAX_ACTIVITIES": loader.MAX_ACTIVITIES,
}


def second(pid: str, activities: int = 1) -> str:
    head = PROVIDER.split("activities:")[0].replace("id: acme", f"id: {pid}", 1)
    items = "".join(
        f"  - id: {pid}-{n}\n    name: Activity {n}\n    purposes: [{{description: Deliver messages to the customers, "
        "lawful_basis: 6.1.b}]\n    recipients: []\n"
        for n in range(activities)
    )
    return head + "activities:\n" + items


def test_too_many_providers(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_PROVIDERS", 2)
    for pid in ("beta", "gamma"):
        ws.write(f"providers/{pid}.yaml", second(pid))
    ws.refuse_everywhere("providers", 0, "3 provider files, over the limit of 2")


def test_too_many_activities(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_ACTIVITIES", 10)
    ws.write("providers/beta.yaml", second("beta", 6))
    ws.write("providers/gamma.yaml", second("gamma", 4))
    ws.refuse_everywhere("providers", 0, "11 activities, over the limit of 10")


def test_processor_activities_count_too(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_ACTIVITIES", 2)
    org = (ws.register / "organisation.yaml").read_text(encoding="utf-8")
    ws.write(
        "organisation.yaml",
        org
        + "roles: [controller, processor]\nprocessor_activities:\n"
        + "".join(f"  - {{id: p{n}, controller: Client AG}}\n" for n in range(2)),
    )
    ws.refuse_everywhere("providers", 0, "3 activities, over the limit of 2")


def test_too_many_values(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_NODES", 50)
    ws.refuse_everywhere("providers/acme.yaml", None, "more than 50 values")


def test_limits_are_far_above_a_large_real_register(tmp_path: Path) -> None:
    """A synthetic register of 25 providers x 20 activities (the size of a large company's) is nowhere near."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synth import write_register  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    write_register(tmp_path / "big", 25, 20)
    outcome = invoke(["validate", str(tmp_path / "big"), "--fail-on", "never"])
    assert outcome.code == 0, outcome.stderr[:2000]
    biggest = max(p.stat().st_size for p in (tmp_path / "big" / "providers").iterdir())
    assert biggest * 50 < source.MAX_FILE_BYTES
    assert loader.MAX_PROVIDERS >= 25 * 100 and loader.MAX_ACTIVITIES >= 500 * 100
    assert source.MAX_DEPTH >= 2 * 10, "the models nest about ten levels deep"


@pytest.mark.parametrize("name", LIMITS)
def test_every_limit_is_documented_with_its_value(name: str) -> None:
    """docs/security.md names each limit and states the value the code enforces."""
    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert name in doc, f"{name} is not documented"
    line = next(text for text in doc.splitlines() if name in text)
    value = LIMITS[name]
    assert f"{value:,}" in line or f"{value:_}" in line, f"docs/security.md gives a different value for {name}: {line}"


def test_stale_temporary_age_is_documented() -> None:
    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert f"{fsutil.STALE_AFTER_SECONDS // 3600} hours" in doc

"""'ropa diff' in words for text and Markdown; the key paths and raw values only in --format json."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from ropa.archive.wording import field_words, value_words
from ropa.cli import main
from tests.conftest import MINIMAL_ORGANISATION


def _activity(activity_id: str, name: str, duration: str = "P30D") -> dict[str, Any]:
    return {
        "id": activity_id,
        "name": name,
        "purposes": [{"description": "Tell customers where their parcel is", "lawful_basis": "6.1.b"}],
        "data_categories": [
            {
                "id": "mobile-number",
                "name": "Mobile number",
                "retention": {"kind": "duration", "duration": duration, "trigger_event": "delivery"},
            }
        ],
        "recipients": [],
    }


PROVIDERS: dict[str, dict[str, Any]] = {
    "amd-telecom": {
        "id": "amd-telecom",
        "legal_name": "AMD Telecom S.A.",
        "country": "GR",
        "role": "processor",
        "service": "SMS delivery",
        "activities": [_activity("otp-codes", "One-time codes"), _activity("order-alerts", "Order alerts")],
    },
    "acme": {
        "id": "acme",
        "legal_name": "Acme Messaging Ltd",
        "country": "DE",
        "role": "processor",
        "service": "SMS delivery",
        "activities": [_activity("parcel-notices", "Parcel notices")],
    },
}
RAW = re.compile(r"\[\d+\]|\b[a-z_]+\.[a-z_]+\b|\bP\d+[YMD]\b")
"""A key path (``activities[0]``, ``mechanism.type``) or an ISO duration left raw."""


def _write(root: Path, providers: dict[str, dict[str, Any]], version: str) -> Path:
    (root / "providers").mkdir(parents=True)
    organisation = copy.deepcopy(MINIMAL_ORGANISATION)
    organisation["record"]["version"] = version
    (root / "organisation.yaml").write_text(yaml.safe_dump(organisation, sort_keys=False), "utf-8")
    for pid, data in providers.items():
        (root / "providers" / f"{pid}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return root


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old = _write(tmp_path / "old", PROVIDERS, "1")
    changed = {"acme": copy.deepcopy(PROVIDERS["acme"])}
    acme = changed["acme"]
    acme["activities"][0]["data_categories"][0]["retention"]["duration"] = "P90D"
    acme["activities"][0]["purposes"][0]["description"] = "Tell customers when their parcel arrives"
    acme["activities"][0]["purposes"].append({"description": "Fraud checks", "lawful_basis": "6.1.f"})
    acme["activities"].append(_activity("returns", "Returns", "P1Y6M"))
    new = _write(tmp_path / "new", changed, "2")
    return old, new


def _diff(old: Path, new: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["diff", str(old), str(new), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_text_is_in_words(versions: tuple[Path, Path]) -> None:
    text = _diff(*versions)
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "Changes 1 (2026-11-01) -> 2 (2026-11-01): 1 added, 1 removed, 3 changed"
    assert "provider amd-telecom (AMD Telecom S.A.) removed (2 activities)" in lines
    assert "activity returns (Returns) with acme added" in lines
    assert "retention of Mobile number in parcel-notices: 30 days -> 90 days" in lines
    assert (
        "activity parcel-notices (Parcel notices) with acme: purpose 1, description: "
        "Tell customers where their parcel is -> Tell customers when their parcel arrives"
    ) in lines
    assert (
        "activity parcel-notices (Parcel notices) with acme: purpose 2 added: description Fraud checks; "
        "lawful basis 6.1.f"
    ) in lines, "a list item added whole is one line"
    assert "organisation Example GmbH: record version: 1 -> 2" in lines
    assert len(lines) <= 15, "one line per change, not one per field of a removed provider"
    for line in lines[1:]:
        assert not RAW.search(line), line


def test_markdown_is_in_words_too(versions: tuple[Path, Path]) -> None:
    markdown = _diff(*versions, "--format", "markdown")
    assert markdown.startswith("### Register changes: 1 → 2")
    assert "| ➖ | provider amd-telecom (AMD Telecom S.A.) removed (2 activities) | | |" in markdown
    assert "| ✏️ | retention of Mobile number in parcel-notices: duration | 30 days | 90 days |" in markdown
    assert (
        "| ✏️ | activity parcel-notices (Parcel notices) with acme: purpose 2 | none | "
        "description Fraud checks; lawful basis 6.1.f |"
    ) in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "what" not in line]
    assert rows and not any(RAW.search(row) for row in rows)


def test_json_keeps_key_paths_and_raw_values(versions: tuple[Path, Path]) -> None:
    data = json.loads(_diff(*versions, "--format", "json"))
    retention = next(c for c in data["changes"] if c["entity"] == "retention")
    assert retention["fields"] == [{"field": "duration", "old": "P30D", "new": "P90D"}]
    removed = next(c for c in data["changes"] if c["op"] == "removed")
    assert "activities[1].data_categories[0].retention.duration" in {f["field"] for f in removed["fields"]}


@pytest.mark.parametrize(
    ("value", "path", "words"),
    [
        ("P30D", "duration", "30 days"),
        ("P1Y6M", "retention.duration", "1 year 6 months"),
        ("P1D", "duration", "1 day"),
        ("GR", "country", "Greece (GR)"),
        (["DE", "US"], "data_locations", "Germany (DE), United States (US)"),
        (True, "dpo.designated", "yes"),
        (None, "service", "none"),
        ("adequacy", "mechanism.type", "Adequacy decision (Art. 45)"),
        ("Parcel", "name", "Parcel"),
    ],
)
def test_values_in_words(value: Any, path: str, words: str) -> None:
    assert value_words(value, path) == words


def test_field_paths_read_aloud() -> None:
    assert field_words("purposes[0].lawful_basis") == "purpose 1, lawful basis"
    assert field_words("data_categories[2].retention.trigger_event") == "data category 3, retention trigger event"
    assert field_words("record.version") == "record version"

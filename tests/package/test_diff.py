"""The change log: entities matched by identity, field-by-field changes, three renderers, 'ropa diff'."""

from __future__ import annotations

import copy
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from ropa.archive.diff import RENDERERS, Change, compare, render_json, render_markdown, render_text
from ropa.archive.normalise import register_data, register_json
from ropa.archive.package import zip_bytes
from ropa.cli import DIFF_FORMATS, main
from ropa.load.loader import load_register

from .conftest import WHEN, package_bytes, read_members

BASE: dict[str, Any] = {
    "format": "ropa-register",
    "format_version": 1,
    "organisation": {"legal_name": "Org", "country": "DE", "record": {"version": "1", "date": "2026-01-01"}},
    "providers": [
        {
            "id": "acme",
            "legal_name": "Acme Inc.",
            "country": "US",
            "toms": [{"kind": "encryption", "measure": "AES-128 at rest"}],
            "sub_processors": [{"id": "aws", "name": "AWS", "country": "US"}],
            "activities": [
                {
                    "id": "otp",
                    "name": "One-time passcodes",
                    "purposes": [{"description": "Send login codes", "lawful_basis": "6.1.b"}],
                    "data_categories": [
                        {"id": "phone", "name": "Phone number", "retention": {"kind": "duration", "duration": "P1Y"}},
                        {"id": "text", "name": "Message text"},
                    ],
                    "recipients": [{"provider": "acme", "role": "processor"}],
                    "transfers": [
                        {"country": "US", "recipient": "acme", "mechanism": {"type": "privacy_shield"}},
                        {"country": "IN", "recipient": "acme/aws", "mechanism": {"type": "scc_2021_914"}},
                    ],
                }
            ],
        }
    ],
}


def changed(edit: Callable[[dict[str, Any]], None]) -> list[Change]:
    new = copy.deepcopy(BASE)
    edit(new)
    return list(compare(BASE, new).changes)


def otp(data: dict[str, Any]) -> dict[str, Any]:
    activity: dict[str, Any] = data["providers"][0]["activities"][0]
    return activity


def test_identical_registers_have_no_changes() -> None:
    log = compare(BASE, copy.deepcopy(BASE))
    assert log.changes == ()
    assert render_text(log).startswith("No changes: 1 (2026-01-01) -> 1 (2026-01-01)")
    assert "No changes." in render_markdown(log)


def test_transfer_mechanism_change_is_field_by_field() -> None:
    changes = changed(lambda d: otp(d)["transfers"][0].update(mechanism={"type": "scc_2021_914", "modules": [2]}))
    assert len(changes) == 1
    change = changes[0]
    assert (change.entity, change.op, change.key) == ("transfer", "changed", "otp/transfer:US:acme")
    assert (change.provider, change.activity) == ("acme", "otp")
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("mechanism.modules", None, [2]),
        ("mechanism.type", "privacy_shield", "scc_2021_914"),
    ]


def test_transfer_to_the_same_recipient_in_another_country_is_a_change_not_add_and_remove() -> None:
    changes = changed(lambda d: otp(d)["transfers"][1].update(country="SG"))
    assert [(c.entity, c.op, c.key) for c in changes] == [("transfer", "changed", "otp/transfer:SG:acme/aws")]
    assert [(f.field, f.old, f.new) for f in changes[0].fields] == [("country", "IN", "SG")]


def test_retention_change_names_the_category() -> None:
    changes = changed(lambda d: otp(d)["data_categories"][0]["retention"].update(duration="P30D"))
    assert [(c.entity, c.op, c.key, c.label) for c in changes] == [
        ("retention", "changed", "otp/phone", "otp: retention of Phone number")
    ]
    assert [(f.field, f.old, f.new) for f in changes[0].fields] == [("duration", "P1Y", "P30D")]


def test_retention_added_to_a_category_and_activity_default() -> None:
    def edit(d: dict[str, Any]) -> None:
        otp(d)["data_categories"][1]["retention"] = {"kind": "criteria", "criteria": "end of contract"}
        otp(d)["retention"] = {"kind": "duration", "duration": "P2Y"}

    changes = changed(edit)
    assert {(c.entity, c.op, c.key) for c in changes} == {
        ("retention", "added", "otp/text"),
        ("retention", "added", "otp"),
    }


def test_new_provider_is_one_entry_with_its_activities_inside() -> None:
    newco = {
        "id": "newco",
        "legal_name": "NewCo Ltd",
        "country": "GB",
        "activities": [{"id": "newco-otp", "name": "Codes", "recipients": []}],
    }
    changes = changed(lambda d: d["providers"].append(newco))
    assert [(c.entity, c.op, c.key) for c in changes] == [("provider", "added", "newco")]
    fields = {f.field: f.new for f in changes[0].fields}
    assert fields["legal_name"] == "NewCo Ltd"
    assert fields["activities[0].id"] == "newco-otp"


def test_removed_provider_and_moved_activity() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["providers"].append({"id": "beta", "legal_name": "Beta", "country": "DE", "activities": []})
        d["providers"][1]["activities"].append(d["providers"][0]["activities"].pop())

    changes = changed(edit)
    summary = [(c.entity, c.op, c.key) for c in changes]
    assert summary == [("provider", "added", "beta"), ("activity", "changed", "otp")]
    assert [(f.field, f.old, f.new) for f in changes[1].fields] == [("provider", "acme", "beta")]


def test_recipients_stated_as_none_versus_not_stated() -> None:
    changes = changed(lambda d: otp(d).pop("recipients"))
    assert [(c.entity, c.op) for c in changes] == [("activity", "changed"), ("recipient", "removed")]
    assert [(f.field, f.old, f.new) for f in changes[0].fields] == [("recipients", None, "not stated")]


def test_tom_reworded_is_paired_by_kind_and_sub_processor_change() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["providers"][0]["toms"][0]["measure"] = "AES-256 at rest"
        d["providers"][0]["toms"].append({"kind": "logging", "measure": "Central audit log"})
        d["providers"][0]["sub_processors"][0]["country"] = "IE"

    changes = changed(edit)
    assert [(c.entity, c.op, c.key) for c in changes] == [
        ("sub_processor", "changed", "acme/aws"),
        ("tom", "changed", "acme/tom:encryption:AES-256 at rest"),
        ("tom", "added", "acme/tom:logging:Central audit log"),
    ]


def test_repeated_identities_are_numbered_not_merged() -> None:
    def edit(d: dict[str, Any]) -> None:
        otp(d)["recipients"].append({"provider": "acme", "role": "controller"})

    changes = changed(edit)
    assert [(c.entity, c.op, c.key) for c in changes] == [("recipient", "added", "otp/recipient:acme#2")]


def test_order_is_stable_whatever_the_input_order() -> None:
    def edit(d: dict[str, Any]) -> None:
        otp(d)["transfers"].reverse()
        otp(d)["transfers"][0]["frequency"] = "regular"
        otp(d)["data_categories"].reverse()
        d["organisation"]["record"]["version"] = "2"

    first = compare(BASE, _edited(edit))
    again = compare(BASE, _edited(edit))
    assert render_json(first) == render_json(again)
    assert [c.entity for c in first.changes] == ["organisation", "transfer"]


def _edited(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    edit(new)
    return new


def test_renderers() -> None:
    new = _edited(lambda d: otp(d)["transfers"][0].update(mechanism={"type": "scc_2021_914"}, recipient="acme"))
    new["organisation"]["record"]["version"] = "2"
    new["providers"][0]["legal_name"] = "Acme | Pipes <b>Inc</b>"
    log = compare(BASE, new)
    text = render_text(log)
    assert text.splitlines()[0] == "Changes 1 (2026-01-01) -> 2 (2026-01-01): 0 added, 0 removed, 3 changed"
    assert (
        "Transfers\n  transfer to acme in United States (US) (activity otp): mechanism type: EU-US Privacy Shield "
        "(invalidated on 16 July 2020) -> Standard contractual clauses, Decision (EU) 2021/914 (Art. 46(2)(c))"
    ) in text
    assert "mechanism.type" not in text and "scc_2021_914" not in text, "key paths and raw values are for JSON"
    data = json.loads(render_json(log))
    assert data["format"] == "ropa-changes"
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 3}
    assert data["old"]["version"] == "1" and data["new"]["version"] == "2"
    markdown = render_markdown(log)
    assert markdown.startswith("### Register changes: 1 → 2")
    assert (
        "| ✏️ | transfer to acme in United States (US) (activity otp): mechanism type | EU-US Privacy Shield "
        "(invalidated on 16 July 2020) | Standard contractual clauses, Decision (EU) 2021/914 (Art. 46(2)(c)) |"
    ) in markdown
    assert "Acme \\| Pipes &lt;b&gt;Inc&lt;/b&gt;" in markdown
    assert "<b>" not in markdown


def test_cli_formats_match_renderers() -> None:
    assert set(DIFF_FORMATS) == set(RENDERERS)


# ------------------------------------------------------------------ the example register, two versions


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _first(root: Path, has: Callable[[dict[str, Any]], bool]) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """The first provider file (by name) with an activity for which ``has`` holds."""
    for path in sorted((root / "providers").glob("*.yaml")):
        data = _load(path)
        for activity in data.get("activities", []):
            if has(activity):
                return path, data, activity
    raise AssertionError("the example register has no activity of the kind this test edits")


@pytest.fixture
def two_versions(example_copy: Callable[[str], Path]) -> tuple[Path, Path, dict[str, str]]:
    """The example (old) and a copy (new) with a transfer, a retention period and a new provider changed."""
    old = example_copy("v1")
    new = example_copy("v2")
    path, data, activity = _first(new, lambda a: any(t.get("mechanism") for t in a.get("transfers", [])))
    transfer = next(t for t in activity["transfers"] if t.get("mechanism"))
    was = transfer["mechanism"]["type"]
    transfer["mechanism"] = {"type": "adequacy"} if was != "adequacy" else {"type": "scc_2021_914", "modules": [2]}
    _save(path, data)
    edited = {"transfer_activity": activity["id"], "mechanism_was": was}
    path, data, activity = _first(
        new, lambda a: any((c.get("retention") or {}).get("duration") for c in a.get("data_categories", []))
    )
    category = next(c for c in activity["data_categories"] if (c.get("retention") or {}).get("duration"))
    edited["retention_was"] = category["retention"]["duration"]
    category["retention"]["duration"] = "P13M" if edited["retention_was"] != "P13M" else "P14M"
    edited["retention_key"] = f"{activity['id']}/{category['id']}"
    _save(path, data)
    _save(
        new / "providers" / "newco.yaml",
        {
            "id": "newco",
            "legal_name": "NewCo SMS Ltd",
            "country": "IE",
            "role": "processor",
            "service": "SMS gateway",
            "activities": [{"id": "newco-alerts", "name": "Alerts via NewCo", "recipients": []}],
        },
    )
    return old, new, edited


def test_diff_of_two_example_versions(two_versions: tuple[Path, Path, dict[str, str]]) -> None:
    old, new, edited = two_versions
    log = compare(register_data(load_register(old)), register_data(load_register(new)))
    ops = {(c.entity, c.op) for c in log.changes}
    assert ops == {("transfer", "changed"), ("retention", "changed"), ("provider", "added")}
    transfer = next(c for c in log.changes if c.entity == "transfer")
    assert transfer.activity == edited["transfer_activity"]
    assert ("mechanism.type", edited["mechanism_was"]) in {(f.field, f.old) for f in transfer.fields}
    retention = next(c for c in log.changes if c.entity == "retention")
    assert retention.key == edited["retention_key"]
    assert [(f.field, f.old) for f in retention.fields] == [("duration", edited["retention_was"])]
    assert next(c for c in log.changes if c.entity == "provider").key == "newco"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.output


def test_cli_diff_folders_formats_and_exit_code(two_versions: tuple[Path, Path, dict[str, str]]) -> None:
    old, new, _ = two_versions
    code, text = run(str(old), str(new))
    assert code == 0
    assert "1 added, 0 removed, 2 changed" in text.splitlines()[0]
    assert "  provider newco (NewCo SMS Ltd) added (1 activity)" in text
    assert run(str(old), str(new), "--exit-code")[0] == 1
    record = load_register(old).organisation.record
    same = f"{record.version} ({record.date.isoformat()})"
    assert run(str(old), str(old), "--exit-code") == (0, f"No changes: {same} -> {same}\n")
    code, out = run(str(old), str(new), "--format", "json")
    assert code == 0 and json.loads(out)["summary"] == {"added": 1, "removed": 0, "changed": 2}
    code, out = run(str(old), str(new), "--format", "markdown")
    assert code == 0 and "#### Transfers" in out and "#### Retention" in out and "#### Providers" in out


def test_cli_diff_output_file(two_versions: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    old, new, _ = two_versions
    target = tmp_path / "out" / "changes.md"
    code, out = run(str(old), str(new), "--format", "markdown", "--output", str(target))
    assert (code, out) == (0, "")
    assert target.read_text("utf-8").startswith("### Register changes")


def test_cli_diff_package_against_folder(two_versions: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    old, new, _ = two_versions
    package = tmp_path / "old.zip"
    package.write_bytes(package_bytes({"register.json": register_json(load_register(old))}))
    code, text = run(str(package), str(new), "--format", "json")
    assert code == 0, text
    assert json.loads(text)["summary"] == {"added": 1, "removed": 0, "changed": 2}
    assert run(str(package), str(old), "--exit-code")[0] == 0


def test_cli_diff_refuses_tampered_package_and_bad_paths(
    two_versions: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    old, new, _ = two_versions
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(package_bytes({"register.json": register_json(load_register(old))}))
    members = read_members(tampered)
    members["register.json"] = members["register.json"].replace(b"Nordlicht", b"Nordlixht")
    tampered.write_bytes(zip_bytes(members, WHEN))
    code, out = run(str(tampered), str(new))
    assert code == 2
    assert "does not match its manifest (changed: register.json" in out
    assert run(str(tmp_path / "missing"), str(new))[0] == 2
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("x", "y")
    code, out = run(str(plain), str(new))
    assert code == 2 and "not a ropa package" in out

"""What ropa reads back from a package: the versions it records, the models and limits, the package file itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ropa.archive.model import PackageInvalid, read_manifest, read_register, read_sums
from ropa.archive.package import MANIFEST, SUMS, zip_bytes
from ropa.archive.provenance import LIBRARIES, running_versions, version_note
from ropa.archive.safejson import JsonLimits, JsonRefused, loads
from ropa.archive.verify import Limits, NotAPackage, verify
from ropa.cli import main

from .conftest import WHEN, package_bytes, read_members, repackage

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def rewritten(source: Path, target: Path, edit: Callable[[dict[str, Any]], None], member: str = MANIFEST) -> Path:
    """A copy of ``source`` whose JSON ``member`` went through ``edit``, with hashes made to agree again."""
    members = read_members(source)
    data = json.loads(members[member])
    edit(data)
    members[member] = json.dumps(data, indent=2, sort_keys=True).encode()
    target.write_bytes(zip_bytes(repackage(members, member), WHEN))
    return target


# ------------------------------------------------------------------ versions in the manifest


def test_manifest_records_the_versions_that_made_it(real_package: Path) -> None:
    manifest = json.loads(read_members(real_package)[MANIFEST])
    versions = manifest["versions"]
    assert versions == running_versions()
    assert set(versions) == {"ropa", "python", *LIBRARIES}
    assert versions["python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    from importlib.metadata import version

    assert versions["weasyprint"] == version("weasyprint")
    assert versions["pyyaml"] == version("PyYAML")


def test_verify_and_diff_say_nothing_when_the_versions_agree(real_package: Path) -> None:
    result = cli("verify", str(real_package))
    assert result.exit_code == 0, result.output
    assert "note: made with other versions" not in result.output
    result = cli("diff", str(real_package), str(real_package))
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr


def test_verify_and_diff_say_when_a_package_was_made_with_other_versions(real_package: Path, tmp_path: Path) -> None:
    def older(manifest: dict[str, Any]) -> None:
        manifest["versions"]["weasyprint"] = "61.0"
        manifest["versions"]["python"] = "3.10.1"

    other = rewritten(real_package, tmp_path / "older.zip", older)
    result = cli("verify", str(other))
    assert result.exit_code == 0, result.output
    assert "intact (" in result.stdout
    here = running_versions()
    (note,) = [line for line in result.stderr.splitlines() if "other versions" in line]
    assert note == (
        f"{other}: note: made with other versions than these: python 3.10.1 (here {here['python']}), "
        f"weasyprint 61.0 (here {here['weasyprint']}); documents made here from the same register can "
        "differ byte for byte"
    )
    result = cli("diff", str(other), str(real_package))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No changes")
    assert [line.split(": note:")[0] for line in result.stderr.splitlines()] == [str(other)]


def test_a_package_without_a_versions_table_is_judged_on_its_ropa_version() -> None:
    here = {"ropa": "0.2.0", "python": "3.11.7", "weasyprint": "70.0"}
    assert version_note({"ropa": "0.2.0"}, here) is None
    assert version_note({"ropa": "0.1.0"}, here) == (
        "made with other versions than these: ropa 0.1.0 (here 0.2.0); "
        "documents made here from the same register can differ byte for byte"
    )
    assert version_note({"ropa": "0.2.0", "someday": "1"}, here) is None, "names this ropa does not record"


# ------------------------------------------------------------------ the manifest model

GOOD = {"format": "ropa-package", "format_version": 1, "files": [{"path": "a.txt", "sha256": "a" * 64, "size": 3}]}


def manifest_error(edit: Callable[[dict[str, Any]], None] | None = None, raw: bytes | None = None) -> str:
    data = json.loads(json.dumps(GOOD))
    if edit is not None:
        edit(data)
    with pytest.raises(PackageInvalid) as caught:
        read_manifest(raw if raw is not None else json.dumps(data).encode(), "P.zip:manifest.json")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_good_manifest_passes() -> None:
    raw, manifest = read_manifest(json.dumps(GOOD).encode(), "P.zip:manifest.json")
    assert raw == GOOD
    assert manifest.files[0].size == 3
    assert manifest.register_ref.version == "?"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda m: m.update(register="a string"), "$.register: Input should be a valid dictionary or instance"),
        (lambda m: m.update(validation=[]), "$.validation: Input should be a valid dictionary or instance"),
        (lambda m: m["files"][0].update(size="3"), "$.files[0].size: Input should be a valid integer"),
        (lambda m: m["files"][0].update(size=True), "$.files[0].size: Input should be a valid integer"),
        (lambda m: m["files"][0].update(size=-1), "$.files[0].size: Input should be greater than or equal to 0"),
        (lambda m: m["files"][0].update(size=2**40), "$.files[0].size: Input should be less than or equal to"),
        (lambda m: m["files"][0].update(sha256="zz"), "$.files[0].sha256: String should match pattern"),
        (lambda m: m["files"][0].update(path="../x"), "$.files[0].path: unsafe path: '..' leads outside"),
        (lambda m: m["files"][0].update(path="/etc/x"), "$.files[0].path: unsafe path: absolute path"),
        (lambda m: m["files"][0].update(path="a\\b"), "$.files[0].path: unsafe path: backslash"),
        (lambda m: m["files"][0].update(path="a\x00b"), "$.files[0].path: the text holds a control character"),
        (lambda m: m["files"][0].update(path="x" * 2000), "$.files[0].path: String should have at most 1024"),
        (lambda m: m["files"][0].update(extra=1), "$.files[0].extra: Extra inputs are not permitted"),
        (lambda m: m["files"].append(m["files"][0]), "$.files[1].path: listed twice"),
        (lambda m: m["files"][0].update(path="SHA256SUMS"), "$.files[0].path: cannot be listed"),
        (lambda m: m.update(format_version=2), "$.format_version: Input should be less than or equal to 1"),
        (lambda m: m.pop("files"), "$.files: Field required"),
        (lambda m: m.update(files={"a.txt": 1}), "$.files: Input should be a valid list"),
        (lambda m: m.update(versions={"weasyprint": 70}), "$.versions.weasyprint: Input should be a valid string"),
        (lambda m: m.update(ropa_version="9" * 2000), "$.ropa_version: String should have at most 1024"),
        (lambda m: m.update(files=m["files"] * 20_001), "$.files: List should have at most 20000 items"),
    ],
)
def test_a_manifest_that_does_not_fit_is_one_located_line(
    edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    message = manifest_error(edit)
    assert message.startswith("P.zip:manifest.json: "), message
    assert expected in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"format": "ropa-package", "format": "other"}', '$: the key "format" appears twice'),
        (b'{"format": "ropa-package", "files": [{"size": NaN}]}', "$.files[0].size: NaN is not a JSON number"),
        (b'{"format": "ropa-package", "files": [{"size": Infinity}]}', "Infinity is not a JSON number"),
        (b'{"format": "ropa-package", "files": [{"size": 1e999}]}', "$.files[0].size: 1e999 is out of range"),
        (b'{"format": "ropa-package", "x": ' + b"9" * 5000 + b"}", "$.x: a number of 5,000 characters"),
        (b'{"format": "ropa-package", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested more than 48 levels"),
        (b'{"format": "ropa-package", "x": ' + b"[" * 60 + b"]" * 60 + b"}", "nested more than 48 levels"),
        (b'{"format": "ropa-package", "x": "\\u001b[2J"}', "$.x: the text holds a control character (U+001B)"),
        (b'{"format": "ropa-package", "x": "\\ud800"}', "$.x: the text holds a lone surrogate (U+D800)"),
        (b'{"format": "ropa-package", "x": "' + b"y" * 100_001 + b'"}', "$.x: a text of 100,001 characters"),
        (b'{"format": "ropa-package", "files": [}', "P.zip:manifest.json:1:38: not valid JSON"),
        (b'{"format": "ropa-package"\xff}', "not UTF-8 text"),
        (b"[1, 2]", "$: must be a JSON object, not an array"),
        (b'{"format": "ropa-register", "files": []}', "not a ropa package (manifest.json is not a ropa-package"),
    ],
)
def test_json_outside_the_limits_is_one_located_line(raw: bytes, expected: str) -> None:
    message = manifest_error(raw=raw)
    assert message.startswith("P.zip:manifest.json"), message
    assert expected in message


def test_json_limits_hold_at_their_values() -> None:
    nested = b"[" * 48 + b"]" * 48
    assert loads(nested, JsonLimits()) is not None
    with pytest.raises(JsonRefused, match="nested more than 48"):
        loads(b"[" + nested + b"]", JsonLimits())
    with pytest.raises(JsonRefused, match="more than 10 values"):
        loads(json.dumps(list(range(11))).encode(), JsonLimits(max_values=10))
    with pytest.raises(JsonRefused, match="over the limit of 5"):
        loads(b"[1, 2, 3]", JsonLimits(max_bytes=5))
    with pytest.raises(JsonRefused, match="a key of 1,025 characters"):
        loads(json.dumps({"k" * 1025: 1}).encode())
    assert loads(b'{"a": "tab\\tnew\\nline", "b": -1.5e3, "c": 12345678901234567890}') == {
        "a": "tab\tnew\nline",
        "b": -1500.0,
        "c": 12345678901234567890,
    }


def test_the_limits_agree_with_the_register_loader() -> None:
    from ropa.archive import model as package_model
    from ropa.archive import package
    from ropa.load import loader

    assert (package_model.MAX_PROVIDERS, package_model.MAX_ACTIVITIES) == (loader.MAX_PROVIDERS, loader.MAX_ACTIVITIES)
    assert (package_model.MANIFEST, package_model.SUMS, package_model.REGISTER_JSON) == (
        package.MANIFEST,
        package.SUMS,
        package.REGISTER_JSON,
    )
    assert (package_model.MANIFEST_FORMAT, package_model.FORMAT_VERSION) == (package.MANIFEST_FORMAT, 1)


# ------------------------------------------------------------------ SHA256SUMS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"a" * 64 + b"  ok\nnot a line\n", "P.zip:SHA256SUMS:2: not a checksum line"),
        (b"a" * 64 + b"  ../up\n", "P.zip:SHA256SUMS:1: unsafe path ('..' leads outside"),
        (b"a" * 64 + b"  ok\n" + b"b" * 64 + b"  ok\n", "P.zip:SHA256SUMS:2: lists a path a second time"),
        (b"a" * 64 + b"  \xff\n", "P.zip:SHA256SUMS: not UTF-8 text"),
        ((b"a" * 64 + b"  x\n") * 5, "P.zip:SHA256SUMS: 5 lines, over the limit of 4"),
    ],
)
def test_a_checksum_list_that_does_not_fit_is_one_located_line(text: bytes, expected: str) -> None:
    with pytest.raises(PackageInvalid) as caught:
        read_sums(text, "P.zip:SHA256SUMS", max_entries=4)
    assert str(caught.value).startswith(expected)


def test_a_malformed_checksum_list_in_a_package_exits_2(mini_package: Path, tmp_path: Path) -> None:
    members = read_members(mini_package)
    members[SUMS] += b"no hash here\n"
    path = tmp_path / "sums.zip"
    path.write_bytes(zip_bytes(members, WHEN))
    result = cli("verify", str(path))
    assert result.exit_code == 2
    assert result.output == f"{path}:{SUMS}:5: not a checksum line ('<64 hex digits>  <path>')\n"


# ------------------------------------------------------------------ register.json


BASE_REGISTER: dict[str, Any] = {
    "format": "ropa-register",
    "format_version": 1,
    "organisation": {"legal_name": "Org", "record": {"version": "1", "date": "2026-01-01"}},
    "providers": [
        {
            "id": "acme",
            "toms": [{"kind": "encryption", "measure": "AES"}],
            "activities": [{"id": "otp", "transfers": [{"country": "US", "recipient": "acme"}]}],
        }
    ],
}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda r: r.update(providers={"acme": {}}), "$.providers: Input should be a valid list"),
        (lambda r: r["providers"][0].pop("id"), "$.providers[0].id: Field required"),
        (lambda r: r["providers"][0].update(id="../x"), "$.providers[0].id: String should match pattern"),
        (lambda r: r["providers"][0].update(id=7), "$.providers[0].id: Input should be a valid string"),
        (
            lambda r: r["providers"][0]["activities"][0]["transfers"][0].pop("recipient"),
            "$.providers[0].activities[0].transfers[0].recipient: Field required",
        ),
        (lambda r: r["providers"][0]["toms"][0].update(kind=None), "$.providers[0].toms[0].kind: Input should be"),
        (lambda r: r["organisation"].update(record=None), "$.organisation.record: Input should be a valid dict"),
        (lambda r: r["organisation"].update(record="x"), "$.organisation.record: Input should be a valid dict"),
        (lambda r: r.update(format="ropa-package"), "$.format: Input should be 'ropa-register'"),
        (lambda r: r["providers"].extend([{"id": "x"}] * 5001), "$.providers: List should have at most 5000 items"),
        (
            lambda r: r["providers"][0]["activities"][0].update(recipients={"a": 1}),
            "$.providers[0].activities[0].recipients: Input should be a valid list",
        ),
    ],
)
def test_a_register_that_does_not_fit_is_one_located_line(
    edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = json.loads(json.dumps(BASE_REGISTER))
    edit(data)
    with pytest.raises(PackageInvalid) as caught:
        read_register(json.dumps(data).encode(), "P.zip:register.json")
    assert str(caught.value).startswith("P.zip:register.json: ")
    assert expected in str(caught.value)


def test_a_register_that_fits_is_returned_as_parsed() -> None:
    data = read_register(json.dumps(BASE_REGISTER).encode(), "P.zip:register.json")
    assert data == BASE_REGISTER
    unknown = {**BASE_REGISTER, "later_key": {"any": [1, "thing"]}}
    assert read_register(json.dumps(unknown).encode(), "P.zip:register.json") == unknown


def test_diff_and_since_refuse_a_register_json_of_the_wrong_shape(tmp_path: Path) -> None:
    register = json.loads(json.dumps(BASE_REGISTER))
    register["providers"][0]["activities"][0]["transfers"] = [{"country": "US"}]
    path = tmp_path / "bad.zip"
    path.write_bytes(package_bytes({"register.json": json.dumps(register).encode()}))
    assert cli("verify", str(path)).exit_code == 0, "the hashes agree: only the content is wrong"
    result = cli("diff", str(path), str(path))
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:register.json: $.providers[0].activities[0].transfers[0].recipient: Field required\n"
    )
    out = tmp_path / "out"
    result = cli(
        "package", str(ROOT / "examples" / "sms-providers"), "--out", str(out), "--since", str(path), "--allow-findings"
    )
    assert result.exit_code == 2
    assert result.output.endswith("$.providers[0].activities[0].transfers[0].recipient: Field required\n")
    assert not out.exists()


# ------------------------------------------------------------------ the package file itself


def _run_within(seconds: float, *args: str) -> Result:
    """Run the CLI in a thread; fail (instead of hanging the suite) when it does not return in time."""
    box: list[Result] = []
    thread = threading.Thread(target=lambda: box.append(cli(*args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"ropa {' '.join(args)} did not return within {seconds} s"
    return box[0]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path, mini_package: Path) -> None:
    fifo = tmp_path / "pipe.zip"
    os.mkfifo(fifo)
    for args in (
        ("verify", str(fifo)),
        ("diff", str(fifo), str(mini_package)),
        (
            "package",
            str(ROOT / "examples" / "sms-providers"),
            "--out",
            str(tmp_path / "o"),
            "--since",
            str(fifo),
            "--allow-findings",
        ),
    ):
        result = _run_within(20, *args)
        assert result.exit_code == 2, result.output
        assert f"{fifo}: refused: a FIFO, not a regular file; give the package file itself" in result.output
    assert not (tmp_path / "o").exists()


def test_a_device_is_refused_without_reading_it() -> None:
    started = time.monotonic()
    result = _run_within(20, "verify", "/dev/zero")
    assert result.exit_code == 2
    assert result.output == "/dev/zero: refused: a character device, not a regular file; give the package file itself\n"
    assert time.monotonic() - started < 10


def test_a_symlink_to_a_package_is_followed(mini_package: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.zip"
    link.symlink_to(mini_package)
    result = cli("verify", str(link))
    assert result.exit_code == 0, result.output
    assert "intact (5 files" in result.output


def test_an_oversized_package_is_refused_from_its_size(mini_package: Path) -> None:
    size = mini_package.stat().st_size
    with pytest.raises(NotAPackage, match=f"refused: {size:,} bytes, over the limit of 100 for a package"):
        verify(mini_package, limits=Limits(max_package_bytes=100))


def test_a_member_over_its_read_cap_is_refused_from_its_declared_size(mini_package: Path) -> None:
    pattern = r"refused: manifest\.json declares [0-9,]+ bytes, over the limit of 10 for it"
    with pytest.raises(NotAPackage, match=pattern):
        verify(mini_package, limits=Limits(max_metadata_bytes=10))


def test_a_zip_of_an_unsupported_version_is_not_a_traceback(mini_package: Path, tmp_path: Path) -> None:
    data = bytearray(mini_package.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 255  # "version needed to extract": 25.5
    path = tmp_path / "v255.zip"
    path.write_bytes(bytes(data))
    result = cli("verify", str(path))
    assert result.exit_code == 2, result.output
    assert "not a readable zip archive (zip file version 25.5)" in result.output


def test_validate_imports_none_of_the_package_readers(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom ropa.cli import main\n"
        "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "names = ('ropa.archive.model', 'ropa.archive.safejson', 'ropa.archive.verify', 'ropa.archive.provenance')\n"
        "print(sorted(m for m in names"
        " if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, "validate", str(ROOT / "examples" / "sms-providers"), "--output", os.devnull],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr


def test_the_package_limits_are_documented_with_their_values() -> None:
    from ropa.archive.model import MAX_ENTRIES

    limits, json_limits = Limits(), JsonLimits()
    values = {
        "max_package_bytes": limits.max_package_bytes,
        "max_metadata_bytes": limits.max_metadata_bytes,
        "max_register_bytes": limits.max_register_bytes,
        "MAX_ENTRIES": MAX_ENTRIES,
        "max_depth": json_limits.max_depth,
        "max_values": json_limits.max_values,
        "max_string_chars": json_limits.max_string_chars,
    }
    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8").splitlines()
    for name, value in values.items():
        line = next(text for text in doc if text.startswith(f"| `{name}`"))
        assert f"{value:,}" in line, f"docs/security.md gives another value for {name}: {line}"
    assert limits.max_entries == MAX_ENTRIES

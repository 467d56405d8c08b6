"""'ropa verify' on intact, tampered and hostile archives: exit 0, 1 (naming files) or 2 (refused)."""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from ropa.archive.package import MANIFEST, SUMS, sha256
from ropa.archive.verify import Limits, NotAPackage, verify
from ropa.cli import main

from .conftest import WHEN, package_bytes

Rezip = Callable[[Path, Callable[[dict[str, bytes]], object]], Path]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", *args])
    return result.exit_code, result.output


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# ------------------------------------------------------------------ intact and tampered


def test_intact_package_exits_0(mini_package: Path) -> None:
    code, out = run(str(mini_package))
    assert code == 0, out
    assert "intact (5 files match the manifest" in out


def test_one_byte_changed_in_a_member_is_named(mini_package: Path, rezip: Rezip) -> None:
    def edit(members: dict[str, bytes]) -> None:
        data = bytearray(members["annexes/acme.pdf"])
        data[100] ^= 0x20
        members["annexes/acme.pdf"] = bytes(data)

    code, out = run(str(rezip(mini_package, edit)))
    assert code == 1
    assert "changed: annexes/acme.pdf (SHA-256 differs from the manifest)" in out
    assert "README.txt" not in out


def test_one_byte_flipped_in_the_raw_archive_is_named(mini_package: Path, tmp_path: Path) -> None:
    data = bytearray(mini_package.read_bytes())
    with zipfile.ZipFile(mini_package) as archive:
        info = archive.getinfo("annexes/acme.pdf")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(bytes(data))
    code, out = run(str(flipped))
    assert code == 1
    assert "changed: annexes/acme.pdf (damaged:" in out


def test_added_file_is_named(mini_package: Path, rezip: Rezip) -> None:
    code, out = run(str(rezip(mini_package, lambda m: m.update({"extra/note.txt": b"hi"}))))
    assert code == 1
    assert "added: extra/note.txt" in out


def test_removed_file_is_named(mini_package: Path, rezip: Rezip) -> None:
    code, out = run(str(rezip(mini_package, lambda m: m.pop("register.json"))))
    assert code == 1
    assert "removed: register.json" in out


def test_several_changes_are_all_named(mini_package: Path, rezip: Rezip) -> None:
    def edit(members: dict[str, bytes]) -> None:
        members.pop("README.txt")
        members["register.json"] += b" "
        members["new.txt"] = b""

    code, out = run(str(rezip(mini_package, edit)))
    assert code == 1
    assert "removed: README.txt" in out
    assert "changed: register.json (size differs from the manifest)" in out
    assert "added: new.txt" in out


def test_manifest_edited_to_match_a_change_is_caught_by_the_checksum_list(mini_package: Path, rezip: Rezip) -> None:
    def edit(members: dict[str, bytes]) -> None:
        members["register.json"] = b'{"format": "ropa-register", "forged": 1}\n'
        manifest = json.loads(members[MANIFEST])
        for item in manifest["files"]:
            if item["path"] == "register.json":
                item["sha256"] = sha256(members["register.json"])
                item["size"] = len(members["register.json"])
        members[MANIFEST] = json.dumps(manifest).encode()

    code, out = run(str(rezip(mini_package, edit)))
    assert code == 1
    assert f"changed: {MANIFEST} (its SHA-256 differs from the one in {SUMS})" in out


def test_consistent_forgery_is_caught_only_by_the_detached_hash(mini_package: Path, tmp_path: Path) -> None:
    original = mini_package.read_bytes()
    (tmp_path / "mini.zip.sha256").write_text(f"{sha256(original)}  mini.zip\n")
    assert run(str(mini_package))[0] == 0
    forged = package_bytes({"README.txt": b"forged\n", "register.json": b"{}"})
    mini_package.write_bytes(forged)
    code, out = run(str(mini_package))
    assert code == 1
    assert "the archive as a whole (its SHA-256 differs from mini.zip.sha256)" in out
    code, out = run(str(mini_package), "--sha256", sha256(forged))
    assert code == 0, out


# ------------------------------------------------------------------ not a package (exit 2)


def test_missing_file_folder_and_non_zip_exit_2(tmp_path: Path) -> None:
    assert run(str(tmp_path / "nope.zip"))[0] == 2
    assert run(str(tmp_path))[0] == 2
    text = tmp_path / "text.zip"
    text.write_text("not a zip at all")
    code, out = run(str(text))
    assert code == 2
    assert "not a readable zip archive" in out


def test_zip_without_manifest_is_not_a_package(tmp_path: Path) -> None:
    path = tmp_path / "plain.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    code, out = run(str(path))
    assert code == 2
    assert "not a ropa package (no manifest.json)" in out


def test_manifest_of_another_format_is_not_a_package(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MANIFEST, json.dumps({"format": "something-else", "files": []}))
    code, out = run(str(path))
    assert code == 2
    assert "is not a ropa-package manifest" in out


# ------------------------------------------------------------------ hostile archives (exit 2)


def hostile(tmp_path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    """A package-looking archive (with a valid manifest) plus ``entries`` written verbatim."""
    inner = io.BytesIO(package_bytes({"README.txt": b"x"}))
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(inner) as good, zipfile.ZipFile(path, "w") as archive:
        for info in good.infolist():
            archive.writestr(info, good.read(info))
        for entry, data in entries:
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.txt", "'..' leads outside the package folder"),
        ("docs/../../evil.txt", "'..' leads outside the package folder"),
        ("/etc/evil.txt", "absolute path"),
        ("C:/evil.txt", "absolute path"),
        ("docs\\..\\evil.txt", "backslash in the name"),
        ("docs//evil.txt", "empty or '.' path component"),
        ("bad\x07name.txt", "control character in the name"),
    ],
)
def test_unsafe_names_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, reason: str) -> None:
    path = hostile(tmp_path, [(zipfile.ZipInfo(name, WHEN.timetuple()[:6]), b"pwned")])
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = listing(tmp_path)
    code, out = run(str(path))
    assert code == 2, out
    assert "refused, unsafe archive" in out
    assert reason in out
    assert listing(tmp_path) == before, "verify must not write anything"
    assert not Path("/etc/evil.txt").exists()


def test_symlink_entry_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("link-to-passwd", WHEN.timetuple()[:6])
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = hostile(tmp_path, [(link, b"/etc/passwd")])
    code, out = run(str(path))
    assert code == 2
    assert "entry 'link-to-passwd': symbolic link" in out


def test_duplicate_entries_are_refused(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = hostile(tmp_path, [("README.txt", b"the second README")])
    code, out = run(str(path))
    assert code == 2
    assert "entry 'README.txt': duplicate name" in out


def test_names_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    path = hostile(tmp_path, [("readme.TXT", b"collides on Windows and macOS")])
    code, out = run(str(path))
    assert code == 2
    assert "duplicate of 'README.txt' (differs only in case)" in out


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Set the uncompressed size of entry ``name`` in its local and central headers."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while local >= 0:
        if out[local + 30 : local + 30 + len(name)] == name:
            out[local + 22 : local + 26] = struct.pack("<I", size)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        if out[central + 46 : central + 46 + len(name)] == name:
            out[central + 24 : central + 28] = struct.pack("<I", size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_entry_declaring_an_oversized_size_is_refused_before_reading(tmp_path: Path) -> None:
    path = hostile(tmp_path, [("big.bin", b"\0" * 1000)])
    path.write_bytes(_patch_sizes(path.read_bytes(), b"big.bin", 0xFFFF_FFF0))
    code, out = run(str(path))
    assert code == 2
    assert "entry 'big.bin': declares 4,294,967,280 bytes, over the limit" in out


def test_entry_whose_declared_size_lies_is_refused(tmp_path: Path) -> None:
    path = hostile(tmp_path, [("short.bin", b"A" * 1000)])
    path.write_bytes(_patch_sizes(path.read_bytes(), b"short.bin", 5000))
    code, out = run(str(path))
    assert code == 2
    assert "entry 'short.bin' holds 1,000 bytes but declares 5,000" in out


def test_honest_zip_bomb_is_refused_by_total_size(tmp_path: Path) -> None:
    bomb = b"\0" * (8 * 1024 * 1024)
    path = hostile(tmp_path, [("bomb-1.bin", bomb), ("bomb-2.bin", bomb)])
    assert path.stat().st_size < 100_000, "the test archive should be small on disk"
    with pytest.raises(NotAPackage, match=r"entries declare 16,777,\d{3} bytes in all, over the limit of 10,000,000"):
        verify(path, limits=Limits(max_total_bytes=10_000_000))
    with pytest.raises(NotAPackage, match=r"entry 'bomb-1\.bin': declares 8,388,608 bytes, over the limit"):
        verify(path, limits=Limits(max_member_bytes=1_000_000))


def test_too_many_entries_is_refused(tmp_path: Path) -> None:
    path = hostile(tmp_path, [(f"f{i}.txt", b"") for i in range(30)])
    with pytest.raises(NotAPackage, match="entries, over the limit of 10"):
        verify(path, limits=Limits(max_entries=10))


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("link", WHEN.timetuple()[:6])
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.warns(UserWarning):
        path = hostile(tmp_path, [(link, b"/"), ("README.txt", b"dup")])
    code, out = run(str(path))
    assert code == 2
    assert "'link': symbolic link" in out
    assert "'README.txt': duplicate name" in out


def test_verify_does_not_create_files(mini_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = listing(tmp_path)
    mtime = os.stat(tmp_path).st_mtime_ns
    assert run(str(mini_package))[0] == 0
    assert listing(tmp_path) == before
    assert os.stat(tmp_path).st_mtime_ns == mtime

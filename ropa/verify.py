"""'ropa verify': check an auditor package against its own manifest, without trusting it.

The archive is treated as hostile until shown otherwise. Nothing is extracted to
disk: members are streamed through SHA-256 in memory, and each is read no further
than its declared size (plus one byte, to catch a size that lies). Before any
member is read, the central directory is checked as a whole: entry count, total
declared size, encryption, names that are absolute, climb out with ``..``, use
backslashes or control characters, symbolic links, and duplicate names (also
names that differ only in case, which collide when extracted on Windows or macOS).

Two kinds of failure are kept apart: :class:`NotAPackage` (exit 2) when the file
cannot be read as a ropa package at all, or is unsafe to read; and a
:class:`Verification` listing files changed, added or removed (exit 1).
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ropa.errors import RopaError
from ropa.package import MANIFEST, MANIFEST_FORMAT, REGISTER_JSON, SUMS, parse_sums

CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """How much an archive may hold before it is refused as a possible zip bomb."""

    max_entries: int = 20_000
    max_member_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_metadata_bytes: int = 32 * 1024 * 1024
    """Largest manifest, checksum list or register.json read into memory."""


class NotAPackage(RopaError):
    """The file is not a readable ropa package, or is unsafe to read (exit code 2)."""

    exit_code = 2


class Damaged(Exception):
    """A member's data fails to decompress or fails its CRC: its content was altered."""


def _name_problem(name: str) -> str | None:
    """Why an entry name is unsafe, or None when it is a plain relative path."""
    if not name:
        return "empty name"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "control character in the name"
    if "\\" in name:
        return "backslash in the name (a Windows path separator)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "'..' leads outside the package folder"
    if any(part in ("", ".") for part in parts):
        return "empty or '.' path component"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    """Unix mode bits live in the high 16 bits of the external attributes."""
    return stat.S_ISLNK(info.external_attr >> 16)


class SafeArchive:
    """A zip archive whose central directory has passed the safety checks.

    Raises:
        NotAPackage: on open, when the file is unreadable or any entry is unsafe (every reason listed).
    """

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits()
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise NotAPackage(f"{path}: no such file") from None
        except IsADirectoryError:
            raise NotAPackage(f"{path}: is a folder, not a package file") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise NotAPackage(f"{path}: not a readable zip archive ({exc})") from None
        try:
            self.entries = self._checked_entries()
        except NotAPackage:
            self._zip.close()
            raise

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file."""
        self._zip.close()

    def _checked_entries(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_entries:
            raise NotAPackage(f"{self.path}: refused: {len(infos):,} entries, over the limit of {limits.max_entries:,}")
        problems: list[str] = []
        seen: dict[str, str] = {}
        entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            reason = _name_problem(name)
            if reason is None and _is_symlink(info):
                reason = "symbolic link"
            if reason is None and info.flag_bits & 0x1:
                reason = "encrypted entry"
            if reason is None and info.file_size > limits.max_member_bytes:
                reason = f"declares {info.file_size:,} bytes, over the limit of {limits.max_member_bytes:,}"
            if reason is None and info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                reason = f"unsupported compression method {info.compress_type}"
            folded = name.casefold()
            if reason is None and folded in seen:
                first = seen[folded]
                reason = "duplicate name" if first == name else f"duplicate of {first!r} (differs only in case)"
            if reason is not None:
                problems.append(f"entry {name!r}: {reason}")
                continue
            seen[folded] = name
            total += info.file_size
            if not name.endswith("/"):
                entries[name] = info
        if total > limits.max_total_bytes:
            problems.append(f"entries declare {total:,} bytes in all, over the limit of {limits.max_total_bytes:,}")
        if problems:
            raise NotAPackage(f"{self.path}: refused, unsafe archive:\n  " + "\n  ".join(problems))
        return entries

    def _stream(self, name: str) -> Iterator[bytes]:
        """The member's bytes in chunks, never more than its declared size.

        Raises:
            NotAPackage: when the entry's local header is broken or its size differs from the declared one.
            Damaged: when its data does not decompress or fails its CRC (the content was altered).
        """
        info = self.entries[name]
        try:
            handle: IO[bytes] = self._zip.open(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise NotAPackage(f"{self.path}: entry {name!r} cannot be opened ({exc})") from None
        read = 0
        with handle:
            while True:
                try:
                    chunk = handle.read(min(CHUNK, info.file_size - read + 1))
                except EOFError:
                    break
                except (zipfile.BadZipFile, zlib.error, OSError, ValueError) as exc:
                    raise Damaged(str(exc)) from None
                if not chunk:
                    break
                read += len(chunk)
                if read > info.file_size:
                    raise NotAPackage(f"{self.path}: refused: entry {name!r} holds more than its declared size")
                yield chunk
        if read != info.file_size:
            raise NotAPackage(
                f"{self.path}: refused: entry {name!r} holds {read:,} bytes but declares {info.file_size:,}"
            )

    def digest(self, name: str) -> tuple[str, int]:
        """SHA-256 (hex) and size of a member, streamed."""
        sha = hashlib.sha256()
        size = 0
        for chunk in self._stream(name):
            sha.update(chunk)
            size += len(chunk)
        return sha.hexdigest(), size

    def read(self, name: str) -> bytes:
        """A small member (manifest, checksums, register.json) read into memory.

        Raises:
            NotAPackage: when it is larger than ``Limits.max_metadata_bytes``.
        """
        info = self.entries[name]
        if info.file_size > self.limits.max_metadata_bytes:
            raise NotAPackage(f"{self.path}: refused: {name} is {info.file_size:,} bytes, too large to read")
        try:
            return b"".join(self._stream(name))
        except Damaged as exc:
            raise NotAPackage(f"{self.path}: {name} is damaged ({exc})") from None


@dataclass(frozen=True)
class FileEntry:
    """One file as the manifest records it."""

    path: str
    sha256: str
    size: int


def read_manifest(archive: SafeArchive) -> tuple[dict[str, Any], dict[str, FileEntry]]:
    """The manifest and its file table, after checking that this is a ropa package.

    Raises:
        NotAPackage: when there is no manifest, or it is not a ropa package manifest.
    """
    where = archive.path
    if MANIFEST not in archive.entries:
        raise NotAPackage(f"{where}: not a ropa package (no {MANIFEST})")
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAPackage(f"{where}: {MANIFEST} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise NotAPackage(f"{where}: not a ropa package ({MANIFEST} is not a {MANIFEST_FORMAT} manifest)")
    table: dict[str, FileEntry] = {}
    files = manifest.get("files")
    if not isinstance(files, list):
        raise NotAPackage(f"{where}: {MANIFEST} has no file list")
    for item in files:
        try:
            entry = FileEntry(str(item["path"]), str(item["sha256"]).lower(), int(item["size"]))
        except (KeyError, TypeError, ValueError):
            raise NotAPackage(f"{where}: {MANIFEST} has a malformed file entry: {item!r}") from None
        if entry.path in table or entry.path in (MANIFEST, SUMS) or _name_problem(entry.path):
            raise NotAPackage(f"{where}: {MANIFEST} lists {entry.path!r} twice or under an unsafe name")
        table[entry.path] = entry
    return manifest, table


@dataclass
class Verification:
    """What ``ropa verify`` found: files changed, added or removed against the manifest."""

    package: Path
    manifest: dict[str, Any]
    checked: int = 0
    changed: dict[str, str] = field(default_factory=dict)
    """Changed file -> how the change shows."""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    archive_sha256: str = ""
    detached: str | None = None
    """Where the expected hash of the whole archive came from, when one was checked."""
    detached_ok: bool | None = None

    @property
    def intact(self) -> bool:
        """True when nothing differs from the manifest (and the detached hash, if any)."""
        return not (self.changed or self.added or self.removed) and self.detached_ok is not False

    def lines(self) -> list[str]:
        """One line per problem, naming the file."""
        out = [f"changed: {name} ({why})" for name, why in sorted(self.changed.items())]
        out += [f"added: {name}" for name in self.added]
        out += [f"removed: {name}" for name in self.removed]
        if self.detached_ok is False:
            out.append(f"changed: the archive as a whole (its SHA-256 differs from {self.detached})")
        return out


def file_sha256(path: Path) -> str:
    """SHA-256 of a file on disk, streamed."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _expected_whole(path: Path, expected: str | None) -> tuple[str | None, str | None]:
    """The expected archive hash: given explicitly, or read from ``<package>.sha256`` beside it."""
    if expected:
        return expected.strip().lower(), "--sha256"
    side = path.with_name(path.name + ".sha256")
    if side.is_file() and side.stat().st_size < 4096:
        words = side.read_text("utf-8", errors="replace").split()
        if words:
            return words[0].lower(), side.name
    return None, None


def _check_sums(result: Verification, table: dict[str, FileEntry], manifest_hash: str, text: str | None) -> None:
    """Cross-check SHA256SUMS: it covers the manifest, so editing the manifest alone is caught too."""
    if text is None:
        result.removed.append(SUMS)
        return
    sums = parse_sums(text)
    if sums is None:
        result.changed[SUMS] = "not a valid checksum list"
    elif sums.get(MANIFEST) != manifest_hash:
        result.changed[MANIFEST] = f"its SHA-256 differs from the one in {SUMS}"
    elif sums != {MANIFEST: manifest_hash, **{name: entry.sha256 for name, entry in table.items()}}:
        result.changed[SUMS] = f"does not list the same files and hashes as {MANIFEST}"


def verify(path: Path, expected_sha256: str | None = None, limits: Limits | None = None) -> Verification:
    """Recompute every hash of the package at ``path`` and compare with its manifest.

    Args:
        path: The package zip.
        expected_sha256: Hash of the whole archive obtained separately; when None, ``<path>.sha256``
            beside the package is used if present.
        limits: Size limits (defaults are generous for any real register).

    Raises:
        NotAPackage: when the file is not a readable ropa package or is unsafe to read.
    """
    with SafeArchive(path, limits) as archive:
        manifest, table = read_manifest(archive)
        result = Verification(path, manifest)
        actual: dict[str, tuple[str, int]] = {}
        damaged: dict[str, str] = {}
        for name in sorted(archive.entries):
            try:
                actual[name] = archive.digest(name)
            except Damaged as exc:
                damaged[name] = f"damaged: {exc}"
        sums_text = archive.read(SUMS).decode("utf-8", errors="replace") if SUMS in actual else None
    result.checked = len(archive.entries)
    for name, entry in table.items():
        if name in damaged:
            result.changed[name] = damaged[name]
        elif name not in actual:
            result.removed.append(name)
        elif actual[name] != (entry.sha256, entry.size):
            why = "size differs" if actual[name][1] != entry.size else "SHA-256 differs"
            result.changed[name] = f"{why} from the manifest"
    result.added = sorted(set(archive.entries) - set(table) - {MANIFEST, SUMS})
    if SUMS in damaged:
        result.changed[SUMS] = damaged[SUMS]
    else:
        _check_sums(result, table, actual[MANIFEST][0], sums_text)
    result.removed.sort()
    whole, source = _expected_whole(path, expected_sha256)
    result.archive_sha256 = file_sha256(path)
    if whole is not None:
        result.detached = source
        result.detached_ok = whole == result.archive_sha256
    return result


def read_register_data(path: Path, limits: Limits | None = None) -> dict[str, Any]:
    """The normalised register inside a package, after checking the package is intact.

    Raises:
        NotAPackage: when it is not a ropa package, fails verification, or holds no register.
    """
    result = verify(path, limits=limits)
    if not result.intact:
        raise NotAPackage(
            f"{path}: the package does not match its manifest ({'; '.join(result.lines())}); "
            "run 'ropa verify' for details"
        )
    with SafeArchive(path, limits) as archive:
        if REGISTER_JSON not in archive.entries:
            raise NotAPackage(f"{path}: the package holds no {REGISTER_JSON}")
        try:
            data = json.loads(archive.read(REGISTER_JSON).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise NotAPackage(f"{path}: {REGISTER_JSON} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != "ropa-register":
        raise NotAPackage(f"{path}: {REGISTER_JSON} is not a ropa register")
    return data

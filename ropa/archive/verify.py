"""'ropa verify': check an auditor package against its own manifest, without trusting it.

The archive is treated as hostile until shown otherwise. Nothing is extracted to
disk: members are streamed through SHA-256 in memory, and each is read no further
than its declared size (plus one byte, to catch a size that lies). Before any
member is read, the central directory is checked as a whole: entry count, total
declared size, encryption, names that are absolute, climb out with ``..``, use
backslashes or control characters, symbolic links, and duplicate names (also
names that differ only in case, which collide when extracted on Windows or macOS).

The package argument itself must be a regular file within a size limit: it is
checked with ``os.stat`` before it is opened, so a FIFO cannot block and a device
cannot stream without end. What is read from inside (``manifest.json``,
``SHA256SUMS``, ``register.json``) goes through :mod:`ropa.archive.model` before
any of it is used. ``ropa verify``, ``ropa diff`` and ``ropa package --since`` all
read packages through :class:`SafeArchive` and :func:`read_package`.

Two kinds of failure are kept apart: :class:`NotAPackage` (exit 2) when the file
cannot be read as a ropa package at all, is unsafe to read, or holds a member that
does not fit its model; and a :class:`Verification` listing files changed, added
or removed (exit 1).
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ropa.archive.model import (
    MANIFEST,
    MAX_ENTRIES,
    MAX_MEMBER_BYTES,
    REGISTER_JSON,
    SUMS,
    Manifest,
    path_problem,
    read_manifest,
    read_register,
    read_sums,
)
from ropa.archive.safejson import JsonLimits
from ropa.errors import RopaError

CHUNK = 1 << 16
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much an archive may hold before it is refused as a possible zip bomb."""

    max_entries: int = MAX_ENTRIES
    max_member_bytes: int = MAX_MEMBER_BYTES
    max_total_bytes: int = 2 * 1024 * MiB
    max_metadata_bytes: int = 64 * MiB
    """Largest manifest or checksum list read into memory."""
    max_register_bytes: int = 256 * MiB
    """Largest register.json read into memory (100,000 activities fit)."""
    max_package_bytes: int = 2 * 1024 * MiB + 64 * MiB
    """Largest package file: the members' limit plus their headers."""


class NotAPackage(RopaError):
    """The file is not a readable ropa package, or is unsafe to read (exit code 2)."""

    exit_code = 2


class Damaged(Exception):
    """A member's data fails to decompress or fails its CRC: its content was altered."""


_name_problem = path_problem

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def open_package_file(path: Path, limit: int) -> tuple[IO[bytes], int]:
    """Open the package file for reading, and its size; only a regular file of at most ``limit`` bytes.

    A symbolic link to a regular file is followed: a package argument is named by
    the user on the command line, not found inside a folder someone else controls,
    so a link (a download folder, a CI artefact store) is as good as the file. What
    the link leads to is checked like the file itself. FIFOs, devices, sockets and
    folders are refused from ``os.stat``, before ``open``: a FIFO would block, and
    ``/dev/zero`` never ends. The file is opened non-blocking and checked again on
    the descriptor, so one swapped in between the two is refused too.

    Raises:
        NotAPackage: when the path is missing, not a regular file, or too large.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise NotAPackage(f"{path}: no such file") from None
    except OSError as exc:
        raise NotAPackage(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise NotAPackage(f"{path}: is a folder, not a package file")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "a special file")
        raise NotAPackage(f"{path}: refused: {kind}, not a regular file; give the package file itself")
    if info.st_size > limit:
        raise NotAPackage(f"{path}: refused: {info.st_size:,} bytes, over the limit of {limit:,} for a package")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise NotAPackage(f"{path}: cannot be read ({exc.strerror or exc})") from None
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
        os.close(fd)
        raise NotAPackage(f"{path}: refused: the file was replaced while it was being opened")
    return os.fdopen(fd, "rb"), opened.st_size


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
        self._file, self.size = open_package_file(path, self.limits.max_package_bytes)
        try:
            self._zip = zipfile.ZipFile(self._file)
        except Exception as exc:  # anything the zip reader raises on hostile bytes means: not a readable zip
            self._file.close()
            raise NotAPackage(f"{path}: not a readable zip archive ({exc})") from None
        try:
            self.entries = self._checked_entries()
        except NotAPackage:
            self.close()
            raise

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file."""
        self._zip.close()
        self._file.close()

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
        except Exception as exc:  # a local header that does not parse: the archive is broken, not a member
            raise NotAPackage(f"{self.path}: entry {name!r} cannot be opened ({exc})") from None
        read = 0
        with handle:
            while True:
                try:
                    chunk = handle.read(min(CHUNK, info.file_size - read + 1))
                except EOFError:
                    break
                except Exception as exc:  # bad deflate data, bad CRC: this member's bytes were altered
                    raise Damaged(str(exc) or type(exc).__name__) from None
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

    def cap(self, name: str) -> int:
        """The most bytes of ``name`` read into memory: register.json may be larger than the other metadata."""
        return self.limits.max_register_bytes if name == REGISTER_JSON else self.limits.max_metadata_bytes

    def collect(self, name: str) -> bytes:
        """A member read whole into memory, refused from its declared size when over :meth:`cap`.

        Raises:
            NotAPackage: when it declares more than its cap.
            Damaged: when its data is altered.
        """
        info = self.entries[name]
        if info.file_size > self.cap(name):
            raise NotAPackage(
                f"{self.path}: refused: {name} declares {info.file_size:,} bytes, "
                f"over the limit of {self.cap(name):,} for it"
            )
        return b"".join(self._stream(name))

    def read(self, name: str) -> bytes:
        """A small member (manifest, checksums, register.json) read into memory.

        Raises:
            NotAPackage: when it is larger than its cap, or damaged.
        """
        try:
            return self.collect(name)
        except Damaged as exc:
            raise NotAPackage(f"{self.path}: {name} is damaged ({exc})") from None

    def archive_sha256(self) -> str:
        """SHA-256 of the package file, read from the descriptor already open (never the path again).

        Raises:
            NotAPackage: when the file grew while it was read.
        """
        sha = hashlib.sha256()
        self._file.seek(0)
        left = self.size
        while left >= 0:
            chunk = self._file.read(min(CHUNK, left + 1))
            if not chunk:
                break
            left -= len(chunk)
            sha.update(chunk)
        if left != 0:
            raise NotAPackage(f"{self.path}: refused: the file changed size while it was read")
        return sha.hexdigest()


@dataclass(frozen=True)
class FileEntry:
    """One file as the manifest records it."""

    path: str
    sha256: str
    size: int


def load_manifest(archive: SafeArchive) -> tuple[dict[str, Any], Manifest, bytes]:
    """The manifest as parsed, its model and its bytes as read.

    Raises:
        NotAPackage: when there is none; PackageInvalid: when it does not fit the model.
    """
    if MANIFEST not in archive.entries:
        raise NotAPackage(f"{archive.path}: not a ropa package (no {MANIFEST})")
    raw = archive.read(MANIFEST)
    limits = JsonLimits(max_bytes=archive.limits.max_metadata_bytes)
    data, manifest = read_manifest(raw, f"{archive.path}:{MANIFEST}", limits)
    return data, manifest, raw


def manifest_table(manifest: Manifest) -> dict[str, FileEntry]:
    """The manifest's file list by path (hashes in lower case)."""
    return {e.path: FileEntry(e.path, e.sha256.lower(), e.size) for e in manifest.files}


@dataclass
class Verification:
    """What ``ropa verify`` found: files changed, added or removed against the manifest."""

    package: Path
    manifest: dict[str, Any]
    """The manifest as parsed, after it passed :class:`ropa.archive.model.Manifest` (every field read is typed)."""
    model: Manifest | None = None
    checked: int = 0
    changed: dict[str, str] = field(default_factory=dict)
    """Changed file -> how the change shows."""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    archive_sha256: str = ""
    detached: str | None = None
    """Where the expected hash of the whole archive came from, when one was checked."""
    detached_ok: bool | None = None
    version_note: str | None = None
    """Set when the package was made with other versions of ropa, Python or its libraries than these."""

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
    try:
        handle, _ = open_package_file(side, 4096)
    except NotAPackage:  # missing, special or oversized: no detached hash to check
        return None, None
    with handle:
        words = handle.read(4096).decode("utf-8", errors="replace").split()
    return (words[0].lower(), side.name) if words else (None, None)


def _check_sums(result: Verification, table: dict[str, FileEntry], manifest_hash: str, sums: dict[str, str]) -> None:
    """Cross-check SHA256SUMS: it covers the manifest, so editing the manifest alone is caught too."""
    if sums.get(MANIFEST) != manifest_hash:
        result.changed[MANIFEST] = f"its SHA-256 differs from the one in {SUMS}"
    elif sums != {MANIFEST: manifest_hash, **{name: entry.sha256 for name, entry in table.items()}}:
        result.changed[SUMS] = f"does not list the same files and hashes as {MANIFEST}"


def verify_archive(
    archive: SafeArchive, expected_sha256: str | None = None, keep: frozenset[str] = frozenset()
) -> tuple[Verification, dict[str, bytes]]:
    """Recompute every hash of an open package and compare with its manifest.

    Args:
        archive: The package, open.
        expected_sha256: Hash of the whole archive obtained separately (else ``<path>.sha256``, if present).
        keep: Members to return as read while hashing (register.json for diff), so what is used is
            exactly what was checked.

    Raises:
        NotAPackage, PackageInvalid: when it is not a readable ropa package.
    """
    from ropa.archive.provenance import version_note

    data, manifest, manifest_raw = load_manifest(archive)
    table = manifest_table(manifest)
    result = Verification(archive.path, data, manifest)
    actual: dict[str, tuple[str, int]] = {MANIFEST: (hashlib.sha256(manifest_raw).hexdigest(), len(manifest_raw))}
    damaged: dict[str, str] = {}
    kept: dict[str, bytes] = {}
    for name in sorted(archive.entries):
        if name == MANIFEST:
            continue
        try:
            if name in keep or name == SUMS:
                member = kept[name] = archive.collect(name)
                actual[name] = (hashlib.sha256(member).hexdigest(), len(member))
            else:
                actual[name] = archive.digest(name)
        except Damaged as exc:
            damaged[name] = f"damaged: {exc}"
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
    elif SUMS not in kept:
        result.removed.append(SUMS)
    else:
        sums = read_sums(kept.pop(SUMS), f"{archive.path}:{SUMS}", archive.limits.max_entries + 1)
        _check_sums(result, table, actual[MANIFEST][0], sums)
    result.removed.sort()
    whole, source = _expected_whole(archive.path, expected_sha256)
    result.archive_sha256 = archive.archive_sha256()
    if whole is not None:
        result.detached = source
        result.detached_ok = whole == result.archive_sha256
    result.version_note = version_note(manifest.recorded_versions())
    return result, kept


def verify(path: Path, expected_sha256: str | None = None, limits: Limits | None = None) -> Verification:
    """Recompute every hash of the package at ``path`` and compare with its manifest.

    Args:
        path: The package zip (a symlink to one is followed; see :func:`open_package_file`).
        expected_sha256: Hash of the whole archive obtained separately; when None, ``<path>.sha256``
            beside the package is used if present.
        limits: Size limits (defaults are generous for any real register).

    Raises:
        NotAPackage: when the file is not a readable ropa package or is unsafe to read.
        PackageInvalid: when its manifest or checksum list does not fit the model (exit 2, located).
    """
    with SafeArchive(path, limits) as archive:
        return verify_archive(archive, expected_sha256)[0]


@dataclass(frozen=True)
class PackageContents:
    """What ``ropa diff`` and ``ropa package --since`` take from an intact package."""

    data: dict[str, Any]
    """register.json as parsed, after it passed :class:`ropa.archive.model.RegisterData`."""
    archive_sha256: str
    version_note: str | None


def read_package(path: Path, limits: Limits | None = None) -> PackageContents:
    """The normalised register inside a package, after checking the package is intact, in one reading.

    Raises:
        NotAPackage: when it is not a ropa package, fails verification, or holds no register.
        PackageInvalid: when a member does not fit its model (exit 2, one located line).
    """
    with SafeArchive(path, limits) as archive:
        result, kept = verify_archive(archive, keep=frozenset({REGISTER_JSON}))
        if not result.intact:
            raise NotAPackage(
                f"{path}: the package does not match its manifest ({'; '.join(result.lines())}); "
                "run 'ropa verify' for details"
            )
        if REGISTER_JSON not in kept:
            raise NotAPackage(f"{path}: the package holds no {REGISTER_JSON}")
        limit = JsonLimits(max_bytes=archive.limits.max_register_bytes)
        data = read_register(kept[REGISTER_JSON], f"{path}:{REGISTER_JSON}", limit)
    return PackageContents(data, result.archive_sha256, result.version_note)


def read_register_data(path: Path, limits: Limits | None = None) -> dict[str, Any]:
    """The normalised register inside a package (see :func:`read_package`)."""
    return read_package(path, limits).data

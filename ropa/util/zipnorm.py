"""Rewrite a zip archive so that the same content always gives the same bytes.

Zip writers stamp each entry with the current time and the host's file modes, and
some formats built on zip (XLSX, DOCX) also write "now" into their metadata. This
module copies every entry into a fresh archive with one fixed timestamp, fixed
attributes, no extra fields or comments and a stable entry order, optionally
replacing whole entries (such as ``docProps/core.xml``) or filtering their bytes.

It is generic: the XLSX renderer and the auditor package both use it. Entries are
streamed in chunks, so memory stays flat for large archives.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, Literal, NamedTuple

ChunkFilter = Callable[[bytes], bytes]
"""A byte transformation applied chunk by chunk; it must not depend on chunk boundaries."""


class Streamed(NamedTuple):
    """Replacement content produced chunk by chunk, so a large entry need not be held in memory.

    ``size`` is the total length of the chunks in bytes; it decides, as for copied
    entries, whether the entry is written with zip64 sizes.
    """

    size: int
    chunks: Iterable[bytes]


DOS_EPOCH = dt.datetime(1980, 1, 1)
"""The earliest time a zip entry can carry."""
_DOS_END = dt.datetime(2107, 12, 31, 23, 59, 58)
_CHUNK = 1 << 20
_ZIP64_AT = 1 << 30


def zip_time(when: dt.datetime | None) -> tuple[int, int, int, int, int, int]:
    """A zip entry time for ``when`` (UTC when aware), clamped to the DOS range, seconds even."""
    if when is None:
        when = DOS_EPOCH
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    when = min(max(when, DOS_EPOCH), _DOS_END)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def entry_order(names: Iterable[str], order: Literal["keep", "sorted"], first: Sequence[str] = ()) -> list[str]:
    """Entry names in output order: ``first`` (those present), then the rest kept or sorted."""
    names = list(names)
    present = set(names)
    head = [n for n in first if n in present]
    rest = [n for n in names if n not in set(head)]
    return head + (sorted(rest) if order == "sorted" else rest)


def _filters_for(name: str, filters: Sequence[tuple[str, ChunkFilter]]) -> list[ChunkFilter]:
    return [f for pattern, f in filters if fnmatch.fnmatchcase(name, pattern)]


def write_normalised_zip(
    source: bytes | IO[bytes],
    target: IO[bytes],
    *,
    when: dt.datetime | None = None,
    order: Literal["keep", "sorted"] = "sorted",
    first: Sequence[str] = (),
    replace: Mapping[str, bytes | Streamed] | None = None,
    filters: Sequence[tuple[str, ChunkFilter]] = (),
) -> None:
    """Copy the archive ``source`` into ``target`` with reproducible entries.

    Args:
        source: The archive, as bytes or a seekable binary file.
        target: Where to write the new archive (seekable binary file).
        when: Timestamp for every entry (default 1980-01-01, the zip epoch).
        order: ``"sorted"`` sorts entry names; ``"keep"`` keeps the source's order.
        first: Names to put before all others, in this order (e.g. ``mimetype``, ``[Content_Types].xml``).
        replace: Entry name -> new content, as bytes or :class:`Streamed` chunks (read once).
            Names not in the source are added.
        filters: (fnmatch pattern, filter) pairs applied to matching entries' bytes.

    Directory entries keep their trailing slash and are stored; files are deflated at
    zlib's default level (the same zlib gives the same bytes) and marked 0644,
    directories 0755, both as made on Unix.
    """
    stamp = zip_time(when)
    replace = dict(replace or {})
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    with zipfile.ZipFile(handle) as zin, zipfile.ZipFile(target, "w") as zout:
        infos = {info.filename: info for info in zin.infolist()}
        names = entry_order([*infos, *(n for n in replace if n not in infos)], order, first)
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            if name.endswith("/"):
                info.external_attr = (0o40755 << 16) | 0x10
                info.compress_type = zipfile.ZIP_STORED
                zout.writestr(info, b"")
                continue
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            chain = _filters_for(name, filters)
            content = replace.get(name)
            if isinstance(content, bytes):
                for fn in chain:
                    content = fn(content)
                zout.writestr(info, content)
                continue
            if content is not None:
                _copy(content.chunks, zout, info, content.size, chain)
                continue
            with zin.open(infos[name]) as src:
                _copy(iter(lambda: src.read(_CHUNK), b""), zout, info, infos[name].file_size, chain)


def _copy(
    chunks: Iterable[bytes], zout: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, chain: Sequence[ChunkFilter]
) -> None:
    """Write one entry from ``chunks``, filtered, with zip64 sizes when it is ``size`` bytes or more."""
    with zout.open(info, "w", force_zip64=size >= _ZIP64_AT) as dst:
        for chunk in chunks:
            for fn in chain:
                chunk = fn(chunk)
            dst.write(chunk)


def normalise_zip(
    source: bytes | IO[bytes],
    *,
    when: dt.datetime | None = None,
    order: Literal["keep", "sorted"] = "sorted",
    first: Sequence[str] = (),
    replace: Mapping[str, bytes | Streamed] | None = None,
    filters: Sequence[tuple[str, ChunkFilter]] = (),
) -> bytes:
    """The archive ``source`` rewritten reproducibly, as bytes (see :func:`write_normalised_zip`)."""
    out = io.BytesIO()
    write_normalised_zip(
        source,
        out,
        when=when,
        order=order,
        first=first,
        replace=replace,
        filters=filters,
    )
    return out.getvalue()

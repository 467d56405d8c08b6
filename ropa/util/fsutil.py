"""Atomic writes and safe paths: every file ropa writes goes through here.

A file is written to a temporary name beside its target, flushed to disk and
renamed over the target in one step, so a reader (or a later run) sees either
the previous file or the new one, never a truncated mix: after a full disk, a
read-only folder, a crash or a ``kill -9``. Temporary names carry the writer's
process id, so a run cleans up only what dead runs left behind and never the
files a concurrent run is still writing.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ropa.errors import OutputError, printable

TMP_PREFIX = ".ropa-tmp-"
"""Start of every temporary file name: ``.ropa-tmp-<pid>-<random><suffix>``."""
STALE_AFTER_SECONDS = 24 * 3600
"""Age after which a temporary file is removed even if its process id is in use again."""


def _fail(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(printable(f"{path}: cannot write ({reason}); any earlier {path.name} is left as it was"))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    flag = getattr(os, "O_DIRECTORY", None)
    if flag is None:
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | flag)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds.

    The temporary file lives in the target folder (so the rename is atomic on the
    same file system) and is removed on any failure, so no partial file is ever
    left under the target name.

    Raises:
        OutputError: when the folder cannot be written (read-only, disk full...).
    """
    folder = path.parent
    if open_descriptor(path) is not None or _is_special(path):
        raise OutputError(f"{printable(str(path))}: not a regular file; write to a file path instead")
    if os.path.isdir(path):  # False, not an error, for a name too long to exist
        raise OutputError(f"{printable(str(path))}: is a folder; give a file path")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=path.suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise _fail(path, exc) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _fail(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    _clean_once(folder)


_CLEANED: set[str] = set()
"""Folders this process has already cleaned of dead runs' temporary files."""


def _clean_once(folder: Path) -> None:
    """Clean ``folder`` of stale temporary files on this process's first successful write there.

    So every folder ropa writes into (the output folder, ``annexes/``, the build
    cache) is tidied by the next run that writes there, without a directory scan
    per file.
    """
    key = os.path.abspath(folder)
    if key not in _CLEANED:
        _CLEANED.add(key)
        clean_stale_temps(folder)


def _is_special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a link to one (device, pipe, socket)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/self/fd|proc/(?P<pid>\d+)/fd)/(?P<fd>\d+)")
_MAX_LINKS = 40
"""Symbolic links followed before giving up (the kernel's own limit)."""


def open_descriptor(path: Path) -> int | None:
    """The descriptor when ``path`` names a file this process already holds open, else None.

    ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` and ``/proc/self/fd/N``, also
    through symbolic links to them. Such a path is a link the kernel resolves to
    whatever the descriptor is (a file the shell redirected to, a pipe, a terminal):
    renaming a temporary file over it would replace the link, as root ``/dev/stdout``
    itself, and the output would never reach the descriptor.
    """
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        if current in _STANDARD:
            return _STANDARD[current]
        found = _DESCRIPTOR.fullmatch(current)
        if found and (found["pid"] is None or int(found["pid"]) == os.getpid()):
            return int(found["fd"])
        try:
            link = os.readlink(current)
        except OSError:  # not a link (or gone): an ordinary path from here on
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


def _write_descriptor(fd: int, payload: bytes) -> None:
    """Write ``payload`` to an open descriptor: through Python's own stream for stdout and stderr, so the
    order with other output holds (and a captured stream captures it)."""
    import sys

    stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()  # type: ignore[union-attr]
        buffer.write(payload)
        buffer.flush()
        return
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename).

    A path naming an open descriptor (``--output /dev/stdout``) is written to that
    descriptor; a device, pipe or socket is written to directly. Neither is ever
    replaced, whoever runs ropa.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = open_descriptor(path)
    if fd is not None:
        try:
            _write_descriptor(fd, payload)
        except (OSError, ValueError) as exc:  # a closed descriptor, a closed stream
            raise _fail(path, exc if isinstance(exc, OSError) else OSError(str(exc))) from None
        return
    if _is_special(path):
        # A device or pipe (e.g. --output /dev/stdout or /dev/null): it cannot be
        # replaced by a rename, and must never be; write to it directly.
        try:
            with open(path, "wb") as stream:
                stream.write(payload)
        except OSError as exc:
            raise _fail(path, exc) from None
        return
    with atomic_path(path) as tmp:
        tmp.write_bytes(payload)


def _owner(name: str) -> int | None:
    """The process id in a temporary file name, or None for names of another form."""
    pid, sep, _ = name[len(TMP_PREFIX) :].partition("-")
    return int(pid) if sep and pid.isdigit() else None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (conservatively True when it cannot be told)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def clean_stale_temps(folder: Path) -> None:
    """Remove temporary files left by earlier runs that died mid-write (``kill -9``, power loss).

    A temporary file is stale when the process named in it is gone, or when it is
    older than :data:`STALE_AFTER_SECONDS` (the id may have been reused). Files of
    this run and of concurrent runs are left alone.
    """
    if not folder.is_dir():
        return
    now = time.time()
    for temp in folder.glob(f"{TMP_PREFIX}*"):
        pid = _owner(temp.name)
        try:
            old = now - temp.lstat().st_mtime > STALE_AFTER_SECONDS
        except OSError:
            continue
        if pid is not None and _alive(pid) and not old:
            continue
        with contextlib.suppress(OSError):
            if temp.is_dir() and not temp.is_symlink():
                shutil.rmtree(temp)
            else:
                temp.unlink()


@contextlib.contextmanager
def spilling(path: Path) -> Iterator[Path]:
    """Create the folder of ``path`` (a file set aside in a :func:`spill_dir`) and turn write errors into
    :class:`OutputError` (a full disk fails the run with one line, as any output would)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
    except OSError as exc:
        raise OutputError(f"{path.parent.parent}: cannot write ({exc.strerror or exc}); nothing was changed") from None


@contextlib.contextmanager
def spill_dir(folder: Path) -> Iterator[Path]:
    """A private temporary folder inside ``folder`` for large intermediate files, removed afterwards.

    Inside the output folder, so that files set aside there are on the same disk as
    the outputs (never in a memory-backed ``/tmp``); named like the temporary files,
    so the next run removes it if this one dies. The folder is not created here:
    whoever first sets a file aside creates it (``mkdir(parents=True, exist_ok=True)``),
    so a run that fails before that writes nothing; an output folder created only
    for it is removed again.
    """
    import uuid

    existed = folder.exists()
    path = folder / f"{TMP_PREFIX}{os.getpid()}-spill-{uuid.uuid4().hex[:12]}"
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        if not existed:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: the run wrote nothing else there

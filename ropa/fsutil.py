"""Atomic writes and safe paths: every file ropa writes goes through here."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ropa.errors import OutputError

TMP_PREFIX = ".ropa-tmp-"


def _fail(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"{path}: cannot write ({reason}); nothing was changed")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds.

    The temporary file lives in the target folder (so the rename is atomic on the
    same file system) and is removed on any failure, so no partial file is ever
    left under the target name.

    Raises:
        OutputError: when the folder cannot be written.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=path.suffix, dir=folder)
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


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        try:
            tmp.write_bytes(payload)
        except OSError as exc:
            raise _fail(path, exc) from None


def clean_stale_temps(folder: Path) -> None:
    """Remove temporary files left by an earlier run that was killed mid-write."""
    if not folder.is_dir():
        return
    for stale in folder.glob(f"{TMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            stale.unlink()

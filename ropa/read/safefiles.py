"""Reading a file that someone else controls: only a regular file, only inside its folder, only so much.

A register and a template folder come from a repository that a pull request can
change, so every file ropa reads from them is opened here. The checks come before
any byte is read, in this order:

1. A symbolic link is followed only if its target (all links resolved) lies inside
   the folder: a link elsewhere in the register (``acme.yml -> acme.yaml``) works,
   a link to ``~/.aws/credentials`` or ``/etc/passwd`` is refused unread. A loop of
   links is refused the same way.
2. Only a regular file is opened: a FIFO (which would block), a device
   (``/dev/zero`` never ends; opening some devices has effects), a socket or a
   folder is refused from ``stat``, without ``open``.
3. A file over the size limit is refused from its size, without reading it.
4. The file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again on the
   descriptor (``fstat``: the same regular file; its real path inside the folder,
   which catches a folder on the way that is a link leaving it), then read with a
   cap, so a file swapped or grown after the checks is still refused.

A refusal says why in a few words and never quotes the file: nothing of it was read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "folder"),
    (stat.S_ISLNK, "symbolic link"),
)


class RefusedFile(Exception):
    """A file that is not read, and why (``reason`` is one line, free of the file's content)."""

    def __init__(self, reason: str, too_big: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_big = too_big
        """The file's size when it is refused for its size alone."""


def kind_of(mode: int) -> str:
    """What a file that is not regular is, in words ("FIFO", "character device" ...)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "special file"


def real_folder(folder: Path | str) -> str:
    """The folder with every link resolved: what :func:`read_regular` compares real paths against."""
    return os.path.realpath(folder)


def is_inside(real: str, folder: str) -> bool:
    """Whether the resolved path ``real`` is ``folder`` or lies under it (both resolved)."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _descriptor_path(fd: int, fallback: str) -> str:
    """The real path of an open file: from ``/proc`` where there is one (no race), else resolved again."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(fallback)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links; replace the link by the file"
    return f"cannot read file: {exc.strerror or exc}"


def read_regular(path: Path | str, folder: str | None, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file inside ``folder`` of at most ``limit`` bytes.

    Args:
        path: The file, as named in the folder.
        folder: The folder it must lie in, already resolved (:func:`real_folder`); None checks no folder.
        limit: Most bytes accepted.
        what: The folder's name in messages ("register", "template").

    Raises:
        RefusedFile: why the file is not read; its ``too_big`` is set when only its size is the reason.
    """
    name = os.fspath(path)
    try:
        info = os.lstat(name)
        target = name
        if stat.S_ISLNK(info.st_mode):
            target = os.path.realpath(name, strict=True)
            if folder is not None and not is_inside(target, folder):
                raise RefusedFile(
                    f"not a regular file of the {what} folder (a symbolic link leading outside it); "
                    "put the file itself in the folder"
                )
            info = os.lstat(target)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"not a regular file ({kind_of(info.st_mode)}); {what} files are plain text files")
        if info.st_size > limit:
            raise RefusedFile(f"file is {info.st_size:,} bytes, over the limit of {limit:,}", too_big=info.st_size)
        fd = os.open(target, _OPEN_FLAGS)
    except OSError as exc:
        raise RefusedFile(_reason(exc)) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise RefusedFile("the file was replaced while being opened; run again")
        if folder is not None and not is_inside(_descriptor_path(fd, target), folder):
            raise RefusedFile(
                f"not a regular file of the {what} folder (a folder on its path is a symbolic link leading "
                "outside it); put the file itself in the folder"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise RefusedFile(_reason(exc)) from None
    finally:
        os.close(fd)
    if size > limit:
        raise RefusedFile(f"file is more than {limit:,} bytes, over the limit; split it", too_big=size)
    return b"".join(chunks)

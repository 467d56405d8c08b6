"""Child processes that end when the process that forked them ends.

A CI time-out kills ``ropa`` with SIGKILL: nothing runs in the dying process, so it
cannot stop its workers, and a worker left waiting for work keeps the job's output
pipe open (``ropa build | tail`` never returns). Every process ropa forks (the
workers of :class:`ropa.produce.workers.Pool`)
calls :func:`die_with_parent` first thing after the fork.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
"""``prctl`` option from ``<linux/prctl.h>``: the signal this process gets when its parent dies."""
ORPHANED_EXIT = 70
"""Exit code of a child whose parent was already gone when it started (EX_SOFTWARE: never a result)."""


def die_with_parent(parent: int) -> None:
    """Have this just-forked process killed (SIGKILL) when ``parent`` dies; end it at once if it has died.

    On Linux the kernel sends the signal (``prctl(PR_SET_PDEATHSIG)``); elsewhere only
    the check below is made. The check closes the race the kernel leaves open: a
    parent that died between the fork and the ``prctl`` call never sends the signal,
    and the child has already been handed to another parent (init or a subreaper).

    The kernel sends the signal when the *thread* that forked the child ends, not the
    whole process: ropa forks only from the thread that later stops and reaps those
    children (the main thread in the commands), so a child never outlives its use by
    this rule nor dies before it.

    Args:
        parent: ``os.getpid()`` of the forking process, read before the fork.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # no libc to load: the check still runs
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(
                PR_SET_PDEATHSIG,
                ctypes.c_ulong(signal.SIGKILL),
                ctypes.c_ulong(0),
                ctypes.c_ulong(0),
                ctypes.c_ulong(0),
            )
    if os.getppid() != parent:
        os._exit(ORPHANED_EXIT)

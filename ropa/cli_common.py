"""What every command shares: user errors become one line each and exit code 2."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

_done = False
"""Set by a command once its output is complete and nothing it started is left to clean up."""


def output_complete() -> None:
    """Let the process end without tearing the interpreter down once the command returns or exits.

    Freeing every module (pydantic's above all) costs 15-30 ms at exit, more than
    a small register takes to check. Only :func:`exit_at_once` acts on this, and
    only for a command run as the program itself.
    """
    global _done
    _done = True


def exit_at_once(code: object, program: bool) -> None:
    """End the process now with ``code`` when the command said its output is complete (see above).

    Args:
        code: The code the command exits with (``SystemExit.code``).
        program: Whether ropa runs as the program (standalone, arguments from the command line,
            the real standard streams), not called from other Python code that may go on.

    Returns only when the process must end the usual way: the command did not say so, it is
    not the program, the code is not a number, or the streams cannot be flushed.
    """
    global _done
    done, _done = _done, False
    if not done or not program or not (code is None or isinstance(code, int)):
        return
    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:  # captured: not the program's own
        return
    out, err = sys.stdout, sys.stderr
    if out is None or err is None:
        return
    try:
        out.flush()
        err.flush()
    except (OSError, ValueError):  # let the usual exit report it
        return
    os._exit(code or 0)


def die(error: Exception) -> NoReturn:
    """Print a user error (no traceback) and exit with its code."""
    click.echo(str(error), err=True)
    sys.exit(getattr(error, "exit_code", 2))


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C while a command runs, so temporary files are removed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def interrupt(signum: int, frame: Any) -> None:
        if os.getpid() != owner:  # a forked render worker: die as SIGTERM would
            os._exit(128 + signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def handles_errors(func: F) -> F:
    """Turn ropa's user errors into one message per problem and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ropa.errors import RopaError

        try:
            with _terminate_as_interrupt():
                return func(*args, **kwargs)
        except RopaError as exc:
            die(exc)
        except OSError as exc:  # the environment, not a bug: a folder that vanished, a device error
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"{where}{exc.strerror or exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted; files written so far are complete, no partial file was left", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]

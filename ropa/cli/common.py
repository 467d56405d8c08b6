"""What every command shares: user errors become one line each and exit code 2; bugs exit 70.

An exception ropa did not expect is an internal error: it exits with
:data:`~ropa.errors.INTERNAL_ERROR_EXIT`, never with a code a result uses (0 done,
1 findings / not intact / differ, 2 bad input), and prints one line naming the
command and the exception; the traceback only under ``ropa --debug`` or
``ROPA_DEBUG=1``. Everything echoed from input is :func:`~ropa.errors.printable`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _escaped_arguments(text: str) -> str:
    """``text`` with each command-line value that holds a non-printable character shown :func:`printable`.

    Messages quote the paths they were given (``f"{path}: not a ropa package"``): a
    path holding a newline would otherwise split its line in two, the second free
    to start with a workflow command.
    """
    from pathlib import Path

    from ropa.errors import printable

    values: set[str] = set()
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        for value in ctx.params.values():
            for item in value if isinstance(value, tuple | list) else (value,):
                if isinstance(item, str) and not item.isprintable():
                    values.update({item, str(Path(item))})
        ctx = ctx.parent
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, printable(value))
    return text


def die(error: Exception) -> NoReturn:
    """Print a user error (no traceback), escaped as :func:`~ropa.errors.printable` line by line, and exit with
    its code."""
    from ropa.errors import printable_lines

    click.echo(printable_lines(_escaped_arguments(str(error))), err=True)
    sys.exit(getattr(error, "exit_code", 2))


_debug = False
"""Set from ``ropa --debug`` for the command that runs (see :func:`set_debug`)."""
MAX_DETAIL_CHARS = 300
"""An internal error's message is cut here: it stays one readable line whatever the exception holds."""


def set_debug(flag: bool) -> None:
    """Whether an internal error prints its traceback (the global ``--debug`` flag)."""
    global _debug
    _debug = flag


def debugging() -> bool:
    """``--debug`` was given, or ``ROPA_DEBUG`` is set to anything but empty, 0, false or no."""
    return _debug or os.environ.get("ROPA_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def is_terminal(stream: IO[str] | None) -> bool:
    """Whether ``stream`` is an open terminal; False for a closed standard stream (``>&-`` makes it None)."""
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def internal_error(command: str, error: BaseException) -> NoReturn:
    """Report an exception ropa did not expect: one line (the traceback before it when debugging), exit 70."""
    import traceback

    from ropa.errors import INTERNAL_ERROR_EXIT, printable

    detail = printable(str(error))
    if len(detail) > MAX_DETAIL_CHARS:
        detail = detail[: MAX_DETAIL_CHARS - 3] + "..."
    what = type(error).__name__ + (f": {detail}" if detail else "")
    if debugging():
        trace = "".join(traceback.format_exception(error))
        hint = "a bug in ropa; please report it with the traceback above"
    else:
        trace = ""
        hint = "run with --debug or ROPA_DEBUG=1 for the traceback"
    with contextlib.suppress(Exception):  # a closed or broken stderr must not turn this into another crash
        click.echo(f"{trace}ropa: internal error in {printable(command)}: {what} ({hint})", err=True)
    sys.exit(INTERNAL_ERROR_EXIT)


def _command_name(func: Callable[..., Any]) -> str:
    ctx = click.get_current_context(silent=True)
    return ctx.info_name if ctx is not None and ctx.info_name else func.__name__


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


CLICK_EXITS = (click.ClickException, click.exceptions.Exit, click.Abort)
"""What click itself turns into a message and an exit code (usage errors, ``--help``): not internal errors."""


def handles_errors(func: F) -> F:
    """Turn ropa's user errors into one message per problem and exit code 2, and a bug into exit 70, never a
    traceback (unless asked for with ``--debug``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ropa.errors import RopaError, printable

        try:
            with _terminate_as_interrupt():
                return func(*args, **kwargs)
        except RopaError as exc:
            die(exc)
        except OSError as exc:  # the environment, not a bug: a folder that vanished, a device error
            where = f"{printable(os.fsdecode(exc.filename))}: " if isinstance(exc.filename, str | bytes) else ""
            click.echo(f"{where}{printable(exc.strerror or str(exc))}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted; files written so far are complete, no partial file was left", err=True)
            sys.exit(130)
        except CLICK_EXITS:
            raise
        except Exception as exc:  # a bug (here or in a render worker, whose exception travels back): never a result
            internal_error(_command_name(func), exc)

    return wrapper  # type: ignore[return-value]

"""What every command shares: user errors become one line each and exit code 2."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def die(error: Exception) -> NoReturn:
    """Print a user error (no traceback) and exit with its code."""
    click.echo(str(error), err=True)
    sys.exit(getattr(error, "exit_code", 2))


def handles_errors(func: F) -> F:
    """Turn ropa's user errors into one message per problem and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ropa.errors import RopaError

        try:
            return func(*args, **kwargs)
        except RopaError as exc:
            die(exc)
        except KeyboardInterrupt:
            click.echo("interrupted; no output was changed", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]

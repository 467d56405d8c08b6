"""Shared helpers of the import tests: run the CLI in-process."""

from __future__ import annotations

from click.testing import CliRunner, Result

from ropa.cli import main


def run(*args: str) -> Result:
    """``ropa ARGS`` in-process, stdout and stderr apart."""
    return CliRunner().invoke(main, list(args))

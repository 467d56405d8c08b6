"""The commands that start or describe a register: 'ropa schema' and 'ropa init'."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ropa.cli.common import handles_errors
from ropa.cli.group import main


@main.command()
@click.option("--out", default="schemas", show_default=True, type=click.Path(file_okay=False))
@click.option("--check", is_flag=True, help="Exit 1 when the files in --out are not up to date.")
@handles_errors
def schema(out: str, check: bool) -> None:
    """Write JSON Schemas of the register files to OUT."""
    from ropa.schema import write_schemas

    stale = write_schemas(Path(out), check_only=check)
    if check and stale:
        click.echo("stale schemas: " + ", ".join(stale) + " (run 'ropa schema')", err=True)
        sys.exit(1)
    if not check:
        click.echo(f"wrote JSON Schemas to {out}/")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--blank", is_flag=True, help="An empty, commented register to fill in instead of the example.")
@handles_errors
def init(directory: str, blank: bool) -> None:
    """Start a register in DIRECTORY from the bundled SMS-provider example (or blank), with its JSON Schemas.

    Never overwrites a file. The schemas go to DIRECTORY/schemas/, where the files' modelines point.
    """
    from ropa.scaffold import init_register

    written = init_register(Path(directory), blank=blank)
    click.echo(f"created {directory} with {len(written)} files; next: ropa validate {directory}")

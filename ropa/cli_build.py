"""The document commands: 'ropa build' (package, verify and diff live in cli_package)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ropa.cli_common import handles_errors, is_terminal
from ropa.errors import printable


def _only(value: str | None) -> set[str] | None:
    if not value:
        return None
    from ropa.build import KINDS

    kinds = {v.strip() for v in value.split(",") if v.strip()}
    unknown = kinds - set(KINDS)
    if unknown:
        raise click.BadParameter(f"unknown kind(s) {', '.join(sorted(unknown))}; use {','.join(KINDS)}")
    return kinds


@click.command()
@click.argument("register", default=".", type=click.Path(file_okay=False))
@click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False))
@click.option("--only", metavar="KINDS", help="Comma-separated subset of pdf,xlsx,annexes.")
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    help="Folder searched before the built-in templates, by file name.",
)
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
@click.option(
    "--no-cache", is_flag=True, help="Render every document, even those unchanged since the last build in OUT."
)
@handles_errors
def build(
    register: str, out: str, only: str | None, templates: str | None, jobs: int | None, quiet: bool, no_cache: bool
) -> None:
    """Validate REGISTER, then write the PDF/XLSX register and Art. 28 annexes into OUT."""
    from ropa.build import build as run_build
    from ropa.cache import BuildCache
    from ropa.dates import source_date_epoch
    from ropa.pipeline import load_and_check_for_documents

    kinds = _only(only)
    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is refused before anything is read or written
    reg, report = load_and_check_for_documents(Path(register), display_root=register)
    summary = report.summary()
    show = not quiet and is_terminal(sys.stderr)

    def progress(target: str) -> None:
        if show:
            click.echo(f"  rendered {target}", err=True)

    cache = BuildCache(Path(out))
    written = run_build(
        reg, report, Path(out), kinds, Path(templates) if templates else None, jobs, progress, not no_cache, cache
    )
    if not quiet:
        reused = f", {len(cache.hits)} unchanged since the last build" if cache.hits else ""
        parts = len(cache.part_hits) + len(cache.part_misses)
        if cache.hits and parts:
            reused += f"; register.pdf: {len(cache.part_misses)} of {parts} parts rendered again"
        click.echo(
            f"wrote {len(written)} file(s) to {printable(out)}/{reused} "
            f"({summary['error']} error, {summary['warning']} warning, {summary['info']} info finding(s) "
            "printed in the documents)"
        )


def attach(group: click.Group) -> None:
    """Add the document commands to the CLI group."""
    group.add_command(build)
    try:
        from ropa import cli_package
    except ImportError:  # the package commands are optional until they land
        return
    cli_package.attach(group)

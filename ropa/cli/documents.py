"""The document command: 'ropa build'."""

from __future__ import annotations

from pathlib import Path

import click

from ropa.cli.common import handles_errors
from ropa.cli.group import main
from ropa.cli.options import annex_findings_option, language_option, register_argument, rendering_options
from ropa.errors import printable


def _only(value: str | None) -> set[str] | None:
    if not value:
        return None
    from ropa.produce.build import KINDS

    kinds = {v.strip() for v in value.split(",") if v.strip()}
    unknown = kinds - set(KINDS)
    if unknown:
        raise click.BadParameter(f"unknown kind(s) {', '.join(sorted(unknown))}; use {','.join(KINDS)}")
    return kinds


@main.command(short_help="Validate REGISTER, then write the PDF/XLSX register and Art. 28 annexes into OUT.")
@register_argument
@click.option("--only", metavar="KINDS", help="Comma-separated subset of pdf,xlsx,annexes.")
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    help="Folder searched before the built-in templates, by file name.",
)
@annex_findings_option
@language_option
@rendering_options("No progress on stderr (stage and count on a terminal, one line per stage elsewhere).")
@handles_errors
def build(
    register: str,
    only: str | None,
    templates: str | None,
    annex_findings: bool,
    language: str | None,
    out: str,
    jobs: int | None,
    quiet: bool,
    no_cache: bool,
) -> None:
    """Validate REGISTER, then write the PDF/XLSX register and Art. 28 annexes into OUT."""
    from ropa.cli.progress import Progress  # its terminal handling is for these commands only
    from ropa.pipeline import build as run_build

    kinds = _only(only)
    progress = Progress("build", quiet)
    try:
        done = run_build(
            Path(register),
            register,
            Path(out),
            kinds,
            Path(templates) if templates else None,
            jobs,
            progress,
            not no_cache,
            annex_findings=annex_findings,
            language=language,
        )
    finally:
        progress.close()
    if not quiet:
        reused = f", {done.reused} unchanged since the last build" if done.reused else ""
        if done.reused and done.parts:
            reused += f"; register.pdf: {done.parts_rendered} of {done.parts} parts rendered again"
        summary = done.report.summary()
        click.echo(
            f"wrote {len(done.written)} file(s) to {printable(out)}/{reused} "
            f"({summary['error']} error, {summary['warning']} warning, {summary['info']} info finding(s) "
            "printed in the documents)"
        )

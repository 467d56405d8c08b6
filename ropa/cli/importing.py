"""The import command: 'ropa import FILE --from ico|cnil|ropa --out DIR'."""

from __future__ import annotations

from pathlib import Path

import click

from ropa.cli.common import handles_errors
from ropa.cli.group import main
from ropa.errors import printable


@main.command(
    "import", short_help="Write a register (YAML with comments) from an ICO or CNIL template or a ropa register.xlsx."
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Choice(["ico", "cnil", "ropa"]),
    help="ico: the ICO documentation templates; cnil: the CNIL register model (.xlsx or .ods); "
    "ropa: a register.xlsx of 'ropa build'.",
)
@click.option("--out", type=click.Path(file_okay=False), help="New (or empty) folder for the register.")
@click.option("--dry-run", is_flag=True, help="Print the files that would be written; write nothing.")
@click.option("--country", metavar="CODE", help="The organisation's country, when the workbook does not state it.")
@handles_errors
def import_command(file: str, source: str, out: str | None, dry_run: bool, country: str | None) -> None:
    """Write a register (YAML with comments) from an ICO or CNIL template or a ropa register.xlsx.

    Every imported fact names the sheet and row it came from; columns that do not map are kept as
    comments. Bad input gives one line per problem (file:sheet!cell) and exit code 2, and nothing is
    written. Then run 'ropa validate DIR'.
    """
    from ropa.importing.run import run_import

    if not dry_run and not out:
        raise click.UsageError("give --out DIR (a new folder), or --dry-run to print what would be written")
    done = run_import(Path(file), source, None if dry_run else Path(out or ""), file, country)
    if dry_run:
        click.echo(done.text, nl=False)
    for note in done.notes:
        click.echo(f"note: {printable(note)}", err=True)
    if not dry_run:
        activities = sum(t.count("\n  - id: ") for p, t in done.files.items() if p.startswith("activities/"))
        providers = sum(1 for p in done.files if p.startswith("providers/"))
        click.echo(
            f"wrote {len(done.files)} files to {printable(str(out))}: {activities} activities, {providers} providers; "
            f"now run: ropa validate {printable(str(out))}",
            err=True,
        )

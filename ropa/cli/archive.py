"""The auditor commands: 'ropa package', 'ropa verify' and 'ropa diff'.

Exit codes follow the rest of the CLI: 0 done; 1 refused for findings (package),
changed files (verify) or differences with ``--exit-code`` (diff); 2 unreadable
input, not a package, or output that could not be written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ropa.cli.common import handles_errors
from ropa.cli.group import main
from ropa.cli.options import (
    DIFF_FORMATS,
    annex_findings_option,
    language_option,
    output_option,
    register_argument,
    rendering_options,
)
from ropa.errors import printable


@main.command()
@register_argument
@click.option(
    "--since",
    type=click.Path(dir_okay=False),
    metavar="PREVIOUS.zip",
    help="Earlier package: add a change log against it (it must verify).",
)
@click.option("--allow-findings", is_flag=True, help="Package even with error-level findings, and say so inside.")
@annex_findings_option
@language_option
@rendering_options("Print only the package path: no progress on stderr, no summary.")
@handles_errors
def package(
    register: str,
    since: str | None,
    allow_findings: bool,
    annex_findings: bool,
    language: str | None,
    out: str,
    jobs: int | None,
    quiet: bool,
    no_cache: bool,
) -> None:
    """Write the auditor package of REGISTER into OUT as <organisation>-ropa-<version>.zip.

    Refused (exit 1, findings printed) while the register has error-level findings,
    unless --allow-findings is given. Documents unchanged since 'ropa build' into the
    same OUT are taken from its cache (the zip's bytes are the same either way).
    """
    from ropa.cli.progress import Progress  # its terminal handling is for these commands only
    from ropa.pipeline import package as run_package

    progress = Progress("package", quiet)
    try:
        result = run_package(
            Path(register),
            register,
            Path(out),
            Path(since) if since else None,
            allow_findings,
            jobs,
            progress,
            not no_cache,
            annex_findings=annex_findings,
            language=language,
        )
    finally:
        progress.close()
    for note in result.notes:  # shown even with --quiet: it is a warning, not progress
        click.echo(f"{printable(str(result.path))}: warning: {printable(note)}", err=True)
    if quiet:
        click.echo(printable(str(result.path)))
        return
    summary = result.report.summary()
    reused = f"; {len(result.reused)} document(s) unchanged since the last build" if result.reused else ""
    click.echo(
        f"wrote {printable(str(result.path))} ({len(result.members)} files, {result.size:,} bytes; "
        f"{summary['error']} error, {summary['warning']} warning, {summary['info']} info finding(s){reused})"
    )
    side = printable(f"{result.path.name}.sha256")
    click.echo(f"SHA-256 {result.sha256} (also in {side}: send it to the auditor separately)")
    if result.open_findings:
        click.echo(
            f"packaged with {len(result.open_findings)} open error-level finding(s); "
            "the README and the report's first page say so",
            err=True,
        )


@main.command()
@click.argument("package_file", metavar="PACKAGE.zip", type=click.Path(dir_okay=True))
@click.option(
    "--sha256",
    "expected",
    metavar="HEX",
    help="Expected SHA-256 of the whole archive (default: read PACKAGE.zip.sha256 beside it, if present).",
)
@handles_errors
def verify(package_file: str, expected: str | None) -> None:
    """Recompute every hash in PACKAGE.zip against its manifest, without extracting it.

    Exit 0 when intact; 1 naming each file changed, added or removed; 2 when the file
    is not a readable ropa package or is unsafe to read (absolute or '..' paths, symbolic
    links, duplicate names, sizes that do not match, a manifest or checksum list that does not
    fit its model). A note on stderr says when the package was made with other versions of
    ropa, Python or its libraries than these (its bytes can then differ from a rebuild here).
    """
    from ropa.pipeline import verify as run_verify

    result = run_verify(Path(package_file), expected)
    shown = printable(package_file)  # names from the archive and the path are echoed escaped, never raw
    register: dict[str, Any] = result.manifest.get("register", {})
    what = f"register {register.get('version', '?')} of {register.get('date', '?')}"
    if result.version_note:
        click.echo(f"{shown}: note: {printable(result.version_note)}", err=True)
    if not result.intact:
        for line in result.lines():
            click.echo(f"{shown}: {printable(line)}")
        click.echo(f"{shown}: NOT intact ({printable(what)})", err=True)
        sys.exit(1)
    whole = f"; archive SHA-256 matches {result.detached}" if result.detached else ""
    click.echo(printable(f"{package_file}: intact ({result.checked} files match the manifest, {what}{whole})"))
    if result.manifest.get("validation", {}).get("packaged_with_open_findings"):
        click.echo(f"{shown}: note: it was packaged with open error-level findings", err=True)


@main.command()
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True)
@output_option("the change log")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the registers differ (like git diff --exit-code).")
@handles_errors
def diff(old: str, new: str, fmt: str, output: str | None, exit_code: bool) -> None:
    """Change log from OLD to NEW, each a register folder or a package zip.

    Lists providers, activities, recipients, transfers, retention, TOMs and more that
    were added, removed or changed, in words (durations, countries, mechanisms named);
    --format json gives each field's key path and raw values.
    """
    from ropa.pipeline import diff as run_diff

    done = run_diff(old, new, fmt)
    for path, note in done.notes:
        click.echo(f"{printable(path)}: note: {printable(note)}", err=True)
    if output:
        from ropa.util.fsutil import atomic_write

        atomic_write(Path(output), done.text)
    else:
        click.echo(done.text, nl=False)
    if exit_code and done.differ:
        sys.exit(1)

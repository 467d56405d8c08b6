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

from ropa.cli_common import handles_errors, is_terminal
from ropa.errors import printable

DIFF_FORMATS = ("text", "json", "markdown")
"""Kept in step with ``ropa.diff.RENDERERS`` by a test (the CLI does not import it at start-up)."""


@click.command()
@click.argument("register", default=".", type=click.Path(file_okay=False))
@click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False))
@click.option(
    "--since",
    type=click.Path(dir_okay=False),
    metavar="PREVIOUS.zip",
    help="Earlier package: add a change log against it (it must verify).",
)
@click.option("--allow-findings", is_flag=True, help="Package even with error-level findings, and say so inside.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the package path.")
@click.option(
    "--no-cache", is_flag=True, help="Render every document, even those unchanged since the last build in OUT."
)
@handles_errors
def package(
    register: str, out: str, since: str | None, allow_findings: bool, jobs: int | None, quiet: bool, no_cache: bool
) -> None:
    """Write the auditor package of REGISTER into OUT as <organisation>-ropa-<version>.zip.

    Refused (exit 1, findings printed) while the register has error-level findings,
    unless --allow-findings is given. Documents unchanged since 'ropa build' into the
    same OUT are taken from its cache (the zip's bytes are the same either way).
    """
    from ropa.dates import source_date_epoch
    from ropa.package import build_package

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is refused before anything is read or written
    show = not quiet and is_terminal(sys.stderr)

    def progress(target: str) -> None:
        if show:
            click.echo(f"  rendered {target}", err=True)

    result = build_package(
        Path(register),
        Path(out),
        Path(since) if since else None,
        allow_findings,
        jobs,
        progress,
        display_root=register,
        use_cache=not no_cache,
    )
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


@click.command()
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
    from ropa.verify import verify as run_verify

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


def _register_data(path: str) -> dict[str, Any]:
    """Register data from a register folder or a package zip."""
    target = Path(path)
    if target.is_dir():
        from ropa.loader import load_register
        from ropa.normalise import register_data

        return register_data(load_register(target, display_root=path))
    from ropa.verify import read_package

    contents = read_package(target)
    if contents.version_note:
        click.echo(f"{printable(path)}: note: {printable(contents.version_note)}", err=True)
    return contents.data


@click.command()
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the change log to FILE (atomically).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the registers differ (like git diff --exit-code).")
@handles_errors
def diff(old: str, new: str, fmt: str, output: str | None, exit_code: bool) -> None:
    """Change log from OLD to NEW, each a register folder or a package zip.

    Lists providers, activities, recipients, transfers, retention, TOMs and more that
    were added, removed or changed, field by field.
    """
    from ropa.diff import RENDERERS, compare

    log = compare(_register_data(old), _register_data(new))
    text = RENDERERS[fmt](log)
    if output:
        from ropa.fsutil import atomic_write

        atomic_write(Path(output), text)
    else:
        click.echo(text, nl=False)
    if exit_code and log.changes:
        sys.exit(1)


def attach(group: click.Group) -> None:
    """Add package, verify and diff to the CLI group."""
    group.add_command(package)
    group.add_command(verify)
    group.add_command(diff)

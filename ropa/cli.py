"""Command line: thin commands that lazy-import the pipeline. Exit codes 0 / 1 / 2, and 70 for a bug.

- 0: done, nothing reached the failure threshold;
- 1: rule findings reached the threshold (or a package failed verification);
- 2: unreadable or invalid input, usage errors, output that could not be written;
- 70: an internal error (see :mod:`ropa.cli_common`), never a result.

Only this module talks to the terminal.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ropa import __version__
from ropa.cli_common import (
    CLICK_EXITS,
    exit_at_once,
    handles_errors,
    internal_error,
    is_terminal,
    output_complete,
    set_debug,
)

DEFAULT_REGISTER = "."
FORMAT_NAMES = ("text", "json", "sarif", "junit", "github")
"""Kept in step with ``ropa.reporters.FORMATS`` by a test (importing it here would slow start-up)."""


def _as_of(value: str | None) -> dt.date:
    if value:
        return dt.date.fromisoformat(value)
    return dt.date.today()


def _selected_rules(given: tuple[str, ...]) -> set[str]:
    """Rule ids for ``--rule`` values (ids or dotted names); an unknown one is a usage error, not a silent pass."""
    from ropa.rules import catalogue

    cat = catalogue()
    by_name = {rule.name: rule_id for rule_id, rule in cat.items()}
    selected = set()
    for value in given:
        rule_id = value if value in cat else by_name.get(value)
        if rule_id is None:
            raise click.BadParameter(f"no rule {value!r}{_rule_hint(value)}", param_hint="--rule")
        selected.add(rule_id)
    return selected


def _rule_hint(value: str) -> str:
    """'; did you mean X?' for the closest rule id or name (case ignored), else where to find the list."""
    import difflib

    from ropa.rules import catalogue

    names = [*catalogue(), *(rule.name for rule in catalogue().values())]
    lowered = {name.lower(): name for name in names}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1)
    return f"; did you mean {lowered[close[0]]}?" if close else "; run 'ropa rules' for the list"


def _printable_message(error: click.ClickException) -> None:
    """Escape what click's own messages echo from the command line (a path that is a file, say) in place."""
    from ropa.errors import printable

    vars(error)["message"] = printable(error.message)  # click declares it final; the instance is ours to fix


class _Group(click.Group):
    """The command group; refuses NUL bytes in any argument before click's path checks see them.

    Also the last net under every command, one added later included: a click error
    echoes its arguments escaped, and any other exception is an internal error (exit 70).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            if "\x00" in arg:
                raise click.UsageError(f"argument {arg!r} contains a NUL byte; paths and values cannot", ctx)
        try:
            return super().parse_args(ctx, args)
        except click.ClickException as error:
            _printable_message(error)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            _printable_message(error)
            raise
        except CLICK_EXITS:
            raise
        except Exception as error:
            internal_error(ctx.invoked_subcommand or "ropa", error)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run as click does; a command that finished its output may then end the process at once."""
        exit_at_once(None, program=False)  # forgets what an earlier run in this process said
        set_debug(False)
        try:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        except SystemExit as done:
            exit_at_once(done.code, program=standalone_mode and args is None)
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ropa")
@click.option(
    "--debug", is_flag=True, help="On an internal error (exit 70), print its traceback (or set ROPA_DEBUG=1)."
)
def main(debug: bool) -> None:
    """ropa: GDPR Article 30 records of processing activities, as code.

    Describe processing in YAML (organisation.yaml and providers/<id>.yaml), check
    it with 'ropa validate', render the PDF/XLSX register and Art. 28 annexes with
    'ropa build', and hand an auditor a verifiable archive with 'ropa package'.
    """
    set_debug(debug)


@main.command()
@click.argument("register", default=DEFAULT_REGISTER, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to FILE (atomically).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option("--as-of", metavar="YYYY-MM-DD", help="Judge review ages and waivers as of this date.")
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Run only these rules (repeatable).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@handles_errors
def validate(
    register: str,
    fmt: str,
    output: str | None,
    fail_on: str,
    as_of: str | None,
    rules: tuple[str, ...],
    color: bool | None,
) -> None:
    """Check REGISTER (default: the current folder) against the rule catalogue."""
    try:
        date = _as_of(as_of)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from None
    from ropa.loader import collector_paused, read_ahead

    # The collector is resumed once the register is dropped: no full collection walks it (-0.5 s at 10k), nor
    # the objects the imports make (-7 ms).
    with collector_paused():
        # Workers parse the YAML while this process imports pydantic and builds the models (about 0.15 s).
        ahead = read_ahead(Path(register), register)
        try:
            from ropa.pipeline import load_and_check
            from ropa.reporters import ReportContext, render_bytes, stream

            select = _selected_rules(rules) if rules else None
            report = load_and_check(Path(register), date, select, display_root=register, ahead=ahead)[1]
        finally:
            if ahead is not None:
                ahead.close()
    use_color = (is_terminal(sys.stdout) and "NO_COLOR" not in os.environ) if color is None else color
    ctx = ReportContext(root=register, color=use_color and output is None, tool_version=__version__)
    if output:
        from ropa.fsutil import atomic_write

        atomic_write(Path(output), render_bytes(fmt, report, ctx))  # made whole first: nothing written on error
    else:  # in chunks of whole lines, as they are made: a large report is never held whole
        try:
            stream(fmt, report, ctx, lambda chunk: click.echo(chunk, nl=False))
        except BrokenPipeError:  # the reader stopped early (| head): quiet, as when the report was one write
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush cannot fail either
    if fmt == "github":  # GitHub shows 10 annotations of a kind per step; the job summary shows the rest
        from ropa.reporters.job_summary import write_if_requested

        write_if_requested(report, ctx)
    output_complete()
    if fail_on != "never":
        from ropa.model.common import Severity

        if report.reaches(Severity(fail_on)):
            sys.exit(1)


@main.command()
@click.argument("rule_id", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@click.option("--all", "everything", is_flag=True, help="Explain every rule (with --format markdown: docs/rules.md).")
@handles_errors
def rules(rule_id: str | None, fmt: str, everything: bool) -> None:
    """List the rule catalogue, or explain RULE_ID."""
    from ropa.rules import CATALOGUE_VERSION, catalogue
    from ropa.rules.docs import explain, listing, reference_markdown

    cat = catalogue()
    if everything:
        if fmt == "markdown":
            click.echo(reference_markdown(list(cat.values()), CATALOGUE_VERSION), nl=False)
        else:
            click.echo("\n\n".join(explain(rule, fmt) for rule in cat.values()))
        return
    if rule_id is not None:
        rule = cat.get(rule_id) or next((r for r in cat.values() if r.name == rule_id), None)
        if rule is None:
            raise click.BadParameter(f"no rule {rule_id!r}{_rule_hint(rule_id)}", param_hint="RULE_ID")
        click.echo(explain(rule, fmt))
    else:
        click.echo(listing(list(cat.values()), fmt))


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


def _register_commands() -> None:
    """Attach the commands that live in their own modules (build, package, verify, diff)."""
    from ropa import cli_build

    cli_build.attach(main)


_register_commands()

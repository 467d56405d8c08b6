"""The checking commands: 'ropa validate' and 'ropa rules'."""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ropa import __version__
from ropa.cli.common import handles_errors, is_terminal
from ropa.cli.group import main
from ropa.cli.options import FORMAT_NAMES, SUMMARY_FORMATS, output_option, register_argument
from ropa.util.gcpolicy import collector_paused


def _echo_until_closed() -> Callable[[str], None]:
    """Echo report chunks; once the reader stops early (``| head``) the rest goes nowhere, quietly.

    The exit code stays the findings', as when the report went out in one write; stdout is pointed at
    the null device so the flush at exit cannot fail either.
    """
    closed = False

    def emit(chunk: str) -> None:
        nonlocal closed
        if closed:
            return
        try:
            click.echo(chunk, nl=False)
        except BrokenPipeError:
            closed = True
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    return emit


def _as_of(value: str | None) -> dt.date:
    if value:
        return dt.date.fromisoformat(value)
    return dt.date.today()


def _selected_rules(given: tuple[str, ...]) -> set[str]:
    """Rule ids for ``--rule`` values (ids or dotted names); an unknown one is a usage error, not a silent pass."""
    from ropa.check.rules import catalogue

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

    from ropa.check.rules import catalogue

    names = [*catalogue(), *(rule.name for rule in catalogue().values())]
    lowered = {name.lower(): name for name in names}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1)
    return f"; did you mean {lowered[close[0]]}?" if close else "; run 'ropa rules' for the list"


_FROZEN_AT_EXIT: list[bool] = []
"""Whether :func:`_skip_exit_collection` is registered already (once per process, however many runs)."""


def _skip_exit_collection() -> None:
    """At interpreter exit, leave the objects of the run out of the final collection (:func:`gc.freeze`).

    The process is about to end and the system takes its memory back whole; the collection Python
    makes on the way out would walk every model and finding only to free nothing that matters
    (about 10 ms of a run on the example). Registered, not called: a run inside another program
    (tests) keeps its collector until that program ends.
    """
    if not _FROZEN_AT_EXIT:
        _FROZEN_AT_EXIT.append(True)
        atexit.register(gc.freeze)


@main.command()
@register_argument
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="text", show_default=True)
@output_option("the report")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option("--as-of", metavar="YYYY-MM-DD", help="Judge review ages and waivers as of this date.")
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Run only these rules (repeatable).")
@click.option(
    "--severity",
    type=click.Choice(["error", "warning", "info"]),
    default="info",
    show_default=True,
    help="Show only findings at this severity or above (the exit code still follows --fail-on over all).",
)
@click.option("--summary", is_flag=True, help="Print counts by rule and severity with a total instead of the findings.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@handles_errors
@collector_paused()
def validate(
    register: str,
    fmt: str,
    output: str | None,
    fail_on: str,
    as_of: str | None,
    rules: tuple[str, ...],
    severity: str,
    summary: bool,
    color: bool | None,
) -> None:
    """Check REGISTER (default: the current folder) against the rule catalogue.

    --severity and --summary change only what is printed: the exit code is 1 when any finding,
    shown or not, reaches --fail-on.
    """
    # The collector stays paused from the first import of the models on: pydantic's classes, the rules and the
    # register stay alive to the end, so collections during start-up walk them and free nothing.
    _skip_exit_collection()
    if summary and fmt not in SUMMARY_FORMATS:
        raise click.BadParameter(
            f"--summary works with --format {' or '.join(SUMMARY_FORMATS)}, not {fmt}", param_hint="--summary"
        )
    try:
        date = _as_of(as_of)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from None
    from ropa.pipeline import validate as run_validate
    from ropa.report import ReportContext

    select = _selected_rules(rules) if rules else None
    use_color = (is_terminal(sys.stdout) and "NO_COLOR" not in os.environ) if color is None else color
    context = ReportContext(
        root=register,
        color=use_color and output is None,
        tool_version=__version__,
        severity=severity,
        summary=summary,
    )
    report = run_validate(
        Path(register), register, date, select, fmt, context, Path(output) if output else None, _echo_until_closed()
    )
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
    from ropa.check.rules import CATALOGUE_VERSION, catalogue
    from ropa.check.rules.docs import explain, listing, reference_markdown

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

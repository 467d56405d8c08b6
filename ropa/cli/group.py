"""The command group: global options, and the last net under every command.

Exit codes shared by every command: 0 done; 1 a result the command was asked to fail on (findings,
a package that does not verify, registers that differ with ``--exit-code``); 2 unreadable or invalid
input, usage errors, output that could not be written; 70 an internal error (see
:mod:`ropa.cli.common`), never a result; 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from ropa import __version__
from ropa.cli.common import CLICK_EXITS, internal_error, set_debug


def _printable_message(error: click.ClickException) -> None:
    """Escape what click's own messages echo from the command line (a path that is a file, say) in place."""
    from ropa.errors import printable

    vars(error)["message"] = printable(error.message)  # click declares it final; the instance is ours to fix


SHORT_HELP_CHARS = 400
"""Longest command description ``ropa --help`` shows: a whole first sentence, never cut short."""


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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List each command with its whole first sentence, wrapped: click would cut it with "..." at one line."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=SHORT_HELP_CHARS)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

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
        """Run as click does, with ``--debug`` off until this run's own option says otherwise."""
        set_debug(False)
        return super().main(args, prog_name, complete_var, standalone_mode, **extra)


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

"""Options that several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_REGISTER = "."
FORMAT_NAMES = ("text", "json", "sarif", "junit", "github")
"""Kept in step with ``ropa.report.FORMATS`` by a test (importing it here would slow start-up)."""
SUMMARY_FORMATS = ("text", "json")
"""Formats with a ``validate --summary`` view; kept in step with ``ropa.report.view.SUMMARY_FORMATS`` by a test."""
DIFF_FORMATS = ("text", "json", "markdown")
"""Kept in step with ``ropa.archive.diff.RENDERERS`` by a test (the CLI does not import it at start-up)."""


def register_argument(func: F) -> F:
    """REGISTER: the register folder, the current one by default."""
    return click.argument("register", default=DEFAULT_REGISTER, type=click.Path(file_okay=False))(func)


def output_option(what: str) -> Callable[[F], F]:
    """``--output FILE``: write ``what`` to FILE atomically instead of to stdout."""
    return click.option("--output", type=click.Path(dir_okay=False), help=f"Write {what} to FILE (atomically).")


annex_findings_option = click.option(
    "--annex-findings",
    is_flag=True,
    help="Print each provider's findings inside its annex (by default they go to annexes/<id>.review.pdf).",
)
"""``--annex-findings`` of build and package: annexes are contract documents and carry no findings unless asked."""


language_option = click.option(
    "--lang",
    "language",
    type=click.Choice(("en", "de", "fr")),
    help="Language of the documents (default: record.language in organisation.yaml, else en); user text stays as is.",
)
"""``--lang`` of build and package; the choices are kept in step with ``ropa.i18n.LANGUAGES`` by a test."""


def rendering_options(quiet_help: str) -> Callable[[F], F]:
    """``--out``, ``--jobs``, ``--quiet`` and ``--no-cache``: the options of every command that renders."""

    def decorate(func: F) -> F:
        for option in reversed(
            [
                click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False)),
                click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core)."),
                click.option("--quiet", "-q", is_flag=True, help=quiet_help),
                click.option(
                    "--no-cache",
                    is_flag=True,
                    help="Render every document, even those unchanged since the last build in OUT.",
                ),
            ]
        ):
            func = option(func)
        return func

    return decorate

"""The document commands: build (and, attached from cli_package, package/verify/diff)."""

from __future__ import annotations

import click


def attach(group: click.Group) -> None:
    """Add the document commands to the CLI group."""
    del group

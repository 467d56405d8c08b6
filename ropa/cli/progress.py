"""Progress of 'ropa build' and 'ropa package' on stderr: stage and count, never in the documents.

On a terminal one line per stage is rewritten in place as documents are done ("rendering 12
documents: 5/12 annexes/tecparts.pdf"); without one (a CI log) each stage prints one line when it
starts (checking once it has passed), so a log shows where a slow or failed run was. ``--quiet``
silences both. The stages are announced by the pipeline and the build through
:meth:`Progress.stage`; each finished document calls the object itself, the plain
``progress(target)`` callback the build has always taken.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from typing import IO

import click

from ropa.cli.common import is_terminal
from ropa.errors import printable

STAGES = {
    "checking": "checking the register",
    "rendering": "rendering {total} document(s)",
    "writing": "writing {total} file(s)",
}
"""Stage name (as the pipeline announces it) -> what the line says."""
AFTER_SUCCESS = frozenset({"checking"})
"""Stages whose line, without a terminal, is printed once they end well: a register with input errors gets
only its located error lines on stderr, as 'ropa validate' gives them."""
CLEAR = "\r\033[K"
"""Back to the line's start and clear it (a shorter line must not leave the end of a longer one)."""


class Progress:
    """Told each stage and each finished document; writes them to ``stream`` (stderr by default)."""

    def __init__(self, command: str, quiet: bool, stream: IO[str] | None = None) -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.show = not quiet and self.stream is not None
        self.terminal = self.show and is_terminal(self.stream)
        self.title = ""
        self.total = 0
        self.done = 0
        self.open = False
        """A terminal line is being rewritten and wants its newline."""
        self.pending = ""
        """Without a terminal, the line of a stage in :data:`AFTER_SUCCESS` not yet printed."""

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed or broken stderr must not stop a build
            click.echo(text, file=self.stream, nl=False)
            self.stream.flush()

    def stage(self, name: str, total: int = 0) -> None:
        """A stage starts: ``total`` is how many documents or files it will report (0: none)."""
        if not self.show:
            return
        if self.pending:
            self._write(self.pending)
        self.close()
        self.title = f"ropa {self.command}: " + STAGES.get(name, name).format(total=total)
        self.total, self.done = total, 0
        if self.terminal:
            self._write(CLEAR + self._fit(self.title))
            self.open = True
        elif name in AFTER_SUCCESS:
            self.pending = self.title + "\n"
        else:
            self._write(self.title + "\n")

    def __call__(self, target: str) -> None:
        """A document is done (rendered or taken from the cache)."""
        self.done += 1
        if self.terminal and self.open:
            self._write(CLEAR + self._fit(f"{self.title}: {self._count()} {printable(target)}"))

    @staticmethod
    def _fit(text: str) -> str:
        """``text`` cut to the terminal's width: a wrapped line could not be rewritten in place."""
        width = shutil.get_terminal_size((80, 24)).columns - 1
        return text if len(text) <= width else text[: max(width - 3, 0)] + "..."

    def _count(self) -> str:
        return f"{self.done}/{self.total}" if self.total else str(self.done)

    def close(self) -> None:
        """End the terminal line, so that what is printed next starts a line of its own.

        A pending line is dropped: its stage did not end (bad input), and the error lines stand alone.
        """
        self.pending = ""
        if self.open:
            if self.done:
                self._write(CLEAR + self._fit(f"{self.title}: {self._count()} done"))
            self._write("\n")
            self.open = False

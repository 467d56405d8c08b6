"""User errors (bad input, with locations) kept apart from internal errors.

A :class:`Diagnostic` is one problem in the user's input, located in a file. An
:class:`InputError` carries every diagnostic of a run, so that all of them are
reported together; the CLI turns it into exit code 2 with no traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

KeyPath = tuple[str | int, ...]

INTERNAL_ERROR_EXIT = 70
"""Exit code of an internal error (a bug, never a result): EX_SOFTWARE of BSD's sysexits.h."""

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _ESCAPES:
        return _ESCAPES[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every character that is not printable escaped as Python's ``repr`` escapes it.

    So a file name or other text from input can end no line (LF, CR, NEL, U+2028/2029),
    start no workflow command on a line of its own, send no terminal escape (ESC and
    the other C0/C1 controls) and reorder no text (bidirectional controls U+202A-202E,
    U+2066-2069 and the other format characters); an undecodable byte of a file name
    (a lone surrogate) shows as ``\\udcXX`` instead of failing the write. Backslashes are
    kept, so ordinary paths read as they are.
    """
    if text.isprintable():  # the common case, in C
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def printable_lines(text: str) -> str:
    """:func:`printable` for each line of a message of several lines; the line breaks between them stay."""
    return "\n".join(printable(line) for line in text.split("\n"))


def format_path(path: KeyPath) -> str:
    """Render a key path as ``a.b[0].c`` for messages."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located problem in the input.

    Attributes:
        file: Path of the file, as given to the user (relative to the register).
        line: 1-based line, 0 when unknown.
        column: 1-based column, 0 when unknown.
        message: What is wrong and how to fix it, in one line.
        path: Key path inside the document.
        code: A pseudo rule id (``INPUT-yaml``, ``INPUT-schema``, ``INPUT-reference`` ...).
    """

    file: str
    line: int
    column: int
    message: str
    path: KeyPath = field(default=(), compare=False)
    code: str = field(default="INPUT-schema", compare=False)

    def render(self) -> str:
        """One line: ``file:line:col: error CODE message (at key.path)``, every part :func:`printable`.

        The file name comes from the register folder (a pull request can name a file
        anything), so it is escaped like the values quoted in the message.
        """
        where = f" (at {format_path(self.path)})" if self.path else ""
        return printable(f"{self.file}:{self.line}:{self.column}: error {self.code} {self.message}{where}")


class RopaError(Exception):
    """Base for every error ropa reports to the user without a traceback."""

    exit_code = 2


class InputError(RopaError):
    """The input cannot be read or does not match the model."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Diagnostic]]]:
        """Pickle by diagnostics, so an error raised in a render worker reaches the command intact."""
        return (InputError, (self.diagnostics,))


class UsageError(RopaError):
    """The command line or environment is wrong (unwritable folder, bad option)."""


class OutputError(RopaError):
    """Writing an output failed (disk full, permission denied); nothing partial was left."""

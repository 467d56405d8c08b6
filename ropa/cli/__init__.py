"""Command line: thin commands, each calling one function of :mod:`ropa.pipeline`.

:mod:`ropa.cli.group` holds the group and the exit codes; each module below adds its commands to it:
:mod:`~ropa.cli.check` (validate, rules), :mod:`~ropa.cli.documents` (build), :mod:`~ropa.cli.archive`
(package, verify, diff), :mod:`~ropa.cli.catalogue` (schema, init), :mod:`~ropa.cli.importing` (import).
Options shared by several commands are declared once in :mod:`ropa.cli.options`. Only this package talks to
the terminal.
"""

from ropa.cli import archive, catalogue, check, documents, importing
from ropa.cli.group import main
from ropa.cli.options import DIFF_FORMATS, FORMAT_NAMES

__all__ = ["DIFF_FORMATS", "FORMAT_NAMES", "archive", "catalogue", "check", "documents", "importing", "main"]

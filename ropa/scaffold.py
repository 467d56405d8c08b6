"""'ropa init': start a register folder that an editor understands at once.

The folder gets either the bundled example register or a blank one (a commented
organisation.yaml and one commented provider file to copy), plus the JSON Schemas in
``schemas/``. Each YAML file's ``yaml-language-server`` modeline is rewritten to point at
that copy, relative to the file: the modelines of the bundled files point into the source
tree, which a new folder does not have.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ropa.errors import UsageError
from ropa.util.fsutil import atomic_write

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

EXAMPLE = "sms-providers"
BLANK = "blank"
SCHEMAS_DIR = "schemas"
TODAY = b"__TODAY__"
"""Stands in the blank organisation.yaml for the record's date, the day the register is started."""
MODELINE = re.compile(rb"\A# yaml-language-server: \$schema=(?P<path>\S+)")
"""The first line of a register file that tells the YAML language server which schema applies."""


def _tree(root: Traversable, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    """Relative path -> content of every file under ``root`` whose name ends with one of ``suffixes``."""
    out: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            elif child.name.endswith(suffixes):
                out[rel] = child.read_bytes()

    walk(root, "")
    return out


def example_files() -> dict[str, bytes]:
    """Relative path -> content of every file of the bundled example register, as shipped."""
    return _tree(resources.files("ropa").joinpath("examples", EXAMPLE), (".yaml", ".yml", ".md"))


def blank_files() -> dict[str, bytes]:
    """Relative path -> content of the blank register's files, as shipped (the date not yet filled in)."""
    return _tree(resources.files("ropa").joinpath(BLANK), (".yaml", ".yml"))


def schema_files() -> dict[str, bytes]:
    """``schemas/<name>`` -> content of every JSON Schema shipped in the package."""
    shipped = _tree(resources.files("ropa").joinpath(SCHEMAS_DIR), (".json",))
    return {f"{SCHEMAS_DIR}/{name}": data for name, data in shipped.items()}


def local_modeline(rel: str, data: bytes) -> bytes:
    """``data`` with its schema modeline pointing at ``schemas/`` of the register, relative to ``rel``."""
    match = MODELINE.match(data)
    if match is None:
        return data
    name = match["path"].rsplit(b"/", 1)[-1]
    up = b"../" * rel.count("/")
    return data[: match.start("path")] + up + SCHEMAS_DIR.encode() + b"/" + name + data[match.end("path") :]


def register_files(blank: bool = False, today: dt.date | None = None) -> dict[str, bytes]:
    """Relative path -> content of every file ``ropa init`` writes, in the order it writes them."""
    if blank:
        date = (today or dt.date.today()).isoformat().encode()
        files = {rel: data.replace(TODAY, date) for rel, data in blank_files().items()}
    else:
        files = example_files()
    return {**schema_files(), **{rel: local_modeline(rel, data) for rel, data in files.items()}}


def init_register(target: Path, blank: bool = False, today: dt.date | None = None) -> list[str]:
    """Write a new register into ``target``; refuse, before writing anything, if any file would be overwritten.

    Raises:
        UsageError: when ``target`` already holds one of the files.
    """
    files = register_files(blank, today)
    clashes = [rel for rel in files if (target / rel).exists() or (target / rel).is_symlink()]
    if clashes:
        raise UsageError(f"{target}: {clashes[0]} already exists; refusing to overwrite (choose an empty folder)")
    for rel, data in files.items():
        atomic_write(target / rel, data)
    return sorted(files)

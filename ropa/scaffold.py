"""'ropa init': copy the bundled example register as a starting point."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ropa.errors import UsageError
from ropa.fsutil import atomic_write

EXAMPLE = "sms-providers"


def example_files() -> dict[str, bytes]:
    """Relative path -> content of every file of the bundled example register."""
    root = resources.files("ropa").joinpath("examples", EXAMPLE)
    out: dict[str, bytes] = {}

    def walk(node: object, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):  # type: ignore[attr-defined]
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            elif child.name.endswith((".yaml", ".yml", ".md")):
                out[rel] = child.read_bytes()

    walk(root, "")
    return out


def init_register(target: Path) -> list[str]:
    """Copy the example into ``target``; refuse if any file would be overwritten.

    Raises:
        UsageError: when ``target`` already holds a register file.
    """
    files = example_files()
    clashes = [rel for rel in files if (target / rel).exists()]
    if clashes:
        raise UsageError(f"{target}: {clashes[0]} already exists; refusing to overwrite (choose an empty folder)")
    for rel, data in files.items():
        atomic_write(target / rel, data)
    return sorted(files)

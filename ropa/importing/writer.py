"""Lay an imported register out as files and write them in one step (or print them, for ``--dry-run``).

The files are written into a temporary folder beside ``--out``, loaded back with the register
loader (an import that would not load is a problem, and nothing is written), and only then renamed
to ``--out``: a failed import leaves no folder and no partial file behind.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ropa.errors import InputError
from ropa.importing.problems import ImportFailed, Problem
from ropa.importing.yamlout import Node, dump
from ropa.util.fsutil import TMP_PREFIX, atomic_write


@dataclass
class Imported:
    """A register as read from a workbook, before it is written.

    Attributes:
        organisation: The content of organisation.yaml.
        activities: File name under activities/ -> the activities of that file.
        providers: The providers, one file each under providers/.
        notes: Lines for the person importing (columns not verified, values kept as comments...).
    """

    organisation: Node
    activities: dict[str, list[Node]] = field(default_factory=dict)
    providers: list[Node] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def files(imported: Imported, header: list[str]) -> dict[str, str]:
    """Relative path -> YAML text of every file of the register, in a fixed order."""
    out = {"organisation.yaml": dump(imported.organisation, header)}
    for name in sorted(imported.activities):
        node = Node()
        node.set("activities", list(imported.activities[name]), keep_empty=True)
        out[f"activities/{name}.yaml"] = dump(node, header)
    for provider in sorted(imported.providers, key=lambda p: str(p.items["id"])):
        out[f"providers/{provider.items['id']}.yaml"] = dump(provider, header)
    return out


def dry_run_text(contents: dict[str, str]) -> str:
    """What ``--dry-run`` prints: each file under a ``--- path`` line."""
    return "".join(f"--- {path}\n{text}" for path, text in contents.items())


def _free(out: Path, shown: str) -> None:
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise ImportFailed([Problem(shown, "", "", "--out exists and is not a folder; give a new folder")])
        if any(out.iterdir()):
            raise ImportFailed(
                [Problem(shown, "", "", f"--out {out} is not empty; give a new or empty folder (nothing was written)")]
            )


def write(contents: dict[str, str], out: Path, shown: str) -> None:
    """Write the files into ``out`` (new or empty), all or nothing, after loading them back."""
    _free(out, shown)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f"{TMP_PREFIX}{os.getpid()}-import-{uuid.uuid4().hex[:12]}"
    try:
        for rel, text in contents.items():
            atomic_write(staging / rel, text)
        _loads(staging, shown)
        if out.is_dir():
            out.rmdir()
        os.rename(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _loads(folder: Path, shown: str) -> None:
    """Load the written register back; a file the loader refuses is reported, as the import's own problem."""
    from ropa.load.loader import load_register

    try:
        load_register(folder, display_root="")
    except InputError as error:
        raise ImportFailed(
            [
                Problem(shown, "", "", f"the imported register would not load ({d.render()}); please report this")
                for d in error.diagnostics[:20]
            ]
        ) from None

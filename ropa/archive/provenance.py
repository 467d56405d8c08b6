"""The versions that shape a package's bytes, recorded in its manifest and compared when it is read.

The same register gives the same bytes only with the same ropa, Python and
libraries: WeasyPrint (with pydyf and fontTools, which write and subset the PDFs),
pikepdf (which joins them), openpyxl (the workbook), Jinja2 (the templates),
PyYAML (the register as read) and pydantic (the normalised register). Looked up in
the installed distributions' metadata, which imports none of them.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pikepdf", "openpyxl", "jinja2", "pyyaml", "pydantic")
"""Distribution names, as keys of the manifest's ``versions`` table (beside ``ropa`` and ``python``)."""


def running_versions() -> dict[str, str]:
    """``{"ropa": ..., "python": ..., "weasyprint": ...}`` of this installation."""
    from importlib import metadata

    from ropa import __version__

    info = sys.version_info
    python = f"{info.major}.{info.minor}.{info.micro}"
    if info.releaselevel != "final":
        python += f"{info.releaselevel[0]}{info.serial}"
    out = {"ropa": __version__, "python": python}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def version_note(recorded: Mapping[str, str], running: Mapping[str, str] | None = None) -> str | None:
    """One sentence naming each version that differs from the running one, or None when all agree.

    Only names both sides know are compared: an older package that recorded fewer is judged
    on those, and names this ropa does not record are not repeated.
    """
    here = running if running is not None else running_versions()
    differ = [
        f"{name} {recorded[name]} (here {here[name]})"
        for name in sorted(recorded)
        if name in here and recorded[name] != here[name]
    ]
    if not differ:
        return None
    return (
        f"made with other versions than these: {', '.join(differ)}; "
        "documents made here from the same register can differ byte for byte"
    )

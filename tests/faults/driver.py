"""Run ``ropa`` in this process with faults injected, for tests that need a real, separate process.

Usage: ``python driver.py SPEC_JSON ropa-arguments...`` where the spec may hold

- ``stub_render``: replace rendering with small fixed documents (fast, known bytes);
- ``slow_write``: ``{"suffix": ".xlsx", "seconds": 2}`` pause half-way through writing the file with
  that suffix (temporary files keep their target's suffix);
- ``kill_in_write``: a suffix; SIGKILL this process half-way through writing that file;
- ``in_folder``: only files whose folder path contains this text count (e.g. ``.ropa-cache``);
- ``announce``: a path; written (outside the output folder) when the half-way point is reached.

Nothing here is part of ropa: the faults are injected from outside, by patching.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any


def stub_document(target: str, version: str) -> bytes:
    """The bytes the stub renderer gives ``target`` for a register of ``version`` (tests compute them too)."""
    line = f"stub {target} of register version {version}\n".encode()
    return line * 2000


def stub_report() -> None:
    """Replace the package's validation-report PDF too (it renders with WeasyPrint, about a second)."""
    import ropa.render.report_pdf

    ropa.render.report_pdf.render_report_pdf = lambda *args, **kwargs: b"%PDF-1.7 stub report\n"


def install(spec: dict[str, Any]) -> None:
    """Patch rendering and writing as ``spec`` asks."""
    import ropa.produce.build

    if spec.get("stub_render"):

        def render_job(job: Any, register: Any, report: Any, templates: Any) -> bytes:
            return stub_document(job.target, register.organisation.record.version)

        ropa.produce.build.render_all = functools.partial(ropa.produce.build.render_all, renderer=render_job)  # type: ignore[assignment]
        stub_report()

    slow = spec.get("slow_write") or {}
    kill = spec.get("kill_in_write")
    suffix = kill if kill is not None else slow.get("suffix")
    announce = spec.get("announce")
    if suffix is None:
        return
    real_write_bytes = Path.write_bytes

    folder = spec.get("in_folder", "")

    def write_bytes(self: Path, data: Any) -> int:
        if not (self.name.startswith(".ropa-tmp-") and self.name.endswith(suffix) and folder in str(self.parent)):
            return real_write_bytes(self, data)
        with open(self, "wb") as handle:
            half = len(data) // 2
            handle.write(data[:half])
            handle.flush()
            os.fsync(handle.fileno())
            if announce:
                Path(announce).write_text(self.name + "\n")
            if kill is not None:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(float(slow["seconds"]))
            handle.write(data[half:])
        return len(data)

    Path.write_bytes = write_bytes  # type: ignore[method-assign]
    if suffix == ".zip":
        # The package streams its zip into an open file: made in memory here, then written by the
        # patched write_bytes above, so the fault lands half-way through the archive as before.
        import io

        import ropa.archive.package

        real_write_zip = ropa.archive.package.write_zip

        def write_zip(members: Any, when: Any, target: Any) -> None:
            buffer = io.BytesIO()
            real_write_zip(members, when, buffer)
            Path(target.name).write_bytes(buffer.getvalue())

        ropa.archive.package.write_zip = write_zip  # type: ignore[assignment]


def main() -> None:
    """Install the faults, then run the ropa command line with the remaining arguments."""
    spec = json.loads(sys.argv[1])
    install(spec)
    from ropa.cli import main as ropa_main

    ropa_main(sys.argv[2:], prog_name="ropa")


if __name__ == "__main__":
    main()

"""Helpers of the hostile-input and fault suites: write a register, run a command, check the refusal.

Every hostile case runs through the real command line (click's runner, in-process
for speed; a few cases that could crash the interpreter run ``python -m ropa`` in a
subprocess) and is checked the same way: the exit code, one located message per
problem, no traceback, and an output folder left byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ropa.cli import main

ORGANISATION = """\
legal_name: Example GmbH
country: DE
address: {street: Hauptstraße 1, postal_code: "10115", city: Berlin, country: DE}
contact: {email: privacy@example.com}
dpo: {designated: true, name: Dana Protect, email: dpo@example.com}
record: {version: "1", date: 2026-11-01}
"""

PROVIDER = """\
id: acme
legal_name: Acme SMS Ltd
country: DE
role: processor
service: SMS delivery
contract:
  title: Data processing agreement
  signed: 2026-01-15
  form: written
  art28:
    a: {section: "2"}
    b: {section: "3"}
    c: {section: "4"}
    d: {section: "5"}
    e: {section: "6"}
    f: {section: "7"}
    g: {section: "8"}
    h: {section: "9"}
    notice: {section: "2.3"}
toms:
  - kind: transmission
    measure: TLS 1.3 for all API traffic
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes to customers by SMS
        lawful_basis: 6.1.b
    data_subjects:
      - name: Customers who log in
    data_categories:
      - id: phone
        name: Mobile phone number
        retention:
          kind: duration
          duration: P30D
    recipients: []
"""

DIAGNOSTIC = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): error (?P<code>[A-Z][\w-]*) (?P<message>.+)$")
"""One rendered :class:`ropa.errors.Diagnostic` line."""

PREVIOUS = {
    "register.pdf": b"%PDF-1.7 previous register\n",
    "register.xlsx": b"PK previous workbook\n",
    "annexes/acme.pdf": b"%PDF-1.7 previous annex\n",
    "annexes/acme.review.pdf": b"%PDF-1.7 previous review of the provider\n",
    "report.txt": b"previous report\n",
}
"""Files a previous run left in the output folder; a refused run must not touch them."""

COMMANDS = ("validate", "build", "package")
MAX_MESSAGE_CHARS = 600
"""A clear message fits on a screen: hostile values are quoted shortened, not echoed in full."""


@dataclass(frozen=True)
class Outcome:
    """What a command run gave: exit code and both streams."""

    code: int
    stdout: str
    stderr: str

    def diagnostics(self) -> list[re.Match[str]]:
        """The located error lines on stderr."""
        return [m for m in map(DIAGNOSTIC.match, self.stderr.splitlines()) if m]


def invoke(args: list[str]) -> Outcome:
    """Run the CLI in-process; an exception escaping it fails the test with its traceback."""
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"ropa {' '.join(args)} raised instead of reporting:\n{trace}")
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run_subprocess(args: list[str], cwd: Path, timeout: float = 60) -> Outcome:
    """Run ``python -m ropa`` in a fresh interpreter (for inputs that could crash one)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ropa", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def command_args(command: str, register: Path, out: Path) -> list[str]:
    """Arguments running ``command`` on ``register`` with everything it writes going into ``out``."""
    if command == "validate":
        return ["validate", str(register), "--output", str(out / "report.txt")]
    if command == "build":
        return ["build", str(register), "--out", str(out), "--jobs", "1", "--quiet"]
    return ["package", str(register), "--out", str(out), "--jobs", "1", "--quiet"]


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (hidden and temporary files included)."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def seed_output(out: Path) -> dict[str, str]:
    """Fill ``out`` with the files of an earlier run; return its snapshot."""
    for rel, data in PREVIOUS.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return snapshot(out)


def assert_clean_refusal(
    outcome: Outcome,
    file: str,
    line: int | None = None,
    fragment: str | None = None,
    single: bool = True,
    code: int = 2,
) -> re.Match[str]:
    """Exit ``code``, no traceback, every stderr line a located diagnostic, one naming ``file``(:``line``).

    Returns the diagnostic that names ``file``.
    """
    assert outcome.code == code, (outcome.code, outcome.stdout, outcome.stderr)
    assert "Traceback" not in outcome.stderr and "Traceback" not in outcome.stdout, outcome.stderr
    lines = [text for text in outcome.stderr.splitlines() if text.strip()]
    found = outcome.diagnostics()
    assert lines and len(found) == len(lines), f"stray or unlocated lines on stderr:\n{outcome.stderr}"
    if single:
        assert len(found) == 1, f"expected one message:\n{outcome.stderr}"
    assert all(len(text) <= MAX_MESSAGE_CHARS for text in lines), f"over-long message:\n{outcome.stderr[:3000]}"
    named = [m for m in found if m["file"].endswith(file)]
    assert named, f"no message names {file}:\n{outcome.stderr}"
    hit = named[0]
    if line is not None:
        assert int(hit["line"]) == line, f"expected line {line}:\n{outcome.stderr}"
    else:
        assert int(hit["line"]) >= 0
    if fragment is not None:
        assert fragment.lower() in outcome.stderr.lower(), f"expected {fragment!r} in:\n{outcome.stderr}"
    return hit


@dataclass
class Workspace:
    """A register folder and an output folder under ``tmp_path``."""

    root: Path
    register: Path
    out: Path

    def write(self, rel: str, content: str | bytes) -> Path:
        """Write one register file (text as UTF-8, bytes as they are)."""
        path = self.register / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def refuse_everywhere(
        self,
        file: str,
        line: int | None = None,
        fragment: str | None = None,
        single: bool = True,
        commands: tuple[str, ...] = COMMANDS,
    ) -> None:
        """Run every command and assert each refuses cleanly and leaves the output folder alone."""
        before = seed_output(self.out)
        for command in commands:
            outcome = invoke(command_args(command, self.register, self.out))
            assert_clean_refusal(outcome, file, line, fragment, single)
            assert snapshot(self.out) == before, f"'ropa {command}' changed the output folder"

"""`ropa validate` run as the program ends without tearing the interpreter down (ropa/cli_common.py).

Freeing every module at exit cost more than checking a small register. The
process must still end with its report complete (to a pipe, to a file), its exit
code right, and only when ropa is the program: called from Python code (with
arguments, not standalone, or with captured streams) it returns or raises as
click does, and other commands exit the usual way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ropa.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"
AS_PROGRAM = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("torn down\\n"))
from ropa.cli import main
main()
"""
AS_LIBRARY = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("torn down\\n"))
from ropa.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    sys.stderr.write(f"caught {exc.code}\\n")
"""


def _run(code: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, timeout=120)


def _in_process(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


@pytest.mark.parametrize("fail_on", ["error", "never"])
@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_the_report_is_whole_and_the_exit_code_right(fmt: str, fail_on: str) -> None:
    args = ("validate", str(EXAMPLE), "--format", fmt, "--fail-on", fail_on, "--as-of", "2026-11-23")
    done = _run(AS_PROGRAM, *args)
    code, expected = _in_process(*args)
    assert (done.returncode, done.stdout.decode("utf-8")) == (code, expected)
    assert code == (1 if fail_on == "error" else 0) and len(expected) > 10_000
    assert b"torn down" not in done.stderr, "validate as the program ends at once"


def test_a_report_written_to_a_file_is_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    args = ("validate", str(EXAMPLE), "--format", "json", "--output", str(out), "--as-of", "2026-11-23")
    done = _run(AS_PROGRAM, *args)
    assert done.returncode == 1 and done.stdout == b""
    assert out.read_text(encoding="utf-8") == _in_process(*args[:-4], "--as-of", "2026-11-23")[1]


def test_called_from_python_it_raises_system_exit_as_click_does() -> None:
    done = _run(AS_LIBRARY, "validate", str(EXAMPLE), "--output", "/dev/null")
    assert done.returncode == 0
    assert done.stderr.decode().splitlines() == ["caught 1", "torn down"]


@pytest.mark.parametrize("args", [("rules",), ("validate", "--as-of", "soon", str(EXAMPLE)), ("validate", "/nowhere")])
def test_other_commands_and_failures_exit_the_usual_way(args: tuple[str, ...]) -> None:
    done = _run(AS_PROGRAM, *args)
    assert done.returncode == (0 if args == ("rules",) else 2)
    assert done.stderr.decode().endswith("torn down\n")


def test_a_reader_that_stops_early_changes_nothing() -> None:
    """`ropa validate | head -1`: quiet, exit code of the findings."""
    proc = subprocess.Popen(
        [sys.executable, "-c", AS_PROGRAM, "validate", str(EXAMPLE), "--format", "sarif"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    code = proc.wait(timeout=120)
    assert first.startswith(b"{") and code == 1
    assert proc.stderr.read() == b""

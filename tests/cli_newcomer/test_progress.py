"""Progress of build and package: stages on stderr (counts on a terminal), nothing with --quiet, same files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ropa.cli import main
from ropa.cli.progress import CLEAR, Progress

PROVIDER: dict[str, Any] = {
    "id": "acme",
    "legal_name": "Acme Messaging Ltd",
    "country": "DE",
    "role": "processor",
    "service": "SMS delivery",
    "activities": [{"id": "otp", "name": "One-time codes", "recipients": []}],
}


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_line_per_stage_rewritten_with_the_count() -> None:
    screen = Terminal()
    progress = Progress("build", quiet=False, stream=screen)
    progress.stage("checking")
    progress.stage("rendering", 2)
    progress("annexes/a.pdf")
    progress("register.pdf")
    progress.stage("writing", 2)
    progress.close()
    text = screen.getvalue()
    lines = [line.rsplit(CLEAR, 1)[-1] for line in text.split("\n")]
    assert lines == [
        "ropa build: checking the register",
        "ropa build: rendering 2 document(s): 2/2 done",
        "ropa build: writing 2 file(s)",
        "",
    ]
    assert f"{CLEAR}ropa build: rendering 2 document(s): 1/2 annexes/a.pdf{CLEAR}" in text


def test_a_terminal_line_never_wraps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    screen = Terminal()
    progress = Progress("package", quiet=False, stream=screen)
    progress.stage("rendering", 120)
    progress("annexes/a-provider-with-a-very-long-identifier.pdf")
    progress.close()
    shown = [part for line in screen.getvalue().split("\n") for part in line.split(CLEAR) if part]
    assert shown and all(len(part) <= 39 for part in shown), shown
    assert shown[-1] == "ropa package: rendering 120 document..."


def test_quiet_and_closed_streams_print_nothing() -> None:
    screen = Terminal()
    progress = Progress("build", quiet=True, stream=screen)
    progress.stage("rendering", 1)
    progress("register.pdf")
    progress.close()
    assert screen.getvalue() == ""
    screen.close()
    loud = Progress("build", quiet=False, stream=screen)
    loud.stage("rendering", 1)  # a closed stderr must not stop the build
    loud("register.pdf")
    loud.close()


def _build(root: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out), "--only", "annexes", *extra])
    return result.exit_code, result.stdout, result.stderr


def test_build_without_a_terminal_prints_one_line_per_stage(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register({"acme": PROVIDER})
    code, out, err = _build(root, tmp_path / "loud")
    assert code == 0, err
    annexes = len(list((tmp_path / "loud" / "annexes").glob("*.pdf")))
    assert annexes >= 1
    assert err.splitlines() == [
        "ropa build: checking the register",
        f"ropa build: rendering {annexes} document(s)",
        f"ropa build: writing {annexes} file(s)",
    ]
    assert out.startswith(f"wrote {annexes} file(s) to ")
    code, out, err = _build(root, tmp_path / "quiet", "--quiet")
    assert (code, out, err) == (0, "", "")
    loud = (tmp_path / "loud" / "annexes" / "acme.pdf").read_bytes()
    assert loud == (tmp_path / "quiet" / "annexes" / "acme.pdf").read_bytes(), "progress must not reach the files"
    assert "Acme Messaging Ltd" in PdfReader(tmp_path / "quiet" / "annexes" / "acme.pdf").pages[0].extract_text()


def test_invalid_input_after_a_stage_line(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register({"acme": {**PROVIDER, "country": "Germany"}})
    code, out, err = _build(root, tmp_path / "out")
    assert code == 2 and out == ""
    (problem,) = err.splitlines()  # the checking stage did not pass: its line is not printed
    assert problem.startswith(f"{root}/providers/acme.yaml:3:1: error INPUT-schema")
    assert not (tmp_path / "out").exists()


def test_package_prints_its_stages(make_register: Callable[..., Path], tmp_path: Path) -> None:
    root = make_register({"acme": PROVIDER})
    result = CliRunner().invoke(main, ["package", str(root), "--out", str(tmp_path / "out"), "--allow-findings"])
    assert result.exit_code == 0, result.output
    stages = [line for line in result.stderr.splitlines() if line.startswith("ropa package: ")]
    (zipped,) = (tmp_path / "out").glob("*.zip")
    with zipfile.ZipFile(zipped) as archive:  # the register PDF and workbook, the annexes, the validation report
        documents = [name for name in archive.namelist() if name.endswith((".pdf", ".xlsx"))]
    assert len(documents) >= 4
    assert stages == ["ropa package: checking the register", f"ropa package: rendering {len(documents)} document(s)"]
    assert result.stdout.startswith("wrote ")
    quiet = CliRunner().invoke(main, ["package", str(root), "--out", str(tmp_path / "q"), "--allow-findings", "-q"])
    assert quiet.exit_code == 0
    assert not any(line.startswith("ropa package: ") for line in quiet.stderr.splitlines())
    (again,) = (tmp_path / "q").glob("*.zip")
    assert zipped.read_bytes() == again.read_bytes()

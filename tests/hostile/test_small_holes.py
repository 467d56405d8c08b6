"""Small holes: closed stdout, special --output paths, a malformed SOURCE_DATE_EPOCH, names too long for a file.

Each is a case a CI job meets by accident: ``>&-`` in a wrapper script,
``--output /dev/stdout`` (as root in a container), a ``SOURCE_DATE_EPOCH`` set from
the wrong variable, an organisation with a very long legal name.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from hostile.support import Workspace, assert_clean_refusal, invoke
from ropa.errors import OutputError
from ropa.util.dates import LATEST_EPOCH, source_date_epoch
from ropa.util.fsutil import atomic_path, atomic_write, open_descriptor

SUMMARY = "error(s), "
"""On the last line of every text report."""


def ropa_shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m ropa`` run by a shell, so redirections such as ``>&-`` apply to it."""
    return subprocess.run(
        ["sh", "-c", f"exec {sys.executable} -W ignore -m ropa {command}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- validate with stdout closed -------------------------------------------------------------------


def test_validate_with_stdout_closed_still_writes_its_output(ws: Workspace) -> None:
    proc = ropa_shell(f"validate '{ws.register}' --output '{ws.root}/report.txt' >&-", ws.root)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == "", proc.stderr
    report = (ws.root / "report.txt").read_text("utf-8")
    assert "providers/acme.yaml:" in report and SUMMARY in report.splitlines()[-1]


@pytest.mark.parametrize("fmt", ["text", "github", "sarif"])
def test_validate_with_stdout_closed_and_no_output_gives_its_exit_code(fmt: str, ws: Workspace) -> None:
    proc = ropa_shell(f"validate '{ws.register}' --format {fmt} --fail-on info >&-", ws.root)
    assert proc.returncode == 1, proc.stderr  # the example has findings: the verdict still arrives
    assert proc.stderr == ""


def test_build_with_stderr_closed_still_builds(ws: Workspace) -> None:
    proc = ropa_shell(f"build '{ws.register}' --out '{ws.out}' --only xlsx 2>&-", ws.root)
    assert proc.returncode == 0
    assert zipfile.is_zipfile(ws.out / "register.xlsx")


# --- --output to special files ---------------------------------------------------------------------


def _lstat(path: str) -> tuple[int, int, int]:
    info = os.lstat(path)
    return info.st_mode, info.st_ino, info.st_dev


@pytest.mark.parametrize("stream", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_output_to_dev_stdout_redirected_to_a_file_writes_the_file_and_keeps_the_link(
    stream: str, ws: Workspace
) -> None:
    """As root, a rename over /dev/stdout replaced the link with a file and left the redirected file empty."""
    if not os.path.exists(stream):
        pytest.skip(f"{stream} does not exist here")
    before = _lstat("/dev/stdout")
    redirected = ws.root / "redirected.txt"
    proc = ropa_shell(f"validate '{ws.register}' --output {stream} > '{redirected}'", ws.root)
    assert proc.returncode in (0, 1), proc.stderr
    assert _lstat("/dev/stdout") == before and os.path.islink("/dev/stdout")
    text = redirected.read_text("utf-8")
    assert "providers/acme.yaml:" in text and SUMMARY in text


def test_output_to_dev_stdout_appends_where_the_shell_appends(ws: Workspace) -> None:
    log = ws.root / "ci.log"
    log.write_text("earlier step\n")
    proc = ropa_shell(f"validate '{ws.register}' --format github --output /dev/stdout >> '{log}'", ws.root)
    assert proc.returncode in (0, 1), proc.stderr
    lines = log.read_text("utf-8").splitlines()
    assert lines[0] == "earlier step" and lines[1].startswith("::") and lines[-1].startswith("ropa: ")


def test_output_to_dev_stdout_on_a_pipe_and_to_dev_stderr(ws: Workspace) -> None:
    proc = ropa_shell(f"validate '{ws.register}' --output /dev/stdout", ws.root)
    assert proc.returncode in (0, 1) and SUMMARY in proc.stdout
    proc = ropa_shell(f"validate '{ws.register}' --output /dev/stderr", ws.root)
    assert proc.returncode in (0, 1) and SUMMARY in proc.stderr and proc.stdout == ""


def test_output_to_dev_stdout_in_process_reaches_the_captured_stream(ws: Workspace) -> None:
    outcome = invoke(["validate", str(ws.register), "--output", "/dev/stdout"])
    assert outcome.code in (0, 1) and SUMMARY in outcome.stdout
    outcome = invoke(["diff", str(ws.register), str(ws.register), "--output", "/dev/stdout", "--format", "json"])
    assert outcome.code == 0 and outcome.stdout.lstrip().startswith("{")


def test_output_to_a_closed_stdout_is_a_clean_refusal(ws: Workspace) -> None:
    proc = ropa_shell(f"validate '{ws.register}' --output /dev/stdout >&-", ws.root)
    assert proc.returncode == 2
    assert proc.stderr.startswith("/dev/stdout: cannot write (") and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_a_link_to_dev_stdout_and_a_link_to_dev_null_stay_links(ws: Workspace) -> None:
    to_stdout, to_null = ws.root / "out-link", ws.root / "null-link"
    to_stdout.symlink_to("/dev/stdout")
    to_null.symlink_to("/dev/null")
    assert open_descriptor(to_stdout) == 1 and open_descriptor(to_null) is None
    outcome = invoke(["validate", str(ws.register), "--output", str(to_stdout)])
    assert outcome.code in (0, 1) and SUMMARY in outcome.stdout
    outcome = invoke(["validate", str(ws.register), "--output", str(to_null)])
    assert outcome.code in (0, 1) and outcome.stdout == ""
    assert os.readlink(to_stdout) == "/dev/stdout" and os.readlink(to_null) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_fifo_streams_into_it(ws: Workspace) -> None:
    fifo = ws.root / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    outcome = invoke(["validate", str(ws.register), "--output", str(fifo)])
    reader.join(timeout=30)
    assert outcome.code in (0, 1), outcome.stderr
    assert received and SUMMARY in received[0].decode("utf-8")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_a_folder_is_refused_in_one_line(ws: Workspace) -> None:
    folder = ws.root / "a-folder"
    folder.mkdir()
    outcome = invoke(["validate", str(ws.register), "--output", str(folder)])
    assert outcome.code == 2 and "a-folder" in outcome.stderr and "is a directory" in outcome.stderr
    assert folder.is_dir() and list(folder.iterdir()) == []
    with pytest.raises(OutputError, match="is a folder"), atomic_path(folder):
        pass


@pytest.mark.parametrize("special", ["/dev/stdout", "/dev/stderr", "/dev/fd/2", "/dev/null"])
def test_atomic_path_never_renames_over_a_special_file(special: str) -> None:
    """atomic_path yields a temporary file to rename: for a stream or a device it refuses instead."""
    if not os.path.lexists(special):
        pytest.skip(f"{special} does not exist here")
    before = _lstat(special)
    with pytest.raises(OutputError, match="not a regular file"), atomic_path(Path(special)):
        pass
    assert _lstat(special) == before


def test_a_full_device_is_a_clean_refusal(ws: Workspace) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with pytest.raises(OutputError, match="cannot write"):
        atomic_write(Path("/dev/full"), b"x" * 10000)
    outcome = invoke(["validate", str(ws.register), "--output", "/dev/full"])
    assert outcome.code == 2 and "/dev/full: cannot write (No space left on device)" in outcome.stderr


# --- SOURCE_DATE_EPOCH ------------------------------------------------------------------------------


BAD_EPOCHS = ["²", "١٧٠٠٠٠٠٠٠٠", "99999999999999", str(LATEST_EPOCH + 1), "-1", "1.5", "1e9", "0x10", "12 34", "+5"]


@pytest.mark.parametrize("value", BAD_EPOCHS)
@pytest.mark.parametrize("command", ["build", "package"])
def test_a_malformed_source_date_epoch_is_refused_before_anything_is_written(
    value: str, command: str, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    outcome = invoke([command, str(ws.register), "--out", str(ws.out), "--jobs", "1"])
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    (line,) = outcome.stderr.splitlines()
    assert line.startswith(f"SOURCE_DATE_EPOCH={value!r} is not a time ropa can use;"), line
    assert "Traceback" not in outcome.stderr
    assert not ws.out.exists()


@pytest.mark.parametrize(
    ("value", "year"), [("0", 1970), ("315532800", 1980), ("1700000000\n", 2023), (str(LATEST_EPOCH), 9999)]
)
def test_a_plain_decimal_source_date_epoch_is_used(value: str, year: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    when = source_date_epoch()
    assert when is not None and when.year == year and when.utcoffset() is not None


def test_an_empty_source_date_epoch_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date_epoch() is None


def test_the_last_epoch_builds_a_workbook(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATEST_EPOCH))
    outcome = invoke(["build", str(ws.register), "--out", str(ws.out), "--only", "xlsx", "--quiet"])
    assert outcome.code == 0, outcome.stderr
    with zipfile.ZipFile(ws.out / "register.xlsx") as workbook:
        assert "9999-12-31T23:59:59Z" in workbook.read("docProps/core.xml").decode("utf-8")


# --- names used in file names ----------------------------------------------------------------------


def test_a_very_long_legal_name_and_version_still_package(ws: Workspace) -> None:
    """Both go into the package's file name: bounded, a cut one ending in a digest of the whole value."""
    text = (ws.register / "organisation.yaml").read_text("utf-8")
    text = text.replace("legal_name: Example GmbH", "legal_name: " + "Ö" * 300 + " GmbH")
    text = text.replace('version: "1"', 'version: "' + "2026." * 60 + '1"')
    (ws.register / "organisation.yaml").write_text(text, "utf-8")
    outcome = invoke(["package", str(ws.register), "--out", str(ws.out), "--allow-findings", "--jobs", "1", "-q"])
    assert outcome.code == 0, outcome.stderr
    (package,) = ws.out.glob("*.zip")
    assert len(package.name) <= 130 and package.name.startswith("o" * 60)
    assert (ws.out / f"{package.name}.sha256").read_text().split()[1] == package.name
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
    assert len({n.lower() for n in names}) == len(names), "two members differ only in case"
    assert invoke(["verify", str(package)]).code == 0


def test_package_names_of_long_values_that_share_their_start_differ() -> None:
    from ropa.util.dates import slug

    first, second = slug("A" * 200 + " one"), slug("A" * 200 + " two")
    assert first != second and len(first) == len(second) == 80
    assert slug("Nordlicht Commerce GmbH") == "nordlicht-commerce-gmbh"


@pytest.mark.parametrize(
    ("provider_id", "why"),
    [("a" * 300, "at most 63 characters"), ("Acme", "lower-case letters")],
    ids=["300-characters", "upper-case"],
)
def test_a_provider_id_unfit_for_a_file_name_is_refused_by_validation(
    provider_id: str, why: str, ws: Workspace
) -> None:
    """Ids name the annex files: too long, or differing from another only in case, they never validate."""
    path = ws.register / "providers" / "acme.yaml"
    path.write_text(path.read_text("utf-8").replace("id: acme", f"id: {provider_id}", 1), "utf-8")
    for command in (["validate", str(ws.register)], ["package", str(ws.register), "--out", str(ws.out)]):
        outcome = invoke(command)
        hit = assert_clean_refusal(outcome, "providers/acme.yaml", 1, why, single=False)
        assert "(at id)" in hit["message"]
    assert not ws.out.exists()

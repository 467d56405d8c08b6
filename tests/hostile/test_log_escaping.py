"""No line ropa prints can be taken for a workflow command or a terminal escape, whatever the file names hold.

A pull request can name a register file anything, and a CI job may run ropa on a
folder or package whose name came from outside. Every name is shown escaped (as
``repr`` escapes: ``\\n``, ``\\x1b``, ``\\u202e``) in every location of every format,
in input errors, in click's own messages and in verify's lines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from hostile.support import Outcome, Workspace, invoke
from ropa.cli import FORMAT_NAMES

HOSTILE = "x\n::error::forged\x1b[31m\u202erev\u2028\r\x85"
"""A newline and a workflow command, a colour escape, a right-to-left override, a line separator, CR and NEL."""
ESCAPED = "x\\n::error::forged\\x1b[31m\\u202erev\\u2028\\r\\x85"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
"""What must never reach a log raw: C0/C1 controls but tab and newline, bidi controls, line/paragraph separators."""
ANNOTATION = re.compile(r"::(error|warning|notice) file=[^\n]*::")
"""The only workflow commands ropa writes (``--format github``)."""


def assert_clean(text: str, fmt: str = "text") -> None:
    """No raw control character, and no line that starts a workflow command ropa did not mean to write."""
    assert not RAW.findall(text), f"raw control characters {sorted(set(RAW.findall(text)))!r} in:\n{text[:2000]!r}"
    for line in text.split("\n"):
        if line.lstrip().startswith("::"):
            assert fmt == "github" and ANNOTATION.match(line), f"a line reads as a workflow command: {line!r}"


def all_output(outcome: Outcome) -> str:
    return outcome.stdout + "\n" + outcome.stderr


@pytest.fixture
def hostile_provider(ws: Workspace) -> Path:
    """The register's one provider file renamed to a hostile name (the id no longer matches: exit 2)."""
    path = ws.register / "providers" / f"{HOSTILE}.yaml"
    (ws.register / "providers" / "acme.yaml").rename(path)
    return path


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_a_hostile_provider_file_name_is_escaped_in_every_format(
    fmt: str, ws: Workspace, hostile_provider: Path
) -> None:
    for args in (
        ["validate", str(ws.register), "--format", fmt],
        ["validate", str(ws.register), "--format", fmt, "--output", str(ws.out / "report")],
    ):
        outcome = invoke(args)
        assert outcome.code == 2, outcome.stderr
        assert_clean(all_output(outcome), fmt)
        (line,) = outcome.stderr.splitlines()  # one located line: the location no longer breaks it in two
        assert line.startswith(f"{ws.register}/providers/{ESCAPED}.yaml:1:1: error INPUT-reference "), line
    assert not (ws.out / "report").exists()


@pytest.mark.parametrize("command", ["build", "package"])
def test_build_and_package_escape_it_too(command: str, ws: Workspace, hostile_provider: Path) -> None:
    outcome = invoke([command, str(ws.register), "--out", str(ws.out), "--jobs", "1"])
    assert outcome.code == 2
    assert_clean(all_output(outcome))
    assert f"providers/{ESCAPED}.yaml:1:1:" in outcome.stderr


def test_an_undecodable_file_name_is_shown_not_a_crash(ws: Workspace) -> None:
    """Bytes that are no UTF-8 (a lone surrogate in Python) are shown as ``\\udcff``, not an encoding error."""
    os.rename(ws.register / "providers" / "acme.yaml", os.fsencode(ws.register / "providers") + b"/ac\xffme.yaml")
    outcome = invoke(["validate", str(ws.register), "--format", "github"])
    assert outcome.code == 2, outcome.stderr
    assert "providers/ac\\udcffme.yaml:1:1: error INPUT-reference" in outcome.stderr
    assert_clean(all_output(outcome))


@pytest.fixture
def hostile_register(ws: Workspace) -> Path:
    """A valid register in a folder with a hostile name: its findings' locations all start with it."""
    folder = ws.root / f"reg{HOSTILE}"
    shutil.copytree(ws.register, folder)
    return folder


def _located(fmt: str, text: str) -> list[str]:
    """The file of every finding, as the format writes it."""
    if fmt == "json":
        return [item["file"] for item in json.loads(text)["findings"]]
    if fmt == "sarif":
        run = json.loads(text)["runs"][0]
        return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    if fmt == "junit":
        return re.findall(r'<failure message="(.*?):\d+:\d+: ', text)
    if fmt == "github":
        return re.findall(r"^::\w+ file=([^,]*),", text, re.M)
    plain = re.sub("\x1b\\[[0-9;]*m", "", text)
    return re.findall(r"^(.*?):\d+:\d+: (?:warning|info|error) ", plain, re.M)


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_findings_in_a_hostile_folder_are_located_escaped(
    fmt: str, to_file: bool, ws: Workspace, hostile_register: Path
) -> None:
    args = ["validate", str(hostile_register), "--format", fmt, "--fail-on", "never", "--color"]
    if to_file:
        args += ["--output", str(ws.out / "report")]
    outcome = invoke(args)
    assert outcome.code == 0, outcome.stderr
    text = (ws.out / "report").read_text("utf-8") if to_file else outcome.stdout
    assert_clean(text.replace("\x1b[33m", "").replace("\x1b[36m", "").replace("\x1b[0m", ""), fmt)  # ropa's colours
    assert_clean(outcome.stderr)
    files = _located(fmt, text)
    assert files, f"no finding located in:\n{text[:1500]}"
    marker = {"sarif": "x1b%5B31m", "github": "x1b[31m"}.get(fmt, "\\x1b[31m")  # their own encoding on top
    assert all(marker in f and "providers/acme.yaml" in f for f in files), files[:3]


def test_click_messages_echo_paths_escaped(ws: Workspace) -> None:
    """A path that is a file where a folder is wanted: click's own message quotes it."""
    named = ws.root / f"file{HOSTILE}"
    named.write_text("not a folder")
    outcome = invoke(["validate", str(named)])
    assert outcome.code == 2
    assert_clean(all_output(outcome))
    assert f"file{ESCAPED}" in outcome.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "{p}.zip"],
        ["diff", "{p}", "{p}"],
        ["validate", "{p}"],
        ["validate", "{reg}", "--output", "{file}/report.txt"],
        ["build", "{reg}", "--out", "{file}", "--only", "xlsx"],
    ],
    ids=["verify", "diff", "validate", "output", "out"],
)
def test_user_errors_naming_a_hostile_path_stay_one_clean_line(args: list[str], ws: Workspace) -> None:
    """Not found, not a package, not writable: the path the message names is escaped."""
    missing = ws.root / f"gone{HOSTILE}"
    blocker = ws.root / f"blocker{HOSTILE}"
    blocker.write_text("a file where a folder is needed")
    values = {"p": str(missing), "reg": str(ws.register), "file": str(blocker)}
    outcome = invoke([arg.format(**values) for arg in args])
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    assert_clean(all_output(outcome))
    assert ESCAPED in outcome.stderr, outcome.stderr


def test_a_build_into_a_hostile_folder_reports_it_escaped(ws: Workspace) -> None:
    out = ws.root / f"out{HOSTILE}"
    outcome = invoke(["build", str(ws.register), "--out", str(out), "--only", "xlsx"])
    assert outcome.code == 0, outcome.stderr
    assert (out / "register.xlsx").is_file()
    assert_clean(all_output(outcome))
    assert outcome.stdout.startswith(f"wrote 1 file(s) to {ws.root}/out{ESCAPED}/ (")

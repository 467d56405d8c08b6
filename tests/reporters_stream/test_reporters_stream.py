"""Reporters hand their output on in chunks of whole lines, and the JSON formats are canonical JSON of their data.

Every format is run on the bundled example, on a synthetic register with about a thousand findings
(waivers and overrides added), and on hand-made reports full of hostile text. The JSON and SARIF
output is compared with ``json.dumps(..., indent=2, sort_keys=True, ensure_ascii=False)`` of the
data it is made from; the SARIF and JUnit schemas are checked in ``tests/test_ci_conventions.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import ropa.report.sarif
from reporters_stream.conftest import ENCODABLE, EXAMPLE, HOSTILE, hostile_report
from ropa.check.findings import Report
from ropa.cli import main
from ropa.report import FORMATS, ReportContext, get, render_bytes, shown_path, stream
from ropa.util.fsutil import TMP_PREFIX

NAMES = sorted(FORMATS)
CONTEXTS = [
    ReportContext(root="registers/main", tool_version="9.9.9"),
    ReportContext(root=".", color=True),
    ReportContext(root="/abs/reg/", color=False, tool_version="1.2.3rc1"),
]


def canonical(data: object) -> str:
    """What the JSON formats write for ``data``."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def json_data(report: Report, ctx: ReportContext) -> dict[str, object]:
    """The JSON report's document, made here from the report's own ``to_json``."""

    def shown(item: dict[str, object]) -> dict[str, object]:
        return {**item, "file": shown_path(ctx, str(item["file"]))}

    return {
        "findings": [shown(f.to_json()) for f in report.findings],
        "summary": report.summary(),
        "waived": [
            shown({**w.finding.to_json(), "waiver_reason": w.reason, "waiver_expires": w.expires})
            for w in report.waived
        ],
        "as_of": report.as_of,
        "catalogue_version": report.catalogue_version,
    }


def streamed(fmt: str, report: Report, ctx: ReportContext, chunk_chars: int) -> list[str]:
    """The chunks :func:`ropa.report.stream` hands its sink."""
    chunks: list[str] = []
    stream(fmt, report, ctx, chunks.append, chunk_chars=chunk_chars)
    return chunks


def assert_consistent(fmt: str, report: Report, ctx: ReportContext) -> str:
    """Whole string, small chunks and one big chunk agree; the output parses as its format says."""
    whole = get(fmt)(report, ctx)
    small = streamed(fmt, report, ctx, chunk_chars=200)
    assert "".join(small) == whole
    assert all(chunk and chunk.endswith("\n") for chunk in small), "chunks must end at line ends (ANSI stays whole)"
    if len(report.findings) >= 100:
        assert len(small) > len(report.findings) / 10, "findings must reach the sink a few at a time"
    assert streamed(fmt, report, ctx, chunk_chars=1 << 30) == [whole]
    if fmt == "json":
        assert whole == canonical(json_data(report, ctx))
        assert json.loads(whole)["findings"][: len(report.findings)] == json_data(report, ctx)["findings"]
    elif fmt == "sarif":
        assert whole == canonical(ropa.report.sarif.build(report, ctx))
        (run,) = json.loads(whole)["runs"]
        assert len(run["results"]) == len(report.findings) + len(report.waived)
    elif fmt == "junit" and "\ud800" not in whole:
        ET.fromstring(whole.encode("utf-8"))
    return whole


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "github"}


@pytest.mark.parametrize("fmt", NAMES)
def test_example_register(fmt: str, example_report: Report) -> None:
    assert example_report.findings
    for ctx in CONTEXTS:
        assert_consistent(fmt, example_report, ctx)
    ctx = ReportContext(root="examples/sms-providers", tool_version="0.1.0")
    assert render_bytes(fmt, example_report, ctx) == get(fmt)(example_report, ctx).encode("utf-8")


@pytest.mark.parametrize("fmt", NAMES)
def test_synthetic_register_with_many_findings(fmt: str, synth_report: Report) -> None:
    assert len(synth_report.findings) > 500 and len(synth_report.waived) > 5
    ctx = CONTEXTS[0]
    whole = assert_consistent(fmt, synth_report, ctx)
    assert render_bytes(fmt, synth_report, ctx) == whole.encode("utf-8")


@pytest.mark.parametrize("size", [0, 1, 5, 600])
@pytest.mark.parametrize("fmt", NAMES)
def test_hostile_reports(fmt: str, size: int) -> None:
    report = hostile_report(size, ENCODABLE)
    for ctx in CONTEXTS:
        whole = assert_consistent(fmt, report, ctx)
        if fmt == "json" and size:  # JSON escapes the control characters; parsed, the text is whole again
            assert any(ENCODABLE in f["message"] for f in json.loads(whole)["findings"])
        if fmt == "sarif" and size:
            assert any(ENCODABLE in r["message"]["text"] for r in json.loads(whole)["runs"][0]["results"])


def test_hostile_text_is_present_so_the_checks_mean_something() -> None:
    report = hostile_report(200)
    assert any(HOSTILE in f.message for f in report.findings)
    assert len({(f.rule, f.file, f.path) for f in report.findings}) < len(report.findings), "repeated keys"
    assert "\x1b[31m" in get("text")(report, CONTEXTS[1]), "the text format must be coloured in this context"
    messages = [f["message"] for f in json.loads(get("json")(hostile_report(12, ENCODABLE), CONTEXTS[0]))["findings"]]
    assert any(ENCODABLE in m for m in messages), "JSON must carry hostile text unchanged"


@pytest.mark.parametrize("fmt", NAMES)
def test_a_lone_surrogate_fails_the_encoding_except_in_junit(fmt: str) -> None:
    report = hostile_report(12)
    ctx = CONTEXTS[0]
    if fmt == "junit":  # the one format that replaces characters it cannot carry
        ET.fromstring(render_bytes(fmt, report, ctx))
    else:
        with pytest.raises(UnicodeEncodeError):
            render_bytes(fmt, report, ctx)


def _peak(action: Callable[[], object]) -> int:
    """Peak of Python allocations while ``action`` runs (only what it allocates on top of what exists)."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _growth(fmt: str, measure: Callable[[Report], object]) -> float:
    """Extra peak memory per extra character of output, from 400 to 1,600 hostile findings.

    Taking the difference of two sizes leaves out what does not depend on the
    findings (the rule descriptors of SARIF, the chunk being gathered).
    """
    ctx = CONTEXTS[0]
    small, large = hostile_report(400, ENCODABLE), hostile_report(1600, ENCODABLE)
    extra_output = len(get(fmt)(large, ctx)) - len(get(fmt)(small, ctx))
    measure(small)  # first calls import and cache what later calls share
    return (_peak(lambda: measure(large)) - _peak(lambda: measure(small))) / extra_output


@pytest.mark.parametrize("fmt", NAMES)
def test_streaming_memory_stays_below_the_output(fmt: str) -> None:
    """Streamed, a report holds less than its own text: text, GitHub and JUnit keep a few hundred bytes a finding
    (sort keys, counters, case names); JSON and SARIF their findings as dicts, as ``json.dump`` needs them.
    A whole string (:func:`get`) holds at least its text, one byte a character and more."""
    ctx = CONTEXTS[0]
    whole = _growth(fmt, lambda report: get(fmt)(report, ctx))
    assert whole > 1, f"{fmt}: a whole string held {whole:.2f} bytes per character; the measure cannot tell"
    bound = 3.0 if fmt in ("json", "sarif") else 0.5
    streaming = _growth(fmt, lambda report: stream(fmt, report, ctx, lambda chunk: None, chunk_chars=4096))
    assert streaming < bound, f"{fmt}: streaming holds {streaming:.2f} bytes per character of output"
    as_bytes = _growth(fmt, lambda report: render_bytes(fmt, report, ctx))
    assert as_bytes < bound + 2.1, f"{fmt}: render_bytes holds {as_bytes:.2f} bytes per character of output"


# ------------------------------------------------------------------------------------------ command line


def _validate(*args: str, color: bool = False) -> tuple[int, bytes]:
    result = CliRunner().invoke(main, ["validate", *args, "--as-of", "2026-11-20", "--fail-on", "never"], color=color)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes


@pytest.mark.parametrize("fmt", NAMES)
def test_cli_file_and_stdout_give_the_reporter_bytes(
    fmt: str, synth_root: Path, synth_report: Report, tmp_path: Path
) -> None:
    from ropa import __version__

    out = tmp_path / "reports" / f"ropa.{fmt}"
    out.parent.mkdir()
    out.write_text("previous\n")
    code, printed = _validate(str(synth_root), "--format", fmt, "--output", str(out))
    expected = get(fmt)(synth_report, ReportContext(root=str(synth_root), tool_version=__version__))
    assert code == 0 and printed == b""
    assert out.read_bytes() == expected.encode("utf-8")
    assert [p.name for p in out.parent.iterdir()] == [out.name], "temporary file left behind"
    assert _validate(str(synth_root), "--format", fmt)[1] == expected.encode("utf-8")


def test_cli_colour_on_stdout_is_kept_or_stripped(example_report: Report) -> None:
    from ropa import __version__

    root = str(EXAMPLE)
    report = _validate(root, "--color")  # click strips ANSI codes from output that is not a terminal
    plain = get("text")(example_report, ReportContext(root=root, tool_version=__version__))
    coloured = get("text")(example_report, ReportContext(root=root, color=True, tool_version=__version__))
    assert "\x1b[" in coloured
    assert report[1] == plain.encode("utf-8")
    assert _validate(root, "--color", color=True)[1] == coloured.encode("utf-8")


def test_a_reporter_failing_half_way_leaves_the_old_file_and_no_temporary(
    synth_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ropa.sarif"
    out.write_text("previous\n")
    real = ropa.report.sarif._result
    calls = [0]

    def fail_later(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        if calls[0] == 300:
            raise RuntimeError("reporter bug")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ropa.report.sarif, "_result", fail_later)
    args = ["validate", str(synth_root), "--format", "sarif", "--output", str(out), "--fail-on", "never"]
    result = CliRunner().invoke(main, args)
    # The bug either propagates, or the command reports it as an internal error (one line, exit 70).
    if not isinstance(result.exception, RuntimeError):
        assert result.exit_code == 70 and "reporter bug" in result.stderr, (result.exit_code, result.output)
    assert calls[0] == 300
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TMP_PREFIX)] == []


@pytest.mark.parametrize("fail_on", ["never", "error"])
def test_a_reader_that_stops_early_is_not_an_error(synth_root: Path, fail_on: str) -> None:
    """``ropa validate | head``: as when the report was one write, the exit code is the findings', stderr is quiet."""
    command = [sys.executable, "-m", "ropa", "validate", str(synth_root), "--format", "sarif", "--fail-on", fail_on]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(100).startswith(b'{\n  "$schema"')
        process.stdout.close()  # the report is over a megabyte: later chunks meet a closed pipe
        error = process.stderr.read()
        code = process.wait(timeout=120)
    assert error == b""
    assert code == (0 if fail_on == "never" else 1)

"""Incremental reporters give the old reporters' bytes, in chunks, without holding the document in memory.

The oracle is :mod:`reporters_stream.legacy`: the reporters as they were when
each built its whole output in memory, followed by the output changes made on
purpose since (:mod:`reporters_stream.intended`: JUnit fitted to the Jenkins
schema, SARIF help links and automation details). Every format is compared with it on the
bundled example, on a synthetic register with about a thousand findings
(waivers and overrides added), and on hand-made reports full of hostile text.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import ropa.reporters.sarif
from reporters_stream.conftest import ENCODABLE, EXAMPLE, HOSTILE, hostile_report
from reporters_stream.intended import applied
from ropa.cli import main
from ropa.findings import Report
from ropa.fsutil import TMP_PREFIX
from ropa.reporters import FORMATS, ReportContext, get, get_writer, render_bytes, stream

NAMES = sorted(FORMATS)
CONTEXTS = [
    ReportContext(root="registers/main", tool_version="9.9.9"),
    ReportContext(root=".", color=True),
    ReportContext(root="/abs/reg/", color=False, tool_version="1.2.3rc1"),
]


def frozen(fmt: str) -> Callable[[Report, ReportContext], str]:
    """The old reporter of ``fmt`` as frozen: whole document in memory, one string."""
    module = importlib.import_module(f"reporters_stream.legacy.{FORMATS[fmt].rsplit('.', 1)[1]}")
    render: Callable[[Report, ReportContext], str] = module.render
    return render


def legacy(fmt: str) -> Callable[[Report, ReportContext], str]:
    """The old reporter of ``fmt`` with the intended output changes applied to what it gives."""
    return applied(fmt, frozen(fmt))


def streamed(fmt: str, report: Report, ctx: ReportContext, chunk_chars: int) -> list[str]:
    """The chunks :func:`ropa.reporters.stream` hands its sink."""
    chunks: list[str] = []
    stream(fmt, report, ctx, chunks.append, chunk_chars=chunk_chars)
    return chunks


def assert_same(fmt: str, report: Report, ctx: ReportContext) -> None:
    """Whole string, small chunks and one big chunk all equal the old reporter's output."""
    old = legacy(fmt)(report, ctx)
    assert get(fmt)(report, ctx) == old
    small = streamed(fmt, report, ctx, chunk_chars=200)
    assert "".join(small) == old
    assert all(chunk and chunk.endswith("\n") for chunk in small), "chunks must end at line ends (ANSI stays whole)"
    if len(report.findings) >= 100:
        assert len(small) > len(report.findings) / 10, "findings must reach the sink a few at a time"
    assert streamed(fmt, report, ctx, chunk_chars=1 << 30) == [old]


def test_the_oracle_covers_every_format() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "github"}
    for fmt in NAMES:
        assert frozen(fmt).__module__.startswith("reporters_stream.legacy.")
        assert callable(get_writer(fmt))


@pytest.mark.parametrize("fmt", NAMES)
def test_example_register_gives_the_old_bytes(fmt: str, example_report: Report) -> None:
    assert example_report.findings
    for ctx in CONTEXTS:
        assert_same(fmt, example_report, ctx)
    ctx = ReportContext(root="examples/sms-providers", tool_version="0.1.0")
    assert render_bytes(fmt, example_report, ctx) == legacy(fmt)(example_report, ctx).encode("utf-8")


@pytest.mark.parametrize("fmt", NAMES)
def test_synthetic_register_with_many_findings_gives_the_old_bytes(fmt: str, synth_report: Report) -> None:
    assert len(synth_report.findings) > 500 and len(synth_report.waived) > 5
    ctx = CONTEXTS[0]
    assert_same(fmt, synth_report, ctx)
    assert render_bytes(fmt, synth_report, ctx) == legacy(fmt)(synth_report, ctx).encode("utf-8")


@pytest.mark.parametrize("size", [0, 1, 5, 600])
@pytest.mark.parametrize("fmt", NAMES)
def test_hostile_reports_give_the_old_text(fmt: str, size: int) -> None:
    report = hostile_report(size)
    for ctx in CONTEXTS:
        assert_same(fmt, report, ctx)


def test_hostile_text_is_present_so_the_comparison_means_something() -> None:
    report = hostile_report(200)
    assert any(HOSTILE in f.message for f in report.findings)
    assert len({(f.rule, f.file, f.path) for f in report.findings}) < len(report.findings), "repeated keys"
    assert "\x1b[31m" in get("text")(report, CONTEXTS[1]), "the text format must be coloured in this context"


@pytest.mark.parametrize("fmt", NAMES)
def test_a_lone_surrogate_fails_the_encoding_as_before(fmt: str) -> None:
    report = hostile_report(12)
    ctx = CONTEXTS[0]
    try:
        expected: bytes | None = legacy(fmt)(report, ctx).encode("utf-8")
    except UnicodeEncodeError:
        expected = None
    if expected is None:
        with pytest.raises(UnicodeEncodeError):
            render_bytes(fmt, report, ctx)
    else:
        assert fmt == "junit", "only JUnit replaces characters its format cannot carry"
        assert render_bytes(fmt, report, ctx) == expected


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
    extra_output = len(legacy(fmt)(large, ctx)) - len(legacy(fmt)(small, ctx))
    measure(small)  # first calls import and cache what later calls share
    return (_peak(lambda: measure(large)) - _peak(lambda: measure(small))) / extra_output


@pytest.mark.parametrize("fmt", NAMES)
def test_streaming_memory_does_not_grow_with_the_output(fmt: str) -> None:
    """The old reporters held ten or more bytes per character of output; streaming holds only what orders findings.

    SARIF and JUnit keep a few hundred bytes a finding (sort keys, occurrence
    counters, case names), a finding being one to two thousand characters of output.
    """
    ctx = CONTEXTS[0]
    old = _growth(fmt, lambda report: legacy(fmt)(report, ctx))
    assert old > 5, f"{fmt}: the old reporter held {old:.1f} bytes per character of output; the measure cannot tell"
    streaming = _growth(fmt, lambda report: stream(fmt, report, ctx, lambda chunk: None, chunk_chars=4096))
    assert streaming < 0.5, f"{fmt}: streaming holds {streaming:.2f} bytes per character of output"
    whole = _growth(fmt, lambda report: render_bytes(fmt, report, ctx))
    assert whole < 2.1, f"{fmt}: render_bytes holds {whole:.2f} bytes per character of output (UTF-8 once)"


# ------------------------------------------------------------------------------------------ command line


def _validate(*args: str, color: bool = False) -> tuple[int, bytes]:
    result = CliRunner().invoke(main, ["validate", *args, "--as-of", "2026-11-20", "--fail-on", "never"], color=color)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes


@pytest.mark.parametrize("fmt", NAMES)
def test_cli_file_and_stdout_give_the_old_bytes(
    fmt: str, synth_root: Path, synth_report: Report, tmp_path: Path
) -> None:
    from ropa import __version__

    out = tmp_path / "reports" / f"ropa.{fmt}"
    out.parent.mkdir()
    out.write_text("previous\n")
    code, printed = _validate(str(synth_root), "--format", fmt, "--output", str(out))
    expected = legacy(fmt)(synth_report, ReportContext(root=str(synth_root), tool_version=__version__))
    assert code == 0 and printed == b""
    assert out.read_bytes() == expected.encode("utf-8")
    assert [p.name for p in out.parent.iterdir()] == [out.name], "temporary file left behind"
    assert _validate(str(synth_root), "--format", fmt)[1] == expected.encode("utf-8")


def test_cli_colour_on_stdout_is_kept_or_stripped_as_before(example_report: Report) -> None:
    from ropa import __version__

    root = str(EXAMPLE)
    report = _validate(root, "--color")  # click strips ANSI codes from output that is not a terminal
    plain = legacy("text")(example_report, ReportContext(root=root, tool_version=__version__))
    coloured = legacy("text")(example_report, ReportContext(root=root, color=True, tool_version=__version__))
    assert "\x1b[" in coloured
    assert report[1] == plain.encode("utf-8")
    assert _validate(root, "--color", color=True)[1] == coloured.encode("utf-8")


def test_a_reporter_failing_half_way_leaves_the_old_file_and_no_temporary(
    synth_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ropa.sarif"
    out.write_text("previous\n")
    real = ropa.reporters.sarif._result
    calls = [0]

    def fail_later(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        if calls[0] == 300:
            raise RuntimeError("reporter bug")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ropa.reporters.sarif, "_result", fail_later)
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

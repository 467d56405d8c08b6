"""An internal error is never a result: exit 70, one line naming what failed, the traceback only when asked.

Every command of the click group is covered, those added later included: a table
names, for each command, a function deep in its work to make fail, and a test
fails for a command missing from it; a second test replaces each command's body
outright, so even a command without ``handles_errors`` is caught by the group.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click
import pytest
from click.testing import CliRunner, Result

from ropa.cli import main
from ropa.errors import INTERNAL_ERROR_EXIT

ORGANISATION = """\
legal_name: Example GmbH
country: DE
address: {street: Hauptstraße 1, postal_code: "10115", city: Berlin, country: DE}
contact: {email: privacy@example.com}
dpo: {designated: true, name: Dana Protect, email: dpo@example.com}
record: {version: "1", date: 2026-11-01}
"""

PROVIDER = """\
id: {id}
legal_name: Acme SMS Ltd
country: DE
role: processor
service: SMS delivery
activities:
  - id: otp-{id}
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes to customers by SMS
        lawful_basis: 6.1.b
    data_subjects:
      - name: Customers who log in
    data_categories:
      - id: phone
        name: Mobile phone number
        retention: {{kind: duration, duration: P30D}}
    recipients: []
"""

HINT = "(run with --debug or ROPA_DEBUG=1 for the traceback)"


class Injected(RuntimeError):
    """The internal error the tests raise."""


def boom(*args: Any, **kwargs: Any) -> NoReturn:
    raise Injected("injected failure 'x'")


def write_register(folder: Path, providers: tuple[str, ...] = ("acme",)) -> Path:
    (folder / "providers").mkdir(parents=True)
    (folder / "organisation.yaml").write_text(ORGANISATION, encoding="utf-8")
    for provider in providers:
        (folder / "providers" / f"{provider}.yaml").write_text(PROVIDER.format(id=provider), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Case:
    """How to make one command fail inside its work: the function to replace and the arguments to run."""

    target: str
    """``module:attribute`` replaced by :func:`boom`; looked up by the command when it runs."""
    args: Callable[[Path], list[str]]


CASES: dict[str, Case] = {
    "validate": Case("ropa.pipeline:load_and_check", lambda t: ["validate", str(t / "reg")]),
    "rules": Case("ropa.check.rules.docs:listing", lambda t: ["rules"]),
    "schema": Case("ropa.schema:write_schemas", lambda t: ["schema", "--out", str(t / "schemas")]),
    "init": Case("ropa.scaffold:init_register", lambda t: ["init", str(t / "new")]),
    "build": Case(
        "ropa.render.annexes:annex_html",
        lambda t: ["build", str(t / "reg"), "--out", str(t / "out"), "--only", "annexes", "--jobs", "1", "--quiet"],
    ),
    "package": Case(
        "ropa.archive.package:package_name",
        lambda t: ["package", str(t / "reg"), "--out", str(t / "out"), "--allow-findings", "--quiet"],
    ),
    "verify": Case("ropa.archive.verify:verify", lambda t: ["verify", str(t / "some.zip")]),
    "diff": Case("ropa.archive.diff:compare", lambda t: ["diff", str(t / "reg"), str(t / "reg")]),
    "import": Case(
        "ropa.importing.run:read_book",
        lambda t: ["import", str(t / "book.xlsx"), "--from", "ico", "--out", str(t / "imported")],
    ),
}


def run(args: list[str], env: dict[str, str] | None = None) -> Result:
    """The CLI in-process; an exception escaping it fails the test (it would be a traceback and exit 1)."""
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def assert_internal_error(result: Result, command: str, traceback: bool = False) -> None:
    """Exit 70 and one line naming the command and the exception; the traceback before it only if asked."""
    assert result.exit_code == INTERNAL_ERROR_EXIT, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines, "nothing said on stderr"
    last = lines[-1]
    assert last.startswith(f"ropa: internal error in {command}: Injected: injected failure 'x' ("), last
    if traceback:
        assert "Traceback (most recent call last)" in result.stderr
        assert 'raise Injected("injected failure' in result.stderr
        assert last.endswith("(a bug in ropa; please report it with the traceback above)"), last
    else:
        assert lines == [last], f"more than one line:\n{result.stderr}"
        assert last.endswith(HINT), last
        assert "Traceback" not in result.stderr + result.stdout


def inject(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    import importlib

    module, _, name = target.partition(":")
    monkeypatch.setattr(importlib.import_module(module), name, boom)


@pytest.fixture
def space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROPA_DEBUG", raising=False)
    write_register(tmp_path / "reg")
    return tmp_path


def test_every_command_has_an_injection() -> None:
    """A new command must say here where it can fail, so the next test covers it."""
    assert sorted(main.commands) == sorted(CASES), "add the new command(s) to CASES"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_an_internal_error_is_one_line_and_exit_70(command: str, space: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[command]
    inject(monkeypatch, case.target)
    assert_internal_error(run(case.args(space)), command)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_debug_flag_and_variable_show_the_traceback(command: str, space: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[command]
    inject(monkeypatch, case.target)
    assert_internal_error(run(["--debug", *case.args(space)]), command, traceback=True)
    assert_internal_error(run(case.args(space), env={"ROPA_DEBUG": "1"}), command, traceback=True)
    assert_internal_error(run(case.args(space), env={"ROPA_DEBUG": "0"}), command)  # 0 means off


def _required_arguments(command: click.Command, tmp_path: Path) -> list[str]:
    """Values for every required argument and option (a path, or an option's first choice)."""
    given = [str(tmp_path / f"arg-{p.name}") for p in command.params if isinstance(p, click.Argument) and p.required]
    for option in command.params:
        if isinstance(option, click.Option) and option.required:
            choices = option.type.choices if isinstance(option.type, click.Choice) else None
            given += [option.opts[0], str(choices[0]) if choices else str(tmp_path / f"opt-{option.name}")]
    return given


@pytest.mark.parametrize("command", sorted(main.commands))
def test_the_group_catches_what_a_command_body_raises(
    command: str, space: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even without the command's own handler (its whole body replaced), the group turns a bug into exit 70."""
    cmd = main.commands[command]
    monkeypatch.setattr(cmd, "callback", boom)
    assert_internal_error(run([command, *_required_arguments(cmd, space)]), command)


def test_usage_errors_and_results_keep_their_codes(space: Path) -> None:
    """The net catches bugs only: a usage error stays 2, --help 0, findings 1."""
    assert run(["rules", "NO-SUCH-RULE"]).exit_code == 2
    assert run(["validate", "--help"]).exit_code == 0
    assert run(["validate", str(space / "reg"), "--fail-on", "info"]).exit_code == 1


def test_a_long_message_is_cut_to_one_short_line(space: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def noisy(*args: Any, **kwargs: Any) -> NoReturn:
        raise Injected("injected failure 'x'" + "\n::error::forged\x1b[31m" * 200)

    monkeypatch.setattr("ropa.check.rules.docs.listing", noisy)
    result = run(["rules"])
    assert result.exit_code == INTERNAL_ERROR_EXIT
    (line,) = result.stderr.strip().splitlines()
    assert len(line) < 500 and "\x1b" not in line and "\\n::error::forged\\x1b[31m" in line


# --- errors in render workers ----------------------------------------------------------------------


def _parallel_build(tmp_path: Path) -> list[str]:
    write_register(tmp_path / "many", tuple(f"p{i}" for i in range(6)))
    return [
        "build",
        str(tmp_path / "many"),
        "--out",
        str(tmp_path / "out"),
        "--only",
        "annexes",
        "--jobs",
        "2",
        "--quiet",
    ]


def _seed(out: Path) -> dict[str, bytes]:
    (out / "annexes").mkdir(parents=True)
    (out / "annexes" / "p1.pdf").write_bytes(b"%PDF-1.7 previous\n")
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _unchanged(out: Path, before: dict[str, bytes]) -> None:
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before, "the failed build changed the output folder"


class Unpicklable(Exception):
    """An exception a worker can send but the parent cannot rebuild (its constructor wants two arguments)."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(first)
        self.second = second


def _fail_in_worker(how: str) -> Callable[..., Any]:
    parent = os.getpid()
    real = __import__("ropa.render.annexes", fromlist=["annex_html"]).annex_html

    def annex_html(register: Any, provider: str, *args: Any, **kwargs: Any) -> Any:
        if os.getpid() == parent:
            raise AssertionError("the annexes were meant to render in worker processes")
        if provider == "p3":
            if how == "raise":
                raise Injected("injected failure 'x'")
            if how == "unpicklable":
                raise Unpicklable("cannot travel", "second")
            os._exit(3)  # a worker that dies outright
        return real(register, provider, *args, **kwargs)

    return annex_html


@pytest.mark.parametrize("how", ["raise", "unpicklable", "die"])
def test_a_worker_failure_reaches_the_parent_as_an_internal_error(
    how: str, space: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raised in a forked render worker (or the worker gone): exit 70, one line, no hang, nothing written."""
    if not hasattr(os, "fork"):
        pytest.skip("workers are forked only where fork exists")
    args = _parallel_build(space)
    before = _seed(space / "out")
    monkeypatch.setattr("ropa.render.annexes.annex_html", _fail_in_worker(how))
    result = run(args)
    assert result.exit_code == INTERNAL_ERROR_EXIT, (result.exit_code, result.stderr)
    (line,) = result.stderr.strip().splitlines()  # no CancelledError traceback from the pool's callbacks
    assert line.startswith("ropa: internal error in build: ") and line.endswith(HINT), line
    # An exception the parent cannot rebuild breaks the pool as a dead worker does: both are BrokenProcessPool.
    expected = {
        "raise": "Injected: injected failure 'x'",
        "unpicklable": "BrokenProcessPool",
        "die": "BrokenProcessPool",
    }
    assert expected[how] in line, line
    _unchanged(space / "out", before)


def test_a_package_failing_mid_write_leaves_no_partial_file(space: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The zip half written when the bug strikes: exit 70, and the output folder holds what it held before."""
    before = _seed(space / "out")

    def half_then_boom(members: Any, when: Any, target: Any) -> NoReturn:
        target.write(b"PK\x03\x04 half an archive")
        boom()

    monkeypatch.setattr("ropa.archive.package.write_zip", half_then_boom)
    result = run(
        ["package", str(space / "reg"), "--out", str(space / "out"), "--allow-findings", "--jobs", "1", "--quiet"]
    )
    assert_internal_error(result, "package")
    _unchanged(space / "out", before)
    assert sorted(p.name for p in (space / "out").iterdir()) == ["annexes"], "a temporary file or folder was left"


# --- as the program itself -------------------------------------------------------------------------


def _program(
    tmp_path: Path, target: str, args: list[str], env: dict[str, str], body: str = "raise RuntimeError('injected')"
) -> subprocess.CompletedProcess[str]:
    """``ropa ARGS`` as its own process, with ``target`` replaced by a function running ``body`` (its arguments
    are ``args``), set up from outside: ropa has no hook for it. Logging is not captured there as under pytest,
    so a traceback that a library logs shows up too."""
    module, _, name = target.partition(":")
    code = textwrap.dedent(f"""
        import importlib, sys, time
        def boom(*args, **kwargs):
            {body}
        setattr(importlib.import_module({module!r}), {name!r}, boom)
        from ropa.cli import main
        sys.argv = ["ropa", *{args!r}]
        main()
    """)
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_the_program_exits_70_with_one_line(space: Path) -> None:
    env = {"ROPA_DEBUG": ""}
    proc = _program(space, "ropa.pipeline:load_and_check", ["validate", str(space / "reg")], env)
    assert proc.returncode == INTERNAL_ERROR_EXIT, proc.stderr
    assert proc.stderr.splitlines() == [f"ropa: internal error in validate: RuntimeError: injected {HINT}"]
    debug = _program(space, "ropa.pipeline:load_and_check", ["--debug", "validate", str(space / "reg")], env)
    assert debug.returncode == INTERNAL_ERROR_EXIT
    assert debug.stderr.startswith("Traceback (most recent call last)") and "RuntimeError" in debug.stderr


def test_a_failed_parallel_build_prints_no_callback_traceback(space: Path) -> None:
    """Once one task fails, the tasks the pool still held are cancelled: quietly (the pool's done-callback used to
    log a CancelledError traceback for each)."""
    args = _parallel_build(space)
    body = "\n            ".join(
        [
            "if args[1] == 'p3':",
            "    raise RuntimeError('injected')",
            "time.sleep(0.3)",
            "return '<html><body>annex</body></html>'",
        ]
    )
    proc = _program(space, "ropa.render.annexes:annex_html", args, {"ROPA_DEBUG": ""}, body)
    assert proc.returncode == INTERNAL_ERROR_EXIT, proc.stderr
    assert proc.stderr.splitlines() == [f"ropa: internal error in build: RuntimeError: injected {HINT}"]

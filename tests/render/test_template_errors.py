"""A user's template with an error is bad input: one located line, exit code 2, nothing written, no traceback."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ropa.cli import main
from ropa.errors import Diagnostic, InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"


def build(tmp_path: Path, templates: Path, *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "--out", str(out), "--templates", str(templates), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output, out


@pytest.mark.parametrize(
    ("name", "text", "line", "says"),
    [
        (
            "register.html",
            "<html><body>{{ segment.name }}\n{{ doc.no_such_field }}</body></html>",
            2,
            "has no attribute 'no_such_field'",
        ),
        ("register.html", "<html><body>{{ segment.name }}\n\n{% if %}</body></html>", 3, "Expected an expression"),
        ("register.html", "<html><body>{{ doc.title }}</body></html>", 1, "does not use `segment`"),
        ("partials/findings.html", "<p>{{ doc.findings | length }}</p>", 1, "does not use `segment`"),
    ],
)
def test_register_template_errors(tmp_path: Path, name: str, text: str, line: int, says: str) -> None:
    templates = tmp_path / "templates"
    (templates / name).parent.mkdir(parents=True, exist_ok=True)
    (templates / name).write_text(text, encoding="utf-8")
    code, output, out = build(tmp_path, templates, "--only", "pdf")
    assert code == 2
    assert "Traceback" not in output
    lines = [x for x in output.splitlines() if "INPUT-template" in x]
    assert len(lines) == 1 and lines[0].startswith(f"{templates / name}:{line}:") and says in lines[0], output
    assert not out.exists(), "nothing may be written"


def test_an_annex_template_error_comes_back_from_a_worker(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "annex.html").write_text("<html><body>\n{{ doc.nope }}</body></html>", encoding="utf-8")
    code, output, out = build(tmp_path, templates, "--only", "annexes", "--jobs", "2")
    assert code == 2 and "Traceback" not in output
    assert f"{templates / 'annex.html'}:2:" in output and "has no attribute 'nope'" in output
    assert not out.exists()


def test_input_errors_survive_pickling() -> None:
    error = InputError([Diagnostic("a.yaml", 3, 1, "second"), Diagnostic("a.yaml", 1, 1, "first")])
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, InputError) and copy.diagnostics == error.diagnostics and str(copy) == str(error)


def test_the_built_in_templates_pass_the_check(tmp_path: Path) -> None:
    from ropa.render.html import BUILTIN, check_parts_templates

    copy = tmp_path / "templates"
    shutil.copytree(BUILTIN, copy)
    check_parts_templates(copy)

"""Start-up cost: 'ropa validate' never imports the document stack; '--version' imports no pipeline.

Each check runs in a fresh interpreter (this test process has imported everything
already) and inspects ``sys.modules`` after calling the CLI in-process there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sms-providers"

DOCUMENT_STACK = ("weasyprint", "openpyxl", "pypdf", "jinja2")
"""Render-only dependencies: hundreds of milliseconds that validation must not pay."""

_PROBE = """
import json, sys
from ropa.cli import main
code = 0
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
roots = sorted({name.split(".")[0] for name in sys.modules})
ropa = sorted(name for name in sys.modules if name.startswith("ropa"))
print(json.dumps({"code": code, "roots": roots, "ropa": ropa}))
"""


def _modules_after(*args: str, cwd: Path = ROOT) -> dict[str, Any]:
    run = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-1]
    data: dict[str, Any] = json.loads(last)
    return data


def _register(tmp_path: Path) -> Path:
    root = tmp_path / "reg"
    (root / "providers").mkdir(parents=True)
    (root / "organisation.yaml").write_text(
        'legal_name: T GmbH\ncountry: DE\nrecord:\n  version: "1"\n  date: 2026-11-01\n', encoding="utf-8"
    )
    (root / "providers" / "acme.yaml").write_text(
        "id: acme\nlegal_name: Acme\ncountry: US\nrole: processor\nservice: SMS\n"
        "activities:\n  - id: otp\n    name: OTP\n    purposes: []\n",
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit"])
def test_validate_does_not_import_the_document_stack(tmp_path: Path, fmt: str) -> None:
    root = _register(tmp_path)
    data = _modules_after("validate", str(root), "--format", fmt, "--output", str(tmp_path / "out"))
    assert (tmp_path / "out").is_file(), "the probe must run the whole validation, not stop early"
    assert "ropa.check.engine" in data["ropa"]
    loaded = set(data["roots"])
    assert loaded.isdisjoint(DOCUMENT_STACK), sorted(loaded & set(DOCUMENT_STACK))


def test_validate_of_the_example_does_not_import_the_document_stack(tmp_path: Path) -> None:
    data = _modules_after("validate", str(EXAMPLE), "--fail-on", "never", "--output", str(tmp_path / "out"))
    assert data["code"] in (0, None), data["code"]
    assert (tmp_path / "out").is_file()
    assert set(data["roots"]).isdisjoint(DOCUMENT_STACK)


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("validate", "--help")])
def test_version_and_help_import_no_pipeline(args: tuple[str, ...]) -> None:
    data = _modules_after(*args)
    loaded = set(data["roots"])
    assert loaded.isdisjoint({"pydantic", "yaml", *DOCUMENT_STACK}), sorted(loaded & {"pydantic", "yaml"})
    assert "ropa.load.loader" not in data["ropa"]

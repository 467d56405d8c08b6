"""What 'ropa validate' builds and collects on its way to the report (counted, not timed).

Each check runs the command in a fresh interpreter (this test process has imported and built
everything already) and reports from there:

- the pydantic models whose validators were built: only those of the register files (organisation,
  activities/, providers/) and the reference data, with what they hold and their bases; a model of
  the package manifest, the importers or any other command built on the way is start-up time every
  validation pays for nothing;
- the cyclic collections Python made in the command before its report was written: none, since
  pydantic's classes, the rules and the register stay alive to the end and a collection would only
  walk them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ropa.load.loader import _unwrap
from ropa.model.activity import ActivitiesFile
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider
from ropa.refdata.schema import SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sms-providers"

_PROBE = """
import gc, json, os, sys
from pydantic import BaseModel
from ropa.cli import main

report = sys.argv[sys.argv.index("--output") + 1]
collections = []  # those made in the command, before its report is written (the collector resumes after)

def count(phase, info):
    if phase != "start" or os.path.exists(report):
        return
    frame, where, in_command = sys._getframe(1), [], False
    while frame is not None:
        code = frame.f_code
        where.append(f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}")
        in_command = in_command or (code.co_name == "validate" and code.co_filename.endswith("check.py"))
        frame = frame.f_back
    if in_command:
        collections.append([info["generation"], *where[:4]])

gc.callbacks.append(count)
code = 0
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
gc.callbacks.clear()

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

built = sorted({f"{c.__module__}.{c.__qualname__}" for c in subclasses(BaseModel) if c.__pydantic_complete__})
print(json.dumps({"code": code, "built": built, "collections": collections}))
"""


def _run(*args: str) -> dict[str, Any]:
    run = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return data


def _needed() -> set[str]:
    """The models validation reads a register and the reference data with: the roots, every model their
    fields hold (recursively) and the bases of each."""
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [Organisation, Provider, ActivitiesFile, *SCHEMAS.values()]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        todo += [base for base in model.__mro__ if isinstance(base, type) and issubclass(base, BaseModel)]
        for field in model.model_fields.values():
            todo += [t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
    return {f"{m.__module__}.{m.__qualname__}" for m in seen if m is not BaseModel}


def test_validate_builds_only_the_models_of_the_register_and_reference_data(tmp_path: Path) -> None:
    data = _run("validate", str(EXAMPLE), "--fail-on", "never", "--output", str(tmp_path / "report.txt"))
    assert data["code"] in (0, None), data
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").count("\n") > 10, "the run must reach the report"
    built = set(data["built"])
    assert "ropa.model.provider.Provider" in built, "the probe must see the models the run built"
    assert built <= _needed(), sorted(built - _needed())


def test_validate_makes_no_cyclic_collection(tmp_path: Path) -> None:
    data = _run("validate", str(EXAMPLE), "--output", str(tmp_path / "report.txt"))
    assert data["code"] == 1, "the example has error-level findings: the run went through the check"
    assert data["collections"] == [], data["collections"]


def test_the_needed_models_are_the_register_files_and_their_parts() -> None:
    """The yardstick itself: it holds what a register file holds, and no model of another command."""
    needed = _needed()
    assert {"ropa.model.activity.Purpose", "ropa.model.transfer.Mechanism", "ropa.refdata.schema.AdequacyEntry"} <= (
        needed
    )
    assert not any(name.startswith(("ropa.archive.", "ropa.importing.")) for name in needed)

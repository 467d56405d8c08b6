"""`ropa validate` with the register read ahead (ropa/cli.py, ropa/load/loader.py) reports exactly what it did without.

The reading starts before the models are imported; whatever it finds, the
report, the diagnostics and the exit code must be those of reading the
register in-process, and a register that changed since the reading started is
read as it is now.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import ropa.load.loader
import ropa.read.readahead
from ropa.cli import main
from ropa.errors import InputError
from ropa.load.loader import load_register, read_ahead
from ropa.read.readahead import can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="reading ahead forks worker processes")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"


@pytest.fixture
def register(tmp_path: Path) -> Path:
    root = tmp_path / "reg"
    shutil.copytree(EXAMPLE, root)
    return root


def _broken(root: Path) -> Path:
    providers = root / "providers"
    (providers / "b-syntax.yaml").write_text("id: b-syntax\nlegal_name: [unclosed\n", encoding="utf-8")
    text = (providers / "tecparts.yaml").read_text(encoding="utf-8")
    (providers / "tecparts.yaml").write_text(text.replace("\nrole:", "\nrolle: processor\nrole:", 1), "utf-8")
    return root


def _validate(args: list[str], monkeypatch: pytest.MonkeyPatch, ahead: bool) -> tuple[int, str, str]:
    with monkeypatch.context() as patch:
        if not ahead:
            patch.setattr(ropa.load.loader, "read_ahead", lambda *args: None)
        result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
@pytest.mark.parametrize("broken", [False, True])
def test_report_and_exit_code_are_those_of_reading_in_process(
    register: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, broken: bool
) -> None:
    root = _broken(register) if broken else register
    args = [str(root), "--format", fmt, "--as-of", "2026-11-23"]
    with_workers = _validate(args, monkeypatch, ahead=True)
    assert with_workers == _validate(args, monkeypatch, ahead=False)
    code, out, err = with_workers
    if broken:
        assert code == 2 and out == ""
        assert "b-syntax.yaml:3:1: error INPUT-yaml" in err and "unknown key 'rolle'" in err
    else:
        assert code == 1 and "tecparts.yaml" in out


def test_read_ahead_starts_workers_for_a_register_and_none_where_loading_fails_first(
    register: Path, tmp_path: Path
) -> None:
    ahead = read_ahead(register, "reg")
    assert ahead is not None
    with ahead:
        assert [name for _, name in ahead.items][:2] == ["reg/organisation.yaml", "reg/providers/amd-telecom.yaml"]
        assert ahead._pids or ropa.read.readahead.usable_cpus() == 1
    assert read_ahead(tmp_path / "missing") is None
    (register / "organisation.yaml").unlink()
    assert read_ahead(register) is None


def test_a_register_changed_after_the_reading_started_is_read_as_it_is_now(register: Path) -> None:
    ahead = read_ahead(register, "reg")
    new = "id: zz-new\nlegal_name: New Ltd\ncountry: DE\nrole: processor\nservice: SMS\n"
    (register / "providers" / "zz-new.yaml").write_text(new, encoding="utf-8")
    loaded = load_register(register, "reg", ahead)
    assert [p.id for p in loaded.providers][-1] == "zz-new"
    assert loaded == load_register(register, "reg")
    assert ahead is not None and ahead._closed


def test_problems_found_while_reading_ahead_are_reported_in_file_order(register: Path) -> None:
    root = _broken(register)
    with pytest.raises(InputError) as ahead_error:
        load_register(root, "reg", read_ahead(root, "reg"))
    with pytest.raises(InputError) as plain_error:
        load_register(root, "reg")
    assert ahead_error.value.diagnostics == plain_error.value.diagnostics
    files = [d.file for d in ahead_error.value.diagnostics]
    assert files == ["reg/providers/b-syntax.yaml", "reg/providers/tecparts.yaml"]

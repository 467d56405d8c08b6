"""'ropa init': copies the bundled example (from the package, also when installed), never overwrites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ropa.cli import main
from ropa.scaffold import example_files

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_bundled_example_has_an_organisation_and_providers() -> None:
    files = example_files()
    assert "organisation.yaml" in files
    assert any(name.startswith("providers/") and name.endswith(".yaml") for name in files)


def test_init_copies_the_bundled_example(tmp_path: Path) -> None:
    target = tmp_path / "new" / "register"
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert _files(target) == example_files()
    assert f"ropa validate {target}" in result.stdout
    assert f"with {len(example_files())} files" in result.stdout


def test_the_copy_validates(tmp_path: Path) -> None:
    target = tmp_path / "register"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(target)]).exit_code == 0
    result = runner.invoke(main, ["validate", str(target)])
    assert result.exit_code in (0, 1), result.output
    assert "INPUT-" not in result.output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "register"
    (target / "providers").mkdir(parents=True)
    (target / "organisation.yaml").write_text("legal_name: Mine\n")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 2
    assert "organisation.yaml already exists; refusing to overwrite" in result.stderr
    assert "Traceback" not in result.output
    assert (target / "organisation.yaml").read_text() == "legal_name: Mine\n"
    assert list((target / "providers").iterdir()) == [], "nothing may be written when one file clashes"


def test_init_refuses_when_only_a_provider_file_clashes(tmp_path: Path) -> None:
    target = tmp_path / "register"
    provider = next(name for name in example_files() if name.startswith("providers/"))
    (target / provider).parent.mkdir(parents=True)
    (target / provider).write_text("mine\n")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 2 and provider in result.stderr
    assert not (target / "organisation.yaml").exists()


def test_init_keeps_unrelated_files(tmp_path: Path) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "README.md.keep").write_text("keep me\n")
    assert CliRunner().invoke(main, ["init", str(target)]).exit_code == 0
    assert (target / "README.md.keep").read_text() == "keep me\n"


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "afile")])
    assert result.exit_code == 2


def test_init_works_from_an_installed_package(tmp_path: Path) -> None:
    """Build the package as an installer would (setuptools build_py, package data included), then run
    ``ropa init`` from that build, outside the source tree, and validate the copy with it."""
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "output", "build", "*.egg-info", "__pycache__", ".*cache*", "tests", "benchmarks"
        ),
    )
    lib = tmp_path / "lib"
    build = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", str(lib)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr
    assert not (lib / "ropa" / "examples").is_symlink()
    assert (lib / "ropa" / "examples" / "sms-providers" / "organisation.yaml").is_file()
    shutil.rmtree(source)  # nothing may be read from a source tree any more

    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(lib)}
    script = (
        "import sys, ropa\n"
        f"assert ropa.__file__.startswith({str(lib)!r}), ropa.__file__\n"
        "from ropa.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    init = subprocess.run(
        [sys.executable, "-c", script, "init", "mine"], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert init.returncode == 0, init.stderr
    assert _files(work / "mine") == example_files()
    check = subprocess.run(
        [sys.executable, "-c", script, "validate", "mine"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode in (0, 1), check.stderr
    assert "Traceback" not in check.stderr

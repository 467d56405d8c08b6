"""The distributions, built as a release would be: the sdist runs the test suite, the wheel runs ropa.

One sdist and one wheel (built from that sdist, as pip does) per session, by ``python -m build`` without
build isolation (the backend comes from the test tools; no network), from a copy of the working tree.
"""

from __future__ import annotations

import email.parser
import email.policy
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_init import schema_of_every_file  # tests/ is on sys.path (rootdir conftest, no __init__.py)

from ropa import __version__
from ropa.scaffold import blank_files, example_files
from ropa.schema import schemas

ROOT = Path(__file__).resolve().parent.parent
DIST = f"gdpr_ropa-{__version__}"
NOT_IN_SDIST = {"output/.gitkeep"}
"""Tracked files the sdist leaves out on purpose (the default output folder of a clone)."""

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists(), reason="builds from a git checkout")


@dataclass(frozen=True)
class Dists:
    """The built sdist and wheel, and the working-tree files they were built from."""

    sdist: Path
    wheel: Path
    tracked: list[str]


def _git_files(*options: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", *options], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in out.decode("utf-8").split("\0") if name]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """Build from the tracked and new (not ignored) files of the working tree, symlinks kept as symlinks."""
    base = tmp_path_factory.mktemp("dists")
    source = base / "source"
    for name in _git_files("--cached", "--others", "--exclude-standard"):
        path = ROOT / name
        if not (path.exists() or path.is_symlink()):
            continue  # deleted in the working tree, not yet in git
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, source / name, follow_symlinks=False)
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(base / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    tracked = [name for name in _git_files() if (ROOT / name).exists() or (ROOT / name).is_symlink()]
    return Dists(base / "dist" / f"{DIST}.tar.gz", base / "dist" / f"{DIST}-py3-none-any.whl", tracked)


def _sdist_names(dists: Dists) -> set[str]:
    with tarfile.open(dists.sdist) as archive:
        return {m.name.removeprefix(f"{DIST}/") for m in archive.getmembers() if m.isfile()}


def _wheel_names(dists: Dists) -> set[str]:
    with zipfile.ZipFile(dists.wheel) as archive:
        return set(archive.namelist())


def _metadata(dists: Dists) -> email.message.EmailMessage:
    with zipfile.ZipFile(dists.wheel) as archive:
        text = archive.read(f"{DIST}.dist-info/METADATA").decode("utf-8")
    message = email.parser.Parser(policy=email.policy.default).parsestr(text)
    assert isinstance(message, email.message.EmailMessage)
    return message


# --------------------------------------------------------------------------- sdist


def test_sdist_carries_every_tracked_file(dists: Dists) -> None:
    """Tests, the files they read (docs, schemas, examples, templates, benchmarks, scripts, CI files), the lock."""
    names = _sdist_names(dists)
    expected: set[str] = set()
    for name in dists.tracked:
        path = ROOT / name
        if path.is_symlink() and path.is_dir():  # ropa/examples -> ../examples: carried as the files it holds
            expected |= {f"{name}/{p.relative_to(path).as_posix()}" for p in path.rglob("*") if p.is_file()}
        elif name not in NOT_IN_SDIST:
            expected.add(name)
    assert {"tests/conftest.py", "LICENSE", "MANIFEST.in", "docs/rules.md", "schemas/provider.schema.json"} <= expected
    missing = sorted(expected - names)
    assert not missing, f"the sdist lacks {len(missing)} tracked files (add them to MANIFEST.in): {missing[:20]}"


def test_sdist_carries_no_build_or_cache_litter(dists: Dists) -> None:
    names = _sdist_names(dists)
    litter = sorted(n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith(("output/", "build/")))
    assert not litter, litter


# --------------------------------------------------------------------------- wheel


def test_wheel_ships_the_schemas_the_blank_register_and_the_example(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist() if name.startswith("ropa/")}
    for name, text in schemas().items():  # the JSON Schemas, current with the models
        assert shipped[f"ropa/schemas/{name}"].decode("utf-8") == text, name
    for rel, data in blank_files().items():
        assert shipped[f"ropa/blank/{rel}"] == data, rel
    for rel, data in example_files().items():
        assert shipped[f"ropa/examples/sms-providers/{rel}"] == data, rel
    assert "ropa/py.typed" in shipped and "ropa/templates/register.html" in shipped
    assert not [n for n in shipped if n.startswith(("ropa/tests", "tests/"))]


def test_wheel_metadata_license_classifiers_urls(dists: Dists) -> None:
    meta = _metadata(dists)
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert f"{DIST}.dist-info/licenses/LICENSE" in _wheel_names(dists)
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8").split("\n", 3)[1]
    classifiers = meta.get_all("Classifier") or []
    known = pytest.importorskip("trove_classifiers").classifiers  # the list PyPI checks uploads against
    unknown = [c for c in classifiers if c not in known]
    assert classifiers and not unknown, f"PyPI refuses unknown classifiers: {unknown}"
    assert not [c for c in classifiers if c.startswith("License ::")], "the SPDX expression replaces them"
    python = {c.rsplit(" ", 1)[1] for c in classifiers if c.startswith("Programming Language :: Python :: 3.")}
    lowest = meta["Requires-Python"].removeprefix(">=")
    assert lowest in python, f"Requires-Python {meta['Requires-Python']} but no classifier for {lowest}"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Source", "Issues", "Documentation"} <= urls.keys()
    assert all(u.startswith("https://") for u in urls.values())
    assert meta["Description-Content-Type"] == "text/markdown"


def test_twine_check_passes_on_both(dists: Dists) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dists.sdist), str(dists.wheel)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout


@pytest.mark.parametrize("options", [(), ("--blank",)], ids=["example", "blank"])
def test_wheel_init_works_outside_the_source_tree(dists: Dists, tmp_path: Path, options: tuple[str, ...]) -> None:
    """The wheel unpacked as an installer would, run from a folder with no source tree: ``init`` writes a register
    whose modelines resolve, and ``validate`` loads it (findings, no input errors)."""
    lib = tmp_path / "lib"
    with zipfile.ZipFile(dists.wheel) as archive:
        archive.extractall(lib)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(lib)}
    script = (
        "import sys, ropa\n"
        f"assert ropa.__file__.startswith({str(lib)!r}), ropa.__file__\n"
        "from ropa.cli import main\n"
        "main(sys.argv[1:])\n"
    )

    def ropa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, *args], cwd=work, env=env, capture_output=True, text=True, timeout=120
        )

    init = ropa("init", *options, "mine")
    assert init.returncode == 0, init.stderr
    found = schema_of_every_file(work / "mine")
    assert sorted(p.name for p in (work / "mine" / "schemas").iterdir()) == sorted(schemas())
    assert len(found) == len(blank_files() if options else example_files())
    check = ropa("validate", "mine")
    assert check.returncode in (0, 1), check.stderr
    assert "INPUT-" not in check.stdout + check.stderr and "Traceback" not in check.stderr

"""Property tests: a real package, mutated one thing at a time, never crashes verify, diff or package --since.

The package of the bundled example is built once per session (``real_package``);
each example changes one value, one type, one key or one byte of it (of
``manifest.json``, ``register.json``, ``SHA256SUMS`` or of the raw archive), re-zips it
(with the hashes made to agree again, or not), and runs the three readers through
the CLI. Whatever the mutation, each must exit 0, 1 or 2, print no traceback, name
the package on the first line of a refusal, return within a few seconds and stay
within a bounded amount of memory. ``package --since`` renders no documents here
(the renderer is stubbed): what is tested is reading the earlier package.
"""

from __future__ import annotations

import json
import resource
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ropa.archive.package
from ropa.archive.package import MANIFEST, REGISTER_JSON, SUMS, zip_bytes
from ropa.cli import main

from .conftest import EXAMPLE, WHEN, read_members, repackage

EXAMPLES = 50
SECONDS = 10.0
"""Longest any one command may take on a loaded machine (each takes well under a second alone)."""
MEMORY_GROWTH = 1 << 30
"""Most the test process's peak resident memory may grow over all the runs (bytes)."""

PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,  # time is bounded per command below, which a loaded machine stretches less than a deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


# ------------------------------------------------------------------ JSON with the things json.dumps cannot write


class Raw(str):
    """JSON text written as it is: deep nesting, numbers of any length, NaN, escapes of lone surrogates."""


class Dup(dict[str, Any]):
    """An object that repeats one of its keys (with another value) when written."""

    key = ""
    value: Any = None


def emit(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        items = list(value.items())
        if isinstance(value, Dup):
            items.append((value.key, value.value))
        return "{" + ", ".join(f"{json.dumps(k)}: {emit(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(emit(v) for v in value) + "]"
    return json.dumps(value)


def node_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a document, the root first."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from node_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from node_paths(child, (*path, index))


def get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["", "../../etc/passwd", "/abs", "a\\b", "C:/x", "manifest.json", "SHA256SUMS", "‮evil"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
hostile_literals = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e999",
        "-1e999",
        "1e-999",
        "9" * 41,
        "9" * 400,
        "9" * 5000,
        "-" + "9" * 100_000,
        '"\\ud800"',
        '"\\udfff\\ud800"',
        '"\\u001b[2J"',
        '"\\u0000"',
        '"' + "x" * 100_001 + '"',
        '"' + "y" * 1_000_000 + '"',
        "[" * 49 + "]" * 49,
        "[" * 1000 + "]" * 1000,
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 5000 + "1" + "}" * 5000,
        "true",
        "null",
        "[]",
        "{}",
    ]
).map(Raw)


@st.composite
def mutated_json(draw: st.DrawFn, doc: Any) -> str:
    """``doc`` with one thing changed: a value, a type, a key dropped or repeated, a list for a dict, a literal."""
    doc = json.loads(json.dumps(doc))
    path = draw(st.sampled_from(list(node_paths(doc))))
    kind = draw(st.sampled_from(["value", "literal", "drop", "duplicate", "swap", "wrap"]))
    node = get(doc, path)
    if kind == "value":
        new: Any = draw(json_values)
    elif kind == "literal":
        new = draw(hostile_literals)
    elif kind == "swap":
        if isinstance(node, dict):
            new = list(node.values())
        elif isinstance(node, list):
            new = {str(i): v for i, v in enumerate(node)}
        else:
            new = draw(st.sampled_from([[node], {"value": node}, str(node), None]))
    elif kind == "wrap":
        new = [node] if draw(st.booleans()) else {"": node}
    elif not path:  # drop or repeat a key of the whole document: pick one of its keys instead
        if not isinstance(doc, dict) or not doc:
            return emit(doc)
        key = draw(st.sampled_from(sorted(doc)))
        if kind == "drop":
            del doc[key]
            return emit(doc)
        dup = Dup(doc)
        dup.key, dup.value = key, draw(json_values)
        return emit(dup)
    else:
        parent = get(doc, path[:-1])
        if kind == "drop":
            del parent[path[-1]]
            return emit(doc)
        if isinstance(parent, dict):
            dup = Dup(parent)
            dup.key, dup.value = path[-1], draw(json_values)
            new_parent: Any = dup
        else:
            new_parent = [*parent, parent[path[-1]]]
        if len(path) == 1:
            return emit(new_parent)
        get(doc, path[:-2])[path[-2]] = new_parent
        return emit(doc)
    if not path:
        return emit(new)
    get(doc, path[:-1])[path[-1]] = new
    return emit(doc)


# ------------------------------------------------------------------ running the readers


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Readers:
    """Runs verify, diff and package --since on one package and checks what every run must hold."""

    def __init__(self, real: Path, work: Path) -> None:
        self.real = real
        self.work = work
        self.out = work / "out"
        self.baseline = _peak_rss()
        self.runs = 0
        self.codes: dict[str, dict[int, int]] = {}

    def run(self, name: str, package: Path, *args: str) -> Result:
        started = time.monotonic()
        result = CliRunner().invoke(main, list(args))
        elapsed = time.monotonic() - started
        self.runs += 1
        self.codes.setdefault(name, {}).setdefault(result.exit_code, 0)
        self.codes[name][result.exit_code] += 1
        shown = f"ropa {name} -> {result.exit_code} in {elapsed:.1f} s:\n{result.output[:2000]}"
        assert result.exit_code in (0, 1, 2), shown
        assert result.exception is None or isinstance(result.exception, SystemExit), (shown, result.exception)
        assert "Traceback" not in result.output, shown
        assert "internal error" not in result.output, shown
        assert elapsed < SECONDS, shown
        assert _peak_rss() - self.baseline < MEMORY_GROWTH, f"peak memory grew by {_peak_rss() - self.baseline:,}"
        if result.exit_code == 2:
            first = result.output.splitlines()[0] if result.output else ""
            assert first.startswith(str(package)), f"a refusal names the package first: {shown}"
        return result

    def all(self, package: Path, since: bool = True) -> None:
        self.run("verify", package, "verify", str(package))
        self.run("diff", package, "diff", str(package), str(self.real))
        if since:
            shutil.rmtree(self.out, ignore_errors=True)
            result = self.run(
                "package --since",
                package,
                "package",
                str(EXAMPLE),
                "--out",
                str(self.out),
                "--since",
                str(package),
                "--allow-findings",
            )
            if result.exit_code == 2:
                assert not self.out.exists() or not list(self.out.glob("*.zip")), "nothing is written on a refusal"


@pytest.fixture(scope="module")
def readers(real_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Readers]:
    """The readers, with the documents' renderer stubbed so ``package --since`` takes a second, not a minute."""

    def no_documents(*_args: object, **_kwargs: object) -> tuple[dict[str, bytes], bytes]:
        return {}, b"%PDF-1.7 stub\n"

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ropa.archive.package, "render_documents", no_documents)
        runner = Readers(real_package, tmp_path_factory.mktemp("mutations"))
        yield runner
    print(f"\nmutation runs: {runner.runs}; exit codes: {runner.codes}")


def write(readers: Readers, members: dict[str, bytes], edited: str | None, consistent: bool) -> Path:
    path = readers.work / "mutated.zip"
    path.write_bytes(zip_bytes(repackage(members, edited) if consistent else members, WHEN))
    return path


# ------------------------------------------------------------------ the properties


def test_the_unmutated_package_reads_cleanly(readers: Readers) -> None:
    assert readers.run("verify", readers.real, "verify", str(readers.real)).exit_code == 0
    assert readers.run("diff", readers.real, "diff", str(readers.real), str(readers.real)).exit_code == 0
    readers.all(readers.real)


@PROPERTY
@given(data=st.data())
def test_one_change_to_the_manifest(readers: Readers, data: st.DataObject) -> None:
    members = read_members(readers.real)
    members[MANIFEST] = data.draw(mutated_json(json.loads(members[MANIFEST])), label="manifest").encode()
    readers.all(write(readers, members, MANIFEST, data.draw(st.booleans(), label="consistent")), since=False)


@PROPERTY
@given(data=st.data())
def test_one_change_to_the_register(readers: Readers, data: st.DataObject) -> None:
    members = read_members(readers.real)
    members[REGISTER_JSON] = data.draw(mutated_json(json.loads(members[REGISTER_JSON])), label="register").encode()
    readers.all(write(readers, members, REGISTER_JSON, data.draw(st.booleans(), label="consistent")))


@PROPERTY
@given(
    member=st.sampled_from([MANIFEST, SUMS, REGISTER_JSON]),
    position=st.floats(0, 1, exclude_max=True),
    xor=st.integers(1, 255),
    consistent=st.booleans(),
)
def test_one_byte_changed_in_a_member(
    readers: Readers, member: str, position: float, xor: int, consistent: bool
) -> None:
    members = read_members(readers.real)
    data = bytearray(members[member])
    data[int(position * len(data))] ^= xor
    members[member] = bytes(data)
    readers.all(write(readers, members, member, consistent), since=member == REGISTER_JSON)


@PROPERTY
@given(position=st.floats(0, 1, exclude_max=True), xor=st.integers(1, 255), near_the_end=st.booleans())
def test_one_byte_changed_in_the_archive(readers: Readers, position: float, xor: int, near_the_end: bool) -> None:
    data = bytearray(readers.real.read_bytes())
    # Half the flips land in the last 4 KiB: the central directory and its end record, where a byte says most.
    start = max(0, len(data) - 4096) if near_the_end else 0
    data[start + int(position * (len(data) - start))] ^= xor
    path = readers.work / "flipped.zip"
    path.write_bytes(bytes(data))
    readers.all(path)


@PROPERTY
@given(data=st.data())
def test_a_package_of_hostile_members(readers: Readers, data: st.DataObject) -> None:
    """Whole members replaced: empty, not JSON, JSON of another kind, or deep, huge and long values at the root."""
    members = read_members(readers.real)
    member = data.draw(st.sampled_from([MANIFEST, REGISTER_JSON, SUMS]), label="member")
    members[member] = data.draw(
        st.one_of(
            st.binary(max_size=64),
            hostile_literals.map(lambda raw: raw.encode()),
            json_values.map(lambda v: emit(v).encode()),
            st.just(b"\xef\xbb\xbf" + members[member]),
            st.just(members[member] * 2),
        ),
        label="content",
    )
    readers.all(write(readers, members, member, data.draw(st.booleans(), label="consistent")))

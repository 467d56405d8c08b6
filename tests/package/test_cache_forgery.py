"""The build cache is input: what a writer of the output folder puts there never reaches a package.

A writer of ``OUT`` (a restored CI cache, a job sharing the folder) can change
every file of ``OUT/.ropa-cache``, but not the secret the entries are signed with
(``ROPA_CACHE_SECRET``, here set by the suite's conftest; else a file in the user's
cache folder). The first tests build a small register for real and forge cache
entries the way the hostile review did (blob replaced, its hash and size updated
in ``index.json``): the package must equal, byte for byte, one rendered without
any cache. The rest feed the cache one malformed entry at a time, each of which
must be a miss: no traceback, no hang, the document rendered again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import signal
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ropa.produce.build
import ropa.produce.cache
from ropa.archive.package import build_package
from ropa.check.findings import Report
from ropa.cli import main
from ropa.model.register import Register
from ropa.pipeline import load_and_check_for_documents
from ropa.produce.build import Job, build
from ropa.produce.cache import CACHE_DIR, INDEX, SECRET_ENV, SECRET_FILE, BuildCache, Entry

from .conftest import Built, build_with_cache

REAL_RENDER_ALL = ropa.produce.build.render_all
"""The real renderer of the build; stand-ins are injected into it (its ``renderer``)."""

ORGANISATION: dict[str, Any] = {
    "legal_name": "Forgery Test GmbH",
    "country": "DE",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    "contact": {"email": "privacy@example.com"},
    "dpo": {"designated": True, "name": "DPO", "email": "dpo@example.com"},
    "record": {"version": "1", "date": "2026-11-01"},
}
PROVIDERS: dict[str, dict[str, Any]] = {
    pid: {"id": pid, "legal_name": f"{pid.title()} Mail GmbH", "country": "DE", "role": "processor", "service": "Mail"}
    for pid in ("acme", "zeta")
}
FORGED = b"%PDF-1.7\n% a document ropa never rendered: pay invoice 4711 to the account below\n%%EOF\n"


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def read_index(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / CACHE_DIR / INDEX).read_text("utf-8"))
    return data


def write_index(out: Path, data: dict[str, Any]) -> None:
    (out / CACHE_DIR / INDEX).write_text(json.dumps(data), "utf-8")


def blob_path(out: Path, target: str) -> Path:
    key: str = read_index(out)["entries"][target]["key"]
    return out / CACHE_DIR / "objects" / key


def forge(out: Path, target: str, data: bytes, secret: bytes | None = None) -> None:
    """Replace the blob of ``target`` and update its hash and size, as a writer of ``out`` can; sign it if given."""
    index = read_index(out)
    entry = index["entries"][target]
    (out / CACHE_DIR / "objects" / entry["key"]).write_bytes(data)
    entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    if secret is not None:
        entry["mac"] = ropa.produce.cache._mac(secret, target, Entry(entry["key"], entry["sha256"], entry["size"]))
    write_index(out, index)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Built once: the register, its build, and the bytes of its package made without any cache."""
    return build_with_cache(tmp_path_factory.mktemp("forgery"), ORGANISATION, PROVIDERS)


@pytest.fixture
def built(original: Built, tmp_path: Path) -> Built:
    shutil.copytree(original.root, tmp_path / "register")
    shutil.copytree(original.out, tmp_path / "out")
    return Built(tmp_path / "register", tmp_path / "out", original.fresh)


def test_a_forged_annex_never_reaches_the_package(built: Built) -> None:
    forge(built.out, "annexes/acme.pdf", FORGED)
    result = build_package(built.root, built.out, allow_findings=True)
    assert "annexes/acme.pdf" not in result.reused and "annexes/zeta.pdf" in result.reused
    with zipfile.ZipFile(result.path) as archive:
        assert archive.read("annexes/acme.pdf") != FORGED
        assert b"pay invoice 4711" not in b"".join(archive.read(n) for n in archive.namelist())
    assert result.path.read_bytes() == built.fresh


def test_every_entry_forged_at_once_renders_everything_from_the_register(built: Built) -> None:
    """The joined register, its parts, the workbook and the annexes: none is taken."""
    targets = sorted(read_index(built.out)["entries"])
    assert any(t.startswith("register.pdf#") for t in targets) and "register.xlsx" in targets
    for target in targets:
        forge(built.out, target, FORGED)
    result = build_package(built.root, built.out, allow_findings=True)
    assert result.reused == []
    assert result.path.read_bytes() == built.fresh


def test_an_entry_signed_with_another_secret_or_unsigned_is_not_taken(built: Built) -> None:
    forge(built.out, "annexes/acme.pdf", FORGED, secret=b"a guess at the secret, 32 chars!")
    index = read_index(built.out)
    del index["entries"]["annexes/zeta.pdf"]["mac"]
    write_index(built.out, index)
    result = build_package(built.root, built.out, allow_findings=True)
    assert result.reused == ["annexes/acme.review.pdf", "annexes/zeta.review.pdf", "register.pdf", "register.xlsx"]
    assert result.path.read_bytes() == built.fresh


def test_only_the_secret_makes_an_entry_count(built: Built) -> None:
    """The control: signed with the real secret, a forgery is served. What stops it is the secret, nothing else."""
    forge(built.out, "annexes/acme.pdf", FORGED, secret=os.environ[SECRET_ENV].encode())
    result = build_package(built.root, built.out, allow_findings=True)
    assert "annexes/acme.pdf" in result.reused
    with zipfile.ZipFile(result.path) as archive:
        assert archive.read("annexes/acme.pdf") == FORGED


def test_build_does_not_serve_a_forgery_either(built: Built) -> None:
    forge(built.out, "annexes/acme.pdf", FORGED)
    code, text = cli("build", str(built.root), "--out", str(built.out), "--jobs", "1")
    assert code == 0, text
    assert "5 unchanged since the last build" in text  # zeta annex, both reviews, workbook, register
    assert (built.out / "annexes" / "acme.pdf").read_bytes() != FORGED
    assert blob_path(built.out, "annexes/acme.pdf").read_bytes() == (built.out / "annexes" / "acme.pdf").read_bytes()


def test_a_signed_part_that_is_no_part_is_rendered_again(built: Built) -> None:
    """Defence in depth: a part blob whose header does not parse is a miss, even when its entry verifies."""
    secret = os.environ[SECRET_ENV].encode()
    index = read_index(built.out)
    parts = sorted(t for t in index["entries"] if t.startswith("register.pdf#"))
    assert len(parts) >= 4, parts
    for target, junk in zip(
        parts[:4], [b'{"pages": "x"}\n%PDF', b"[1, 2]\n", b"\xff\xfe not json\n", b"{}\n"], strict=True
    ):
        forge(built.out, target, junk, secret=secret)
    index = read_index(built.out)
    del index["entries"]["register.pdf"]  # the joined register would be taken whole otherwise
    write_index(built.out, index)
    result = build_package(built.root, built.out, allow_findings=True)
    assert "register.pdf" not in result.reused
    assert result.path.read_bytes() == built.fresh


# ---------------------------------------------------------------- malformed entries, with a fast renderer


RENDERED: list[str] = []
TARGETS = [
    "annexes/acme.pdf",
    "annexes/acme.review.pdf",
    "annexes/zeta.pdf",
    "annexes/zeta.review.pdf",
    "register.pdf",
    "register.xlsx",
]


def stand_in(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
    RENDERED.append(job.target)
    return f"{job.target} of {register.organisation.legal_name}\n".encode()


@pytest.fixture
def fast(make_register: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A register built once with a stand-in renderer; yields ``(register, report, out)``; ``RENDERED`` cleared."""
    monkeypatch.setattr(ropa.produce.build, "render_all", functools.partial(REAL_RENDER_ALL, renderer=stand_in))
    register, report = load_and_check_for_documents(make_register(PROVIDERS, ORGANISATION))
    out = tmp_path / "out"
    build(register, report, out, workers=1)
    RENDERED.clear()
    yield register, report, out
    RENDERED.clear()


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM interrupts a blocked open or read."""

    def expire(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s: the cache hangs on this entry")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rebuild(fast: Any) -> list[str]:
    """Build again (at most 20 s); the targets rendered rather than taken from the cache."""
    register, report, out = fast
    RENDERED.clear()
    with within(20):
        build(register, report, out, workers=1)
    assert (out / "annexes" / "acme.pdf").read_bytes() == b"annexes/acme.pdf of Forgery Test GmbH\n"
    return sorted(RENDERED)


def test_an_intact_cache_serves_everything(fast: Any) -> None:
    assert rebuild(fast) == []


def _blob(fast: Any, target: str = "annexes/acme.pdf") -> Path:
    return blob_path(fast[2], target)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-3])


def _grow_huge(path: Path) -> None:
    with open(path, "r+b") as handle:  # sparse: 8 GiB on paper, nothing on disk
        handle.truncate(8 << 30)


def _symlink_to_same_bytes(path: Path) -> None:
    copy = path.with_name("elsewhere")
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _same_size_other_bytes(path: Path) -> None:
    path.write_bytes(bytes(len(path.read_bytes())))


@pytest.mark.parametrize(
    "damage",
    [_truncate, _grow_huge, _symlink_to_same_bytes, _fifo, _dev_zero, _folder, _same_size_other_bytes],
    ids=["truncated", "huge", "symlink", "fifo", "dev-zero", "folder", "wrong-hash"],
)
def test_a_damaged_blob_is_a_miss(fast: Any, damage: Callable[[Path], None]) -> None:
    damage(_blob(fast))
    assert rebuild(fast) == ["annexes/acme.pdf"]
    assert stat.S_ISREG(_blob(fast).lstat().st_mode), "the next save stores a real blob again"


def _set(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(index: dict[str, Any]) -> None:
        index["entries"]["annexes/acme.pdf"][field] = value

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set("key", 12),
        _set("key", "../../annexes/zeta.pdf"),
        _set("sha256", None),
        _set("size", "7"),
        _set("size", True),
        _set("size", -1),
        _set("size", 10**400),
        _set("mac", ["not", "a", "mac"]),
        _set("mac", "0" * 64),
        lambda index: index["entries"].__setitem__("annexes/acme.pdf", "a string"),
    ],
    ids=["key-int", "key-path", "hash-null", "size-text", "size-bool", "size-negative", "size-huge", "mac-list",
         "mac-zero", "entry-text"],
)  # fmt: skip
def test_an_index_entry_of_the_wrong_shape_is_a_miss(fast: Any, change: Callable[[dict[str, Any]], None]) -> None:
    out = fast[2]
    index = read_index(out)
    change(index)
    write_index(out, index)
    assert rebuild(fast) == ["annexes/acme.pdf"]


def _index_text(text: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(text)

    return write


def _index_huge(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(ropa.produce.cache.MAX_INDEX_BYTES + 1)


@pytest.mark.parametrize(
    "damage",
    [
        _index_text(b"{not json"),
        _index_text(b"\xff\xfe\x00binary"),
        _index_text(b"[" * 100_000 + b"]" * 100_000),
        _index_text(b'{"format": 2, "entries": [1, 2]}'),
        _index_text(b'{"format": 1, "entries": {}}'),
        _index_text(b"9" * 10_000),
        _index_huge,
        _fifo,
        _dev_zero,
        _folder,
    ],
    ids=["bad-json", "binary", "deep", "entries-list", "old-format", "long-number", "huge", "fifo", "dev-zero",
         "folder"],
)  # fmt: skip
def test_a_malformed_index_means_a_full_build(fast: Any, damage: Callable[[Path], None]) -> None:
    damage(fast[2] / CACHE_DIR / INDEX)
    assert rebuild(fast) == TARGETS


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(fast: Any, tmp_path: Path) -> None:
    """A link would send the cache's writes, and its pruning of unused blobs, into another folder."""
    out = fast[2]
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / CACHE_DIR / "objects", elsewhere)
    (elsewhere / ("f" * 64)).write_bytes(b"a file that is no blob of this cache")
    (out / CACHE_DIR / "objects").symlink_to(elsewhere)
    before = sorted(p.name for p in elsewhere.iterdir())
    assert rebuild(fast) == TARGETS
    assert sorted(p.name for p in elsewhere.iterdir()) == before, "nothing written or deleted through the link"

    shutil.rmtree(out / CACHE_DIR)
    (tmp_path / "other").mkdir()
    (out / CACHE_DIR).symlink_to(tmp_path / "other")
    assert rebuild(fast) == TARGETS
    assert list((tmp_path / "other").iterdir()) == []


def test_pruning_deletes_only_blobs(fast: Any) -> None:
    objects = fast[2] / CACHE_DIR / "objects"
    (objects / "notes.txt").write_text("not named like a key")
    (objects / ("a" * 64)).write_bytes(b"an unused blob")
    assert rebuild(fast) == []
    assert (objects / "notes.txt").exists() and not (objects / ("a" * 64)).exists()


# ---------------------------------------------------------------- the secret


@pytest.fixture
def home_secret(fast: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """After the first build: no secret in the environment, a fresh cache folder as on a new CI runner.

    Returns the path of the secret file there.
    """
    monkeypatch.delenv(SECRET_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "ropa" / SECRET_FILE


def test_a_fresh_home_is_a_miss_then_keeps_a_private_secret(home_secret: Path, fast: Any) -> None:
    assert rebuild(fast) == TARGETS, "the entries were signed with another secret"
    assert stat.S_IMODE(home_secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(home_secret.parent.stat().st_mode) == 0o700
    assert len(bytes.fromhex(home_secret.read_text("ascii"))) == 32
    secret = home_secret.read_bytes()
    assert rebuild(fast) == []
    assert home_secret.read_bytes() == secret
    assert secret not in b"".join(p.read_bytes() for p in (fast[2] / CACHE_DIR).rglob("*") if p.is_file())


def test_a_secret_others_can_read_is_not_used(home_secret: Path, fast: Any) -> None:
    rebuild(fast)
    home_secret.chmod(0o644)
    assert rebuild(fast) == TARGETS
    assert rebuild(fast) == TARGETS, "nothing is stored under a secret that may be known"
    assert stat.S_IMODE(home_secret.stat().st_mode) == 0o644, "the user's file is left for them to remove"


def test_a_secret_that_is_a_link_is_not_followed(home_secret: Path, fast: Any, tmp_path: Path) -> None:
    home_secret.parent.mkdir(parents=True)
    planted = tmp_path / "planted"
    planted.write_text("ab" * 32 + "\n")
    planted.chmod(0o600)
    home_secret.symlink_to(planted)
    assert rebuild(fast) == TARGETS
    assert rebuild(fast) == TARGETS


def test_a_home_that_cannot_be_written_renders_everything(
    home_secret: Path, fast: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No folder can be made under a file (even as root): no secret, so no cache, and the build still succeeds."""
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "xdg"))
    assert rebuild(fast) == TARGETS
    assert rebuild(fast) == TARGETS


def test_a_short_secret_in_the_environment_is_refused(
    make_register: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, "hunter2")
    root = make_register(PROVIDERS, ORGANISATION)
    code, text = cli("build", str(root), "--out", str(tmp_path / "out"))
    assert code == 2
    assert text.strip().count("\n") == 0 and f"{SECRET_ENV}: 7 characters" in text and "Traceback" not in text
    assert "hunter2" not in text
    assert not (tmp_path / "out").exists()


def test_a_cache_made_with_the_same_secret_elsewhere_is_taken(fast: Any, tmp_path: Path) -> None:
    """CI jobs that share ROPA_CACHE_SECRET share their caches: a copied output folder hits."""
    register, report, out = fast
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    cache = BuildCache(copy)
    build(register, report, copy, workers=1, cache=cache)
    assert RENDERED == [] and sorted(cache.hits) == TARGETS

"""The build cache: rendered documents kept under ``<out>/.ropa-cache``, keyed by what shapes their bytes.

WeasyPrint takes seconds per document where everything before it takes
milliseconds, so ``ropa build`` keeps each rendered document and reuses it
when nothing that could change its bytes has changed. The key of a document is
a SHA-256 over:

* the code: ropa's version plus a hash of its own package files (Python,
  reference data, built-in templates), and the versions of WeasyPrint and
  openpyxl, so an upgrade or a local edit never serves an old rendering;
* for PDFs, the user's template folder (every file, by relative path and content);
* the document's own inputs. For a PDF that is the exact HTML handed to
  WeasyPrint plus its attachments and date: the HTML is a pure function of the
  register, the findings and the templates, costs milliseconds to make, and
  captures every cross-reference an annex draws from other providers, which a
  hand-picked list of inputs could miss. For the XLSX it is the normalised
  register, the report and the document date.

Same key, same bytes: WeasyPrint and the XLSX writer are deterministic for the
same input, so a build from the cache is byte-identical to a clean one (a test
checks it). ``ropa build --no-cache`` ignores and rewrites the cache. Entries not
used by the targets of the latest build are pruned, so the cache never holds more
than one copy of each output.

The cache is input, not a store ropa owns: a CI cache restores it, jobs share it,
anyone who can write the output folder can rewrite it, and ``ropa package`` puts
what it serves in front of an auditor. So every entry carries an HMAC-SHA256, made
with a secret kept outside the output folder (:func:`cache_secret`), over its
target, key, size and the SHA-256 of its bytes; an entry whose HMAC does not verify
is never read, and a blob is used only when its size and SHA-256 are those the
HMAC covers. A writer of the output folder without the secret can delete entries
(a miss: the document renders again) but not add or change one. Everything in the
folder is read as hostile: only regular files (no links, FIFOs or devices), an
index of bounded size, entries of the right shape; anything else is a miss. The
threat model is in ``docs/security.md``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import hmac
import json
import os
import re
import stat
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from ropa.util.fsutil import atomic_path, atomic_write

CACHE_DIR = ".ropa-cache"
"""Folder of the cache inside the output folder."""
INDEX = "index.json"
FORMAT = 2
"""Bumped when the layout of the cache or the meaning of a key changes (2: entries carry an HMAC)."""
MAX_INDEX_BYTES = 64 << 20
"""Largest ``index.json`` read (about 300,000 entries; 10,000 activities need a few thousand)."""
SECRET_ENV = "ROPA_CACHE_SECRET"
"""Environment variable that gives the secret itself (a CI secret, for a cache shared between trusted jobs)."""
SECRET_FILE = "cache-secret"
"""File of the secret in ``$XDG_CACHE_HOME/ropa/`` (or ``~/.cache/ropa/``): 64 hex digits, mode 0600."""
MIN_SECRET_CHARS = 32
_KEY = re.compile(r"[0-9a-z]{64}")
"""A cache key (a SHA-256 in hex), which is also its blob's file name: nothing else is read or pruned."""
_HEX64 = re.compile(r"[0-9a-f]{64}")

_PACKAGE = Path(__file__).resolve().parent
_CODE_SUFFIXES = (".py", ".yaml", ".html", ".css", ".svg", ".woff2", ".ttf", ".otf", ".po")


def _dist_version(name: str) -> str:
    """A distribution's version without importing it (importing WeasyPrint costs half a second)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _tree_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """SHA-256 over every file under ``root`` (relative path and bytes), in a stable order.

    Only what the renderer could read counts: regular files whose real path stays inside ``root``, up to
    the largest asset the URL fetcher accepts. A link leaving the folder, a FIFO or a device is never
    opened (the renderer refuses it by name if a template uses it); an oversized file counts by its size.
    """
    from ropa.read.safefiles import is_inside, real_folder
    from ropa.render.fetcher import MAX_ASSET_BYTES

    digest = hashlib.sha256()
    if not root.is_dir():
        return digest.hexdigest()
    folder = real_folder(root)
    files = sorted(
        p for p in root.rglob("*") if "__pycache__" not in p.parts and (suffixes is None or p.suffix in suffixes)
    )
    for path in files:
        real = os.path.realpath(path)
        try:
            info = os.stat(real)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or not is_inside(real, folder):
            continue
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        if info.st_size > MAX_ASSET_BYTES:
            digest.update(f"refused:{info.st_size}".encode())
            continue
        file_digest = hashlib.sha256()
        try:
            with open(real, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NONBLOCK | os.O_NOFOLLOW)) as f:
                while chunk := f.read(1 << 20):  # in chunks: a large file costs time, not memory
                    file_digest.update(chunk)
        except OSError:  # swapped or removed since the walk: it counts as unreadable, as the renderer finds it
            file_digest.update(b"unreadable")
        digest.update(file_digest.digest())
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """Hash of what renders documents: ropa's version and files, the built-in templates, the engines."""
    from ropa import __version__

    parts = {
        "format": FORMAT,
        "ropa": __version__,
        "package": _tree_digest(_PACKAGE, _CODE_SUFFIXES),
        "templates": _tree_digest((_PACKAGE / "templates").resolve()),
        "weasyprint": _dist_version("weasyprint"),
        "openpyxl": _dist_version("openpyxl"),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def templates_digest(templates: Path | None) -> str:
    """Hash of the user's template folder (empty string when none is given)."""
    return "" if templates is None else _tree_digest(Path(templates).resolve())


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data in a stable form (dataclasses, enums, tuples, sets, dates)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(canonical(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def document_key(kind: str, environment: str, *inputs: bytes | str) -> str:
    """The cache key of one document: its kind, the code and template digests, and its inputs."""
    digest = hashlib.sha256()
    for part in (kind, environment, *inputs):
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def environment_digest() -> str:
    """Code digest plus ``SOURCE_DATE_EPOCH`` (which sets every document's date): part of every key."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return document_key("environment", code_digest(), epoch)


def _secret_folder() -> Path | None:
    """``$XDG_CACHE_HOME/ropa`` (when set to an absolute path), else ``~/.cache/ropa``; None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no home folder known
            return None
    return Path(base) / "ropa"


def _read_secret(path: Path) -> bytes | None:
    """The secret in ``path`` if it is a regular file of this user, readable by no one else, of the right form."""
    data = read_regular(path, limit=4096)
    if data is None:
        return None
    try:
        info = path.lstat()
    except OSError:
        return None
    owner = getattr(os, "geteuid", None)
    if (owner is not None and info.st_uid != owner()) or info.st_mode & 0o077:
        return None  # another user could know it
    text = data.decode("ascii", "replace").strip()
    return bytes.fromhex(text) if _HEX64.fullmatch(text) else None


def _create_secret(path: Path) -> bytes | None:
    """Make a new secret in ``path`` (mode 0600, in a folder of mode 0700); the one that exists if another run won."""
    secret = os.urandom(32)
    tmp = path.with_name(f".{path.name}-{os.getpid()}-{secret[:4].hex()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.write(fd, secret.hex().encode("ascii") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # never replaces: two first runs at once end with one secret
        except FileExistsError:
            return _read_secret(path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:  # a home that cannot be written: no cache, every document renders
        return None
    return secret


def cache_secret(create: bool = False) -> bytes | None:
    """The key of the cache's HMACs: from :data:`SECRET_ENV`, else the secret file, made when ``create`` is true.

    None (no cache: every entry is a miss and nothing is stored) when there is no
    home folder, the file cannot be made, or it is not this user's alone. A fresh
    home (a new CI runner) has no secret yet: every document renders, then the
    build stores its results under a new one.

    Raises:
        UsageError: when :data:`SECRET_ENV` is set but shorter than :data:`MIN_SECRET_CHARS`.
    """
    given = os.environ.get(SECRET_ENV, "")
    if given:
        if len(given) < MIN_SECRET_CHARS:
            from ropa.errors import UsageError

            raise UsageError(
                f"{SECRET_ENV}: {len(given)} characters; use at least {MIN_SECRET_CHARS} random ones "
                f"(e.g. the output of: python -c 'import secrets; print(secrets.token_hex())'), or unset it"
            )
        return given.encode("utf-8")
    folder = _secret_folder()
    if folder is None:
        return None
    secret = _read_secret(folder / SECRET_FILE)
    if secret is None and create and not os.path.lexists(folder / SECRET_FILE):
        secret = _create_secret(folder / SECRET_FILE)
    return secret


def read_regular(path: Path, size: int | None = None, limit: int | None = None) -> bytes | None:
    """The bytes of ``path``, or None unless it is a regular file (not a link, FIFO or device) of ``size`` bytes.

    Opened without following a link and without blocking (a FIFO would wait for a
    writer forever), checked on the open file, and read once: a file that grows or
    shrinks meanwhile, or is over ``limit`` bytes, is None too. Never raises OSError.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        with open(fd, "rb", closefd=False) as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None
            if (size is not None and info.st_size != size) or (limit is not None and info.st_size > limit):
                return None
            data = handle.read(info.st_size + 1)
    except (OSError, MemoryError):
        return None
    finally:
        os.close(fd)
    return data if len(data) == info.st_size else None


class Entry(NamedTuple):
    """A verified index entry: the key a document was rendered for, and the SHA-256 and size of its bytes."""

    key: str
    sha256: str
    size: int


def _mac(secret: bytes, target: str, entry: Entry) -> str:
    """HMAC-SHA256 of an entry: as good as one over target, key and bytes, since it covers their SHA-256."""
    message = json.dumps([FORMAT, target, entry.key, entry.size, entry.sha256], ensure_ascii=True)
    return hmac.new(secret, message.encode("ascii"), hashlib.sha256).hexdigest()


def _blob(root: Path, key: str) -> Path:
    return root / "objects" / key


def read_blob(root: Path, entry: Entry) -> bytes | None:
    """The blob of a verified ``entry`` under ``root`` if it is intact (its size and SHA-256), else None."""
    data = read_regular(_blob(root, entry.key), size=entry.size)
    if data is None or not hmac.compare_digest(hashlib.sha256(data).hexdigest(), entry.sha256):
        return None
    return data


def _real_folder(path: Path) -> bool:
    """Whether ``path`` is a folder itself, or absent (then it is made): never a link to somewhere else."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _make_way(path: Path) -> None:
    """Remove a link, FIFO, device, socket or empty folder at ``path``: the cache replaces it, never writes through.

    (:func:`ropa.util.fsutil.atomic_write` writes *into* a special file, as ``--output /dev/stdout`` needs: a FIFO
    planted in the cache would block the build, a link to ``/dev/stdout`` would print the blob.)
    """
    try:
        mode = path.lstat().st_mode
    except OSError:
        return
    with contextlib.suppress(OSError):
        if stat.S_ISDIR(mode):
            path.rmdir()  # only an empty one; the write then fails and the entry is dropped
        elif not stat.S_ISREG(mode):
            path.unlink()


def _store(path: Path, head: bytes, data: bytes | Path) -> tuple[str, int]:
    """Write ``head`` + ``data`` (bytes, or the content of a file) to ``path`` atomically; their SHA-256 and size."""
    _make_way(path)
    if isinstance(data, bytes):
        atomic_write(path, head + data)
        return hashlib.sha256(head + data).hexdigest(), len(head) + len(data)
    digest = hashlib.sha256(head)
    size = len(head)
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as out, open(data, "rb") as source:
            out.write(head)
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except OSError as exc:
        from ropa.errors import OutputError

        raise OutputError(f"{path}: {exc.strerror or exc}") from None
    return digest.hexdigest(), size


class BuildCache:
    """Rendered documents by target, each with the key it was rendered for.

    Attributes:
        root: The cache folder.
        hits: Targets served from the cache in this build.
        misses: Targets rendered in this build.
        part_hits, part_misses: The same for the parts the register PDF is joined from.
    """

    def __init__(self, out: Path) -> None:
        """Open the cache of the output folder ``out``; only entries whose HMAC verifies are seen.

        Raises:
            UsageError: when :data:`SECRET_ENV` is too short to be a secret.
        """
        self.root = out / CACHE_DIR
        self.hits: list[str] = []
        self.misses: list[str] = []
        self.part_hits: list[str] = []
        """Parts of the register PDF reused in this build (``register.pdf#...``)."""
        self.part_misses: list[str] = []
        """Parts of the register PDF rendered in this build."""
        self._secret = cache_secret(create=False)
        self._changed = False
        self._index: dict[str, Entry] = self._load_index()
        self._pending: dict[str, tuple[str, bytes, bytes | Path]] = {}

    def _usable(self) -> bool:
        """Whether the cache folder and its objects folder are real folders (or absent), not links elsewhere."""
        return _real_folder(self.root) and _real_folder(self.root / "objects")

    def _load_index(self) -> dict[str, Entry]:
        """The entries of ``index.json`` that have the right shape and whose HMAC verifies; any other is dropped."""
        if self._secret is None or not self._usable():
            return {}
        raw = read_regular(self.root / INDEX, limit=MAX_INDEX_BYTES)
        if raw is None:
            return {}
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep, a number too long
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), dict):
            return {}
        index: dict[str, Entry] = {}
        for target, item in data["entries"].items():
            entry = self._verified(target, item)
            if entry is None:
                self._changed = True  # the next save writes the index without it
            else:
                index[target] = entry
        return index

    def _verified(self, target: str, item: object) -> Entry | None:
        """``item`` as an entry, if it is one and its HMAC is the one this cache's secret gives."""
        if not isinstance(item, dict) or self._secret is None:
            return None
        key, digest, size, mac = item.get("key"), item.get("sha256"), item.get("size"), item.get("mac")
        if not (isinstance(key, str) and _KEY.fullmatch(key) and isinstance(digest, str) and _HEX64.fullmatch(digest)):
            return None
        if type(size) is not int or size < 0 or not isinstance(mac, str):
            return None
        entry = Entry(key, digest, size)
        return entry if hmac.compare_digest(_mac(self._secret, target, entry), mac) else None

    def entry(self, target: str) -> Entry | None:
        """The verified entry of the cached rendering of ``target``, or None."""
        return self._index.get(target)

    def get(self, target: str, key: str) -> bytes | None:
        """The cached bytes of ``target`` if they were rendered for ``key`` and are intact, else None."""
        entry = self.entry(target)
        if entry is None or entry.key != key:
            return None
        return read_blob(self.root, entry)

    def clear(self) -> None:
        """Forget every entry, so this build renders everything (``--no-cache``); it still stores the results."""
        if self._index:
            self._index = {}
            self._changed = True

    def put(self, target: str, key: str, data: bytes | Path, head: bytes = b"") -> None:
        """Keep ``head`` + ``data`` as the rendering of ``target`` for ``key`` (stored by :meth:`save`).

        ``data`` may be a file set aside on disk (a large PDF): it is copied when
        saved, so it must still exist then.
        """
        self._pending[target] = (key, head, data)

    def forget(self, targets: set[str]) -> None:
        """Drop the entries of targets that no longer exist (a provider removed from the register)."""
        for target in targets & set(self._index):
            del self._index[target]
            self._changed = True

    def targets(self) -> set[str]:
        """Targets the cache holds an entry for."""
        return set(self._index)

    def save(self) -> None:
        """Store the new renderings, write the index and delete blobs no entry refers to.

        Best effort: the cache only saves time, so a cache that cannot be written
        (full disk, read-only folder, no secret, a link where its folder should be)
        never fails a build whose outputs were written.
        """
        from ropa.errors import OutputError, UsageError

        pending, self._pending = sorted(self._pending.items()), {}
        try:
            secret = self._secret if self._secret is not None else cache_secret(create=True)
        except UsageError:
            secret = None
        if secret is None or not self._usable():
            return
        if secret != self._secret:  # made just now: nothing loaded was signed with it
            self._secret, self._index, self._changed = secret, {}, True
        for target, (key, head, data) in pending:
            if not _KEY.fullmatch(key):
                continue
            try:
                digest, size = _store(_blob(self.root, key), head, data)
            except OutputError:
                self._index.pop(target, None)
            else:
                self._index[target] = Entry(key, digest, size)
            self._changed = True
        try:
            if self._changed:
                entries = {
                    t: {"key": e.key, "sha256": e.sha256, "size": e.size, "mac": _mac(secret, t, e)}
                    for t, e in sorted(self._index.items())
                }
                payload = {"format": FORMAT, "entries": entries}
                _make_way(self.root / INDEX)
                atomic_write(self.root / INDEX, json.dumps(payload, indent=1, sort_keys=True) + "\n")
            self._prune()
        except (OutputError, OSError):
            return

    def _prune(self) -> None:
        """Delete blobs no entry refers to; only files named like a key (another run's temporary file stays)."""
        keep = {e.key for e in self._index.values()}
        objects = self.root / "objects"
        if not _real_folder(objects) or not objects.exists():
            return
        for blob in objects.iterdir():
            if blob.name not in keep and _KEY.fullmatch(blob.name):
                blob.unlink(missing_ok=True)

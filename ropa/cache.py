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
checks it). ``ropa build --no-cache`` ignores and rewrites the cache. Blobs are
verified against their SHA-256 when read, and entries not used by the targets of
the latest build are pruned, so the cache never holds more than one copy of
each output.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from ropa.fsutil import TMP_PREFIX, atomic_path, atomic_write

CACHE_DIR = ".ropa-cache"
"""Folder of the cache inside the output folder."""
INDEX = "index.json"
FORMAT = 1
"""Bumped when the layout of the cache or the meaning of a key changes."""

_PACKAGE = Path(__file__).resolve().parent
_CODE_SUFFIXES = (".py", ".yaml", ".html", ".css", ".svg", ".woff2", ".ttf", ".otf")


def _dist_version(name: str) -> str:
    """A distribution's version without importing it (importing WeasyPrint costs half a second)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _tree_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """SHA-256 over every file under ``root`` (relative path and bytes), in a stable order."""
    digest = hashlib.sha256()
    if root.is_dir():
        files = sorted(
            p
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and (suffixes is None or p.suffix in suffixes)
        )
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
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


def _blob(root: Path, key: str) -> Path:
    return root / "objects" / key


def read_blob(root: Path, key: str, sha256: str) -> bytes | None:
    """The blob stored for ``key`` under ``root`` if it is intact (its SHA-256 is ``sha256``), else None."""
    try:
        data = _blob(root, key).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _store(path: Path, head: bytes, data: bytes | Path) -> str:
    """Write ``head`` + ``data`` (bytes, or the content of a file) to ``path`` atomically; their SHA-256."""
    if isinstance(data, bytes):
        atomic_write(path, head + data)
        return hashlib.sha256(head + data).hexdigest()
    digest = hashlib.sha256(head)
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as out, open(data, "rb") as source:
            out.write(head)
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        from ropa.errors import OutputError

        raise OutputError(f"{path}: {exc.strerror or exc}") from None
    return digest.hexdigest()


class BuildCache:
    """Rendered documents by target, each with the key it was rendered for.

    Attributes:
        root: The cache folder.
        hits: Targets served from the cache in this build.
        misses: Targets rendered in this build.
        part_hits, part_misses: The same for the parts the register PDF is joined from.
    """

    def __init__(self, out: Path) -> None:
        self.root = out / CACHE_DIR
        self.hits: list[str] = []
        self.misses: list[str] = []
        self.part_hits: list[str] = []
        """Parts of the register PDF reused in this build (``register.pdf#...``)."""
        self.part_misses: list[str] = []
        """Parts of the register PDF rendered in this build."""
        self._index: dict[str, dict[str, str]] = self._load_index()
        self._changed = False
        self._pending: dict[str, tuple[str, bytes, bytes | Path]] = {}

    def _load_index(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads((self.root / INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), dict):
            return {}
        return {
            t: e
            for t, e in data["entries"].items()
            if isinstance(e, dict) and isinstance(e.get("key"), str) and isinstance(e.get("sha256"), str)
        }

    def entry(self, target: str) -> tuple[str, str] | None:
        """``(key, sha256)`` of the cached rendering of ``target``, or None."""
        entry = self._index.get(target)
        return (entry["key"], entry["sha256"]) if entry is not None else None

    def get(self, target: str, key: str) -> bytes | None:
        """The cached bytes of ``target`` if they were rendered for ``key`` and are intact, else None."""
        entry = self.entry(target)
        if entry is None or entry[0] != key:
            return None
        return read_blob(self.root, key, entry[1])

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
        (full disk, read-only folder) never fails a build whose outputs were written.
        """
        from ropa.errors import OutputError

        for target, (key, head, data) in sorted(self._pending.items()):
            try:
                digest = _store(_blob(self.root, key), head, data)
            except OutputError:
                self._index.pop(target, None)
            else:
                self._index[target] = {"key": key, "sha256": digest}
            self._changed = True
        self._pending.clear()
        try:
            if self._changed:
                payload = {"format": FORMAT, "entries": dict(sorted(self._index.items()))}
                atomic_write(self.root / INDEX, json.dumps(payload, indent=1, sort_keys=True) + "\n")
            keep = {e["key"] for e in self._index.values()}
            objects = self.root / "objects"
            if objects.is_dir():
                for blob in objects.iterdir():
                    if blob.name not in keep and not blob.name.startswith(TMP_PREFIX):
                        blob.unlink(missing_ok=True)
        except (OutputError, OSError):
            return

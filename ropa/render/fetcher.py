"""A WeasyPrint URL fetcher that serves only files from the template folders.

WeasyPrint's default fetcher reads any local file and any URL: one
``<link rel="attachment" href="file:///etc/hostname">`` reaching the HTML
would embed that file in the PDF. Autoescaping keeps user text out of the
markup; this fetcher is the second wall. It serves ``file:`` URLs whose real
path (after resolving ``..``, percent-escapes and symlinks) lies inside one of
the template folders, looked up by relative path in the same order as the
Jinja loader (the user's folder first, then the built-in one). Every other
scheme (``http``, ``https``, ``data``, ``ftp`` ...) and every other path is refused.
The file itself is read as template files are (:mod:`ropa.read.safefiles`): a FIFO, a
device or a file over :data:`MAX_ASSET_BYTES` is refused without being read.

WeasyPrint 70 requires an instance of a :class:`weasyprint.urls.URLFetcher`
subclass, so the class is created on first use, inside the render functions,
to keep WeasyPrint out of module import time.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ropa.read.safefiles import RefusedFile, read_regular

MAX_ASSET_BYTES = 32 * 1024 * 1024
"""Largest file (font, image, stylesheet) the fetcher serves."""
_MIME = {".css": "text/css", ".svg": "image/svg+xml", ".html": "text/html", ".woff2": "font/woff2"}


class RefusedURL(ValueError):
    """A URL the fetcher will not serve (raised to WeasyPrint, which skips the resource)."""


def resolve_inside(url: str, roots: list[Path]) -> Path:
    """The file a ``file:`` URL names, looked up by relative path in ``roots``.

    Raises:
        RefusedURL: for any other scheme, a path outside every root, or a missing file.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        raise RefusedURL(f"refused {parts.scheme or 'relative'}: URL (only template files are served)")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL("refused file: URL on another host")
    requested = Path(url2pathname(unquote(parts.path)))
    resolved_roots = [root.resolve() for root in roots]
    try:
        real = requested.resolve()
    except (OSError, RuntimeError) as exc:
        raise RefusedURL(f"refused unreadable path: {exc}") from None
    relative: Path | None = None
    for root in resolved_roots:
        if real.is_relative_to(root):
            relative = real.relative_to(root)
            break
    if relative is None:
        raise RefusedURL("refused file outside the template folders")
    for root in resolved_roots:
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise RefusedURL(f"no template file {relative}")


def make_fetcher(roots: list[Path]) -> Any:
    """A :class:`weasyprint.urls.URLFetcher` instance confined to ``roots``.

    The instance records every refused URL in its ``refused`` list, which tests read.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class TemplateFetcher(URLFetcher):  # type: ignore[misc]
        """Serves template files; refuses everything else."""

        def __init__(self, folders: list[Path]) -> None:
            super().__init__(allowed_protocols=["file"], allow_redirects=False, fail_on_errors=False, timeout=1)
            self.roots = list(folders)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: object = None) -> Any:
            try:
                path = resolve_inside(url, self.roots)
            except RefusedURL:
                self.refused.append(url[:200])
                raise
            try:
                data = read_regular(path, str(path.parent), MAX_ASSET_BYTES, "template")
            except RefusedFile as refused:
                self.refused.append(url[:200])
                raise RefusedURL(f"refused {path.name}: {refused.reason}") from None
            mime = _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})

    return TemplateFetcher(roots)

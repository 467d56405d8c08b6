"""The Jinja environment of the HTML templates: user folder first, autoescape on, undefined is an error.

Templates are the user's to change: ``ropa build --templates DIR`` puts DIR in
front of the built-in folder, and any file found there by name (a template, a
partial, the stylesheet) replaces the built-in one. The same folders, in the
same order, are the only places the PDF's URL fetcher may read from.

Safety rules the environment enforces:

* autoescape is on for every template, whatever its extension, so user text
  becomes text, never markup (``<link>``, ``<img>``, ``{{ 7*7 }}`` all print literally);
* :class:`jinja2.StrictUndefined` turns a misspelt variable into an error instead
  of an empty cell;
* templates receive view-models from :mod:`ropa.render.context` (plain values),
  never the raw models.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ropa.render.context import NOT_STATED

BUILTIN = Path(__file__).resolve().parent.parent / "templates"
"""The built-in templates shipped with the package (``ropa/templates`` links to the top-level folder)."""


def template_roots(templates: Path | None) -> list[Path]:
    """Folders searched for templates and assets, user folder first."""
    roots = [BUILTIN.resolve()]
    if templates is not None:
        roots.insert(0, Path(templates).resolve())
    return roots


def stated(value: Any) -> Markup:
    """The value as escaped text, or a visible "Not stated" marker when it is None or empty."""
    if value is None or value == "" or value == []:
        return Markup('<span class="not-stated">') + NOT_STATED + Markup("</span>")
    return escape(str(value))


def environment(templates: Path | None) -> jinja2.Environment:
    """The (cached) environment for ``templates`` (None: built-in templates only)."""
    return _environment(tuple(str(p) for p in template_roots(templates)))


@cache
def _environment(roots: tuple[str, ...]) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(root) for root in roots])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["stated"] = stated
    env.globals["NOT_STATED"] = NOT_STATED

    def stylesheet(name: str) -> Markup:
        """A stylesheet's text, unparsed, for a ``<style>`` element (found by name like any template)."""
        source, _filename, _uptodate = loader.get_source(env, name)
        return Markup(source)

    env.globals["stylesheet"] = stylesheet
    return env


def render(name: str, templates: Path | None, **variables: Any) -> str:
    """Render template ``name`` with ``variables``."""
    return environment(templates).get_template(name).render(**variables)

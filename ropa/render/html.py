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

from ropa.errors import Diagnostic, InputError
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
    """Render template ``name`` with ``variables``.

    Raises:
        InputError: the template (the user's, given with ``--templates``) has an error: located at the
            template's file and line, never a traceback.
    """
    try:
        return environment(templates).get_template(name).render(**variables)
    except jinja2.TemplateError as exc:
        raise _template_error(exc, name) from None


def _template_error(exc: jinja2.TemplateError, name: str) -> InputError:
    """A template error as a located diagnostic: the template file and line where Jinja stopped."""
    file, line = name, 0
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name or name, exc.lineno or 0
    else:
        trace = exc.__traceback__
        while trace is not None:  # Jinja maps the frames of template code to the template file and line
            frame_file = trace.tb_frame.f_code.co_filename
            if frame_file.endswith((".html", ".css", ".svg")):
                file, line = frame_file, trace.tb_lineno
            trace = trace.tb_next
    message = f"template error: {exc.message or exc}; fix the template (its variables are in templates/README.md)"
    return InputError([Diagnostic(str(file), line, 0, message, code="INPUT-template")])


PARTS_TEMPLATES = {
    "register.html": "segment",
    "partials/summaries.html": "segment",
    "partials/findings.html": "segment",
    "report.html": "segment",
}
"""Templates of documents laid out in parts, and the variable each must draw from (see templates/README.md)."""


def check_parts_templates(templates: Path | None) -> None:
    """Refuse a user template that predates parts: drawn once per part, it would repeat the whole document.

    Raises:
        InputError: naming the template and what it must use.
    """
    if templates is None:
        return
    folder = Path(templates)
    problems = []
    for name, variable in PARTS_TEMPLATES.items():
        path = folder / name
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # not overridden (or unreadable: Jinja reports that when it loads it)
        if variable not in source:
            problems.append(
                Diagnostic(
                    str(path),
                    1,
                    0,
                    f"{name} does not use `{variable}`: documents are laid out in parts and this template is "
                    f"drawn once per part; draw only what `{variable}` names "
                    f"(see the built-in {name} and templates/README.md)",
                    code="INPUT-template",
                )
            )
    if problems:
        raise InputError(problems)

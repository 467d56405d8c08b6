"""The Jinja environment of the HTML templates: sandboxed, user folder first, autoescape on, undefined is an error.

Templates are the user's to change: ``ropa build --templates DIR`` puts DIR in
front of the built-in folder, and any file found there by name (a template, a
partial, the stylesheet) replaces the built-in one. The same folders, in the
same order, are the only places the PDF's URL fetcher may read from.

A template folder is text from a repository, as the register is, so it is input:

* every template runs in Jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`
  (no ``_``-attributes, no ``__globals__``, no mutating lists or dicts), narrowed
  further: the globals are ``stylesheet``, ``NOT_STATED`` and ``_`` (the document
  language's message, :func:`ropa.i18n.gettext`, escaped like any value) only (no ``range``,
  ``cycler``, ``lipsum``, ``joiner``, ``namespace``, ``dict``), the filters are
  :data:`FILTERS`, methods callable on values are the few of :data:`METHODS`, and
  ``*``, ``**`` and ``%`` cannot build huge values; anything else is a
  :class:`~jinja2.exceptions.SecurityError`, reported like any template error;
* template files, includes, imports and ``stylesheet()`` are read by name from the
  template folders only, as register files are read (:mod:`ropa.read.safefiles`): a
  regular file inside its folder (a link inside it is followed, one leaving it is
  refused unread), at most :data:`MAX_TEMPLATE_BYTES`; no ``..``, no absolute names;
* autoescape is on for every template, whatever its extension, so user text
  becomes text, never markup (``<link>``, ``<img>``, ``{{ 7*7 }}`` all print literally);
* :class:`jinja2.StrictUndefined` turns a misspelt variable into an error instead
  of an empty cell;
* templates receive view-models from :mod:`ropa.render.views` (plain values),
  never the raw models.

An error in a template (syntax, undefined, refused by the sandbox, a refused file,
an arithmetic error, endless recursion) is an input error at the template's file
and line: exit code 2, nothing written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from ropa.errors import Diagnostic, InputError
from ropa.i18n import gettext
from ropa.read.safefiles import RefusedFile, read_regular, real_folder
from ropa.render.text import NOT_STATED

BUILTIN = Path(__file__).resolve().parent.parent / "templates"
"""The built-in templates shipped with the package (``ropa/templates`` links to the top-level folder)."""
MAX_TEMPLATE_BYTES = 1024 * 1024
"""Largest template or stylesheet accepted (1 MiB; the built-in ones are under 10 kB)."""
MAX_REPEAT = 100_000
"""Most characters or items ``text * n`` may give in a template."""
MAX_NUMBER_BITS = 4_096
"""Largest integer ``*`` and ``**`` may give in a template."""
FILTERS = (
    "stated",
    "length",
    "count",
    "default",
    "d",
    "e",
    "escape",
    "first",
    "last",
    "join",
    "lower",
    "upper",
    "title",
    "capitalize",
    "trim",
    "sort",
    "reverse",
    "list",
)
"""The filters a template may use: ``stated`` and bounded, side-effect-free ones of Jinja's (no ``safe``)."""
METHODS: tuple[tuple[type, frozenset[str]], ...] = (
    (
        str,
        frozenset(
            {
                "startswith",
                "endswith",
                "split",
                "rsplit",
                "strip",
                "lstrip",
                "rstrip",
                "lower",
                "upper",
                "title",
                "capitalize",
                "count",
                "find",
                "rfind",
                "isdigit",
                "isalpha",
                "isalnum",
                "isspace",
                "islower",
                "isupper",
            }
        ),
    ),
    (Mapping, frozenset({"get", "items", "keys", "values"})),
    (list, frozenset({"count", "index"})),
    (tuple, frozenset({"count", "index"})),
    (LoopContext, frozenset({"cycle", "changed"})),
)
"""The methods a template may call on a value, by type; macros (``m.row()``) are callable too."""
MAX_DECISIONS = 10_000
"""Most attribute decisions the sandbox remembers (a template names few attributes; the cap bounds a hostile one)."""


def template_roots(templates: Path | None) -> list[Path]:
    """Folders searched for templates and assets, user folder first."""
    roots = [BUILTIN.resolve()]
    if templates is not None:
        roots.insert(0, Path(templates).resolve())
    return roots


@jinja2.pass_context
def stated(context: jinja2.runtime.Context, value: Any) -> Markup:
    """The value as escaped text, or a visible "Not stated" marker (in the document's language) when it is empty.

    It takes the context only so that Jinja never evaluates ``none | stated`` once, when it compiles the
    template: the marker's language is the active one of each rendering, not that of the first.
    """
    if value is None or value == "" or value == []:
        return Markup('<span class="not-stated">') + gettext(NOT_STATED) + Markup("</span>")
    return escape(str(value))


class TemplateRefused(jinja2.TemplateError):
    """A template file that is not read (a FIFO, a link leaving its folder, too big, not UTF-8) or a bad name."""

    def __init__(self, file: str | None, reason: str) -> None:
        super().__init__(reason)
        self.file = file
        """The refused file; None for a refused name (then the error is located where the name was used)."""
        self.reason = reason


def _pieces(name: str) -> list[str]:
    """The parts of a template name, which must be a relative path inside a folder.

    Raises:
        TemplateRefused: for an absolute name, ``..`` or ``.`` parts, a backslash or a NUL.
    """
    pieces = name.split("/")
    if any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in pieces) or os.path.isabs(name):
        shown = name if len(name) <= 80 else name[:77] + "..."
        raise TemplateRefused(
            None,
            f"template name {shown!r} is refused: names are relative paths inside the template folders "
            "(no '..', no absolute path)",
        )
    return pieces


def read_template(root: Path, name: str) -> tuple[str, str] | None:
    """The text of template ``name`` in the folder ``root`` (resolved), and its file name; None if absent.

    Raises:
        TemplateRefused: the name leaves the folder, or the file there is not a regular file inside it,
            is too big, or is not UTF-8.
    """
    filename = os.path.normpath(os.path.join(root, *_pieces(name)))
    if not os.path.lexists(filename):
        return None
    try:
        raw = read_regular(filename, real_folder(root), MAX_TEMPLATE_BYTES, "template")
    except RefusedFile as refused:
        raise TemplateRefused(filename, refused.reason) from None
    try:
        return raw.decode("utf-8"), filename
    except UnicodeDecodeError as exc:
        raise TemplateRefused(filename, f"invalid UTF-8 byte at offset {exc.start}; save it as UTF-8") from None


class ConfinedLoader(jinja2.BaseLoader):
    """Templates by name from ``roots`` in order, each read with :func:`read_template`."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = list(roots)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for root in self.roots:
            found = read_template(root, template)
            if found is None:
                continue
            source, filename = found
            mtime = os.path.getmtime(filename)

            def uptodate(filename: str = filename, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(filename) == mtime
                except OSError:
                    return False

            return source, filename, uptodate
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        """Every file name in the folders (links to folders are not walked)."""
        found: set[str] = set()
        for root in self.roots:
            for folder, _dirs, files in os.walk(root):
                rel = os.path.relpath(folder, root)
                found.update(name if rel == "." else f"{rel}/{name}" for name in files)
        return sorted(found)


def _too_big(left: Any, right: Any) -> str | None:
    """Why ``left * right`` would be too large to build, or None."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_REPEAT:
            return f"repeating gives more than {MAX_REPEAT:,} items"
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
        return f"the product has more than {MAX_NUMBER_BITS:,} bits"
    return None


def _power_too_big(base: Any, exponent: Any) -> bool:
    """Whether ``base ** exponent`` of integers would have more than :data:`MAX_NUMBER_BITS` bits."""
    if not (isinstance(base, int) and isinstance(exponent, int)) or exponent <= 0:
        return False
    return max(base.bit_length(), 1) * exponent > MAX_NUMBER_BITS


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed to the methods of :data:`METHODS` and bounded arithmetic."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format``: not among :data:`METHODS` (Jinja's sandbox would otherwise offer a guarded one)."""
        return None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decided: dict[tuple[type, str, type], bool] = {}
        """Decisions of :meth:`is_safe_attribute`, which depend on the types and the name only."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's rules, then :data:`METHODS` for callables; remembered by types and name (half the cost)."""
        key = (type(obj), attr, type(value))
        decided = self._decided.get(key)
        if decided is None:
            decided = self._decide(obj, attr, value)
            if len(self._decided) < MAX_DECISIONS:
                self._decided[key] = decided
        return decided

    def _decide(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value) or isinstance(value, Macro):
            return True
        return any(isinstance(obj, kind) and attr in names for kind, names in METHODS)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        problem = None
        if operator == "*":
            problem = _too_big(left, right)
        elif operator == "**":
            if _power_too_big(left, right):
                problem = f"the power has more than {MAX_NUMBER_BITS:,} bits"
        elif isinstance(left, str):
            problem = "'%' formatting of text is not available in templates; join values with '~'"
        if problem is not None:
            raise SecurityError(problem)
        return super().call_binop(context, operator, left, right)


def environment(templates: Path | None) -> jinja2.Environment:
    """The (cached) environment for ``templates`` (None: built-in templates only)."""
    return _environment(tuple(str(p) for p in template_roots(templates)))


@cache
def _environment(roots: tuple[str, ...]) -> jinja2.Environment:
    loader = ConfinedLoader([Path(root) for root in roots])
    env = TemplateSandbox(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def stylesheet(name: str) -> Markup:
        """A stylesheet's text, unparsed, for a ``<style>`` element (found by name like any template)."""
        source, _filename, _uptodate = loader.get_source(env, str(name))
        return Markup(source)

    builtin_filters = dict(env.filters)
    env.filters.clear()
    env.filters.update({name: builtin_filters[name] for name in FILTERS if name in builtin_filters})
    env.filters["stated"] = stated
    env.globals.clear()
    env.globals.update(NOT_STATED=NOT_STATED, stylesheet=stylesheet, _=gettext)
    return env


_RUNTIME_ERRORS = (ArithmeticError, RecursionError, LookupError, TypeError, ValueError)
"""What template code may raise besides Jinja's own errors (``1/0``, ``x[99]``, a call with wrong arguments)."""


def render(name: str, templates: Path | None, **variables: Any) -> str:
    """Render template ``name`` with ``variables``.

    Raises:
        InputError: the template (the user's, given with ``--templates``) has an error, is refused by the
            sandbox or is not a file that may be read: located at the template's file and line, never a
            traceback.
    """
    roots = template_roots(templates)
    try:
        return environment(templates).get_template(name).render(**variables)
    except jinja2.TemplateError as exc:
        raise _template_error(exc, name, roots) from None
    except _RUNTIME_ERRORS as exc:
        if _template_frame(exc, roots) is None:  # not raised by template code: a fault of ropa's own
            raise
        raise _template_error(exc, name, roots) from None


def _template_frame(exc: BaseException, roots: list[Path]) -> tuple[str, int] | None:
    """The innermost frame of template code in the traceback (Jinja maps those to the template file and line)."""
    prefixes = tuple(str(root).rstrip(os.sep) + os.sep for root in roots)
    found = None
    trace = exc.__traceback__
    while trace is not None:
        frame_file = trace.tb_frame.f_code.co_filename
        if frame_file.startswith(prefixes):
            found = (frame_file, trace.tb_lineno)
        trace = trace.tb_next
    return found


def _template_error(exc: Exception, name: str, roots: list[Path]) -> InputError:
    """A template error as a located diagnostic: the template file and line where Jinja stopped."""
    if isinstance(exc, TemplateRefused) and exc.file is not None:
        return InputError([Diagnostic(exc.file, 0, 0, exc.reason, code="INPUT-template")])
    file, line = name, 0
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name or name, exc.lineno or 0
    else:
        file, line = _template_frame(exc, roots) or (name, 0)
    if isinstance(exc, jinja2.TemplateError):
        problem = str(exc.message or exc)
    elif isinstance(exc, RecursionError):
        problem = "templates include or call each other without end"
    else:
        problem = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SecurityError):
        problem = f"not allowed in templates: {problem}"
    message = f"template error: {problem[:300]}; fix the template (its variables are in templates/README.md)"
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
    folder = Path(templates).resolve()
    problems = []
    for name, variable in PARTS_TEMPLATES.items():
        try:
            found = read_template(folder, name)
        except TemplateRefused as refused:
            problems.append(Diagnostic(refused.file or name, 0, 0, refused.reason, code="INPUT-template"))
            continue
        if found is None:
            continue  # not overridden
        source, filename = found
        if variable not in source:
            problems.append(
                Diagnostic(
                    filename,
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

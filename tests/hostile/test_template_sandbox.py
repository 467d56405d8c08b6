"""User templates (``--templates DIR``) are text from a repository: sandboxed, confined to their folder, read safely.

Each escape below is a known way out of an unsandboxed Jinja template (to
``os.popen``, to the interpreter's classes, to the template's context) or a way to
exhaust the machine. Each must end the build as an input error located at the
template's file and line: exit code 2, nothing written, no traceback, no command
run (the payloads that would run one try to create a marker file). Includes,
imports and ``stylesheet()`` read only files inside the template folders, and only
regular files of bounded size, as register files are read.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import jinja2
import pytest

from hostile.support import Outcome, Workspace, assert_clean_refusal, invoke, seed_output, snapshot
from ropa.render import html

MARKER = "ropa-template-marker-b71e09"
COVER = "partials/cover.html"
"""A partial drawn in the first part of the register: a payload there runs before anything else."""

ESCAPES = {
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "namespace-globals": "{{ namespace.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
    "template-context": "{{ self._TemplateReference__context }}",
    "macro-globals": "{% macro m() %}{% endmacro %}{{ m.__call__.__globals__ }}",
    "view-model-class": "{{ doc.__class__.__init__.__globals__ }}",
    "attr-filter": "{{ doc|attr('__class__') }}",
    "format-method": "{{ '{0.__class__.__base__.__subclasses__}'.format(doc.title) }}",
    "huge-range": "{{ range(10**10) | list }}",
    "huge-power": "{{ 10 ** 1000000 }}",
    "huge-repeat": "{{ 'x' * 1000000000 }}",
    "huge-percent": "{{ '%0999999999d' % 1 }}",
    "mutating-method": "{% set x = doc.headings.update({'a': 1}) %}",
    "safe-filter": "{{ doc.title | safe }}",
    "endless-recursion": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "division-by-zero": "{{ 1 / 0 }}",
}
"""Payloads, each put on line 3 of the cover partial."""
MEMORY_CAP = 3 * 1024**3
"""Address space of the builds that run the payloads: one that got through would fail here, not fill the machine."""


def _capped(args: list[str], cwd: Path) -> Outcome:
    """Run ``python -m ropa`` with its memory capped and a time-out, so a payload let through fails the test."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    proc = subprocess.run(
        [sys.executable, "-m", "ropa", *args], cwd=cwd, capture_output=True, text=True, timeout=120, preexec_fn=cap
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def _write_templates(ws: Workspace, files: dict[str, str]) -> Path:
    folder = ws.root / "templates"
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def _build(ws: Workspace, templates: Path, separate: bool = False) -> Outcome:
    args = ["build", str(ws.register), "--out", str(ws.out), "--templates", str(templates), "--only", "pdf"]
    args += ["--jobs", "1", "--quiet", "--no-cache"]
    return _capped(args, ws.root) if separate else invoke(args)


def _refused(
    ws: Workspace, templates: Path, file: Path, line: int, fragment: str | None, separate: bool = False
) -> str:
    """Refused by a build (in a separate, capped process with ``separate``): at ``file``:``line``, nothing written."""
    before = seed_output(ws.out)
    started = time.monotonic()
    outcome = _build(ws, templates, separate)
    assert time.monotonic() - started < 60
    hit = assert_clean_refusal(outcome, str(file), line, fragment)
    assert hit["code"] == "INPUT-template"
    assert snapshot(ws.out) == before, "a refused build wrote into the output folder"
    assert not (ws.root / "PWNED").exists(), "a template ran a command"
    assert MARKER not in outcome.stdout + outcome.stderr
    return outcome.stderr


# --- the sandbox ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_each_escape_is_an_input_error_at_the_template_line(ws: Workspace, name: str) -> None:
    templates = _write_templates(ws, {COVER: "<section>\n<h1>Cover</h1>\n" + ESCAPES[name] + "\n</section>\n"})
    _refused(ws, templates, templates / COVER, 3, None, separate=name.startswith(("huge", "endless")))


def test_the_refusals_say_what_was_refused(ws: Workspace) -> None:
    says = {
        "subclasses": "access to attribute '__class__' of 'str' object is unsafe",
        "lipsum-globals": "'lipsum' is undefined",
        "huge-range": "'range' is undefined",
        "huge-power": "more than 4,096 bits",
        "huge-repeat": "more than 100,000 items",
        "format-method": "'format' of 'str' object is unsafe",
        "mutating-method": "'update' of 'dict' object is unsafe",
        "endless-recursion": "without end",
    }
    for name, fragment in says.items():
        templates = _write_templates(ws, {COVER: "<p>\n\n" + ESCAPES[name] + "\n"})
        _refused(ws, templates, templates / COVER, 3, fragment, separate=name.startswith(("huge", "endless")))


def test_every_environment_is_the_sandbox_with_only_the_documented_helpers(tmp_path: Path) -> None:
    for templates in (None, tmp_path):
        env = html.environment(templates)
        assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
        assert set(env.globals) == {"stylesheet", "NOT_STATED", "_"}
        assert set(env.filters) == set(html.FILTERS)
        assert "safe" not in env.filters and "attr" not in env.filters and "format" not in env.filters


def test_what_the_built_in_templates_use_still_works(tmp_path: Path) -> None:
    env = html.environment(None)
    text = env.from_string(
        "{{ s.split(':')[1] }} {{ s.count(':') }} {{ s.startswith('a') }} {{ d.get('k', '-') }} "
        "{% for x in l %}{{ loop.cycle('o', 'e') }}{{ x }}{% endfor %} {{ l | length }} {{ 6 * 7 }} {{ 7 % 4 }}"
    ).render(s="a:b:c", d={"k": "v"}, l=[1, 2])
    assert text == "b 2 True v o1e2 2 42 3"


# --- includes, imports and stylesheet() are confined to the template folders ---------------------


@pytest.mark.parametrize(
    "statement",
    [
        '{% include "../outside/secret.html" %}',
        '{% include "/etc/hostname" %}',
        '{% import "../outside/secret.html" as m %}',
        '{% from "partials/../../outside/secret.html" import x %}',
        '{{ stylesheet("../outside/secret.css") }}',
        '{{ stylesheet("/etc/hostname") }}',
    ],
)
def test_names_leaving_the_folder_are_refused_where_they_are_used(ws: Workspace, statement: str) -> None:
    outside = ws.root / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text(MARKER, encoding="utf-8")
    (outside / "secret.css").write_text(MARKER, encoding="utf-8")
    templates = _write_templates(ws, {COVER: "<p>\n" + statement + "\n"})
    _refused(ws, templates, templates / COVER, 2, "names are relative paths inside the template folders")


@pytest.mark.parametrize(
    ("rel", "use"),
    [
        ("partials/leak.html", '{% include "partials/leak.html" %}'),
        ("partials/leak.html", '{% import "partials/leak.html" as m %}'),
        ("leak.css", '{{ stylesheet("leak.css") }}'),
        (COVER, ""),
    ],
)
def test_a_template_linked_outside_the_folder_is_refused_unread(ws: Workspace, rel: str, use: str) -> None:
    secret = ws.root / "outside" / "credentials"
    secret.parent.mkdir()
    secret.write_text(MARKER + " {{ syntax error", encoding="utf-8")
    templates = _write_templates(ws, {COVER: "<p>\n" + use + "\n"} if rel != COVER else {})
    (templates / rel).parent.mkdir(parents=True, exist_ok=True)
    (templates / rel).symlink_to(secret)
    _refused(ws, templates, templates / rel, 0, "a symbolic link leading outside it")


def test_a_linked_folder_leaving_the_template_folder_is_refused_unread(ws: Workspace) -> None:
    outside = ws.root / "outside"
    outside.mkdir()
    (outside / "cover.html").write_text(MARKER, encoding="utf-8")
    templates = ws.root / "templates"
    templates.mkdir()
    (templates / "partials").symlink_to(outside)
    _refused(ws, templates, templates / COVER, 0, "a folder on its path is a symbolic link leading outside it")


def test_a_link_inside_the_template_folder_is_followed(ws: Workspace) -> None:
    templates = _write_templates(ws, {"partials/own-cover.html": "<p>{{ doc.organisation }} cover</p>\n"})
    (templates / COVER).symlink_to("own-cover.html")
    outcome = _build(ws, templates)
    assert outcome.code == 0, outcome.stderr
    assert (ws.out / "register.pdf").read_bytes().startswith(b"%PDF")


# --- template files that are not plain files -----------------------------------------------------


@pytest.mark.parametrize("rel", [COVER, "register.html", "base.css"])
def test_a_fifo_template_is_refused_at_once(ws: Workspace, rel: str) -> None:
    templates = ws.root / "templates"
    (templates / rel).parent.mkdir(parents=True)
    os.mkfifo(templates / rel)
    _refused(ws, templates, templates / rel, 0, "not a regular file (FIFO)", separate=True)


def test_dev_zero_as_a_template_is_refused_unread(ws: Workspace) -> None:
    templates = ws.root / "templates"
    templates.mkdir()
    (templates / "base.css").symlink_to("/dev/zero")
    _refused(ws, templates, templates / "base.css", 0, "a symbolic link leading outside it", separate=True)


def test_an_oversized_template_is_refused_from_its_size(ws: Workspace) -> None:
    templates = ws.root / "templates"
    (templates / "partials").mkdir(parents=True)
    with (templates / COVER).open("wb") as handle:
        handle.truncate(html.MAX_TEMPLATE_BYTES + 1)
    _refused(ws, templates, templates / COVER, 0, "over the limit of 1,048,576")


def test_a_template_that_is_not_utf8_is_refused(ws: Workspace) -> None:
    templates = ws.root / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / COVER).write_bytes(b"<p>\xff\xfe</p>\n")
    _refused(ws, templates, templates / COVER, 0, "invalid UTF-8 byte at offset 3")


def test_cache_digest_of_a_template_folder_reads_only_its_regular_files(tmp_path: Path) -> None:
    """The build cache hashes the user's templates: a FIFO, a link out and a huge file are never read whole."""
    import os
    import threading

    from ropa.produce.cache import templates_digest

    secret = tmp_path / "secret.txt"
    secret.write_text("outside", "utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "register.css").write_text("body {}", "utf-8")
    before = templates_digest(folder)
    os.mkfifo(folder / "pipe.css")
    (folder / "out.css").symlink_to(secret)
    with open(folder / "huge.css", "wb") as handle:
        handle.truncate(3 * 1024 * 1024 * 1024)  # sparse: 3 GB that would take seconds to hash
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(templates_digest(folder)), daemon=True)
    worker.start()
    worker.join(5)
    assert result, "hashing the template folder hung or took over 5 s"
    assert result[0] != before  # the huge file counts, by its size
    (folder / "huge.css").unlink()
    assert templates_digest(folder) == before  # the FIFO and the link out count for nothing
    secret.write_text("changed", "utf-8")
    assert templates_digest(folder) == before

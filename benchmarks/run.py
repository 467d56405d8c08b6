"""Benchmarks: ropa's speed and memory against the floor of each step, on synthetic registers.

For each size (activities; see :mod:`synth` for the shape) the script times, in
fresh processes so start-up and peak memory are real:

* ``ropa validate``           vs libyaml's event pass over the same files (``yaml.parse``, CSafeLoader);
* ``ropa build --only xlsx``  vs writing the same cells the way ropa does (XML text into openpyxl's package);
* ``ropa build --only pdf``   vs WeasyPrint on the very HTML documents ropa lays out, with ropa's workers,
  PDF/A-3b, tags, GC policy and stream compression;
* ``ropa build --only annexes`` vs the same on each annex's HTML;
* ``ropa package``            vs zipping the same files;

each with reference rows (``ref:``) against what used to be the floor and is not one: ``yaml.load``,
openpyxl's write-only workbook, plain WeasyPrint in one process. The ``limit:`` row prints the register's
HTML with headless Chromium (when installed) to show how far the fastest engine here is; it is a
measurement, not an alternative. ``benchmarks/README.md`` says what each floor includes.

then CLI start-up (``ropa --version``, ``ropa validate`` on the bundled example,
and which heavy modules that imports), and an incremental rebuild after one
provider of 100 changed, checked byte for byte against a clean build.

Wall time, CPU time (user + system of the process and its workers) and peak
memory are printed; peak memory is the highest memory of the whole process tree
(sum of proportional set sizes, so pages forked workers share count once; sampled
every 20 ms), or the high-water mark of its largest single process (``VmHWM``)
where that is higher. Floors are measured in the same
run, on the same data, in processes of their own. Rendering sizes above
``--render-max`` are skipped (WeasyPrint lays out about four pages a second; the
register prints about two pages per activity) and the skipped rows say so.

Usage::

    python benchmarks/run.py                      # sizes 10,100,1000,10000 (about 15 minutes on 2 cores)
    python benchmarks/run.py --quick              # sizes 10,100 (about 10 minutes)
    python benchmarks/run.py --sizes 1000 --render-max 1000 --skip incremental
    python benchmarks/run.py --json results.json  # also write the figures as JSON
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pickle
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import synth  # noqa: E402

EXAMPLE = ROOT / "examples" / "sms-providers"
HEAVY = ("weasyprint", "openpyxl", "pypdf")
STEPS = ("validate", "xlsx", "pdf", "annexes", "build", "package")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# ----------------------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    """One process run: wall and CPU seconds, peak memory in MB, exit code."""

    wall: float
    cpu: float
    peak_mb: float
    code: int
    stderr: str = ""
    stdout: str = ""


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _kib_field(path: str, name: bytes) -> int | None:
    """A ``Name:  N kB`` line of a /proc file, in bytes (None when the file or line is missing)."""
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(name):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _memory(pid: int) -> int:
    """Proportional set size of one process (shared pages split among their users), else its RSS."""
    pss = _kib_field(f"/proc/{pid}/smaps_rollup", b"Pss:")
    if pss is not None:
        return pss
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _high_water(pid: int) -> int:
    """Peak resident set size of one process since it started its program (VmHWM), in bytes."""
    return _kib_field(f"/proc/{pid}/status", b"VmHWM:") or 0


def _tree_memory(pid: int) -> tuple[int, int]:
    """``(memory of pid and all its descendants now, largest high-water mark among them)``, in bytes.

    The first sums proportional set sizes, so pages that forked workers share count once.
    """
    kids = _children_map()
    total = high = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        total += _memory(current)
        high = max(high, _high_water(current))
        todo.extend(kids.get(current, []))
    return total, high


def measure(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` to the end; its wall time, CPU time (children included) and peak memory."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, *_tree_memory(proc.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        out.seek(0)
        stdout = out.read(1_000_000).decode("utf-8", "replace")
    # Not ru_maxrss: Linux carries the parent's size at fork into the child's figure.
    peak_mb = peak / 2**20
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak_mb, proc.returncode, stderr, stdout)


def python(code: str, *args: str) -> list[str]:
    """A command running ``code`` in a fresh interpreter (``sys.argv[1:]`` are ``args``)."""
    return [sys.executable, "-c", code, *args]


def ropa_cmd(*args: str) -> list[str]:
    """The ropa command as installed: the console script beside this interpreter, else ``python -m ropa``."""
    script = Path(sys.executable).with_name("ropa")
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-m", "ropa", *args]


def checked(sample: Sample, what: str, ok: Sequence[int] = (0, 1)) -> Sample:
    """``sample``, or an error naming ``what`` when the process failed."""
    if sample.code not in ok:
        raise SystemExit(f"{what} failed with exit code {sample.code}:\n{sample.stderr[-3000:]}")
    return sample


# ------------------------------------------------------------------------------------------ floors

EVENTS_FLOOR = """
import sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
for path in [root / "organisation.yaml", *sorted((root / "providers").glob("*.yaml"))]:
    for _event in yaml.parse(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader):
        pass
"""
"""The validate floor: libyaml's event pass over the same files (no nodes, no Python data)."""

LOAD_FLOOR = """
import sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
for path in [root / "organisation.yaml", *sorted((root / "providers").glob("*.yaml"))]:
    yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)
"""
"""Reference row: libyaml building Python objects (which ropa never does: it composes nodes and walks them)."""

XLSX_FLOOR = """
import io, pickle, sys, zipfile
from openpyxl import Workbook
tables = pickle.load(open(sys.argv[1], "rb"))
wb = Workbook(write_only=True)
for name, headers, rows in tables:
    wb.create_sheet(name)
skeleton = io.BytesIO()
wb.save(skeleton)  # the package around the rows, as ropa takes it from openpyxl
letters = []
def letter(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s
memo = {}
def text(v):
    x = memo.get(v)
    if x is None:
        t = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\\r", "&#13;")
        sp = ' xml:space="preserve"' if t != t.strip() else ""
        x = memo[v] = f'"inlineStr"><is><t{sp}>{t}</t></is></c>'
    return x
def row(number, values, style):
    head = f'" s="{style}" t='
    out = [f'<row r="{number}">']
    for i, v in enumerate(values):
        if len(letters) <= i:
            letters.append(letter(i + 1))
        if isinstance(v, str) and v:
            out.append(f'<c r="{letters[i]}{number}{head}{text(v)}')
        elif v is None or v == "":
            out.append(f'<c r="{letters[i]}{number}{head}"n"></c>')
        else:
            out.append(f'<c r="{letters[i]}{number}{head}"n"><v>{v:.16g}</v></c>')
    out.append("</row>")
    return "".join(out)
target = sys.argv[2] if len(sys.argv) > 2 else io.BytesIO()  # a path: keep the workbook (to check it)
with zipfile.ZipFile(skeleton) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
    sheets = {}
    for n, (name, headers, rows) in enumerate(tables, 1):
        body = [row(1, headers, 0)]  # style 0: the floor registers no cell styles
        body += [row(i, r, 0) for i, r in enumerate(rows, 2)]
        sheets[f"xl/worksheets/sheet{n}.xml"] = "".join(body).encode("ascii", "xmlcharrefreplace")
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename in sheets:
            data = data.replace(b"<sheetData></sheetData>", b"<sheetData>" + sheets[info.filename] + b"</sheetData>", 1)
        zout.writestr(info.filename, data)
"""
"""The XLSX floor: the same cells serialised the way ropa does (inline strings written as XML text, short
texts remembered), put into openpyxl's package and deflated at zlib's default level; no openpyxl cell objects."""

XLSX_WRITE_ONLY = """
import io, pickle, sys
from openpyxl import Workbook
tables = pickle.load(open(sys.argv[1], "rb"))
wb = Workbook(write_only=True)
for name, headers, rows in tables:
    ws = wb.create_sheet(name)
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
wb.save(io.BytesIO())
"""
"""Reference row: openpyxl's write-only path (one cell object per value), which ropa bypasses."""

PDF_FLOOR = """
import sys
from pathlib import Path
from weasyprint import HTML
base = Path(sys.argv[1]).resolve().as_uri() + "/"
for page in sys.argv[2:]:
    HTML(string=Path(page).read_text(encoding="utf-8"), base_url=base).write_pdf()
"""
"""Reference row: plain WeasyPrint, one process, default GC, untagged non-PDF/A output."""

PDF_PARALLEL_FLOOR = """
import ctypes, gc, json, multiprocessing, sys, zlib
from pathlib import Path
import pydyf
from weasyprint import HTML, Attachment
cfg = json.loads(Path(sys.argv[1]).read_text())
base = Path(cfg["base"]).resolve().as_uri() + "/"
level = cfg["zlib_level"]
class Zlib:
    def __getattr__(self, name):
        return getattr(zlib, name)
    def compressobj(self, level=-1, *args, **kwargs):
        return zlib.compressobj(cfg["zlib_level"], *args, **kwargs)
if level != 9:
    pydyf.zlib = Zlib()
libc = ctypes.CDLL("libc.so.6")
def render(page):
    attach = []
    if page == cfg.get("carrier"):
        spec = cfg["attachment"]
        attach = [Attachment(string=Path(spec["path"]).read_bytes(), name=spec["name"],
                             description=spec["description"], relationship=spec["relationship"])]
    old = gc.get_threshold()
    gc.set_threshold(*cfg["gc_thresholds"])
    doc = HTML(string=Path(page).read_text(encoding="utf-8"), base_url=base).render(
        pdf_variant=cfg["variant"], pdf_tags=cfg["tags"])
    pdf = doc.write_pdf(pdf_variant=cfg["variant"], pdf_tags=cfg["tags"], attachments=attach)
    gc.set_threshold(*old)
    del doc
    if cfg["collect"]:
        gc.collect()
        libc.malloc_trim(0)
    return len(pdf)
if __name__ == "__main__":
    gc.freeze()  # as ropa's pool does before forking
    with multiprocessing.get_context("fork").Pool(cfg["workers"]) as pool:
        sizes = list(pool.imap_unordered(render, cfg["pages"], chunksize=1))
"""
"""The PDF and annex floor: the same HTML documents as ropa lays out, over the same number of forked
worker processes, one document per task in ropa's order, with ropa's PDF/A variant, tagging, GC policy
and stream compression (read from ropa by :func:`prepare`); WeasyPrint imported once before the fork."""

ZIP_FLOOR = """
import sys, zipfile
from pathlib import Path
src = Path(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as archive:
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        archive.write(path, path.relative_to(src).as_posix())
"""


def prepare(register: str, work: str, kinds: str, total_pages: str = "", jobs: str = "") -> None:
    """Write the floors' inputs (run in a process of its own): cells, HTML of the register's parts and annexes.

    Next to the HTML goes ``floor.json``: the options ropa gives WeasyPrint (PDF variant, tags, GC policy,
    stream compression), read from ropa itself so that the parallel floor follows ropa when they change.
    """
    from ropa.pipeline import load_and_check_for_documents

    reg, report = load_and_check_for_documents(Path(register))
    out = Path(work)
    out.mkdir(parents=True, exist_ok=True)
    if "xlsx" in kinds:
        from ropa import __version__
        from ropa.render.tables.workbook import build_tables
        from ropa.util.dates import document_datetime

        when = document_datetime(reg).date()
        tables = [(t.name, t.headers, list(t.rows())) for t in build_tables(reg, report, f"ropa {__version__}", when)]
        (out / "cells.pkl").write_bytes(pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
    if "pdf" in kinds:
        from ropa.render.parts import CARRIER_HTML, RegisterPlan, numbers_html
        from ropa.render.pdf import register_attachment

        # Every document ropa lays out for the register, once each, in the order ropa submits them: the
        # front (as measured), the carrier of the JSON attachment, the sample of the page numbers, each part.
        plan = RegisterPlan(reg, report, None)
        folder = out / "register-parts"
        folder.mkdir(exist_ok=True)
        every = plan.html()
        fronts = every[: len(every) - len(plan.bodies)]
        numbers = numbers_html(plan.page_label, None)
        pages = [*fronts, CARRIER_HTML, numbers, *(task.html for task in plan.bodies)]
        names = []
        for n, html in enumerate(pages):
            (folder / f"{n:05d}.html").write_text(html, encoding="utf-8")
            names.append(str(folder / f"{n:05d}.html"))
        spec = register_attachment(reg)
        (out / "attachment.bin").write_bytes(spec.data)
        attachment = {
            "path": str(out / "attachment.bin"),
            "name": spec.name,
            "description": spec.description,
            "relationship": spec.relationship,
        }
        _floor_config(folder / "floor.json", names, names[len(fronts)], attachment, jobs)
    if "annexes" in kinds:
        from ropa.render.annexes import annex_html, review_html

        # Each provider's annex and its review document (the findings about it), as ropa builds both.
        folder = out / "annexes"
        folder.mkdir(exist_ok=True)
        names = []
        for p in reg.providers:
            documents = (("", annex_html(reg, p.id, report, None)), (".review", review_html(reg, p.id, report)))
            for suffix, html in documents:
                (folder / f"{p.id}{suffix}.html").write_text(html, encoding="utf-8")
                names.append(str(folder / f"{p.id}{suffix}.html"))
        _floor_config(folder / "floor.json", names, None, None, jobs)


def _floor_config(
    path: Path, pages: list[str], carrier: str | None, attachment: dict[str, str] | None, jobs: str
) -> None:
    """The parallel floor's instructions: ropa's WeasyPrint options and the documents, in ropa's order.

    Workers as ``ropa build`` counts them: ``--jobs``, else one per core but no more than there are documents.
    """
    from ropa.render import pdf

    config = {
        "base": str(templates_dir()),
        "pages": pages,
        "carrier": carrier,
        "attachment": attachment,
        "variant": pdf.PDF_VARIANT,
        "tags": pdf.PDF_TAGS,
        "gc_thresholds": list(pdf.GC_THRESHOLDS),
        "collect": True,
        "zlib_level": pdf.STREAM_ZLIB_LEVEL,
        "workers": int(jobs) if jobs else max(1, min(len(pages), os.cpu_count() or 1)),
    }
    path.write_text(json.dumps(config), encoding="utf-8")


def templates_dir() -> Path:
    """The built-in template folder, the base URL ropa gives WeasyPrint."""
    from ropa.render.html import BUILTIN

    return BUILTIN.resolve()


# ------------------------------------------------------------------------------------------- steps


@dataclass
class Row:
    """One line of the table."""

    size: int
    step: str
    ropa: Sample | None
    floor: Sample | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _prep(register: Path, work: Path, kinds: str, total_pages: int = 0, jobs: int | None = None) -> None:
    checked(
        measure(
            python(
                f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; run.prepare(*sys.argv[1:])",
                str(register),
                str(work),
                kinds,
                str(total_pages or ""),
                str(jobs or ""),
            )
        ),
        "preparing the floors' inputs",
        ok=(0,),
    )


def run_validate(size: int, register: Path) -> list[Row]:
    """``ropa validate`` against libyaml's event pass (the floor) and against ``yaml.load`` (reference)."""
    ropa = checked(
        measure(ropa_cmd("validate", str(register), "--fail-on", "never", "--output", os.devnull)), "ropa validate"
    )
    floor = checked(measure(python(EVENTS_FLOOR, str(register))), "event floor", ok=(0,))
    load = checked(measure(python(LOAD_FLOOR, str(register))), "yaml.load reference", ok=(0,))
    files = [register / "organisation.yaml", *sorted((register / "providers").glob("*.yaml"))]
    mb = sum(p.stat().st_size for p in files) / 1e6
    return [
        Row(size, "validate", ropa, floor, f"{mb:.1f} MB of YAML in {len(files)} files", {"yaml_mb": mb}),
        Row(size, REF + "yaml.load", ropa, load, "libyaml building Python objects"),
    ]


REF = "  ref: "
"""Prefix of a reference row: the same ropa figures against a floor that is not one (for comparison only)."""


def run_build(size: int, register: Path, work: Path, kind: str, jobs: int | None, limit: bool = True) -> list[Row]:
    """One ``ropa build --only kind`` against its floor, plus the reference rows (and the limit for the PDF)."""
    out = work / f"out-{kind}"
    shutil.rmtree(out, ignore_errors=True)
    args = ["build", str(register), "--out", str(out), "--only", kind, "--no-cache", "--quiet"]
    if jobs:
        args += ["--jobs", str(jobs)]
    ropa = checked(measure(ropa_cmd(*args)), f"ropa build --only {kind}", ok=(0,))
    inputs = work / "floor-inputs"
    _prep(register, inputs, kind, _pdf_pages(out / "register.pdf") if kind == "pdf" else 0, jobs)
    rows: list[Row] = []
    extra: dict[str, Any] = {}
    if kind == "xlsx":
        cells = str(inputs / "cells.pkl")
        floor = checked(measure(python(XLSX_FLOOR, cells)), "xlsx floor", ok=(0,))
        reference = checked(measure(python(XLSX_WRITE_ONLY, cells)), "xlsx write-only reference", ok=(0,))
        written = (out / "register.xlsx").stat().st_size
        note = f"{written / 1e6:.1f} MB written"
        rows.append(Row(size, REF + "openpyxl write-only", ropa, reference, "one openpyxl cell object per value"))
    else:
        folder = inputs / ("register-parts" if kind == "pdf" else "annexes")
        config = folder / "floor.json"
        pages = json.loads(config.read_text(encoding="utf-8"))["pages"]
        floor = checked(measure(python(PDF_PARALLEL_FLOOR, str(config))), f"{kind} floor", ok=(0,))
        plain = checked(measure(python(PDF_FLOOR, str(templates_dir()), *pages)), f"{kind} plain floor", ok=(0,))
        workers = json.loads(config.read_text(encoding="utf-8"))["workers"]
        if kind == "pdf":
            written = (out / "register.pdf").stat().st_size
            count = _pdf_pages(out / "register.pdf")
            note = f"{written / 1e6:.1f} MB written, {count} pages; floor: {len(pages)} documents on {workers} workers"
        else:
            annexes = list((out / "annexes").glob("*.pdf"))
            reviews = sum(p.name.endswith(".review.pdf") for p in annexes)
            written = sum(p.stat().st_size for p in annexes)
            count = sum(_pdf_pages(p) for p in annexes)
            note = (
                f"{written / 1e6:.1f} MB written, {count} pages in {len(annexes) - reviews} annexes and {reviews}"
                f" review documents; floor on {workers} workers"
            )
        extra["pages"] = count
        rows.append(Row(size, REF + "plain, 1 process", ropa, plain, "untagged, not PDF/A, default GC"))
        if kind == "pdf" and limit:
            rows.append(run_limit(size, folder, pages, ropa, count, work))
    extra["bytes"] = written
    shutil.rmtree(inputs, ignore_errors=True)
    return [Row(size, kind, ropa, floor, note, extra), *rows]


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)

REAPER = """
import ctypes, os, subprocess, sys
ctypes.CDLL("libc.so.6").prctl(36, 1)  # PR_SET_CHILD_SUBREAPER: orphaned helpers are reaped (and counted) here
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
sys.exit(code)
"""
"""Runs a command and waits for every process it leaves behind, so their CPU time is counted."""


def chromium() -> str | None:
    """Debian's headless Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def merged_html(pages: Sequence[str]) -> str:
    """One HTML document of the register's parts: the first part's head, then every part's body in order.

    Page-number and carrier documents (empty bodies) add nothing; the parts' style sheets are the same.
    """
    first = Path(pages[0]).read_text(encoding="utf-8")
    head = first[: first.index("<body")]
    bodies = []
    for page in pages:
        html = Path(page).read_text(encoding="utf-8")
        match = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
        if match and match.group(1).strip():
            bodies.append(match.group(1))
    base = f'<base href="{templates_dir().as_uri()}/">'
    return head.replace("<head>", "<head>" + base, 1) + "<body>\n" + "\n".join(bodies) + "\n</body></html>\n"


def run_limit(size: int, folder: Path, pages: Sequence[str], ropa: Sample, ropa_pages: int, work: Path) -> Row:
    """The limit row: the register's HTML printed by headless Chromium (measurement only; skipped when absent)."""
    binary = chromium()
    step = "limit: Chromium print-to-pdf"
    if binary is None:
        return Row(size, step, None, None, "skipped: no chromium on PATH (apt-get install chromium)")
    source = folder / "merged.html"
    source.write_text(merged_html(pages), encoding="utf-8")
    target = work / "limit.pdf"
    target.unlink(missing_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="ropa-bench-chromium-"))
    try:
        cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}", source.as_uri()]
        sample = checked(measure(python(REAPER, *cmd)), "chromium", ok=(0,))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not target.is_file():
        return Row(size, step, None, None, "skipped: chromium wrote no PDF")
    count = _pdf_pages(target)
    rate = count / sample.cpu if sample.cpu else 0.0
    ropa_rate = ropa_pages / ropa.cpu if ropa.cpu else 0.0
    note = (
        f"{count} pages, {target.stat().st_size / 1e6:.1f} MB, untagged; {rate:.0f} pages per CPU-second "
        f"vs ropa {ropa_rate:.1f}"
    )
    return Row(
        size, step, ropa, sample, note, {"pages": count, "pages_per_cpu_s": rate, "ropa_pages_per_cpu_s": ropa_rate}
    )


def _pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def run_build_all(size: int, register: Path, work: Path, jobs: int | None, rows: list[Row]) -> Row:
    """``ropa build`` of every document at once, against the sum of the three single-kind builds."""
    out = work / "out-all"
    shutil.rmtree(out, ignore_errors=True)
    args = ["build", str(register), "--out", str(out), "--no-cache", "--quiet"]
    if jobs:
        args += ["--jobs", str(jobs)]
    ropa = checked(measure(ropa_cmd(*args)), "ropa build", ok=(0,))
    parts = [r.ropa for r in rows if r.size == size and r.step in ("xlsx", "pdf", "annexes") and r.ropa]
    if len(parts) < 3:
        return Row(size, "build (all kinds)", ropa, None, "")
    total = Sample(sum(p.wall for p in parts), sum(p.cpu for p in parts), max(p.peak_mb for p in parts), 0)
    return Row(
        size,
        "build (all kinds)",
        ropa,
        total,
        "floor columns: the sum of the xlsx, pdf and annexes builds above (parallel workers vs one after the other)",
    )


def run_package(size: int, register: Path, work: Path, jobs: int | None) -> Row:
    out = work / "out-package"
    shutil.rmtree(out, ignore_errors=True)
    args = ["package", str(register), "--out", str(out), "--allow-findings", "--quiet"]
    if jobs:
        args += ["--jobs", str(jobs)]
    ropa = checked(measure(ropa_cmd(*args)), "ropa package", ok=(0,))
    archive = next(out.glob("*.zip"))
    members = work / "package-members"
    shutil.rmtree(members, ignore_errors=True)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(members)
    floor = checked(measure(python(ZIP_FLOOR, str(members), str(work / "floor.zip"))), "zip floor", ok=(0,))
    count = sum(1 for p in members.rglob("*") if p.is_file())
    shutil.rmtree(members, ignore_errors=True)
    return Row(size, "package", ropa, floor, f"{archive.stat().st_size / 1e6:.1f} MB zip, {count} files")


def run_startup(repeat: int) -> list[Row]:
    """``ropa --version`` and ``ropa validate`` on the example, first run and median; heavy imports."""
    rows = []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: .pyc files kept
    for label, args in (
        ("--version", ["--version"]),
        ("validate example", ["validate", str(EXAMPLE), "--fail-on", "never"]),
    ):
        measure(ropa_cmd(*args), env=env)  # compiles and caches the bytecode, as the first run after install does
        samples = [checked(measure(ropa_cmd(*args), env=env), f"ropa {label}") for _ in range(repeat)]
        walls = [s.wall for s in samples]
        median = statistics.median(walls)
        best = min(samples, key=lambda s: abs(s.wall - median))
        note = f"first {walls[0] * 1000:.0f} ms, median {median * 1000:.0f} ms, min {min(walls) * 1000:.0f} ms"
        rows.append(Row(0, f"start-up: ropa {label}", best, None, f"{note} of {repeat}", {"walls": walls}))
    probe = (  # validate run as the program ends with os._exit: report the imports on the way out
        "import os, runpy, sys\n"
        f"def report():\n    sys.stderr.write(' '.join(m for m in {HEAVY!r} if m in sys.modules) or 'none')\n"
        "    sys.stderr.write('\\n')\n    sys.stderr.flush()\n"
        "def leave(code, _exit=os._exit, main=os.getpid()):\n"
        "    if os.getpid() == main:  # not the forked read-ahead worker, which never sees the heavy imports\n"
        "        report()\n"
        "    _exit(code)\n"
        "os._exit = leave\n"
        f"sys.argv = ['ropa', 'validate', {str(EXAMPLE)!r}, '--fail-on', 'never']\n"
        "try:\n    runpy.run_module('ropa', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "report()\n"
    )
    heavy = measure(python(probe)).stderr.strip().splitlines()[-1]
    rows.append(Row(0, "start-up: heavy imports on validate", None, None, heavy, {"heavy": heavy}))
    shim = shutil.which("ropa")
    if shim and Path(shim).resolve() != Path(ropa_cmd()[0]).resolve():
        sample = measure([shim, "--version"])
        rows.append(
            Row(
                0,
                "start-up: ropa --version via PATH",
                sample,
                None,
                f"{shim} (a wrapper such as a pyenv shim adds its own start-up)",
            )
        )
    return rows


def run_incremental(work: Path, seed: int, providers: int, per: int, jobs: int | None) -> list[Row]:
    """Full build; one provider renamed, rebuild; another provider's activity reworded, rebuild; then a
    clean build of the changed register to compare byte for byte."""
    register = work / f"incr-{providers}x{per}"
    shutil.rmtree(register, ignore_errors=True)
    synth.write_register(register, providers, per, seed)
    out, clean = work / "incr-out", work / "incr-clean"
    for folder in (out, clean):
        shutil.rmtree(folder, ignore_errors=True)
    extra = ["--jobs", str(jobs)] if jobs else []
    code = _code_state()
    full = checked(measure(ropa_cmd("build", str(register), "--out", str(out), "--quiet", *extra)), "full build", (0,))
    ids = synth.provider_ids(providers)
    rows = [Row(providers * per, f"full build ({providers} providers)", full, None, "all documents, --no-cache")]
    changes = (
        ("rename", ids[providers // 2], synth.touch_provider, "legal name changed (annex, register pages naming it)"),
        ("reword", ids[providers // 3], synth.edit_activity, "one activity's description reworded"),
    )
    for label, changed, change, what in changes:
        change(register, changed)
        incremental = checked(
            measure(ropa_cmd("build", str(register), "--out", str(out), *extra)), "incremental build", (0,)
        )
        reused = re.search(r"(\d+) unchanged since the last build", incremental.stdout)
        parts = re.search(r"register.pdf: (\d+) of (\d+) parts rendered again", incremental.stdout)
        documents = len(synth.provider_ids(providers)) + 2
        rendered = documents - int(reused.group(1)) if reused else documents
        speedup = full.wall / incremental.wall if incremental.wall else 0.0
        part_note = f", register parts {parts.group(1)} of {parts.group(2)}" if parts else ""
        rows.append(
            Row(
                providers * per,
                f"incremental rebuild ({label})",
                incremental,
                full,
                f"{what} in {changed}: {rendered} of {documents} documents rendered again{part_note}, "
                f"{speedup:.1f}x faster than full",
                {
                    "speedup": speedup,
                    "rendered": rendered,
                    "parts": [int(parts.group(1)), int(parts.group(2))] if parts else None,
                },
            )
        )
    checked(
        measure(ropa_cmd("build", str(register), "--out", str(clean), "--no-cache", "--quiet", *extra)),
        "clean build",
        (0,),
    )
    same = _tree_bytes(out) == _tree_bytes(clean)
    moved = "" if _code_state() == code else " (ropa's code changed during the run: keys changed with it)"
    rows.append(
        Row(
            providers * per,
            "incremental == clean build",
            None,
            None,
            f"byte-identical to a clean build: {'yes' if same else 'NO'}{moved}",
            {"identical": same},
        )
    )
    return rows


def _code_state() -> str:
    """A digest of ropa's code as the cache sees it (the checkout may change while the benchmark runs)."""
    return checked(
        measure(python("from ropa.produce.cache import code_digest; print(code_digest())")), "code digest", (0,)
    ).stdout.strip()


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".ropa-cache" not in p.parts
    }


# ------------------------------------------------------------------------------------------ output


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _fmt_time(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{seconds / 60:.1f} min"


def _cell(sample: Sample | None) -> tuple[str, str, str]:
    if sample is None:
        return ("", "", "")
    return (_fmt_time(sample.wall), _fmt_time(sample.cpu), f"{sample.peak_mb:.0f} MB")


def table(rows: list[Row]) -> str:
    """The one table: ropa and floor side by side, with the ratio of their wall times."""
    head = ("size", "step", "ropa wall", "cpu", "peak", "floor wall", "cpu", "peak", "ratio wall", "cpu", "note")
    lines = [head]
    for row in rows:
        ratio = cpu_ratio = ""
        if row.ropa and row.floor and row.floor.wall and row.floor.cpu:
            ratio = f"{row.ropa.wall / row.floor.wall:.2f}x"
            cpu_ratio = f"{row.ropa.cpu / row.floor.cpu:.2f}x"
        lines.append(
            (
                f"{row.size:,}" if row.size else "",
                row.step,
                *_cell(row.ropa),
                *_cell(row.floor),
                ratio,
                cpu_ratio,
                row.note,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
    text = []
    for n, line in enumerate(lines):
        cells = [c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(line[:-1], widths, strict=True))]
        text.append("  ".join(cells) + "  " + line[-1])
        if n == 0:
            text.append("-" * (sum(widths) + 2 * len(widths) + 4))
    return "\n".join(text)


def scaling(rows: list[Row]) -> str:
    """Per-activity cost at each size and the growth exponent between neighbouring sizes (1.00 is linear).

    The cost of the smallest size measured is taken as the fixed cost (start-up,
    imports) and subtracted first, so the exponent describes how the rest grows.
    CPU time is used: unlike wall time it does not stretch when other work shares
    the cores.
    """
    import math

    out = []
    for step in STEPS:
        points = sorted((r.size, r.ropa.cpu) for r in rows if r.step == step and r.ropa and r.size)
        if len(points) < 2:
            continue
        fixed = points[0][1]
        parts = [f"fixed {fixed:.2f} s"]
        for i, (size, cpu) in enumerate(points[1:], 1):
            part = f"{size:,}: {(cpu - fixed) / (size - points[0][0]) * 1000:.2f} ms/activity"
            prev_size, prev_cpu = points[i - 1]
            if i > 1 and cpu > fixed and prev_cpu > fixed:
                exponent = math.log((cpu - fixed) / (prev_cpu - fixed)) / math.log(size / prev_size)
                part += f" (exponent {exponent:.2f})"
            parts.append(part)
        out.append(f"  {step:9s} " + "; ".join(parts))
    return "\n".join(out)


# -------------------------------------------------------------------------------------------- main


def _register(work: Path, size: int, seed: int) -> Path:
    """The synthetic register of ``size`` activities, generated once and reused while its shape holds."""
    providers, per = synth.default_shape(size)
    register = work / f"register-{size}"
    meta = register / ".synth.json"
    wanted = {"providers": providers, "per_provider": per, "seed": seed, "activities": providers * per}
    if not meta.is_file() or json.loads(meta.read_text()) != wanted:
        shutil.rmtree(register, ignore_errors=True)
        synth.write_register(register, providers, per, seed)
    return register


def _run_size(
    size: int,
    register: Path,
    work: Path,
    skip: set[str],
    render_max: int,
    jobs: int | None,
    step: Callable[[str, Callable[[], Any]], None],
    rows: list[Row],
) -> None:
    """Every step of one size."""
    if "validate" not in skip:
        step(f"{size:,} validate", lambda: run_validate(size, register))
    if "xlsx" not in skip:
        step(f"{size:,} xlsx", lambda: run_build(size, register, work, "xlsx", jobs))
    for kind in ("pdf", "annexes", "build", "package"):
        if kind in skip:
            continue
        if size > render_max:
            rows.append(Row(size, kind, None, None, f"skipped: above --render-max {render_max}"))
        elif kind == "package":
            step(f"{size:,} package", lambda: run_package(size, register, work, jobs))
        elif kind == "build":
            step(f"{size:,} build", lambda: run_build_all(size, register, work, jobs, rows))
        else:
            limit = "limit" not in skip
            step(f"{size:,} {kind}", functools.partial(run_build, size, register, work, kind, jobs, limit))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000", help="activities per register, comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 10,100 and fewer start-up repeats")
    parser.add_argument(
        "--render-max", type=int, default=100, help="largest size for the PDF, annexes and package steps (default 100)"
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated steps to leave out: " + ",".join((*STEPS, "limit", "startup", "incremental")),
    )
    parser.add_argument(
        "--incremental",
        default="100x1",
        metavar="PxA",
        help="providers x activities of the incremental register (default 100x1)",
    )
    parser.add_argument("--jobs", type=int, help="worker processes for build and package (default: one per core)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, help="folder for registers and outputs (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sizes = [10, 100] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    work = args.work or Path(tempfile.mkdtemp(prefix="ropa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"ropa benchmarks: sizes {', '.join(map(str, sizes))}; {os.cpu_count()} cores; work folder {work}; "
        f"load average {_load()}",
        flush=True,
    )
    rows: list[Row] = []

    def step(label: str, action: Callable[[], Any]) -> None:
        started = time.perf_counter()
        print(f"  {label} ...", end="", flush=True)
        result = action()
        rows.extend(result if isinstance(result, list) else [result])
        print(f" {time.perf_counter() - started:.0f} s", flush=True)

    if "startup" not in skip:
        step("start-up", lambda: run_startup(5 if args.quick else 10))
    for size in sizes:
        register = _register(work, size, args.seed)
        _run_size(size, register, work, skip, args.render_max, args.jobs, step, rows)
    if "incremental" not in skip:
        p, a = (int(x) for x in args.incremental.lower().split("x"))
        step(f"incremental {p}x{a}", lambda: run_incremental(work, args.seed, p, a, args.jobs))
    print(
        f"\nload average at the end: {_load()} (wall times stretch when other work shares the cores; "
        "CPU times much less)"
    )
    print(table(rows))
    print()
    print("Scaling (CPU seconds above the smallest size, per activity; growth exponent, 1.00 = linear):")
    print(scaling(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1) + "\n", encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

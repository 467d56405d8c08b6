"""A/B runs of rendering settings ("levers"): the same build under each variant, interleaved, in CPU seconds.

A variant sets module constants of :mod:`ropa.render.pdf`, :mod:`ropa.util.gcpolicy` or
:mod:`ropa.produce.workers` (the first that has the name; the value is converted to the type of the
current one) before ``ropa build`` runs in a fresh process (forked workers inherit them), for
instance ``z9=STREAM_ZLIB_LEVEL:9`` or ``off=RENDER_GC:off``; ``import:weasyprint`` imports a module
in the main process first, so the workers inherit it instead of importing their own. Every
round runs each variant once, in a rotating order, so drift in the load of a shared machine
falls on all of them; the load average is printed per round. For each variant: median and
spread of CPU and wall time, peak memory, the size of what was written, whether its rounds
wrote the same bytes, and whether its text per page and its bytes equal the first variant's.

Usage::

    python benchmarks/levers.py --activities 100 --rounds 3 z9=STREAM_ZLIB_LEVEL:9 z6=STREAM_ZLIB_LEVEL:6
    python benchmarks/levers.py --activities 100 --rounds 3 relaxed=RENDER_GC:relaxed off=RENDER_GC:off
    python benchmarks/levers.py --activities 300 --only all --rounds 3 z9=STREAM_ZLIB_LEVEL:9 z6=STREAM_ZLIB_LEVEL:6
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402

PRELUDE = """
import importlib, sys
import ropa.render.pdf, ropa.util.gcpolicy, ropa.produce.workers
modules = [ropa.render.pdf, ropa.util.gcpolicy, ropa.produce.workers]
for pair in sys.argv[1].split(","):
    if pair:
        name, value = pair.split(":")
        if name == "import":
            importlib.import_module(value)
            continue
        module = next(m for m in modules if hasattr(m, name))
        setattr(module, name, type(getattr(module, name))(value))
sys.argv = ["ropa", *sys.argv[2:]]
from ropa.cli import main
sys.exit(main())
"""


@dataclass
class Variant:
    """One setting of the levers and what its rounds measured."""

    name: str
    settings: str
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    peak: list[float] = field(default_factory=list)
    digests: set[str] = field(default_factory=set)
    size: int = 0
    text: list[str] = field(default_factory=list)


def _outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and ".ropa-cache" not in p.parts)


def _digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _text_per_page(files: list[Path]) -> list[str]:
    """The text of every page of every PDF written, in order (pypdf)."""
    from pypdf import PdfReader

    return [page.extract_text() for path in files if path.suffix == ".pdf" for page in PdfReader(path).pages]


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    """Run the variants and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", help="NAME=CONST:VALUE[,CONST:VALUE...] (see above)")
    parser.add_argument("--activities", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="pdf", help="the --only of ropa build ('all' for every document)")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    variants = [Variant(*v.split("=", 1)) for v in args.variants]
    work = args.work or Path(tempfile.mkdtemp(prefix="ropa-levers-"))
    register = run._register(work, args.activities, 7)
    print(f"levers: {args.activities} activities, --only {args.only}, {args.rounds} rounds; load {run._load()}")
    for round_ in range(args.rounds):
        order = variants[round_ % len(variants) :] + variants[: round_ % len(variants)]
        for variant in order:
            out = work / f"out-{variant.name}"
            shutil.rmtree(out, ignore_errors=True)
            build = ["build", str(register), "--out", str(out), "--no-cache", "--quiet"]
            if args.only != "all":
                build += ["--only", args.only]
            if args.jobs:
                build += ["--jobs", str(args.jobs)]
            sample = run.checked(run.measure(run.python(PRELUDE, variant.settings, *build)), variant.name, ok=(0,))
            variant.cpu.append(sample.cpu)
            variant.wall.append(sample.wall)
            variant.peak.append(sample.peak_mb)
            files = _outputs(out)
            variant.digests.add(_digest(files))
            variant.size = sum(p.stat().st_size for p in files)
            if not variant.text:
                variant.text = _text_per_page(files)
        print(f"  round {round_ + 1}: load {run._load()}", flush=True)
    base = variants[0]
    for variant in variants:
        same_text = "same" if variant.text == base.text else "DIFFERENT"
        same_bytes = "same" if variant.digests == base.digests else "different"
        change = statistics.median(variant.cpu) / statistics.median(base.cpu) - 1
        print(
            f"{variant.name:>10}  cpu {_spread(variant.cpu)}  wall {_spread(variant.wall)}  "
            f"peak {max(variant.peak):.0f} MB  {variant.size / 1e6:.2f} MB written  "
            f"cpu {change:+.1%} vs {base.name}  rounds byte-identical: {'yes' if len(variant.digests) == 1 else 'NO'}  "
            f"text of {len(variant.text)} pages: {same_text}, bytes: {same_bytes}"
        )
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: ``ropa diff`` at up to 100,000 activity ids, the linear matching against the scan it replaced.

Two registers of N activities (100 per provider, each with a data category, a
recipient, a transfer and a measure) are compared in two scenarios:

* ``edit``: 1 % of the activities renamed, 1 % removed, 1 % added (a large register's busy month);
* ``renumbered``: every activity id changed (a register whose ids were renumbered): the worst case of
  the old matching, which scanned the list of the other side once per item.

For each size the change log is computed with today's ``ropa.archive.diff.compare`` and,
up to ``--old-max`` ids, with ``ropa/archive/diff.py`` as it was before matching became
linear (loaded from git, ``--old-rev``); above that the old time is extrapolated
from the largest measured size (quadratic) and marked as such. Both change logs
are checked to be equal. Then ``ropa diff OLD.zip NEW.zip`` runs end to end
in a fresh process on packages of the largest size (reading, verifying and
validating both ``register.json`` files included).

Usage::

    python benchmarks/diff_scale.py                         # 5,000 / 20,000 / 100,000 ids, old up to 20,000
    python benchmarks/diff_scale.py --sizes 1000,10000 --old-max 10000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ropa.archive.diff as diff  # noqa: E402

Data = dict[str, Any]


OLD_REV = "cf2894b"
"""The last commit whose ``ropa/archive/diff.py`` matched entities by scanning the other side once per item."""


def old_diff(rev: str) -> ModuleType:
    """``ropa/archive/diff.py`` as it was at ``rev``, loaded as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{rev}:ropa/archive/diff.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = ModuleType("old_ropa_diff")
    sys.modules[module.__name__] = module
    exec(compile(source, f"{rev}:ropa/archive/diff.py", "exec"), module.__dict__)
    return module


def activity(ident: str, provider: str, index: int) -> Data:
    return {
        "id": ident,
        "name": f"Activity {index}",
        "purposes": [{"description": f"Purpose {index}", "lawful_basis": "6.1.b"}],
        "data_categories": [{"id": "phone", "name": "Phone number"}],
        "recipients": [{"provider": provider, "role": "processor"}],
        "transfers": [{"country": "US", "recipient": provider}],
        "security_measures": [{"kind": "encryption", "measure": "TLS 1.3"}],
    }


def register(size: int, renumber: bool = False, edit: bool = False) -> Data:
    """A register of ``size`` activities, 100 per provider; ``edit`` changes 3 % of them, ``renumber`` every id."""
    providers = []
    for p in range(max(1, size // 100)):
        pid = f"p{p:05d}"
        acts = []
        for a in range(min(100, size - p * 100)):
            index = p * 100 + a
            if edit and index % 100 == 1:
                continue  # removed
            ident = f"{'r' if renumber else 'a'}{index:06d}"
            item = activity(ident, pid, index)
            if edit and index % 100 == 2:
                item["name"] += " (renamed)"
            acts.append(item)
            if edit and index % 100 == 3:
                acts.append(activity(f"n{index:06d}", pid, index))  # added
        providers.append({"id": pid, "legal_name": f"Provider {p}", "country": "US", "activities": acts})
    return {
        "format": "ropa-register",
        "format_version": 1,
        "organisation": {
            "legal_name": "Org",
            "record": {"version": "2" if edit or renumber else "1", "date": "2026-11-01"},
        },
        "providers": providers,
    }


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def package_of(data: Data, path: Path) -> None:
    """A minimal intact package holding ``data`` as register.json (manifest and SHA256SUMS agreeing)."""
    import datetime as dt

    from ropa.archive.package import sha256, sums_text, zip_bytes

    members = {"register.json": json.dumps(data, indent=2, sort_keys=True).encode()}
    manifest = {
        "format": "ropa-package",
        "format_version": 1,
        "files": [{"path": n, "sha256": sha256(m), "size": len(m)} for n, m in sorted(members.items())],
    }
    members["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    members["SHA256SUMS"] = sums_text(members).encode()
    path.write_bytes(zip_bytes(members, dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)))


def end_to_end(size: int, scenario: str) -> str:
    """``ropa diff OLD.zip NEW.zip`` in a fresh process: wall, CPU and peak memory sampled as ``run.py`` does."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import measure  # peak memory of the process tree (not ru_maxrss, which carries the parent's size)

    with tempfile.TemporaryDirectory() as work:
        old, new, log = Path(work, "old.zip"), Path(work, "new.zip"), Path(work, "changes.json")
        package_of(register(size), old)
        package_of(register(size, renumber=scenario == "renumbered", edit=scenario == "edit"), new)
        megabytes = new.stat().st_size / 1e6
        ropa = str(Path(sys.executable).with_name("ropa"))
        sample = measure([ropa, "diff", str(old), str(new), "--format", "json", "--output", str(log)])
        if sample.code != 0:
            raise SystemExit(f"ropa diff failed ({sample.code}): {sample.stderr[-2000:]}")
        summary = json.loads(log.read_text("utf-8"))["summary"]
        return (
            f"{size:>8,}  {scenario:<10}  ropa diff OLD.zip NEW.zip  {sample.wall:7.2f} s wall  "
            f"{sample.cpu:7.2f} s cpu  peak {sample.peak_mb:,.0f} MB  ({megabytes:.1f} MB zip each; {summary})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,100000")
    parser.add_argument("--old-max", type=int, default=20_000, help="largest size timed with the old matching")
    parser.add_argument("--old-rev", default=OLD_REV, help="git revision of the old ropa/archive/diff.py")
    parser.add_argument("--no-end-to-end", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    old_module = old_diff(args.old_rev)
    print(f"{'ids':>8}  {'scenario':<10}  {'linear':>9}  {'old diff.py':>12}  {'speed-up':>9}  changes")
    for scenario in ("edit", "renumbered"):
        measured: tuple[int, float] | None = None
        for size in sizes:
            a = register(size)
            b = register(size, renumber=scenario == "renumbered", edit=scenario == "edit")
            linear, log = timed(lambda a=a, b=b: diff.compare(a, b))
            if size <= args.old_max:
                old, old_log = timed(lambda a=a, b=b: old_module.compare(a, b))
                assert old_log.to_json() == log.to_json(), "the linear matching must give the very same change log"
                measured = (size, old)
                old_text = f"{old:10.2f} s"
            elif measured is not None:
                old = measured[1] * (size / measured[0]) ** 2
                old_text = f"~{old:9.0f} s"
            else:
                old, old_text = float("nan"), "not run"
            print(
                f"{size:>8,}  {scenario:<10}  {linear:7.2f} s  {old_text:>12}  {old / linear:8.0f}x  {log.summary()}",
                flush=True,
            )
    if not args.no_end_to_end:
        for scenario in ("edit", "renumbered"):
            print(end_to_end(max(sizes), scenario), flush=True)
    print("~: extrapolated (quadratic) from the largest size the old scan was timed at")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time and peak memory of the XLSX register as the register grows (synthetic registers, one process per size).

Each size runs in a fresh interpreter so that its peak resident memory is its own.
The register is built in memory from :mod:`synth` (no YAML parsing) and checked;
then only the render is timed. "rss growth" is the peak resident set during the
render minus the peak before it: with openpyxl's write-only mode it should stay
about the same however many activities there are.

Usage::

    python benchmarks/xlsx_scale.py [--sizes 1000 5000 10000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(activities: int) -> dict[str, float]:
    """Render a synthetic register of ``activities`` activities in this process; return the figures."""
    import datetime as dt
    import gc
    import resource
    import time

    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    from synth import default_shape, register_files

    from ropa.check.engine import check
    from ropa.model.organisation import Organisation
    from ropa.model.provider import Provider
    from ropa.model.register import Register
    from ropa.render.xlsx import render_register_xlsx

    providers, per = default_shape(activities)
    files = dict(register_files(providers, per))
    organisation = Organisation.model_validate(files.pop("organisation.yaml"))
    providers_ = [Provider.model_validate(d) for d in files.values()]
    register = Register(organisation, providers_, provider_files={p.id: f"providers/{p.id}.yaml" for p in providers_})
    report = check(register, dt.date(2026, 11, 1))
    del files
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    data = render_register_xlsx(register, report)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "activities": providers * per,
        "findings": len(report.findings),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "xlsx_mb": round(len(data) / 1e6, 2),
        "rss_before_mb": round(before / 1024),
        "rss_growth_mb": round((after - before) / 1024),
    }


def main(argv: list[str] | None = None) -> None:
    """Command line: one child process per size, a table of figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(
        f"{'activities':>10} {'findings':>8} {'wall s':>7} {'cpu s':>7} {'xlsx MB':>8} {'rss MB':>7} {'growth MB':>9}"
    )
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size)], capture_output=True, text=True, check=True
        ).stdout
        r = json.loads(out)
        print(
            f"{r['activities']:>10} {r['findings']:>8} {r['wall_s']:>7} {r['cpu_s']:>7} {r['xlsx_mb']:>8} "
            f"{r['rss_before_mb']:>7} {r['rss_growth_mb']:>9}"
        )


if __name__ == "__main__":
    main()

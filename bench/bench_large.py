"""`drivers run` on generated large clients: wall time, CPU time and peak memory.

    python bench/bench_large.py [--case 30tp|5x20k|1m|all] [--keep DIR]

Cases (default options: bootstrap 500, what-if bootstrap 100):

- ``30tp``: 30 touchpoints, 6 segment variables, 2 waves of 1,500 respondents;
- ``5x20k``: 20 touchpoints, 3 segment variables, 5 waves of 20,000 respondents;
- ``1m``: 20 touchpoints, 3 segment variables, one wave of 1,000,000 respondents.

Each case runs `drivers run` as its own process (the whole command: loading, the analysis,
the notebooks, charts, tables and deck) and reads the child's CPU time and peak resident
memory from the operating system (the peak of the largest single process: the command or
its notebook kernel). Also prints the load average: on a shared 2-core machine
the wall time depends on what else runs. No assertion: speed is reported, not tested.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drivers.workflow.synthetic import make_client

CASES = {
    "30tp": {"touchpoints": 30, "segments": 6, "waves": 2, "n": 1_500},
    "5x20k": {"touchpoints": 20, "segments": 3, "waves": 5, "n": 20_000},
    "1m": {"touchpoints": 20, "segments": 3, "waves": 1, "n": 1_000_000},
}


def run_case(name: str, root: Path) -> dict:
    folder = root / name
    config = folder / "client.toml"
    if not config.exists():
        make_client(folder, **CASES[name])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "drivers.workflow.cli", "run", str(config), "--quiet"]
    cmd += ["--out", str(root / "reports")]
    # no OPENBLAS_NUM_THREADS here: `drivers run` uses one BLAS thread by itself
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    return {
        "case": name,
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "peak_gb": after.ru_maxrss / 1024**2,  # kilobytes on Linux
        "load": load,
        "ok": done.returncode == 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument("--keep", type=Path, default=None, help="keep and reuse the clients")
    args = parser.parse_args()
    names = list(CASES) if args.case == "all" else [args.case]
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        rows = [run_case(name, root) for name in names]
    print("| case | wall | CPU | peak memory | load at start | finished |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        print(
            f"| {r['case']} | {r['wall']:.0f} s | {r['cpu']:.0f} s | {r['peak_gb']:.2f} GB "
            f"| {r['load']:.1f} | {'yes' if r['ok'] else 'no'} |"
        )


if __name__ == "__main__":
    main()

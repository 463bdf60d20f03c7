"""The demo's notebooks before and after "one analysis, rendered many times", side by side.

    python bench/bench_notebooks.py [--before b0be53d] [--bootstrap B]

*Before* is an earlier commit (default ``b0be53d``), checked out into a temporary git
worktree: every notebook builds its own analysis from the client's data, and the report
builds one more. *After* is this checkout: the analysis runs once and is saved, every
notebook reads the saved results. Both sides run here, one after the other, each notebook
in a fresh kernel (papermill) with one BLAS thread, so the ratio is what the change bought
on this machine under the same load. No assertion: speed is reported, not tested.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent

BEFORE = r"""
import json, sys, tempfile, time
from pathlib import Path
import papermill
from drivers import demo
from drivers.report import write_report
from drivers.run import NOTEBOOKS, notebook_dir

bootstrap = int(sys.argv[1])
config = demo.client_config()
rows = []
with tempfile.TemporaryDirectory() as work:
    params = {"client": str(config), "wave": "2024", "progress": False,
              "output_dir": work, "bootstrap": bootstrap}
    for name in NOTEBOOKS:
        t = time.perf_counter()
        papermill.execute_notebook(str(notebook_dir() / f"{name}.ipynb"),
                                   str(Path(work) / f"{name}.ipynb"), parameters=params,
                                   kernel_name="python3", progress_bar=False,
                                   cwd=str(notebook_dir()), log_output=False)
        rows.append((name, time.perf_counter() - t))
    t = time.perf_counter()
    write_report(config, wave="2024", out=Path(work), bootstrap=bootstrap, progress=False)
    rows.append(("report (charts, tables, deck)", time.perf_counter() - t))
print(json.dumps(rows))
"""

AFTER = r"""
import json, os, sys, tempfile, time
from pathlib import Path
import papermill
import drivers as dr
from drivers.workflow import demo
from drivers.workflow.report import write_charts_and_tables, write_deck
from drivers.workflow.run import NOTEBOOKS, notebook_dir

bootstrap = int(sys.argv[1])
rows = []
with tempfile.TemporaryDirectory() as work:
    t = time.perf_counter()
    results = dr.analyse(demo.client_config(), bootstrap=bootstrap, progress=False)
    results.save(Path(work) / "results")
    rows.append(("analysis, once", time.perf_counter() - t))
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    for name in NOTEBOOKS:
        t = time.perf_counter()
        papermill.execute_notebook(str(notebook_dir() / f"{name}.ipynb"),
                                   str(Path(work) / f"{name}.ipynb"),
                                   parameters={"results": "results", "progress": False},
                                   kernel_name="python3", progress_bar=False, cwd=work,
                                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        rows.append((name, time.perf_counter() - t))
    os.environ.pop("MPLBACKEND")
    t = time.perf_counter()
    write_charts_and_tables(results, Path(work))
    write_deck(results, Path(work))
    rows.append(("report (charts, tables, deck)", time.perf_counter() - t))
print(json.dumps(rows))
"""


def side(code: str, src: Path, bootstrap: int, cwd: Path) -> list[tuple[str, float]]:
    import json

    env = {**os.environ, "PYTHONPATH": str(src), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(bootstrap)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="b0be53d")
    parser.add_argument("--bootstrap", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.before],
            check=True,
            capture_output=True,
        )
        try:
            load = os.getloadavg()[0]
            before = side(BEFORE, tree / "src", args.bootstrap, tree)
            after = side(AFTER, ROOT / "src", args.bootstrap, ROOT)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
    names = dict(after)
    print(f"bootstrap {args.bootstrap}, load average at start {load:.1f}\n")
    print(f"| step | before ({args.before}) | after | ratio |")
    print("| --- | ---: | ---: | ---: |")
    seen = set()
    for name, seconds in before:
        now = names.get(name)
        seen.add(name)
        ratio = f"{seconds / now:.1f}×" if now else ""
        shown = f"{now:.1f} s" if now is not None else "–"
        print(f"| {name} | {seconds:.1f} s | {shown} | {ratio} |")
    for name, seconds in after:
        if name not in seen:
            print(f"| {name} | – | {seconds:.1f} s | |")
    total_before = sum(s for _, s in before)
    total_after = sum(s for _, s in after)
    print(
        f"| **all steps** | **{total_before:.1f} s** | **{total_after:.1f} s** "
        f"| **{total_before / total_after:.1f}×** |"
    )


if __name__ == "__main__":
    main()

"""End-to-end: `drivers run` of the demo client, step by step (2 cores, one BLAS thread).

    python bench/bench_run.py [--bootstrap B]

Times the steps of a run the way `drivers run` does them: the analysis once (`dr.analyse`)
and saving it, each notebook executed in its own kernel against the saved results, the
charts and tables, the deck; then the whole `drivers run` as one command. Prints a table
for bench/README.md. No assertion: speed is reported, not tested.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import papermill  # noqa: E402

import drivers as dr  # noqa: E402
from drivers.workflow import demo  # noqa: E402
from drivers.workflow.report import write_charts_and_tables, write_deck  # noqa: E402
from drivers.workflow.run import NOTEBOOKS, notebook_dir  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", type=int, default=None)
    args = parser.parse_args()
    config = demo.client_config()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        results = dr.analyse(config, bootstrap=args.bootstrap, progress=False)
        results.save(work / "results")
        rows.append(("analyse + save (once)", time.perf_counter() - t))
        env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
        os.environ.update(env)
        for name in NOTEBOOKS:
            t = time.perf_counter()
            papermill.execute_notebook(
                str(notebook_dir() / f"{name}.ipynb"),
                str(work / f"{name}.ipynb"),
                parameters={"results": "results", "progress": False},
                kernel_name="python3",
                progress_bar=False,
                cwd=str(work),
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
            rows.append((f"notebook {name}", time.perf_counter() - t))
        os.environ.pop("MPLBACKEND")
        t = time.perf_counter()
        write_charts_and_tables(results, work)
        rows.append(("charts + tables.xlsx", time.perf_counter() - t))
        t = time.perf_counter()
        write_deck(results, work)
        rows.append(("deck", time.perf_counter() - t))
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "drivers.workflow.cli", "demo", "--out", tmp, "--quiet"]
        if args.bootstrap is not None:
            cmd += ["--bootstrap", str(args.bootstrap)]
        subprocess.run(cmd, check=True, capture_output=True)
        rows.append(("drivers demo, whole command", time.perf_counter() - t))
    print("| step | seconds |\n| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} |")


if __name__ == "__main__":
    main()

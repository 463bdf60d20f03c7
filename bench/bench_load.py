"""Speed and peak memory of loading a big survey file: `drivers check` and load_survey.

    PYTHONPATH=src python bench/bench_load.py [rows]    # default 1,000,000 rows, 20 columns

Writes a Dutch-style CSV (';', decimal comma, n.v.t. codes, a don't-know text) to a
temporary folder, then times, each in a fresh process (peak RSS from ru_maxrss):
``drivers check FILE --spec survey.toml`` and ``drivers check FILE`` (spec inferred).
No assertions: the figures go into bench/README.md.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TOUCHPOINTS = [f"tp{i:02d}" for i in range(1, 16)]
COLUMNS = ["respondent", "aanbeveling", *TOUCHPOINTS, "regio", "omvang", "gewicht"]


def write_file(folder: Path, rows: int, seed: int = 0) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    cols = {"respondent": [f"R{i}" for i in range(rows)]}
    cols["aanbeveling"] = rng.integers(0, 11, rows).astype(str)
    for tp in TOUCHPOINTS:
        grades = rng.integers(1, 11, rows).astype(str).astype(object)
        grades[rng.random(rows) < 0.05] = "n.v.t."
        grades[rng.random(rows) < 0.001] = "weet niet meer"
        cols[tp] = grades
    cols["regio"] = rng.choice(["Noord", "Zuid", "Oost", "West"], rows)
    cols["omvang"] = rng.choice(["klein", "middel", "groot"], rows)
    weights = rng.uniform(0.5, 1.5, rows)
    cols["gewicht"] = [f"{w:.3f}".replace(".", ",") for w in weights]
    path = folder / "big.csv"
    import pandas as pd

    pd.DataFrame(cols)[COLUMNS].to_csv(path, sep=";", index=False, encoding="utf-8")
    spec = folder / "survey.toml"
    spec.write_text(
        'nps = "aanbeveling"\nid = "respondent"\nweight = "gewicht"\n'
        'segments = ["regio", "omvang"]\nscale = [1, 10]\n'
        + "".join(f'\n[[touchpoints]]\nkey = "{tp}"\n' for tp in TOUCHPOINTS),
        encoding="utf-8",
    )
    return path, spec


MEASURE = """
import resource, sys, time, warnings
warnings.simplefilter("ignore")
from drivers.workflow.cli import main
t = time.perf_counter()
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
took = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = usage.ru_maxrss / 1024
print(f"{took:.2f} {usage.ru_utime + usage.ru_stime:.2f} {peak:.0f} {code}")
"""


def run(args: list[str]) -> tuple[float, float, float]:
    """Wall time of main(args), CPU time of the process (import included), peak RSS MB."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, check=True
    )
    took, cpu, peak, code = out.stdout.split()
    if code != "0":
        raise RuntimeError(out.stderr)
    return float(took), float(cpu), float(peak)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        path, spec = write_file(Path(tmp), rows)
        size = path.stat().st_size / 1e6
        print(
            f"{rows:,} rows x {len(COLUMNS)} columns, {size:.0f} MB "
            f"(written in {time.perf_counter() - start:.0f} s)"
        )
        for label, args in (
            ("drivers check FILE --spec survey.toml", ["check", str(path), "--spec", str(spec)]),
            ("drivers check FILE (spec inferred)", ["check", str(path)]),
        ):
            took, cpu, peak = run(args)
            print(f"{label:<42} wall {took:5.1f} s   cpu {cpu:5.1f} s   peak {peak:5.0f} MB")


if __name__ == "__main__":
    main()

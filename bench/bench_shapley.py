"""Speed and memory of the exact Shapley (LMG) engine, side by side with peers in one run.

Run: ``python bench/bench_shapley.py`` (``make bench``). Prints a Markdown table.

* Time: wall clock, best of a few repeats for the fast cases, one run for the slow ones.
  "end-to-end" is ``key_drivers(df, ...)`` on a DataFrame already in memory (validation,
  weighted correlation matrix, Shapley core, diagnostics, table); "core" is
  ``drivers.stats._shapley.shapley_from_corr`` on the correlation matrix alone.
* Peak memory: ``tracemalloc`` peak of one end-to-end call (numpy reports its buffers to
  tracemalloc), measured in a separate call from the timing.
* BLAS threads: limited to 1 for the whole run (``--blas-threads N`` to change). With two
  OpenBLAS threads on a busy 2-core machine, small BLAS/LAPACK calls spin-wait: a
  statsmodels OLS fit went from 1.3 ms to 33 ms here. Ours and the peers get the same
  setting; the header prints what threadpoolctl sees.
* Peers, same data, same run: pingouin ``linear_regression(X, y, relimp=True)`` (LMG) for
  p ≤ 15, and the naive approach (a statsmodels OLS fit per subset, Shapley weights) for
  p ≤ 12. "max abs diff" is the largest difference in importance against ours.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import time
import tracemalloc
import warnings
from math import factorial

import numpy as np
import pandas as pd

from drivers.stats._shapley import shapley_from_corr
from drivers.stats.importance import key_drivers

REFERENCE = [
    ("R relaimpo calc.relimp(type='lmg'), p=15", "1.15 s"),
    ("R relaimpo calc.relimp(type='lmg'), p=20", "42 s"),
    ("R relaimpo boot.relimp, B=200, p=12", "28 s"),
    ("pingouin linear_regression(relimp=True), p=15", "1.17 s"),
    ("dominance-analysis, p=15 (does not import with numpy 2)", "148 s"),
]


def make_data(n: int, p: int, seed: int = 0) -> pd.DataFrame:
    """Correlated drivers (one common factor) and an outcome that depends on them."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(n, 1))
    X = 0.6 * factor + rng.normal(size=(n, p))
    beta = np.linspace(1.0, 0.1, p)
    y = X @ beta + rng.normal(scale=2.0, size=n)
    frame = pd.DataFrame(X, columns=[f"x{j:02d}" for j in range(p)])
    frame["y"] = y
    return frame


def best_time(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb(func) -> float:
    tracemalloc.start()
    try:
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def fmt_time(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def run_ours(frame: pd.DataFrame, **options):
    drivers = [c for c in frame.columns if c != "y"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return key_drivers(frame, outcome="y", drivers=drivers, progress=False, **options)


def naive_statsmodels(frame: pd.DataFrame) -> np.ndarray:
    """What an analyst writes by hand: one OLS fit per subset, then Shapley weights."""
    import statsmodels.api as sm

    drivers = [c for c in frame.columns if c != "y"]
    p = len(drivers)
    y = frame["y"].to_numpy()
    r2 = {(): 0.0}
    for size in range(1, p + 1):
        for subset in itertools.combinations(range(p), size):
            X = sm.add_constant(frame[[drivers[j] for j in subset]].to_numpy())
            r2[subset] = sm.OLS(y, X).fit().rsquared
    values = np.zeros(p)
    for subset, value in r2.items():
        if len(subset) == p:
            continue
        weight = factorial(len(subset)) * factorial(p - len(subset) - 1) / factorial(p)
        for j in range(p):
            if j not in subset:
                values[j] += weight * (r2[tuple(sorted((*subset, j)))] - value)
    return values


def pingouin_relimp(frame: pd.DataFrame) -> np.ndarray:
    import pingouin as pg

    drivers = [c for c in frame.columns if c != "y"]
    table = pg.linear_regression(frame[drivers], frame["y"], relimp=True)
    return table.set_index("names").loc[drivers, "relimp"].to_numpy()


def header() -> list[str]:
    lines = [
        f"- Python {platform.python_version()}, numpy {np.__version__}, pandas "
        f"{pd.__version__}, {os.cpu_count()} CPUs ({platform.machine()})",
        f"- OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
        f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}",
    ]
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            lines.append(
                f"- threadpool: {pool.get('internal_api')} {pool.get('version') or ''} "
                f"{pool.get('architecture') or ''}, {pool.get('num_threads')} threads "
                f"({os.path.basename(pool.get('filepath', ''))})"
            )
    except ImportError:
        lines.append("- threadpoolctl not installed")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blas-threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.blas_threads):
        return run()


def run() -> int:
    print("# Exact Shapley (LMG) benchmark\n")
    print("\n".join(header()))
    print(
        "\nTime: best of repeats (wall clock). Peak memory: tracemalloc peak of one "
        "end-to-end call. Ratios: peer time / our end-to-end time.\n"
    )
    rows = []
    repeats = {8: 7, 12: 7, 15: 7, 20: 3}
    for p in (8, 12, 15, 20):
        frame = make_data(2000, p)
        result = run_ours(frame)
        end_to_end = best_time(lambda f=frame: run_ours(f), repeats[p])
        drivers = [c for c in frame.columns if c != "y"]
        corr = np.corrcoef(frame[[*drivers, "y"]].to_numpy().T)
        core = best_time(lambda c=corr: shapley_from_corr(c), repeats[p])
        memory = peak_mb(lambda f=frame: run_ours(f))
        ours = result.table.set_index("driver").loc[drivers, "importance"].to_numpy()
        peers = []
        if p <= 15:
            t_pg = best_time(lambda f=frame: pingouin_relimp(f), 1 if p == 15 else 2)
            diff = np.abs(pingouin_relimp(frame) - ours).max()
            peers.append(
                f"pingouin {fmt_time(t_pg)} (×{t_pg / end_to_end:,.0f}, max abs diff {diff:.0e})"
            )
        if p <= 12:
            start = time.perf_counter()
            naive = naive_statsmodels(frame)
            t_naive = time.perf_counter() - start
            diff = np.abs(naive - ours).max()
            peers.append(
                f"statsmodels per subset {fmt_time(t_naive)} (×{t_naive / end_to_end:,.0f}, "
                f"max abs diff {diff:.0e})"
            )
        rows.append(
            (
                f"exact Shapley, p={p}, n=2,000",
                fmt_time(end_to_end),
                fmt_time(core),
                f"{memory:.1f}",
                "; ".join(peers) or "-",
            )
        )
        print(f"  done p={p}", file=sys.stderr)

    frame = make_data(2000, 25)
    drivers = [c for c in frame.columns if c != "y"]
    start = time.perf_counter()
    result = run_ours(frame)
    t25 = time.perf_counter() - start
    corr = np.corrcoef(frame[[*drivers, "y"]].to_numpy().T)
    start = time.perf_counter()
    shapley_from_corr(corr)
    core25 = time.perf_counter() - start
    mem25 = peak_mb(lambda: run_ours(frame))
    check = abs(result.table["importance"].sum() - result.r2)
    rows.append(
        (
            "exact Shapley, p=25, n=2,000",
            fmt_time(t25),
            fmt_time(core25),
            f"{mem25:.1f}",
            f"Σ importance − R² = {check:.0e}",
        )
    )
    print("  done p=25", file=sys.stderr)

    frame = make_data(1_000_000, 15)
    t_big = best_time(lambda: run_ours(frame), 3)
    mem_big = peak_mb(lambda: run_ours(frame))
    data_mb = frame.memory_usage(deep=True).sum() / 2**20
    rows.append(
        (
            "exact Shapley, p=15, n=1,000,000",
            fmt_time(t_big),
            "-",
            f"{mem_big:.1f}",
            f"data frame itself {data_mb:.0f} MB",
        )
    )
    del frame
    print("  done n=1e6", file=sys.stderr)

    frame = make_data(2000, 12)
    t_boot = best_time(lambda: run_ours(frame, bootstrap=1000, seed=1), 2)
    mem_boot = peak_mb(lambda: run_ours(frame, bootstrap=1000, seed=1))
    rows.append(
        (
            "bootstrap B=1,000, p=12, n=2,000",
            fmt_time(t_boot),
            "-",
            f"{mem_boot:.1f}",
            "percentile CIs, rank CIs",
        )
    )
    print("  done bootstrap", file=sys.stderr)

    print("| case | end-to-end | core | peak MB | peers (same run) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("\nReference, not measured here (issue 3, same kind of 2-core machine):\n")
    print("| peer | time |")
    print("| --- | ---: |")
    for name, value in REFERENCE:
        print(f"| {name} | {value} |")
    try:
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"\nProcess high-water mark (ru_maxrss, whole run incl. the 1M-row frame): {rss:.0f} MB"
        )
    except ImportError:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

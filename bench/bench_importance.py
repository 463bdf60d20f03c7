"""Speed and truth of the importance features: forest, grouped Shapley, nps_gain, segments.

Run: ``python bench/bench_importance.py`` (add ``--truth 200`` for the truth simulation of
tests/test_truth.py and ``--null 80`` for the calibration of the wave-to-wave p-values).
Prints Markdown. Wall clock, best of a few repeats after one warm-up call (imports of
scikit-learn and statsmodels are not counted), 1 BLAS thread.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from threadpoolctl import threadpool_limits

import drivers.stats.importance as imp
from drivers import demo
from drivers.stats.gain import nps_gain
from drivers.stats.importance import key_drivers
from drivers.stats.segments import compare_segments
from drivers.stats.sensitivity import compare_importance, missing_sensitivity

ROOT = Path(__file__).resolve().parents[1]


def best(func, repeats: int = 3) -> float:
    func()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def forest_rows(survey) -> list[str]:
    from sklearn.ensemble import RandomForestRegressor

    def run(**kw):
        return key_drivers(survey, method="forest", progress=False, **kw)

    rows = []
    new = imp._forest
    old = lambda seed: RandomForestRegressor(  # noqa: E731 - the 100-tree forest before
        n_estimators=100, min_samples_leaf=5, random_state=seed, n_jobs=1
    )
    results = {}
    for name, factory in (
        ("100 trees, unlimited depth (before)", old),
        ("50 trees, depth ≤ 8", new),
    ):
        imp._forest = factory
        t0 = best(lambda: run(), 3)
        t20 = best(lambda: run(bootstrap=20), 1)
        results[name] = run().table.set_index("driver")["importance"]
        rows.append(f"| forest, {name}, demo 2024 (n=800, p=10) | {fmt(t0)} | {fmt(t20)} |")
    imp._forest = new
    a, b = results.values()
    rho = spearmanr(a, b.reindex(a.index))[0]
    rows.append(f"| Spearman of the two forests' importances | {rho:.3f} | |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--truth", type=int, default=0, help="waves of the truth simulation")
    parser.add_argument("--null", type=int, default=0, help="null pairs for p-value calibration")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    survey = demo.load(2024)
    print("| case | time | with bootstrap |")
    print("| --- | ---: | ---: |")
    for row in forest_rows(survey):
        print(row)
    for missing in ("listwise", "pairwise", "dummy"):
        t0 = best(lambda m=missing: key_drivers(survey, missing=m, progress=False), 5)
        t1 = best(
            lambda m=missing: key_drivers(survey, missing=m, bootstrap=1000, progress=False), 1
        )
        print(f"| shapley missing={missing!r}, demo 2024, B=1,000 | {fmt(t0)} | {fmt(t1)} |")
    t0 = best(lambda: nps_gain(survey, bootstrap=0), 3)
    t1 = best(lambda: nps_gain(survey, bootstrap=200), 1)
    print(f"| nps_gain, 10 touchpoints, B=200 | {fmt(t0)} | {fmt(t1)} |")
    t0 = best(lambda: missing_sensitivity(survey), 3)
    print(f"| missing_sensitivity, 4 options | {fmt(t0)} | - |")
    t1 = best(lambda: compare_segments(survey, "sector", bootstrap=500), 1)
    print(f"| compare_segments by sector (4 groups ≥ 30), B=500 | - | {fmt(t1)} |")

    sys.path.insert(0, str(ROOT / "tests"))
    if args.truth:
        from test_truth import match_rates, population_gain

        gain = population_gain().sort_values(ascending=False)
        print()
        print(
            "Population NPS gain of +0.5 grade: "
            + ", ".join(f"{k} {v:.2f}" for k, v in gain.items())
        )
        start = time.perf_counter()
        rates, truth = match_rates(args.truth)
        print(
            f"\nTruth simulation, {args.truth} waves of n = 500 ({fmt(time.perf_counter() - start)}):"
        )
        print("\n| order | matches the population's |\n| --- | ---: |")
        for name, rate in rates.items():
            print(f"| {name} | {rate:.1%} |")
    if args.null:
        from test_sensitivity import DRIVERS, quiet, wave

        ps = []
        for r in range(args.null):
            a = quiet(
                wave(400, [0.6, 0.3, 0.15, 0.05], 100 + r),
                outcome="ltr",
                drivers=DRIVERS,
                bootstrap=200,
                seed=2 * r,
            )
            b = quiet(
                wave(400, [0.6, 0.3, 0.15, 0.05], 500 + r),
                outcome="ltr",
                drivers=DRIVERS,
                bootstrap=200,
                seed=2 * r + 1,
            )
            ps.append(compare_importance(a, b)["p_value"].to_numpy())
        rate = (np.asarray(ps) < 0.05).mean(axis=0)
        print(
            f"\nNull calibration of compare_importance ({args.null} pairs of waves from one population, n = 400, B = 200):"
        )
        print(
            "share of p < 0.05 per touchpoint (true shares large to small): "
            + ", ".join(f"{x:.3f}" for x in rate)
        )


if __name__ == "__main__":
    with threadpool_limits(1):
        main()

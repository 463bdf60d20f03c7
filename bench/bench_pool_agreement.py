"""The figures behind the benchmark pool's claims: exactness, engine agreement, shrinkage.

    python bench/bench_pool_agreement.py            # pooled = concatenated, shrinkage (~1 min)
    python bench/bench_pool_agreement.py --spark    # and DuckDB against Spark local[2]

Three measurements, each printed with what the tests demand of it:

1. **Pooled equals concatenated.** 24 clients × 2 waves × 150 respondents (7,200 rows),
   unequal weights (×3 for half the clients, ×0.4 for the others) and one touchpoint left
   unanswered by every 7th respondent. Shapley on the pooled correlation matrix
   (:func:`drivers.stats.pool.pooled_corr`) against ``key_drivers`` on the concatenated
   rows (weighted, pairwise): the largest difference in importance and in R²
   (``tests/test_pool.py``: 1e-10).
2. **DuckDB against Spark** (``--spark``; needs Java 17+ and PySpark): the same query on
   12 clients × 2 waves × 250 rows with two segment columns and a rare segment value, every
   statistic compared row by row: largest absolute and relative difference, statistic rows,
   cells suppressed by each engine (``tests/test_pool_spark.py``: 1e-9).
3. **Shrinkage toward the norm.** 30 clients whose true correlations scatter around a
   norm (SD 0.04 per correlation) make the prior; then 100 new clients per wave size with
   a wave of n = 60 or 150. Mean squared error against the client's true Shapley values
   (sum over touchpoints of the R² parts), own matrix against shrunk matrix — the protocol
   and seed of ``tests/test_pool.py::test_shrinkage_of_a_small_wave_toward_the_norm_pays_off``
   — and the same through :func:`drivers.stats.pool.shrunk_importance` on shares.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from drivers.stats._shapley import shapley_from_corr
from drivers.stats.importance import key_drivers
from drivers.stats.pool import (
    NPS,
    Norms,
    aggregate,
    correlation_prior,
    pooled_corr,
    shrink_corr,
    shrunk_importance,
)
from drivers.workflow.pool import synthetic_respondents

TOUCHPOINTS = [
    "accountmanager",
    "levering",
    "facturatie",
    "klantenservice",
    "klachtafhandeling",
    "productkwaliteit",
    "prijs_kwaliteit",
]


def pooled_against_concatenated() -> list[tuple[str, str, str]]:
    rows = synthetic_respondents(n_clients=24, n_waves=2, n_per_wave=150, seed=3)
    data = rows.copy()
    data["weight"] = data["weight"] * np.where(data["client"] < "client_010", 3.0, 0.4)
    data.loc[data.index % 7 == 0, "facturatie"] = np.nan
    stats = aggregate(data, touchpoints=TOUCHPOINTS, privacy_floor=1)
    corr, _ = pooled_corr(stats.pairs[stats.pairs["segment"] == ""], [*TOUCHPOINTS, NPS])
    parts, r2 = shapley_from_corr(corr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = key_drivers(
            data,
            outcome="nps",
            drivers=TOUCHPOINTS,
            method="shapley",
            weights="weight",
            missing="pairwise",
        )
    want = direct.table.set_index("driver").loc[TOUCHPOINTS, "importance"].to_numpy()
    where = f"{len(data):,} rows, {data['client'].nunique()} clients, unequal weights, n.v.t."
    return [
        ("pooled = concatenated: importance", f"{np.abs(parts - want).max():.1e}", where),
        ("pooled = concatenated: R²", f"{abs(r2 - direct.r2):.1e}", "test threshold 1e-10"),
    ]


def duckdb_against_spark() -> list[tuple[str, str, str]]:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        rows = synthetic_respondents(n_clients=12, n_waves=2, n_per_wave=250, seed=11)
        rows.loc[rows.index % 97 == 0, "segment"] = "zeldzaam"
        records = rows.astype(object).where(rows.notna(), None).to_dict("records")
        options = {"touchpoints": TOUCHPOINTS, "segments": ["segment", "sector"]}
        duck = aggregate(rows, **options)
        spk = aggregate(spark.createDataFrame(records), engine="spark", **options)
    finally:
        spark.stop()
    keys = ["client", "wave", "segment", "segment_value"]
    worst_abs = worst_rel = 0.0
    count = 0
    for name, extra in (("groups", []), ("touchpoints", ["touchpoint"]), ("pairs", ["a", "b"])):
        a, b = getattr(duck, name), getattr(spk, name)
        both = a.merge(b, on=keys + extra, suffixes=("_d", "_s"), validate="1:1")
        if not len(both) == len(a) == len(b):
            raise SystemExit(
                f"{name}: {len(a)} DuckDB rows, {len(b)} Spark rows, {len(both)} shared"
            )
        count += len(a)
        for column in a.columns:
            if column in keys + extra or not len(both):
                continue
            x = both[f"{column}_d"].to_numpy(float)
            y = both[f"{column}_s"].to_numpy(float)
            worst_abs = max(worst_abs, float(np.nanmax(np.abs(x - y))))
            rel = np.abs(x - y) / np.maximum(np.abs(x), 1e-300)
            worst_rel = max(worst_rel, float(np.nanmax(rel)))
    suppressed = f"{duck.suppressed:,} suppressed cells (DuckDB), {spk.suppressed:,} (Spark)"
    return [
        ("DuckDB vs Spark: largest relative difference", f"{worst_rel:.1e}", f"{count:,} statistic rows"),
        ("DuckDB vs Spark: largest absolute difference", f"{worst_abs:.1e}", suppressed),
    ]  # fmt: skip


BASE = np.array(
    [
        [1.0, 0.45, 0.5, 0.4, 0.55],
        [0.45, 1.0, 0.4, 0.35, 0.4],
        [0.5, 0.4, 1.0, 0.45, 0.6],
        [0.4, 0.35, 0.45, 1.0, 0.5],
        [0.55, 0.4, 0.6, 0.5, 1.0],
    ]
)
NAMES = ["levering", "facturatie", "klantenservice", "productkwaliteit"]


def shrinkage(repeats: int) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(7)

    def client_truth() -> np.ndarray:
        noise = rng.normal(0, 0.04, BASE.shape)
        corr = BASE + (noise + noise.T) / 2
        np.fill_diagonal(corr, 1.0)
        return corr

    frames = []
    for k in range(30):
        x = rng.multivariate_normal(np.zeros(5), client_truth(), size=3000)
        frame = pd.DataFrame(x, columns=[*NAMES, "ltr"]).assign(nps=7, client=f"c{k}", wave="1")
        frames.append(frame)
    stats = aggregate(pd.concat(frames), touchpoints=[*NAMES, "ltr"])
    mean, tau2 = correlation_prior(stats.pairs, [*NAMES, "ltr"])
    out = []
    for n in (60, 150):  # the test's protocol: the matrices, R² parts
        own_error, shrunk_error = [], []
        for _ in range(repeats):
            truth = client_truth()
            want, _ = shapley_from_corr(truth)
            corr = np.corrcoef(rng.multivariate_normal(np.zeros(5), truth, size=n), rowvar=False)
            own, _ = shapley_from_corr(corr)
            shrunk, _ = shapley_from_corr(shrink_corr(corr, n, mean, tau2))
            own_error.append(((own - want) ** 2).sum())
            shrunk_error.append(((shrunk - want) ** 2).sum())
        out.append(
            (
                f"shrinkage n = {n}: error of Shapley (R² parts) vs truth",
                f"{np.mean(own_error):.5f} → {np.mean(shrunk_error):.5f}",
                f"own → shrunk, mean over {repeats} clients (ratio "
                f"{np.mean(shrunk_error) / np.mean(own_error):.2f})",
            )
        )
    variables = [*NAMES, NPS]
    i, j = np.triu_indices(5, 1)
    prior = pd.DataFrame(
        {
            "sector": "all",
            "a": [variables[k] for k in i],
            "b": [variables[k] for k in j],
            "r": mean[i, j],
            "tau2": tau2[i, j],
            "n_clients": 30,
            "n": 90_000,
        }
    )
    empty = pd.DataFrame(columns=["sector", "touchpoint", "n_clients", "suppressed"])
    norms = Norms(empty, empty, empty, empty, empty, correlations=prior)
    for n in (60, 150):  # the public function, on shares
        own_error, shrunk_error, weights = [], [], []
        for _ in range(repeats):
            truth = client_truth()
            parts, r2 = shapley_from_corr(truth)
            wave = pd.DataFrame(
                rng.multivariate_normal(np.zeros(5), truth, size=n), columns=[*NAMES, "ltr"]
            )
            table = shrunk_importance(wave, norms, outcome="ltr", drivers=NAMES)
            table = table.set_index("touchpoint").loc[NAMES]
            own_error.append(((table["own_share"] - parts / r2) ** 2).sum())
            shrunk_error.append(((table["shrunk_share"] - parts / r2) ** 2).sum())
            weights.append(table["weight"].mean())
        out.append(
            (
                f"shrunk_importance n = {n}: error of shares vs truth",
                f"{np.mean(own_error):.5f} → {np.mean(shrunk_error):.5f}",
                f"own → shrunk (ratio {np.mean(shrunk_error) / np.mean(own_error):.2f}); "
                f"mean weight toward the norm {np.mean(weights):.2f}",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spark", action="store_true", help="also DuckDB against Spark")
    parser.add_argument("--repeats", type=int, default=100, help="simulated clients per n")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = pooled_against_concatenated()
    if args.spark:
        rows += duckdb_against_spark()
    rows += shrinkage(args.repeats)
    print(f"# bench_pool_agreement ({sys.platform}, load {os.getloadavg()[0]:.1f})\n")
    print("| measure | value | notes |\n| --- | ---: | --- |")
    for measure, value, notes in rows:
        print(f"| {measure} | {value} | {notes} |")
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

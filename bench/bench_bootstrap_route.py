"""Bootstrap routes of ``key_drivers``: interval quality at p = 15, speed at p = 20..30 and n = 10^6.

Run: ``python bench/bench_bootstrap_route.py`` (about 3 minutes on a 2-core machine, most
of it in the exact Shapley point estimates at p = 30; ``--skip-30`` leaves those out).
Prints Markdown; the figures in ``bench/README.md`` come from it.

1. **Route check, p = 15 and 20** (exact bootstraps are affordable there): the same resamples
   (same seed) through the exact route and through the sampled-order route that
   ``key_drivers`` uses above ``EXACT_BOOTSTRAP_MAX_DRIVERS``; also relative weights shifted
   to the exact point (the cheaper alternative that was considered) and the exact route
   with another seed (how much the intervals move by bootstrap noise alone).
2. **Coverage, p = 15**: data drawn from a population whose Shapley values are known;
   how often each route's 95% interval holds the true value, and how wide it is.
3. **Speed, p = 20, 25, 30** at n = 1,500 with the default bootstrap (500), and
   ``bootstrap=200`` at p = 30. "Before" is one exact fit per resample, extrapolated from
   measured per-resample times (running it would take hours at p = 30).
4. **Batched correlation matrices**: the resample matrices one at a time (as before) and
   as one product with the moment basis.
5. **n = 1,000,000, p = 15**, default bootstrap: time and peak memory (tracemalloc).
6. ``method="logit"``, ``bootstrap=200``, p = 15, n = 2,000.

Timings are wall clock with 1 BLAS thread; the machine is shared, so single figures move.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from bench_shapley import header, make_data  # noqa: E402

import drivers.stats.importance as imp  # noqa: E402
from drivers.stats._shapley import shapley_batch, shapley_from_corr  # noqa: E402


def quiet_key_drivers(frame: pd.DataFrame, **options):
    drivers = [c for c in frame.columns if c != "y"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return imp.key_drivers(frame, outcome="y", drivers=drivers, progress=False, **options)


def timed(func):
    start = time.perf_counter()
    out = func()
    return time.perf_counter() - start, out


def fmt(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 600:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:,.0f} min"


def with_threshold(threshold: int, frame: pd.DataFrame, **options):
    saved = imp.EXACT_BOOTSTRAP_MAX_DRIVERS
    imp.EXACT_BOOTSTRAP_MAX_DRIVERS = threshold
    try:
        return quiet_key_drivers(frame, **options)
    finally:
        imp.EXACT_BOOTSTRAP_MAX_DRIVERS = saved


def sampled_route(frame: pd.DataFrame, **options):
    """key_drivers with the sampled-order route forced."""
    return with_threshold(0, frame, **options)


def exact_route(frame: pd.DataFrame, **options):
    """key_drivers with exact Shapley on every resample forced."""
    return with_threshold(99, frame, **options)


def by_driver(result, column: str) -> np.ndarray:
    return result.table.set_index("driver").loc[list(result.columns), column].to_numpy()


def interval_agreement(reference, other_low, other_high, other_rank=None) -> dict[str, float]:
    low, high = by_driver(reference, "ci_low"), by_driver(reference, "ci_high")
    width = high - low
    error = np.maximum(np.abs(other_low - low), np.abs(other_high - high)) / width
    point = by_driver(reference, "importance")
    out = {
        "endpoint error / exact width, mean": error.mean(),
        "endpoint error / exact width, max": error.max(),
        "width / exact width, median": np.median((other_high - other_low) / width),
        "intervals holding the exact point": np.mean((other_low <= point) & (point <= other_high)),
    }
    if other_rank is not None:
        ranks = np.column_stack(
            [by_driver(reference, "rank_ci_low"), by_driver(reference, "rank_ci_high")]
        )
        out["rank intervals identical"] = np.mean((ranks == other_rank).all(axis=1))
    return out


def route_check(n: int = 1500, p: int = 15, B: int = 500, side_by_side: bool = True) -> list[str]:
    frame = make_data(n, p, seed=11)
    exact = exact_route(frame, bootstrap=B, seed=1)
    route = sampled_route(frame, bootstrap=B, seed=1)
    again = exact_route(frame, bootstrap=B, seed=2)
    # Relative weights on the same resamples, shifted to the exact point estimate.
    rw = quiet_key_drivers(frame, method="relative_weights", bootstrap=B, seed=1)
    rw_draws = rw.draws - by_driver(rw, "importance") + by_driver(exact, "importance")
    rw_low, rw_high = imp._percentile(rw_draws, 0.95)
    rw_rank = imp._ordinal_ranks(rw_draws)
    rw_rank_ci = np.column_stack(
        [
            np.quantile(rw_rank, q, axis=0, method=m)
            for q, m in ((0.025, "lower"), (0.975, "higher"))
        ]
    )

    def rank_ci(result):
        return np.column_stack(
            [by_driver(result, "rank_ci_low"), by_driver(result, "rank_ci_high")]
        )

    rows = {
        f"sampled orders (M = {imp.BOOTSTRAP_ORDERS}), the route": interval_agreement(
            exact, by_driver(route, "ci_low"), by_driver(route, "ci_high"), rank_ci(route)
        ),
        "relative weights shifted to the exact point": interval_agreement(
            exact, rw_low, rw_high, rw_rank_ci
        ),
        "exact, another seed (bootstrap noise alone)": interval_agreement(
            exact, by_driver(again, "ci_low"), by_driver(again, "ci_high"), rank_ci(again)
        ),
    }
    draw_corr = np.mean([np.corrcoef(route.draws[:, j], exact.draws[:, j])[0, 1] for j in range(p)])
    rw_corr = np.mean([np.corrcoef(rw_draws[:, j], exact.draws[:, j])[0, 1] for j in range(p)])
    lines = [
        f"\n### 1. Route check: p = {p}, n = {n:,}, B = {B}, same resamples (seed 1)\n",
        "| against the exact bootstrap | " + " | ".join(next(iter(rows.values()))) + " |",
        "| --- |" + " ---: |" * len(next(iter(rows.values()))),
    ]
    for name, values in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values.values()) + " |")
    lines.append(
        f"\nCorrelation of a driver's draws with its exact draws, mean over drivers: sampled "
        f"orders {draw_corr:.4f}, relative weights {rw_corr:.4f}.\n"
    )
    table = pd.DataFrame(
        {
            "driver": list(exact.columns),
            "point": by_driver(exact, "importance"),
            "exact CI": [
                f"{a:.4f}–{b:.4f}"
                for a, b in zip(
                    by_driver(exact, "ci_low"), by_driver(exact, "ci_high"), strict=True
                )
            ],
            "route CI": [
                f"{a:.4f}–{b:.4f}"
                for a, b in zip(
                    by_driver(route, "ci_low"), by_driver(route, "ci_high"), strict=True
                )
            ],
            "exact rank CI": [f"{a}–{b}" for a, b in rank_ci(exact)],
            "route rank CI": [f"{a}–{b}" for a, b in rank_ci(route)],
        }
    )
    if not side_by_side:
        return lines
    lines.append("Side by side (drivers in input order):\n")
    lines.append("| " + " | ".join(table.columns) + " |")
    lines.append("| --- |" + " ---: |" * (len(table.columns) - 1))
    for row in table.itertuples(index=False):
        lines.append(f"| {row[0]} | {row[1]:.4f} | " + " | ".join(row[2:]) + " |")
    return lines


def population(p: int, rng: np.random.Generator):
    """Drivers with a common factor and uneven effects; the population correlation matrix."""
    loading = rng.uniform(0.3, 0.8, p)
    beta = np.sort(rng.uniform(0.0, 1.0, p))[::-1]
    cov_x = np.outer(loading, loading) + np.eye(p)
    cov_xy = cov_x @ beta
    var_y = beta @ cov_x @ beta + 4.0
    cov = np.block([[cov_x, cov_xy[:, None]], [cov_xy[None, :], np.array([[var_y]])]])
    sd = np.sqrt(np.diag(cov))
    return loading, beta, cov / np.outer(sd, sd)


def coverage(n: int = 1500, p: int = 15, B: int = 200, datasets: int = 20) -> list[str]:
    rng = np.random.default_rng(2026)
    loading, beta, corr = population(p, rng)
    truth = shapley_from_corr(corr)[0]
    hits = {"exact": [], "route": []}
    widths = {"exact": [], "route": []}
    for k in range(datasets):
        factor = rng.normal(size=(n, 1))
        X = factor * loading + rng.normal(size=(n, p))
        frame = pd.DataFrame(X, columns=[f"x{j:02d}" for j in range(p)])
        frame["y"] = X @ beta + rng.normal(scale=2.0, size=n)
        for name, run in (("exact", exact_route), ("route", sampled_route)):
            result = run(frame, bootstrap=B, seed=k)
            low, high = by_driver(result, "ci_low"), by_driver(result, "ci_high")
            hits[name].append((low <= truth) & (truth <= high))
            widths[name].append(high - low)
    lines = [
        f"\n### 2. Coverage of the true Shapley values: p = {p}, n = {n:,}, B = {B}, "
        f"{datasets} data sets x {p} drivers, nominal 95%\n",
        "| route | coverage | mean width |",
        "| --- | ---: | ---: |",
    ]
    for name in hits:
        lines.append(f"| {name} | {np.mean(hits[name]):.3f} | {np.mean(widths[name]):.4f} |")
    return lines


def exact_per_resample_seconds(frame: pd.DataFrame) -> float:
    """Seconds of one exact resample fit before this change (correlation + exact core)."""
    design = imp._prepare(
        frame, "y", [c for c in frame.columns if c != "y"], None, "listwise", None, None
    )
    rng = np.random.default_rng(0)
    corr = imp._design_corr(design, imp._resample_weights(rng, design.n) * design.w)
    seconds, _ = timed(lambda: shapley_batch(corr[None]))
    if design.p <= 20:  # cheap enough to average a few
        seconds, _ = timed(lambda: [shapley_batch(corr[None]) for _ in range(5)])
        seconds /= 5
    return seconds


def speed(cases: dict[int, tuple[int, ...]], n: int = 1500) -> list[str]:
    lines = [
        f"\n### 3. Speed: shapley, n = {n:,}, 1 BLAS thread\n",
        "Point estimate: key_drivers without bootstrap; bootstrap: the bootstrap step alone "
        "(same call key_drivers makes); end-to-end: key_drivers with the bootstrap, timed "
        "separately (so the three need not add up on a shared machine).\n",
        "| case | route | point estimate | bootstrap | end-to-end | before (exact per resample) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for p, boots in cases.items():
        frame = make_data(n, p)
        drivers = [c for c in frame.columns if c != "y"]
        t_point, point = timed(lambda f=frame: quiet_key_drivers(f))
        design = imp._prepare(frame, "y", drivers, None, "listwise", None, None)
        corr = imp._point_corr(design)
        values = point.table.set_index("driver").loc[drivers, "importance"].to_numpy()
        per = exact_per_resample_seconds(frame) if p < 30 else t_point
        route = "sampled orders" if p > imp.EXACT_BOOTSTRAP_MAX_DRIVERS else "exact"
        for B in boots:
            t_boot, _ = timed(
                lambda d=design, b=B, c=corr, v=values: imp._bootstrap(
                    d, "shapley", b, 1, False, corr=c, point=v
                )
            )
            t_all, _ = timed(lambda f=frame, b=B: quiet_key_drivers(f, bootstrap=b, seed=1))
            lines.append(
                f"| p = {p}, bootstrap = {B} | {route} | {fmt(t_point)} | {fmt(t_boot)} | "
                f"{fmt(t_all)} | ~{fmt(t_point + B * per)} |"
            )
            print(f"  done p={p} B={B}", file=sys.stderr)
    return lines


def batched_corr(n: int = 1500, B: int = 500) -> list[str]:
    lines = [
        f"\n### 4. Resample correlation matrices, n = {n:,}, B = {B}\n",
        "| p | one at a time (before) | batched (moment basis) | max abs difference |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for p in (15, 30):
        frame = make_data(n, p)
        design = imp._prepare(
            frame, "y", [c for c in frame.columns if c != "y"], None, "listwise", None, None
        )
        rng = np.random.default_rng(1)
        counts = np.stack([imp._resample_weights(rng, design.n) for _ in range(B)])
        t_old, old = timed(
            lambda d=design, cs=counts: np.stack([imp._design_corr(d, c * d.w) for c in cs])
        )

        def batched(design=design, counts=counts):
            moments = imp._Moments(design)
            return np.concatenate(
                [
                    moments.corr(moments.sums(counts[s : s + imp._BOOT_CHUNK]))
                    for s in range(0, B, imp._BOOT_CHUNK)
                ]
            )

        t_new, new = timed(batched)
        lines.append(f"| {p} | {fmt(t_old)} | {fmt(t_new)} | {np.abs(old - new).max():.0e} |")
    return lines


def large_wave(n: int = 1_000_000, p: int = 15, B: int = 500) -> list[str]:
    frame = make_data(n, p)
    design = imp._prepare(
        frame, "y", [c for c in frame.columns if c != "y"], None, "listwise", None, None
    )
    rng = np.random.default_rng(0)

    def old_resample():
        corr = imp._design_corr(design, imp._resample_weights(rng, design.n) * design.w)
        return shapley_batch(corr[None])

    t_old, _ = timed(lambda: [old_resample() for _ in range(5)])
    t_point, _ = timed(lambda: quiet_key_drivers(frame))
    tracemalloc.start()
    t_all, result = timed(lambda: quiet_key_drivers(frame, bootstrap=B, seed=1))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    data_mb = frame.memory_usage(deep=True).sum() / 2**20
    note = [n for n in result.diagnostics.notes if n.startswith("bootstrap")][0]
    return [
        f"\n### 5. Large wave: shapley, n = {n:,}, p = {p}, bootstrap = {B}\n",
        "| | time | peak memory (tracemalloc) |",
        "| --- | ---: | ---: |",
        f"| point estimate only | {fmt(t_point)} | |",
        f"| with bootstrap (after) | {fmt(t_all)} | {peak / 2**20:,.0f} MB |",
        f"| before: one resample at a time (5 timed, x {B / 5:.0f}) | ~{fmt(t_point + t_old / 5 * B)} | |",
        f"\nData frame itself: {data_mb:.0f} MB. Route note: _{note}_",
    ]


def logit(n: int = 2000, p: int = 15, B: int = 200) -> list[str]:
    frame = make_data(n, p)
    frame["y"] = np.clip(
        np.round(5 + (frame["y"] - frame["y"].mean()) / frame["y"].std() * 2.5), 0, 10
    )
    quiet_key_drivers(frame.iloc[:300], method="logit")  # imports statsmodels once
    t_point, _ = timed(lambda: quiet_key_drivers(frame, method="logit"))
    t_all, _ = timed(lambda: quiet_key_drivers(frame, method="logit", bootstrap=B, seed=1))
    return [
        f"\n### 6. logit, n = {n:,}, p = {p}, bootstrap = {B}\n",
        f"Point estimate {fmt(t_point)}; with bootstrap {fmt(t_all)} (target ≤ 1 s).",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-30", action="store_true", help="leave out p = 30 (three ~30 s point fits)"
    )
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    cases = {20: (500,), 25: (500,)} | ({} if args.skip_30 else {30: (500, 200)})
    with threadpool_limits(limits=1):
        print("# Bootstrap routes of key_drivers\n")
        print("\n".join(header()) + "\n")
        for section in (
            route_check,
            lambda: route_check(p=20, B=200, side_by_side=False),
            coverage,
            lambda: speed(cases),
            batched_corr,
            large_wave,
            logit,
        ):
            print("\n".join(section()), flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nProcess high-water mark (ru_maxrss, whole run incl. the 1M-row frame): {rss:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Pooling 10 million respondent rows into the benchmark store: DuckDB, and Spark beside it.

    python bench/bench_pool.py                 # 200 clients x 5 waves x 10,000 rows
    python bench/bench_pool.py --clients 20    # a quick run
    python bench/bench_pool.py --no-spark

The rows are generated once by DuckDB into a parquet file (not timed): client, wave,
a customer-size segment, the NPS (0-10), 10 touchpoint grades (1-10, ~5% n.v.t.,
complaint handling answered by ~30%) and a weight. Then, timed (wall clock, one run
each, 2 threads):

- **DuckDB**: ``aggregate("rows.parquet")`` -> sufficient statistics per client x wave x
  segment value, suppression, and ``Store.add`` into a fresh store file;
- **Spark local[2]**: ``aggregate(spark.read.parquet(...), engine="spark")`` (session
  start timed apart), the same query text;
- **norms**: ``dr.norms(store)`` over the 200 clients (``--repeat`` times, best shown).

It prints a Markdown table for bench/README.md. Never a timed assertion in the tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from drivers.stats.pool import aggregate
from drivers.workflow.pool import Store, norms

TOUCHPOINTS = [
    "accountmanager",
    "offerte",
    "orderverwerking",
    "webshop",
    "levering",
    "facturatie",
    "klantenservice",
    "klachtafhandeling",
    "productkwaliteit",
    "prijs_kwaliteit",
]
SECTORS = ["groothandel", "industrie", "ict", "transport", "facilitair"]


def generate(path: Path, clients: int, waves: int, per_wave: int) -> int:
    """Write the respondent rows to ``path`` (parquet) with DuckDB; returns the row count."""
    n = clients * waves * per_wave
    grades = []
    for i, name in enumerate(TOUCHPOINTS):
        answered = "0.3" if name == "klachtafhandeling" else "0.95"
        grades.append(
            f"CASE WHEN hash(i, {i}, 'a') % 1000 < {answered} * 1000 THEN "
            f"least(10, greatest(1, round(7 + lvl + common + (hash(i, {i}) % 1000) / 400.0 - 1.25)))"
            f" END AS {name}"
        )
    sql = f"""
    COPY (
      WITH base AS (
        SELECT i,
               i // ({waves} * {per_wave}) AS c,
               (i // {per_wave}) % {waves} AS wv,
               ((hash(i // ({waves} * {per_wave}), 'lvl') % 1000) / 1000.0 - 0.5) AS lvl,
               ((hash(i, 'common') % 1000) / 500.0 - 1.0) AS common
        FROM range({n}) t(i)
      ), graded AS (
        SELECT i, c, wv, lvl, common, {", ".join(grades)} FROM base
      )
      SELECT printf('client_%03d', c) AS client,
             CAST(2020 + wv AS VARCHAR) AS wave,
             ['klein', 'middel', 'groot'][1 + CAST(hash(i, 'seg') % 3 AS BIGINT)] AS segment,
             least(10, greatest(0, round(7.5 + 1.5 * (lvl + common) + (hash(i, 'e') % 1000) / 300.0 - 1.66))) AS nps,
             {", ".join(TOUCHPOINTS)},
             0.5 + (hash(i, 'w') % 1000) / 1000.0 AS weight
      FROM graded
    ) TO '{path}' (FORMAT parquet)
    """
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(sql)
    return n


def fmt_seconds(s: float) -> str:
    return f"{s:.2f} s" if s >= 1 else f"{1000 * s:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--waves", type=int, default=5)
    parser.add_argument("--per-wave", type=int, default=10_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--repeat", type=int, default=5, help="norms repeats")
    parser.add_argument("--keep", help="folder to keep the parquet and store in")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse rows.parquet in --keep (same sizes)"
    )
    args = parser.parse_args(argv)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench_pool_"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "rows.parquet"
    t = time.perf_counter()
    if args.reuse and data.exists():
        n = duckdb.sql(f"SELECT count(*) FROM '{data}'").fetchall()[0][0]
    else:
        n = generate(data, args.clients, args.waves, args.per_wave)
    generated = time.perf_counter() - t
    load_before = os.getloadavg()[0]
    sectors = {f"client_{c:03d}": SECTORS[c % len(SECTORS)] for c in range(args.clients)}
    results: list[tuple[str, str, str]] = []

    store_path = folder / "store.duckdb"
    if store_path.exists():
        store_path.unlink()
    t = time.perf_counter()
    stats = aggregate(data, touchpoints=TOUCHPOINTS, segments=["segment"])
    aggregated = time.perf_counter() - t
    years = {
        (c, w): int(w) for c, w in zip(stats.groups["client"], stats.groups["wave"], strict=True)
    }
    t = time.perf_counter()
    with Store(store_path) as store:
        store.add(stats, sector=sectors, year=years)
    stored = time.perf_counter() - t
    size_mb = store_path.stat().st_size / 1e6
    results.append(
        (
            f"DuckDB: aggregate {n:,} rows + store",
            fmt_seconds(aggregated + stored),
            f"aggregate {fmt_seconds(aggregated)}, store {fmt_seconds(stored)}; "
            f"{len(stats.groups):,} groups, {len(stats.pairs):,} pair rows; store file {size_mb:.1f} MB",
        )
    )

    best = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        result = norms(store_path)
        best = min(best, time.perf_counter() - t)
    scopes = len(result.nps[result.nps["origin"] == "store"])
    results.append(
        (
            f"norms from the store ({args.clients} clients)",
            fmt_seconds(best),
            f"best of {args.repeat}; {scopes} scopes (all + sectors), importance per scope",
        )
    )

    if not args.no_spark:
        from pyspark.sql import SparkSession

        t = time.perf_counter()
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "4g")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        started = time.perf_counter() - t
        t = time.perf_counter()
        frame = spark.read.parquet(str(data))
        spark_stats = aggregate(
            frame, touchpoints=TOUCHPOINTS, segments=["segment"], engine="spark"
        )
        spark_time = time.perf_counter() - t
        spark.stop()
        same = len(spark_stats.groups) == len(stats.groups)
        results.append(
            (
                f"Spark local[2]: aggregate {n:,} rows",
                fmt_seconds(spark_time),
                f"session start {fmt_seconds(started)} apart; same groups: {same}",
            )
        )

    print(
        f"- Python {platform.python_version()}, duckdb {duckdb.__version__}, {os.cpu_count()} CPUs"
    )
    print(f"- rows generated by DuckDB into parquet in {fmt_seconds(generated)} (not timed below)")
    print(
        f"- load average (1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} "
        "(2 cores: above 2 the machine was shared)\n"
    )
    print("| case | time | notes |")
    print("| --- | ---: | --- |")
    for case, when, notes in results:
        print(f"| {case} | {when} | {notes} |")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

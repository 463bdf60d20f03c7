"""The same aggregation on Spark (local[2]) as on DuckDB: the statistics agree to 1e-9.

One Spark session for the module, stopped at the end. Skipped without pyspark or Java.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from drivers.stats.pool import aggregate
from drivers.workflow import pool
from drivers.workflow.pool import Store, synthetic_respondents

pyspark = pytest.importorskip("pyspark")
# pyspark 4.x has not caught up with pandas 3 in its warnings; the numbers are checked here.
pytestmark = [
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
if shutil.which("java") is None:  # pragma: no cover - depends on the machine
    pytest.skip("Spark needs Java", allow_module_level=True)

TOUCHPOINTS = [
    "accountmanager",
    "levering",
    "facturatie",
    "klantenservice",
    "klachtafhandeling",
    "productkwaliteit",
    "prijs_kwaliteit",
]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("drivers-pool-test")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    data = synthetic_respondents(n_clients=12, n_waves=2, n_per_wave=250, seed=11)
    # A few tiny segment values, so that suppression has work to do on both engines.
    data.loc[data.index % 97 == 0, "segment"] = "zeldzaam"
    return data


def _spark_frame(spark, rows: pd.DataFrame):
    # NULL for a missing grade, as a Spark table from a warehouse would have it.
    records = rows.astype(object).where(rows.notna(), None)
    return spark.createDataFrame(records.to_dict("records"))


def _compare(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    assert len(left) == len(right) > 0
    merged = left.merge(right, on=keys, suffixes=("_duckdb", "_spark"), validate="1:1")
    assert len(merged) == len(left)
    for column in left.columns:
        if column in keys:
            continue
        a = merged[f"{column}_duckdb"].to_numpy(dtype=float)
        b = merged[f"{column}_spark"].to_numpy(dtype=float)
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-9, err_msg=column)


def test_duckdb_and_spark_give_the_same_statistics(spark, rows):
    duck = aggregate(rows, touchpoints=TOUCHPOINTS, segments=["segment", "sector"])
    sprk = aggregate(
        _spark_frame(spark, rows),
        touchpoints=TOUCHPOINTS,
        segments=["segment", "sector"],
        engine="spark",
    )
    assert sprk.engine == "spark"
    assert duck.suppressed == sprk.suppressed > 0
    keys = ["client", "wave", "segment", "segment_value"]
    _compare(duck.groups, sprk.groups, keys)
    _compare(duck.touchpoints, sprk.touchpoints, [*keys, "touchpoint"])
    _compare(duck.pairs, sprk.pairs, [*keys, "a", "b"])


def test_spark_nan_counts_as_missing(spark, rows):
    part = rows[rows["client"] == "client_000"]
    from_pandas = aggregate(spark.createDataFrame(part), touchpoints=TOUCHPOINTS, engine="spark")
    duck = aggregate(part, touchpoints=TOUCHPOINTS)
    _compare(
        duck.touchpoints,
        from_pandas.touchpoints,
        ["client", "wave", "segment", "segment_value", "touchpoint"],
    )


def test_pool_add_with_the_spark_engine(spark, tmp_path):
    from drivers import demo

    path = tmp_path / "store.duckdb"
    pool.add_client(demo.client_config(), store=path, engine="spark")
    pool.add_client(demo.client_config(), store=tmp_path / "duck.duckdb")
    with Store(path, read_only=True) as a, Store(tmp_path / "duck.duckdb", read_only=True) as b:
        assert a.list()["engine"].tolist() == ["spark"]
        keys = ["client", "wave", "segment", "segment_value"]
        _compare(b.table("groups"), a.table("groups"), keys)
        _compare(b.table("pairs"), a.table("pairs"), [*keys, "a", "b"])

"""Pooling survey waves of many clients into sufficient statistics, and sector norms.

A benchmark across clients never needs respondent rows: every norm the toolkit shows
(pooled NPS with its interval, mean grades, top performers, best in class, importance)
follows from a few sums per client × wave × segment. :func:`aggregate` computes them
with one SQL query, written once and run by DuckDB (default) or by Spark; the store in
:mod:`drivers.workflow.pool` keeps them; :func:`compute_norms` turns them into norms.

The sufficient statistics of one group (client, wave, segment value)
---------------------------------------------------------------------
* ``groups``: respondents ``n``, NPS answers ``n_nps``, their weight ``w`` and ``w2``
  (Σw², for Kish's effective n), and per NPS score k = 0..10 the unweighted count
  ``n_k`` and weighted count ``w_k``.
* ``touchpoints``: per touchpoint the answers ``n``, ``w``, ``w2``, ``sum`` (Σw·x) and
  ``sumsq`` (Σw·x²).
* ``pairs``: per pair of variables (the NPS is ``"nps"``) over the rows that answered
  both: ``n``, ``w``, ``sum_a``, ``sum_b``, ``sumsq_a``, ``sumsq_b``, ``sum_ab``.

Sums add across groups, so the pooled weighted, pairwise-complete correlation matrix of
any set of clients is exact: the same numbers as the correlation of their concatenated
rows (``key_drivers(..., missing="pairwise")``), and so is the Shapley importance
computed from it.

Privacy
-------
:func:`suppress_stats` drops every cell that rests on fewer respondents than the
privacy floor, and secondary cells where needed, so that no dropped cell can be
recovered by subtracting the visible segment values from the wave total.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"client": "a", "wave": "2024", "nps": [9, 10, 6, 8, 9, 3],
...                      "levering": [8, 9, 5, 7, 8, 4]})
>>> stats = aggregate(rows)
>>> stats.groups[["client", "wave", "n", "n_9", "w_9"]].to_dict("records")
[{'client': 'a', 'wave': '2024', 'n': 6, 'n_9': 2, 'w_9': 2.0}]
"""

from __future__ import annotations

import math
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as _scipy_stats

from drivers.errors import ColumnNotFoundError, DataError, ParameterError, SpecError, check_option
from drivers.stats._shapley import shapley_from_corr
from drivers.stats._summary import Summarised, SummaryParts, read_only
from drivers.stats.benchmark import benchmark as _seed_benchmark
from drivers.stats.nps import _wald_ci

__all__ = [
    "ENGINES",
    "MIN_CLIENTS",
    "SCORES",
    "ClientVsNorm",
    "Norms",
    "PoolStats",
    "aggregate",
    "aggregation_sql",
    "compare_to_norm",
    "compute_norms",
    "correlation_prior",
    "shrink_corr",
    "shrunk_importance",
    "SHRINK_BELOW",
    "empty_stats",
    "pooled_corr",
    "standard_touchpoints",
    "standardise",
    "suppress_stats",
    "taxonomy",
]

ENGINES = ("duckdb", "spark")
Engine = Literal["duckdb", "spark"]
#: NPS answers 0..10.
SCORES = tuple(range(11))
#: A norm resting on fewer clients than this is suppressed.
MIN_CLIENTS = 5
#: The NPS in pair names.
NPS = "nps"
#: Segment value of the wave total; missing segment values become NONE.
TOTAL = ""
NONE = "(none)"

_KEYS = ["client", "wave", "segment", "segment_value"]
_GROUP_COLUMNS = [
    *_KEYS,
    "n",
    "n_nps",
    "w",
    "w2",
    *[f"n_{k}" for k in SCORES],
    *[f"w_{k}" for k in SCORES],
]
_TOUCHPOINT_COLUMNS = [*_KEYS, "touchpoint", "n", "w", "w2", "sum", "sumsq"]
_PAIR_COLUMNS = [*_KEYS, "a", "b", "n", "w", "sum_a", "sum_b", "sumsq_a", "sumsq_b", "sum_ab"]
_PRIOR_COLUMNS = ["sector", "a", "b", "r", "tau2", "n_clients", "n"]


# --------------------------------------------------------------------------- taxonomy


def _normal(key: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]+", "_", str(key).strip().lower()).strip("_")


@lru_cache(maxsize=1)
def _taxonomy() -> dict[str, dict[str, Any]]:
    path = files("drivers") / "data" / "taxonomy.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k): dict(v) for k, v in raw["touchpoints"].items()}


def taxonomy() -> pd.DataFrame:
    """The standard touchpoints: ``touchpoint``, ``nl``, ``en``, ``phase``, ``synonyms``.

    Examples
    --------
    >>> "klachtafhandeling" in taxonomy()["touchpoint"].tolist()
    True
    """
    rows = [
        {
            "touchpoint": key,
            "nl": item.get("nl", key),
            "en": item.get("en", key),
            "phase": item.get("phase", ""),
            "synonyms": tuple(item.get("synonyms", ())),
        }
        for key, item in _taxonomy().items()
    ]
    return pd.DataFrame(rows)


def standard_touchpoints() -> tuple[str, ...]:
    """Keys of the standard touchpoints, in taxonomy order."""
    return tuple(_taxonomy())


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, item in _taxonomy().items():
        out[_normal(key)] = key
        for synonym in item.get("synonyms", ()):
            out[_normal(synonym)] = key
    return out


def standardise(
    keys: Iterable[str], mapping: Mapping[str, str] | None = None, *, source: str = "the survey"
) -> dict[str, str | None]:
    """Map a client's touchpoint keys to standard touchpoints.

    Parameters
    ----------
    keys : iterable of str
        The client's touchpoint keys (column names).
    mapping : dict, optional
        The client's own mapping ``{client_key: standard}`` (``taxonomy`` in its
        survey.toml); it goes before the synonyms of the taxonomy. A value of ``""``
        keeps that touchpoint client-only.
    source : str
        Named in error messages (e.g. the survey.toml path).

    Returns
    -------
    dict
        Client key -> standard touchpoint, or None for a client-only touchpoint.

    Raises
    ------
    drivers.errors.SpecError
        The mapping names an unknown standard touchpoint or a key the client does not
        have, or two of the client's touchpoints map to one standard touchpoint.

    Examples
    --------
    >>> standardise(["Klachten", "levering", "duurzaamheid"])
    {'Klachten': 'klachtafhandeling', 'levering': 'levering', 'duurzaamheid': None}
    """
    keys = [str(k) for k in keys]
    mapping = dict(mapping or {})
    known = standard_touchpoints()
    unknown_keys = sorted(set(mapping) - set(keys))
    if unknown_keys:
        raise SpecError(
            f"{source}: the taxonomy maps {', '.join(map(repr, unknown_keys))}, which "
            f"is not a touchpoint of the survey (touchpoints: {', '.join(keys)})."
        )
    for client_key, standard in mapping.items():
        if standard and standard not in known:
            from drivers.errors import closest

            hint = closest(str(standard), known)
            more = f" Did you mean {hint!r}?" if hint else ""
            raise SpecError(
                f"{source}: taxonomy maps {client_key!r} to {standard!r}, which is not a "
                f"standard touchpoint (see drivers/data/taxonomy.toml).{more}"
            )
    synonyms = _synonyms()
    out: dict[str, str | None] = {}
    for key in keys:
        if key in mapping:
            out[key] = mapping[key] or None
        else:
            out[key] = synonyms.get(_normal(key))
    merged: dict[str, list[str]] = {}
    for key, standard in out.items():
        if standard is not None:
            merged.setdefault(standard, []).append(key)
    doubles = {s: ks for s, ks in merged.items() if len(ks) > 1}
    if doubles:
        said = "; ".join(f"{', '.join(map(repr, ks))} -> {s!r}" for s, ks in doubles.items())
        raise SpecError(
            f"{source}: the taxonomy merges touchpoints of one client: {said}. Each "
            "standard touchpoint takes at most one of the client's touchpoints; map the "
            'others elsewhere or keep them client-only with taxonomy = { key = "" }.'
        )
    return out


# --------------------------------------------------------------------------- aggregation


def aggregation_sql(n_touchpoints: int, n_segments: int = 0, *, source: str = "respondents") -> str:
    """The aggregation query, the same text for DuckDB and Spark SQL.

    It reads ``source`` with the columns ``client``, ``wave``, ``s0..`` (segments),
    ``y`` (NPS 0-10), ``x0..`` (touchpoint grades) and ``wt`` (weight); NULL is "not
    answered". One output row per client × wave (``segment = ''``) and per client ×
    wave × segment value. Only arithmetic that both dialects share: ``NULL``
    propagation (``wt + 0 * x`` is NULL where ``x`` is) selects the answered rows
    without CASE in the pair sums.

    With segments the respondents are read once: sums per client × wave × combination
    of segment values (``cells``), then those sums are added up per grouping set.
    """
    seg = [f"s{i}" for i in range(n_segments)]
    var = ["y", *[f"x{i}" for i in range(n_touchpoints)]]
    prepared = ", ".join(
        [
            "CAST(client AS STRING) AS client",
            "CAST(wave AS STRING) AS wave",
            *[f"COALESCE(CAST({s} AS STRING), '{NONE}') AS {s}" for s in seg],
            *[f"CAST({v} AS DOUBLE) AS {v}" for v in var],
            "CAST(wt AS DOUBLE) AS wt",
        ]
    )
    # (output name, expression, how a second stage adds it up)
    stats: list[tuple[str, str]] = [
        ("n", "COUNT(*)"),
        ("n_nps", "COUNT(y)"),
        ("w", "SUM(wt + 0 * y)"),
        ("w2", "SUM(wt * wt + 0 * y)"),
    ]
    stats += [(f"n_{k}", f"COUNT(CASE WHEN y = {k} THEN 1 END)") for k in SCORES]
    stats += [(f"w_{k}", f"SUM(CASE WHEN y = {k} THEN wt END)") for k in SCORES]
    for i in range(n_touchpoints):
        x = f"x{i}"
        stats += [
            (f"t{i}_n", f"COUNT({x})"),
            (f"t{i}_w", f"SUM(wt + 0 * {x})"),
            (f"t{i}_w2", f"SUM(wt * wt + 0 * {x})"),
            (f"t{i}_sum", f"SUM(wt * {x})"),
            (f"t{i}_sumsq", f"SUM(wt * {x} * {x})"),
        ]
    for i, a in enumerate(var):
        for j in range(i + 1, len(var)):
            b = var[j]
            stats += [
                (f"p{i}_{j}_n", f"COUNT({a} + {b})"),
                (f"p{i}_{j}_w", f"SUM(wt + 0 * {a} + 0 * {b})"),
                (f"p{i}_{j}_sum_a", f"SUM(wt * {a} + 0 * {b})"),
                (f"p{i}_{j}_sum_b", f"SUM(wt * {b} + 0 * {a})"),
                (f"p{i}_{j}_sumsq_a", f"SUM(wt * {a} * {a} + 0 * {b})"),
                (f"p{i}_{j}_sumsq_b", f"SUM(wt * {b} * {b} + 0 * {a})"),
                (f"p{i}_{j}_sum_ab", f"SUM(wt * {a} * {b})"),
            ]
    keys = ["client", "wave", *seg]
    first = ",\n  ".join([*keys, *[f"{expr} AS {name}" for name, expr in stats]])
    cells = (
        f"WITH prepared AS (SELECT {prepared} FROM {source}),\n"
        f"cells AS (SELECT\n  {first}\nFROM prepared\nGROUP BY {', '.join(keys)})\n"
    )
    if not seg:
        total = f"'{TOTAL}'"
        names = ", ".join(name for name, _ in stats)
        return (
            cells
            + f"SELECT client, wave, {total} AS segment, {total} AS segment_value, {names} FROM cells"
        )
    segment = "CASE " + " ".join(f"WHEN GROUPING({s}) = 0 THEN '{s}'" for s in seg)
    segment += f" ELSE '{TOTAL}' END"
    value = "CASE " + " ".join(f"WHEN GROUPING({s}) = 0 THEN {s}" for s in seg)
    value += f" ELSE '{TOTAL}' END"
    sets = ", ".join(["(client, wave)", *[f"(client, wave, {s})" for s in seg]])
    second = ",\n  ".join(
        [
            "client",
            "wave",
            f"{segment} AS segment",
            f"{value} AS segment_value",
            *[f"SUM({name}) AS {name}" for name, _ in stats],
        ]
    )
    return cells + f"SELECT\n  {second}\nFROM cells\nGROUP BY GROUPING SETS ({sets})"


@dataclass(frozen=True, eq=False, repr=False)
class PoolStats(Summarised):
    """Sufficient statistics per client × wave × segment value (see the module text).

    ``groups``, ``touchpoints`` and ``pairs`` are long tables keyed by ``client``,
    ``wave``, ``segment`` (``""`` for the wave total) and ``segment_value``.
    ``suppressed`` counts the cells dropped under the privacy floor.
    """

    groups: pd.DataFrame
    touchpoints: pd.DataFrame
    pairs: pd.DataFrame
    privacy_floor: int = 1
    suppressed: int = 0
    engine: str = "duckdb"

    def __post_init__(self) -> None:
        read_only(self, "groups", "touchpoints", "pairs")

    _repr_fields = ("engine", "privacy_floor", "suppressed")

    def _summary_parts(self) -> SummaryParts:
        totals = self.groups[self.groups["segment"] == TOTAL]
        return SummaryParts(
            header=[
                f"Sufficient statistics ({self.engine}): {len(totals)} client waves, "
                f"{int(totals['n'].sum())} respondents, {len(self.groups)} groups, "
                f"{self.suppressed} cells suppressed below {self.privacy_floor}"
            ],
            tables=[totals[["client", "wave", "n", "n_nps", "w"]]],
        )


def _names(table_columns: Sequence[str], touchpoints, segments, client, wave, nps, weight):
    columns = list(table_columns)
    for role, name in (("client", client), ("wave", wave), ("nps", nps)):
        if name not in columns:
            raise ColumnNotFoundError(
                f"aggregate: no {role} column {name!r} in the table (columns: "
                f"{', '.join(map(str, columns))})."
            )
    segments = [str(s) for s in (segments or ())]
    if weight is not None and weight not in columns:
        weight = None if weight == "weight" else weight
        if weight is not None:
            raise ColumnNotFoundError(f"aggregate: no weight column {weight!r} in the table.")
    taken = {client, wave, nps, weight, *segments}
    if touchpoints is None:
        touchpoints = [c for c in columns if c not in taken]
    touchpoints = [str(t) for t in touchpoints]
    for name in [*segments, *touchpoints]:
        if name not in columns:
            raise ColumnNotFoundError(f"aggregate: no column {name!r} in the table.")
    if NPS in touchpoints:
        raise ParameterError(
            f"aggregate: {NPS!r} is the NPS in the statistics; rename that touchpoint."
        )
    if len(set(touchpoints)) != len(touchpoints):
        raise ParameterError("aggregate: touchpoint names must be unique.")
    return touchpoints, segments, weight


def aggregate(
    table: Any,
    *,
    touchpoints: Sequence[str] | None = None,
    segments: Sequence[str] = (),
    client: str = "client",
    wave: str = "wave",
    nps: str = "nps",
    weight: str | None = "weight",
    engine: Engine = "duckdb",
    privacy_floor: int = 5,
) -> PoolStats:
    """Sufficient statistics per client × wave × segment value, by DuckDB or Spark.

    Parameters
    ----------
    table : DataFrame, parquet path, duckdb relation or pyspark DataFrame
        One row per respondent: ``client``, ``wave``, segment columns, ``nps`` (0-10),
        touchpoint grades and ``weight``. Missing answers are NaN / NULL. A pandas frame
        parquet file (or glob) or DuckDB relation with ``engine="duckdb"``; a Spark DataFrame with
        ``engine="spark"`` (a pandas frame is converted with the active session).
    touchpoints : list of str, optional
        The grade columns; default every column not named otherwise.
    segments : list of str
        Segment columns: statistics per value, beside the wave total.
    client, wave, nps, weight : str
        Column names. Without a weight column every respondent weighs 1.
    engine : {"duckdb", "spark"}
        Where the query runs. The query text is the same (:func:`aggregation_sql`).
    privacy_floor : int, default 5
        Cells below this many respondents are dropped (:func:`suppress_stats`);
        1 keeps everything.

    Returns
    -------
    PoolStats

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"client": "a", "wave": "1", "nps": [9, 6], "t": [8.0, None]})
    >>> aggregate(rows, privacy_floor=1).touchpoints[["touchpoint", "n", "sum"]].to_dict("list")
    {'touchpoint': ['t'], 'n': [1], 'sum': [8.0]}
    """
    check_option("aggregate", "engine", engine, ENGINES)
    _check_floor(privacy_floor, "aggregate")
    if engine == "duckdb":
        wide, tps, segs = _run_duckdb(table, touchpoints, segments, client, wave, nps, weight)
    else:
        wide, tps, segs = _run_spark(table, touchpoints, segments, client, wave, nps, weight)
    counted = wide[[f"n_{k}" for k in SCORES]].fillna(0).sum(axis=1)
    odd = wide[(wide["segment"] == TOTAL) & (counted != wide["n_nps"])]
    if len(odd):
        where = ", ".join(
            f"{c} wave {w}" for c, w in odd[["client", "wave"]].head(5).itertuples(index=False)
        )
        raise DataError(
            f"aggregate: the NPS column {nps!r} holds values other than the whole numbers "
            f"0-10 ({where}); load the survey with its spec first (load_survey)."
        )
    # The query names segment columns s0, s1, ...: give them their own names back.
    wide["segment"] = wide["segment"].map({f"s{i}": s for i, s in enumerate(segs)} | {TOTAL: TOTAL})
    stats = _from_wide(wide, tps, engine)
    return suppress_stats(stats, privacy_floor)


def empty_stats(engine: str = "duckdb") -> PoolStats:
    """Statistics of nothing: the three tables with their columns and no rows."""

    def empty(columns: list[str]) -> pd.DataFrame:
        text = {*_KEYS, "touchpoint", "a", "b"}
        return pd.DataFrame(
            {
                c: pd.Series(dtype=object if c in text else "int64" if c.startswith("n") else float)
                for c in columns
            }
        )

    return PoolStats(
        empty(_GROUP_COLUMNS), empty(_TOUCHPOINT_COLUMNS), empty(_PAIR_COLUMNS), engine=engine
    )


def _check_floor(floor: object, func: str) -> int:
    if isinstance(floor, bool) or not isinstance(floor, int | np.integer) or floor < 1:
        raise ParameterError(
            f"The 'privacy_floor' parameter of {func} must be an int >= 1. Got {floor!r} instead."
        )
    return int(floor)


def _run_duckdb(table, touchpoints, segments, client, wave, nps, weight):
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        if isinstance(table, pd.DataFrame):
            relation = con.from_df(table)
        elif isinstance(table, str | Path):
            relation = con.read_parquet(str(table))
        elif isinstance(table, duckdb.DuckDBPyRelation):
            relation = table
        else:
            raise ParameterError(
                "aggregate(engine='duckdb') takes a pandas DataFrame or a DuckDB relation; "
                f"got {type(table).__name__}. For a Spark DataFrame use engine='spark'."
            )
        tps, segs, weight = _names(
            relation.columns, touchpoints, segments, client, wave, nps, weight
        )

        def q(name: str) -> str:
            return '"' + str(name).replace('"', '""') + '"'

        select = [f"{q(client)} AS client", f"{q(wave)} AS wave"]
        select += [f"{q(s)} AS s{i}" for i, s in enumerate(segs)]
        select += [f"{q(nps)} AS y", *[f"{q(t)} AS x{i}" for i, t in enumerate(tps)]]
        select.append(f"{q(weight)} AS wt" if weight else "1.0 AS wt")
        # The renaming is engine-specific (identifier quoting); the aggregation is not.
        renamed = f"(SELECT {', '.join(select)} FROM input_table) AS respondents"
        sql = aggregation_sql(len(tps), len(segs), source=renamed)
        wide = relation.query("input_table", sql).df()
    finally:
        con.close()
    return wide, tps, segs


def _run_spark(table, touchpoints, segments, client, wave, nps, weight):
    try:
        from pyspark.sql import DataFrame as SparkFrame
        from pyspark.sql import SparkSession
        from pyspark.sql import functions as F
    except ImportError:  # pragma: no cover - depends on the install
        raise ParameterError(
            "aggregate(engine='spark') needs pyspark: pip install 'drivers[spark]'."
        ) from None
    if isinstance(table, pd.DataFrame):
        spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        table = spark.createDataFrame(
            table.astype({c: object for c in table.columns if table[c].dtype == object})
        )
    if not isinstance(table, SparkFrame):
        raise ParameterError(
            "aggregate(engine='spark') takes a Spark DataFrame (or a pandas DataFrame); "
            f"got {type(table).__name__}."
        )
    tps, segs, weight = _names(table.columns, touchpoints, segments, client, wave, nps, weight)

    def number(name: str, alias: str):
        col = F.col(f"`{name}`").cast("double")
        return F.when(F.isnan(col), None).otherwise(col).alias(alias)  # NaN means missing

    select = [F.col(f"`{client}`").alias("client"), F.col(f"`{wave}`").alias("wave")]
    select += [F.col(f"`{s}`").alias(f"s{i}") for i, s in enumerate(segs)]
    select += [number(nps, "y"), *[number(t, f"x{i}") for i, t in enumerate(tps)]]
    select.append(F.col(f"`{weight}`").alias("wt") if weight else F.lit(1.0).alias("wt"))
    view = f"drivers_respondents_{id(table)}"
    table.select(*select).createOrReplaceTempView(view)
    spark = table.sparkSession
    try:
        wide = spark.sql(aggregation_sql(len(tps), len(segs), source=view)).toPandas()
    finally:
        spark.catalog.dropTempView(view)
    return wide, tps, segs


def _from_wide(wide: pd.DataFrame, tps: Sequence[str], engine: str) -> PoolStats:
    wide = wide.sort_values(["client", "wave", "segment", "segment_value"], kind="stable")
    wide = wide.reset_index(drop=True)
    keys = wide[_KEYS].astype(str)
    groups = keys.copy()
    for column in _GROUP_COLUMNS[4:]:
        values = wide[column]
        if column.startswith("n"):
            groups[column] = values.fillna(0).astype("int64")
        else:
            groups[column] = values.astype(float).fillna(0.0)
    parts = []
    for i, name in enumerate(tps):
        part = keys.copy()
        part["touchpoint"] = name
        for stat in ("n", "w", "w2", "sum", "sumsq"):
            part[stat] = wide[f"t{i}_{stat}"]
        parts.append(part)
    touchpoints = _clean(parts, _TOUCHPOINT_COLUMNS)
    names = [NPS, *tps]
    parts = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            part = keys.copy()
            part["a"], part["b"] = names[i], names[j]
            for stat in ("n", "w", "sum_a", "sum_b", "sumsq_a", "sumsq_b", "sum_ab"):
                part[stat] = wide[f"p{i}_{j}_{stat}"]
            parts.append(part)
    pairs = _clean(parts, _PAIR_COLUMNS)
    return PoolStats(groups[_GROUP_COLUMNS], touchpoints, pairs, engine=engine)


def _clean(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=object if c in _KEYS + ["touchpoint", "a", "b"] else float)
                for c in columns
            }
        )
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out["n"].fillna(0).astype("int64")
    out = out[out["n"] > 0]
    for column in columns[columns.index("n") + 1 :]:
        out[column] = out[column].astype(float).fillna(0.0)
    return out[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- privacy


def _secondary(table: pd.DataFrame, keys: list[str], first: pd.Series, floor: int) -> pd.Series:
    """Suppress more cells per ``keys`` until the suppressed ones hold ``floor`` or more.

    Within one segment variable the total minus the visible values gives the sum of the
    suppressed ones; when that sum is below the floor, the smallest visible cells are
    suppressed as well (primary cells first, then by n ascending).
    """
    if table.empty:
        return first
    order = table[keys].copy()
    order["_visible"] = (~first).astype("int64")
    order["_n"] = table["n"]
    order = order.sort_values([*keys, "_visible", "_n"], kind="stable")
    grouped = order.groupby(keys, sort=False, dropna=False)
    position = grouped.cumcount()
    primary = grouped["_visible"].transform("size") - grouped["_visible"].transform("sum")
    before = grouped["_n"].cumsum() - order["_n"]
    out = (position < primary) | ((primary > 0) & (before < floor))
    return out.reindex(table.index)


def suppress_stats(stats: PoolStats, privacy_floor: int = 5) -> PoolStats:
    """Drop every cell below the privacy floor, and what would give it back.

    * A client wave whose total has fewer than ``privacy_floor`` respondents is dropped
      whole.
    * A segment value below the floor is dropped, with its touchpoints and pairs; when
      the dropped values of a segment variable hold fewer than ``privacy_floor``
      respondents together, the smallest other values go too (so the total minus the
      visible values never reveals a small group).
    * The same rule per touchpoint and per pair of variables, on their answer counts.

    Parameters
    ----------
    stats : PoolStats
    privacy_floor : int, default 5

    Returns
    -------
    PoolStats
        ``suppressed`` counts the cells dropped (groups + touchpoints + pairs).
    """
    floor = _check_floor(privacy_floor, "suppress_stats")
    groups, tps, pairs = stats.groups, stats.touchpoints, stats.pairs
    total = groups["segment"] == TOTAL
    too_small = groups.loc[total & (groups["n"] < floor), ["client", "wave"]]
    dropped_waves = set(map(tuple, too_small.to_numpy()))

    def alive(frame: pd.DataFrame) -> pd.Series:
        if not dropped_waves:
            return pd.Series(True, index=frame.index)
        pair = pd.Series(list(zip(frame["client"], frame["wave"], strict=True)), index=frame.index)
        return ~pair.isin(dropped_waves)

    group_keys = ["client", "wave", "segment"]
    gone = ~alive(groups)
    first = gone | (groups["n"] < floor)
    segment_rows = groups["segment"] != TOTAL
    cut = first.copy()
    cut[segment_rows] = _secondary(groups[segment_rows], group_keys, first[segment_rows], floor)
    cut[~segment_rows] = first[~segment_rows]
    gone_groups = set(map(tuple, groups.loc[cut, _KEYS].to_numpy()))

    def cut_cells(frame: pd.DataFrame, cell: list[str]) -> pd.Series:
        if frame.empty:
            return pd.Series(False, index=frame.index)
        key = pd.Series(list(map(tuple, frame[_KEYS].to_numpy())), index=frame.index)
        first = key.isin(gone_groups) | (frame["n"] < floor)
        seg = frame["segment"] != TOTAL
        out = first.copy()
        out[seg] = _secondary(frame[seg], [*group_keys, *cell], first[seg], floor)
        return out

    cut_tps = cut_cells(tps, ["touchpoint"])
    cut_pairs = cut_cells(pairs, ["a", "b"])
    count = int(cut.sum() + cut_tps.sum() + cut_pairs.sum())
    return PoolStats(
        groups[~cut].reset_index(drop=True),
        tps[~cut_tps].reset_index(drop=True),
        pairs[~cut_pairs].reset_index(drop=True),
        privacy_floor=max(floor, stats.privacy_floor),
        suppressed=stats.suppressed + count,
        engine=stats.engine,
    )


# --------------------------------------------------------------------------- pooling


def pooled_corr(pairs: pd.DataFrame, variables: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Weighted pairwise-complete correlation matrix from summed pair statistics.

    Parameters
    ----------
    pairs : DataFrame
        Pair statistics (``a``, ``b``, ``n``, ``w``, ``sum_a``, ...) of any number of
        groups; they are summed. Pairs may be given in either order.
    variables : list of str
        The variables, in matrix order (put ``"nps"`` last for Shapley).

    Returns
    -------
    corr : ndarray (q, q)
        ``r_ab = (w·Σab − Σa·Σb) / √((w·Σa² − (Σa)²)(w·Σb² − (Σb)²))`` over the rows
        that answered both; NaN where no rows did.
    n : ndarray (q, q)
        Rows behind each correlation.
    """
    variables = list(variables)
    index = {v: i for i, v in enumerate(variables)}
    frame = pairs[pairs["a"].isin(index) & pairs["b"].isin(index)]
    swap = frame["a"].map(index) > frame["b"].map(index)
    a = np.where(swap, frame["b"], frame["a"])
    b = np.where(swap, frame["a"], frame["b"])
    sa = np.where(swap, frame["sum_b"], frame["sum_a"])
    sb = np.where(swap, frame["sum_a"], frame["sum_b"])
    saa = np.where(swap, frame["sumsq_b"], frame["sumsq_a"])
    sbb = np.where(swap, frame["sumsq_a"], frame["sumsq_b"])
    summed = (
        pd.DataFrame(
            {
                "a": a,
                "b": b,
                "n": frame["n"].to_numpy(),
                "w": frame["w"].to_numpy(),
                "sa": sa,
                "sb": sb,
                "saa": saa,
                "sbb": sbb,
                "sab": frame["sum_ab"].to_numpy(),
            }
        )
        .groupby(["a", "b"], sort=False)
        .sum()
    )
    q = len(variables)
    corr = np.full((q, q), np.nan)
    n = np.zeros((q, q))
    np.fill_diagonal(corr, 1.0)
    for (va, vb), row in summed.iterrows():
        i, j = index[va], index[vb]
        w = row["w"]
        cov = w * row["sab"] - row["sa"] * row["sb"]
        var_a = w * row["saa"] - row["sa"] ** 2
        var_b = w * row["sbb"] - row["sb"] ** 2
        value = cov / math.sqrt(var_a * var_b) if var_a > 0 and var_b > 0 else np.nan
        corr[i, j] = corr[j, i] = value
        n[i, j] = n[j, i] = row["n"]
    return corr, n


# --------------------------------------------------------------------------- norms


@dataclass(frozen=True, eq=False, repr=False)
class Norms(Summarised):
    """Benchmark norms from the pooled clients, with the published figures as fallback.

    Every table is tidy and says what each figure rests on: ``n_clients`` (clients
    pooled) and ``n`` (respondents), and its ``source`` ("store" or the article a
    published seed figure comes from). Cells with fewer than ``min_clients`` clients
    have ``suppressed=True`` and no numbers.

    Attributes
    ----------
    nps : DataFrame
        Per ``sector`` (``"all"`` = every client): pooled weighted NPS with adjusted-Wald
        CI, the shares, ``n_eff``, and beside it ``client_mean`` (mean of the clients'
        NPS) with ``client_sd``.
    grades : DataFrame
        Per sector × standard touchpoint: pooled mean grade (``mean``, ``ci_low``,
        ``ci_high``) and ``client_mean``.
    top_performers : DataFrame
        The top quartile of clients by NPS: their mean NPS (``touchpoint = ""``) and
        their pooled grade per touchpoint.
    best_in_class : DataFrame
        Per touchpoint, the top quartile of clients by that touchpoint's grade: the
        mean of their grades.
    importance : DataFrame
        Shapley (LMG) importance on the pooled correlation matrix: ``r2_part``,
        ``share``, ``rank``; ``r2`` of the model.
    correlations : DataFrame
        The prior for shrinking a small wave (:func:`shrunk_importance`): per sector and
        pair of variables (``a``, ``b``; the NPS is ``"nps"``) the pooled correlation
        ``r``, the between-client variance ``tau2`` of the clients' true correlations
        around it (:func:`correlation_prior`), ``n_clients`` and ``n``. Only pairs that
        rest on at least ``min_clients`` clients.
    """

    nps: pd.DataFrame
    grades: pd.DataFrame
    top_performers: pd.DataFrame
    best_in_class: pd.DataFrame
    importance: pd.DataFrame
    sector: str | None = None
    year: int | None = None
    min_clients: int = MIN_CLIENTS
    store: str = ""
    correlations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_PRIOR_COLUMNS))

    def __post_init__(self) -> None:
        read_only(
            self, "nps", "grades", "top_performers", "best_in_class", "importance", "correlations"
        )

    _repr_fields = ("sector", "year", "min_clients")

    def _summary_parts(self) -> SummaryParts:
        nps = self.nps
        return SummaryParts(
            header=[
                f"Norms from {self.store or 'the store'} (sector {self.sector or 'all'}, "
                f"year {self.year or 'latest wave per client'}; cells below "
                f"{self.min_clients} clients suppressed)"
            ],
            tables=[
                nps[
                    [
                        "sector",
                        "source",
                        "n_clients",
                        "n",
                        "nps",
                        "ci_low",
                        "ci_high",
                        "client_mean",
                    ]
                ]
            ],
        )

    def for_sector(self, sector: str | None) -> dict[str, pd.DataFrame]:
        """The tables of one sector (``"all"`` when None), store rows before seed rows."""
        key = sector or "all"
        out = {}
        for name in ("nps", "grades", "top_performers", "best_in_class", "importance"):
            table = getattr(self, name)
            out[name] = table[table["sector"] == key].reset_index(drop=True)
        return out


def _client_level(groups: pd.DataFrame) -> pd.DataFrame:
    g = groups.copy()
    promoters = g[["w_9", "w_10"]].sum(axis=1)
    detractors = g[[f"w_{k}" for k in range(7)]].sum(axis=1)
    g["nps"] = 100 * (promoters - detractors) / g["w"]
    return g


def _rescale(groups: pd.DataFrame) -> pd.Series:
    """Per client wave: the factor that makes its weights sum to its NPS answers."""
    factor = groups["n_nps"] / groups["w"]
    return factor.where(groups["w"] > 0, 0.0)


def _top_quarter(values: pd.Series) -> pd.Index:
    k = math.ceil(len(values) / 4)
    return values.sort_values(ascending=False, kind="stable").index[:k]


def _pick_waves(waves: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """One wave per client: its latest (in ``year`` when given)."""
    chosen = waves if year is None else waves[waves["year"] == year]
    chosen = chosen.sort_values(["client", "year", "wave"], kind="stable")
    return chosen.groupby("client", sort=True).tail(1).reset_index(drop=True)


def _nps_row(g: pd.DataFrame) -> dict[str, float]:
    w = g["w_scaled"].sum()
    promoters = (g["w_9"] + g["w_10"]).mul(g["factor"]).sum() / w
    detractors = g[[f"w_{k}" for k in range(7)]].sum(axis=1).mul(g["factor"]).sum() / w
    n_eff = w**2 / (g["w2"] * g["factor"] ** 2).sum()
    low, high = _wald_ci(promoters, detractors, n_eff, 0.95, adjusted=True)
    return {
        "n": int(g["n_nps"].sum()),
        "n_eff": float(n_eff),
        "promoters": float(promoters),
        "passives": float(max(0.0, 1 - promoters - detractors)),
        "detractors": float(detractors),
        "nps": float(100 * (promoters - detractors)),
        "ci_low": low,
        "ci_high": high,
        "client_mean": float(g["nps"].mean()),
        "client_sd": float(g["nps"].std(ddof=1)) if len(g) > 1 else np.nan,
    }


def _grade_rows(t: pd.DataFrame) -> pd.DataFrame:
    """Pooled weighted mean grade per touchpoint, with a normal-theory CI (Kish n_eff)."""
    t = t.assign(
        ws=t["w"] * t["factor"],
        w2s=t["w2"] * t["factor"] ** 2,
        ss=t["sum"] * t["factor"],
        sqs=t["sumsq"] * t["factor"],
        client_grade=t["sum"] / t["w"],
    )
    out = t.groupby("touchpoint", sort=False).agg(
        n_clients=("client", "nunique"),
        n=("n", "sum"),
        ws=("ws", "sum"),
        w2s=("w2s", "sum"),
        ss=("ss", "sum"),
        sqs=("sqs", "sum"),
        client_mean=("client_grade", "mean"),
    )
    mean = out["ss"] / out["ws"]
    sd = np.sqrt(np.maximum(out["sqs"] / out["ws"] - mean**2, 0.0))
    n_eff = out["ws"] ** 2 / out["w2s"]
    z = _scipy_stats.norm.ppf(0.975)
    half = z * sd / np.sqrt(n_eff)
    return pd.DataFrame(
        {
            "touchpoint": out.index,
            "n_clients": out["n_clients"].to_numpy(),
            "n": out["n"].to_numpy(),
            "mean": mean.to_numpy(),
            "sd": sd.to_numpy(),
            "ci_low": (mean - half).to_numpy(),
            "ci_high": (mean + half).to_numpy(),
            "client_mean": out["client_mean"].to_numpy(),
        }
    )


def _importance(pairs: pd.DataFrame, standard: Sequence[str], min_clients: int) -> pd.DataFrame:
    with_nps = pairs[((pairs["a"] == NPS) | (pairs["b"] == NPS)) & (pairs["a"] != pairs["b"])]
    other = np.where(with_nps["a"] == NPS, with_nps["b"], with_nps["a"])
    clients = pd.Series(with_nps["client"].to_numpy()).groupby(other).nunique()
    candidates = [t for t in standard if clients.get(t, 0) >= min_clients]
    scaled = pairs.assign(
        **{
            c: pairs[c] * pairs["factor"]
            for c in ("w", "sum_a", "sum_b", "sumsq_a", "sumsq_b", "sum_ab")
        }
    )
    while candidates:
        corr, n = pooled_corr(scaled, [*candidates, NPS])
        missing = (~np.isfinite(corr)).sum(axis=0)[:-1]
        if missing.max() == 0:
            break
        candidates.pop(int(np.argmax(missing)))
    columns = ["touchpoint", "n_clients", "n", "r", "r2_part", "share", "rank", "r2"]
    if len(candidates) == 0:
        return pd.DataFrame(columns=columns)
    values, r2 = shapley_from_corr(corr)
    table = pd.DataFrame(
        {
            "touchpoint": candidates,
            "n_clients": [int(clients[t]) for t in candidates],
            "n": n[-1, :-1].astype("int64"),
            "r": corr[-1, :-1],
            "r2_part": values,
            "share": values / r2 if r2 > 0 else np.nan,
        }
    )
    table["rank"] = table["r2_part"].rank(ascending=False, method="min").astype(int)
    table["r2"] = r2
    return table.sort_values("rank", kind="stable")[columns].reset_index(drop=True)


def _seed_rows(scope: str, measure: str, group: str, year: int | None) -> pd.DataFrame:
    table = _seed_benchmark()
    sector = "all" if scope == "all" else scope
    rows = table[
        (table["measure"] == measure) & (table["sector"] == sector) & (table["group"] == group)
    ]
    if year is not None and (rows["year"] == year).any():
        rows = rows[rows["year"] == year]
    if rows.empty:
        return rows
    rows = rows.sort_values(["touchpoint", "year", "source_file"], kind="stable")
    return rows.groupby("touchpoint", sort=False).tail(1)


def _published(scope: str, rows: pd.DataFrame, value: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sector": scope,
            "touchpoint": rows["touchpoint"].to_numpy(),
            "origin": "published",
            "source": rows["source"].to_numpy(),
            "source_file": rows["source_file"].to_numpy(),
            "year": rows["year"].to_numpy(),
            value: rows["value"].to_numpy(),
            "suppressed": False,
        }
    )


def compute_norms(
    groups: pd.DataFrame,
    touchpoints: pd.DataFrame,
    pairs: pd.DataFrame,
    waves: pd.DataFrame,
    *,
    sector: str | None = None,
    year: int | None = None,
    min_clients: int = MIN_CLIENTS,
    fallback: bool = True,
    store: str = "",
) -> Norms:
    """Norms from stored sufficient statistics (the wave totals of every client).

    Parameters
    ----------
    groups, touchpoints, pairs : DataFrame
        Statistics as in :class:`PoolStats`; only wave totals (``segment == ""``) and
        standard touchpoints are used.
    waves : DataFrame
        One row per stored client wave: ``client``, ``wave``, ``year``, ``sector``.
    sector : str, optional
        That sector and all clients; None: all clients and every sector in the store.
    year : int, optional
        Waves of that year; None: every client's latest wave. One wave per client, so
        no client counts twice.
    min_clients : int, default 5
        A figure from fewer clients is suppressed.
    fallback : bool, default True
        Add the published figures (:mod:`drivers.stats.benchmark`) where the store has
        no (unsuppressed) norm, with their source.

    Returns
    -------
    Norms

    Notes
    -----
    Each client wave's weights are rescaled to sum to its number of NPS answers, so a
    client weighs by its respondents whatever the scale of its weights. The pooled CI
    treats the respondents as one sample; ``client_mean`` ± ``client_sd`` shows the
    spread between clients.
    """
    if isinstance(min_clients, bool) or not isinstance(min_clients, int) or min_clients < 1:
        raise ParameterError(
            f"The 'min_clients' parameter of norms must be an int >= 1. Got {min_clients!r} instead."
        )
    standard = standard_touchpoints()
    chosen = _pick_waves(waves, year)
    key = ["client", "wave"]
    totals = groups[groups["segment"] == TOTAL].merge(chosen[[*key, "sector"]], on=key)
    totals = _client_level(totals)
    totals["factor"] = _rescale(totals)
    totals["w_scaled"] = totals["w"] * totals["factor"]
    factor = totals[[*key, "factor", "sector"]]
    tps = touchpoints[(touchpoints["segment"] == TOTAL) & touchpoints["touchpoint"].isin(standard)]
    tps = tps.merge(factor, on=key)
    prs = pairs[(pairs["segment"] == TOTAL)].merge(factor, on=key)
    prs = prs[prs["a"].isin([NPS, *standard]) & prs["b"].isin([NPS, *standard])]
    sectors = sorted(set(totals["sector"].dropna())) if sector is None else [sector]
    scopes = ["all", *[s for s in sectors if s != "all"]]
    nps_rows, grade_rows, top_rows, best_rows, imp_rows = [], [], [], [], []
    prior_rows: list[pd.DataFrame] = []
    order = {t: i for i, t in enumerate(standard)}
    for scope in scopes:
        g = totals if scope == "all" else totals[totals["sector"] == scope]
        t = tps if scope == "all" else tps[tps["sector"] == scope]
        p = prs if scope == "all" else prs[prs["sector"] == scope]
        n_clients = int(g["client"].nunique())
        base = {
            "sector": scope,
            "origin": "store",
            "source": store or "store",
            "n_clients": n_clients,
        }
        row = {**base, **(_nps_row(g) if n_clients else {"n": 0})}
        row["suppressed"] = n_clients < min_clients
        nps_rows.append(row)
        grades = (
            _grade_rows(t) if len(t) else pd.DataFrame(columns=["touchpoint", "n_clients", "n"])
        )
        grades.insert(0, "sector", scope)
        grades["origin"], grades["source"] = "store", store or "store"
        grades["suppressed"] = grades["n_clients"] < min_clients
        grade_rows.append(grades)
        # Top performers: the top quartile of clients by NPS.
        if n_clients:
            top = g.loc[_top_quarter(g.set_index(g.index)["nps"])]
            k = len(top)
            top_nps = {
                **base,
                "n_clients": k,
                "touchpoint": "",
                "measure": "nps",
                "n": int(top["n_nps"].sum()),
                "value": float(top["nps"].mean()),
                "suppressed": k < min_clients,
            }
            top_rows.append(pd.DataFrame([top_nps]))
            top_t = t[t["client"].isin(top["client"])]
            if len(top_t):
                tg = _grade_rows(top_t)
                top_rows.append(
                    pd.DataFrame(
                        {
                            **base,
                            "touchpoint": tg["touchpoint"],
                            "measure": "grade",
                            "n_clients": tg["n_clients"],
                            "n": tg["n"],
                            "value": tg["mean"],
                            "suppressed": tg["n_clients"] < min_clients,
                        }
                    )
                )
            # Best in class: per touchpoint the top quartile of clients by their grade.
            for tp, rows in t.groupby("touchpoint", sort=False):
                grade = (rows["sum"] / rows["w"]).set_axis(rows.index)
                best = rows.loc[_top_quarter(grade)]
                kb = len(best)
                best_rows.append(
                    {
                        **base,
                        "touchpoint": tp,
                        "n_clients": kb,
                        "n": int(best["n"].sum()),
                        "value": float((best["sum"] / best["w"]).mean()),
                        "suppressed": kb < min_clients,
                    }
                )
            if n_clients >= min_clients:
                imp = _importance(p, standard, min_clients)
                imp.insert(0, "sector", scope)
                imp["origin"], imp["source"] = "store", store or "store"
                imp["suppressed"] = False  # touchpoints below min_clients are left out
                imp_rows.append(imp)
                prior = _prior_rows(p, standard, min_clients)
                prior.insert(0, "sector", scope)
                prior_rows.append(prior)
    nps = _frame(nps_rows)
    grades = _concat(grade_rows)
    top = _concat(top_rows)
    best = _frame(best_rows)
    importance = _concat(imp_rows)
    parts = [p for p in prior_rows if len(p)]
    correlations = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_PRIOR_COLUMNS)
    )
    if sector is not None and sector != "all":
        nps, grades, top, best, importance = _protect_complement(
            sector, min_clients, nps, grades, top, best, importance
        )
        all_shown = len(importance) > 0 and bool((importance["sector"] == "all").any())
        if not all_shown:  # withheld: "all" minus the sector would give away a few clients
            correlations = correlations[correlations["sector"] != "all"]
    if fallback:
        nps, grades, top, best = _with_seeds(scopes, year, nps, grades, top, best)
    nps = _blank(
        nps,
        [
            "n",
            "n_eff",
            "promoters",
            "passives",
            "detractors",
            "nps",
            "ci_low",
            "ci_high",
            "client_mean",
            "client_sd",
        ],
    )
    grades = _blank(grades, ["n", "mean", "sd", "ci_low", "ci_high", "client_mean"])
    top = _blank(top, ["n", "value"])
    best = _blank(best, ["n", "value"])
    scope_order = {v: i for i, v in enumerate(scopes)}

    def ordered(table: pd.DataFrame) -> pd.DataFrame:
        if not len(table):
            return table
        return table.sort_values(
            ["sector", "touchpoint"],
            key=lambda s: s.map(order if s.name == "touchpoint" else scope_order),
            kind="stable",
        )

    grades, best = ordered(grades), ordered(best)
    return Norms(
        nps=nps.reset_index(drop=True),
        grades=grades.reset_index(drop=True),
        top_performers=top.reset_index(drop=True),
        best_in_class=best.reset_index(drop=True),
        importance=importance.reset_index(drop=True),
        sector=sector,
        year=year,
        min_clients=min_clients,
        store=store,
        correlations=correlations.reset_index(drop=True),
    )


def _prior_rows(pairs: pd.DataFrame, standard: Sequence[str], min_clients: int) -> pd.DataFrame:
    """The shrinkage prior of one scope: pooled r and tau2 per pair of standard variables."""
    if not len(pairs):
        return pd.DataFrame(columns=_PRIOR_COLUMNS[1:])
    scaled = pairs.assign(
        **{
            c: pairs[c] * pairs["factor"]
            for c in ("w", "sum_a", "sum_b", "sumsq_a", "sumsq_b", "sum_ab")
        }
    )
    present = set(scaled["a"]) | set(scaled["b"])
    variables = [t for t in standard if t in present] + [NPS]
    if len(variables) < 2 or scaled["client"].nunique() < min_clients:
        return pd.DataFrame(columns=_PRIOR_COLUMNS[1:])
    mean, tau2 = correlation_prior(scaled, variables, min_clients=min_clients)
    index = {v: i for i, v in enumerate(variables)}
    off = scaled[scaled["a"] != scaled["b"]]
    low = np.minimum(off["a"].map(index), off["b"].map(index)).to_numpy()
    high = np.maximum(off["a"].map(index), off["b"].map(index)).to_numpy()
    counted = (
        pd.DataFrame({"i": low, "j": high, "client": off["client"].to_numpy(), "n": off["n"]})
        .groupby(["i", "j"])
        .agg(n_clients=("client", "nunique"), n=("n", "sum"))
        .reset_index()
    )
    counted = counted[counted["n_clients"] >= min_clients]
    i, j = counted["i"].to_numpy(int), counted["j"].to_numpy(int)
    out = pd.DataFrame(
        {
            "a": [variables[k] for k in i],
            "b": [variables[k] for k in j],
            "r": mean[i, j],
            "tau2": tau2[i, j],
            "n_clients": counted["n_clients"].to_numpy(int),
            "n": counted["n"].to_numpy("int64"),
        }
    )
    return out[np.isfinite(out["r"])].reset_index(drop=True)


def _protect_complement(sector, min_clients, nps, grades, top, best, importance):
    """Suppress an all-clients figure that the sector's figure would give away.

    With both shown, "all" minus the sector is the pool of the other sectors' clients: when
    that is fewer than ``min_clients`` clients, the all-clients cell is suppressed (the
    published figure stands in), so no small group of clients can be recovered by
    subtraction.
    """

    def protect(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        if not len(table) or "n_clients" not in table:
            return table
        table = table.copy()
        keys = [k for k in keys if k in table]
        shown = ~table["suppressed"].astype(bool)
        part = table.loc[(table["sector"] == sector) & shown, [*keys, "n_clients"]]
        whole = table.loc[(table["sector"] == "all") & shown, [*keys, "n_clients"]]
        how = {"on": keys, "how": "inner"} if keys else {"how": "cross"}
        matched = whole.reset_index().merge(part, suffixes=("", "_part"), **how)
        gap = matched["n_clients"].astype(int) - matched["n_clients_part"].astype(int)
        hide = matched.loc[(gap > 0) & (gap < min_clients), "index"]
        table.loc[hide, "suppressed"] = True
        return table

    nps = protect(nps, [])
    if len(nps) and nps.loc[nps["sector"] == "all", "suppressed"].astype(bool).all():
        importance = importance[importance["sector"] != "all"] if len(importance) else importance
    return (
        nps,
        protect(grades, ["touchpoint"]),
        protect(top, ["touchpoint", "measure"]),
        protect(best, ["touchpoint"]),
        importance,
    )


def _frame(rows: list[dict]) -> pd.DataFrame:
    return (
        pd.DataFrame(rows) if rows else pd.DataFrame(columns=["sector", "n_clients", "suppressed"])
    )


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["sector", "touchpoint", "n_clients", "suppressed"])
    return pd.concat(parts, ignore_index=True)


def _blank(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """No numbers in a suppressed row (the number of clients stays: it says why)."""
    table = table.copy()
    if "suppressed" not in table or not len(table):
        return table
    hide = table["suppressed"].astype(bool)
    for column in columns:
        if column in table:
            table[column] = table[column].astype(float)
            table.loc[hide, column] = np.nan
    return table


def _usable(
    table: pd.DataFrame, scope: str, touchpoint: str | None = None, measure: str | None = None
) -> bool:
    if not len(table):
        return False
    rows = table[(table["sector"] == scope) & ~table["suppressed"].astype(bool)]
    if touchpoint is not None and "touchpoint" in rows:
        rows = rows[rows["touchpoint"] == touchpoint]
    if measure is not None and "measure" in rows:
        rows = rows[rows["measure"] == measure]
    return len(rows) > 0


def _with_seeds(scopes, year, nps, grades, top, best):
    extra_nps, extra_grades, extra_top, extra_best = [], [], [], []
    for scope in scopes:
        group = "overall" if scope == "all" else "sector"
        if not _usable(nps, scope):
            seed = _seed_rows(scope, "nps", group, year)
            if len(seed):
                row = _published(scope, seed, "nps").drop(columns="touchpoint")
                for share in ("promoters", "passives", "detractors"):
                    found = _seed_rows(scope, share, group, int(row["year"].iloc[0]))
                    if len(found):
                        row[share] = float(found["value"].iloc[0])
                extra_nps.append(row)
        for touchpoint, rows in _seed_rows(scope, "grade", group, year).groupby("touchpoint"):
            if touchpoint and not _usable(grades, scope, touchpoint):
                extra_grades.append(_published(scope, rows, "mean"))
        seed = _seed_rows(scope, "nps", "top_performers", year)
        if len(seed) and not _usable(top, scope, "", "nps"):
            extra_top.append(_published(scope, seed, "value").assign(measure="nps", touchpoint=""))
        for touchpoint, rows in _seed_rows(scope, "grade", "top_performers", year).groupby(
            "touchpoint"
        ):
            if touchpoint and not _usable(top, scope, touchpoint, "grade"):
                extra_top.append(_published(scope, rows, "value").assign(measure="grade"))
        for touchpoint, rows in _seed_rows(scope, "grade", "best_in_class", year).groupby(
            "touchpoint"
        ):
            if touchpoint and not _usable(best, scope, touchpoint):
                extra_best.append(_published(scope, rows, "value"))
    return (
        _concat([nps, *extra_nps]),
        _concat([grades, *extra_grades]),
        _concat([top, *extra_top]),
        _concat([best, *extra_best]),
    )


# --------------------------------------------------------------------------- client vs norm


@dataclass(frozen=True, eq=False, repr=False)
class ClientVsNorm(Summarised):
    """One client wave set against the norms.

    ``nps``: the client's NPS with CI beside the norm's (``norm``, ``norm_ci_low``,
    ``norm_ci_high``), ``difference`` and whether the norm lies inside the client's CI.
    ``grades``: per touchpoint the client's mean grade with CI, the norm, best in class.
    ``importance``: the client's Shapley share beside the norm's share. Every norm
    carries ``scope`` (the sector, or ``"all"`` when the sector has none), ``origin``
    ("store" / "published"), ``source``, ``n_clients`` and ``n_norm``.
    """

    nps: pd.DataFrame
    grades: pd.DataFrame
    importance: pd.DataFrame
    sector: str = "all"

    def __post_init__(self) -> None:
        read_only(self, "nps", "grades", "importance")

    _repr_fields = ("sector",)

    def _summary_parts(self) -> SummaryParts:
        return SummaryParts(
            header=[f"Client against the norm (sector {self.sector})"],
            tables=[
                self.nps,
                self.grades[["touchpoint", "standard", "mean", "norm", "best_in_class"]],
            ],
        )


def _norm_row(table: pd.DataFrame, sector: str, value: str, **match: str) -> dict[str, Any]:
    if table is None or not len(table):
        return {}
    if "suppressed" in table:
        table = table[~table["suppressed"].astype("boolean").fillna(True).to_numpy(bool)]
    rows = table
    for column, wanted in match.items():
        if column in rows:
            rows = rows[rows[column] == wanted]
    for scope in dict.fromkeys([sector, "all"]):
        here = rows[rows["sector"] == scope]
        if len(here):
            here = here.assign(_o=(here["origin"] != "store").astype(int)).sort_values(
                "_o", kind="stable"
            )
            row = here.iloc[0]
            out = {
                "scope": scope,
                "norm": float(row[value]),
                "origin": row["origin"],
                "source": row["source"],
                "n_clients": row.get("n_clients", np.nan),
                "n_norm": row.get("n", np.nan),
            }
            for extra in ("ci_low", "ci_high"):
                if extra in row:
                    out[f"norm_{extra}"] = row[extra]
            return out
    return {}


def compare_to_norm(
    results: Any,
    norms: Norms,
    *,
    sector: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ClientVsNorm:
    """Set a client wave (a :class:`~drivers.workflow.results.Results`) against norms.

    Parameters
    ----------
    results : Results
        Needs ``nps`` (an NPSResult), ``performance`` (touchpoint grades) and
        ``drivers`` (a DriverResult) - what :func:`drivers.analyse` gives.
    norms : Norms
    sector : str, optional
        The client's sector; default the sector the norms were made for, else "all".
        Figures the sector lacks come from all clients.
    mapping : dict, optional
        The client's own taxonomy mapping (see :func:`standardise`).

    Returns
    -------
    ClientVsNorm
    """
    if not isinstance(norms, Norms):
        raise ParameterError(
            f"compare_to_norm needs Norms (from dr.norms); got {type(norms).__name__}."
        )
    sector = sector or norms.sector or "all"
    own = results.nps
    nps_row = {"nps": own.nps, "ci_low": own.ci_low, "ci_high": own.ci_high, "n": own.n}
    nps_row.update(_norm_row(norms.nps, sector, "nps"))
    if "norm" in nps_row:
        nps_row["difference"] = nps_row["nps"] - nps_row["norm"]
        nps_row["norm_inside_ci"] = bool(own.ci_low <= nps_row["norm"] <= own.ci_high)
    perf = results.performance
    names = standardise(perf["touchpoint"], mapping)
    grade_rows = []
    for _, row in perf.iterrows():
        standard = names[row["touchpoint"]]
        out = {
            "touchpoint": row["touchpoint"],
            "label": row.get("label", row["touchpoint"]),
            "standard": standard,
            "n": row["n"],
            "mean": row["mean"],
            "ci_low": row["ci_low"],
            "ci_high": row["ci_high"],
        }
        if standard is not None:
            out.update(_norm_row(norms.grades, sector, "mean", touchpoint=standard))
            best = _norm_row(norms.best_in_class, sector, "value", touchpoint=standard)
            out["best_in_class"] = best.get("norm", np.nan)
            out["best_in_class_clients"] = best.get("n_clients", np.nan)
            out["best_in_class_source"] = best.get("source", "")
        grade_rows.append(out)
    grades = pd.DataFrame(grade_rows)
    if "norm" in grades:
        grades["difference"] = grades["mean"] - grades["norm"]
    table = results.drivers.table
    if "indicator" in table:
        table = table[~table["indicator"].astype(bool)]
    names = standardise(table["driver"], mapping)
    imp_rows = []
    for _, row in table.iterrows():
        standard = names[row["driver"]]
        out = {
            "touchpoint": row["driver"],
            "label": row.get("label", row["driver"]),
            "standard": standard,
            "share": row.get("share", np.nan),
            "share_ci_low": row.get("share_ci_low", np.nan),
            "share_ci_high": row.get("share_ci_high", np.nan),
            "rank": row.get("rank", np.nan),
        }
        if standard is not None:
            out.update(_norm_row(norms.importance, sector, "share", touchpoint=standard))
        imp_rows.append(out)
    importance = pd.DataFrame(imp_rows)
    return ClientVsNorm(
        nps=pd.DataFrame([nps_row]), grades=grades, importance=importance, sector=sector
    )


# --------------------------------------------------------------------------- shrinkage


def correlation_prior(
    pairs: pd.DataFrame, variables: Sequence[str], *, min_clients: int = MIN_CLIENTS
) -> tuple[np.ndarray, np.ndarray]:
    """The norm's correlation matrix and the between-client variance of each correlation.

    Parameters
    ----------
    pairs : DataFrame
        Pair statistics of the norm's clients (one wave each, wave totals).
    variables : list of str
        Matrix order (the NPS last for Shapley).
    min_clients : int
        Fewer clients than this give no prior (``ParameterError``).

    Returns
    -------
    mean : ndarray (q, q)
        The pooled correlation matrix (:func:`pooled_corr`).
    tau2 : ndarray (q, q)
        Method-of-moments variance of the clients' true correlations around it:
        ``max(0, var_k(r_k) - mean_k((1 - r_k²)² / (n_k - 1)))``; 0 on the diagonal.
    """
    clients = sorted(set(pairs["client"]))
    if len(clients) < min_clients:
        raise ParameterError(
            f"correlation_prior needs at least {min_clients} clients; got {len(clients)}."
        )
    mean, _ = pooled_corr(pairs, variables)
    variables = list(variables)
    index = {v: i for i, v in enumerate(variables)}
    frame = pairs[pairs["a"].isin(index) & pairs["b"].isin(index) & (pairs["a"] != pairs["b"])]
    i, j = frame["a"].map(index).to_numpy(), frame["b"].map(index).to_numpy()
    swap = i > j
    # Per client and pair, the same sums as pooled_corr (one vectorised pass, not a loop
    # over clients: the store's norms stay fast with hundreds of clients).
    sums = (
        pd.DataFrame(
            {
                "client": frame["client"].to_numpy(),
                "i": np.where(swap, j, i),
                "j": np.where(swap, i, j),
                "n": frame["n"].to_numpy(float),
                "w": frame["w"].to_numpy(float),
                "sa": np.where(swap, frame["sum_b"], frame["sum_a"]),
                "sb": np.where(swap, frame["sum_a"], frame["sum_b"]),
                "saa": np.where(swap, frame["sumsq_b"], frame["sumsq_a"]),
                "sbb": np.where(swap, frame["sumsq_a"], frame["sumsq_b"]),
                "sab": frame["sum_ab"].to_numpy(float),
            }
        )
        .groupby(["client", "i", "j"], sort=False)
        .sum()
        .reset_index()
    )
    w = sums["w"]
    cov = w * sums["sab"] - sums["sa"] * sums["sb"]
    var_a = w * sums["saa"] - sums["sa"] ** 2
    var_b = w * sums["sbb"] - sums["sb"] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (cov / np.sqrt(var_a * var_b)).where((var_a > 0) & (var_b > 0))
        noise = (1 - r**2) ** 2 / (sums["n"] - 1)
    per_pair = pd.DataFrame({"i": sums["i"], "j": sums["j"], "r": r, "noise": noise}).groupby(
        ["i", "j"]
    )
    spread = per_pair["r"].var(ddof=1)
    sampling = per_pair["noise"].mean()
    q = len(variables)
    tau2 = np.zeros((q, q))
    gap = (spread - sampling).to_numpy(float)
    gap = np.maximum(np.nan_to_num(gap, nan=0.0, posinf=0.0, neginf=0.0), 0.0)
    pi, pj = spread.index.get_level_values(0), spread.index.get_level_values(1)
    tau2[pi, pj] = tau2[pj, pi] = gap
    np.fill_diagonal(tau2, 0.0)
    return mean, tau2


def shrink_corr(
    corr: np.ndarray, n: np.ndarray | float, mean: np.ndarray, tau2: np.ndarray
) -> np.ndarray:
    """Empirical-Bayes shrinkage of a small wave's correlations toward the norm.

    Each correlation ``r`` (sampling variance ``v = (1 - m²)² / (n - 1)`` with ``m`` the
    norm) moves toward the norm ``m`` by ``B = v / (v + τ²)``: ``m + (1 - B)(r - m)``.
    With many respondents ``B → 0`` (the client's own correlation); with clients that
    hardly differ (``τ² → 0``) the norm. The result is made positive semi-definite.
    """
    corr = np.asarray(corr, dtype=float)
    n = np.broadcast_to(np.asarray(n, dtype=float), corr.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = (1 - mean**2) ** 2 / np.maximum(n - 1, 1)
        weight = np.where(v + tau2 > 0, tau2 / (v + tau2), 1.0)
    out = mean + weight * (corr - mean)
    out = np.where(np.isfinite(out), out, mean)
    np.fill_diagonal(out, 1.0)
    lam, vec = np.linalg.eigh((out + out.T) / 2)
    if lam.min() < 1e-10:
        fixed = (vec * np.clip(lam, 1e-8, None)) @ vec.T
        sd = np.sqrt(np.diag(fixed))
        out = fixed / np.outer(sd, sd)
        np.fill_diagonal(out, 1.0)
    return out


#: Waves up to this many respondents gain from shrinkage (see :func:`shrunk_importance`).
SHRINK_BELOW = 150

_SHRUNK_COLUMNS = [
    "touchpoint",
    "label",
    "standard",
    "scope",
    "n",
    "n_eff",
    "own_share",
    "shrunk_share",
    "weight",
    "r_own",
    "r_norm",
    "r_shrunk",
    "note",
]


def _prior_matrix(
    prior: pd.DataFrame, standard: Sequence[str | None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The norm's r and tau2 in the client's order; ``known`` where the norm has the pair."""
    q = len(standard)
    mean, tau2, known = np.full((q, q), np.nan), np.zeros((q, q)), np.zeros((q, q), bool)
    lookup = {frozenset((row.a, row.b)): (row.r, row.tau2) for row in prior.itertuples(index=False)}
    for i in range(q):
        for j in range(i + 1, q):
            if standard[i] is None or standard[j] is None:
                continue
            found = lookup.get(frozenset((standard[i], standard[j])))
            if found is not None and np.isfinite(found[0]):
                mean[i, j] = mean[j, i] = found[0]
                tau2[i, j] = tau2[j, i] = max(float(found[1]), 0.0)
                known[i, j] = known[j, i] = True
    return mean, tau2, known


def shrunk_importance(
    data: Any,
    norms: Norms,
    *,
    sector: str | None = None,
    mapping: Mapping[str, str] | None = None,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    r"""Shapley importance of a small wave, shrunk toward the sector norm.

    With 60 or 150 respondents a wave's correlations are noisy, and so are its Shapley
    shares. When the firm's benchmark store holds many clients whose correlations differ
    little, the norm is a good prior: each of the wave's correlations moves toward the
    norm's by the empirical-Bayes weight ``B = v / (v + τ²)`` (:func:`shrink_corr`), and
    Shapley is computed on the shrunk matrix. In a simulation with clients scattered
    around a norm this lowers the error against the true importance for n ≤ 150
    (``tests/test_pool.py``; figures in ``bench/README.md``). With a large wave
    ``B → 0``: the own importance stands.

    Parameters
    ----------
    data : Survey or DataFrame
        One row per respondent. A Survey supplies ``outcome``, ``drivers``, ``weights``
        and labels, as in :func:`~drivers.stats.importance.key_drivers`.
    norms : Norms
        From :func:`drivers.norms`; its ``correlations`` are the prior.
    sector : str, optional
        The client's sector; default the sector of the norms. A pair the sector's norm
        lacks comes from all clients, as in :func:`compare_to_norm`.
    mapping : dict, optional
        The client's own taxonomy mapping (see :func:`standardise`).
    outcome, drivers, weights : optional
        As in ``key_drivers``; required for a DataFrame (``outcome``, ``drivers``).

    Returns
    -------
    DataFrame
        One row per touchpoint, sorted by ``shrunk_share``: ``touchpoint``, ``label``,
        ``standard`` (None: client-only), ``scope`` (the norm used), ``n`` (answered the
        touchpoint and the NPS), ``n_eff`` (Kish), ``own_share`` (Shapley share of R² on
        the wave's own weighted, pairwise-complete correlations, the norm's basis),
        ``shrunk_share``, ``weight`` (``B`` of its correlation with the NPS: 0 = own
        correlation kept, 1 = the norm's), ``r_own``, ``r_norm``, ``r_shrunk`` (that
        correlation) and ``note`` (why a touchpoint was not shrunk). A touchpoint without
        a standard touchpoint, or whose pair the norm lacks, keeps its own correlations
        (weight 0).

    Notes
    -----
    ``v = (1 − m²)² / (n_eff − 1)`` is the sampling variance of a correlation ``r`` near
    the norm ``m`` (Fisher), with Kish's effective n of the rows behind the pair; ``τ²``
    is the between-client variance of the true correlations (:func:`correlation_prior`).
    The shrunk matrix is ``m + (1 − B)(r − m)``, made positive semi-definite. The
    shares are of each model's own R², so they sum to 1 in both columns.

    Examples
    --------
    >>> from drivers import demo
    >>> from drivers.workflow.pool import norms
    >>> table = shrunk_importance(demo.load(), norms("no-store.duckdb"))  # no store: no prior
    >>> bool((table["weight"] == 0).all()), bool(table["own_share"].sum().round(6) == 1)
    (True, True)
    """
    from drivers.stats.importance import _corr_pairwise, _nearest_psd, _prepare

    if not isinstance(norms, Norms):
        raise ParameterError(
            f"shrunk_importance needs Norms (from dr.norms); got {type(norms).__name__}."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sparse touchpoints: pairwise is the point here
        design = _prepare(data, outcome, drivers, weights, "pairwise", None, None)
    keys = list(design.drivers)
    Z, w = design.Z, design.w
    seen = (~np.isnan(Z)).astype(float)
    n = seen.T @ seen
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = (seen.T @ (seen * w[:, None])) ** 2 / (seen.T @ (seen * (w**2)[:, None]))
        own = _corr_pairwise(Z, w)
    own = np.where(np.isfinite(own), own, 0.0)
    np.fill_diagonal(own, 1.0)
    own, _ = _nearest_psd(own)

    names = standardise(keys, mapping)
    standard = [names[k] for k in keys] + [NPS]
    scope = sector or norms.sector or "all"
    prior = norms.correlations
    if not len(prior):
        prior = pd.DataFrame(columns=_PRIOR_COLUMNS)
    here = prior[prior["sector"] == scope]
    mean, tau2, known = _prior_matrix(here, standard)
    used = np.where(known, scope, "")
    if scope != "all":  # pairs the sector lacks: the norm of all clients
        mean_all, tau2_all, known_all = _prior_matrix(prior[prior["sector"] == "all"], standard)
        fill = known_all & ~known
        mean, tau2 = np.where(fill, mean_all, mean), np.where(fill, tau2_all, tau2)
        used = np.where(fill, "all", used)
        known = known | fill
    # Where the norm has nothing, the "norm" is the wave itself: nothing moves.
    centre = np.where(known, mean, own)
    np.fill_diagonal(centre, 1.0)
    shrunk = shrink_corr(own, n_eff, centre, np.where(known, tau2, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        v = (1 - centre**2) ** 2 / np.maximum(n_eff - 1, 1)
        weight = np.where(known, np.where(v + tau2 > 0, v / (v + tau2), 1.0), 0.0)
    own_parts, own_r2 = shapley_from_corr(own)
    shrunk_parts, shrunk_r2 = shapley_from_corr(shrunk)
    notes = []
    for k, key in enumerate(keys):
        if names[key] is None:
            notes.append("no standard touchpoint: own importance")
        elif not known[k, -1]:
            notes.append("no norm for this touchpoint: own importance")
        else:
            notes.append("")
    table = pd.DataFrame(
        {
            "touchpoint": keys,
            "label": list(design.labels[: len(keys)]),
            "standard": [names[k] for k in keys],
            "scope": [str(s) if s else None for s in used[:-1, -1]],
            "n": n[:-1, -1].astype("int64"),
            "n_eff": n_eff[:-1, -1],
            "own_share": own_parts / own_r2 if own_r2 > 0 else np.nan,
            "shrunk_share": shrunk_parts / shrunk_r2 if shrunk_r2 > 0 else np.nan,
            "weight": weight[:-1, -1],
            "r_own": own[:-1, -1],
            "r_norm": np.where(known[:-1, -1], mean[:-1, -1], np.nan),
            "r_shrunk": shrunk[:-1, -1],
            "note": notes,
        }
    )
    return table.sort_values("shrunk_share", ascending=False, kind="stable")[
        _SHRUNK_COLUMNS
    ].reset_index(drop=True)

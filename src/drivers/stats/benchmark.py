"""Published Dutch B2B benchmarks for NPS, its shares and touchpoint grades.

Every figure comes from one of the articles in the project's seed set and its row
names that file (``source_file``). The table ships as package data
(``drivers/data/benchmarks_nl_b2b.csv``); ``data/benchmarks/README.md`` describes
the columns.

Examples
--------
>>> from drivers.stats.benchmark import benchmark, compare_benchmark
>>> benchmark(measure="nps", sector="groothandel")["value"].tolist()
[29.0]
>>> result = compare_benchmark(23, sector="groothandel", ci=(15, 31))
>>> result.difference, result.within_ci
(-6.0, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from drivers.errors import ParameterError, check_option
from drivers.stats._summary import Summarised, SummaryParts

__all__ = [
    "GROUPS",
    "MEASURES",
    "BenchmarkComparison",
    "benchmark",
    "compare_benchmark",
    "grade_benchmarks",
    "nps_benchmark",
]

MEASURES = ("nps", "promoters", "passives", "detractors", "grade")
GROUPS = ("overall", "sector", "top_performers", "non_top_performers", "best_in_class", "top3")
_COLUMNS = (
    "measure",
    "group",
    "sector",
    "touchpoint",
    "year",
    "value",
    "unit",
    "source_file",
    "source",
    "note",
)


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    path = files("drivers") / "data" / "benchmarks_nl_b2b.csv"
    with path.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(
            handle,
            dtype={c: str for c in _COLUMNS if c not in ("year", "value")},
            keep_default_na=False,
        )
    table["year"] = table["year"].astype(int)
    table["value"] = table["value"].astype(float)
    return table[list(_COLUMNS)]


def benchmark(
    *,
    measure: str | None = None,
    sector: str | None = None,
    group: str | None = None,
    touchpoint: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """The published benchmark figures, optionally filtered.

    Parameters
    ----------
    measure : {"nps", "promoters", "passives", "detractors", "grade"}, optional
        NPS in points (-100..100), shares of promoters/passives/detractors (0..1) or
        a grade on the Dutch 1-10 scale.
    sector : str, optional
        ``"all"`` for the whole Dutch B2B market, or a sector key such as
        ``"groothandel"``, ``"industrie"`` or ``"ict"``.
    group : str, optional
        ``"overall"``, ``"sector"``, ``"top_performers"``, ``"non_top_performers"``,
        ``"best_in_class"`` or ``"top3"``.
    touchpoint : str, optional
        Touchpoint key such as ``"klachtafhandeling"``; rows without a touchpoint
        have an empty string.
    year : int, optional
        Measurement year (see the row's ``note`` where the article leaves it open).

    Returns
    -------
    pandas.DataFrame
        One row per published figure with the columns ``measure``, ``group``,
        ``sector``, ``touchpoint``, ``year``, ``value``, ``unit``, ``source_file``,
        ``source`` and ``note``; a copy, safe to modify.

    Raises
    ------
    drivers.errors.ParameterError
        A filter value that no row has (with a did-you-mean suggestion).

    Examples
    --------
    >>> rows = benchmark(measure="grade", sector="all", touchpoint="klachtafhandeling")
    >>> list(zip(rows["group"], rows["value"], strict=True))
    [('overall', 6.6), ('top_performers', 7.2)]
    """
    table = _table()
    filters = {
        "measure": measure,
        "sector": sector,
        "group": group,
        "touchpoint": touchpoint,
        "year": year,
    }
    allowed = {
        "measure": MEASURES,
        "group": GROUPS,
        "sector": sorted(set(table["sector"])),
        "touchpoint": sorted(set(table["touchpoint"]) - {""}),
        "year": sorted(set(table["year"].tolist())),
    }
    mask = pd.Series(True, index=table.index)
    for column, value in filters.items():
        if value is None:
            continue
        check_option("benchmark", column, value, allowed[column])
        mask &= table[column] == value
    return table[mask].reset_index(drop=True).copy()


def _latest(rows: pd.DataFrame) -> pd.Series | None:
    if rows.empty:
        return None
    return rows.sort_values(["year", "source_file"], kind="stable").iloc[-1]


def grade_benchmarks(group: str = "top_performers") -> dict[str, float]:
    """Published grade per touchpoint for the whole B2B market (sector ``"all"``).

    Parameters
    ----------
    group : str, default "top_performers"
        Which organisations: ``"overall"`` (the B2B average), ``"top_performers"``,
        ``"non_top_performers"``, ...

    Returns
    -------
    dict
        Touchpoint key -> grade (1-10) of the latest year published; touchpoints the
        articles give no figure for are absent.

    Examples
    --------
    >>> grade_benchmarks()
    {'klachtafhandeling': 7.2, 'klantenservice': 8.9}
    >>> grade_benchmarks("overall")
    {'klachtafhandeling': 6.6}
    """
    check_option("grade_benchmarks", "group", group, GROUPS)
    table = benchmark(measure="grade", sector="all", group=group)
    table = table[table["touchpoint"] != ""]
    out: dict[str, float] = {}
    for key, rows in table.groupby("touchpoint", sort=True):
        out[str(key)] = float(_latest(rows)["value"])
    return out


def nps_benchmark(sector: str | None = None) -> tuple[str, float] | None:
    """(label, NPS) to draw as a benchmark line: the sector's latest, else B2B overall.

    Parameters
    ----------
    sector : str, optional
        Sector key such as ``"groothandel"``. A sector with no published NPS (or
        None) falls back to the latest overall Dutch B2B NPS.

    Returns
    -------
    tuple of (str, float) or None
        ``("Benchmark groothandel", 29.0)`` or ``("Benchmark B2B", 17.0)``; None only
        when the table has no overall NPS.

    Examples
    --------
    >>> nps_benchmark("groothandel")
    ('Benchmark groothandel', 29.0)
    >>> nps_benchmark()
    ('Benchmark B2B', 17.0)
    """
    if sector is not None and not isinstance(sector, str):
        raise ParameterError(
            f"The 'sector' parameter of nps_benchmark must be a sector key (text) or None. "
            f"Got {type(sector).__name__} instead."
        )
    table = benchmark(measure="nps")
    if sector and sector != "all":
        row = _latest(table[(table["group"] == "sector") & (table["sector"] == sector)])
        if row is not None:
            return f"Benchmark {sector}", float(row["value"])
    row = _latest(table[(table["group"] == "overall") & (table["sector"] == "all")])
    if row is None:
        return None
    return "Benchmark B2B", float(row["value"])


@dataclass(frozen=True, eq=False, repr=False)
class BenchmarkComparison(Summarised):
    """A value set against a published benchmark.

    ``difference`` is ``value - benchmark`` in the measure's unit. ``within_ci`` says
    whether the benchmark lies inside the value's confidence interval, or is None
    when no interval was given.
    """

    value: float
    benchmark: float
    difference: float
    source_file: str
    year: int
    within_ci: bool | None = None
    measure: str = "nps"

    def _fmt(self, x: float, signed: bool = False) -> str:
        if self.measure == "nps":
            return f"{x:+.0f}"
        if self.measure == "grade":
            return f"{x:+.1f}" if signed else f"{x:.1f}"
        return f"{100 * x:+.0f} pt" if signed else f"{100 * x:.0f}%"

    _repr_fields = ("measure", "value", "benchmark", "difference", "year")

    def _summary_parts(self) -> SummaryParts:
        text = (
            f"{self.measure} {self._fmt(self.value)} vs benchmark "
            f"{self._fmt(self.benchmark)} ({self.year}, {self.source_file}): "
            f"difference {self._fmt(self.difference, signed=True)}"
        )
        if self.within_ci is not None:
            where = "inside" if self.within_ci else "outside"
            text += f"; benchmark {where} the confidence interval"
        return SummaryParts(header=[text])


def compare_benchmark(
    value: float,
    *,
    measure: str = "nps",
    sector: str | None = None,
    group: str | None = None,
    touchpoint: str | None = None,
    year: int | None = None,
    ci: tuple[float, float] | None = None,
) -> BenchmarkComparison:
    """Compare a value with the latest matching published benchmark.

    Parameters
    ----------
    value : float
        Your figure, in the benchmark's unit: NPS points, a share 0..1 or a grade.
    measure : str, default "nps"
        ``"nps"``, ``"promoters"``, ``"passives"``, ``"detractors"`` or ``"grade"``.
    sector : str, optional
        Sector key; None means the whole B2B market (``"all"``).
    group : str, optional
        None means ``"sector"`` for a sector and ``"overall"`` for the market.
    touchpoint : str, optional
        Touchpoint key for touchpoint grades; None compares with figures that have
        no touchpoint.
    year : int, optional
        Benchmark year; None takes the latest year published for the selection.
    ci : (float, float), optional
        Confidence interval (low, high) of ``value``; sets ``within_ci``.

    Returns
    -------
    BenchmarkComparison

    Raises
    ------
    drivers.errors.ParameterError
        Unknown option, or no published figure for this combination.

    Examples
    --------
    >>> print(compare_benchmark(7.0, measure="grade", touchpoint="klachtafhandeling"))
    grade 7.0 vs benchmark 6.6 (2020, 000_916d8e913ebbf579.txt): difference +0.4
    """
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ParameterError(
            f"The 'value' parameter of compare_benchmark must be a number. Got {value!r} instead."
        )
    if ci is not None:
        try:
            ci = tuple(float(x) for x in ci)
        except (TypeError, ValueError):
            ci = ()
        if len(ci) != 2:
            raise ParameterError(
                f"The 'ci' parameter of compare_benchmark must be (low, high). Got {ci!r} instead."
            )
    sector = "all" if sector is None else sector
    if group is None:
        group = "overall" if sector == "all" else "sector"
    rows = benchmark(measure=measure, sector=sector, group=group, touchpoint=touchpoint, year=year)
    if touchpoint is None:
        rows = rows[rows["touchpoint"] == ""]
    row = _latest(rows)
    if row is None:
        raise ParameterError(
            f"compare_benchmark found no published {measure!r} figure for sector={sector!r}, "
            f"group={group!r}, touchpoint={touchpoint!r}, year={year!r}. See drivers.stats.benchmark.benchmark() "
            "for the figures there are."
        )
    if ci is not None:
        low, high = sorted(float(x) for x in ci)
        within: bool | None = bool(low <= float(row["value"]) <= high)
    else:
        within = None
    reference = float(row["value"])
    return BenchmarkComparison(
        value=float(value),
        benchmark=reference,
        difference=float(value) - reference,
        source_file=str(row["source_file"]),
        year=int(row["year"]),
        within_ci=within,
        measure=measure,
    )

"""Published Dutch B2B benchmarks: figures, provenance, filters and comparisons."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from drivers.errors import ParameterError
from drivers.stats.benchmark import (
    BenchmarkComparison,
    benchmark,
    compare_benchmark,
    grade_benchmarks,
    nps_benchmark,
)

ROOT = Path(__file__).resolve().parents[1]
REPO_CSV = ROOT / "data" / "benchmarks" / "nl_b2b.csv"
PACKAGE_CSV = ROOT / "src" / "drivers" / "data" / "benchmarks_nl_b2b.csv"
SEEDS = {
    "000_916d8e913ebbf579.txt",
    "001_35284863b44b2303.txt",
    "002_16338b2baa1eb35f.txt",
    "003_cfed8dcabb6fb3f2.txt",
    "004_805f19a6d9e2dae5.txt",
}


def _value(**filters) -> list[float]:
    return benchmark(**filters)["value"].tolist()


def test_copies_are_byte_identical():
    assert REPO_CSV.read_bytes() == PACKAGE_CSV.read_bytes()


def test_every_row_cites_a_seed_file():
    table = benchmark()
    assert len(table) > 0
    for name in table["source_file"]:
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", name)
        assert name in SEEDS
    assert (table["source"] != "").all()


def test_columns_and_units():
    table = benchmark()
    assert list(table.columns) == [
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
    ]
    units = {
        "nps": "NPS points",
        "promoters": "share",
        "passives": "share",
        "detractors": "share",
        "grade": "grade 1-10",
    }
    assert (table["unit"] == table["measure"].map(units)).all()
    shares = table[table["unit"] == "share"]["value"]
    assert shares.between(0, 1).all()


def test_published_figures():
    assert _value(measure="nps", group="overall", year=2024, sector="all") == [17.0, 17.0]
    assert _value(measure="nps", group="overall", year=2018) == [14.0]
    assert _value(measure="nps", group="overall", year=2020) == [11.0]
    assert _value(measure="nps", sector="groothandel") == [29.0]
    assert _value(measure="nps", sector="industrie") == [34.0]
    assert _value(measure="nps", sector="afval") == [5.0]
    assert _value(measure="nps", group="top_performers") == [40.0]
    assert _value(measure="nps", group="top3", sector="ict") == [31.0]
    klacht = benchmark(measure="grade", sector="all", touchpoint="klachtafhandeling")
    assert dict(zip(klacht["group"], klacht["value"], strict=True)) == {
        "overall": 6.6,
        "top_performers": 7.2,
    }
    assert _value(
        measure="grade", sector="ict", touchpoint="klachtafhandeling", group="best_in_class"
    ) == [8.0]


def test_shares_sum_to_one_per_edition():
    shares = benchmark(sector="all", group="overall")
    shares = shares[shares["unit"] == "share"]
    totals = shares.groupby("year")["value"].sum()
    assert totals.to_dict() == pytest.approx({2020: 1.0, 2024: 1.0})


def test_filters_combine():
    table = benchmark(measure="nps", sector="ict")
    assert set(table["sector"]) == {"ict"} and set(table["measure"]) == {"nps"}
    assert sorted(table["value"]) == [2.0, 6.0, 31.0]
    assert benchmark(measure="grade", year=2023)["value"].tolist() == [7.6]


def test_returns_a_copy():
    table = benchmark()
    table.loc[:, "value"] = 0.0
    assert benchmark(measure="nps", sector="groothandel")["value"].tolist() == [29.0]


def test_grade_benchmarks():
    assert grade_benchmarks() == {"klachtafhandeling": 7.2, "klantenservice": 8.9}
    assert grade_benchmarks("overall") == {"klachtafhandeling": 6.6}
    assert grade_benchmarks("non_top_performers") == {"klantenservice": 8.0}


def test_nps_benchmark():
    assert nps_benchmark("groothandel") == ("Benchmark groothandel", 29.0)
    assert nps_benchmark("ict") == ("Benchmark ict", 6.0)  # latest, not the top 3
    assert nps_benchmark() == ("Benchmark B2B", 17.0)
    assert nps_benchmark("bouw") == ("Benchmark B2B", 17.0)  # no published NPS


def test_compare_arithmetic_and_ci():
    result = compare_benchmark(23, sector="groothandel", ci=(15, 31))
    assert isinstance(result, BenchmarkComparison)
    assert (result.value, result.benchmark, result.difference) == (23.0, 29.0, -6.0)
    assert result.source_file == "001_35284863b44b2303.txt" and result.year == 2024
    assert result.within_ci is True
    assert compare_benchmark(23, sector="groothandel", ci=(24, 20)).within_ci is False
    assert compare_benchmark(23, sector="groothandel").within_ci is None
    overall = compare_benchmark(10.0)
    assert overall.benchmark == 17.0 and overall.difference == -7.0
    grade = compare_benchmark(
        7.0, measure="grade", touchpoint="klachtafhandeling", group="top_performers"
    )
    assert grade.difference == pytest.approx(-0.2)
    share = compare_benchmark(0.40, measure="promoters")
    assert share.benchmark == 0.34 and share.year == 2024
    text = str(result)
    assert "+29" in text and "-6" in text and "inside" in text


def test_compare_is_frozen():
    result = compare_benchmark(20)
    with pytest.raises(AttributeError):
        result.value = 1.0  # type: ignore[misc]


def test_unknown_sector_suggests():
    with pytest.raises(ParameterError, match="Did you mean 'groothandel'"):
        benchmark(sector="groothandl")
    with pytest.raises(ParameterError, match="Did you mean"):
        compare_benchmark(20, sector="industry")


def test_unknown_options_raise():
    with pytest.raises(ParameterError, match="measure"):
        benchmark(measure="nsp")
    with pytest.raises(ParameterError, match="group"):
        grade_benchmarks("top_performer")
    with pytest.raises(ParameterError, match="no published"):
        compare_benchmark(7.0, measure="grade", sector="groothandel")


def test_table_is_a_dataframe():
    assert isinstance(benchmark(), pd.DataFrame)


def test_compare_with_a_year():
    # 000_916d8e913ebbf579.txt: B2B average +11 in 2020, +14 in 2018.
    assert compare_benchmark(15, year=2020).difference == 4.0
    assert compare_benchmark(15, year=2018).benchmark == 14.0
    # 001_35284863b44b2303.txt: "de vorige meting" +15, this edition +17.
    assert compare_benchmark(15, year=2023).difference == 0.0
    ict = compare_benchmark(4, sector="ict", year=2023)
    assert (ict.benchmark, ict.source_file) == (2.0, "003_cfed8dcabb6fb3f2.txt")
    with pytest.raises(ParameterError, match="year"):
        compare_benchmark(15, year=2019)


def test_source_files_per_seed():
    # Only three seeds publish figures; 002 (2012) and 004 (2015) have none.
    counts = benchmark()["source_file"].value_counts().to_dict()
    assert set(counts) == {
        "000_916d8e913ebbf579.txt",
        "001_35284863b44b2303.txt",
        "003_cfed8dcabb6fb3f2.txt",
    }


def test_ict_figures():
    # 003_cfed8dcabb6fb3f2.txt: grade 7.6 -> 7.7, complaint handling 6.2 (best: 8).
    overall = benchmark(measure="grade", sector="ict", group="sector")
    overall = overall[overall["touchpoint"] == ""]
    assert dict(zip(overall["year"], overall["value"], strict=True)) == {2024: 7.7, 2023: 7.6}
    assert _value(
        measure="grade", sector="ict", touchpoint="klachtafhandeling", group="sector"
    ) == [6.2]
    assert sorted(_value(measure="grade", sector="ict", group="sector")) == [6.2, 7.6, 7.7]


def test_promoter_shares_per_sector():
    # 000_916d8e913ebbf579.txt: industrie, groothandel, transport 43%, 35%, 32% promoters.
    rows = benchmark(measure="promoters", group="sector")
    assert dict(zip(rows["sector"], rows["value"], strict=True)) == {
        "industrie": 0.43,
        "groothandel": 0.35,
        "transport": 0.32,
    }

"""The issue's fixture client onboarded end to end with the CLI, as the README shows.

Three waves as they arrive: 2022 in xlsx on a named sheet, 2023 a ';' cp1252 CSV with a
don't-know text that is not in na_codes, 2024 an SPSS file with short names (Q1, Q5_1, ...),
variable labels and user-missing codes; webshop is asked in 2024 only; every wave has
weights. `drivers new` -> `drivers check <2024 file> --spec survey.toml` (its rename
proposal pasted into client.toml) -> `drivers run testklant/client.toml` (a relative path).
Fixtures in conftest.py: ``onboarding``, ``onboarded_run``, ``report``.
"""

import json

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from pptx import Presentation

import drivers as dr
from conftest import ADDED, SHEET, SHORT, UNKNOWN_CELLS, UNKNOWN_CODE


def _raw_waves(client):
    """The three files as pandas reads them, without the package: (NPS, weight) per wave."""
    xlsx = pd.read_excel(client / "meting_2022.xlsx", sheet_name=SHEET)
    csv = pd.read_csv(client / "meting_2023.csv", sep=";", encoding="cp1252", dtype=str)
    sav, _ = pyreadstat.read_sav(str(client / "meting_2024.sav"))
    return {
        "2022": (xlsx["Q1_aanbevelen"], xlsx["weegfactor"]),
        "2023": (csv["Q1_aanbevelen"], csv["weegfactor"].str.replace(",", ".")),
        "2024": (sav["Q1"], sav["W"]),
    }, csv


def test_check_proposes_the_mapping_that_was_pasted(onboarding):
    folder, log = onboarding
    (_, out), (_, check) = log
    assert ".venv/bin/drivers run testklant/client.toml" in out  # drivers new: README form
    proposal = next(line for line in check.splitlines() if line.startswith("rename = {"))
    for file_column, spec_column in SHORT.items():
        assert f'"{spec_column}" = "{file_column}"' in proposal
    for i in range(1, 11):
        assert f'"Q5_{i}" = "Q2_{i}"' in proposal
    assert "800 rows read, 800 used, 0 excluded" in check
    config = dr.load_client(folder / "client.toml")
    assert [w.name for w in config.waves] == ["2022", "2023", "2024"]
    assert config.wave("2022").sheet == SHEET
    assert config.wave("2024").rename["Q1"] == "Q1_aanbevelen"


def test_trend_grades_and_importance_cover_all_three_waves(report):
    r = dr.load_results(report / "results")
    assert r.waves == ("2022", "2023", "2024")
    assert list(r.nps_waves["wave"]) == ["2022", "2023", "2024"]
    assert list(r.nps_steps["wave_after"]) == ["2023", "2024"]
    trend = r.grade_trend.set_index(["wave", "touchpoint"])["mean"]
    assert set(r.grade_trend["wave"]) == {"2022", "2023", "2024"}
    assert np.isnan(trend[("2022", ADDED)]) and np.isnan(trend[("2023", ADDED)])
    assert 1 <= trend[("2024", ADDED)] <= 10  # asked in the last wave only: gaps before
    importance = r.importance_waves
    assert list(dict.fromkeys(importance["wave"])) == ["2022", "2023", "2024"]
    per_wave = importance.groupby("wave")["driver"].apply(set)
    assert ADDED not in per_wave["2022"] and ADDED in per_wave["2024"]
    assert importance.groupby("wave")["share"].sum().to_numpy() == pytest.approx([1, 1, 1])
    assert not importance.loc[importance["wave"] == "2022", "bootstrap"].any()
    charts = {p.stem for p in (report / "charts").glob("*.png")}
    assert {"grade_trend", "importance_waves", "nps_waves"} <= charts
    titles = [
        s.shapes.title.text if s.shapes.title is not None else ""
        for s in Presentation(report / "testklant_2024.pptx").slides
    ]
    story = titles.index("The story across waves")
    assert titles[story + 1 : story + 3] == [
        "Grades by wave",
        "What drives recommendation, wave by wave?",
    ]
    cells = json.loads((report / "05_wave_comparison.ipynb").read_text(encoding="utf-8"))["cells"]
    for cell_id in ("waves-08b", "waves-10d"):
        cell = next(c for c in cells if c["id"] == cell_id)
        assert [o for o in cell["outputs"] if "image/png" in o.get("data", {})], cell_id


def test_an_unknown_code_costs_only_its_cells(onboarded_run, client):
    report, _, done, _ = onboarded_run
    r = dr.load_results(report / "results")
    raw, csv = _raw_waves(client)
    q = r.quality["2023"]
    assert q.rows_read == q.rows_used == len(csv) and q.rows_excluded == 0
    assert q.cells_excluded == sum(UNKNOWN_CELLS.values())
    assert q.cells_by_kind.to_dict("records") == [
        {"column": column, "kind": "text", "n": n} for column, n in UNKNOWN_CELLS.items()
    ]
    assert UNKNOWN_CODE in q.na_code_hint and q.na_code_hint.startswith("na_codes = [")
    # the respondents with the unknown code keep their recommendation score
    nps = pd.to_numeric(raw["2023"][0])
    has_code = (csv[list(UNKNOWN_CELLS)] == UNKNOWN_CODE).any(axis=1)
    assert has_code.sum() == sum(UNKNOWN_CELLS.values()) or has_code.sum() > 0
    row = r.nps_waves.set_index("wave").loc["2023"]
    assert row["n"] == len(csv) == nps.notna().sum()
    # and the run says which na_codes line to add, in its closing summary
    assert UNKNOWN_CODE in done.stdout and "na_codes" in done.stdout


def test_weighted_and_unweighted_nps_per_wave_match_pandas_on_the_raw_files(report, client):
    r = dr.load_results(report / "results")
    raw, _ = _raw_waves(client)
    table = r.nps_waves.set_index("wave")
    for wave, (score, weight) in raw.items():
        score, weight = pd.to_numeric(score), pd.to_numeric(weight)
        valid = score.between(0, 10)
        score, weight = score[valid], weight[valid]
        promoter, detractor = (score >= 9).astype(float), (score <= 6).astype(float)
        plain = 100 * (promoter.mean() - detractor.mean())
        weighted = 100 * ((promoter - detractor) * weight).sum() / weight.sum()
        assert table.loc[wave, "nps_unweighted"] == pytest.approx(plain, abs=1e-9), wave
        assert table.loc[wave, "nps"] == pytest.approx(weighted, abs=1e-9), wave
        assert table.loc[wave, "n"] == valid.sum()
        assert bool(table.loc[wave, "weighted"])


def test_onboarding_log(onboarding, onboarded_run):
    """The command sequence and its output, for reading (`pytest -s`), and its wall time."""
    _, log = onboarding
    _, command, done, seconds = onboarded_run
    for args, out in [*log, (command, done.stdout)]:
        print(f"\n$ .venv/bin/drivers {' '.join(args)}\n{out}")
    print(f"three-wave run: {seconds:.1f} s")
    assert seconds > 0

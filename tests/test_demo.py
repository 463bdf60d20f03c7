"""The demo client: deterministic files, calibrated to the seed articles, loadable."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from drivers import demo
from drivers.errors import ParameterError

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "demo"
GRADES = list(demo.TOUCHPOINTS)
FILES = (
    "survey.toml",
    "client.toml",
    "themes.toml",
    "wave_2023.csv",
    "wave_2024.csv",
    "wave_2024.sav",
)


def read_wave(folder: Path, wave: int) -> pd.DataFrame:
    """A wave as text, the way a consultant's Excel would see the export."""
    return pd.read_csv(
        folder / f"wave_{wave}.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False
    )


def numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce")


def nps(scores: pd.Series) -> float:
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


@pytest.fixture(scope="module")
def waves() -> dict[int, pd.DataFrame]:
    return {wave: read_wave(SHIPPED, wave) for wave in demo.WAVES}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    return demo.generate(tmp_path_factory.mktemp("fresh"))


# -- determinism and drift -----------------------------------------------------------------
def test_same_seed_same_bytes(tmp_path):
    a = demo.generate(tmp_path / "a", seed=7, n=60)
    b = demo.generate(tmp_path / "b", seed=7, n=60)
    for name in ("survey.toml", "client.toml", "themes.toml", "wave_2023.csv", "wave_2024.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    sav_a, meta_a = pyreadstat.read_sav(a / "wave_2024.sav", user_missing=True)
    sav_b, _ = pyreadstat.read_sav(b / "wave_2024.sav", user_missing=True)
    pd.testing.assert_frame_equal(sav_a, sav_b)
    c = demo.generate(tmp_path / "c", seed=8, n=60)
    assert (a / "wave_2023.csv").read_bytes() != (c / "wave_2023.csv").read_bytes()


def test_shipped_files_equal_a_fresh_generation(fresh):
    # Compared as text (line ends normalised), so a checkout's line-end settings do not matter.
    for name in ("survey.toml", "client.toml", "themes.toml", "wave_2023.csv", "wave_2024.csv"):
        shipped = (SHIPPED / name).read_bytes().replace(b"\r\n", b"\n")
        assert shipped == (fresh / name).read_bytes().replace(b"\r\n", b"\n"), (
            f"data/demo/{name} differs from drivers.workflow.demo.generate(): run python -m drivers.workflow.demo"
        )
    shipped, shipped_meta = pyreadstat.read_sav(SHIPPED / "wave_2024.sav", user_missing=True)
    new, new_meta = pyreadstat.read_sav(fresh / "wave_2024.sav", user_missing=True)
    pd.testing.assert_frame_equal(shipped, new)
    assert shipped_meta.variable_value_labels == new_meta.variable_value_labels
    assert shipped_meta.column_labels == new_meta.column_labels


def test_files_are_small():
    sizes = {name: (SHIPPED / name).stat().st_size for name in FILES}
    assert sum(sizes.values()) < 2 * 1024 * 1024, sizes


def test_wave_streams_are_independent():
    # A wave's data depend on the seed and the wave only.
    small, large = demo.simulate(n=40), demo.simulate(n=40)
    pd.testing.assert_frame_equal(small[2023], large[2023])
    with pytest.raises(ParameterError, match="'n' parameter"):
        demo.simulate(n=3)


# -- the export format -----------------------------------------------------------------------
def test_dutch_csv_export():
    raw = (SHIPPED / "wave_2023.csv").read_bytes()
    header = raw.split(b"\r\n", 1)[0].decode("cp1252")
    assert header.split(";")[:6] == [
        "respondent",
        "golf",
        "sector",
        "omvang",
        "regio",
        "aanbeveling",
    ]
    text = raw.decode("cp1252")
    assert "Service én kwaliteit" in text  # accents in cp1252, so not valid UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_columns_and_rows(waves):
    for wave, frame in waves.items():
        assert 780 <= len(frame) <= 820
        expected = ["respondent", "golf", "sector", "omvang", "regio", "aanbeveling", *GRADES]
        assert list(frame.columns) == [*expected, "toelichting", "gewicht"]
        assert frame["respondent"].is_unique
        assert frame["respondent"].str.fullmatch(rf"R{wave % 100}-\d{{4}}").all()
        assert (frame["golf"] == str(wave)).all()
        scores = numbers(frame, "aanbeveling")
        assert scores.notna().all() and scores.between(0, 10).all()
        assert (scores == scores.round()).all()


def test_grades_and_not_applicable(waves):
    for frame in waves.values():
        for column in GRADES:
            values = frame[column]
            grades = numbers(frame, column)
            text = set(values[grades.isna()])
            assert text <= {"n.v.t.", "weet niet"}, column
            assert grades.dropna().between(1, 10).all()
            assert (grades.dropna() == grades.dropna().round()).all()
        complained = (frame["klachtafhandeling"] != "n.v.t.").mean()
        assert 0.25 <= complained <= 0.35
        assert 0.15 <= (frame["webshop"] == "n.v.t.").mean() <= 0.25
        dont_know = (frame[GRADES] == "weet niet").sum()
        assert 0 < dont_know.sum() < 0.02 * len(frame) * len(GRADES)


def test_weights_use_a_decimal_comma(waves):
    for frame in waves.values():
        assert frame["gewicht"].str.fullmatch(r"\d+,\d\d").all()
        weights = frame["gewicht"].str.replace(",", ".").astype(float)
        assert (weights > 0).all()
        assert weights.mean() == pytest.approx(1.0, abs=0.01)


def test_segments_have_a_small_sector(waves):
    for frame in waves.values():
        counts = frame["sector"].value_counts()
        assert set(counts.index) == {"bouw", "industrie", "horeca", "retail", "zorg"}
        assert 5 <= counts["zorg"] < 30  # flagged as a small base, never suppressed
        for column in ("sector", "omvang", "regio"):
            assert frame[column].value_counts().min() >= 5
        assert set(frame["omvang"]) == {"klein", "middel", "groot"}


def test_open_answers(waves):
    for frame in waves.values():
        answers = frame["toelichting"]
        assert 0.1 <= (answers == "").mean() <= 0.35
        assert answers[answers != ""].str.match(r"[A-Z]").all()
        assert answers.str.contains("klacht").any()


# -- calibration (seeds 000_916d8e913ebbf579.txt and 001_35284863b44b2303.txt) --------------
def test_nps_in_the_b2b_range(waves):
    values = {wave: nps(numbers(frame, "aanbeveling")) for wave, frame in waves.items()}
    for value in values.values():
        assert 15 <= value <= 30
    assert values[2024] > values[2023]


def test_complaint_handling_lowest_and_improving(waves):
    means = {w: f[GRADES].apply(pd.to_numeric, errors="coerce").mean() for w, f in waves.items()}
    assert means[2023]["klachtafhandeling"] == pytest.approx(6.6, abs=0.3)
    assert means[2023].idxmin() == "klachtafhandeling"
    assert means[2024]["klachtafhandeling"] > means[2023]["klachtafhandeling"] + 0.2
    for wave in demo.WAVES:
        assert means[wave]["klantenservice"] == pytest.approx(8.0, abs=0.3)
        others = means[wave].drop("klachtafhandeling")
        assert others.between(6.8, 8.3).all()


def test_touchpoints_correlate(waves):
    grades = waves[2023][GRADES].apply(pd.to_numeric, errors="coerce")
    corr = grades.corr().to_numpy()[np.triu_indices(len(GRADES), 1)]
    assert 0.15 <= corr.min() and corr.max() <= 0.6
    assert 0.25 <= corr.mean() <= 0.45


def test_true_drivers():
    weights = list(demo.TRUE_DRIVERS.values())
    assert set(demo.TRUE_DRIVERS) == set(GRADES)
    assert weights == sorted(weights, reverse=True)
    assert list(demo.TRUE_DRIVERS)[:4] == [
        "klachtafhandeling",
        "productkwaliteit",
        "klantenservice",
        "levering",
    ]
    assert demo.TRUE_DRIVERS["offerte"] == 0
    with pytest.raises(TypeError):
        demo.TRUE_DRIVERS["offerte"] = 1.0  # type: ignore[index]


# -- SPSS ------------------------------------------------------------------------------------
def test_sav_has_labels_and_user_missing(waves):
    data, meta = pyreadstat.read_sav(SHIPPED / "wave_2024.sav", user_missing=True)
    labels = meta.variable_value_labels
    assert labels["aanbeveling"][0] == "Zeer onwaarschijnlijk"
    assert labels["aanbeveling"][10] == "Zeer waarschijnlijk"
    assert labels["klachtafhandeling"][99] == "n.v.t."
    assert labels["offerte"][98] == "weet niet"
    assert labels["sector"][1] == "bouw"
    assert 99 in meta.missing_ranges["klachtafhandeling"][0].values() or any(
        r["lo"] <= 99 <= r["hi"] for r in meta.missing_ranges["klachtafhandeling"]
    )
    label_of = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert label_of["aanbeveling"].startswith("Hoe waarschijnlijk")
    # Same data as the CSV: n.v.t. coded 99.
    csv = waves[2024]
    assert (data["respondent"] == csv["respondent"]).all()
    not_applicable = csv["klachtafhandeling"] == "n.v.t."
    assert (data.loc[not_applicable, "klachtafhandeling"] == 99).all()
    graded = ~not_applicable
    assert (
        data.loc[graded, "klachtafhandeling"].to_numpy()
        == numbers(csv, "klachtafhandeling")[graded].to_numpy()
    ).all()
    # Without user_missing the codes read as missing.
    plain, _ = pyreadstat.read_sav(SHIPPED / "wave_2024.sav")
    assert plain["klachtafhandeling"].isna().sum() == not_applicable.sum()


# -- loading through the package -----------------------------------------------------------
def test_load_a_wave():
    survey = demo.load(2023)
    assert len(survey.data) == len(read_wave(SHIPPED, 2023))
    assert survey.spec.nps == "aanbeveling" and survey.spec.touchpoint_keys == tuple(GRADES)
    assert survey.spec.weight == "gewicht"
    data = survey.data
    assert data["klachtafhandeling"].notna().mean() == pytest.approx(0.3, abs=0.05)
    assert data["gewicht"].dtype == float


def test_load_both_waves():
    both = demo.load_both()
    assert len(both.data) == sum(len(read_wave(SHIPPED, w)) for w in demo.WAVES)
    assert sorted(both.data["golf"].astype(str).unique()) == ["2023", "2024"]
    assert len(demo.load(None).data) == len(both.data)


def test_load_rejects_an_unknown_wave():
    with pytest.raises(ParameterError, match="Did you mean"):
        demo.load(2022)


def test_load_from_a_folder(tmp_path):
    folder = demo.generate(tmp_path, n=60)
    assert len(demo.load(2024, path=folder).data) == 60


def test_cache_when_the_checkout_has_no_data(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path / "missing")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    folder = demo.demo_dir()
    assert folder.parent == tmp_path
    assert (folder / "wave_2024.csv").read_bytes() == (SHIPPED / "wave_2024.csv").read_bytes()


def test_module_main_regenerates(tmp_path, capsys):
    assert demo.main([str(tmp_path)]) == 0
    assert "Wrote the demo client" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)


# -- the driver structure can be found -----------------------------------------------------
@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("wave", demo.WAVES)
def test_shapley_recovers_the_top_drivers(wave):
    from drivers.stats.importance import key_drivers

    survey = demo.load(wave)
    everyone = [k for k in GRADES if k != "klachtafhandeling"]
    result = key_drivers(survey, drivers=everyone, progress=False)
    top = result.table.sort_values("rank")["driver"].tolist()[:3]
    assert top == ["productkwaliteit", "klantenservice", "levering"]
    assert 0.4 <= result.r2 <= 0.65
    pairwise = key_drivers(survey, drivers=GRADES, missing="pairwise", progress=False)
    order = pairwise.table.sort_values("rank")["driver"].tolist()
    assert order[:4] == list(demo.TRUE_DRIVERS)[:4]
    assert order[-1] != "klachtafhandeling"


def test_latent_effects_match_the_documented_weights():
    # On a large simulated wave, standardized OLS of the answer on the nine touchpoints
    # everyone grades orders them as TRUE_DRIVERS does (the small ones aside).
    frame = demo.simulate(seed=1, n=20_000)[2023]
    everyone = [k for k in GRADES if k not in ("klachtafhandeling", "webshop")]
    x = frame[everyone].where(frame[everyone] > 0)
    data = x.assign(y=frame["aanbeveling"]).dropna()
    z = (data - data.mean()) / data.std()
    beta = np.linalg.lstsq(z[everyone].to_numpy(), z["y"].to_numpy(), rcond=None)[0]
    order = [everyone[i] for i in np.argsort(-beta)][:3]
    assert order == ["productkwaliteit", "klantenservice", "levering"]
    assert re.fullmatch(r"\w+", order[0])

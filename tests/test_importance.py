"""Tests of the key-driver engine (drivers.stats.importance and its core drivers.stats._shapley)."""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from math import factorial
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import drivers.errors
from drivers.stats import _shapley
from drivers.stats.importance import METHODS, DriverResult, compare_drivers, key_drivers

DATA = Path(__file__).parent / "data"
LOW_PRIORITY_WARNINGS = (
    drivers.errors.SmallSampleWarning,
    drivers.errors.CollinearityWarning,
    drivers.errors.MissingTouchpointWarning,
)


# --------------------------------------------------------------------------- helpers


def quiet(data, **options) -> DriverResult:
    """key_drivers without the toolkit's advisory warnings and without a progress bar."""
    options.setdefault("progress", False)
    with warnings.catch_warnings():
        for category in LOW_PRIORITY_WARNINGS:
            warnings.simplefilter("ignore", category)
        return key_drivers(data, **options)


def survey_frame(n: int = 400, p: int = 4, seed: int = 0, effects=None) -> pd.DataFrame:
    """Grades 1-10 on correlated touchpoints and a 0-10 outcome driven by the first ones."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(n, 1))
    latent = 0.5 * factor + rng.normal(size=(n, p))
    grades = np.clip(np.round(7 + 1.5 * latent), 1, 10)
    effects = np.linspace(1.0, 0.0, p) if effects is None else np.asarray(effects)
    score = 7 + latent @ effects + rng.normal(scale=1.0, size=n)
    frame = pd.DataFrame(grades, columns=[f"tp{j}" for j in range(p)])
    frame["ltr"] = np.clip(np.round(score), 0, 10)
    frame["weight"] = rng.uniform(0.3, 3.0, size=n)
    return frame


def continuous_frame(n: int, p: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) @ rng.normal(size=(p, p))
    y = X @ rng.normal(size=p) + rng.normal(scale=2.0, size=n)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)])
    frame["y"] = y
    frame["w"] = rng.uniform(0.2, 4.0, size=n)
    return frame


def brute_force_shapley(frame: pd.DataFrame, drivers: list[str], weights=None) -> np.ndarray:
    """Reference: a statsmodels OLS/WLS fit on every subset, then Shapley weights."""
    p = len(drivers)
    y = frame["y"].to_numpy()
    r2 = {(): 0.0}
    for size in range(1, p + 1):
        for subset in itertools.combinations(range(p), size):
            X = sm.add_constant(frame[[drivers[j] for j in subset]].to_numpy())
            model = sm.OLS(y, X) if weights is None else sm.WLS(y, X, weights=weights)
            r2[subset] = model.fit().rsquared
    values = np.zeros(p)
    for subset, value in r2.items():
        if len(subset) == p:
            continue
        weight = factorial(len(subset)) * factorial(p - len(subset) - 1) / factorial(p)
        for j in set(range(p)) - set(subset):
            values[j] += weight * (r2[tuple(sorted((*subset, j)))] - value)
    return values


def by_driver(result: DriverResult, column: str = "importance") -> pd.Series:
    return result.table.set_index("driver")[column]


def zscore(values: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    w = np.ones(len(values)) if w is None else w
    mean = np.average(values, axis=0, weights=w)
    sd = np.sqrt(np.average((values - mean) ** 2, axis=0, weights=w))
    return (values - mean) / sd


# --------------------------------------------------------------------------- Shapley


@pytest.mark.parametrize("p", [1, 3, 6, 8])
@pytest.mark.parametrize("weighted", [False, True])
def test_shapley_equals_brute_force_reference(p, weighted):
    frame = continuous_frame(150, p, seed=p)
    drivers_ = [f"x{j}" for j in range(p)]
    weights = frame["w"].to_numpy() if weighted else None
    result = quiet(frame, outcome="y", drivers=drivers_, weights=weights)
    reference = brute_force_shapley(frame, drivers_, weights)
    np.testing.assert_allclose(by_driver(result)[drivers_], reference, rtol=0, atol=1e-10)
    assert result.r2 == pytest.approx(reference.sum(), abs=1e-10)


def test_shapley_core_matches_relaimpo_style_definition_on_mtcars():
    # Shapley = LMG; cross-check the core against the brute force on a public data set.
    cars = pd.read_csv(DATA / "mtcars.csv").rename(columns={"mpg": "y"})
    drivers_ = ["cyl", "disp", "hp", "wt", "qsec"]
    result = quiet(cars, outcome="y", drivers=drivers_)
    reference = brute_force_shapley(cars, drivers_)
    np.testing.assert_allclose(by_driver(result)[drivers_], reference, atol=1e-10)


def test_shapley_agrees_with_pingouin_lmg_when_installed():
    pingouin = pytest.importorskip("pingouin")  # the bench peer; optional here
    frame = continuous_frame(200, 5, seed=11)
    names = [f"x{j}" for j in range(5)]
    peer = pingouin.linear_regression(frame[names], frame["y"], relimp=True)
    ours = quiet(frame, outcome="y", drivers=names)
    expected = peer.set_index("names").loc[names, "relimp"]
    np.testing.assert_allclose(by_driver(ours)[names], expected, atol=1e-10)


def test_shapley_shares_sum_to_r2_and_share_sums_to_one():
    frame = survey_frame(p=6)
    result = quiet(frame, outcome="ltr", drivers=[f"tp{j}" for j in range(6)])
    assert result.table["importance"].sum() == pytest.approx(result.r2, abs=1e-12)
    assert result.table["share"].sum() == pytest.approx(1.0, abs=1e-12)
    assert result.r2 == pytest.approx(result.diagnostics.r2, abs=1e-12)
    assert list(result.table["rank"]) == list(range(1, 7))


def test_identical_drivers_get_equal_shares_and_still_sum_to_r2():
    frame = survey_frame(p=3)
    frame["tp0_copy"] = frame["tp0"]
    with pytest.warns(drivers.errors.CollinearityWarning, match="tp0"):
        result = key_drivers(frame, outcome="ltr", drivers=["tp0", "tp1", "tp0_copy", "tp2"])
    imp = by_driver(result)
    assert imp["tp0"] == pytest.approx(imp["tp0_copy"], abs=1e-12)
    assert imp.sum() == pytest.approx(result.r2, abs=1e-12)
    without = quiet(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"])
    assert result.r2 == pytest.approx(without.r2, abs=1e-10)
    # (Shapley is not clone-proof: together the twins get more than tp0 alone did)
    assert imp["tp0"] + imp["tp0_copy"] > by_driver(without)["tp0"]
    assert np.isinf(result.diagnostics.vif["tp0"])
    assert np.isinf(result.diagnostics.condition_number)


def test_pure_noise_driver_gets_almost_nothing():
    frame = survey_frame(n=2000, p=3, effects=[1.0, 0.5, 0.0])
    frame["noise"] = np.random.default_rng(5).normal(size=len(frame))
    result = quiet(frame, outcome="ltr", drivers=["tp0", "tp1", "noise"])
    assert by_driver(result, "share")["noise"] < 0.005
    assert result.table["driver"].iloc[-1] == "noise"


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.integers(2, 7), weighted=st.booleans())
def test_property_shares_sum_to_r2_and_permutation_permutes(seed, p, weighted):
    frame = continuous_frame(80, p, seed)
    names = [f"x{j}" for j in range(p)]
    weights = "w" if weighted else None
    result = quiet(frame, outcome="y", drivers=names, weights=weights)
    assert result.table["importance"].sum() == pytest.approx(result.r2, abs=1e-10)
    assert (result.table["importance"] >= -1e-12).all()
    order = list(np.random.default_rng(seed).permutation(names))
    shuffled = quiet(frame, outcome="y", drivers=order, weights=weights)
    assert shuffled.columns == tuple(order)
    np.testing.assert_allclose(by_driver(shuffled)[names], by_driver(result)[names], atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.integers(1, 6))
def test_property_core_subset_r2_matches_least_squares(seed, p):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(60, p + 1)) @ rng.normal(size=(p + 1, p + 1))
    corr = np.corrcoef(data.T)
    r2 = _shapley.subset_r2(corr)
    for mask in range(2**p):
        cols = [j for j in range(p) if mask >> j & 1]
        expected = 0.0
        if cols:
            rxx, rxy = corr[np.ix_(cols, cols)], corr[cols, p]
            expected = rxy @ np.linalg.solve(rxx, rxy)
        assert r2[mask] == pytest.approx(expected, abs=1e-10)


def test_core_large_p_split_path_equals_direct_path(monkeypatch):
    rng = np.random.default_rng(3)
    p = 18
    data = rng.normal(size=(400, p + 1)) @ rng.normal(size=(p + 1, p + 1))
    corr = np.corrcoef(data.T)
    split, r2_split = _shapley.shapley_from_corr(corr)  # p > 16: prefix tree + chunks
    monkeypatch.setattr(_shapley, "_MAX_DIRECT", 30)
    monkeypatch.setattr(_shapley, "CHUNK_ELEMENTS", 2**25)
    direct, r2_direct = _shapley.shapley_from_corr(corr)
    np.testing.assert_allclose(split, direct, atol=1e-12)
    assert r2_split == pytest.approx(r2_direct, abs=1e-12)
    assert split.sum() == pytest.approx(r2_split, abs=1e-12)
    # a chunk smaller than the number of prefixes exercises the accumulation
    monkeypatch.setattr(_shapley, "_MAX_DIRECT", 14)
    monkeypatch.setattr(_shapley, "CHUNK_ELEMENTS", 2**17)
    chunked, _ = _shapley.shapley_from_corr(corr)
    np.testing.assert_allclose(chunked, direct, atol=1e-12)


def test_core_batch_equals_one_by_one(monkeypatch):
    rng = np.random.default_rng(4)
    corrs = np.stack([np.corrcoef(rng.normal(size=(50, 6)).T) for _ in range(9)])
    monkeypatch.setattr(_shapley, "CHUNK_ELEMENTS", 6 * 2**5 * 4)  # chunks of 4 matrices
    values, r2 = _shapley.shapley_batch(corrs)
    for k in range(len(corrs)):
        single, single_r2 = _shapley.shapley_from_corr(corrs[k])
        np.testing.assert_allclose(values[k], single, atol=1e-13)
        assert r2[k] == pytest.approx(single_r2)


# --------------------------------------------------------------------------- relative weights


def test_relative_weights_reproduce_rwa_readme_on_mtcars():
    # Source: the `rwa` R package README (Martin Chan), rwa(mtcars, outcome = "mpg",
    # predictors = c("cyl", "disp", "hp", "gear")): raw relative weights 0.2284797,
    # 0.2221469, 0.2321744, 0.0963886 and R-squared 0.7791896.
    cars = pd.read_csv(DATA / "mtcars.csv")
    result = quiet(
        cars, outcome="mpg", drivers=["cyl", "disp", "hp", "gear"], method="relative_weights"
    )
    raw = by_driver(result)[["cyl", "disp", "hp", "gear"]].to_numpy()
    np.testing.assert_allclose(raw, [0.2284797, 0.2221469, 0.2321744, 0.0963886], atol=5e-8)
    assert result.r2 == pytest.approx(0.7791896, abs=5e-8)
    assert result.table["share"].sum() == pytest.approx(1.0)


def test_relative_weights_with_integer_weights_equal_replicated_rows():
    frame = survey_frame(n=200, p=4, seed=2)
    counts = np.random.default_rng(1).integers(1, 4, len(frame))
    drivers_ = [f"tp{j}" for j in range(4)]
    weighted = quiet(
        frame,
        outcome="ltr",
        drivers=drivers_,
        weights=counts.astype(float),
        method="relative_weights",
    )
    replicated = quiet(
        frame.loc[frame.index.repeat(counts)],
        outcome="ltr",
        drivers=drivers_,
        method="relative_weights",
    )
    np.testing.assert_allclose(
        by_driver(weighted)[drivers_], by_driver(replicated)[drivers_], atol=1e-12
    )


# --------------------------------------------------------------------------- beta, correlation


@pytest.mark.parametrize("weighted", [False, True])
def test_beta_equals_statsmodels_standardised_fit_with_hc3(weighted):
    frame = survey_frame(n=300, p=4, seed=3)
    drivers_ = [f"tp{j}" for j in range(4)]
    w = frame["weight"].to_numpy() if weighted else None
    result = quiet(
        frame,
        outcome="ltr",
        drivers=drivers_,
        method="beta",
        weights="weight" if weighted else None,
    )
    X = sm.add_constant(zscore(frame[drivers_].to_numpy(), w))
    y = zscore(frame["ltr"].to_numpy(), w)
    model = sm.WLS(y, X, weights=w) if weighted else sm.OLS(y, X)
    fit = model.fit(cov_type="HC3")
    table = result.table.set_index("driver").loc[drivers_]
    np.testing.assert_allclose(table["beta"], fit.params[1:], atol=1e-10)
    np.testing.assert_allclose(table["se"], fit.bse[1:], atol=1e-10)
    np.testing.assert_allclose(table["p_value"], fit.pvalues[1:], atol=1e-10)
    np.testing.assert_allclose(table["importance"], np.abs(fit.params[1:]), atol=1e-10)
    assert result.r2 == pytest.approx(fit.rsquared)


def test_correlation_pearson_and_spearman():
    frame = survey_frame(n=300, p=3, seed=4)
    drivers_ = ["tp0", "tp1", "tp2"]
    result = quiet(frame, outcome="ltr", drivers=drivers_, method="correlation")
    table = result.table.set_index("driver")
    for name in drivers_:
        assert table.loc[name, "pearson"] == pytest.approx(frame[name].corr(frame["ltr"]))
        rho = stats.spearmanr(frame[name], frame["ltr"]).statistic
        assert table.loc[name, "spearman"] == pytest.approx(rho)
    assert table["importance"].equals(table["pearson"])
    assert table["share"].sum() == pytest.approx(1.0)


def test_correlation_weighted_matches_weighted_formula():
    frame = survey_frame(n=300, p=2, seed=5)
    result = quiet(
        frame, outcome="ltr", drivers=["tp0", "tp1"], method="correlation", weights="weight"
    )
    w = frame["weight"].to_numpy()
    x, y = frame["tp0"].to_numpy(), frame["ltr"].to_numpy()
    cov = np.cov(x, y, aweights=w)
    expected = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
    assert by_driver(result)["tp0"] == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------- logit


def nps_frame(n: int = 600, seed: int = 6) -> pd.DataFrame:
    frame = survey_frame(n=n, p=3, seed=seed, effects=[1.2, 0.6, 0.0])
    assert frame["ltr"].ge(9).any() and frame["ltr"].le(6).any()
    return frame


def test_logit_equals_statsmodels_average_marginal_effects():
    frame = nps_frame()
    drivers_ = ["tp0", "tp1", "tp2"]
    result = quiet(frame, outcome="ltr", drivers=drivers_, method="logit")
    X = sm.add_constant(frame[drivers_].to_numpy())
    table = result.table.set_index("driver").loc[drivers_]
    for group, target in (("promoter", frame["ltr"] >= 9), ("detractor", frame["ltr"] <= 6)):
        fit = sm.Logit(target.astype(float).to_numpy(), X).fit(disp=0)
        margeff = fit.get_margeff(at="overall")
        np.testing.assert_allclose(table[f"ame_{group}"], margeff.margeff, atol=1e-8)
        np.testing.assert_allclose(table[f"se_{group}"], margeff.margeff_se, atol=1e-8)
        assert result.diagnostics.pseudo_r2[group] == pytest.approx(fit.prsquared)
    expected = (table["ame_promoter"].abs() + table["ame_detractor"].abs()) / 2
    np.testing.assert_allclose(table["importance"], expected)
    assert table["ame_promoter"]["tp0"] > 0 > table["ame_detractor"]["tp0"]


def test_logit_integer_weights_equal_replicated_rows():
    frame = nps_frame(n=400, seed=7)
    counts = np.random.default_rng(2).integers(1, 4, len(frame)).astype(float)
    drivers_ = ["tp0", "tp1", "tp2"]
    weighted = quiet(frame, outcome="ltr", drivers=drivers_, method="logit", weights=counts)
    replicated = quiet(
        frame.loc[frame.index.repeat(counts.astype(int))],
        outcome="ltr",
        drivers=drivers_,
        method="logit",
    )
    for column in ("ame_promoter", "ame_detractor", "importance"):
        np.testing.assert_allclose(
            by_driver(weighted, column)[drivers_],
            by_driver(replicated, column)[drivers_],
            atol=1e-7,
        )
    assert weighted.weighted and not replicated.weighted


def test_logit_everybody_a_promoter_is_an_analysis_error():
    frame = nps_frame()
    frame["ltr"] = 10.0
    with pytest.raises(drivers.errors.AnalysisError, match="promoters") as info:
        quiet(frame, outcome="ltr", drivers=["tp0", "tp1"], method="logit")
    assert "600 of 600" in str(info.value)
    frame.loc[:5, "ltr"] = 8.0  # promoters and passives, no detractor
    with pytest.raises(drivers.errors.AnalysisError, match="detractors"):
        quiet(frame, outcome="ltr", drivers=["tp0", "tp1"], method="logit")


def test_logit_perfect_separation_is_an_analysis_error():
    frame = nps_frame(n=200)
    frame["ltr"] = np.where(frame["tp0"] >= 8, 10.0, np.where(frame["tp0"] <= 5, 3.0, 8.0))
    with pytest.raises(drivers.errors.AnalysisError, match="separat"):
        quiet(frame, outcome="ltr", drivers=["tp0", "tp1"], method="logit")


def test_logit_needs_a_0_10_outcome():
    frame = nps_frame()
    frame["ltr"] = frame["ltr"] * 10
    with pytest.raises(drivers.errors.DataError, match="0-10"):
        quiet(frame, outcome="ltr", drivers=["tp0"], method="logit")


# --------------------------------------------------------------------------- forest


def test_forest_recovers_the_dominant_driver_and_reports_cv_r2():
    frame = survey_frame(n=400, p=3, seed=8, effects=[2.0, 0.5, 0.0])
    result = quiet(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], method="forest")
    assert list(result.table["driver"]) == ["tp0", "tp1", "tp2"]
    assert 0.3 < result.diagnostics.cv_r2 < 1
    assert result.r2 == result.diagnostics.cv_r2
    assert "importance_sd" in result.table


# --------------------------------------------------------------------------- penalty / reward


def test_penalty_reward_equals_dummy_regression_and_classifies_kano():
    rng = np.random.default_rng(9)
    n = 1500
    grades = rng.integers(1, 11, size=(n, 3)).astype(float)
    low, high = grades <= 5, grades >= 9
    # tp0 only hurts when low (basic), tp1 only delights when high (excitement),
    # tp2 works both ways (performance)
    score = 7 - 2.5 * low[:, 0] + 2.5 * high[:, 1] - 1.5 * low[:, 2] + 1.5 * high[:, 2]
    frame = pd.DataFrame(grades, columns=["tp0", "tp1", "tp2"])
    frame["ltr"] = np.clip(score + rng.normal(0, 1, n), 0, 10)
    result = quiet(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], method="penalty_reward")
    table = result.table.set_index("driver")
    assert table.loc[["tp0", "tp1", "tp2"], "kano"].tolist() == [
        "basic",
        "excitement",
        "performance",
    ]
    dummies = np.column_stack(
        [low[:, 0], high[:, 0], low[:, 1], high[:, 1], low[:, 2], high[:, 2]]
    ).astype(float)
    fit = sm.OLS(frame["ltr"].to_numpy(), sm.add_constant(dummies)).fit(cov_type="HC3")
    np.testing.assert_allclose(table.loc[["tp0", "tp1", "tp2"], "penalty"], fit.params[1::2])
    np.testing.assert_allclose(table.loc[["tp0", "tp1", "tp2"], "reward"], fit.params[2::2])
    np.testing.assert_allclose(table["importance"], table["reward"] - table["penalty"])
    assert result.r2 == pytest.approx(fit.rsquared)
    assert table.loc["tp0", "n_low"] == low[:, 0].sum()


def test_penalty_reward_thresholds_are_configurable_and_scale_aware():
    frame = survey_frame(n=300, p=2, seed=10)
    default = quiet(frame, outcome="ltr", drivers=["tp0", "tp1"], method="penalty_reward")
    assert by_driver(default, "n_low")["tp0"] == (frame["tp0"] <= 5).sum()
    custom = quiet(
        frame, outcome="ltr", drivers=["tp0", "tp1"], method="penalty_reward", thresholds=(6, 8)
    )
    assert by_driver(custom, "n_low")["tp0"] == (frame["tp0"] <= 6).sum()
    assert by_driver(custom, "n_high")["tp0"] == (frame["tp0"] >= 8).sum()
    with pytest.raises(drivers.errors.ParameterError, match="thresholds"):
        quiet(frame, outcome="ltr", drivers=["tp0"], method="penalty_reward", thresholds=(9, 5))


# --------------------------------------------------------------------------- every method


def frame_with_nvt(seed: int = 11) -> pd.DataFrame:
    frame = survey_frame(n=500, p=3, seed=seed, effects=[1.0, 0.6, 0.3])
    rng = np.random.default_rng(seed)
    frame.loc[rng.random(len(frame)) < 0.35, "tp2"] = np.nan  # e.g. complaint handling
    frame.loc[rng.random(len(frame)) < 0.02, "tp1"] = np.nan  # a few "weet niet"
    frame.loc[[3, 7], "ltr"] = np.nan
    return frame


@pytest.mark.parametrize("method", METHODS)
def test_every_method_accepts_weights(method):
    frame = nps_frame(n=400, seed=12)
    weighted = quiet(
        frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], method=method, weights="weight"
    )
    plain = quiet(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], method=method)
    assert weighted.weighted and not plain.weighted
    assert not np.allclose(
        by_driver(weighted)[["tp0", "tp1", "tp2"]], by_driver(plain)[["tp0", "tp1", "tp2"]]
    )
    assert weighted.table["driver"].iloc[0] == "tp0"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("missing", ["listwise", "pairwise", "impute", "dummy"])
def test_every_method_with_nvt_under_each_missing_option(method, missing):
    frame = frame_with_nvt()
    drivers_ = ["tp0", "tp1", "tp2"]
    answered = frame.loc[frame["ltr"].notna(), drivers_].notna()
    if missing == "pairwise" and method not in ("shapley", "relative_weights", "correlation"):
        with pytest.raises(drivers.errors.ParameterError, match="pairwise") as info:
            quiet(frame, outcome="ltr", drivers=drivers_, method=method, missing=missing)
        assert "'shapley'" in str(info.value) and "impute" in str(info.value)
        return
    result = quiet(
        frame, outcome="ltr", drivers=drivers_, method=method, missing=missing, weights="weight"
    )
    d = result.diagnostics
    assert d.rows_excluded["outcome missing"] == 2
    assert d.rows_total == len(frame) == d.rows_used + sum(d.rows_excluded.values())
    table = result.table.set_index("driver")
    if missing == "listwise":
        complete = int(answered.all(axis=1).sum())
        assert result.n == complete
        assert d.rows_excluded["driver missing (listwise)"] == len(frame) - 2 - complete
        assert (table["n"] == complete).all()
    elif missing == "pairwise":
        assert result.n == len(frame) - 2
        assert table.loc["tp2", "n"] == answered["tp2"].sum()
    else:
        assert result.n == len(frame) - 2
        assert table.loc["tp2", "n"] == answered["tp2"].sum()
        # the "answered" indicator of tp2 is folded into tp2: one row per touchpoint
        assert set(table.index) == set(drivers_)
        assert table.loc["tp2", "conditional"] and not table["indicator"].any()
        assert not table.loc["tp1", "conditional"]  # tp1: < 5% n.v.t. (impute), > 80% (dummy)
        assert sorted(table["rank"]) == [1, 2, 3]
        assert table.loc["tp2", "reach"] == pytest.approx(
            np.average(answered["tp2"], weights=frame.loc[frame["ltr"].notna(), "weight"])
        )
    assert np.isfinite(table["importance"]).all()
    assert table.index[0] == "tp0"


def test_pairwise_shapley_uses_pandas_pairwise_correlations():
    frame = frame_with_nvt()
    drivers_ = ["tp0", "tp1", "tp2"]
    result = quiet(frame, outcome="ltr", drivers=drivers_, method="correlation", missing="pairwise")
    expected = frame[[*drivers_, "ltr"]].corr()["ltr"][drivers_]
    np.testing.assert_allclose(by_driver(result)[drivers_], expected, atol=1e-12)


def test_pairwise_non_psd_matrix_is_repaired_with_a_warning():
    # Three groups of respondents, each grading two of three touchpoints: a~b and a~c
    # agree closely, b~c disagree. No data set can have these three correlations at once.
    rng = np.random.default_rng(13)
    m = 100
    u, v, t = rng.normal(size=(3, m))
    noise = lambda: 0.1 * rng.normal(size=m)  # noqa: E731
    frame = pd.DataFrame(
        {
            "a": np.concatenate([u, v, np.full(m, np.nan)]),
            "b": np.concatenate([u + noise(), np.full(m, np.nan), t]),
            "c": np.concatenate([np.full(m, np.nan), v + noise(), -t + noise()]),
        }
    )
    frame["y"] = np.concatenate([u, v, t]) + rng.normal(size=3 * m)
    with (
        pytest.warns(drivers.errors.MissingTouchpointWarning, match="semi-definite"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", drivers.errors.CollinearityWarning)
        result = key_drivers(frame, outcome="y", drivers=["a", "b", "c"], missing="pairwise")
    assert any("semi-definite" in note for note in result.diagnostics.notes)
    assert result.table["importance"].sum() == pytest.approx(result.r2, abs=1e-10)
    assert 0 <= result.r2 <= 1


def test_impute_fills_the_weighted_mean_and_adds_indicators():
    frame = frame_with_nvt()
    result = quiet(
        frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], missing="impute", weights="weight"
    )
    assert result.columns == ("tp0", "tp1", "tp2")
    assert any(
        "without an indicator" in note and "tp1" in note for note in result.diagnostics.notes
    )
    imputed = frame.loc[frame["ltr"].notna() & frame["tp2"].notna()]
    expected_mean = np.average(imputed["tp2"], weights=imputed["weight"])
    # re-imputing by hand with the weighted means gives the same result
    by_hand = frame.assign(
        tp2_answered=frame["tp2"].notna().astype(float),
        tp2=frame["tp2"].fillna(expected_mean),
    )
    tp1_mean = np.average(
        frame.loc[frame["ltr"].notna() & frame["tp1"].notna(), "tp1"],
        weights=frame.loc[frame["ltr"].notna() & frame["tp1"].notna(), "weight"],
    )
    by_hand["tp1"] = by_hand["tp1"].fillna(tp1_mean)
    columns = ["tp0", "tp1", "tp2", "tp2_answered"]
    # relative weights add up over a group: tp2 = weight of tp2 + weight of tp2_answered
    folded = quiet(
        frame,
        outcome="ltr",
        drivers=["tp0", "tp1", "tp2"],
        missing="impute",
        weights="weight",
        method="relative_weights",
    )
    manual = quiet(
        by_hand,
        outcome="ltr",
        drivers=columns,
        weights="weight",
        method="relative_weights",
        missing="listwise",
    )
    parts = by_driver(manual)
    expected = parts[["tp0", "tp1", "tp2"]].copy()
    expected["tp2"] += parts["tp2_answered"]
    np.testing.assert_allclose(by_driver(folded)[expected.index], expected, atol=1e-10)
    assert folded.r2 == pytest.approx(manual.r2, abs=1e-12) == pytest.approx(result.r2)
    assert result.table["importance"].sum() == pytest.approx(result.r2, abs=1e-10)
    assert "impute" in result.summary()


def test_missing_touchpoint_warning_explains_the_options():
    frame = survey_frame(n=300, p=3, seed=14)
    frame.loc[frame.index[:200], "tp2"] = np.nan
    with pytest.warns(drivers.errors.MissingTouchpointWarning, match="tp2") as record:
        key_drivers(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], missing="impute")
    message = str(record[0].message)
    assert "100 of 300" in message
    for option in ("listwise", "pairwise", "impute"):
        assert option in message


def test_small_sample_and_collinearity_warnings():
    frame = survey_frame(n=25, p=3, seed=15)
    with pytest.warns(drivers.errors.SmallSampleWarning, match="25 rows for 3 drivers"):
        key_drivers(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"])
    frame = survey_frame(n=300, p=2, seed=15)
    frame["near"] = frame["tp0"] + np.random.default_rng(0).normal(0, 0.05, len(frame))
    with pytest.warns(drivers.errors.CollinearityWarning, match="VIF"):
        result = key_drivers(frame, outcome="ltr", drivers=["tp0", "tp1", "near"])
    assert result.diagnostics.vif["near"] > 10


def test_diagnostics_values():
    frame = survey_frame(n=300, p=3, seed=16)
    drivers_ = ["tp0", "tp1", "tp2"]
    result = quiet(frame, outcome="ltr", drivers=drivers_, method="correlation")
    fit = sm.OLS(frame["ltr"], sm.add_constant(frame[drivers_])).fit()
    d = result.diagnostics
    assert d.r2 == pytest.approx(fit.rsquared)
    assert d.adj_r2 == pytest.approx(fit.rsquared_adj)
    assert (d.n, d.p) == (300, 3)
    for name in drivers_:
        others = [c for c in drivers_ if c != name]
        aux = sm.OLS(frame[name], sm.add_constant(frame[others])).fit()
        assert d.vif[name] == pytest.approx(1 / (1 - aux.rsquared))
    lam = np.linalg.eigvalsh(frame[drivers_].corr())
    assert d.condition_number == pytest.approx(np.sqrt(lam[-1] / lam[0]))


def test_constant_driver_is_an_analysis_error():
    frame = survey_frame(n=100, p=2)
    frame["flat"] = 7.0
    with pytest.raises(drivers.errors.AnalysisError, match="flat"):
        quiet(frame, outcome="ltr", drivers=["tp0", "flat"])


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_is_reproducible_and_seeded():
    frame = survey_frame(n=300, p=4, seed=17)
    drivers_ = [f"tp{j}" for j in range(4)]
    first = quiet(frame, outcome="ltr", drivers=drivers_, bootstrap=200, seed=1)
    again = quiet(frame, outcome="ltr", drivers=drivers_, bootstrap=200, seed=1)
    other = quiet(frame, outcome="ltr", drivers=drivers_, bootstrap=200, seed=2)
    np.testing.assert_array_equal(first.draws, again.draws)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert not np.allclose(first.draws, other.draws)
    assert first.draws.shape == (200, 4) and first.bootstrap == 200
    table = first.table
    for column in (
        "ci_low",
        "ci_high",
        "share_ci_low",
        "share_ci_high",
        "rank_ci_low",
        "rank_ci_high",
    ):
        assert column in table
    assert (table["ci_low"] <= table["importance"]).all()
    assert (table["importance"] <= table["ci_high"]).all()
    assert (table["rank_ci_low"] <= table["rank"]).all()
    assert (table["rank"] <= table["rank_ci_high"]).all()
    # draws are Shapley values of resamples: each row sums to that resample's R²
    assert np.all(first.draws.sum(axis=1) > 0)


def test_bootstrap_draws_equal_refits_on_resampled_rows():
    frame = survey_frame(n=120, p=3, seed=18)
    drivers_ = ["tp0", "tp1", "tp2"]
    result = quiet(frame, outcome="ltr", drivers=drivers_, bootstrap=20, seed=5, weights="weight")
    rng = np.random.default_rng(5)
    counts = np.bincount(rng.integers(0, len(frame), size=len(frame)), minlength=len(frame))
    resample = frame.loc[frame.index.repeat(counts)]
    refit = quiet(resample, outcome="ltr", drivers=drivers_, weights="weight")
    np.testing.assert_allclose(result.draws[0], by_driver(refit)[drivers_], atol=1e-12)


def test_rank_stability():
    frame = survey_frame(n=300, p=4, seed=19)
    result = quiet(frame, outcome="ltr", drivers=[f"tp{j}" for j in range(4)], bootstrap=100)
    for k in (1, 2, 4):
        top = result.rank_stability(k)
        assert list(top.index) == list(result.table["driver"])
        assert ((top >= 0) & (top <= 1)).all()
        assert top.sum() == pytest.approx(k)
    assert result.rank_stability(4).eq(1).all()
    assert result.rank_stability(1)["tp0"] > 0.9
    distribution = result.rank_distribution()
    np.testing.assert_allclose(distribution.sum(axis=1), 1)
    with pytest.raises(drivers.errors.ParameterError, match="'k'"):
        result.rank_stability(0)
    plain = quiet(frame, outcome="ltr", drivers=["tp0", "tp1"])
    with pytest.raises(drivers.errors.ParameterError, match="bootstrap"):
        plain.rank_stability(1)


@pytest.mark.parametrize(
    ("method", "missing"),
    [
        ("relative_weights", "pairwise"),
        ("correlation", "impute"),
        ("beta", "listwise"),
        ("penalty_reward", "impute"),
        ("logit", "listwise"),
        ("forest", "listwise"),
    ],
)
def test_bootstrap_for_every_method(method, missing):
    frame = frame_with_nvt(seed=20) if missing != "listwise" else nps_frame(n=300, seed=20)
    result = quiet(
        frame,
        outcome="ltr",
        drivers=["tp0", "tp1", "tp2"],
        method=method,
        missing=missing,
        bootstrap=20,
        seed=3,
        weights="weight",
    )
    assert result.draws.shape == (20, len(result.columns))
    table = result.table
    assert (table["ci_low"] <= table["ci_high"]).all()
    assert table["rank_ci_low"].between(1, len(table)).all()
    assert result.rank_stability(1).sum() == pytest.approx(1)


# --------------------------------------------------------------------------- compare


def test_compare_drivers_side_by_side_with_change_ci():
    a = quiet(
        survey_frame(n=300, p=3, seed=21),
        outcome="ltr",
        drivers=["tp0", "tp1", "tp2"],
        bootstrap=100,
        seed=1,
    )
    b = quiet(
        survey_frame(n=300, p=3, seed=22, effects=[0.2, 1.0, 0.0]),
        outcome="ltr",
        drivers=["tp0", "tp1", "tp2"],
        bootstrap=100,
        seed=2,
    )
    table = compare_drivers([a, b], names=["2023", "2024"])
    assert list(table.columns[:5]) == [
        "driver",
        "label",
        "importance_2023",
        "share_2023",
        "rank_2023",
    ]
    row = table.set_index("driver").loc["tp1"]
    assert row["change"] == pytest.approx(by_driver(b)["tp1"] - by_driver(a)["tp1"])
    assert row["change_ci_low"] <= row["change"] <= row["change_ci_high"]
    assert row["change_ci_low"] > 0  # tp1 clearly gained
    assert table.set_index("driver").loc["tp0", "change_ci_high"] < 0
    no_draws = compare_drivers([quiet(survey_frame(), outcome="ltr", drivers=["tp0", "tp1"]), b])
    assert "change_ci_low" not in no_draws
    assert "importance_1" in no_draws


def test_compare_drivers_rejects_mixed_methods_and_bad_names():
    frame = survey_frame()
    a = quiet(frame, outcome="ltr", drivers=["tp0", "tp1"])
    b = quiet(frame, outcome="ltr", drivers=["tp0", "tp1"], method="beta")
    with pytest.raises(drivers.errors.ParameterError, match="different methods"):
        compare_drivers([a, b])
    with pytest.raises(drivers.errors.ParameterError, match="unique"):
        compare_drivers([a, a], names=["x", "x"])
    with pytest.raises(drivers.errors.ParameterError, match="at least two"):
        compare_drivers([a])


# --------------------------------------------------------------------------- errors, API


def test_unknown_method_uses_the_option_template():
    frame = survey_frame()
    with pytest.raises(drivers.errors.ParameterError) as info:
        key_drivers(frame, outcome="ltr", drivers=["tp0"], method="shapely")
    message = str(info.value)
    assert message.startswith("The 'method' parameter of key_drivers must be one of {")
    assert "Got 'shapely' instead." in message and "Did you mean 'shapley'?" in message
    with pytest.raises(drivers.errors.ParameterError, match="'missing' parameter"):
        key_drivers(frame, outcome="ltr", drivers=["tp0"], missing="drop")


def test_missing_column_names_the_column_and_suggests():
    frame = survey_frame()
    frame = frame.rename(columns={"tp1": "klachtafhandeling"})
    with pytest.raises(drivers.errors.ColumnNotFoundError) as info:
        key_drivers(frame, outcome="ltr", drivers=["tp0", "klachtafhandelng"])
    assert "'klachtafhandelng'" in str(info.value)
    assert "Did you mean 'klachtafhandeling'?" in str(info.value)
    with pytest.raises(drivers.errors.ColumnNotFoundError, match="outcome column 'nps'"):
        key_drivers(frame, outcome="nps", drivers=["tp0"])
    with pytest.raises(drivers.errors.ColumnNotFoundError, match="weight"):
        key_drivers(frame, outcome="ltr", drivers=["tp0"], weights="gewicht")


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"drivers": None}, "drivers="),
        ({"outcome": None}, "outcome="),
        ({"drivers": ["tp0", "tp0"]}, "twice"),
        ({"drivers": ["tp0", "ltr"]}, "also listed"),
        ({"bootstrap": -1}, "'bootstrap'"),
        ({"bootstrap": 5}, "too few"),
        ({"level": 95}, "'level'"),
        ({"seed": "x"}, "'seed'"),
        ({"weights": [1.0, 2.0]}, "2 values"),
    ],
)
def test_parameter_errors(options, match):
    frame = survey_frame()
    call = {"outcome": "ltr", "drivers": ["tp0", "tp1"], **options}
    with pytest.raises(drivers.errors.ParameterError, match=match):
        key_drivers(frame, **call)


def test_bad_data_errors():
    frame = survey_frame()
    with pytest.raises(drivers.errors.ParameterError, match="DataFrame"):
        key_drivers(frame.to_numpy(), outcome="ltr", drivers=["tp0"])
    text = frame.astype({"tp0": object})
    text.loc[0, "tp0"] = "n.v.t."
    with pytest.raises(drivers.errors.DataError, match="'tp0'.*1 rows"):
        key_drivers(text, outcome="ltr", drivers=["tp0"])
    with pytest.raises(drivers.errors.DataError, match="negative"):
        key_drivers(frame, outcome="ltr", drivers=["tp0"], weights=-frame["weight"])
    empty = frame.assign(tp1=np.nan)
    with pytest.raises(drivers.errors.AnalysisError, match="no rows left"):
        quiet(empty, outcome="ltr", drivers=["tp0", "tp1"])


def test_rows_with_missing_weight_are_excluded_and_counted():
    frame = survey_frame(n=200)
    frame.loc[:9, "weight"] = np.nan
    result = quiet(frame, outcome="ltr", drivers=["tp0", "tp1"], weights="weight")
    assert result.diagnostics.rows_excluded["weight missing"] == 10
    assert result.n == 190


def test_survey_like_object_supplies_defaults_and_labels():
    frame = survey_frame(n=300, p=3)
    labels = {"tp0": "Klantenservice", "tp1": "Levering", "tp2": "Offerte"}
    spec = SimpleNamespace(
        nps="ltr",
        touchpoint_keys=("tp0", "tp1", "tp2"),
        weight="weight",
        scale=(1, 10),
        language="nl",
        label=lambda column, lang=None: labels.get(column, column),
    )
    survey = SimpleNamespace(data=frame, spec=spec)
    result = quiet(survey)
    assert result.outcome == "ltr" and result.weighted
    assert result.columns == ("tp0", "tp1", "tp2")
    assert by_driver(result, "label").to_dict() == labels
    direct = quiet(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], weights="weight")
    np.testing.assert_allclose(by_driver(result), by_driver(direct))
    relabelled = quiet(survey, labels={"tp0": "KS"})
    assert by_driver(relabelled, "label")["tp0"] == "KS"


def test_result_is_frozen_and_renders():
    frame = survey_frame(n=300, p=3)
    result = quiet(frame, outcome="ltr", drivers=["tp0", "tp1", "tp2"], bootstrap=50)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.r2 = 1.0
    text = result.summary()
    assert str(result) == text
    assert "method shapley" in text and "Bootstrap: 50 resamples" in text
    assert "Rows: 300 used of 300" in text
    page = result._repr_html_()
    assert page.startswith("<div>") and "<table" in page and "tp0" in page
    assert "DriverResult(method='shapley'" in repr(result)
    assert {"driver", "label", "importance", "share", "rank", "n"} <= set(result.table.columns)


def test_demo_true_driver_order_is_recovered_within_bootstrap_cis():
    import drivers.workflow.demo as demo

    try:
        survey = demo.load(2024)
    except Exception as exc:  # noqa: BLE001 - the demo data belong to another module
        pytest.skip(f"demo data not available: {exc}")
    # Nine touchpoints everyone can grade (complaint handling only applies to complainers).
    keys = [k for k in survey.spec.touchpoint_keys if k != "klachtafhandeling"]
    result = quiet(survey, drivers=keys, bootstrap=200, seed=1)
    truth = [k for k in demo.TRUE_DRIVERS if k in keys]
    table = result.table.set_index("driver")
    for true_rank, key in enumerate(truth[:3], start=1):
        assert table.loc[key, "rank_ci_low"] <= true_rank <= table.loc[key, "rank_ci_high"]
    assert result.table["driver"].iloc[0] == truth[0]
    assert set(result.table["driver"][:3]) == set(truth[:3])
    assert table.loc["offerte", "rank_ci_high"] == len(keys)  # no effect: may come last


def test_logit_newton_is_statsmodels_glm_with_hc0():
    """The large-wave logit fit: statsmodels' weighted GLM estimates, HC0 covariance, llf."""
    import statsmodels.api as sm

    from drivers.stats.importance import _logit_newton

    rng = np.random.default_rng(3)
    X = sm.add_constant(rng.normal(size=(3000, 4)))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(X @ [0.2, 0.8, -0.5, 0.0, 0.3])))).astype(float)
    v = rng.uniform(0.3, 2.5, 3000)
    v = v / v.mean()
    ours = _logit_newton(y, X, v)
    ref = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=v).fit(cov_type="HC0")
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.cov_params(), ref.cov_params(), rtol=1e-6, atol=1e-12)
    assert ours.llf == pytest.approx(ref.llf, rel=1e-10)
    np.testing.assert_allclose(ours.predict(), ref.predict(), rtol=1e-8)


def test_large_wave_logit_route_gives_the_same_weighted_table(monkeypatch):
    import drivers.stats.importance as imp
    from drivers import demo

    survey = demo.load(2024)
    normal = imp.key_drivers(survey, method="logit")
    monkeypatch.setattr(imp, "LARGE_LOGIT_ROWS", 10)
    large = imp.key_drivers(survey, method="logit")
    for column in ("importance", "se", "p_value"):
        if column in normal.table:
            np.testing.assert_allclose(large.table[column], normal.table[column], rtol=1e-6)
    assert large.r2 == pytest.approx(normal.r2, rel=1e-8)

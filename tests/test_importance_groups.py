"""Conditional touchpoints: missing="dummy", grouped Shapley, folded tables, sign columns."""

from __future__ import annotations

import itertools
import warnings
from math import factorial

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import drivers
from drivers.stats._shapley import group_shapley_batch, shapley_batch
from drivers.stats.importance import METHODS, key_drivers


def conditional_frame(n: int = 600, seed: int = 3) -> pd.DataFrame:
    """Four touchpoints; 'complaints' graded by ~30 % (those who complained)."""
    rng = np.random.default_rng(seed)
    general = rng.normal(size=n)
    grades = np.clip(np.round(7 + general[:, None] + rng.normal(size=(n, 4))), 1, 10)
    frame = pd.DataFrame(grades, columns=["service", "delivery", "price", "complaints"])
    complained = rng.random(n) < 0.3
    frame.loc[~complained, "complaints"] = np.nan
    effect = np.where(complained, 0.8 * (frame["complaints"].fillna(7) - 7) - 1.0, 0.0)
    ltr = 7 + 0.6 * (frame.service - 7) + 0.3 * (frame.delivery - 7) + effect
    frame["ltr"] = np.clip(np.round(ltr + rng.normal(0, 1.2, n)), 0, 10)
    frame["weight"] = rng.uniform(0.5, 2.0, n)
    return frame


def quiet(*args, **kwargs):
    kwargs.setdefault("progress", False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return key_drivers(*args, **kwargs)


def r2_ols(y, X, w):
    """R² of a weighted least-squares refit (statsmodels), the outside reference."""
    if X.shape[1] == 0:
        return 0.0
    fit = sm.WLS(y, sm.add_constant(X), weights=w).fit()
    return float(fit.rsquared)


DRIVERS = ["service", "delivery", "price", "complaints"]


def by_hand(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean-fill 'complaints' (weighted) and add its answered indicator, by hand."""
    seen = frame["complaints"].notna()
    mean = np.average(frame.loc[seen, "complaints"], weights=frame.loc[seen, "weight"])
    return frame.assign(
        complaints=frame["complaints"].fillna(mean), complaints_answered=seen.astype(float)
    )


def test_grouped_shapley_matches_brute_force_refits_over_every_subset_of_groups():
    frame = conditional_frame()
    result = quiet(frame, outcome="ltr", drivers=DRIVERS, weights="weight")
    assert result.missing == "dummy"
    filled = by_hand(frame)
    groups = [["service"], ["delivery"], ["price"], ["complaints", "complaints_answered"]]
    y, w = filled["ltr"].to_numpy(), filled["weight"].to_numpy()
    k = len(groups)
    r2 = {}
    for size in range(k + 1):
        for subset in itertools.combinations(range(k), size):
            cols = [c for g in subset for c in groups[g]]
            r2[frozenset(subset)] = r2_ols(y, filled[cols].to_numpy(), w)
    expected = np.zeros(k)
    for g in range(k):
        others = [h for h in range(k) if h != g]
        for size in range(k):
            weight = factorial(size) * factorial(k - size - 1) / factorial(k)
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                expected[g] += weight * (r2[s | {g}] - r2[s])
    table = result.table.set_index("driver")
    got = table.loc[["service", "delivery", "price", "complaints"], "r2_part"].to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-10)
    assert result.r2 == pytest.approx(r2[frozenset(range(k))], abs=1e-10)
    assert table["conditional"].to_dict() == {
        "service": False,
        "delivery": False,
        "price": False,
        "complaints": True,
    }


def test_group_shapley_with_single_columns_is_plain_shapley():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(200, 5))
    data[:, -1] += data[:, :-1].sum(axis=1)
    corr = np.corrcoef(data, rowvar=False)
    grouped, r2_g = group_shapley_batch(corr[None], [[0], [1], [2], [3]])
    plain, r2_p = shapley_batch(corr[None])
    np.testing.assert_allclose(grouped, plain, atol=1e-14)
    # merging two columns into one group: the group gets what the pair gets, sums still R²
    merged, r2_m = group_shapley_batch(corr[None], [[0, 2], [1], [3]])
    assert merged.sum() == pytest.approx(r2_m[0]) == pytest.approx(r2_p[0])
    with pytest.raises(ValueError, match="partition"):
        group_shapley_batch(corr[None], [[0], [1]])


def test_dummy_adjustment_matches_a_hand_built_regression():
    frame = conditional_frame()
    result = quiet(frame, outcome="ltr", drivers=DRIVERS, method="beta", weights="weight")
    filled = by_hand(frame)
    columns = [*DRIVERS, "complaints_answered"]
    z = (filled[columns] - np.average(filled[columns], axis=0, weights=filled.weight)) / np.sqrt(
        np.average(
            (filled[columns] - np.average(filled[columns], axis=0, weights=filled.weight)) ** 2,
            axis=0,
            weights=filled.weight,
        )
    )
    yz = filled.ltr - np.average(filled.ltr, weights=filled.weight)
    yz = yz / np.sqrt(np.average(yz**2, weights=filled.weight))
    fit = sm.WLS(yz, sm.add_constant(z), weights=filled.weight).fit()
    table = result.table.set_index("driver")
    np.testing.assert_allclose(table.loc[DRIVERS, "beta"], fit.params[DRIVERS], atol=1e-10)
    np.testing.assert_allclose(table.loc[DRIVERS, "importance"], np.abs(fit.params[DRIVERS]))
    assert table.loc["complaints", "answered_beta"] == pytest.approx(
        fit.params["complaints_answered"], abs=1e-10
    )
    # the unstandardised grade slope is the slope among those who complained
    raw = sm.WLS(filled.ltr, sm.add_constant(filled[columns]), weights=filled.weight).fit()
    answered = filled.loc[frame.complaints.notna()]
    assert raw.params["complaints"] == pytest.approx(0.8, abs=0.15)
    assert len(answered) == table.loc["complaints", "n"]


def test_default_threshold_decides_who_gets_the_indicator():
    frame = conditional_frame()
    frame.loc[frame.index[:60], "price"] = np.nan  # price answered by 90 %: no indicator
    result = quiet(frame, outcome="ltr", drivers=DRIVERS)
    table = result.table.set_index("driver")
    assert table.loc["complaints", "conditional"] and not table.loc["price", "conditional"]
    assert table.loc["price", "n"] == len(frame) - 60
    assert any(
        "price" in note and "without an indicator" in note for note in result.diagnostics.notes
    )
    everyone = quiet(frame, outcome="ltr", drivers=DRIVERS, dummy_below=1.0)
    assert everyone.table.set_index("driver").loc["price", "conditional"]
    with pytest.raises(drivers.errors.ParameterError, match="dummy_below"):
        quiet(frame, outcome="ltr", drivers=DRIVERS, dummy_below=80)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_one_row_per_touchpoint_and_ranks_without_gaps(method):
    frame = conditional_frame()
    result = quiet(frame, outcome="ltr", drivers=DRIVERS, method=method, bootstrap=20)
    table = result.table
    assert table["driver"].tolist() == sorted(DRIVERS, key=table.set_index("driver")["rank"].get)
    assert sorted(table["driver"]) == sorted(DRIVERS)
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert not table["driver"].str.endswith("_answered").any()
    assert result.draws.shape == (20, 4) and result.columns == tuple(DRIVERS)
    assert set(table["sign"]) <= {-1, 1}
    assert (table["negative"] == (table["sign"] < 0)).all()
    assert (table["importance"].diff().dropna() <= 1e-12).all()  # rank by magnitude
    assert {"n", "reach", "conditional"} <= set(table.columns)
    if method in ("shapley", "relative_weights"):
        assert table["share"].sum() == pytest.approx(1)
        np.testing.assert_allclose(table["r2_part"], table["importance"])
        assert table["r2_part"].sum() == pytest.approx(result.r2, abs=1e-10)
    if method == "correlation":
        np.testing.assert_allclose(table["importance"], table["r"].abs())
    assert result.rank_stability(2).sum() == pytest.approx(2)


def test_a_perverse_sign_is_flagged_and_ranked_by_magnitude():
    rng = np.random.default_rng(5)
    n = 500
    frame = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    frame["y"] = frame.a - 0.7 * frame.b + 0.1 * frame.c + rng.normal(size=n)
    for method in ("beta", "correlation", "shapley", "relative_weights"):
        table = quiet(frame, outcome="y", drivers=["a", "b", "c"], method=method).table
        table = table.set_index("driver")
        assert table.loc["b", "negative"] and table.loc["b", "sign"] == -1, method
        assert table.loc["b", "rank"] == 2, method
        assert not table.loc["a", "negative"]


def test_grouped_bootstrap_draws_sum_to_resample_r2_and_cover_the_point():
    frame = conditional_frame()
    result = quiet(frame, outcome="ltr", drivers=DRIVERS, bootstrap=200, seed=4)
    table = result.table
    assert (table["ci_low"] <= table["importance"]).all()
    assert (table["importance"] <= table["ci_high"]).all()
    assert np.isfinite(result.draws).all()
    assert result.rank_stability(1).sum() == pytest.approx(1)


def test_grouped_sampled_order_bootstrap_above_the_exact_limit():
    # 17 touchpoints + 3 indicators = 20 model columns: exact grouped point estimate,
    # resample changes from sampled orders of the groups
    rng = np.random.default_rng(8)
    n, p = 1500, 17
    X = rng.normal(size=(n, p)) + rng.normal(size=(n, 1))
    frame = pd.DataFrame(X, columns=[f"t{j}" for j in range(p)])
    frame["y"] = X @ rng.uniform(0, 0.5, p) + rng.normal(0, 2, n)
    for j in range(3):
        frame.loc[rng.random(n) < 0.5, f"t{j}"] = np.nan
    names = [f"t{j}" for j in range(p)]
    result = quiet(frame, outcome="y", drivers=names, bootstrap=30)
    assert result.diagnostics.p == 20 and result.draws.shape == (30, 17)
    assert any("random driver orders" in note for note in result.diagnostics.notes)
    assert result.table["r2_part"].sum() == pytest.approx(result.r2, abs=1e-10)
    assert result.table["conditional"].sum() == 3
    assert (result.table["ci_low"] <= result.table["ci_high"]).all()


@pytest.mark.parametrize("weighted", [False, True])
def test_relative_weights_delta_se_agrees_with_the_bootstrap(weighted):
    frame = conditional_frame(n=1500, seed=11)
    kw = {"weights": "weight"} if weighted else {}
    result = quiet(
        frame, outcome="ltr", drivers=DRIVERS, method="relative_weights", bootstrap=1000, **kw
    )
    table = result.table.set_index("driver")
    boot_sd = pd.Series(np.std(result.draws, axis=0, ddof=1), index=list(result.columns))
    ratio = table["se_delta"] / boot_sd.reindex(table.index)
    assert ratio.between(0.8, 1.25).all(), ratio
    pairwise = quiet(
        frame, outcome="ltr", drivers=DRIVERS, method="relative_weights", missing="pairwise"
    )
    assert pairwise.table["se_delta"].isna().all()

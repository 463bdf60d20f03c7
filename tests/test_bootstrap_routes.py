"""Bootstrap routes of drivers.stats.importance: batched resample matrices, Poisson weights
for large waves, and sampled-order Shapley draws above EXACT_BOOTSTRAP_MAX_DRIVERS."""

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import drivers.stats.importance as imp
from drivers.stats import _shapley


def quiet(frame, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return imp.key_drivers(frame, progress=False, **options)


def correlated_frame(n: int, p: int, seed: int) -> pd.DataFrame:
    """Drivers sharing a common factor, uneven effects: like graded touchpoints."""
    rng = np.random.default_rng(seed)
    X = 0.7 * rng.normal(size=(n, 1)) + rng.normal(size=(n, p))
    frame = pd.DataFrame(X, columns=[f"tp{j:02d}" for j in range(p)])
    frame["ltr"] = X @ np.linspace(1.0, 0.05, p) + rng.normal(scale=2.0, size=n)
    frame["weight"] = rng.uniform(0.5, 2.0, n)
    return frame


def by_driver(result, column):
    return result.table.set_index("driver").loc[list(result.columns), column].to_numpy()


# --------------------------------------------------------------------------- sampled orders


def test_shapley_orders_over_all_orders_is_exact_shapley():
    rng = np.random.default_rng(1)
    corr = np.corrcoef((rng.normal(size=(200, 6)) + rng.normal(size=(200, 1))).T)
    orders = np.array(list(itertools.permutations(range(5))))
    values, r2 = _shapley.shapley_from_corr(corr)
    np.testing.assert_allclose(_shapley.shapley_orders(corr, orders)[0], values, atol=1e-14)
    # a sample of orders still sums to R² exactly
    some = _shapley.shapley_orders(corr, orders[::17])[0]
    assert some.sum() == pytest.approx(r2, abs=1e-13)


def test_shapley_orders_skips_a_driver_the_others_explain():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3))
    data = np.column_stack([X, X[:, 0] + X[:, 1], X @ [0.5, 0.3, 0.1] + rng.normal(size=300)])
    corr = np.corrcoef(data.T)  # singular: Cholesky fails, the sweep with PIVOT_TOL takes over
    orders = np.array(list(itertools.permutations(range(4))))
    sampled = _shapley.shapley_orders(corr, orders)[0]
    exact, r2 = _shapley.shapley_from_corr(corr)
    np.testing.assert_allclose(sampled, exact, atol=1e-10)
    assert np.isfinite(sampled).all() and sampled.sum() == pytest.approx(r2, abs=1e-10)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.integers(12, 15))
def test_sampled_route_brackets_the_exact_point_and_agrees_with_exact_bootstrap(seed, p):
    frame = correlated_frame(1200, p, seed)
    options = {"outcome": "ltr", "drivers": [c for c in frame.columns if c.startswith("tp")]}
    exact = quiet(frame, bootstrap=200, seed=seed, weights="weight", **options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(imp, "EXACT_BOOTSTRAP_MAX_DRIVERS", p - 1)
        route = quiet(frame, bootstrap=200, seed=seed, weights="weight", **options)

    assert any("random driver orders" in note for note in route.diagnostics.notes)
    assert not any("random driver orders" in note for note in exact.diagnostics.notes)
    # the point estimate stays exact; the intervals hold it
    np.testing.assert_array_equal(by_driver(route, "importance"), by_driver(exact, "importance"))
    point = by_driver(route, "importance")
    assert ((by_driver(route, "ci_low") <= point) & (point <= by_driver(route, "ci_high"))).all()
    # same resamples: every draw sums to that resample's R², as the exact draws do
    np.testing.assert_allclose(route.draws.sum(axis=1), exact.draws.sum(axis=1), atol=1e-10)
    # intervals close to the exact ones, ranks in agreement
    width = by_driver(exact, "ci_high") - by_driver(exact, "ci_low")
    for end in ("ci_low", "ci_high"):
        assert (np.abs(by_driver(route, end) - by_driver(exact, end)) < 0.25 * width).all()
    for end in ("rank_ci_low", "rank_ci_high"):
        assert (np.abs(by_driver(route, end) - by_driver(exact, end)) <= 1).all()
    top = route.rank_stability(3) - exact.rank_stability(3)
    assert np.abs(top).max() < 0.1
    rank_corr = np.corrcoef(route.draws.mean(axis=0), exact.draws.mean(axis=0))[0, 1]
    assert rank_corr > 0.99


def test_sampled_route_is_seeded(monkeypatch):
    monkeypatch.setattr(imp, "EXACT_BOOTSTRAP_MAX_DRIVERS", 3)
    frame = correlated_frame(300, 6, 7)
    options = {"outcome": "ltr", "drivers": [f"tp{j:02d}" for j in range(6)], "bootstrap": 50}
    first, again = quiet(frame, seed=1, **options), quiet(frame, seed=1, **options)
    other = quiet(frame, seed=2, **options)
    np.testing.assert_array_equal(first.draws, again.draws)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert not np.allclose(first.draws, other.draws)


# --------------------------------------------------------------------------- batched matrices


def design_of(frame, missing, weighted=True):
    drivers_ = [c for c in frame.columns if c.startswith("tp")]
    weights = "weight" if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return imp._prepare(frame, "ltr", drivers_, weights, missing, None, None)


@pytest.mark.parametrize("missing", ["listwise", "pairwise", "impute"])
@pytest.mark.parametrize("blocked", [False, True])
def test_batched_resample_matrices_equal_one_at_a_time(monkeypatch, missing, blocked):
    frame = correlated_frame(250, 4, 8)
    rng = np.random.default_rng(8)
    frame.loc[rng.random(250) < 0.2, "tp01"] = np.nan
    if missing == "listwise":
        frame = frame.dropna()
    if blocked:  # no cached basis, rows in blocks of a few
        monkeypatch.setattr(imp, "_BASIS_CACHE", 0)
        monkeypatch.setattr(imp, "_WEIGHT_BLOCK", 64)
    design = design_of(frame, missing)
    moments = imp._Moments(design)
    assert (moments.cache is None) == blocked
    counts = np.stack([imp._resample_weights(rng, design.n) for _ in range(9)])
    batched = moments.corr(moments.sums(counts))
    for k, c in enumerate(counts):
        single = imp._design_corr(design, c * design.w)
        np.testing.assert_allclose(batched[k], single, atol=1e-12)


def test_batched_bootstrap_keeps_the_multinomial_stream():
    """Below POISSON_MIN_ROWS the draws are exact Shapley of the classic resamples."""
    frame = correlated_frame(200, 4, 9)
    options = {"outcome": "ltr", "drivers": [f"tp{j:02d}" for j in range(4)], "weights": "weight"}
    result = quiet(frame, bootstrap=25, seed=4, **options)
    rng = np.random.default_rng(4)
    for b in range(3):
        counts = np.bincount(rng.integers(0, len(frame), size=len(frame)), minlength=len(frame))
        refit = quiet(frame.loc[frame.index.repeat(counts)], **options)
        np.testing.assert_allclose(result.draws[b], by_driver(refit, "importance"), atol=1e-12)
    assert any("multinomial" in note for note in result.diagnostics.notes)


# --------------------------------------------------------------------------- Poisson weights


def test_poisson_weights_have_the_poisson_1_distribution():
    counts = imp._poisson_weights(np.random.default_rng(0), (50, 20_000)).ravel()
    assert counts.mean() == pytest.approx(1.0, abs=0.01)
    assert counts.var() == pytest.approx(1.0, abs=0.02)
    shares = np.bincount(counts.astype(int), minlength=5)[:5] / counts.size
    expected = np.exp(-1.0) / np.array([1, 1, 2, 6, 24])
    np.testing.assert_allclose(shares, expected, atol=0.003)


def test_poisson_route_is_seeded_and_equals_weighted_refits(monkeypatch):
    monkeypatch.setattr(imp, "POISSON_MIN_ROWS", 100)
    frame = correlated_frame(300, 4, 10)
    options = {"outcome": "ltr", "drivers": [f"tp{j:02d}" for j in range(4)], "weights": "weight"}
    first, again = (
        quiet(frame, bootstrap=30, seed=3, **options),
        quiet(frame, bootstrap=30, seed=3, **options),
    )
    np.testing.assert_array_equal(first.draws, again.draws)
    assert any("Poisson" in note for note in first.diagnostics.notes)
    # one block of rows here: the counts are the first B x n Poisson draws of the seed
    counts = imp._poisson_weights(np.random.default_rng(3), (30, len(frame)))
    refit = quiet(
        frame, outcome="ltr", drivers=options["drivers"], weights=counts[1] * frame["weight"]
    )
    np.testing.assert_allclose(first.draws[1], by_driver(refit, "importance"), atol=1e-12)


# --------------------------------------------------------------------------- logit


def nps_frame(n: int, seed: int) -> pd.DataFrame:
    frame = correlated_frame(n, 4, seed)
    score = frame["ltr"]
    frame["ltr"] = np.clip(np.round(6 + (score - score.mean()) / score.std() * 2.5), 0, 10)
    return frame


@pytest.mark.parametrize("weights", [None, "weight"])
def test_batched_logit_draws_equal_statsmodels_refits(weights):
    frame = nps_frame(400, 11)
    drivers_ = [f"tp{j:02d}" for j in range(4)]
    result = quiet(
        frame,
        outcome="ltr",
        drivers=drivers_,
        method="logit",
        weights=weights,
        bootstrap=20,
        seed=6,
    )
    design = design_of(frame, "listwise", weighted=weights is not None)
    rng = np.random.default_rng(6)
    for b in range(3):
        counts = imp._resample_weights(rng, design.n)
        fit = imp._fit_logit(imp._subset(design, counts), None)  # statsmodels on the resample
        np.testing.assert_allclose(result.draws[b], fit.importance, atol=1e-8)
    assert result.diagnostics.failed_resamples == 0


def test_batched_logit_counts_separated_resamples_as_failed():
    rng = np.random.default_rng(12)
    frame = pd.DataFrame({"tp00": rng.normal(size=40), "tp01": rng.normal(size=40)})
    frame["ltr"] = np.where(frame["tp00"] > 0.8, 10.0, np.where(frame["tp00"] < -0.8, 3.0, 8.0))
    frame.loc[:3, "ltr"] = [10.0, 3.0, 8.0, 10.0]  # not separated in the full data
    counts = np.ones((3, 40))
    counts[1, :4] = 0  # without those rows the promoters are separated by tp00
    design = design_of(frame.assign(weight=1.0), "listwise", weighted=False)
    importance, _ = imp._logit_batch(design, counts)
    assert np.isfinite(importance[0]).all() and np.isnan(importance[1]).all()

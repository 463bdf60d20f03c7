"""Tests of drivers.stats.simulate: the model against statsmodels, zero change, monotonicity, CI."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from drivers.errors import ColumnNotFoundError, ParameterError, SmallBaseWarning
from drivers.stats.nps import STANDARD
from drivers.stats.simulate import (
    ASSUMPTIONS,
    SimulationResult,
    _cumulative_probabilities,
    _fit_cumulative_logit,
    simulate,
)


def synthetic_survey(n=400, seed=3, weighted=False, missing=True):
    """A survey-like object: three touchpoints, one skipped by many, NPS 0-10."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    grades = {}
    for key, loading, mean in (("service", 0.8, 7.5), ("prijs", 0.4, 6.8), ("klacht", 0.7, 6.5)):
        value = mean + 1.2 * (loading * latent + np.sqrt(1 - loading**2) * rng.normal(size=n))
        grades[key] = np.clip(np.round(value), 1, 10)
    df = pd.DataFrame(grades)
    ltr = 7.5 + 1.2 * (df["service"] - 7.5) + 0.5 * (df["klacht"] - 6.5) + rng.normal(0, 1.4, n)
    df["ltr"] = np.clip(np.round(ltr), 0, 10)
    if missing:
        df.loc[rng.random(n) < 0.6, "klacht"] = np.nan
    weights = None
    if weighted:
        df["w"] = rng.choice([0.5, 1.0, 2.0], size=n)
        weights = df["w"]
    labels = {
        "service": ("Klantenservice", "Customer service"),
        "klacht": ("Klachten", "Complaints"),
    }
    spec = SimpleNamespace(
        nps="ltr",
        touchpoint_keys=("service", "prijs", "klacht"),
        scale=(1, 10),
        weight="w" if weighted else None,
        language="nl",
        label=lambda col, lang="nl": labels.get(col, (col, col))[lang == "en"],
    )
    return SimpleNamespace(data=df, spec=spec, weights=weights)


@pytest.fixture(scope="module")
def demo_survey():
    import drivers.workflow.demo as demo

    return demo.load(2024)


# --------------------------------------------------------------------------- the model


def test_ordinal_fit_matches_statsmodels_ordered_model():
    ordinal = pytest.importorskip("statsmodels.miscmodels.ordinal_model")
    s = synthetic_survey(missing=False)
    x = s.data[["service", "prijs", "klacht"]].to_numpy(float)
    y = np.digitize(s.data["ltr"], [7, 9])
    # statsmodels: OrderedModel(y, x, distr="logit").fit(method="bfgs")
    reference = ordinal.OrderedModel(y, x, distr="logit").fit(
        method="bfgs", disp=False, maxiter=2000, gtol=1e-9
    )
    ours = _fit_cumulative_logit(x, y, np.ones(len(y)), 3)
    np.testing.assert_allclose(ours["beta"], reference.params[:3], atol=1e-5)
    np.testing.assert_allclose(ours["loglik"], reference.llf, rtol=1e-9)
    np.testing.assert_allclose(_cumulative_probabilities(ours, x), reference.predict(x), atol=1e-6)


def test_weighted_ordinal_fit_equals_replicated_rows():
    # integer weights = rows repeated: the weighted likelihood is the replicated one
    ordinal = pytest.importorskip("statsmodels.miscmodels.ordinal_model")
    s = synthetic_survey(n=200, missing=False)
    x = s.data[["service", "prijs", "klacht"]].to_numpy(float)
    y = np.digitize(s.data["ltr"], [7, 9])
    w = np.random.default_rng(0).integers(1, 4, len(y))
    rows = np.repeat(np.arange(len(y)), w)
    reference = ordinal.OrderedModel(y[rows], x[rows], distr="logit").fit(
        method="newton", disp=False, maxiter=200
    )
    ours = _fit_cumulative_logit(x, y, w.astype(float), 3)
    np.testing.assert_allclose(ours["beta"], reference.params[:3], atol=1e-5)


def test_binary_fit_matches_glm_freq_weights():
    sm = pytest.importorskip("statsmodels.api")
    s = synthetic_survey(missing=False, weighted=True)
    x = s.data[["service", "prijs", "klacht"]].to_numpy(float)
    y = (s.data["ltr"] >= 9).astype(int).to_numpy()
    w = s.data["w"].to_numpy(float)
    # statsmodels: GLM(y, add_constant(x), family=Binomial(), freq_weights=w)
    glm = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial(), freq_weights=w).fit()
    ours = _fit_cumulative_logit(x, y, w, 2)
    np.testing.assert_allclose(ours["beta"], glm.params[1:], atol=1e-6)
    np.testing.assert_allclose(-ours["theta"][0], glm.params[0], atol=1e-6)


# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize("model", ["ordinal", "logit"])
@pytest.mark.parametrize("weighted", [False, True])
def test_zero_shift_gives_exactly_zero(model, weighted):
    s = synthetic_survey(weighted=weighted)
    sim = simulate(s, changes={"klacht": 0.0}, model=model, bootstrap=10, progress=False)
    assert (sim.table["change"] == 0).all()
    assert (sim.table["ci_low"] == 0).all() and (sim.table["ci_high"] == 0).all()
    assert sim.weighted is weighted and sim.model == model


def test_result_shape_and_invariants():
    s = synthetic_survey()
    sim = simulate(s, changes={"service": 0.5}, bootstrap=30, progress=False)
    assert isinstance(sim, SimulationResult)
    assert sim.table["measure"].tolist() == ["nps", "promoters", "detractors"]
    rows = sim.table.set_index("measure")
    for column in ("before", "after", "observed"):
        assert rows.loc["nps", column] == pytest.approx(
            100 * (rows.loc["promoters", column] - rows.loc["detractors", column])
        )
    assert (rows["change"] == rows["after"] - rows["before"]).all()
    assert rows.loc["nps", "before"] == pytest.approx(rows.loc["nps", "observed"], abs=2)
    assert sim.bootstrap == 30 and sim.draws.shape == (30, 3)
    assert sim.assumptions == ASSUMPTIONS["en"]
    assert "klacht_answered" in sim.coefficients.index  # 60% skipped it
    assert sim.label("service", "en") == "Customer service"
    assert "What-if simulation" in sim.summary() and "<table" in sim._repr_html_()


def test_ci_covers_point_estimate_and_is_seeded():
    s = synthetic_survey()
    sim = simulate(s, changes={"service": 0.6}, bootstrap=40, seed=5, progress=False)
    for _, row in sim.table.iterrows():
        assert row["ci_low"] <= row["change"] <= row["ci_high"]
    assert sim.nps_change > 0 and sim.significant
    again = simulate(s, changes={"service": 0.6}, bootstrap=40, seed=5, progress=False)
    pd.testing.assert_frame_equal(sim.table, again.table)


def test_not_applicable_respondents_are_not_changed():
    s = synthetic_survey()
    sim = simulate(s, changes={"klacht": 1.0}, bootstrap=0, progress=False)
    row = sim.changes.iloc[0]
    assert row["n"] == s.data["klacht"].notna().sum()
    assert row["mean_after"] == pytest.approx(np.clip(s.data["klacht"].dropna() + 1, 1, 10).mean())


def test_capping_at_the_scale_top():
    s = synthetic_survey()
    sim = simulate(s, changes={"service": 20}, bootstrap=0, progress=False)
    assert sim.changes.iloc[0]["mean_after"] == 10.0
    down = simulate(s, changes={"service": -20}, bootstrap=0, progress=False)
    assert down.changes.iloc[0]["mean_after"] == 1.0
    assert down.nps_change < 0 < sim.nps_change


def test_to_target_mean_and_at_least():
    s = synthetic_survey(weighted=True)
    sim = simulate(s, changes={"klacht": ("to", 7.2)}, bootstrap=0, progress=False)
    row = sim.changes.iloc[0]
    answered = s.data["klacht"].notna()
    before = np.average(s.data.loc[answered, "klacht"], weights=s.data.loc[answered, "w"])
    assert row["mean_before"] == pytest.approx(before)
    assert row["mean_after"] == pytest.approx(7.2, abs=1e-9)
    assert row["kind"] == "to"
    same = simulate(s, changes={"klacht": ("to", before)}, bootstrap=0, progress=False)
    assert abs(same.nps_change) < 1e-6
    floor = simulate(s, changes={"prijs": ("at_least", 8)}, bootstrap=0, progress=False)
    assert floor.changes.iloc[0]["kind"] == "at_least"
    assert floor.changes.iloc[0]["share_changed"] > 0.5
    assert floor.nps_change >= 0 or floor.coefficients.loc["prijs"].iloc[0] < 0


def test_shift_to_a_target_mean_matches_bisection():
    """The exact piecewise-linear solve of ("to", target) against plain bisection of the
    clipped weighted mean, on integer and one-decimal grades, weighted, near both ends."""
    from drivers.stats.simulate import _solve_shift

    def bisect(g, w, target, low, high):
        def mean_after(s):
            return np.average(np.clip(g + s, low, high), weights=w)

        lo, hi = low - g.max(), high - g.min()
        if mean_after(lo) >= target:
            return lo
        if mean_after(hi) <= target:
            return hi
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if mean_after(mid) < target else (lo, mid)
        return (lo + hi) / 2

    rng = np.random.default_rng(11)
    for case in range(400):
        n = int(rng.integers(1, 600))
        g = rng.integers(1, 11, n).astype(float)
        if case % 2:
            g = np.round(rng.uniform(1, 10, n), 1)
        w = rng.uniform(0.2, 3.0, n)
        target = float(rng.choice([rng.uniform(1, 10), 1.0, 10.0, g.mean()]))
        shift = _solve_shift(g, w, target, 1, 10)
        assert shift == pytest.approx(bisect(g, w, target, 1, 10), abs=1e-9)
        if 1 < target < 10:
            reached = np.average(np.clip(g + shift, 1, 10), weights=w)
            assert reached == pytest.approx(target, abs=1e-9)


def test_benchmark_from_mapping():
    s = synthetic_survey()
    by_name = simulate(
        s, changes={"klacht": "benchmark"}, benchmark={"klacht": 7.2}, bootstrap=0, progress=False
    )
    by_value = simulate(s, changes={"klacht": ("to", 7.2)}, bootstrap=0, progress=False)
    assert by_name.nps_change == by_value.nps_change
    assert by_name.changes.iloc[0]["source"] == "benchmark"


def test_errors():
    s = synthetic_survey()
    with pytest.raises(ColumnNotFoundError, match="did you mean 'klacht'"):
        simulate(s, changes={"klachten": 0.5}, progress=False)
    with pytest.raises(ParameterError, match="outside the grade scale"):
        simulate(s, changes={"klacht": ("to", 11)}, progress=False)
    with pytest.raises(ParameterError, match="must be one of"):
        simulate(s, changes={"klacht": ("naar", 7)}, progress=False)
    with pytest.raises(ParameterError, match="'model' parameter of simulate"):
        simulate(s, changes={"klacht": 0.5}, model="probit", progress=False)
    with pytest.raises(ParameterError, match="non-empty dict"):
        simulate(s, changes={}, progress=False)
    with pytest.raises(ParameterError, match="bootstrap"):
        simulate(s, changes={"klacht": 0.5}, bootstrap=-1, progress=False)
    with pytest.raises(ParameterError, match="benchmark"):
        simulate(s, changes={"prijs": "benchmark"}, benchmark={"klacht": 7}, progress=False)


def test_small_base_warns():
    s = synthetic_survey(n=25, missing=False)
    with pytest.warns(SmallBaseWarning, match="25 respondents"):
        simulate(s, changes={"service": 0.5}, bootstrap=0, progress=False)


# --------------------------------------------------------------------------- demo data


def test_demo_zero_shift_and_monotone(demo_survey):
    shifts = [-1.0, -0.5, 0.0, 0.3, 0.6, 1.2, 2.0]
    changes = [
        simulate(
            demo_survey, changes={"klachtafhandeling": s}, bootstrap=0, progress=False
        ).nps_change
        for s in shifts
    ]
    assert changes[shifts.index(0.0)] == 0.0
    assert np.all(np.diff(changes) > 0)


def test_demo_ci_covers_estimate(demo_survey):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # every refit succeeds
        sim = simulate(
            demo_survey, changes={"klachtafhandeling": 0.6}, bootstrap=30, progress=False
        )
    row = sim.row("nps")
    assert row["ci_low"] <= row["change"] <= row["ci_high"]
    assert sim.weighted  # the demo survey has weights
    assert 0 < row["change"] < 10


# --------------------------------------------------------------------------- attribute_change
from drivers.stats.simulate import (  # noqa: E402 - the attribution tests' own imports
    ChangeAttribution,
    _attribution_plan,
    _Numeric,
    _resampled_expected,
    _setup,
    attribute_change,
)


def model_true_wave(n, shifts, seed, beta=(0.9, 0.0, 0.5), theta=(4.8, 6.6)):
    """A wave generated by a proportional-odds model of the NPS class on three grades."""
    rng = np.random.default_rng(seed)
    means = np.array([6.8, 7.2, 6.5]) + np.asarray(shifts)
    grades = np.clip(rng.normal(means, 1.1, size=(n, 3)), 1, 10)
    eta = grades @ np.asarray(beta)
    u = rng.logistic(size=n)
    classes = np.where(eta + u > theta[1], 2, np.where(eta + u > theta[0], 1, 0))
    scores = np.where(classes == 2, rng.integers(9, 11, n), 0)
    scores = np.where(classes == 1, rng.integers(7, 9, n), scores)
    scores = np.where(classes == 0, rng.integers(0, 7, n), scores)
    df = pd.DataFrame(grades, columns=["service", "prijs", "klacht"])
    df["ltr"] = scores.astype(float)
    spec = SimpleNamespace(
        nps="ltr",
        touchpoint_keys=("service", "prijs", "klacht"),
        scale=(1, 10),
        weight=None,
        language="nl",
        label=lambda col, lang="nl": col,
    )
    return SimpleNamespace(data=df, spec=spec, weights=None)


@pytest.fixture(scope="module")
def attribution():
    before = synthetic_survey(n=500, seed=3)
    later = synthetic_survey(n=500, seed=4)
    later.data["service"] = np.clip(later.data["service"] + 1, 1, 10)
    return before, later, attribute_change(before, later, bootstrap=30, seed=2)


def test_contributions_add_up_to_the_joint_expected_change(attribution):
    _, _, res = attribution
    assert isinstance(res, ChangeAttribution)
    assert res.table["contribution"].sum() == pytest.approx(res.expected, abs=1e-10)
    assert list(res.table.columns[:1]) == ["touchpoint"]
    assert {"grade_change", "grade_change_significant", "contribution"} <= set(res.table)
    assert res.table.set_index("touchpoint").loc["service", "grade_change_significant"]
    assert res.expected_ci_low <= res.expected <= res.expected_ci_high
    assert res.bootstrap == 30 and res.attribution == "shapley"
    assert res.unexplained == pytest.approx(res.observed - res.expected)
    assert "NPS change attribution" in str(res) and "<table" in res._repr_html_()


def test_joint_expected_change_is_the_simulators_change(attribution):
    before, later, res = attribution
    setup = _setup(before, "t", None, ["service", "prijs", "klacht"], None, None)
    from drivers.stats._input import resolve

    first = resolve(before, "t", drivers=(), need_outcome=False)
    second = resolve(later, "t", drivers=(), need_outcome=False)
    delta = np.array(
        [
            np.nanmean(second.frame[k]) - np.nanmean(first.frame[k])
            for k in ("service", "prijs", "klacht")
        ]
    )
    rows = np.arange(len(before.data))
    # the bootstrap path (simulate's evaluate) on the unresampled data gives the same number
    arrays = _Numeric(first, setup)
    assert _resampled_expected(setup, "ordinal", arrays, rows, delta, STANDARD) == pytest.approx(
        res.expected, rel=1e-9
    )
    plan = _attribution_plan(setup, delta)
    changes = {item["key"]: ("to", item["value"]) for item in plan}
    sim = simulate(before, changes=changes, bootstrap=0, progress=False)
    assert sim.nps_change == pytest.approx(res.expected, rel=1e-9)


def test_zero_grade_change_gives_zero():
    survey = synthetic_survey(n=400, seed=5)
    res = attribute_change(survey, survey, bootstrap=0)
    assert res.expected == 0.0 and res.observed == 0.0
    assert (res.table["contribution"] == 0.0).all()
    assert np.isnan(res.expected_ci_low) and res.agrees


@pytest.mark.parametrize("model", ["ordinal", "logit"])
def test_expected_matches_observed_when_the_model_is_true(model):
    shifts = (0.8, 0.0, -0.5)
    before = model_true_wave(6000, (0, 0, 0), seed=11)
    after = model_true_wave(6000, shifts, seed=12)
    res = attribute_change(before, after, model=model, bootstrap=0)
    # the NPS change of the true model: its SE is about 1.3 points at these sizes
    assert res.expected == pytest.approx(res.observed, abs=3.0)
    assert res.agrees
    table = res.table.set_index("touchpoint")
    assert table.loc["service", "contribution"] > 3  # the large positive shift
    assert table.loc["klacht", "contribution"] < 0  # the negative shift of a driver
    assert abs(table.loc["prijs", "contribution"]) < 0.5  # no shift, no effect


def test_absent_touchpoint_and_input_checks():
    before = synthetic_survey(n=300, seed=6)
    later = synthetic_survey(n=300, seed=7)
    later = SimpleNamespace(data=later.data.drop(columns="prijs"), spec=later.spec)
    res = attribute_change(before, later, bootstrap=0)
    row = res.table.set_index("touchpoint").loc["prijs"]
    assert row["absent"] == "after" and np.isnan(row["contribution"])
    assert res.table["contribution"].sum() == pytest.approx(res.expected, abs=1e-10)
    spec = SimpleNamespace(**{**vars(later.spec), "touchpoint_keys": ("service", "klacht", "web")})
    newer = SimpleNamespace(data=later.data.assign(web=7.0), spec=spec)
    res = attribute_change(before, newer, bootstrap=0)
    table = res.table.set_index("touchpoint")
    assert table.loc["web", "absent"] == "before" and np.isnan(table.loc["web", "contribution"])
    assert table.loc["prijs", "absent"] == "after"
    with pytest.raises(ParameterError, match="must be a drivers Survey"):
        attribute_change(before.data, later)
    with pytest.raises(ParameterError, match="bootstrap"):
        attribute_change(before, later, bootstrap=-1)


def test_many_touchpoints_use_sampled_orderings_and_still_add_up(monkeypatch):
    import drivers.stats.simulate as module

    monkeypatch.setattr(module, "_EXACT_PLAYERS", 1)
    monkeypatch.setattr(module, "_ORDERINGS", 50)
    before = synthetic_survey(n=400, seed=8)
    later = synthetic_survey(n=400, seed=9)
    res = attribute_change(before, later, bootstrap=0)
    assert res.attribution == "shapley-sampled"
    assert res.table["contribution"].sum() == pytest.approx(res.expected, abs=1e-10)
    monkeypatch.setattr(module, "_EXACT_PLAYERS", 12)
    exact = attribute_change(before, later, bootstrap=0)
    assert exact.attribution == "shapley" and exact.expected == pytest.approx(res.expected)
    np.testing.assert_allclose(res.table["contribution"], exact.table["contribution"], atol=0.3)


# --------------------------------------------------------------------------- large waves


def test_little_bootstraps_give_the_classic_interval(monkeypatch):
    """Bag of little bootstraps (a wave of LITTLE_BOOTSTRAP_ROWS or more): the same
    interval as the classic bootstrap, around the same point estimate."""
    import drivers.stats.simulate as sim
    from drivers import demo

    survey = demo.load(2024)
    change = {"klachtafhandeling": 0.5}
    classic = sim.simulate(survey, changes=change, bootstrap=300, progress=False)
    monkeypatch.setattr(sim, "LITTLE_BOOTSTRAP_ROWS", 100)
    little = sim.simulate(survey, changes=change, bootstrap=300, progress=False)
    a, b = classic.table.iloc[0], little.table.iloc[0]
    assert a["change"] == pytest.approx(b["change"])
    assert b["ci_low"] < b["change"] < b["ci_high"]
    width = a["ci_high"] - a["ci_low"]
    assert b["ci_high"] - b["ci_low"] == pytest.approx(width, rel=0.35)
    assert abs(b["ci_low"] - a["ci_low"]) < 0.3 * width
    assert len(little.draws) == 300  # the subsets' own estimates are no resamples


def test_a_large_wave_attributes_on_a_subset_and_still_adds_up(monkeypatch):
    import drivers.stats.simulate as sim
    from drivers import demo

    before, after = demo.load(2023), demo.load(2024)
    monkeypatch.setattr(sim, "LITTLE_BOOTSTRAP_ROWS", 100)
    monkeypatch.setattr(sim, "_SPLIT_ROWS", 150)
    res = sim.attribute_change(before, after, bootstrap=40)
    assert res.attribution.endswith("-subset")
    assert res.table["contribution"].sum() == pytest.approx(res.expected, abs=1e-9)
    assert res.expected_ci_low < res.expected < res.expected_ci_high

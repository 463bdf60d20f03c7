"""NPS statistics against hand-computed cases, the published formula and properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import drivers as dr
from drivers.errors import ColumnNotFoundError, DataError, ParameterError

SCORES = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5]  # 5 promoters, 2 passives, 3 detractors


def test_hand_computed_nps():
    r = dr.nps(SCORES)
    assert r.nps == pytest.approx(20.0)
    assert (r.promoters, r.passives, r.detractors) == pytest.approx((0.5, 0.2, 0.3))
    assert r.n == 10 and r.n_eff == pytest.approx(10)


def test_adjusted_wald_equals_rocks_formula_by_hand():
    # Rocks (2016): n' = n + 3, p' = (5 + 3/4) / 13, d' = (3 + 3/4) / 13,
    # CI = (p' - d') ± 1.959964 * sqrt((p' + d' - (p' - d')^2) / 13)
    p, d, n = 5.75 / 13, 3.75 / 13, 13
    half = 1.959963984540054 * math.sqrt((p + d - (p - d) ** 2) / n)
    r = dr.nps(SCORES)
    assert r.ci_low == pytest.approx(100 * (p - d - half), abs=1e-9)
    assert r.ci_high == pytest.approx(100 * (p - d + half), abs=1e-9)
    assert (round(r.ci_low, 1), round(r.ci_high, 1)) == (-30.3, 61.1)


def test_wald_by_hand_and_level():
    r = dr.nps(SCORES, ci="wald", level=0.90)
    half = 1.6448536269514722 * math.sqrt((0.5 + 0.3 - 0.2**2) / 10)
    assert r.ci_low == pytest.approx(100 * (0.2 - half))
    assert r.ci_high == pytest.approx(100 * (0.2 + half))


def test_bootstrap_ci_is_seeded_and_near_wald():
    scores = np.tile(SCORES, 40)
    a = dr.nps(scores, ci="bootstrap", seed=1)
    b = dr.nps(scores, ci="bootstrap", seed=1)
    wald = dr.nps(scores, ci="wald")
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert a.ci_low == pytest.approx(wald.ci_low, abs=2.5)
    assert a.ci_high == pytest.approx(wald.ci_high, abs=2.5)


def test_weighted_nps_and_kish_n():
    scores = [10, 6, 8]
    weights = [2.0, 1.0, 1.0]
    r = dr.nps(scores, weights)
    assert r.promoters == pytest.approx(0.5)
    assert r.detractors == pytest.approx(0.25)
    assert r.nps == pytest.approx(25.0)
    assert r.n == 3
    assert r.n_eff == pytest.approx(16 / 6)  # (Σw)² / Σw² = 16 / 6


def test_missing_scores_are_not_counted():
    r = dr.nps([10, np.nan, 0])
    assert r.n == 2 and r.nps == 0


def test_wave_difference_ci_and_p_value_by_hand():
    a = [9] * 30 + [7] * 50 + [3] * 20  # NPS +10
    b = [9] * 45 + [7] * 40 + [3] * 15  # NPS +30
    d = dr.compare_nps(a, b)
    assert d.difference == pytest.approx(20.0)

    def adjusted(p, dd, n):
        p, dd, n = (p * n + 0.75) / (n + 3), (dd * n + 0.75) / (n + 3), n + 3
        return p - dd, (p + dd - (p - dd) ** 2) / n

    ca, va = adjusted(0.30, 0.20, 100)
    cb, vb = adjusted(0.45, 0.15, 100)
    se = math.sqrt(va + vb)
    assert d.ci_low == pytest.approx(100 * (cb - ca - 1.959963984540054 * se))
    assert d.ci_high == pytest.approx(100 * (cb - ca + 1.959963984540054 * se))
    from scipy.stats import norm

    assert d.p_value == pytest.approx(2 * norm.sf(abs(cb - ca) / se))
    assert d.p_value < 0.05 and d.significant


def test_equal_waves_not_significant():
    d = dr.compare_nps(SCORES * 10, SCORES * 10)
    assert d.difference == 0 and d.p_value == pytest.approx(1.0) and not d.significant


def test_bad_scores_and_options():
    with pytest.raises(DataError, match="whole numbers 0-10"):
        dr.nps([11, 3])
    with pytest.raises(DataError, match="text"):
        dr.nps(["acht", 3])
    with pytest.raises(ParameterError, match="The 'ci' parameter of nps must be one of"):
        dr.nps(SCORES, ci="wilson")
    with pytest.raises(DataError, match="weights must be positive"):
        dr.nps([9, 3], [1.0, 0.0])
    with pytest.raises(DataError, match="no answers"):
        dr.nps([np.nan])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_properties(scores):
    r = dr.nps(scores)
    assert -100 <= r.nps <= 100
    assert r.promoters + r.passives + r.detractors == pytest.approx(1.0)
    assert -100 <= r.ci_low <= r.ci_high <= 100
    shuffled = dr.nps(list(reversed(scores)))
    assert shuffled.nps == pytest.approx(r.nps)
    unit = dr.nps(scores, [1.0] * len(scores))
    assert (unit.nps, unit.ci_low, unit.ci_high) == pytest.approx((r.nps, r.ci_low, r.ci_high))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.floats(0.1, 5)), min_size=1, max_size=100))
def test_weighted_properties(pairs):
    scores, weights = zip(*pairs, strict=True)
    r = dr.nps(scores, weights)
    assert -100 <= r.nps <= 100
    assert 1 - 1e-9 <= r.n_eff <= len(scores) + 1e-9


def test_score_distribution_counts():
    d = dr.score_distribution(SCORES)
    assert d["count"].sum() == 10
    assert d.loc[d.score == 9, "count"].item() == 3
    assert set(d.loc[d.score <= 6, "category"]) == {"detractor"}


def test_nps_table_segments_flags_and_suppression():
    df = pd.DataFrame(
        {
            "ltr": [10] * 40 + [3] * 20 + [9] * 3,
            "size": ["large"] * 40 + ["small"] * 20 + ["tiny"] * 3,
        }
    )
    t = dr.nps_table(df, by="size", nps_column="ltr", lang="en")
    assert list(t["group"]) == ["Total", "large", "small", "tiny"]
    assert t.loc[0, "n"] == 63
    large = t.set_index("group").loc["large"]
    assert large["nps"] == 100 and not large["small_base"]
    small = t.set_index("group").loc["small"]
    assert small["nps"] == -100 and small["small_base"] and not small["suppressed"]
    tiny = t.set_index("group").loc["tiny"]
    assert tiny["suppressed"] and np.isnan(tiny["n"]) and np.isnan(tiny["nps"])


def test_nps_table_missing_column():
    with pytest.raises(ColumnNotFoundError, match="Did you mean 'size'"):
        dr.nps_table(pd.DataFrame({"ltr": [9], "size": ["a"]}), by="sise", nps_column="ltr")


def test_touchpoint_performance_by_hand():
    df = pd.DataFrame({"a": [8, 6, np.nan, 10, 5, 9, 7], "w": [1.0] * 7})
    t = dr.touchpoint_performance(df, touchpoints=["a"], privacy_floor=2).iloc[0]
    x = np.array([8, 6, 10, 5, 9, 7.0])
    assert t["n"] == 6 and t["n_na"] == 1 and t["share_na"] == pytest.approx(1 / 7)
    assert t["mean"] == pytest.approx(x.mean())
    from scipy.stats import t as student

    half = student.ppf(0.975, 5) * x.std(ddof=1) / math.sqrt(6)
    assert t["ci_low"] == pytest.approx(x.mean() - half)
    assert t["top_box"] == pytest.approx(3 / 6)  # 8, 10, 9
    assert t["insufficient"] == pytest.approx(1 / 6)  # 5


def test_touchpoint_performance_on_demo():
    from drivers import demo

    survey = demo.load(2023)
    perf = dr.touchpoint_performance(survey)
    assert list(perf["touchpoint"]) == list(survey.spec.touchpoint_keys)
    klacht = perf.set_index("touchpoint").loc["klachtafhandeling"]
    assert 0.6 < klacht["share_na"] < 0.8
    assert klacht["mean"] == pytest.approx(6.6, abs=0.3)
    assert perf["label"].str.len().min() > 0


# -- one API: Survey / DataFrame input ---------------------------------------------------
def test_nps_of_a_survey_uses_its_outcome_and_weights():
    from drivers import demo

    survey = demo.load(2024)
    direct = dr.nps(survey.data[survey.spec.nps], survey.data[survey.spec.weight])
    for result in (
        dr.nps(survey),
        dr.nps(survey.data, outcome=survey.spec.nps, weights=survey.spec.weight),
        dr.nps(survey.data, weights=survey.data[survey.spec.weight], outcome="aanbeveling"),
    ):
        assert result.nps == pytest.approx(direct.nps) and result.n_eff == direct.n_eff
    with pytest.raises(ParameterError, match="outcome="):
        dr.nps(survey.data)
    with pytest.raises(ParameterError, match="names a column"):
        dr.nps([9, 10], weights="w")
    diff = dr.compare_nps(demo.load(2023), survey)
    assert diff.b.nps == pytest.approx(direct.nps)


def test_nps_table_weights_as_column_or_array_and_outcome_alias():
    df = pd.DataFrame({"ltr": [10, 9, 3, 7, 8, 2] * 10, "w": [1.0, 2.0, 0.5] * 20})
    df["size"] = ["a", "b"] * 30
    by_name = dr.nps_table(df, by="size", outcome="ltr", weights="w")
    by_array = dr.nps_table(df, by="size", outcome="ltr", weights=df["w"].to_numpy())
    old_name = dr.nps_table(df, by="size", nps_column="ltr", weights="w")
    pd.testing.assert_frame_equal(by_name, by_array)
    pd.testing.assert_frame_equal(by_name, old_name)


# -- suppression -----------------------------------------------------------------------
def test_suppressed_touchpoint_shows_no_number_that_gives_its_n_back():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.integers(5, 11, 50).astype(float), "b": np.nan})
    df.loc[:2, "b"] = [7.0, 8.0, 9.0]  # three answers: below the floor of 5
    perf = dr.touchpoint_performance(df, touchpoints=["a", "b"]).set_index("touchpoint")
    hidden = perf.loc["b"]
    assert hidden["suppressed"] and hidden["small_base"]
    numbers = ["n", "n_na", "share_na", "mean", "sd", "ci_low", "ci_high", "top_box"]
    assert hidden[numbers].isna().all()
    assert perf.loc["a", "n"] == 50 and perf.loc["a", "n_na"] == 0


def test_suppress_blanks_every_number_and_keeps_keys():
    from drivers.stats.nps import suppress

    table = pd.DataFrame(
        {"segment": [1, 2], "n": [3, 40], "n_na": [37, 0], "share_na": [0.925, 0.0]}
    )
    out = suppress(table, 5, keep=["segment"])
    assert out["segment"].tolist() == [1, 2]
    assert out.loc[0, ["n", "n_na", "share_na"]].isna().all()
    assert out.loc[1, "n"] == 40 and out["suppressed"].tolist() == [True, False]
    assert table.loc[0, "n"] == 3  # the input is not changed
    with pytest.raises(ColumnNotFoundError):
        suppress(table, 5, n="count")


# -- compare_grades ------------------------------------------------------------------------
def _waves(seed=4, n=(120, 90)):
    rng = np.random.default_rng(seed)
    a = pd.DataFrame({"x": np.clip(np.round(rng.normal(7, 1.3, n[0])), 1, 10)})
    b = pd.DataFrame({"x": np.clip(np.round(rng.normal(7.4, 1.0, n[1])), 1, 10)})
    a.loc[:9, "x"] = np.nan  # n.v.t. is left out
    a["w"] = rng.choice([0.5, 1.0, 2.5], n[0])
    b["w"] = rng.choice([0.7, 1.0, 1.6], n[1])
    return a, b


def test_compare_grades_unweighted_equals_welch_t_test():
    from scipy import stats as sps

    a, b = _waves()
    row = dr.compare_grades(a, b, touchpoints=["x"]).iloc[0]
    xa, xb = a["x"].dropna().to_numpy(), b["x"].to_numpy()
    # scipy.stats.ttest_ind(xb, xa, equal_var=False): Welch's two-sample t-test
    ref = sps.ttest_ind(xb, xa, equal_var=False)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert row["change"] == pytest.approx(xb.mean() - xa.mean())
    ci = ref.confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert row["n_before"] == len(xa) and row["n_after"] == len(xb)
    assert row["n_eff_before"] == pytest.approx(len(xa)) and row["absent"] == ""
    assert row["significant"] == (ref.pvalue < 0.05)


def test_compare_grades_weighted_equals_statsmodels_with_kish_rescaled_weights():
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    a, b = _waves(seed=9)
    row = dr.compare_grades(a, b, touchpoints=["x"], weights_before="w", weights_after="w").iloc[0]
    ok = a["x"].notna()
    xa, wa = a.loc[ok, "x"].to_numpy(), a.loc[ok, "w"].to_numpy()
    xb, wb = b["x"].to_numpy(), b["w"].to_numpy()

    def kish(w):  # weights rescaled to sum to Kish's n_eff = (Σw)² / Σw²
        return w * (w.sum() / (w**2).sum())

    # statsmodels.stats.weightstats: DescrStatsW treats weights as frequencies, so with
    # weights summing to n_eff its var(ddof=1) and std_mean are ours; CompareMeans.
    # ttest_ind(usevar="unequal") is the Welch test with Welch-Satterthwaite df.
    da, db = DescrStatsW(xa, weights=kish(wa)), DescrStatsW(xb, weights=kish(wb))
    compare = CompareMeans(db, da)
    _, p_value, _ = compare.ttest_ind(usevar="unequal")
    low, high = compare.tconfint_diff(alpha=0.05, usevar="unequal")
    assert row["before"] == pytest.approx(np.average(xa, weights=wa))
    assert row["after"] == pytest.approx(np.average(xb, weights=wb))
    assert row["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    assert row["n_eff_before"] == pytest.approx(wa.sum() ** 2 / (wa**2).sum())
    # the same weights given as arrays
    arrays = dr.compare_grades(
        a, b, touchpoints=["x"], weights_before=a["w"].to_numpy(), weights_after=b["w"].values
    )
    assert arrays.loc[0, "p_value"] == pytest.approx(row["p_value"])


def test_compare_grades_absent_touchpoint_is_a_row_not_an_error():
    a, b = _waves()
    a["only_before"] = 7.0
    b["never"] = np.nan
    a["never"] = 8.0
    table = dr.compare_grades(a, b, touchpoints=["x", "only_before", "never", "nowhere"])
    table = table.set_index("touchpoint")
    assert table.loc["only_before", "absent"] == "after"
    assert table.loc["never", "absent"] == "after"
    assert table.loc["nowhere", "absent"] == "both"
    assert table.loc["x", "absent"] == ""
    numbers = ["change", "ci_low", "ci_high", "p_value", "after"]
    assert table.loc[["only_before", "never", "nowhere"], numbers].isna().all().all()
    assert table.loc["only_before", "before"] == 7.0
    assert not table.loc[["only_before", "never", "nowhere"], "significant"].any()


def test_compare_grades_surveys_small_touchpoints_and_checks():
    from drivers import demo

    before, after = demo.load(2023), demo.load(2024)
    table = dr.compare_grades(before, after)
    assert table["touchpoint"].tolist() == list(before.spec.touchpoint_keys)
    assert table["n_eff_before"].lt(table["n_before"]).all()  # weighted: n_eff < n
    tiny_a, tiny_b = _waves(n=(14, 30))  # 4 answers before: below the floor
    hidden = dr.compare_grades(tiny_a, tiny_b, touchpoints=["x"]).iloc[0]
    assert hidden["suppressed"] and np.isnan(hidden["n_before"]) and np.isnan(hidden["change"])
    assert not hidden["significant"]
    with pytest.raises(ParameterError, match="touchpoints"):
        dr.compare_grades(tiny_a, tiny_b)
    with pytest.raises(ParameterError, match="level"):
        dr.compare_grades(before, after, level=95)

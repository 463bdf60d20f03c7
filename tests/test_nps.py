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

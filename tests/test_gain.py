"""nps_gain: expected NPS change on the whole base, reach built in (checked against simulate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drivers import demo
from drivers.errors import ParameterError
from drivers.stats.gain import nps_gain
from drivers.stats.importance import key_drivers
from drivers.stats.simulate import simulate


@pytest.fixture(scope="module")
def survey():
    return demo.load(2024)


def test_gain_is_simulate_of_half_a_grade_for_each_touchpoint(survey):
    gain = nps_gain(survey, bootstrap=0)
    assert list(gain.columns) == ["driver", "n", "reach", "nps_gain", "ci_low", "ci_high", "rank"]
    for key, value in zip(gain["driver"], gain["nps_gain"], strict=True):
        expected = simulate(survey, changes={key: 0.5}, bootstrap=0, progress=False).nps_change
        assert value == pytest.approx(expected, abs=1e-9), key
    assert sorted(gain["rank"]) == list(range(1, len(gain) + 1))
    assert gain["ci_low"].isna().all()


def test_reach_is_the_weighted_share_who_answered(survey):
    gain = nps_gain(survey, bootstrap=0).set_index("driver")
    frame = survey.data.loc[survey.data[survey.spec.nps].notna()]
    answered = frame["klachtafhandeling"].notna()
    assert gain.loc["klachtafhandeling", "n"] == answered.sum()
    weight = survey.spec.weight
    w = frame[weight].to_numpy() if weight else np.ones(len(frame))
    assert gain.loc["klachtafhandeling", "reach"] == pytest.approx(np.average(answered, weights=w))


def test_bootstrap_interval_and_result_defaults(survey):
    res = key_drivers(survey, progress=False)
    gain = nps_gain(survey, res, bootstrap=40, seed=2)
    assert gain["driver"].tolist() == list(res.columns)
    assert (gain["ci_low"] <= gain["nps_gain"]).all() and (
        gain["nps_gain"] <= gain["ci_high"]
    ).all()
    again = nps_gain(survey, res, bootstrap=40, seed=2)
    pd.testing.assert_frame_equal(gain, again)
    with pytest.raises(ParameterError, match="shift"):
        nps_gain(survey, shift="half")


def test_a_touchpoint_answered_by_few_moves_the_base_less():
    # Same effect among those who answered, but "b" answered by a quarter: smaller gain.
    rng = np.random.default_rng(0)
    n = 2000
    a, b = rng.integers(4, 11, (2, n)).astype(float)
    ltr = np.clip(np.round(1.0 + 0.45 * a + 0.45 * b + rng.normal(0, 1.3, n)), 0, 10)
    frame = pd.DataFrame({"a": a, "b": b, "ltr": ltr})
    frame.loc[rng.random(n) > 0.25, "b"] = np.nan
    gain = nps_gain(frame, outcome="ltr", drivers=["a", "b"], bootstrap=0).set_index("driver")
    assert gain.loc["b", "reach"] == pytest.approx(0.25, abs=0.03)
    assert gain.loc["b", "nps_gain"] < 0.5 * gain.loc["a", "nps_gain"]

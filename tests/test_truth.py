"""A truth test: does the default ranking find what matters on a known population?

The population: three touchpoints everyone grades and one, complaint handling, graded only
by the 25 % who complained, with a strong effect among them. What to improve first is
the order of the expected NPS gain on the whole base of +0.5 grade for those who graded
the touchpoint; the population's order follows from the model that generated the data.
The default (``missing="dummy"`` importance, ranked by :func:`nps_gain`) should find that
order in nearly every wave of n = 500; ranking by pairwise Shapley (the old default for
incomplete touchpoints) puts complaint handling first because it ignores reach.
bench/README.md has the figures (bench/bench_importance.py --truth).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from drivers.stats.gain import nps_gain
from drivers.stats.importance import key_drivers

TOUCHPOINTS = ["product", "delivery", "invoicing", "complaints"]
EFFECTS = np.array([0.6, 0.35, 0.0, 0.9])  # invoicing: no effect  # latent LTR per grade point
REACH_COMPLAINTS = 0.25
COMPLAINED = -0.6  # having complained, at an average complaint grade
SIGMA = 1.3  # latent noise


def population(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Grades (complaints NaN for those who did not complain) and the latent mean."""
    halo = rng.normal(0, 0.9, n)
    grades = np.clip(np.round(7.2 + halo[:, None] + rng.normal(0, 1.1, (n, 4))), 1, 10)
    complained = rng.random(n) < REACH_COMPLAINTS
    grades[~complained, 3] = np.nan
    mu = _latent(grades)
    frame = pd.DataFrame(grades, columns=TOUCHPOINTS)
    frame["ltr"] = np.clip(np.round(mu + rng.normal(0, SIGMA, n)), 0, 10)
    return frame, mu


def _latent(grades: np.ndarray) -> np.ndarray:
    answered = ~np.isnan(grades[:, 3])
    centred = np.where(np.isnan(grades), 0.0, grades - 7.0)
    return 7.0 + centred @ EFFECTS + answered * COMPLAINED


def _expected_nps(mu: np.ndarray) -> float:
    promoter = norm.sf((8.5 - mu) / SIGMA)
    detractor = norm.cdf((6.5 - mu) / SIGMA)
    return float(100 * (promoter - detractor).mean())


def population_gain(n: int = 400_000, seed: int = 12345) -> pd.Series:
    """The population's expected NPS gain of +0.5 grade for those who graded each touchpoint."""
    rng = np.random.default_rng(seed)
    frame, mu = population(n, rng)
    grades = frame[TOUCHPOINTS].to_numpy()
    before = _expected_nps(mu)
    gain = {}
    for j, name in enumerate(TOUCHPOINTS):
        moved = grades.copy()
        moved[:, j] = np.minimum(moved[:, j] + 0.5, 10)  # NaN stays NaN
        gain[name] = _expected_nps(_latent(moved)) - before
    return pd.Series(gain)


def one_wave(seed: int, n: int = 500) -> dict[str, tuple[str, ...]]:
    """Orders found in one simulated wave: by NPS gain, and by two Shapley variants."""
    frame, _ = population(n, np.random.default_rng(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gain = nps_gain(frame, outcome="ltr", drivers=TOUCHPOINTS, bootstrap=0)
        dummy = key_drivers(frame, outcome="ltr", drivers=TOUCHPOINTS, progress=False)
        pairwise = key_drivers(
            frame, outcome="ltr", drivers=TOUCHPOINTS, missing="pairwise", progress=False
        )
    return {
        "nps_gain (default)": tuple(gain.sort_values("rank")["driver"]),
        "shapley dummy": tuple(dummy.table["driver"]),
        "shapley pairwise (old)": tuple(pairwise.table["driver"]),
    }


def match_rates(waves: int, n: int = 500) -> tuple[pd.Series, tuple[str, ...]]:
    truth = tuple(population_gain().sort_values(ascending=False).index)
    hits: dict[str, int] = {}
    for seed in range(waves):
        for name, order in one_wave(seed, n).items():
            hits[name] = hits.get(name, 0) + (order == truth)
    return pd.Series(hits) / waves, truth


def test_population_order_puts_reach_before_the_effect_among_the_few():
    gain = population_gain()
    assert gain.idxmax() == "product"
    # complaints: the strongest effect per grade point, but reached only a quarter
    assert gain["complaints"] < gain["delivery"]
    assert gain["invoicing"] == 0 and (gain.drop("invoicing") > 0).all()


@pytest.mark.slow
def test_default_order_by_nps_gain_matches_the_population():
    rates, truth = match_rates(200)
    assert rates["nps_gain (default)"] >= 0.95, (rates, truth)
    assert rates["shapley pairwise (old)"] < 0.5, rates

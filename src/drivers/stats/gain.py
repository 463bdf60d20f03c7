"""Impact on the whole customer base: the expected NPS gain of a small improvement.

:func:`nps_gain` answers "what to improve first": per touchpoint, the change in the NPS of
*all* respondents if those who graded the touchpoint gave it ``shift`` (default half a
grade) more. It uses the model of :func:`drivers.stats.simulate.simulate` (grades
mean-filled with an "answered" indicator, a proportional-odds model of the three NPS
classes), so reach is built in: a touchpoint graded by 25 % of the customers moves only
their predictions, and the NPS of the whole base moves accordingly.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import AnalysisError, ParameterError
from drivers.stats import simulate as _sim

__all__ = ["nps_gain"]


def nps_gain(
    data: Any,
    result: Any = None,
    *,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    weights: Any = None,
    shift: float = 0.5,
    model: str = "ordinal",
    bootstrap: int = 200,
    seed: int = 0,
    level: float = 0.95,
    scale: tuple[float, float] | None = None,
    progress: bool = False,
    cutoffs: Any = None,
) -> pd.DataFrame:
    """Expected change in the NPS of the whole base if one touchpoint's grades rise.

    For each touchpoint separately: every respondent who graded it grades it ``shift``
    higher (capped at the top of the scale), the others ("n.v.t.") stay as they are, and
    all other touchpoints stay put. The gain is the model's expected NPS after minus
    before, over all respondents: exactly ``simulate(data, changes={touchpoint: shift})
    .nps_change`` for each touchpoint, but fitted once per bootstrap resample for all
    touchpoints.

    Parameters
    ----------
    data : Survey or DataFrame
        One row per respondent (as :func:`drivers.stats.importance.key_drivers`).
    result : DriverResult, optional
        A key-driver result whose drivers and outcome are used when ``drivers`` and
        ``outcome`` are not given.
    outcome, drivers, weights
        As :func:`~drivers.stats.simulate.simulate` (required for a DataFrame unless
        ``result`` supplies outcome and drivers; weights are never taken from ``result``).
    shift : float
        Grade points added for those who answered (default 0.5).
    model : {"ordinal", "logit"}
        The model of :func:`~drivers.stats.simulate.simulate`.
    bootstrap : int
        Respondent bootstrap resamples for the percentile CI (0: no CI).
    seed : int
    level : float
    scale : (float, float), optional
        Lowest and highest grade (default: the spec's, or 1-10).
    progress : bool
    cutoffs : Cutoffs, optional
        Where promoters begin and detractors end (default 9-10 and 0-6).

    Returns
    -------
    DataFrame
        One row per touchpoint in input order: ``driver``, ``n`` (respondents who graded
        it), ``reach`` (weighted share who graded it), ``nps_gain`` (expected change of the
        NPS of the whole base, in NPS points), ``ci_low``, ``ci_high`` (percentile CI; NaN
        without a bootstrap), ``rank`` (1 = largest gain).

    Examples
    --------
    >>> from drivers import demo
    >>> gain = nps_gain(demo.load(2024), bootstrap=0)
    >>> list(gain.columns)
    ['driver', 'n', 'reach', 'nps_gain', 'ci_low', 'ci_high', 'rank']
    >>> bool((gain["reach"] <= 1).all())
    True
    """
    if result is not None:
        outcome = result.outcome if outcome is None else outcome
        drivers = list(result.columns) if drivers is None else drivers
    if isinstance(shift, bool) or not isinstance(shift, int | float) or not np.isfinite(shift):
        raise ParameterError(
            f"The 'shift' parameter of nps_gain must be a number of grade points (e.g. 0.5). "
            f"Got {shift!r} instead."
        )
    _sim._check_common("nps_gain", model, bootstrap, level)
    setup = _sim._setup(data, "nps_gain", outcome, drivers, weights, scale, cutoffs)
    keys, low, high = setup.keys, setup.low, setup.high
    plans = [_sim._parse_change(key, float(shift), None, low, high) for key in keys]

    def gains(g: np.ndarray, c: np.ndarray, weight: np.ndarray, start=None):
        """Gain per touchpoint on these respondents, and the model fit.

        A touchpoint's change moves only its own grade column, for those who graded it,
        so each scenario's linear predictor is the base one plus beta_j times that change:
        all touchpoints are evaluated in one pass, without a changed copy of the data.
        """
        x_before = _sim._design(g, setup.impute, setup.indicators)
        fit = _sim._fit(model, x_before, c, weight, start)
        parts = _sim._linear_parts(model, fit)
        base = [
            np.zeros(len(g)) if "constant" in part else x_before @ part["beta"] for part in parts
        ]
        before = _sim._nps_from_etas(model, fit, [b[None, :] for b in base], weight)[0]
        out = np.empty(len(keys))
        block = max(1, _sim._CHUNK_CELLS // max(len(g), 1))
        for first in range(0, len(keys), block):
            chosen = range(first, min(first + block, len(keys)))
            steps = np.zeros((len(chosen), len(g)))
            for row, j in enumerate(chosen):
                answered = np.isfinite(g[:, j])
                changed, _ = _sim._apply(g[:, [j]], weight, [plans[j]], {keys[j]: 0}, low, high)
                steps[row, answered] = changed[answered, 0] - g[answered, j]
            etas = [
                b[None, :]
                if "constant" in part
                else b[None, :] + steps * part["beta"][list(chosen)][:, None]
                for b, part in zip(base, parts, strict=True)
            ]
            out[first : first + len(chosen)] = (
                _sim._nps_from_etas(model, fit, etas, weight) - before
            )
        return out, fit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            point, fit = gains(setup.grades, setup.classes, setup.w)
        except _sim._FitError as err:
            raise AnalysisError(f"nps_gain: the {model} model could not be fitted: {err}") from None
    low_ci = high_ci = np.full(len(keys), np.nan)
    if bootstrap:
        # each resample starts Newton's method at the full sample's fit
        draws, subsets = _draws(
            functools.partial(gains, start=fit), setup, int(bootstrap), seed, progress
        )
        if len(draws):
            low_ci, high_ci = _sim._interval(draws, subsets, level, point)
    answered = np.isfinite(setup.grades)
    table = pd.DataFrame(
        {
            "driver": keys,
            "n": answered.sum(axis=0).astype(int),
            "reach": np.minimum((setup.w @ answered) / setup.w.sum(), 1.0),
            "nps_gain": point,
            "ci_low": low_ci,
            "ci_high": high_ci,
        }
    )
    order = np.argsort(-point, kind="stable")
    rank = np.empty(len(keys), dtype=int)
    rank[order] = np.arange(1, len(keys) + 1)
    table["rank"] = rank
    return table


def _draws(gains, setup, bootstrap: int, seed: int, progress: bool) -> np.ndarray:
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    n = setup.n
    draws, subsets = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for subset, index, counts in tqdm(
            _sim._resamples(n, bootstrap, rng), desc="nps_gain", disable=not progress, leave=False
        ):
            if counts is not None:  # drawn zero times: not in this resample
                index, counts = index[counts > 0], counts[counts > 0]
            weight = setup.w[index] if counts is None else setup.w[index] * counts
            try:
                draws.append(gains(setup.grades[index], setup.classes[index], weight)[0])
            except (_sim._FitError, np.linalg.LinAlgError, ValueError):
                continue
            subsets.append(subset)
    return np.asarray(draws).reshape(-1, len(setup.keys)), np.asarray(subsets, dtype=int)

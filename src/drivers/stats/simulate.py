"""What-if: the expected change in NPS when touchpoint grades move.

A respondent-level model links the NPS class (detractor 0-6, passive 7-8, promoter 9-10)
to the touchpoint grades. The grades are then changed as the scenario says, the class
probabilities are predicted again for every respondent, and the (weighted) averages give
the expected promoter share, detractor share and NPS before and after. The change is
``after - before`` of the same model on the same respondents, so a zero change in the
grades gives exactly zero. A respondent bootstrap (resample, refit, recompute) gives a
percentile confidence interval of the change.

Models
------
``"ordinal"`` (default)
    Proportional-odds (cumulative logit) model of the three classes:
    ``P(class <= j) = logistic(theta_j - x'beta)``. Fitted by maximum likelihood with
    Newton's method (analytic gradient and Hessian); with survey weights, by weighted
    pseudo-maximum likelihood. The unweighted fit is the same model as statsmodels'
    ``OrderedModel(distr="logit")`` and agrees with it (see ``tests/test_simulate.py``);
    our own solver is used because the bootstrap refits it hundreds of times and
    ``OrderedModel`` (numerical derivatives, no weights) takes about 0.4 s per fit.
``"logit"``
    Two binary logits, P(promoter) and P(detractor), each with its own coefficients
    (weighted like ``statsmodels.GLM(..., family=Binomial(), freq_weights=w)``).

Not applicable ("n.v.t.") grades are mean-imputed (weighted mean of those who answered),
and an "answered" indicator is added for every touchpoint that at least 5% of the
respondents skipped (complaint handling, a web shop not everyone uses); a handful of
"weet niet" answers is only imputed. With the indicator, the imputed value does not matter
for the predictions. The imputed respondents keep their value when the grades change, so
a scenario moves only those who graded the touchpoint.
"""

from __future__ import annotations

import collections
import copy
import functools
import hashlib
import math
import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from drivers.errors import (
    AnalysisError,
    ColumnNotFoundError,
    ParameterError,
    SmallBaseWarning,
    check_option,
    closest,
)
from drivers.stats._input import is_survey, resolve
from drivers.stats._summary import Summarised, SummaryParts, read_only

__all__ = ["ASSUMPTIONS", "ChangeAttribution", "SimulationResult", "attribute_change", "simulate"]

MEASURES = ("nps", "promoters", "detractors")
_KINDS = ("shift", "to", "at_least")
_MIN_SUCCESSFUL = 0.8  # share of bootstrap refits that must succeed before we warn
_SMALL_BASE = 30
_INDICATOR_SHARE = 0.05  # "answered" indicator for touchpoints skipped by >= 5%

#: The assumptions behind every simulation, in English and Dutch (shown by the narration).
ASSUMPTIONS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "The model is observational: it describes how grades and recommendation go together "
        "in this survey, and reading the change as the effect of an improvement assumes that "
        "the association is causal.",
        "A change is applied uniformly to every respondent who graded the touchpoint; "
        "respondents who answered 'not applicable' are not changed.",
        "All other touchpoints are held at their current grades.",
        "Changed grades are capped at the ends of the grade scale.",
        "The same model holds after the change: no new reasons to recommend or to complain.",
    ),
    "nl": (
        "Het model is gebaseerd op waarnemingen: het beschrijft hoe cijfers en aanbeveling in "
        "dit onderzoek samenhangen; wie de uitkomst leest als het effect van een verbetering, "
        "neemt aan dat die samenhang oorzakelijk is.",
        "Een verandering geldt gelijkelijk voor iedere respondent die het contactmoment een "
        "cijfer gaf; respondenten met 'n.v.t.' veranderen niet.",
        "Alle andere contactmomenten blijven op hun huidige cijfer.",
        "Veranderde cijfers blijven binnen de cijferschaal (afgekapt aan de uiteinden).",
        "Het model blijft na de verandering gelden: er ontstaan geen nieuwe redenen om aan te "
        "bevelen of te klagen.",
    ),
}


@read_only("table", "changes", "coefficients", "draws")
@dataclass(frozen=True, eq=False, repr=False)
class SimulationResult(Summarised):
    """Expected NPS before and after a change in grades; made by :func:`simulate`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per measure (``nps`` on the -100..100 scale; ``promoters``,
        ``detractors`` as shares 0..1): ``measure``, ``observed`` (the survey's own
        weighted figure), ``before`` and ``after`` (model-expected), ``change``
        (after - before), ``ci_low``, ``ci_high`` (bootstrap percentile CI of the change;
        NaN without bootstrap).
    changes : pandas.DataFrame
        One row per changed touchpoint: ``touchpoint``, ``label``, ``kind`` ("shift",
        "to" or "at_least"), ``value`` (as asked), ``source`` ("given" or "benchmark"),
        ``n`` (respondents who graded it), ``mean_before``, ``mean_after``, ``shift``
        (``mean_after - mean_before``), ``share_changed``.
    assumptions : tuple of str
        The assumptions in English (Dutch: ``ASSUMPTIONS["nl"]``).
    model : {"ordinal", "logit"}
    n : int
        Respondents in the model (NPS answered).
    weighted : bool
    bootstrap : int
        Successful bootstrap refits behind the CI.
    level : float
    seed : int
    coefficients : pandas.DataFrame
        Fitted coefficients per term (grades per point; ``*_answered`` indicators).
    draws : pandas.DataFrame
        Bootstrap draws of the change, one column per measure.
    labels : dict
        Language -> touchpoint -> display label of the changed touchpoints.
    """

    table: pd.DataFrame
    changes: pd.DataFrame
    assumptions: tuple[str, ...]
    model: str
    n: int
    weighted: bool
    bootstrap: int
    level: float
    seed: int
    coefficients: pd.DataFrame = field(repr=False)
    draws: pd.DataFrame = field(repr=False)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)

    def label(self, touchpoint: str, lang: str = "nl") -> str:
        """Display label of a changed touchpoint in ``lang`` (from the survey spec)."""
        return str(self.labels.get(lang, {}).get(touchpoint, touchpoint))

    def row(self, measure: str) -> pd.Series:
        """The table row of one measure ("nps", "promoters" or "detractors")."""
        check_option("SimulationResult.row", "measure", measure, MEASURES)
        return self.table.set_index("measure").loc[measure]

    @property
    def nps_change(self) -> float:
        """Expected change in NPS points."""
        return float(self.row("nps")["change"])

    @property
    def significant(self) -> bool:
        """True when the CI of the NPS change excludes zero."""
        row = self.row("nps")
        low, high = float(row["ci_low"]), float(row["ci_high"])
        return bool(np.isfinite(low) and np.isfinite(high) and (low > 0 or high < 0))

    _repr_fields = ("model", "n", "nps_change", "bootstrap")

    def _summary_parts(self) -> SummaryParts:
        head = (
            f"What-if simulation ({self.model} model, n = {self.n}"
            + (", weighted" if self.weighted else "")
            + f", {self.bootstrap} bootstrap refits, {self.level:.0%} CI)"
        )
        changes = self.changes[
            ["touchpoint", "kind", "value", "mean_before", "mean_after", "shift"]
        ]
        return SummaryParts(
            header=[head],
            tables=[changes.round(2), self.table.round(3)],
            notes=list(self.assumptions),
            notes_title="Assumptions:",
        )


# --------------------------------------------------------------------------- public


def simulate(
    data: Any,
    *,
    changes: Mapping[str, Any],
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    weights: Any = None,
    model: str = "ordinal",
    bootstrap: int = 200,
    seed: int = 0,
    level: float = 0.95,
    benchmark: Mapping[str, float] | pd.Series | None = None,
    touchpoints: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    progress: bool = True,
    cutoffs: Any = None,
) -> SimulationResult:
    """Expected change in NPS, promoters and detractors if touchpoint grades change.

    Parameters
    ----------
    data : Survey or DataFrame
        One row per respondent. A Survey supplies the defaults ``outcome = spec.nps``,
        ``drivers = spec.touchpoint_keys``, ``weights = spec.weight`` and the grade scale.
    changes : dict
        Touchpoint key -> what happens to its grades (for the respondents who graded it):

        - a number, e.g. ``+0.6``: every grade moves that many points (``("shift", 0.6)``
          is the same);
        - ``("to", 7.2)``: every grade moves by the same amount, chosen so that the
          (weighted) mean grade becomes 7.2 after capping at the scale;
        - ``"benchmark"``: ``("to", b)`` with ``b`` the benchmark grade of the touchpoint,
          from ``benchmark=`` or else from :mod:`drivers.stats.benchmark` (``measure="grade"``);
        - ``("at_least", 8)``: grades below 8 become 8, the others stay ("everyone
          grades at least an 8").
    outcome : str, optional
        The 0-10 likelihood-to-recommend column (required for a DataFrame).
    drivers : sequence of str, optional
        The touchpoint grade columns in the model (required for a DataFrame; default for a
        Survey: all of its spec). ``touchpoints=`` is the older name of the same option.
    weights : str or array-like, optional
        Survey weights: a column name or one value per row. Rows with a missing, zero or
        negative weight are left out.
    model : {"ordinal", "logit"}, default "ordinal"
        Proportional-odds model of the three NPS classes, or two binary logits (promoter,
        detractor). See the module notes.
    bootstrap : int, default 200
        Respondent bootstrap resamples for the CI (0: no CI).
    seed : int, default 0
        Seed of the bootstrap.
    level : float, default 0.95
        Confidence level of the percentile CI.
    benchmark : dict or Series, optional
        Touchpoint -> benchmark grade, used by ``"benchmark"`` changes.
    touchpoints : sequence of str, optional
        Same as ``drivers`` (kept for existing callers).
    scale : (float, float), optional
        Lowest and highest grade, for capping and targets (default: the spec's scale, or
        1-10 for a DataFrame).
    progress : bool, default True
        Show a progress bar during the bootstrap.
    cutoffs : Cutoffs, optional
        Where promoters begin and detractors end (default 9-10 and 0-6; see
        :class:`drivers.stats.nps.Cutoffs`).

    Returns
    -------
    SimulationResult

    Raises
    ------
    ColumnNotFoundError
        A changed touchpoint is not in the survey.
    ParameterError
        A change is not understood, or a target lies outside the grade scale.
    AnalysisError
        Too few respondents or no variation in the NPS classes.

    Warns
    -----
    SmallBaseWarning
        Fewer than 30 respondents.

    Notes
    -----
    Assumptions (also in :data:`ASSUMPTIONS` and in the narration):

    1. The model is observational. Reading the change as what an improvement *would do*
       assumes the association between grades and recommendation is causal; unmeasured
       causes (price, relationship, a recent incident) are not modelled.
    2. A change is applied uniformly to every respondent who graded the touchpoint;
       "n.v.t." stays "n.v.t.".
    3. All other touchpoints are held at their current grades (in reality touchpoints
       move together; their correlation is not propagated).
    4. Changed grades are capped at the ends of the grade scale (``spec.scale``).
    5. The fitted model still holds after the change.

    "before" is the model's expected value on the current grades; it is close to, but not
    always equal to, the observed figure (``observed``). For ``("to", target)`` changes the
    shift is solved again in each bootstrap resample, so the CI includes the uncertainty
    of the current mean.

    Examples
    --------
    >>> from drivers import demo
    >>> survey = demo.load(2024)
    >>> sim = simulate(survey, changes={"klachtafhandeling": 0}, bootstrap=0, progress=False)
    >>> float(sim.nps_change)
    0.0
    >>> sim = simulate(survey, changes={"klachtafhandeling": 0.6}, bootstrap=0, progress=False)
    >>> sim.nps_change > 0
    True
    """
    func = "simulate"
    _check_common(func, model, bootstrap, level)
    if not isinstance(changes, Mapping) or not changes:
        raise ParameterError(
            "The 'changes' parameter of simulate must be a non-empty dict touchpoint -> "
            f"change, e.g. {{'klachtafhandeling': 0.6}}. Got {changes!r} instead."
        )
    if drivers is not None and touchpoints is not None:
        raise ParameterError("simulate: give drivers= or touchpoints= (the same option), not both.")
    setup = _setup(
        data,
        func,
        outcome,
        drivers if drivers is not None else touchpoints,
        weights,
        scale,
        cutoffs,
    )
    keys, spec, low, high = setup.keys, setup.spec, setup.low, setup.high
    for key in changes:
        if key not in setup.frame.columns:
            hint = closest(str(key), keys)
            raise ColumnNotFoundError(
                f"simulate: touchpoint {key!r} is not a column of the survey data"
                + (f"; did you mean {hint!r}?" if hint else ".")
                + f" Touchpoints: {keys}."
            )
    unknown = [k for k in changes if k not in keys]
    if unknown:
        raise ParameterError(
            f"simulate: the changed touchpoint(s) {unknown} are not in the model's "
            f"touchpoints {keys}; add them to 'drivers='."
        )
    plan = [_parse_change(key, value, benchmark, low, high) for key, value in changes.items()]
    grades, classes, w = setup.grades, setup.classes, setup.w
    n, weights = setup.n, setup.weights
    columns = {k: j for j, k in enumerate(keys)}

    def evaluate(g: np.ndarray, c: np.ndarray, weight: np.ndarray, start=None):
        changed, _ = _apply(g, weight, plan, columns, low, high)
        return _evaluate(setup, model, g, changed, c, weight, start)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            before, after, fit = evaluate(grades, classes, w)
        except _FitError as err:
            raise AnalysisError(f"simulate: the {model} model could not be fitted: {err}") from None
    resample = functools.partial(evaluate, start=fit)  # resamples start from the full fit
    _, info = _apply(grades, w, plan, columns, low, high)

    draws, subsets = _bootstrap(resample, grades, classes, w, bootstrap, seed, progress)
    change = after - before
    if len(draws):
        ci_low, ci_high = _interval(draws, subsets, level, change)
        draws = draws[subsets >= 0]  # the little bootstraps' centres are no resamples
    else:
        ci_low = ci_high = np.full(3, np.nan)
    if bootstrap and len(draws) < _MIN_SUCCESSFUL * bootstrap:
        warnings.warn(
            f"simulate: only {len(draws)} of {bootstrap} bootstrap refits succeeded; "
            "the CI is less reliable.",
            RuntimeWarning,
            stacklevel=2,
        )

    observed = np.array(
        [
            100 * (np.average(classes == 2, weights=w) - np.average(classes == 0, weights=w)),
            np.average(classes == 2, weights=w),
            np.average(classes == 0, weights=w),
        ]
    )
    table = pd.DataFrame(
        {
            "measure": list(MEASURES),
            "observed": observed,
            "before": before,
            "after": after,
            "change": change,
            "ci_low": ci_low,
            "ci_high": ci_high,
        }
    )
    lang = getattr(spec, "language", "nl") or "nl"
    changes_table = pd.DataFrame(
        [
            {
                "touchpoint": item["key"],
                "label": _label(spec, item["key"], lang),
                "kind": item["kind"],
                "value": item["value"],
                "source": item["source"],
                **info[item["key"]],
            }
            for item in plan
        ]
    )
    return SimulationResult(
        table=table,
        changes=changes_table,
        assumptions=ASSUMPTIONS["en"],
        model=model,
        n=n,
        weighted=weights is not None,
        bootstrap=len(draws),
        level=float(level),
        seed=int(seed),
        coefficients=_coefficients(model, fit, keys, setup.indicators),
        draws=pd.DataFrame(np.asarray(draws).reshape(-1, 3), columns=list(MEASURES)),
        labels={
            language: {item["key"]: _label(spec, item["key"], language) for item in plan}
            for language in ("nl", "en")
        },
    )


def _cutoffs(cutoffs: Any, func: str) -> Any:
    """The NPS cut-offs asked for (default: promoters 9-10, detractors 0-6)."""
    from drivers.stats.nps import STANDARD, _cutoffs

    return STANDARD if cutoffs is None else _cutoffs(cutoffs, func)


def _check_common(func: str, model: str, bootstrap: Any, level: Any) -> None:
    check_option(func, "model", model, ("ordinal", "logit"))
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise ParameterError(
            f"The 'bootstrap' parameter of {func} must be a whole number >= 0. "
            f"Got {bootstrap!r} instead."
        )
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ParameterError(
            f"The 'level' parameter of {func} must be between 0 and 1. Got {level!r} instead."
        )


@dataclass
class _Setup:
    """The respondents and model columns of one simulation (internal)."""

    frame: pd.DataFrame
    spec: Any
    keys: list[str]
    grades: np.ndarray  # n x p, NaN = n.v.t.
    classes: np.ndarray  # 0 detractor, 1 passive, 2 promoter
    w: np.ndarray  # normalised to mean 1
    n: int
    weights: np.ndarray | None  # None when unweighted
    impute: np.ndarray
    indicators: list[int]
    low: float
    high: float


def _setup(data, func, outcome, drivers, weights, scale, cutoffs=None) -> _Setup:
    inputs = resolve(
        data, func, outcome=outcome, drivers=drivers, weights=weights, need_drivers=True
    )
    spec, frame = inputs.spec, inputs.frame
    keys = list(inputs.drivers)
    if scale is None:
        scale = tuple(getattr(spec, "scale", (1, 10))) if spec is not None else (1, 10)
    try:
        low, high = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ParameterError(
            f"The 'scale' parameter of {func} must be (lowest, highest) grade, e.g. (1, 10). "
            f"Got {scale!r} instead."
        ) from None
    if not low < high:
        raise ParameterError(f"{func}: scale={scale!r} needs lowest < highest.")
    scores = pd.to_numeric(frame[inputs.outcome], errors="coerce").to_numpy(float)
    w = np.ones(len(frame)) if inputs.weights is None else inputs.weights
    used = np.isfinite(scores) & np.isfinite(w) & (w > 0)
    scores, w = scores[used], w[used]
    grades = frame.loc[used, keys].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    n = int(used.sum())
    if n < _SMALL_BASE:
        warnings.warn(
            f"{func}: only {n} respondents answered the NPS question (fewer than "
            f"{_SMALL_BASE}); the simulation is very uncertain.",
            SmallBaseWarning,
            stacklevel=3,
        )
    classes = _cutoffs(cutoffs, func).classes(scores)
    if np.unique(classes).size < 2:
        raise AnalysisError(
            f"{func}: all {n} respondents are in one NPS class; there is nothing to model."
        )
    answered_any = np.isfinite(grades).any(axis=0)
    if not answered_any.all():
        empty = [k for k, a in zip(keys, answered_any, strict=True) if not a]
        raise AnalysisError(f"{func}: nobody graded {empty}; leave them out ('drivers=').")
    w = w / w.mean()
    impute = np.array(
        [np.average(g[np.isfinite(g)], weights=w[np.isfinite(g)]) for g in grades.T], dtype=float
    )
    # an indicator only where enough respondents skipped the touchpoint: a handful of
    # "weet niet" answers would give an unstable, nearly separated indicator
    share_missing = 1 - np.isfinite(grades).mean(axis=0)
    indicators = [j for j in range(len(keys)) if share_missing[j] >= _INDICATOR_SHARE]
    if n <= len(keys) + len(indicators) + 2:
        raise AnalysisError(
            f"{func}: {n} respondents are too few for a model with "
            f"{len(keys) + len(indicators)} terms."
        )
    return _Setup(
        frame=frame,
        spec=spec,
        keys=keys,
        grades=grades,
        classes=classes,
        w=w,
        n=n,
        weights=inputs.weights,
        impute=impute,
        indicators=indicators,
        low=low,
        high=high,
    )


def _evaluate(setup: _Setup, model: str, g, changed, c, weight, start=None):
    """Fit on ``g`` and return expected (NPS, promoters, detractors) before, after, and the fit.

    ``start``: a fit of the same model to begin Newton's method from (see :func:`_fit`).
    """
    x_before = _design(g, setup.impute, setup.indicators)
    x_after = _design(changed, setup.impute, setup.indicators)
    fit = _fit(model, x_before, c, weight, start)
    p_before = _class_probabilities(model, fit, x_before)
    # only the rows whose grades changed are predicted again: an unchanged respondent
    # keeps bit-identical probabilities, so a zero change gives exactly zero
    p_after = p_before.copy()
    moved = np.any(x_after != x_before, axis=1)
    if moved.any():
        p_after[moved] = _class_probabilities(model, fit, x_after[moved])
    return _aggregate(p_before, weight), _aggregate(p_after, weight), fit


# --------------------------------------------------------------------------- scenario


def _label(spec: Any, key: str, lang: str) -> str:
    try:
        return str(spec.label(key, lang))
    except Exception:  # a spec without labels: show the key
        return key


def _parse_change(key: str, value: Any, benchmark: Any, low: float, high: float) -> dict:
    """One change as ``{"key", "kind", "value", "target", "source"}``."""
    source = "given"
    if isinstance(value, str):
        if value != "benchmark":
            raise ParameterError(
                f"simulate: the change of {key!r} must be a number, 'benchmark', "
                f"('to', grade) or ('at_least', grade). Got {value!r} instead."
            )
        kind, number, source = "to", _benchmark_grade(key, benchmark), "benchmark"
    elif isinstance(value, tuple | list):
        if len(value) != 2 or not isinstance(value[0], str):
            raise ParameterError(
                f"simulate: the change of {key!r} must be a pair like ('to', 7.2). "
                f"Got {value!r} instead."
            )
        check_option("simulate", f"changes[{key!r}][0]", value[0], _KINDS)
        kind, number = value[0], value[1]
    else:
        kind, number = "shift", value
    try:
        number = float(number)
    except (TypeError, ValueError):
        raise ParameterError(
            f"simulate: the change of {key!r} needs a number. Got {value!r} instead."
        ) from None
    if not np.isfinite(number):
        raise ParameterError(f"simulate: the change of {key!r} must be finite. Got {value!r}.")
    if kind in ("to", "at_least") and not low <= number <= high:
        raise ParameterError(
            f"simulate: the target grade {number:g} for {key!r} lies outside the grade "
            f"scale {low:g}-{high:g}."
        )
    return {"key": key, "kind": kind, "value": number, "source": source}


def _benchmark_grade(key: str, benchmark: Any) -> float:
    if benchmark is not None:
        table = pd.Series(dict(benchmark)) if isinstance(benchmark, Mapping) else benchmark
        if key in table.index:
            return float(table[key])
    try:
        from drivers.stats.benchmark import benchmark as lookup
    except ImportError:
        lookup = None
    if lookup is not None:
        try:
            found = lookup(measure="grade", touchpoint=key)
        except Exception as err:  # no benchmark for this touchpoint: say so below
            found, reason = None, str(err)
        else:
            reason = ""
        value = _benchmark_value(found)
        if value is not None:
            return value
    else:
        reason = "drivers.stats.benchmark is not available"
    raise ParameterError(
        f"simulate: no benchmark grade for {key!r}"
        + (f" ({reason})" if reason else "")
        + f". Pass benchmark={{{key!r}: 7.2}} or use the change ('to', 7.2)."
    )


def _benchmark_value(found: Any) -> float | None:
    """The grade in whatever :func:`drivers.stats.benchmark.benchmark` returned."""
    if found is None:
        return None
    if isinstance(found, int | float | np.number):
        return float(found)
    for attribute in ("value", "grade", "mean"):
        if hasattr(found, attribute):
            return float(getattr(found, attribute))
    if isinstance(found, pd.DataFrame) and not found.empty:
        for column in ("value", "grade", "mean"):
            if column in found.columns:
                return float(found[column].iloc[0])
    if isinstance(found, pd.Series) and not found.empty:
        return float(found.iloc[0])
    return None


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(values * weights) / np.sum(weights))


def _solve_shift(g: np.ndarray, w: np.ndarray, target: float, low: float, high: float) -> float:
    """The smallest uniform shift s with mean(clip(g + s)) = target.

    The weighted mean after the shift is piecewise linear and non-decreasing in s, with
    knots where a grade reaches either end of the scale: it is evaluated at the knots
    (grades are few distinct values) and the segment that crosses ``target`` is solved.
    """
    values, inverse = np.unique(g, return_inverse=True)
    mass = np.bincount(inverse.ravel(), weights=w, minlength=len(values)) / np.sum(w)

    def mean_after(s: np.ndarray) -> np.ndarray:
        return mass @ np.clip(values[:, None] + s[None, :], low, high)

    lo, hi = low - float(values[-1]), high - float(values[0])
    knots = np.concatenate([low - values, high - values])
    points = np.unique(np.concatenate([[lo, hi], knots[(knots > lo) & (knots < hi)]]))
    means = mean_after(points)
    if means[0] >= target:
        return lo
    if means[-1] <= target:
        return hi
    i = int(np.searchsorted(means, target, side="left"))  # means[i - 1] < target <= means[i]
    if means[i] == target:
        return float(points[i])
    x0, x1, y0, y1 = points[i - 1], points[i], means[i - 1], means[i]
    return float(x0 + (target - y0) * (x1 - x0) / (y1 - y0))


def _apply(grades, weights, plan, columns, low, high):
    """Changed grades, and per touchpoint what the change did."""
    changed = grades.copy()
    info = {}
    for item in plan:
        j = columns[item["key"]]
        answered = np.isfinite(grades[:, j])
        g, w = grades[answered, j], weights[answered]
        if item["kind"] == "shift":
            new = np.clip(g + item["value"], low, high) if item["value"] != 0 else g.copy()
        elif item["kind"] == "to":
            new = np.clip(g + _solve_shift(g, w, item["value"], low, high), low, high)
        else:  # at_least
            new = np.maximum(g, item["value"])
        changed[answered, j] = new
        before, after = _weighted_mean(g, w), _weighted_mean(new, w)
        info[item["key"]] = {
            "n": int(answered.sum()),
            "mean_before": before,
            "mean_after": after,
            "shift": after - before,
            "share_changed": _weighted_mean((new != g).astype(float), w),
        }
    return changed, info


# --------------------------------------------------------------------------- model


class _FitError(RuntimeError):
    """The model did not converge on this (re)sample."""


def _design(grades: np.ndarray, impute: np.ndarray, indicators: list[int]) -> np.ndarray:
    """Grades with n.v.t. mean-imputed, plus an 'answered' indicator where needed."""
    answered = np.isfinite(grades)
    filled = np.where(answered, grades, impute[None, :])
    return np.column_stack([filled, answered[:, indicators].astype(float)])


def _fit_cumulative_logit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, k: int, start: dict | None = None
) -> dict:
    """Weighted ML fit of P(y <= j) = logistic(theta_j - x'beta), y in 0..k-1, by Newton.

    The log-likelihood is concave (Pratt 1981), so Newton's method with step halving
    converges from the null model, or from ``start`` (an earlier fit with the same columns
    and classes: a bootstrap resample begins at the full sample's estimate and needs a
    few steps instead of a dozen; the maximum is the same). A tiny ridge on beta keeps
    the step defined when a resample makes a column constant.
    """
    n, p = x.shape
    center = np.average(x, axis=0, weights=w)
    xc = x - center
    cumulative = np.clip(
        np.cumsum(np.bincount(y, weights=w, minlength=k))[:-1] / w.sum(), 1e-6, 1 - 1e-6
    )
    theta = np.log(cumulative / (1 - cumulative))
    beta = np.zeros(p)
    ridge = 1e-8 * w.sum()
    onehot_upper = np.equal.outer(y, np.arange(k - 1)).astype(float)  # theta_j is upper bound
    onehot_lower = np.equal.outer(y, np.arange(1, k)).astype(float)  # theta_j is lower bound

    def pieces(beta, theta):
        eta = xc @ beta
        bounds = np.concatenate([[-np.inf], theta, [np.inf]])
        fu, fl = expit(bounds[y + 1] - eta), expit(bounds[y] - eta)
        prob = np.maximum(fu - fl, 1e-300)
        return eta, fu, fl, prob

    def loglik(beta, theta):
        if np.any(np.diff(theta) <= 0):
            return -np.inf
        return float(np.sum(w * np.log(pieces(beta, theta)[3])))

    current = loglik(beta, theta)
    if start is not None and len(start["beta"]) == p and len(start["theta"]) == k - 1:
        warm_beta = np.asarray(start["beta"], dtype=float)
        warm_theta = np.asarray(start["theta"], dtype=float) - center @ warm_beta
        warm = loglik(warm_beta, warm_theta)
        if np.isfinite(warm) and warm > current:
            beta, theta, current = warm_beta.copy(), warm_theta, warm
    for _ in range(200):
        _, fu, fl, prob = pieces(beta, theta)
        du, dl = fu * (1 - fu), fl * (1 - fl)  # logistic density at the bounds
        d2u, d2l = du * (1 - 2 * fu), dl * (1 - 2 * fl)
        g_eta = -(du - dl) / prob
        grad = np.concatenate(
            [
                xc.T @ (w * g_eta),
                onehot_upper.T @ (w * du / prob) - onehot_lower.T @ (w * dl / prob),
            ]
        )
        grad[:p] -= ridge * beta
        h_eta = (d2u - d2l) / prob - ((du - dl) / prob) ** 2
        b_upper = -d2u / prob + du * (du - dl) / prob**2
        b_lower = d2l / prob - dl * (du - dl) / prob**2
        c_upper = d2u / prob - (du / prob) ** 2
        c_lower = -d2l / prob - (dl / prob) ** 2
        c_cross = du * dl / prob**2
        hessian = np.empty((p + k - 1, p + k - 1))
        hessian[:p, :p] = (xc * (w * h_eta)[:, None]).T @ xc - ridge * np.eye(p)
        h_bt = xc.T @ (
            onehot_upper * (w * b_upper)[:, None] + onehot_lower * (w * b_lower)[:, None]
        )
        hessian[:p, p:] = h_bt
        hessian[p:, :p] = h_bt.T
        h_tt = np.diag(onehot_upper.T @ (w * c_upper) + onehot_lower.T @ (w * c_lower))
        cross = onehot_lower.T @ (w * c_cross)  # obs in class j+1: lower theta_j, upper theta_j+1
        for j in range(k - 2):
            h_tt[j, j + 1] = h_tt[j + 1, j] = cross[j]
        hessian[p:, p:] = h_tt
        try:
            step = np.linalg.solve(hessian, -grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hessian, -grad, rcond=None)[0]
        scale = 1.0
        while True:
            new_beta, new_theta = beta + scale * step[:p], theta + scale * step[p:]
            new = loglik(new_beta, new_theta)
            if np.isfinite(new) and new >= current - 1e-12 * abs(current):
                break
            scale /= 2
            if scale < 1e-10:
                raise _FitError("no step improves the likelihood")
        beta, theta = new_beta, new_theta
        improvement, current = new - current, new
        if np.max(np.abs(scale * step)) < 1e-9 or (
            scale == 1.0 and improvement < 1e-11 * max(1.0, abs(current))
        ):
            break
    else:
        raise _FitError("Newton's method did not converge in 200 iterations")
    if np.max(np.abs(beta)) > 50:
        raise _FitError("the coefficients diverge (separation)")
    return {"beta": beta, "theta": theta + center @ beta, "loglik": current}


def _cumulative_probabilities(fit: dict, x: np.ndarray) -> np.ndarray:
    """n × k class probabilities of a cumulative-logit fit."""
    eta = x @ fit["beta"]
    upper = expit(fit["theta"][None, :] - eta[:, None])
    cumulative = np.column_stack([upper, np.ones(len(eta))])
    return np.diff(cumulative, axis=1, prepend=0.0)


_FITS: collections.OrderedDict = collections.OrderedDict()
_FITS_LOCK = threading.Lock()
_FITS_KEPT = 1024  # fits are a few dozen numbers each


def _fit(
    model: str, x: np.ndarray, classes: np.ndarray, w: np.ndarray, start: dict | None = None
) -> dict:
    """Fit the NPS-class model; ``start`` is an earlier fit to begin from (resamples).

    Memoised on the exact input: the what-ifs and the NPS gain of one wave draw the same
    seeded resamples of the same respondents, so each resample is fitted once per run
    instead of once per scenario. A cached fit is returned as a new dict of copies.
    """
    digest = hashlib.blake2b(digest_size=20)
    digest.update(model.encode())
    for part in (x, classes, w):
        digest.update(str(part.shape).encode())
        digest.update(np.ascontiguousarray(part).tobytes())
    if start is not None:
        digest.update(repr(sorted(_flat(start))).encode())
    key = digest.digest()
    with _FITS_LOCK:
        found = _FITS.get(key)
        if found is not None:
            _FITS.move_to_end(key)
    if found is None:
        found = _fit_model(model, x, classes, w, start)
        with _FITS_LOCK:
            _FITS[key] = found
            while len(_FITS) > _FITS_KEPT:
                _FITS.popitem(last=False)
    return copy.deepcopy(found)


def _flat(fit: dict, prefix: str = "") -> list[tuple[str, tuple]]:
    """A fit's numbers as sortable (name, values) pairs, for the memo key."""
    out = []
    for name, value in fit.items():
        if isinstance(value, dict):
            out.extend(_flat(value, prefix + name + "."))
        else:
            out.append((prefix + name, tuple(np.atleast_1d(np.asarray(value, dtype=float)))))
    return out


def _fit_model(
    model: str, x: np.ndarray, classes: np.ndarray, w: np.ndarray, start: dict | None = None
) -> dict:
    if model == "ordinal":
        present = np.unique(classes)  # a class nobody is in gets probability 0
        codes = np.searchsorted(present, classes)
        if present.size < 2:
            raise _FitError("only one NPS class in the sample")
        warm = None
        if start is not None and np.array_equal(start.get("present"), present):
            warm = start["ordinal"]
        return {
            "ordinal": _fit_cumulative_logit(x, codes, w, present.size, warm),
            "present": present,
        }
    fits = {}
    for name, event in (("promoter", classes == 2), ("detractor", classes == 0)):
        if event.all() or not event.any():
            fits[name] = {"constant": float(event.mean())}
            continue
        warm = None if start is None else start.get(name)
        warm = warm if warm is not None and "beta" in warm else None
        # binary logit as a two-class cumulative logit: P(y = 1) = logistic(x'beta - theta)
        fits[name] = _fit_cumulative_logit(x, event.astype(int), w, 2, warm)
    return fits


def _class_probabilities(model: str, fit: dict, x: np.ndarray) -> np.ndarray:
    """n × 2 array: P(promoter), P(detractor) per respondent."""
    if model == "ordinal":
        probabilities = np.zeros((len(x), 3))
        probabilities[:, fit["present"]] = _cumulative_probabilities(fit["ordinal"], x)
        return probabilities[:, [2, 0]]
    shares = []
    for name in ("promoter", "detractor"):
        part = fit[name]
        if "constant" in part:
            shares.append(np.full(len(x), part["constant"]))
        else:
            shares.append(_cumulative_probabilities(part, x)[:, 1])
    return np.column_stack(shares)


def _aggregate(probabilities: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted expected (NPS, promoter share, detractor share)."""
    promoters = _weighted_mean(probabilities[:, 0], w)
    detractors = _weighted_mean(probabilities[:, 1], w)
    return np.array([100 * (promoters - detractors), promoters, detractors])


def _coefficients(model: str, fit: dict, keys: list[str], indicators: list[int]) -> pd.DataFrame:
    terms = list(keys) + [f"{keys[j]}_answered" for j in indicators]
    if model == "ordinal":
        return pd.DataFrame({"ordinal": fit["ordinal"]["beta"]}, index=terms)
    columns = {}
    for name, part in fit.items():
        columns[name] = part.get("beta", np.zeros(len(terms)))
    return pd.DataFrame(columns, index=terms)


#: From this many respondents on, the intervals of the what-ifs, the NPS gain and the
#: change attribution come from the bag of little bootstraps (Kleiner, Talwalkar, Sarkar &
#: Jordan 2014, JRSS-B 76(4)): a few random subsets of n^0.7 respondents, each resampled
#: to full size by multinomial counts used as weights, so a refit sees n^0.7 distinct rows
#: instead of n; the interval is the average of the subsets' percentile intervals.
LITTLE_BOOTSTRAP_ROWS = 100_000
_LITTLE_SUBSETS = 5
_LITTLE_POWER = 0.7


def _resamples(n: int, bootstrap: int, rng: np.random.Generator, little: bool | None = None):
    """``(subset, rows, counts)`` per resample: the rows drawn and their multiplicity.

    Below :data:`LITTLE_BOOTSTRAP_ROWS` (or ``little=False``) the classic bootstrap: ``n``
    rows drawn with replacement, counts None (subset always 0). From there on the bag of
    little bootstraps: for each of a few subsets ``k`` of ``n^0.7`` distinct rows, first the
    subset itself (each row ``n / size`` times, marked ``subset = -(k + 1)``: the centre of
    its resamples), then ``ceil(bootstrap / subsets)`` multinomial count vectors that add
    up to ``n``.
    """
    little = n >= LITTLE_BOOTSTRAP_ROWS if little is None else little
    if not little:
        for _ in range(bootstrap):
            yield 0, rng.integers(0, n, n), None
        return
    size = max(2, int(round(n**_LITTLE_POWER)))
    per = max(1, -(-bootstrap // _LITTLE_SUBSETS))
    for subset in range(_LITTLE_SUBSETS):
        rows = np.sort(rng.choice(n, size, replace=False))
        yield -(subset + 1), rows, np.full(size, n / size)
        for _ in range(per):
            yield subset, rows, rng.multinomial(n, np.full(size, 1.0 / size)).astype(float)


def _interval(draws: np.ndarray, subsets: np.ndarray, level: float, point) -> tuple[Any, Any]:
    """Percentile interval of the draws. With little bootstraps: per subset, the quantiles
    of the resamples' deviations from that subset's own estimate, averaged over the
    subsets and put around the full sample's estimate ``point``."""
    alpha = (1 - float(level)) / 2
    draws, subsets = np.asarray(draws, dtype=float), np.asarray(subsets)
    if subsets.size == 0 or not np.any(subsets < 0):
        low, high = np.quantile(draws, [alpha, 1 - alpha], axis=0)
        return low, high
    bounds = []
    for k in np.unique(subsets[subsets >= 0]):
        centre = draws[subsets == -(k + 1)]
        if len(centre) != 1 or not np.any(subsets == k):
            continue  # the subset's own fit failed: its resamples have no centre
        bounds.append(np.quantile(draws[subsets == k] - centre[0], [alpha, 1 - alpha], axis=0))
    if not bounds:
        nan = np.full(np.shape(point), np.nan)
        return nan, nan
    low, high = np.mean(bounds, axis=0)
    return np.asarray(point) + low, np.asarray(point) + high


def _bootstrap(evaluate, grades, classes, w, bootstrap, seed, progress):
    """What-if draws ``(b, 3)`` and the subset of each draw (see :func:`_resamples`)."""
    if not bootstrap:
        return np.empty((0, 3)), np.empty(0, dtype=int)
    from tqdm.auto import tqdm  # lazy: only when a bar may be shown

    rng = np.random.default_rng(seed)
    n = len(classes)
    draws, subsets = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for subset, index, counts in tqdm(
            _resamples(n, bootstrap, rng), desc="simulate", disable=not progress, leave=False
        ):
            if counts is not None:  # drawn zero times: not in this resample
                index, counts = index[counts > 0], counts[counts > 0]
            weight = w[index] if counts is None else w[index] * counts
            try:
                before, after, _ = evaluate(grades[index], classes[index], weight)
            except (_FitError, np.linalg.LinAlgError, ValueError):
                continue  # a resample the model cannot fit does not count
            draws.append(after - before)
            subsets.append(subset)
    return np.asarray(draws).reshape(-1, 3), np.asarray(subsets, dtype=int)


# --------------------------------------------------------------------------- attribution

_EXACT_PLAYERS = 12  # exact Shapley over touchpoints up to 2^12 subsets; sampled orderings above
_ORDERINGS = 1000
_CHUNK_CELLS = 2_000_000  # subsets x respondents evaluated at once
_SPLIT_ROWS = 50_000  # respondents behind the Shapley split of a large wave


@read_only("table", "draws")
@dataclass(frozen=True, eq=False, repr=False)
class ChangeAttribution(Summarised):
    """Expected vs observed NPS change between two waves; made by :func:`attribute_change`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per touchpoint: ``touchpoint``, ``label``, ``grade_before``,
        ``grade_after``, ``grade_change`` (weighted means, :func:`~drivers.stats.nps.
        compare_grades`), ``grade_change_p_value``, ``grade_change_significant``,
        ``contribution`` (NPS points; the contributions add up to ``expected``; NaN when
        the touchpoint is absent in a wave or not in the model), ``absent``.
    expected, expected_ci_low, expected_ci_high : float
        NPS change the model expects from all grade changes together, with its bootstrap
        percentile CI (NaN without bootstrap).
    observed, observed_ci_low, observed_ci_high, observed_p_value : float
        The observed NPS change (later − earlier wave) with its adjusted-Wald CI and
        p-value (:func:`~drivers.stats.nps.compare_nps`).
    agrees : bool
        The expected change lies inside the observed change's CI, and (with a bootstrap)
        the observed change lies inside the expected change's CI.
    attribution : {"shapley", "shapley-sampled", "shapley-subset", "shapley-sampled-subset"}
        Exact Shapley values over the changed touchpoints, or an average over random
        orderings when more than 12 touchpoints changed; "-subset": a wave of
        :data:`LITTLE_BOOTSTRAP_ROWS` or more respondents gets the split from a fixed random
        50,000 of them, scaled to the joint change of all (whose interval comes from the
        bag of little bootstraps, as for :func:`simulate` and the NPS gain).
    model : str
    n_before, n_after : int
        Respondents with an NPS answer in each wave (the model is fitted on the earlier).
    bootstrap : int
        Successful bootstrap draws behind the expected CI.
    level : float
    seed : int
    draws : ndarray
        Bootstrap draws of the expected change.
    """

    table: pd.DataFrame
    expected: float
    expected_ci_low: float
    expected_ci_high: float
    observed: float
    observed_ci_low: float
    observed_ci_high: float
    observed_p_value: float
    agrees: bool
    attribution: str
    model: str
    n_before: int
    n_after: int
    bootstrap: int
    level: float
    seed: int
    draws: np.ndarray = field(default_factory=lambda: np.empty(0))

    _repr_fields = ("expected", "observed", "agrees", "model", "bootstrap")

    @property
    def unexplained(self) -> float:
        """Observed minus expected change: what the grade changes do not account for."""
        return self.observed - self.expected

    def _summary_parts(self) -> SummaryParts:
        level = f"{self.level:.0%}"
        expected_ci = (
            f" ({level} CI {self.expected_ci_low:+.1f} to {self.expected_ci_high:+.1f})"
            if np.isfinite(self.expected_ci_low)
            else ""
        )
        head = [
            f"NPS change attribution ({self.model} model on the earlier wave, "
            f"n = {self.n_before} → {self.n_after}, {self.attribution}, "
            f"{self.bootstrap} bootstrap draws)",
            f"Expected from the grade changes: {self.expected:+.1f}{expected_ci}",
            f"Observed: {self.observed:+.1f} ({level} CI {self.observed_ci_low:+.1f} to "
            f"{self.observed_ci_high:+.1f}, p = {self.observed_p_value:.3f})",
            f"Agree: {'yes' if self.agrees else 'no'}; unexplained {self.unexplained:+.1f}",
        ]
        shown = self.table[
            ["touchpoint", "grade_before", "grade_after", "grade_change", "contribution"]
        ]
        return SummaryParts(header=head, tables=[shown.round(3)])


def attribute_change(
    before: Any,
    after: Any,
    *,
    drivers: Sequence[str] | None = None,
    model: str = "ordinal",
    bootstrap: int = 200,
    seed: int = 0,
    level: float = 0.95,
    progress: bool = False,
    cutoffs: Any = None,
) -> ChangeAttribution:
    """How much of the NPS change between two waves the touchpoint grade changes explain.

    The model of :func:`simulate` is fitted on the earlier wave. Every touchpoint's
    observed change in (weighted) mean grade is applied to the earlier wave's respondents
    who graded it, all together, and the model's expected NPS change is compared with the
    observed one.

    Parameters
    ----------
    before, after : Survey
        The earlier and the later wave (independent samples; weights from each spec).
    drivers : sequence of str, optional
        The touchpoints (default: those of the earlier wave's spec, then any new ones of
        the later wave's). A touchpoint absent in either wave is listed with a NaN
        contribution and stays at its grades in the model.
    model : {"ordinal", "logit"}, default "ordinal"
        See :func:`simulate`.
    bootstrap : int, default 200
        Bootstrap draws for the CI of the expected change (0: none).
    seed : int, default 0
    level : float, default 0.95
    progress : bool, default False
        Show a progress bar during the bootstrap.
    cutoffs : Cutoffs, optional
        Where promoters begin and detractors end (default 9-10 and 0-6; see
        :class:`drivers.stats.nps.Cutoffs`).

    Returns
    -------
    ChangeAttribution

    Notes
    -----
    *Grade change.* For touchpoint j, ``Δ_j`` = weighted mean grade of the later wave
    minus that of the earlier (all respondents who graded it). In the earlier wave's model
    respondents, grades move by one uniform shift chosen so that their mean grade rises
    by exactly ``Δ_j`` after capping at the scale (``("to", mean + Δ_j)`` of
    :func:`simulate`); "n.v.t." stays "n.v.t.".

    *Expected change.* ``v(S)`` is the model's expected NPS of the earlier wave's
    respondents when the touchpoints in S have changed; ``expected = v(all) - v(∅)``.

    *Contributions.* Shapley values over the changed touchpoints,
    ``φ_j = Σ_{S ∌ j} |S|!(m-|S|-1)!/m! · (v(S ∪ {j}) - v(S))``: the average over all
    orderings of the NPS gained when touchpoint j's change is added. They add up to
    ``expected`` exactly (efficiency), do not depend on an arbitrary order, and a
    touchpoint whose grade did not change gets exactly 0. Exact over all ``2^m``
    subsets up to m = 12 changed touchpoints; above, the average over 1000 seeded random
    orderings (each ordering telescopes, so the sum is still exact). Because the model
    is non-linear, a touchpoint's contribution includes its share of the interactions.

    *Bootstrap.* Each draw resamples both waves (respondents, with their weights), recomputes
    the grade changes, refits the model on the resampled earlier wave and recomputes the
    expected change; percentile CI.

    *Observed change* and its CI and p-value: :func:`drivers.stats.nps.compare_nps`
    (adjusted Wald, Kish effective n).

    *Agreement.* ``agrees`` is True when the expected change lies inside the observed
    change's CI and, with a bootstrap, the observed change lies inside the expected
    change's CI. Disagreement means the grades do not account for the NPS change (other
    causes, or the relation between grades and recommendation changed).

    Examples
    --------
    >>> from drivers import demo
    >>> res = attribute_change(demo.load(2023), demo.load(2024), bootstrap=0)
    >>> bool(abs(res.table["contribution"].sum() - res.expected) < 1e-9)
    True
    """
    from drivers.stats.nps import compare_grades, compare_nps, nps

    func = "attribute_change"
    _check_common(func, model, bootstrap, level)
    for name, wave in (("before", before), ("after", after)):
        if not is_survey(wave):
            raise ParameterError(
                f"The {name!r} parameter of {func} must be a drivers Survey. "
                f"Got {type(wave).__name__} instead."
            )
    if drivers is None:  # the earlier wave's touchpoints, then any new in the later wave
        keys = list(dict.fromkeys([*before.spec.touchpoint_keys, *after.spec.touchpoint_keys]))
    else:
        keys = [drivers] if isinstance(drivers, str) else list(drivers)
    grades_table = compare_grades(before, after, touchpoints=keys, level=level)
    # the model: touchpoints graded in the earlier wave
    present = [k for k in keys if k in before.data.columns and before.data[k].notna().any()]
    if not present:
        raise AnalysisError(f"{func}: no touchpoint is graded in the earlier wave.")
    cutoffs = _cutoffs(cutoffs, func)
    setup = _setup(before, func, None, present, None, None, cutoffs)
    after_inputs = resolve(after, func, drivers=(), need_outcome=False)
    before_inputs = resolve(before, func, drivers=(), need_outcome=False)

    # numeric columns once, not once per bootstrap draw
    arrays_before, arrays_after = _Numeric(before_inputs, setup), _Numeric(after_inputs, setup)

    def mean_changes(
        rows_first=None,
        rows_second=None,
        counts_first=None,
        counts_second=None,
    ) -> np.ndarray:
        out = np.full(len(present), np.nan)
        for j, key in enumerate(present):
            if key not in arrays_after.columns:
                continue
            a = _grade_mean(arrays_before, key, rows_first, counts_first)
            b = _grade_mean(arrays_after, key, rows_second, counts_second)
            out[j] = b - a
        return out

    delta = mean_changes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            fit = _fit(
                model, _design(setup.grades, setup.impute, setup.indicators), setup.classes, setup.w
            )
        except _FitError as err:
            raise AnalysisError(f"{func}: the {model} model could not be fitted: {err}") from None
    plan = _attribution_plan(setup, delta)
    players = [item["key"] for item in plan]
    contributions, expected, attribution = _shapley_contributions(setup, model, fit, plan, seed)

    # bootstrap of the joint expected change
    draws, subsets = [], []
    if bootstrap:
        from tqdm.auto import tqdm  # lazy: only when a bar may be shown

        n1, n2 = len(before_inputs.frame), len(after_inputs.frame)
        if max(n1, n2) < LITTLE_BOOTSTRAP_ROWS:  # one stream, the pairs drawn in turn
            rng = np.random.default_rng(seed)
            pairs = (
                ((0, rng.integers(0, n1, n1), None), (0, rng.integers(0, n2, n2), None))
                for _ in range(bootstrap)
            )
        else:  # little bootstraps of each wave, subset k paired with subset k
            first, second = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 2])
            pairs = zip(
                _resamples(n1, bootstrap, first, True),
                _resamples(n2, bootstrap, second, True),
                strict=True,
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for (subset, rows1, counts1), (_, rows2, counts2) in tqdm(
                pairs, desc=func, total=bootstrap, disable=not progress, leave=False
            ):
                try:
                    draws.append(
                        _resampled_expected(
                            setup,
                            model,
                            arrays_before,
                            rows1,
                            mean_changes(rows1, rows2, counts1, counts2),
                            cutoffs,
                            fit,
                            counts1,
                        )
                    )
                    subsets.append(subset)
                except (_FitError, np.linalg.LinAlgError, ValueError, ZeroDivisionError):
                    continue
        if len(draws) < _MIN_SUCCESSFUL * bootstrap:
            warnings.warn(
                f"{func}: only {len(draws)} of {bootstrap} bootstrap refits succeeded; "
                "the CI is less reliable.",
                RuntimeWarning,
                stacklevel=2,
            )
    draws = np.asarray(draws, dtype=float)
    if len(draws):
        expected_low, expected_high = (float(v) for v in _interval(draws, subsets, level, expected))
        draws = draws[np.asarray(subsets) >= 0]  # the little bootstraps' centres
    else:
        expected_low = expected_high = np.nan

    observed = compare_nps(
        nps(before, level=level, cutoffs=cutoffs),
        nps(after, level=level, cutoffs=cutoffs),
        level=level,
    )
    agrees = bool(observed.ci_low <= expected <= observed.ci_high)
    if len(draws):
        agrees = agrees and bool(expected_low <= observed.difference <= expected_high)

    contribution = {key: 0.0 for key in present if np.isfinite(delta[present.index(key)])}
    contribution.update(dict(zip(players, contributions, strict=True)))
    table = pd.DataFrame(
        {
            "touchpoint": grades_table["touchpoint"],
            "label": grades_table["label"],
            "grade_before": grades_table["before"],
            "grade_after": grades_table["after"],
            "grade_change": grades_table["change"],
            "grade_change_p_value": grades_table["p_value"],
            "grade_change_significant": grades_table["significant"].astype(bool),
            "contribution": [contribution.get(k, np.nan) for k in grades_table["touchpoint"]],
            "absent": grades_table["absent"],
        }
    )
    return ChangeAttribution(
        table=table,
        expected=float(expected),
        expected_ci_low=expected_low,
        expected_ci_high=expected_high,
        observed=float(observed.difference),
        observed_ci_low=float(observed.ci_low),
        observed_ci_high=float(observed.ci_high),
        observed_p_value=float(observed.p_value),
        agrees=agrees,
        attribution=attribution,
        model=model,
        n_before=setup.n,
        n_after=int(observed.b.n),
        bootstrap=len(draws),
        level=float(level),
        seed=int(seed),
        draws=draws,
    )


class _Numeric:
    """A wave's NPS scores, grades and weights as arrays (read once per attribution)."""

    def __init__(self, inputs: Any, setup: _Setup):
        frame = inputs.frame
        self.columns = {
            key: pd.to_numeric(frame[key], errors="coerce").to_numpy(float)
            for key in setup.keys
            if key in frame.columns
        }
        self.w = (
            np.ones(len(frame)) if inputs.weights is None else np.asarray(inputs.weights, float)
        )
        if setup.spec.nps in frame.columns:
            self.scores = pd.to_numeric(frame[setup.spec.nps], errors="coerce").to_numpy(float)
        self.keys = setup.keys


def _grade_mean(data: _Numeric, key: str, rows: np.ndarray | None, counts=None) -> float:
    """Weighted mean grade of one touchpoint over those who graded it (optionally resampled:
    ``rows`` drawn, each ``counts`` times when given)."""
    x, w = data.columns[key], data.w
    if rows is not None:
        x, w = x[rows], w[rows] * (1.0 if counts is None else counts)
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    return float(np.sum(w[ok] * x[ok]) / np.sum(w[ok])) if ok.any() else np.nan


def _attribution_plan(setup: _Setup, delta: np.ndarray, grades=None, w=None) -> list[dict]:
    """ "to" changes moving each touchpoint's mean by its observed change (zero changes left out)."""
    grades = setup.grades if grades is None else grades
    w = setup.w if w is None else w
    plan = []
    for j, key in enumerate(setup.keys):
        if not np.isfinite(delta[j]) or delta[j] == 0:
            continue
        answered = np.isfinite(grades[:, j])
        if not answered.any():
            continue
        mean = _weighted_mean(grades[answered, j], w[answered])
        target = float(np.clip(mean + delta[j], setup.low, setup.high))
        plan.append({"key": key, "kind": "to", "value": target, "source": "observed"})
    return plan


def _linear_parts(model: str, fit: dict) -> list[dict]:
    """The cumulative-logit parts of a fit (one for ordinal, two binary ones for logit)."""
    if model == "ordinal":
        return [fit["ordinal"]]
    return [fit[name] for name in ("promoter", "detractor")]


def _nps_from_etas(model: str, fit: dict, etas: list[np.ndarray], w: np.ndarray) -> np.ndarray:
    """Expected NPS per row of ``etas`` (subsets x respondents linear predictors).

    Only the two outer classes matter: P(detractor) = logistic(theta_0 - eta) when the
    lowest class is in the model, P(promoter) = 1 - logistic(theta_last - eta) when the
    highest is; no per-class array is built (this runs for thousands of subsets).
    """
    total = w.sum()
    if model == "ordinal":
        part, present = fit["ordinal"], fit["present"]
        eta = etas[0]
        theta = part["theta"]
        net = np.zeros(eta.shape)
        if present[-1] == 2:
            net += 1 - expit(theta[-1] - eta)
        if present[0] == 0:
            net -= expit(theta[0] - eta)
        return 100 * (net @ w) / total
    shares = []
    for name, eta in zip(("promoter", "detractor"), etas, strict=True):
        part = fit[name]
        if "constant" in part:
            shares.append(np.full(eta.shape, part["constant"]))
        else:  # P(event) = 1 - logistic(theta - eta)
            shares.append(1 - expit(part["theta"][0] - eta))
    promoter, detractor = shares
    return 100 * ((promoter - detractor) @ w) / total


def _shapley_contributions(setup: _Setup, model: str, fit: dict, plan: list[dict], seed: int):
    """Shapley value of each planned change on the expected NPS, and v(all) - v(none)."""
    m = len(plan)
    if m == 0:
        return np.zeros(0), 0.0, "shapley"
    columns = {k: j for j, k in enumerate(setup.keys)}
    x0 = _design(setup.grades, setup.impute, setup.indicators)
    changed, _ = _apply(setup.grades, setup.w, plan, columns, setup.low, setup.high)
    x1 = _design(changed, setup.impute, setup.indicators)
    player_columns = [columns[item["key"]] for item in plan]
    step = (x1 - x0)[:, player_columns]  # n x m: each change touches its own column only
    parts = _linear_parts(model, fit)
    base, gains = [], []
    for part in parts:
        if "constant" in part:
            base.append(np.zeros(len(x0)))
            gains.append(np.zeros((len(x0), m)))
        else:
            base.append(x0 @ part["beta"])
            gains.append(step * part["beta"][player_columns][None, :])

    w = setup.w
    if len(x0) >= LITTLE_BOOTSTRAP_ROWS:
        # a large wave: the split over the touchpoints is computed on a fixed random
        # subset of respondents and scaled to the joint change of all respondents
        ends = _coalition_values(np.array([np.zeros(m), np.ones(m)]), base, gains, model, fit, w)
        total = float(ends[1] - ends[0])
        rows = np.sort(np.random.default_rng(seed).choice(len(x0), _SPLIT_ROWS, replace=False))
        base, gains, w = [b[rows] for b in base], [g[rows] for g in gains], w[rows]
        phi, subset_total, route = _shapley_split(base, gains, model, fit, w, m, seed)
        if abs(subset_total) > 1e-12:
            phi = phi * (total / subset_total)
        else:
            phi = phi + (total - subset_total) / m
        return phi, total, route + "-subset"
    return _shapley_split(base, gains, model, fit, w, m, seed)


def _coalition_values(masks: np.ndarray, base, gains, model, fit, w) -> np.ndarray:
    """v(S), the expected NPS, for coalitions given as 0/1 rows, in chunks."""
    out = np.empty(len(masks))
    chunk = max(1, _CHUNK_CELLS // max(len(base[0]), 1))
    for start in range(0, len(masks), chunk):
        block = masks[start : start + chunk].astype(float)
        etas = [b[None, :] + block @ g.T for b, g in zip(base, gains, strict=True)]
        out[start : start + chunk] = _nps_from_etas(model, fit, etas, w)
    return out


def _shapley_split(base, gains, model, fit, w, m, seed):
    """Shapley values of the m changes: exact up to :data:`_EXACT_PLAYERS`, else averaged
    over :data:`_ORDERINGS` random orderings; and v(all) - v(none)."""

    def values(masks: np.ndarray) -> np.ndarray:
        return _coalition_values(masks, base, gains, model, fit, w)

    if m <= _EXACT_PLAYERS:
        codes = np.arange(2**m)
        masks = (codes[:, None] >> np.arange(m)[None, :]) & 1
        v = values(masks)
        size = masks.sum(axis=1)
        factorial = np.array([math.factorial(k) for k in range(m + 1)], dtype=float)
        weight = factorial[size] * factorial[np.maximum(m - size - 1, 0)] / factorial[m]
        phi = np.empty(m)
        for j in range(m):
            without = codes[(codes >> j) & 1 == 0]
            phi[j] = np.sum(weight[without] * (v[without | (1 << j)] - v[without]))
        return phi, float(v[-1] - v[0]), "shapley"
    rng = np.random.default_rng(seed)
    phi = np.zeros(m)
    ends = values(np.array([np.zeros(m), np.ones(m)]))
    for _ in range(_ORDERINGS):
        order = rng.permutation(m)
        # along one ordering each coalition adds one change: the linear predictors of the
        # coalitions in between are running sums, no subset matrix product needed
        etas = [
            b[None, :] + np.cumsum(g[:, order[:-1]], axis=1).T
            for b, g in zip(base, gains, strict=True)
        ]
        middle = _nps_from_etas(model, fit, etas, w)
        v = np.concatenate([ends[:1], middle, ends[1:]])  # v(empty), ..., v(all)
        phi[order] += np.diff(v)
    phi /= _ORDERINGS
    return phi, float(ends[1] - ends[0]), "shapley-sampled"


def _resampled_expected(
    setup: _Setup,
    model: str,
    data: _Numeric,
    rows: np.ndarray,
    delta,
    cutoffs: Any,
    start=None,
    counts=None,
):
    """Expected joint NPS change in one bootstrap draw of the earlier wave."""
    scores = data.scores[rows]
    w = data.w[rows]
    if counts is not None:
        w = w * counts
    used = np.isfinite(scores) & np.isfinite(w) & (w > 0)
    rows = rows[used]
    grades = np.column_stack([data.columns[k][rows] for k in setup.keys])
    scores, w = scores[used], w[used] / w[used].mean()
    classes = cutoffs.classes(scores)
    plan = _attribution_plan(setup, delta, grades, w)
    if not plan:
        return 0.0
    columns = {k: j for j, k in enumerate(setup.keys)}
    changed, _ = _apply(grades, w, plan, columns, setup.low, setup.high)
    before, after, _ = _evaluate(setup, model, grades, changed, classes, w, start)
    return float(after[0] - before[0])

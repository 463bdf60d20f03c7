"""Net Promoter Score: classification, NPS with an honest margin of error, segments,
wave-over-wave differences, and touchpoint performance.

NPS = % promoters (9-10) − % detractors (0-6), on a scale of −100 to +100.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from drivers.errors import ColumnNotFoundError, DataError, ParameterError, check_option, closest
from drivers.stats._summary import Summarised, SummaryParts

__all__ = [
    "CI_METHODS",
    "NPSDifference",
    "NPSResult",
    "classify",
    "compare_nps",
    "nps",
    "nps_table",
    "score_distribution",
    "touchpoint_performance",
]

CI_METHODS = ("adjusted-wald", "wald", "bootstrap")
CIMethod = Literal["adjusted-wald", "wald", "bootstrap"]
CATEGORIES = ("detractor", "passive", "promoter")
_TOTAL = {"nl": "Totaal", "en": "Total"}


def classify(scores) -> pd.Series:
    """Detractor (0-6), passive (7-8) or promoter (9-10) per answer.

    Examples
    --------
    >>> classify([0, 6, 7, 8, 9, 10]).tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    """
    values = _scores(scores, "classify")
    out = np.where(values >= 9, "promoter", np.where(values >= 7, "passive", "detractor"))
    index = scores.index if isinstance(scores, pd.Series) else None
    return pd.Series(out, index=index, name="category")


@dataclass(frozen=True, eq=False, repr=False)
class NPSResult(Summarised):
    """An NPS with its distribution and confidence interval.

    ``nps``, ``ci_low`` and ``ci_high`` are on the NPS scale (−100..100); the shares
    are 0..1. ``n`` counts respondents, ``n_eff`` is Kish's effective sample size
    (equal to ``n`` without weights).
    """

    nps: float
    promoters: float
    passives: float
    detractors: float
    n: int
    n_eff: float
    ci_low: float
    ci_high: float
    level: float = 0.95
    ci: str = "adjusted-wald"

    @property
    def margin(self) -> float:
        """Half the width of the confidence interval, in NPS points."""
        return (self.ci_high - self.ci_low) / 2

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "n_eff": self.n_eff,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "nps": self.nps,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }

    _repr_fields = ("nps", "ci_low", "ci_high", "n", "n_eff")

    def _summary_parts(self) -> SummaryParts:
        return SummaryParts(
            header=[
                f"NPS {self.nps:+.1f} ({self.level:.0%} CI {self.ci_low:+.1f} to "
                f"{self.ci_high:+.1f}; {self.ci}), n = {self.n}: {self.promoters:.0%} "
                f"promoters, {self.passives:.0%} passives, {self.detractors:.0%} detractors"
            ]
        )


def nps(
    scores,
    weights=None,
    *,
    level: float = 0.95,
    ci: CIMethod = "adjusted-wald",
    bootstrap: int = 2000,
    seed: int = 0,
) -> NPSResult:
    """Net Promoter Score with a confidence interval.

    Parameters
    ----------
    scores : array-like of 0-10 answers
        Missing answers (NaN) are left out and not counted.
    weights : array-like, optional
        Survey weights; shares are weighted and the CI uses Kish's effective n,
        ``n_eff = (Σw)² / Σw²``.
    level : float
        Confidence level.
    ci : {"adjusted-wald", "wald", "bootstrap"}
        ``"adjusted-wald"`` (default) follows Rocks (2016, The American Statistician
        70(3)): add 3 to n and ¾ to the promoter and to the detractor counts, then
        NPS' ± z·√((p'+d'−(p'−d')²)/(n+3)). ``"wald"`` is the same without the
        adjustment; ``"bootstrap"`` takes percentiles of ``bootstrap`` seeded resamples.

    Examples
    --------
    >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    >>> r.nps, r.promoters, r.detractors, r.n
    (20.0, 0.5, 0.3, 10)
    >>> round(r.ci_low, 1), round(r.ci_high, 1)
    (-30.3, 61.1)
    """
    check_option("nps", "ci", ci, CI_METHODS)
    _check_level(level, "nps")
    values = _scores(scores, "nps")
    w = _weights(weights, len(values), "nps")
    keep = ~np.isnan(values)
    values, w = values[keep], w[keep]
    if len(values) == 0:
        raise DataError("nps: no answers to compute an NPS from (all missing or empty).")
    total = w.sum()
    promoters = float(w[values >= 9].sum() / total)
    detractors = float(w[values <= 6].sum() / total)
    passives = float(max(0.0, 1.0 - promoters - detractors))
    n_eff = float(total**2 / (w**2).sum())
    if ci == "bootstrap":
        low, high = _bootstrap_ci(values, w, level, bootstrap, seed)
    else:
        low, high = _wald_ci(promoters, detractors, n_eff, level, adjusted=ci == "adjusted-wald")
    return NPSResult(
        nps=100 * (promoters - detractors),
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        n=int(len(values)),
        n_eff=n_eff,
        ci_low=low,
        ci_high=high,
        level=level,
        ci=ci,
    )


def _wald_ci(p: float, d: float, n: float, level: float, *, adjusted: bool) -> tuple[float, float]:
    if adjusted:  # Rocks (2016): n + 3, promoters + 3/4, detractors + 3/4
        p, d, n = (p * n + 0.75) / (n + 3), (d * n + 0.75) / (n + 3), n + 3
    centre = p - d
    variance = max(p + d - centre**2, 0.0) / n
    z = stats.norm.ppf(0.5 + level / 2)
    half = z * np.sqrt(variance)
    return float(100 * max(-1.0, centre - half)), float(100 * min(1.0, centre + half))


def _bootstrap_ci(values, w, level, draws, seed) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    n = len(values)
    promoter = (values >= 9).astype(float) - (values <= 6).astype(float)
    idx = rng.integers(0, n, size=(draws, n))
    ww = w[idx]
    boot = 100 * (ww * promoter[idx]).sum(axis=1) / ww.sum(axis=1)
    alpha = (1 - level) / 2
    return float(np.quantile(boot, alpha)), float(np.quantile(boot, 1 - alpha))


@dataclass(frozen=True, eq=False, repr=False)
class NPSDifference(Summarised):
    """The difference ``b − a`` of two independent NPS results."""

    a: NPSResult
    b: NPSResult
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    level: float = 0.95

    @property
    def significant(self) -> bool:
        """True when the CI excludes zero at the chosen level."""
        return bool(self.ci_low > 0 or self.ci_high < 0)

    _repr_fields = ("difference", "ci_low", "ci_high", "p_value")

    def _summary_parts(self) -> SummaryParts:
        verdict = "significant" if self.significant else "not significant"
        return SummaryParts(
            header=[
                f"NPS {self.a.nps:+.1f} → {self.b.nps:+.1f}: change {self.difference:+.1f} "
                f"({self.level:.0%} CI {self.ci_low:+.1f} to {self.ci_high:+.1f}, "
                f"p = {self.p_value:.3f}; {verdict})"
            ]
        )


def compare_nps(a, b, *, weights_a=None, weights_b=None, level: float = 0.95) -> NPSDifference:
    """Difference of two independent NPS values (waves or segments): ``b − a``.

    ``a`` and ``b`` are :class:`NPSResult` objects or arrays of 0-10 scores. The CI
    is the adjusted Wald interval of Rocks (2016) for two independent samples: each
    sample gets n + 3 and ¾ added to its promoters and detractors, the variances add.
    The p-value is two-sided, from z = difference / SE with the same adjusted SE.

    Examples
    --------
    >>> d = compare_nps([9, 9, 10, 7, 3] * 20, [9, 10, 7, 3, 2] * 20)
    >>> round(d.difference), d.significant
    (-40, True)
    """
    _check_level(level, "compare_nps")
    ra = a if isinstance(a, NPSResult) else nps(a, weights_a, level=level)
    rb = b if isinstance(b, NPSResult) else nps(b, weights_b, level=level)

    def adjusted(r: NPSResult) -> tuple[float, float]:
        n = r.n_eff + 3
        p, d = (r.promoters * r.n_eff + 0.75) / n, (r.detractors * r.n_eff + 0.75) / n
        return p - d, (p + d - (p - d) ** 2) / n

    centre_a, var_a = adjusted(ra)
    centre_b, var_b = adjusted(rb)
    se = np.sqrt(var_a + var_b)
    diff_adj = centre_b - centre_a
    z = stats.norm.ppf(0.5 + level / 2)
    p_value = float(2 * stats.norm.sf(abs(diff_adj) / se)) if se > 0 else float(diff_adj == 0)
    return NPSDifference(
        a=ra,
        b=rb,
        difference=rb.nps - ra.nps,
        ci_low=100 * (diff_adj - z * se),
        ci_high=100 * (diff_adj + z * se),
        p_value=p_value,
        level=level,
    )


def nps_table(
    data,
    *,
    by: str | list[str] | None = None,
    nps_column: str | None = None,
    weights: str | None = None,
    min_n: int = 30,
    privacy_floor: int = 5,
    level: float = 0.95,
    ci: CIMethod = "adjusted-wald",
    total: bool = True,
    lang: str | None = None,
) -> pd.DataFrame:
    """NPS per segment: one row per group with n, shares, NPS, CI and flags.

    Parameters
    ----------
    data : Survey or DataFrame
    by : column or list of columns, optional
        Segment column(s); None gives the total only.
    nps_column, weights : str, optional
        Needed for a DataFrame; taken from the spec for a Survey.
    min_n : int
        Groups with fewer respondents get ``small_base=True``.
    privacy_floor : int
        Groups with fewer respondents get ``suppressed=True`` and NaN in every
        number (``n`` included), so that they cannot leave the package.
    total : bool
        Add a first row for all respondents.

    Returns
    -------
    DataFrame with the ``by`` columns, ``group``, ``n``, ``n_eff``, ``promoters``,
    ``passives``, ``detractors``, ``nps``, ``ci_low``, ``ci_high``, ``small_base``,
    ``suppressed``.

    Examples
    --------
    >>> from drivers import demo
    >>> table = nps_table(demo.load(2024), by="omvang")
    >>> table["group"].iloc[0], int(table["n"].iloc[0]) == int(table["n"].iloc[1:].sum())
    ('Totaal', True)
    """
    frame, score_col, weight_col, lang = _frame(data, nps_column, weights, lang, "nps_table")
    check_option("nps_table", "ci", ci, CI_METHODS)
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    for key in keys:
        _need_column(frame, key, "nps_table")
    groups: list[tuple[tuple, pd.DataFrame]] = []
    if total or not keys:
        groups.append(((_TOTAL[lang],) * len(keys), frame))
    if keys:
        filled = frame.assign(
            **{
                k: frame[k].astype("object").fillna("(onbekend)" if lang == "nl" else "(unknown)")
                for k in keys
            }
        )
        for values, part in filled.groupby(keys, sort=True, observed=True):
            values = values if isinstance(values, tuple) else (values,)
            groups.append((values, part))
    rows = []
    for values, part in groups:
        row = dict(zip(keys, values, strict=True))
        is_total = part is frame
        row["group"] = _TOTAL[lang] if is_total or not keys else " / ".join(str(v) for v in values)
        scores = part[score_col].to_numpy(dtype=float)
        w = part[weight_col].to_numpy(dtype=float) if weight_col else None
        answered = int(np.isfinite(scores).sum())
        if answered < privacy_floor:
            row.update(
                {
                    k: np.nan
                    for k in (
                        "n",
                        "n_eff",
                        "promoters",
                        "passives",
                        "detractors",
                        "nps",
                        "ci_low",
                        "ci_high",
                    )
                }
            )
            row.update(small_base=True, suppressed=True)
        else:
            r = nps(scores, w, level=level, ci=ci)
            row.update(r.as_dict(), small_base=r.n < min_n, suppressed=False)
        rows.append(row)
    table = pd.DataFrame(rows)
    if keys and total:
        table.loc[0, keys] = _TOTAL[lang]
    return table


def score_distribution(scores, weights=None) -> pd.DataFrame:
    """How many answered each score 0..10, coloured by NPS category.

    The NPS hides its distribution (a 0 and a 6 weigh the same): this shows it.

    Examples
    --------
    >>> d = score_distribution([10, 9, 9, 8, 7, 6, 3])
    >>> d.loc[d.score == 9, "count"].item(), float(d["share"].sum())
    (2.0, 1.0)
    """
    values = _scores(scores, "score_distribution")
    w = _weights(weights, len(values), "score_distribution")
    keep = ~np.isnan(values)
    values, w = values[keep], w[keep]
    counts = np.bincount(values.astype(int), weights=w, minlength=11)[:11]
    total = counts.sum()
    return pd.DataFrame(
        {
            "score": np.arange(11),
            "count": counts,
            "share": counts / total if total else np.zeros(11),
            "category": classify(np.arange(11)).to_numpy(),
        }
    )


def touchpoint_performance(
    data,
    *,
    touchpoints: list[str] | None = None,
    weights: str | None = None,
    level: float = 0.95,
    scale: tuple[float, float] | None = None,
    top_box: float | None = None,
    insufficient: float | None = None,
    min_n: int = 30,
    privacy_floor: int = 5,
    lang: str | None = None,
) -> pd.DataFrame:
    """How each touchpoint scores: n answered, share n.v.t., mean grade with CI,
    share of high grades (top box) and of insufficient grades.

    On the Dutch 1-10 school scale the top box is 8 or higher and insufficient is
    below 6; on 1-5 they are ≥ 4 and < 3, on 0-100 ≥ 80 and < 60. The CI of the
    mean is a t interval with Kish's effective n when weighted.

    Returns
    -------
    DataFrame: ``touchpoint``, ``label``, ``phase``, ``n``, ``n_na``, ``share_na``,
    ``mean``, ``sd``, ``ci_low``, ``ci_high``, ``top_box``, ``insufficient``,
    ``small_base``, ``suppressed`` — in spec order.

    Examples
    --------
    >>> from drivers import demo
    >>> perf = touchpoint_performance(demo.load(2023))
    >>> perf.sort_values("mean")["touchpoint"].iloc[0]
    'klachtafhandeling'
    """
    spec = getattr(data, "spec", None)
    frame = data.data if spec is not None else data
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError("touchpoint_performance needs a Survey or a DataFrame.")
    lang = lang or (spec.language if spec is not None else "nl")
    if touchpoints is None:
        if spec is None:
            raise ParameterError("touchpoint_performance on a DataFrame needs touchpoints=[...].")
        touchpoints = list(spec.touchpoint_keys)
    weight_col = weights or (spec.weight if spec is not None else None)
    for col in [*touchpoints, *([weight_col] if weight_col else [])]:
        _need_column(frame, col, "touchpoint_performance")
    low, high = scale or (spec.scale if spec is not None else (1, 10))
    top, bottom = _boxes(low, high)
    top = top if top_box is None else top_box
    bottom = bottom if insufficient is None else insufficient
    t_level = 0.5 + level / 2
    rows = []
    for key in touchpoints:
        x = frame[key].to_numpy(dtype=float)
        w = frame[weight_col].to_numpy(dtype=float) if weight_col else np.ones(len(x))
        ok = np.isfinite(x)
        x, w = x[ok], w[ok]
        row = {
            "touchpoint": key,
            "label": spec.label(key, lang) if spec is not None else key,
            "phase": spec.touchpoint(key).phase if spec is not None else "",
            "n": int(ok.sum()),
            "n_na": int((~ok).sum()),
            "share_na": float((~ok).mean()) if len(ok) else np.nan,
        }
        if row["n"] < privacy_floor:
            row.update(
                n=np.nan,
                mean=np.nan,
                sd=np.nan,
                ci_low=np.nan,
                ci_high=np.nan,
                top_box=np.nan,
                insufficient=np.nan,
                small_base=True,
                suppressed=True,
            )
        else:
            total = w.sum()
            mean = float((w * x).sum() / total)
            n_eff = total**2 / (w**2).sum()
            var = float((w * (x - mean) ** 2).sum() / total) * n_eff / max(n_eff - 1, 1)
            half = stats.t.ppf(t_level, max(n_eff - 1, 1)) * np.sqrt(var / n_eff)
            row.update(
                mean=mean,
                sd=float(np.sqrt(var)),
                ci_low=mean - half,
                ci_high=mean + half,
                top_box=float(w[x >= top].sum() / total),
                insufficient=float(w[x < bottom].sum() / total),
                small_base=row["n"] < min_n,
                suppressed=False,
            )
        rows.append(row)
    return pd.DataFrame(rows)


# -- helpers ---------------------------------------------------------------------------
def _boxes(low: float, high: float) -> tuple[float, float]:
    known = {(1, 10): (8, 6), (0, 10): (8, 6), (1, 5): (4, 3), (1, 7): (6, 4), (0, 100): (80, 60)}
    if (low, high) in known:
        return known[(low, high)]
    span = high - low
    return low + 0.75 * span, low + 0.55 * span


def _scores(scores, func: str) -> np.ndarray:
    try:
        values = np.asarray(
            pd.to_numeric(pd.Series(np.asarray(scores, dtype=object).ravel()), errors="raise"),
            dtype=float,
        )
    except (TypeError, ValueError):
        raise DataError(
            f"{func}: scores must be numbers 0-10; found text. Load the data with "
            "load_survey, which reports the offending rows."
        ) from None
    finite = values[~np.isnan(values)]
    bad = finite[(finite < 0) | (finite > 10) | (finite != np.round(finite))]
    if len(bad):
        raise DataError(
            f"{func}: scores must be whole numbers 0-10; found "
            f"{', '.join(repr(float(v)) for v in np.unique(bad)[:5])}."
        )
    return values


def _weights(weights, n: int, func: str) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float).ravel()
    if len(w) != n:
        raise ParameterError(f"{func}: {len(w)} weights for {n} scores; give one weight per score.")
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise DataError(
            f"{func}: weights must be positive numbers; found "
            f"{int(np.sum(~np.isfinite(w) | (w <= 0)))} missing, zero or negative."
        )
    return w


def _check_level(level: float, func: str) -> None:
    if not 0 < level < 1:
        raise ParameterError(
            f"The 'level' parameter of {func} must be between 0 and 1 "
            f"(e.g. 0.95). Got {level!r} instead."
        )


def _need_column(frame: pd.DataFrame, column: str, func: str) -> None:
    if column not in frame.columns:
        hint = closest(column, [str(c) for c in frame.columns])
        more = f" Did you mean {hint!r}?" if hint else ""
        raise ColumnNotFoundError(f"{func}: no column {column!r} in the data.{more}")


def _frame(data, nps_column, weights, lang, func):
    spec = getattr(data, "spec", None)
    frame = data.data if spec is not None else data
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{func} needs a Survey or a DataFrame; got {type(data).__name__}.")
    score_col = nps_column or (spec.nps if spec is not None else None)
    if score_col is None:
        raise ParameterError(f"{func} on a DataFrame needs nps_column='...'.")
    weight_col = weights if weights is not None else (spec.weight if spec is not None else None)
    for col in [score_col, *([weight_col] if weight_col else [])]:
        _need_column(frame, col, func)
    lang = lang or (spec.language if spec is not None else "nl")
    check_option(func, "lang", lang, ["nl", "en"])
    return frame, score_col, weight_col, lang

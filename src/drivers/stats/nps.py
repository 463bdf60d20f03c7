"""Net Promoter Score: classification, NPS with an honest margin of error, segments,
wave-over-wave differences, and touchpoint performance.

NPS = % promoters (9-10) − % detractors (0-6), on a scale of −100 to +100. A client
whose NPS is defined with other cut-offs passes ``cutoffs=Cutoffs(promoter=.., detractor=..)``
to every function that classifies answers (the client's ``[options]`` do it for a run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from drivers.errors import DataError, ParameterError, check_option
from drivers.stats._input import is_survey, need_column, resolve
from drivers.stats._summary import Summarised, SummaryParts

__all__ = [
    "CI_METHODS",
    "STANDARD",
    "Cutoffs",
    "NPSDifference",
    "NPSResult",
    "classify",
    "compare_grades",
    "compare_nps",
    "nps",
    "nps_table",
    "score_distribution",
    "suppress",
    "suppress_segments",
    "touchpoint_performance",
]

CI_METHODS = ("adjusted-wald", "wald", "bootstrap")
CIMethod = Literal["adjusted-wald", "wald", "bootstrap"]
CATEGORIES = ("detractor", "passive", "promoter")
_TOTAL = {"nl": "Totaal", "en": "Total"}


@dataclass(frozen=True)
class Cutoffs:
    """Where the promoters begin and the detractors end on the 0-10 scale.

    The standard NPS counts 9-10 as promoters and 0-6 as detractors
    (``Cutoffs(promoter=9, detractor=6)``); answers in between are passives.

    Raises
    ------
    ParameterError
        Cut-offs that are not whole numbers with ``0 <= detractor < promoter <= 10``.

    Examples
    --------
    >>> Cutoffs(promoter=8, detractor=5).sign([5, 6, 7, 8]).tolist()
    [-1.0, 0.0, 0.0, 1.0]
    >>> Cutoffs().ranges()
    {'detractor': (0, 6), 'passive': (7, 8), 'promoter': (9, 10)}
    """

    promoter: int = 9
    detractor: int = 6

    def __post_init__(self) -> None:
        for name in ("promoter", "detractor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise ParameterError(
                    f"The NPS cut-off {name!r} must be a whole number on the 0-10 scale, "
                    f"e.g. promoter=9, detractor=6. Got {value!r} instead."
                )
        if not 0 <= self.detractor < self.promoter <= 10:
            raise ParameterError(
                f"The NPS cut-offs need 0 <= detractor < promoter <= 10, e.g. promoter=9, "
                f"detractor=6. Got promoter={self.promoter}, detractor={self.detractor}."
            )

    def sign(self, values) -> np.ndarray:
        """+1 for a promoter, −1 for a detractor, 0 for a passive (NaN stays NaN)."""
        values = np.asarray(values, dtype=float)
        out = np.where(values >= self.promoter, 1.0, np.where(values <= self.detractor, -1.0, 0.0))
        return np.where(np.isnan(values), np.nan, out)

    def classes(self, values) -> np.ndarray:
        """0 detractor, 1 passive, 2 promoter per answer (for the NPS-class models)."""
        values = np.asarray(values, dtype=float)
        return np.where(values >= self.promoter, 2, np.where(values <= self.detractor, 0, 1))

    def ranges(self) -> dict[str, tuple[int, int]]:
        """The answers of each class, lowest and highest."""
        return {
            "detractor": (0, self.detractor),
            "passive": (self.detractor + 1, self.promoter - 1),
            "promoter": (self.promoter, 10),
        }

    @property
    def standard(self) -> bool:
        """True for the usual 9-10 / 0-6 definition."""
        return (self.promoter, self.detractor) == (9, 6)


#: The usual definition: promoters 9-10, detractors 0-6.
STANDARD = Cutoffs()


def classify(scores, *, cutoffs: Cutoffs = STANDARD) -> pd.Series:
    """Detractor (0-6), passive (7-8) or promoter (9-10) per answer.

    ``cutoffs`` moves the borders (see :class:`Cutoffs`).

    Examples
    --------
    >>> classify([0, 6, 7, 8, 9, 10]).tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    >>> classify([6, 8], cutoffs=Cutoffs(promoter=8, detractor=5)).tolist()
    ['passive', 'promoter']
    """
    cutoffs = _cutoffs(cutoffs, "classify")
    values = _scores(scores, "classify")
    out = np.array(CATEGORIES, dtype=object)[cutoffs.classes(values)]
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
    outcome: str | None = None,
    level: float = 0.95,
    ci: CIMethod = "adjusted-wald",
    bootstrap: int = 2000,
    seed: int = 0,
    cutoffs: Cutoffs = STANDARD,
) -> NPSResult:
    """Net Promoter Score with a confidence interval.

    Parameters
    ----------
    scores : array-like of 0-10 answers, Survey or DataFrame
        Missing answers (NaN) are left out and not counted. A Survey gives its NPS column
        (``spec.nps``) and weights (``spec.weight``); a DataFrame needs ``outcome=``.
    weights : str or array-like, optional
        Survey weights, one per answer (or a column name with a Survey or DataFrame);
        shares are weighted and the CI uses Kish's effective n, ``n_eff = (Σw)² / Σw²``.
    outcome : str, optional
        The 0-10 column when ``scores`` is a DataFrame (default for a Survey: ``spec.nps``).
    level : float
        Confidence level.
    ci : {"adjusted-wald", "wald", "bootstrap"}
        ``"adjusted-wald"`` (default) follows Rocks (2016, The American Statistician
        70(3)): add 3 to n and ¾ to the promoter and to the detractor counts, then
        NPS' ± z·√((p'+d'−(p'−d')²)/(n+3)). ``"wald"`` is the same without the
        adjustment; ``"bootstrap"`` takes percentiles of ``bootstrap`` seeded resamples.
    cutoffs : Cutoffs
        Where promoters begin and detractors end (default 9-10 and 0-6).

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
    cutoffs = _cutoffs(cutoffs, "nps")
    scores, weights = _answers(scores, weights, outcome, "nps")
    values = _scores(scores, "nps")
    w = _weights(weights, len(values), "nps")
    keep = ~np.isnan(values)
    values, w = values[keep], w[keep]
    if len(values) == 0:
        raise DataError("nps: no answers to compute an NPS from (all missing or empty).")
    total = w.sum()
    sign = cutoffs.sign(values)
    promoters = float(w[sign > 0].sum() / total)
    detractors = float(w[sign < 0].sum() / total)
    passives = float(max(0.0, 1.0 - promoters - detractors))
    n_eff = float(total**2 / (w**2).sum())
    if ci == "bootstrap":
        low, high = _bootstrap_ci(sign, w, level, bootstrap, seed)
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


def _bootstrap_ci(promoter, w, level, draws, seed) -> tuple[float, float]:
    """Percentile CI from resamples of the +1/0/−1 class signs."""
    rng = np.random.default_rng(seed)
    n = len(promoter)
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


def compare_nps(
    a,
    b,
    *,
    weights_a=None,
    weights_b=None,
    outcome: str | None = None,
    level: float = 0.95,
    cutoffs: Cutoffs = STANDARD,
) -> NPSDifference:
    """Difference of two independent NPS values (waves or segments): ``b − a``.

    ``a`` and ``b`` are :class:`NPSResult` objects, arrays of 0-10 scores, Surveys, or
    DataFrames with ``outcome=`` (as in :func:`nps`). The CI
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
    kw = {"outcome": outcome, "level": level, "cutoffs": cutoffs}
    ra = a if isinstance(a, NPSResult) else nps(a, weights_a, **kw)
    rb = b if isinstance(b, NPSResult) else nps(b, weights_b, **kw)

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
    outcome: str | None = None,
    weights=None,
    min_n: int = 30,
    privacy_floor: int = 5,
    level: float = 0.95,
    ci: CIMethod = "adjusted-wald",
    total: bool = True,
    lang: str | None = None,
    nps_column: str | None = None,
    cutoffs: Cutoffs = STANDARD,
) -> pd.DataFrame:
    """NPS per segment: one row per group with n, shares, NPS, CI and flags.

    Parameters
    ----------
    data : Survey or DataFrame
    by : column or list of columns, optional
        Segment column(s); None gives the total only.
    outcome : str, optional
        The 0-10 column; needed for a DataFrame, ``spec.nps`` for a Survey.
        ``nps_column=`` is the older name of the same option.
    weights : str or array-like, optional
        A column name or one weight per row; default for a Survey: ``spec.weight``.
    min_n : int
        Groups with fewer respondents get ``small_base=True``.
    privacy_floor : int
        Groups with fewer respondents get ``suppressed=True`` and NaN in every
        number (``n`` included), so that they cannot leave the package (see
        :func:`suppress`).
    total : bool
        Add a first row for all respondents.
    cutoffs : Cutoffs
        Where promoters begin and detractors end (default 9-10 and 0-6).

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
    func = "nps_table"
    outcome = _alias(outcome, nps_column, "outcome", "nps_column", func)
    inputs = resolve(data, func, outcome=outcome, weights=weights, drivers=())
    frame, score_col = inputs.frame, inputs.outcome
    lang = _language(lang, inputs.spec, func)
    check_option(func, "ci", ci, CI_METHODS)
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    for key in keys:
        need_column(frame, key, func, "segment")
    scores_all = frame[score_col].to_numpy(dtype=float)
    w_all = inputs.weights
    groups: list[tuple[tuple, np.ndarray]] = []
    if total or not keys:
        groups.append(((_TOTAL[lang],) * len(keys), np.arange(len(frame))))
    if keys:
        from drivers.present._format import text  # display text lives in the catalogs

        unknown = text("unknown_group", lang)
        filled = pd.DataFrame(
            {k: frame[k].astype("object").fillna(unknown).to_numpy() for k in keys}
        )  # a fresh RangeIndex: the index of a part gives the row positions
        for values, part in filled.groupby(keys, sort=True, observed=True):
            values = values if isinstance(values, tuple) else (values,)
            groups.append((values, part.index.to_numpy()))
    rows = []
    for index, (values, positions) in enumerate(groups):
        row = dict(zip(keys, values, strict=True))
        is_total = index == 0 and (total or not keys)
        row["group"] = _TOTAL[lang] if is_total or not keys else " / ".join(str(v) for v in values)
        scores = scores_all[positions]
        w = None if w_all is None else w_all[positions]
        if int(np.isfinite(scores).sum()) < privacy_floor:
            row["n"] = int(np.isfinite(scores).sum())
        else:
            r = nps(scores, w, level=level, ci=ci, cutoffs=cutoffs)
            row.update(r.as_dict(), small_base=r.n < min_n, suppressed=False)
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in _NPS_NUMBERS:
        if column not in table.columns:
            table[column] = np.nan
    table = table[
        [*keys, "group", *_NPS_NUMBERS, *[c for c in ("small_base", "suppressed") if c in table]]
    ]
    if keys and total:
        table.loc[0, keys] = _TOTAL[lang]
    return suppress(table, privacy_floor, keep=keys)


_NPS_NUMBERS = ("n", "n_eff", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high")


def suppress(table: pd.DataFrame, floor: int = 5, *, n: str = "n", keep=()) -> pd.DataFrame:
    """Blank every number of the rows resting on fewer than ``floor`` respondents.

    The one suppression rule of the statistics tables (:func:`nps_table`,
    :func:`touchpoint_performance`, :func:`compare_grades`): a row with ``table[n] <
    floor``, or already marked ``suppressed``, gets NaN in *every* numeric column (the
    count itself, and counts that give it back, such as ``n_na`` and ``share_na``),
    ``suppressed=True`` and ``small_base=True``. Text columns and the columns named in
    ``keep`` (segment values) are left as they are.

    Parameters
    ----------
    table : DataFrame
    floor : int
        The privacy floor (default 5).
    n : str or list of str
        The count column(s); a row is suppressed when any of them is below ``floor``.
    keep : sequence of str
        Columns never blanked (identifiers that may be numeric).

    Returns
    -------
    DataFrame
        A new table; the input is not changed.

    Examples
    --------
    >>> t = pd.DataFrame({"touchpoint": ["a", "b"], "n": [40, 3], "n_na": [0, 37],
    ...                   "mean": [7.1, 9.0]})
    >>> suppress(t, 5).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'touchpoint': ['a', 'b'], 'n': [40.0, nan], 'n_na': [0.0, nan], 'mean': [7.1, nan],
     'small_base': [False, True], 'suppressed': [False, True]}
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"The 'table' parameter of suppress must be a DataFrame. Got {type(table).__name__}."
        )
    counts = [n] if isinstance(n, str) else list(n)
    for column in counts:
        need_column(table, column, "suppress", "count")
    out = table.copy()
    hidden = np.zeros(len(out), dtype=bool)
    for column in counts:
        values = pd.to_numeric(out[column], errors="coerce").to_numpy(float)
        hidden |= values < floor
    if "suppressed" in out.columns:
        hidden |= out["suppressed"].fillna(False).to_numpy(bool)
    flags = {"small_base", "suppressed"}
    for column in out.columns if hidden.any() else ():
        if column in flags or column in keep:
            continue
        if pd.api.types.is_bool_dtype(out[column]) or not pd.api.types.is_numeric_dtype(
            out[column]
        ):
            continue
        values = out[column].to_numpy(dtype=float, copy=True)
        values[hidden] = np.nan
        out[column] = values
    small = out["small_base"].fillna(False).to_numpy(bool) if "small_base" in out else False
    out["small_base"] = hidden | small
    out["suppressed"] = hidden
    return out


def suppress_segments(
    table: pd.DataFrame,
    *,
    by: str | list[str],
    privacy_floor: int = 5,
    lang: str = "nl",
) -> pd.DataFrame:
    """A segment table as it may leave the package: no small group recoverable from the total.

    :func:`suppress` blanks the numbers of a group below the privacy floor, but the
    total row still gives them back by subtraction: total minus the visible groups is
    the hidden group. The complementary rule here closes that gap:

    1. Groups below ``privacy_floor`` (or already marked ``suppressed``) are hidden.
    2. While the hidden groups together are fewer than two, or hold fewer than
       ``privacy_floor`` respondents (total ``n`` minus the visible ``n``), the
       smallest visible group is hidden too (the first in table order on a tie).
    3. The hidden groups become one row labelled "overig (n < 5)" / "other (n < 5)"
       (catalog key ``suppressed_other``) with every number blank, ``n`` included,
       after the visible groups.

    Total minus the visible rows then gives only the merged row: at least two groups
    and at least ``privacy_floor`` respondents, so neither the n, the promoter and
    detractor counts nor the NPS of a single hidden group follow from the table. The
    floor counts respondents (unweighted ``n``), and as every number of the merged
    row is blank the rule holds for weighted shares and NPS as well. It protects one
    table; tables that cross the same respondents in other ways (two segment
    variables, waves) are protected each on their own, not against each other.

    Parameters
    ----------
    table : DataFrame
        From :func:`nps_table` with ``total=True`` (the default): the first row is the
        total (``group`` "Totaal" or "Total"); columns ``group``, ``n`` and ``by``.
    by : str or list of str
        The segment column(s) of the table.
    privacy_floor : int, default 5
        At least 3: a group of one or two respondents is never a safe group.
    lang : {"nl", "en"}
        Language of the label of the merged row.

    Returns
    -------
    DataFrame
        The total, the visible groups in table order and, if any group is hidden, the
        merged row; same columns, ``suppressed=True`` on the merged row.

    Examples
    --------
    >>> df = pd.DataFrame({"ltr": [9] * 40 + [3] * 20 + [7] * 3,
    ...                    "size": ["large"] * 40 + ["small"] * 20 + ["tiny"] * 3})
    >>> t = suppress_segments(nps_table(df, by="size", outcome="ltr", lang="en"),
    ...                       by="size", lang="en")
    >>> t["group"].tolist(), t["n"].tolist()[:2], bool(t["n"].isna().iloc[-1])
    (['Total', 'large', 'other (n < 5)'], [63.0, 40.0], True)

    "tiny" (3) alone would be total minus "large" minus "small": "small", the smallest
    visible group, joins it.
    """
    from drivers.present._format import text  # lazy: the catalog is only needed here

    func = "suppress_segments"
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"The 'table' parameter of {func} must be a DataFrame (from nps_table). "
            f"Got {type(table).__name__} instead."
        )
    if (
        isinstance(privacy_floor, bool)
        or not isinstance(privacy_floor, int | np.integer)
        or privacy_floor < 3
    ):
        raise ParameterError(
            f"The 'privacy_floor' parameter of {func} must be an int of at least 3: with "
            f"fewer, one or two respondents could recognise each other's answers. "
            f"Got {privacy_floor!r} instead."
        )
    check_option(func, "lang", lang, ["nl", "en"])
    if not isinstance(by, str | list | tuple) or not by:
        raise ParameterError(
            f"The 'by' parameter of {func} must be a segment column or a list of them. "
            f"Got {by!r} instead."
        )
    keys = [by] if isinstance(by, str) else list(by)
    for column in ("group", "n", *keys):
        need_column(table, column, func, "segment table")
    if len(table) == 0 or str(table["group"].iloc[0]) not in _TOTAL.values():
        raise ParameterError(
            f"{func}: the first row of the table must be the total (group 'Totaal' or "
            "'Total'), as nps_table(..., total=True) writes it; the rule needs the total "
            "to know what the hidden groups add up to."
        )
    out = suppress(table, int(privacy_floor), keep=keys).reset_index(drop=True)
    hidden = out["suppressed"].to_numpy(bool).copy()
    hidden[0] = False
    if not hidden[1:].any():
        return out
    total_n = float(out["n"].iloc[0])
    n = pd.to_numeric(out["n"], errors="coerce").to_numpy(float)
    while np.isfinite(total_n):
        visible = np.flatnonzero(~hidden)[1:]
        merged_n = total_n - n[visible].sum()
        if hidden.sum() >= 2 and merged_n >= privacy_floor or not len(visible):
            break
        hidden[visible[np.argmin(n[visible])]] = True  # argmin: first of equal ones
    label = text("suppressed_other", lang, n=int(privacy_floor))
    merged = {}
    for column in out.columns:
        if column in ("group", *keys):
            merged[column] = label
        elif column in ("small_base", "suppressed"):
            merged[column] = True
        elif pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(
            out[column]
        ):
            merged[column] = np.nan
        else:
            merged[column] = None
    shown = out[~hidden].reset_index(drop=True)
    result = pd.concat([shown, pd.DataFrame([merged])], ignore_index=True)
    for column in out.columns:  # keep the column types of the input
        if pd.api.types.is_bool_dtype(out[column]):
            result[column] = result[column].astype(bool)
    return result


def score_distribution(scores, weights=None, *, cutoffs: Cutoffs = STANDARD) -> pd.DataFrame:
    """How many answered each score 0..10, coloured by NPS category.

    The NPS hides its distribution (a 0 and a 6 weigh the same): this shows it.
    ``category`` follows ``cutoffs`` (default 9-10 promoters, 0-6 detractors).

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
            "category": classify(np.arange(11), cutoffs=cutoffs).to_numpy(),
        }
    )


def touchpoint_performance(
    data,
    *,
    touchpoints: list[str] | None = None,
    weights=None,
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

    ``touchpoints`` are the grade columns (the ``drivers`` of :func:`key_drivers`;
    default for a Survey: all of its spec); ``weights`` is a column name or one weight
    per row (default for a Survey: ``spec.weight``). Touchpoints answered by fewer than
    ``privacy_floor`` respondents are blanked by :func:`suppress`, ``n_na`` and
    ``share_na`` included.

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
    func = "touchpoint_performance"
    inputs = resolve(data, func, drivers=touchpoints, weights=weights, need_outcome=False)
    spec, frame = inputs.spec, inputs.frame
    if inputs.drivers is None:
        raise ParameterError(f"{func} on a DataFrame needs touchpoints=[...].")
    touchpoints = inputs.drivers
    _check_level(level, func)
    lang = _language(lang, spec, func)
    low, high = scale or (spec.scale if spec is not None else (1, 10))
    top, bottom = _boxes(low, high)
    top = top if top_box is None else top_box
    bottom = bottom if insufficient is None else insufficient
    w_all = np.ones(len(frame)) if inputs.weights is None else inputs.weights
    rows = []
    for key in touchpoints:
        x = pd.to_numeric(frame[key], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(x) & np.isfinite(w_all)
        x, w = x[ok], w_all[ok]
        row = {
            "touchpoint": key,
            "label": _spec_label(spec, key, lang),
            "phase": _phase(spec, key),
            "n": int(ok.sum()),
            "n_na": int((~ok).sum()),
            "share_na": float((~ok).mean()) if len(ok) else np.nan,
        }
        if row["n"] >= max(privacy_floor, 1):
            stats_ = _weighted_moments(x, w)
            half = stats.t.ppf(0.5 + level / 2, max(stats_["n_eff"] - 1, 1)) * stats_["se"]
            total = w.sum()
            row.update(
                mean=stats_["mean"],
                sd=stats_["sd"],
                ci_low=stats_["mean"] - half,
                ci_high=stats_["mean"] + half,
                top_box=float(w[x >= top].sum() / total),
                insufficient=float(w[x < bottom].sum() / total),
                small_base=row["n"] < min_n,
                suppressed=False,
            )
        else:
            row.update(suppressed=True)
        rows.append(row)
    columns = ["touchpoint", "label", "phase", "n", "n_na", "share_na", "mean", "sd"]
    columns += ["ci_low", "ci_high", "top_box", "insufficient", "small_base", "suppressed"]
    table = pd.DataFrame(rows).reindex(columns=columns)
    return suppress(table, privacy_floor)


def compare_grades(
    before,
    after,
    *,
    touchpoints: list[str] | None = None,
    weights_before=None,
    weights_after=None,
    level: float = 0.95,
    privacy_floor: int = 5,
) -> pd.DataFrame:
    r"""Change of each touchpoint's (weighted) mean grade between two waves, with a test.

    Parameters
    ----------
    before, after : Survey or DataFrame
        The earlier and the later wave (independent samples). A Survey supplies its
        touchpoints (``spec.touchpoint_keys``) and weights (``spec.weight``).
    touchpoints : list of str, optional
        The grade columns; default: the touchpoints of the surveys' specs (the earlier
        wave's, then any new ones of the later). Required when both are DataFrames.
    weights_before, weights_after : str or array-like, optional
        A column name or one weight per row of that wave (default for a Survey: its
        spec's weight column).
    level : float
        Confidence level of the interval of the change.
    privacy_floor : int
        A touchpoint graded by fewer respondents in either wave is blanked by
        :func:`suppress` (its counts included).

    Returns
    -------
    DataFrame
        One row per touchpoint: ``touchpoint``, ``label``, ``before``, ``after`` (weighted
        mean grades), ``change`` (after − before), ``ci_low``, ``ci_high``, ``p_value``,
        ``significant`` (the CI excludes 0), ``n_before``, ``n_after`` (answered),
        ``n_eff_before``, ``n_eff_after`` (Kish), ``absent`` ("before", "after" or "both"
        when the column is missing or all n.v.t. in that wave, else ""), ``small_base``,
        ``suppressed``. An absent touchpoint gets NaN numbers, never an error.

    Notes
    -----
    Per wave, with weights :math:`w_i` over the respondents who graded the touchpoint:
    :math:`\bar x_w = \sum w_i x_i / \sum w_i`, Kish's
    :math:`n_{eff} = (\sum w_i)^2 / \sum w_i^2`, the weighted variance
    :math:`s^2 = \frac{\sum w_i (x_i - \bar x_w)^2}{\sum w_i} \cdot
    \frac{n_{eff}}{n_{eff} - 1}` and :math:`SE = s / \sqrt{n_{eff}}`. The change is
    tested Welch-style: :math:`t = (\bar x_a - \bar x_b) / \sqrt{SE_a^2 + SE_b^2}` with
    Welch-Satterthwaite degrees of freedom on the effective n's. Unweighted this is
    ``scipy.stats.ttest_ind(equal_var=False)``; weighted it equals statsmodels'
    ``CompareMeans(DescrStatsW(x, w'), ...).ttest_ind(usevar="unequal")`` with the
    weights rescaled to sum to ``n_eff`` (``w' = w · n_eff / Σw``).

    Examples
    --------
    >>> from drivers import demo
    >>> change = compare_grades(demo.load(2023), demo.load(2024))
    >>> list(change.columns[:6])
    ['touchpoint', 'label', 'before', 'after', 'change', 'ci_low']
    """
    func = "compare_grades"
    _check_level(level, func)
    first = resolve(before, func, weights=weights_before, need_outcome=False, drivers=())
    second = resolve(after, func, weights=weights_after, need_outcome=False, drivers=())
    if touchpoints is None:
        keys = [*_spec_touchpoints(first.spec), *_spec_touchpoints(second.spec)]
        if not keys:
            raise ParameterError(f"{func} on DataFrames needs touchpoints=[...].")
        touchpoints = list(dict.fromkeys(keys))
    elif isinstance(touchpoints, str):
        touchpoints = [touchpoints]
    elif not isinstance(touchpoints, list | tuple | pd.Index | np.ndarray):
        raise ParameterError(
            f"The 'touchpoints' parameter of {func} must be a list of column names. "
            f"Got {type(touchpoints).__name__} instead."
        )
    spec = first.spec if first.spec is not None else second.spec
    lang = _language(None, spec, func)
    t_crit = 0.5 + level / 2
    rows = []
    for key in touchpoints:
        waves = [_wave_grades(part, key) for part in (first, second)]
        moments = [_weighted_moments(x, w) if len(x) else None for x, w in waves]
        missing = [name for name, m in zip(("before", "after"), moments, strict=True) if m is None]
        row = {
            "touchpoint": key,
            "label": _spec_label(spec, key, lang),
            "before": np.nan,
            "after": np.nan,
            "change": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
            "significant": False,
            "n_before": len(waves[0][0]),
            "n_after": len(waves[1][0]),
            "n_eff_before": np.nan,
            "n_eff_after": np.nan,
            "absent": "both" if len(missing) == 2 else (missing[0] if missing else ""),
        }
        for name, m in zip(("before", "after"), moments, strict=True):
            if m is not None:
                row[name], row[f"n_eff_{name}"] = m["mean"], m["n_eff"]
        if not missing:
            a, b = moments
            change = b["mean"] - a["mean"]
            se = float(np.sqrt(a["se"] ** 2 + b["se"] ** 2))
            df = _welch_df(a["se"], b["se"], a["n_eff"], b["n_eff"])
            row["change"] = change
            if se > 0 and np.isfinite(df):
                half = stats.t.ppf(t_crit, df) * se
                row.update(
                    ci_low=change - half,
                    ci_high=change + half,
                    p_value=float(2 * stats.t.sf(abs(change) / se, df)),
                )
                row["significant"] = bool(row["ci_low"] > 0 or row["ci_high"] < 0)
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in ("n_before", "n_after"):
        # an absent wave has no count to protect; the others follow the privacy floor
        table[f"_{column}"] = table[column].where(table[column] > 0, privacy_floor)
    table = suppress(table, privacy_floor, n=["_n_before", "_n_after"], keep=())
    table["significant"] = table["significant"] & ~table["suppressed"]  # no verdict either
    return table.drop(columns=["_n_before", "_n_after"])


# -- helpers ---------------------------------------------------------------------------
def _weighted_moments(x: np.ndarray, w: np.ndarray) -> dict[str, float]:
    """Weighted mean, sd (with Kish's n_eff correction), SE = sd / √n_eff, and n_eff."""
    total = w.sum()
    mean = float((w * x).sum() / total)
    n_eff = float(total**2 / (w**2).sum())
    if n_eff > 1:
        var = float((w * (x - mean) ** 2).sum() / total) * n_eff / (n_eff - 1)
    else:
        var = np.nan
    return {
        "mean": mean,
        "sd": float(np.sqrt(var)),
        "se": float(np.sqrt(var / n_eff)),
        "n_eff": n_eff,
    }


def _welch_df(se_a: float, se_b: float, n_a: float, n_b: float) -> float:
    """Welch-Satterthwaite degrees of freedom from the two SEs and (effective) sizes."""
    numerator = (se_a**2 + se_b**2) ** 2
    denominator = se_a**4 / (n_a - 1) + se_b**4 / (n_b - 1)
    return float(numerator / denominator) if denominator > 0 else np.nan


def _wave_grades(inputs, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Answered grades and their weights of one touchpoint in one wave (empty if absent)."""
    frame = inputs.frame
    if key not in frame.columns:
        return np.empty(0), np.empty(0)
    x = pd.to_numeric(frame[key], errors="coerce").to_numpy(dtype=float)
    w = np.ones(len(x)) if inputs.weights is None else inputs.weights
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    return x[ok], w[ok]


def _spec_touchpoints(spec) -> list[str]:
    return [] if spec is None else list(getattr(spec, "touchpoint_keys", ()))


def _spec_label(spec, key: str, lang: str) -> str:
    if spec is None:
        return key
    try:
        return str(spec.label(key, lang))
    except Exception:  # noqa: BLE001 - a label is never worth a failure
        return key


def _phase(spec, key: str) -> str:
    try:
        return str(spec.touchpoint(key).phase) if spec is not None else ""
    except Exception:  # noqa: BLE001 - a column outside the spec has no phase
        return ""


def _language(lang, spec, func: str) -> str:
    lang = lang or (getattr(spec, "language", None) if spec is not None else None) or "nl"
    check_option(func, "lang", lang, ["nl", "en"])
    return lang


def _alias(value, old_value, name: str, old_name: str, func: str):
    if value is not None and old_value is not None and value != old_value:
        raise ParameterError(f"{func}: give {name}= or {old_name}= (the same option), not both.")
    return value if value is not None else old_value


def _answers(scores, weights, outcome, func: str):
    """Scores and weights as arrays, from an array, a Survey or a DataFrame."""
    if is_survey(scores) or isinstance(scores, pd.DataFrame):
        inputs = resolve(scores, func, outcome=outcome, weights=weights, drivers=())
        return inputs.frame[inputs.outcome], inputs.weights
    if outcome is not None:
        raise ParameterError(
            f"{func}: outcome= names a column, so the data must be a DataFrame or a Survey; "
            f"got {type(scores).__name__}."
        )
    if isinstance(weights, str):
        raise ParameterError(
            f"{func}: weights={weights!r} names a column, so the data must be a DataFrame or "
            "a Survey; pass one weight per score instead."
        )
    if weights is not None and not isinstance(weights, np.ndarray | pd.Series | list | tuple):
        raise ParameterError(
            f"The 'weights' parameter of {func} must be one number per score. "
            f"Got {type(weights).__name__} instead."
        )
    return scores, weights


def _boxes(low: float, high: float) -> tuple[float, float]:
    known = {(1, 10): (8, 6), (0, 10): (8, 6), (1, 5): (4, 3), (1, 7): (6, 4), (0, 100): (80, 60)}
    if (low, high) in known:
        return known[(low, high)]
    span = high - low
    return low + 0.75 * span, low + 0.55 * span


def _scores(scores, func: str) -> np.ndarray:
    if np.ndim(scores) == 0 or isinstance(scores, dict | pd.DataFrame):
        raise ParameterError(
            f"The 'scores' parameter of {func} must be an array, list or Series of 0-10 "
            f"answers (or a Survey or DataFrame where {func} takes one). "
            f"Got {type(scores).__name__} instead."
        )
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


def _cutoffs(cutoffs, func: str) -> Cutoffs:
    if not isinstance(cutoffs, Cutoffs):
        raise ParameterError(
            f"The 'cutoffs' parameter of {func} must be a drivers Cutoffs, e.g. "
            f"Cutoffs(promoter=9, detractor=6). Got {type(cutoffs).__name__} instead."
        )
    return cutoffs


def _check_level(level: float, func: str) -> None:
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ParameterError(
            f"The 'level' parameter of {func} must be between 0 and 1 "
            f"(e.g. 0.95). Got {level!r} instead."
        )

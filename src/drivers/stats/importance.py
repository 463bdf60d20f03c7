"""The key-driver engine: how much each touchpoint drives likelihood-to-recommend.

One entry point, :func:`key_drivers`, seven methods (:data:`METHODS`), survey weights,
three ways to treat "not applicable" touchpoints, diagnostics, bootstrap confidence
intervals and rank stability, all returned in one read-only :class:`DriverResult` whose
``table`` is the single source of truth. :func:`compare_drivers` puts two waves side by side.

The correlation-based methods (``shapley``, ``relative_weights``, ``correlation``, and the
bootstrap of ``beta``) work on the (weighted) correlation matrix only; the exact Shapley
core lives in :mod:`drivers.stats._shapley`. Bootstrap resamples are weighted cross-products
(resample counts × survey weights), so they reuse that core instead of refitting models.
"""

from __future__ import annotations

import collections
import hashlib
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import exp, factorial
from typing import Any, Literal

import numpy as np
import pandas as pd

from drivers.errors import (
    AnalysisError,
    CollinearityWarning,
    ColumnNotFoundError,
    DataError,
    MissingTouchpointWarning,
    ParameterError,
    SmallSampleWarning,
    check_option,
    closest,
)
from drivers.stats import methods as _registry
from drivers.stats._shapley import (
    GROUP_MAX_COLUMNS,
    PIVOT_TOL,
    group_shapley_batch,
    shapley_batch,
)
from drivers.stats._summary import Summarised, SummaryParts, read_only
from drivers.stats.nps import STANDARD
from drivers.stats.nps import _cutoffs as _nps_cutoffs

__all__ = [
    "METHODS",
    "MISSING",
    "Diagnostics",
    "DriverResult",
    "key_drivers",
    "compare_drivers",
]

# A key of drivers.stats.methods.METHODS (the registry is the one list of methods).
Method = str
Missing = Literal["dummy", "listwise", "pairwise", "impute"] | None

#: The methods :func:`key_drivers` knows, in the order the docs present them (their
#: records, with what each supports, are in :mod:`drivers.stats.methods`).
METHODS: tuple[str, ...] = tuple(_registry.METHODS)
#: The ways to treat not-applicable (NaN) driver grades.
MISSING: tuple[str, ...] = _registry.MISSING

# Methods computed from a correlation matrix only: they accept missing="pairwise".
_PAIRWISE_METHODS = tuple(k for k, m in _registry.METHODS.items() if m.pairwise)
# Methods whose bootstrap reuses the correlation core (no refit per resample).
_CORE_METHODS = tuple(k for k, m in _registry.METHODS.items() if m.bootstrap == "core")
_MAX_SHAPLEY_DRIVERS = 30
_VIF_LIMIT = 10.0
_FOREST_FOLDS = 5
#: 50 trees of depth ≤ 8 rank as 100 unlimited trees did (Spearman 1.0 on the demo waves
#: and a simulated set, where two seeds of the 100-tree forest agree to 0.96) at half the
#: time (bench/bench_importance.py).
_FOREST_TREES = 50
_FOREST_DEPTH = 8
_FOREST_REPEATS = 5
_KANO_RATIO = 2.0
_INDICATOR_SHARE = 0.05  # impute: "answered" indicator for drivers skipped by >= 5% (as simulate)
#: missing="dummy" (the default): touchpoints answered by fewer than this (weighted) share
#: of the rows get an "answered" indicator grouped with their mean-filled grade.
DUMMY_BELOW = 0.8
_BOOT_CHUNK = 100


# --------------------------------------------------------------------------- results


@read_only("vif")
@dataclass(frozen=True, eq=False)
class Diagnostics:
    """How the model behind a :class:`DriverResult` was fitted, and how sound it is.

    Attributes
    ----------
    r2, adj_r2 : float
        R² and adjusted R² of the linear model of the outcome on all model columns
        (from the same correlation matrix the correlation-based methods use).
    n : int
        Rows used. With ``missing="pairwise"`` the rows with an outcome; ``adj_r2`` then
        uses the smallest pairwise count.
    p : int
        Model columns (drivers plus applicability indicators).
    vif : Series
        Variance inflation factor per model column (inf for an exact linear dependence).
    condition_number : float
        ``sqrt(λmax / λmin)`` of the drivers' correlation matrix (Belsley: above 30 is
        worrying).
    rows_total, rows_used : int
        Rows in the input and rows used; ``rows_total = rows_used + sum(rows_excluded)``.
    rows_excluded : dict
        Reason → number of rows left out.
    cv_r2 : float or None
        Cross-validated R² (``forest`` only).
    pseudo_r2 : dict or None
        McFadden pseudo-R² of the promoter and detractor models (``logit`` only).
    failed_resamples : int
        Bootstrap resamples in which the method could not be fitted (left out of CIs).
    notes : tuple of str
        Anything else worth knowing (thresholds used, matrix repairs, ...).
    """

    r2: float
    adj_r2: float
    n: int
    p: int
    vif: pd.Series
    condition_number: float
    rows_total: int
    rows_used: int
    rows_excluded: dict[str, int]
    cv_r2: float | None = None
    pseudo_r2: dict[str, float] | None = None
    failed_resamples: int = 0
    notes: tuple[str, ...] = ()


@read_only("table", "draws")
@dataclass(frozen=True, eq=False, repr=False)
class DriverResult(Summarised):
    """The result of :func:`key_drivers`: read-only, one canonical tidy table.

    Attributes
    ----------
    table : DataFrame
        One row per driver (touchpoint), sorted by ``rank`` (1 = most important, ranks
        1..p without gaps). An "answered" indicator is never a row of its own: it is
        folded into its touchpoint. Columns: see :func:`key_drivers` (Returns).
    r2 : float
        Variance explained by the method's model (``forest``: cross-validated R²;
        ``logit``: mean McFadden pseudo-R² of the promoter and detractor models).
    n : int
        Rows used.
    method, outcome, missing : str
    diagnostics : Diagnostics
    draws : ndarray or None
        Bootstrap importance draws, shape ``(B, len(columns))``; column ``i`` belongs to
        ``columns[i]``. None without a bootstrap.
    columns : tuple of str
        The drivers in input order (the order of ``draws``); indicators are folded in.
    level : float
        Confidence level of the bootstrap intervals.
    weighted : bool
    seed : int
    """

    table: pd.DataFrame
    r2: float
    n: int
    method: str
    outcome: str
    diagnostics: Diagnostics
    draws: np.ndarray | None = None
    columns: tuple[str, ...] = ()
    level: float = 0.95
    missing: str = "listwise"
    weighted: bool = False
    seed: int = 0

    @property
    def bootstrap(self) -> int:
        """Number of bootstrap resamples (0 when none)."""
        return 0 if self.draws is None else int(self.draws.shape[0])

    def _ranks(self) -> np.ndarray:
        """Ordinal ranks (1 = most important) per usable resample, shape (B, p)."""
        if self.draws is None:
            raise ParameterError(
                "rank_stability needs bootstrap draws: call key_drivers(..., bootstrap=1000)."
            )
        return _ordinal_ranks(self.draws[~np.isnan(self.draws).any(axis=1)])

    def rank_stability(self, k: int = 3) -> pd.Series:
        """Share of bootstrap resamples in which each driver is among the top ``k``.

        Parameters
        ----------
        k : int
            1 ≤ k ≤ number of model columns.

        Returns
        -------
        Series
            Indexed by driver in table order, values in 0..1, summing to ``k``.
        """
        p = len(self.columns)
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= p:
            raise ParameterError(
                f"The 'k' parameter of rank_stability must be an integer from 1 to {p} "
                f"(the number of drivers). Got {k!r} instead."
            )
        ranks = self._ranks()
        top = (ranks <= k).mean(axis=0)
        series = pd.Series(top, index=list(self.columns), name=f"top_{k}")
        return series.reindex(self.table["driver"].tolist())

    def rank_distribution(self) -> pd.DataFrame:
        """Share of resamples in which each driver takes each rank (rows: drivers)."""
        ranks = self._ranks()
        p = len(self.columns)
        shares = np.stack([(ranks == r).mean(axis=0) for r in range(1, p + 1)], axis=1)
        frame = pd.DataFrame(shares, index=list(self.columns), columns=range(1, p + 1))
        frame.columns.name = "rank"
        return frame.reindex(self.table["driver"].tolist())

    def _header_lines(self) -> list[str]:
        d = self.diagnostics
        excluded = sum(d.rows_excluded.values())
        reasons = "; ".join(f"{k}: {v}" for k, v in d.rows_excluded.items() if v)
        lines = [
            f"Key drivers of {self.outcome!r}: method {self.method}, missing={self.missing!r}, "
            f"{'weighted' if self.weighted else 'unweighted'}",
            f"Rows: {d.rows_used} used of {d.rows_total}"
            + (f" ({excluded} excluded: {reasons})" if excluded else ""),
            f"R² = {self.r2:.3f} ({_R2_MEANING.get(self.method, 'linear model')}); "
            f"linear R² = {d.r2:.3f}, adjusted {d.adj_r2:.3f}; "
            f"max VIF = {np.nanmax(d.vif.to_numpy()) if len(d.vif) else np.nan:.1f}, "
            f"condition number = {d.condition_number:.1f}",
        ]
        if self.draws is not None:
            lines.append(
                f"Bootstrap: {self.bootstrap} resamples (seed {self.seed}), "
                f"{self.level:.0%} percentile intervals"
                + (f", {d.failed_resamples} failed" if d.failed_resamples else "")
            )
        return lines

    def _display_table(self) -> pd.DataFrame:
        table = self.table
        shown = table.drop(columns=["indicator"])
        if "conditional" in table and table["conditional"].any():
            shown["driver"] = [
                f"{name} *" if flag else name
                for name, flag in zip(table["driver"], table["conditional"], strict=True)
            ]
        return shown.round(4)

    _repr_fields = ("method", "outcome", "n", "r2", "bootstrap")

    def _repr_items(self) -> dict[str, Any]:
        items = super()._repr_items()
        items["drivers"] = len(self.columns)
        return items

    def _summary_parts(self) -> SummaryParts:
        notes = []
        if "conditional" in self.table and self.table["conditional"].any():
            notes.append(
                "* conditional touchpoint: grade and 'answered' indicator count as one driver"
            )
        notes += [f"Note: {note}" for note in self.diagnostics.notes]
        return SummaryParts(
            header=self._header_lines(),
            tables=[self._display_table()],
            notes=notes,
        )


_R2_MEANING = {
    "forest": "cross-validated",
    "logit": "mean McFadden pseudo-R²",
    "correlation": "linear model with all drivers",
}


# --------------------------------------------------------------------------- input handling


@dataclass
class _Design:
    """The rows and columns one analysis uses (internal)."""

    outcome: str
    drivers: list[str]
    columns: list[str]  # model columns: drivers, then indicators
    indicator: list[bool]
    labels: list[str]
    Z: np.ndarray  # model matrix with the outcome last; NaN only with missing="pairwise"
    grades: np.ndarray  # raw driver grades with NaN (penalty_reward dummies)
    w: np.ndarray  # weights (ones when unweighted)
    weighted: bool
    n_col: np.ndarray  # rows used per model column
    rows_total: int
    rows_excluded: dict[str, int]
    missing: str
    thresholds: tuple[float, float]
    notes: list[str] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)  # model columns per driver
    reach: np.ndarray | None = None  # weighted share answered, per driver
    cutoffs: Any = None  # NPS cut-offs for method="logit" (None: 9-10 / 0-6)

    @property
    def grouped(self) -> bool:
        return any(len(g) > 1 for g in self.groups)

    @property
    def X(self) -> np.ndarray:
        return self.Z[:, :-1]

    @property
    def y(self) -> np.ndarray:
        return self.Z[:, -1]

    @property
    def n(self) -> int:
        return int(self.Z.shape[0])

    @property
    def p(self) -> int:
        return len(self.columns)


def _is_survey(data: object) -> bool:
    return isinstance(getattr(data, "data", None), pd.DataFrame) and hasattr(data, "spec")


def _require_columns(frame: pd.DataFrame, names: Sequence[str], role: str) -> None:
    available = [str(c) for c in frame.columns]
    for name in names:
        if name in frame.columns:
            continue
        hint = closest(str(name), available)
        more = f" Did you mean {hint!r}?" if hint else ""
        listed = ", ".join(available[:20]) + (" ..." if len(available) > 20 else "")
        raise ColumnNotFoundError(
            f"key_drivers: the {role} column {name!r} is not in the data.{more} "
            f"Columns available: {listed}."
        )


def _numeric(frame: pd.DataFrame, name: str, role: str) -> np.ndarray:
    column = frame[name]
    if not (pd.api.types.is_numeric_dtype(column) or column.isna().all()):
        converted = pd.to_numeric(column, errors="coerce")
        bad = column.notna() & converted.isna()
        if bad.any():
            examples = ", ".join(repr(v) for v in column[bad].unique()[:3])
            raise DataError(
                f"key_drivers: the {role} column {name!r} holds text that is not a number "
                f"in {int(bad.sum())} rows (e.g. {examples}). Load the data with "
                f"drivers.load_survey (which turns n.v.t. codes into NaN) or clean the column."
            )
        column = converted
    return column.to_numpy(dtype=float, na_value=np.nan)


def _numeric_block(frame: pd.DataFrame, drivers: list[str], outcome: str) -> np.ndarray:
    """Driver columns then the outcome as one float64 matrix (NaN = missing)."""
    names = [*drivers, outcome]
    if all(pd.api.types.is_numeric_dtype(frame[c]) for c in names):
        return frame[names].to_numpy(dtype=float, na_value=np.nan)
    roles = ["driver"] * len(drivers) + ["outcome"]
    return np.column_stack([_numeric(frame, c, r) for c, r in zip(names, roles, strict=True)])


def _default_thresholds(scale: tuple[float, float]) -> tuple[float, float]:
    """Bottom and top box of a grade scale: 1-10 gives (5, 9), 1-5 gives (2.78, 4.56)."""
    low, high = (float(v) for v in scale)
    span = high - low
    return low + span * 4 / 9, low + span * 8 / 9


def _prepare(
    data: Any,
    outcome: str | None,
    drivers: Sequence[str] | None,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None,
    missing: str,
    labels: Mapping[str, str] | None,
    thresholds: tuple[float, float] | None,
    dummy_below: float = DUMMY_BELOW,
) -> _Design:
    spec = None
    if _is_survey(data):
        spec = data.spec
        frame = data.data
        outcome = spec.nps if outcome is None else outcome
        drivers = list(spec.touchpoint_keys) if drivers is None else drivers
        if weights is None and getattr(spec, "weight", None):
            weights = spec.weight
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise ParameterError(
            "The 'data' parameter of key_drivers must be a pandas DataFrame or a "
            f"drivers Survey. Got {type(data).__name__} instead."
        )
    if outcome is None:
        raise ParameterError(
            "key_drivers needs outcome= (the 0-10 likelihood-to-recommend column) when data "
            "is a DataFrame, e.g. key_drivers(df, outcome='ltr', drivers=[...])."
        )
    if drivers is None:
        raise ParameterError(
            "key_drivers needs drivers= (the touchpoint grade columns) when data is a "
            "DataFrame, e.g. key_drivers(df, outcome='ltr', drivers=['service', 'price'])."
        )
    if not isinstance(drivers, str | list | tuple | pd.Index | np.ndarray | pd.Series):
        raise ParameterError(
            "The 'drivers' parameter of key_drivers must be a column name or a list of them. "
            f"Got {type(drivers).__name__} instead."
        )
    if not isinstance(outcome, str):
        raise ParameterError(
            f"The 'outcome' parameter of key_drivers must be a column name. Got "
            f"{type(outcome).__name__} instead."
        )
    if weights is not None and not isinstance(
        weights, str | list | tuple | np.ndarray | pd.Series | pd.Index
    ):
        raise ParameterError(
            "The 'weights' parameter of key_drivers must be a column name or one number per "
            f"row (array, list or Series). Got {type(weights).__name__} instead."
        )
    drivers = [drivers] if isinstance(drivers, str) else list(drivers)
    if not drivers:
        raise ParameterError("key_drivers needs at least one driver; drivers=[] was given.")
    duplicated = sorted({d for d in drivers if drivers.count(d) > 1})
    if duplicated:
        raise ParameterError(f"key_drivers: drivers listed twice: {duplicated}.")
    if outcome in drivers:
        raise ParameterError(
            f"key_drivers: the outcome {outcome!r} is also listed as a driver; remove it "
            "from drivers."
        )
    _require_columns(frame, [outcome], "outcome")
    _require_columns(frame, drivers, "driver")

    rows_total = len(frame)
    Z = _numeric_block(frame, drivers, outcome)  # drivers, outcome last: one copy
    y, grades = Z[:, -1], Z[:, :-1]
    weighted = weights is not None
    if isinstance(weights, str):
        _require_columns(frame, [weights], "weight")
        if weights in drivers or weights == outcome:
            raise ParameterError(
                f"key_drivers: the weight column {weights!r} is also the outcome or a driver."
            )
        w = _numeric(frame, weights, "weight")
    elif weights is None:
        w = np.ones(rows_total)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape[0] != rows_total:
            raise ParameterError(
                f"key_drivers: weights has {w.shape[0]} values but the data has "
                f"{rows_total} rows; pass one weight per row or a column name."
            )
    if np.isinf(w).any() or (w < 0).any():
        bad = int((np.isinf(w) | (w < 0)).sum())
        raise DataError(
            f"key_drivers: {bad} weights are negative or infinite; survey weights must be "
            "finite and ≥ 0."
        )

    excluded: dict[str, int] = {}
    keep = ~np.isnan(y)
    excluded["outcome missing"] = int((~keep).sum())
    if weighted:
        no_weight = keep & np.isnan(w)
        excluded["weight missing"] = int(no_weight.sum())
        keep &= ~no_weight
    base = int(keep.sum())
    answered = (~np.isnan(grades[keep])).sum(axis=0)
    w_base = np.where(np.isnan(w[keep]), 0.0, w[keep])
    reach = (
        np.minimum((w_base @ ~np.isnan(grades[keep])) / w_base.sum(), 1.0)
        if w_base.sum() > 0
        else np.full(len(drivers), np.nan)
    )
    if missing != "dummy":  # dummy handles sparse touchpoints as designed; no warning
        _warn_sparse(drivers, answered, base, missing)
    if missing == "listwise":
        complete = keep & ~np.isnan(grades).any(axis=1)
        excluded["driver missing (listwise)"] = int((keep & ~complete).sum())
        keep = complete
    if not keep.any():
        per_driver = ", ".join(f"{d}: {a}" for d, a in zip(drivers, answered, strict=True))
        raise AnalysisError(
            f"key_drivers: no rows left to analyse ({rows_total} rows; excluded "
            f"{excluded}). Answers per driver: {per_driver}. Try missing='impute' or "
            "drop the least answered drivers."
        )
    if not keep.all():
        Z, w = Z[keep], w[keep]
    y, grades = Z[:, -1], Z[:, :-1]
    if w.sum() <= 0:
        raise DataError("key_drivers: every weight of the rows used is zero.")

    names = dict(labels or {})
    lang = getattr(spec, "language", "en") if spec is not None else "en"

    def label_of(column: str) -> str:
        if column in names:
            return str(names[column])
        if spec is not None:
            try:
                return str(spec.label(column))
            except Exception:  # noqa: BLE001 - a label is never worth a failure
                return column
        return column

    columns, indicator = list(drivers), [False] * len(drivers)
    shown = [label_of(d) for d in drivers]
    n_col = (~np.isnan(grades)).sum(axis=0).astype(int)
    notes: list[str] = []
    owners: list[int] = []  # the driver of each indicator column
    if missing in ("impute", "dummy") and np.isnan(grades).any():
        X = grades.copy()
        extra, extra_n, imputed_only = [], [], []
        for j, name in enumerate(drivers):
            seen = ~np.isnan(grades[:, j])
            if not seen.any():
                raise AnalysisError(
                    f"key_drivers: driver {name!r} has no answers in the {len(y)} rows used "
                    "(all n.v.t.), so no rows left to analyse it; drop it from drivers."
                )
            if seen.all():
                continue
            X[~seen, j] = (
                np.average(grades[seen, j], weights=w[seen])
                if w[seen].sum() > 0
                else grades[seen, j].mean()
            )
            if missing == "impute" and (~seen).mean() < _INDICATOR_SHARE:
                imputed_only.append(name)
                continue
            if missing == "dummy" and np.average(seen, weights=w) >= dummy_below:
                imputed_only.append(name)
                continue
            extra.append(seen.astype(float))
            columns.append(f"{name}_answered")
            owners.append(j)
            indicator.append(True)
            from drivers.present._format import text  # display text lives in the catalogs

            word = text("answered", lang)
            shown.append(f"{shown[j]} ({word})")
            extra_n.append(len(y))
        Z = np.column_stack([X, *extra, y])
        n_col = np.concatenate([n_col, extra_n]).astype(int)
        if imputed_only and missing == "impute":
            notes.append(
                "missing='impute': mean-imputed without an indicator (fewer than "
                f"{_INDICATOR_SHARE:.0%} n.v.t.): {', '.join(imputed_only)}"
            )
        elif imputed_only:
            notes.append(
                f"missing='dummy': answered by at least {dummy_below:.0%}, so mean-filled "
                f"without an indicator: {', '.join(imputed_only)}"
            )

    if thresholds is None:
        scale = tuple(getattr(spec, "scale", (1, 10))) if spec is not None else (1, 10)
        thresholds = _default_thresholds(scale)
    else:
        thresholds = tuple(float(t) for t in thresholds)
        if len(thresholds) != 2 or not thresholds[0] < thresholds[1]:
            raise ParameterError(
                "The 'thresholds' parameter of key_drivers must be (low, high) with "
                f"low < high: grades ≤ low are low, ≥ high are high. Got {thresholds!r}."
            )
    groups = [[j] for j in range(len(drivers))]
    for k, j in enumerate(owners, start=len(drivers)):
        groups[j].append(k)
    return _Design(
        outcome=str(outcome),
        drivers=drivers,
        columns=columns,
        indicator=indicator,
        labels=shown,
        Z=Z,
        grades=grades,
        w=w,
        weighted=weighted,
        n_col=n_col,
        rows_total=rows_total,
        rows_excluded=excluded,
        missing=missing,
        thresholds=thresholds,
        notes=notes,
        groups=groups,
        reach=np.asarray(reach, dtype=float),
    )


def _warn_sparse(drivers: list[str], answered: np.ndarray, base: int, missing: str) -> None:
    sparse = [(d, int(a)) for d, a in zip(drivers, answered, strict=True) if a < base / 2]
    if not sparse or base == 0:
        return
    listed = ", ".join(f"{d!r} ({a} of {base})" for d, a in sparse)
    warnings.warn(
        f"key_drivers: answered by fewer than half of the respondents: {listed}. "
        f"Now missing={missing!r}. Options: 'listwise' keeps only respondents who graded "
        "every driver (few rows left, and only those who e.g. complained); 'pairwise' "
        "uses every available pair for the correlation matrix (shapley, relative_weights, "
        "correlation); 'dummy' (the default) and 'impute' fill the mean and add an "
        "'answered' indicator, counted with the grade as one driver, so the effect of "
        "having experienced the touchpoint is measured too. Or leave the driver out.",
        MissingTouchpointWarning,
        stacklevel=3,
    )


# --------------------------------------------------------------------------- correlation


def _cov_to_corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=-2, axis2=-1), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cov / (sd[..., :, None] * sd[..., None, :])
    return corr


def _corr_complete(Z: np.ndarray, w: np.ndarray, weighted: bool = True) -> np.ndarray:
    """Weighted correlation matrix of complete data (weights = frequencies).

    The cross-product is taken as ``(√w·Zc)'(√w·Zc)``: a symmetric rank-k update that
    BLAS does far faster than a general product at a million rows.
    """
    sw = w.sum()
    mean = (w @ Z) / sw
    scaled = Z - mean
    if weighted or not np.all(w == 1):
        scaled *= np.sqrt(w)[:, None]
    cov = scaled.T @ scaled / sw
    return _cov_to_corr(cov)


def _corr_pairwise(Z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted correlations over pairwise-complete rows (means and SDs per pair)."""
    seen = ~np.isnan(Z)
    mask = seen.astype(float)
    centre = np.nanmean(Z, axis=0)
    x0 = np.where(seen, Z - centre, 0.0)
    wm = mask * w[:, None]
    sw = mask.T @ wm
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_i = (x0.T @ wm) / sw  # mean of column i over rows where i and j are seen
        var_i = ((x0**2).T @ wm) / sw - mean_i**2
        cov = (x0.T @ (x0 * w[:, None])) / sw - mean_i * mean_i.T
        corr = cov / np.sqrt(var_i * var_i.T)
    return corr


def _clean_corr(corr: np.ndarray) -> np.ndarray:
    """Undefined correlations (no variance in a resample) become 0, the diagonal 1."""
    corr = np.where(np.isfinite(corr), corr, 0.0)
    q = corr.shape[-1]
    corr[..., np.arange(q), np.arange(q)] = 1.0
    return corr


def _nearest_psd(corr: np.ndarray) -> tuple[np.ndarray, bool]:
    """Clip negative eigenvalues and rescale to a unit diagonal (Higham-style, one step)."""
    lam, vec = np.linalg.eigh(corr)
    if lam.min() >= -1e-10:
        return corr, False
    lam = np.clip(lam, 1e-8, None)
    fixed = (vec * lam) @ vec.T
    sd = np.sqrt(np.diag(fixed))
    fixed = fixed / np.outer(sd, sd)
    np.fill_diagonal(fixed, 1.0)
    return (fixed + fixed.T) / 2, True


def _design_corr(design: _Design, w: np.ndarray) -> np.ndarray:
    """(p + 1) x (p + 1) correlation matrix, drivers first, outcome last."""
    if design.missing == "pairwise" and np.isnan(design.X).any():
        return _corr_pairwise(design.Z, w)
    return _corr_complete(design.Z, w, weighted=design.weighted)


def _point_corr(design: _Design) -> np.ndarray:
    corr = _design_corr(design, design.w)
    names = [*design.columns, design.outcome]
    sd_zero = ~np.isfinite(np.diag(corr)) | (np.abs(np.diag(corr) - 1) > 1e-6)
    if sd_zero.any():
        flat = [names[i] for i in np.flatnonzero(sd_zero)]
        raise AnalysisError(
            f"key_drivers: no variance in {flat} over the {design.n} rows used (every "
            "answer the same, or no overlap with the outcome); drop those columns."
        )
    if not np.isfinite(corr).all():
        i, j = np.argwhere(~np.isfinite(corr))[0]
        raise AnalysisError(
            f"key_drivers: no rows where both {names[i]!r} and {names[j]!r} are answered "
            "(or no variance there), so missing='pairwise' cannot correlate them. Use "
            "missing='impute' or leave one of them out."
        )
    if design.missing == "pairwise":
        corr, repaired = _nearest_psd(corr)
        if repaired:
            note = (
                "the pairwise correlation matrix was not positive semi-definite (pairs rest "
                "on different respondents); negative eigenvalues were clipped"
            )
            design.notes.append(note)
            warnings.warn(
                f"key_drivers: {note}. Results are approximate; missing='impute' or "
                "'listwise' avoid this.",
                MissingTouchpointWarning,
                stacklevel=3,
            )
    return corr


def _r2_from_corr(corr: np.ndarray) -> float:
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    return float(rxy @ np.linalg.pinv(rxx, hermitian=True) @ rxy)


# --------------------------------------------------------------------------- methods
# Each method returns a _Fit; the correlation-based ones also have a batched version that
# maps a stack of correlation matrices to (importance, share) for the bootstrap.


@dataclass
class _Fit:
    importance: np.ndarray
    share: np.ndarray
    r2: float
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    cv_r2: float | None = None
    pseudo_r2: dict[str, float] | None = None


def _share_abs(importance: np.ndarray) -> np.ndarray:
    size = np.abs(importance)
    total = size.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, size / total, np.nan)


def _share_positive(importance: np.ndarray) -> np.ndarray:
    size = np.clip(importance, 0, None)
    total = size.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, size / total, np.nan)


def _shapley_batch(corrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, r2 = shapley_batch(corrs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return values, values / r2[:, None]


def _relative_weights_batch(corrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    raw = _relative_weights_raw(corrs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return raw, raw / raw.sum(axis=1, keepdims=True)


def _relative_weights_raw(corrs: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights for a stack of correlation matrices (outcome last)."""
    rxx, rxy = corrs[:, :-1, :-1], corrs[:, :-1, -1]
    lam, vec = np.linalg.eigh(rxx)
    lam = np.clip(lam, 0, None)
    keep = lam > PIVOT_TOL * lam.max(axis=1, keepdims=True)
    root = np.sqrt(lam)
    inv_root = np.where(keep, 1 / np.where(keep, root, 1), 0.0)
    vt = np.swapaxes(vec, 1, 2)
    loadings = (vec * root[:, None, :]) @ vt  # Λ = R^{1/2}: drivers on orthogonal twins
    beta = ((vec * inv_root[:, None, :]) @ vt @ rxy[:, :, None])[:, :, 0]
    return np.einsum("bjk,bk->bj", loadings**2, beta**2)


def _correlation_batch(corrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = corrs[:, :-1, -1]
    return r, _share_abs(r)


def _beta_batch(corrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rxx, rxy = corrs[:, :-1, :-1], corrs[:, :-1, -1]
    beta = (np.linalg.pinv(rxx, hermitian=True) @ rxy[:, :, None])[:, :, 0]
    return np.abs(beta), _share_abs(beta)


# Dispatch by naming convention from the registry: a "core" method has ``_<key>_batch``.
_BATCH: dict[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    key: globals()[f"_{key}_batch"] for key in _CORE_METHODS
}


def _fit_shapley(design: _Design, corr: np.ndarray) -> _Fit:
    if design.grouped:
        values, r2 = group_shapley_batch(corr[None], design.groups)
    else:
        values, r2 = shapley_batch(corr[None])
    imp = values[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = imp / r2[0]
    return _Fit(imp, share, float(r2[0]), {"pearson": corr[:-1, -1].copy()})


#: Rows behind the covariance of the moments in the delta-method SE of relative weights.
_SE_ROWS = 200_000


def _relative_weights_se(design: _Design) -> np.ndarray:
    """Delta-method standard errors of the (group-summed) raw relative weights.

    The weights are a smooth function of the covariance matrix ``S``; the covariance of
    ``vech(S)`` is estimated from the per-row products (no normality assumed:
    ``Var(vech S) ≈ Σ_i v_i² (u_i - ū)(u_i - ū)'`` with ``u_i`` the centred cross-products of
    row ``i`` and ``v_i`` its normalised weight), and the Jacobian by central differences.
    NaN with ``missing="pairwise"`` (no single set of rows). Above :data:`_SE_ROWS` rows the
    covariance of ``vech(S)`` is estimated from a fixed random subset of that many rows
    (scaled up; ``S`` itself uses every row).
    """
    p = len(design.drivers)
    if design.missing == "pairwise" and np.isnan(design.X).any():
        return np.full(p, np.nan)
    Z, w = design.Z, design.w
    v = w / w.sum()
    centred = Z - v @ Z
    q = Z.shape[1]
    iu = np.triu_indices(q)
    m = len(iu[0])
    svec = np.zeros(m)
    step = max(1, _BASIS_CACHE // max(m, 1))
    for start in range(0, len(Z), step):
        c = centred[start : start + step]
        svec += v[start : start + step] @ (c[:, iu[0]] * c[:, iu[1]])
    cov_s = np.zeros((m, m))
    rows, scale = np.arange(len(Z)), 1.0
    if len(Z) > _SE_ROWS:  # Var(vech S) is a mean over rows: a fixed random subset
        rows = np.sort(np.random.default_rng(0).choice(len(Z), _SE_ROWS, replace=False))
        scale = len(Z) / _SE_ROWS  # estimates it unbiasedly (SE within ~0.3 % at 200,000)
    for start in range(0, len(rows), step):
        chosen = rows[start : start + step]
        c = centred[chosen]
        d = (c[:, iu[0]] * c[:, iu[1]] - svec) * v[chosen, None]
        cov_s += d.T @ d
    cov_s *= scale

    def folded(vec: np.ndarray) -> np.ndarray:
        S = np.empty((q, q))
        S[iu] = vec
        S[iu[1], iu[0]] = vec
        raw = _relative_weights_raw(_cov_to_corr(S)[None])
        return _fold(design, "relative_weights", raw)[0]

    h = 1e-6 * np.maximum(np.abs(svec), 1e-3)
    jac = np.empty((p, m))
    for k in range(m):
        up, down = svec.copy(), svec.copy()
        up[k] += h[k]
        down[k] -= h[k]
        jac[:, k] = (folded(up) - folded(down)) / (2 * h[k])
    return np.sqrt(np.clip(np.einsum("pk,kl,pl->p", jac, cov_s, jac), 0, None))


def _fit_relative_weights(design: _Design, corr: np.ndarray) -> _Fit:
    raw = _relative_weights_raw(corr[None])[0]
    r2 = float(raw.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        share = raw / r2
    return _Fit(raw, share, r2, {"pearson": corr[:-1, -1].copy()})


def _weighted_pearson(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    corr = _corr_complete(np.column_stack([a, b]), w)
    return float(corr[0, 1])


def _spearman(design: _Design) -> np.ndarray:
    """Weighted Pearson correlation of mid-ranks, per column over its answered rows."""
    out = np.empty(design.p)
    for j in range(design.p):
        x = design.X[:, j]
        seen = ~np.isnan(x)
        ranks_x = pd.Series(x[seen]).rank().to_numpy()
        ranks_y = pd.Series(design.y[seen]).rank().to_numpy()
        out[j] = _weighted_pearson(ranks_x, ranks_y, design.w[seen])
    return out


def _fit_correlation(design: _Design, corr: np.ndarray) -> _Fit:
    r = corr[:-1, -1].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        spearman = _spearman(design)
    return _Fit(r, _share_abs(r), _r2_from_corr(corr), {"pearson": r, "spearman": spearman})


def _standardise(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    mean = np.average(values, axis=0, weights=w)
    sd = np.sqrt(np.average((values - mean) ** 2, axis=0, weights=w))
    return (values - mean) / sd


def _wls(y: np.ndarray, X: np.ndarray, w: np.ndarray, weighted: bool):
    # the modules themselves: statsmodels.api also imports its plotting and time series
    from statsmodels.regression.linear_model import OLS, WLS
    from statsmodels.tools.tools import add_constant

    design = add_constant(X, has_constant="add")
    model = WLS(y, design, weights=w) if weighted else OLS(y, design)
    return model.fit(cov_type="HC3")


def _fit_beta(design: _Design, corr: np.ndarray) -> _Fit:
    z_y = _standardise(design.y, design.w)
    z_x = _standardise(design.X, design.w)
    fit = _wls(z_y, z_x, design.w, design.weighted)
    beta = np.asarray(fit.params)[1:]
    extra = {
        "beta": beta,
        "se": np.asarray(fit.bse)[1:],
        "p_value": np.asarray(fit.pvalues)[1:],
    }
    return _Fit(np.abs(beta), _share_abs(beta), float(fit.rsquared), extra)


def _logit_ame(target: np.ndarray, X: np.ndarray, w: np.ndarray, weighted: bool, what: str):
    """Average marginal effects of a logit of ``target`` on ``X``.

    Unweighted: ``statsmodels`` Logit and ``get_margeff(at="overall")``. Weighted: GLM
    Binomial with ``var_weights`` (normalised to mean 1), sandwich (HC0) covariance, and the
    weighted average ``AME_j = β_j Σ w p(1-p) / Σ w`` with delta-method standard errors.
    From :data:`LARGE_LOGIT_ROWS` rows on, weighted or not, the same weighted fit with the
    same HC0 covariance comes from :func:`_logit_newton` (statsmodels' IRLS keeps several
    copies of a million-row model matrix: about 4 GB and half a minute).
    """
    from scipy import stats
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )
    from statsmodels.tools.tools import add_constant

    design = add_constant(X, has_constant="add")
    large = len(target) >= LARGE_LOGIT_ROWS
    weighted = weighted or large
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if large:
                fit = _logit_newton(target, design, w / w.mean())
            elif weighted:
                scaled = w / w.mean()
                glm = GLM(target, design, family=families.Binomial(), var_weights=scaled)
                fit = glm.fit(cov_type="HC0")
            else:
                fit = Logit(target, design).fit(disp=0)
        except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
            raise AnalysisError(
                f"key_drivers(method='logit'): the {what} model cannot be fitted ({exc}). "
                "Some driver separates the groups perfectly; use method='shapley'."
            ) from None
    trouble = [c for c in caught if issubclass(c.category, PerfectSeparationWarning)]
    if trouble or not np.all(np.isfinite(fit.params)):
        raise AnalysisError(
            f"key_drivers(method='logit'): the {what} model is perfectly separated (a "
            "combination of drivers predicts the group exactly), so its effects are "
            "infinite. Use method='shapley' or 'beta', or fewer drivers."
        )
    converged = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
    if not weighted:
        margeff = fit.get_margeff(at="overall")
        ame, se, p_value = margeff.margeff, margeff.margeff_se, margeff.pvalues
        pseudo = float(fit.prsquared)
    else:
        params = np.asarray(fit.params)
        prob = np.asarray(fit.predict())
        dens = prob * (1 - prob)
        mean_dens = np.average(dens, weights=w)
        ame = params[1:] * mean_dens
        # d AME_j / d β_k = δ_jk mean(p(1-p)) + β_j mean(p(1-p)(1-2p) x_k)
        slope = np.average(dens[:, None] * (1 - 2 * prob)[:, None] * design, axis=0, weights=w)
        jac = params[1:, None] * slope[None, :]
        jac[:, 1:] += np.eye(len(ame)) * mean_dens
        se = np.sqrt(np.diag(jac @ np.asarray(fit.cov_params()) @ jac.T))
        p_value = 2 * stats.norm.sf(np.abs(ame / se))
        scaled = w / w.mean()
        base = float(np.average(target, weights=scaled))
        null_llf = float(np.sum(scaled * (target * np.log(base) + (1 - target) * np.log1p(-base))))
        pseudo = float(1 - fit.llf / null_llf)  # = the intercept-only GLM's llf
    return np.asarray(ame), np.asarray(se), np.asarray(p_value), pseudo, converged


#: From this many rows on, ``method="logit"`` fits by :func:`_logit_newton`.
LARGE_LOGIT_ROWS = 100_000


def _logit_newton(target: np.ndarray, design: np.ndarray, v: np.ndarray) -> Any:
    """Weighted logistic regression by Newton-Raphson with the HC0 sandwich covariance.

    The estimates, covariance and log-likelihood of statsmodels'
    ``GLM(target, design, family=Binomial(), var_weights=v).fit(cov_type="HC0")``
    (checked in the tests), made with one model matrix and one weighted copy in memory.
    Returns an object with ``params``, ``predict()``, ``cov_params()`` and ``llf``.
    """
    from types import SimpleNamespace

    from scipy.special import expit
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    share = float(np.average(target, weights=v))
    beta = np.zeros(design.shape[1])
    beta[0] = np.log(share / (1 - share))
    for _ in range(_LOGIT_MAX_ITER):
        prob = expit(design @ beta)
        hess = (design * (v * prob * (1 - prob))[:, None]).T @ design
        step = np.linalg.solve(hess, design.T @ (v * (target - prob)))
        beta += step
        if np.abs(step).max() < _LOGIT_TOL:
            break
    else:
        warnings.warn("Newton's method did not converge", ConvergenceWarning, stacklevel=2)
    prob = expit(design @ beta)
    if np.abs(beta).max() > 50 or np.any((prob < 1e-12) | (prob > 1 - 1e-12)):
        warnings.warn("perfect separation", PerfectSeparationWarning, stacklevel=2)
    bread = np.linalg.inv((design * (v * prob * (1 - prob))[:, None]).T @ design)
    score = design * (v * (target - prob))[:, None]
    cov = bread @ (score.T @ score) @ bread
    with np.errstate(divide="ignore"):
        llf = float(np.sum(v * (target * np.log(prob) + (1 - target) * np.log1p(-prob))))
    return SimpleNamespace(params=beta, predict=lambda: prob, cov_params=lambda: cov, llf=llf)


def _logit_groups(design: _Design) -> tuple[np.ndarray, np.ndarray]:
    y = design.y
    if y.min() < 0 or y.max() > 10:
        raise DataError(
            f"key_drivers(method='logit') needs a 0-10 likelihood-to-recommend outcome; "
            f"{design.outcome!r} runs from {y.min():g} to {y.max():g}."
        )
    sign = (design.cutoffs or STANDARD).sign(y)
    promoter = (sign > 0).astype(float)
    detractor = (sign < 0).astype(float)
    n = len(y)
    for name, flag in (("promoters", promoter), ("detractors", detractor)):
        count = int(flag.sum())
        if count in (0, n):
            everyone = "every respondent is" if count == n else "no respondent is"
            raise AnalysisError(
                f"key_drivers(method='logit'): {everyone} among the {name} ({count} of {n} "
                f"rows), so there is nothing to model for the {name}. Use method='shapley' "
                "(works on the 0-10 score) or analyse a larger group."
            )
    return promoter, detractor


def _fit_logit(design: _Design, corr: np.ndarray | None = None) -> _Fit:
    promoter, detractor = _logit_groups(design)
    fits = {
        name: _logit_ame(target, design.X, design.w, design.weighted, name)
        for name, target in (("promoter", promoter), ("detractor", detractor))
    }
    ame_p, se_p, pv_p, r2_p, _ = fits["promoter"]
    ame_d, se_d, pv_d, r2_d, _ = fits["detractor"]
    importance = (np.abs(ame_p) + np.abs(ame_d)) / 2
    extra = {
        "ame_promoter": ame_p,
        "se_promoter": se_p,
        "p_promoter": pv_p,
        "ame_detractor": ame_d,
        "se_detractor": se_d,
        "p_detractor": pv_d,
    }
    pseudo = {"promoter": r2_p, "detractor": r2_d}
    return _Fit(importance, _share_abs(importance), (r2_p + r2_d) / 2, extra, pseudo_r2=pseudo)


def _weighted_r2(y: np.ndarray, pred: np.ndarray, w: np.ndarray) -> np.ndarray:
    """R² of predictions ``pred`` (..., n) for ``y`` (n,), weighted, over the last axis."""
    mean = np.average(y, weights=w)
    total = np.sum(w * (y - mean) ** 2)
    return 1 - np.sum(w * (y - pred) ** 2, axis=-1) / total


def _forest(seed: int):
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(
        n_estimators=_FOREST_TREES,
        max_depth=_FOREST_DEPTH,
        min_samples_leaf=5,
        random_state=seed,
        n_jobs=1,
    )


def _permutation_importance(
    model: Any, X: np.ndarray, y: np.ndarray, w: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    """Drop in held-out (weighted) R² when one column is shuffled, mean of a few shuffles.

    Same definition as ``sklearn.inspection.permutation_importance`` with ``scoring="r2"``,
    but all shuffles of one column go through the forest in a single ``predict`` call.
    """
    n, q = X.shape
    # every shuffle of every column, and the unshuffled rows, in one predict call: the
    # forest's per-call overhead (a joblib dispatch per tree) is paid once, not q + 1 times
    stacked = np.repeat(X[None], q * _FOREST_REPEATS + 1, axis=0)
    for j in range(q):
        for r in range(_FOREST_REPEATS):
            stacked[1 + j * _FOREST_REPEATS + r, :, j] = X[rng.permutation(n), j]
    pred = model.predict(stacked.reshape(-1, q)).reshape(-1, n)
    base = float(_weighted_r2(y, pred[0], w))
    scores = _weighted_r2(y, pred[1:], w).reshape(q, _FOREST_REPEATS)
    return base - scores.mean(axis=1), base


def _fit_forest(design: _Design, corr: np.ndarray | None = None, seed: int = 0) -> _Fit:
    from sklearn.model_selection import KFold

    folds = min(_FOREST_FOLDS, design.n)
    if design.n < 2 * _FOREST_FOLDS:
        raise AnalysisError(
            f"key_drivers(method='forest') needs at least {2 * _FOREST_FOLDS} rows for its "
            f"{_FOREST_FOLDS}-fold cross-validation; {design.n} rows are used."
        )
    rng = np.random.default_rng(seed)
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    importances, scores = [], []
    for train, test in splitter.split(design.X):
        model = _forest(seed)
        fit_kw = {"sample_weight": design.w[train]} if design.weighted else {}
        model.fit(design.X[train], design.y[train], **fit_kw)
        drop, score = _permutation_importance(
            model, design.X[test], design.y[test], design.w[test], rng
        )
        importances.append(drop)
        scores.append(score)
    importance = np.mean(importances, axis=0)
    cv_r2 = float(np.mean(scores))
    extra = {"importance_sd": np.std(importances, axis=0, ddof=1)}
    return _Fit(importance, _share_positive(importance), cv_r2, extra, cv_r2=cv_r2)


def _forest_out_of_bag(
    design: _Design, counts: np.ndarray, seed: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One bootstrap draw of forest importance: fit on the resample (counts as weights),
    permutation importance on the rows the resample left out (about 37%)."""
    drawn = counts > 0
    if drawn.all() or (~drawn).sum() < 2:
        raise AnalysisError("no out-of-bag rows")
    model = _forest(seed)
    model.fit(design.X[drawn], design.y[drawn], sample_weight=(counts * design.w)[drawn])
    held = ~drawn
    drop, _ = _permutation_importance(model, design.X[held], design.y[held], design.w[held], rng)
    return drop, _share_positive(drop)


def _kano(penalty: np.ndarray, reward: np.ndarray) -> np.ndarray:
    loss = np.clip(-penalty, 0, None)
    gain = np.clip(reward, 0, None)
    return np.where(
        loss > _KANO_RATIO * gain,
        "basic",
        np.where(gain > _KANO_RATIO * loss, "excitement", "performance"),
    )


def _penalty_reward_matrix(design: _Design) -> tuple[np.ndarray, list[tuple[str, int]]]:
    """Low and high dummies per driver (NaN → 0 in both), then any indicator columns."""
    low_max, high_min = design.thresholds
    blocks, meaning = [], []
    for j in range(len(design.drivers)):
        grade = design.grades[:, j]
        blocks.append(np.where(np.isnan(grade), 0.0, grade <= low_max))
        meaning.append(("low", j))
        blocks.append(np.where(np.isnan(grade), 0.0, grade >= high_min))
        meaning.append(("high", j))
    for j in range(len(design.drivers), design.p):
        blocks.append(design.X[:, j])
        meaning.append(("indicator", j))
    return np.column_stack(blocks).astype(float), meaning


def _fit_penalty_reward(design: _Design, corr: np.ndarray | None = None) -> _Fit:
    dummies, meaning = _penalty_reward_matrix(design)
    used = dummies.std(axis=0) > 0  # a driver nobody graded low (or high) has no such effect
    fit = _wls(design.y, dummies[:, used], design.w, design.weighted)
    coef = np.zeros(dummies.shape[1])
    pval = np.full(dummies.shape[1], np.nan)
    coef[used] = np.asarray(fit.params)[1:]
    pval[used] = np.asarray(fit.pvalues)[1:]
    n_drv = len(design.drivers)
    penalty = np.full(design.p, np.nan)
    reward = np.full(design.p, np.nan)
    p_pen = np.full(design.p, np.nan)
    p_rew = np.full(design.p, np.nan)
    importance = np.empty(design.p)
    for k, (kind, j) in enumerate(meaning):
        if kind == "low":
            penalty[j], p_pen[j] = coef[k], pval[k]
        elif kind == "high":
            reward[j], p_rew[j] = coef[k], pval[k]
        else:
            importance[j] = abs(coef[k])
    importance[:n_drv] = reward[:n_drv] - penalty[:n_drv]
    kano = np.full(design.p, "", dtype=object)
    kano[:n_drv] = _kano(penalty[:n_drv], reward[:n_drv])
    n_low = np.full(design.p, np.nan)
    n_high = np.full(design.p, np.nan)
    n_low[:n_drv] = dummies[:, 0 : 2 * n_drv : 2].sum(axis=0)
    n_high[:n_drv] = dummies[:, 1 : 2 * n_drv : 2].sum(axis=0)
    extra = {
        "penalty": penalty,
        "reward": reward,
        "penalty_p": p_pen,
        "reward_p": p_rew,
        "n_low": n_low,
        "n_high": n_high,
        "kano": kano,
    }
    if not used.all():
        design.notes.append(
            "no respondent in the low (or high) group of: "
            + ", ".join(
                sorted(
                    {design.drivers[j] for (_, j), u in zip(meaning, used, strict=True) if not u}
                )
            )
            + "; that effect is set to 0"
        )
    return _Fit(importance, _share_positive(importance), float(fit.rsquared), extra)


# Dispatch by naming convention from the registry: every method has ``_fit_<key>``.
_FITTERS: dict[str, Callable[..., _Fit]] = {
    key: globals()[f"_fit_{key}"] for key in _registry.METHODS
}


# --------------------------------------------------------------------------- diagnostics


def _collinearity(corr: np.ndarray) -> tuple[np.ndarray, float]:
    """VIF per driver and sqrt(λmax/λmin) of the drivers' correlation matrix.

    ``VIF_j = (R⁻¹)_jj = Σ_k Q_jk² / λ_k``; a driver with weight on a (numerically) zero
    eigenvalue is an exact linear combination of the others: VIF = inf.
    """
    lam, vec = np.linalg.eigh(corr[:-1, :-1])
    null = lam <= PIVOT_TOL * max(lam[-1], 1.0)
    safe = np.where(null, 1.0, lam)
    vif = (vec[:, ~null] ** 2 / safe[~null]).sum(axis=1)
    vif[(vec[:, null] ** 2).sum(axis=1) > 1e-8] = np.inf
    cond = np.inf if null.any() else float(np.sqrt(lam[-1] / lam[0]))
    return vif, cond


def _diagnostics(design: _Design, corr: np.ndarray, fit: _Fit) -> Diagnostics:
    r2 = _r2_from_corr(corr)
    n_eff = int(design.n_col.min()) if design.missing == "pairwise" else design.n
    p = design.p
    adj = 1 - (1 - r2) * (n_eff - 1) / (n_eff - p - 1) if n_eff - p - 1 > 0 else np.nan
    vif, cond = _collinearity(corr)
    high = [(c, v) for c, v in zip(design.columns, vif, strict=True) if v > _VIF_LIMIT]
    if high:
        listed = ", ".join(f"{c!r} (VIF {v:.1f})" for c, v in high)
        warnings.warn(
            f"key_drivers: strongly correlated drivers: {listed}; VIF above {_VIF_LIMIT:g} "
            "makes beta and logit effects unstable. Shapley and relative weights share the "
            "overlap fairly; consider merging the drivers or reading their combined share.",
            CollinearityWarning,
            stacklevel=3,
        )
    if n_eff < 10 * p:
        warnings.warn(
            f"key_drivers: {n_eff} rows for {p} drivers; at least 10 rows per driver "
            f"({10 * p}) is advisable. Importances will be unstable: use bootstrap= to see "
            "how much, or fewer drivers.",
            SmallSampleWarning,
            stacklevel=3,
        )
    notes = list(design.notes)
    if design.missing == "pairwise":
        notes.append(
            f"missing='pairwise': correlations use every pair answered; n per pair from "
            f"{int(design.n_col.min())} to {int(design.n_col.max())}"
        )
    if design.missing in ("impute", "dummy") and design.grouped:
        conditional = [design.drivers[g[0]] for g in design.groups if len(g) > 1]
        notes.append(
            f"missing={design.missing!r}: n.v.t. grades were replaced by the driver's mean "
            "plus an 'answered' indicator, and grade + indicator count as one driver "
            f"(conditional touchpoints: {', '.join(conditional)})"
        )
    return Diagnostics(
        r2=r2,
        adj_r2=float(adj),
        n=design.n,
        p=p,
        vif=pd.Series(vif, index=design.columns, name="vif"),
        condition_number=cond,
        rows_total=design.rows_total,
        rows_used=design.n,
        rows_excluded=dict(design.rows_excluded),
        cv_r2=fit.cv_r2,
        pseudo_r2=fit.pseudo_r2,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- bootstrap


#: Above this many model columns, exact Shapley per resample is too slow (2^p subsets: 500
#: resamples take ~6 s at p = 18, ~40 s at p = 20, ~3 h at p = 30); the draws then come
#: from sampled orders, whose intervals differ from exact ones by less than the bootstrap's
#: own noise (bench/bench_bootstrap_route.py).
EXACT_BOOTSTRAP_MAX_DRIVERS = 18
#: Orders of the drivers shared by every resample on the sampled-order route.
BOOTSTRAP_ORDERS = 512
#: From this many rows on, resample weights are Poisson(1) counts, streamed by row blocks.
POISSON_MIN_ROWS = 100_000
#: Resample weights held at once (floats): rows per block = this / resamples.
_WEIGHT_BLOCK = 2**22
#: Largest moment basis (rows x products, floats) kept in memory for all resamples.
_BASIS_CACHE = 2**24


def _poisson_steps(largest: int = 12) -> np.ndarray:
    """``T_k = 2^32 P(K < k)`` for ``K ~ Poisson(1)``, ``k = 1 .. largest``.

    A 32-bit uniform ``u`` gives the count ``#{k : u >= T_k}``; ``P(K > 12) < 1e-10`` is
    below the resolution of 32 bits and counts as 12.
    """
    cdf = np.cumsum([exp(-1.0) / factorial(k) for k in range(largest)])
    return np.round(cdf * 2**32).astype(np.uint32)  # the last step is 2^32 - 4


_POISSON_STEPS = _poisson_steps()


def _ordinal_ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 = largest, per row; ties broken by column order."""
    order = np.argsort(-values, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(values.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, values.shape[1] + 1)
    return ranks


def _resample_weights(rng: np.random.Generator, n: int) -> np.ndarray:
    """Multinomial resample counts (the classic bootstrap), as float weights."""
    return np.bincount(rng.integers(0, n, size=n), minlength=n).astype(float)


def _poisson_weights(
    rng: np.random.Generator, shape: tuple[int, int], out: np.ndarray | None = None
) -> np.ndarray:
    """Poisson(1) resample counts as float weights (Hanley & MacGibbon 2006).

    Inversion of 32-bit uniforms from the raw bit stream: three comparisons cover 98% of
    the rows, the rest are looked up; far cheaper than ``rng.poisson`` at 10^8 draws.
    """
    size = shape[0] * shape[1]
    raw = rng.bit_generator.random_raw((size + 1) // 2).view(np.uint32)[:size]
    counts = (raw >= _POISSON_STEPS[0]).view(np.uint8)  # uint8 passes, one float conversion
    counts += raw >= _POISSON_STEPS[1]
    counts += raw >= _POISSON_STEPS[2]
    tail = np.flatnonzero(raw >= _POISSON_STEPS[3])
    counts[tail] = np.searchsorted(_POISSON_STEPS, raw[tail], side="right")
    if out is None:
        return counts.reshape(shape).astype(float)
    np.copyto(out, counts.reshape(shape))  # a reused buffer: no fresh pages per block
    return out


def _subset(design: _Design, counts: np.ndarray) -> _Design:
    rows = np.repeat(np.arange(design.n), counts.astype(int))
    clone = _Design(**{**design.__dict__})
    clone.Z, clone.grades, clone.w = design.Z[rows], design.grades[rows], design.w[rows]
    clone.notes = []
    return clone


class _Moments:
    """Weighted correlation matrices of many resamples from one product per row.

    Every resample's correlation matrix is a function of weighted sums of per-row products
    that do not depend on the resample (the *moment basis*): with resample weights ``c``
    (counts x survey weights), the sums for a batch are one matrix product ``C @ basis``.
    Complete rows: ``w, w·z_i, w·z_i·z_j`` (i ≤ j) of the data centred once at the point
    estimate's weighted means (so the subtraction ``E[zz] - E[z]E[z]`` loses nothing).
    ``missing="pairwise"``: the products of :func:`_corr_pairwise` per pair of columns.
    """

    def __init__(self, design: _Design) -> None:
        self.n, self.q = design.n, design.p + 1
        self.w = design.w
        self.pairwise = design.missing == "pairwise" and bool(np.isnan(design.X).any())
        Z = design.Z
        if self.pairwise:
            self.seen = (~np.isnan(Z)).astype(float)
            self.centred = np.where(self.seen > 0, Z - np.nanmean(Z, axis=0), 0.0)
            self.size = 4 * self.q * self.q
        else:
            mean = (self.w @ Z) / self.w.sum()
            self.centred = Z - mean
            self.upper = np.triu_indices(self.q)
            self.size = 1 + self.q + len(self.upper[0])
        self.cache = self.basis(0, self.n) if self.n * self.size <= _BASIS_CACHE else None

    def basis(self, start: int, stop: int) -> np.ndarray:
        """Products of rows ``start:stop``, shape ``(rows, size)``, survey weights included."""
        z, w = self.centred[start:stop], self.w[start:stop, None]
        if self.pairwise:
            m = self.seen[start:stop]
            blocks = (m[:, :, None] * m[:, None], z[:, :, None] * m[:, None])
            blocks += ((z * z)[:, :, None] * m[:, None], z[:, :, None] * z[:, None])
            return np.concatenate([b.reshape(len(z), -1) for b in blocks], axis=1) * w
        i, j = self.upper
        return np.concatenate([w, z * w, z[:, i] * z[:, j] * w], axis=1)

    def rows_per_block(self, batch: int) -> int:
        return max(1, min(self.n, _WEIGHT_BLOCK // max(batch, self.size)))

    def sums(self, counts: np.ndarray) -> np.ndarray:
        """Weighted sums ``(b, size)`` for resample counts ``(b, n)``."""
        if self.cache is not None:
            return counts @ self.cache
        out = np.zeros((counts.shape[0], self.size))
        step = self.rows_per_block(counts.shape[0])
        for start in range(0, self.n, step):
            stop = min(start + step, self.n)
            out += counts[:, start:stop] @ self.basis(start, stop)
        return out

    def poisson_sums(self, rng: np.random.Generator, B: int) -> np.ndarray:
        """Sums for ``B`` Poisson resamples, drawing the counts block by block of rows."""
        out = np.zeros((B, self.size))
        step = self.rows_per_block(B)
        buffer = np.empty((B, step))
        for start in range(0, self.n, step):
            stop = min(start + step, self.n)
            counts = _poisson_weights(rng, (B, stop - start), out=buffer[:, : stop - start])
            basis = self.cache[start:stop] if self.cache is not None else self.basis(start, stop)
            out += counts @ basis
        return out

    def corr(self, sums: np.ndarray) -> np.ndarray:
        """Correlation matrices ``(b, q, q)`` from weighted sums (same formulas as
        :func:`_corr_complete` and :func:`_corr_pairwise`)."""
        b, q = sums.shape[0], self.q
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.pairwise:
                sw, zm, z2m, zz = sums.reshape(b, 4, q, q).transpose(1, 0, 2, 3)
                mean = zm / sw
                var = z2m / sw - mean**2
                cov = zz / sw - mean * np.swapaxes(mean, 1, 2)
                return cov / np.sqrt(var * np.swapaxes(var, 1, 2))
            total = sums[:, :1]
            mean = sums[:, 1 : 1 + q] / total
            second = np.empty((b, q, q))
            i, j = self.upper
            second[:, i, j] = sums[:, 1 + q :] / total
            second[:, j, i] = second[:, i, j]
            cov = second - mean[:, :, None] * mean[:, None, :]
            return _cov_to_corr(cov)


def _resample_corrs(design: _Design, corrs: np.ndarray) -> np.ndarray:
    corrs = _clean_corr(corrs)
    if design.missing == "pairwise":
        corrs = np.stack([_nearest_psd(c)[0] for c in corrs])
    return corrs


_CORR_DRAWS: collections.OrderedDict = collections.OrderedDict()
_CORR_DRAWS_KEPT = 4
_CORR_DRAWS_LOCK = threading.Lock()


def _resample_corr_draws(design: _Design, B: int, seed: int, poisson: bool) -> np.ndarray:
    """The ``B`` seeded resamples' correlation matrices of ``design`` (see :func:`_bootstrap`).

    Memoised on the exact model matrix, weights, seed and route: Shapley and relative
    weights of one wave resample the same rows, so the sums over the respondents (the
    expensive part on a large wave) are made once. Returned as a fresh array.
    """
    digest = hashlib.blake2b(digest_size=20)
    for part in (design.Z, design.w):
        digest.update(str(part.shape).encode())
        digest.update(np.ascontiguousarray(part).tobytes())
    digest.update(repr((design.missing, B, seed, poisson)).encode())
    key = digest.digest()
    with _CORR_DRAWS_LOCK:
        found = _CORR_DRAWS.get(key)
    if found is None:
        rng = np.random.default_rng(seed)
        moments = _Moments(design)
        if poisson:
            found = _resample_corrs(design, moments.corr(moments.poisson_sums(rng, B)))
        else:
            found = np.empty((B, moments.q, moments.q))
            for start in range(0, B, _BOOT_CHUNK):
                stop = min(start + _BOOT_CHUNK, B)
                counts = np.stack([_resample_weights(rng, design.n) for _ in range(start, stop)])
                found[start:stop] = _resample_corrs(design, moments.corr(moments.sums(counts)))
        with _CORR_DRAWS_LOCK:
            _CORR_DRAWS[key] = found
            while len(_CORR_DRAWS) > _CORR_DRAWS_KEPT:
                _CORR_DRAWS.popitem(last=False)
    return found.copy()


def _bootstrap(
    design: _Design,
    method: str,
    B: int,
    seed: int,
    progress: bool,
    corr: np.ndarray | None = None,
    point: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int, tuple[str, ...]]:
    """Bootstrap draws of importance and share, failed resamples, and how it was done.

    Correlation-based methods: the resample weights of a batch form a matrix and one matrix
    product with the moment basis (:class:`_Moments`) gives all their correlation matrices.
    Below :data:`POISSON_MIN_ROWS` rows the weights are the classic multinomial counts
    (the same random stream as one resample at a time); from there on independent
    Poisson(1) counts per row, streamed by row blocks, so a million rows are never copied
    per resample. ``shapley`` above :data:`EXACT_BOOTSTRAP_MAX_DRIVERS` columns keeps the
    exact point estimate ``point`` and adds, per resample, the change of the Shapley values
    averaged over :data:`BOOTSTRAP_ORDERS` random orders shared by all resamples (the point
    matrix ``corr`` gets the same orders): ``draw_b = φ + φ_M(R_b) - φ_M(R)``. Each draw
    still sums to its resample's R²; the bench compares these intervals with exact ones.
    """
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    imp = np.full((B, design.p), np.nan)
    share = np.full((B, design.p), np.nan)
    failed = 0
    notes: list[str] = []
    poisson = design.n >= POISSON_MIN_ROWS
    bar = tqdm(total=B, desc=f"bootstrap {method}", disable=not progress, leave=False)
    try:
        if method in _CORE_METHODS:
            corrs = _resample_corr_draws(design, B, seed, poisson)
            sampled = method == "shapley" and design.p > EXACT_BOOTSTRAP_MAX_DRIVERS
            if sampled:
                imp, share = _sampled_shapley_draws(design, corrs, corr, point, seed)
                bar.update(B)
            elif method == "shapley" and design.grouped:
                imp = np.full((B, len(design.drivers)), np.nan)
                for start in range(0, B, _BOOT_CHUNK):
                    stop = min(start + _BOOT_CHUNK, B)
                    imp[start:stop] = group_shapley_batch(corrs[start:stop], design.groups)[0]
                    bar.update(stop - start)
            else:
                batch = _BATCH[method]
                for start in range(0, B, _BOOT_CHUNK):
                    stop = min(start + _BOOT_CHUNK, B)
                    imp[start:stop], share[start:stop] = batch(corrs[start:stop])
                    bar.update(stop - start)
            notes.append(_route_note(method, B, poisson, sampled))
        elif method == "logit":
            step = max(1, min(_BOOT_CHUNK, _WEIGHT_BLOCK // design.n))
            for start in range(0, B, step):
                stop = min(start + step, B)
                counts = np.stack([_resample_weights(rng, design.n) for _ in range(start, stop)])
                imp[start:stop], share[start:stop] = _logit_batch(design, counts * design.w)
                bar.update(stop - start)
            failed = int(np.isnan(imp).any(axis=1).sum())
            notes.append(
                f"bootstrap: {B} multinomial resamples, both logits refitted on each by a "
                "batched Newton-Raphson (same estimates as statsmodels)"
            )
        else:
            fitter = _FITTERS[method]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for b in range(B):
                    counts = _resample_weights(rng, design.n)
                    try:
                        if method == "forest":
                            imp[b], share[b] = _forest_out_of_bag(design, counts, seed, rng)
                        else:
                            fit = fitter(_subset(design, counts), None)
                            imp[b], share[b] = fit.importance, fit.share
                    except (AnalysisError, np.linalg.LinAlgError, ValueError):
                        failed += 1
                    bar.update(1)
            notes.append(
                f"bootstrap: {B} multinomial resamples, the {method} model refitted on each"
            )
    finally:
        bar.close()
    imp = _fold(design, method, imp)
    return imp, _fold_share(method, imp), failed, tuple(notes)


#: Newton-Raphson of the batched bootstrap logits: iterations, and the step (in the
#: coefficients) below which a fit has converged; one that has not is a failed resample
#: (separation drives the coefficients off without converging).
_LOGIT_MAX_ITER = 50
_LOGIT_TOL = 1e-9


def _logit_batch(design: _Design, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Importance and share of ``method="logit"`` for a batch of resample weights ``(b, n)``.

    The same estimates as :func:`_fit_logit` on each resample (maximum likelihood,
    ``AME_j = β_j Σ v p(1-p) / Σ v`` with ``v`` = counts x survey weights), fitted for the
    whole batch at once: the Hessians of a Newton step are one product of ``v p(1-p)`` with
    the per-row products of the model matrix. Rows of NaN mark failed resamples (a group
    empty, no convergence, a singular Hessian).
    """
    promoter, detractor = _logit_groups(design)
    X1 = np.column_stack([np.ones(design.n), design.X])
    upper = np.triu_indices(X1.shape[1])
    pairs = X1[:, upper[0]] * X1[:, upper[1]] if design.n * len(upper[0]) <= _BASIS_CACHE else None
    with np.errstate(over="ignore", invalid="ignore"):  # separated resamples diverge
        ame_p = _logit_batch_ame(promoter, X1, weights, upper, pairs)
        ame_d = _logit_batch_ame(detractor, X1, weights, upper, pairs)
    importance = (np.abs(ame_p) + np.abs(ame_d)) / 2
    return importance, _share_abs(importance)


def _logit_batch_ame(
    target: np.ndarray,
    X1: np.ndarray,
    weights: np.ndarray,
    upper: tuple[np.ndarray, np.ndarray],
    pairs: np.ndarray | None,
) -> np.ndarray:
    b, k = weights.shape[0], X1.shape[1]
    total = weights.sum(axis=1)
    share = (weights @ target) / total
    ok = (share > 0) & (share < 1)
    beta = np.zeros((b, k))
    beta[ok, 0] = np.log(share[ok] / (1 - share[ok]))  # start at the intercept-only fit
    converged = np.zeros(b, dtype=bool)
    for _ in range(_LOGIT_MAX_ITER):
        prob = 1 / (1 + np.exp(-(beta @ X1.T)))
        dens = weights * prob * (1 - prob)
        grad = (weights * (target - prob)) @ X1
        hess = np.empty((b, k, k))
        if pairs is not None:
            hess[:, upper[0], upper[1]] = dens @ pairs
            hess[:, upper[1], upper[0]] = hess[:, upper[0], upper[1]]
        else:
            for r in range(b):
                hess[r] = X1.T @ (X1 * dens[r, :, None])
        step = np.zeros((b, k))
        active = ok & ~converged
        try:
            step[active] = np.linalg.solve(hess[active], grad[active, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            for r in np.flatnonzero(active):
                try:
                    step[r] = np.linalg.solve(hess[r], grad[r])
                except np.linalg.LinAlgError:
                    ok[r] = False
        beta += step
        converged |= ok & (np.abs(step).max(axis=1) < _LOGIT_TOL)
        if converged[ok].all():
            break
    prob = 1 / (1 + np.exp(-(beta @ X1.T)))
    mean_dens = (weights * prob * (1 - prob)).sum(axis=1) / total
    ame = beta[:, 1:] * mean_dens[:, None]
    ame[~(ok & converged & np.isfinite(ame).all(axis=1))] = np.nan
    return ame


def _sampled_shapley_draws(
    design: _Design, corrs: np.ndarray, corr: np.ndarray | None, point: np.ndarray | None, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    from drivers.stats._shapley import shapley_orders  # only this route needs it

    if corr is None or point is None:
        raise ValueError("the sampled-order Shapley bootstrap needs the point matrix and values")
    orders_rng = np.random.default_rng([seed, design.p])  # apart from the resample stream
    groups = design.groups or [[j] for j in range(design.p)]
    # orders of the groups, each group's columns entering together: the mean gain of a
    # group over such orders is its grouped Shapley value
    orders = np.stack(
        [
            np.concatenate([groups[g] for g in orders_rng.permutation(len(groups))])
            for _ in range(BOOTSTRAP_ORDERS)
        ]
    )
    by_column = shapley_orders(np.concatenate([corr[None], corrs]), orders)
    sampled = np.stack([by_column[:, g].sum(axis=1) for g in groups], axis=1)
    draws = point + (sampled[1:] - sampled[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = draws / sampled[1:].sum(axis=1, keepdims=True)
    return draws, share


def _route_note(method: str, B: int, poisson: bool, sampled: bool) -> str:
    weights = (
        f"{B} Poisson(1)-weight resamples (n ≥ {POISSON_MIN_ROWS:,}: independent counts per "
        "row instead of multinomial, the same bootstrap for large n)"
        if poisson
        else f"{B} multinomial resamples"
    )
    if sampled:
        how = (
            f"exact Shapley point estimate; per resample its change estimated from "
            f"{BOOTSTRAP_ORDERS} random driver orders shared by all resamples (more than "
            f"{EXACT_BOOTSTRAP_MAX_DRIVERS} drivers: exact 2^p per resample is too slow)"
        )
    elif method == "shapley":
        how = "exact Shapley on each resample's weighted correlation matrix"
    else:
        how = f"{method} on each resample's weighted correlation matrix"
    return f"bootstrap: {weights}; {how}"


def _percentile(draws: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    alpha = (1 - level) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        low, high = np.nanquantile(draws, [alpha, 1 - alpha], axis=0)
    return low, high


# --------------------------------------------------------------------------- entry point


def _check_options(method: str, missing: str, bootstrap: int, seed: int, level: float) -> None:
    check_option("key_drivers", "method", method, METHODS)
    check_option("key_drivers", "missing", missing, MISSING)
    record = _registry.METHODS[method]
    if missing not in record.missing:
        able = ", ".join(repr(k) for k, m in _registry.METHODS.items() if missing in m.missing)
        options = " or ".join(repr(m) for m in record.missing)
        raise ParameterError(
            f"key_drivers: missing={missing!r} works only with the methods {able}; "
            f"method={method!r} accepts missing={options}"
            + (
                " (it fits a model on complete rows: 'listwise' drops incomplete rows, "
                "'impute' uses the mean plus an 'answered' indicator)."
                if missing == "pairwise"
                else "."
            )
        )
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise ParameterError(
            "The 'bootstrap' parameter of key_drivers must be a whole number ≥ 0 (resamples; "
            f"1000 is usual). Got {bootstrap!r} instead."
        )
    if 0 < bootstrap < 20:
        raise ParameterError(
            f"key_drivers: bootstrap={bootstrap} resamples are too few for percentile "
            "intervals (20 at the very least; 1000 is usual); use 0 for none."
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(
            f"The 'seed' parameter of key_drivers must be an integer. Got {seed!r} instead."
        )
    if not isinstance(level, float | int) or not 0 < level < 1:
        raise ParameterError(
            f"The 'level' parameter of key_drivers must be between 0 and 1 (e.g. 0.95). "
            f"Got {level!r} instead."
        )


def key_drivers(
    data: Any,
    *,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    method: Method = "shapley",
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    missing: Missing = None,
    bootstrap: int = 0,
    seed: int = 0,
    level: float = 0.95,
    progress: bool = True,
    labels: Mapping[str, str] | None = None,
    thresholds: tuple[float, float] | None = None,
    dummy_below: float = DUMMY_BELOW,
    cutoffs: Any = None,
) -> DriverResult:
    r"""How much each driver (touchpoint grade) drives the outcome (likelihood to recommend).

    Parameters
    ----------
    data : DataFrame or Survey
        One row per respondent. A :class:`drivers.load.survey.Survey` supplies defaults:
        ``outcome`` = ``spec.nps``, ``drivers`` = ``spec.touchpoint_keys``, ``weights`` =
        ``spec.weight`` and labels in the spec's language.
    outcome : str
        The 0-10 likelihood-to-recommend column. Required for a DataFrame.
    drivers : list of str
        The grade columns, NaN = not applicable. Required for a DataFrame.
    method : {"shapley", "relative_weights", "beta", "correlation", "logit", "forest", \
"penalty_reward"}
        See Notes.
    weights : str or array-like, optional
        Survey weights: a column name or one value per row (≥ 0). Rows with a missing
        weight are excluded and counted.
    missing : {None, "dummy", "listwise", "pairwise", "impute"}
        Not-applicable grades. ``None`` (default) is ``"dummy"``: a touchpoint answered by
        fewer than ``dummy_below`` (default 80 %, weighted share of the rows with an
        outcome) is a *conditional touchpoint*: its grade is filled with its (weighted)
        mean where not answered and an indicator ``answered`` (1 = graded) is added, and
        grade + indicator are ONE driver: Shapley is computed over groups of columns
        (grouped LMG, from the correlation matrix) and relative weights add up over the
        group, so the touchpoint gets one importance that includes the effect of having
        experienced it. Touchpoints answered by at least ``dummy_below`` are mean-filled
        without an indicator (treated as complete). ``"listwise"`` drops rows with any
        NaN driver.
        ``"pairwise"`` (shapley, relative_weights, correlation only) builds the correlation
        matrix from pairwise-complete rows, repairing a non-positive-semi-definite result
        (eigenvalue clip, with a warning). ``"impute"`` fills the driver's (weighted) mean
        and adds an indicator column ``<driver>_answered`` (1 = graded) for every driver
        that at least 5% of the rows leave unanswered (a handful of "weet niet" is only
        imputed, as in :mod:`drivers.stats.simulate`); grouped as with ``"dummy"``.
        Rows without an outcome are always excluded.
    bootstrap : int
        Number of resamples for percentile intervals (0 = none, 1000 is usual).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same intervals.
    level : float
        Confidence level of the intervals.
    progress : bool
        Show a tqdm progress bar during the bootstrap.
    labels : mapping, optional
        Display label per driver (overrides the spec's).
    thresholds : (float, float), optional
        ``penalty_reward`` only: grades ≤ ``low`` are "low", grades ≥ ``high`` "high".
        Default from the grade scale (spec or 1-10): ``low = lo + 4/9·(hi - lo)``,
        ``high = lo + 8/9·(hi - lo)``, i.e. ≤ 5 and ≥ 9 on 1-10.
    dummy_below : float
        ``missing="dummy"``: touchpoints answered by fewer than this share get the
        "answered" indicator (0..1, default 0.8; 1.0 gives every incomplete touchpoint one).
    cutoffs : Cutoffs, optional
        ``logit`` only: where promoters begin and detractors end (default 9-10 and 0-6;
        see :class:`drivers.stats.nps.Cutoffs`).

    Returns
    -------
    DriverResult
        ``table``: one row per touchpoint. Always: ``driver``, ``label``, ``indicator``
        (always False: indicators are folded into their touchpoint; kept for old readers),
        ``importance`` (the magnitude the rank is based on, ≥ 0 except a forest's
        permutation importance; what it is depends on the method, see Notes), ``share``
        (of R² for shapley / relative weights, else of the summed magnitudes), ``rank``
        (1 = most important, 1..p without gaps, ties by input order), ``n`` (respondents
        who answered the touchpoint, among the rows used), ``reach`` (weighted share of the
        rows with an outcome who answered it), ``conditional`` (True when an "answered"
        indicator is grouped with the grade), ``sign`` (+1 / -1: the direction of the
        effect, the method's own signed estimate, or for shapley, relative_weights and
        forest the full-model standardised coefficient), ``negative`` (``sign == -1``: a
        higher grade goes with a *lower* recommendation, a suppressor or a perverse sign;
        read such a driver with care), ``answered_beta`` (conditional touchpoints: the
        standardised coefficient of the indicator, the effect of having experienced the
        touchpoint at an average grade; NaN otherwise). Shapley and relative weights
        also ``r2_part`` (the touchpoint's part of R², = ``importance``, sums to R²);
        relative weights ``se_delta`` (delta-method standard error of ``r2_part``, no
        bootstrap needed; NaN with ``missing="pairwise"``);
        correlation ``r`` (signed Pearson r). With a bootstrap: ``ci_low``, ``ci_high``
        (of ``importance``), ``share_ci_low``, ``share_ci_high``, ``rank_ci_low``,
        ``rank_ci_high``. Per method: ``pearson`` (shapley,
        relative_weights, correlation), ``spearman`` (correlation), ``beta``, ``se``,
        ``p_value`` (beta), ``ame_promoter``, ``se_promoter``, ``p_promoter``,
        ``ame_detractor``, ``se_detractor``, ``p_detractor`` (logit), ``importance_sd``
        (forest, across folds), ``penalty``, ``reward``, ``penalty_p``, ``reward_p``,
        ``n_low``, ``n_high``, ``kano`` (penalty_reward).

    Raises
    ------
    ParameterError
        Unknown option value, or an option that does not fit the method.
    ColumnNotFoundError
        A named column is not in the data (with the closest name).
    AnalysisError
        The data cannot support the method (no variance, no rows left, separation).

    Warns
    -----
    MissingTouchpointWarning
        A driver is answered by fewer than half the respondents (not with
        ``missing="dummy"``, which is made for them; ``diagnostics.notes`` names them).
    CollinearityWarning
        A VIF above 10.
    SmallSampleWarning
        Fewer than 10 rows per driver.

    Notes
    -----
    With ``R`` the (weighted) correlation matrix, ``R²(S) = r_S' R_SS⁻¹ r_S``:

    ``shapley``
        Shapley value regression = LMG = general dominance:
        ``φ_j = Σ_{S ⊆ P∖{j}} |S|!(p-|S|-1)!/p! · (R²(S∪{j}) - R²(S))``, exact over all
        ``2^p`` subsets from the correlation matrix (sweep operator, no refitting). The
        values sum to the full-model R²; ``share = φ_j / R²``. Lindeman, Merenda & Gold
        (1980); Grömping (2006), J. Stat. Software 17(1), relaimpo ``lmg``; Lipovetsky &
        Conklin (2001), Appl. Stoch. Models Bus. Ind. 17.
    ``relative_weights``
        Johnson (2000), Multivariate Behav. Res. 35(1): with ``R_xx = QΛQ'`` and
        ``Λ* = QΛ^{1/2}Q'``, ``β* = Λ*⁻¹ r_xy`` and ``ε_j = Σ_k Λ*_jk² β*_k²``; the
        weights sum to R²; ``share = ε_j / R²``.
    ``beta``
        Standardised (weighted) OLS coefficients, ``statsmodels`` WLS/OLS with HC3 robust
        standard errors. ``importance = |β_j|`` (the sign is in ``beta``),
        ``share = |β_j| / Σ|β|``.
    ``correlation``
        ``importance = |r|`` with ``r`` the weighted Pearson correlation with the outcome
        (in ``r``; its sign in ``sign``); ``share = |r_j| / Σ|r|``; ``spearman`` = weighted
        Pearson of mid-ranks. Classic "derived importance".
    ``logit``
        Two logits: promoter (outcome ≥ 9) vs rest and detractor (≤ 6) vs rest, average
        marginal effects ``AME_j = β_j · mean(p(1-p))`` (statsmodels ``get_margeff``; GLM
        Binomial with ``var_weights`` and sandwich SEs when weighted).
        ``importance = (|AME_promoter| + |AME_detractor|) / 2``: the change in the chance
        of being a promoter or detractor per grade point. ``r2`` = mean McFadden
        pseudo-R². Raises :class:`AnalysisError` when a group is empty or separated.
    ``forest``
        scikit-learn RandomForestRegressor (50 trees, depth ≤ 8, leaves ≥ 5), permutation
        importance (drop in R², 5 repeats) on the held-out fold of a seeded 5-fold KFold,
        averaged.
        ``r2`` = ``diagnostics.cv_r2``, the cross-validated R²; ``share`` = positive part /
        its sum. Breiman (2001), Machine Learning 45.
    ``penalty_reward``
        One (weighted) regression of the outcome on a low dummy (grade ≤ low) and a high
        dummy (grade ≥ high) per driver; n.v.t. is 0 in both. ``penalty`` = coefficient of
        low (usually negative), ``reward`` = coefficient of high;
        ``importance = |reward - penalty|`` (the impact range from a low to a high grade,
        ``|penalty| + reward`` in the usual case; ``sign`` is -1 when it is reversed). Kano class: "basic" when
        ``-penalty > 2·reward``, "excitement" when ``reward > 2·(-penalty)``, else
        "performance" (negative parts count as 0). Brandt (1987), Marketing News;
        Mittal, Ross & Baldasare (1998), J. Marketing 62(1); Matzler & Sauerwein (2002).

    The bootstrap draws multinomial resample counts and multiplies them into the weights.
    For shapley, relative_weights, correlation and beta the correlation matrices of a batch
    of resamples come from one matrix product of the counts with per-row products computed
    once, then the fast core; from 100,000 rows on the counts are independent Poisson(1)
    per row (the Poisson bootstrap, streamed by blocks of rows). Shapley above 18 model
    columns keeps the exact point estimate and takes each resample's change from 512
    random driver orders shared by all resamples (exact 2^p per resample would take hours
    at p = 30); its intervals differ from exact ones by less than the bootstrap's own noise.
    logit refits both models of every resample in one batched Newton-Raphson; forest and
    penalty_reward refit per resample. ``diagnostics.notes`` states the route taken.
    With ``missing="impute"`` or ``"dummy"`` the means are imputed once, before resampling.

    Conditional touchpoints (``missing="dummy"``, ``"impute"``): shapley is computed over
    groups (grade + indicator is one player; ``R²`` of a set of groups is the R² of the
    union of their columns, from the correlation matrix), relative weights are summed per
    group; beta, correlation, logit, forest and penalty_reward report the grade's own
    value (the effect per grade point among those who answered), the indicator's effect
    is in ``answered_beta``. ``r`` and ``pearson`` of a conditional touchpoint are those of
    its mean-filled grade (use ``missing="pairwise"`` for the correlation among those who
    answered).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from drivers.stats.importance import key_drivers
    >>> rng = np.random.default_rng(7)
    >>> grades = rng.integers(1, 11, size=(400, 3)).astype(float)
    >>> df = pd.DataFrame(grades, columns=["service", "price", "web"])
    >>> noise = rng.normal(0, 1, 400)
    >>> df["ltr"] = (0.6 * df.service + 0.3 * df.price + noise).clip(0, 10).round()
    >>> res = key_drivers(df, outcome="ltr", drivers=["service", "price", "web"])
    >>> res.table["driver"].tolist()
    ['service', 'price', 'web']
    >>> bool(np.isclose(res.table["importance"].sum(), res.r2))
    True
    >>> round(res.r2, 2)
    0.8...
    """
    missing = "dummy" if missing is None else missing
    _check_options(method, missing, bootstrap, seed, level)
    _check_dummy_below(dummy_below)
    design = _prepare(data, outcome, drivers, weights, missing, labels, thresholds, dummy_below)
    if cutoffs is not None:
        design.cutoffs = _nps_cutoffs(cutoffs, "key_drivers")
    if design.weighted and not _registry.METHODS[method].weights:
        raise ParameterError(
            f"key_drivers: method={method!r} does not support survey weights; leave "
            "weights= out (and the spec's weight) or choose another method."
        )
    if method == "shapley" and design.p > _MAX_SHAPLEY_DRIVERS:
        raise ParameterError(
            f"key_drivers: exact Shapley over {design.p} drivers needs 2^{design.p} subsets; "
            f"the limit is {_MAX_SHAPLEY_DRIVERS}. Use method='relative_weights' (close to "
            "Shapley, instant) or group drivers."
        )
    if method == "shapley" and design.grouped and design.p > GROUP_MAX_COLUMNS:
        raise ParameterError(
            f"key_drivers: grouped Shapley over {design.p} model columns (drivers plus "
            f"'answered' indicators) needs 2^{design.p} subsets; the limit is "
            f"{GROUP_MAX_COLUMNS}. Use method='relative_weights', fewer drivers, or a lower "
            "dummy_below= (fewer indicators)."
        )
    if method == "logit":
        _logit_groups(design)  # a clear message before any "no variance" one
    corr = _point_corr(design)
    fitter = _FITTERS[method]
    fit = fitter(design, corr, seed=seed) if method == "forest" else fitter(design, corr)
    diagnostics = _diagnostics(design, corr, fit)

    p = len(design.drivers)
    importance = _fold(design, method, fit.importance[None])[0]
    signed = _signed(design, method, fit, corr)
    full_beta = _full_beta(corr)
    draws = None
    table = pd.DataFrame(
        {
            "driver": design.drivers,
            "label": design.labels[:p],
            "indicator": False,
            "importance": importance,
            "share": _fold_share(method, importance[None])[0],
        }
    )
    table["rank"] = _table_ranks(importance)
    table["n"] = design.n_col[:p].astype(int)
    table["reach"] = design.reach
    table["conditional"] = [len(g) > 1 for g in design.groups]
    table["sign"] = np.where(signed < 0, -1, 1).astype(int)
    table["negative"] = signed < 0
    if method in ("shapley", "relative_weights"):
        table["r2_part"] = importance
    if method == "relative_weights":
        table["se_delta"] = _relative_weights_se(design)
    elif method == "correlation":
        table["r"] = fit.extra["pearson"][:p]
    table["answered_beta"] = [
        float(full_beta[g[1]]) if len(g) > 1 else np.nan for g in design.groups
    ]
    if bootstrap:
        draws, share_draws, failed, route = _bootstrap(
            design, method, int(bootstrap), seed, progress, corr=corr, point=importance
        )
        diagnostics = _replace(diagnostics, notes=diagnostics.notes + route)
        if failed == bootstrap:
            raise AnalysisError(
                f"key_drivers: the {method} model failed in every bootstrap resample; the "
                "data are too thin for this method. Try method='shapley'."
            )
        table["ci_low"], table["ci_high"] = _percentile(draws, level)
        table["share_ci_low"], table["share_ci_high"] = _percentile(share_draws, level)
        ok = ~np.isnan(draws).any(axis=1)
        ranks = _ordinal_ranks(draws[ok])
        alpha = (1 - level) / 2
        table["rank_ci_low"] = np.quantile(ranks, alpha, axis=0, method="lower").astype(int)
        table["rank_ci_high"] = np.quantile(ranks, 1 - alpha, axis=0, method="higher").astype(int)
        if failed:
            diagnostics = _replace(diagnostics, failed_resamples=failed)
    for name, values in fit.extra.items():
        if values is not None and name not in table:
            table[name] = values[:p]
    table = table.sort_values(["rank"], kind="stable").reset_index(drop=True)
    return DriverResult(
        table=table,
        r2=float(fit.r2),
        n=design.n,
        method=method,
        outcome=design.outcome,
        diagnostics=diagnostics,
        draws=draws,
        columns=tuple(design.drivers),
        level=float(level),
        missing=missing,
        weighted=design.weighted,
        seed=int(seed),
    )


def _check_dummy_below(dummy_below: float) -> None:
    if (
        isinstance(dummy_below, bool)
        or not isinstance(dummy_below, float | int)
        or not 0 <= dummy_below <= 1
    ):
        raise ParameterError(
            "The 'dummy_below' parameter of key_drivers must be a share from 0 to 1 (e.g. "
            f"0.8). Got {dummy_below!r} instead."
        )


def _table_ranks(importance: np.ndarray) -> np.ndarray:
    """Ranks 1..p by magnitude (1 = largest), ties by driver order, NaN last: no gaps."""
    key = np.where(np.isnan(importance), -np.inf, importance)
    return _ordinal_ranks(key[None])[0].astype(int)


def _fold(design: _Design, method: str, values: np.ndarray) -> np.ndarray:
    """Model-column values ``(B, q)`` to one magnitude per driver ``(B, p)``.

    Grouped Shapley already has one value per driver. Relative weights add up over a
    driver's group (grade + "answered" indicator), as they add up to R². The other methods
    keep the grade's own value (the effect per grade point among those who answered);
    correlation and penalty-reward become magnitudes (their sign goes to ``sign``).
    """
    p = len(design.drivers)
    if values.shape[1] == p:
        out = values
    elif method == "relative_weights":
        out = np.stack([values[:, g].sum(axis=1) for g in design.groups], axis=1)
    else:
        out = values[:, :p]
    if method in ("correlation", "penalty_reward"):
        out = np.abs(out)
    return out


def _fold_share(method: str, importance: np.ndarray) -> np.ndarray:
    return _share_positive(importance) if method == "forest" else _share_abs(importance)


def _full_beta(corr: np.ndarray) -> np.ndarray:
    """Standardised coefficients of the linear model with every model column."""
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    return np.linalg.pinv(rxx, hermitian=True) @ rxy


def _signed(design: _Design, method: str, fit: _Fit, corr: np.ndarray) -> np.ndarray:
    """The direction of each driver's effect (its grade column): a signed estimate."""
    p = len(design.drivers)
    if method == "beta":
        return np.asarray(fit.extra["beta"][:p], dtype=float)
    if method == "correlation":
        return np.asarray(fit.extra["pearson"][:p], dtype=float)
    if method == "logit":
        return np.asarray(fit.extra["ame_promoter"][:p] - fit.extra["ame_detractor"][:p])
    if method == "penalty_reward":
        return np.asarray(fit.importance[:p], dtype=float)
    return _full_beta(corr)[:p]


def _replace(diagnostics: Diagnostics, **changes: Any) -> Diagnostics:
    from dataclasses import replace

    return replace(diagnostics, **changes)


# --------------------------------------------------------------------------- comparison


def compare_drivers(
    results: Sequence[DriverResult], *, names: Sequence[str] | None = None
) -> pd.DataFrame:
    """Two or more key-driver results side by side (e.g. two waves).

    Parameters
    ----------
    results : sequence of DriverResult
        At least two, all from the same method.
    names : sequence of str, optional
        One unique name per result (default "1", "2", ...), used as column suffixes.

    Returns
    -------
    DataFrame
        One row per driver (union, in the first result's rank order, then new drivers):
        ``driver``, ``label``, then per name ``importance_<name>``, ``share_<name>``,
        ``rank_<name>``, then ``change`` = importance in the last result minus the first
        and ``change_share``; when both have bootstrap draws also ``change_ci_low`` and
        ``change_ci_high``: percentiles of the differences of the two (independent) sets of
        draws, paired by draw number, at the last result's level.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from drivers.stats.importance import key_drivers, compare_drivers
    >>> rng = np.random.default_rng(3)
    >>> def wave(n):
    ...     df = pd.DataFrame(rng.integers(1, 11, (n, 2)).astype(float), columns=["a", "b"])
    ...     df["ltr"] = (0.5 * df.a + 0.2 * df.b + rng.normal(0, 1, n)).clip(0, 10)
    ...     return key_drivers(df, outcome="ltr", drivers=["a", "b"])
    >>> table = compare_drivers([wave(300), wave(300)], names=["2023", "2024"])
    >>> table.columns.tolist()[:5]
    ['driver', 'label', 'importance_2023', 'share_2023', 'rank_2023']
    """
    results = list(results) if isinstance(results, Iterable) else []
    if len(results) < 2 or not all(isinstance(r, DriverResult) for r in results):
        raise ParameterError(
            "compare_drivers needs a list of at least two DriverResult objects (from key_drivers)."
        )
    methods = {r.method for r in results}
    if len(methods) > 1:
        raise ParameterError(
            f"compare_drivers: the results use different methods ({sorted(methods)}); "
            "importances are only comparable within one method."
        )
    names = [str(i + 1) for i in range(len(results))] if names is None else [str(n) for n in names]
    if len(names) != len(results) or len(set(names)) != len(names):
        raise ParameterError(
            f"compare_drivers: names must be {len(results)} unique names, one per result. "
            f"Got {names!r}."
        )
    order: list[str] = []
    labels: dict[str, str] = {}
    for result in results:
        for driver, label in zip(result.table["driver"], result.table["label"], strict=True):
            if driver not in labels:
                order.append(driver)
                labels[driver] = label
    out = pd.DataFrame({"driver": order, "label": [labels[d] for d in order]})
    for name, result in zip(names, results, strict=True):
        part = result.table.set_index("driver")
        out[f"importance_{name}"] = part["importance"].reindex(order).to_numpy()
        out[f"share_{name}"] = part["share"].reindex(order).to_numpy()
        out[f"rank_{name}"] = part["rank"].reindex(order).astype("Int64").to_numpy()
    first, last = results[0], results[-1]
    out["change"] = out[f"importance_{names[-1]}"] - out[f"importance_{names[0]}"]
    out["change_share"] = out[f"share_{names[-1]}"] - out[f"share_{names[0]}"]
    if first.draws is not None and last.draws is not None:
        B = min(first.bootstrap, last.bootstrap)
        low, high = np.full(len(order), np.nan), np.full(len(order), np.nan)
        for i, driver in enumerate(order):
            if driver in first.columns and driver in last.columns:
                diff = (
                    last.draws[:B, last.columns.index(driver)]
                    - first.draws[:B, first.columns.index(driver)]
                )
                (low[i],), (high[i],) = _percentile(diff[:, None], last.level)
        out["change_ci_low"], out["change_ci_high"] = low, high
    return out

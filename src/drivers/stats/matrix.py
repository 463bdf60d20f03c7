"""Priority matrix: importance × performance, with quadrants and their uncertainty.

Each touchpoint is placed by its importance for likelihood-to-recommend (y, from any
key-driver method) and its performance (x: mean grade or top-box share). Two lines split
the plane into four quadrants:

============  ======================  =====================
quadrant      importance              performance
============  ======================  =====================
``improve``   high (≥ the y line)     low (< the x line)
``maintain``  high (≥ the y line)     high (≥ the x line)
``monitor``   low (< the y line)      low (< the x line)
``overkill``  low (< the y line)      high (≥ the x line)
============  ======================  =====================

**Ties.** A point exactly *on* a line counts as important (y) or as scoring high (x):
``importance >= y_line`` and ``performance >= x_line``, compared with a tolerance of
1e-9 times the scale of the axis so that round-off in a mean never decides a quadrant.

**Uncertainty.** When the driver result carries bootstrap draws, every draw places the
touchpoints again: the y line is recomputed per draw when it is the mean or median of the
importances, and when the performance table has confidence intervals the performances are
perturbed too (independent normal draws with the standard error implied by the interval;
the x line is recomputed when it is a mean or median). The share of draws in which a
touchpoint lands in each quadrant gives ``p_improve``, ``p_maintain``, ``p_monitor`` and
``p_overkill``, which sum to 1 per touchpoint.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from drivers.errors import (
    AnalysisError,
    ColumnNotFoundError,
    ParameterError,
    SmallBaseWarning,
    check_option,
    closest,
)
from drivers.present._format import LANGUAGES, text
from drivers.stats._summary import Summarised, SummaryParts, read_only

__all__ = [
    "QUADRANTS",
    "QUADRANT_LABELS",
    "PriorityMatrix",
    "priority_matrix",
    "quadrant_label",
]

QUADRANTS: tuple[str, ...] = ("improve", "maintain", "monitor", "overkill")

#: Display labels of the quadrants (from the one translation table, ``drivers.present._format``).
QUADRANT_LABELS: Mapping[str, Mapping[str, str]] = {
    q: {lang: text(q, lang) for lang in LANGUAGES} for q in QUADRANTS
}

_AXIS_KEYS = {"mean": "performance_axis", "top_box": "performance_share_axis"}

_LINE_WORDS: Mapping[str, Mapping[str, str]] = {
    "mean": {"nl": "gemiddelde", "en": "mean"},
    "median": {"nl": "mediaan", "en": "median"},
    "value": {"nl": "opgegeven waarde", "en": "given value"},
}

_LANGS = LANGUAGES
_TOLERANCE = 1e-9
_DEFAULT_PERFORMANCE_LEVEL = 0.95

LineSpec = Literal["mean", "median"] | float


def quadrant_label(quadrant: str, lang: str = "nl") -> str:
    """Display label of a quadrant key.

    Parameters
    ----------
    quadrant : {"improve", "maintain", "monitor", "overkill"}
    lang : {"nl", "en"}

    Examples
    --------
    >>> quadrant_label("improve", "nl")
    'Eerst verbeteren'
    >>> quadrant_label("overkill", "en")
    'Possible overkill'
    """
    check_option("quadrant_label", "quadrant", quadrant, QUADRANTS)
    check_option("quadrant_label", "lang", lang, _LANGS)
    return QUADRANT_LABELS[quadrant][lang]


@read_only("table")
@dataclass(frozen=True, eq=False, repr=False)
class PriorityMatrix(Summarised):
    """Touchpoints placed by importance and performance; made by :func:`priority_matrix`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per touchpoint, sorted by importance (highest first): ``touchpoint``,
        ``label``, ``importance``, ``performance``, ``quadrant`` (key), ``quadrant_label``;
        ``importance_ci_low`` / ``importance_ci_high`` when the driver result has them;
        ``performance_ci_low`` / ``performance_ci_high`` when the performance has them;
        ``p_improve``, ``p_maintain``, ``p_monitor``, ``p_overkill`` when the driver
        result has bootstrap draws (they sum to 1 per row).
    x_line, y_line : float
        Where the performance (x) and importance (y) axes are split.
    x : {"mean", "top_box"}
        What the performance axis shows.
    lang : {"nl", "en"}
        Language of ``label`` and ``quadrant_label``.
    method : str
        The key-driver method behind the importances.
    lines : tuple
        How the lines were set, per axis (x, y): "mean", "median" or "value".
    n_draws : int
        Number of bootstrap draws behind the quadrant probabilities (0 if none).
    n : int or None
        Respondents behind the driver analysis.
    wave : str or None
        Name of the wave the matrix describes (shown by :func:`drivers.present.charts.matrix_movement`).
    """

    table: pd.DataFrame
    x_line: float
    y_line: float
    x: str
    lang: str
    method: str
    lines: tuple[str, str] = ("mean", "mean")
    n_draws: int = 0
    n: int | None = None
    wave: str | None = None
    _labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)

    @property
    def has_probabilities(self) -> bool:
        """True when the table carries quadrant probabilities."""
        return "p_improve" in self.table.columns

    def touchpoints(self, quadrant: str) -> list[str]:
        """Touchpoint keys in a quadrant, most important first.

        Parameters
        ----------
        quadrant : {"improve", "maintain", "monitor", "overkill"}
        """
        check_option("PriorityMatrix.touchpoints", "quadrant", quadrant, QUADRANTS)
        rows = self.table[self.table["quadrant"] == quadrant]
        return rows["touchpoint"].tolist()

    def axis_label(self, axis: str, lang: str | None = None) -> str:
        """Title of the x or y axis in ``lang`` (default: the matrix language)."""
        check_option("PriorityMatrix.axis_label", "axis", axis, ("x", "y"))
        lang = self.lang if lang is None else lang
        check_option("PriorityMatrix.axis_label", "lang", lang, _LANGS)
        return text(_AXIS_KEYS[self.x] if axis == "x" else "importance_axis", lang)

    def relabel(self, lang: str) -> PriorityMatrix:
        """The same matrix with touchpoint and quadrant labels in ``lang``.

        Touchpoint labels switch language when the matrix was built with ``survey=``
        (or from a performance table in that language); otherwise they stay as they are.
        """
        check_option("PriorityMatrix.relabel", "lang", lang, _LANGS)
        if lang == self.lang:
            return self
        table = self.table.copy()
        labels = self._labels.get(lang, {})
        table["label"] = [
            labels.get(k, old) for k, old in zip(table["touchpoint"], table["label"], strict=True)
        ]
        table["quadrant_label"] = [QUADRANT_LABELS[q][lang] for q in table["quadrant"]]
        return replace(self, table=table, lang=lang)

    _repr_fields = ("method", "x", "x_line", "y_line", "n_draws", "n", "wave")

    def _summary_parts(self) -> SummaryParts:
        words = {"nl": ("Prioriteitenmatrix", "lijn"), "en": ("Priority matrix", "line")}
        title, line_word = words[self.lang]
        x_how = _LINE_WORDS[self.lines[0]][self.lang]
        y_how = _LINE_WORDS[self.lines[1]][self.lang]
        head = [
            f"{title} ({self.method}, x = {self.x})",
            f"x {line_word}: {self.x_line:.4g} ({x_how});  y {line_word}: {self.y_line:.4g} ({y_how})",
        ]
        if self.n_draws:
            head.append(f"bootstrap draws: {self.n_draws}")
        table = self.table
        columns = ["label", "importance", "performance", "quadrant_label"]
        columns += [f"p_{q}" for q in QUADRANTS if f"p_{q}" in table.columns]
        return SummaryParts(header=head, tables=[table[columns]], float_format=lambda v: f"{v:.3f}")

    def plot(self, ax: Any = None, lang: str | None = None) -> Any:
        """Draw the matrix with :func:`drivers.present.charts.priority_matrix`; returns the Axes."""
        from drivers.present import charts  # lazy: matplotlib is heavy and optional here

        lang = self.lang if lang is None else lang
        return charts.priority_matrix(self.relabel(lang), ax=ax, lang=lang)


# --------------------------------------------------------------------------- building


def priority_matrix(
    drivers_result: Any,
    performance: pd.DataFrame | pd.Series | Mapping[str, float] | None = None,
    *,
    x: str = "mean",
    lines: str | tuple | Mapping[str, Any] = "mean",
    survey: Any = None,
    lang: str | None = None,
    performance_uncertainty: bool = True,
    seed: int = 0,
    wave: str | None = None,
) -> PriorityMatrix:
    """Sort touchpoints into improve first / maintain / monitor / possible overkill.

    Parameters
    ----------
    drivers_result : DriverResult
        From :func:`drivers.key_drivers` (any method). Its ``table`` gives the importance
        (y); its bootstrap ``draws``, when present, give the quadrant probabilities.
        "Answered" indicator rows (``missing="impute"``) are left out: they are not
        touchpoints, and the lines are computed over the touchpoints only.
    performance : DataFrame, Series, dict or None
        A :func:`drivers.stats.nps.touchpoint_performance` table (columns ``touchpoint`` and
        ``x``, optionally ``ci_low`` / ``ci_high`` / ``n`` / ``label``), or a Series or
        dict touchpoint → value. ``None`` with ``survey=`` computes the table.
    x : {"mean", "top_box"}
        The performance measure on the x axis: mean grade, or share of grades of 8 or more.
    lines : "mean", "median", tuple or dict
        Where the axes are split. A string applies to both axes (mean or median of the
        plotted values). A tuple ``(x_value, y_value)`` or dict ``{"x": ..., "y": ...}``
        sets each axis separately; each entry is "mean", "median" or a number (e.g. a
        benchmark grade on x). A missing dict entry means "mean".
    survey : Survey, optional
        Used to compute the performance when it is not given, and for labels in NL and EN.
    lang : {"nl", "en"}, optional
        Label language. Default: the survey's language, else "nl".
    performance_uncertainty : bool, default True
        Also perturb the performance in each bootstrap draw when it has a CI (see the
        module notes). The normal approximation assumes a 95% interval for ``mean``;
        for ``top_box`` the standard error is ``sqrt(p (1 - p) / n)``.
    seed : int, default 0
        Seed of the performance perturbation (the importance draws come as they are).
    wave : str, optional
        Name of the wave, kept as ``.wave``. Default: the survey's wave when it holds
        exactly one.

    Returns
    -------
    PriorityMatrix

    Raises
    ------
    ParameterError
        Unknown option, or neither ``performance`` nor ``survey`` given.
    ColumnNotFoundError
        A driver has no performance value, or the performance table lacks column ``x``.

    Notes
    -----
    A point on a line counts as important / high: ``importance >= y_line`` and
    ``performance >= x_line`` (with a relative tolerance of 1e-9).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> res = SimpleNamespace(
    ...     table=pd.DataFrame({"driver": ["a", "b", "c", "d"], "label": list("ABCD"),
    ...                         "importance": [0.30, 0.20, 0.05, 0.05]}),
    ...     draws=None, method="shapley", n=200)
    >>> m = priority_matrix(res, {"a": 6.6, "b": 8.1, "c": 6.0, "d": 8.4}, lines=(7.2, "mean"))
    >>> m.table[["touchpoint", "quadrant"]].to_dict("list")
    {'touchpoint': ['a', 'b', 'c', 'd'], 'quadrant': ['improve', 'maintain', 'monitor', 'overkill']}
    """
    func = "priority_matrix"
    check_option(func, "x", x, ("mean", "top_box"))
    x_spec, y_spec = _parse_lines(lines)
    if lang is None:
        lang = getattr(getattr(survey, "spec", None), "language", None) or "nl"
    check_option(func, "lang", lang, _LANGS)

    drv = _driver_table(drivers_result)
    perf = _performance_table(performance, survey=survey, x=x)

    keys = drv["driver"].tolist()
    missing = [k for k in keys if k not in perf.index]
    if missing:
        hints = [f"{k!r} (did you mean {closest(k, perf.index)!r}?)" for k in missing]
        raise ColumnNotFoundError(
            f"priority_matrix: no performance value for driver(s) {', '.join(hints)}. "
            f"The performance covers {list(perf.index)}; give a value for every driver."
        )

    # a touchpoint without a performance value (suppressed: too few answers) cannot be placed
    unplaced = [k for k in keys if not np.isfinite(perf.loc[k, "value"])]
    if unplaced:
        warnings.warn(
            f"priority_matrix: {unplaced} have no performance value (too few answers, "
            "suppressed) and are left out of the matrix.",
            SmallBaseWarning,
            stacklevel=2,
        )
        keys = [k for k in keys if k not in unplaced]
        drv = drv[drv["driver"].isin(keys)].reset_index(drop=True)
        if not keys:
            raise AnalysisError("priority_matrix: no touchpoint has a performance value.")

    importance = drv["importance"].to_numpy(float)
    perf = perf.loc[keys]
    performance_values = perf["value"].to_numpy(float)
    if not np.all(np.isfinite(importance)) or not np.all(np.isfinite(performance_values)):
        bad = [
            k
            for k, i, p in zip(keys, importance, performance_values, strict=True)
            if not np.isfinite(i + p)
        ]
        raise AnalysisError(
            f"priority_matrix: importance or performance is missing (NaN) for {bad}; "
            "every touchpoint in the matrix needs both."
        )

    x_line = _line(performance_values, x_spec)
    y_line = _line(importance, y_spec)
    quadrant = _quadrants(importance, performance_values, x_line, y_line)

    labels = _collect_labels(keys, drv, perf, survey)
    table = pd.DataFrame(
        {
            "touchpoint": keys,
            "label": [labels.get(lang, {}).get(k, k) for k in keys],
            "importance": importance,
            "performance": performance_values,
            "quadrant": quadrant,
            "quadrant_label": [QUADRANT_LABELS[q][lang] for q in quadrant],
        }
    )
    if {"ci_low", "ci_high"} <= set(drv.columns):
        table["importance_ci_low"] = drv["ci_low"].to_numpy(float)
        table["importance_ci_high"] = drv["ci_high"].to_numpy(float)
    if "se" in perf.columns:
        z = stats.norm.ppf(0.5 + _DEFAULT_PERFORMANCE_LEVEL / 2)
        table["performance_ci_low"] = performance_values - z * perf["se"].to_numpy(float)
        table["performance_ci_high"] = performance_values + z * perf["se"].to_numpy(float)
        if x == "mean" and {"ci_low", "ci_high"} <= set(perf.columns):
            table["performance_ci_low"] = perf["ci_low"].to_numpy(float)
            table["performance_ci_high"] = perf["ci_high"].to_numpy(float)

    draws = _importance_draws(drivers_result, keys)
    n_draws = 0
    if draws is not None:
        se = (
            perf["se"].to_numpy(float) if "se" in perf.columns and performance_uncertainty else None
        )
        probabilities = _quadrant_probabilities(
            draws, performance_values, se, x_spec, y_spec, np.random.default_rng(seed)
        )
        n_draws = int(probabilities.pop("n_draws"))
        for q in QUADRANTS:
            table[f"p_{q}"] = probabilities[q]

    table = table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    return PriorityMatrix(
        table=table,
        x_line=float(x_line),
        y_line=float(y_line),
        x=x,
        lang=lang,
        method=str(getattr(drivers_result, "method", "unknown")),
        lines=(_how(x_spec), _how(y_spec)),
        n_draws=n_draws,
        n=_as_int(getattr(drivers_result, "n", None)),
        wave=_wave_name(wave, survey),
        _labels=labels,
    )


# --------------------------------------------------------------------------- helpers


def _as_int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _wave_name(wave: Any, survey: Any) -> str | None:
    if wave is not None:
        return str(wave)
    try:
        waves = list(getattr(survey, "waves", None) or [])
    except Exception:  # a survey-like object without usable waves: no name
        return None
    return str(waves[0]) if len(waves) == 1 else None


def _how(spec: LineSpec) -> str:
    return spec if isinstance(spec, str) else "value"


def _parse_lines(lines: Any) -> tuple[LineSpec, LineSpec]:
    """Normalise ``lines`` to one spec per axis: "mean", "median" or a float."""
    if isinstance(lines, str):
        check_option("priority_matrix", "lines", lines, ("mean", "median"))
        return lines, lines
    if isinstance(lines, Mapping):
        unknown = set(lines) - {"x", "y"}
        if unknown:
            raise ParameterError(
                f"The 'lines' parameter of priority_matrix takes keys 'x' and 'y'. "
                f"Got {sorted(map(str, unknown))} instead."
            )
        pair = (lines.get("x", "mean"), lines.get("y", "mean"))
    elif isinstance(lines, tuple | list) and len(lines) == 2:
        pair = tuple(lines)
    else:
        raise ParameterError(
            "The 'lines' parameter of priority_matrix must be 'mean', 'median', a tuple "
            f"(x_value, y_value) or a dict {{'x': ..., 'y': ...}}. Got {lines!r} instead."
        )
    out = []
    for axis, spec in zip("xy", pair, strict=True):
        if spec is None:
            spec = "mean"
        if isinstance(spec, str):
            check_option("priority_matrix", f"lines[{axis!r}]", spec, ("mean", "median"))
            out.append(spec)
            continue
        try:
            value = float(spec)
        except (TypeError, ValueError):
            raise ParameterError(
                f"The 'lines' parameter of priority_matrix must give 'mean', 'median' or a "
                f"number for the {axis} axis. Got {spec!r} instead."
            ) from None
        if not np.isfinite(value):
            raise ParameterError(
                f"The 'lines' parameter of priority_matrix needs a finite number for the "
                f"{axis} axis. Got {spec!r} instead."
            )
        out.append(value)
    return out[0], out[1]


def _line(values: np.ndarray, spec: LineSpec, axis: int | None = None) -> Any:
    if spec == "mean":
        return np.mean(values, axis=axis)
    if spec == "median":
        return np.median(values, axis=axis)
    return spec


def _at_least(values: np.ndarray, line: Any) -> np.ndarray:
    """values >= line, with a tolerance relative to the axis scale (ties count as high)."""
    scale = np.maximum(np.max(np.abs(values), axis=-1, keepdims=True), np.abs(line))
    return values >= line - _TOLERANCE * np.maximum(scale, 1e-300)


def _quadrants(importance, performance, x_line, y_line) -> list[str]:
    important = _at_least(np.asarray(importance)[None, :], np.asarray(y_line))[0]
    high = _at_least(np.asarray(performance)[None, :], np.asarray(x_line))[0]
    return [_QUADRANT_OF[(bool(i), bool(h))] for i, h in zip(important, high, strict=True)]


_QUADRANT_OF = {
    (True, False): "improve",
    (True, True): "maintain",
    (False, False): "monitor",
    (False, True): "overkill",
}


def _quadrant_probabilities(draws, performance, se, x_spec, y_spec, rng) -> dict[str, Any]:
    draws = np.asarray(draws, float)
    draws = draws[np.all(np.isfinite(draws), axis=1)]
    if draws.shape[0] == 0:
        raise AnalysisError(
            "priority_matrix: every bootstrap draw of the driver result has missing values; "
            "no quadrant probabilities can be computed."
        )
    n_draws, p = draws.shape
    if se is not None and np.any(se > 0):
        perf = performance[None, :] + rng.standard_normal((n_draws, p)) * np.nan_to_num(se)[None, :]
    else:
        perf = np.broadcast_to(performance, (n_draws, p))
    y_line = _line(draws, y_spec, axis=1)
    x_line = _line(perf, x_spec, axis=1)
    y_line = np.broadcast_to(np.asarray(y_line, float), (n_draws,))[:, None]
    x_line = np.broadcast_to(np.asarray(x_line, float), (n_draws,))[:, None]
    important = _at_least(draws, y_line)
    high = _at_least(perf, x_line)
    return {
        "improve": np.mean(important & ~high, axis=0),
        "maintain": np.mean(important & high, axis=0),
        "monitor": np.mean(~important & ~high, axis=0),
        "overkill": np.mean(~important & high, axis=0),
        "n_draws": n_draws,
    }


def _driver_table(result: Any) -> pd.DataFrame:
    table = getattr(result, "table", None)
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            "The 'drivers_result' parameter of priority_matrix must be a DriverResult "
            f"(from key_drivers) with a .table DataFrame. Got {type(result).__name__} instead."
        )
    for column in ("driver", "importance"):
        if column not in table.columns:
            raise ColumnNotFoundError(
                f"priority_matrix: the driver table has no column {column!r}; "
                f"it has {list(table.columns)}."
            )
    if "indicator" in table.columns:  # "<touchpoint>_answered" rows are not touchpoints
        table = table[~table["indicator"].astype(bool)]
    if table.empty:
        raise AnalysisError("priority_matrix: the driver result has no drivers.")
    return table.reset_index(drop=True)


def _driver_order(result: Any, table: pd.DataFrame) -> list[str]:
    """Order of the columns of ``result.draws``."""
    for name in ("columns", "drivers"):  # DriverResult.columns is the order of its draws
        order = getattr(result, name, None)
        if order is not None and not callable(order) and len(order):
            return [str(d) for d in order]
    return table["driver"].astype(str).tolist()


def _importance_draws(result: Any, keys: list[str]) -> np.ndarray | None:
    draws = getattr(result, "draws", None)
    if draws is None:
        return None
    if isinstance(draws, pd.DataFrame):
        missing = [k for k in keys if k not in draws.columns]
        if not missing:
            return draws[keys].to_numpy(float)
        draws = draws.to_numpy(float)
    draws = np.asarray(draws, float)
    if draws.ndim != 2 or draws.shape[0] == 0:
        return None
    order = _driver_order(result, result.table)
    if draws.shape[1] != len(order):
        raise AnalysisError(
            f"priority_matrix: the driver result has {draws.shape[1]} columns of bootstrap "
            f"draws but {len(order)} drivers; cannot match draws to touchpoints."
        )
    position = {k: i for i, k in enumerate(order)}
    return draws[:, [position[k] for k in keys]]


def _performance_table(performance: Any, *, survey: Any, x: str) -> pd.DataFrame:
    """Index touchpoint; columns ``value``, optional ``se``, ``ci_low``, ``ci_high``, ``label``."""
    if performance is None:
        if survey is None:
            raise ParameterError(
                "priority_matrix needs the performance: pass a touchpoint_performance "
                "table, a Series or dict touchpoint -> value, or survey=."
            )
        from drivers.stats.nps import touchpoint_performance

        performance = touchpoint_performance(survey)
    if isinstance(performance, Mapping):
        performance = pd.Series(dict(performance), dtype=float)
    if isinstance(performance, pd.Series):
        out = pd.DataFrame({"value": performance.astype(float)})
        out.index = out.index.astype(str)
        return out
    if not isinstance(performance, pd.DataFrame):
        raise ParameterError(
            "The 'performance' parameter of priority_matrix must be a DataFrame, Series, "
            f"dict or None. Got {type(performance).__name__} instead."
        )
    frame = performance
    if "touchpoint" in frame.columns:
        frame = frame.set_index("touchpoint")
    if x not in frame.columns:
        raise ColumnNotFoundError(
            f"priority_matrix: the performance table has no column {x!r} (x={x!r}); "
            f"it has {list(frame.columns)}."
        )
    out = pd.DataFrame({"value": frame[x].astype(float)}, index=frame.index.astype(str))
    if "label" in frame.columns:
        out["label"] = frame["label"].to_numpy(dtype=object)  # NaN stays "no label"
    z = stats.norm.ppf(0.5 + _DEFAULT_PERFORMANCE_LEVEL / 2)
    if x == "mean" and {"ci_low", "ci_high"} <= set(frame.columns):
        out["ci_low"] = frame["ci_low"].astype(float).to_numpy()
        out["ci_high"] = frame["ci_high"].astype(float).to_numpy()
        out["se"] = (out["ci_high"] - out["ci_low"]) / (2 * z)
    elif x == "top_box" and "n" in frame.columns:
        share = out["value"].clip(0, 1)
        n = frame["n"].astype(float).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            out["se"] = np.sqrt(share * (1 - share) / n)
    if "se" in out.columns:
        out["se"] = out["se"].fillna(0.0).clip(lower=0.0)
    return out


def _real_label(value: Any, key: str) -> str | None:
    """``value`` as a display label, or None when it is none: missing, empty or the key."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    label = str(value).strip()
    return label if label and label != key else None


def _collect_labels(keys, drv, perf, survey) -> dict[str, dict[str, str]]:
    """Touchpoint labels per language.

    A label equal to its key is no label (``key_drivers`` on a bare DataFrame labels each
    driver with its key). Per touchpoint the first real label wins: the driver result's,
    then the performance table's, then the survey spec's, then the key. A table label that
    is one of the spec's own labels for that touchpoint carries nothing the spec does not,
    so it follows the spec into every language (``relabel`` can still translate it).
    """
    spec = getattr(survey, "spec", None)
    driver_labels = dict(zip(drv["driver"], drv["label"], strict=True)) if "label" in drv else {}
    perf_labels = perf["label"].to_dict() if "label" in perf.columns else {}
    spec_labels: dict[str, dict[str, str | None]] = {lang: {} for lang in _LANGS}
    for lang in _LANGS:
        for key in keys:
            label = None
            if spec is not None and hasattr(spec, "label"):
                try:
                    label = spec.label(key, lang)
                except Exception:  # a spec without this column: fall back to the tables
                    label = None
            spec_labels[lang][key] = _real_label(label, key)
    labels: dict[str, dict[str, str]] = {lang: {} for lang in _LANGS}
    for key in keys:
        known = {spec_labels[lang][key] for lang in _LANGS} - {None}
        given = _real_label(driver_labels.get(key), key) or _real_label(perf_labels.get(key), key)
        for lang in _LANGS:
            if given is not None and given not in known:
                labels[lang][key] = given  # the caller's own wording, in no known language
            else:
                labels[lang][key] = spec_labels[lang][key] or given or str(key)
    return labels

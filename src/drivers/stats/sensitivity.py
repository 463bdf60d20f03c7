"""How much the key-driver ranking depends on choices and on the sample.

:func:`missing_sensitivity` re-runs :func:`~drivers.stats.importance.key_drivers` under each
treatment of "n.v.t." and says whether the top of the ranking changes (the report shows it
when conditional touchpoints are present). :func:`importance_change` compares the importance
shares of two waves with bootstrap intervals and p-values.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import AnalysisError, ParameterError, check_option
from drivers.stats import methods as _registry
from drivers.stats._summary import Summarised, SummaryParts, read_only
from drivers.stats.importance import DriverResult, key_drivers

__all__ = [
    "MissingSensitivity",
    "missing_sensitivity",
    "importance_change",
    "compare_importance",
    "bootstrap_p_value",
]

_OPTIONS = ("dummy", "pairwise", "listwise", "impute")


@read_only("table")
@dataclass(frozen=True, eq=False, repr=False)
class MissingSensitivity(Summarised):
    """The ranking under each ``missing=`` option; made by :func:`missing_sensitivity`.

    Attributes
    ----------
    table : DataFrame
        Tidy, one row per driver × option: ``driver``, ``option``, ``rank``,
        ``importance``, ``share``, ``n`` (rows used by that option).
    top : dict
        Option -> tuple of the top-``k`` drivers in order.
    top_differs : bool
        True when the top-``k`` order is not the same under every option that ran.
    skipped : dict
        Option -> why it did not run (e.g. pairwise with a method that needs rows).
    k : int
    method : str
    """

    table: pd.DataFrame
    top: dict[str, tuple[str, ...]]
    top_differs: bool
    skipped: dict[str, str]
    k: int
    method: str

    _repr_fields = ("method", "k", "top_differs")

    def ranks(self) -> pd.DataFrame:
        """Wide view: drivers × options, the rank under each option."""
        return self.table.pivot(index="driver", columns="option", values="rank")

    def _summary_parts(self) -> SummaryParts:
        header = [
            f"Ranking under each missing= option ({self.method}); top {self.k} "
            + ("differs" if self.top_differs else "is the same under every option")
        ]
        notes = [f"{option}: not run ({why})" for option, why in self.skipped.items()]
        return SummaryParts(header=header, tables=[self.ranks().reset_index()], notes=notes)


def missing_sensitivity(
    data: Any,
    *,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    weights: Any = None,
    method: str = "shapley",
    options: Sequence[str] = _OPTIONS,
    k: int = 3,
    dummy_below: float = 0.8,
) -> MissingSensitivity:
    """Key-driver ranks under each treatment of not-applicable grades.

    Parameters
    ----------
    data : DataFrame or Survey
        As :func:`~drivers.stats.importance.key_drivers`.
    outcome, drivers, weights, method, dummy_below
        As :func:`~drivers.stats.importance.key_drivers` (no bootstrap).
    options : sequence of str
        ``missing=`` options to compare, from ``"dummy"``, ``"pairwise"``, ``"listwise"``,
        ``"impute"``. An option the method does not accept (``pairwise`` with beta, logit,
        forest, penalty_reward) or that cannot run (listwise leaves no rows) is skipped and
        listed in ``skipped``.
    k : int
        Size of the top whose order is compared (default 3).

    Returns
    -------
    MissingSensitivity
        ``table`` columns ``driver``, ``option``, ``rank``, ``importance``, ``share``,
        ``n``; ``top_differs`` True when the top-``k`` drivers or their order differ
        between the options that ran.

    Examples
    --------
    >>> from drivers import demo
    >>> sens = missing_sensitivity(demo.load(2024))
    >>> sorted(sens.table["option"].unique())
    ['dummy', 'impute', 'listwise', 'pairwise']
    >>> isinstance(sens.top_differs, bool)
    True
    """
    options = [options] if isinstance(options, str) else list(options)
    if not options:
        raise ParameterError("missing_sensitivity needs at least one option in options=.")
    for option in options:
        check_option("missing_sensitivity", "options", option, _OPTIONS)
    check_option("missing_sensitivity", "method", method, list(_registry.METHODS))
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ParameterError(f"The 'k' parameter of missing_sensitivity must be ≥ 1. Got {k!r}.")
    frames, top, skipped = [], {}, {}
    for option in options:
        if option not in _registry.METHODS[method].missing:
            skipped[option] = f"method={method!r} does not accept missing={option!r}"
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = key_drivers(
                    data,
                    outcome=outcome,
                    drivers=drivers,
                    weights=weights,
                    method=method,
                    missing=option,
                    progress=False,
                    dummy_below=dummy_below,
                )
        except AnalysisError as err:
            skipped[option] = str(err)
            continue
        part = res.table[["driver", "rank", "importance", "share"]].copy()
        part.insert(1, "option", option)
        part["n"] = res.n
        frames.append(part)
        top[option] = tuple(res.table["driver"].head(k))
    if not frames:
        raise AnalysisError(
            f"missing_sensitivity: no option could be run ({'; '.join(skipped.values())})."
        )
    table = pd.concat(frames, ignore_index=True)
    return MissingSensitivity(
        table=table,
        top=top,
        top_differs=len(set(top.values())) > 1,
        skipped=skipped,
        k=int(k),
        method=method,
    )


def compare_importance(
    result_a: DriverResult, result_b: DriverResult, *, level: float | None = None
) -> pd.DataFrame:
    """Change in importance share per touchpoint between two waves, CI and p-value.

    Both results must come from :func:`~drivers.stats.importance.key_drivers` with the
    same method and a bootstrap; as the waves are independent samples, their bootstrap
    share draws are independent, and the draws of the difference are ``share_b - share_a``
    paired by draw number (the first ``min(B_a, B_b)``).

    Parameters
    ----------
    result_a, result_b : DriverResult
        The earlier and the later wave.
    level : float, optional
        Confidence level (default: ``result_b.level``).

    Returns
    -------
    DataFrame
        One row per touchpoint in either wave (in ``result_b``'s rank order, then those
        only in ``result_a``): ``driver``, ``share_a``, ``share_b``, ``change``
        (``share_b - share_a``, in share points 0..1), ``ci_low``, ``ci_high`` (percentile
        interval of the difference draws), ``p_value`` (two-sided bootstrap p-value, see
        :func:`bootstrap_p_value`),
        ``rank_a``, ``rank_b``. A touchpoint in one wave only has NaN change.

    Notes
    -----
    Shares are within-wave: a touchpoint's share can fall because another rose. For
    Shapley and relative weights ``share = r2_part / R²``.
    """
    for name, res in (("result_a", result_a), ("result_b", result_b)):
        if not isinstance(res, DriverResult):
            raise ParameterError(
                f"The '{name}' parameter of compare_importance must be a DriverResult (from "
                f"key_drivers). Got {type(res).__name__} instead."
            )
        if res.draws is None:
            raise ParameterError(
                f"compare_importance: {name} has no bootstrap draws; run key_drivers(..., "
                "bootstrap=1000) for both waves."
            )
    if result_a.method != result_b.method:
        raise ParameterError(
            f"compare_importance: the waves use different methods ({result_a.method!r}, "
            f"{result_b.method!r}); shares are only comparable within one method."
        )
    level = result_b.level if level is None else float(level)
    if not 0 < level < 1:
        raise ParameterError("The 'level' parameter of compare_importance must be in (0, 1).")
    share_a, share_b = _share_draws(result_a), _share_draws(result_b)
    B = min(len(share_a), len(share_b))
    ta, tb = result_a.table.set_index("driver"), result_b.table.set_index("driver")
    order = list(tb.index) + [d for d in ta.index if d not in tb.index]
    rows = []
    alpha = (1 - level) / 2
    for driver in order:
        row = {
            "driver": driver,
            "share_a": ta["share"].get(driver, np.nan),
            "share_b": tb["share"].get(driver, np.nan),
        }
        if driver in ta.index and driver in tb.index:
            diff = share_b[driver].to_numpy()[:B] - share_a[driver].to_numpy()[:B]
            diff = diff[np.isfinite(diff)]
            row["change"] = row["share_b"] - row["share_a"]
            row["ci_low"], row["ci_high"] = np.quantile(diff, [alpha, 1 - alpha])
            row["p_value"] = bootstrap_p_value(row["change"], diff)
        else:
            row.update(change=np.nan, ci_low=np.nan, ci_high=np.nan, p_value=np.nan)
        row["rank_a"] = ta["rank"].get(driver, pd.NA)
        row["rank_b"] = tb["rank"].get(driver, pd.NA)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["rank_a"] = out["rank_a"].astype("Int64")
    out["rank_b"] = out["rank_b"].astype("Int64")
    return out


def bootstrap_p_value(observed: float, draws: np.ndarray) -> float:
    """Two-sided bootstrap p-value of "no difference" for an observed difference.

    The draws are centred on their own mean, which imposes the null while keeping their
    spread, and ``p = (1 + #{|d* - mean(d*)| ≥ |observed|}) / (1 + B)`` (Davison & Hinkley
    1997, §4.4). Centring matters for importance shares: a small share is bounded by 0, so
    its draws lie above the estimate, and counting draws on either side of 0 would find
    differences that are only that bias.
    """
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if not len(draws) or not np.isfinite(observed):
        return float("nan")
    centred = np.abs(draws - draws.mean())
    return float((1 + (centred >= abs(observed) - 1e-15).sum()) / (1 + len(draws)))


def _share_draws(result: DriverResult) -> pd.DataFrame:
    """Bootstrap draws of the share per driver (the share of each draw's importances)."""
    draws = np.asarray(result.draws, dtype=float)
    if result.method == "forest":
        size = np.clip(draws, 0, None)
    else:
        size = np.abs(draws)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = size / size.sum(axis=1, keepdims=True)
    return pd.DataFrame(share, columns=list(result.columns))


def importance_change(
    data_a: Any,
    data_b: Any,
    *,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    weights: Any = None,
    method: str = "shapley",
    missing: str | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """:func:`compare_importance` of two waves' data: key drivers of each, then the change.

    The two bootstraps use different seeds (``seed`` and ``seed + 1``) so their draws are
    independent. Other parameters as :func:`~drivers.stats.importance.key_drivers`.

    Returns
    -------
    DataFrame
        As :func:`compare_importance`.
    """
    results = []
    for offset, data in enumerate((data_a, data_b)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append(
                key_drivers(
                    data,
                    outcome=outcome,
                    drivers=drivers,
                    weights=weights,
                    method=method,
                    missing=missing,
                    bootstrap=bootstrap,
                    seed=seed + offset,
                    level=level,
                    progress=False,
                )
            )
    return compare_importance(results[0], results[1], level=level)

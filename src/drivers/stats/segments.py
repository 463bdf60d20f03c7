"""Key-driver importance by segment, each segment tested against the rest of the sample.

:func:`compare_segments` answers "does complaint handling matter more for wholesalers than
for the others?": importance shares per segment with bootstrap intervals, and a bootstrap
test of each segment against the rest of the sample, Benjamini-Hochberg corrected over all
touchpoints × segments. Small segments are not analysed (``min_n``) and segments below the
privacy floor never appear, not even by name.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import AnalysisError, ParameterError
from drivers.stats._input import need_column, resolve
from drivers.stats._summary import Summarised, SummaryParts, read_only
from drivers.stats.importance import key_drivers
from drivers.stats.sensitivity import _share_draws, bootstrap_p_value

__all__ = ["SegmentDrivers", "compare_segments"]

_WEIGHT = "__segment_weight__"


@read_only("table")
@dataclass(frozen=True, eq=False, repr=False)
class SegmentDrivers(Summarised):
    """Importance per segment against the rest; made by :func:`compare_segments`.

    Attributes
    ----------
    table : DataFrame
        Tidy, one row per segment group × driver (see :func:`compare_segments`).
    not_analysed : tuple of (str, str)
        ``(segment, group)`` pairs with at least ``privacy_floor`` but fewer than ``min_n``
        respondents: named, not analysed. Groups below the floor are not listed.
    method : str
    bootstrap : int
    min_n, privacy_floor : int
    alpha : float
        False discovery rate of the Benjamini-Hochberg correction.
    sampled_from, rows : int or None
        With ``max_rows``: the respondents the seeded random subset was drawn from, and
        the subset's size.
    """

    table: pd.DataFrame
    not_analysed: tuple[tuple[str, str], ...]
    method: str
    bootstrap: int
    min_n: int
    privacy_floor: int
    alpha: float
    sampled_from: int | None = None
    rows: int | None = None

    _repr_fields = ("method", "bootstrap", "min_n")

    def _summary_parts(self) -> SummaryParts:
        header = [
            f"Key drivers by segment ({self.method}, {self.bootstrap} bootstrap resamples); "
            f"each group against the rest, Benjamini-Hochberg FDR {self.alpha:g}"
        ]
        notes = (
            [
                f"not analysed (fewer than {self.min_n} respondents): "
                + ", ".join(f"{s}={g}" for s, g in self.not_analysed)
            ]
            if self.not_analysed
            else []
        )
        return SummaryParts(header=header, tables=[self.table.round(4)], notes=notes)


def compare_segments(
    data: Any,
    by: str | Sequence[str],
    *,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    method: str = "shapley",
    weights: Any = None,
    missing: str | None = None,
    bootstrap: int = 500,
    seed: int = 0,
    level: float = 0.95,
    min_n: int = 30,
    privacy_floor: int = 5,
    alpha: float = 0.05,
    labels: Mapping[str, str] | None = None,
    max_rows: int | None = None,
) -> SegmentDrivers:
    """Importance shares per segment, each tested against the rest of the sample.

    For every group of every segment column in ``by`` (e.g. each sector) with at least
    ``min_n`` respondents, :func:`~drivers.stats.importance.key_drivers` runs on the group
    and on the rest of the sample (everyone else with an outcome), each with its own
    bootstrap (independent samples, independent seeds). The difference of the share draws
    gives a two-sided bootstrap p-value per touchpoint
    (:func:`~drivers.stats.sensitivity.bootstrap_p_value`: draws centred on their mean);
    p-values are adjusted with Benjamini-Hochberg
    (``statsmodels.stats.multitest.multipletests(method="fdr_bh")``) across all
    touchpoints × groups × segment columns.

    Parameters
    ----------
    data : DataFrame or Survey
        As :func:`~drivers.stats.importance.key_drivers`.
    by : str or list of str
        Segment column(s).
    outcome, drivers, method, weights, missing, seed, level, labels
        As :func:`~drivers.stats.importance.key_drivers`.
    bootstrap : int
        Resamples per group and per rest (≥ 20; default 500).
    min_n : int
        Groups with fewer respondents (with an outcome) are not analysed; they are named
        in ``not_analysed`` (default 30).
    privacy_floor : int
        Groups with fewer respondents never appear, not even by name (default 5). They do
        stay in the "rest" of the other groups.
    alpha : float
        False discovery rate for ``significant``.
    max_rows : int, optional
        A wave with more respondents is analysed on a seeded random subset of this many
        (``sampled_from`` says so): each group runs twice with its own bootstrap, which on
        a million rows takes minutes, while differences between groups are already sharp
        at 50,000. Group sizes, ``min_n`` and the privacy floor refer to the subset.

    Returns
    -------
    SegmentDrivers
        ``table`` columns: ``segment`` (the column in ``by``), ``group`` (its value, as
        text), ``driver``, ``share`` (importance share in the group), ``ci_low``,
        ``ci_high`` (its percentile interval), ``share_rest`` (share in the rest of the
        sample), ``difference`` (``share - share_rest``), ``p_value``, ``p_adjusted``
        (Benjamini-Hochberg), ``significant`` (``p_adjusted < alpha``), then ``n``
        (respondents in the group), ``label``, ``rank`` (within the group), ``importance``
        (the method's magnitude), ``diff_ci_low``, ``diff_ci_high``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.integers(1, 11, (300, 2)).astype(float), columns=["a", "b"])
    >>> df["ltr"] = (0.5 * df.a + 0.3 * df.b + rng.normal(0, 1, 300)).clip(0, 10)
    >>> df["sector"] = rng.choice(["retail", "industry", "tiny"], 300, p=[0.5, 0.49, 0.01])
    >>> seg = compare_segments(df, "sector", outcome="ltr", drivers=["a", "b"], bootstrap=50)
    >>> sorted(seg.table["group"].unique())
    ['industry', 'retail']
    >>> "tiny" in str(seg.not_analysed)
    False
    """
    from statsmodels.stats.multitest import multipletests

    inputs = resolve(data, "compare_segments", outcome=outcome, drivers=drivers, weights=weights)
    frame, spec = inputs.frame, inputs.spec
    by_list = [by] if isinstance(by, str) else list(by) if isinstance(by, list | tuple) else None
    if not by_list:
        raise ParameterError(
            "The 'by' parameter of compare_segments must be a segment column name or a list "
            f"of them. Got {by!r} instead."
        )
    for column in by_list:
        need_column(frame, column, "compare_segments", "segment")
    for name, value in (("min_n", min_n), ("privacy_floor", privacy_floor)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ParameterError(
                f"The '{name}' parameter of compare_segments must be a whole number ≥ 1. "
                f"Got {value!r} instead."
            )
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 20:
        raise ParameterError(
            "compare_segments tests with a bootstrap: bootstrap= must be at least 20 "
            f"(500 is usual). Got {bootstrap!r} instead."
        )
    if not 0 < alpha < 1:
        raise ParameterError("The 'alpha' parameter of compare_segments must be in (0, 1).")
    outcome_name, driver_names = inputs.outcome, inputs.drivers
    if driver_names is None:
        raise ParameterError("compare_segments needs drivers= when data is a DataFrame.")
    work = frame[[*driver_names, outcome_name, *dict.fromkeys(by_list)]].copy()
    weight_name = None
    if inputs.weights is not None:
        work[_WEIGHT] = inputs.weights
        weight_name = _WEIGHT
    sampled_from = None
    if max_rows is not None and len(work) > int(max_rows):
        sampled_from = len(work)  # a seeded random subset: group sizes stay proportional
        work = work.sample(n=int(max_rows), random_state=seed).sort_index()
    if labels is None and spec is not None:
        labels = {}
        for d in driver_names:
            try:
                labels[d] = str(spec.label(d))
            except Exception:  # noqa: BLE001 - a label is never worth a failure
                labels[d] = d
    has_outcome = pd.to_numeric(work[outcome_name], errors="coerce").notna()
    if weight_name is not None:
        has_outcome &= work[weight_name].notna()

    def run(rows: pd.Series, run_seed: int):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return key_drivers(
                work.loc[rows],
                outcome=outcome_name,
                drivers=driver_names,
                method=method,
                weights=weight_name,
                missing=missing,
                bootstrap=int(bootstrap),
                seed=run_seed,
                level=level,
                progress=False,
                labels=labels,
            )

    frames, not_analysed = [], []
    a = (1 - level) / 2
    run_seed = int(seed)
    for column in by_list:
        values = work[column]
        counts = values[has_outcome].value_counts(dropna=True)
        for group in sorted(counts.index, key=str):
            n_group = int(counts[group])
            if n_group < privacy_floor:
                continue
            if n_group < min_n:
                not_analysed.append((str(column), str(group)))
                continue
            inside = (values == group) & has_outcome
            rest = ~(values == group) & has_outcome
            if int(rest.sum()) < min_n:
                not_analysed.append((str(column), str(group)))
                continue
            try:
                seg_res = run(inside, run_seed)
                rest_res = run(rest, run_seed + 1)
            except AnalysisError:
                not_analysed.append((str(column), str(group)))
                continue
            run_seed += 2
            seg_share, rest_share = _share_draws(seg_res), _share_draws(rest_res)
            B = min(len(seg_share), len(rest_share))
            table = seg_res.table.set_index("driver")
            rest_table = rest_res.table.set_index("driver")
            for driver in driver_names:
                diff = seg_share[driver].to_numpy()[:B] - rest_share[driver].to_numpy()[:B]
                diff = diff[np.isfinite(diff)]
                share = float(table.loc[driver, "share"])
                share_rest = float(rest_table.loc[driver, "share"])
                p = bootstrap_p_value(share - share_rest, diff)
                if len(diff):
                    d_low, d_high = np.quantile(diff, [a, 1 - a])
                else:
                    d_low, d_high = np.nan, np.nan
                frames.append(
                    {
                        "segment": str(column),
                        "group": str(group),
                        "driver": driver,
                        "share": share,
                        "ci_low": float(table.loc[driver, "share_ci_low"]),
                        "ci_high": float(table.loc[driver, "share_ci_high"]),
                        "share_rest": share_rest,
                        "difference": share - share_rest,
                        "p_value": p,
                        "n": n_group,
                        "label": table.loc[driver, "label"],
                        "rank": int(table.loc[driver, "rank"]),
                        "importance": float(table.loc[driver, "importance"]),
                        "diff_ci_low": d_low,
                        "diff_ci_high": d_high,
                    }
                )
    columns = [
        "segment", "group", "driver", "share", "ci_low", "ci_high", "share_rest",
        "difference", "p_value", "p_adjusted", "significant", "n", "label", "rank",
        "importance", "diff_ci_low", "diff_ci_high",
    ]  # fmt: skip
    out = pd.DataFrame(
        frames, columns=[c for c in columns if c not in ("p_adjusted", "significant")]
    )
    adjusted = np.full(len(out), np.nan)
    tested = out["p_value"].notna().to_numpy()
    if tested.any():
        adjusted[tested] = multipletests(out.loc[tested, "p_value"], method="fdr_bh")[1]
    out["p_adjusted"] = adjusted
    out["significant"] = out["p_adjusted"] < alpha
    return SegmentDrivers(
        table=out[columns],
        not_analysed=tuple(not_analysed),
        method=method,
        bootstrap=int(bootstrap),
        min_n=int(min_n),
        privacy_floor=int(privacy_floor),
        alpha=float(alpha),
        sampled_from=sampled_from,
        rows=None if sampled_from is None else len(work),
    )

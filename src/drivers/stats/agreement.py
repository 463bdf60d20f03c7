"""Agreement between importance methods: same top driver, similar ranking.

One analysis is often run with several methods (Shapley/LMG, relative weights, beta,
correlation, ...). :func:`method_agreement` puts each method's top driver and the rank
correlation with a reference method (Kendall's tau-b) in one tidy table, for the report to
say whether the ranking depends on the method.

Indicator rows of a driver table (``indicator`` True: the "<touchpoint>_answered" columns
that ``missing="impute"`` adds) are not touchpoints and never count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import ParameterError, check_option

__all__ = ["kendall_tau", "method_agreement"]

_COLUMNS = ["method", "top_driver", "top_label", "kendall_tau", "agrees_on_top"]


def kendall_tau(x, y) -> float:
    """Kendall's tau-b of two paired sequences (ties allowed), as in ``scipy.stats.kendalltau``.

    tau-b = (concordant − discordant) / sqrt((n0 − ties_x) (n0 − ties_y)) with n0 = n(n−1)/2
    pairs (Kendall 1945). NaN with fewer than two pairs or when either side is constant.

    Examples
    --------
    >>> kendall_tau([1, 2, 3, 4], [1, 3, 2, 4])
    0.6666666666666666
    """
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ParameterError(
            f"kendall_tau needs two sequences of the same length. Got {a.shape} and {b.shape}."
        )
    if len(a) < 2:
        return float("nan")
    i, j = np.triu_indices(len(a), k=1)
    sa, sb = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
    n0 = len(i)
    untied_a, untied_b = n0 - np.sum(sa == 0), n0 - np.sum(sb == 0)
    if untied_a == 0 or untied_b == 0:
        return float("nan")
    return float(np.sum(sa * sb) / np.sqrt(untied_a * untied_b))


def _drivers(name: str, result: Any) -> pd.DataFrame:
    """The touchpoint rows of a driver table (no indicators), sorted by rank."""
    table = getattr(result, "table", None)
    if not isinstance(table, pd.DataFrame) or "driver" not in table.columns:
        raise ParameterError(
            f"The result {name!r} passed to method_agreement must have a driver table "
            "(.table with a 'driver' column), as key_drivers returns."
        )
    if "indicator" in table.columns:
        table = table[~table["indicator"].fillna(False).astype(bool)]
    if "rank" in table.columns:
        ranks = table["rank"].astype(float)
    elif "importance" in table.columns:
        ranks = table["importance"].abs().rank(ascending=False, method="min")
    else:
        raise ParameterError(
            f"The driver table of {name!r} needs a 'rank' or an 'importance' column. "
            f"Found {list(table.columns)}."
        )
    labels = table["label"] if "label" in table.columns else table["driver"]
    out = pd.DataFrame(
        {"driver": table["driver"].astype(str), "label": labels.astype(str), "rank": ranks}
    )
    out = out[np.isfinite(out["rank"])].sort_values("rank", kind="stable")
    if out.empty:
        raise ParameterError(f"The driver table of {name!r} has no ranked touchpoints.")
    return out.reset_index(drop=True)


def method_agreement(results: Mapping[str, Any], *, reference: str = "shapley") -> pd.DataFrame:
    """Top driver per method and Kendall's tau of its ranking against a reference method.

    Parameters
    ----------
    results : mapping of str to DriverResult
        Method name -> result of :func:`drivers.key_drivers` on the same data.
    reference : str, default "shapley"
        The key of ``results`` the others are compared with.

    Returns
    -------
    DataFrame
        One row per method, the reference first: ``method``, ``top_driver``, ``top_label``,
        ``kendall_tau`` (tau-b of the ranks of the touchpoints both methods rank; 1 for the
        reference) and ``agrees_on_top`` (same top driver as the reference).

    Examples
    --------
    >>> from drivers import demo
    >>> from drivers.stats.importance import key_drivers
    >>> survey = demo.load(2024)
    >>> keys = ["levering", "offerte", "facturatie", "klantenservice"]
    >>> results = {m: key_drivers(survey, drivers=keys, method=m)
    ...            for m in ("shapley", "beta")}
    >>> list(method_agreement(results).columns)
    ['method', 'top_driver', 'top_label', 'kendall_tau', 'agrees_on_top']
    """
    if not isinstance(results, Mapping) or not results:
        raise ParameterError(
            "The 'results' parameter of method_agreement must be a non-empty mapping "
            f"method -> DriverResult. Got {results!r} instead."
        )
    check_option("method_agreement", "reference", reference, [str(k) for k in results])
    tables = {str(name): _drivers(str(name), result) for name, result in results.items()}
    ref = tables[reference]
    ref_ranks = ref.set_index("driver")["rank"]
    rows = []
    for name in [reference, *(k for k in tables if k != reference)]:
        table = tables[name]
        top = table.iloc[0]
        common = [d for d in table["driver"] if d in ref_ranks.index]
        ranks = table.set_index("driver")["rank"]
        tau = (
            1.0
            if name == reference
            else kendall_tau(ranks.loc[common].to_numpy(), ref_ranks.loc[common].to_numpy())
        )
        rows.append(
            {
                "method": name,
                "top_driver": top["driver"],
                "top_label": top["label"],
                "kendall_tau": tau,
                "agrees_on_top": bool(top["driver"] == ref.iloc[0]["driver"]),
            }
        )
    return pd.DataFrame(rows, columns=_COLUMNS)

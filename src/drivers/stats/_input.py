"""One reading of ``data``, ``outcome``, ``drivers`` and ``weights`` for the public functions
of ``drivers.stats``.

* ``data``: a pandas DataFrame or a drivers Survey (anything with a ``.data`` DataFrame and
  a ``.spec``); a Survey supplies the defaults ``outcome = spec.nps``,
  ``drivers = spec.touchpoint_keys`` and ``weights = spec.weight``.
* ``outcome``: the name of the 0-10 likelihood-to-recommend column.
* ``drivers``: the names of the touchpoint grade columns.
* ``weights``: a column name, or one value per row (array, list or Series, by position).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import ColumnNotFoundError, DataError, ParameterError, closest

__all__ = ["Inputs", "is_survey", "resolve", "weight_values"]


def is_survey(data: object) -> bool:
    """True for a drivers Survey (or an object shaped like one)."""
    return isinstance(getattr(data, "data", None), pd.DataFrame) and hasattr(data, "spec")


@dataclass
class Inputs:
    """The resolved inputs of one call (internal)."""

    frame: pd.DataFrame
    spec: Any
    outcome: str | None
    drivers: list[str] | None
    weights: np.ndarray | None  # one value per row of ``frame``, or None (unweighted)
    weight_column: str | None


def need_column(frame: pd.DataFrame, column: Any, func: str, role: str = "") -> None:
    """Raise :class:`ColumnNotFoundError` (with the closest name) unless ``column`` exists."""
    if column in frame.columns:
        return
    hint = closest(str(column), [str(c) for c in frame.columns])
    more = f" Did you mean {hint!r}?" if hint else ""
    what = f"the {role} column" if role else "the column"
    raise ColumnNotFoundError(f"{func}: {what} {column!r} is not in the data.{more}")


def weight_values(
    weights: Any, frame: pd.DataFrame, func: str
) -> tuple[np.ndarray | None, str | None]:
    """``weights`` (None, a column name or one value per row) as floats, and the column name."""
    if weights is None:
        return None, None
    if isinstance(weights, str):
        need_column(frame, weights, func, "weight")
        values = pd.to_numeric(frame[weights], errors="coerce").to_numpy(float)
        bad = frame[weights].notna().to_numpy() & np.isnan(values)
        if bad.any():
            raise DataError(
                f"{func}: the weight column {weights!r} holds text that is not a number in "
                f"{int(bad.sum())} rows."
            )
        return values, weights
    if isinstance(weights, pd.DataFrame) or not _array_like(weights):
        raise ParameterError(
            f"The 'weights' parameter of {func} must be a column name or one number per row "
            f"(array, list or Series). Got {type(weights).__name__} instead."
        )
    try:
        values = np.asarray(weights, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ParameterError(
            f"The 'weights' parameter of {func} must hold numbers; got values that are not."
        ) from None
    if len(values) != len(frame):
        raise ParameterError(
            f"{func}: weights has {len(values)} values but the data has {len(frame)} rows; "
            "pass one weight per row or a column name."
        )
    return values, None


def _array_like(value: Any) -> bool:
    return isinstance(value, np.ndarray | pd.Series | pd.Index | list | tuple)


def _names(value: Any, func: str, parameter: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, pd.Index | pd.Series | np.ndarray | list | tuple):
        return list(value)
    raise ParameterError(
        f"The {parameter!r} parameter of {func} must be a column name or a list of them. "
        f"Got {type(value).__name__} instead."
    )


def resolve(
    data: Any,
    func: str,
    *,
    outcome: str | None = None,
    drivers: Sequence[str] | None = None,
    weights: Any = None,
    need_outcome: bool = True,
    need_drivers: bool = False,
) -> Inputs:
    """Frame, spec, outcome, drivers and weights of one call, checked.

    Raises
    ------
    ParameterError
        ``data`` is neither a DataFrame nor a Survey, or a required name is missing.
    ColumnNotFoundError
        A named column is not in the data.
    """
    spec = None
    if is_survey(data):
        spec = data.spec
        frame = data.data
        if outcome is None:
            outcome = getattr(spec, "nps", None)
        if drivers is None:
            drivers = getattr(spec, "touchpoint_keys", None)
        if weights is None:
            weights = getattr(spec, "weight", None) or None
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise ParameterError(
            f"The 'data' parameter of {func} must be a pandas DataFrame or a drivers Survey. "
            f"Got {type(data).__name__} instead."
        )
    if outcome is not None and not isinstance(outcome, str):
        raise ParameterError(
            f"The 'outcome' parameter of {func} must be a column name. "
            f"Got {type(outcome).__name__} instead."
        )
    if need_outcome and outcome is None:
        raise ParameterError(
            f"{func} needs outcome= (the 0-10 likelihood-to-recommend column) when data is a "
            f"DataFrame, e.g. {func}(df, outcome='ltr')."
        )
    names = None if drivers is None else _names(drivers, func, "drivers")
    if need_drivers and not names:
        raise ParameterError(
            f"{func} needs drivers= (the touchpoint grade columns) when data is a DataFrame, "
            f"e.g. {func}(df, outcome='ltr', drivers=['service', 'price'])."
        )
    if outcome is not None:
        need_column(frame, outcome, func, "outcome")
    for name in names or []:
        need_column(frame, name, func, "driver")
    values, column = weight_values(weights, frame, func)
    return Inputs(
        frame=frame,
        spec=spec,
        outcome=outcome,
        drivers=names,
        weights=values,
        weight_column=column,
    )

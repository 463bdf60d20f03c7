"""Key-driver chart: each driver's share of the explained variance, most important on top."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from drivers.present import palette
from drivers.present._format import check_lang, fmt, text
from drivers.present.charts._base import (
    _axes,
    _axis_label,
    _brand,
    _check_rows,
    _clean_title,
    _decimals,
    _finite,
    _first_rows,
    _footnote,
    _frame,
    _labels,
    _method_line,
    _numbers,
    _require,
    _row_metrics,
    _share_label,
    _style_axes,
    _ticks,
    _titles,
    _with_n,
)

__all__ = ["driver_importance"]

#: More drivers than this are cut to the most important ones, with a note.
MAX_ROWS = 30


def driver_importance(
    result_or_table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    title: str | bool | None = None,
    subtitle: str | None = None,
    max_rows: int | None = MAX_ROWS,
    brand: str | None = None,
    show_n: bool = True,
) -> Axes:
    """Horizontal bars of each driver's share of the explained variance, most important on top.

    Parameters
    ----------
    result_or_table : key-driver result or DataFrame
        Its table: ``driver``, optional ``label``, ``share`` (0..1, of the total) or else
        ``importance``, optional ``rank``; whiskers from ``share_ci_low`` / ``share_ci_high``
        (for ``share``) or ``ci_low`` / ``ci_high`` (for ``importance``). The result's
        ``method``, ``r2`` and ``n`` (when present) go into the subtitle.
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    title, subtitle : str, optional
        Title (``False`` for none) and subtitle (default: method, R², n).
    max_rows : int or None, default 30
        Draw at most this many drivers (the most important) and say so in a footnote;
        None draws every driver. More than twelve rows get smaller type.
    brand : str, optional
        Bar colour (default: the house colour; ``palette.set_brand`` is ignored).
    show_n : bool, default True
        Put the base behind each touchpoint (the table's ``n``: those who answered it)
        in its label, "Klachtafhandeling (n = 136)".

    Returns
    -------
    Axes
    """
    check_lang("driver_importance", lang)
    max_rows = _check_rows("driver_importance", max_rows)
    colour = _brand(brand)
    title, subtitle = _clean_title(title), _clean_title(subtitle)
    frame = _frame(result_or_table, "driver_importance", "result_or_table")
    as_share = "share" in frame.columns
    value_col = "share" if as_share else "importance"
    _require(frame, [value_col], "driver_importance")
    labels = _labels(frame, "label", "driver", lang)
    if "n" in frame.columns:
        bases = _numbers(frame, "n")
        labels = [_with_n(label, bases[i], lang, show_n) for i, label in enumerate(labels)]
    values = _numbers(frame, value_col)
    ci_names = (
        [("share_ci_low", "share_ci_high")]
        if as_share
        else [("ci_low", "ci_high"), ("importance_ci_low", "importance_ci_high")]
    )
    low = high = None
    for lo_name, hi_name in ci_names:
        if {lo_name, hi_name} <= set(frame.columns):
            low, high = _numbers(frame, lo_name), _numbers(frame, hi_name)
            break
    if "rank" in frame.columns:
        order = np.argsort(_numbers(frame, "rank"), kind="stable")
    else:
        order = np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")
    order, note = _first_rows(order, max_rows, lang)
    count = len(order)
    size, grow = _row_metrics(count)
    if subtitle is None:
        subtitle = _method_line(result_or_table, lang)
    factor = 100.0 if as_share else 1.0
    ax = _axes(ax, "driver_importance")
    _style_axes(ax, grid="x")
    ax.tick_params(axis="y", labelsize=size)
    y = np.full(len(frame), np.nan)
    y[order] = np.arange(count)
    shown = np.isfinite(y)
    ax.barh(y[shown], np.nan_to_num(values[shown]) * factor, height=0.64, color=colour,
            linewidth=0, zorder=2)  # fmt: skip
    ends = np.nan_to_num(values)
    if low is not None:
        ok = shown & np.isfinite(low) & np.isfinite(high)
        ax.errorbar(values[ok] * factor, y[ok],
                    xerr=[(values[ok] - low[ok]) * factor, (high[ok] - values[ok]) * factor],
                    fmt="none", ecolor=palette.TEXT, elinewidth=1.6 * max(grow, 0.6),
                    capsize=6 * grow, capthick=1.6 * max(grow, 0.6), zorder=3)  # fmt: skip
        ends = np.fmax(ends, np.nan_to_num(high, nan=-np.inf))
    scale_values = _finite(ends[order], values[order])
    top = max(float(scale_values.max()), 1e-9) * factor
    for i in order:
        value = (
            _share_label(values[i], lang)
            if as_share
            else fmt(values[i], kind="number", lang=lang, decimals=_decimals(top / 10))
        )
        ax.annotate(value, xy=(ends[i] * factor, y[i]), xytext=(10 * grow, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=size,
                    fontweight="bold", color=palette.TEXT)  # fmt: skip
    lowest = _finite(values[order], low[order] if low is not None else [], [0.0]).min() * factor
    ax.set_xlim(lowest - 0.06 * (top - lowest) if lowest < 0 else 0.0, top * 1.14)
    _ticks(ax.xaxis, lang, style="percent100" if as_share else "number", nbins=6)
    ax.set_ylim(count - 0.4, -0.6)
    ax.set_yticks(np.arange(count), [labels[i] for i in order])
    ax.spines["left"].set_visible(False)
    ax.axvline(0, color=palette.RULE, linewidth=1.0, zorder=1, solid_capstyle="butt")
    _axis_label(ax, "x", text("importance_share" if as_share else "importance", lang))
    _footnote(ax, [text("whiskers_note", lang) if low is not None else "", note])
    _titles(ax, title, subtitle, "title_driver_importance", lang)
    return ax

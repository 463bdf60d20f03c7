"""Grade charts: the mean grade per touchpoint, and each touchpoint's change between waves."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from drivers.errors import ParameterError, check_option
from drivers.present import palette
from drivers.present._format import check_lang, fmt, text
from drivers.present.charts._base import (
    _HEADER_ROW,
    _LABEL,
    _axes,
    _axis_label,
    _brand,
    _check_rows,
    _clean,
    _clean_title,
    _column_header,
    _finite,
    _first_rows,
    _flags,
    _footnote,
    _frame,
    _labels,
    _legend_above,
    _numbers,
    _require,
    _row_metrics,
    _style_axes,
    _ticks,
    _tint,
    _titles,
    _with_n,
)

__all__ = ["touchpoint_grades", "wave_change"]

#: More rows than this are cut to the first ones in display order, with a note.
MAX_ROWS = 30


# --------------------------------------------------------------------------- 3. grades


def touchpoint_grades(
    table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    benchmark: Mapping[str, float] | None = None,
    sort: bool = True,
    scale: tuple[float, float] = (1, 10),
    title: str | bool | None = None,
    subtitle: str | None = None,
    show_n: bool = True,
    max_rows: int | None = MAX_ROWS,
    brand: str | None = None,
) -> Axes:
    """Mean grade per touchpoint with its confidence interval, optionally against a benchmark.

    Parameters
    ----------
    table : DataFrame or result with ``.table``
        A ``touchpoint_performance`` table: ``touchpoint``, ``label``, ``mean``; optionally
        ``ci_low``, ``ci_high`` (whiskers) and ``n``.
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    benchmark : dict, optional
        Touchpoint key (or label) -> benchmark grade, drawn as a dark mark, legend "Benchmark".
    sort : bool, default True
        Highest mean at the top; False keeps the table order (e.g. the journey).
    scale : (float, float), default (1, 10)
        The grade scale; the x axis zooms in on the data but stays inside it.
    title, subtitle : str, optional
        Title (``False`` for none) and subtitle.
    show_n : bool, default True
        Add "(n = 212)" to each touchpoint name when the table has ``n``.
    max_rows : int or None, default 30
        Draw at most this many rows (the first in display order) and say so in a footnote;
        None draws every row. More than twelve rows get smaller type and dots.
    brand : str, optional
        Colour of the dots (default: the house colour; ``palette.set_brand`` is ignored).

    Returns
    -------
    Axes
    """
    check_lang("touchpoint_grades", lang)
    max_rows = _check_rows("touchpoint_grades", max_rows)
    colour = _brand(brand)
    title, subtitle = _clean_title(title), _clean_title(subtitle)
    frame = _frame(table, "touchpoint_grades")
    _require(frame, ["mean"], "touchpoint_grades")
    labels = _labels(frame, "label", "touchpoint", lang)
    keys = [str(k) for k in frame["touchpoint"]] if "touchpoint" in frame.columns else labels
    raw_labels = (
        [str(v) for v in frame["label"]] if "label" in frame.columns else keys
    )  # benchmark keys match the labels as given, before cleaning
    means = _numbers(frame, "mean")
    has_ci = {"ci_low", "ci_high"} <= set(frame.columns)
    low = _numbers(frame, "ci_low") if has_ci else np.full(len(frame), np.nan)
    high = _numbers(frame, "ci_high") if has_ci else np.full(len(frame), np.nan)
    n = _numbers(frame, "n") if "n" in frame.columns else np.full(len(frame), np.nan)
    marks = np.full(len(frame), np.nan)
    if benchmark is not None:
        if not isinstance(benchmark, Mapping):
            raise ParameterError(
                "The 'benchmark' parameter of touchpoint_grades must be a dict "
                f"{{touchpoint: grade}}. Got {type(benchmark).__name__} instead."
            )
        for i, (key, label) in enumerate(zip(keys, raw_labels, strict=True)):
            value = benchmark.get(key, benchmark.get(label))
            marks[i] = np.nan if value is None else float(value)
    order = (
        np.argsort(-np.nan_to_num(means, nan=-np.inf), kind="stable")
        if sort
        else np.arange(len(frame))
    )
    order, note = _first_rows(order, max_rows, lang)
    count = len(order)
    size, grow = _row_metrics(count)
    ax = _axes(ax, "touchpoint_grades")
    _style_axes(ax, grid="x")
    ax.tick_params(axis="y", labelsize=size)
    y = np.full(len(frame), np.nan)
    y[order] = np.arange(count)
    shown = np.isfinite(y)
    light = _tint(colour, 0.45)
    if has_ci:
        ok = shown & np.isfinite(low) & np.isfinite(high)
        ax.hlines(y[ok], low[ok], high[ok], color=light, linewidth=4 * grow, zorder=2,
                  capstyle="round")  # fmt: skip
    ax.scatter(means[shown], y[shown], s=190 * grow**2, color=colour, edgecolor="white",
               linewidth=1.5 * grow, zorder=3)  # fmt: skip
    has_marks = bool(np.isfinite(marks[shown]).any())
    if has_marks:
        ax.scatter(marks[shown], y[shown], marker="|", s=620 * grow**2,
                   linewidths=3.2 * max(grow, 0.6), color=palette.TEXT, zorder=4)  # fmt: skip
    for i in order:
        if not np.isfinite(means[i]):
            continue
        lo_end = np.nanmin([means[i], low[i]])
        hi_end = np.nanmax([means[i], high[i]])
        if np.isfinite(marks[i]) and marks[i] > hi_end:  # mark on the right: label left
            xy, dx, ha = (lo_end, y[i]), -12 * grow, "right"
        else:
            xy, dx, ha = (
                (max(hi_end, np.nan_to_num(marks[i], nan=-np.inf)), y[i]),
                12 * grow,
                "left",
            )
        ax.annotate(fmt(means[i], kind="grade", lang=lang), xy=xy, xytext=(dx, 0),
                    textcoords="offset points", ha=ha, va="center", fontsize=size,
                    fontweight="bold", color=palette.TEXT)  # fmt: skip
    values = _finite(means[order], low[order], high[order], marks[order])
    lo = max(scale[0], math.floor((values.min() - 0.3) * 2) / 2)
    hi = min(scale[1], math.ceil((values.max() + 0.15) * 2) / 2)
    ax.set_xlim(lo, hi + 0.08 * (hi - lo) + 0.1)  # room for the value labels
    _ticks(ax.xaxis, lang, nbins=8)
    ax.set_ylim(count - 0.4, -0.6)
    ax.set_yticks(np.arange(count), [_with_n(labels[i], n[i], lang, show_n) for i in order])
    ax.spines["left"].set_visible(False)
    _axis_label(ax, "x", text(
        "chart_axis_scale", lang, label=text("mean_grade", lang),
        lo=fmt(scale[0], kind="number", lang=lang, decimals=0),
        hi=fmt(scale[1], kind="number", lang=lang, decimals=0),
    ))  # fmt: skip
    handles = [Line2D([], [], marker="o", linestyle="none", markersize=12, color=colour,
                      markeredgecolor="white")]  # fmt: skip
    legend = [text("mean", lang)]
    if has_ci:
        handles.append(Line2D([], [], color=light, linewidth=4, solid_capstyle="butt"))
        legend.append(text("ci95", lang))
    if has_marks:
        handles.append(Line2D([], [], marker="|", linestyle="none", markersize=20,
                              markeredgewidth=3.2, color=palette.TEXT,
                              solid_capstyle="butt"))  # fmt: skip
        legend.append(text("benchmark", lang))
    _legend_above(ax, handles, legend)
    _footnote(ax, [note])
    _titles(ax, title, subtitle, "title_touchpoint_grades", lang, header=_HEADER_ROW)
    return ax


def wave_change(
    table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    value: str = "mean",
    label_col: str = "label",
    wave_before: str | None = None,
    wave_after: str | None = None,
    sort: str | None = "after",
    title: str | bool | None = None,
    subtitle: str | None = None,
    max_rows: int | None = MAX_ROWS,
    brand: str | None = None,
) -> Axes:
    """Dumbbell chart: each touchpoint's value in the earlier wave (grey) and the later (brand).

    Parameters
    ----------
    table : DataFrame or result with ``.table``
        Columns ``label`` (or ``touchpoint``), ``before``, ``after``; optionally
        ``wave_before`` / ``wave_after`` (wave names), ``change`` (else after − before is
        shown) and ``significant`` (bool; marks the change with "*").
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    value : {"mean", "nps", "share"}
        What the numbers are: mean grades ("7,4", change "+0,4"), NPS points ("+23",
        change "+4") or shares ("34%", change "+3 %-punt").
    label_col : str, default "label"
        Column with the row names (falls back to ``touchpoint``).
    wave_before, wave_after : str, optional
        Wave names for the legend, overriding the table's columns.
    sort : {"after", "change", None}, default "after"
        Row order: highest later value on top, largest change on top, or as in the table.
    title, subtitle : str, optional
        Title (``False`` for none) and subtitle.
    max_rows : int or None, default 30
        Draw at most this many rows (the first in display order) and say so in a footnote;
        None draws every row. More than twelve rows get smaller type and dots.
    brand : str, optional
        Colour of the later wave (default: the house colour; ``palette.set_brand`` is
        ignored).

    Returns
    -------
    Axes
    """
    check_lang("wave_change", lang)
    check_option("wave_change", "value", value, ("mean", "nps", "share"))
    check_option("wave_change", "sort", sort, ("after", "change", None))
    max_rows = _check_rows("wave_change", max_rows)
    colour = _brand(brand)
    title, subtitle = _clean_title(title), _clean_title(subtitle)
    frame = _frame(table, "wave_change")
    _require(frame, ["before", "after"], "wave_change")
    labels = _labels(frame, label_col, "touchpoint", lang)
    before, after = _numbers(frame, "before"), _numbers(frame, "after")
    change = _numbers(frame, "change") if "change" in frame.columns else after - before
    significant = _flags(frame, "significant") if "significant" in frame.columns else None
    names = []
    for given, column in ((wave_before, "wave_before"), (wave_after, "wave_after")):
        if given is None and column in frame.columns:
            present = frame[column].dropna()
            given = present.iloc[0] if len(present) else None
        names.append(_clean(given) if given is not None else None)
    if names[0] is None or names[1] is None:
        names = [names[0] or text("previous_wave", lang), names[1] or text("this_wave", lang)]
    if sort == "after":
        order = np.argsort(-np.nan_to_num(after, nan=-np.inf), kind="stable")
    elif sort == "change":
        order = np.argsort(-np.nan_to_num(change, nan=-np.inf), kind="stable")
    else:
        order = np.arange(len(frame))
    order, note = _first_rows(order, max_rows, lang)
    count = len(order)
    size, grow = _row_metrics(count)
    factor = 100.0 if value == "share" else 1.0
    change_kind = {"mean": "signed", "nps": "nps", "share": "pp"}[value]
    change_decimals = 0 if value == "share" else None  # "+3 %-punt"

    ax = _axes(ax, "wave_change")
    _style_axes(ax, grid="x")
    ax.tick_params(axis="y", labelsize=size)
    y = np.full(len(frame), np.nan)
    y[order] = np.arange(count)
    shown = np.isfinite(y)
    for i in order:
        if not (np.isfinite(before[i]) and np.isfinite(after[i])):
            continue
        ax.plot([before[i] * factor, after[i] * factor], [y[i], y[i]], color="#CDD2D8",
                linewidth=5 * grow, solid_capstyle="round", zorder=2)  # fmt: skip
    ax.scatter(before[shown] * factor, y[shown], s=170 * grow**2, color=palette.BEFORE,
               edgecolor="white", linewidth=1.5 * grow, zorder=3)  # fmt: skip
    ax.scatter(after[shown] * factor, y[shown], s=190 * grow**2, color=colour,
               edgecolor="white", linewidth=1.5 * grow, zorder=4)  # fmt: skip
    column_x = 96
    value_size = min(_LABEL, size + 1)
    for i in order:
        if not np.isfinite(change[i]):
            continue
        mark = significant is not None and bool(significant[i])
        ink = palette.TEXT
        if significant is not None:
            ink = (
                (palette.PROMOTER if change[i] > 0 else palette.DETRACTOR)
                if mark
                else palette.MUTED
            )
        shown_change = fmt(change[i], kind=change_kind, lang=lang, decimals=change_decimals)
        ax.annotate(shown_change, xy=(1, y[i]),
                    xycoords=("axes fraction", "data"), xytext=(column_x, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=value_size,
                    fontweight="bold", color=ink)  # fmt: skip
        if mark:
            ax.annotate("*", xy=(1, y[i]), xycoords=("axes fraction", "data"),
                        xytext=(column_x + 3, 0), textcoords="offset points", ha="left",
                        va="center", fontsize=value_size, fontweight="bold",
                        color=ink)  # fmt: skip
    _column_header(ax, text("change", lang), column_x)
    values = _finite(before[order], after[order]) * factor
    lo, hi = float(values.min()), float(values.max())
    pad = max(0.12 * (hi - lo), 0.05 if value == "mean" else 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    style = {"mean": "number", "nps": "signed", "share": "percent100"}[value]
    _ticks(ax.xaxis, lang, style=style, nbins=7)
    ax.set_ylim(count - 0.4, -0.6)
    ax.set_yticks(np.arange(count), [labels[i] for i in order])
    ax.spines["left"].set_visible(False)
    axis_label = {"mean": text("mean_grade", lang), "nps": text("nps", lang),
                  "share": text("share_respondents", lang)}[value]  # fmt: skip
    _axis_label(ax, "x", axis_label)
    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=12, color=palette.BEFORE),
        Line2D([], [], marker="o", linestyle="none", markersize=12, color=colour),
    ]
    _legend_above(ax, handles, names)
    notes = [note]
    if significant is not None and significant[order].any():
        notes.append(text("significant_note", lang))
    _footnote(ax, notes)
    _titles(ax, title, subtitle, "title_wave_change", lang, header=_HEADER_ROW)
    return ax

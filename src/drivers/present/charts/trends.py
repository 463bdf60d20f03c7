"""Charts across every wave: the grade trend per touchpoint, and importance per wave.

Both are small multiples on one 16:9 figure, so they take an optional ``fig`` and return
the Figure (not one Axes). A touchpoint that is absent from a wave (not asked, or too few
answers) is a gap with a "–", never a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from drivers.errors import ParameterError
from drivers.present import palette
from drivers.present._format import check_lang, fmt, text
from drivers.present.charts._base import (
    _DPI,
    _LAYOUT_PADS,
    _NOTE,
    _TITLE,
    SLIDE_SIZE,
    _brand,
    _clean,
    _clean_title,
    _frame,
    _labels,
    _require,
    _row_metrics,
    _style_axes,
    _ticks,
    _tint,
)

__all__ = ["grade_trend", "importance_waves", "panel_figure", "trend_pages"]

#: Touchpoints per grade-trend chart: more are split over several charts (slides).
PER_PAGE = 10
#: At most this many touchpoints fit one grade-trend chart legibly.
MAX_PANELS = 15
#: Importance per wave shows the latest waves, at most this many panels side by side.
MAX_WAVES = 5


def trend_pages(table: Any, per_page: int = PER_PAGE) -> list[list[str]]:
    """Touchpoint keys split into even groups of at most ``per_page``, in table order.

    Thirty touchpoints give three charts of ten; twelve give two of six.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"wave": "1", "touchpoint": list("abcdefghijkl"), "mean": 7.0})
    >>> [len(p) for p in trend_pages(t)]
    [6, 6]
    """
    if isinstance(per_page, bool) or not isinstance(per_page, int) or per_page < 1:
        raise ParameterError(
            f"The 'per_page' parameter of trend_pages must be a positive whole number. "
            f"Got {per_page!r} instead."
        )
    frame = _frame(table, "trend_pages")
    _require(frame, ["touchpoint"], "trend_pages")
    keys = [str(k) for k in dict.fromkeys(frame["touchpoint"])]
    pages = max(1, math.ceil(len(keys) / per_page))
    size = math.ceil(len(keys) / pages)
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def panel_figure(figsize: tuple[float, float] = SLIDE_SIZE) -> Figure:
    """An empty figure in the house look for the small-multiple charts (``fig=``), e.g.
    wider than 16:9 to fill a slide's content area under its title."""
    return plt.figure(
        figsize=figsize,
        dpi=_DPI,
        facecolor="white",
        edgecolor="white",
        layout=ConstrainedLayoutEngine(**_LAYOUT_PADS),
    )


def _figure(fig: Figure | None, func: str) -> Figure:
    if fig is None:
        return plt.figure(
            figsize=SLIDE_SIZE,
            dpi=_DPI,
            facecolor="white",
            edgecolor="white",
            layout=ConstrainedLayoutEngine(**_LAYOUT_PADS),
        )
    if not isinstance(fig, Figure):
        raise ParameterError(
            f"The 'fig' parameter of {func} must be a matplotlib Figure or None. "
            f"Got {type(fig).__name__} instead."
        )
    return fig


def _grid(count: int) -> tuple[int, int]:
    """Rows and columns of the panel grid for ``count`` panels on a 16:9 slide."""
    if count <= 5:
        return 1, count
    rows = 2 if count <= 10 else 3
    return rows, math.ceil(count / rows)


def _head(fig: Figure, title: str | bool | None, default_key: str, lang: str) -> None:
    if title is None or title is True:
        title = text(default_key, lang)
    if title:
        fig.suptitle(
            str(title), x=0.01, ha="left", fontsize=_TITLE, fontweight="bold", color=palette.TEXT
        )


def _foot(fig: Figure, lines: Sequence[str]) -> None:
    lines = [line for line in lines if line]
    if lines:
        fig.supxlabel(
            "\n".join(lines), x=0.01, ha="left", fontsize=_NOTE, color=palette.MUTED,
            linespacing=1.4,
        )  # fmt: skip


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _wrap(label: str, width: int) -> str:
    """A panel title on at most two lines of ``width`` characters."""
    import textwrap

    lines = textwrap.wrap(label, width, break_on_hyphens=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], _shorten(" ".join(lines[1:]), width)]
    return "\n".join(lines)


def grade_trend(
    table: Any,
    *,
    fig: Figure | None = None,
    lang: str = "nl",
    touchpoints: Sequence[str] | None = None,
    scale: tuple[float, float] = (1, 10),
    title: str | bool | None = None,
    brand: str | None = None,
) -> Figure:
    """Mean grade per touchpoint across every wave: one small panel per touchpoint.

    Parameters
    ----------
    table : DataFrame
        Long format, one row per wave and touchpoint (``Results.grade_trend``): ``wave``,
        ``touchpoint``, ``mean``; optionally ``label``, ``ci_low``, ``ci_high``. Waves
        are drawn in table order (oldest first). A missing mean (touchpoint not asked,
        or too few answers) is a gap marked "–".
    fig : Figure, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    touchpoints : sequence of str, optional
        The touchpoints to draw, in order (at most 15); all when None. Split many
        touchpoints over several charts with :func:`trend_pages`; the footnote then says
        which part of how many this is.
    scale : (float, float), default (1, 10)
        The grade scale; the y axis zooms in on the data but stays inside it.
    title : str or bool, optional
        Title (``False`` for none, e.g. on a slide that has its own).
    brand : str, optional
        Colour of the lines (default: the house colour).

    Returns
    -------
    Figure
    """
    check_lang("grade_trend", lang)
    colour = _brand(brand)
    title = _clean_title(title)
    frame = _frame(table, "grade_trend")
    _require(frame, ["wave", "touchpoint", "mean"], "grade_trend")
    frame = frame.assign(touchpoint=frame["touchpoint"].astype(str), wave=frame["wave"].astype(str))
    frame["_label"] = _labels(frame, "label", "touchpoint", lang)
    every = list(dict.fromkeys(frame["touchpoint"]))
    keys = every if touchpoints is None else [str(k) for k in touchpoints]
    unknown = [k for k in keys if k not in every]
    if unknown:
        raise ParameterError(
            f"grade_trend: touchpoint(s) {', '.join(map(repr, unknown))} not in the table "
            f"(touchpoints: {', '.join(every)})."
        )
    if not keys or len(keys) > MAX_PANELS:
        raise ParameterError(
            f"grade_trend draws 1 to {MAX_PANELS} touchpoints per chart; got {len(keys)}. "
            "Split them with trend_pages(table) and draw one chart per page."
        )
    waves = list(dict.fromkeys(frame["wave"]))
    x = np.arange(len(waves))
    mean = frame.pivot_table(index="touchpoint", columns="wave", values="mean", dropna=False)
    mean = mean.reindex(index=keys, columns=waves)
    has_ci = {"ci_low", "ci_high"} <= set(frame.columns)
    low = high = None
    if has_ci:
        low = frame.pivot_table(index="touchpoint", columns="wave", values="ci_low", dropna=False)
        high = frame.pivot_table(index="touchpoint", columns="wave", values="ci_high", dropna=False)
        low, high = (t.reindex(index=keys, columns=waves) for t in (low, high))
    names = frame.drop_duplicates("touchpoint").set_index("touchpoint")["_label"]

    values = mean.to_numpy(dtype=float)
    extent = [values]
    if has_ci:
        extent += [low.to_numpy(dtype=float), high.to_numpy(dtype=float)]
    finite = np.concatenate([np.ravel(e) for e in extent])
    finite = finite[np.isfinite(finite)]
    if not len(finite):
        raise ParameterError("grade_trend: no touchpoint has a mean grade in any wave.")
    y_low = max(scale[0], math.floor((finite.min() - 0.2) * 2) / 2)
    y_high = min(scale[1] + 0.6, math.ceil((finite.max() + 0.45) * 2) / 2)

    fig = _figure(fig, "grade_trend")
    rows, cols = _grid(len(keys))
    axes = np.atleast_1d(fig.subplots(rows, cols, sharey=True, squeeze=False)).ravel()
    small = len(keys) > 10
    label_size = 11 if small else 13
    value_size = 10 if small else 12
    label_all = len(waves) <= 4
    width = max(10, int(816 / cols / (0.62 * label_size)))  # characters per title line
    light = _tint(colour, 0.35)
    for ax, key in zip(axes, keys, strict=False):
        _style_axes(ax, grid="y")
        row = values[keys.index(key)]
        if has_ci:
            lo = low.loc[key].to_numpy(dtype=float)
            hi = high.loc[key].to_numpy(dtype=float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            ax.vlines(x[ok], lo[ok], hi[ok], color=light, linewidth=4, capstyle="round", zorder=2)
        ax.plot(x, row, color=colour, linewidth=2.2, zorder=3)  # NaN breaks the line
        shown = np.isfinite(row)
        ax.scatter(x[shown], row[shown], s=46, color=colour, edgecolor="white", linewidth=1.2,
                   zorder=4)  # fmt: skip
        last = np.flatnonzero(shown)
        for i in np.flatnonzero(shown):
            if not (label_all or i in (last[0], last[-1])):
                continue
            above = row[i] if not has_ci or not np.isfinite(hi[i]) else max(row[i], hi[i])
            ax.annotate(fmt(row[i], kind="grade", lang=lang), xy=(x[i], above),
                        xytext=(0, 7), textcoords="offset points", ha="center", va="bottom",
                        fontsize=value_size, color=palette.TEXT,
                        fontweight="bold" if i == len(x) - 1 else "normal")  # fmt: skip
        for i in np.flatnonzero(~shown):
            ax.annotate("–", xy=(x[i], 0), xycoords=("data", "axes fraction"), xytext=(0, 6),
                        textcoords="offset points", ha="center", va="bottom",
                        fontsize=value_size + 8, fontweight="bold",
                        color=palette.MUTED)  # fmt: skip
        ax.set_title(_wrap(str(names[key]), width), fontsize=label_size,
                     color=palette.TEXT, loc="left", fontweight="bold")  # fmt: skip
        ax.set_xlim(-0.5, len(waves) - 0.5)
        ax.set_xticks(x, [_clean(w) for w in waves])
        ax.tick_params(axis="x", labelsize=value_size, length=0)
        ax.tick_params(axis="y", labelsize=value_size)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    axes[0].set_ylim(y_low, y_high)
    _ticks(axes[0].yaxis, lang, nbins=4)
    _head(fig, title, "title_grade_trend", lang)
    notes = [
        text(
            "chart_grade_trend_note",
            lang,
            lo=fmt(scale[0], kind="number", lang=lang, decimals=0),
            hi=fmt(scale[1], kind="number", lang=lang, decimals=0),
        )
    ]
    if bool(np.isnan(values).any()):
        notes.append(text("chart_gap_note", lang))
    if len(keys) < len(every):
        first = every.index(keys[0]) + 1
        notes.append(
            text("chart_part_note", lang, first=first, last=first + len(keys) - 1, p=len(every))
        )
    _foot(fig, notes)
    return fig


def importance_waves(
    table: Any,
    *,
    fig: Figure | None = None,
    lang: str = "nl",
    max_waves: int = MAX_WAVES,
    title: str | bool | None = None,
    brand: str | None = None,
) -> Figure:
    """Each touchpoint's share of the explained variance, one panel per wave, side by side.

    Rows are in the order of the latest wave (most important on top), the same in every
    panel, so a touchpoint's bar can be followed across the waves.

    Parameters
    ----------
    table : DataFrame
        Long format, one row per wave and driver (``Results.importance_waves``): ``wave``,
        ``driver``, ``share`` (0..1); optionally ``label``, ``share_ci_low`` /
        ``share_ci_high`` (whiskers, where the wave was bootstrapped). A touchpoint
        without a row in a wave is a gap marked "–".
    fig : Figure, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    max_waves : int, default 5
        Show the latest waves, at most this many (a footnote says so).
    title : str or bool, optional
        Title (``False`` for none, e.g. on a slide that has its own).
    brand : str, optional
        Colour of the latest wave (earlier waves are lighter).

    Returns
    -------
    Figure
    """
    check_lang("importance_waves", lang)
    if isinstance(max_waves, bool) or not isinstance(max_waves, int) or max_waves < 1:
        raise ParameterError(
            "The 'max_waves' parameter of importance_waves must be a positive whole number. "
            f"Got {max_waves!r} instead."
        )
    colour = _brand(brand)
    title = _clean_title(title)
    frame = _frame(table, "importance_waves")
    _require(frame, ["wave", "driver", "share"], "importance_waves")
    frame = frame.assign(driver=frame["driver"].astype(str), wave=frame["wave"].astype(str))
    frame["_label"] = _labels(frame, "label", "driver", lang)
    all_waves = list(dict.fromkeys(frame["wave"]))
    waves = all_waves[-max_waves:]
    share = frame.pivot_table(index="driver", columns="wave", values="share", dropna=False)
    share = share.reindex(columns=waves)
    latest = share[waves[-1]].fillna(-1.0)
    best = share.max(axis=1).fillna(-1.0)
    order = sorted(share.index, key=lambda k: (-latest[k], -best[k]))
    share = share.reindex(index=order)
    has_ci = {"share_ci_low", "share_ci_high"} <= set(frame.columns)
    if has_ci:
        low = frame.pivot_table(index="driver", columns="wave", values="share_ci_low",
                                dropna=False).reindex(index=order, columns=waves)  # fmt: skip
        high = frame.pivot_table(index="driver", columns="wave", values="share_ci_high",
                                 dropna=False).reindex(index=order, columns=waves)  # fmt: skip
    names = frame.drop_duplicates("driver").set_index("driver")["_label"]
    count = len(order)
    size, grow = _row_metrics(count)
    values = share.to_numpy(dtype=float) * 100
    top = np.nanmax(values) if np.isfinite(values).any() else 1.0
    if has_ci:
        top = max(top, np.nanmax(np.append(high.to_numpy(dtype=float) * 100, top)))
    y = np.arange(count)

    fig = _figure(fig, "importance_waves")
    axes = np.atleast_1d(fig.subplots(1, len(waves), sharey=True, squeeze=False)).ravel()
    bootstrapped = []
    for j, (ax, wave) in enumerate(zip(axes, waves, strict=True)):
        _style_axes(ax, grid="x")
        column = values[:, j]
        current = j == len(waves) - 1
        fill = colour if current else _tint(colour, 0.4 + 0.35 * (j + 1) / len(waves))
        shown = np.isfinite(column)
        ax.barh(y[shown], column[shown], height=0.68, color=fill, zorder=2)
        if has_ci:
            lo = low[wave].to_numpy(dtype=float) * 100
            hi = high[wave].to_numpy(dtype=float) * 100
            ok = np.isfinite(lo) & np.isfinite(hi)
            if ok.any():
                bootstrapped.append(_clean(wave))
                ax.hlines(y[ok], lo[ok], hi[ok], color=palette.TEXT, linewidth=1.4 * grow + 0.4,
                          zorder=3)  # fmt: skip
        for i in range(count):
            if shown[i]:
                right = column[i]
                if has_ci and np.isfinite(high[wave].iloc[i]):
                    right = max(right, float(high[wave].iloc[i]) * 100)
                label = fmt(column[i] / 100, kind="percent", lang=lang)
                ax.annotate(label, xy=(right, y[i]), xytext=(4, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=size - 1, color=palette.TEXT,
                            fontweight="bold" if current else "normal")  # fmt: skip
            else:
                ax.annotate("–", xy=(0, y[i]), xytext=(4, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=size, color=palette.MUTED)  # fmt: skip
        ax.set_title(_clean(wave), fontsize=16, fontweight="bold", color=palette.TEXT, loc="left")
        ax.set_xlim(0, top * 1.35)
        _ticks(ax.xaxis, lang, style="percent100", nbins=3)
        ax.tick_params(axis="x", labelsize=11)
        ax.spines["left"].set_visible(False)
    axes[0].set_ylim(count - 0.4, -0.6)
    axes[0].set_yticks(y, [_shorten(str(names[k]), 34) for k in order])
    axes[0].tick_params(axis="y", labelsize=size)
    _head(fig, title, "title_importance_waves", lang)
    notes = [text("chart_importance_waves_note", lang)]
    if bootstrapped:
        notes.append(text("chart_importance_waves_ci", lang, waves=", ".join(bootstrapped)))
    points = [_clean(w) for w in waves if _clean(w) not in bootstrapped]
    if points:
        notes.append(text("chart_importance_waves_points", lang, waves=", ".join(points)))
    if len(waves) < len(all_waves):
        notes.append(text("chart_waves_shown_note", lang, k=len(waves), p=len(all_waves)))
    if bool(np.isnan(values).any()):
        notes.append(text("chart_gap_note", lang))
    _foot(fig, notes)
    return fig

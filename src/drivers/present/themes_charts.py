"""Charts of the open-answer themes: frequency by NPS group, and each theme's NPS impact.

Like :mod:`drivers.present.charts`: each function takes a
:class:`~drivers.stats.themes.ThemeImpact` (or its tidy table), draws on ``ax`` (a new 16:9
slide-size figure when None) and returns the Axes. Nothing is computed here; suppressed
rows (below the privacy floor) are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from drivers.errors import ColumnNotFoundError, ParameterError
from drivers.present import palette
from drivers.present._format import check_lang, fmt, text
from drivers.present.charts import new_figure, use_style

__all__ = ["frequency_by_group", "impact"]

_GROUPS = ("promoter", "passive", "detractor")
_COLOURS = {
    "promoter": palette.PROMOTER,
    "passive": palette.PASSIVE,
    "detractor": palette.DETRACTOR,
}
_TITLE, _LABEL, _TICK, _NOTE = 24, 16, 15, 13


def _axes(ax: Axes | None, func: str) -> Axes:
    if ax is None:
        return new_figure()[1]
    if not isinstance(ax, Axes):
        raise ParameterError(
            f"The 'ax' parameter of {func} must be a matplotlib Axes or None. "
            f"Got {type(ax).__name__} instead."
        )
    return ax


def _table(obj: Any, attribute: str, columns: list[str], func: str) -> pd.DataFrame:
    frame = getattr(obj, attribute, obj)
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"{func} takes a ThemeImpact or its {attribute} table; got {type(obj).__name__}."
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(f"{func}: the table has no column(s) {missing}.")
    if "suppressed" in frame.columns:
        frame = frame[~frame["suppressed"].fillna(False).astype(bool)]
    return frame


def _labels(obj: Any, frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Theme labels in ``lang`` from the result (the table's ``label`` is the codebook's)."""
    labels = dict(zip(frame["theme"], frame["label"], strict=False))
    known = getattr(obj, "labels", None)
    if isinstance(known, dict) and lang in known:
        labels.update({k: v for k, v in known[lang].items() if k in labels})
    return labels


def _style(ax: Axes) -> None:
    ax.set_facecolor("white")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(palette.MUTED)
    ax.tick_params(labelsize=_TICK, labelcolor=palette.TEXT, color=palette.MUTED)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.set_axisbelow(True)
    ax.grid(True, axis="x", color=palette.GRID, linewidth=1.0)
    ax.grid(False, axis="y")


def _title(ax: Axes, title: str | bool | None, key: str, lang: str) -> None:
    if title is None:
        title = text(key, lang)
    if title:
        ax.set_title(str(title), loc="left", fontsize=_TITLE, fontweight="bold",
                     color=palette.TEXT, pad=40)  # fmt: skip


def _note(ax: Axes, note: str) -> None:
    ax.annotate(note, xy=(0, 0), xycoords="axes fraction", xytext=(0, -62),
                textcoords="offset points", ha="left", va="top", fontsize=_NOTE,
                color=palette.MUTED)  # fmt: skip


def frequency_by_group(
    result_or_table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    title: str | bool | None = None,
    top: int | None = 10,
) -> Axes:
    """How often promoters, passives and detractors mention each theme, with intervals.

    Parameters
    ----------
    result_or_table : ThemeImpact or DataFrame
        Its ``frequency`` table: ``theme``, ``label``, ``group``, ``share``, ``ci_low``,
        ``ci_high``.
    ax : Axes, optional
    lang : {"nl", "en"}
    title : str, optional
        ``False`` for none.
    top : int, optional
        The themes mentioned most (in total), most frequent on top.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from drivers import demo
    >>> from drivers.stats.themes import themes, theme_impact
    >>> survey = demo.load(2024)
    >>> result = theme_impact(themes(survey, demo.codebook()), survey, bootstrap=0)
    >>> ax = frequency_by_group(result, lang="en")
    >>> len(ax.get_yticks())
    10
    """
    check_lang("frequency_by_group", lang)
    columns = ["theme", "label", "group", "share", "ci_low", "ci_high"]
    frame = _table(result_or_table, "frequency", columns, "frequency_by_group")
    total = frame[frame["group"] == "total"].sort_values("share", ascending=False)
    order = list(total["theme"])[: top or None]
    labels = _labels(result_or_table, total, lang)
    with use_style():
        ax = _axes(ax, "frequency_by_group")
        _style(ax)
        height = 0.26
        for g, group in enumerate(_GROUPS):
            rows = frame[frame["group"] == group].set_index("theme").reindex(order)
            y = np.arange(len(order)) + (g - 1) * height
            share = rows["share"].to_numpy(float)
            ax.barh(y, np.nan_to_num(share) * 100, height=height * 0.92,
                    color=_COLOURS[group], linewidth=0, zorder=2)  # fmt: skip
            low, high = rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float)
            ok = np.isfinite(share) & np.isfinite(low) & np.isfinite(high)
            ax.errorbar(share[ok] * 100, y[ok],
                        xerr=[(share[ok] - low[ok]) * 100, (high[ok] - share[ok]) * 100],
                        fmt="none", ecolor=palette.TEXT, elinewidth=1.0, capsize=3,
                        zorder=3)  # fmt: skip
        ax.set_yticks(np.arange(len(order)), [labels[k] for k in order])
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.xaxis.set_major_formatter(lambda v, _: fmt(v / 100, kind="percent", lang=lang))
        ax.set_xlabel(text("theme_share_axis", lang), fontsize=_LABEL)
        handles = [Patch(color=_COLOURS[g]) for g in _GROUPS]
        ax.legend(handles, [text(f"{g}s", lang) for g in _GROUPS], loc="lower left",
                  bbox_to_anchor=(0, 1), ncols=3, frameon=False, fontsize=_TICK)  # fmt: skip
        _title(ax, title, "title_theme_frequency", lang)
        _note(ax, text("theme_frequency_note", lang))
    return ax


def impact(
    result_or_table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    title: str | bool | None = None,
    adjusted: bool = True,
) -> Axes:
    """Each theme's NPS gap (mentioners minus the rest) and grade-adjusted effect, with CIs.

    Parameters
    ----------
    result_or_table : ThemeImpact or DataFrame
        Its ``table``: ``theme``, ``label``, ``nps_gap``, ``gap_ci_low``, ``gap_ci_high``
        and, for the adjusted estimate, ``adjusted``, ``adjusted_ci_low``,
        ``adjusted_ci_high``.
    ax : Axes, optional
    lang : {"nl", "en"}
    title : str, optional
        ``False`` for none.
    adjusted : bool, default True
        Also draw the estimate adjusted for the touchpoint grades (a second marker).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from drivers import demo
    >>> from drivers.stats.themes import themes, theme_impact
    >>> survey = demo.load(2024)
    >>> result = theme_impact(themes(survey, demo.codebook()), survey, bootstrap=20)
    >>> ax = impact(result)
    >>> ax.get_xlabel()
    'NPS-punten: noemers min overige respondenten'
    """
    check_lang("impact", lang)
    columns = ["theme", "label", "nps_gap", "gap_ci_low", "gap_ci_high"]
    frame = _table(result_or_table, "table", columns, "impact")
    frame = frame.sort_values("nps_gap", ascending=False).reset_index(drop=True)
    series = [("nps_gap", "gap_ci_low", "gap_ci_high", palette.brand(None), "theme_nps_gap")]
    if adjusted and "adjusted" in frame.columns:
        series.append(
            ("adjusted", "adjusted_ci_low", "adjusted_ci_high", palette.MUTED, "theme_adjusted")
        )
    with use_style():
        ax = _axes(ax, "impact")
        _style(ax)
        y = np.arange(len(frame), dtype=float)
        handles, names = [], []
        for s, (value, low, high, colour, key) in enumerate(series):
            offset = (s - (len(series) - 1) / 2) * 0.3
            v = frame[value].to_numpy(float)
            lo, hi = frame[low].to_numpy(float), frame[high].to_numpy(float)
            ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(v)
            ax.errorbar(v[ok], y[ok] + offset, xerr=[v[ok] - lo[ok], hi[ok] - v[ok]],
                        fmt="none", ecolor=colour, elinewidth=2, capsize=4, zorder=2)  # fmt: skip
            handle = ax.scatter(v, y + offset, s=90, color=colour, zorder=3)
            handles.append(handle)
            names.append(text(key, lang))
            if s == 0:
                for yi, vi in zip(y, v, strict=True):
                    if np.isfinite(vi):
                        ax.annotate(fmt(vi, kind="nps", lang=lang), xy=(vi, yi + offset),
                                    xytext=(0, 10), textcoords="offset points", ha="center",
                                    va="bottom", fontsize=_NOTE, color=palette.TEXT)  # fmt: skip
        ax.axvline(0, color=palette.RULE, linewidth=1.2, zorder=1)
        labels = _labels(result_or_table, frame, lang)
        ax.set_yticks(y, [labels[k] for k in frame["theme"]])
        ax.set_ylim(len(frame) - 0.5, -0.5)
        ax.xaxis.set_major_formatter(lambda v, _: fmt(v, kind="nps", lang=lang))
        ax.set_xlabel(text("theme_impact_axis", lang), fontsize=_LABEL)
        ax.legend(handles, names, loc="lower left", bbox_to_anchor=(0, 1), ncols=len(handles),
                  frameon=False, fontsize=_TICK)  # fmt: skip
        _title(ax, title, "title_theme_impact", lang)
        draws = getattr(result_or_table, "bootstrap", None)
        n = getattr(result_or_table, "n", None)
        if draws and n:
            _note(
                ax,
                text("theme_whiskers_note", lang, draws=draws, n=fmt(n, kind="count", lang=lang)),
            )
    return ax

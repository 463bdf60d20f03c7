"""NPS charts: stacked promoter / passive / detractor bars per group, and the 0..10 scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from drivers.errors import DataError, ParameterError
from drivers.present import palette
from drivers.present._format import check_lang, fmt, text
from drivers.present.charts._base import (
    _HEADER_ROW,
    _LABEL,
    _NOTE,
    _VALUE,
    _axes,
    _brand,
    _clean,
    _clean_title,
    _column_header,
    _finite,
    _flags,
    _footnote,
    _frame,
    _legend_above,
    _numbers,
    _require,
    _share_label,
    _style_axes,
    _titles,
    _with_n,
)
from drivers.stats.nps import STANDARD

__all__ = ["nps_bar", "score_distribution"]

_CLASSES = ("detractor", "passive", "promoter")


def _class_label(cls: str, lang: str, low: float, high: float) -> str:
    """ "Promoters (9–10)"."""
    span = fmt(low, kind="count", lang=lang)
    if high != low:
        span += "\u2013" + fmt(high, kind="count", lang=lang)
    return text("chart_class_range", lang, label=text(cls + "s", lang), range=span)


# --------------------------------------------------------------------------- 1. NPS bar


def _nps_rows(data: Any, group_col: str, lang: str) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame) and not isinstance(
        getattr(data, "table", None), pd.DataFrame
    ):
        needed = ("nps", "promoters", "passives", "detractors")
        if all(hasattr(data, a) for a in needed):  # an NPSResult: one bar
            row = {a: getattr(data, a) for a in needed}
            row["n"] = getattr(data, "n", np.nan)
            row["ci_low"] = getattr(data, "ci_low", np.nan)
            row["ci_high"] = getattr(data, "ci_high", np.nan)
            row[group_col] = getattr(data, "label", None) or text("total", lang)
            return pd.DataFrame([row])
    table = _frame(data, "nps_bar")
    _require(table, [group_col, "promoters", "passives", "detractors", "nps"], "nps_bar")
    return table


def _benchmark(benchmark: Any, lang: str) -> tuple[float, str] | None:
    if benchmark is None:
        return None
    label: Any = text("benchmark", lang)
    value = benchmark
    if isinstance(benchmark, Mapping) and len(benchmark) == 1:
        ((label, value),) = benchmark.items()
    elif isinstance(benchmark, tuple | list) and len(benchmark) == 2:
        label, value = benchmark
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = float("nan")
    if not np.isfinite(value):
        raise ParameterError(
            "The 'benchmark' parameter of nps_bar must be a number, a (label, number) pair or "
            f"a one-item dict {{label: number}}. Got {benchmark!r} instead."
        )
    return value, _clean(label)


def nps_bar(
    table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    benchmark: float | tuple[str, float] | Mapping[str, float] | None = None,
    group_col: str = "group",
    title: str | bool | None = None,
    subtitle: str | None = None,
    show_n: bool = True,
    small_base_n: int = 30,
    min_n: int = 5,
    brand: str | None = None,
    cutoffs: Any = None,
) -> Axes:
    """Stacked detractor / passive / promoter bars per group, with the NPS beside each bar.

    Parameters
    ----------
    table : DataFrame, result with ``.table``, or NPSResult
        An ``nps_table`` (``group``, ``n``, ``promoters``, ``passives``, ``detractors``,
        ``nps``, optionally ``ci_low``, ``ci_high``, ``small_base``, ``suppressed``), one row
        per segment or wave, drawn top to bottom in table order; or a single NPS result
        (attributes ``nps``, ``promoters``, ``passives``, ``detractors``, ``n``).
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    benchmark : float, (label, float) or {label: float}, optional
        A reference NPS drawn as a dashed line beside the NPS bars, e.g.
        ``("Benchmark groothandel", 29)``.
    group_col : str, default "group"
        Column with the row names.
    title, subtitle : str, optional
        Title (default "Net Promoter Score"; ``False`` for none) and subtitle.
    show_n : bool, default True
        Add "(n = 212)" to each row name.
    small_base_n, min_n : int
        Thresholds quoted in the notes for rows flagged ``small_base`` (marked "*") and
        ``suppressed`` (shown as "n < 5", without numbers). The flags come from the table.
    brand : str, optional
        Colour of the NPS bars (default: the house colour
        :data:`~drivers.present.palette.DEFAULT_BRAND`; ``palette.set_brand`` is ignored).
    cutoffs : Cutoffs, optional
        The NPS cut-offs quoted in the legend (default 9-10 and 0-6; a run's are
        ``Results.cutoffs``).

    Returns
    -------
    Axes
    """
    check_lang("nps_bar", lang)
    colour = _brand(brand)
    bench = _benchmark(benchmark, lang)
    rows = _nps_rows(table, group_col, lang)
    ax = _axes(ax, "nps_bar")
    _style_axes(ax)
    _draw_nps_bar(ax, rows, group_col, lang, bench, colour, show_n, small_base_n, min_n, cutoffs)
    _titles(ax, _clean_title(title), _clean_title(subtitle), "title_nps_bar", lang,
            header=_HEADER_ROW)  # fmt: skip
    return ax


def _draw_nps_bar(
    ax, rows, group_col, lang, bench, colour, show_n, small_base_n, min_n, cutoffs
) -> None:
    count = len(rows)
    shares = {c: _numbers(rows, c + "s") for c in _CLASSES}
    nps_values = _numbers(rows, "nps")
    ci_low = _numbers(rows, "ci_low") if "ci_low" in rows.columns else np.full(count, np.nan)
    ci_high = _numbers(rows, "ci_high") if "ci_high" in rows.columns else np.full(count, np.nan)
    n = _numbers(rows, "n") if "n" in rows.columns else np.full(count, np.nan)
    small = _flags(rows, "small_base")
    # Never show numbers of a suppressed row, also when the flag is missing but numbers are.
    suppressed = _flags(rows, "suppressed") | ~np.isfinite(nps_values)
    y = np.arange(count, dtype=float)
    height = 0.62

    # stacked shares on 0..100
    left = np.zeros(count)
    class_colours = palette.CATEGORY_COLOURS
    for cls in _CLASSES:
        width = np.where(suppressed, 0.0, np.nan_to_num(shares[cls]) * 100)
        ax.barh(y, width, left=left, height=height, color=class_colours[cls], linewidth=0)
        ink = palette.text_colour_on(class_colours[cls])
        for i in np.flatnonzero(~suppressed):
            if width[i] >= 7:  # room for "34%" at 14 pt
                share = fmt(shares[cls][i], kind="percent", lang=lang)
                ax.text(left[i] + width[i] / 2, y[i], share,
                        ha="center", va="center", fontsize=_NOTE, color=ink)  # fmt: skip
        left = left + width
    for i in np.flatnonzero(suppressed):
        ax.text(1.0, y[i], text("suppressed", lang, n=min_n), ha="left", va="center",
                fontsize=_VALUE, style="italic", color=palette.MUTED)  # fmt: skip

    # NPS beside the bars: a small bar from zero per row, on its own scale (106..132)
    start, span = 106.0, 26.0
    values = _finite(nps_values[~suppressed], ci_low[~suppressed], ci_high[~suppressed],
                     [bench[0]] if bench else [], [0.0])  # fmt: skip
    low, high = float(values.min()), float(values.max())
    if high - low < 20:
        low, high = low - (20 - (high - low)) / 2, high + (20 - (high - low)) / 2
    pad = 0.06 * (high - low)
    low, high = low - pad, high + pad
    scale = span / (high - low)

    def at(v: Any) -> Any:
        return start + (np.asarray(v, dtype=float) - low) * scale

    zero = float(at(0.0))
    top, bottom = -0.5, count - 0.5
    ax.vlines(zero, top + 0.08, bottom - 0.08, color=palette.RULE, linewidth=1.0, zorder=1)
    shown = ~suppressed
    ax.barh(y[shown], at(nps_values[shown]) - zero, left=zero, height=0.36, color=colour,
            linewidth=0, zorder=2)  # fmt: skip
    has_ci = shown & np.isfinite(ci_low) & np.isfinite(ci_high)
    if has_ci.any():
        ax.hlines(y[has_ci], at(ci_low[has_ci]), at(ci_high[has_ci]), color=palette.TEXT,
                  linewidth=1.5, zorder=3)  # fmt: skip
        for end in (ci_low, ci_high):
            ax.vlines(at(end[has_ci]), y[has_ci] - 0.1, y[has_ci] + 0.1, color=palette.TEXT,
                      linewidth=1.5, zorder=3)  # fmt: skip
    extra = 0.0
    if bench:
        value, label = bench
        ax.vlines(float(at(value)), top + 0.02, bottom - 0.02, color=palette.TEXT,
                  linestyles=(0, (4, 3)), linewidth=1.6, zorder=4)  # fmt: skip
        bench_text = fmt(value, kind="nps", lang=lang)
        ax.text(float(at(value)), bottom + 0.08,
                text("chart_benchmark_value", lang, label=label, value=bench_text),
                ha="center", va="top", fontsize=_NOTE, color=palette.TEXT)  # fmt: skip
        extra = 0.55

    # NPS numbers in a column right of the axes
    column_x = 58
    for i in np.flatnonzero(shown):
        ax.annotate(fmt(nps_values[i], kind="nps", lang=lang), xy=(1, y[i]),
                    xycoords=("axes fraction", "data"), xytext=(column_x, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=_LABEL + 2,
                    fontweight="bold", color=palette.TEXT)  # fmt: skip
    _column_header(ax, text("nps", lang), column_x)

    # rows top to bottom, right under the legend; room for four rows at least, so one or
    # two bars do not become slabs
    rows_tall = max(count, 4)
    margin = rows_tall - count
    ax.set_ylim(bottom + max(margin, extra), top)
    ax.set_xlim(0, start + span + 1)
    names = [_with_n(_clean(v), n[i], lang, show_n) for i, v in enumerate(rows[group_col])]
    marked = small & ~suppressed
    ax.set_yticks(y, [
        text("chart_marked", lang, label=name) if marked[i] else name
        for i, name in enumerate(names)
    ])  # fmt: skip
    # the shares are printed on the bars: no x axis to read them from
    ax.set_xticks([])
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_visible(False)
    handles = [Patch(facecolor=class_colours[c], linewidth=0) for c in _CLASSES]
    ranges = (cutoffs or STANDARD).ranges()
    labels = [_class_label(c, lang, *ranges[c]) for c in _CLASSES]
    _legend_above(ax, handles, labels)
    notes = []
    if marked.any():
        notes.append(text("small_base_note", lang, n=small_base_n))
    if has_ci.any():
        notes.append(text("nps_ci_note", lang))
    _footnote(ax, notes)


# --------------------------------------------------------------------------- 2. distribution


def score_distribution(
    table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    title: str | bool | None = None,
    subtitle: str | None = None,
    n: int | None = None,
    brand: str | None = None,
) -> Axes:
    """Bars for the scores 0..10, coloured detractor / passive / promoter, share on each bar.

    Shows what the net number hides: a 0 and a 6 weigh the same in the NPS.

    Parameters
    ----------
    table : DataFrame or result with ``.table``
        A ``score_distribution`` table: ``score`` (0..10), ``share`` (0..1), ``category``
        ("detractor", "passive", "promoter"); ``count`` is not needed.
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    title, subtitle : str, optional
        Title (``False`` for none) and subtitle (default: what 0 and 10 mean).
    n : int, optional
        Respondents behind the table, quoted in the subtitle.
    brand : str, optional
        Accepted (and checked) like every chart's; the bars keep the fixed class colours.

    Returns
    -------
    Axes
    """
    check_lang("score_distribution", lang)
    _brand(brand)
    frame = _frame(table, "score_distribution")
    _require(frame, ["score", "share", "category"], "score_distribution")
    unknown = sorted(set(map(str, frame["category"])) - set(_CLASSES))
    if unknown:
        raise DataError(
            f"score_distribution: column 'category' has {unknown}; expected {list(_CLASSES)}."
        )
    title, subtitle = _clean_title(title), _clean_title(subtitle)
    if subtitle is None:
        subtitle = text("score_axis", lang)
        if n is not None:
            subtitle = text("chart_with_n", lang, text=subtitle, n=fmt(n, kind="count", lang=lang))
    ax = _axes(ax, "score_distribution")
    _style_axes(ax)
    scores = _numbers(frame, "score")
    shares = np.nan_to_num(_numbers(frame, "share"))
    categories = [str(c) for c in frame["category"]]
    colours = [palette.CATEGORY_COLOURS[c] for c in categories]
    ax.bar(scores, shares, width=0.72, color=colours, linewidth=0)
    for x, share in zip(scores, shares, strict=True):
        ax.annotate(_share_label(share, lang), xy=(x, share), xytext=(0, 5),
                    textcoords="offset points", ha="center", va="bottom",
                    fontsize=_VALUE, color=palette.TEXT)  # fmt: skip
    ax.set_xlim(-0.6, 10.6)
    ax.set_ylim(0, max(float(shares.max()), 0.01) * 1.16)
    ax.set_xticks(range(11), [fmt(s, kind="count", lang=lang) for s in range(11)])
    ax.tick_params(axis="x", length=0, pad=8)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_color(palette.RULE)
    # class brackets under the score labels
    below = blended_transform_factory(ax.transData, ax.transAxes) + ScaledTranslation(
        0, -36 / 72, ax.figure.dpi_scale_trans
    )
    for cls in _CLASSES:
        members = scores[[c == cls for c in categories]]
        if members.size == 0:
            continue
        lo, hi = float(members.min()), float(members.max())
        ax.add_line(Line2D([lo - 0.36, hi + 0.36], [0, 0], transform=below,
                           color=palette.CATEGORY_COLOURS[cls], linewidth=5,
                           solid_capstyle="butt", clip_on=False))  # fmt: skip
        ax.annotate(_class_label(cls, lang, lo, hi), xy=((lo + hi) / 2, 0),
                    xycoords=("data", "axes fraction"), xytext=(0, -44),
                    textcoords="offset points", ha="center", va="top", fontsize=_LABEL,
                    fontweight="bold", color=palette.TEXT)  # fmt: skip
    _titles(ax, title, subtitle, "title_score_distribution", lang)
    return ax

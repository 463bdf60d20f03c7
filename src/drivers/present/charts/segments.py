"""Importance by segment as a heat table: touchpoints down, segment groups across.

Each cell is a touchpoint's share of the importance within one group (the columns of a
group sum to 100%), tinted by its size; a cell that differs significantly from the rest
of the customers (Benjamini-Hochberg corrected) is outlined and carries ▲ (higher) or
▼ (lower). Many segment variables or touchpoints are split over pages with
:func:`segment_pages`: one chart per page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from drivers.errors import ParameterError
from drivers.present import palette
from drivers.present._format import check_lang, fmt, text
from drivers.present._methods import method_name
from drivers.present.charts._base import (
    _MIN_TYPE,
    _TICK,
    _axes,
    _brand,
    _clean,
    _clean_title,
    _footnote,
    _frame,
    _require,
    _tint,
    _titles,
)

__all__ = ["segment_importance", "segment_pages"]

#: At most this many group columns and touchpoint rows on one slide.
MAX_COLUMNS = 12
MAX_ROWS = 15

_COLUMNS = ("segment", "group", "driver", "share", "significant", "difference", "n")
_UP, _DOWN = "\u25b2", "\u25bc"


def _table(result_or_table: Any, func: str) -> pd.DataFrame:
    frame = _frame(result_or_table, func, "result_or_table")
    _require(frame, list(_COLUMNS), func)
    return frame


def _driver_order(frame: pd.DataFrame, order: Sequence[str] | None) -> list[str]:
    present = list(dict.fromkeys(frame["driver"].astype(str)))
    if order is None:
        return present
    first = [str(k) for k in order if str(k) in set(present)]
    return first + [k for k in present if k not in set(first)]


def segment_pages(
    result_or_table: Any,
    *,
    order: Sequence[str] | None = None,
    max_columns: int = MAX_COLUMNS,
    max_rows: int = MAX_ROWS,
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """How to split a heat table over slides: ``(segments, drivers)`` per page.

    Segment variables are packed whole into pages of at most ``max_columns`` groups (a
    variable with more groups gets a page of its own); touchpoints are cut into runs of
    at most ``max_rows`` in ``order``. Every page is one call of
    :func:`segment_importance` with ``segments=`` and ``drivers=``.

    Parameters
    ----------
    result_or_table : SegmentDrivers or its table
    order : sequence of str, optional
        Touchpoint keys in display order (e.g. the headline ranking); default the
        table's order.
    max_columns, max_rows : int

    Returns
    -------
    list of (tuple of str, tuple of str)
    """
    frame = _table(result_or_table, "segment_pages")
    for name, value in (("max_columns", max_columns), ("max_rows", max_rows)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ParameterError(
                f"The '{name}' parameter of segment_pages must be a whole number ≥ 1. "
                f"Got {value!r} instead."
            )
    groups = frame.drop_duplicates(["segment", "group"]).groupby("segment", sort=False).size()
    column_pages: list[list[str]] = []
    width = 0
    for segment, count in groups.items():
        if column_pages and width + count <= max_columns:
            column_pages[-1].append(str(segment))
            width += count
        else:
            column_pages.append([str(segment)])
            width = count
    drivers = _driver_order(frame, order)
    row_pages = [drivers[i : i + max_rows] for i in range(0, len(drivers), max_rows)]
    return [(tuple(c), tuple(r)) for c in column_pages for r in row_pages]


def segment_importance(
    result_or_table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    title: str | bool | None = None,
    subtitle: str | None = None,
    segments: Sequence[str] | None = None,
    drivers: Sequence[str] | None = None,
    labels: dict[str, str] | None = None,
    brand: str | None = None,
) -> Axes:
    """Heat table of importance shares per segment group, significant differences marked.

    Parameters
    ----------
    result_or_table : SegmentDrivers or DataFrame
        From :func:`drivers.stats.segments.compare_segments` (or its table): ``segment``,
        ``group``, ``driver``, ``share``, ``significant``, ``difference``, ``n``,
        optional ``label``. Its ``bootstrap``, ``alpha`` and ``not_analysed`` (when it
        is the result) go into the footnote.
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
    title, subtitle : str, optional
        Title (``False`` for none) and subtitle.
    segments : sequence of str, optional
        Segment variables to draw (a page of :func:`segment_pages`); default all.
    drivers : sequence of str, optional
        Touchpoint keys to draw, in this order; default all, in the table's order.
    labels : dict, optional
        Touchpoint key -> display label (default the table's ``label``).
    brand : str, optional
        Cell colour (default the house colour).

    Returns
    -------
    Axes
    """
    func = "segment_importance"
    check_lang(func, lang)
    colour = _brand(brand)
    title, subtitle = _clean_title(title), _clean_title(subtitle)
    frame = _table(result_or_table, func)
    if segments is not None:
        frame = frame[frame["segment"].isin([str(s) for s in segments])]
    keys = _driver_order(frame, drivers)
    if drivers is not None:
        keys = [k for k in keys if k in {str(d) for d in drivers}]
    if frame.empty or not keys:
        raise ParameterError(f"{func}: no segment group or touchpoint left to draw.")
    columns = list(
        frame.drop_duplicates(["segment", "group"])[["segment", "group", "n"]].itertuples(
            index=False
        )
    )
    names = dict(
        zip(
            frame["driver"].astype(str),
            frame.get("label", frame["driver"]).astype(str),
            strict=False,
        )
    )
    if labels:
        names.update({str(k): str(v) for k, v in labels.items()})
    cells = frame.set_index(["segment", "group", "driver"])
    top = float(np.nanmax(frame["share"].to_numpy(dtype=float))) or 1.0

    rows, count = len(keys), len(columns)
    size = float(min(_TICK, max(_MIN_TYPE, 0.8 * 380.0 / max(rows, 12))))
    cell_size = float(min(size, max(_MIN_TYPE, _TICK * 10 / max(count, 10))))
    ax = _axes(ax, func)
    ax.set_xlim(-0.5, count - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="both", length=0)
    for j, col in enumerate(columns):
        for i, key in enumerate(keys):
            at = (col.segment, col.group, key)
            if at not in cells.index:
                continue
            row = cells.loc[at]
            share = float(row["share"])
            amount = 0.08 + 0.8 * max(share, 0.0) / top if np.isfinite(share) else 0.0
            face = _tint(colour, amount)
            significant = bool(row["significant"]) if pd.notna(row["significant"]) else False
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5), 1, 1, facecolor=face, edgecolor="white", linewidth=1.5,
                    zorder=1,
                )
            )  # fmt: skip
            shown = fmt(share, kind="percent", lang=lang)
            if significant:
                shown += " " + (_UP if float(row["difference"]) > 0 else _DOWN)
                ax.add_patch(
                    Rectangle(
                        (j - 0.44, i - 0.44), 0.88, 0.88, facecolor="none",
                        edgecolor=palette.TEXT, linewidth=2.2, zorder=3,
                    )
                )  # fmt: skip
            ink = palette.text_colour_on(_hex(face))
            ax.text(j, i, shown, ha="center", va="center", fontsize=cell_size, color=ink,
                    fontweight="bold" if significant else "normal", zorder=4)  # fmt: skip
    ax.set_yticks(np.arange(rows), [_clean(names.get(k, k)) for k in keys], fontsize=size)
    ax.xaxis.tick_top()
    header = [
        f"{_clean(col.group)}\n{text('chart_n', lang, n=fmt(col.n, kind='count', lang=lang))}"
        for col in columns
    ]
    ax.set_xticks(np.arange(count), header, fontsize=cell_size, color=palette.TEXT)
    # the segment variable's name above its groups
    spans: dict[str, list[int]] = {}
    for j, col in enumerate(columns):
        spans.setdefault(str(col.segment), []).append(j)
    header_pt = 2 * cell_size * 1.25 + 10
    for segment, at in spans.items():
        middle = (at[0] + at[-1]) / 2
        ax.annotate(
            _clean(segment), xy=(middle, 1), xycoords=("data", "axes fraction"),
            xytext=(0, header_pt), textcoords="offset points", ha="center", va="bottom",
            fontsize=cell_size, fontweight="bold", color=palette.TEXT,
        )  # fmt: skip
        if len(spans) > 1 and at[0] > 0:
            ax.axvline(at[0] - 0.5, color=palette.RULE, linewidth=1.2, zorder=5)
    result = result_or_table if not isinstance(result_or_table, pd.DataFrame) else None
    notes = [text("chart_segments_note", lang)]
    bootstrap, alpha = getattr(result, "bootstrap", None), getattr(result, "alpha", None)
    if bootstrap and alpha:
        notes.append(
            text(
                "chart_segments_test",
                lang,
                method=method_name(result.method, lang),
                up=_UP,
                down=_DOWN,
                n=fmt(bootstrap, kind="count", lang=lang),
                alpha=fmt(alpha, kind="percent", lang=lang),
            )
        )
    if getattr(result, "sampled_from", None):
        notes.append(
            text(
                "chart_segments_sampled",
                lang,
                rows=fmt(result.rows, kind="count", lang=lang),
                total=fmt(result.sampled_from, kind="count", lang=lang),
            )
        )
    skipped = [
        f"{g} ({s})"
        for s, g in getattr(result, "not_analysed", ())
        if segments is None or s in segments
    ]
    if skipped:
        notes.append(
            text(
                "chart_segments_not_analysed",
                lang,
                groups=", ".join(_clean(g) for g in skipped),
                min_n=fmt(getattr(result, "min_n", 30), kind="count", lang=lang),
            )
        )
    _footnote(ax, notes)
    _titles(
        ax, title, subtitle, "title_segment_importance", lang, header=header_pt + cell_size * 1.3
    )
    return ax


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(255 * v):02X}" for v in rgb)

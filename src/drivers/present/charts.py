"""Slide-ready charts in one house style.

Every chart takes a result object (anything with a ``.table``) or one of the tidy tables
of ``docs/CONTRACT.md``, draws on ``ax`` (a new 16:9 slide-size figure when ``ax`` is
None) and returns the Axes. Charts compute nothing statistical: they place what the
table says. Display text is Dutch or English (``lang``), numbers use a decimal comma in
Dutch; touchpoint and group names come from the table's ``label`` / ``group`` column.
:func:`save` writes PNG (exact slide size) and SVG (text kept as text).

The look lives in ``drivers/data/house.mplstyle`` (fonts, sizes, axes) and
:mod:`drivers.present.palette` (colours; the client's brand colour via :func:`set_brand`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox, ScaledTranslation, blended_transform_factory

from drivers.errors import ColumnNotFoundError, DataError, ParameterError, check_option, closest
from drivers.present import palette
from drivers.present._format import (
    TEXT,
    check_lang,
    fmt_count,
    fmt_number,
    fmt_percent,
    fmt_signed,
    text,
)
from drivers.present.palette import DETRACTOR, PASSIVE, PROMOTER, get_brand, set_brand

__all__ = [
    "SLIDE_SIZE",
    "STYLE_PATH",
    "DETRACTOR",
    "PASSIVE",
    "PROMOTER",
    "set_brand",
    "get_brand",
    "use_style",
    "new_figure",
    "save",
    "nps_bar",
    "score_distribution",
    "touchpoint_grades",
    "driver_importance",
    "priority_matrix",
    "matrix_movement",
    "wave_change",
]

#: Width and height in inches of a 16:9 PowerPoint slide.
SLIDE_SIZE = (40 / 3, 7.5)
#: The house matplotlib style shipped with the package.
STYLE_PATH = Path(__file__).resolve().parents[1] / "data" / "house.mplstyle"

# Type sizes in points, for a full-slide figure (see house.mplstyle).
_TITLE = 24
_SUBTITLE = 16
_LABEL = 16
_TICK = 15
_VALUE = 15
_NOTE = 14
_HEADER_ROW = 34.0  # points reserved above the axes for a legend / column-header row

_QUADRANTS = ("improve", "maintain", "monitor", "overkill")
_CLASSES = ("detractor", "passive", "promoter")
_CLASS_RANGES = {"detractor": "0\u20136", "passive": "7\u20138", "promoter": "9\u201310"}
_SAVE_FORMATS = ("png", "svg", "pdf")
# Metadata that would change between runs (date, version) is left out: byte-identical files.
_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


# --------------------------------------------------------------------------- style, figure


@contextlib.contextmanager
def use_style() -> Iterator[None]:
    """Context manager: matplotlib rcParams of the house style inside the ``with`` block.

    Examples
    --------
    >>> from drivers import charts
    >>> with charts.use_style():
    ...     pass
    """
    with plt.style.context(str(STYLE_PATH)):
        yield


def new_figure(figsize: tuple[float, float] = SLIDE_SIZE) -> tuple[Figure, Axes]:
    """A new figure at slide size (13.333 × 7.5 in) in the house style, with one Axes.

    Parameters
    ----------
    figsize : (float, float), default ``SLIDE_SIZE``
        Width and height in inches.

    Returns
    -------
    (Figure, Axes)
    """
    with use_style():
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def save(
    fig: Figure | Axes,
    path: str | Path,
    *,
    formats: Sequence[str] | str = ("png", "svg"),
    dpi: int = 200,
) -> list[Path]:
    """Write a chart for a slide deck: PNG at the exact slide size, SVG with editable text.

    Parameters
    ----------
    fig : Figure or Axes
        The chart (an Axes stands for its figure).
    path : str or Path
        Output path; its suffix (if ``.png``, ``.svg`` or ``.pdf``) is replaced per format.
        Missing folders are created.
    formats : sequence of {"png", "svg", "pdf"}, default ("png", "svg")
        Files to write.
    dpi : int, default 200
        Resolution of the PNG. The pixel size is rounded to whole pixels, so a default
        figure gives exactly 2667 × 1500 px at 200 dpi (13.333 in × 200 = 2666.7).

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Notes
    -----
    No ``bbox_inches="tight"`` (the figure keeps its size; the layout is constrained).
    SVG keeps text as ``<text>`` (``svg.fonttype: none``) so it stays editable; run-dependent
    metadata (dates, software version) is left out and SVG ids are salted with a fixed
    string, so saving the same figure twice gives byte-identical files.
    """
    if isinstance(fig, Axes):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise ParameterError(
            f"The 'fig' parameter of save must be a matplotlib Figure or Axes. "
            f"Got {type(fig).__name__} instead."
        )
    if isinstance(formats, str):
        formats = (formats,)
    for fmt in formats:
        check_option("save", "formats", fmt, _SAVE_FORMATS)
    if not isinstance(dpi, (int, float)) or dpi <= 0:
        raise ParameterError(f"The 'dpi' parameter of save must be a positive number. Got {dpi!r}.")
    path = Path(path)
    if path.suffix.lower().lstrip(".") in _SAVE_FORMATS:
        path = path.with_suffix("")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    rc = {"svg.fonttype": "none", "svg.hashsalt": "drivers", "pdf.fonttype": 42}
    # The layout engine's result depends on where the axes start, down to the last bit of a
    # float (and so do the SVG clip-path ids): every format starts from the grid positions,
    # whatever was drawn before, and the figure is left as it was found.
    positions = _positions(fig)
    try:
        with plt.rc_context(rc):
            for fmt in formats:
                _grid_positions(fig)
                out = path.with_name(f"{path.name}.{fmt}")
                if fmt == "png":
                    _save_png(fig, out, dpi)
                else:
                    fig.savefig(
                        out, format=fmt, dpi=dpi, metadata=_METADATA[fmt], facecolor="white"
                    )
                written.append(out)
    finally:
        _restore_positions(positions)
    return written


def _positions(fig: Figure) -> list[tuple[Axes, Bbox, Bbox]]:
    return [
        (ax, ax.get_position(original=True).frozen(), ax.get_position(original=False).frozen())
        for ax in fig.get_axes()
    ]


def _grid_positions(fig: Figure) -> None:
    """Put gridded axes back on their grid cell, the layout engine's starting point."""
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine | TightLayoutEngine):
        return
    for ax in fig.get_axes():
        spec = ax.get_subplotspec()
        if spec is not None and ax.get_in_layout():
            ax._set_position(spec.get_position(fig), which="both")


def _restore_positions(positions: list[tuple[Axes, Bbox, Bbox]]) -> None:
    for ax, original, active in positions:
        # _set_position, not set_position: the public one takes the axes out of the layout
        ax._set_position(original, which="original")
        ax._set_position(active, which="active")


def _save_png(fig: Figure, out: Path, dpi: float) -> None:
    # Agg truncates width × dpi to whole pixels (13.333 in × 200 dpi -> 2666 px); nudge the
    # size to the nearest whole pixel for the duration of the save, then restore it.
    width, height = fig.get_size_inches()
    target = (round(width * dpi) + 0.01) / dpi, (round(height * dpi) + 0.01) / dpi
    try:
        fig.set_size_inches(*target, forward=False)
        fig.savefig(out, format="png", dpi=dpi, metadata=_METADATA["png"], facecolor="white")
    finally:
        fig.set_size_inches(width, height, forward=False)


# --------------------------------------------------------------------------- input helpers


def _frame(obj: Any, func: str, name: str = "table") -> pd.DataFrame:
    """The tidy table of ``obj`` (a DataFrame or anything with a ``.table`` DataFrame)."""
    table = obj
    if not isinstance(table, pd.DataFrame):
        table = getattr(obj, "table", None)
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"The {name!r} parameter of {func} must be a pandas DataFrame or a result with a "
            f"'.table' DataFrame. Got {type(obj).__name__} instead."
        )
    if table.empty:
        raise DataError(f"{func}: the table has no rows; there is nothing to draw.")
    return table.reset_index(drop=True)  # a new frame: the caller's table is never touched


def _require(table: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        available = [str(c) for c in table.columns]
        hints = [h for h in (closest(m, available) for m in missing) if h]
        hint = f" Did you mean {hints[0]!r}?" if hints else ""
        raise ColumnNotFoundError(
            f"{func}: the table has no column {', '.join(repr(m) for m in missing)} "
            f"(columns: {', '.join(available)}).{hint}"
        )


def _labels(table: pd.DataFrame, label_col: str, fallback: str, lang: str) -> list[str]:
    for column in (f"{label_col}_{lang}", label_col, fallback):
        if column in table.columns:
            values = table[column]
            if column != fallback and fallback in table.columns:
                values = values.where(values.notna(), table[fallback])
            return [str(v) for v in values]
    raise ColumnNotFoundError(
        f"The table has neither a {label_col!r} nor a {fallback!r} column "
        f"(columns: {', '.join(str(c) for c in table.columns)})."
    )


def _numbers(table: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)


def _flags(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return table[column].fillna(False).astype(bool).to_numpy()


def _axes(ax: Axes | None, func: str) -> Axes:
    if ax is None:
        _, ax = new_figure()
        return ax
    if not isinstance(ax, Axes):
        raise ParameterError(
            f"The 'ax' parameter of {func} must be a matplotlib Axes or None. "
            f"Got {type(ax).__name__} instead."
        )
    return ax


def _finite(*arrays: Any) -> np.ndarray:
    values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays])
    return values[np.isfinite(values)]


# --------------------------------------------------------------------------- layout helpers


def _style_axes(ax: Axes, *, grid: str | None = None) -> None:
    """House look on any Axes (also one the caller made outside the house style)."""
    ax.set_facecolor("white")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(palette.MUTED)
    ax.tick_params(labelsize=_TICK, labelcolor=palette.TEXT, color=palette.MUTED)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.set_axisbelow(True)
    if grid:
        ax.grid(True, axis=grid, color=palette.GRID, linewidth=1.0)
        ax.grid(False, axis="y" if grid == "x" else "x")
    else:
        ax.grid(False)


def _content_box(ax: Axes) -> Callable[[Any], Bbox]:
    """Callable anchor: the axes plus its tick labels, for titles and footnotes."""

    def box(renderer: Any) -> Bbox:
        parts = [ax.bbox]
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_visible():
                extent = axis.get_tightbbox(renderer)
                if extent is not None and extent.width > 0:
                    parts.append(extent)
        full = Bbox.union(parts)
        return Bbox.from_extents(full.x0, full.y0, ax.bbox.x1, ax.bbox.y1)

    return box


def _titles(
    ax: Axes,
    title: str | bool | None,
    subtitle: str | None,
    default_key: str,
    lang: str,
    *,
    header: float = 0.0,
) -> None:
    """Title and subtitle above the axes, aligned with the leftmost label on the slide.

    ``header`` points above the axes are left free for a legend or column headers.
    """
    anchor = _content_box(ax)
    offset = header + 6
    if subtitle:
        ax.annotate(
            subtitle, xy=(0, 1), xycoords=anchor, xytext=(0, offset), textcoords="offset points",
            ha="left", va="bottom", fontsize=_SUBTITLE, color=palette.MUTED,
        )  # fmt: skip
        offset += _SUBTITLE * 1.25 * (subtitle.count("\n") + 1) + 4
    if title is None:
        title = text(default_key, lang)
    if title:
        ax.annotate(
            str(title), xy=(0, 1), xycoords=anchor, xytext=(0, offset + 2),
            textcoords="offset points", ha="left", va="bottom", fontsize=_TITLE,
            fontweight="bold", color=palette.TEXT,
        )  # fmt: skip


def _footnote(ax: Axes, lines: Sequence[str]) -> None:
    lines = [line for line in lines if line]
    if not lines:
        return
    ax.annotate(
        "\n".join(lines), xy=(0, 0), xycoords=_content_box(ax), xytext=(0, -10),
        textcoords="offset points", ha="left", va="top", fontsize=_NOTE, color=palette.MUTED,
        linespacing=1.4,
    )  # fmt: skip


def _legend_above(ax: Axes, handles: Sequence[Any], labels: Sequence[str]) -> None:
    ax.legend(
        handles, labels, loc="lower left", bbox_to_anchor=(0, 1), ncols=len(handles),
        frameon=False, fontsize=_TICK, borderaxespad=0.3, borderpad=0.2, handlelength=1.3,
        handletextpad=0.5, columnspacing=1.6, labelcolor=palette.TEXT,
    )  # fmt: skip


def _column_header(ax: Axes, label: str, dx: float, ha: str = "right") -> None:
    """Bold header of a column of numbers drawn right of the axes."""
    ax.annotate(
        label, xy=(1, 1), xycoords="axes fraction", xytext=(dx, 8), textcoords="offset points",
        ha=ha, va="bottom", fontsize=_LABEL, fontweight="bold", color=palette.TEXT,
    )  # fmt: skip


def _decimals(step: float) -> int:
    if not np.isfinite(step) or step <= 0:
        return 1
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _ticks(axis: Any, lang: str, *, style: str = "number", nbins: int = 6) -> None:
    """Nice fixed ticks for the current limits, labelled in ``lang`` (decimal comma in Dutch).

    ``style``: "number", "percent" (values are shares 0..1), "percent100" (values are
    already percentages) or "signed" (NPS points: "+20").
    """
    low, high = axis.get_view_interval()
    tolerance = 1e-9 * max(abs(high - low), 1e-12)
    ticks = MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10]).tick_values(low, high)
    ticks = [float(t) for t in ticks if low - tolerance <= t <= high + tolerance]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    if style == "percent":
        labels = [fmt_percent(t, lang, decimals=_decimals(step * 100)) for t in ticks]
    elif style == "percent100":
        labels = [fmt_percent(t / 100, lang, decimals=_decimals(step)) for t in ticks]
    elif style == "signed":
        labels = [fmt_signed(t, lang, decimals=_decimals(step)) for t in ticks]
    else:
        labels = [fmt_number(t, decimals=_decimals(step), lang=lang) for t in ticks]
    axis.set_ticks(ticks, labels)


def _with_n(label: str, n: float, lang: str, show_n: bool) -> str:
    if show_n and n is not None and np.isfinite(n):
        return f"{label} (n = {fmt_count(n, lang)})"
    return label


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
    label = text("benchmark", lang)
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
    return value, str(label)


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
        Colour of the NPS bars (default: the brand colour, see :func:`set_brand`).

    Returns
    -------
    Axes
    """
    check_lang("nps_bar", lang)
    colour = palette.brand(brand)
    bench = _benchmark(benchmark, lang)
    rows = _nps_rows(table, group_col, lang)
    with use_style():
        ax = _axes(ax, "nps_bar")
        _style_axes(ax)
        _draw_nps_bar(ax, rows, group_col, lang, bench, colour, show_n, small_base_n, min_n)
        _titles(ax, title, subtitle, "title_nps_bar", lang, header=_HEADER_ROW)
    return ax


def _draw_nps_bar(ax, rows, group_col, lang, bench, colour, show_n, small_base_n, min_n) -> None:
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
                ax.text(left[i] + width[i] / 2, y[i], fmt_percent(shares[cls][i], lang),
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
        ax.text(float(at(value)), bottom + 0.08, f"{label} {fmt_signed(value, lang)}",
                ha="center", va="top", fontsize=_NOTE, color=palette.TEXT)  # fmt: skip
        extra = 0.55

    # NPS numbers in a column right of the axes
    column_x = 58
    for i in np.flatnonzero(shown):
        ax.annotate(fmt_signed(nps_values[i], lang), xy=(1, y[i]),
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
    names = [str(v) for v in rows[group_col]]
    ax.set_yticks(y, [
        _with_n(name, n[i], lang, show_n) + (" *" if small[i] and not suppressed[i] else "")
        for i, name in enumerate(names)
    ])  # fmt: skip
    # the shares are printed on the bars: no x axis to read them from
    ax.set_xticks([])
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_visible(False)
    handles = [Patch(color=class_colours[c]) for c in _CLASSES]
    labels = [f"{text(c + 's', lang)} ({_CLASS_RANGES[c]})" for c in _CLASSES]
    _legend_above(ax, handles, labels)
    notes = []
    if (small & ~suppressed).any():
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

    Returns
    -------
    Axes
    """
    check_lang("score_distribution", lang)
    frame = _frame(table, "score_distribution")
    _require(frame, ["score", "share", "category"], "score_distribution")
    unknown = sorted(set(map(str, frame["category"])) - set(_CLASSES))
    if unknown:
        raise DataError(
            f"score_distribution: column 'category' has {unknown}; expected {list(_CLASSES)}."
        )
    if subtitle is None:
        subtitle = text("score_axis", lang)
        if n is not None:
            subtitle += f" \u00b7 n = {fmt_count(n, lang)}"
    with use_style():
        ax = _axes(ax, "score_distribution")
        _style_axes(ax)
        scores = _numbers(frame, "score")
        shares = np.nan_to_num(_numbers(frame, "share"))
        categories = [str(c) for c in frame["category"]]
        colours = [palette.CATEGORY_COLOURS[c] for c in categories]
        ax.bar(scores, shares, width=0.72, color=colours, linewidth=0)
        for x, share in zip(scores, shares, strict=True):
            shown = fmt_percent(share, lang)
            if share > 0 and round(100 * share) == 0:  # a visible bar should not read "0%"
                shown = "<" + fmt_percent(0.01, lang)
            ax.annotate(shown, xy=(x, share), xytext=(0, 5),
                        textcoords="offset points", ha="center", va="bottom",
                        fontsize=_VALUE, color=palette.TEXT)  # fmt: skip
        ax.set_xlim(-0.6, 10.6)
        ax.set_ylim(0, max(float(shares.max()), 0.01) * 1.16)
        ax.set_xticks(range(11), [str(s) for s in range(11)])
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
            ax.annotate(f"{text(cls + 's', lang)} ({_CLASS_RANGES[cls]})", xy=((lo + hi) / 2, 0),
                        xycoords=("data", "axes fraction"), xytext=(0, -44),
                        textcoords="offset points", ha="center", va="top", fontsize=_LABEL,
                        fontweight="bold", color=palette.TEXT)  # fmt: skip
        _titles(ax, title, subtitle, "title_score_distribution", lang)
    return ax


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
    brand : str, optional
        Colour of the dots (default: the brand colour).

    Returns
    -------
    Axes
    """
    check_lang("touchpoint_grades", lang)
    colour = palette.brand(brand)
    frame = _frame(table, "touchpoint_grades")
    _require(frame, ["mean"], "touchpoint_grades")
    labels = _labels(frame, "label", "touchpoint", lang)
    keys = [str(k) for k in frame["touchpoint"]] if "touchpoint" in frame.columns else labels
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
        for i, (key, label) in enumerate(zip(keys, labels, strict=True)):
            value = benchmark.get(key, benchmark.get(label))
            marks[i] = np.nan if value is None else float(value)
    order = (
        np.argsort(-np.nan_to_num(means, nan=-np.inf), kind="stable")
        if sort
        else np.arange(len(frame))
    )
    with use_style():
        ax = _axes(ax, "touchpoint_grades")
        _style_axes(ax, grid="x")
        y = np.empty(len(frame))
        y[order] = np.arange(len(frame))
        light = _tint(colour, 0.45)
        if has_ci:
            ok = np.isfinite(low) & np.isfinite(high)
            ax.hlines(y[ok], low[ok], high[ok], color=light, linewidth=4, zorder=2,
                      capstyle="round")  # fmt: skip
        ax.scatter(means, y, s=190, color=colour, edgecolor="white", linewidth=1.5, zorder=3)
        if np.isfinite(marks).any():
            ax.scatter(marks, y, marker="|", s=620, linewidths=3.2, color=palette.TEXT, zorder=4)
        for i in range(len(frame)):
            if not np.isfinite(means[i]):
                continue
            lo_end = np.nanmin([means[i], low[i]])
            hi_end = np.nanmax([means[i], high[i]])
            if np.isfinite(marks[i]) and marks[i] > hi_end:  # mark on the right: label left
                xy, dx, ha = (lo_end, y[i]), -12, "right"
            else:
                xy, dx, ha = (max(hi_end, np.nan_to_num(marks[i], nan=-np.inf)), y[i]), 12, "left"
            ax.annotate(fmt_number(means[i], 1, lang), xy=xy, xytext=(dx, 0),
                        textcoords="offset points", ha=ha, va="center", fontsize=_VALUE,
                        fontweight="bold", color=palette.TEXT)  # fmt: skip
        values = _finite(means, low, high, marks)
        lo = max(scale[0], math.floor((values.min() - 0.3) * 2) / 2)
        hi = min(scale[1], math.ceil((values.max() + 0.15) * 2) / 2)
        ax.set_xlim(lo, hi + 0.08 * (hi - lo) + 0.1)  # room for the value labels
        _ticks(ax.xaxis, lang, nbins=8)
        ax.set_ylim(len(frame) - 0.4, -0.6)
        ax.set_yticks(np.arange(len(frame)), [
            _with_n(labels[i], n[i], lang, show_n) for i in order
        ])  # fmt: skip
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(f"{text('mean_grade', lang)} ({fmt_number(scale[0], 0, lang)}\u2013"
                      f"{fmt_number(scale[1], 0, lang)})", fontsize=_LABEL)  # fmt: skip
        handles = [Line2D([], [], marker="o", linestyle="none", markersize=12, color=colour,
                          markeredgecolor="white")]  # fmt: skip
        legend = [text("mean", lang)]
        if has_ci:
            handles.append(Line2D([], [], color=light, linewidth=4))
            legend.append(text("ci95", lang))
        if np.isfinite(marks).any():
            handles.append(Line2D([], [], marker="|", linestyle="none", markersize=20,
                                  markeredgewidth=3.2, color=palette.TEXT))  # fmt: skip
            legend.append(text("benchmark", lang))
        _legend_above(ax, handles, legend)
        _titles(ax, title, subtitle, "title_touchpoint_grades", lang, header=_HEADER_ROW)
    return ax


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: amount 1 = the colour, 0 = white."""
    from matplotlib.colors import to_rgb

    rgb = np.asarray(to_rgb(colour))
    return tuple(float(v) for v in 1 - amount * (1 - rgb))  # type: ignore[return-value]


# --------------------------------------------------------------------------- 4. importance


def driver_importance(
    result_or_table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    title: str | bool | None = None,
    subtitle: str | None = None,
    brand: str | None = None,
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
    brand : str, optional
        Bar colour (default: the brand colour).

    Returns
    -------
    Axes
    """
    check_lang("driver_importance", lang)
    colour = palette.brand(brand)
    frame = _frame(result_or_table, "driver_importance", "result_or_table")
    as_share = "share" in frame.columns
    value_col = "share" if as_share else "importance"
    _require(frame, [value_col], "driver_importance")
    labels = _labels(frame, "label", "driver", lang)
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
    if subtitle is None:
        subtitle = _method_line(result_or_table, lang)
    factor = 100.0 if as_share else 1.0
    with use_style():
        ax = _axes(ax, "driver_importance")
        _style_axes(ax, grid="x")
        y = np.empty(len(frame))
        y[order] = np.arange(len(frame))
        ax.barh(y, np.nan_to_num(values) * factor, height=0.64, color=colour, linewidth=0, zorder=2)
        ends = np.nan_to_num(values)
        if low is not None:
            ok = np.isfinite(low) & np.isfinite(high)
            ax.errorbar(values[ok] * factor, y[ok],
                        xerr=[(values[ok] - low[ok]) * factor, (high[ok] - values[ok]) * factor],
                        fmt="none", ecolor=palette.TEXT, elinewidth=1.6, capsize=6,
                        capthick=1.6, zorder=3)  # fmt: skip
            ends = np.fmax(ends, np.nan_to_num(high, nan=-np.inf))
        scale_values = _finite(ends, values)
        top = max(float(scale_values.max()), 1e-9) * factor
        for i in range(len(frame)):
            shown = (
                fmt_percent(values[i], lang)
                if as_share
                else fmt_number(values[i], _decimals(top / 10), lang)
            )
            ax.annotate(shown, xy=(ends[i] * factor, y[i]), xytext=(10, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=_VALUE,
                        fontweight="bold", color=palette.TEXT)  # fmt: skip
        lowest = _finite(values, low if low is not None else [], [0.0]).min() * factor
        ax.set_xlim(lowest - 0.06 * (top - lowest) if lowest < 0 else 0.0, top * 1.14)
        _ticks(ax.xaxis, lang, style="percent100" if as_share else "number", nbins=6)
        ax.set_ylim(len(frame) - 0.4, -0.6)
        ax.set_yticks(np.arange(len(frame)), [labels[i] for i in order])
        ax.spines["left"].set_visible(False)
        ax.axvline(0, color=palette.RULE, linewidth=1.0, zorder=1)
        ax.set_xlabel(text("importance_share" if as_share else "importance", lang), fontsize=_LABEL)
        if low is not None:
            _footnote(ax, [text("whiskers_note", lang)])
        _titles(ax, title, subtitle, "title_driver_importance", lang)
    return ax


def _method_text(method: Any, lang: str) -> str:
    key = f"method_{method}"
    return text(key, lang) if key in TEXT else str(method)


def _method_line(result: Any, lang: str) -> str | None:
    parts = []
    method = getattr(result, "method", None)
    if isinstance(method, str) and method:
        label = _method_text(method, lang)
        parts.append(f"{text('method', lang)}: {label}")
    r2 = getattr(result, "r2", None)
    if isinstance(r2, int | float | np.floating) and np.isfinite(r2):
        parts.append(f"R\u00b2 = {fmt_number(r2, 2, lang)}")
    n = getattr(result, "n", None)
    if isinstance(n, int | float | np.integer | np.floating) and np.isfinite(n):
        parts.append(f"n = {fmt_count(n, lang)}")
    return " \u00b7 ".join(parts) or None


# --------------------------------------------------------------------------- 5. matrix


def priority_matrix(
    matrix_or_table: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    x_line: float | None = None,
    y_line: float | None = None,
    title: str | bool | None = None,
    subtitle: str | None = None,
    performance_format: str = "auto",
    importance_format: str = "number",
) -> Axes:
    """Importance (y) against performance (x), with quadrant lines and quadrant names.

    Points are coloured by their quadrant (improve first: red; maintain: green; monitor:
    grey; possible overkill: muted blue) and labelled without overlaps (a deterministic
    repel on the label boxes). Uncertainty is drawn when the table has it: whiskers from
    ``importance_ci_low/high`` and ``performance_ci_low/high``; with the quadrant
    probabilities ``p_improve`` ... ``p_overkill`` each point's fill fades with its
    probability of being in its quadrant, which is also printed after its name ("78%").

    Parameters
    ----------
    matrix_or_table : PriorityMatrix or DataFrame
        Table columns ``touchpoint``, ``label``, ``importance``, ``performance``,
        ``quadrant`` ("improve", "maintain", "monitor", "overkill"). The lines come from
        the matrix's ``x_line`` / ``y_line`` (or the table's columns of that name).
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    x_line, y_line : float, optional
        Quadrant lines, overriding the matrix's.
    title, subtitle : str, optional
        Title (``False`` for none) and subtitle (default: the driver method, if known).
    performance_format : {"auto", "number", "percent"}
        Tick labels of x; "auto" shows percent for a top-box matrix (``x == "top_box"``)
        or when every performance lies in 0..1.
    importance_format : {"number", "percent"}
        Tick labels of y.

    Returns
    -------
    Axes
    """
    check_lang("priority_matrix", lang)
    check_option(
        "priority_matrix", "performance_format", performance_format, ("auto", "number", "percent")
    )
    check_option("priority_matrix", "importance_format", importance_format, ("number", "percent"))
    frame = _frame(matrix_or_table, "priority_matrix", "matrix_or_table")
    _require(frame, ["importance", "performance", "quadrant"], "priority_matrix")
    bad = sorted(set(map(str, frame["quadrant"])) - set(_QUADRANTS))
    if bad:
        raise DataError(
            f"priority_matrix: column 'quadrant' has {bad}; expected one of {list(_QUADRANTS)}."
        )
    labels = _labels(frame, "label", "touchpoint", lang)
    x_line = _line_value(matrix_or_table, frame, "x_line", x_line)
    y_line = _line_value(matrix_or_table, frame, "y_line", y_line)
    x_kind = getattr(matrix_or_table, "x", None)
    performance = _numbers(frame, "performance")
    importance = _numbers(frame, "importance")
    if performance_format == "auto":
        in_unit = bool(np.all((performance >= 0) & (performance <= 1)))
        x_percent = x_kind == "top_box" or (x_kind is None and in_unit)
    else:
        x_percent = performance_format == "percent"
    quadrants = [str(q) for q in frame["quadrant"]]
    colours = [palette.QUADRANT_COLOURS[q] for q in quadrants]
    probability = None
    if all(f"p_{q}" in frame.columns for q in _QUADRANTS):
        probability = np.array([float(frame.at[i, f"p_{q}"]) for i, q in enumerate(quadrants)])
    if subtitle is None:
        subtitle = _method_line(matrix_or_table, lang)
    with use_style():
        ax = _axes(ax, "priority_matrix")
        _style_axes(ax)
        extent_x = [performance]
        extent_y = [importance]
        whiskers = []
        for axis_name in ("importance", "performance"):
            lo_name, hi_name = f"{axis_name}_ci_low", f"{axis_name}_ci_high"
            if {lo_name, hi_name} <= set(frame.columns):
                lo, hi = _numbers(frame, lo_name), _numbers(frame, hi_name)
                for i in range(len(frame)):
                    if not (np.isfinite(lo[i]) and np.isfinite(hi[i])):
                        continue
                    if axis_name == "importance":
                        segment = ((performance[i], lo[i]), (performance[i], hi[i]))
                    else:
                        segment = ((lo[i], importance[i]), (hi[i], importance[i]))
                    whiskers.append(segment)
                    ax.plot(*zip(*segment, strict=True), color=_tint(colours[i], 0.55),
                            linewidth=2.2, solid_capstyle="round", zorder=2)  # fmt: skip
                (extent_y if axis_name == "importance" else extent_x).extend([lo, hi])
        alpha = (
            np.ones(len(frame)) if probability is None else 0.25 + 0.75 * np.clip(probability, 0, 1)
        )
        fills = [(*_rgb(c), a) for c, a in zip(colours, alpha, strict=True)]
        ax.scatter(performance, importance, s=240, c=fills, edgecolors=colours, linewidths=2.2,
                   zorder=4)  # fmt: skip

        # limits: data, whiskers and lines, with room for the corner names and labels
        corners = _matrix_frame(
            ax, matrix_or_table, extent_x, extent_y, x_line, y_line, lang=lang,
            x_percent=x_percent, importance_format=importance_format,
        )  # fmt: skip

        names = list(labels)
        if probability is not None:
            names = [f"{name} ({fmt_percent(p, lang)})" if np.isfinite(p) else name
                     for name, p in zip(names, probability, strict=True)]  # fmt: skip
        notes = []
        if probability is not None:
            notes.append(text("probability_note", lang))
        if whiskers:
            notes.append(text("whiskers_note", lang))
        _footnote(ax, notes)
        _titles(ax, title, subtitle, "title_priority_matrix", lang)
        _place_labels(ax, performance, importance, names, obstacles=corners, segments=whiskers)
    return ax


def _matrix_frame(
    ax: Axes,
    source: Any,
    extent_x: Sequence[Any],
    extent_y: Sequence[Any],
    x_line: float | None,
    y_line: float | None,
    *,
    lang: str,
    x_percent: bool,
    importance_format: str,
) -> list[Any]:
    """Limits, quadrant lines and tints, ticks, axis titles and corner names of a matrix.

    The limits hold every value in ``extent_x`` / ``extent_y`` and the lines, with room for
    the corner names and labels. Returns the corner names (obstacles for the labels).
    """
    xs = _finite(*extent_x, [x_line] if x_line is not None else [])
    ys = _finite(*extent_y, [y_line] if y_line is not None else [])
    x_span = max(float(xs.max() - xs.min()), 1e-9)
    y_span = max(float(ys.max() - ys.min()), 1e-9)
    ax.set_xlim(xs.min() - 0.16 * x_span, xs.max() + 0.16 * x_span)
    ax.set_ylim(ys.min() - 0.2 * y_span, ys.max() + 0.2 * y_span)
    if x_line is not None:
        ax.axvline(x_line, color=palette.RULE, linestyle=(0, (5, 4)), linewidth=1.4, zorder=1)
    if y_line is not None:
        ax.axhline(y_line, color=palette.RULE, linestyle=(0, (5, 4)), linewidth=1.4, zorder=1)
    _quadrant_tints(ax, x_line, y_line)
    _ticks(ax.xaxis, lang, style="percent" if x_percent else "number", nbins=7)
    _ticks(ax.yaxis, lang, style=importance_format, nbins=6)
    ax.tick_params(axis="y", length=5, pad=6)
    corners = _quadrant_names(ax, lang)

    x_label = None
    if hasattr(source, "axis_label"):
        with contextlib.suppress(Exception):
            x_label = source.axis_label("x", lang)
    if not x_label:
        x_label = text("performance_share_axis" if x_percent else "performance_axis", lang)
    ax.set_xlabel(x_label, fontsize=_LABEL)
    ax.set_ylabel(text("importance_axis", lang), fontsize=_LABEL)
    return corners


def _rgb(colour: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


def _line_value(obj: Any, frame: pd.DataFrame, name: str, given: float | None) -> float | None:
    if given is not None:
        return float(given)
    value = getattr(obj, name, None) if not isinstance(obj, pd.DataFrame) else None
    if value is None and name in frame.columns:
        column = pd.to_numeric(frame[name], errors="coerce").dropna()
        value = column.iloc[0] if len(column) else None
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def _quadrant_tints(ax: Axes, x_line: float | None, y_line: float | None) -> None:
    if x_line is None or y_line is None:
        return
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    boxes = {
        "improve": (x0, y_line, x_line - x0, y1 - y_line),
        "maintain": (x_line, y_line, x1 - x_line, y1 - y_line),
        "monitor": (x0, y0, x_line - x0, y_line - y0),
        "overkill": (x_line, y0, x1 - x_line, y_line - y0),
    }
    strength = {"improve": 0.09, "maintain": 0.05, "monitor": 0.04, "overkill": 0.05}
    for quadrant, (x, y, w, h) in boxes.items():
        ax.add_patch(Rectangle((x, y), w, h, facecolor=palette.QUADRANT_COLOURS[quadrant],
                               alpha=strength[quadrant], linewidth=0, zorder=0))  # fmt: skip


def _quadrant_names(ax: Axes, lang: str) -> list[Any]:
    spots = {
        "improve": ((0, 1), (10, -10), "left", "top"),
        "maintain": ((1, 1), (-10, -10), "right", "top"),
        "monitor": ((0, 0), (10, 10), "left", "bottom"),
        "overkill": ((1, 0), (-10, 10), "right", "bottom"),
    }
    names = []
    for quadrant, (xy, offset, ha, va) in spots.items():
        colour = palette.QUADRANT_COLOURS[quadrant]
        names.append(ax.annotate(
            text(quadrant, lang).upper(), xy=xy, xycoords="axes fraction", xytext=offset,
            textcoords="offset points", ha=ha, va=va, fontsize=_LABEL, fontweight="bold",
            color=_shade(colour, 0.85),
        ))  # fmt: skip
    return names


def _shade(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` darkened: amount 1 = the colour, 0 = black."""
    return tuple(float(v) * amount for v in _rgb(colour))  # type: ignore[return-value]


# --------------------------------------------------------------------------- 5b. matrix movement

# Strings of this chart that are not (yet) in the translation table of drivers.present._format.
_MOVEMENT_TEXT = {
    "no_arrow_note": {
        "nl": "Zonder pijl: in een van beide metingen niet in de matrix.",
        "en": "No arrow: not in the matrix in one of the two waves.",
    },
}
_AFTER_SIZE = 240.0  # marker area in pt², as in priority_matrix
_BEFORE_SIZE = 120.0
_ARROW_GID = "movement-arrow"


def matrix_movement(
    before: Any,
    after: Any,
    *,
    ax: Axes | None = None,
    lang: str = "nl",
    title: str | bool | None = None,
    subtitle: str | None = None,
    wave_before: str | None = None,
    wave_after: str | None = None,
) -> Axes:
    """The priority matrix of the later wave, with an arrow per touchpoint from where it was.

    Each touchpoint of ``after`` is a filled dot coloured by its quadrant (as in
    :func:`priority_matrix`); its place in ``before`` is a hollow grey dot with an arrow to
    the new place. Quadrant lines and names are those of ``after``. A touchpoint in only
    one of the two matrices has no arrow: a filled dot when it is new, a hollow dot with a
    grey label "Webshop (2023)" when it is gone. The axes hold every point of both waves.
    A move shorter than the two dots and an arrowhead is drawn as a short stub between the
    dots: the touchpoint barely moved.

    Parameters
    ----------
    before, after : PriorityMatrix or DataFrame
        The matrices (or their tables: ``touchpoint``, ``label``, ``importance``,
        ``performance``; ``after`` also ``quadrant``) of the earlier and the later wave,
        matched on ``touchpoint``. The lines come from ``after.x_line`` / ``after.y_line``
        (or its table's columns of that name).
    ax : Axes, optional
        Where to draw; a new slide-size figure when None.
    lang : {"nl", "en"}
        Language of the display text and number format.
    title, subtitle : str, optional
        Title (default "Prioriteitenmatrix 2023 → 2024"; ``False`` for none) and subtitle
        (default: the driver method of ``after``, if known).
    wave_before, wave_after : str, optional
        Wave names in the legend "○ 2023 → ● 2024". Default: the matrices' ``wave``
        attribute or ``wave`` column, else "Vorige meting" / "Deze meting".

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from drivers import charts
    >>> old = pd.DataFrame({"touchpoint": ["a", "b"], "label": ["Offerte", "Levering"],
    ...                     "importance": [0.10, 0.04], "performance": [7.0, 7.9]})
    >>> new = old.assign(importance=[0.12, 0.05], performance=[7.4, 7.6],
    ...                  quadrant=["maintain", "monitor"], x_line=7.5, y_line=0.085)
    >>> ax = charts.matrix_movement(old, new, wave_before="2023", wave_after="2024")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['2023  →', '2024']
    """
    func = "matrix_movement"
    check_lang(func, lang)
    old = _frame(before, func, "before")
    new = _frame(after, func, "after")
    _require(old, ["touchpoint", "importance", "performance"], func)
    _require(new, ["touchpoint", "importance", "performance", "quadrant"], func)
    bad = sorted(set(map(str, new["quadrant"])) - set(_QUADRANTS))
    if bad:
        raise DataError(f"{func}: column 'quadrant' has {bad}; expected one of {list(_QUADRANTS)}.")
    for name, frame in (("before", old), ("after", new)):
        doubles = frame.loc[frame["touchpoint"].duplicated(), "touchpoint"]
        if len(doubles):
            raise DataError(
                f"{func}: the {name!r} table has touchpoint(s) {sorted(map(str, set(doubles)))} "
                "more than once; expected one row per touchpoint."
            )
    waves = (
        _wave_label(wave_before, before, old, "previous_wave", lang),
        _wave_label(wave_after, after, new, "this_wave", lang),
    )
    x_line = _line_value(after, new, "x_line", None)
    y_line = _line_value(after, new, "y_line", None)
    points = _movement_points(old, new, lang)
    now = points[points["in_after"]]
    then = points[np.isfinite(points["x_before"])]
    moved = points[points["in_after"] & np.isfinite(points["x_before"])]
    gone = points[~points["in_after"]]

    x_kind = getattr(after, "x", None)
    every_x = _finite(points["x_after"], points["x_before"])
    x_percent = x_kind == "top_box" or (
        x_kind is None and bool(np.all((every_x >= 0) & (every_x <= 1)))
    )
    if subtitle is None:
        subtitle = _method_line(after, lang)
    if title is None:
        title = f"{text('title_priority_matrix', lang)} {waves[0]} \u2192 {waves[1]}"

    with use_style():
        ax = _axes(ax, func)
        _style_axes(ax)
        corners = _matrix_frame(
            ax, after, [points["x_after"], points["x_before"]],
            [points["y_after"], points["y_before"]], x_line, y_line, lang=lang,
            x_percent=x_percent, importance_format="number",
        )  # fmt: skip
        ax.scatter(then["x_before"], then["y_before"], s=_BEFORE_SIZE, facecolors="white",
                   edgecolors=palette.BEFORE, linewidths=2.2, zorder=4)  # fmt: skip
        fills = [palette.QUADRANT_COLOURS[q] for q in now["quadrant"]]
        # a white rim keeps two dots that overlap apart
        ax.scatter(now["x_after"], now["y_after"], s=_AFTER_SIZE, c=fills, edgecolors="white",
                   linewidths=1.5, zorder=5)  # fmt: skip
        handles = [
            Line2D([], [], marker="o", linestyle="none", markersize=10, markerfacecolor="white",
                   markeredgecolor=palette.BEFORE, markeredgewidth=2.2),
            Line2D([], [], marker="o", linestyle="none", markersize=12, color=palette.TEXT),
        ]  # fmt: skip
        _legend_above(ax, handles, [f"{waves[0]}  \u2192", waves[1]])
        if len(moved) < len(now) or len(gone):
            _footnote(ax, [_MOVEMENT_TEXT["no_arrow_note"][lang]])
        _titles(ax, title, subtitle, "title_priority_matrix", lang, header=_HEADER_ROW)

        # how an arrow looks depends on its length on the slide: lay out first
        _renderer(ax.figure)
        paths = []
        for row in moved.itertuples():
            start, end = (row.x_before, row.y_before), (row.x_after, row.y_after)
            _movement_arrow(ax, start, end)
            paths.append((start, end))
        labelled = pd.concat([now, gone])
        xs = np.where(labelled["in_after"], labelled["x_after"], labelled["x_before"])
        ys = np.where(labelled["in_after"], labelled["y_after"], labelled["y_before"])
        names = [
            label if present else f"{label} ({waves[0]})"
            for label, present in zip(labelled["label"], labelled["in_after"], strict=True)
        ]
        inks = [palette.TEXT if present else palette.MUTED for present in labelled["in_after"]]
        # the hollow dots of the touchpoints that are labelled at their new place
        others = moved[["x_before", "y_before"]].to_numpy(float)
        _place_labels(ax, xs.astype(float), ys.astype(float), names, obstacles=corners,
                      paths=paths, markers=others, colours=inks,
                      other_radius=_marker_radius(_BEFORE_SIZE, 2.2))  # fmt: skip
    return ax


def _wave_label(given: Any, obj: Any, frame: pd.DataFrame, fallback: str, lang: str) -> str:
    """Wave name: the argument, the object's ``wave``, the table's ``wave`` column, a word."""
    if given is None and not isinstance(obj, pd.DataFrame):
        given = getattr(obj, "wave", None)
    if given is None and "wave" in frame.columns:
        present = frame["wave"].dropna()
        given = present.iloc[0] if len(present) else None
    return str(given) if given is not None else text(fallback, lang)


def _movement_points(old: pd.DataFrame, new: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per touchpoint placed in either wave: later place first, then earlier."""
    after = pd.DataFrame({
        "touchpoint": new["touchpoint"].astype(str),
        "label": _labels(new, "label", "touchpoint", lang),
        "x_after": _numbers(new, "performance"),
        "y_after": _numbers(new, "importance"),
        "quadrant": new["quadrant"].astype(str),
    })  # fmt: skip
    after = after[np.isfinite(after["x_after"]) & np.isfinite(after["y_after"])]
    before = pd.DataFrame({
        "touchpoint": old["touchpoint"].astype(str),
        "label_before": _labels(old, "label", "touchpoint", lang),
        "x_before": _numbers(old, "performance"),
        "y_before": _numbers(old, "importance"),
    })  # fmt: skip
    before = before[np.isfinite(before["x_before"]) & np.isfinite(before["y_before"])]
    # in the order of the later table, then the touchpoints that are gone (an outer merge
    # would sort the keys)
    points = after.merge(before.drop(columns="label_before"), on="touchpoint", how="left")
    points["in_after"] = True
    gone = before[~before["touchpoint"].isin(after["touchpoint"])]
    gone = gone.rename(columns={"label_before": "label"}).assign(in_after=False)
    if gone.empty:
        return points.reset_index(drop=True)
    return pd.concat([points, gone], ignore_index=True)


def _marker_radius(size: float, edge: float) -> float:
    """Radius in points of a scatter marker of area ``size`` pt² with an edge ``edge`` wide."""
    return math.sqrt(size) / 2 + edge / 2


def _movement_arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Arrow from the hollow dot to the filled one; a plain stub when there is no room."""
    fig = ax.figure
    ends = ax.transData.transform(np.array([start, end], dtype=float))
    length = float(np.linalg.norm(ends[1] - ends[0])) / (fig.dpi / 72.0)  # in points
    gap_start = _marker_radius(_BEFORE_SIZE, 2.2)
    gap_end = _marker_radius(_AFTER_SIZE, 1.5) + 1.0
    head = 9.0  # head_length 0.6 × mutation_scale 15
    if length >= gap_start + gap_end + head + 5.0:  # a head and a bit of shaft
        style, shrink_a, shrink_b = "-|>,head_length=0.6,head_width=0.3", gap_start, gap_end
    else:  # the dots (nearly) touch: a line between their edges, if any of it shows
        style, shrink_a, shrink_b = "-", 0.0, 0.0
    arrow = FancyArrowPatch(
        start, end, arrowstyle=style, mutation_scale=15, shrinkA=shrink_a, shrinkB=shrink_b,
        color=palette.RULE, linewidth=2.0, zorder=3, gid=_ARROW_GID,
    )  # fmt: skip
    arrow.set_in_layout(False)
    ax.add_patch(arrow)


def _movement_arrows(ax: Axes) -> list[FancyArrowPatch]:
    """The movement arrows drawn on ``ax`` (for tests and the deck)."""
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch) and p.get_gid() == _ARROW_GID]


# --------------------------------------------------------------------------- label repel


def _renderer(fig: Figure) -> Any:
    fig.draw_without_rendering()  # runs the layout engine, so positions are final
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Overlap in x and y of two boxes (x0, y0, x1, y1); <= 0 means apart."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def _overlap_area(a: np.ndarray, b: np.ndarray) -> float:
    dx, dy = _overlap(a, b)
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _box_distance(box: np.ndarray, point: np.ndarray) -> float:
    """Distance from a point to the nearest edge of a box (0 inside)."""
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return float(math.hypot(dx, dy))


def _crosses(segment: tuple[np.ndarray, np.ndarray], box: np.ndarray) -> bool:
    """Whether a line segment passes through a box (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _clip_length(box: np.ndarray, segment: np.ndarray) -> float:
    """Length of any straight segment inside ``box`` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return 0.0
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return 0.0
    return float((t1 - t0) * math.hypot(dx, dy))


def _segment_hits(box: np.ndarray, segment: np.ndarray) -> float:
    """Length of an axis-parallel segment inside ``box`` (whiskers are axis-parallel)."""
    (x0, y0), (x1, y1) = segment
    if abs(y1 - y0) < abs(x1 - x0):  # horizontal
        if not box[1] <= y0 <= box[3]:
            return 0.0
        return max(0.0, min(box[2], max(x0, x1)) - max(box[0], min(x0, x1)))
    if not box[0] <= x0 <= box[2]:
        return 0.0
    return max(0.0, min(box[3], max(y0, y1)) - max(box[1], min(y0, y1)))


def _place_labels(
    ax: Axes,
    xs: np.ndarray,
    ys: np.ndarray,
    names: Sequence[str],
    *,
    obstacles: Sequence[Any] = (),
    segments: Sequence[Any] = (),
    paths: Sequence[Any] = (),
    markers: Any = (),
    colours: Sequence[Any] | None = None,
    fontsize: float = _VALUE,
    marker_radius: float = 9.0,
    other_radius: float = 7.0,
) -> list[Annotation]:
    """Label points without overlaps: greedy choice among candidate spots, then a repel.

    Works in display (pixel) coordinates after the layout has run, then stores each label
    as an offset in points from its point, so the result holds at any dpi. Deterministic:
    no randomness, ties broken by order.

    ``obstacles`` are artists to keep clear of (corner names), ``segments`` axis-parallel
    data segments (whiskers), ``paths`` any straight data segments (arrows), ``markers``
    unlabelled data points (radius ``other_radius`` points); ``colours`` the text colour
    per label.
    """
    colours = [palette.TEXT] * len(names) if colours is None else list(colours)
    fig = ax.figure
    labels = [
        ax.annotate(
            name,
            xy=(x, y),
            xytext=(0, 0),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=fontsize,
            color=palette.TEXT,
            zorder=6,
            annotation_clip=False,
        )  # fmt: skip
        for name, x, y in zip(names, xs, ys, strict=True)
    ]
    for label in labels:
        label.set_in_layout(False)  # labels live inside the axes; the layout ignores them
    renderer = _renderer(fig)
    px_per_pt = fig.dpi / 72.0
    points = ax.transData.transform(np.column_stack([xs, ys]))
    sizes = []
    for label in labels:
        extent = label.get_window_extent(renderer)
        sizes.append((extent.width + 6 * px_per_pt, extent.height + 4 * px_per_pt))
    sizes = np.asarray(sizes)
    frame = ax.bbox
    bounds = np.array([frame.x0 + 4, frame.y0 + 4, frame.x1 - 4, frame.y1 - 4])
    radius = marker_radius * px_per_pt
    fixed = []  # corner names and the like
    for obstacle in obstacles:
        e = obstacle.get_window_extent(renderer)
        fixed.append(np.array([e.x0 - 4, e.y0 - 4, e.x1 + 4, e.y1 + 4]))
    lines = [ax.transData.transform(np.asarray(s, dtype=float)) for s in segments]
    arrows = [ax.transData.transform(np.asarray(s, dtype=float)) for s in paths]
    markers = np.asarray(markers, dtype=float).reshape(-1, 2)
    others = ax.transData.transform(markers) if len(markers) else np.empty((0, 2))
    other_reach = 1.6 * other_radius * px_per_pt

    def box_at(i: int, centre: np.ndarray) -> np.ndarray:
        w, h = sizes[i]
        return np.array(
            [centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2]
        )

    def outside(box: np.ndarray) -> float:
        dx = max(0.0, bounds[0] - box[0]) + max(0.0, box[2] - bounds[2])
        dy = max(0.0, bounds[1] - box[1]) + max(0.0, box[3] - bounds[3])
        return dx * (box[3] - box[1]) + dy * (box[2] - box[0])

    # 1. greedy: most crowded points first, each takes its cheapest candidate spot
    gap = radius + 3 * px_per_pt
    directions = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]
    distance = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    crowd = (distance < 12 * fontsize * px_per_pt).sum(axis=1)
    order = sorted(range(len(labels)), key=lambda i: (-crowd[i], i))
    centres = np.zeros_like(points)
    placed: list[int] = []
    leader_from = gap + 3 * px_per_pt  # labels farther than this get a leader line

    def leader(i: int, box: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        nearest = np.clip(points[i], box[:2], box[2:])
        return (points[i], nearest) if np.linalg.norm(nearest - points[i]) > leader_from else None

    for i in order:
        w, h = sizes[i]
        best, best_cost = None, np.inf
        for ring in range(8):
            step = ring * 0.9 * h
            for rank, (ux, uy) in enumerate(directions):
                offset = np.array([
                    ux * (gap + w / 2 + step * abs(ux)),
                    uy * (gap + h / 2 + step),
                ])  # fmt: skip
                if ux == 0:
                    offset[0] = 0.0
                box = box_at(i, points[i] + offset)
                cost = 50.0 * outside(box)
                cost += sum(10.0 * _overlap_area(box, box_at(j, centres[j])) for j in placed)
                cost += sum(10.0 * _overlap_area(box, f) for f in fixed)
                # keep clear of every marker, and well clear of the other points' markers so
                # a label is never read as another point's
                own = _box_distance(box, points[i])
                for j, p in enumerate(points):
                    reach = radius if j == i else 2.4 * radius
                    near = np.array([p[0] - reach, p[1] - reach, p[0] + reach, p[1] + reach])
                    cost += (10.0 if j == i else 4.0) * _overlap_area(box, near)
                    if j != i:  # a label nearer to another point reads as that point's
                        closer = own + 1.2 * h - _box_distance(box, p)
                        cost += 2.0 * h * max(0.0, closer)
                cost += sum(0.25 * h * _segment_hits(box, s) for s in lines)
                cost += sum(1.5 * h * _clip_length(box, s) for s in arrows)
                for p in others:
                    near = np.array([p[0] - other_reach, p[1] - other_reach,
                                     p[0] + other_reach, p[1] + other_reach])  # fmt: skip
                    cost += 4.0 * _overlap_area(box, near)
                # a leader line through another label (either way round) is a tangle
                line = leader(i, box)
                for j in placed:
                    other = box_at(j, centres[j])
                    if line is not None and _crosses(line, other):
                        cost += 4.0 * h * h
                    other_line = leader(j, other)
                    if other_line is not None and _crosses(other_line, box):
                        cost += 4.0 * h * h
                cost += ring * 0.6 * h * h + rank * 0.05 * h * h
                if cost < best_cost - 1e-9:
                    best, best_cost = offset, cost
            if best_cost < (ring + 1) * 0.6 * h * h:  # clean spot found; nearer is better
                break
        centres[i] = points[i] + best
        placed.append(i)

    # 2. repel what still overlaps: push pairs apart along their smaller overlap
    for _ in range(400):
        moved = False
        for a in range(len(labels)):
            for b in range(a + 1, len(labels)):
                box_a, box_b = box_at(a, centres[a]), box_at(b, centres[b])
                dx, dy = _overlap(box_a, box_b)
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                if dx < dy:
                    sign = 1.0 if centres[a][0] >= centres[b][0] else -1.0
                    centres[a][0] += sign * (dx / 2 + 1)
                    centres[b][0] -= sign * (dx / 2 + 1)
                else:
                    sign = 1.0 if centres[a][1] >= centres[b][1] else -1.0
                    centres[a][1] += sign * (dy / 2 + 1)
                    centres[b][1] -= sign * (dy / 2 + 1)
        for i in range(len(labels)):  # back inside the axes
            w, h = sizes[i]
            centres[i][0] = min(max(centres[i][0], bounds[0] + w / 2), bounds[2] - w / 2)
            centres[i][1] = min(max(centres[i][1], bounds[1] + h / 2), bounds[3] - h / 2)
        if not moved:
            break

    # 3. final labels, as offsets in points from their point (valid at any dpi); a thin
    # leader line when a label had to move away from its point
    for label in labels:
        label.remove()
    final = []
    for i, name in enumerate(names):
        offset = (centres[i] - points[i]) / px_per_pt
        extra = {}
        if leader(i, box_at(i, centres[i])) is not None:
            extra["arrowprops"] = {"arrowstyle": "-", "color": palette.MUTED, "linewidth": 1.0,
                                   "shrinkA": 0, "shrinkB": marker_radius}  # fmt: skip
        label = ax.annotate(
            name, xy=(xs[i], ys[i]), xytext=(float(offset[0]), float(offset[1])),
            textcoords="offset points", ha="center", va="center", fontsize=fontsize,
            color=colours[i], zorder=6, annotation_clip=False,
            bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8},
            **extra,
        )  # fmt: skip
        label.set_in_layout(False)
        final.append(label)
    return final


# --------------------------------------------------------------------------- 6. wave change


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
        change "+4") or shares ("34%", change "+3 pp").
    label_col : str, default "label"
        Column with the row names (falls back to ``touchpoint``).
    wave_before, wave_after : str, optional
        Wave names for the legend, overriding the table's columns.
    sort : {"after", "change", None}, default "after"
        Row order: highest later value on top, largest change on top, or as in the table.
    title, subtitle : str, optional
        Title (``False`` for none) and subtitle.
    brand : str, optional
        Colour of the later wave (default: the brand colour).

    Returns
    -------
    Axes
    """
    check_lang("wave_change", lang)
    check_option("wave_change", "value", value, ("mean", "nps", "share"))
    check_option("wave_change", "sort", sort, ("after", "change", None))
    colour = palette.brand(brand)
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
        names.append(str(given) if given is not None else None)
    if names[0] is None or names[1] is None:
        names = [names[0] or text("previous_wave", lang), names[1] or text("this_wave", lang)]
    if sort == "after":
        order = np.argsort(-np.nan_to_num(after, nan=-np.inf), kind="stable")
    elif sort == "change":
        order = np.argsort(-np.nan_to_num(change, nan=-np.inf), kind="stable")
    else:
        order = np.arange(len(frame))
    factor = 100.0 if value == "share" else 1.0

    def change_text(d: float) -> str:
        if value == "mean":
            return fmt_signed(d, lang, decimals=1)
        if value == "nps":
            return fmt_signed(d, lang)
        return f"{fmt_signed(100 * d, lang)} {text('percentage_points', lang)}"

    with use_style():
        ax = _axes(ax, "wave_change")
        _style_axes(ax, grid="x")
        y = np.empty(len(frame))
        y[order] = np.arange(len(frame))
        for i in range(len(frame)):
            if not (np.isfinite(before[i]) and np.isfinite(after[i])):
                continue
            ax.plot([before[i] * factor, after[i] * factor], [y[i], y[i]], color="#CDD2D8",
                    linewidth=5, solid_capstyle="round", zorder=2)  # fmt: skip
        ax.scatter(before * factor, y, s=170, color=palette.BEFORE, edgecolor="white",
                   linewidth=1.5, zorder=3)  # fmt: skip
        ax.scatter(after * factor, y, s=190, color=colour, edgecolor="white", linewidth=1.5,
                   zorder=4)  # fmt: skip
        column_x = 96
        for i in range(len(frame)):
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
            ax.annotate(change_text(change[i]), xy=(1, y[i]), xycoords=("axes fraction", "data"),
                        xytext=(column_x, 0), textcoords="offset points", ha="right",
                        va="center", fontsize=_LABEL, fontweight="bold", color=ink)  # fmt: skip
            if mark:
                ax.annotate("*", xy=(1, y[i]), xycoords=("axes fraction", "data"),
                            xytext=(column_x + 3, 0), textcoords="offset points", ha="left",
                            va="center", fontsize=_LABEL, fontweight="bold", color=ink)  # fmt: skip
        _column_header(ax, text("change", lang), column_x)
        values = _finite(before, after) * factor
        lo, hi = float(values.min()), float(values.max())
        pad = max(0.12 * (hi - lo), 0.05 if value == "mean" else 1.0)
        ax.set_xlim(lo - pad, hi + pad)
        style = {"mean": "number", "nps": "signed", "share": "percent100"}[value]
        _ticks(ax.xaxis, lang, style=style, nbins=7)
        ax.set_ylim(len(frame) - 0.4, -0.6)
        ax.set_yticks(np.arange(len(frame)), [labels[i] for i in order])
        ax.spines["left"].set_visible(False)
        axis_label = {"mean": text("mean_grade", lang), "nps": text("nps", lang),
                      "share": text("share_respondents", lang)}[value]  # fmt: skip
        ax.set_xlabel(axis_label, fontsize=_LABEL)
        handles = [
            Line2D([], [], marker="o", linestyle="none", markersize=12, color=palette.BEFORE),
            Line2D([], [], marker="o", linestyle="none", markersize=12, color=colour),
        ]
        _legend_above(ax, handles, names)
        if significant is not None and significant.any():
            _footnote(ax, [text("significant_note", lang)])
        _titles(ax, title, subtitle, "title_wave_change", lang, header=_HEADER_ROW)
    return ax

"""What every chart shares: the slide-size figure, saving, input checks, text and layout.

The house look is applied explicitly: a new figure gets its size, resolution, background
and layout engine as arguments, and every axis, tick, label and text gets its font size
and colour from the chart code. Charts therefore look the same whatever the global
``rcParams`` are, and they never wrap figure creation in a style context: a context that
is open when pyplot first resolves the inline backend restores ``interactive: False`` on
exit, and an executed notebook then shows only its first chart.
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from drivers.errors import ColumnNotFoundError, DataError, ParameterError, check_option, closest
from drivers.present import palette
from drivers.present._format import fmt, text
from drivers.present._methods import method_name, method_record

__all__ = ["SLIDE_SIZE", "STYLE_PATH", "use_style", "new_figure", "save"]

#: Width and height in inches of a 16:9 PowerPoint slide.
SLIDE_SIZE = (40 / 3, 7.5)
#: The house matplotlib style shipped with the package (for the caller's own plots: the
#: charts apply the same look explicitly and do not need it).
STYLE_PATH = Path(__file__).resolve().parents[2] / "data" / "house.mplstyle"

# Type sizes in points, for a full-slide figure (see house.mplstyle).
_TITLE = 24
_SUBTITLE = 16
_LABEL = 16
_TICK = 15
_VALUE = 15
_NOTE = 14
_MIN_TYPE = 10.0  # smallest type of a row label when many rows share the slide
_HEADER_ROW = 34.0  # points reserved above the axes for a legend / column-header row
_DPI = 100  # screen resolution of a new figure (as house.mplstyle): 1333 × 750 px inline
_LAYOUT_PADS = {"h_pad": 0.12, "w_pad": 0.15}  # inches, as house.mplstyle

_SAVE_FORMATS = ("png", "svg", "pdf")
# Metadata that would change between runs (date, version) is left out: byte-identical files.
_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


# --------------------------------------------------------------------------- style, figure


@contextlib.contextmanager
def use_style() -> Iterator[None]:
    """Context manager: the house rcParams inside the ``with`` block, for your own plots.

    The chart functions do not need it: they set their look explicitly. Do not wrap
    figure creation in it in a notebook whose first figure is made inside the block:
    matplotlib then resolves the inline backend inside the context, and leaving the
    context switches inline display off for the figures after it.

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

    The figure is made by pyplot (so notebooks show it inline) with explicit size,
    resolution, white background and a constrained layout; no global style is touched.

    Parameters
    ----------
    figsize : (float, float), default ``SLIDE_SIZE``
        Width and height in inches.

    Returns
    -------
    (Figure, Axes)
    """
    fig = plt.figure(
        figsize=figsize,
        dpi=_DPI,
        facecolor="white",
        edgecolor="white",
        layout=ConstrainedLayoutEngine(**_LAYOUT_PADS),
    )
    ax = fig.add_subplot()
    _style_axes(ax)
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
    for kind in formats:
        check_option("save", "formats", kind, _SAVE_FORMATS)
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
    # (An rc_context around saving is harmless for inline display: the figure exists, so
    # the backend was resolved before the context opened.)
    positions = _positions(fig)
    try:
        with plt.rc_context(rc):
            for kind in formats:
                _grid_positions(fig)
                out = path.with_name(f"{path.name}.{kind}")
                if kind == "png":
                    _save_png(fig, out, dpi)
                else:
                    fig.savefig(
                        out, format=kind, dpi=dpi, metadata=_METADATA[kind], facecolor="white"
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


def _renderer(fig: Figure) -> Any:
    fig.draw_without_rendering()  # runs the layout engine, so positions are final
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()


# --------------------------------------------------------------------------- data text

#: Direction overrides and isolates: they turn the text after them around on screen.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WHITESPACE_CONTROLS = {"\t", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85"}


def _clean(value: Any) -> str:
    """Text from data, safe to draw: control characters out, ``$`` shown as ``$``.

    matplotlib reads text between two ``$`` as mathtext (and raises on bad TeX such as
    ``$\\frac{x}$``); an escaped ``\\$`` is drawn as a plain dollar sign. Line breaks and
    tabs become spaces; other control characters are dropped.
    """
    shown = "".join(
        " "
        if ch in _WHITESPACE_CONTROLS
        else ""
        if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS
        else ch
        for ch in str(value)
    )
    return shown.replace("$", "\\$")


def _clean_title(value: str | bool | None) -> str | bool | None:
    """A title or subtitle argument: None and False pass, text is cleaned."""
    if value is None or isinstance(value, bool):
        return value
    return _clean(value)


def _brand(brand: str | None) -> str:
    """The chart's brand colour: ``brand`` (checked) or the house default, never global state."""
    return palette.DEFAULT_BRAND if brand is None else palette.brand(brand)


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
    """Display names of the rows, cleaned for drawing (see :func:`_clean`)."""
    for column in (f"{label_col}_{lang}", label_col, fallback):
        if column in table.columns:
            values = table[column]
            if column != fallback and fallback in table.columns:
                values = values.where(values.notna(), table[fallback])
            return [_clean(v) for v in values]
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


def _check_rows(func: str, max_rows: object) -> int | None:
    if max_rows is None:
        return None
    if isinstance(max_rows, bool) or not isinstance(max_rows, int | np.integer) or max_rows < 1:
        raise ParameterError(
            f"The 'max_rows' parameter of {func} must be a positive whole number or None. "
            f"Got {max_rows!r} instead."
        )
    return int(max_rows)


def _first_rows(order: np.ndarray, max_rows: int | None, lang: str) -> tuple[np.ndarray, str]:
    """The rows to draw (the first ``max_rows`` in display order) and the note saying so."""
    if max_rows is None or len(order) <= max_rows:
        return order, ""
    return order[:max_rows], text("chart_rows_shown_note", lang, k=max_rows, p=len(order))


# --------------------------------------------------------------------------- layout helpers


def _style_axes(ax: Axes, *, grid: str | None = None) -> None:
    """House look on any Axes (also one the caller made outside the house style)."""
    ax.set_facecolor("white")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(palette.MUTED)
        ax.spines[side].set_linewidth(1.0)
    ax.tick_params(labelsize=_TICK, labelcolor=palette.TEXT, color=palette.MUTED, width=0.8)
    ax.tick_params(axis="x", length=5, pad=6)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.set_axisbelow(True)
    if grid:
        ax.grid(
            True, axis=grid, color=palette.GRID, linewidth=1.0, linestyle="-", solid_capstyle="butt"
        )
        ax.grid(False, axis="y" if grid == "x" else "x")
    else:
        ax.grid(False)


def _axis_label(ax: Axes, which: str, label: str) -> None:
    """Axis title in the house size, colour and spacing."""
    setter = ax.set_xlabel if which == "x" else ax.set_ylabel
    setter(label, fontsize=_LABEL, color=palette.TEXT, labelpad=10)


def _row_metrics(count: int) -> tuple[float, float]:
    """Type size (pt) and marker scale (0..1) for ``count`` rows sharing a slide.

    Up to twelve rows keep the full size; beyond that both shrink with the row pitch (a
    slide has about 380 pt of height for rows) down to :data:`_MIN_TYPE`.
    """
    if count <= 12:
        return float(_TICK), 1.0
    pitch = 380.0 / count
    size = float(min(_TICK, max(_MIN_TYPE, 0.8 * pitch)))
    return size, float(min(1.0, pitch / 20.0))


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

    ``title`` and ``subtitle`` must be cleaned already (:func:`_clean_title`); ``header``
    points above the axes are left free for a legend or column headers.
    """
    anchor = _content_box(ax)
    offset = header + 6
    if subtitle:
        ax.annotate(
            subtitle, xy=(0, 1), xycoords=anchor, xytext=(0, offset), textcoords="offset points",
            ha="left", va="bottom", fontsize=_SUBTITLE, color=palette.MUTED,
        )  # fmt: skip
        offset += _SUBTITLE * 1.25 * (subtitle.count("\n") + 1) + 4
    if title is None or title is True:
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
        labels = [fmt(t, kind="percent", lang=lang, decimals=_decimals(step * 100)) for t in ticks]
    elif style == "percent100":
        labels = [fmt(t / 100, kind="percent", lang=lang, decimals=_decimals(step)) for t in ticks]
    elif style == "signed":
        labels = [fmt(t, kind="signed", lang=lang, decimals=_decimals(step)) for t in ticks]
    else:
        labels = [fmt(t, kind="number", lang=lang, decimals=_decimals(step)) for t in ticks]
    axis.set_ticks(ticks, labels)


def _with_n(label: str, n: float, lang: str, show_n: bool) -> str:
    if show_n and n is not None and np.isfinite(n):
        return text("chart_label_with_n", lang, label=label, n=fmt(n, kind="count", lang=lang))
    return label


def _share_label(share: float, lang: str) -> str:
    """A share as a whole percentage; a visible bar under 0.5% reads "<1%", not "0%"."""
    if np.isfinite(share) and share > 0 and round(100 * share) == 0:
        return text("chart_less_than", lang, value=fmt(0.01, kind="percent", lang=lang))
    return fmt(share, kind="percent", lang=lang)


def _method_text(method: Any, lang: str) -> str:
    """The method's name from its registry record (``label_key``); another name as given."""
    name = method_name(method, lang)
    return name if method_record(method) is not None else _clean(name)


def _method_line(result: Any, lang: str) -> str | None:
    """Default subtitle: the result's method, R² and n (when it has them)."""
    parts = []
    method = getattr(result, "method", None)
    if isinstance(method, str) and method:
        parts.append(
            text("chart_method", lang, method=text("method", lang), name=_method_text(method, lang))
        )
    r2 = getattr(result, "r2", None)
    if isinstance(r2, int | float | np.floating) and np.isfinite(r2):
        parts.append(text("chart_r2", lang, r2=fmt(r2, kind="r2", lang=lang)))
    n = getattr(result, "n", None)
    if isinstance(n, int | float | np.integer | np.floating) and np.isfinite(n):
        parts.append(text("chart_n", lang, n=fmt(n, kind="count", lang=lang)))
    return " \u00b7 ".join(parts) or None


# --------------------------------------------------------------------------- colours


def _rgb(colour: str) -> tuple[float, float, float]:
    return to_rgb(colour)


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: amount 1 = the colour, 0 = white."""
    rgb = np.asarray(to_rgb(colour))
    return tuple(float(v) for v in 1 - amount * (1 - rgb))  # type: ignore[return-value]


def _shade(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` darkened: amount 1 = the colour, 0 = black."""
    return tuple(float(v) * amount for v in _rgb(colour))  # type: ignore[return-value]

"""Priority-matrix charts: importance against performance, and the move between two waves.

Point labels are placed by the geometry engine of :mod:`drivers.present.charts.labels`;
:func:`_place_labels` measures the texts, hands the engine display coordinates and draws
the result.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.text import Annotation

from drivers.errors import DataError, check_option
from drivers.present import palette
from drivers.present._format import check_lang, text
from drivers.present._quadrants import own_probabilities, probability_label
from drivers.present.charts._base import (
    _HEADER_ROW,
    _LABEL,
    _VALUE,
    _axes,
    _axis_label,
    _brand,
    _clean,
    _clean_title,
    _finite,
    _footnote,
    _frame,
    _labels,
    _legend_above,
    _method_line,
    _numbers,
    _renderer,
    _require,
    _rgb,
    _shade,
    _style_axes,
    _ticks,
    _tint,
    _titles,
)
from drivers.present.charts.labels import place_labels

__all__ = ["priority_matrix", "matrix_movement"]

_QUADRANTS = ("improve", "maintain", "monitor", "overkill")


def _point_size(count: int) -> float:
    """Type size (pt) of the point labels: full size up to twelve points, smaller beyond."""
    if count <= 12:
        return float(_VALUE)
    if count <= 20:
        return 13.0
    return 12.0


def _marker_area(count: int) -> float:
    """Marker area (pt²) of the matrix points: smaller dots when there are many."""
    return 240.0 if count <= 12 else 170.0


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
    brand: str | None = None,
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
    brand : str, optional
        Accepted (and checked) like every chart's; points keep the quadrant colours.

    Returns
    -------
    Axes
    """
    check_lang("priority_matrix", lang)
    _brand(brand)
    title, subtitle = _clean_title(title), _clean_title(subtitle)
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
    probability = own_probabilities(frame)
    if subtitle is None:
        subtitle = _method_line(matrix_or_table, lang)
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
    alpha = np.ones(len(frame)) if probability is None else 0.25 + 0.75 * np.clip(probability, 0, 1)
    fills = [(*_rgb(c), a) for c, a in zip(colours, alpha, strict=True)]
    size = _point_size(len(frame))
    ax.scatter(performance, importance, s=_marker_area(len(frame)), c=fills,
               edgecolors=colours, linewidths=2.2, zorder=4)  # fmt: skip

    # limits: data, whiskers and lines, with room for the corner names and labels
    corners = _matrix_frame(
        ax, matrix_or_table, extent_x, extent_y, x_line, y_line, lang=lang,
        x_percent=x_percent, importance_format=importance_format,
    )  # fmt: skip

    names = list(labels)
    if probability is not None:
        names = [
            probability_label(name, p, lang) for name, p in zip(names, probability, strict=True)
        ]
    notes = []
    if probability is not None:
        notes.append(text("probability_note", lang))
    if whiskers:
        notes.append(text("whiskers_note", lang))
    _footnote(ax, notes)
    _titles(ax, title, subtitle, "title_priority_matrix", lang)
    _place_labels(ax, performance, importance, names, obstacles=corners, segments=whiskers,
                  fontsize=size,
                  marker_radius=9.0 * math.sqrt(_marker_area(len(frame)) / 240.0))  # fmt: skip
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
            x_label = _clean(source.axis_label("x", lang))
    if not x_label:
        x_label = text("performance_share_axis" if x_percent else "performance_axis", lang)
    _axis_label(ax, "x", x_label)
    _axis_label(ax, "y", text("importance_axis", lang))
    return corners


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


# --------------------------------------------------------------------------- 5b. matrix movement

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
    brand: str | None = None,
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
    brand : str, optional
        Accepted (and checked) like every chart's; points keep the quadrant colours.

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
    _brand(brand)
    title, subtitle = _clean_title(title), _clean_title(subtitle)
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
        title = text("chart_title_movement", lang, title=text("title_priority_matrix", lang),
                     before=waves[0], after=waves[1])  # fmt: skip

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
    _legend_above(ax, handles, [text("chart_wave_before", lang, wave=waves[0]), waves[1]])
    if len(moved) < len(now) or len(gone):
        _footnote(ax, [text("chart_no_arrow_note", lang)])
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
        label if present else text("chart_gone", lang, label=label, wave=waves[0])
        for label, present in zip(labelled["label"], labelled["in_after"], strict=True)
    ]
    inks = [palette.TEXT if present else palette.MUTED for present in labelled["in_after"]]
    # the hollow dots of the touchpoints that are labelled at their new place
    others = moved[["x_before", "y_before"]].to_numpy(float)
    _place_labels(ax, xs.astype(float), ys.astype(float), names, obstacles=corners,
                  fontsize=_point_size(len(labelled)),
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
    return _clean(given) if given is not None else text(fallback, lang)


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


# --------------------------------------------------------------------------- point labels


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
    """Label the points (data coordinates) of ``ax`` without overlaps.

    Measures each name after the layout has run, converts points, corner names
    (``obstacles``), whiskers (``segments``), arrows (``paths``) and unlabelled markers to
    display pixels, lets :func:`~drivers.present.charts.labels.place_labels` choose the
    spots, and draws each label as an offset in points from its point, so the result holds
    at any dpi. ``colours`` is the text colour per label.
    """
    colours = [palette.TEXT] * len(names) if colours is None else list(colours)
    fig = ax.figure
    probes = [
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
    for probe in probes:
        probe.set_in_layout(False)  # labels live inside the axes; the layout ignores them
    renderer = _renderer(fig)
    unit = fig.dpi / 72.0
    sizes = np.array([(e.width, e.height) for e in (p.get_window_extent(renderer) for p in probes)])
    for probe in probes:
        probe.remove()
    points = ax.transData.transform(np.column_stack([xs, ys]))
    frame = ax.bbox
    boxes = [o.get_window_extent(renderer) for o in obstacles]
    markers = np.asarray(markers, dtype=float).reshape(-1, 2)
    placement = place_labels(
        points, sizes, (frame.x0, frame.y0, frame.x1, frame.y1), unit=unit,
        obstacles=[(b.x0, b.y0, b.x1, b.y1) for b in boxes],
        segments=[ax.transData.transform(np.asarray(s, dtype=float)) for s in segments],
        paths=[ax.transData.transform(np.asarray(s, dtype=float)) for s in paths],
        markers=ax.transData.transform(markers) if len(markers) else np.empty((0, 2)),
        marker_radius=marker_radius, other_radius=other_radius, fontsize=fontsize,
    )  # fmt: skip
    final = []
    for i, name in enumerate(names):
        offset = (placement.centres[i] - points[i]) / unit
        extra = {}
        if placement.leaders[i]:
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

"""The native chart slides of a :class:`~drivers.present.deck.Deck`.

One builder per chart kind: :func:`nps_chart`, :func:`driver_chart`, :func:`grades_chart`
and :func:`matrix_chart`. Each takes the deck (for its language, brand colour, privacy
floor and slide layout), checks its table, and adds one or more slides; the ``Deck.add_*``
methods call them. The raw XML lives in :mod:`drivers.present.deck.ooxml`.

Numbers
    Numbers that must read the same on every machine are text: value labels with a
    decimal are static per-point labels formatted with :func:`drivers.present._format.fmt`
    and the matrix axes are labelled with text boxes (their scale is fixed, so the
    labels hold). Excel number formats are used only when they are integer-only
    (``0%``), which no regional setting changes.
Matrix labels
    Placed by the label engine of the matplotlib charts,
    :func:`drivers.present.charts.labels.place_labels`, in slide units; each label is a
    centred data label moved by a manual layout to the engine's spot. More than
    :data:`MAX_NAMED_POINTS` points get numbers and a key beside the plot.
Methods footnote
    :func:`drivers.present.narrate.methods_note`, the one builder of that line.
Long charts
    Bar charts with more rows than fit at 14 pt (at most :data:`MAX_BARS` a slide) are
    split over slides of about equal length, "(1/2)", "(2/2)" after the title, with the
    same value scale on every slide.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_MARK,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from drivers.errors import DataError, ParameterError, check_option
from drivers.present import narrate, palette
from drivers.present._format import LANGUAGES, fmt, nps_definition, text
from drivers.present._methods import sums_to_r2
from drivers.present._quadrants import QUADRANTS, own_probabilities, probability_label
from drivers.present.charts import labels as label_engine
from drivers.present.deck import ooxml

if TYPE_CHECKING:
    from drivers.present.deck.core import Deck

__all__ = [
    "nps_chart",
    "driver_chart",
    "grades_chart",
    "matrix_chart",
    "MAX_BARS",
    "MAX_NAMED_POINTS",
]

#: Most bars (or NPS groups) on one slide; longer charts continue on the next slide.
MAX_BARS = 15
#: Most matrix points labelled with their name; more get a number and a key beside the plot.
MAX_NAMED_POINTS = 15

DATA_PT = 14  # data labels, axes, legends: never smaller
QUADRANT_ORDER = QUADRANTS
_SURE = 0.95  # matrix labels show the quadrant probability only below this
_WRAP_IN = 2.0  # a matrix label wider than this (inches) puts its probability below
EMU_PER_INCH = 914400
EMU_PER_PT = 12700


# ---------------------------------------------------------------------------- labels


def capitalise(label: str) -> str:
    """'bouw' -> 'Bouw'; labels with any capital are left alone ('e-Commerce', 'MKB')."""
    return label[:1].upper() + label[1:] if label and label == label.lower() else label


def group_label(group: object, lang: str | None = None) -> str:
    """'bouw / klein' -> 'Bouw / klein'; 'Totaal / Totaal' (total of two segments) -> 'Totaal'.

    With ``lang``, the total row is named in that language (an NPS table made in Dutch
    says "Totaal"; an English deck shows "Total").
    """
    parts = [part.strip() for part in str(group).split(" / ")]
    if len(parts) > 1 and len(set(parts)) == 1:
        parts = parts[:1]
    label = capitalise(" / ".join(parts))
    if lang is not None and label in _TOTALS:
        return text("total", lang)
    return label


_TOTALS = frozenset(text("total", lang) for lang in LANGUAGES)


def need_columns(table: Any, columns: Sequence[str], func: str, what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{func} takes {what}; got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{func} takes {what} with columns {list(columns)}; columns {missing} are "
            f"missing (it has {list(table.columns)})."
        )


def _pages(n: int, per_page: int) -> list[slice]:
    """Rows 0..n-1 in pages of about equal length, none longer than ``per_page``."""
    count = max(math.ceil(n / per_page), 1)
    size = math.ceil(n / count)
    return [slice(start, min(start + size, n)) for start in range(0, n, size)] or [slice(0, 0)]


def _page_title(title: str, index: int, count: int, lang: str) -> str:
    if count == 1:
        return title
    return text("deck_part", lang, title=title, i=index + 1, k=count)


def _n_text(table: pd.DataFrame, lang: str) -> str:
    """'n = 800' from the total row; else 'n = 380–420 per groep' (waves need not add up)."""
    if "n" not in table or table["n"].isna().all():
        return ""
    is_total = pd.Series([group_label(g) for g in table["group"]], index=table.index).isin(_TOTALS)
    if is_total.any():
        return text(
            "deck_n", lang, n=fmt(int(table.loc[is_total, "n"].iloc[0]), kind="count", lang=lang)
        )
    return _n_range(table["n"], "per_group", lang)


def _n_range(n: pd.Series, per: str, lang: str) -> str:
    low, high = int(n.min()), int(n.max())
    if low == high:
        count = fmt(low, kind="count", lang=lang)
    else:
        count = text(
            "deck_range",
            lang,
            lo=fmt(low, kind="count", lang=lang),
            hi=fmt(high, kind="count", lang=lang),
        )
    return text("deck_n_per", lang, n=count, per=text(per, lang))


def driver_footnote(result: Any, has_ci: bool, lang: str) -> str:
    """The methods line of a driver slide: :func:`drivers.present.narrate.methods_note`."""
    draws = getattr(result, "draws", None)
    return narrate.methods_note(
        n=getattr(result, "n", None),
        method=getattr(result, "method", None) or None,
        r2=getattr(result, "r2", None),
        weighted=getattr(result, "weighted", None),
        missing=getattr(result, "missing", None),
        bootstrap=len(draws) if has_ci and draws is not None else 0,
        lang=lang,
    )


def matrix_footnote(matrix: Any, result: Any, probabilities: bool, lang: str) -> str:
    """The methods line of a matrix slide, then how the lines were drawn and what (%) is."""
    note = narrate.methods_note(
        n=getattr(matrix, "n", None) or getattr(result, "n", None),
        method=getattr(matrix, "method", None) or getattr(result, "method", None) or None,
        r2=getattr(result, "r2", None),
        weighted=getattr(result, "weighted", None),
        missing=getattr(result, "missing", None),
        bootstrap=0,
        lang=lang,
    )
    parts = [note] if note else []
    lines = getattr(matrix, "lines", None)
    if lines:
        hows = []
        for how in lines:
            try:
                hows.append(text(f"line_{how}", lang))
            except ParameterError:
                continue
        if hows:
            how = hows[0] if len(set(hows)) == 1 else " / ".join(hows)
            parts.append(text("lines", lang, how=how))
    if probabilities:
        parts.append(text("probability", lang))
    return " · ".join(parts)


# ---------------------------------------------------------------------------- bar charts


def _category_axis(chart: Any) -> None:
    axis = chart.category_axis
    axis.reverse_order = True  # first row on top
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.tick_labels.font.size = Pt(DATA_PT)
    axis.format.line.color.rgb = ooxml.rgb(palette.GRID)
    axis.has_major_gridlines = False
    ooxml.every_tick_label(axis)


def _single_bars(
    deck: Deck,
    chart: Any,
    labels: Sequence[str] | None,
    *,
    number_format: str,
    minimum: float | None,
    maximum: float | None,
    inside: bool,
) -> None:
    """Brand-coloured bars with value labels: ``labels`` as static text per bar, or (None)
    the integer-only ``number_format``."""
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.vary_by_categories = False
    series = plot.series[0]
    ooxml.fill(series, deck.brand)
    colour = palette.text_colour_on(deck.brand) if inside else palette.TEXT
    # the error bar runs past the bar end: keep the number at the base
    position = XL_LABEL_POSITION.INSIDE_BASE if inside else XL_LABEL_POSITION.OUTSIDE_END
    data_labels = series.data_labels
    data_labels.show_value = True
    ooxml.number_format(data_labels, number_format)
    data_labels.font.size = Pt(DATA_PT)
    data_labels.font.color.rgb = ooxml.rgb(colour)
    data_labels.position = position
    values = list(series.values)
    span = (maximum if maximum is not None else max(values)) - (minimum or 0.0)
    bar_width_in = 0.7 * deck.slide_width / 914400  # the plot beside the category labels
    for i, label in enumerate(labels or ()):
        ink = colour
        if inside and span > 0:
            # a white label longer than its bar would run onto the white background
            length = (values[i] - (minimum or 0.0)) / span * bar_width_in
            if length < len(label) * DATA_PT * 0.6 / 72 + 0.15:
                ink = palette.TEXT
        ooxml.point_label(series, i, label, size=DATA_PT, colour=ink, position=position)
    chart.has_legend = False
    _category_axis(chart)
    value_axis = chart.value_axis
    value_axis.visible = False
    value_axis.has_major_gridlines = False
    if minimum is not None:
        value_axis.minimum_scale = minimum
    if maximum is not None:
        value_axis.maximum_scale = maximum


def _bar_pages(
    deck: Deck,
    rows: pd.DataFrame,
    *,
    title: str,
    names: Sequence[str],
    series_name: str,
    value: str,
    labels: Sequence[str] | None,
    number_format: str,
    minimum: float,
    maximum: float | None,
    ci: tuple[str, str] | None,
    footnote: str,
    dropped: int,
    notes: str | None,
) -> Any:
    """Horizontal single-series bars over as many slides as needed; returns the first."""
    per_page = min(deck._rows_that_fit(1, legend=False), MAX_BARS)
    pages = _pages(len(rows), per_page)
    first = None
    for index, page in enumerate(pages):
        part = rows.iloc[page]
        values = part[value].astype(float).to_numpy()
        chart_data = ooxml.SafeCategoryChartData(number_format=number_format)
        chart_data.categories = [str(x) for x in names[page]]
        chart_data.add_series(series_name, values.tolist())
        slide = deck._content_slide(_page_title(title, index, len(pages), deck.lang))
        chart = deck._chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, chart_data)
        _single_bars(
            deck,
            chart,
            None if labels is None else list(labels[page]),
            number_format=number_format,
            minimum=minimum,
            maximum=maximum,
            inside=ci is not None,
        )
        if ci is not None:
            ooxml.error_bars(
                chart.plots[0].series[0],
                values - part[ci[0]].astype(float).to_numpy(),
                part[ci[1]].astype(float).to_numpy() - values,
                colour=palette.TEXT,
            )
        deck._footnote(slide, footnote, dropped=dropped)
        deck._notes(slide, notes if index == 0 else None)
        first = first if first is not None else slide
    return first


def nps_chart(
    deck: Deck,
    nps_table: pd.DataFrame,
    *,
    title: str | None,
    notes: str | None,
    footnote: str | None,
    min_n: int,
) -> Any:
    """See :meth:`Deck.add_nps_chart`."""
    lang = deck.lang
    need_columns(
        nps_table,
        ("group", "promoters", "passives", "detractors", "nps"),
        "Deck.add_nps_chart",
        "an nps_table",
    )
    shown, dropped = deck._private_rows(nps_table)
    if shown.empty:
        raise DataError(
            "Deck.add_nps_chart: every group is below the privacy floor "
            f"(n < {deck.privacy_floor}); there is nothing to show."
        )
    small = (
        shown["small_base"].fillna(False).astype(bool).to_numpy()
        if "small_base" in shown
        else np.zeros(len(shown), bool)
    )
    two_lines = len(shown) <= min(deck._rows_that_fit(2, legend=True), MAX_BARS)
    key = "deck_nps_category_two_lines" if two_lines else "deck_nps_category"
    categories = [
        text(
            key,
            lang,
            group=group_label(g, lang) + ("*" if s else ""),
            nps=fmt(v, kind="nps", lang=lang),
        )
        for g, v, s in zip(shown["group"], shown["nps"], small, strict=True)
    ]
    if footnote is None:
        parts = []
        n_text = _n_text(shown, lang)
        if n_text:
            parts.append(n_text)
        parts.append(nps_definition(deck.cutoffs, lang))
        if "n_eff" in shown and "n" in shown:
            weighted = bool(
                np.any(np.abs(shown["n_eff"].astype(float) - shown["n"].astype(float)) > 1e-6)
            )
            parts.append(text("weighted" if weighted else "unweighted", lang))
        if small.any():
            parts.append(text("small_base_note", lang, n=min_n).rstrip("."))
        footnote = " · ".join(parts)
    title = title or text("title_nps_bar", lang)
    per_page = min(deck._rows_that_fit(1, legend=True), MAX_BARS)
    pages = _pages(len(shown), per_page)
    series_keys = ("detractors", "passives", "promoters")
    colours = (palette.DETRACTOR, palette.PASSIVE, palette.PROMOTER)
    first = None
    for index, page in enumerate(pages):
        part = shown.iloc[page]
        chart_data = ooxml.SafeCategoryChartData(number_format="0%")
        chart_data.categories = categories[page]
        for key in series_keys:
            chart_data.add_series(text(key, lang), part[key].astype(float).tolist())
        slide = deck._content_slide(_page_title(title, index, len(pages), lang))
        chart = deck._chart(slide, XL_CHART_TYPE.BAR_STACKED_100, chart_data)
        plot = chart.plots[0]
        plot.gap_width = 45
        plot.overlap = 100
        for series, key, colour in zip(plot.series, series_keys, colours, strict=True):
            ooxml.fill(series, colour)
            labels = series.data_labels
            labels.show_value = True
            ooxml.number_format(labels, "0%")  # integer-only: the same in every locale
            labels.position = XL_LABEL_POSITION.CENTER
            labels.font.size = Pt(DATA_PT)
            labels.font.color.rgb = ooxml.rgb(palette.text_colour_on(colour))
            # a label on a sliver of a bar overlaps its neighbours: leave it out
            narrow = [i for i, v in enumerate(part[key].astype(float)) if not v >= 0.05]
            ooxml.delete_point_labels(series, narrow)
        _category_axis(chart)
        value_axis = chart.value_axis
        value_axis.visible = False
        value_axis.has_major_gridlines = False
        value_axis.maximum_scale = 1.0
        value_axis.minimum_scale = 0.0
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(DATA_PT)
        deck._footnote(slide, footnote, dropped=dropped)
        deck._notes(slide, notes if index == 0 else None)
        first = first if first is not None else slide
    return first


def driver_chart(
    deck: Deck,
    driver_result: Any,
    *,
    title: str | None,
    notes: str | None,
    footnote: str | None,
    value: str,
    indicators: bool,
    ci: bool,
    labels: Mapping[str, str] | None,
    top: int | None,
    show_n: bool = True,
) -> Any:
    """See :meth:`Deck.add_driver_chart`."""
    lang = deck.lang
    check_option("Deck.add_driver_chart", "value", value, ("share", "importance"))
    table = getattr(driver_result, "table", driver_result)
    need_columns(table, ("driver", value), "Deck.add_driver_chart", "a DriverResult table")
    if top is not None and (
        isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1
    ):
        raise ParameterError(
            f"The 'top' parameter of Deck.add_driver_chart must be an int >= 1. "
            f"Got {top!r} instead."
        )
    shown, dropped = deck._private_rows(table)
    if "indicator" in shown and not indicators:
        shown = shown[~shown["indicator"].fillna(False).astype(bool)]
    if "rank" in shown:
        shown = shown.sort_values("rank", kind="stable")
    else:
        shown = shown.sort_values(value, ascending=False, kind="stable")
    shown = shown.reset_index(drop=True)
    if shown.empty:
        raise DataError("Deck.add_driver_chart: the driver table has no rows to show.")
    total_rows = len(shown)
    if top is not None:
        shown = shown.iloc[: int(top)]
    names = shown["label"] if "label" in shown else shown["driver"]
    names = [str(x) for x in names]
    if labels is not None:
        names = [labels.get(k, n) for k, n in zip(shown["driver"], names, strict=True)]
    if show_n and "n" in shown:
        names = [
            name
            if pd.isna(n)
            else text("chart_label_with_n", lang, label=name, n=fmt(n, kind="count", lang=lang))
            for name, n in zip(names, shown["n"], strict=True)
        ]
    percent = value == "share" or sums_to_r2(getattr(driver_result, "method", None))
    values = shown[value].astype(float).to_numpy()
    low_col, high_col = (
        ("share_ci_low", "share_ci_high") if value == "share" else ("ci_low", "ci_high")
    )
    has_ci = ci and {low_col, high_col} <= set(shown.columns)
    upper = float(np.nanmax(shown[high_col])) if has_ci else float(np.nanmax(values))
    if footnote is None:
        footnote = driver_footnote(driver_result, has_ci, lang)
        if len(shown) < total_rows:
            footnote += " · " + text("top", lang, k=len(shown), p=total_rows)
    return _bar_pages(
        deck,
        shown,
        title=title or text("title_driver_importance", lang),
        names=np.array(names, dtype=object),
        series_name=text("importance_share" if value == "share" else "importance", lang),
        value=value,
        labels=np.array(
            [fmt(v, kind="percent" if percent else "r2", lang=lang) for v in values],
            dtype=object,
        ),
        number_format="0%" if percent else "General",
        minimum=min(0.0, float(np.nanmin(values))),
        maximum=upper * 1.08 if upper > 0 else None,
        ci=(low_col, high_col) if has_ci else None,
        footnote=footnote,
        dropped=dropped,
        notes=notes,
    )


def grades_chart(
    deck: Deck,
    performance_table: pd.DataFrame,
    *,
    title: str | None,
    notes: str | None,
    footnote: str | None,
    value: str,
    sort: bool,
    scale: tuple[float, float],
    ci: bool,
) -> Any:
    """See :meth:`Deck.add_grades_chart`."""
    lang = deck.lang
    check_option("Deck.add_grades_chart", "value", value, ("mean", "top_box"))
    need_columns(
        performance_table,
        ("touchpoint", value),
        "Deck.add_grades_chart",
        "a touchpoint_performance table",
    )
    shown, dropped = deck._private_rows(performance_table)
    shown = shown[np.isfinite(shown[value].astype(float))]
    if shown.empty:
        raise DataError("Deck.add_grades_chart: no touchpoint has a value to show.")
    if sort:
        shown = shown.sort_values(value, ascending=False, kind="stable")
    shown = shown.reset_index(drop=True)
    names = shown["label"] if "label" in shown else shown["touchpoint"]
    values = shown[value].astype(float).to_numpy()
    has_ci = ci and value == "mean" and {"ci_low", "ci_high"} <= set(shown.columns)
    if value == "mean":
        low, high = float(scale[0]), float(scale[1])
        labels = np.array([fmt(v, kind="grade", lang=lang) for v in values], dtype=object)
        number_format, series_name = "General", text("mean_grade", lang)
    else:
        low, high = 0.0, 1.0
        labels = np.array([fmt(v, kind="percent", lang=lang) for v in values], dtype=object)
        number_format, series_name = "0%", text("deck_top_box", lang)
    if footnote is None:
        parts = []
        if "n" in shown and shown["n"].notna().any():
            if shown["n"].min() == shown["n"].max():
                parts.append(text("deck_n", lang, n=fmt(shown["n"].min(), kind="count", lang=lang)))
            else:
                parts.append(_n_range(shown["n"].dropna(), "per_touchpoint", lang))
        if value == "mean":
            parts.append(
                text(
                    "grade_scale",
                    lang,
                    lo=fmt(low, kind="number", decimals=0, lang=lang),
                    hi=fmt(high, kind="number", decimals=0, lang=lang),
                )
            )
        if has_ci:
            parts.append(text("whiskers_note", lang).rstrip("."))
        footnote = " · ".join(parts)
    return _bar_pages(
        deck,
        shown,
        title=title or text("title_touchpoint_grades", lang),
        names=np.array([str(x) for x in names], dtype=object),
        series_name=series_name,
        value=value,
        labels=labels,
        number_format=number_format,
        minimum=low,
        maximum=high,
        ci=("ci_low", "ci_high") if has_ci else None,
        footnote=footnote,
        dropped=dropped,
        notes=notes,
    )


# ---------------------------------------------------------------------------- matrix


def _axis_title(matrix: Any, axis: str, lang: str) -> str:
    if hasattr(matrix, "axis_label"):
        try:
            return str(matrix.axis_label(axis, lang))
        except Exception:  # a hand-made matrix without labels
            pass
    if axis == "y":
        return text("importance_axis", lang)
    kind = getattr(matrix, "x", "mean")
    return text("performance_share_axis" if kind == "top_box" else "performance_axis", lang)


def matrix_chart(
    deck: Deck,
    priority_matrix: Any,
    *,
    title: str | None,
    notes: str | None,
    footnote: str | None,
    drivers_result: Any,
    probabilities: bool | None,
) -> Any:
    """See :meth:`Deck.add_matrix_chart`."""
    lang = deck.lang
    matrix = priority_matrix
    if hasattr(matrix, "relabel") and getattr(matrix, "lang", lang) != lang:
        matrix = matrix.relabel(lang)
    table = getattr(matrix, "table", None)
    need_columns(
        table,
        ("touchpoint", "importance", "performance", "quadrant"),
        "Deck.add_matrix_chart",
        "a PriorityMatrix table",
    )
    for attribute in ("x_line", "y_line"):
        if not isinstance(getattr(matrix, attribute, None), (int, float, np.floating)):
            raise ParameterError(
                f"Deck.add_matrix_chart needs a PriorityMatrix with a numeric "
                f"'{attribute}'; got {type(matrix).__name__}."
            )
    x_line, y_line = float(matrix.x_line), float(matrix.y_line)
    shown, dropped = deck._private_rows(table)
    if shown.empty:
        raise DataError("Deck.add_matrix_chart: the matrix has no touchpoints to show.")
    unknown = sorted(set(shown["quadrant"]) - set(QUADRANT_ORDER))
    if unknown:
        raise DataError(
            f"Deck.add_matrix_chart: unknown quadrant(s) {unknown}; expected "
            f"{list(QUADRANT_ORDER)}."
        )
    has_p = all(f"p_{q}" in shown for q in QUADRANT_ORDER)
    if probabilities is None:
        probabilities = has_p
    elif probabilities and not has_p:
        raise ParameterError(
            "Deck.add_matrix_chart(probabilities=True) needs a matrix with quadrant "
            "probabilities (a driver result with bootstrap draws)."
        )
    method = str(getattr(matrix, "method", ""))
    x_values = shown["performance"].astype(float).to_numpy()
    y_values = shown["importance"].astype(float).to_numpy()
    percent_y = sums_to_r2(method) and np.all((y_values >= 0) & (y_values <= 1))
    x_percent = getattr(matrix, "x", "mean") == "top_box"

    # One series per touchpoint (named after it, so the workbook reads naturally).
    # Series of unequal length are dropped by LibreOffice's importer; one point each
    # renders everywhere.
    labels = [
        str(shown["label"].iloc[i]) if "label" in shown else str(key)
        for i, key in enumerate(shown["touchpoint"])
    ]
    chart_data = ooxml.SafeXyChartData()
    for i, name in enumerate(labels):
        series = chart_data.add_series(name)
        series.add_data_point(float(x_values[i]), float(y_values[i]))
    # Many points: names do not fit next to them. Number them by importance (1 = most
    # important) and list the names in a key beside the plot, as consultants do.
    numbered = len(labels) > MAX_NAMED_POINTS
    numbers = np.empty(len(labels), int)
    numbers[np.argsort(-y_values, kind="stable")] = np.arange(1, len(labels) + 1)
    key_columns = math.ceil(len(labels) / 22) if numbered else 0
    key_width = Inches(_key_width(labels)) * key_columns
    slide = deck._content_slide(title or text("title_priority_matrix", lang))
    chart = deck._chart(slide, XL_CHART_TYPE.XY_SCATTER, chart_data, aside=key_width)
    frame = slide.shapes[-1]

    # axis ranges: data and lines inside, with room for the labels
    x_min, x_max = _nice_range(np.append(x_values, x_line), pad=0.08)
    y_min, y_max = _nice_range(np.append(y_values, y_line), pad=0.12, floor_zero=True)
    # room above the highest points for their labels under the corner names
    y_min, y_max = _headroom(y_min, y_max, float(np.max(y_values)), 0.85 if numbered else 0.75)
    x_axis, y_axis = chart.category_axis, chart.value_axis  # XY: first valAx is x
    for axis, lo, hi in ((x_axis, x_min, x_max), (y_axis, y_min, y_max)):
        axis.minimum_scale, axis.maximum_scale = lo, hi
        axis.major_unit = _nice_step(hi - lo)
        axis.has_major_gridlines = False
        axis.major_tick_mark = XL_TICK_MARK.NONE
        # the scale is fixed, so tick labels drawn as text hold: see _tick_labels
        ooxml.hide_tick_labels(axis)
        axis.has_title = False
        line = axis.format.line
        line.color.rgb = ooxml.rgb(palette.RULE)
        line.width = Pt(1.5)
        line.dash_style = MSO_LINE_DASH_STYLE.DASH
    ooxml.axis_crossings(chart, vertical_at=x_line, horizontal_at=y_line)
    chart.has_legend = False  # the quadrant names stand in the corners

    # plot area at a known place, so that labels, ticks and quadrant names can be placed;
    # room on the left for the tick labels and the axis title, below for the same
    width_in = frame.width / 914400
    height_in = frame.height / 914400
    left, right, below = 1.3 / width_in, 0.15 / width_in, 0.85 / height_in
    inner = (left, 0.02, 1 - left - right, 1 - 0.02 - below)  # x, y, w, h: fractions
    ooxml.manual_plot_layout(chart, inner)
    plot_box = (
        inner[0] * width_in,
        inner[1] * height_in,
        (inner[0] + inner[2]) * width_in,
        (inner[1] + inner[3]) * height_in,
    )

    def to_inches(x: float, y: float) -> tuple[float, float]:
        px = (inner[0] + inner[2] * (x - x_min) / (x_max - x_min)) * width_in
        py = (inner[1] + inner[3] * (1 - (y - y_min) / (y_max - y_min))) * height_in
        return px, py

    _tick_labels(
        deck,
        slide,
        frame,
        plot_box,
        x=(x_min, x_max, x_percent),
        y=(y_min, y_max, bool(percent_y)),
        titles=(_axis_title(matrix, "x", lang), _axis_title(matrix, "y", lang)),
    )
    corner_boxes = _quadrant_names(deck, slide, frame, plot_box)
    # labels: "Offerte (38%)" where the quadrant is uncertain ("(100%)" everywhere is noise)
    chances = own_probabilities(shown) if probabilities else None
    if chances is None:
        chances = np.full(len(labels), np.nan)
    names = [
        probability_label(name, p, lang, below=_SURE)
        for name, p in zip(labels, chances, strict=True)
    ]
    if numbered:
        texts = [str(number) for number in numbers]
        _matrix_key(
            slide,
            frame,
            names,
            numbers,
            [palette.QUADRANT_COLOURS[q] for q in shown["quadrant"]],
            columns=key_columns,
        )
    else:  # a long label takes its probability to a second line
        texts = [
            probability_label(
                name, p, lang, below=_SURE, wrap=_text_size(full, DATA_PT)[0] > _WRAP_IN
            )
            for name, p, full in zip(labels, chances, names, strict=True)
        ]
    marker_pt = 10 if numbered else 13
    points = np.array([to_inches(x, y) for x, y in zip(x_values, y_values, strict=True)])
    centres = _label_places(
        points,
        [_text_size(t, DATA_PT) for t in texts],
        plot_box,
        obstacles=corner_boxes,
        lines=to_inches(x_line, y_line),
        marker_pt=marker_pt,
    )
    for i, series in enumerate(chart.plots[0].series):
        colour = palette.QUADRANT_COLOURS[shown["quadrant"].iloc[i]]
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = marker_pt
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = ooxml.rgb(colour)
        series.marker.format.line.color.rgb = ooxml.rgb("#FFFFFF")
        series.format.line.fill.background()
        # centred on its point, then moved to the engine's spot (fractions of the chart)
        data_label = ooxml.point_label(
            series,
            0,
            texts[i],
            size=DATA_PT,
            colour=palette.TEXT,
            position=XL_LABEL_POSITION.CENTER,
        )
        dx, dy = centres[i] - points[i]
        ooxml.label_offset(data_label, dx / width_in, dy / height_in)
    if footnote is None:
        footnote = matrix_footnote(matrix, drivers_result, probabilities, lang)
    deck._footnote(slide, footnote, dropped=dropped)
    deck._notes(slide, notes)
    return slide


def _text_box(
    slide: Any,
    frame: Any,
    box: tuple[float, float, float, float],
    content: str,
    *,
    align: Any,
    colour: str,
    bold: bool = False,
    anchor: Any = MSO_ANCHOR.TOP,
    name: str | None = None,
) -> Any:
    """A text box at ``box`` (inches on the chart frame), no margins, no wrapping."""
    x0, y0, x1, y1 = box
    shape = slide.shapes.add_textbox(
        int(frame.left + Inches(x0)),
        int(frame.top + Inches(y0)),
        int(Inches(x1 - x0)),
        int(Inches(y1 - y0)),
    )
    if name:
        shape.name = name
    text_frame = shape.text_frame
    text_frame.word_wrap = False
    text_frame.margin_left = text_frame.margin_right = 0
    text_frame.margin_top = text_frame.margin_bottom = 0
    text_frame.vertical_anchor = anchor
    text_frame.text = content
    paragraph = text_frame.paragraphs[0]
    paragraph.alignment = align
    for run in paragraph.runs:
        run.font.size = Pt(DATA_PT)
        run.font.bold = bold
        run.font.color.rgb = ooxml.rgb(colour)
    return shape


def _decimals(step: float) -> int:
    """Digits after the separator that show every multiple of ``step`` exactly (0.25 -> 2)."""
    for decimals in range(5):
        if abs(round(step, decimals) - step) < 1e-9 * max(1.0, abs(step)):
            return decimals
    return 4


def _ticks(lo: float, hi: float) -> list[float]:
    step = _nice_step(hi - lo)
    count = int(round((hi - lo) / step))
    return [round(lo + k * step, 10) for k in range(count + 1)]


def _tick_labels(
    deck: Deck,
    slide: Any,
    frame: Any,
    plot_box: tuple,
    *,
    x: tuple[float, float, bool],
    y: tuple[float, float, bool],
    titles: tuple[str, str],
) -> None:
    """Tick labels and axis titles of the matrix as text boxes along the plot edges.

    Excel number formats show the viewer's decimal separator; text formatted with
    ``fmt`` reads the same everywhere, and the axis scale is fixed, so it holds.
    """
    lang = deck.lang
    left, top, right, bottom = plot_box
    height = DATA_PT * 1.45 / 72

    def label(value: float, percent: bool, step: float) -> str:
        kind = "percent" if percent else "number"
        decimals = _decimals(step * 100 if percent else step)
        return fmt(value, kind=kind, decimals=decimals, lang=lang)

    x_min, x_max, x_percent = x
    step = _nice_step(x_max - x_min)
    for value in _ticks(x_min, x_max):
        px = left + (right - left) * (value - x_min) / (x_max - x_min)
        _text_box(
            slide,
            frame,
            (px - 0.5, bottom + 0.05, px + 0.5, bottom + 0.05 + height),
            label(value, x_percent, step),
            align=PP_ALIGN.CENTER,
            colour=palette.TEXT,
        )
    y_min, y_max, y_percent = y
    step = _nice_step(y_max - y_min)
    for value in _ticks(y_min, y_max):
        py = top + (bottom - top) * (1 - (value - y_min) / (y_max - y_min))
        _text_box(
            slide,
            frame,
            (left - 1.0, py - height / 2, left - 0.08, py + height / 2),
            label(value, y_percent, step),
            align=PP_ALIGN.RIGHT,
            colour=palette.TEXT,
            anchor=MSO_ANCHOR.MIDDLE,
        )
    x_title, y_title = titles
    _text_box(
        slide,
        frame,
        (left, bottom + 0.1 + height, right, bottom + 0.1 + 2 * height),
        x_title,
        align=PP_ALIGN.CENTER,
        colour=palette.TEXT,
        name="Axis title x",
    )
    # the y title: a rotated box, centred on the left margin of the plot
    length = bottom - top
    centre_x, centre_y = max(left - 0.95, height / 2 + 0.02), (top + bottom) / 2
    shape = _text_box(
        slide,
        frame,
        (
            centre_x - length / 2,
            centre_y - height / 2,
            centre_x + length / 2,
            centre_y + height / 2,
        ),
        y_title,
        align=PP_ALIGN.CENTER,
        colour=palette.TEXT,
        anchor=MSO_ANCHOR.MIDDLE,
        name="Axis title y",
    )
    shape.rotation = 270


def _key_width(names: Sequence[str]) -> float:
    """Width (inches) of a key column: the longest name at 14 pt, within 2.4-3.2 in."""
    longest = max(len(name) for name in names)
    return min(max(longest * DATA_PT * 0.55 / 72 + 0.45, 2.4), 3.2)


def _matrix_key(
    slide: Any,
    frame: Any,
    names: Sequence[str],
    numbers: np.ndarray,
    colours: Sequence[str],
    *,
    columns: int,
) -> None:
    """The names of numbered matrix points, in number order, in columns right of the chart."""
    order = np.argsort(numbers, kind="stable")
    per_column = math.ceil(len(order) / columns)
    width = Inches(_key_width(names))
    hanging = int(Pt(DATA_PT) * 1.6)  # wrapped names line up after the number
    for column in range(columns):
        rows = order[column * per_column : (column + 1) * per_column]
        box = slide.shapes.add_textbox(
            int(frame.left + frame.width + column * width + Inches(0.1)),
            int(frame.top),
            int(width - Inches(0.1)),
            int(frame.height),
        )
        box.name = f"Matrix key {column + 1}"
        text_frame = box.text_frame
        text_frame.word_wrap = True
        text_frame.margin_left = text_frame.margin_right = 0
        for position, i in enumerate(rows):
            paragraph = text_frame.paragraphs[0] if position == 0 else text_frame.add_paragraph()
            ooxml.hanging_indent(paragraph, hanging)
            number = paragraph.add_run()
            number.text = f"{numbers[i]}\t"
            number.font.bold = True
            number.font.color.rgb = ooxml.rgb(colours[i])
            name = paragraph.add_run()
            name.text = names[i]
            name.font.color.rgb = ooxml.rgb(palette.TEXT)
            for run in (number, name):
                run.font.size = Pt(DATA_PT)


def _quadrant_names(deck: Deck, slide: Any, frame: Any, plot_box: tuple) -> list[tuple]:
    """Quadrant names in the plot corners (text boxes); returns their boxes (inches)."""
    height = DATA_PT * 1.45 / 72
    pad = 0.08
    boxes = []
    corners = {
        "improve": ("left", "top"),
        "maintain": ("right", "top"),
        "monitor": ("left", "bottom"),
        "overkill": ("right", "bottom"),
    }
    for quadrant in QUADRANT_ORDER:
        name = text(quadrant, deck.lang)
        width = len(name) * DATA_PT * 0.66 / 72 + 0.15
        horizontal, vertical = corners[quadrant]
        x0 = plot_box[0] + pad if horizontal == "left" else plot_box[2] - pad - width
        y0 = plot_box[1] + pad if vertical == "top" else plot_box[3] - pad - height
        box = (x0, y0, x0 + width, y0 + height)
        _text_box(
            slide,
            frame,
            box,
            name,
            align=PP_ALIGN.LEFT if horizontal == "left" else PP_ALIGN.RIGHT,
            colour=palette.QUADRANT_COLOURS[quadrant],
            bold=True,
            name=f"Quadrant {quadrant}",
        )
        boxes.append(box)
    return boxes


def _nice_step(span: float) -> float:
    """The largest 1-2-5 step that gives at least four intervals (whole percents on 0-1)."""
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (5, 2, 1):
        if multiple * magnitude <= raw:
            return multiple * magnitude
    return magnitude


def _headroom(lo: float, hi: float, top: float, share: float) -> tuple[float, float]:
    """Widen [lo, hi] upwards (to nice steps) until ``top`` lies in the lower ``share``."""
    if hi <= lo or top - lo <= share * (hi - lo):
        return lo, hi
    need = lo + (top - lo) / share
    step = _nice_step(need - lo)
    low, high = math.floor(lo / step + 1e-9) * step, math.ceil(need / step - 1e-9) * step
    return round(low, 10), round(high, 10)


def _nice_range(values: np.ndarray, *, pad: float, floor_zero: bool = False) -> tuple[float, float]:
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    if floor_zero and float(np.nanmin(values)) >= 0:
        lo = 0.0  # importance: the axis starts at zero (never below it)
    step = _nice_step(hi - lo)
    low, high = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return round(low, 10), round(high, 10)


def _text_size(text_: str, font_pt: float) -> tuple[float, float]:
    """Estimated width and height (inches) of a label; wide enough for DejaVu and Calibri.

    The label engine keeps its own padding around these boxes.
    """
    lines = text_.split("\n")
    width = max(len(line) for line in lines) * font_pt * 0.55 / 72 + 0.06
    return width, len(lines) * font_pt * 1.3 / 72 + 0.02


def _label_places(
    points: np.ndarray,
    sizes: Sequence[tuple[float, float]],
    plot_box: tuple[float, float, float, float],
    *,
    obstacles: Sequence[tuple] = (),
    lines: tuple[float, float],
    marker_pt: float,
) -> np.ndarray:
    """Label centres (inches on the chart frame, y down), from the engine.

    The geometry is :func:`drivers.present.charts.labels.place_labels`, the engine of the
    matplotlib charts, in slide units (EMU): y is flipped to its y-up system and back.
    The quadrant lines are segments a label should not straddle; the corner names are
    obstacles. The engine's leader flags are not drawn: a moved data label gets its
    leader line from the viewer (LibreOffice draws one), and it moves with the label.
    """
    flip = np.array([1.0, -1.0])

    def emu(xy: Any) -> np.ndarray:
        return np.asarray(xy, dtype=float) * EMU_PER_INCH * flip

    def box(b: Sequence[float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = (float(v) * EMU_PER_INCH for v in b)
        return (x0, -y1, x1, -y0)

    left, top, right, bottom = plot_box
    x_line, y_line = lines
    placement = label_engine.place_labels(
        emu(points),
        np.asarray(sizes, dtype=float) * EMU_PER_INCH,
        box(plot_box),
        unit=EMU_PER_PT,
        obstacles=[box(o) for o in obstacles],
        segments=[emu([(x_line, top), (x_line, bottom)]), emu([(left, y_line), (right, y_line)])],
        marker_radius=marker_pt / 2 + 1,
        fontsize=DATA_PT,
    )
    return placement.centres * flip / EMU_PER_INCH

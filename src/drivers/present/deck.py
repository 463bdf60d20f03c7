"""PowerPoint decks with native, editable charts (python-pptx).

A :class:`Deck` turns results of the toolkit into slides a consultant drops into a client
deck: NPS per segment as a stacked bar, driver importance and touchpoint grades as bars,
the priority matrix as an XY scatter with one labelled point per touchpoint and the
quadrant lines drawn as the axis crossings. Every chart is a *native* PowerPoint chart
that carries its numbers in the embedded workbook ("Edit data" in PowerPoint works), has
a small methods footnote, and the narration goes into the slide notes.

Conventions
-----------
* Every ``add_*`` method returns the created ``pptx.slide.Slide`` so that callers can
  adjust it further with python-pptx; the :class:`Deck` itself is available as
  ``deck.presentation``.
* **Privacy.** Rows of an NPS or performance table with ``suppressed=True``, or with
  ``n`` below ``privacy_floor``, never reach a slide: they are left out of the chart (and
  its workbook) or table, and the footnote says "n < 5". Suppressed groups carry no
  numbers in :func:`drivers.stats.nps.nps_table`, so their names are all that could leak.
  Give ``nps_table`` and the deck the same ``privacy_floor``: the note names the deck's.
* **Numbers.** Chart values keep full precision in the workbook; data labels and axes use
  Excel number formats (``0%``, ``0.0``) so that they follow edited data; PowerPoint
  shows them with the decimal separator of the viewer's regional settings (a comma on a
  Dutch Windows). Text that is not a live number (category names with the NPS,
  footnotes, tables, matrix labels) is formatted in the deck's language with
  :mod:`drivers.present._format` (``"7,7"``, ``"+12"``, ``"34%"``).
* **Matrix.** One series per touchpoint, each with one point (LibreOffice drops XY
  series of unequal length), coloured by quadrant; the quadrant names stand in the plot
  corners as text boxes placed on the chart's fixed plot area.
* **Readable.** Data labels, axes, legends and table cells are 14 pt; charts with more
  bars than fit at that size raise a ParameterError (NPS groups, grades) or show the most
  important drivers only (with a footnote).
* **Templates.** ``Deck(template="client.pptx")`` opens the client's template (layouts,
  theme, fonts) and *removes the slides it already holds*. Layouts are found by name
  (English or Dutch Office names, or ``layouts={"title_only": "Titel"}``), then by their
  placeholders, then by index (0 title, 5 title only, 6 blank). ``.potx`` files cannot be
  opened by python-pptx: save the template as ``.pptx``.
* **Reproducible.** Document properties are fixed (author "drivers", dates
  2000-01-01, revision 1), the embedded workbooks get fixed timestamps and :meth:`save`
  writes the zip with fixed entry dates, so two builds of the same deck are byte-identical.

Examples
--------
>>> from drivers import demo
>>> from drivers.stats.nps import nps_table, touchpoint_performance
>>> survey = demo.load(2024)
>>> deck = Deck(lang="nl")
>>> _ = deck.add_title("Klantonderzoek 2024", "Van Dijk Groothandel")
>>> slide = deck.add_nps_chart(nps_table(survey, by="sector"), notes="Retail scoort het best.")
>>> slide.shapes[1].has_chart
True
>>> len(deck)
2
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
    XL_TICK_MARK,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from drivers.errors import DataError, ParameterError, check_option
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

__all__ = ["Deck", "CHART_KINDS", "FIXED_DATE"]

#: The chart kinds :meth:`Deck.add_chart` builds.
CHART_KINDS: tuple[str, ...] = ("nps", "drivers", "matrix", "grades")

#: Date written into every deck's document properties (reproducible builds).
FIXED_DATE = _dt.datetime(2000, 1, 1, 0, 0, 0)

_SLIDE_WIDTH = Inches(13.333)
_SLIDE_HEIGHT = Inches(7.5)
_MARGIN = Inches(0.6)
_FOOTNOTE_HEIGHT = Inches(0.55)
_FOOTNOTE_PT = 12
_DATA_PT = 14  # data labels, axes, legends, table cells: never smaller
_TITLE_PT = 32  # chart-slide titles in the default template
_QUADRANT_ORDER = ("improve", "maintain", "monitor", "overkill")
_SURE = 0.95  # matrix labels show the quadrant probability only below this

# Layout roles: names in English and Dutch Office, then the index in the default template.
_LAYOUT_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title slide", "titeldia"),
    "title_only": ("title only", "alleen titel"),
    "blank": ("blank", "leeg"),
}
_LAYOUT_INDEX = {"title": 0, "title_only": 5, "blank": 6}


def _word(key: str, lang: str, **fields: object) -> str:
    return text(key, lang, **fields)


def _rgb(colour: str) -> RGBColor:
    from matplotlib.colors import to_hex

    return RGBColor.from_string(to_hex(colour)[1:].upper())


def _group_label(group: object) -> str:
    """'bouw / klein' -> 'Bouw / klein'; 'Totaal / Totaal' (total of two segments) -> 'Totaal'."""
    parts = [part.strip() for part in str(group).split(" / ")]
    if len(parts) > 1 and len(set(parts)) == 1:
        parts = parts[:1]
    return _capitalise(" / ".join(parts))


def _capitalise(label: str) -> str:
    """'bouw' -> 'Bouw'; labels with any capital are left alone ('e-Commerce', 'MKB')."""
    return label[:1].upper() + label[1:] if label and label == label.lower() else label


class Deck:
    """A PowerPoint deck of native, editable charts, tables and text.

    Parameters
    ----------
    template : str or Path, optional
        A client template ``.pptx``: its layouts, theme and fonts are used and the slides
        it holds are removed. Without a template the default python-pptx presentation is
        used, widened to 16:9 (13.333 × 7.5 in).
    lang : {"nl", "en"}
        Language of labels, legends and footnotes.
    brand : str, optional
        The client's brand colour for single-series bars (any matplotlib colour);
        default :func:`drivers.present.palette.get_brand`.
    privacy_floor : int, default 5
        Groups with fewer respondents never reach a slide.
    layouts : dict, optional
        Layout names to use per role, e.g. ``{"title": "Titel", "title_only": "Grafiek"}``
        (roles: "title", "title_only", "blank").
    title : str, optional
        Title in the document properties; default the first :meth:`add_title`.

    Attributes
    ----------
    presentation : pptx.presentation.Presentation
        The python-pptx object, for anything the deck does not do itself.

    Examples
    --------
    >>> deck = Deck(lang="en")
    >>> _ = deck.add_text("Key findings", "- Complaint handling weighs most\\n- NPS +12")
    >>> len(deck)
    1
    """

    def __init__(
        self,
        template: str | Path | None = None,
        lang: str = "nl",
        *,
        brand: str | None = None,
        privacy_floor: int = 5,
        layouts: Mapping[str, str] | None = None,
        title: str | None = None,
    ) -> None:
        self.lang = check_lang("Deck", lang)
        self.brand = palette.brand(brand)
        if isinstance(privacy_floor, bool) or not isinstance(privacy_floor, (int, np.integer)):
            raise ParameterError(
                f"The 'privacy_floor' parameter of Deck must be an int >= 1. "
                f"Got {privacy_floor!r} instead."
            )
        if privacy_floor < 1:
            raise ParameterError(
                f"The 'privacy_floor' parameter of Deck must be an int >= 1. "
                f"Got {privacy_floor!r} instead."
            )
        self.privacy_floor = int(privacy_floor)
        self._layout_names = dict(layouts or {})
        for role in self._layout_names:
            check_option("Deck", "layouts", role, tuple(_LAYOUT_NAMES))
        self._title = title
        self.template = None if template is None else Path(template)
        if self.template is None:
            self.presentation = Presentation()
            self._widen_default()
        else:
            self.presentation = _open_template(self.template)
        self._set_properties()

    # ------------------------------------------------------------------ basics

    def __len__(self) -> int:
        return len(self.presentation.slides)

    def __repr__(self) -> str:
        source = f"template={str(self.template)!r}, " if self.template else ""
        return f"Deck({source}lang={self.lang!r}, {len(self)} slides)"

    @property
    def slide_width(self) -> int:
        """Slide width in EMU."""
        return int(self.presentation.slide_width)

    @property
    def slide_height(self) -> int:
        """Slide height in EMU."""
        return int(self.presentation.slide_height)

    def save(self, path: str | Path) -> Path:
        """Write the deck to ``path`` (folders are created); returns the path.

        The zip is written with fixed entry dates, so two builds of the same deck are
        byte-identical.
        """
        path = Path(path)
        if path.suffix.lower() != ".pptx":
            raise ParameterError(
                f"Deck.save writes a .pptx file; got {str(path)!r}. Use a name ending in .pptx."
            )
        self._set_properties()
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_reproducible_zip(buffer.getvalue()))
        return path

    # ------------------------------------------------------------------ slides

    def add_title(self, title: str, subtitle: str = "") -> Any:
        """A title slide; returns the slide.

        Parameters
        ----------
        title : str
        subtitle : str, optional
            E.g. the client and the wave; left out (placeholder removed) when empty.
        """
        if self._title is None:
            self._title = str(title)
        slide = self.presentation.slides.add_slide(self._layout("title"))
        title_shape = slide.shapes.title
        if title_shape is not None:
            title_shape.text = str(title)
        else:
            self._textbox(slide, str(title), top=Inches(2.5), size=40, bold=True)
        subtitle_shape = _placeholder(slide, (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY))
        if subtitle and subtitle_shape is not None:
            subtitle_shape.text = str(subtitle)
        elif subtitle:
            self._textbox(slide, str(subtitle), top=Inches(4.2), size=24)
        _remove_empty_placeholders(slide)
        return slide

    def add_text(self, title: str, markdown_or_text: str, notes: str | None = None) -> Any:
        """A text slide: lines starting with "- " (or "* ") become bullets; returns the slide.

        Indent a bullet by two spaces for a second level; ``**bold**`` is kept bold;
        lines starting with "#" become bold paragraphs; other lines are plain paragraphs.
        """
        slide = self._content_slide(title)
        top, bottom = self._content_box(slide)
        lines = [ln.rstrip() for ln in str(markdown_or_text).strip("\n").splitlines()]
        width_in = (self.slide_width - 2 * _MARGIN) / 914400 - 0.6
        height_pt = (bottom - top) / 12700 - 10
        size = 14  # the largest size at which the text (wrapped) fits, never below 14 pt
        for candidate in (24, 22, 20, 18, 16):
            per_line = max(int(width_in * 72 / (candidate * 0.52)), 10)
            rows = sum(math.ceil(len(ln.strip()) / per_line) for ln in lines if ln.strip())
            paragraphs = sum(1 for ln in lines if ln.strip())
            if rows * candidate * 1.2 + paragraphs * candidate * 0.5 <= height_pt:
                size = candidate
                break
        box = slide.shapes.add_textbox(_MARGIN, top, self.slide_width - 2 * _MARGIN, bottom - top)
        frame = box.text_frame
        frame.word_wrap = True
        first = True
        for line in lines:
            if not line.strip():
                continue
            paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
            stripped = line.lstrip()
            level = min((len(line) - len(stripped)) // 2, 2)
            bullet = stripped[:2] in ("- ", "* ")
            heading = stripped.startswith("#")
            content = stripped[2:] if bullet else stripped.lstrip("#").strip()
            _add_markdown_runs(paragraph, content, size=size, bold=heading)
            paragraph.space_after = Pt(size * 0.5)
            if bullet:
                _set_bullet(paragraph, level, size)
        self._notes(slide, notes)
        return slide

    def add_image(
        self,
        png_path: str | Path,
        *,
        title: str,
        notes: str | None = None,
        footnote: str | None = None,
    ) -> Any:
        """A slide with a PNG picture (e.g. from ``drivers.present.charts.save``); returns the slide.

        The picture is scaled to fit the content area, keeping its aspect ratio.

        Raises
        ------
        ParameterError
            The file is an SVG (python-pptx cannot insert SVG: save the chart as PNG),
            not a PNG, or does not exist.
        """
        path = Path(png_path)
        if path.suffix.lower() == ".svg":
            raise ParameterError(
                f"Deck.add_image cannot insert SVG ({str(path)!r}): python-pptx only "
                "embeds bitmap pictures. Save the chart as PNG (drivers.present.charts.save writes "
                "both) and pass the .png, or use a native chart with Deck.add_chart."
            )
        if not path.is_file():
            raise ParameterError(f"Deck.add_image: no file {str(path)!r}.")
        with path.open("rb") as handle:
            magic = handle.read(8)
        if magic != b"\x89PNG\r\n\x1a\n":
            raise ParameterError(
                f"Deck.add_image takes PNG files; {str(path)!r} is not a PNG "
                f"(it starts with {magic[:4]!r}). Save the picture as PNG."
            )
        slide = self._content_slide(title)
        top, bottom = self._content_box(slide)
        picture = slide.shapes.add_picture(str(path), 0, 0)
        box_w, box_h = self.slide_width - 2 * _MARGIN, bottom - top
        scale = min(box_w / picture.width, box_h / picture.height)
        picture.width = int(picture.width * scale)
        picture.height = int(picture.height * scale)
        picture.left = int((self.slide_width - picture.width) / 2)
        picture.top = int(top + (box_h - picture.height) / 2)
        self._footnote(slide, footnote or "")
        self._notes(slide, notes)
        return slide

    def add_table(
        self,
        df: pd.DataFrame,
        *,
        title: str,
        notes: str | None = None,
        footnote: str | None = None,
        number_format: Any = None,
        columns: Sequence[str] | Mapping[str, str] | None = None,
    ) -> Any:
        """A native table with numbers formatted in the deck's language; returns the slide.

        Parameters
        ----------
        df : DataFrame
            Rows with ``suppressed=True`` or ``n`` below the privacy floor are left out.
        title : str
        notes, footnote : str, optional
        number_format : None, int, str, callable or dict
            How numbers are shown. None picks per column: shares (``promoters``,
            ``share``, ``top_box``, ``p_*``, ...) as percentages, ``nps`` signed, counts
            grouped, other floats with one decimal. An int gives that many decimals; a
            str is one of "number", "percent", "signed", "count"; a callable maps a
            value to text; a dict gives any of these per column.
        columns : list or dict, optional
            Columns to show (a dict also renames them: ``{"nps": "NPS"}``).
        """
        if not isinstance(df, pd.DataFrame):
            raise ParameterError(
                f"Deck.add_table takes a pandas DataFrame; got {type(df).__name__}."
            )
        shown, dropped = self._private_rows(df)
        if columns is not None:
            names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
            missing = [c for c in names if c not in shown.columns]
            if missing:
                raise ParameterError(
                    f"Deck.add_table: columns {missing} are not in the table; "
                    f"it has {list(shown.columns)}."
                )
            nps_scale = "nps" in df.columns
            shown = shown[list(names)].rename(columns=names)
            formats = _column_formats(
                number_format, list(names), list(names.values()), nps_scale=nps_scale
            )
        else:
            formats = _column_formats(
                number_format,
                list(shown.columns),
                list(shown.columns),
                nps_scale="nps" in df.columns,
            )
        group_name = (
            "group"
            if columns is None
            else dict(columns).get("group")
            if isinstance(columns, Mapping)
            else ("group" if "group" in columns else None)
        )
        if group_name is not None and group_name in shown:
            shown[group_name] = [_group_label(g) for g in shown[group_name]]
        slide = self._content_slide(title)
        top, bottom = self._content_box(slide)
        row_height = Inches(0.42)
        max_rows = int((bottom - top) // row_height) - 1
        if len(shown) > max_rows:
            raise ParameterError(
                f"Deck.add_table: {len(shown)} rows do not fit on a slide at a readable size "
                f"(at most {max_rows}). Split the table (df.iloc[:{max_rows}], ...) or "
                "select rows."
            )
        cells = [[str(c) for c in shown.columns]]
        # column by column: iterrows() would turn the ints of a mixed frame into floats
        columns_text = [
            [_format_cell(v, formats[c], self.lang) for v in shown[c].tolist()]
            for c in shown.columns
        ]
        cells.extend([list(row) for row in zip(*columns_text, strict=True)])
        numeric = [
            pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
            for c in shown.columns
        ]
        widths = [max(len(r[i]) for r in cells) + 2 for i in range(len(shown.columns))]
        width = self.slide_width - 2 * _MARGIN
        shape = slide.shapes.add_table(
            len(cells), len(shown.columns), _MARGIN, top, width, row_height * len(cells)
        )
        table = shape.table
        total = sum(widths)
        for i, w in enumerate(widths):
            table.columns[i].width = int(width * w / total)
        for r, values in enumerate(cells):
            table.rows[r].height = row_height
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = value
                cell.margin_left = cell.margin_right = Inches(0.08)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                paragraph = cell.text_frame.paragraphs[0]
                paragraph.alignment = PP_ALIGN.RIGHT if numeric[c] else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size = Pt(_DATA_PT)
                    run.font.bold = r == 0
                    run.font.color.rgb = _rgb(
                        palette.text_colour_on(self.brand) if r == 0 else palette.TEXT
                    )
                cell.fill.solid()
                if r == 0:
                    cell.fill.fore_color.rgb = _rgb(self.brand)
                else:
                    cell.fill.fore_color.rgb = _rgb("#FFFFFF" if r % 2 else "#F2F4F6")
        self._footnote(slide, footnote or "", dropped=dropped)
        self._notes(slide, notes)
        return slide

    # ------------------------------------------------------------------ charts

    def add_chart(
        self,
        kind_or_result: Any,
        data: Any = None,
        *,
        title: str,
        notes: str | None = None,
        footnote: str | None = None,
        **options: Any,
    ) -> Any:
        """A slide with a native, editable PowerPoint chart; returns the slide.

        Parameters
        ----------
        kind_or_result : str or result
            One of :data:`CHART_KINDS` ("nps", "drivers", "matrix", "grades") with the
            table or result in ``data``; or the result itself: a ``PriorityMatrix``, a
            ``DriverResult``, an :func:`~drivers.stats.nps.nps_table` or a
            :func:`~drivers.stats.nps.touchpoint_performance` table.
        data : result or DataFrame, optional
            The data when ``kind_or_result`` is a kind.
        title : str
            Slide title.
        notes : str, optional
            Narration for the slide notes (Markdown or plain text).
        footnote : str, optional
            Methods footnote; default built from the result (n, method, R², weighting,
            missing-data treatment). ``""`` leaves it out (the privacy note stays).
        **options
            Passed on to the chart: see :meth:`add_nps_chart`, :meth:`add_driver_chart`,
            :meth:`add_matrix_chart`, :meth:`add_grades_chart`.
        """
        if isinstance(kind_or_result, str):
            kind = kind_or_result
            check_option("Deck.add_chart", "kind", kind, CHART_KINDS)
            if data is None:
                raise ParameterError(
                    f"Deck.add_chart({kind!r}) needs the table or result in 'data'."
                )
        else:
            if data is not None:
                raise ParameterError(
                    "Deck.add_chart takes either a kind and data, or a result alone; "
                    "got a result and data."
                )
            kind, data = _detect_kind(kind_or_result), kind_or_result
        method = {
            "nps": self.add_nps_chart,
            "drivers": self.add_driver_chart,
            "matrix": self.add_matrix_chart,
            "grades": self.add_grades_chart,
        }[kind]
        return method(data, title=title, notes=notes, footnote=footnote, **options)

    def add_nps_chart(
        self,
        nps_table: pd.DataFrame,
        *,
        title: str | None = None,
        notes: str | None = None,
        footnote: str | None = None,
        min_n: int = 30,
    ) -> Any:
        """NPS per group: a 100% stacked horizontal bar of detractors, passives, promoters.

        Parameters
        ----------
        nps_table : DataFrame
            From :func:`drivers.stats.nps.nps_table` (``group``, ``n``, ``promoters``,
            ``passives``, ``detractors``, ``nps``; optional ``small_base``,
            ``suppressed``). Groups appear top to bottom in table order; the category
            label carries the NPS ("Bouw  NPS +11"), small bases get a "*".
        title : str, optional
            Default "Net Promoter Score".
        notes, footnote : str, optional
        min_n : int, default 30
            The small-base threshold named in the footnote (as in ``nps_table``).

        Returns
        -------
        pptx.slide.Slide
        """
        _need_columns(
            nps_table,
            ("group", "promoters", "passives", "detractors", "nps"),
            "Deck.add_nps_chart",
            "an nps_table",
        )
        shown, dropped = self._private_rows(nps_table)
        if shown.empty:
            raise DataError(
                "Deck.add_nps_chart: every group is below the privacy floor "
                f"(n < {self.privacy_floor}); there is nothing to show."
            )
        small = (
            shown["small_base"].fillna(False).astype(bool).to_numpy()
            if "small_base" in shown
            else np.zeros(len(shown), bool)
        )
        if len(shown) <= self._rows_that_fit(2, legend=True):
            separator = "\n"  # name above its NPS
        elif len(shown) <= self._rows_that_fit(1, legend=True):
            separator = "   "
        else:
            raise ParameterError(
                f"Deck.add_nps_chart: {len(shown)} groups do not fit on one slide at a "
                f"readable size (at most {self._rows_that_fit(1, legend=True)}). Split the "
                "table, e.g. by one segment at a time."
            )
        categories = [
            f"{_group_label(g)}{'*' if s else ''}{separator}NPS {fmt_signed(v, self.lang)}"
            for g, v, s in zip(shown["group"], shown["nps"], small, strict=True)
        ]
        chart_data = CategoryChartData(number_format="0%")
        chart_data.categories = categories
        series_keys = ("detractors", "passives", "promoters")
        for key in series_keys:
            chart_data.add_series(text(key, self.lang), shown[key].astype(float).tolist())
        slide = self._content_slide(title or text("title_nps_bar", self.lang))
        chart = self._chart(slide, XL_CHART_TYPE.BAR_STACKED_100, chart_data)
        plot = chart.plots[0]
        plot.gap_width = 45
        plot.overlap = 100
        colours = (palette.DETRACTOR, palette.PASSIVE, palette.PROMOTER)
        for series, key, colour in zip(plot.series, series_keys, colours, strict=True):
            _fill(series, colour)
            labels = series.data_labels
            labels.show_value = True
            labels.number_format = "0%"
            labels.number_format_is_linked = False
            labels.position = XL_LABEL_POSITION.CENTER
            labels.font.size = Pt(_DATA_PT)
            labels.font.color.rgb = _rgb(palette.text_colour_on(colour))
            # a label on a sliver of a bar overlaps its neighbours: leave it out
            narrow = [i for i, v in enumerate(shown[key].astype(float)) if not v >= 0.05]
            _delete_point_labels(series, narrow)
        self._category_axis(chart, reverse=True)
        value_axis = chart.value_axis
        value_axis.visible = False
        value_axis.has_major_gridlines = False
        value_axis.maximum_scale = 1.0
        value_axis.minimum_scale = 0.0
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(_DATA_PT)
        if footnote is None:
            parts = []
            n_text = _n_text(shown, self.lang)
            if n_text:
                parts.append(n_text)
            parts.append(_word("nps_definition", self.lang))
            if "n_eff" in shown and "n" in shown:
                weighted = bool(
                    np.any(np.abs(shown["n_eff"].astype(float) - shown["n"].astype(float)) > 1e-6)
                )
                parts.append(_word("weighted" if weighted else "unweighted", self.lang))
            if small.any():
                parts.append(text("small_base_note", self.lang, n=min_n).rstrip("."))
            footnote = " · ".join(parts)
        self._footnote(slide, footnote, dropped=dropped)
        self._notes(slide, notes)
        return slide

    def add_driver_chart(
        self,
        driver_result: Any,
        *,
        title: str | None = None,
        notes: str | None = None,
        footnote: str | None = None,
        value: str = "share",
        indicators: bool = False,
        ci: bool = True,
        labels: Mapping[str, str] | None = None,
        top: int | None = None,
    ) -> Any:
        """Driver importance per touchpoint as a horizontal bar, most important on top.

        Parameters
        ----------
        driver_result : DriverResult or DataFrame
            From :func:`drivers.stats.importance.key_drivers` (or its ``.table``: ``driver``,
            ``label``, ``importance``, ``share``, ``rank``, optional ``ci_low``,
            ``ci_high``, ``share_ci_low``, ``share_ci_high``, ``indicator``, ``n``).
        title : str, optional
            Default "Wat bepaalt de aanbeveling?" / "What drives recommendation?".
        notes, footnote : str, optional
        value : {"share", "importance"}
            Share of the explained variance (percent, sums to 100% over all model
            columns) or the raw importance.
        indicators : bool, default False
            Also show the "<driver>_answered" rows of ``missing="impute"``.
        ci : bool, default True
            Draw the bootstrap confidence interval as error bars when the table has one.
        labels : dict, optional
            Display label per driver key (e.g. English labels for a Dutch analysis);
            default the table's ``label`` column.
        top : int, optional
            Show only the ``top`` most important drivers. By default as many as fit on
            the slide at a readable size; the footnote says when some are left out.
        """
        check_option("Deck.add_driver_chart", "value", value, ("share", "importance"))
        table = getattr(driver_result, "table", driver_result)
        _need_columns(table, ("driver", value), "Deck.add_driver_chart", "a DriverResult table")
        shown, dropped = self._private_rows(table)
        if "indicator" in shown and not indicators:
            shown = shown[~shown["indicator"].fillna(False).astype(bool)]
        if "rank" in shown:
            shown = shown.sort_values("rank", kind="stable")
        else:
            shown = shown.sort_values(value, ascending=False, kind="stable")
        if shown.empty:
            raise DataError("Deck.add_driver_chart: the driver table has no rows to show.")
        fit = self._rows_that_fit(1, legend=False)
        if top is not None:
            if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
                raise ParameterError(
                    f"The 'top' parameter of Deck.add_driver_chart must be an int >= 1. "
                    f"Got {top!r} instead."
                )
            fit = min(fit, int(top))
        total_rows = len(shown)
        shown = shown.iloc[:fit]
        names = shown["label"] if "label" in shown else shown["driver"]
        if labels is not None:
            names = [labels.get(k, n) for k, n in zip(shown["driver"], names, strict=True)]
        percent = value == "share" or _is_share_scale(getattr(driver_result, "method", ""))
        number_format = "0%" if percent else "0.00"
        values = shown[value].astype(float).to_numpy()
        low_col, high_col = (
            ("share_ci_low", "share_ci_high") if value == "share" else ("ci_low", "ci_high")
        )
        has_ci = ci and {low_col, high_col} <= set(shown.columns)
        chart_data = CategoryChartData(number_format=number_format)
        chart_data.categories = [str(x) for x in names]
        series_name = text("importance_share" if value == "share" else "importance", self.lang)
        chart_data.add_series(series_name, values.tolist())
        slide = self._content_slide(title or text("title_driver_importance", self.lang))
        chart = self._chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, chart_data)
        upper = float(np.nanmax(shown[high_col])) if has_ci else float(np.nanmax(values))
        self._single_bars(
            chart,
            number_format,
            minimum=min(0.0, float(np.nanmin(values))),
            maximum=upper * 1.08 if upper > 0 else None,
            inside=has_ci,
        )
        if has_ci:
            _error_bars(
                chart.plots[0].series[0],
                values - shown[low_col].astype(float).to_numpy(),
                shown[high_col].astype(float).to_numpy() - values,
            )
        if footnote is None:
            footnote = self._driver_footnote(driver_result, has_ci)
            if len(shown) < total_rows:
                footnote += " · " + _word("top", self.lang, k=len(shown), p=total_rows)
        self._footnote(slide, footnote, dropped=dropped)
        self._notes(slide, notes)
        return slide

    def add_grades_chart(
        self,
        performance_table: pd.DataFrame,
        *,
        title: str | None = None,
        notes: str | None = None,
        footnote: str | None = None,
        value: str = "mean",
        sort: bool = False,
        scale: tuple[float, float] = (1, 10),
        ci: bool = True,
    ) -> Any:
        """Touchpoint grades as a horizontal bar (journey order, or best first).

        Parameters
        ----------
        performance_table : DataFrame
            From :func:`drivers.stats.nps.touchpoint_performance` (``touchpoint``, ``label``,
            ``mean``, ``ci_low``, ``ci_high``, ``n``; optional ``top_box``,
            ``suppressed``).
        title : str, optional
            Default "Rapportcijfer per contactmoment" / "Grade per touchpoint".
        notes, footnote : str, optional
        value : {"mean", "top_box"}
            Mean grade (with its CI as error bars) or the share of 8 and higher.
        sort : bool, default False
            Highest first instead of the table's (journey) order.
        scale : tuple, default (1, 10)
            The grade scale: the value axis of mean grades runs over it.
        ci : bool, default True
            Draw ``ci_low`` / ``ci_high`` as error bars (``value="mean"`` only).
        """
        check_option("Deck.add_grades_chart", "value", value, ("mean", "top_box"))
        _need_columns(
            performance_table,
            ("touchpoint", value),
            "Deck.add_grades_chart",
            "a touchpoint_performance table",
        )
        shown, dropped = self._private_rows(performance_table)
        shown = shown[np.isfinite(shown[value].astype(float))]
        if shown.empty:
            raise DataError("Deck.add_grades_chart: no touchpoint has a value to show.")
        if len(shown) > self._rows_that_fit(1, legend=False):
            raise ParameterError(
                f"Deck.add_grades_chart: {len(shown)} touchpoints do not fit on one slide at "
                f"a readable size (at most {self._rows_that_fit(1, legend=False)}). Pass a "
                "selection of rows."
            )
        if sort:
            shown = shown.sort_values(value, ascending=False, kind="stable")
        labels = shown["label"] if "label" in shown else shown["touchpoint"]
        values = shown[value].astype(float).to_numpy()
        has_ci = ci and value == "mean" and {"ci_low", "ci_high"} <= set(shown.columns)
        number_format = "0.0" if value == "mean" else "0%"
        chart_data = CategoryChartData(number_format=number_format)
        chart_data.categories = [str(x) for x in labels]
        name = text("mean_grade", self.lang) if value == "mean" else _top_box_name(self.lang)
        chart_data.add_series(name, values.tolist())
        slide = self._content_slide(title or text("title_touchpoint_grades", self.lang))
        chart = self._chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, chart_data)
        if value == "mean":
            low, high = (float(scale[0]), float(scale[1]))
        else:
            low, high = 0.0, 1.0
        self._single_bars(chart, number_format, minimum=low, maximum=high, inside=has_ci)
        if has_ci:
            _error_bars(
                chart.plots[0].series[0],
                values - shown["ci_low"].astype(float).to_numpy(),
                shown["ci_high"].astype(float).to_numpy() - values,
            )
        if footnote is None:
            parts = []
            if "n" in shown and shown["n"].notna().any():
                n_low, n_high = int(shown["n"].min()), int(shown["n"].max())
                n_text = (
                    fmt_count(n_low, self.lang)
                    if n_low == n_high
                    else f"{fmt_count(n_low, self.lang)}–{fmt_count(n_high, self.lang)} "
                    f"{_word('per_touchpoint', self.lang)}"
                )
                parts.append(f"n = {n_text}")
            if value == "mean":
                parts.append(
                    _word(
                        "grade_scale",
                        self.lang,
                        lo=fmt_number(low, 0, self.lang),
                        hi=fmt_number(high, 0, self.lang),
                    )
                )
            if has_ci:
                parts.append(text("whiskers_note", self.lang).rstrip("."))
            footnote = " · ".join(parts)
        self._footnote(slide, footnote, dropped=dropped)
        self._notes(slide, notes)
        return slide

    def add_matrix_chart(
        self,
        priority_matrix: Any,
        *,
        title: str | None = None,
        notes: str | None = None,
        footnote: str | None = None,
        drivers_result: Any = None,
        probabilities: bool | None = None,
    ) -> Any:
        """The priority matrix as a native XY scatter: one labelled point per touchpoint.

        The quadrant lines are the axes themselves: the vertical axis crosses the
        performance axis at ``x_line`` and the horizontal axis crosses the importance
        axis at ``y_line``, so moving a line in PowerPoint is "Format axis → crosses at".
        Points are coloured by quadrant (one series per quadrant, named in the legend);
        each point's data label is the touchpoint name, placed to avoid overlaps.

        Parameters
        ----------
        priority_matrix : PriorityMatrix
            From :func:`drivers.stats.matrix.priority_matrix` (``table`` with ``touchpoint``,
            ``label``, ``importance``, ``performance``, ``quadrant``; ``x_line``,
            ``y_line``; optional ``p_<quadrant>`` columns).
        title : str, optional
            Default "Prioriteitenmatrix" / "Priority matrix".
        notes, footnote : str, optional
        drivers_result : DriverResult, optional
            Adds R², weighting and missing-data treatment to the footnote.
        probabilities : bool, optional
            Add the bootstrap probability of the point's quadrant to its label when it is
            below 95% ("Levering en logistiek (38%)"); default: when the matrix has them.
        """
        matrix = priority_matrix
        if hasattr(matrix, "relabel") and getattr(matrix, "lang", self.lang) != self.lang:
            matrix = matrix.relabel(self.lang)
        table = getattr(matrix, "table", None)
        _need_columns(
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
        shown, dropped = self._private_rows(table)
        if shown.empty:
            raise DataError("Deck.add_matrix_chart: the matrix has no touchpoints to show.")
        unknown = sorted(set(shown["quadrant"]) - set(_QUADRANT_ORDER))
        if unknown:
            raise DataError(
                f"Deck.add_matrix_chart: unknown quadrant(s) {unknown}; expected "
                f"{list(_QUADRANT_ORDER)}."
            )
        if probabilities is None:
            probabilities = all(f"p_{q}" in shown for q in _QUADRANT_ORDER)
        elif probabilities and not all(f"p_{q}" in shown for q in _QUADRANT_ORDER):
            raise ParameterError(
                "Deck.add_matrix_chart(probabilities=True) needs a matrix with quadrant "
                "probabilities (a driver result with bootstrap draws)."
            )
        method = str(getattr(matrix, "method", ""))
        x_values = shown["performance"].astype(float).to_numpy()
        y_values = shown["importance"].astype(float).to_numpy()
        percent_y = _is_share_scale(method) and np.all((y_values >= 0) & (y_values <= 1))
        x_kind = getattr(matrix, "x", "mean")
        x_format = "0%" if x_kind == "top_box" else "0.0"
        y_format = "0%" if percent_y else "0.00"

        # One series per touchpoint (named after it, so the workbook reads naturally).
        # Series of unequal length are dropped by LibreOffice's importer, one point each
        # renders everywhere.
        labels = [
            str(shown["label"].iloc[i]) if "label" in shown else str(key)
            for i, key in enumerate(shown["touchpoint"])
        ]
        chart_data = XyChartData()
        for i, name in enumerate(labels):
            series = chart_data.add_series(name)
            series.add_data_point(float(x_values[i]), float(y_values[i]))
        slide = self._content_slide(title or text("title_priority_matrix", self.lang))
        chart = self._chart(slide, XL_CHART_TYPE.XY_SCATTER, chart_data)
        frame = slide.shapes[-1]

        # axis ranges: data and lines inside, with room for the labels
        x_min, x_max = _nice_range(np.append(x_values, x_line), pad=0.08)
        y_min, y_max = _nice_range(np.append(y_values, y_line), pad=0.12, floor_zero=True)
        x_axis, y_axis = chart.category_axis, chart.value_axis  # XY: first valAx is x
        for axis, lo, hi, fmt, label_key in (
            (x_axis, x_min, x_max, x_format, "x"),
            (y_axis, y_min, y_max, y_format, "y"),
        ):
            axis.minimum_scale, axis.maximum_scale = lo, hi
            axis.major_unit = _nice_step(hi - lo)
            axis.has_major_gridlines = False
            axis.major_tick_mark = XL_TICK_MARK.NONE
            axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # labels at the edge
            axis.tick_labels.font.size = Pt(_DATA_PT)
            axis.tick_labels.number_format = fmt
            axis.tick_labels.number_format_is_linked = False
            line = axis.format.line
            line.color.rgb = _rgb(palette.RULE)
            line.width = Pt(1.5)
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
            axis.has_title = True
            axis.axis_title.text_frame.text = _axis_title(matrix, label_key, self.lang)
            for paragraph in axis.axis_title.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(_DATA_PT)
                    run.font.bold = False
                    run.font.color.rgb = _rgb(palette.TEXT)
        # "crosses_at" is the value on THIS axis where the OTHER axis crosses (python-pptx
        # writes it into the other axis' element): the vertical axis stands at x = x_line,
        # the horizontal axis lies at y = y_line.
        x_axis.crosses_at = x_line
        y_axis.crosses_at = y_line
        chart.has_legend = False  # the quadrant names stand in the corners

        # plot area at a known place, so that labels and quadrant names can be placed
        inner = (0.075, 0.02, 0.91, 0.83)  # x, y, w, h as fractions of the chart frame
        _manual_plot_layout(chart, inner)
        width_in = frame.width / 914400
        height_in = frame.height / 914400
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

        corner_boxes = self._quadrant_names(slide, frame, plot_box)
        # label variants: "Offerte (100%)" on one line, or name and probability on two
        variants: list[list[str]] = [[name] for name in labels]
        if probabilities:
            for i, quadrant in enumerate(shown["quadrant"]):
                probability = float(shown[f"p_{quadrant}"].iloc[i])
                if probability >= _SURE:
                    continue  # "(100%)" everywhere is noise: only the uncertain ones
                p = fmt_percent(probability, self.lang)
                variants[i] = [f"{labels[i]} ({p})", f"{labels[i]}\n({p})"]
        points = [to_inches(x, y) for x, y in zip(x_values, y_values, strict=True)]
        placements = _place_labels(
            points,
            variants,
            plot_box,
            obstacles=corner_boxes,
            lines=(to_inches(x_line, y_line)[0], to_inches(x_line, y_line)[1]),
            marker_pt=13,
            font_pt=_DATA_PT,
        )
        for i, series in enumerate(chart.plots[0].series):
            colour = palette.QUADRANT_COLOURS[shown["quadrant"].iloc[i]]
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 13
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = _rgb(colour)
            series.marker.format.line.color.rgb = _rgb("#FFFFFF")
            series.format.line.fill.background()
            variant, position, dx, dy = placements[i]
            # per-point labels are static text: set them after the data
            data_label = series.points[0].data_label
            label_frame = data_label.text_frame
            label_frame.text = variants[i][variant]
            label_frame.word_wrap = False  # PowerPoint and LibreOffice wrap long labels
            for paragraph in label_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(_DATA_PT)
                    run.font.color.rgb = _rgb(palette.TEXT)
            data_label.position = position
            if dx or dy:
                _label_offset(data_label, dx / width_in, dy / height_in)
        if footnote is None:
            footnote = self._matrix_footnote(matrix, drivers_result, probabilities)
        self._footnote(slide, footnote, dropped=dropped)
        self._notes(slide, notes)
        return slide

    def _quadrant_names(self, slide: Any, frame: Any, plot_box: tuple) -> list[tuple]:
        """Quadrant names in the plot corners (text boxes); returns their boxes (inches)."""
        size = _DATA_PT
        height = size * 1.45 / 72
        pad = 0.08
        boxes = []
        corners = {
            "improve": ("left", "top"),
            "maintain": ("right", "top"),
            "monitor": ("left", "bottom"),
            "overkill": ("right", "bottom"),
        }
        for quadrant in _QUADRANT_ORDER:
            name = _quadrant_name(quadrant, self.lang)
            width = len(name) * size * 0.66 / 72 + 0.15
            horizontal, vertical = corners[quadrant]
            x0 = plot_box[0] + pad if horizontal == "left" else plot_box[2] - pad - width
            y0 = plot_box[1] + pad if vertical == "top" else plot_box[3] - pad - height
            box = slide.shapes.add_textbox(
                int(frame.left + Inches(x0)),
                int(frame.top + Inches(y0)),
                int(Inches(width)),
                int(Inches(height)),
            )
            box.name = f"Quadrant {quadrant}"
            text_frame = box.text_frame
            text_frame.word_wrap = False
            text_frame.margin_left = text_frame.margin_right = 0
            text_frame.margin_top = text_frame.margin_bottom = 0
            text_frame.text = name
            paragraph = text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.LEFT if horizontal == "left" else PP_ALIGN.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(size)
                run.font.bold = True
                run.font.color.rgb = _rgb(palette.QUADRANT_COLOURS[quadrant])
            boxes.append((x0, y0, x0 + width, y0 + height))
        return boxes

    # ------------------------------------------------------------------ footnotes

    def _method_name(self, method: str) -> str:
        key = f"method_{method}"
        try:
            name = text(key, self.lang)
        except ParameterError:
            name = method
        return _capitalise(name)

    def _driver_footnote(self, result: Any, has_ci: bool) -> str:
        parts = []
        n = getattr(result, "n", None)
        if n is not None:
            parts.append(f"n = {fmt_count(n, self.lang)}")
        method = getattr(result, "method", None)
        if method:
            parts.append(self._method_name(str(method)))
        r2 = getattr(result, "r2", None)
        if r2 is not None and np.isfinite(r2):
            parts.append(f"R² = {fmt_number(r2, 2, self.lang)}")
        weighted = getattr(result, "weighted", None)
        if weighted is not None:
            parts.append(_word("weighted" if weighted else "unweighted", self.lang))
        missing = getattr(result, "missing", None)
        if missing in ("listwise", "pairwise", "impute"):
            parts.append(_word(f"na_{missing}", self.lang))
        draws = getattr(result, "draws", None)
        if has_ci and draws is not None:
            parts.append(_word("bootstrap", self.lang, n=fmt_count(len(draws), self.lang)))
        return " · ".join(parts)

    def _matrix_footnote(self, matrix: Any, result: Any, probabilities: bool) -> str:
        parts = []
        n = getattr(matrix, "n", None) or getattr(result, "n", None)
        if n is not None:
            parts.append(f"n = {fmt_count(n, self.lang)}")
        method = getattr(matrix, "method", None) or getattr(result, "method", None)
        if method:
            parts.append(self._method_name(str(method)))
        if result is not None:
            r2 = getattr(result, "r2", None)
            if r2 is not None and np.isfinite(r2):
                parts.append(f"R² = {fmt_number(r2, 2, self.lang)}")
            weighted = getattr(result, "weighted", None)
            if weighted is not None:
                parts.append(_word("weighted" if weighted else "unweighted", self.lang))
            missing = getattr(result, "missing", None)
            if missing in ("listwise", "pairwise", "impute"):
                parts.append(_word(f"na_{missing}", self.lang))
        lines = getattr(matrix, "lines", None)
        if lines:
            hows = [_word(f"line_{h}", self.lang) for h in lines if f"line_{h}" in TEXT]
            if hows:
                how = hows[0] if len(set(hows)) == 1 else " / ".join(hows)
                parts.append(_word("lines", self.lang, how=how))
        if probabilities:
            parts.append(_word("probability", self.lang))
        return " · ".join(parts)

    # ------------------------------------------------------------------ internals

    def _private_rows(self, table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        """Rows that may leave the package, and how many were dropped.

        Dropped: ``suppressed`` is True (or missing in that column), or ``n`` is below
        the privacy floor.
        """
        keep = np.ones(len(table), bool)
        if "suppressed" in table:
            keep &= ~table["suppressed"].astype("boolean").fillna(True).to_numpy(bool)
        if "n" in table:
            n = pd.to_numeric(table["n"], errors="coerce").to_numpy(float)
            keep &= ~(n < self.privacy_floor)
        return table.loc[keep].reset_index(drop=True), int((~keep).sum())

    def _layout(self, role: str) -> Any:
        layouts = list(self.presentation.slide_layouts)
        wanted = self._layout_names.get(role)
        if wanted is not None:
            for layout in layouts:
                if layout.name == wanted:
                    return layout
            raise ParameterError(
                f"Deck: the template has no layout named {wanted!r} (for {role!r}); "
                f"its layouts are {[lay.name for lay in layouts]}."
            )
        names = _LAYOUT_NAMES[role]
        for layout in layouts:
            if layout.name.strip().lower() in names:
                return layout
        for layout in layouts:
            if _layout_role(layout) == role:
                return layout
        index = _LAYOUT_INDEX[role]
        return layouts[index] if index < len(layouts) else layouts[-1]

    def _content_slide(self, title: str) -> Any:
        slide = self.presentation.slides.add_slide(self._layout("title_only"))
        title_shape = slide.shapes.title
        if title_shape is None:
            self._textbox(slide, str(title), top=Inches(0.35), size=_TITLE_PT, bold=True)
        else:
            title_shape.text = str(title)
            if self.template is None:
                for paragraph in title_shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(_TITLE_PT)
        _remove_empty_placeholders(slide)
        return slide

    def _content_box(self, slide: Any) -> tuple[int, int]:
        """Top and bottom (EMU) of the area between the title and the footnote."""
        title_shape = slide.shapes.title
        if title_shape is not None and title_shape.top is not None:
            top = int(title_shape.top + title_shape.height + Inches(0.1))
        else:
            top = int(Inches(1.4))
        bottom = int(self.slide_height - _FOOTNOTE_HEIGHT - Inches(0.25))
        if bottom - top < Inches(3):  # a template with a very tall title
            top = int(bottom - Inches(3))
        return top, bottom

    def _rows_that_fit(self, lines: int, *, legend: bool) -> int:
        """Bars of ``lines`` text lines each that fit a chart with readable labels."""
        layout = self._layout("title_only")
        title = next(
            (
                ph
                for ph in layout.placeholders
                if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
            ),
            None,
        )
        top = Inches(1.4) if title is None else title.top + title.height + Inches(0.1)
        bottom = self.slide_height - _FOOTNOTE_HEIGHT - Inches(0.25)
        height_pt = max(bottom - top, Inches(3)) / 12700 - (40 if legend else 10)
        return max(int(height_pt // (lines * _DATA_PT * 1.3)), 1)

    def _chart(self, slide: Any, chart_type: Any, chart_data: Any) -> Any:
        top, bottom = self._content_box(slide)
        frame = slide.shapes.add_chart(
            chart_type, _MARGIN, top, self.slide_width - 2 * _MARGIN, bottom - top, chart_data
        )
        chart = frame.chart
        chart.has_title = False  # the slide title says it; single series would get one
        chart.font.size = Pt(_DATA_PT)
        chart.font.color.rgb = _rgb(palette.TEXT)
        _fix_workbook_dates(chart)
        return chart

    def _category_axis(self, chart: Any, *, reverse: bool) -> None:
        axis = chart.category_axis
        axis.reverse_order = reverse  # first row on top
        axis.major_tick_mark = XL_TICK_MARK.NONE
        axis.tick_labels.font.size = Pt(_DATA_PT)
        axis.format.line.color.rgb = _rgb(palette.GRID)
        axis.has_major_gridlines = False
        # every category gets its label (renderers skip labels when crowded, which
        # then sit next to the wrong bar)
        element = axis._element
        for old in element.findall(qn("c:tickLblSkip")):
            element.remove(old)
        skip = etree.Element(qn("c:tickLblSkip"))
        skip.set("val", "1")
        anchor = element.find(qn("c:noMultiLvlLbl"))
        if anchor is None:
            element.append(skip)
        else:
            anchor.addprevious(skip)

    def _single_bars(
        self,
        chart: Any,
        number_format: str,
        *,
        minimum: float | None,
        maximum: float | None,
        inside: bool,
    ) -> None:
        plot = chart.plots[0]
        plot.gap_width = 50
        plot.vary_by_categories = False
        series = plot.series[0]
        _fill(series, self.brand)
        labels = series.data_labels
        labels.show_value = True
        labels.number_format = number_format
        labels.number_format_is_linked = False
        labels.font.size = Pt(_DATA_PT)
        if inside:  # the error bar runs past the bar end: keep the number at the base
            labels.position = XL_LABEL_POSITION.INSIDE_BASE
            labels.font.color.rgb = _rgb(palette.text_colour_on(self.brand))
        else:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            labels.font.color.rgb = _rgb(palette.TEXT)
        chart.has_legend = False
        self._category_axis(chart, reverse=True)
        value_axis = chart.value_axis
        value_axis.visible = False
        value_axis.has_major_gridlines = False
        if minimum is not None:
            value_axis.minimum_scale = minimum
        if maximum is not None:
            value_axis.maximum_scale = maximum

    def _footnote(self, slide: Any, footnote: str, *, dropped: int = 0) -> None:
        parts = [footnote] if footnote else []
        if dropped:
            parts.append(text("suppressed_note", self.lang, n=self.privacy_floor))
        if not parts:
            return
        box = slide.shapes.add_textbox(
            _MARGIN,
            self.slide_height - _FOOTNOTE_HEIGHT - Inches(0.15),
            self.slide_width - 2 * _MARGIN,
            _FOOTNOTE_HEIGHT,
        )
        box.name = "Footnote"
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        frame.margin_left = frame.margin_right = 0
        frame.text = " · ".join(parts)
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(_FOOTNOTE_PT)
                run.font.color.rgb = _rgb(palette.MUTED)

    def _notes(self, slide: Any, notes: str | None) -> None:
        if notes:
            slide.notes_slide.notes_text_frame.text = _markdown_to_plain(str(notes))

    def _textbox(self, slide: Any, content: str, *, top: int, size: int, bold: bool = False) -> Any:
        box = slide.shapes.add_textbox(
            _MARGIN, top, self.slide_width - 2 * _MARGIN, Inches(size / 72 * 2.6)
        )
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = content
        for run in frame.paragraphs[0].runs:
            run.font.size = Pt(size)
            run.font.bold = bold
        return box

    def _widen_default(self) -> None:
        """The default template is 4:3 (10 in wide): make it 16:9 and move its shapes."""
        prs = self.presentation
        factor = _SLIDE_WIDTH / prs.slide_width
        prs.slide_width = _SLIDE_WIDTH
        prs.slide_height = _SLIDE_HEIGHT
        parts = [prs.slide_master, *prs.slide_layouts]
        for part in parts:
            for element in part.element.iter(
                qn("a:off"), qn("a:ext"), qn("a:chOff"), qn("a:chExt")
            ):
                attribute = (
                    "x" if element.tag.endswith("Off") or element.tag.endswith("}off") else "cx"
                )
                if element.get(attribute) is not None:
                    element.set(attribute, str(int(int(element.get(attribute)) * factor)))

    def _set_properties(self) -> None:
        props = self.presentation.core_properties
        props.author = "drivers"
        props.last_modified_by = "drivers"
        props.title = self._title or ""
        props.subject = ""
        props.keywords = ""
        props.comments = ""
        props.category = ""
        props.created = FIXED_DATE
        props.modified = FIXED_DATE
        props.last_printed = FIXED_DATE
        props.revision = 1


# ---------------------------------------------------------------------------- helpers


def _open_template(path: Path) -> Any:
    if path.suffix.lower() in (".potx", ".pot"):
        raise ParameterError(
            f"Deck: python-pptx cannot open PowerPoint templates ({str(path)!r}); open it in "
            "PowerPoint and save it as a .pptx presentation, then pass that file."
        )
    if not path.is_file():
        raise ParameterError(f"Deck: no template file {str(path)!r}.")
    try:
        prs = Presentation(str(path))
    except Exception as error:  # python-pptx raises zip/XML/KeyError for damaged files
        raise DataError(
            f"Deck: cannot open the template {str(path)!r} as a PowerPoint file ({error})."
        ) from error
    # remove the template's own slides: the deck starts empty with its layouts and theme
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return prs


def _layout_role(layout: Any) -> str | None:
    types = {ph.placeholder_format.type for ph in layout.placeholders}
    types -= {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
    if PP_PLACEHOLDER.CENTER_TITLE in types:
        return "title"
    if types == {PP_PLACEHOLDER.TITLE}:
        return "title_only"
    if not types:
        return "blank"
    return None


def _placeholder(slide: Any, types: tuple) -> Any:
    for shape in slide.placeholders:
        if shape.placeholder_format.type in types and shape.placeholder_format.idx != 0:
            return shape
    return None


def _remove_empty_placeholders(slide: Any) -> None:
    """Unfilled placeholders show "Click to add text" in PowerPoint: remove them."""
    for shape in list(slide.placeholders):
        if shape.has_text_frame and not shape.text_frame.text.strip():
            shape.element.getparent().remove(shape.element)


def _need_columns(table: Any, columns: Sequence[str], func: str, what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{func} takes {what}; got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{func} takes {what} with columns {list(columns)}; columns {missing} are "
            f"missing (it has {list(table.columns)})."
        )


def _detect_kind(result: Any) -> str:
    if hasattr(result, "x_line") and hasattr(result, "table"):
        return "matrix"
    table = getattr(result, "table", result)
    if isinstance(table, pd.DataFrame):
        columns = set(table.columns)
        if {"promoters", "passives", "detractors"} <= columns:
            return "nps"
        if {"driver", "importance"} <= columns:
            return "drivers"
        if {"touchpoint", "importance", "performance", "quadrant"} <= columns:
            raise ParameterError(
                "Deck.add_chart: pass the PriorityMatrix itself (it has the quadrant "
                "lines), not its table."
            )
        if {"touchpoint", "mean"} <= columns:
            return "grades"
    raise ParameterError(
        f"Deck.add_chart cannot tell which chart to draw for a {type(result).__name__}; "
        f"pass a kind, one of {set(CHART_KINDS)}, and the data: "
        "deck.add_chart('nps', table, title=...)."
    )


def _is_share_scale(method: str) -> bool:
    """Importances that are shares of R² (shown as percentages)."""
    return method in ("shapley", "relative_weights")


def _n_text(table: pd.DataFrame, lang: str) -> str:
    """'n = 800' from the total row; else 'n = 380–420 per groep' (waves need not add up)."""
    if "n" not in table or table["n"].isna().all():
        return ""
    totals = {text("total", "nl"), text("total", "en")}
    is_total = pd.Series([_group_label(g) for g in table["group"]], index=table.index).isin(totals)
    if is_total.any():
        return f"n = {fmt_count(int(table.loc[is_total, 'n'].iloc[0]), lang)}"
    low, high = int(table["n"].min()), int(table["n"].max())
    if low == high:
        return f"n = {fmt_count(low, lang)} {_word('per_group', lang)}"
    return f"n = {fmt_count(low, lang)}–{fmt_count(high, lang)} {_word('per_group', lang)}"


def _top_box_name(lang: str) -> str:
    return {"nl": "Aandeel 8 of hoger", "en": "Share 8 or higher"}[lang]


def _quadrant_name(quadrant: str, lang: str) -> str:
    return text(quadrant, lang)


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


def _fill(series: Any, colour: str) -> None:
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = _rgb(colour)
    series.format.line.fill.background()


def _delete_point_labels(series: Any, indices: Sequence[int]) -> None:
    """Hide the data labels of some points (``<c:dLbl><c:delete val="1"/>``)."""
    if not indices:
        return
    dlbls = series._element.get_or_add_dLbls()
    for index in sorted(indices, reverse=True):
        dlbl = etree.SubElement(dlbls, qn("c:dLbl"))
        etree.SubElement(dlbl, qn("c:idx")).set("val", str(index))
        etree.SubElement(dlbl, qn("c:delete")).set("val", "1")
        dlbls.remove(dlbl)
        dlbls.insert(0, dlbl)  # dLbl elements come first in dLbls
    # keep them in index order (schema: any order, but tidy XML diffs)
    items = sorted(dlbls.findall(qn("c:dLbl")), key=lambda e: int(e.find(qn("c:idx")).get("val")))
    for item in items:
        dlbls.remove(item)
    for position, item in enumerate(items):
        dlbls.insert(position, item)


def _error_bars(series: Any, minus: np.ndarray, plus: np.ndarray) -> None:
    """Custom error bars (the confidence interval) from literal values in the chart XML."""
    ser = series._element
    err = etree.Element(qn("c:errBars"))
    etree.SubElement(err, qn("c:errBarType")).set("val", "both")
    etree.SubElement(err, qn("c:errValType")).set("val", "cust")
    etree.SubElement(err, qn("c:noEndCap")).set("val", "0")
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        holder = etree.SubElement(err, qn(tag))
        lit = etree.SubElement(holder, qn("c:numLit"))
        etree.SubElement(lit, qn("c:formatCode")).text = "General"
        etree.SubElement(lit, qn("c:ptCount")).set("val", str(len(values)))
        for i, v in enumerate(values):
            if np.isfinite(v):
                pt = etree.SubElement(lit, qn("c:pt"))
                pt.set("idx", str(i))
                etree.SubElement(pt, qn("c:v")).text = repr(float(max(v, 0.0)))
    sppr = etree.SubElement(err, qn("c:spPr"))
    line = etree.SubElement(sppr, qn("a:ln"))
    line.set("w", str(Pt(1.75)))
    fill = etree.SubElement(line, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", palette.TEXT.lstrip("#").upper())
    # schema order of c:ser (bar): ... dLbls, trendline*, errBars, cat, val, ...
    anchor = ser.find(qn("c:cat"))
    if anchor is None:
        anchor = ser.find(qn("c:val"))
    anchor.addprevious(err)


def _manual_plot_layout(chart: Any, inner: tuple[float, float, float, float]) -> None:
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    etree.SubElement(manual, qn("c:layoutTarget")).set("val", "inner")
    etree.SubElement(manual, qn("c:xMode")).set("val", "edge")
    etree.SubElement(manual, qn("c:yMode")).set("val", "edge")
    for tag, value in zip(("c:x", "c:y", "c:w", "c:h"), inner, strict=True):
        etree.SubElement(manual, qn(tag)).set("val", f"{value:.4f}")


def _label_offset(data_label: Any, dx: float, dy: float) -> None:
    """Move a data label from its standard position by a fraction of the chart size."""
    dlbl = data_label._get_or_add_dLbl()
    layout = dlbl.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        dlbl.find(qn("c:idx")).addnext(layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    etree.SubElement(manual, qn("c:x")).set("val", f"{dx:.4f}")
    etree.SubElement(manual, qn("c:y")).set("val", f"{dy:.4f}")


def _nice_step(span: float) -> float:
    """The largest 1-2-5 step that gives at least four intervals (whole percents on 0-1)."""
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (5, 2, 1):
        if multiple * magnitude <= raw:
            return multiple * magnitude
    return magnitude


def _nice_range(values: np.ndarray, *, pad: float, floor_zero: bool = False) -> tuple[float, float]:
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    if floor_zero and lo > 0 and float(np.nanmin(values)) >= 0:
        lo = 0.0
    step = _nice_step(hi - lo)
    low, high = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return round(low, 10), round(high, 10)


_POSITIONS: tuple[tuple[Any, float, float, float], ...] = (
    # position, vertical shift (label heights), horizontal shift (label widths), cost
    (XL_LABEL_POSITION.RIGHT, 0.0, 0.0, 0.0),
    (XL_LABEL_POSITION.LEFT, 0.0, 0.0, 0.01),
    (XL_LABEL_POSITION.ABOVE, 0.0, 0.0, 0.02),
    (XL_LABEL_POSITION.BELOW, 0.0, 0.0, 0.03),
    (XL_LABEL_POSITION.RIGHT, -0.75, 0.0, 0.05),
    (XL_LABEL_POSITION.RIGHT, 0.75, 0.0, 0.05),
    (XL_LABEL_POSITION.LEFT, -0.75, 0.0, 0.06),
    (XL_LABEL_POSITION.LEFT, 0.75, 0.0, 0.06),
    (XL_LABEL_POSITION.ABOVE, -0.6, 0.0, 0.08),
    (XL_LABEL_POSITION.BELOW, 0.6, 0.0, 0.08),
    (XL_LABEL_POSITION.ABOVE, 0.0, 0.35, 0.09),
    (XL_LABEL_POSITION.ABOVE, 0.0, -0.35, 0.09),
    (XL_LABEL_POSITION.BELOW, 0.0, 0.35, 0.09),
    (XL_LABEL_POSITION.BELOW, 0.0, -0.35, 0.09),
)


def _label_box(
    point: tuple[float, float], size: tuple[float, float], option: tuple, radius: float
) -> tuple[float, float, float, float]:
    (x, y), (w, h) = point, size
    position, shift_y, shift_x, _ = option
    gap = 0.04
    if position == XL_LABEL_POSITION.RIGHT:
        x0, y0 = x + radius + gap, y - h / 2
    elif position == XL_LABEL_POSITION.LEFT:
        x0, y0 = x - radius - gap - w, y - h / 2
    elif position == XL_LABEL_POSITION.ABOVE:
        x0, y0 = x - w / 2, y - radius - gap - h
    else:
        x0, y0 = x - w / 2, y + radius + gap
    x0 += shift_x * w
    y0 += shift_y * h
    return x0, y0, x0 + w, y0 + h


def _distance(box: tuple, point: tuple[float, float]) -> float:
    """Distance from a point to a box (0 inside)."""
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return math.hypot(dx, dy)


def _overlap(a: tuple, b: tuple) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _text_size(text_: str, font_pt: float) -> tuple[float, float]:
    """Estimated width and height (inches) of a label; wide enough for DejaVu and Calibri."""
    lines = text_.split("\n")
    width = max(len(line) for line in lines) * font_pt * 0.58 / 72 + 0.12
    return width, len(lines) * font_pt * 1.3 / 72 + 0.05


def _place_labels(
    points: Sequence[tuple[float, float]],
    texts: Sequence[Sequence[str]],
    plot_box: tuple[float, float, float, float],
    *,
    obstacles: Sequence[tuple] = (),
    lines: tuple[float | None, float | None] = (None, None),
    marker_pt: float,
    font_pt: float,
) -> list[tuple[int, Any, float, float]]:
    """Pick a label variant and position per point that overlaps least; greedy, 3 passes.

    ``texts[i]`` lists the variants of label ``i`` in order of preference (e.g. one line,
    then the same text on two lines). Distances are in inches on the chart frame.

    Returns ``(variant, position, dx, dy)`` per point: the chosen variant, a standard
    data-label position and an offset in inches from it (0 for the standard position).
    """
    radius = marker_pt / 72 / 2
    sizes = [[_text_size(t, font_pt) for t in variants] for variants in texts]
    markers = [(x - radius, y - radius, x + radius, y + radius) for x, y in points]
    options = [
        (variant, k)
        for variant in range(max(len(v) for v in texts))
        for k in range(len(_POSITIONS))
    ]
    choice: list[tuple[int, int]] = [(0, 0)] * len(points)

    def box_of(i: int, option: tuple[int, int]) -> tuple:
        variant, k = option
        return _label_box(points[i], sizes[i][variant], _POSITIONS[k], radius)

    def cost(i: int, option: tuple[int, int], boxes: dict[int, tuple]) -> float:
        variant, k = option
        box = box_of(i, option)
        total = _POSITIONS[k][3] + 0.05 * variant
        for j, other in boxes.items():
            if j != i:
                total += 20 * _overlap(box, other)
        for j, marker in enumerate(markers):
            if j != i:
                total += 20 * _overlap(box, marker)
        for obstacle in obstacles:
            total += 20 * _overlap(box, obstacle)
        # a label across a quadrant line is hard to read: mildly avoided
        vertical, horizontal = lines
        if vertical is not None and box[0] < vertical < box[2]:
            total += 0.04
        if horizontal is not None and box[1] < horizontal < box[3]:
            total += 0.04
        # a label nearer to another point than to its own is misread
        own = _distance(box, points[i])
        for j, point in enumerate(points):
            if j != i:
                other = _distance(box, point)
                if other < own - 0.02:
                    total += 0.3
                elif other < own + 0.15:  # about as near: which point is meant?
                    total += 0.2
        inside = _overlap(box, plot_box)
        area = (box[2] - box[0]) * (box[3] - box[1])
        total += 8 * (area - inside)
        return total

    order = sorted(range(len(points)), key=lambda i: points[i][1])  # top of the plot first
    boxes: dict[int, tuple] = {}
    for _ in range(3):
        for i in order:
            boxes.pop(i, None)
            usable = [o for o in options if o[0] < len(texts[i])]
            best = min(usable, key=lambda o: cost(i, o, boxes))
            choice[i] = best
            boxes[i] = box_of(i, best)
    result = []
    for i, (variant, k) in enumerate(choice):
        position, shift_y, shift_x, _ = _POSITIONS[k]
        width, height = sizes[i][variant]
        result.append((variant, position, shift_x * width, shift_y * height))
    return result


def _fix_workbook_dates(chart: Any) -> None:
    """xlsxwriter stamps the embedded workbook with 'now': use the fixed date instead."""
    workbook = chart.part.chart_workbook
    part = workbook.xlsx_part
    if part is None:
        return
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(part.blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    lambda m: m.group(1) + stamp.encode() + m.group(2),
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    workbook.update_from_xlsx_blob(out.getvalue())


def _reproducible_zip(blob: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------- text


def _markdown_to_plain(content: str) -> str:
    """Markdown narration as plain slide-notes text: bullets as "•", no ** or #."""
    lines = []
    for line in content.splitlines():
        stripped = line.lstrip()
        indent = "  " * ((len(line) - len(stripped)) // 2)
        if stripped[:2] in ("- ", "* "):
            stripped = "• " + stripped[2:]
        elif stripped.startswith("#"):
            stripped = stripped.lstrip("#").strip()
        stripped = stripped.replace("**", "").replace("__", "")
        lines.append(indent + stripped)
    return "\n".join(lines).strip()


def _add_markdown_runs(paragraph: Any, content: str, *, size: int, bold: bool) -> None:
    pieces = re.split(r"(\*\*[^*]+\*\*)", content)
    for piece in pieces:
        if not piece:
            continue
        run = paragraph.add_run()
        strong = piece.startswith("**") and piece.endswith("**") and len(piece) > 4
        run.text = piece[2:-2] if strong else piece
        run.font.size = Pt(size)
        run.font.bold = bold or strong
        run.font.color.rgb = _rgb(palette.TEXT)


def _set_bullet(paragraph: Any, level: int, size: int) -> None:
    """A text box paragraph with a bullet (text boxes have none by default)."""
    indent = int(Pt(size) * 1.1)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(indent * (level + 1)))
    p_pr.set("indent", str(-indent))
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for old in p_pr.findall(qn(tag)):
            p_pr.remove(old)
    bullet = etree.SubElement(p_pr, qn("a:buChar"))
    bullet.set("char", "•" if level == 0 else "–")


# ---------------------------------------------------------------------------- tables

_SHARE_COLUMNS = {
    "promoters",
    "passives",
    "detractors",
    "share",
    "share_ci_low",
    "share_ci_high",
    "top_box",
    "insufficient",
    "share_na",
    "p_improve",
    "p_maintain",
    "p_monitor",
    "p_overkill",
}
_SIGNED_COLUMNS = {"nps", "ci_low_nps", "change", "difference"}
_COUNT_COLUMNS = {"n", "n_na", "count", "rank"}
_KINDS = ("number", "percent", "signed", "count")


def _column_formats(
    number_format: Any, keys: list[str], names: list[str], *, nps_scale: bool = False
) -> dict[str, Any]:
    """Format spec per displayed column name (``nps_scale``: ci_low/ci_high are NPS)."""
    formats: dict[str, Any] = {}
    per_column = number_format if isinstance(number_format, Mapping) else {}
    for key, name in zip(keys, names, strict=True):
        spec = per_column.get(key, per_column.get(name)) if per_column else number_format
        if spec is None:
            lowered = str(key).lower()
            if lowered in _SHARE_COLUMNS or lowered.startswith("p_"):
                spec = "percent"
            elif lowered in _SIGNED_COLUMNS or (nps_scale and lowered in ("ci_low", "ci_high")):
                spec = "signed"
            elif lowered in _COUNT_COLUMNS or lowered.startswith("n_") and lowered != "n_eff":
                spec = "count"
            else:
                spec = "auto"
        elif isinstance(spec, str):
            check_option("Deck.add_table", "number_format", spec, _KINDS)
        elif not (callable(spec) or isinstance(spec, (int, np.integer))):
            raise ParameterError(
                f"The 'number_format' parameter of Deck.add_table takes None, an int, one "
                f"of {set(_KINDS)}, a callable or a dict of these; got {spec!r} for "
                f"column {key!r}."
            )
        formats[name] = spec
    return formats


def _format_cell(value: Any, spec: Any, lang: str) -> str:
    if isinstance(value, (bool, np.bool_)):
        return _word("yes" if value else "no", lang)
    if callable(spec) and not isinstance(spec, str):
        return str(spec(value))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        return fmt_number(value, int(spec), lang)
    if spec == "percent":
        return fmt_percent(value, lang)
    if spec == "signed":
        return fmt_signed(value, lang)
    if spec == "count":
        return fmt_count(value, lang)
    if spec == "number":
        return fmt_number(value, 1, lang)
    # auto: whole numbers as counts, other numbers with one decimal
    if isinstance(value, (int, np.integer)) or float(value).is_integer():
        return fmt_count(value, lang)
    return fmt_number(value, 1, lang)

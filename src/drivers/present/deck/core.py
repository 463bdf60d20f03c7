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
* **Numbers.** Chart values keep full precision in the workbook. Every number shown is
  formatted in the deck's language with :func:`drivers.present._format.fmt`: labels with
  a decimal ("7,7") are static text per point, matrix axes are labelled with text, and
  Excel number formats are used only where they are integer-only (``0%``), so a Dutch
  deck shows decimal commas on any machine. Text comes from the catalogs
  ``locales/<lang>/deck.toml`` and ``common.toml``.
* **Matrix.** One series per touchpoint, each with one point (LibreOffice drops XY
  series of unequal length), coloured by quadrant; the quadrant names stand in the plot
  corners as text boxes placed on the chart's fixed plot area.
* **Readable.** Data labels, axes, legends and table cells are 14 pt. Bar charts with
  more rows than fit at that size (at most 15 a slide) continue on further slides,
  "(1/2)" after the title, with the same scale; ``add_*`` then returns the first slide.
* **Brand.** ``Deck(brand="#E30613")`` colours the single-series bars and table
  headers of that deck only; without it the house default (no global state).
* **Templates.** Without a template the deck starts from the shipped 16:9
  ``drivers/data/template_16x9.pptx`` (made by ``tools/make_template.py``).
  ``Deck(template="client.pptx")`` opens the client's template (layouts,
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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from drivers.errors import DataError, ParameterError, check_option
from drivers.present import palette
from drivers.present._format import check_lang, fmt, text
from drivers.present.deck import charts, ooxml
from drivers.present.deck.charts import DATA_PT as _DATA_PT
from drivers.present.deck.charts import group_label as _group_label

__all__ = ["Deck", "CHART_KINDS", "FIXED_DATE", "TEMPLATE"]

#: The chart kinds :meth:`Deck.add_chart` builds.
CHART_KINDS: tuple[str, ...] = ("nps", "drivers", "matrix", "grades")

#: Date written into every deck's document properties (reproducible builds).
FIXED_DATE = _dt.datetime(2000, 1, 1, 0, 0, 0)

#: The default 16:9 template (see tools/make_template.py).
TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "template_16x9.pptx"

_MARGIN = Inches(0.6)
_FOOTNOTE_HEIGHT = Inches(0.55)
_FOOTNOTE_PT = 12
_TITLE_PT = 32  # chart-slide titles in the default template
_WRAP_AT = 40  # characters a table column grows to before its text wraps
_CHAR = Inches(_DATA_PT * 0.72 / 72)  # a bold character at 14 pt, in Calibri or a wider stand-in
_CELL_PAD = Inches(0.16 + 0.08)  # the cell's left and right margins, and some air


def _column_widths(cells: list[list[str]], total: int) -> list[int]:
    """Column widths (EMU) summing to ``total``: every column at least as wide as its
    longest word, so no header ("Genoemd") breaks inside a word; the room left goes to
    the columns whose text would otherwise wrap, in proportion to what they miss. A
    long text (a source, a quote) wraps beyond ``_WRAP_AT`` characters.
    """
    columns = range(len(cells[0]))
    word = [max(len(w) for row in cells for w in row[i].split() or [""]) for i in columns]
    full = [min(max(len(row[i]) for row in cells), _WRAP_AT) for i in columns]
    least = [max(word[i], 1) * _CHAR + _CELL_PAD for i in columns]
    want = [max(full[i], word[i], 1) * _CHAR + _CELL_PAD for i in columns]
    if sum(want) <= total:  # everything on one line: share the rest in proportion
        shares = want
    elif sum(least) >= total:  # not even the words fit: the best that can be done
        shares = least
    else:
        spare = total - sum(least)
        missing = [w - m for w, m in zip(want, least, strict=True)]
        return _exact(
            [m + spare * x / sum(missing) for m, x in zip(least, missing, strict=True)], total
        )
    return _exact([total * x / sum(shares) for x in shares], total)


def _exact(widths: list[float], total: int) -> list[int]:
    """Whole EMU widths that add up to ``total`` exactly (the last column takes the rest)."""
    out = [int(w) for w in widths[:-1]]
    return [*out, total - sum(out)]


# Layout roles: names in English and Dutch Office, then the index in the default template.
_LAYOUT_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title slide", "titeldia"),
    "title_only": ("title only", "alleen titel"),
    "blank": ("blank", "leeg"),
}
_LAYOUT_INDEX = {"title": 0, "title_only": 5, "blank": 6}


class Deck:
    """A PowerPoint deck of native, editable charts, tables and text.

    Parameters
    ----------
    template : str or Path, optional
        A client template ``.pptx``: its layouts, theme and fonts are used and the slides
        it holds are removed. Without a template the default python-pptx presentation is
        used: the shipped 16:9 template (13.333 × 7.5 in).
    lang : {"nl", "en"}
        Language of labels, legends and footnotes.
    brand : str, optional
        The client's brand colour for single-series bars (any matplotlib colour);
        default the house colour :data:`drivers.present.palette.DEFAULT_BRAND`. Each
        deck keeps its own colour; the global ``palette.set_brand`` does not apply.
    privacy_floor : int, default 5
        Groups with fewer respondents never reach a slide.
    layouts : dict, optional
        Layout names to use per role, e.g. ``{"title": "Titel", "title_only": "Grafiek"}``
        (roles: "title", "title_only", "blank").
    title : str, optional
        Title in the document properties; default the first :meth:`add_title`.
    cutoffs : Cutoffs, optional
        The NPS cut-offs quoted under NPS charts (default 9-10 and 0-6; a run's are
        ``Results.cutoffs``).

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
        cutoffs: Any = None,
    ) -> None:
        from drivers.stats.nps import STANDARD, _cutoffs

        self.lang = check_lang("Deck", lang)
        self.cutoffs = STANDARD if cutoffs is None else _cutoffs(cutoffs, "Deck")
        self.brand = palette.DEFAULT_BRAND if brand is None else palette.brand(brand)
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
            self.presentation = Presentation(str(TEMPLATE))
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
        path.write_bytes(ooxml.reproducible_zip(buffer.getvalue()))
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
                ooxml.bullet(paragraph, level, size)
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
            shown[group_name] = [_group_label(g, self.lang) for g in shown[group_name]]
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
        width = self.slide_width - 2 * _MARGIN
        shape = slide.shapes.add_table(
            len(cells), len(shown.columns), _MARGIN, top, width, row_height * len(cells)
        )
        table = shape.table
        for i, w in enumerate(_column_widths(cells, width)):
            table.columns[i].width = w
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
                    run.font.color.rgb = ooxml.rgb(
                        palette.text_colour_on(self.brand) if r == 0 else palette.TEXT
                    )
                cell.fill.solid()
                if r == 0:
                    cell.fill.fore_color.rgb = ooxml.rgb(self.brand)
                else:
                    cell.fill.fore_color.rgb = ooxml.rgb("#FFFFFF" if r % 2 else "#F2F4F6")
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
            The (first) slide: more groups than fit (at most 15 a slide) continue on the
            next slides, "(1/2)" after the title; the notes go on the first.
        """
        return charts.nps_chart(
            self, nps_table, title=title, notes=notes, footnote=footnote, min_n=min_n
        )

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
        show_n: bool = True,
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
            Show only the ``top`` most important drivers (the footnote says how many
            were left out). By default all: more than fit (at most 15 a slide) continue
            on the next slides with the same scale, "(1/2)" after the title. Returns the
            first slide.
        show_n : bool, default True
            The base behind each touchpoint (the table's ``n``, those who answered it) in
            its label: "Klachtafhandeling (n = 136)".
        """
        return charts.driver_chart(
            self,
            driver_result,
            title=title,
            notes=notes,
            footnote=footnote,
            value=value,
            indicators=indicators,
            ci=ci,
            labels=labels,
            top=top,
            show_n=show_n,
        )

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

        A questionnaire with more touchpoints than fit (at most 15 a slide) continues on
        the next slides, "(1/2)" after the title, on the same scale; the first slide is
        returned. Grades are labelled as text in the deck's language ("7,3").

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
        return charts.grades_chart(
            self,
            performance_table,
            title=title,
            notes=notes,
            footnote=footnote,
            value=value,
            sort=sort,
            scale=scale,
            ci=ci,
        )

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
        return charts.matrix_chart(
            self,
            priority_matrix,
            title=title,
            notes=notes,
            footnote=footnote,
            drivers_result=drivers_result,
            probabilities=probabilities,
        )

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

    def _chart(self, slide: Any, chart_type: Any, chart_data: Any, *, aside: int = 0) -> Any:
        """A chart filling the content area, less ``aside`` EMU on the right."""
        top, bottom = self._content_box(slide)
        frame = slide.shapes.add_chart(
            chart_type,
            _MARGIN,
            top,
            self.slide_width - 2 * _MARGIN - aside,
            bottom - top,
            chart_data,
        )
        chart = frame.chart
        chart.has_title = False  # the slide title says it; single series would get one
        chart.font.size = Pt(_DATA_PT)
        chart.font.color.rgb = ooxml.rgb(palette.TEXT)
        ooxml.fix_workbook_dates(chart, FIXED_DATE)
        return chart

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
                run.font.color.rgb = ooxml.rgb(palette.MUTED)

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
            f"Deck: the template {str(path)!r} is not a PowerPoint presentation that can be "
            f"read ({error}). Open it in PowerPoint and save it again as .pptx, or leave "
            "`template` out of client.toml for the default 16:9 layout."
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
        run.font.color.rgb = ooxml.rgb(palette.TEXT)


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
        return text("yes" if value else "no", lang)
    if callable(spec) and not isinstance(spec, str):
        return str(spec(value))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        return fmt(value, kind="number", decimals=int(spec), lang=lang)
    if spec == "percent":
        return fmt(value, kind="percent", lang=lang)
    if spec == "signed":
        return fmt(value, kind="nps", lang=lang)
    if spec == "count":
        return fmt(value, kind="count", lang=lang)
    if spec == "number":
        return fmt(value, kind="number", lang=lang)
    # auto: whole numbers as counts, other numbers with one decimal
    if isinstance(value, (int, np.integer)) or float(value).is_integer():
        return fmt(value, kind="count", lang=lang)
    return fmt(value, kind="number", lang=lang)

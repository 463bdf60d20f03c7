"""Small pieces of raw Office Open XML that python-pptx has no API for.

Each function does one thing to one python-pptx object (a chart, a series, an axis, a
data label, a paragraph, a presentation) and knows the schema order of the element it
writes. Nothing here knows about surveys, languages or the deck's layout: the chart
builders in :mod:`drivers.present.deck.charts` combine these pieces.

The embedded workbooks (the data behind "Edit data" in PowerPoint) are written through
:class:`SafeCategoryChartData` and :class:`SafeXyChartData`, which store every name as a
text cell (never a formula) and strip control characters.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from lxml import etree
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_TICK_LABEL_POSITION
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Pt

__all__ = [
    "rgb",
    "fill",
    "number_format",
    "point_label",
    "delete_point_labels",
    "label_offset",
    "error_bars",
    "manual_plot_layout",
    "every_tick_label",
    "hide_tick_labels",
    "axis_crossings",
    "bullet",
    "hanging_indent",
    "theme",
    "excel_text",
    "SafeCategoryChartData",
    "SafeXyChartData",
    "fix_workbook_dates",
    "reproducible_zip",
]


# ---------------------------------------------------------------------------- colours


def rgb(colour: str) -> RGBColor:
    """Any matplotlib colour (``"#1F4E79"``, ``"white"``) as a python-pptx RGBColor."""
    from matplotlib.colors import to_hex

    return RGBColor.from_string(to_hex(colour)[1:].upper())


def fill(series: Any, colour: str) -> None:
    """Solid fill of a bar series, without an outline."""
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = rgb(colour)
    series.format.line.fill.background()


# ---------------------------------------------------------------------------- data labels


def number_format(target: Any, code: str) -> None:
    """Excel number format of data labels or tick labels, not linked to the source data.

    ``target`` is a ``DataLabels`` or ``TickLabels`` object. Excel formats render with the
    viewer's decimal separator: use integer-only codes (``"0"``, ``"0%"``) where the text
    must read the same on every machine.
    """
    target.number_format = code
    target.number_format_is_linked = False


def point_label(
    series: Any, index: int, content: str, *, size: float, colour: str, position: Any = None
) -> Any:
    """Static text as the data label of one point (set after the data: it is not live).

    Returns the python-pptx ``DataLabel``.
    """
    data_label = series.points[index].data_label
    frame = data_label.text_frame
    frame.text = content
    frame.word_wrap = False  # PowerPoint and LibreOffice wrap long labels otherwise
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.color.rgb = rgb(colour)
    if position is not None:
        data_label.position = position
    return data_label


def delete_point_labels(series: Any, indices: Sequence[int]) -> None:
    """Hide the data labels of some points (``<c:dLbl><c:idx/><c:delete val="1"/>``)."""
    if not len(indices):
        return
    dlbls = series._element.get_or_add_dLbls()
    present = {int(e.find(qn("c:idx")).get("val")): e for e in dlbls.findall(qn("c:dLbl"))}
    for index in indices:
        old = present.pop(int(index), None)
        if old is not None:
            dlbls.remove(old)
        dlbl = etree.SubElement(dlbls, qn("c:dLbl"))
        etree.SubElement(dlbl, qn("c:idx")).set("val", str(int(index)))
        etree.SubElement(dlbl, qn("c:delete")).set("val", "1")
        present[int(index)] = dlbl
    # dLbl elements come first in dLbls, in index order (tidy, stable XML)
    for item in present.values():
        if item.getparent() is dlbls:
            dlbls.remove(item)
    for position, index in enumerate(sorted(present)):
        dlbls.insert(position, present[index])


def label_offset(data_label: Any, dx: float, dy: float) -> None:
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


# ---------------------------------------------------------------------------- error bars


def error_bars(series: Any, minus: Sequence[float], plus: Sequence[float], *, colour: str) -> None:
    """Custom error bars (e.g. a confidence interval) from literal values in the chart XML.

    ``minus`` and ``plus`` are distances from the value (negative ones count as 0; NaN
    leaves the point without a bar).
    """
    ser = series._element
    for old in ser.findall(qn("c:errBars")):
        ser.remove(old)
    err = etree.Element(qn("c:errBars"))
    etree.SubElement(err, qn("c:errBarType")).set("val", "both")
    etree.SubElement(err, qn("c:errValType")).set("val", "cust")
    etree.SubElement(err, qn("c:noEndCap")).set("val", "0")
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        holder = etree.SubElement(err, qn(tag))
        lit = etree.SubElement(holder, qn("c:numLit"))
        etree.SubElement(lit, qn("c:formatCode")).text = "General"
        etree.SubElement(lit, qn("c:ptCount")).set("val", str(len(values)))
        for i, v in enumerate(np.asarray(values, float)):
            if np.isfinite(v):
                pt = etree.SubElement(lit, qn("c:pt"))
                pt.set("idx", str(i))
                etree.SubElement(pt, qn("c:v")).text = repr(float(max(v, 0.0)))
    sppr = etree.SubElement(err, qn("c:spPr"))
    line = etree.SubElement(sppr, qn("a:ln"))
    line.set("w", str(Pt(1.75)))
    solid = etree.SubElement(line, qn("a:solidFill"))
    etree.SubElement(solid, qn("a:srgbClr")).set("val", str(rgb(colour)))
    # schema order of c:ser (bar): ... dLbls, trendline*, errBars, cat, val, ...
    anchor = ser.find(qn("c:cat"))
    if anchor is None:
        anchor = ser.find(qn("c:val"))
    anchor.addprevious(err)


# ---------------------------------------------------------------------------- layout, axes


def manual_plot_layout(chart: Any, inner: tuple[float, float, float, float]) -> None:
    """Put the inner plot area at ``(x, y, w, h)``, fractions of the chart frame."""
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


def every_tick_label(axis: Any) -> None:
    """Label every category (renderers skip labels when crowded, which then sit next to
    the wrong bar): ``<c:tickLblSkip val="1"/>``."""
    element = axis._element
    for old in element.findall(qn("c:tickLblSkip")):
        element.remove(old)
    skip = etree.Element(qn("c:tickLblSkip"))
    skip.set("val", "1")
    # schema order of c:catAx: ... lblOffset, tickLblSkip, tickMarkSkip, noMultiLvlLbl
    anchor = element.find(qn("c:tickMarkSkip"))
    if anchor is None:
        anchor = element.find(qn("c:noMultiLvlLbl"))
    if anchor is None:
        element.append(skip)
    else:
        anchor.addprevious(skip)


def hide_tick_labels(axis: Any) -> None:
    """No tick labels on this axis (the line, its title and its crossing stay)."""
    axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE


def axis_crossings(chart: Any, *, vertical_at: float, horizontal_at: float) -> None:
    """Where the axes of an XY chart cross: quadrant lines drawn by the axes themselves.

    The vertical axis stands at x = ``vertical_at`` and the horizontal axis lies at
    y = ``horizontal_at``. In the XML, ``c:crossesAt`` of an axis is the value *on the
    other axis* where this one crosses it, which python-pptx's ``crosses_at`` hides by
    writing into the other axis: this function states it plainly.
    """
    axes = {ax.find(qn("c:axPos")).get("val"): ax for ax in chart._chartSpace.iter(qn("c:valAx"))}
    for position, value in (("l", vertical_at), ("r", vertical_at), ("b", horizontal_at)):
        axis = axes.get(position)
        if axis is None:
            continue
        for tag in ("c:crosses", "c:crossesAt"):
            for old in axis.findall(qn(tag)):
                axis.remove(old)
        crosses = etree.Element(qn("c:crossesAt"))
        crosses.set("val", repr(float(value)))
        axis.find(qn("c:crossAx")).addnext(crosses)


# ---------------------------------------------------------------------------- text


def bullet(paragraph: Any, level: int, size: float) -> None:
    """A bullet on a text-box paragraph (text boxes have none by default)."""
    indent = int(Pt(size) * 1.1)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(indent * (level + 1)))
    p_pr.set("indent", str(-indent))
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for old in p_pr.findall(qn(tag)):
            p_pr.remove(old)
    char = etree.Element(qn("a:buChar"))
    char.set("char", "•" if level == 0 else "–")
    # schema order of a:pPr: lnSpc, spcBef, spcAft, buClr..., buFont, buChar, tabLst, defRPr
    anchor = next(
        (
            p_pr.find(qn(t))
            for t in ("a:tabLst", "a:defRPr", "a:extLst")
            if p_pr.find(qn(t)) is not None
        ),
        None,
    )
    if anchor is None:
        p_pr.append(char)
    else:
        anchor.addprevious(char)


def hanging_indent(paragraph: Any, indent: int) -> None:
    """First line from the left edge, wrapped lines ``indent`` EMU in, a tab stop there.

    ``"12\tName"`` then lines the names up after their numbers.
    """
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(int(indent)))
    p_pr.set("indent", str(-int(indent)))
    for old in p_pr.findall(qn("a:tabLst")):
        p_pr.remove(old)
    tabs = etree.Element(qn("a:tabLst"))
    etree.SubElement(tabs, qn("a:tab")).attrib.update({"pos": str(int(indent)), "algn": "l"})
    # schema order of a:pPr: ..., buChar/buAutoNum/buBlip, tabLst, defRPr, extLst
    anchor = next(
        (p_pr.find(qn(t)) for t in ("a:defRPr", "a:extLst") if p_pr.find(qn(t)) is not None), None
    )
    if anchor is None:
        p_pr.append(tabs)
    else:
        anchor.addprevious(tabs)


# ---------------------------------------------------------------------------- theme

_THEME_SLOTS = (
    "dk1",
    "lt1",
    "dk2",
    "lt2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)


def theme(presentation: Any, *, colours: Mapping[str, str], font: str | None = None) -> None:
    """Set theme colours (``{"accent1": "#1F4E79", ...}``) and the theme font.

    The theme is not an XML part python-pptx parses, so it is edited as bytes. Slots:
    dk1, lt1, dk2, lt2, accent1-6, hlink, folHlink. ``font`` sets the Latin heading and
    body fonts.
    """
    unknown = set(colours) - set(_THEME_SLOTS)
    if unknown:
        raise ValueError(f"unknown theme colour slots {sorted(unknown)}; use {_THEME_SLOTS}")
    part = presentation.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    scheme = root.find(f".//{qn('a:clrScheme')}")
    for slot, colour in colours.items():
        holder = scheme.find(qn(f"a:{slot}"))
        for child in list(holder):
            holder.remove(child)
        etree.SubElement(holder, qn("a:srgbClr")).set("val", str(rgb(colour)))
    if font is not None:
        fonts = root.find(f".//{qn('a:fontScheme')}")
        for kind in ("a:majorFont", "a:minorFont"):
            fonts.find(qn(kind)).find(qn("a:latin")).set("typeface", font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------------------- workbooks

# C0 controls except tab, LF, CR; DEL and C1 controls; bidirectional overrides. Invalid
# in XML, invisible, or turning text around.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def excel_text(value: object) -> str:
    """A label as text for a chart and its workbook: control characters stripped, line
    ends as one line feed (a lone CR would be written as the escape ``_x000D_``)."""
    return _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


class _SafeCategoryWriter(CategoryWorkbookWriter):
    """python-pptx writes names with ``worksheet.write``, which turns "=..." into a
    formula: write every category and series name with ``write_string``."""

    def _write_cat_column(self, worksheet, col, level, num_format):
        worksheet.set_column(col, col, 10)
        for off, name in level:
            if isinstance(name, str):
                worksheet.write_string(off + 1, col, name, num_format)
            else:  # numbers and dates keep their type
                worksheet.write(off + 1, col, name, num_format)

    def _write_series(self, workbook, worksheet):
        col_offset = self._chart_data.categories.depth
        for idx, series in enumerate(self._chart_data):
            num_format = workbook.add_format({"num_format": series.number_format})
            worksheet.write_string(0, idx + col_offset, str(series.name))
            worksheet.write_column(1, idx + col_offset, series.values, num_format)


class _SafeXyWriter(XyWorkbookWriter):
    def _populate_worksheet(self, workbook, worksheet):
        chart_format = workbook.add_format({"num_format": self._chart_data.number_format})
        for series in self._chart_data:
            series_format = workbook.add_format({"num_format": series.number_format})
            offset = self.series_table_row_offset(series)
            worksheet.write_column(offset + 1, 0, series.x_values, chart_format)
            worksheet.write_string(offset, 1, str(series.name))
            worksheet.write_column(offset + 1, 1, series.y_values, series_format)


class SafeCategoryChartData(CategoryChartData):
    """``CategoryChartData`` whose workbook stores names as text cells, never formulas.

    Category and series names are cleaned with :func:`excel_text` when added.
    """

    @property
    def categories(self):
        return CategoryChartData.categories.fget(self)

    @categories.setter
    def categories(self, category_labels):
        CategoryChartData.categories.fset(
            self, [excel_text(x) if isinstance(x, str) else x for x in category_labels]
        )

    def add_category(self, label):
        return super().add_category(excel_text(label) if isinstance(label, str) else label)

    def add_series(self, name, values=(), number_format=None):
        return super().add_series(excel_text(name), values, number_format)

    @property
    def _workbook_writer(self):
        return _SafeCategoryWriter(self)


class SafeXyChartData(XyChartData):
    """``XyChartData`` whose workbook stores series names as text cells."""

    def add_series(self, name, number_format=None):
        return super().add_series(excel_text(name), number_format)

    @property
    def _workbook_writer(self):
        return _SafeXyWriter(self)


def fix_workbook_dates(chart: Any, date: _dt.datetime) -> None:
    """xlsxwriter stamps the embedded workbook with 'now': use ``date`` and fixed zip times."""
    workbook = chart.part.chart_workbook
    part = workbook.xlsx_part
    if part is None:
        return
    stamp = date.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(part.blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    lambda m: m.group(1) + stamp + m.group(2),
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    workbook.update_from_xlsx_blob(out.getvalue())


def reproducible_zip(blob: bytes) -> bytes:
    """The same zip (a saved .pptx) with fixed entry dates and permissions."""
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()

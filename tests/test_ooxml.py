"""Tests of drivers.present.deck.ooxml: one raw-XML piece per test.

Each test builds a chart (or text box) with python-pptx, applies one piece, saves the
presentation, reads it back with python-pptx (and lxml) and checks what was written.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from openpyxl import load_workbook
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Inches, Pt

from drivers.present.deck import ooxml

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def _slide():
    prs = Presentation()
    return prs, prs.slides.add_slide(prs.slide_layouts[6])


def _bar_chart(data=None, chart_type=XL_CHART_TYPE.BAR_CLUSTERED):
    prs, slide = _slide()
    if data is None:
        data = CategoryChartData(number_format="General")
        data.categories = ["Alpha", "Beta", "Gamma"]
        data.add_series("Grade", (7.25, 6.5, 8.0))
    frame = slide.shapes.add_chart(chart_type, 0, 0, Inches(8), Inches(5), data)
    return prs, frame.chart


def _xy_chart():
    prs, slide = _slide()
    data = ooxml.SafeXyChartData()
    for name, x, y in (("A", 6.5, 0.2), ("B", 8.0, 0.1)):
        data.add_series(name).add_data_point(x, y)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, 0, 0, Inches(8), Inches(5), data)
    return prs, frame.chart


def _reopen(prs, tmp_path):
    """Save, read back; returns the presentation and the first chart (or None)."""
    path = tmp_path / "piece.pptx"
    prs.save(str(path))
    again = Presentation(str(path))
    charts = [s for s in again.slides[0].shapes if s.has_chart]
    return again, (charts[0].chart if charts else None)


def _ser(chart):
    return chart._chartSpace.find(".//c:ser", NS)


def _workbook(chart):
    book = load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    return book.active


# --------------------------------------------------------------------------- colours


def test_rgb_takes_any_matplotlib_colour():
    assert str(ooxml.rgb("#1f4e79")) == "1F4E79"
    assert str(ooxml.rgb("white")) == "FFFFFF"


def test_fill_colours_a_series_without_outline(tmp_path):
    prs, chart = _bar_chart()
    ooxml.fill(chart.plots[0].series[0], "#E30613")
    _, chart = _reopen(prs, tmp_path)
    series = chart.plots[0].series[0]
    assert str(series.format.fill.fore_color.rgb) == "E30613"
    assert _ser(chart).find("c:spPr/a:ln/a:noFill", NS) is not None


# --------------------------------------------------------------------------- data labels


def test_number_format_unlinked(tmp_path):
    prs, chart = _bar_chart()
    series = chart.plots[0].series[0]
    series.data_labels.show_value = True
    ooxml.number_format(series.data_labels, "0%")
    ooxml.number_format(chart.value_axis.tick_labels, "0")
    _, chart = _reopen(prs, tmp_path)
    fmt = _ser(chart).find("c:dLbls/c:numFmt", NS)
    assert fmt.get("formatCode") == "0%" and fmt.get("sourceLinked") == "0"
    axis_fmt = chart._chartSpace.find(".//c:valAx/c:numFmt", NS)
    assert axis_fmt.get("formatCode") == "0" and axis_fmt.get("sourceLinked") == "0"


def test_point_label_is_static_text(tmp_path):
    prs, chart = _bar_chart()
    series = chart.plots[0].series[0]
    for i, label in enumerate(("7,3", "6,5", "8,0")):
        ooxml.point_label(
            series, i, label, size=14, colour="#222B36", position=XL_LABEL_POSITION.INSIDE_BASE
        )
    _, chart = _reopen(prs, tmp_path)
    series = chart.plots[0].series[0]
    texts = [series.points[i].data_label.text_frame.text for i in range(3)]
    assert texts == ["7,3", "6,5", "8,0"]
    assert series.points[0].data_label.position == XL_LABEL_POSITION.INSIDE_BASE
    run = series.points[1].data_label.text_frame.paragraphs[0].runs[0]
    assert run.font.size == Pt(14)
    assert str(run.font.color.rgb) == "222B36"


def test_delete_point_labels(tmp_path):
    prs, chart = _bar_chart()
    series = chart.plots[0].series[0]
    series.data_labels.show_value = True
    ooxml.delete_point_labels(series, [2, 0])
    ooxml.delete_point_labels(series, [2])  # twice: still one element per point
    _, chart = _reopen(prs, tmp_path)
    dlbls = _ser(chart).findall("c:dLbls/c:dLbl", NS)
    assert [d.find("c:idx", NS).get("val") for d in dlbls] == ["0", "2"]
    assert all(d.find("c:delete", NS).get("val") == "1" for d in dlbls)
    # dLbl elements come before the series-wide settings (schema order)
    children = [etree.QName(c).localname for c in _ser(chart).find("c:dLbls", NS)]
    assert children[:2] == ["dLbl", "dLbl"]


def test_label_offset_writes_a_manual_layout(tmp_path):
    prs, chart = _xy_chart()
    label = chart.plots[0].series[0].points[0].data_label
    label.text_frame.text = "A"
    ooxml.label_offset(label, 0.05, -0.02)
    _, chart = _reopen(prs, tmp_path)
    manual = _ser(chart).find("c:dLbls/c:dLbl/c:layout/c:manualLayout", NS)
    assert float(manual.find("c:x", NS).get("val")) == pytest.approx(0.05)
    assert float(manual.find("c:y", NS).get("val")) == pytest.approx(-0.02)
    dlbl = manual.getparent().getparent()
    assert [etree.QName(c).localname for c in dlbl][:2] == ["idx", "layout"]


# --------------------------------------------------------------------------- error bars


def test_error_bars_custom_values_in_schema_order(tmp_path):
    prs, chart = _bar_chart()
    series = chart.plots[0].series[0]
    series.data_labels.show_value = True
    ooxml.error_bars(series, [0.25, -1.0, float("nan")], [0.5, 0.1, 0.2], colour="#222B36")
    _, chart = _reopen(prs, tmp_path)
    ser = _ser(chart)
    err = ser.find("c:errBars", NS)
    assert err.find("c:errValType", NS).get("val") == "cust"
    plus = {p.get("idx"): float(p.find("c:v", NS).text) for p in err.findall("c:plus//c:pt", NS)}
    minus = {p.get("idx"): float(p.find("c:v", NS).text) for p in err.findall("c:minus//c:pt", NS)}
    assert plus == {"0": 0.5, "1": 0.1, "2": 0.2}
    assert minus == {"0": 0.25, "1": 0.0}  # negative counts as 0, NaN has no bar
    assert err.find("c:spPr/a:ln/a:solidFill/a:srgbClr", NS).get("val") == "222B36"
    tags = [etree.QName(c).localname for c in ser]
    assert tags.index("dLbls") < tags.index("errBars") < tags.index("cat")


# --------------------------------------------------------------------------- layout, axes


def test_manual_plot_layout(tmp_path):
    prs, chart = _xy_chart()
    ooxml.manual_plot_layout(chart, (0.1, 0.02, 0.85, 0.8))
    ooxml.manual_plot_layout(chart, (0.12, 0.02, 0.85, 0.8))  # replaced, not added
    _, chart = _reopen(prs, tmp_path)
    layouts = chart._chartSpace.findall(".//c:plotArea/c:layout/c:manualLayout", NS)
    assert len(layouts) == 1
    manual = layouts[0]
    assert manual.find("c:layoutTarget", NS).get("val") == "inner"
    values = [float(manual.find(f"c:{t}", NS).get("val")) for t in ("x", "y", "w", "h")]
    assert values == pytest.approx([0.12, 0.02, 0.85, 0.8])


def test_every_tick_label(tmp_path):
    prs, chart = _bar_chart()
    ooxml.every_tick_label(chart.category_axis)
    ooxml.every_tick_label(chart.category_axis)
    _, chart = _reopen(prs, tmp_path)
    cat_ax = chart._chartSpace.find(".//c:catAx", NS)
    (skip,) = cat_ax.findall("c:tickLblSkip", NS)
    assert skip.get("val") == "1"
    tags = [etree.QName(c).localname for c in cat_ax]
    assert tags.index("tickLblSkip") < tags.index("noMultiLvlLbl")


def test_hide_tick_labels(tmp_path):
    prs, chart = _xy_chart()
    ooxml.hide_tick_labels(chart.value_axis)
    _, chart = _reopen(prs, tmp_path)
    assert chart.value_axis.tick_label_position == XL_TICK_LABEL_POSITION.NONE


def test_axis_crossings_are_the_quadrant_lines(tmp_path):
    prs, chart = _xy_chart()
    ooxml.axis_crossings(chart, vertical_at=7.25, horizontal_at=0.15)
    _, chart = _reopen(prs, tmp_path)
    axes = {
        ax.find("c:axPos", NS).get("val"): ax for ax in chart._chartSpace.findall(".//c:valAx", NS)
    }
    # the vertical (left) axis crosses the horizontal one at x = 7.25 ...
    assert float(axes["l"].find("c:crossesAt", NS).get("val")) == 7.25
    assert float(axes["b"].find("c:crossesAt", NS).get("val")) == 0.15
    assert axes["l"].find("c:crosses", NS) is None
    # ... which python-pptx reads on the axis whose values it is in
    assert chart.category_axis.crosses_at == pytest.approx(7.25)
    assert chart.value_axis.crosses_at == pytest.approx(0.15)
    tags = [etree.QName(c).localname for c in axes["l"]]
    assert tags.index("crossAx") + 1 == tags.index("crossesAt")


# --------------------------------------------------------------------------- text


def _text_box_paragraphs(prs, tmp_path):
    again, _ = _reopen(prs, tmp_path)
    (box,) = [s for s in again.slides[0].shapes if s.has_text_frame]
    return box.text_frame.paragraphs


def test_bullet_levels(tmp_path):
    prs, slide = _slide()
    frame = slide.shapes.add_textbox(0, 0, Inches(5), Inches(2)).text_frame
    frame.text = "first"
    ooxml.bullet(frame.paragraphs[0], 0, 18)
    second = frame.add_paragraph()
    second.text = "second"
    ooxml.bullet(second, 1, 18)
    first, second = _text_box_paragraphs(prs, tmp_path)
    assert first._p.find("a:pPr/a:buChar", NS).get("char") == "•"
    assert second._p.find("a:pPr/a:buChar", NS).get("char") == "–"
    assert int(second._p.pPr.get("marL")) == 2 * int(first._p.pPr.get("marL"))
    assert int(first._p.pPr.get("indent")) < 0


def test_hanging_indent_with_tab_stop(tmp_path):
    prs, slide = _slide()
    frame = slide.shapes.add_textbox(0, 0, Inches(2), Inches(2)).text_frame
    frame.text = "12\tKlantenservice telefoon"
    ooxml.hanging_indent(frame.paragraphs[0], Pt(20))
    (paragraph,) = _text_box_paragraphs(prs, tmp_path)
    p_pr = paragraph._p.pPr
    assert int(p_pr.get("marL")) == Pt(20) and int(p_pr.get("indent")) == -Pt(20)
    assert int(p_pr.find("a:tabLst/a:tab", NS).get("pos")) == Pt(20)


def test_theme_colours_and_font(tmp_path):
    prs, _ = _slide()
    ooxml.theme(prs, colours={"accent1": "#E30613", "dk1": "#222B36"}, font="Carlito")
    again, _ = _reopen(prs, tmp_path)
    blob = again.slide_master.part.part_related_by(RT.THEME).blob
    root = etree.fromstring(blob)
    scheme = root.find(".//a:clrScheme", NS)
    assert scheme.find("a:accent1/a:srgbClr", NS).get("val") == "E30613"
    assert scheme.find("a:dk1/a:srgbClr", NS).get("val") == "222B36"
    assert root.find(".//a:majorFont/a:latin", NS).get("typeface") == "Carlito"
    assert root.find(".//a:minorFont/a:latin", NS).get("typeface") == "Carlito"
    with pytest.raises(ValueError, match="slots"):
        ooxml.theme(prs, colours={"accent9": "red"})


# --------------------------------------------------------------------------- workbooks

_RISKY = ['=HYPERLINK("x")', "+31 6", "-2", "@SUM(A1)", "\tTab", "\rReturn", "bell\x07 and\x1b"]


def test_excel_text_strips_control_characters():
    assert ooxml.excel_text("bell\x07 and\x1b") == "bell and"
    assert ooxml.excel_text("\tTab\nline") == "\tTab\nline"
    assert ooxml.excel_text(12) == "12"


def test_category_workbook_stores_names_as_text(tmp_path):
    data = ooxml.SafeCategoryChartData(number_format="General")
    data.categories = _RISKY
    data.add_series("=1+1", range(len(_RISKY)))
    prs, chart = _bar_chart(data)
    _, chart = _reopen(prs, tmp_path)
    sheet = _workbook(chart)
    cells = [sheet.cell(row=r, column=1) for r in range(2, len(_RISKY) + 2)]
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].value == '=HYPERLINK("x")'
    assert cells[-1].value == "bell and"  # control characters stripped
    header = sheet.cell(row=1, column=2)
    assert header.data_type == "s" and header.value == "=1+1"
    assert sheet.cell(row=2, column=2).data_type == "n"  # values stay numbers
    assert list(chart.plots[0].categories)[0] == '=HYPERLINK("x")'


def test_xy_workbook_stores_series_names_as_text(tmp_path):
    prs, slide = _slide()
    data = ooxml.SafeXyChartData()
    data.add_series('=HYPERLINK("x")').add_data_point(1.0, 2.0)
    data.add_series("@me\x00").add_data_point(3.0, 4.0)
    slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, 0, 0, Inches(6), Inches(4), data)
    _, chart = _reopen(prs, tmp_path)
    sheet = _workbook(chart)
    names = [sheet.cell(row=1, column=2), sheet.cell(row=4, column=2)]
    assert [c.data_type for c in names] == ["s", "s"]
    assert [c.value for c in names] == ['=HYPERLINK("x")', "@me"]
    assert sheet.cell(row=2, column=1).value == 1.0


def test_fix_workbook_dates(tmp_path):
    import datetime as dt

    prs, chart = _bar_chart()
    ooxml.fix_workbook_dates(chart, dt.datetime(2000, 1, 1))
    _, chart = _reopen(prs, tmp_path)
    blob = chart.part.chart_workbook.xlsx_part.blob
    with zipfile.ZipFile(io.BytesIO(blob)) as book:
        core = book.read("docProps/core.xml").decode()
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "2000-01-01T00:00:00Z" in core


def test_reproducible_zip(tmp_path):
    prs, _ = _bar_chart()
    buffer = io.BytesIO()
    prs.save(buffer)
    fixed = ooxml.reproducible_zip(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(fixed)) as package:
        assert {info.date_time for info in package.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    path = tmp_path / "fixed.pptx"
    path.write_bytes(fixed)
    assert len(Presentation(str(path)).slides) == 1
    assert ooxml.reproducible_zip(fixed) == fixed

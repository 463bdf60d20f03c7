"""Tests of drivers.present.deck: native charts, privacy, notes, footnotes, templates, reproducibility.

Every deck is saved and reopened with python-pptx (or unzipped) before anything is checked,
so the tests see what a consultant's PowerPoint sees.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

from drivers import demo, palette
from drivers.errors import DataError, ParameterError
from drivers.present.deck import FIXED_DATE, Deck
from drivers.stats.nps import nps_table, touchpoint_performance

C_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def survey():
    return demo.load(2024)


@pytest.fixture(scope="module")
def sector_table(survey):
    return nps_table(survey, by="sector")


@pytest.fixture(scope="module")
def performance(survey):
    return touchpoint_performance(survey)


@pytest.fixture(scope="module")
def driver_result(survey):
    """The real key-driver result (with a small bootstrap), else a hand-made stand-in."""
    try:
        from drivers.stats.importance import key_drivers
    except ImportError:  # pragma: no cover - module written in parallel
        return _hand_made_driver_result()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return key_drivers(survey, missing="pairwise", bootstrap=50, seed=3, progress=False)


@pytest.fixture(scope="module")
def matrix(survey, driver_result):
    try:
        from drivers.stats.matrix import priority_matrix
    except ImportError:  # pragma: no cover
        return _hand_made_matrix()
    return priority_matrix(driver_result, survey=survey)


def _hand_made_driver_result():
    table = pd.DataFrame(
        {
            "driver": ["klachtafhandeling", "productkwaliteit", "offerte"],
            "label": ["Klachtafhandeling", "Productkwaliteit", "Offerte"],
            "indicator": [False, False, False],
            "importance": [0.15, 0.12, 0.02],
            "share": [0.52, 0.41, 0.07],
            "rank": [1, 2, 3],
            "n": [237, 800, 791],
        }
    )
    return SimpleNamespace(
        table=table,
        r2=0.29,
        n=800,
        method="shapley",
        weighted=True,
        missing="pairwise",
        draws=None,
    )


def _hand_made_matrix():
    table = pd.DataFrame(
        {
            "touchpoint": ["a", "b", "c", "d"],
            "label": ["Alpha", "Beta", "Gamma", "Delta"],
            "importance": [0.30, 0.20, 0.05, 0.04],
            "performance": [6.6, 8.1, 6.0, 8.4],
            "quadrant": ["improve", "maintain", "monitor", "overkill"],
            "quadrant_label": ["Eerst verbeteren", "Behouden", "Volgen", "Mogelijk overkill"],
        }
    )
    return SimpleNamespace(
        table=table,
        x_line=7.2,
        y_line=0.1475,
        x="mean",
        lang="nl",
        method="shapley",
        lines=("value", "mean"),
        n=200,
    )


def _reopen(deck, tmp_path, name="deck.pptx"):
    path = deck.save(tmp_path / name)
    return Presentation(str(path)), path


def _charts(slide):
    return [shape for shape in slide.shapes if shape.has_chart]


def _slide_text(slide):
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def _all_part_text(path):
    """Every part of the .pptx, embedded workbooks unzipped too, as one string."""
    chunks = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            data = package.read(name)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(data)) as workbook:
                    for inner in workbook.namelist():
                        chunks.append(workbook.read(inner).decode("utf-8", "replace"))
            else:
                chunks.append(data.decode("utf-8", "replace"))
    return "\n".join(chunks)


def _workbook_values(chart_part_blob):
    """Cell values of an embedded workbook (the shared strings and sheet numbers)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(chart_part_blob), read_only=True)
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


# --------------------------------------------------------------------------- basics


def test_default_deck_is_16_9_with_fixed_properties(tmp_path):
    deck = Deck(lang="nl")
    deck.add_title("Klantonderzoek 2024", "Van Dijk Groothandel")
    prs, _ = _reopen(deck, tmp_path)
    assert prs.slide_width == Inches(13.333)
    assert prs.slide_height == Inches(7.5)
    props = prs.core_properties
    assert props.author == "drivers"
    assert props.title == "Klantonderzoek 2024"
    assert props.created == FIXED_DATE
    assert props.modified == FIXED_DATE
    assert props.last_printed == FIXED_DATE
    assert props.revision == 1
    # the 4:3 default layouts were widened: the title spans the wide slide
    title = prs.slides[0].shapes.title
    assert title.left + title.width > Inches(11)


def test_parameter_errors(tmp_path):
    with pytest.raises(ParameterError, match="lang"):
        Deck(lang="de")
    with pytest.raises(ParameterError, match="privacy_floor"):
        Deck(privacy_floor=0)
    with pytest.raises(ParameterError, match="pptx"):
        Deck(template=tmp_path / "client.potx")
    deck = Deck()
    with pytest.raises(ParameterError, match="'kind'"):
        deck.add_chart("pie", pd.DataFrame(), title="x")
    with pytest.raises(ParameterError, match="cannot tell"):
        deck.add_chart(pd.DataFrame({"a": [1]}), title="x")
    with pytest.raises(ParameterError, match=".pptx"):
        deck.save(tmp_path / "deck.ppt")


# --------------------------------------------------------------------------- charts


def test_nps_chart_is_native_with_table_values(tmp_path, sector_table):
    deck = Deck(lang="nl")
    deck.add_nps_chart(sector_table, notes="Retail scoort het best: NPS +19.")
    prs, _ = _reopen(deck, tmp_path)
    slide = prs.slides[0]
    assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    (frame,) = _charts(slide)
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED_100
    plot = chart.plots[0]
    names = [s.name for s in plot.series]
    assert names == ["Detractors", "Passives", "Promoters"]
    by_name = {s.name: s for s in plot.series}
    np.testing.assert_allclose(by_name["Promoters"].values, sector_table["promoters"], rtol=1e-12)
    np.testing.assert_allclose(by_name["Detractors"].values, sector_table["detractors"], rtol=1e-12)
    # house colours
    fills = [str(s.format.fill.fore_color.rgb) for s in plot.series]
    assert fills == [
        c.lstrip("#").upper() for c in (palette.DETRACTOR, palette.PASSIVE, palette.PROMOTER)
    ]
    # category labels carry the group and its NPS, signed, in table order
    categories = list(plot.categories)
    from drivers.present._format import fmt_signed

    total = sector_table.iloc[0]
    assert categories[0] == f"Totaal\nNPS {fmt_signed(total['nps'], 'nl')}"
    retail = sector_table.set_index("group").loc["retail", "nps"]
    assert any(
        c.lower().startswith("retail") and f"NPS {fmt_signed(retail, 'nl')}" in c
        for c in categories
    )
    assert chart.has_title is False
    # narration in the notes, methods footnote on the slide
    assert slide.has_notes_slide
    assert "Retail scoort het best" in slide.notes_slide.notes_text_frame.text
    footnote = _slide_text(slide)
    assert "n = 800" in footnote
    assert "gewogen" in footnote


def test_small_base_is_marked(tmp_path, sector_table):
    deck = Deck(lang="en")
    deck.add_nps_chart(sector_table)
    prs, _ = _reopen(deck, tmp_path)
    categories = list(_charts(prs.slides[0])[0].chart.plots[0].categories)
    assert any(c.startswith("Zorg*") for c in categories)  # n = 27 < 30
    assert "Small base (n < 30)" in _slide_text(prs.slides[0])


def test_driver_chart_values_ci_and_footnote(tmp_path, driver_result):
    deck = Deck(lang="nl")
    deck.add_driver_chart(driver_result, notes="**Klachtafhandeling** weegt het zwaarst.")
    prs, path = _reopen(deck, tmp_path)
    slide = prs.slides[0]
    (frame,) = _charts(slide)
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert chart.has_title is False
    table = driver_result.table
    if "indicator" in table:
        table = table[~table["indicator"]]
    table = table.sort_values("rank")
    series = chart.plots[0].series[0]
    np.testing.assert_allclose(series.values, table["share"], rtol=1e-12)
    # the base behind each touchpoint (those who answered it), not only the wave's n
    from drivers.present._format import fmt

    bases = [f"{label} (n = {fmt(n, kind='count', lang='nl')})" for label, n in
             zip(table["label"], table["n"], strict=True)]  # fmt: skip
    assert list(chart.plots[0].categories) == bases
    assert len(set(table["n"])) > 1  # the fixture has a conditional touchpoint
    if "share_ci_low" in table:
        err = frame.chart._chartSpace.findall(".//c:errBars", C_NS)
        assert len(err) == 1
        plus = [float(v.text) for v in err[0].findall("c:plus//c:v", C_NS)]
        np.testing.assert_allclose(plus, table["share_ci_high"] - table["share"], atol=1e-12)
    text = _slide_text(slide)
    assert f"n = {driver_result.n}" in text
    r2 = f"{driver_result.r2:.2f}".replace(".", ",")
    assert f"R² = {r2}" in text
    assert "Shapley" in text
    assert "paarsgewijs" in text
    # Markdown emphasis does not reach the plain-text notes
    assert slide.notes_slide.notes_text_frame.text == "Klachtafhandeling weegt het zwaarst."


def test_grades_chart_values_and_privacy(tmp_path, performance):
    perf = performance.copy()
    perf.loc[3, ["n", "mean", "ci_low", "ci_high"]] = np.nan
    perf.loc[3, "suppressed"] = True
    hidden = perf.loc[3, "label"]
    deck = Deck(lang="en")
    deck.add_grades_chart(perf)
    prs, path = _reopen(deck, tmp_path)
    chart = _charts(prs.slides[0])[0].chart
    kept = perf[~perf["suppressed"]]
    np.testing.assert_allclose(chart.plots[0].series[0].values, kept["mean"], rtol=1e-12)
    assert hidden not in list(chart.plots[0].categories)
    assert hidden not in _all_part_text(path)
    assert "n < 5" in _slide_text(prs.slides[0])
    assert chart.value_axis.minimum_scale == 1
    assert chart.value_axis.maximum_scale == 10


def test_matrix_chart_is_xy_scatter_with_one_labelled_point_per_touchpoint(
    tmp_path, matrix, driver_result
):
    deck = Deck(lang="nl")
    deck.add_matrix_chart(matrix, drivers_result=driver_result, notes="Klachtafhandeling eerst.")
    prs, _ = _reopen(deck, tmp_path)
    slide = prs.slides[0]
    (frame,) = _charts(slide)
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER
    table = matrix.table
    series = list(chart.plots[0].series)
    assert sum(len(s.values) for s in series) == len(table)
    labels, points = [], []
    for s in series:
        assert len(s.values) == 1
        xy = s._element
        x = float(xy.find("c:xVal//c:v", C_NS).text)
        y = float(xy.find("c:yVal//c:v", C_NS).text)
        label = s.points[0].data_label
        assert label.has_text_frame
        labels.append(label.text_frame.text)
        points.append((x, y))
    # each label names its touchpoint (probabilities may follow in brackets)
    assert [re.split(r"\s\(", lab)[0] for lab in labels] == list(table["label"])
    if all(f"p_{q}" in table for q in ("improve", "maintain", "monitor", "overkill")):
        # the quadrant probability follows the name only where it is below 95%
        for lab, (_, row) in zip(labels, table.iterrows(), strict=True):
            p = row[f"p_{row['quadrant']}"]
            assert ("(" in lab) == (p < 0.95), (lab, p)
    np.testing.assert_allclose([p[0] for p in points], table["performance"], rtol=1e-12)
    np.testing.assert_allclose([p[1] for p in points], table["importance"], rtol=1e-12)
    # quadrant lines = axis crossings: the vertical (y) axis stands at x = x_line, the
    # horizontal (x) axis at y = y_line. python-pptx: crosses_at is read on the axis whose
    # values it is in.
    assert chart.category_axis.crosses_at == pytest.approx(matrix.x_line)
    assert chart.value_axis.crosses_at == pytest.approx(matrix.y_line)
    axes = {
        ax.find("c:axPos", C_NS).get("val"): ax
        for ax in chart._chartSpace.findall(".//c:valAx", C_NS)
    }
    assert float(axes["l"].find("c:crossesAt", C_NS).get("val")) == pytest.approx(matrix.x_line)
    assert float(axes["b"].find("c:crossesAt", C_NS).get("val")) == pytest.approx(matrix.y_line)
    assert chart.category_axis.minimum_scale < matrix.x_line < chart.category_axis.maximum_scale
    assert chart.value_axis.minimum_scale < matrix.y_line < chart.value_axis.maximum_scale
    # axis titles and tick labels are text on the slide (the same in every locale)
    names = {shape.name: shape for shape in slide.shapes}
    assert names["Axis title x"].text_frame.text == matrix.axis_label("x", "nl")
    assert names["Axis title y"].text_frame.text == matrix.axis_label("y", "nl")
    # quadrant names in the corners, narration, footnote
    text = _slide_text(slide)
    for name in ("Eerst verbeteren", "Behouden", "Volgen", "Mogelijk overkill"):
        assert name in text
    assert "Klachtafhandeling eerst." in slide.notes_slide.notes_text_frame.text
    assert f"n = {matrix.n}" in text


def test_matrix_chart_hand_made_object(tmp_path):
    matrix = _hand_made_matrix()
    deck = Deck(lang="en")
    deck.add_chart(matrix, title="Where to act", footnote="Hand-made example")
    prs, _ = _reopen(deck, tmp_path)
    chart = _charts(prs.slides[0])[0].chart
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER
    texts = [s.points[0].data_label.text_frame.text for s in chart.plots[0].series]
    assert texts == ["Alpha", "Beta", "Gamma", "Delta"]
    assert chart.category_axis.crosses_at == pytest.approx(7.2)
    assert chart.value_axis.crosses_at == pytest.approx(0.1475)
    assert "Hand-made example" in _slide_text(prs.slides[0])
    # quadrant names in English
    assert "Improve first" in _slide_text(prs.slides[0])


def test_add_chart_dispatches_kinds_and_results(sector_table, performance, driver_result, matrix):
    deck = Deck()
    for slide in (
        deck.add_chart("nps", sector_table, title="NPS"),
        deck.add_chart(sector_table, title="NPS"),
        deck.add_chart(performance, title="Cijfers"),
        deck.add_chart(driver_result, title="Drivers"),
        deck.add_chart("matrix", matrix, title="Matrix"),
    ):
        assert len(_charts(slide)) == 1
    assert len(deck) == 5


# --------------------------------------------------------------------------- privacy


def test_suppressed_segment_never_reaches_the_deck(tmp_path, survey):
    data = survey.data.copy()
    data.loc[data.index[:3], "sector"] = "Scheepsbouw"  # 3 respondents < privacy floor 5
    table = nps_table(data, by="sector", nps_column=survey.spec.nps, weights=survey.spec.weight)
    assert table.loc[table["group"] == "Scheepsbouw", "suppressed"].item()
    deck = Deck(lang="nl")
    deck.add_nps_chart(table, notes="De sectoren verschillen weinig.")
    deck.add_table(table, title="NPS per sector", columns=["group", "n", "nps"])
    deck.add_chart("nps", table, title="Opnieuw")
    prs, path = _reopen(deck, tmp_path)
    everything = _all_part_text(path)
    assert "scheepsbouw" not in everything.lower()
    for slide in prs.slides:
        assert "n < 5" in _slide_text(slide)
    chart = _charts(prs.slides[0])[0].chart
    assert len(chart.plots[0].categories) == len(table) - 1


def test_deck_privacy_floor_drops_small_groups(tmp_path, sector_table):
    deck = Deck(lang="en", privacy_floor=30)  # zorg has n = 27
    deck.add_nps_chart(sector_table)
    prs, path = _reopen(deck, tmp_path)
    categories = list(_charts(prs.slides[0])[0].chart.plots[0].categories)
    assert not any(c.lower().startswith("zorg") for c in categories)
    assert "zorg" not in _all_part_text(path).lower()
    assert "n < 30" in _slide_text(prs.slides[0])


def test_everything_suppressed_is_an_error(sector_table):
    table = sector_table.assign(suppressed=True)
    with pytest.raises(DataError, match="privacy floor"):
        Deck().add_nps_chart(table)


# --------------------------------------------------------------------------- other slides


def test_table_formats_numbers_per_language(tmp_path, sector_table, performance):
    columns = {"group": "Groep", "n": "n", "promoters": "Promoters", "nps": "NPS"}
    from drivers.present._format import fmt_number, fmt_percent

    first = performance.iloc[0]
    for lang in ("nl", "en"):
        grade = fmt_number(first["mean"], 1, lang)
        deck = Deck(lang=lang)
        deck.add_table(sector_table, title="NPS", columns=columns)
        deck.add_table(performance, title="Cijfers", columns=["label", "mean", "top_box"])
        prs, _ = _reopen(deck, tmp_path, f"table_{lang}.pptx")
        (table_shape,) = [s for s in prs.slides[0].shapes if s.has_table]
        cells = [[c.text for c in row.cells] for row in table_shape.table.rows]
        assert cells[0] == ["Groep", "n", "Promoters", "NPS"]
        from drivers.present._format import fmt_signed

        total = sector_table.iloc[0]
        assert cells[1] == [
            {"nl": "Totaal", "en": "Total"}[lang],  # the total row in the deck's language
            "800",
            fmt_percent(total["promoters"], lang),
            fmt_signed(total["nps"], lang),
        ]
        (grades,) = [s for s in prs.slides[1].shapes if s.has_table]
        assert grades.table.cell(1, 1).text == grade
        assert grades.table.cell(1, 2).text == fmt_percent(first["top_box"], lang)


def test_table_number_format_options(tmp_path):
    frame = pd.DataFrame({"x": [1234.567, -0.25], "y": [0.5, 0.25], "z": [3, 4]})
    deck = Deck(lang="nl")
    deck.add_table(frame, title="T", number_format={"x": 2, "y": "percent", "z": lambda v: f"#{v}"})
    prs, _ = _reopen(deck, tmp_path)
    (shape,) = [s for s in prs.slides[0].shapes if s.has_table]
    rows = [[c.text for c in row.cells] for row in shape.table.rows]
    assert rows[1] == ["1.234,57", "50%", "#3"]
    assert rows[2] == ["\u22120,25", "25%", "#4"]
    with pytest.raises(ParameterError, match="number_format"):
        deck.add_table(frame, title="T", number_format="fancy")
    with pytest.raises(ParameterError, match="do not fit"):
        deck.add_table(pd.DataFrame({"a": range(40)}), title="Te lang")


def test_text_slide_bullets(tmp_path):
    deck = Deck(lang="nl")
    deck.add_text(
        "Bevindingen",
        "- Klachtafhandeling weegt het zwaarst\n  - alleen klagers\nGewone zin.",
        notes="# Toelichting\n- punt een",
    )
    prs, _ = _reopen(deck, tmp_path)
    slide = prs.slides[0]
    (box,) = [s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title]
    paragraphs = box.text_frame.paragraphs
    assert [p.text for p in paragraphs] == [
        "Klachtafhandeling weegt het zwaarst",
        "alleen klagers",
        "Gewone zin.",
    ]
    bullets = [p._p.find(".//{*}buChar") is not None for p in paragraphs]
    assert bullets == [True, True, False]
    assert slide.notes_slide.notes_text_frame.text == "Toelichting\n• punt een"


def test_image_png_only(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(40 / 3, 7.5))
    ax.plot([0, 1], [0, 1])
    png = tmp_path / "chart.png"
    fig.savefig(png, dpi=30)
    fig.savefig(tmp_path / "chart.svg")
    plt.close(fig)
    deck = Deck()
    deck.add_image(png, title="Grafiek", notes="Uitleg")
    with pytest.raises(ParameterError, match="SVG"):
        deck.add_image(tmp_path / "chart.svg", title="Grafiek")
    (tmp_path / "fake.png").write_text("not a png")
    with pytest.raises(ParameterError, match="not a PNG"):
        deck.add_image(tmp_path / "fake.png", title="Grafiek")
    prs, _ = _reopen(deck, tmp_path)
    pictures = [s for s in prs.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    assert pictures[0].left + pictures[0].width <= prs.slide_width


# --------------------------------------------------------------------------- templates


def _make_template(path, *, names):
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    for index, name in names.items():
        prs.slide_layouts[index]._element.cSld.set("name", name)
    old = prs.slides.add_slide(prs.slide_layouts[0])
    old.shapes.title.text = "Oude klantdia"
    prs.save(str(path))
    return path


def test_template_layout_by_custom_name(tmp_path, sector_table):
    template = _make_template(
        tmp_path / "client.pptx", names={5: "Klant grafiek", 0: "Klant titel"}
    )
    deck = Deck(
        template, lang="nl", layouts={"title": "Klant titel", "title_only": "Klant grafiek"}
    )
    assert len(deck) == 0  # the template's own slides are removed
    deck.add_title("Klantonderzoek", "2024")
    deck.add_nps_chart(sector_table)
    prs, path = _reopen(deck, tmp_path)
    assert [s.slide_layout.name for s in prs.slides] == ["Klant titel", "Klant grafiek"]
    assert "Oude klantdia" not in _all_part_text(path)
    assert len(_charts(prs.slides[1])) == 1
    with pytest.raises(ParameterError, match="no layout named"):
        Deck(template, layouts={"title_only": "Bestaat niet"}).add_text("x", "y")


def test_template_dutch_layout_names_and_fallback(tmp_path):
    template = _make_template(tmp_path / "nl.pptx", names={0: "Titeldia", 5: "Alleen titel"})
    deck = Deck(template)
    deck.add_title("Titel")
    deck.add_text("Tekst", "- punt")
    assert [s.slide_layout.name for s in deck.presentation.slides] == ["Titeldia", "Alleen titel"]
    # layouts with unknown names: found by their placeholders
    odd = _make_template(tmp_path / "odd.pptx", names={0: "Opening", 5: "Kop", 6: "Wit"})
    deck = Deck(odd)
    deck.add_title("Titel")
    deck.add_text("Tekst", "- punt")
    assert [s.slide_layout.name for s in deck.presentation.slides] == ["Opening", "Kop"]


# --------------------------------------------------------------------------- reproducible


def _build(path, sector_table, performance, driver_result, matrix):
    deck = Deck(lang="nl")
    deck.add_title("Klantonderzoek 2024")
    deck.add_nps_chart(sector_table, notes="Narratie")
    deck.add_driver_chart(driver_result)
    deck.add_grades_chart(performance)
    deck.add_matrix_chart(matrix)
    return deck.save(path)


def test_two_builds_are_identical(tmp_path, sector_table, performance, driver_result, matrix):
    first = _build(tmp_path / "a" / "deck.pptx", sector_table, performance, driver_result, matrix)
    second = _build(tmp_path / "b" / "deck.pptx", sector_table, performance, driver_result, matrix)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.namelist() == b.namelist()
        charts = [n for n in a.namelist() if re.match(r"ppt/charts/chart\d+\.xml$", n)]
        assert len(charts) == 4
        for name in charts:
            assert a.read(name) == b.read(name)
        books = [n for n in a.namelist() if n.endswith(".xlsx")]
        assert len(books) == 4
        for name in books:
            assert _workbook_values(a.read(name)) == _workbook_values(b.read(name))
            assert a.read(name) == b.read(name)
    assert first.read_bytes() == second.read_bytes()


def test_workbook_holds_the_chart_data(tmp_path, sector_table):
    deck = Deck(lang="en")
    deck.add_nps_chart(sector_table)
    _, path = _reopen(deck, tmp_path)
    with zipfile.ZipFile(path) as package:
        (book,) = [n for n in package.namelist() if n.endswith(".xlsx")]
        rows = _workbook_values(package.read(book))
    assert rows[0][1:] == ("Detractors", "Passives", "Promoters")
    promoters = [row[3] for row in rows[1:]]
    np.testing.assert_allclose(promoters, sector_table["promoters"], rtol=1e-12)


def test_chart_xml_is_schema_ordered(tmp_path, driver_result):
    """errBars sit between dLbls and cat, as the schema (and PowerPoint) demand."""
    deck = Deck()
    deck.add_driver_chart(driver_result)
    prs, _ = _reopen(deck, tmp_path)
    ser = _charts(prs.slides[0])[0].chart._chartSpace.find(".//c:ser", C_NS)
    tags = [etree.QName(child).localname for child in ser]
    if "errBars" in tags:
        assert tags.index("dLbls") < tags.index("errBars") < tags.index("cat")


# --------------------------------------------------------------------------- crowded charts


def test_many_groups_single_line_labels_and_total(tmp_path, survey):
    table = nps_table(survey, by=["sector", "omvang"])
    deck = Deck(lang="nl")
    deck.add_nps_chart(table)
    prs, _ = _reopen(deck, tmp_path)
    chart = _charts(prs.slides[0])[0].chart
    categories = list(chart.plots[0].categories)
    from drivers.present._format import fmt_signed

    expected = fmt_signed(table.iloc[0]["nps"], "nl")
    assert categories[0] == f"Totaal   NPS {expected}"  # not "Totaal / Totaal"
    assert all("\n" not in c for c in categories)
    # every label is drawn next to its own bar
    skip = chart._chartSpace.find(".//c:catAx/c:tickLblSkip", C_NS)
    assert skip is not None and skip.get("val") == "1"
    assert "n = 800 " in _slide_text(prs.slides[0])
    # more groups than fit continue on the next slides, "(1/4)" after the title
    too_many = pd.concat([table] * 3, ignore_index=True)
    before = len(deck)
    first = deck.add_nps_chart(too_many)
    slides = list(deck.presentation.slides)[before:]
    assert first.slide_id == slides[0].slide_id
    pages = -(-len(too_many) // 15)
    assert [s.shapes.title.text for s in slides] == [
        f"Net Promoter Score ({i}/{pages})" for i in range(1, pages + 1)
    ]
    bars = [len(_charts(s)[0].chart.plots[0].categories) for s in slides]
    assert sum(bars) == len(too_many) and max(bars) <= 15


def test_driver_chart_top_and_fit(tmp_path, driver_result):
    deck = Deck(lang="en")
    deck.add_driver_chart(driver_result, top=3)
    prs, _ = _reopen(deck, tmp_path)
    chart = _charts(prs.slides[0])[0].chart
    assert len(chart.plots[0].categories) == 3
    table = driver_result.table
    p = int((~table["indicator"]).sum()) if "indicator" in table else len(table)
    assert f"top 3 of {p} shown" in _slide_text(prs.slides[0])
    with pytest.raises(ParameterError, match="'top'"):
        deck.add_driver_chart(driver_result, top=0)


def test_nps_chart_without_total_row_gives_n_per_group(tmp_path, survey):
    table = nps_table(survey, by="regio", total=False)
    deck = Deck(lang="nl")
    deck.add_nps_chart(table, title="NPS per regio")
    prs, _ = _reopen(deck, tmp_path)
    low, high = int(table["n"].min()), int(table["n"].max())
    assert f"n = {low}–{high} per groep" in _slide_text(prs.slides[0])


# --------------------------------------------------------------------------- language layer

_OPTION_KEYS = re.compile(r"\b(pairwise|impute|listwise|shapley)\b")
_DECIMAL_POINT = re.compile(r"\d\.\d")
_DUTCH = (
    "Belang",
    "gewogen",
    "Eerst verbeteren",
    "Behouden",
    "Volgen",
    "Mogelijk overkill",
    "Totaal",
    "rapportcijfer",
    "paarsgewijs",
    "ontbrekende",
    "Aandeel",
    "Prioriteitenmatrix",
    "per groep",
    "Lijnen",
)


def _beta_result(driver_result):
    """The driver result as raw (non-share) importances, e.g. standardised betas."""
    table = driver_result.table.copy()
    return SimpleNamespace(
        table=table,
        n=driver_result.n,
        r2=driver_result.r2,
        method="beta",
        weighted=driver_result.weighted,
        missing="listwise",
        draws=None,
    )


def _demo_deck(lang, survey, performance, driver_result, matrix, path):
    deck = Deck(lang=lang)
    deck.add_title("Demo", "2024")
    deck.add_text("Demo", "- one\n- two", notes="Notes **here**.")
    for segment in ("sector", "omvang", "regio"):
        deck.add_nps_chart(nps_table(survey, by=segment), notes="NPS")
    deck.add_grades_chart(performance, notes="Grades")
    deck.add_grades_chart(performance, value="top_box")
    deck.add_driver_chart(driver_result, notes="Drivers")
    deck.add_driver_chart(_beta_result(driver_result), value="importance")
    deck.add_matrix_chart(matrix, drivers_result=driver_result, notes="Matrix")
    deck.add_table(performance, title="Grades", columns=["label", "mean", "top_box", "n"])
    return deck.save(path)


def _shown_text(path):
    """What a viewer reads: slide and notes text, and of every chart part its number
    format codes, rich-text labels, category and series names (not the raw values)."""
    chunks = []
    prs = Presentation(str(path))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                chunks.append(shape.text_frame.text)
            if shape.has_table:
                chunks.extend(c.text for row in shape.table.rows for c in row.cells)
        if slide.has_notes_slide:
            chunks.append(slide.notes_slide.notes_text_frame.text)
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not re.match(r"ppt/charts/chart\d+\.xml$", name):
                continue
            root = etree.fromstring(package.read(name))
            chunks.extend(e.get("formatCode") for e in root.iter(f"{{{C_NS['c']}}}numFmt"))
            chunks.extend(e.text for e in root.iter(f"{{{C_NS['c']}}}formatCode"))
            chunks.extend(e.text for e in root.iter(f"{{{A_NS}}}t"))
            for holder in ("cat", "tx"):
                for ser in root.iter(f"{{{C_NS['c']}}}{holder}"):
                    chunks.extend(v.text for v in ser.iter(f"{{{C_NS['c']}}}v"))
    return "\n".join(c for c in chunks if c)


A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def test_dutch_deck_has_decimal_commas_and_translated_options(
    tmp_path, survey, performance, driver_result, matrix
):
    path = _demo_deck("nl", survey, performance, driver_result, matrix, tmp_path / "nl.pptx")
    shown = _shown_text(path)
    assert "0.0" not in shown and "0.00" not in shown  # no decimal number formats
    assert not _DECIMAL_POINT.findall(shown), _DECIMAL_POINT.findall(shown)[:5]
    assert not _OPTION_KEYS.findall(shown)
    # the numbers are there, with commas: grades, R², the beta importances
    assert f"R² = {driver_result.r2:.2f}".replace(".", ",") in shown
    assert re.search(r"\b\d,\d\b", shown)
    # the footnote is narrate.methods_note's line: "n.v.t.: paarsgewijs", "... volledige ..."
    assert "paarsgewijs" in shown and "alleen volledige antwoorden" in shown
    assert "Eerst verbeteren" in shown


def test_english_deck_has_no_dutch_catalog_words(
    tmp_path, survey, performance, driver_result, matrix
):
    path = _demo_deck("en", survey, performance, driver_result, matrix, tmp_path / "en.pptx")
    shown = _shown_text(path)
    found = [word for word in _DUTCH if word in shown]
    assert not found, found
    assert "Improve first" in shown and "pairwise" in shown
    assert f"R² = {driver_result.r2:.2f}" in shown


# --------------------------------------------------------------------------- brand


def _bar_and_header_colours(path):
    prs = Presentation(str(path))
    colours = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                colours.append(str(shape.chart.plots[0].series[0].format.fill.fore_color.rgb))
            if shape.has_table:
                colours.append(str(shape.table.cell(0, 0).fill.fore_color.rgb))
    return colours


def test_brand_belongs_to_the_deck(tmp_path, performance):
    try:
        palette.set_brand("#123456")  # a global setting the deck must ignore
        red = Deck(brand="#E30613")
        blue = Deck(brand="#00A0E0")
        plain = Deck()
    finally:
        palette.set_brand(None)
    for deck in (red, blue, plain):
        deck.add_grades_chart(performance)
        deck.add_table(performance, title="T", columns=["label", "mean"])
    expected = {"red": "E30613", "blue": "00A0E0", "plain": palette.DEFAULT_BRAND[1:].upper()}
    for name, deck in (("red", red), ("blue", blue), ("plain", plain)):
        path = deck.save(tmp_path / f"{name}.pptx")
        assert set(_bar_and_header_colours(path)) == {expected[name]}, name
    with pytest.raises(ParameterError, match="colour"):
        Deck(brand="not a colour")


# --------------------------------------------------------------------------- template


def test_default_template_is_the_shipped_16_9_file():
    import importlib.util
    from pathlib import Path

    from drivers.present.deck import TEMPLATE

    prs = Presentation(str(TEMPLATE))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert len(prs.slides) == 0
    # the committed file is what tools/make_template.py writes
    script = Path(__file__).resolve().parents[1] / "tools" / "make_template.py"
    spec = importlib.util.spec_from_file_location("make_template", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == TEMPLATE.read_bytes()


# --------------------------------------------------------------------------- 30 touchpoints


_NAMES = (
    "Website Offerteaanvraag Prijsafspraken Orderbevestiging Levertijd Bezorging Verpakking "
    "Productkwaliteit Assortiment Beschikbaarheid Facturatie Betaaltermijn Telefoon E-mail "
    "Chat Accountmanager Buitendienst Retourafhandeling Klachtafhandeling Garantie Montage "
    "Installatie Handleiding Training Portaal Rapportages Nieuwsbrief Evenementen "
    "Duurzaamheid Prijs-kwaliteitverhouding"
).split()


@pytest.fixture(scope="module")
def thirty():
    """A questionnaire's size: 30 touchpoints, 6 segment variables, statistics from the
    package on generated answers."""
    from drivers.stats.importance import key_drivers
    from drivers.stats.matrix import priority_matrix

    rng = np.random.default_rng(1)
    n = 600
    keys = [f"tp{i:02d}" for i in range(30)]
    latent = rng.normal(size=n)
    data = pd.DataFrame(
        {
            k: np.clip(np.round(7 + latent * (0.3 + i / 40) + rng.normal(scale=1.1, size=n)), 1, 10)
            for i, k in enumerate(keys)
        }
    )
    data["nps"] = np.clip(np.round(6.5 + 1.5 * latent + rng.normal(scale=1.2, size=n)), 0, 10)
    segments = {"sector": 6, "omvang": 3, "regio": 5, "type": 2, "kanaal": 4, "duur": 4}
    for segment, k in segments.items():
        data[segment] = rng.choice([f"{segment} {j + 1}" for j in range(k)], size=n)
    labels = dict(zip(keys, _NAMES, strict=True))
    performance = touchpoint_performance(data, touchpoints=keys)
    performance["label"] = [labels[k] for k in performance["touchpoint"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = key_drivers(
            data,
            outcome="nps",
            drivers=keys,
            method="relative_weights",
            bootstrap=20,
            progress=False,
            labels=labels,
        )
    return SimpleNamespace(
        data=data,
        segments=list(segments),
        performance=performance,
        result=result,
        matrix=priority_matrix(result, performance),
    )


def test_thirty_touchpoints_split_over_slides(tmp_path, thirty):
    deck = Deck(lang="nl")
    deck.add_grades_chart(thirty.performance, notes="Cijfers")
    deck.add_driver_chart(thirty.result)
    for segment in thirty.segments:
        deck.add_nps_chart(nps_table(thirty.data, by=segment, nps_column="nps"))
    prs, _ = _reopen(deck, tmp_path)
    slides = list(prs.slides)
    assert len(slides) == 2 + 2 + 6
    titles = [s.shapes.title.text for s in slides[:4]]
    assert titles == [
        "Rapportcijfer per contactmoment (1/2)",
        "Rapportcijfer per contactmoment (2/2)",
        "Wat bepaalt de aanbeveling? (1/2)",
        "Wat bepaalt de aanbeveling? (2/2)",
    ]
    grades = [_charts(s)[0].chart for s in slides[:2]]
    categories = [c for chart in grades for c in chart.plots[0].categories]
    assert categories == list(thirty.performance["label"])  # journey order kept
    assert [len(chart.plots[0].categories) for chart in grades] == [15, 15]
    assert {(c.value_axis.minimum_scale, c.value_axis.maximum_scale) for c in grades} == {(1, 10)}
    # the grades are text with a decimal comma, one label per bar
    labels = [p.data_label.text_frame.text for p in grades[0].plots[0].series[0].points]
    assert labels[0] == f"{thirty.performance['mean'].iloc[0]:.1f}".replace(".", ",")
    # notes once, footnote on every page
    assert slides[0].has_notes_slide and not slides[1].has_notes_slide
    assert "n = 600" in _slide_text(slides[1])
    drivers = [_charts(s)[0].chart for s in slides[2:4]]
    assert sum(len(c.plots[0].categories) for c in drivers) == 30
    assert len({c.value_axis.maximum_scale for c in drivers}) == 1  # one scale


def test_thirty_point_matrix_is_numbered_with_a_key(tmp_path, thirty):
    deck = Deck(lang="nl")
    deck.add_matrix_chart(thirty.matrix, drivers_result=thirty.result)
    prs, _ = _reopen(deck, tmp_path)
    slide = prs.slides[0]
    chart = _charts(slide)[0].chart
    table = thirty.matrix.table
    labels = [s.points[0].data_label.text_frame.text for s in chart.plots[0].series]
    assert sorted(int(x) for x in labels) == list(range(1, 31))
    most_important = int(np.argmax(table["importance"].to_numpy()))
    assert labels[most_important] == "1"
    keys = [s for s in slide.shapes if s.name.startswith("Matrix key")]
    key_text = "\n".join(k.text_frame.text for k in keys)
    for name in table["label"]:
        assert name in key_text
    assert key_text.startswith(f"1\t{table['label'].iloc[most_important]}")
    # chart and key side by side, inside the slide
    frame = _charts(slide)[0]
    assert all(k.left >= frame.left + frame.width for k in keys)
    assert max(k.left + k.width for k in keys) <= prs.slide_width


# --------------------------------------------------------------------------- excel-safe


def test_chart_workbook_names_are_text_not_formulas(tmp_path, performance):
    from openpyxl import load_workbook

    perf = performance.iloc[:3].copy()
    perf["label"] = ['=HYPERLINK("x")', "+31 6\x07", "@SUM(A1)"]
    deck = Deck(lang="en")
    deck.add_grades_chart(perf)
    _, path = _reopen(deck, tmp_path)
    with zipfile.ZipFile(path) as package:
        (name,) = [n for n in package.namelist() if n.endswith(".xlsx")]
        sheet = load_workbook(io.BytesIO(package.read(name))).active
    cells = [sheet.cell(row=r, column=1) for r in (2, 3, 4)]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert [c.value for c in cells] == ['=HYPERLINK("x")', "+31 6", "@SUM(A1)"]


def test_matrix_tick_labels_are_text_with_exact_decimals(tmp_path):
    from drivers.present.deck.charts import _decimals

    assert [_decimals(s) for s in (5, 1, 0.5, 0.25, 2.5, 0.02)] == [0, 0, 1, 2, 1, 2]
    deck = Deck(lang="nl")
    slide = deck.add_matrix_chart(_hand_made_matrix())
    chart = _charts(slide)[0].chart
    ticks = [
        s.text_frame.text
        for s in slide.shapes
        if s.has_text_frame and re.fullmatch(r"[\d,%\u2212]+", s.text_frame.text)
    ]
    low, high = chart.category_axis.minimum_scale, chart.category_axis.maximum_scale
    assert f"{low:.1f}".replace(".", ",") in ticks and f"{high:.1f}".replace(".", ",") in ticks
    assert "0%" in ticks  # importance axis from zero, shares as whole percents


def test_no_table_column_is_narrower_than_its_longest_word(tmp_path):
    # The themes table broke its short headers inside a word ("Genoe|md", "Negati|ef"):
    # the widths followed character counts and forgot the cells' fixed margins.
    from pptx.util import Pt

    table = pd.DataFrame(
        {
            "Thema": ["Accountmanager en contact", "Bestellen en orderverwerking", "Prijs"],
            "Genoemd": ["15%", "6%", "22%"],
            "Negatief": ["39%", "60%", "94%"],
            "Verschil NPS": ["+27", "+12", "−10"],
            "Gecorrigeerd voor cijfers": ["+16", "+19", "−2"],
            "Grootste cijferverschil": [
                "Klachtafhandeling (+0,7)",
                "Orderverwerking (−0,4)",
                "Prijs-kwaliteitverhouding (−1,4)",
            ],
        }
    )
    deck = Deck(lang="nl")
    slide = deck.add_table(table, title="Thema's en NPS")
    shape = next(s for s in slide.shapes if s.has_table)
    widths = [c.width for c in shape.table.columns]
    assert sum(widths) == shape.width == deck.slide_width - 2 * Inches(0.6)
    bold = Pt(14) * 0.6  # a bold character at the table's 14 pt, generously
    margins = Inches(0.16)
    for name, width in zip(table.columns, widths, strict=True):
        words = [name, *table[name]]
        longest = max(len(w) for text in words for w in text.split())
        assert width >= longest * bold + margins, (name, width / 914400)
    # A table that fits on one line keeps every cell on one line.
    small = deck.add_table(table.iloc[:, :4], title="Klein")
    shape = next(s for s in small.shapes if s.has_table)
    for name, column in zip(table.columns[:4], shape.table.columns, strict=True):
        longest = max(len(t) for t in [name, *table[name]])
        assert column.width >= longest * bold + margins, name

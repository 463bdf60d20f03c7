"""Tests of drivers.present.charts, drivers.present._format and drivers.present.palette.

Tables are built inline (the tidy shapes of docs/CONTRACT.md) so these tests do not
depend on the modules that compute them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402

from drivers import charts, palette  # noqa: E402
from drivers.errors import ColumnNotFoundError, DataError, ParameterError  # noqa: E402
from drivers.present._format import fmt_count, fmt_number, fmt_percent, fmt_signed, text  # noqa: E402

LABELS = [
    "Accountmanager", "Offerte", "Orderverwerking", "Levering", "Facturatie", "Klantenservice",
    "Klachtafhandeling", "Productkwaliteit", "Webshop", "Prijs-kwaliteitverhouding",
]  # fmt: skip
KEYS = [label.lower().replace("-", "_") for label in LABELS]
MEANS = [8.2, 7.4, 7.6, 7.1, 7.3, 7.5, 6.6, 8.0, 6.9, 6.8]
QUADRANT_KEYS = ("improve", "maintain", "monitor", "overkill")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- tables


def nps_segments() -> pd.DataFrame:
    return pd.DataFrame({
        "group": ["Totaal", "Groothandel", "Overheid", "Overig"],
        "n": [612, 212, 24, np.nan],
        "n_eff": [612, 212, 24, np.nan],
        "promoters": [0.41, 0.44, 0.33, np.nan],
        "passives": [0.41, 0.42, 0.42, np.nan],
        "detractors": [0.18, 0.14, 0.25, np.nan],
        "nps": [23.0, 30.0, 8.0, np.nan],
        "ci_low": [17.0, 21.0, -14.0, np.nan],
        "ci_high": [29.0, 39.0, 30.0, np.nan],
        "small_base": [False, False, True, False],
        "suppressed": [False, False, False, True],
    })  # fmt: skip


def distribution() -> pd.DataFrame:
    share = np.array([0.01, 0.004, 0.01, 0.015, 0.02, 0.05, 0.071, 0.18, 0.23, 0.22, 0.19])
    return pd.DataFrame({
        "score": np.arange(11),
        "count": np.round(share * 612).astype(int),
        "share": share,
        "category": ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2,
    })  # fmt: skip


def performance() -> pd.DataFrame:
    half = np.array([0.1] * 6 + [0.3] + [0.1] * 3)
    return pd.DataFrame({
        "touchpoint": KEYS, "label": LABELS, "phase": "Service", "n": [600] * 6 + [86] + [600] * 3,
        "n_na": 0, "share_na": 0.1, "mean": MEANS, "ci_low": np.subtract(MEANS, half),
        "ci_high": np.add(MEANS, half),
    })  # fmt: skip


def importance() -> pd.DataFrame:
    share = np.array([0.08, 0.06, 0.07, 0.12, 0.04, 0.10, 0.16, 0.17, 0.05, 0.15])
    table = pd.DataFrame({
        "driver": KEYS, "label": LABELS, "importance": share * 0.46, "share": share,
        "share_ci_low": share * 0.6, "share_ci_high": share * 1.4,
    })  # fmt: skip
    table["rank"] = table["share"].rank(ascending=False, method="first").astype(int)
    return table


@dataclass(frozen=True)
class DriverResult:
    table: pd.DataFrame
    method: str = "shapley"
    r2: float = 0.46
    n: int = 612


def matrix_table(k: int = 10, *, dense: bool = False, probabilities: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    if dense:  # ten points packed in a small area: the hard case for the label repel
        imp = 0.05 + rng.normal(0, 0.003, k)
        perf = 7.3 + rng.normal(0, 0.05, k)
    else:
        imp = np.array([0.037, 0.028, 0.032, 0.055, 0.018, 0.046, 0.074, 0.078, 0.023, 0.069])[:k]
        perf = np.array(MEANS[:k])
    x_line, y_line = 7.3, 0.05
    quadrant = np.where(
        imp >= y_line,
        np.where(perf >= x_line, "maintain", "improve"),
        np.where(perf >= x_line, "overkill", "monitor"),
    )
    table = pd.DataFrame({
        "touchpoint": KEYS[:k], "label": LABELS[:k], "importance": imp, "performance": perf,
        "quadrant": quadrant, "importance_ci_low": imp * 0.7, "importance_ci_high": imp * 1.3,
        "performance_ci_low": perf - 0.1, "performance_ci_high": perf + 0.1,
    })  # fmt: skip
    if probabilities:
        assigned = np.linspace(0.55, 0.97, k)
        for q in QUADRANT_KEYS:
            table[f"p_{q}"] = np.where(quadrant == q, assigned, (1 - assigned) / 3)
    return table


@dataclass(frozen=True)
class Matrix:
    table: pd.DataFrame
    x_line: float = 7.3
    y_line: float = 0.05
    x: str = "mean"
    method: str = "shapley"


def waves() -> pd.DataFrame:
    before = np.round(
        np.array(MEANS) - np.array([0.1, 0.2, -0.1, 0.4, 0, 0.3, 0.6, 0.1, -0.2, 0.2]), 1
    )
    return pd.DataFrame({
        "touchpoint": KEYS, "label": LABELS, "before": before, "after": MEANS,
        "wave_before": "2023", "wave_after": "2024",
        "significant": [False, False, False, True, False, True, True, False, False, False],
    })  # fmt: skip


def all_text(ax: Axes) -> list[str]:
    """Every string drawn on ``ax``: texts, annotations, tick labels, legend, axis labels."""
    found = [t.get_text() for t in ax.texts]
    found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    found += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title(loc="left")]
    legend = ax.get_legend()
    if legend is not None:
        found += [t.get_text() for t in legend.get_texts()]
    return [s for s in found if s]


CHARTS = {
    "nps_bar": lambda lang: charts.nps_bar(nps_segments(), lang=lang, benchmark=29),
    "score_distribution": lambda lang: charts.score_distribution(distribution(), lang=lang),
    "touchpoint_grades": lambda lang: charts.touchpoint_grades(
        performance(), lang=lang, benchmark={"klachtafhandeling": 7.2}
    ),
    "driver_importance": lambda lang: charts.driver_importance(
        DriverResult(importance()), lang=lang
    ),
    "priority_matrix": lambda lang: charts.priority_matrix(Matrix(matrix_table()), lang=lang),
    "wave_change": lambda lang: charts.wave_change(waves(), lang=lang),
}


# --------------------------------------------------------------------------- every chart


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_renders_in_both_languages(name, lang):
    ax = CHARTS[name](lang)
    assert isinstance(ax, Axes)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx(charts.SLIDE_SIZE)
    ax.figure.canvas.draw()  # renders without error
    expected_title = text(f"title_{name}", lang)
    assert expected_title in all_text(ax)


def test_charts_draw_on_a_given_axes_and_return_it():
    fig, axes = plt.subplots(1, 2, figsize=(16, 6), layout="constrained")
    assert charts.touchpoint_grades(performance(), ax=axes[0]) is axes[0]
    assert charts.driver_importance(importance(), ax=axes[1]) is axes[1]
    fig.canvas.draw()


def test_fonts_are_large_enough_for_a_slide():
    ax = CHARTS["touchpoint_grades"]("nl")
    ax.figure.canvas.draw()
    assert min(t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()) >= 14
    title = next(t for t in ax.texts if t.get_text() == text("title_touchpoint_grades", "nl"))
    assert title.get_fontsize() >= 20
    assert min(t.get_fontsize() for t in ax.texts) >= 14
    assert (
        title.get_fontfamily()[0] == "DejaVu Sans"
        or "DejaVu Sans" in plt.rcParams["font.sans-serif"]
    )


@pytest.mark.parametrize("name", list(CHARTS))
def test_charts_compute_nothing_and_leave_their_input_alone(name):
    inputs = {
        "nps_bar": nps_segments(), "score_distribution": distribution(),
        "touchpoint_grades": performance(), "driver_importance": importance(),
        "priority_matrix": matrix_table(), "wave_change": waves(),
    }  # fmt: skip
    table = inputs[name]
    before = copy.deepcopy(table)
    kwargs = {"x_line": 7.3, "y_line": 0.05} if name == "priority_matrix" else {}
    getattr(charts, name)(table, **kwargs)
    pd.testing.assert_frame_equal(table, before)


def test_unknown_language_and_missing_columns_are_clear_errors():
    with pytest.raises(ParameterError, match="'lang' parameter of nps_bar"):
        charts.nps_bar(nps_segments(), lang="de")
    with pytest.raises(ColumnNotFoundError, match="'mean'"):
        charts.touchpoint_grades(performance().drop(columns="mean"))
    with pytest.raises(DataError, match="quadrant"):
        charts.priority_matrix(matrix_table().assign(quadrant="somewhere"))
    with pytest.raises(ParameterError, match="'ax' parameter"):
        charts.wave_change(waves(), ax="left")
    with pytest.raises(ParameterError):
        charts.nps_bar("not a table")


# --------------------------------------------------------------------------- save


def test_save_writes_slide_size_png_and_svg_with_text(tmp_path):
    ax = CHARTS["touchpoint_grades"]("nl")
    written = charts.save(ax.figure, tmp_path / "grades.png")
    assert [p.name for p in written] == ["grades.png", "grades.svg"]
    image = matplotlib.image.imread(written[0])
    assert image.shape[:2] == (1500, 2667)  # rows x columns: 2667 x 1500 px
    assert tuple(ax.figure.get_size_inches()) == pytest.approx(charts.SLIDE_SIZE)  # restored
    svg = written[1].read_text(encoding="utf-8")
    assert "<text" in svg
    assert ">Klachtafhandeling (n = 86)</text>" in svg
    assert ">6,6</text>" in svg


def test_two_saves_are_byte_identical(tmp_path):
    ax = CHARTS["priority_matrix"]("nl")
    first = charts.save(ax.figure, tmp_path / "a" / "matrix")
    ax.figure.savefig(tmp_path / "shown.png", dpi=72)  # e.g. shown in a notebook in between
    second = charts.save(ax.figure, tmp_path / "b" / "matrix")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.suffix
    fig, small = plt.subplots(figsize=(3, 2))
    small.set_title("NPS +23")
    pdfs = [charts.save(fig, tmp_path / name / "p", formats="pdf")[0] for name in "cd"]
    assert pdfs[0].read_bytes() == pdfs[1].read_bytes()


def test_save_rejects_unknown_formats(tmp_path):
    fig, _ = charts.new_figure()
    with pytest.raises(ParameterError, match="'formats' parameter of save"):
        charts.save(fig, tmp_path / "x", formats=("jpg",))


# --------------------------------------------------------------------------- nps bar


def test_nps_bar_uses_house_colours_and_prints_signed_nps():
    ax = charts.nps_bar(nps_segments())
    stacked = [c for c in ax.containers][:3]
    colours = [to_hex(bar.get_facecolor()) for bar in (c.patches[0] for c in stacked)]
    assert colours == [to_hex(charts.DETRACTOR), to_hex(charts.PASSIVE), to_hex(charts.PROMOTER)]
    texts = all_text(ax)
    assert {"+23", "+30", "+8"} <= set(texts)
    assert {"18%", "41%"} <= set(texts)


def test_nps_bar_suppressed_row_shows_n_below_5_and_no_numbers():
    ax = charts.nps_bar(nps_segments(), lang="nl")
    row = 3  # "Overig"
    at_row = [t for t in ax.texts if _y_of(t) == row]
    assert [t.get_text() for t in at_row] == ["n < 5"]
    assert ax.get_yticklabels()[row].get_text() == "Overig"
    widths = [c.patches[row].get_width() for c in list(ax.containers)[:3]]
    assert widths == [0, 0, 0]


def _y_of(t: Text) -> float:
    return t.xy[1] if isinstance(t, Annotation) else t.get_position()[1]


def test_nps_bar_marks_small_bases_with_a_footnote():
    ax = charts.nps_bar(nps_segments(), lang="en")
    assert ax.get_yticklabels()[2].get_text() == "Overheid (n = 24) *"
    assert any(s.startswith("* Small base (n < 30)") for s in all_text(ax))


def test_nps_bar_benchmark_label_in_both_languages():
    nl = charts.nps_bar(nps_segments(), benchmark=("Benchmark groothandel", 29))
    assert "Benchmark groothandel +29" in all_text(nl)
    en = charts.nps_bar(nps_segments(), lang="en", benchmark=-3.2)
    assert "Benchmark \u22123" in all_text(en)
    with pytest.raises(ParameterError, match="benchmark"):
        charts.nps_bar(nps_segments(), benchmark="high")


def test_nps_bar_accepts_a_single_nps_result():
    @dataclass
    class Result:
        nps: float = 23.4
        promoters: float = 0.41
        passives: float = 0.414
        detractors: float = 0.176
        n: int = 612

    ax = charts.nps_bar(Result(), lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Total (n = 612)"]
    assert "+23" in all_text(ax)


# --------------------------------------------------------------------------- other charts


def test_score_distribution_colours_by_class_and_labels_each_bar():
    ax = charts.score_distribution(distribution(), lang="nl")
    colours = [to_hex(p.get_facecolor()) for p in ax.patches[:11]]
    assert (
        colours
        == [to_hex(charts.DETRACTOR)] * 7
        + [to_hex(charts.PASSIVE)] * 2
        + [to_hex(charts.PROMOTER)] * 2
    )
    texts = all_text(ax)
    assert {"23%", "<1%", "Detractors (0\u20136)", "Promoters (9\u201310)"} <= set(texts)


def test_touchpoint_grades_dutch_decimal_comma_and_benchmark_legend():
    nl = charts.touchpoint_grades(performance(), lang="nl", benchmark={"klachtafhandeling": 7.2})
    texts = all_text(nl)
    assert "6,6" in texts and "8,2" in texts and "6.6" not in texts
    assert any("," in t.get_text() for t in nl.get_xticklabels())
    assert "Benchmark" in texts
    # sorted: best grade on top
    assert nl.get_yticklabels()[0].get_text().startswith("Accountmanager")
    en = charts.touchpoint_grades(performance(), lang="en")
    assert "6.6" in all_text(en)
    assert not any("," in t.get_text() for t in en.get_xticklabels())


def test_driver_importance_sorted_by_rank_with_method_subtitle():
    ax = charts.driver_importance(DriverResult(importance()), lang="nl")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[:2] == ["Productkwaliteit", "Klachtafhandeling"]
    texts = all_text(ax)
    assert "17%" in texts
    assert any("Shapley" in s and "R\u00b2 = 0,46" in s and "n = 612" in s for s in texts)
    # CI whiskers drawn (errorbar container)
    assert any(type(c).__name__ == "ErrorbarContainer" for c in ax.containers)


def test_wave_change_labels_changes_in_dutch_with_significance():
    ax = charts.wave_change(waves(), lang="nl")
    texts = all_text(ax)
    assert {"+0,6", "+0,4", "\u22120,2", "0,0", "*", "2023", "2024", "Verschil"} <= set(texts)
    assert any(s.startswith("* Statistisch significant") for s in texts)
    en = charts.wave_change(waves().drop(columns=["wave_before", "wave_after"]), lang="en",
                            value="mean", wave_before="Spring", wave_after="Autumn")  # fmt: skip
    assert {"Spring", "Autumn", "+0.6"} <= set(all_text(en))


# --------------------------------------------------------------------------- priority matrix


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_priority_matrix_shows_translated_quadrant_names(lang):
    ax = charts.priority_matrix(Matrix(matrix_table()), lang=lang)
    texts = set(all_text(ax))
    for quadrant in QUADRANT_KEYS:
        assert text(quadrant, lang).upper() in texts


def _label_boxes(ax: Axes, labels: list[str]) -> list:
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    found = [t for t in ax.texts if any(t.get_text().startswith(name) for name in labels)]
    return found, [Text.get_window_extent(t, renderer) for t in found]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_priority_matrix_labels_each_point_once_without_overlap(lang):
    table = matrix_table(dense=True)
    ax = charts.priority_matrix(table, lang=lang, x_line=7.3, y_line=0.05)
    found, boxes = _label_boxes(ax, LABELS)
    assert sorted(t.get_text().split(" (")[0] for t in found) == sorted(LABELS)
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            assert not boxes[a].overlaps(boxes[b]), (found[a].get_text(), found[b].get_text())
    inside = ax.bbox
    for box in boxes:
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1


def test_priority_matrix_labels_stay_apart_after_saving_at_another_dpi(tmp_path):
    ax = charts.priority_matrix(matrix_table(dense=True), x_line=7.3, y_line=0.05)
    charts.save(ax.figure, tmp_path / "m", formats=("png",), dpi=150)
    _, boxes = _label_boxes(ax, LABELS)
    assert not any(boxes[a].overlaps(boxes[b]) for a in range(10) for b in range(a + 1, 10))


def test_priority_matrix_shows_uncertainty():
    ax = charts.priority_matrix(Matrix(matrix_table()), lang="nl")
    labels = [t.get_text() for t in ax.texts if t.get_text().startswith("Levering")]
    assert len(labels) == 1 and labels[0].endswith("%)")
    assert any("kans" in s for s in all_text(ax))  # the footnote explains the percentages
    plain = charts.priority_matrix(Matrix(matrix_table(probabilities=False)), lang="nl")
    assert [t.get_text() for t in plain.texts if t.get_text().startswith("Levering")] == [
        "Levering"
    ]


def test_priority_matrix_colours_points_by_quadrant():
    table = matrix_table(probabilities=False)
    ax = charts.priority_matrix(Matrix(table))
    points = ax.collections[-1]
    edges = [to_hex(c) for c in points.get_edgecolors()]
    assert edges == [to_hex(palette.QUADRANT_COLOURS[q]) for q in table["quadrant"]]


# --------------------------------------------------------------------------- matrix movement


@dataclass(frozen=True)
class WaveMatrix(Matrix):
    wave: str | None = None


def movement_tables(*, dense: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An earlier and a later matrix table: webshop is new, 'website' is gone."""
    after = matrix_table(dense=dense, probabilities=False)
    rng = np.random.default_rng(7)
    before = after[["touchpoint", "label", "importance", "performance"]].copy()
    spread = (0.004, 0.08) if dense else (0.012, 0.35)
    before["importance"] = before["importance"] + rng.normal(0, spread[0], len(before))
    before["performance"] = before["performance"] + rng.normal(0, spread[1], len(before))
    before = before[before["touchpoint"] != "webshop"]
    gone = pd.DataFrame({"touchpoint": ["website"], "label": ["Website"],
                         "importance": [0.09], "performance": [6.1]})  # fmt: skip
    return pd.concat([before, gone], ignore_index=True), after


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_matrix_movement_renders_in_both_languages(lang):
    before, after = movement_tables()
    ax = charts.matrix_movement(
        WaveMatrix(before, wave="2023"), WaveMatrix(after, wave="2024"), lang=lang
    )
    assert isinstance(ax, Axes)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx(charts.SLIDE_SIZE)
    ax.figure.canvas.draw()
    texts = all_text(ax)
    assert f"{text('title_priority_matrix', lang)} 2023 \u2192 2024" in texts
    assert {"2023  \u2192", "2024"} <= set(texts)  # legend: hollow 2023 -> filled 2024
    for quadrant in QUADRANT_KEYS:
        assert text(quadrant, lang).upper() in texts
    assert min(t.get_fontsize() for t in ax.texts) >= 14
    assert "Website (2023)" in texts  # gone: labelled at its old place, with the wave
    assert any(("Zonder pijl" if lang == "nl" else "No arrow") in t for t in texts)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any(("," if lang == "nl" else ".") in t for t in ticks)


def test_matrix_movement_one_arrow_per_touchpoint_in_both_waves():
    before, after = movement_tables()
    ax = charts.matrix_movement(before, Matrix(after))
    both = set(before["touchpoint"]) & set(after["touchpoint"])
    arrows = charts._movement_arrows(ax)
    assert len(arrows) == len(both) == 9
    starts = {tuple(np.round(a._posA_posB[0], 6)) for a in arrows}
    ends = {tuple(np.round(a._posA_posB[1], 6)) for a in arrows}
    old = before.set_index("touchpoint").loc[sorted(both)]
    new = after.set_index("touchpoint").loc[sorted(both)]
    assert starts == set(zip(old["performance"].round(6), old["importance"].round(6), strict=True))
    assert ends == set(zip(new["performance"].round(6), new["importance"].round(6), strict=True))
    # every touchpoint of the later wave is a filled dot coloured by its quadrant
    filled = ax.collections[-1]
    assert len(filled.get_offsets()) == len(after)
    colours = [to_hex(c) for c in filled.get_facecolors()]
    assert colours == [to_hex(palette.QUADRANT_COLOURS[q]) for q in after["quadrant"]]
    same = charts.matrix_movement(after, Matrix(after))  # nothing moved: still one each
    assert len(charts._movement_arrows(same)) == len(after)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_matrix_movement_labels_do_not_overlap(lang):
    before, after = movement_tables(dense=True)
    ax = charts.matrix_movement(before, Matrix(after), lang=lang)
    found, boxes = _label_boxes(ax, [*LABELS, "Website"])
    gone = f"Website ({text('previous_wave', lang)})"  # no wave names: the generic word
    assert sorted(t.get_text() for t in found) == sorted([*LABELS, gone])
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            assert not boxes[a].overlaps(boxes[b]), (found[a].get_text(), found[b].get_text())
    inside = ax.bbox
    for box in boxes:
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1


def test_matrix_movement_axes_hold_both_waves():
    before, after = movement_tables()
    before.loc[0, ["performance", "importance"]] = [9.4, 0.16]  # far outside the later wave
    ax = charts.matrix_movement(before, Matrix(after))
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for table in (before, after):
        assert ((x0 < table["performance"]) & (table["performance"] < x1)).all()
        assert ((y0 < table["importance"]) & (table["importance"] < y1)).all()
    assert x0 < 7.3 < x1 and y0 < 0.05 < y1  # and the lines of the later wave


def test_matrix_movement_leaves_its_input_alone():
    before, after = movement_tables()
    copies = copy.deepcopy(before), copy.deepcopy(after)
    charts.matrix_movement(before, after.assign(x_line=7.3, y_line=0.05))
    charts.matrix_movement(WaveMatrix(before), WaveMatrix(after))
    pd.testing.assert_frame_equal(before, copies[0])
    pd.testing.assert_frame_equal(after, copies[1])


def test_matrix_movement_wave_names_and_errors():
    before, after = movement_tables()
    ax = charts.matrix_movement(
        WaveMatrix(before, wave="2023"), WaveMatrix(after, wave="2024"), wave_before="voorjaar",
        title=False, subtitle="Groothandel",
    )  # fmt: skip
    texts = all_text(ax)
    assert "voorjaar  \u2192" in texts and "2024" in texts and "Groothandel" in texts
    assert not any(t.startswith(text("title_priority_matrix", "nl")) for t in texts)
    ax = charts.matrix_movement(before.assign(wave="Q1"), after.assign(wave="Q3"), lang="en")
    assert "Priority matrix Q1 \u2192 Q3" in all_text(ax)
    with pytest.raises(DataError, match="more than once"):
        charts.matrix_movement(pd.concat([before, before.iloc[:1]]), after)
    with pytest.raises(DataError, match="quadrant"):
        charts.matrix_movement(before, after.assign(quadrant="somewhere"))
    with pytest.raises(ColumnNotFoundError, match="'quadrant'"):
        charts.matrix_movement(after, before)
    with pytest.raises(ParameterError, match="'lang' parameter of matrix_movement"):
        charts.matrix_movement(before, after, lang="de")
    with pytest.raises(ParameterError, match="'before' parameter"):
        charts.matrix_movement("2023", after)


# --------------------------------------------------------------------------- style, palette


def test_new_figure_and_style():
    fig, ax = charts.new_figure()
    assert tuple(fig.get_size_inches()) == pytest.approx((40 / 3, 7.5))
    assert fig.get_layout_engine() is not None
    with charts.use_style():
        assert plt.rcParams["svg.fonttype"] == "none"
        assert plt.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert plt.rcParams["xtick.labelsize"] >= 14
        assert plt.rcParams["axes.titlesize"] >= 20


def test_charts_ignore_set_brand_and_take_brand_per_chart():
    # set_brand stays for the report and the deck; charts take their colour from brand=
    try:
        assert charts.set_brand("#E30613") == "#E30613"
        ax = charts.driver_importance(importance())
        assert to_hex(ax.patches[0].get_facecolor()) == to_hex(palette.DEFAULT_BRAND)
        ax = charts.driver_importance(importance(), brand="#00A0DF")
        assert to_hex(ax.patches[0].get_facecolor()) == "#00a0df"
    finally:
        charts.set_brand(None)
    assert charts.get_brand() == palette.DEFAULT_BRAND
    with pytest.raises(ParameterError, match="colour"):
        charts.set_brand("not-a-colour")
    with pytest.raises(ParameterError, match="colour"):
        charts.driver_importance(importance(), brand="not-a-colour")


# --------------------------------------------------------------------------- formatting


def test_number_formats_in_dutch_and_english():
    assert fmt_number(6.62) == "6,6"
    assert fmt_number(6.62, lang="en") == "6.6"
    assert fmt_number(1234.5, 1, "nl") == "1.234,5"
    assert fmt_number(-0.04) == "0,0"  # no negative zero
    assert fmt_number(float("nan")) == "\u2013"
    assert fmt_signed(17) == "+17"
    assert fmt_signed(-3) == "\u22123"
    assert fmt_signed(0.4, "nl", decimals=1) == "+0,4"
    assert fmt_signed(0.2) == "0"
    assert fmt_percent(0.34) == "34%"
    assert fmt_percent(0.345, "nl", decimals=1) == "34,5%"
    assert fmt_count(1234, "en") == "1,234"
    with pytest.raises(ParameterError, match="lang"):
        fmt_number(1.0, lang="fr")
    with pytest.raises(ParameterError, match="must be a number"):
        fmt_number("six")


def test_translation_table_has_both_languages():
    from drivers.present._format import TEXT

    assert all(set(entry) == {"nl", "en"} for entry in TEXT.values())
    assert text("improve", "nl") == "Eerst verbeteren"
    assert text("overkill", "en") == "Possible overkill"
    assert text("suppressed", "nl", n=5) == "n < 5"
    with pytest.raises(ParameterError, match="'key' parameter of text"):
        text("improv", "nl")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_driver_importance_labels_carry_the_base_of_each_touchpoint(lang):
    table = importance().assign(n=[1200, 612, 600, 590, 612, 612, 612, 612, 136, 612])
    ax = charts.driver_importance(DriverResult(table), lang=lang)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    thousands = "1.200" if lang == "nl" else "1,200"
    by_label = dict(zip(table["label"], table["n"], strict=True))
    for tick in ticks:
        label, _, n = tick.partition(" (n = ")
        shown = 1200 if n == thousands + ")" else int(n.rstrip(")"))
        assert shown == by_label[label]
    assert f"{LABELS[8]} (n = 136)" in ticks
    ax = charts.driver_importance(DriverResult(table), lang=lang, show_n=False)
    assert "(n = " not in " ".join(t.get_text() for t in ax.get_yticklabels())

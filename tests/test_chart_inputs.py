"""Charts against real-world input: a questionnaire's size, hostile text, brand colours.

Also the label-placement engine on its own (pure geometry) and the claim that charts set
their look explicitly (the global rcParams do not change a chart).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from drivers import charts, palette  # noqa: E402
from drivers.errors import ParameterError  # noqa: E402
from drivers.present._format import text  # noqa: E402
from drivers.present.charts.labels import _clip_length, place_labels  # noqa: E402

NAMES = [
    "Accountmanager", "Offerte", "Orderverwerking", "Levering", "Facturatie", "Klantenservice",
    "Klachtafhandeling", "Productkwaliteit", "Webshop", "Prijs-kwaliteitverhouding",
    "Bereikbaarheid telefoon", "Reactiesnelheid e-mail", "Deskundigheid medewerkers",
    "Levertijd", "Verpakking", "Retourproces", "Garantieafhandeling", "Installatie op locatie",
    "Onderhoudscontract", "Storingsdienst", "Portaal voor klanten", "Nieuwsbrief",
    "Accountbeheer online", "Betalingsvoorwaarden", "Duurzaamheid", "Assortiment",
    "Beschikbaarheid voorraad", "Technische ondersteuning", "Training en opleiding",
    "Contractvoorwaarden",
]  # fmt: skip
HOSTILE = ["<script>", "$\\frac{x}$", "*bold*", "50$ korting"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- tables


def grades(names=NAMES, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mean = np.round(rng.uniform(6.2, 8.4, len(names)), 2)
    return pd.DataFrame({
        "touchpoint": [f"tp{i}" for i in range(len(names))], "label": names, "mean": mean,
        "ci_low": mean - 0.2, "ci_high": mean + 0.2, "n": rng.integers(40, 900, len(names)),
    })  # fmt: skip


def importance(names=NAMES, seed=2) -> pd.DataFrame:
    share = np.random.default_rng(seed).dirichlet(np.ones(len(names)))
    return pd.DataFrame({
        "driver": [f"tp{i}" for i in range(len(names))], "label": names, "share": share,
        "share_ci_low": share * 0.6, "share_ci_high": share * 1.4,
    })  # fmt: skip


def waves(names=NAMES, seed=3, **columns) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    after = np.round(rng.uniform(6.2, 8.4, len(names)), 1)
    table = pd.DataFrame({
        "touchpoint": [f"tp{i}" for i in range(len(names))], "label": names,
        "before": np.round(after - rng.normal(0, 0.3, len(names)), 1), "after": after,
        "wave_before": "2023", "wave_after": "2024", "significant": rng.random(len(names)) < 0.2,
    })  # fmt: skip
    return table.assign(**columns)


def matrix(names=NAMES, seed=4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    imp, perf = rng.uniform(0.01, 0.09, len(names)), rng.uniform(6.3, 8.3, len(names))
    x_line, y_line = float(perf.mean()), float(imp.mean())
    quadrant = np.where(
        imp >= y_line,
        np.where(perf >= x_line, "maintain", "improve"),
        np.where(perf >= x_line, "overkill", "monitor"),
    )
    return pd.DataFrame({
        "touchpoint": [f"tp{i}" for i in range(len(names))], "label": names,
        "importance": imp, "performance": perf, "quadrant": quadrant, "x_line": x_line,
        "y_line": y_line,
    })  # fmt: skip


def moved(table: pd.DataFrame, seed=5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return table.assign(
        importance=table["importance"] + rng.normal(0, 0.005, len(table)),
        performance=table["performance"] + rng.normal(0, 0.15, len(table)),
    )[["touchpoint", "label", "importance", "performance"]]


def segments(groups: list[str], seed=6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    promoters, detractors = rng.uniform(0.2, 0.6, len(groups)), rng.uniform(0.05, 0.3, len(groups))
    return pd.DataFrame({
        "group": groups, "n": rng.integers(40, 1500, len(groups)), "promoters": promoters,
        "passives": 1 - promoters - detractors, "detractors": detractors,
        "nps": 100 * (promoters - detractors),
    })  # fmt: skip


GROUPS = [
    "Totaal", "Groothandel", "Overheid", "Zorg", "Onderwijs", "Bouw", "Industrie",
    "Transport en logistiek", "Detailhandel", "Zakelijke dienstverlening", "ICT", "Overig",
]  # fmt: skip


def every_text(fig) -> list[Text]:
    """Every visible, non-empty text artist of the figure."""
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text() and t.figure is fig]


def assert_text_inside_figure(ax) -> None:
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    box = fig.bbox
    for t in every_text(fig):
        extent = t.get_window_extent(renderer)
        assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, t.get_text()
        assert box.y0 - 1 <= extent.y0 and extent.y1 <= box.y1 + 1, t.get_text()


def assert_no_overlap(boxes, names) -> None:
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            assert not boxes[a].overlaps(boxes[b]), (names[a], names[b])


# --------------------------------------------------------------------------- a real questionnaire


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", ["touchpoint_grades", "driver_importance", "wave_change"])
def test_thirty_rows_are_all_drawn_in_smaller_type_inside_the_figure(name, lang):
    table = {"touchpoint_grades": grades, "driver_importance": importance, "wave_change": waves}
    ax = getattr(charts, name)(table[name](), lang=lang)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ticks) == 30
    assert {t.split(" (n = ")[0] for t in ticks} == set(NAMES)
    sizes = [t.get_fontsize() for t in ax.get_yticklabels()]
    assert 10 <= min(sizes) < 15  # smaller, still readable on a slide
    assert_text_inside_figure(ax)
    assert not any(text("chart_rows_shown_note", lang, k=30, p=30) in s for s in _strings(ax))


def _strings(ax) -> list[str]:
    return [t.get_text() for t in every_text(ax.figure)]


@pytest.mark.parametrize("name", ["touchpoint_grades", "driver_importance", "wave_change"])
def test_more_rows_than_max_rows_show_the_first_with_a_note(name):
    names = [*NAMES, *(f"{n} 2" for n in NAMES[:10])]
    table = {"touchpoint_grades": grades, "driver_importance": importance, "wave_change": waves}
    ax = getattr(charts, name)(table[name](names), lang="en")
    assert len(ax.get_yticklabels()) == 30
    assert "Shown: the first 30 of 40." in "\n".join(_strings(ax))
    ax = getattr(charts, name)(table[name](names), lang="nl", max_rows=12)
    assert len(ax.get_yticklabels()) == 12
    assert "Getoond: de eerste 12 van 40." in "\n".join(_strings(ax))
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) == 15
    ax = getattr(charts, name)(table[name](names), max_rows=None)
    assert len(ax.get_yticklabels()) == 40
    with pytest.raises(ParameterError, match="'max_rows' parameter"):
        getattr(charts, name)(table[name](names), max_rows=0)


def test_the_first_rows_are_the_best_ones():
    table = importance([*NAMES, *(f"{n} 2" for n in NAMES[:10])])
    ax = charts.driver_importance(table, max_rows=5)
    top = table.sort_values("share", ascending=False)["label"].head(5).tolist()
    assert [t.get_text() for t in ax.get_yticklabels()] == top


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_priority_matrix_with_thirty_labelled_points(lang):
    ax = charts.priority_matrix(matrix(), lang=lang)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text() in NAMES]
    assert sorted(t.get_text() for t in labels) == sorted(NAMES)
    boxes = [Text.get_window_extent(t, renderer) for t in labels]
    assert_no_overlap(boxes, [t.get_text() for t in labels])
    for box in boxes:
        assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1
        assert ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1
    assert min(t.get_fontsize() for t in labels) >= 11
    assert_text_inside_figure(ax)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_matrix_movement_with_thirty_labelled_points(lang):
    after = matrix()
    before = moved(after)
    ax = charts.matrix_movement(before, after, lang=lang, wave_before="2023",
                                wave_after="2024")  # fmt: skip
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text() in NAMES]
    assert sorted(t.get_text() for t in labels) == sorted(NAMES)
    assert len(charts._movement_arrows(ax)) == 30
    boxes = [Text.get_window_extent(t, renderer) for t in labels]
    assert_no_overlap(boxes, [t.get_text() for t in labels])
    assert_text_inside_figure(ax)
    # labels keep clear of the dots of both waves and of the arrows (at most one slip)
    reach = 6.6 * ax.figure.dpi / 72  # the radius of a hollow dot
    dots = ax.transData.transform(
        np.vstack([m[["performance", "importance"]].to_numpy(float) for m in (before, after)])
    )
    on_dot = [
        b for b in boxes
        if any(b.x0 - reach < x < b.x1 + reach and b.y0 - reach < y < b.y1 + reach
               for x, y in dots)
    ]  # fmt: skip
    arrows = [ax.transData.transform(np.array(a._posA_posB)) for a in charts._movement_arrows(ax)]
    on_arrow = [
        b for b in boxes
        if any(_clip_length(np.array([b.x0, b.y0, b.x1, b.y1]), s) > 3 for s in arrows)
    ]  # fmt: skip
    assert len(on_dot) <= 1 and len(on_arrow) <= 1, (len(on_dot), len(on_arrow))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nps_bar_with_twelve_groups(lang):
    ax = charts.nps_bar(segments(GROUPS), lang=lang, benchmark=20)
    ticks = [t.get_text().split(" (n = ")[0] for t in ax.get_yticklabels()]
    assert ticks == GROUPS
    nps_column = [t for t in ax.texts if t.get_text().startswith(("+", "\u2212"))]
    assert len(nps_column) >= 12  # every group's NPS is printed
    assert_text_inside_figure(ax)


# --------------------------------------------------------------------------- hostile text


def _svg(ax) -> str:
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        ax.figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def _png(ax) -> bytes:
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


HOSTILE_CHARTS = {
    "touchpoint_grades": lambda labels: charts.touchpoint_grades(grades(labels), title=labels[1]),
    "driver_importance": lambda labels: charts.driver_importance(
        importance(labels), subtitle=labels[3]
    ),
    "wave_change": lambda labels: charts.wave_change(
        waves(labels, wave_before=labels[3], wave_after=labels[1])
    ),
    "priority_matrix": lambda labels: charts.priority_matrix(matrix(labels)),
    "matrix_movement": lambda labels: charts.matrix_movement(
        moved(matrix(labels)).assign(wave=labels[1]), matrix(labels).assign(wave=labels[3])
    ),
    "nps_bar": lambda labels: charts.nps_bar(
        segments(labels), benchmark=(labels[3], 12), title=labels[0]
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE_CHARTS))
def test_hostile_text_is_drawn_literally(name):
    labels = [*HOSTILE, "Bel\x07 en\nregel\ttab"]
    ax = HOSTILE_CHARTS[name](labels)
    assert _png(ax).startswith(b"\x89PNG")  # renders (mathtext would raise on \frac{x})
    svg = _svg(ax)
    assert "50$ korting" in svg
    assert "$\\frac{x}$" in svg
    assert "&lt;script&gt;" in svg and "<script>" not in svg
    assert "*bold*" in svg
    assert "\x07" not in svg and "Bel en regel tab" in svg


def test_hostile_text_in_titles_and_wave_names_of_the_movement_chart():
    after = matrix(NAMES[:6])
    ax = charts.matrix_movement(moved(after), after, wave_before="$5", wave_after="$6",
                                lang="en")  # fmt: skip
    svg = _svg(ax)
    assert "Priority matrix $5 \u2192 $6" in svg


# --------------------------------------------------------------------------- brand colours


def test_each_chart_uses_its_own_brand_colour():
    red = charts.driver_importance(importance(NAMES[:8]), brand="#E30613")
    blue = charts.touchpoint_grades(grades(NAMES[:8]), brand="#00A0DF")
    plain = charts.wave_change(waves(NAMES[:8]))
    assert {to_hex(p.get_facecolor()) for p in red.patches} == {"#e30613"}
    assert {to_hex(c) for c in blue.collections[-1].get_facecolors()} == {"#00a0df"}
    later = plain.collections[-1]  # the later wave's dots
    assert {to_hex(c) for c in later.get_facecolors()} == {to_hex(palette.DEFAULT_BRAND)}
    # drawn after the others: still its own colour (no state carried between charts)
    again = charts.driver_importance(importance(NAMES[:8]))
    assert {to_hex(p.get_facecolor()) for p in again.patches} == {to_hex(palette.DEFAULT_BRAND)}


def test_charts_ignore_the_global_brand():
    try:
        palette.set_brand("#E30613")
        ax = charts.nps_bar(segments(GROUPS[:3]))
        nps_bars = [p for p in ax.patches if to_hex(p.get_facecolor()) == "#e30613"]
        assert not nps_bars
        assert any(to_hex(p.get_facecolor()) == to_hex(palette.DEFAULT_BRAND) for p in ax.patches)
    finally:
        palette.set_brand(None)


@pytest.mark.parametrize(
    "draw",
    [
        lambda b: charts.nps_bar(segments(GROUPS[:3]), brand=b),
        lambda b: charts.touchpoint_grades(grades(NAMES[:5]), brand=b),
        lambda b: charts.driver_importance(importance(NAMES[:5]), brand=b),
        lambda b: charts.wave_change(waves(NAMES[:5]), brand=b),
        lambda b: charts.priority_matrix(matrix(NAMES[:5]), brand=b),
        lambda b: charts.matrix_movement(moved(matrix(NAMES[:5])), matrix(NAMES[:5]), brand=b),
        lambda b: charts.score_distribution(
            pd.DataFrame({"score": range(11), "share": [1 / 11] * 11,
                          "category": ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2})
            , brand=b),
    ],
)  # fmt: skip
def test_every_chart_takes_and_checks_brand(draw):
    draw("#E30613")
    with pytest.raises(ParameterError, match="colour"):
        draw("no-such-colour")


# --------------------------------------------------------------------------- explicit look


def test_charts_do_not_depend_on_global_rcparams():
    """The house look is set per chart: drawn inside the house style or a hostile one, or
    outside any style, a chart gives the same pixels."""

    def draw() -> bytes:
        ax = charts.touchpoint_grades(grades(NAMES[:8]), benchmark={"tp2": 7.5})
        png = _png(ax)
        plt.close(ax.figure)
        return png

    plain = draw()
    with charts.use_style():
        styled = draw()
    hostile = {"font.size": 6, "text.color": "red", "axes.labelcolor": "red",
               "xtick.major.size": 20, "axes.linewidth": 4, "lines.linewidth": 9,
               "figure.dpi": 40, "axes.labelpad": 30, "legend.fontsize": 5}  # fmt: skip
    with plt.rc_context(hostile):
        odd = draw()
    assert plain == styled == odd


def test_new_figure_is_slide_size_with_a_pyplot_manager():
    fig, ax = charts.new_figure()
    assert tuple(fig.get_size_inches()) == pytest.approx(charts.SLIDE_SIZE)
    assert plt.fignum_exists(fig.number)  # pyplot knows it: notebooks show it inline
    assert fig.get_layout_engine() is not None


# --------------------------------------------------------------------------- label engine


def test_label_engine_is_pure_geometry_without_overlaps():
    rng = np.random.default_rng(0)
    anchors = rng.uniform([100, 100], [900, 500], size=(30, 2))
    sizes = np.column_stack([rng.uniform(60, 220, 30), np.full(30, 18.0)])
    bounds = (0.0, 0.0, 1000.0, 600.0)
    placement = place_labels(anchors, sizes, bounds, unit=100 / 72)
    assert placement.centres.shape == (30, 2) and placement.leaders.shape == (30,)
    boxes = placement.boxes(sizes)
    for a in range(30):
        assert bounds[0] <= boxes[a, 0] and boxes[a, 2] <= bounds[2]
        assert bounds[1] <= boxes[a, 1] and boxes[a, 3] <= bounds[3]
        for b in range(a + 1, 30):
            apart = min(boxes[a, 2], boxes[b, 2]) <= max(boxes[a, 0], boxes[b, 0]) or min(
                boxes[a, 3], boxes[b, 3]
            ) <= max(boxes[a, 1], boxes[b, 1])
            assert apart, (a, b)
    again = place_labels(anchors, sizes, bounds, unit=100 / 72)
    np.testing.assert_array_equal(placement.centres, again.centres)  # deterministic


def test_label_engine_keeps_clear_of_obstacles_and_scales_with_the_unit():
    anchors = np.array([[50.0, 50.0]])
    sizes = np.array([[40.0, 10.0]])
    right_of = (55.0, 40.0, 200.0, 60.0)  # an obstacle where the label would go first
    placed = place_labels(anchors, sizes, (0, 0, 200, 100), obstacles=[right_of])
    box = placed.boxes(sizes)[0]
    assert (
        box[2] <= right_of[0]
        or box[0] >= right_of[2]
        or box[3] <= right_of[1]
        or (box[1] >= right_of[3])
    )
    # the same layout in a unit ten times as fine gives the same spot, ten times as far
    big = place_labels(anchors * 10, sizes * 10, (0, 0, 2000, 1000), unit=10.0,
                       obstacles=[tuple(np.multiply(right_of, 10))])  # fmt: skip
    np.testing.assert_allclose(big.centres, placed.centres * 10)
    assert place_labels(np.empty((0, 2)), np.empty((0, 2)), (0, 0, 1, 1)).centres.shape == (0, 2)

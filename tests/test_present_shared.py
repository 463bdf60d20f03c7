"""One engine, one wording, one registry: what the charts, the deck and the narration share.

- label placement: the deck's matrix uses :func:`drivers.present.charts.labels.place_labels`;
- quadrant probabilities: :func:`drivers.present._quadrants.probability_label`;
- the methods line: :func:`drivers.present.narrate.methods_note`;
- method names and measures: :data:`drivers.stats.methods.METHODS`.
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from pptx import Presentation  # noqa: E402

from drivers import charts, narrate  # noqa: E402
from drivers.errors import ParameterError  # noqa: E402
from drivers.present._format import text  # noqa: E402
from drivers.present._methods import method_name, sums_to_r2  # noqa: E402
from drivers.present._quadrants import own_probabilities, probability_label  # noqa: E402
from drivers.present.charts import labels as label_engine  # noqa: E402
from drivers.present.charts._base import _method_line  # noqa: E402
from drivers.present.deck import Deck  # noqa: E402
from drivers.present.deck import charts as deck_charts  # noqa: E402
from drivers.stats import methods  # noqa: E402

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
EMU = 914400

_NAMES = [
    "Klachtafhandeling", "Productkwaliteit", "Offerte", "Levering en logistiek",
    "Orderverwerking", "Webshop", "Accountmanager", "Prijs-kwaliteitverhouding",
    "Facturatie", "Klantenservice", "Montage", "Retourzending",
]  # fmt: skip


def twelve_point_matrix(*, probabilities: bool = True) -> SimpleNamespace:
    """Twelve touchpoints, several of them close together near the quadrant lines."""
    importance = np.array(
        [0.11, 0.095, 0.04, 0.072, 0.068, 0.03, 0.085, 0.09, 0.025, 0.07, 0.05, 0.045]
    )
    performance = np.array([6.9, 7.8, 7.1, 7.35, 7.4, 7.9, 7.0, 6.95, 7.5, 7.3, 7.45, 7.2])
    x_line, y_line = 7.3, 0.065
    quadrant = np.where(
        importance >= y_line,
        np.where(performance >= x_line, "maintain", "improve"),
        np.where(performance >= x_line, "overkill", "monitor"),
    )
    table = pd.DataFrame({
        "touchpoint": [f"tp{i}" for i in range(12)], "label": _NAMES,
        "importance": importance, "performance": performance, "quadrant": quadrant,
    })  # fmt: skip
    if probabilities:
        own = np.linspace(0.5, 1.0, 12)
        for q in ("improve", "maintain", "monitor", "overkill"):
            table[f"p_{q}"] = np.where(quadrant == q, own, (1 - own) / 3)
    return SimpleNamespace(
        table=table, x_line=x_line, y_line=y_line, x="mean", lang="nl", method="shapley",
        lines=("mean", "mean"), n=800,
    )  # fmt: skip


@pytest.fixture
def engine_calls(monkeypatch):
    """Every call of the shared label engine: (args, kwargs, placement)."""
    calls = []
    original = label_engine.place_labels

    def spy(*args, **kwargs):
        placement = original(*args, **kwargs)
        calls.append((args, kwargs, placement))
        return placement

    monkeypatch.setattr(label_engine, "place_labels", spy)
    return calls


def _overlaps(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


# --------------------------------------------------------------------------- 1. one engine


def test_deck_matrix_has_no_placement_engine_of_its_own():
    source = inspect.getsource(deck_charts)
    for name in ("_place_labels", "_POSITIONS", "_label_box", "_overlap", "_distance"):
        assert not hasattr(deck_charts, name), name
    assert "label_engine.place_labels(" in source


def test_deck_matrix_places_labels_with_the_shared_engine(engine_calls):
    deck = Deck(lang="nl")
    deck.add_matrix_chart(twelve_point_matrix())
    assert len(engine_calls) == 1
    args, kwargs, _ = engine_calls[0]
    assert len(args[0]) == 12 and kwargs["unit"] == 12700  # slide units: EMU per point


def test_twelve_point_deck_matrix_labels_do_not_overlap(engine_calls, tmp_path):
    deck = Deck(lang="nl")
    deck.add_matrix_chart(twelve_point_matrix())
    path = deck.save(tmp_path / "matrix.pptx")
    ((args, kwargs, placement),) = engine_calls
    anchors, sizes, bounds = args
    # the engine's boxes (EMU, y up): apart, inside the plot, clear of the corner names
    boxes = placement.boxes(sizes)
    for a in range(12):
        for b in range(a + 1, 12):
            assert not _overlaps(boxes[a], boxes[b]), (_NAMES[a], _NAMES[b])
    assert np.all(boxes[:, 0] >= bounds[0]) and np.all(boxes[:, 2] <= bounds[2])
    assert np.all(boxes[:, 1] >= bounds[1]) and np.all(boxes[:, 3] <= bounds[3])
    corners = kwargs["obstacles"]
    assert len(corners) == 4
    assert not any(_overlaps(box, corner) for box in boxes for corner in corners)
    # read back from the chart XML: each label centred on its point ("ctr") and moved by
    # its manual layout to the engine's centre
    prs = Presentation(str(path))
    frame = next(s for s in prs.slides[0].shapes if s.has_chart)
    width, height = frame.width / EMU, frame.height / EMU
    centres = []
    for i, series in enumerate(frame.chart.plots[0].series):
        dlbl = series._element.find(f"{C}dLbls/{C}dLbl")
        assert dlbl.find(f"{C}dLblPos").get("val") == "ctr"
        manual = dlbl.find(f"{C}layout/{C}manualLayout")
        dx, dy = float(manual.find(f"{C}x").get("val")), float(manual.find(f"{C}y").get("val"))
        point = anchors[i] / EMU * np.array([1, -1])  # inches, y down
        centres.append(point + np.array([dx * width, dy * height]))
    engine = placement.centres / EMU * np.array([1, -1])
    np.testing.assert_allclose(centres, engine, atol=1e-3 * max(width, height))
    # the label texts of the XML, sized as the deck sizes them, do not overlap either
    texts = [s.points[0].data_label.text_frame.text for s in frame.chart.plots[0].series]
    read = []
    for centre, label in zip(centres, texts, strict=True):
        w, h = deck_charts._text_size(label, deck_charts.DATA_PT)
        read.append((centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2))
    assert not any(_overlaps(read[a], read[b]) for a in range(12) for b in range(a + 1, 12))


def test_thirty_point_deck_matrix_keeps_its_numbered_key(engine_calls):
    rng = np.random.default_rng(2)
    table = pd.DataFrame({
        "touchpoint": [f"tp{i}" for i in range(30)],
        "label": [f"Contactmoment {i}" for i in range(30)],
        "importance": rng.uniform(0.01, 0.06, 30), "performance": rng.normal(7.3, 0.3, 30),
    })  # fmt: skip
    x_line, y_line = 7.3, 0.035
    table["quadrant"] = np.where(
        table["importance"] >= y_line,
        np.where(table["performance"] >= x_line, "maintain", "improve"),
        np.where(table["performance"] >= x_line, "overkill", "monitor"),
    )
    matrix = SimpleNamespace(table=table, x_line=x_line, y_line=y_line, x="mean", method="beta")
    slide = Deck(lang="nl").add_matrix_chart(matrix)
    chart = next(s for s in slide.shapes if s.has_chart).chart
    labels = [s.points[0].data_label.text_frame.text for s in chart.plots[0].series]
    assert sorted(int(x) for x in labels) == list(range(1, 31))
    assert any(s.name.startswith("Matrix key") for s in slide.shapes)
    ((args, _, placement),) = engine_calls
    boxes = placement.boxes(args[1])
    assert not any(_overlaps(boxes[a], boxes[b]) for a in range(30) for b in range(a + 1, 30))


# --------------------------------------------------------------------------- 2. one wording


def test_probability_label_words():
    assert probability_label("Offerte", 0.38, "nl") == "Offerte (38%)"
    assert probability_label("Offerte", 0.38, "en") == "Offerte (38%)"
    assert probability_label("Offerte", 0.97, "nl", below=0.95) == "Offerte"
    assert probability_label("Offerte", 0.94, "nl", below=0.95) == "Offerte (94%)"
    assert probability_label("Offerte", float("nan"), "nl") == "Offerte"
    assert probability_label("Offerte", None, "nl") == "Offerte"
    assert probability_label("Offerte", 0.38, "nl", wrap=True) == "Offerte\n(38%)"
    table = twelve_point_matrix().table
    own = own_probabilities(table)
    assert own is not None and np.allclose(own, np.linspace(0.5, 1.0, 12))
    assert own_probabilities(twelve_point_matrix(probabilities=False).table) is None


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_chart_deck_and_narration_word_probabilities_alike(lang):
    matrix = twelve_point_matrix()
    table = matrix.table
    own = own_probabilities(table)
    expected = [probability_label(n, p, lang) for n, p in zip(_NAMES, own, strict=True)]
    # the matplotlib chart: every label with its probability
    ax = charts.priority_matrix(table, x_line=matrix.x_line, y_line=matrix.y_line, lang=lang)
    shown = {t.get_text() for t in ax.texts}
    assert set(expected) <= shown
    plt.close(ax.figure)
    # the deck: only the uncertain ones (below 95%), the same words
    slide = Deck(lang=lang).add_matrix_chart(matrix)
    chart = next(s for s in slide.shapes if s.has_chart).chart
    deck_labels = [
        s.points[0].data_label.text_frame.text.replace("\n", " ") for s in chart.plots[0].series
    ]
    assert deck_labels == [
        probability_label(n, p, lang, below=0.95) for n, p in zip(_NAMES, own, strict=True)
    ]
    # the narration
    story = narrate.narrate_matrix(matrix, lang=lang)
    for words in expected:
        assert words in story


# --------------------------------------------------------------------------- 3. one methods line


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_deck_driver_footnote_is_the_methods_note(lang):
    table = pd.DataFrame({
        "driver": ["a", "b"], "label": ["Alpha", "Beta"], "importance": [0.2, 0.1],
        "share": [0.6, 0.3], "share_ci_low": [0.5, 0.2], "share_ci_high": [0.7, 0.4],
        "rank": [1, 2],
    })  # fmt: skip
    result = SimpleNamespace(
        table=table, n=800, method="shapley", r2=0.33, weighted=True, missing="pairwise",
        draws=np.zeros((200, 2)),
    )  # fmt: skip
    slide = Deck(lang=lang).add_driver_chart(result)
    note = narrate.methods_note(
        n=800, method="shapley", r2=0.33, weighted=True, missing="pairwise", bootstrap=200,
        lang=lang,
    )  # fmt: skip
    shown = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert note in shown
    assert text("method_shapley", lang) in note


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_deck_matrix_footnote_starts_with_the_methods_note(lang):
    matrix = twelve_point_matrix()
    result = SimpleNamespace(n=800, method="shapley", r2=0.4, weighted=False, missing="listwise")
    slide = Deck(lang=lang).add_matrix_chart(matrix, drivers_result=result)
    note = narrate.methods_note(
        n=800, method="shapley", r2=0.4, weighted=False, missing="listwise", bootstrap=0,
        lang=lang,
    )  # fmt: skip
    shown = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert note + " · " + text("lines", lang, how=text("line_mean", lang)) in shown
    assert text("probability", lang) in shown


def test_methods_note_leaves_out_what_it_is_not_given():
    line = narrate.methods_note(
        n=None, method="beta", r2=None, weighted=None, missing=None, bootstrap=None, lang="en"
    )
    assert line == text("method_beta", "en")
    with pytest.raises(ParameterError, match="method"):
        narrate.methods_note(
            n=1, method="lmg", r2=None, weighted=None, missing=None, bootstrap=None
        )


# --------------------------------------------------------------------------- 4. the registry


def test_method_names_and_measures_come_from_the_registry():
    for key, record in methods.METHODS.items():
        for lang in ("nl", "en"):
            assert method_name(key, lang) == text(record.label_key, lang)
        assert sums_to_r2(key) == (record.measure == "r2_part")
    assert method_name("made_up", "nl") == "made_up"
    assert not sums_to_r2(None)


@pytest.fixture
def fake_method(monkeypatch):
    """A new method record, with the label of an existing catalog entry."""
    record = methods.Method("fake", "method_forest", "r2_part")
    monkeypatch.setattr(methods, "METHODS", {**methods.METHODS, "fake": record})
    return record


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_new_registry_record_shows_everywhere(fake_method, lang):
    label = text(fake_method.label_key, lang)
    assert methods.method("fake") is fake_method
    # narration: the methods line
    assert label in narrate.methods_note(
        n=500, method="fake", r2=0.3, weighted=False, missing="listwise", bootstrap=0, lang=lang
    )
    # charts: the default subtitle
    assert label in _method_line(SimpleNamespace(method="fake", r2=0.3, n=500), lang)
    # deck: the footnote names it, and its importances are parts of R² (percent labels)
    table = pd.DataFrame({
        "driver": ["a", "b"], "label": ["Alpha", "Beta"], "importance": [0.2, 0.1],
        "rank": [1, 2],
    })  # fmt: skip
    result = SimpleNamespace(table=table, n=500, method="fake", r2=0.3, weighted=False,
                             missing="listwise", draws=None)  # fmt: skip
    slide = Deck(lang=lang).add_driver_chart(result, value="importance")
    shown = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert label in shown
    chart = next(s for s in slide.shapes if s.has_chart).chart
    values = [p.data_label.text_frame.text for p in chart.plots[0].series[0].points]
    assert values == ["20%", "10%"]
    # narration of the drivers: shares of the explained variance
    table["share"] = [0.6, 0.3]
    story = narrate.narrate_drivers(result, lang=lang)
    assert text("narrate_drivers_what_explained", lang) in story

"""Tests of drivers.stats.matrix: quadrants on hand-made tables (ties included), probabilities."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import ColumnNotFoundError, ParameterError, SmallBaseWarning
from drivers.stats.matrix import QUADRANTS, PriorityMatrix, priority_matrix, quadrant_label


def result(importance, drivers=None, *, draws=None, columns=None, ci=False, **extra):
    """A DriverResult-like object from a list of importances."""
    drivers = drivers or [f"t{i}" for i in range(len(importance))]
    table = pd.DataFrame(
        {
            "driver": drivers,
            "label": [d.upper() for d in drivers],
            "importance": importance,
            "share": np.asarray(importance) / np.sum(importance),
            "rank": pd.Series(importance).rank(ascending=False, method="min").astype(int),
            "n": 100,
        }
    )
    if ci:
        table["ci_low"] = np.asarray(importance) - 0.01
        table["ci_high"] = np.asarray(importance) + 0.01
    for key, value in extra.items():
        table[key] = value
    return SimpleNamespace(
        table=table,
        draws=draws,
        columns=tuple(columns or drivers),
        method="shapley",
        n=100,
        r2=float(np.sum(importance)),
    )


def quadrants(matrix: PriorityMatrix) -> dict[str, str]:
    return dict(zip(matrix.table["touchpoint"], matrix.table["quadrant"], strict=True))


# --------------------------------------------------------------------------- quadrants


def test_each_quadrant_with_given_lines():
    res = result([0.30, 0.20, 0.05, 0.04], ["a", "b", "c", "d"])
    m = priority_matrix(res, {"a": 6.6, "b": 8.1, "c": 6.0, "d": 8.4}, lines=(7.2, 0.1))
    assert quadrants(m) == {"a": "improve", "b": "maintain", "c": "monitor", "d": "overkill"}
    assert m.x_line == 7.2 and m.y_line == 0.1
    assert m.lines == ("value", "value")
    assert m.table["quadrant_label"].tolist() == [
        "Eerst verbeteren",
        "Behouden",
        "Volgen",
        "Mogelijk overkill",
    ]


def test_mean_lines_are_means_of_plotted_values():
    res = result([0.4, 0.1, 0.3, 0.2], ["a", "b", "c", "d"])
    perf = {"a": 6.0, "b": 9.0, "c": 8.0, "d": 7.0}
    m = priority_matrix(res, perf)
    assert m.x_line == pytest.approx(7.5)
    assert m.y_line == pytest.approx(0.25)
    assert quadrants(m) == {"a": "improve", "c": "maintain", "d": "monitor", "b": "overkill"}


def test_point_on_mean_lines_counts_as_important_and_high():
    # 0.1, 0.2, 0.3: the mean is 0.2 up to round-off; 7, 8, 9: the mean is exactly 8
    res = result([0.1, 0.2, 0.3], ["low", "mid", "high"])
    m = priority_matrix(res, {"low": 9.0, "mid": 8.0, "high": 7.0})
    assert quadrants(m)["mid"] == "maintain"
    assert quadrants(m) == {"low": "overkill", "mid": "maintain", "high": "improve"}


def test_point_on_given_lines():
    res = result([0.05, 0.05, 0.049, 0.2], ["on_both", "on_y_low_x", "below_y", "top"])
    perf = {"on_both": 7.2, "on_y_low_x": 7.1999, "below_y": 7.2, "top": 9.0}
    m = priority_matrix(res, perf, lines=(7.2, 0.05))
    assert quadrants(m) == {
        "on_both": "maintain",  # on both lines: important and high
        "on_y_low_x": "improve",  # on the y line, just left of the x line
        "below_y": "overkill",  # on the x line, just below the y line
        "top": "maintain",
    }


def test_tie_tolerance_absorbs_round_off_only():
    line = 0.1 + 0.2  # 0.30000000000000004
    res = result([0.3, 0.3 - 1e-6, 0.5], ["a", "b", "c"])
    m = priority_matrix(res, {"a": 5.0, "b": 5.0, "c": 5.0}, lines=(5.0, line))
    assert quadrants(m) == {"a": "maintain", "b": "overkill", "c": "maintain"}


def test_median_lines_and_mixed_dict():
    res = result([0.1, 0.2, 0.3, 0.9], ["a", "b", "c", "d"])
    perf = {"a": 6.0, "b": 7.0, "c": 8.0, "d": 10.0}
    m = priority_matrix(res, perf, lines="median")
    assert m.y_line == pytest.approx(0.25) and m.x_line == pytest.approx(7.5)
    mixed = priority_matrix(res, perf, lines={"x": 7.0})  # y defaults to the mean
    assert mixed.x_line == 7.0 and mixed.y_line == pytest.approx(0.375)
    assert mixed.lines == ("value", "mean")
    assert quadrants(mixed) == {"a": "monitor", "b": "overkill", "c": "overkill", "d": "maintain"}
    tupled = priority_matrix(res, perf, lines=("median", 0.2))
    assert tupled.x_line == pytest.approx(7.5) and tupled.y_line == 0.2


def test_performance_table_top_box_and_labels():
    res = result([0.3, 0.1], ["a", "b"])
    perf = pd.DataFrame(
        {
            "touchpoint": ["b", "a", "extra"],
            "label": ["Bee", "Aa", "X"],
            "mean": [8.0, 6.5, 7.0],
            "ci_low": [7.8, 6.2, 6.8],
            "ci_high": [8.2, 6.8, 7.2],
            "top_box": [0.7, 0.2, 0.5],
            "n": [200, 150, 100],
        }
    )
    m = priority_matrix(res, perf, x="top_box")
    assert m.x == "top_box"
    assert m.table.set_index("touchpoint")["performance"].to_dict() == {"a": 0.2, "b": 0.7}
    assert quadrants(m) == {"a": "improve", "b": "overkill"}
    se_a = np.sqrt(0.2 * 0.8 / 150)
    low = m.table.set_index("touchpoint").loc["a", "performance_ci_low"]
    assert low == pytest.approx(0.2 - 1.959964 * se_a, rel=1e-5)
    by_mean = priority_matrix(res, perf)  # CI columns taken from the table as they are
    assert by_mean.table.set_index("touchpoint").loc["a", "performance_ci_high"] == 6.8


def test_driver_labels_and_relabel():
    res = result([0.3, 0.1], ["a", "b"])
    m = priority_matrix(res, pd.Series({"a": 6.0, "b": 8.0}), lang="en")
    assert m.table["label"].tolist() == ["A", "B"]
    assert m.table["quadrant_label"].tolist() == ["Improve first", "Possible overkill"]
    nl = m.relabel("nl")
    assert nl.lang == "nl" and nl.table["quadrant_label"].tolist()[0] == "Eerst verbeteren"
    assert m.axis_label("x") == "Performance (mean grade)"
    assert quadrant_label("monitor", "nl") == "Volgen"
    assert m.touchpoints("improve") == ["a"]


def test_labels_equal_to_keys_do_not_override_display_labels():
    # key_drivers on a bare DataFrame labels each driver with its key
    keys = ["prijs_kwaliteit", "levering", "webshop"]
    res = result([0.3, 0.2, 0.1], keys)
    res.table["label"] = keys
    perf = pd.DataFrame(
        {
            "touchpoint": keys,
            "label": ["Prijs-kwaliteitverhouding", "Levering", np.nan],
            "mean": [6.9, 7.4, 7.2],
        }
    )
    m = priority_matrix(res, perf)
    labels = m.table.set_index("touchpoint")["label"].to_dict()
    assert labels == {
        "prijs_kwaliteit": "Prijs-kwaliteitverhouding",  # performance table, not the key
        "levering": "Levering",
        "webshop": "webshop",  # no label anywhere: the key
    }
    # a real label from the driver result comes first
    res.table["label"] = ["Prijs/kwaliteit", "levering", "webshop"]
    m = priority_matrix(res, perf)
    assert m.table.set_index("touchpoint")["label"]["prijs_kwaliteit"] == "Prijs/kwaliteit"
    assert m.table.set_index("touchpoint")["label"]["levering"] == "Levering"


def test_label_order_with_a_survey_spec():
    spec = SimpleNamespace(
        label=lambda key, lang: {"nl": {"a": "Aa-nl", "b": "Bee-nl"},
                                 "en": {"a": "Aa-en", "b": "Bee-en"}}[lang].get(key, key)
    )  # fmt: skip
    survey = SimpleNamespace(spec=spec)
    keys = ["a", "b", "c"]
    res = result([0.3, 0.2, 0.1], keys)
    res.table["label"] = ["a", "Bee-nl", "c"]  # a: the key; b: the spec's own Dutch label
    perf = pd.Series({"a": 6.0, "b": 8.0, "c": 7.0})
    m = priority_matrix(res, perf, survey=survey, lang="en")
    assert m.table.set_index("touchpoint")["label"].to_dict() == {
        "a": "Aa-en",  # the spec, not the key
        "b": "Bee-en",  # a spec label follows the spec into English
        "c": "c",
    }
    assert m.relabel("nl").table.set_index("touchpoint")["label"]["b"] == "Bee-nl"
    res.table["label"] = ["a", "Our own wording", "c"]  # a real label beats the spec
    m = priority_matrix(res, perf, survey=survey, lang="en")
    assert m.table.set_index("touchpoint")["label"]["b"] == "Our own wording"


def test_wave_name_from_argument_or_single_wave_survey():
    res = result([0.3, 0.1], ["a", "b"])
    perf = {"a": 6.0, "b": 8.0}
    assert priority_matrix(res, perf).wave is None
    assert priority_matrix(res, perf, wave=2024).wave == "2024"
    one = SimpleNamespace(spec=None, waves=["2023"])
    assert priority_matrix(res, perf, survey=one).wave == "2023"
    both = SimpleNamespace(spec=None, waves=["2023", "2024"])
    assert priority_matrix(res, perf, survey=both).wave is None
    assert priority_matrix(res, perf, survey=one, lang="en").relabel("nl").wave == "2023"


def test_indicator_rows_are_not_touchpoints():
    res = result(
        [0.3, 0.1, 0.2],
        ["a", "b", "a_answered"],
        indicator=[False, False, True],
    )
    m = priority_matrix(res, {"a": 6.0, "b": 8.0})
    assert m.table["touchpoint"].tolist() == ["a", "b"]
    assert m.y_line == pytest.approx(0.2)


# --------------------------------------------------------------------------- probabilities


def test_probabilities_sum_to_one_and_follow_draws():
    rng = np.random.default_rng(1)
    importance = np.array([0.30, 0.12, 0.10, 0.02])
    draws = importance + rng.normal(0, 0.03, size=(500, 4))
    res = result(importance, ["a", "b", "c", "d"], draws=draws, ci=True)
    m = priority_matrix(res, {"a": 6.0, "b": 8.0, "c": 7.0, "d": 9.0})
    p = m.table[[f"p_{q}" for q in QUADRANTS]].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert m.n_draws == 500 and m.has_probabilities
    row = m.table.set_index("touchpoint")
    assert row.loc["a", "p_improve"] > 0.95  # far from both lines
    assert 0.05 < row.loc["c", "p_improve"] < 0.95  # near the y line: uncertain
    assert {"importance_ci_low", "importance_ci_high"} <= set(m.table.columns)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    p=st.integers(2, 8),
    lines=st.sampled_from(["mean", "median", (7.0, 0.1), ("median", 0.1), (7.5, "mean")]),
)
def test_probabilities_property(seed, p, lines):
    rng = np.random.default_rng(seed)
    importance = rng.uniform(0, 0.2, p)
    keys = [f"k{i}" for i in range(p)]
    perf = pd.DataFrame(
        {"touchpoint": keys, "mean": rng.uniform(5, 9, p), "ci_low": 0.0, "ci_high": 0.0}
    )
    perf["ci_low"], perf["ci_high"] = perf["mean"] - 0.3, perf["mean"] + 0.3
    draws = importance + rng.normal(0, 0.03, (50, p))
    m = priority_matrix(result(importance, keys, draws=draws), perf, lines=lines, seed=seed)
    probabilities = m.table[[f"p_{q}" for q in QUADRANTS]].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    important = m.table["importance"] >= m.y_line
    high = m.table["performance"] >= m.x_line
    expected = np.select(
        [important & ~high, important & high, ~important & ~high], list(QUADRANTS[:3]), "overkill"
    )
    assert m.table["quadrant"].tolist() == expected.tolist()


def test_constant_draws_give_certainty():
    importance = np.array([0.3, 0.1, 0.2])
    res = result(importance, ["a", "b", "c"], draws=np.tile(importance, (40, 1)))
    m = priority_matrix(res, {"a": 6.0, "b": 8.0, "c": 9.0})
    for _, row in m.table.iterrows():
        assert row[f"p_{row['quadrant']}"] == 1.0


def test_draws_follow_result_columns_order():
    # the table is sorted by rank, the draws are in input (columns) order
    importance = {"a": 0.1, "b": 0.5}
    draws = np.tile([importance["a"], importance["b"]], (20, 1))
    res = result([0.5, 0.1], ["b", "a"], draws=draws, columns=["a", "b"])
    m = priority_matrix(res, {"a": 9.0, "b": 6.0})
    row = m.table.set_index("touchpoint")
    assert row.loc["b", "p_improve"] == 1.0 and row.loc["a", "p_overkill"] == 1.0


def test_fixed_lines_and_performance_uncertainty():
    importance = np.array([0.3, 0.1])
    res = result(importance, ["a", "b"], draws=np.tile(importance, (400, 1)))
    perf = pd.DataFrame(
        {"touchpoint": ["a", "b"], "mean": [7.2, 8.0], "ci_low": [6.8, 7.9], "ci_high": [7.6, 8.1]}
    )
    m = priority_matrix(res, perf, lines=(7.2, 0.2))
    row = m.table.set_index("touchpoint")
    assert row.loc["a", "quadrant"] == "maintain"  # on the line: high
    assert 0.3 < row.loc["a", "p_maintain"] < 0.7  # ... but only about half the time
    assert row.loc["a", "p_maintain"] + row.loc["a", "p_improve"] == pytest.approx(1.0)
    again = priority_matrix(res, perf, lines=(7.2, 0.2))
    pd.testing.assert_frame_equal(m.table, again.table)  # seeded
    fixed = priority_matrix(res, perf, lines=(7.2, 0.2), performance_uncertainty=False)
    assert fixed.table.set_index("touchpoint").loc["a", "p_maintain"] == 1.0


def test_nan_draws_are_dropped():
    draws = np.array([[0.3, 0.1], [np.nan, 0.1], [0.3, 0.1]])
    res = result([0.3, 0.1], ["a", "b"], draws=draws)
    m = priority_matrix(res, {"a": 6.0, "b": 8.0})
    assert m.n_draws == 2


# --------------------------------------------------------------------------- errors


def test_errors():
    res = result([0.3, 0.1], ["klachtafhandeling", "b"])
    with pytest.raises(ColumnNotFoundError, match="klachtafhandling"):
        priority_matrix(res, {"klachtafhandling": 6.0, "b": 8.0})
    with pytest.raises(ParameterError, match="'x' parameter of priority_matrix"):
        priority_matrix(res, {"klachtafhandeling": 6.0, "b": 8.0}, x="median")
    with pytest.raises(ParameterError, match="lines"):
        priority_matrix(res, {"klachtafhandeling": 6.0, "b": 8.0}, lines="mode")
    with pytest.raises(ParameterError, match="lines"):
        priority_matrix(res, {"klachtafhandeling": 6.0, "b": 8.0}, lines=(1, 2, 3))
    with pytest.raises(ParameterError, match="survey="):
        priority_matrix(res)
    with pytest.raises(ParameterError, match="DriverResult"):
        priority_matrix(pd.DataFrame(), {"a": 1.0})
    with pytest.raises(ColumnNotFoundError, match="top_box"):
        priority_matrix(res, pd.DataFrame({"touchpoint": ["b"], "mean": [1.0]}), x="top_box")


def test_suppressed_performance_is_left_out_with_a_warning():
    res = result([0.3, 0.1, 0.2], ["a", "b", "c"])
    with pytest.warns(SmallBaseWarning, match="'c'"):
        m = priority_matrix(res, {"a": 6.0, "b": 8.0, "c": np.nan})
    assert m.table["touchpoint"].tolist() == ["a", "b"]


def test_summary_and_html():
    res = result([0.3, 0.1], ["a", "b"], draws=np.tile([0.3, 0.1], (10, 1)))
    m = priority_matrix(res, {"a": 6.0, "b": 8.0})
    assert "Eerst verbeteren" in m.summary() and "bootstrap draws: 10" in str(m)
    assert "<table" in m._repr_html_() and "Prioriteitenmatrix" in m._repr_html_()


# --------------------------------------------------------------------------- with the package


@pytest.fixture(scope="module")
def demo_survey():
    import drivers.workflow.demo as demo

    return demo.load(2024)


def test_with_key_drivers_on_demo(demo_survey):
    import drivers.stats.importance as importance

    everyone = [
        k for k in demo_survey.spec.touchpoint_keys if k not in ("klachtafhandeling", "webshop")
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = importance.key_drivers(demo_survey, drivers=everyone, bootstrap=30, progress=False)
    m = priority_matrix(res, survey=demo_survey, lang="en")
    assert set(m.table["touchpoint"]) == set(everyone)
    assert m.table["label"].str.contains("Product quality").any()
    np.testing.assert_allclose(m.table[[f"p_{q}" for q in QUADRANTS]].sum(axis=1), 1.0)
    assert m.y_line == pytest.approx(res.table["importance"].mean())
    assert m.relabel("nl").table["label"].str.contains("Productkwaliteit").any()


def test_plot_uses_charts(demo_survey):
    import drivers.present.charts  # noqa: F401

    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = result([0.3, 0.1, 0.2], ["productkwaliteit", "offerte", "levering"])
    m = priority_matrix(res, survey=demo_survey)
    fig, ax = plt.subplots()
    assert m.plot(ax=ax, lang="en") is ax
    plt.close(fig)

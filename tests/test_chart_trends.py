"""Charts across every wave: grade trend (small multiples) and importance per wave."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from drivers.errors import ParameterError
from drivers.present import charts


def _trend(touchpoints=4, waves=("2022", "2023", "2024")):
    rows = []
    for w, wave in enumerate(waves):
        for i in range(touchpoints):
            mean = 6.0 + 0.25 * i + 0.1 * w
            if i == 1 and wave == waves[0]:  # added to the questionnaire later
                mean = np.nan
            rows.append(
                {"wave": wave, "touchpoint": f"t{i}", "label": f"Punt {i}", "mean": mean,
                 "ci_low": mean - 0.2, "ci_high": mean + 0.2, "n": 100}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_grade_trend_draws_gaps_not_zeros_and_dutch_commas():
    fig = charts.grade_trend(_trend(), lang="nl")
    assert tuple(fig.get_size_inches()) == pytest.approx(charts.SLIDE_SIZE)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in panels] == ["Punt 0", "Punt 1", "Punt 2", "Punt 3"]
    line = panels[1].get_lines()[0].get_ydata()
    assert np.isnan(line[0]) and line[1] == pytest.approx(6.35)  # a gap, never 0
    assert [t.get_text() for t in panels[1].texts] == ["6,3", "6,5", "–"]
    assert [t.get_text() for t in panels[0].get_xticklabels()] == ["2022", "2023", "2024"]
    ticks = [t.get_text() for t in panels[0].get_yticklabels()]
    assert not [t for t in _texts(fig) + ticks if re.search(r"\d\.\d", t)]
    assert fig._suptitle.get_text() == "Rapportcijfers per meting"
    assert "–: niet gevraagd in die meting" in fig._supxlabel.get_text()
    plt.close(fig)


def test_grade_trend_splits_thirty_touchpoints_over_three_charts():
    table = _trend(touchpoints=30)
    pages = charts.trend_pages(table)
    assert [len(p) for p in pages] == [10, 10, 10]
    assert sum(pages, []) == [f"t{i}" for i in range(30)]
    fig = charts.grade_trend(table, touchpoints=pages[1], lang="en")
    shown = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert shown == [f"Punt {i}" for i in range(10, 20)]
    assert "Touchpoints 11–20 of 30." in fig._supxlabel.get_text()
    plt.close(fig)
    with pytest.raises(ParameterError, match="trend_pages"):
        charts.grade_trend(table, lang="en")
    with pytest.raises(ParameterError, match="'t99' not in the table"):
        charts.grade_trend(table, touchpoints=["t99"])


def _importance():
    rows = []
    for wave, shares, ci in (
        ("2022", {"a": 0.5, "b": 0.5}, False),
        ("2023", {"a": 0.4, "b": 0.35, "c": 0.25}, True),
        ("2024", {"a": 0.2, "b": 0.3, "c": 0.5}, True),
    ):
        for key, share in shares.items():
            rows.append(
                {"wave": wave, "driver": key, "label": key.upper(), "share": share,
                 "share_ci_low": share - 0.05 if ci else np.nan,
                 "share_ci_high": share + 0.05 if ci else np.nan}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_importance_waves_one_panel_per_wave_in_the_latest_order():
    fig = charts.importance_waves(_importance(), lang="nl")
    panels = fig.axes
    assert [ax.get_title(loc="left") for ax in panels] == ["2022", "2023", "2024"]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == ["C", "B", "A"]
    widths = [[p.get_width() for p in ax.patches] for ax in panels]
    assert widths[2] == pytest.approx([50, 30, 20]) and len(widths[0]) == 2  # c: a gap
    assert [t.get_text() for t in panels[0].texts] == ["–", "50%", "50%"]
    assert len(panels[0].collections) == 0 and len(panels[2].collections) == 1  # whiskers
    note = fig._supxlabel.get_text()
    assert "95%-bootstrapinterval (2023, 2024)" in note
    assert "2022: puntschatting, zonder bootstrap" in note
    plt.close(fig)
    fig = charts.importance_waves(_importance(), lang="en", max_waves=2)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["2023", "2024"]
    assert "Shown: the latest 2 of 3 waves." in fig._supxlabel.get_text()
    plt.close(fig)

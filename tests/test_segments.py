"""compare_segments: importance per segment against the rest, BH-corrected, privacy floor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from drivers import demo
from drivers.errors import ParameterError
from drivers.stats.segments import compare_segments

COLUMNS = [
    "segment", "group", "driver", "share", "ci_low", "ci_high", "share_rest", "difference",
    "p_value", "p_adjusted", "significant",
]  # fmt: skip


def segmented(seed: int = 0) -> pd.DataFrame:
    """'price' drives recommendation in wholesale only; 'service' everywhere."""
    rng = np.random.default_rng(seed)
    sector = rng.choice(["wholesale", "industry", "retail"], 900)
    sector[:20] = "care"  # between the privacy floor and min_n
    sector[20:23] = "mining"  # below the privacy floor
    service, price, web = np.clip(np.round(7 + rng.normal(0, 1.5, (3, 900))), 1, 10)
    price_effect = np.where(sector == "wholesale", 0.7, 0.0)
    ltr = 7 + 0.5 * (service - 7) + price_effect * (price - 7) + 0.1 * (web - 7)
    return pd.DataFrame(
        {
            "service": service,
            "price": price,
            "web": web,
            "ltr": np.clip(np.round(ltr + rng.normal(0, 1.2, 900)), 0, 10),
            "sector": sector,
        }
    )


def test_a_segment_specific_driver_is_found_and_corrected_for_multiplicity():
    frame = segmented()
    seg = compare_segments(
        frame, "sector", outcome="ltr", drivers=["service", "price", "web"], bootstrap=200
    )
    table = seg.table
    assert list(table.columns[: len(COLUMNS)]) == COLUMNS
    assert set(table["group"]) == {"wholesale", "industry", "retail"}
    assert seg.not_analysed == (("sector", "care"),)
    assert "mining" not in seg.summary() and "mining" not in table.to_string()
    row = table.set_index(["group", "driver"]).loc[("wholesale", "price")]
    assert row["difference"] > 0 and row["significant"]
    np.testing.assert_allclose(
        table["p_adjusted"], multipletests(table["p_value"], method="fdr_bh")[1]
    )
    assert (table["ci_low"] <= table["ci_high"]).all()
    np.testing.assert_allclose(table["difference"], table["share"] - table["share_rest"])
    assert (table["n"] >= 30).all()


def test_no_difference_in_the_population_gives_no_significant_segment():
    frame = segmented(seed=4)
    frame["sector"] = np.random.default_rng(9).choice(["a", "b", "c"], len(frame))
    seg = compare_segments(
        frame, "sector", outcome="ltr", drivers=["service", "price", "web"], bootstrap=200
    )
    assert not seg.table["significant"].any()
    assert (seg.table["p_adjusted"] >= seg.table["p_value"]).all()


def test_survey_input_and_option_checks():
    survey = demo.load(2024)
    seg = compare_segments(survey, "sector", bootstrap=20, min_n=150)
    assert set(seg.table["group"]) == {"bouw", "industrie", "retail"}
    assert set(seg.not_analysed) == {("sector", "horeca"), ("sector", "zorg")}
    assert seg.table["driver"].nunique() == len(survey.spec.touchpoint_keys)
    with pytest.raises(ParameterError, match="bootstrap"):
        compare_segments(survey, "sector", bootstrap=0)
    with pytest.raises(ParameterError, match="by"):
        compare_segments(survey, 3)


def test_a_large_wave_is_compared_on_a_seeded_subset():
    """max_rows: the groups are compared on a seeded random subset; the result says so."""
    import matplotlib.pyplot as plt

    from drivers import charts, demo

    survey = demo.load(2024)
    seg = compare_segments(
        survey, "sector", drivers=["levering", "klantenservice"], bootstrap=20, max_rows=400
    )
    again = compare_segments(
        survey, "sector", drivers=["levering", "klantenservice"], bootstrap=20, max_rows=400
    )
    assert seg.sampled_from == len(survey.data) and seg.rows == 400
    assert seg.table.drop_duplicates(["segment", "group"])["n"].sum() <= 400
    pd.testing.assert_frame_equal(seg.table, again.table)
    full = compare_segments(survey, "sector", drivers=["levering", "klantenservice"], bootstrap=20)
    assert full.sampled_from is None
    ax = charts.segment_importance(seg, lang="nl")
    notes = " ".join(t.get_text() for t in ax.figure.texts + ax.texts)
    plt.close(ax.figure)
    assert "Berekend op 400 willekeurige van de" in notes

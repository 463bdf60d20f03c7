"""Complementary suppression: no group below the privacy floor can be recovered from a
segment table, not even as the total minus the visible groups."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import ColumnNotFoundError, ParameterError
from drivers.stats.nps import nps_table, suppress_segments

NUMBERS = ["n", "n_eff", "promoters", "passives", "detractors", "nps", "ci_low", "ci_high"]


def segment_frame(sizes, scores, weights=None):
    groups = np.repeat([f"g{i}" for i in range(len(sizes))], sizes)
    frame = pd.DataFrame({"ltr": scores[: len(groups)], "seg": groups})
    if weights is not None:
        frame["w"] = weights[: len(groups)]
    return frame


def segments(frame, floor, lang="nl", weights=None):
    table = nps_table(
        frame, by="seg", outcome="ltr", weights=weights, privacy_floor=floor, lang=lang
    )
    return suppress_segments(table, by="seg", privacy_floor=floor, lang=lang)


def counts(frame, groups):
    """n, promoters and detractors (unweighted counts) of these groups, from the raw data."""
    part = frame.loc[frame["seg"].isin(groups), "ltr"].dropna()
    return len(part), int((part >= 9).sum()), int((part <= 6).sum())


@st.composite
def segment_tables(draw):
    sizes = draw(st.lists(st.integers(0, 25), min_size=1, max_size=7))
    sizes = [s for s in sizes if s] or [1]
    total = sum(sizes)
    scores = draw(
        st.lists(
            st.one_of(st.integers(0, 10).map(float), st.just(np.nan)),
            min_size=total,
            max_size=total,
        )
    )
    weighted = draw(st.booleans())
    weights = (
        draw(st.lists(st.sampled_from([0.5, 1.0, 1.5, 3.0]), min_size=total, max_size=total))
        if weighted
        else None
    )
    floor = draw(st.integers(3, 10))
    return sizes, np.array(scores, dtype=float), weights, floor


@given(segment_tables())
def test_nothing_of_a_suppressed_group_follows_from_the_total(case):
    sizes, scores, weights, floor = case
    frame = segment_frame(sizes, scores, weights)
    out = segments(frame, floor, weights=None if weights is None else "w")
    names = [f"g{i}" for i in range(len(sizes))]
    answered = {g: counts(frame, [g])[0] for g in names}
    small = [g for g in names if answered[g] < floor]
    total = out.iloc[0]
    rows = out.iloc[1:]
    shown = rows[~rows["suppressed"].astype(bool)]
    hidden = [g for g in names if g not in set(shown["group"])]
    merged = rows[rows["suppressed"].astype(bool)]

    # every small group is hidden; hidden groups appear as one row without numbers
    assert set(small) <= set(hidden)
    assert len(merged) == (1 if hidden else 0)
    if hidden:
        assert merged["group"].item() == f"overig (n < {floor})"
        assert merged[NUMBERS].isna().all(axis=None)
        assert set(rows["group"]) & set(hidden) == set()
    # the visible rows are the untouched numbers of nps_table
    plain = nps_table(
        frame,
        by="seg",
        outcome="ltr",
        weights=None if weights is None else "w",
        privacy_floor=floor,
        lang="nl",
    ).set_index("group")
    for _, row in shown.iterrows():
        assert row["n"] == plain.loc[row["group"], "n"] and row["n"] >= floor
        assert row["nps"] == pytest.approx(plain.loc[row["group"], "nps"])

    if not hidden or not np.isfinite(total["n"]):
        return  # nothing hidden, or the total itself is blank
    # the attack: total minus the visible rows
    residual_n = total["n"] - shown["n"].sum()
    truth = counts(frame, hidden)
    assert residual_n == truth[0]
    # what the residual gives is the merged group: at least two groups, at least the floor
    assert len(hidden) >= 2 and residual_n >= floor
    for g in small:
        own = counts(frame, [g])
        assert truth != own  # n, promoters, detractors of the group alone never follow
        assert own[0] < floor <= residual_n
    if weights is None:
        # unweighted, shares times n are counts: the residual counts are the merged ones
        promoters = total["promoters"] * total["n"] - (shown["promoters"] * shown["n"]).sum()
        detractors = total["detractors"] * total["n"] - (shown["detractors"] * shown["n"]).sum()
        assert round(promoters) == truth[1] and round(detractors) == truth[2]


@given(segment_tables())
def test_english_label_and_no_small_group_named(case):
    sizes, scores, weights, floor = case
    frame = segment_frame(sizes, scores, weights)
    out = segments(frame, floor, lang="en")
    assert out["group"].iloc[0] == "Total"
    if out["suppressed"].iloc[1:].any():
        assert out["group"].iloc[-1] == f"other (n < {floor})"
        assert out["seg"].iloc[-1] == f"other (n < {floor})"


def test_one_small_group_takes_the_next_smallest_with_it():
    frame = pd.DataFrame(
        {
            "ltr": [9] * 40 + [3] * 20 + [7] * 12 + [10] * 3,
            "seg": ["a"] * 40 + ["b"] * 20 + ["c"] * 12 + ["d"] * 3,
        }
    )
    out = segments(frame, 5)
    assert out["group"].tolist() == ["Totaal", "a", "b", "overig (n < 5)"]
    assert out["n"].tolist()[:3] == [75, 40, 20] and np.isnan(out["n"].iloc[3])
    assert out["suppressed"].tolist() == [False, False, False, True]
    assert out["small_base"].tolist() == [False, False, True, True]


def test_two_small_groups_that_together_reach_the_floor_are_enough():
    frame = pd.DataFrame({"ltr": [9] * 46, "seg": ["a"] * 40 + ["b"] * 3 + ["c"] * 3})
    out = segments(frame, 5)
    assert out["group"].tolist() == ["Totaal", "a", "overig (n < 5)"]


def test_two_small_groups_below_the_floor_together_take_a_third():
    frame = pd.DataFrame({"ltr": [9] * 52, "seg": ["a"] * 40 + ["b"] * 8 + ["c"] * 2 + ["d"] * 2})
    out = segments(frame, 5)
    assert out["group"].tolist() == ["Totaal", "a", "overig (n < 5)"]


def test_nothing_small_changes_nothing():
    frame = pd.DataFrame({"ltr": [9] * 40 + [3] * 20, "seg": ["a"] * 40 + ["b"] * 20})
    table = nps_table(frame, by="seg", outcome="ltr")
    out = suppress_segments(table, by="seg")
    pd.testing.assert_frame_equal(out, table.astype({"n": float}), check_dtype=False)


@pytest.mark.parametrize("floor", [0, 1, 2, -5, 2.5, True, "5", None])
def test_privacy_floor_below_three_is_refused(floor):
    frame = pd.DataFrame({"ltr": [9] * 40, "seg": ["a"] * 40})
    table = nps_table(frame, by="seg", outcome="ltr")
    with pytest.raises(ParameterError, match="'privacy_floor' parameter of suppress_segments"):
        suppress_segments(table, by="seg", privacy_floor=floor)


def test_wrong_tables_are_refused_clearly():
    frame = pd.DataFrame({"ltr": [9] * 40, "seg": ["a"] * 40})
    table = nps_table(frame, by="seg", outcome="ltr")
    with pytest.raises(ParameterError, match="first row of the table must be the total"):
        suppress_segments(table.iloc[1:], by="seg")
    with pytest.raises(ColumnNotFoundError):
        suppress_segments(table, by="region")
    with pytest.raises(ParameterError, match="DataFrame"):
        suppress_segments(table.to_dict(), by="seg")
    with pytest.raises(ParameterError, match="lang"):
        suppress_segments(table, by="seg", lang="de")

"""missing_sensitivity and importance between waves (compare_importance, importance_change)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from drivers.errors import ParameterError
from drivers.stats.importance import key_drivers
from drivers.stats.sensitivity import (
    compare_importance,
    importance_change,
    missing_sensitivity,
)


def wave(n: int, effects, seed: int, conditional: float | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    grades = np.clip(np.round(7 + rng.normal(0, 1.5, (n, len(effects)))), 1, 10)
    frame = pd.DataFrame(grades, columns=[f"tp{j}" for j in range(len(effects))])
    frame["ltr"] = np.clip(
        np.round(7 + (grades - 7) @ np.asarray(effects) + rng.normal(0, 1.2, n)), 0, 10
    )
    if conditional is not None:
        frame.loc[rng.random(n) > conditional, "tp3"] = np.nan
    return frame


DRIVERS = ["tp0", "tp1", "tp2", "tp3"]


def test_missing_sensitivity_is_tidy_and_says_whether_the_top_changes():
    frame = wave(600, [0.6, 0.4, 0.2, 0.5], seed=1, conditional=0.3)
    sens = missing_sensitivity(frame, outcome="ltr", drivers=DRIVERS)
    table = sens.table
    assert list(table.columns) == ["driver", "option", "rank", "importance", "share", "n"]
    assert set(table["option"]) == {"dummy", "pairwise", "listwise", "impute"}
    for _, part in table.groupby("option"):
        assert sorted(part["rank"]) == [1, 2, 3, 4]
    listwise = table.loc[table["option"] == "listwise", "n"].iloc[0]
    assert listwise < table.loc[table["option"] == "dummy", "n"].iloc[0]
    assert sens.top_differs == (len(set(sens.top.values())) > 1)
    assert sens.ranks().shape == (4, 4)
    assert "missing=" in sens.summary()
    logit = missing_sensitivity(frame, outcome="ltr", drivers=DRIVERS, method="beta")
    assert "pairwise" in logit.skipped and "pairwise" not in set(logit.table["option"])
    with pytest.raises(ParameterError, match="options"):
        missing_sensitivity(frame, outcome="ltr", drivers=DRIVERS, options=["drop"])


def test_same_top_when_nothing_is_missing():
    frame = wave(500, [0.6, 0.4, 0.2, 0.05], seed=2)
    sens = missing_sensitivity(frame, outcome="ltr", drivers=DRIVERS)
    assert not sens.top_differs
    assert len(set(sens.top.values())) == 1


def quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return key_drivers(*args, progress=False, **kwargs)


def test_compare_importance_finds_a_real_change_and_not_a_spurious_one():
    a = quiet(wave(800, [0.6, 0.3, 0.3, 0.0], 3), outcome="ltr", drivers=DRIVERS, bootstrap=300)
    same = quiet(
        wave(800, [0.6, 0.3, 0.3, 0.0], 4), outcome="ltr", drivers=DRIVERS, bootstrap=300, seed=1
    )
    moved = quiet(
        wave(800, [0.2, 0.3, 0.3, 0.6], 5), outcome="ltr", drivers=DRIVERS, bootstrap=300, seed=2
    )
    change = compare_importance(a, moved).set_index("driver")
    expected_cols = ["share_a", "share_b", "change", "ci_low", "ci_high", "p_value"]
    assert expected_cols == list(change.columns[:6])
    assert change.loc["tp3", "change"] > 0 and change.loc["tp3", "p_value"] < 0.01
    assert change.loc["tp0", "change"] < 0 and change.loc["tp0", "ci_high"] < 0
    np.testing.assert_allclose(change["change"], change["share_b"] - change["share_a"])
    steady = compare_importance(a, same)
    assert (steady["p_value"] > 0.01).all()
    assert ((steady["ci_low"] <= 0) & (steady["ci_high"] >= 0)).sum() >= 3
    with pytest.raises(ParameterError, match="bootstrap"):
        compare_importance(a, quiet(wave(200, [1, 0, 0, 0], 6), outcome="ltr", drivers=DRIVERS))


def test_importance_change_from_data_uses_independent_seeds():
    first = wave(400, [0.6, 0.3, 0.3, 0.0], 7)
    second = wave(400, [0.6, 0.3, 0.3, 0.0], 8)
    table = importance_change(first, second, outcome="ltr", drivers=DRIVERS, bootstrap=100)
    assert table["driver"].tolist()[0] == "tp0"
    assert table["p_value"].between(0, 1).all()
    assert (table["ci_low"] <= table["ci_high"]).all()

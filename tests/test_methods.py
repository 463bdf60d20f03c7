"""Tests of drivers.stats.methods: the registry of key-driver methods and its use."""

from __future__ import annotations

import dataclasses

import pytest

from drivers.errors import DriversError, ParameterError
from drivers.stats import importance, methods


def test_registry_lists_every_method_once_with_its_properties():
    assert list(methods.METHODS) == [
        "shapley",
        "relative_weights",
        "beta",
        "correlation",
        "logit",
        "forest",
        "penalty_reward",
    ]
    for key, record in methods.METHODS.items():
        assert record.key == key
        assert record.label_key == f"method_{key}"
        assert record.measure in methods.MEASURES
        assert record.bootstrap in methods.BOOTSTRAP_KINDS
        assert set(record.missing) <= set(methods.MISSING)
        assert record.pairwise == ("pairwise" in record.missing)
    assert methods.method("shapley").measure == "r2_part"
    assert methods.method("relative_weights").sums_to_r2
    assert methods.method("beta").measure == "beta"
    assert methods.method("correlation").measure == "r"
    assert methods.method("logit").measure == "ame"
    assert methods.method("forest").measure == "permutation"
    assert methods.method("penalty_reward").measure == "penalty_reward"


def test_records_are_frozen_and_unknown_keys_raise():
    with pytest.raises(dataclasses.FrozenInstanceError):
        methods.method("shapley").measure = "beta"
    with pytest.raises(ParameterError, match="Did you mean 'shapley'"):
        methods.method("shapely")
    with pytest.raises(DriversError):
        methods.Method("x", "method_x", "nonsense")


def test_label_keys_are_in_the_display_catalog():
    from drivers.present._format import text

    for record in methods.METHODS.values():
        for lang in ("nl", "en"):
            assert text(record.label_key, lang) != record.label_key


def test_importance_reads_the_registry():
    assert importance.METHODS == tuple(methods.METHODS)
    assert importance.MISSING == methods.MISSING
    pairwise = {k for k, m in methods.METHODS.items() if m.pairwise}
    assert set(importance._PAIRWISE_METHODS) == pairwise
    core = {k for k, m in methods.METHODS.items() if m.bootstrap == "core"}
    assert set(importance._CORE_METHODS) == core == set(importance._BATCH)
    assert set(importance._FITTERS) == set(methods.METHODS)


@pytest.mark.parametrize("key", [k for k, m in methods.METHODS.items() if not m.pairwise])
def test_pairwise_refused_where_the_registry_says_so(key):
    import pandas as pd

    frame = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3], "y": [1.0, 5, 7, 9]})
    with pytest.raises(ParameterError, match="missing='pairwise' works only"):
        importance.key_drivers(
            frame, outcome="y", drivers=["a", "b"], method=key, missing="pairwise"
        )

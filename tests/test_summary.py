"""Tests of the result objects of drivers.stats: frozen, identity equality, read-only
tables, and one summary mechanism (drivers.stats._summary)."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from drivers.stats._summary import Summarised
from drivers.stats.benchmark import BenchmarkComparison, compare_benchmark
from drivers.stats.importance import DriverResult, key_drivers
from drivers.stats.matrix import PriorityMatrix, priority_matrix
from drivers.stats.nps import NPSDifference, NPSResult, compare_nps, nps
from drivers.stats.simulate import SimulationResult, simulate


def frame(n=300, seed=1):
    rng = np.random.default_rng(seed)
    grades = np.clip(np.round(rng.normal(7, 1.5, (n, 3))), 1, 10)
    df = pd.DataFrame(grades, columns=["a", "b", "c"])
    ltr = 1.2 * (df.a - 7) + 0.6 * (df.b - 7) + rng.normal(7.5, 1.4, n)
    df["ltr"] = np.clip(np.round(ltr), 0, 10)
    return df


@pytest.fixture(scope="module")
def results():
    df = frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        drv = key_drivers(df, outcome="ltr", drivers=["a", "b", "c"], bootstrap=20, progress=False)
        matrix = priority_matrix(drv, df[["a", "b", "c"]].mean().to_dict())
        sim = simulate(df, outcome="ltr", drivers=["a", "b", "c"], changes={"a": 0.5}, bootstrap=0)
    return {
        NPSResult: nps(df["ltr"]),
        NPSDifference: compare_nps(df["ltr"][:150], df["ltr"][150:]),
        DriverResult: drv,
        PriorityMatrix: matrix,
        SimulationResult: sim,
        BenchmarkComparison: compare_benchmark(20),
    }


CLASSES = [NPSResult, NPSDifference, DriverResult, PriorityMatrix, SimulationResult]


@pytest.mark.parametrize("cls", [*CLASSES, BenchmarkComparison])
def test_frozen_identity_equality_and_one_summary_mechanism(results, cls):
    result = results[cls]
    assert isinstance(result, cls) and isinstance(result, Summarised)
    params = cls.__dataclass_params__
    assert params.frozen and not params.eq
    with pytest.raises(dataclasses.FrozenInstanceError):
        object.__getattribute__(result, "__setattr__")("n", 1)
    assert result == result and result != dataclasses.replace(result)
    text = result.summary()
    assert str(result) == text and text
    page = result._repr_html_()
    assert page.startswith("<div>") and page.endswith("</div>")
    assert repr(result).startswith(f"{cls.__name__}(") and "\n" not in repr(result)
    # no class writes its own rendering: the mixin's methods are the ones used
    for name in ("summary", "__str__", "__repr__", "_repr_html_"):
        assert getattr(cls, name) is getattr(Summarised, name), name


@pytest.mark.filterwarnings("ignore::pandas.errors.ChainedAssignmentError")
@pytest.mark.parametrize("cls", [DriverResult, PriorityMatrix, SimulationResult])
def test_tables_are_read_only(results, cls):
    result = results[cls]
    before = result.table.copy()
    column = before.columns[-1]
    table = result.table
    table.loc[0, column] = 12345
    table["extra"] = 1
    result.table.loc[0, column] = 12345
    result.table.iloc[0, 0] = "x"
    pd.testing.assert_frame_equal(result.table, before)
    assert "extra" not in result.table.columns


def test_frames_given_to_a_result_are_copied(results):
    drv = results[DriverResult]
    source = drv.table
    clone = dataclasses.replace(drv, table=source)
    source.loc[0, "importance"] = -1.0
    assert clone.table.loc[0, "importance"] != -1.0


def test_arrays_and_diagnostics_are_read_only(results):
    drv, sim = results[DriverResult], results[SimulationResult]
    with pytest.raises(ValueError, match="read-only"):
        drv.draws[0, 0] = 1.0
    vif = drv.diagnostics.vif
    vif.iloc[0] = -1
    assert drv.diagnostics.vif.iloc[0] != -1
    for name in ("changes", "coefficients"):
        before = getattr(sim, name)
        changed = getattr(sim, name)
        changed.iloc[0, -1] = 999.0
        pd.testing.assert_frame_equal(getattr(sim, name), before)


def test_summary_content_is_kept(results):
    assert results[NPSResult].summary().startswith("NPS ")
    assert "→" in str(results[NPSDifference])
    assert "Key drivers of 'ltr'" in str(results[DriverResult])
    assert "What-if simulation" in str(results[SimulationResult])
    assert "Assumptions:" in results[SimulationResult]._repr_html_()
    assert "Prioriteitenmatrix" in str(results[PriorityMatrix])
    assert "vs benchmark" in str(results[BenchmarkComparison])


def test_copies_and_pickles_stay_read_only(results):
    import copy
    import pickle

    drv = results[DriverResult]
    for clone in (pickle.loads(pickle.dumps(drv)), copy.deepcopy(drv)):
        pd.testing.assert_frame_equal(clone.table, drv.table)
        assert not clone.draws.flags.writeable
        assert repr(clone) == repr(drv)

"""One API across drivers.stats: the same meaning of data, outcome, drivers and weights in
every public function, and only DriversError at the public boundary."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import drivers as dr
from drivers.errors import DriversError, ParameterError
from drivers.stats import benchmark, importance, matrix, methods, nps, simulate


def frame(n=200, seed=2):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(np.clip(np.round(rng.normal(7, 1.4, (n, 3))), 1, 10), columns=list("abc"))
    df["ltr"] = np.clip(
        np.round(1.1 * (df.a - 7) + 0.5 * (df.b - 7) + rng.normal(7.5, 1.5, n)), 0, 10
    )
    df["w"] = rng.choice([0.5, 1.0, 2.0], n)
    return df


DF = frame()
TABLE = pd.DataFrame({"group": ["x", "y"], "n": [3, 40], "nps": [10.0, 20.0]})


def given(kw, default):
    """The 'data' of a call, or the default (built only when needed)."""
    return kw.pop("data") if "data" in kw else default()


def driver_result():
    return importance.key_drivers(DF, outcome="ltr", drivers=["a", "b", "c"])


# every public function of drivers.stats, called with a typical valid call
PUBLIC = {
    "suppress_segments": lambda **kw: nps.suppress_segments(
        kw.pop("data", nps.nps_table(DF.assign(seg=(DF.index < 3) * 1), by="seg", outcome="ltr")),
        **{"by": "seg", **kw},
    ),
    "classify": lambda **kw: nps.classify(kw.pop("data", DF["ltr"]), **kw),
    "nps": lambda **kw: nps.nps(kw.pop("data", DF["ltr"]), **kw),
    "compare_nps": lambda **kw: nps.compare_nps(kw.pop("data", DF["ltr"]), DF["ltr"], **kw),
    "compare_grades": lambda **kw: nps.compare_grades(
        kw.pop("data", DF), DF, **{"touchpoints": ["a"], **kw}
    ),
    "nps_table": lambda **kw: nps.nps_table(kw.pop("data", DF), **{"outcome": "ltr", **kw}),
    "score_distribution": lambda **kw: nps.score_distribution(kw.pop("data", DF["ltr"]), **kw),
    "suppress": lambda **kw: nps.suppress(kw.pop("data", TABLE), **kw),
    "touchpoint_performance": lambda **kw: nps.touchpoint_performance(
        kw.pop("data", DF), **{"touchpoints": ["a", "b"], **kw}
    ),
    "key_drivers": lambda **kw: importance.key_drivers(
        kw.pop("data", DF), **{"outcome": "ltr", "drivers": ["a", "b", "c"], **kw}
    ),
    "compare_drivers": lambda **kw: importance.compare_drivers(
        given(kw, lambda: [driver_result()] * 2), **kw
    ),
    "priority_matrix": lambda **kw: matrix.priority_matrix(
        given(kw, driver_result), {"a": 7.0, "b": 6.5, "c": 7.5}, **kw
    ),
    "quadrant_label": lambda **kw: matrix.quadrant_label(kw.pop("data", "improve"), **kw),
    "simulate": lambda **kw: simulate.simulate(
        kw.pop("data", DF),
        **{
            "outcome": "ltr",
            "drivers": ["a", "b", "c"],
            "changes": {"a": 0.5},
            "bootstrap": 0,
            **kw,
        },
    ),
    "attribute_change": lambda **kw: simulate.attribute_change(
        given(kw, survey), survey(), **{"bootstrap": 0, **kw}
    ),
    "benchmark": lambda **kw: benchmark.benchmark(**{"measure": kw.pop("data", "nps"), **kw}),
    "compare_benchmark": lambda **kw: benchmark.compare_benchmark(kw.pop("data", 20.0), **kw),
    "grade_benchmarks": lambda **kw: benchmark.grade_benchmarks(kw.pop("data", "top_performers")),
    "nps_benchmark": lambda **kw: benchmark.nps_benchmark(kw.pop("data", None), **kw),
    "method": lambda **kw: methods.method(kw.pop("data", "shapley")),
}


def survey():
    spec = SimpleNamespace(
        nps="ltr",
        touchpoint_keys=("a", "b", "c"),
        scale=(1, 10),
        weight="w",
        language="nl",
        label=lambda col, lang="nl": col,
    )
    return SimpleNamespace(data=DF, spec=spec)


def test_every_public_function_is_listed():
    listed = set()
    for module in (nps, importance, matrix, simulate, benchmark, methods):
        listed |= {name for name in module.__all__ if callable(getattr(module, name))}
        listed -= {name for name in module.__all__ if isinstance(getattr(module, name), type)}
    assert listed == set(PUBLIC)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_valid_call_works(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        PUBLIC[name]()


WRONG_DATA = [5, 3.5, "nonsense", {"a": 1}, object(), pd.DataFrame({"x": ["text"]})]


@pytest.mark.parametrize("bad", WRONG_DATA, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_wrong_data_raises_drivers_error(name, bad):
    if name == "nps_benchmark" and isinstance(bad, str):
        return  # any text is a sector key (an unknown one falls back to the B2B figure)
    if name == "compare_grades" and isinstance(bad, pd.DataFrame):
        # a wave without the touchpoint is a valid input: a row marked absent, no error
        assert PUBLIC[name](data=bad)["absent"].tolist() == ["before"]
        return
    if name == "compare_benchmark" and isinstance(bad, int | float):
        bad = "20"  # numbers are its valid data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DriversError):
            PUBLIC[name](data=bad)


WRONG_OPTIONS = {
    "suppress_segments": [{"privacy_floor": 2}, {"by": "nope"}, {"lang": "de"}],
    "nps": [{"weights": "w"}, {"weights": object()}, {"level": 95}, {"ci": 3}, {"outcome": 5}],
    "compare_nps": [{"weights_a": object()}, {"level": "high"}],
    "compare_grades": [
        {"touchpoints": 5},
        {"weights_before": object()},
        {"weights_after": [1.0, 2.0]},
        {"level": 2},
        {"touchpoints": ["zz"], "weights_before": "nope"},
    ],
    "nps_table": [{"outcome": 5}, {"weights": object()}, {"weights": [1.0]}, {"by": "nope"}],
    "touchpoint_performance": [{"weights": {"a": 1}}, {"touchpoints": 5}, {"level": -1}],
    "key_drivers": [{"outcome": 5}, {"drivers": 5}, {"weights": object()}, {"bootstrap": "x"}],
    "simulate": [
        {"outcome": 5},
        {"drivers": 5},
        {"weights": object()},
        {"weights": "nope"},
        {"bootstrap": "many"},
        {"level": "x"},
        {"changes": 5},
        {"scale": 5},
    ],
    "attribute_change": [{"bootstrap": -1}, {"level": 5}, {"model": "probit"}],
    "priority_matrix": [{"x": 5}, {"lines": object()}],
    "suppress": [{"floor": 5, "n": "missing"}],
}


@pytest.mark.parametrize(
    ("name", "options"),
    [(name, options) for name, cases in WRONG_OPTIONS.items() for options in cases],
    ids=lambda v: (
        v if isinstance(v, str) else ",".join(f"{k}={type(x).__name__}" for k, x in v.items())
    ),
)
def test_wrong_options_raise_drivers_error(name, options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DriversError):
            PUBLIC[name](**options)


def test_simulate_of_a_dataframe_and_nps_of_a_survey_used_to_fail_outside_the_family():
    with pytest.raises(ParameterError, match="outcome="):
        dr.simulate(DF, changes={"a": 0.5})
    with pytest.raises(ParameterError, match="drivers="):
        dr.simulate(DF, outcome="ltr", changes={"a": 0.5})
    from drivers import demo

    survey = demo.load(2024)
    assert dr.nps(survey).n == survey.data[survey.spec.nps].notna().sum()


def test_weights_mean_the_same_everywhere():
    """A column name and the same values as an array give the same numbers."""
    w = DF["w"].to_numpy()
    pairs = [
        (lambda x: nps.nps(DF, outcome="ltr", weights=x).nps),
        (lambda x: nps.nps_table(DF, outcome="ltr", weights=x)["nps"].iloc[0]),
        (lambda x: nps.touchpoint_performance(DF, touchpoints=["a"], weights=x)["mean"].iloc[0]),
        (
            lambda x: nps.compare_grades(
                DF, DF.iloc[::-1].reset_index(drop=True), touchpoints=["a"], weights_before=x
            )["before"].iloc[0]
        ),
        (lambda x: importance.key_drivers(DF, outcome="ltr", drivers=["a", "b"], weights=x).r2),
        (
            lambda x: (
                simulate.simulate(
                    DF, outcome="ltr", drivers=["a", "b"], weights=x, changes={"a": 1}, bootstrap=0
                ).nps_change
            )
        ),
    ]
    for compute in pairs:
        by_name, by_array, by_series = compute("w"), compute(w), compute(pd.Series(w))
        assert by_name == pytest.approx(by_array) == pytest.approx(by_series)
    unweighted = simulate.simulate(
        DF, outcome="ltr", drivers=["a", "b"], changes={"a": 1}, bootstrap=0
    )
    assert not unweighted.weighted


def test_simulate_dataframe_equals_survey():
    sv = survey()
    on_survey = simulate.simulate(sv, changes={"a": 0.5}, bootstrap=0)
    on_frame = simulate.simulate(
        DF, outcome="ltr", drivers=["a", "b", "c"], weights="w", changes={"a": 0.5}, bootstrap=0
    )
    old_name = simulate.simulate(
        DF, outcome="ltr", touchpoints=["a", "b", "c"], weights="w", changes={"a": 0.5}, bootstrap=0
    )
    assert on_survey.nps_change == on_frame.nps_change == old_name.nps_change
    assert on_frame.weighted

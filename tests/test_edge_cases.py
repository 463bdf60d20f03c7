"""Numerical edge cases (issue 6, point 3): singular and near-singular correlation
matrices, tiny variance, n barely above p. Shapley and relative weights stay finite and
sum to R² with a warning that says what happened; methods that cannot run say why."""

import warnings

import numpy as np
import pandas as pd
import pytest

import drivers as dr
from drivers.errors import AnalysisError, CollinearityWarning, SmallSampleWarning


def frame(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    df = pd.DataFrame(x, columns=list("abc"))
    df["y"] = x @ [0.5, 0.3, 0.1] + rng.normal(size=n)
    return df, rng


def with_extra(kind):
    df, rng = frame()
    if kind == "identical":
        df["d"] = df["a"]
    elif kind == "near-identical":
        df["d"] = df["a"] + 1e-9 * rng.normal(size=len(df))
    elif kind == "linear combination":
        df["d"] = df["a"] + df["b"]
    return df


@pytest.mark.parametrize("method", ["shapley", "relative_weights"])
@pytest.mark.parametrize("kind", ["identical", "near-identical", "linear combination"])
def test_collinear_drivers_finite_sum_to_r2_and_warn(method, kind):
    df = with_extra(kind)
    with pytest.warns(CollinearityWarning, match="VIF"):
        res = dr.key_drivers(df, outcome="y", drivers=list("abcd"), method=method, progress=False)
    imp = res.table["importance"].to_numpy()
    assert np.isfinite(imp).all()
    assert imp.sum() == pytest.approx(res.r2, abs=1e-10)
    assert 0 < res.r2 < 1


def test_tiny_variance_is_scale_free():
    df, _ = frame()
    scaled = df.assign(c=df["c"] * 1e-10)
    a = dr.key_drivers(df, outcome="y", drivers=list("abc"), progress=False)
    b = dr.key_drivers(scaled, outcome="y", drivers=list("abc"), progress=False)
    np.testing.assert_allclose(a.table["importance"], b.table["importance"], atol=1e-9)


@pytest.mark.parametrize("method", ["shapley", "relative_weights"])
def test_n_barely_above_p(method):
    df, _ = frame(n=6)
    with pytest.warns(SmallSampleWarning):
        res = dr.key_drivers(df, outcome="y", drivers=list("abc"), method=method, progress=False)
    imp = res.table["importance"].to_numpy()
    assert np.isfinite(imp).all() and imp.sum() == pytest.approx(res.r2, abs=1e-10)


def test_constant_driver_says_why():
    df, _ = frame()
    with pytest.raises(AnalysisError, match=r"no variance in \['d'\]"):
        dr.key_drivers(df.assign(d=3.0), outcome="y", drivers=list("abcd"), progress=False)


def test_driver_never_answered_says_why():
    df, _ = frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dr.MissingTouchpointWarning)
        with pytest.raises(AnalysisError, match="no rows left"):
            dr.key_drivers(df.assign(d=np.nan), outcome="y", drivers=list("abcd"), progress=False)


def test_everybody_a_promoter_logit_says_why():
    df, _ = frame()
    df["y"] = 10.0
    with pytest.raises(AnalysisError):
        dr.key_drivers(df, outcome="y", drivers=list("abc"), method="logit", progress=False)

"""Sweeps: the vectorised closed-form path against per-point solvers (closed form, exact, dense reference)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import nesskit
from dense_reference import dense_ness, dense_pair
from nesskit.entanglement import entanglement_measures
from nesskit.errors import ParameterError
from nesskit.model import Model
from nesskit.ness import NESS, Diagnostics
from nesskit.operators import SIGMA_X, SIGMA_Y, SIGMA_Z
from nesskit.sweep import FAILED, INVALID, OK, parse_axis, sweep

VARIABLES = ("lambda_min", "negativity", "log_negativity", "concurrence", "magnetization", "current")


def dense_method(model: Model) -> NESS:
    """A per-point 'solver' built on the naive dense 4^n reference (independent of every nesskit solver)."""
    rho = dense_ness(model)
    n = model.n

    def pair(i: int, j: int) -> np.ndarray:
        return dense_pair(rho, i, j, n)

    def one(op: np.ndarray, site: int) -> np.ndarray:
        return np.kron(np.kron(np.eye(2 ** (site - 1)), op), np.eye(2 ** (n - site)))

    mag = np.array([np.trace(rho @ one(SIGMA_Z, j)).real for j in range(1, n + 1)])
    cur = np.array([-np.trace(rho @ one(SIGMA_X, j) @ one(SIGMA_Y, j + 1)).real for j in range(1, n)])
    zz = np.array([np.trace(rho @ one(SIGMA_Z, j) @ one(SIGMA_Z, j + 1)).real for j in range(1, n)])
    return NESS(model, "dense-reference", mag, cur, zz, Diagnostics(residual=1e-14), pair)


def failing_method(model: Model) -> NESS:
    """Fails for c > 0.5 (to test that failures are recorded, not raised)."""
    if model.c > 0.5:
        raise RuntimeError("deliberate failure")
    return dense_method(model)


def assert_same(a: xr.Dataset, b: xr.Dataset, atol: float) -> None:
    np.testing.assert_array_equal(a.status.values, b.status.values)
    for name in VARIABLES:
        np.testing.assert_allclose(a[name].values, b[name].values, atol=atol, rtol=0, err_msg=name)


def test_vectorised_equals_per_point_closed_form():
    axes = {"c": np.linspace(-1, 1, 5), "d": np.linspace(-1, 1, 4), "dephasing": [0.0, 0.07]}
    fixed = dict(n=6, coupling_left=0.8, coupling_right=1.3, pairs=["boundary", "bulk", (2, 5)])
    vec = sweep(axes, **fixed)
    per = sweep(axes, method="closed-form", workers=0, vectorise=False, **fixed)
    assert vec.attrs["execution"] == "vectorised closed forms"
    assert per.attrs["execution"] == "per point"
    assert_same(vec, per, 1e-13)
    assert (vec.status == OK).all()


def test_vectorised_equals_exact_solver_on_n_axis():
    axes = {"n": [3, 4], "c": [-0.9, 0.2, 1.0], "d": [-0.5, 1.0]}
    fixed = dict(coupling=1.2, dephasing=0.05, pairs=["boundary", "bulk"])
    vec = sweep(axes, **fixed)
    exact = sweep(axes, method="exact", workers=0, **fixed)
    assert exact.attrs["methods_used"] == "exact"
    assert_same(vec, exact, 1e-9)
    # magnetization is NaN beyond n on the shorter chain; pair sites depend on n
    assert np.isnan(vec.magnetization.sel(n=3, site=4)).all()
    assert vec.pair_j.sel(n=4, pair="bulk") == 3


def test_vectorised_equals_dense_reference_callable():
    axes = {"c": [-0.3, 0.9], "d": [0.4, 1.0]}
    fixed = dict(n=4, coupling=1.7, dephasing=0.1, pairs=["boundary", (1, 3)])
    vec = sweep(axes, **fixed)
    ref = sweep(axes, method=dense_method, workers=0, **fixed)
    assert ref.attrs["methods_used"].endswith("dense_method")
    assert_same(vec, ref, 1e-10)
    assert np.allclose(ref.residual, 1e-14)


@settings(max_examples=12, deadline=None)
@given(c=st.floats(-1, 1), d=st.floats(-1, 1), gamma=st.floats(0, 0.5), coupling=st.floats(0.3, 3))
def test_random_point_matches_dense_reference(c, d, gamma, coupling):
    ds = sweep({"c": [c]}, d=d, n=4, coupling=coupling, dephasing=gamma, pairs=["boundary", "bulk"])
    rho = dense_ness(Model(4, coupling=coupling, c=c, d=d, dephasing=gamma))
    for p, (i, j) in enumerate([(1, 2), (2, 3)]):
        ref = entanglement_measures(dense_pair(rho, i, j, 4))
        for name, value in ref.items():
            assert abs(float(ds[name].values[0, p]) - float(value)) < 1e-9, name


def test_invalid_corners_are_recorded():
    mu = np.linspace(-2.5, 2.5, 11)
    mu_bar = np.linspace(-1.2, 1.2, 7)
    ds = sweep({"mu": mu, "mu_bar": mu_bar}, n=5, pairs="bulk")
    m, mb = np.meshgrid(mu, mu_bar, indexing="ij")
    rates = np.stack([1 - m / 2 + mb, 1 + m / 2 - mb, 1 + m / 2 + mb, 1 - m / 2 - mb])
    inside = (rates >= -1e-12).all(axis=0)  # Eq. 10, independently of the sweep's c, d test
    assert inside.any() and (~inside).any()
    np.testing.assert_array_equal(ds.status.values == INVALID, ~inside)
    assert np.isnan(ds.lambda_min.values[~inside]).all()
    assert np.isfinite(ds.lambda_min.values[inside]).all()
    per = sweep({"mu": mu, "mu_bar": mu_bar}, n=5, pairs="bulk", workers=0, vectorise=False)
    assert_same(ds, per, 1e-13)


def test_invalid_couplings_recorded_and_failures_recorded():
    ds = sweep({"coupling": [-1.0, 0.0, 1.0]}, n=4, c=1.0, d=1.0)
    assert ds.status.values.tolist() == [INVALID, INVALID, OK]
    ds = sweep({"c": [0.0, 1.0]}, d=0.5, n=3, method=failing_method, workers=0)
    assert ds.status.values.tolist() == [OK, FAILED]
    assert np.isnan(ds.lambda_min.values[1]).all() and np.isfinite(ds.lambda_min.values[0]).all()


def test_attributes_and_coordinates():
    ds = sweep(["c=-1:1:3", "d=0,1"], n=6, coupling=1.0, pairs="central", command="nesskit map ...")
    assert ds.attrs["nesskit_version"] == nesskit.__version__
    assert "1-based" in ds.attrs["conventions"] and "Eq. 6" in ds.attrs["conventions"]
    assert ds.attrs["command"] == "nesskit map ..."
    assert ds.attrs["method"] == "auto"
    assert list(ds.pair.values) == ["central"] and ds.pair_i.values.tolist() == [3] and ds.pair_j.values.tolist() == [4]
    assert ds.lambda_min.dims == ("c", "d", "pair") and ds.magnetization.dims == ("c", "d", "site")
    assert list(ds.site.values) == [1, 2, 3, 4, 5, 6]


def test_xxz_goes_per_point():
    ds = sweep({"delta": [0.0, 0.5]}, n=3, c=1.0, d=1.0, pairs="boundary", workers=0)
    assert ds.attrs["execution"] == "per point"
    ref = dense_method(Model(3, c=1.0, d=1.0, delta=0.5)).entanglement(1, 2)["lambda_min"]
    assert abs(float(ds.lambda_min.sel(delta=0.5, pair="boundary")) - ref) < 1e-10


@pytest.mark.parametrize(
    "spec, word",
    [
        ("c=1:-1:0", "integer >= 1, got 0"),
        ("c=1:-1:-3", "integer >= 1, got -3"),
        ("c=0:1:2.5", "integer >= 1, got 2.5"),
        ("c=1:1:3", "repeats"),
        ("c=0:1", "cannot read"),
        ("c=a,b", "cannot read"),
        ("gamma=0:1:3", "unknown parameter"),
        ("c", "expected name="),
        ("c=0,0", "repeat"),
        ("n=2.5,3", "integers"),
        ("n=1,2", "integers"),
        ("c=nan,1", "finite"),
    ],
)
def test_malformed_axes(spec, word):
    with pytest.raises(ParameterError, match=word) as err:
        parse_axis(spec)
    assert "axis" in str(err.value)


def test_structural_errors():
    with pytest.raises(ParameterError, match="given twice"):
        sweep(["c=0,1", "c=0,1"], n=4, d=0.0)
    with pytest.raises(ParameterError, match="'d' is missing"):
        sweep({"c": [0, 1]}, n=4)
    with pytest.raises(ParameterError, match="not both"):
        sweep({"c": [0, 1]}, n=4, d=0, mu=1)
    with pytest.raises(ParameterError, match="both an axis and a fixed"):
        sweep({"c": [0, 1]}, n=4, c=1, d=0)
    with pytest.raises(ParameterError, match="n is required"):
        sweep({"c": [0, 1]}, d=0)
    with pytest.raises(ParameterError, match="1 <= i < j <= n"):
        sweep({"c": [0, 1]}, d=0, n=4, pairs=[(3, 5)])
    with pytest.raises(ParameterError, match="named pair"):
        sweep({"c": [0, 1]}, d=0, n=4, pairs="middle")
    with pytest.raises(ParameterError, match="method"):
        sweep({"c": [0, 1]}, d=0, n=4, method="magic")
    with pytest.raises(ParameterError, match="workers"):
        sweep({"c": [0, 1]}, d=0, n=4, workers=-1)
    with pytest.raises(ParameterError, match="dephasing"):
        sweep({"c": [0, 1]}, d=0, n=4, dephasing=[0.1, 0.2])  # profile of the wrong length
    with pytest.raises(ParameterError, match="vectorise"):
        sweep({"delta": [0, 1]}, c=0, d=0, n=4, vectorise=True)

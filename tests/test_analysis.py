"""Region analysis of sweeps against the paper's closed-form critical values (SPEC §3-4) and brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from nesskit.analysis import c_min, entangled, entangled_fraction, lambda_min_contour, min_lambda
from nesskit.errors import ParameterError
from nesskit.sweeps import sweep

GRID = {"c": np.linspace(0, 1, 201), "d": np.linspace(0, 1, 201)}


def bulk_c_min(g: float) -> float:
    """Eq. 22 (SPEC §3): start of the bulk pocket."""
    return 3 - 4 * g * (math.sqrt(2) + g * (-1 + g * math.sqrt(2))) / (1 + g**2 + g**4)


def boundary_c_min(g: float) -> float:
    """Eq. 16 (SPEC §3): tip of the right tongue of rho_12."""
    return (3 + 8 * g**2 + 4 * g**4 - 2 * g * (1 + g**2) * math.sqrt(8 + g**2)) / (1 + 2 * g**2 * (1 + g**2))


@pytest.mark.parametrize("g", [0.8, 1.0, 1.5])
def test_c_min_bulk_matches_eq22(g):
    ds = sweep(GRID, n=10, coupling=g, pairs="bulk")
    assert abs(float(c_min(ds)) - bulk_c_min(g)) < 1e-3


@pytest.mark.parametrize("g", [1.0, 1.08873, 2.0])
def test_c_min_boundary_matches_eq16(g):
    ds = sweep(GRID, n=8, coupling=g, pairs="boundary")
    assert abs(float(c_min(ds, "boundary")) - boundary_c_min(g)) < 2e-3


def test_c_min_refinement_beats_the_grid():
    ds = sweep({"c": np.linspace(0, 1, 21), "d": [1.0]}, n=10, coupling=1.0, pairs="bulk")
    coarse = float(c_min(ds))
    assert abs(coarse - bulk_c_min(1.0)) < 2e-3  # grid spacing 0.05: linear interpolation does far better


def test_c_min_versus_dephasing_vanishes_at_gamma_c():
    n, g = 6, 1.0
    gamma_c = (math.sqrt(2) + 1 - g - 1 / g) / (n - 2)  # Eq. 24
    ds = sweep({"dephasing": [0.0, 0.5 * gamma_c, 1.05 * gamma_c], **GRID}, n=n, coupling=g, pairs="central")
    cm = c_min(ds, keep=("dephasing",))
    assert cm.dims == ("dephasing",)
    assert abs(float(cm[0]) - bulk_c_min(g)) < 1e-3
    assert bulk_c_min(g) < float(cm[1]) < 1.0
    assert np.isnan(float(cm[2]))


def test_min_lambda_matches_eq20_corner():
    ds = sweep({"c": np.linspace(-1, 1, 41), "d": np.linspace(-1, 1, 41)}, n=10, coupling=1.0, pairs="bulk")
    t = 2 / 2 * 1.0 / (1 + 1.0)  # c = d = 1: mu = 2, mu_bar = 0, t = (mu/2) Γ/(1 + Γ²), a = mu_bar = 0
    expected = 0.25 * (1 - t**2 - 2 * math.sqrt(t**2))  # Eq. 20
    best = min_lambda(ds)
    assert abs(best["lambda_min"] - expected) < 1e-14 and best["c"] in (-1.0, 1.0)
    region = min_lambda(ds, region={"c": (-0.5, 0.5), "d": (-0.5, 0.5)})
    raw = ds.lambda_min.isel(pair=0).values[10:31, 10:31]
    assert region["lambda_min"] == raw.min() and region["lambda_min"] > 0


def test_entangled_fraction_counts_with_tolerance():
    ds = sweep({"mu": np.linspace(-2.2, 2.2, 45), "mu_bar": np.linspace(-1.1, 1.1, 23)}, n=10, coupling=1.0,
               pairs=["bulk", "boundary"])
    for label in ("bulk", "boundary"):
        lam = ds.lambda_min.sel(pair=label).values
        ok = ds.status.values == 0
        expected = np.sum((lam < -1e-12) & ok) / np.sum(ok)
        assert float(entangled_fraction(ds, label)) == pytest.approx(expected, abs=0)
        assert 0 < expected < 0.5


def test_entangled_never_by_sign_alone():
    lam = np.array([[-1e-3], [-1e-14], [-1e-3], [-1e-3], [0.1]])
    ds = xr.Dataset(
        {
            "lambda_min": (("c", "pair"), lam),
            "residual": ("c", [1e-8, np.nan, 1e-3, 1e-8, 1e-8]),
            "status": ("c", np.array([0, 0, 0, 1, 0], dtype=np.int8)),
        },
        coords={"c": np.arange(5.0), "pair": ["bulk"]},
    )
    # λ_min = -1e-3 with residual 1e-3 is not trusted; an invalid point never counts
    assert entangled(ds).values.tolist() == [True, False, False, False, False]
    assert float(entangled_fraction(ds)) == pytest.approx(1 / 4)
    # the policy's error estimate wins over the residual where a dataset has both
    with_error = ds.assign(error=("c", [1e-8, np.nan, 1e-6, 1e-8, 1e-8]))
    assert entangled(with_error).values.tolist() == [True, False, True, False, False]
    # the same decision as nesskit.entanglement.entangled, point by point
    from nesskit.entanglement import entangled as policy

    ok = ds.status.values == 0
    assert entangled(ds).values.tolist() == [bool(policy(v, e) and o) for v, e, o in
                                             zip(lam[:, 0], np.nan_to_num(ds.residual.values), ok)]


def test_contour_lies_on_lambda_zero():
    ds = sweep({"c": np.linspace(-1, 1, 101), "d": np.linspace(-1, 1, 101)}, n=10, coupling=1.0, pairs="bulk")
    lines = lambda_min_contour(ds)
    assert len(lines) == 2  # the two pockets near c = d = ±1 (Fig. 7)
    points = np.concatenate(lines)
    for c, d in points[:: max(1, len(points) // 15)]:
        value = sweep({"c": [c]}, d=float(np.clip(d, -1, 1)), n=10, coupling=1.0, pairs="bulk").lambda_min
        assert abs(float(value.squeeze())) < 2e-4
    # the right pocket's edge meets d = 1 at Eq. 22's c_min
    right = points[points[:, 0] > 0]
    top = right[np.argmax(right[:, 1])]
    assert abs(top[1] - 1.0) < 1e-12 and abs(top[0] - bulk_c_min(1.0)) < 1e-3


def test_analysis_errors():
    ds = sweep({"c": [0.0, 1.0], "d": [0.0, 1.0], "coupling": [1.0, 2.0]}, n=6, pairs=["bulk", "boundary"])
    with pytest.raises(ParameterError, match="several pairs"):
        entangled(ds)
    with pytest.raises(ParameterError, match="not in the dataset"):
        entangled(ds, "3-5")
    with pytest.raises(ParameterError, match="exactly two axes"):
        lambda_min_contour(ds, "bulk")
    with pytest.raises(ParameterError, match="axis 'gamma'"):
        c_min(ds, "bulk", axis="gamma")
    with pytest.raises(ParameterError, match="region"):
        min_lambda(ds, "bulk", region={"x": (0, 1)})

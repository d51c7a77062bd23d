"""The data behind the paper's figures, checked against independent computations.

Referees: the dense 4ⁿ Lindbladian (tests/dense_reference.py), direct quadrature of Eq. 3, and the paper's
formulas (Eqs. 16, 22, 24, 25) typed here from SPEC.md — never numbers taken from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import brentq

from dense_reference import dense_ness, dense_pair
from nesskit import Model, ParameterError
from nesskit.figures import data as figdata
from nesskit.figures import plots

SQRT2 = math.sqrt(2)
W = 1 + SQRT2


def eq16_c_min(g: float) -> float:
    return (3 + 8 * g**2 + 4 * g**4 - 2 * g * (1 + g**2) * math.sqrt(8 + g**2)) / (1 + 2 * g**2 * (1 + g**2))


def eq22_c_min(g: float) -> float:
    return 3 - 4 * g * (SQRT2 + g * (-1 + g * SQRT2)) / (1 + g**2 + g**4)


def eq24_gamma_c(n: int, g: float) -> float:
    return (SQRT2 + 1 - g - 1 / g) / (n - 2)


def eq25_window(x: float) -> tuple[float, float]:
    root = math.sqrt((W - x) ** 2 - 4)
    return (W - x - root) / 2, (W - x + root) / 2


def dense_lambda_min(n: int, pair: tuple[int, int], coupling: float, c: float, d: float, dephasing: float = 0.0
                     ) -> float:
    """λ_min of ρ_pair from the dense NESS, partial transpose by explicit index shuffling."""
    rho = dense_ness(Model(n, coupling=coupling, c=c, d=d, dephasing=dephasing))
    r = dense_pair(rho, *pair, n).reshape(2, 2, 2, 2)
    pt = np.einsum("abcd->adcb", r).reshape(4, 4)
    return float(np.linalg.eigvalsh(0.5 * (pt + pt.conj().T))[0])


# -- Fig. 2: zero crossing at T_c from Eq. 4 and a direct quadrature of Eq. 3 ------------------------------------
def test_fig02_crossing_is_the_root_of_eq4():
    # φ = 0: ⟨σᶻ⟩ = 0 and Eq. 4's condition (⟨σˣσˣ⟩ + √2)² = 1 + ⟨σᶻ⟩² gives ⟨σˣσˣ⟩ = 1 − √2.
    def xx(beta: float) -> float:
        return quad(lambda k: math.cos(k) * math.tanh(-2 * beta * math.cos(k)), 0, math.pi, epsabs=1e-13)[0] / math.pi

    beta_c = brentq(lambda b: xx(b) - (1 - SQRT2), 0.1, 2.0, xtol=1e-14)
    data = figdata.fig02_data(points=200)
    assert data["critical_temperature"] == pytest.approx(1 / beta_c, rel=1e-9)
    step = data["temperature"][1] - data["temperature"][0]
    assert abs(data["crossing"] - 1 / beta_c) < step**2  # linear interpolation of a smooth curve
    lam = data["lambda_min"]
    assert np.all(lam[data["temperature"] < 1 / beta_c - step] < 0)
    assert np.all(lam[data["temperature"] > 1 / beta_c + step] > 0)


def test_fig03_infinite_temperature_is_the_ness_line():
    data = figdata.fig03_data(points=40)
    hot = next(c for c in data["iso_temperature"] if np.isinf(c["temperature"]))
    np.testing.assert_allclose(hot["energy"], 0, atol=1e-12)
    # β = 0: ρ ∝ exp(−φM), so ⟨z⟩ spans (−1, 1) monotonically (tanh of the swept φ)
    assert hot["z"].min() < -0.999 and hot["z"].max() > 0.999
    for cur in data["iso_phi"]:  # every iso-φ curve starts on the NESS line at β = 0, ⟨z⟩ = −tanh φ
        assert cur["energy"][0] == pytest.approx(0, abs=1e-12)
        assert cur["z"][0] == pytest.approx(-math.tanh(cur["phi"]), abs=1e-12)
    # one interior point against a direct quadrature of Eq. 3: T = 1 (β = 1), a φ of the sweep
    t1 = next(c for c in data["iso_temperature"] if c["temperature"] == 1.0)
    k = len(t1["z"]) // 3
    z = t1["z"][k]
    # find φ from z by quadrature (nesskit's sign: ⟨z⟩ = −(1/π)∫ tanh(φ − 2β cos k))
    def z_of(phi: float) -> float:
        return -quad(lambda q: math.tanh(phi - 2 * math.cos(q)), 0, math.pi, epsabs=1e-13)[0] / math.pi

    phi = brentq(lambda p: z_of(p) - z, -40, 40, xtol=1e-14)
    e = 2 * quad(lambda q: math.cos(q) * math.tanh(phi - 2 * math.cos(q)), 0, math.pi, epsabs=1e-13)[0] / math.pi
    assert t1["energy"][k] == pytest.approx(e, abs=1e-9)


# -- Figs. 4 and 7: the tongue / pocket starts at Eq. 16 / Eq. 22 ----------------------------------------------------
@settings(max_examples=8, deadline=None)
@given(st.floats(0.6, 3.0))
def test_fig04_tongue_starts_at_eq16(coupling):
    points = 81
    data = figdata.fig04_data(coupling=coupling, points=points)
    expected = eq16_c_min(coupling)
    assert data["paper_c_min"] == pytest.approx(expected, rel=1e-12)
    assert data["numeric_c_min"] == pytest.approx(expected, abs=1e-9)
    step = 2 / (points - 1)
    assert expected - 1e-12 <= data["grid_c_min"] <= expected + step + 1e-12
    # no entangled grid point with 0 < c < c_min
    assert not np.any((data["lambda_min"] < 0) & (data["c"] > 0) & (data["c"] < expected - 1e-9))


@settings(max_examples=6, deadline=None)
@given(st.floats(0.7, 1.6))
def test_fig07_pocket_starts_at_eq22(coupling):
    points = 81
    data = figdata.fig07_data(coupling=coupling, points=points)
    expected = eq22_c_min(coupling)
    assert data["numeric_c_min"] == pytest.approx(expected, abs=1e-9)
    assert expected - 1e-12 <= data["grid_c_min"] <= expected + 2 / (points - 1) + 1e-12


def test_fig04_and_fig07_maps_match_dense_reference():
    d4 = figdata.fig04_data(coupling=2.0, points=9)
    d7 = figdata.fig07_data(coupling=1.0, points=9)
    rng = np.random.default_rng(3)
    for data, pair in ((d4, (1, 2)), (d7, (2, 3))):
        for k, m in rng.integers(0, 9, size=(3, 2)):
            c, d = float(data["c"][k, m]), float(data["d"][k, m])
            ref = dense_lambda_min(4, pair, data["params"]["coupling"], c, d)  # γ = 0: n-independent
            assert data["lambda_min"][k, m] == pytest.approx(ref, abs=1e-9)
    # right panel: u = (⟨σᶻ_n⟩ − ⟨σᶻ_1⟩)/2 and μ̄ = (d − c)/2
    np.testing.assert_allclose(d4["mu_bar"], (d4["d"] - d4["c"]) / 2)
    g = 2.0
    np.testing.assert_allclose(d4["u"], g * (d4["c"] + d4["d"]) / 2 * g / (1 + g**2), atol=1e-13)  # u = Γt, Eq. 13


# -- Figs. 1, 6, 9: the (⟨z⟩, ⟨zz⟩) plane -----------------------------------------------------------------------
def test_zzz_cloud_equilibrium_curve_and_dense_points():
    data = figdata.fig09_data(couplings=(1.0,), points=7)["panels"][0]
    np.testing.assert_allclose(data["equilibrium_zz"], data["equilibrium_z"] ** 2, atol=1e-14)  # Eq. 12
    assert np.all(data["lower_zz"] <= data["equilibrium_zz"] + 1e-14)
    for k, m in ((1, 6), (3, 6), (5, 3)):
        mu, mb = float(data["mu"][k, m]), float(data["mu_bar"][k, m])
        rho = dense_ness(Model(4, coupling=1.0, mu=mu, mu_bar=mb))
        r = dense_pair(rho, 2, 3, 4)
        z = np.real(np.trace(r @ np.kron(np.diag([1, -1]), np.eye(2))))
        zz = np.real(np.trace(r @ np.diag([1, -1, -1, 1])))
        assert data["z"][k, m] == pytest.approx(z, abs=1e-10)
        assert data["zz"][k, m] == pytest.approx(zz, abs=1e-10)
        lam = min(dense_lambda_min(4, (2, 3), 1.0, mu / 2 - mb, mu / 2 + mb),
                  dense_lambda_min(4, (2, 3), 1.0, -mu / 2 - mb, -mu / 2 + mb))
        assert data["lambda_min"][k, m] == pytest.approx(lam, abs=1e-9)


def test_fig01_marks_the_bulk_pocket_at_the_centre():
    data = figdata.fig01_data(points=41)
    # centre column μ̄ = 0, full driving μ = 2: t = 1/2 at Γ = 1, bulk λ_min = ¼(1 − t² − 2t) < 0 (Eq. 20)
    mid = data["z"].shape[0] // 2
    assert data["lambda_min"][mid, -1] == pytest.approx(0.25 * (1 - 0.25 - 1.0), abs=1e-12)
    assert data["lambda_min"][mid, 0] > 0  # equilibrium: separable


# -- Fig. 10: the numerical window equals Eq. 25 -----------------------------------------------------------------
def test_fig10_boundaries_equal_eq25():
    data = figdata.fig10_data(sizes=(6, 8), x_max=0.4, points=4)
    for n, win in data["numeric"].items():
        for x, lo, hi in zip(data["x"], win["lower"], win["upper"]):
            lo_ref, hi_ref = eq25_window(float(x))
            assert lo == pytest.approx(lo_ref, rel=1e-8), (n, x)
            assert hi == pytest.approx(hi_ref, rel=1e-8), (n, x)
    fx = data["formula_x"][::50]
    ref = np.array([eq25_window(float(x)) for x in fx])
    np.testing.assert_allclose(data["formula_lower"][::50], ref[:, 0], rtol=1e-12)
    np.testing.assert_allclose(data["formula_upper"][::50], ref[:, 1], rtol=1e-12)


# -- Fig. 11: the curves reach zero at Eq. 24 ---------------------------------------------------------------------
def test_fig11_curves_vanish_at_eq24():
    data = figdata.fig11_data(sizes=(6, 10), points=8, map_sizes=(4,), map_points=5)
    for n, cur in data["curves"].items():
        gc = eq24_gamma_c(n, 1.0)
        assert cur["zero"] == pytest.approx(gc, rel=1e-8)
        assert cur["gamma_c"] == pytest.approx(gc, rel=1e-12)
        size = cur["size"]
        below = data["gamma"] < gc * (1 - 1e-6)
        assert np.all(size[below] > 0)
        assert np.all(np.isnan(size[data["gamma"] > gc * (1 + 1e-6)]))
        assert np.all(np.diff(size[below]) < 0)  # the region shrinks with γ
    # γ = 0: 1 − c_min is the same for every n and equals 1 − Eq. 22
    for cur in data["curves"].values():
        assert cur["size"][0] == pytest.approx(1 - eq22_c_min(1.0), abs=1e-9)
    # right panel map against the dense reference (n = 4, central pair (2, 3), γ = 0.04)
    m = data["maps"][4]
    for k, j in ((4, 4), (3, 4), (2, 2)):
        ref = dense_lambda_min(4, (2, 3), 1.0, float(m["c"][k, j]), float(m["d"][k, j]), dephasing=0.04)
        assert m["lambda_min"][k, j] == pytest.approx(ref, abs=1e-9)


# -- validation and the plotting front ---------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: figdata.fig04_data(points=1),
    lambda: figdata.fig05_data(slices=1),
    lambda: figdata.central_pair(1),
    lambda: figdata.zzz_cloud(1.0, 11, (2, 3), (0.5, -0.5)),
    lambda: figdata.figure_data("fig13"),
    lambda: figdata.fig11_data(sizes=(6,), points=2, map_sizes=(), method="nonsense"),
    lambda: figdata.fig04_data(coupling=-1.0, points=11),
])
def test_bad_input_is_a_parameter_error(call):
    with pytest.raises(ParameterError):
        call()


def test_plot_functions_take_the_papers_parameters():
    fig = plots.fig04(coupling=1.5, points=31)
    assert "=1.5" in fig.get_suptitle()
    assert len(fig.axes) == 2
    fig = plots.fig02(phi=1.0, points=30)
    assert "varphi=1" in fig.axes[0].get_title()


def test_central_pair_is_the_one_named_pair_for_odd_n():
    from nesskit.pairs import pair_sites

    for n in (2, 3, 5, 6, 9):
        assert figdata.central_pair(n) == pair_sites("central", n) == (n // 2, n // 2 + 1)


# -- Fig. 11 through any method: the per-point road equals the fast lane, and it runs for an interacting chain ----
def test_fig11_per_point_method_equals_the_fast_lane():
    kw = dict(sizes=(4,), points=3, gamma_max=0.2, map_sizes=(4,), map_points=3)
    fast = figdata.fig11_data(**kw)
    slow = figdata.fig11_data(method="hierarchy", **kw)
    assert slow["params"]["method"] == "hierarchy"
    np.testing.assert_allclose(slow["curves"][4]["size"], fast["curves"][4]["size"], atol=1e-8, equal_nan=True)
    assert slow["curves"][4]["zero"] == pytest.approx(fast["curves"][4]["zero"], rel=1e-7)
    assert fast["curves"][4]["zero"] == pytest.approx(eq24_gamma_c(4, 1.0), rel=1e-9)
    np.testing.assert_allclose(slow["maps"][4]["lambda_min"], fast["maps"][4]["lambda_min"], atol=1e-10)


def test_fig11_redrawn_for_an_interacting_chain_with_the_exact_solver():
    """Δ = 0.3 by the exact solver (coarse): no formula, γ_c checked by direct solves on both sides."""
    import nesskit as nk

    data = figdata.fig11_data(sizes=(4,), points=2, gamma_max=0.2, map_sizes=(4,), map_points=3, method="exact",
                              delta=0.3, edge_points=2)
    cur = data["curves"][4]
    assert np.isnan(cur["gamma_c"])  # the paper has no formula for Δ ≠ 0
    gc = cur["zero"]
    assert 0 < gc < 1
    below = nk.solve(nk.Model(4, delta=0.3, c=1, d=1, dephasing=gc * 0.98), "exact", pairs="central")
    assert below.entangled(2, 3)
    for c in np.linspace(-1, 1, 3):
        for d in np.linspace(-1, 1, 3):
            above = nk.solve(nk.Model(4, delta=0.3, c=c, d=d, dephasing=gc * 1.02), "exact", pairs="central")
            assert not above.entangled(2, 3)
    assert data["edge_gamma0"]["source"].startswith("numeric")
    fig = plots.fig11(data=data)
    assert "0.3" in fig.get_suptitle() and "exact" in fig.get_suptitle()


# -- Fig. 12: Sec. III D's claims ---------------------------------------------------------------------------------
def test_fig12_claims_from_computed_data():
    data = figdata.fig12_data(sizes=(4, 20, 200), dephasings=(0.1,), position_sizes=(10,), distance_n=6,
                              distance_points=2, distance_couplings=(1.0,))
    gm = data["boundary"][0.1]["coupling_m"]
    assert np.all(np.diff(gm) > 0) and gm[-1] < 1 and gm[-1] > 0.9  # Γ_m → 1 from below
    # Γ_m at γ → 0 is Γ_min of Eq. 18 for every n (checked on a chain of 6 against the paper's formula)
    low = figdata.fig12_data(sizes=(6,), dephasings=(0.0,), position_sizes=(), distance_points=2,
                             distance_couplings=(1.0,), distance_n=4)["boundary"][0.0]["coupling_m"][0]
    eq18 = math.sqrt((-3 + np.cbrt(27 - 3 * math.sqrt(78)) + np.cbrt(27 + 3 * math.sqrt(78))) / 6)
    assert low == pytest.approx(eq18, rel=1e-9)
    pos = data["position"][10]
    centre = pos["central"]
    gc = pos["gamma_c"]
    assert gc[centre - 1] == pytest.approx(eq24_gamma_c(10, 1.0), rel=1e-9)
    assert np.all(np.diff(gc[1:centre][::-1]) > 0)  # increases from the centre towards the boundary
    np.testing.assert_allclose(gc[1:-1], gc[1:-1][::-1], rtol=1e-7)  # reflection symmetry, Γ_L = Γ_R (bulk pairs)
    dist = data["distance"]
    assert np.all(dist[1]["margin"] < 0)
    for r in (2, 3):
        assert np.all(dist[r]["margin"] > 0)
    fig = plots.fig12(data=data)
    assert len(fig.axes) == 3

"""The exact (brute-force) solver against the paper's closed forms, the dense reference and Eq. 24."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

import nesskit
from dense_reference import dense_ness, dense_pair
from nesskit.entanglement import lambda_min
from nesskit.errors import ParameterError, SolverError
from nesskit.model import Model
from nesskit.solvers import _exact_krylov, exact

# -- SPEC Eq. 13 / 15 / 20, transcribed here independently (γ = 0) --------------------------------------


def eq13(gl: float, gr: float, mu: float, mb: float) -> tuple[float, float, float, float]:
    """(t, a₁, a, aₙ) of Eq. 13."""
    d = (1 + gl * gr) * (gl + gr)
    t = mu * gl * gr / d
    a1 = mb - (mu / 2) * ((gl - gr) + gl * gr * (gl + gr)) / d
    a = mb - (mu / 2) * (gl - gr) * (1 - gl * gr) / d
    an = mb - (mu / 2) * ((gl - gr) - gl * gr * (gl + gr)) / d
    return t, a1, a, an


def eq15_min(t: float, zi: float, zj: float) -> float:
    """Eq. 15 for a nearest-neighbour pair with ⟨σᶻ⟩ = zi, zj and ⟨σᶻσᶻ⟩ = zi zj − t², together with the two
    populations y/4, z/4 (SPEC: the true minimum is min(Eq. 15, y/4, z/4))."""
    zz = zi * zj - t**2
    block = 0.25 * (1 + zi * zj - t**2 - math.sqrt((zi + zj) ** 2 + 4 * t**2))
    y = 1 + zi - zj - zz
    z = 1 - zi + zj - zz
    return min(block, y / 4, z / 4)


def eq20_min(t: float, a: float) -> float:
    """Eq. 20 (bulk pair), with the population B/4 = (1 − a² + t²)/4."""
    return min(0.25 * (1 + a**2 - t**2 - 2 * math.sqrt(a**2 + t**2)), (1 - a**2 + t**2) / 4)


unit = st.floats(-1.0, 1.0, allow_nan=False)
coupling = st.floats(0.2, 5.0)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 7), c=unit, d=unit, gl=coupling, gr=coupling)
def test_gamma_zero_matches_eq_13_15_20(n: int, c: float, d: float, gl: float, gr: float) -> None:
    model = Model(n, coupling_left=gl, coupling_right=gr, c=c, d=d)
    ness = exact.solve(model)
    assert ness.diagnostics.residual <= 1e-12
    t, a1, a, an = eq13(gl, gr, model.mu, model.mu_bar)
    z = np.array([a1] + [a] * (n - 2) + [an])
    np.testing.assert_allclose(ness.magnetization, z, atol=1e-10)
    np.testing.assert_allclose(ness.current, t, atol=1e-10)
    np.testing.assert_allclose(ness.zz, z[:-1] * z[1:] - t**2, atol=1e-10)
    # zero energy density: ⟨σˣσˣ⟩ = ⟨σʸσʸ⟩ = 0 on every bond
    corr = ness.correlations(1, 2)
    assert abs(corr[1, 1]) < 1e-10 and abs(corr[2, 2]) < 1e-10
    # boundary pair (1, 2): Eq. 15 with the second spin's magnetization (aₙ if n = 2)
    assert lambda_min(ness.pair(1, 2)) == pytest.approx(eq15_min(t, z[0], z[1]), abs=1e-10)
    if n >= 4:  # a bulk pair (2, 3): Eq. 20
        assert lambda_min(ness.pair(2, 3)) == pytest.approx(eq20_min(t, a), abs=1e-10)
    if n >= 3:  # non-adjacent pair: ⟨σᶻ_jσᶻ_k⟩ = a_j a_k (δ term absent), no x-x coherence at distance 2
        corr13 = ness.correlations(1, 3)
        assert corr13[3, 3] == pytest.approx(z[0] * z[2], abs=1e-10)


def test_dephasing_matches_spec_section_4_with_gmres() -> None:
    """SPEC §4 closed forms (transcribed here), n = 8 by the GMRES path: ⟨σᶻ_j⟩, t = μ/Σ, ⟨σᶻσᶻ⟩."""
    n, gl, gr, mu, mb, g = 8, 0.7, 1.6, 0.9, -0.2, 0.15
    ness = exact.solve(Model(n, coupling_left=gl, coupling_right=gr, mu=mu, mu_bar=mb, dephasing=g))
    assert "gmres" in ness.diagnostics.notes and ness.diagnostics.residual <= 1e-12
    sig = gl + gr + 1 / gl + 1 / gr + 2 * g * (n - 1)
    k = 2 * g / (sig - 2 * g)
    u = np.array([1 / gl] + [1 / gl + gl + 2 * g * (j - 1) for j in range(2, n)] + [sig - 1 / gr])
    v = sig - u
    z = mb - mu / 2 + mu * u / sig
    np.testing.assert_allclose(ness.magnetization, z, atol=1e-10)
    np.testing.assert_allclose(ness.current, mu / sig, atol=1e-10)
    connected = -(mu / sig) ** 2 * (k * u[:-1] * v[1:] + (1 + k))
    np.testing.assert_allclose(ness.zz - z[:-1] * z[1:], connected, atol=1e-10)
    # long range: ⟨σᶻ_2σᶻ_6⟩ connected part and the distance-3 coherence ⟨σ⁺_2σ⁻_5⟩ = (iμ)³/(2ΠΣ−2mγ)
    c26 = ness.correlations(2, 6)[3, 3] - z[1] * z[5]
    assert c26 == pytest.approx(-(mu / sig) ** 2 * k * u[1] * v[5], abs=1e-10)
    pm = (1j * mu) ** 3 / (2 * sig * (sig - 2 * g) * (sig - 4 * g))
    assert ness.pair(2, 5)[2, 1] == pytest.approx(pm, abs=1e-10)


# -- against the dense 4ⁿ reference: XXZ, fields, hopping, site dephasing ---------------------------------

CASES = [
    dict(n=2, coupling_left=0.6, coupling_right=1.7, mu=0.8, mu_bar=0.3, dephasing=0.2, delta=0.7, fields=[0.3, -0.5]),
    dict(n=3, coupling_left=1.3, coupling_right=0.4, c=0.9, d=-0.6, dephasing=[0.1, 0.0, 0.4], delta=-1.2,
         fields=[0.0, 0.7, -0.2], hopping=[1.0, 0.6]),
    dict(n=4, coupling_left=0.7, coupling_right=1.3, mu=0.6, mu_bar=0.2, dephasing=[0.1, 0.2, 0.0, 0.3],
         delta=0.5, fields=[0.1, -0.3, 0.2, 0.4], hopping=[1.0, 0.5, 1.2]),
    dict(n=5, coupling_left=2.0, coupling_right=0.5, c=1.0, d=1.0, dephasing=[0.3, 0.0, 0.05, 0.2, 0.0],
         delta=1.5, fields=[0.5, -0.1, 0.0, 0.3, -0.8], hopping=[0.8, 1.1, 1.0, 0.4]),
    dict(n=5, coupling=1.0, c=-1.0, d=0.3, dephasing=0.0, delta=0.3, fields=[0.2, 0.0, 0.0, 0.0, -0.2]),
]


@pytest.mark.parametrize("params", CASES, ids=[f"n{c['n']}-{k}" for k, c in enumerate(CASES)])
@pytest.mark.parametrize("linear_solver", ["lu", "gmres"])
def test_every_rdm_matches_dense_reference(params: dict, linear_solver: str) -> None:
    model = Model(**params)
    ness = exact.solve(model, linear_solver=linear_solver)
    assert ness.diagnostics.residual <= 1e-12
    assert ness.diagnostics.trace == pytest.approx(1.0, abs=1e-14)
    rho = dense_ness(model)
    n = model.n
    for i in range(1, n + 1):
        for j in range(i + 1, n + 1):
            np.testing.assert_allclose(ness.pair(i, j), dense_pair(rho, i, j, n), atol=1e-10)
            np.testing.assert_allclose(ness.pair(j, i), dense_pair(rho, i, j, n)[[0, 2, 1, 3]][:, [0, 2, 1, 3]],
                                       atol=1e-10)
    full = ness.density_matrix.to_dense()
    np.testing.assert_allclose(full, rho, atol=1e-10)
    assert exact.dense_residual(model, full) == pytest.approx(ness.diagnostics.residual, rel=1e-3, abs=1e-15)


def test_gmres_and_lu_agree_at_n7_and_state_is_physical() -> None:
    model = Model(7, coupling_left=0.8, coupling_right=1.4, mu=1.2, mu_bar=0.1, dephasing=0.05, delta=0.4,
                  fields=np.linspace(-0.5, 0.5, 7), hopping=[1, 0.9, 1.1, 1, 0.8, 1.2])
    a = exact.solve(model, linear_solver="gmres")
    b = exact.solve(model, linear_solver="lu")
    for d in (a.diagnostics, b.diagnostics):
        assert d.residual <= 1e-12 and d.hermiticity < 1e-10
    np.testing.assert_allclose(a.density_matrix.to_dense(), b.density_matrix.to_dense(), atol=1e-11)
    ev = np.linalg.eigvalsh(b.density_matrix.to_dense())
    assert ev.min() > -1e-12
    # continuity: d⟨σᶻ_j⟩/dt = 0 in the bulk ⇒ the magnetization flux 4 J_j t_j is the same on every bond
    flux = model.hopping * b.current
    np.testing.assert_allclose(flux, flux[0], atol=1e-11)


# -- Eq. 24: the dephasing γ_c where bulk entanglement of the central pair dies ---------------------------


def test_gamma_c_of_eq_24_from_the_sign_change_of_lambda_min() -> None:
    n, gam = 6, 1.0
    base = Model(n, coupling=gam, mu=2.0, mu_bar=0.0)

    def lam(g: float) -> float:
        ness = exact.solve(base.replace(dephasing=g))
        assert ness.diagnostics.residual <= 1e-12
        return float(lambda_min(ness.pair(3, 4)))

    assert lam(0.05) < 0 < lam(0.15)
    root = brentq(lam, 0.05, 0.15, xtol=1e-13, rtol=1e-13)
    assert root == pytest.approx((math.sqrt(2) + 1 - gam - 1 / gam) / (n - 2), abs=1e-7)


# -- options, limits, fallbacks -------------------------------------------------------------------------


def test_front_door_and_limits() -> None:
    model = Model(4, mu=1.0, dephasing=0.1)
    assert nesskit.solve(model, method="exact").method == "exact"
    assert exact.applicable(model) is None
    big = Model(16, mu=1.0)  # C(32, 16) = 6e8 unknowns: ~300 GiB
    reason = exact.applicable(big)
    assert reason is not None and "n = 16" in reason and "GiB" in reason
    with pytest.raises(SolverError, match="GiB"):
        exact.solve(big)


@pytest.mark.parametrize(
    ("options", "name"),
    [({"tol": -1.0}, "tol"), ({"tol": 0.0}, "tol"), ({"linear_solver": "qr"}, "linear_solver"),
     ({"maxiter": 0}, "maxiter"), ({"restart": 1}, "restart"), ({"max_refinements": -1}, "max_refinements")],
)
def test_bad_options_are_named(options: dict, name: str) -> None:
    with pytest.raises(ParameterError, match=name):
        exact.solve(Model(3, mu=1.0), **options)


def test_guess_must_match() -> None:
    with pytest.raises(ParameterError, match="guess"):
        exact.solve(Model(4, mu=1.0), guess=exact.solve(Model(3, mu=1.0)))


def test_guess_saves_iterations() -> None:
    model = Model(8, coupling=1.0, mu=1.0, dephasing=0.1)
    cold = exact.solve(model)
    warm = exact.solve(model.replace(dephasing=0.1001), guess=cold)
    assert warm.diagnostics.residual <= 1e-12
    assert warm.diagnostics.iterations < cold.diagnostics.iterations


def test_unreachable_target_is_reported_or_raised() -> None:
    model = Model(4, mu=1.0, dephasing=0.1)
    loose = exact.solve(model, tol=1e-17, linear_solver="lu")  # below double-precision rounding
    if loose.diagnostics.residual > 1e-17:
        assert "TARGET MISSED" in loose.diagnostics.notes
        with pytest.raises(SolverError, match="residual"):
            exact.solve(model, tol=1e-17, linear_solver="lu", strict=True)
    with pytest.raises(SolverError, match="residual"):
        exact.solve(Model(8, mu=1.0, dephasing=0.1), linear_solver="gmres", maxiter=1, restart=2,
                    max_refinements=0)


def test_schur_fallback_gives_the_same_state(monkeypatch: pytest.MonkeyPatch) -> None:
    model = Model(5, coupling_left=0.7, coupling_right=2.0, mu=1.0, mu_bar=0.2, dephasing=0.1, delta=0.6)
    ref = exact.solve(model, linear_solver="gmres")
    monkeypatch.setattr(_exact_krylov, "MAX_PRECONDITIONER_ERROR", -1.0)
    schur = exact.solve(model, linear_solver="gmres")
    assert "Schur" in schur.diagnostics.notes and schur.diagnostics.residual <= 1e-12
    np.testing.assert_allclose(schur.density_matrix.to_dense(), ref.density_matrix.to_dense(), atol=1e-11)


@pytest.mark.parametrize("linear_solver", ["lu", "gmres"])
def test_dark_state_of_k(linear_solver: str) -> None:
    """n = 2, J = 0, c = d = 1: only σ⁻₁ and σ⁺₂ act, |↓↑⟩ is dark for K (𝓛₀ singular: shifted split).
    The NESS is the pure state |↓↑⟩⟨↓↑|."""
    ness = exact.solve(Model(2, hopping=0.0, c=1.0, d=1.0), linear_solver=linear_solver)
    want = np.zeros((4, 4))
    want[2, 2] = 1.0
    np.testing.assert_allclose(ness.pair(1, 2), want, atol=1e-12)
    if linear_solver == "gmres":
        assert "shifted" in ness.diagnostics.notes


def test_block_density_matrix() -> None:
    model = Model(5, coupling=0.8, mu=0.7, mu_bar=-0.1, dephasing=0.2)
    ness = exact.solve(model)
    dm = ness.density_matrix
    assert [b.shape[0] for b in dm.blocks] == [math.comb(5, m) for m in range(6)]
    full = dm.to_dense()
    assert np.trace(full) == pytest.approx(1.0)
    # every entry outside the blocks is zero (M-conservation); dims: states m up
    mask = np.zeros(full.shape, dtype=bool)
    for s in dm.states:
        mask[np.ix_(s, s)] = True
    assert np.all(full[~mask] == 0)
    with pytest.raises(ParameterError, match="max_sites"):
        dm.to_dense(max_sites=4)


def test_auto_falls_back_to_lu_at_n7_in_the_zeno_regime() -> None:
    """Γ ≫ 1 slows GMRES (frequent boundary jumps); with a tiny GMRES budget, auto must fall back to LU and still
    match Eq. 13."""
    gam = 15.0
    ness = exact.solve(Model(7, coupling=gam, mu=1.0), maxiter=1, restart=20, max_refinements=0)
    assert "fell back to sparse LU" in ness.diagnostics.notes
    assert ness.diagnostics.residual <= 1e-12
    t, a1, a, an = eq13(gam, gam, 1.0, 0.0)
    np.testing.assert_allclose(ness.magnetization, [a1] + [a] * 5 + [an], atol=1e-10)
    np.testing.assert_allclose(ness.current, t, atol=1e-10)
    with pytest.raises(SolverError, match="raise maxiter/restart"):
        exact.solve(Model(7, coupling=gam, mu=1.0), linear_solver="gmres", maxiter=1, restart=20, max_refinements=0)

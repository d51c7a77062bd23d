"""The closed forms of SPEC §3–§4 against independent solutions: the dense 4ⁿ Lindbladian (n ≤ 5), the exact
solver (n ≤ 7, when installed), the printed Eq. 13–15/20 formulas, and the fermionic correlation equations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nesskit as nk
from dense_reference import dense_ness, dense_pair
from nesskit.entanglement import entanglement_measures
from nesskit.errors import ParameterError
from nesskit.operators import SIGMA_X, SIGMA_Y, SIGMA_Z, site_operator
from nesskit.solvers import closed_form as cf

unit = st.floats(-1.0, 1.0)
rate = st.floats(0.1, 4.0)
dephasing = st.one_of(st.just(0.0), st.floats(0.0, 2.0))


@st.composite
def models(draw, n_max: int) -> nk.Model:
    n = draw(st.integers(2, n_max))
    return nk.Model(n, coupling_left=draw(rate), coupling_right=draw(rate), c=draw(unit), d=draw(unit),
                    dephasing=draw(dephasing))


def _args(m: nk.Model) -> tuple:
    return (m.coupling_left, m.coupling_right, m.mu, m.mu_bar, m.uniform_dephasing)


@settings(max_examples=25, deadline=None)
@given(models(5))
def test_every_pair_matches_dense_reference(model: nk.Model) -> None:
    rho = dense_ness(model)
    n = model.n
    ness = cf.solve(model)
    for k in range(1, n + 1):
        z_k = np.trace(rho @ site_operator(SIGMA_Z, k, n).toarray()).real
        assert z_k == pytest.approx(ness.magnetization[k - 1], abs=1e-10)
    for j in range(1, n):
        xy = np.trace(rho @ (site_operator(SIGMA_X, j, n) @ site_operator(SIGMA_Y, j + 1, n)).toarray()).real
        zz = np.trace(rho @ (site_operator(SIGMA_Z, j, n) @ site_operator(SIGMA_Z, j + 1, n)).toarray()).real
        assert -xy == pytest.approx(ness.current[j - 1], abs=1e-10)
        assert zz == pytest.approx(ness.zz[j - 1], abs=1e-10)
    for i in range(1, n + 1):
        for j in range(i + 1, n + 1):
            ref = dense_pair(rho, i, j, n)
            np.testing.assert_allclose(ness.pair(i, j), ref, atol=1e-10)
            got = cf.pair_entanglement(i, j, n, *_args(model))
            want = entanglement_measures(ref)
            for key in ("lambda_min", "negativity", "concurrence"):
                assert float(got[key]) == pytest.approx(float(want[key]), abs=1e-9)
    assert ness.diagnostics.residual is not None and ness.diagnostics.residual < 1e-10


@pytest.mark.skipif("exact" not in nk.available_methods(), reason="exact solver not installed")
@settings(max_examples=10, deadline=None)
@given(models(7))
def test_every_pair_matches_exact_solver(model: nk.Model) -> None:
    exact = nk.solve(model, method="exact")
    ness = cf.solve(model)
    np.testing.assert_allclose(ness.magnetization, exact.magnetization, atol=1e-10)
    np.testing.assert_allclose(ness.current, exact.current, atol=1e-10)
    np.testing.assert_allclose(ness.zz, exact.zz, atol=1e-10)
    for i in range(1, model.n + 1):
        for j in range(i + 1, model.n + 1):
            np.testing.assert_allclose(ness.pair(i, j), exact.pair(i, j), atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(rate, rate, unit, unit, st.integers(3, 30))
def test_gamma_zero_reduces_to_eq13(gl: float, gr: float, c: float, d: float, n: int) -> None:
    """Eq. 13 as printed (SPEC §3), with D = (1 + Γ_LΓ_R)(Γ_L + Γ_R)."""
    mu, mb = c + d, (d - c) / 2
    big_d = (1 + gl * gr) * (gl + gr)
    t = mu * gl * gr / big_d
    a1 = mb - mu / 2 * ((gl - gr) + gl * gr * (gl + gr)) / big_d
    a = mb - mu / 2 * (gl - gr) * (1 - gl * gr) / big_d
    an = mb - mu / 2 * ((gl - gr) - gl * gr * (gl + gr)) / big_d
    mag = cf.magnetization(n, gl, gr, mu, mb)
    np.testing.assert_allclose(mag, [a1, *([a] * (n - 2)), an], atol=1e-12)
    assert float(cf.current(n, gl, gr, mu, mb)) == pytest.approx(t, abs=1e-12)
    z1, z2, zz, pm = cf.pair_correlations(1, 2, n, gl, gr, mu, mb)
    assert float(zz) == pytest.approx(a1 * (a if n > 2 else an) - t**2, abs=1e-12)
    assert complex(pm) == pytest.approx(0.5j * t, abs=1e-12)
    # the boundary pair (Eq. 15) and the bulk pair (Eq. 20): the block eigenvalue bounds λ_min from above
    lam = float(cf.pair_entanglement(1, 2, n, gl, gr, mu, mb)["lambda_min"])
    eq15 = 0.25 * (1 + a * a1 - t**2 - np.sqrt((a + a1) ** 2 + 4 * t**2))
    if n > 2 and gl == gr:
        assert lam <= eq15 + 1e-14
        assert (lam < -1e-12) == (eq15 < -1e-12)
    if n > 3 and gl == gr:
        eq20 = 0.25 * (1 + a**2 - t**2 - 2 * np.sqrt(a**2 + t**2))
        assert float(cf.pair_entanglement(2, 3, n, gl, gr, mu, mb)["lambda_min"]) == pytest.approx(
            min(eq20, 0.25 * (1 - a**2 + t**2)), abs=1e-12)


def test_equal_coupling_special_case() -> None:
    """SPEC §3, Γ_L = Γ_R = Γ: t = (μ/2)Γ/(1 + Γ²), a₁ = μ̄ − Γt, a = μ̄, aₙ = μ̄ + Γt."""
    g, mu, mb = 1.7, 0.8, -0.3
    t = mu / 2 * g / (1 + g**2)
    np.testing.assert_allclose(cf.magnetization(6, g, g, mu, mb), [mb - g * t, mb, mb, mb, mb, mb + g * t])


def test_broadcasting_shapes_and_values() -> None:
    c = np.linspace(-1, 1, 5)[:, None]
    d = np.linspace(-1, 1, 7)[None, :]
    mu, mb = c + d, (d - c) / 2
    gammas = np.array([0.0, 0.3])[:, None, None]
    mag = cf.magnetization(6, 1.2, 0.7, mu, mb, gammas)
    assert mag.shape == (2, 5, 7, 6)
    assert cf.current(6, 1.2, 0.7, mu, mb, gammas).shape == (2, 5, 7)
    rdm = cf.pair_rdm(2, 5, 6, 1.2, 0.7, mu, mb, gammas)
    assert rdm.shape == (2, 5, 7, 4, 4)
    ent = cf.pair_entanglement(2, 5, 6, 1.2, 0.7, mu, mb, gammas)
    assert ent["lambda_min"].shape == (2, 5, 7)
    # each grid point equals the scalar call
    for idx in [(0, 0, 0), (1, 4, 6), (1, 2, 3)]:
        scalar = cf.pair_rdm(2, 5, 6, 1.2, 0.7, float(mu[idx[1:]]), float(mb[idx[1:]]), float(gammas[idx[0], 0, 0]))
        np.testing.assert_allclose(rdm[idx], scalar, atol=1e-15)
    np.testing.assert_allclose(ent["lambda_min"], entanglement_measures(rdm)["lambda_min"], atol=1e-12)


def test_far_pairs_and_huge_chains_are_finite() -> None:
    n = 10**6
    z_i, z_j, zz, pm = cf.pair_correlations(1, n, n, np.array([0.01, 1.0, 100.0]), 1.0, 2.0, 0.0, 1e-3)
    for arr in (z_i, z_j, zz, pm):
        assert np.all(np.isfinite(arr))
    assert np.all(pm == 0)  # underflow, never NaN
    model = nk.Model(n, coupling=1.3, mu=1.0, dephasing=0.1)
    ness = cf.solve(model)  # its speed is measured in benchmarks/bench_scaling.py, not asserted here
    assert ness.diagnostics.residual is None and "not evaluated" in ness.diagnostics.notes
    assert ness.pair(n // 2, n // 2 + 1).shape == (4, 4)
    assert np.isfinite(ness.magnetization).all() and ness.current.shape == (n - 1,)


def test_coherence_at_distance_matches_product_formula() -> None:
    """⟨σ⁺_jσ⁻_{j+d}⟩ from the (independent) Wick determinant of the tridiagonal fermionic C at γ = 0."""
    n, g, mu, mb = 9, 0.8, 1.4, 0.1
    mag = cf.magnetization(n, g, g, mu, mb)
    t = float(cf.current(n, g, g, mu, mb))
    cm = np.diag((1 + mag) / 2).astype(complex) + np.diag(np.full(n - 1, 0.5j * t), 1) \
        + np.diag(np.full(n - 1, -0.5j * t), -1)
    for i, j in [(1, 3), (2, 6), (1, 9), (4, 5)]:
        # σ⁺_iσ⁻_j = c†_i Π_{i<l<j}(1 − 2n_l) c_j, evaluated in the Gaussian state with this C (Fock space)
        val = _string_correlator(cm, i - 1, j - 1)
        _, _, _, pm = cf.pair_correlations(i, j, n, g, g, mu, mb)
        assert complex(pm) == pytest.approx(val, abs=1e-12)


def _string_correlator(cm: np.ndarray, a: int, b: int) -> complex:
    """⟨c†_a Π_{a<l<b}(1 − 2n_l) c_b⟩ for a Gaussian state with C_jk = ⟨c†_j c_k⟩, by brute-force Fock space."""
    n = cm.shape[0]
    # build the Gaussian density matrix on 2^n Fock space from C (number conserving): ρ ∝ exp(−Σ ε c†c)
    w, v = np.linalg.eigh(cm.T)  # occupations of modes: C^T = V diag(w) V†, mode f_k = Σ_j conj(V_jk) c_j
    dim = 2**n
    ops = [_annihilator(j, n) for j in range(n)]
    rho = np.eye(dim, dtype=complex)
    for k in range(n):
        f = sum(np.conj(v[j, k]) * ops[j] for j in range(n))
        nk_op = f.conj().T @ f
        rho = rho @ (w[k] * nk_op + (1 - w[k]) * (np.eye(dim) - nk_op))
    string = np.eye(dim, dtype=complex)
    for lsite in range(a + 1, b):
        string = string @ (np.eye(dim) - 2 * ops[lsite].conj().T @ ops[lsite])
    return complex(np.trace(rho @ ops[a].conj().T @ string @ ops[b]))


def _annihilator(j: int, n: int) -> np.ndarray:
    lower = np.array([[0, 1], [0, 0]], dtype=complex)  # |0⟩ = (1,0) empty, |1⟩ = (0,1) occupied
    parity = np.diag([1.0, -1.0]).astype(complex)
    out = np.eye(1, dtype=complex)
    for k in range(n):
        out = np.kron(out, parity if k < j else lower if k == j else np.eye(2))
    return out


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"coupling_left": np.array([1.0, -0.5])}, "coupling_left"),
        ({"coupling_right": 0.0}, "coupling_right"),
        ({"dephasing": np.array([[0.1], [-1e-3]])}, "dephasing"),
        ({"mu": np.array([0.5, 2.5])}, "rhombus"),
        ({"mu_bar": np.nan}, "mu_bar"),
    ],
)
def test_bad_vectorised_input_names_parameter(kwargs: dict, name: str) -> None:
    args = {"coupling_left": 1.0, "coupling_right": 1.0, "mu": 0.5, "mu_bar": 0.0, "dephasing": 0.0}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=name):
        cf.magnetization(4, **args)
    with pytest.raises(ParameterError, match=name):
        cf.pair_entanglement(1, 3, 4, **args)


def test_bad_sites_and_n() -> None:
    with pytest.raises(ParameterError, match="i < j"):
        cf.pair_correlations(3, 2, 4, 1.0, 1.0, 0.5, 0.0)
    with pytest.raises(ParameterError, match="site j"):
        cf.pair_correlations(1, 5, 4, 1.0, 1.0, 0.5, 0.0)
    with pytest.raises(ParameterError, match="n must be"):
        cf.magnetization(1, 1.0, 1.0, 0.5, 0.0)


def test_applicability_and_front_door() -> None:
    assert cf.applicable(nk.Model(10**5, coupling_left=0.3, coupling_right=2.0, mu=1.0)) is None
    assert cf.applicable(nk.Model(4, delta=0.5)) is not None
    assert cf.applicable(nk.Model(4, dephasing=[0.1, 0.2, 0.1, 0.1])) is not None
    ness = nk.solve(nk.Model(5, coupling=1.0, c=1.0, d=1.0), method="closed-form")
    assert ness.method == "closed-form"
    assert nk.choose_method(nk.Model(5, coupling=1.0, c=1.0, d=1.0)) == "closed-form"

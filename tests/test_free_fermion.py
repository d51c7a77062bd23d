"""free-fermion solver against independent references: the dense 4ⁿ Lindbladian (n ≤ 5), the exact solver
(n ≤ 7), and SPEC §3 (Eq. 13, transcribed here) for uniform chains at n = 50 and 500."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nesskit
import nesskit as nk
from dense_reference import dense_ness, dense_pair
from nesskit import Model, ParameterError
from nesskit.solvers import free_fermion

# (c, d) in the valid square, couplings, and a seed for random fields/hopping
square = st.floats(-1.0, 1.0)
couplings = st.floats(0.2, 3.0)


def random_chain(n: int, seed: int, c: float = 0.7, d: float = -0.3, gl: float = 0.8, gr: float = 1.7,
                 dephasing: float | np.ndarray = 0.0) -> Model:
    rng = np.random.default_rng(seed)
    return Model(n, coupling_left=gl, coupling_right=gr, c=c, d=d, fields=rng.uniform(-1.5, 1.5, n),
                 hopping=rng.uniform(0.4, 1.6, n - 1), dephasing=dephasing)


def all_pairs(n: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(1, n + 1) for j in range(i + 1, n + 1)]


@settings(max_examples=12, deadline=None)
@given(n=st.integers(2, 5), c=square, d=square, gl=couplings, gr=couplings, seed=st.integers(0, 10**6))
def test_every_pair_matches_dense_reference(n: int, c: float, d: float, gl: float, gr: float, seed: int) -> None:
    model = random_chain(n, seed, c, d, gl, gr)
    rho = dense_ness(model)
    ness = free_fermion.solve(model)
    for i, j in all_pairs(n):  # non-adjacent pairs exercise the Jordan–Wigner string determinant
        np.testing.assert_allclose(ness.pair(i, j), dense_pair(rho, i, j, n), atol=1e-9)
    assert ness.diagnostics.residual < 1e-10


def test_profiles_match_dense_reference_both_algorithms() -> None:
    model = random_chain(5, 3)
    rho = dense_ness(model)
    ref_z = [np.trace(dense_pair(rho, j, j + 1, 5) @ np.diag([1, 1, -1, -1])).real for j in range(1, 5)]
    ref_zz = [np.trace(dense_pair(rho, j, j + 1, 5) @ np.diag([1, -1, -1, 1])).real for j in range(1, 5)]
    # t = ⟨σʸ_jσˣ_{j+1}⟩ computed from the dense rdm, independently of the solver's formula
    sy = np.array([[0, -1j], [1j, 0]])
    sx = np.array([[0, 1], [1, 0]])
    ref_t = [np.trace(dense_pair(rho, j, j + 1, 5) @ np.kron(sy, sx)).real for j in range(1, 5)]
    for algorithm in ("eigen", "bartels-stewart"):
        ness = free_fermion.solve(model, algorithm=algorithm)
        np.testing.assert_allclose(ness.magnetization[:4], ref_z, atol=1e-10)
        np.testing.assert_allclose(ness.zz, ref_zz, atol=1e-10)
        np.testing.assert_allclose(ness.current, ref_t, atol=1e-10)


@pytest.mark.parametrize("n", [6, 7])
def test_matches_exact_solver(n: int) -> None:
    if "exact" not in nesskit.available_methods():
        pytest.skip("exact solver not installed")
    model = random_chain(n, 10 + n)
    ref = nesskit.solve(model, method="exact")
    ness = free_fermion.solve(model)
    np.testing.assert_allclose(ness.magnetization, ref.magnetization, atol=1e-9)
    np.testing.assert_allclose(ness.current, ref.current, atol=1e-9)
    np.testing.assert_allclose(ness.zz, ref.zz, atol=1e-9)
    for i, j in [(1, n), (2, n - 1), (1, 3)]:
        np.testing.assert_allclose(ness.pair(i, j), ref.pair(i, j), atol=1e-9)


def eq13(n: int, gl: float, gr: float, mu: float, mu_bar: float) -> tuple[np.ndarray, float]:
    """SPEC §3 (Eq. 13) transcribed: the magnetization profile and the current of the uniform XX chain."""
    den = (1 + gl * gr) * (gl + gr)
    t = mu * gl * gr / den
    bulk = mu_bar - (mu / 2) * (gl - gr) * (1 - gl * gr) / den
    z = np.full(n, bulk)
    z[0] = mu_bar - (mu / 2) * ((gl - gr) + gl * gr * (gl + gr)) / den
    z[-1] = mu_bar - (mu / 2) * ((gl - gr) - gl * gr * (gl + gr)) / den
    return z, t


@pytest.mark.parametrize("n", [50, 500])
def test_uniform_chain_equals_eq13(n: int) -> None:
    gl, gr, mu, mu_bar = 0.6, 1.9, 0.9, -0.25
    model = Model(n, coupling_left=gl, coupling_right=gr, mu=mu, mu_bar=mu_bar, fields=0.37)  # uniform field
    ness = free_fermion.solve(model)
    z, t = eq13(n, gl, gr, mu, mu_bar)
    np.testing.assert_allclose(ness.magnetization, z, atol=1e-10)
    np.testing.assert_allclose(ness.current, t, atol=1e-10)
    np.testing.assert_allclose(ness.zz, z[:-1] * z[1:] - t**2, atol=1e-10)
    # far pairs: ⟨σ⁺_jσ⁻_{j+d}⟩ = (iμ)^d / (2Σ^d) at γ = 0 (SPEC §4), Σ = Γ_L + Γ_R + 1/Γ_L + 1/Γ_R
    sigma = gl + gr + 1 / gl + 1 / gr
    for i, j in [(n // 2, n // 2 + 2), (3, 6)]:
        d = j - i
        pm = ness.pair(i, j)[2, 1]
        assert abs(pm - (1j * mu) ** d / (2 * sigma**d)) < 1e-10
        np.testing.assert_allclose(ness.pair(i, j)[0, 0], (1 + z[i - 1] + z[j - 1] + z[i - 1] * z[j - 1]) / 4,
                                   atol=1e-10)


def test_uniform_chain_matches_closed_form_module() -> None:
    closed_form = pytest.importorskip("nesskit.solvers.closed_form")
    model = Model(50, coupling_left=1.3, coupling_right=0.45, mu=-0.6, mu_bar=0.1)
    ref = closed_form.solve(model)
    ness = free_fermion.solve(model)
    np.testing.assert_allclose(ness.magnetization, ref.magnetization, atol=1e-10)
    np.testing.assert_allclose(ness.current, ref.current, atol=1e-10)
    np.testing.assert_allclose(ness.zz, ref.zz, atol=1e-10)
    np.testing.assert_allclose(ness.pair(10, 13), ref.pair(10, 13), atol=1e-10)


def test_large_disordered_chain_is_consistent() -> None:
    # weak disorder: with stronger disorder or longer chains some modes decouple to machine precision (next test)
    rng = np.random.default_rng(5)
    n = 100
    model = Model(n, coupling_left=0.8, coupling_right=1.7, c=0.7, d=-0.3, fields=rng.uniform(-0.3, 0.3, n),
                  hopping=rng.uniform(0.9, 1.1, n - 1))
    ness = free_fermion.solve(model)
    assert ness.diagnostics.residual < 1e-9
    # the current is conserved in the NESS (continuity: J_j t_j is the same on every bond)
    flux = model.hopping * ness.current
    np.testing.assert_allclose(flux, flux[0], rtol=1e-8, atol=1e-13)
    assert np.all(np.abs(ness.magnetization) <= 1 + 1e-12)


def test_modes_localized_beyond_machine_precision_are_refused() -> None:
    # W = 20: localization length below one site, so bulk modes couple to the ends with amplitude ~ 10^-100
    model = Model(200, mu=1.0, fields=nesskit.disorder_fields(200, 20.0, seed=1))
    for algorithm in ("eigen", "bartels-stewart"):
        with pytest.raises(nesskit.SolverError, match="decoupled"):
            free_fermion.solve(model, algorithm=algorithm)


def test_applicable_and_errors() -> None:
    assert free_fermion.applicable(Model(4)) is None
    assert "dephasing" in free_fermion.applicable(Model(4, dephasing=0.1))
    assert "delta" in free_fermion.applicable(Model(4, delta=0.5))
    with pytest.raises(ParameterError, match="dephasing"):
        free_fermion.solve(Model(4, dephasing=[0, 0.1, 0, 0]))
    with pytest.raises(ParameterError, match="algorithm"):
        free_fermion.solve(Model(4), algorithm="magic")
    assert nesskit.solve(random_chain(6, 1), method="free-fermion").method == "free-fermion"


@pytest.mark.parametrize("kwargs", [
    {"coupling": 3.0, "mu": 1.0},                                   # Zeno: degenerate end modes (a cluster)
    {"coupling_left": 0.4, "coupling_right": 1.7, "mu": -0.7, "mu_bar": 0.2},
])
def test_tridiagonal_eigensolver_equals_lapack_route(kwargs):
    """The O(n²) Ehrlich–Aberth + inverse-iteration eigenpairs give the same C as LAPACK's zgeev/Bartels–Stewart."""
    from nesskit.solvers import _jordan_wigner as jw
    from nesskit.solvers import free_fermion as ff

    rng = np.random.default_rng(11)
    n = 70  # weak disorder, so that no mode is localized beyond machine precision (see the module docstring)
    model = nk.Model(n, fields=rng.uniform(-0.05, 0.05, n), hopping=rng.uniform(0.9, 1.1, n - 1), **kwargs)
    assert ff._tridiagonal_eigen(model) is not None  # the fast route really runs
    fast, used = ff.correlation_matrix(model, "eigen")
    reference, _ = ff.correlation_matrix(model, "bartels-stewart")
    assert used == "eigen"
    # modes relaxing at ~5e-7 make C conditioned ~1e6 × eps: both routes agree to that, and the fast one is at
    # least as accurate in the residual of the Lyapunov equation
    np.testing.assert_allclose(fast, reference, atol=1e-9)
    assert jw.correlation_residual(model, fast) <= max(10 * jw.correlation_residual(model, reference), 1e-12)


def test_long_chain_fast_route_matches_closed_form():
    model = nk.Model(600, coupling=2.5, mu=1.2, mu_bar=-0.1)
    ff_ness = nk.solve(model, method="free-fermion")
    cf = nk.solve(model, method="closed-form")
    np.testing.assert_allclose(ff_ness.magnetization, cf.magnetization, atol=1e-10)
    np.testing.assert_allclose(ff_ness.current, cf.current, atol=1e-12)
    np.testing.assert_allclose(ff_ness.pair(300, 301), cf.pair(300, 301), atol=1e-10)

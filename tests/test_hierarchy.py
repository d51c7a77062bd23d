"""hierarchy solver against independent references: the dense 4ⁿ Lindbladian (n ≤ 5), the exact solver (n ≤ 7),
SPEC §4's closed forms (transcribed here) for uniform dephasing at n = 50 and 500, and the free-fermion solver at
γ = 0 for random inhomogeneous chains."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nesskit
from dense_reference import dense_ness, dense_pair
from nesskit import Model, ParameterError
from nesskit.solvers import free_fermion, hierarchy

square = st.floats(-1.0, 1.0)
couplings = st.floats(0.2, 3.0)


def random_chain(n: int, seed: int, c: float = 0.6, d: float = 0.9, gl: float = 1.4, gr: float = 0.5,
                 dephasing: float | None = None) -> Model:
    rng = np.random.default_rng(seed)
    gamma = rng.uniform(0.0, 0.6, n) if dephasing is None else dephasing
    return Model(n, coupling_left=gl, coupling_right=gr, c=c, d=d, fields=rng.uniform(-1.0, 1.0, n),
                 hopping=rng.uniform(0.5, 1.5, n - 1), dephasing=gamma)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 5), c=square, d=square, gl=couplings, gr=couplings, seed=st.integers(0, 10**6))
def test_nearest_neighbour_pairs_match_dense_reference(n: int, c: float, d: float, gl: float, gr: float,
                                                       seed: int) -> None:
    model = random_chain(n, seed, c, d, gl, gr)
    rho = dense_ness(model)
    ness = hierarchy.solve(model)
    for i in range(1, n):
        np.testing.assert_allclose(ness.pair(i, i + 1), dense_pair(rho, i, i + 1, n), atol=1e-9)
    z_ref = [np.trace(dense_pair(rho, 1, 2, n) @ np.diag([1, -1, 1, -1])).real]
    np.testing.assert_allclose(ness.magnetization[1:2], z_ref, atol=1e-10)


def test_direct_and_krylov_four_point_agree() -> None:
    model = random_chain(9, 4)
    a = hierarchy.solve(model, four_point=True, four_point_solver="direct")
    b = hierarchy.solve(model, four_point=True, four_point_solver="krylov")
    np.testing.assert_allclose(a.zz, b.zz, atol=1e-10)
    assert b.diagnostics.iterations and b.diagnostics.residual < 1e-9


@pytest.mark.parametrize("n", [6, 7])
def test_matches_exact_solver(n: int) -> None:
    if "exact" not in nesskit.available_methods():
        pytest.skip("exact solver not installed")
    model = random_chain(n, 20 + n)
    ref = nesskit.solve(model, method="exact")
    ness = hierarchy.solve(model)
    np.testing.assert_allclose(ness.magnetization, ref.magnetization, atol=1e-9)
    np.testing.assert_allclose(ness.current, ref.current, atol=1e-9)
    np.testing.assert_allclose(ness.zz, ref.zz, atol=1e-9)
    np.testing.assert_allclose(ness.pair(3, 4), ref.pair(3, 4), atol=1e-9)


def spec4(n: int, gl: float, gr: float, mu: float, mu_bar: float, g: float) -> tuple[np.ndarray, float, np.ndarray]:
    """SPEC §4 transcribed: magnetization, current and nearest-neighbour ⟨σᶻσᶻ⟩ for uniform dephasing γ = g."""
    sigma = gl + gr + 1 / gl + 1 / gr + 2 * g * (n - 1)
    k = 2 * g / (sigma - 2 * g)
    u = np.array([1 / gl + gl + 2 * g * (j - 1) for j in range(1, n + 1)])
    u[0] = 1 / gl
    u[-1] = sigma - 1 / gr
    v = sigma - u
    z = mu_bar - mu / 2 + mu * u / sigma
    t = mu / sigma
    zz = z[:-1] * z[1:] - t**2 * (k * u[:-1] * v[1:] + 1 + k)
    return z, t, zz


@pytest.mark.parametrize("n, four", [(20, True), (50, False), (500, False)])
def test_uniform_dephasing_equals_spec4(n: int, four: bool) -> None:
    gl, gr, mu, mu_bar, g = 1.3, 0.7, 0.8, 0.15, 0.07
    model = Model(n, coupling_left=gl, coupling_right=gr, mu=mu, mu_bar=mu_bar, dephasing=g)
    ness = hierarchy.solve(model, four_point=four)
    z, t, zz = spec4(n, gl, gr, mu, mu_bar, g)
    np.testing.assert_allclose(ness.magnetization, z, atol=1e-10)
    np.testing.assert_allclose(ness.current, t, atol=1e-10)
    if four:
        np.testing.assert_allclose(ness.zz, zz, atol=1e-10)


def test_uniform_dephasing_matches_closed_form_module() -> None:
    closed_form = pytest.importorskip("nesskit.solvers.closed_form")
    model = Model(16, coupling=0.9, c=0.8, d=0.95, dephasing=0.03)
    ref = closed_form.solve(model)
    ness = hierarchy.solve(model)
    np.testing.assert_allclose(ness.zz, ref.zz, atol=1e-10)
    np.testing.assert_allclose(ness.pair(8, 9), ref.pair(8, 9), atol=1e-10)


def test_free_fermion_equals_hierarchy_without_dephasing() -> None:
    for seed in (1, 2):
        model = random_chain(30, seed, dephasing=0.0)
        ff = free_fermion.solve(model)
        hi = hierarchy.solve(model, four_point=False)
        np.testing.assert_allclose(hi.magnetization, ff.magnetization, atol=1e-10)
        np.testing.assert_allclose(hi.current, ff.current, atol=1e-10)
    model = random_chain(16, 3, dephasing=0.0)  # the 4-point functions against Wick
    np.testing.assert_allclose(hierarchy.solve(model, four_point=True).zz, free_fermion.solve(model).zz,
                               atol=1e-10)


def test_site_dependent_dephasing_conserves_current() -> None:
    model = random_chain(200, 9)
    ness = hierarchy.solve(model, four_point=False)
    flux = model.hopping * ness.current  # continuity: J_j t_j is the same on every bond
    np.testing.assert_allclose(flux, flux[0], rtol=1e-8)
    assert ness.diagnostics.residual < 1e-9


def test_profile_only_result_is_honest() -> None:
    model = Model(8, mu=1.0, dephasing=0.2)
    ness = hierarchy.solve(model, four_point=False)
    assert ness.zz is None
    with pytest.raises(ParameterError, match="four_point"):
        ness.pair(2, 3)
    out = ness.to_dict()
    assert out["zz"] is None and len(out["magnetization"]) == 8
    json.dumps(out)


def test_pairs_and_errors() -> None:
    model = Model(6, mu=1.0, dephasing=0.1)
    assert hierarchy.applicable(model, ((2, 3),)) is None
    assert "nearest-neighbour" in hierarchy.applicable(model, ((2, 4),))
    assert "delta" in hierarchy.applicable(Model(6, delta=1.0))
    ness = hierarchy.solve(model)
    with pytest.raises(ParameterError, match="Jordan–Wigner string"):
        ness.pair(2, 4)
    with pytest.raises(ParameterError, match="four_point"):
        hierarchy.solve(model, four_point="yes")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="four_point_solver"):
        hierarchy.solve(model, four_point_solver="magic")
    # the front door picks the hierarchy for inhomogeneous dephasing and adjacent pairs, not for far pairs
    inhomogeneous = Model(6, mu=1.0, dephasing=[0.1, 0.2, 0.1, 0.0, 0.3, 0.1])
    assert nesskit.choose_method(inhomogeneous, [(1, 2)]) == "hierarchy"
    assert nesskit.choose_method(inhomogeneous, [(1, 3)]) != "hierarchy"


def test_two_point_eigen_route_equals_sparse_lu():
    """The O(n²)-memory route (eigenpairs of A' + GMRES on the occupations) against sparse LU on n² unknowns."""
    from nesskit.solvers import hierarchy as hh

    rng = np.random.default_rng(5)
    n = 120
    model = Model(n, coupling_left=0.6, coupling_right=1.4, mu=0.9, mu_bar=-0.2,
                  dephasing=rng.uniform(0.02, 0.2, n), fields=rng.uniform(-0.05, 0.05, n),
                  hopping=rng.uniform(0.9, 1.1, n - 1))
    eigen, res_eigen, used_eigen = hh.two_point(model, "eigen")
    lu, res_lu, used_lu = hh.two_point(model, "sparse-lu")
    assert (used_eigen, used_lu) == ("eigen", "sparse-lu")
    np.testing.assert_allclose(eigen, lu, atol=1e-11)
    assert res_eigen < 1e-11


def test_long_chain_with_dephasing_matches_closed_form():
    """n = 600 > TWO_POINT_LU_MAX_N takes the eigen route by default; profile and current vs SPEC §4."""
    from nesskit.solvers import closed_form

    model = Model(600, coupling=1.3, mu=1.0, mu_bar=0.1, dephasing=0.05)
    ness = nesskit.solve(model, method="hierarchy")
    assert "eigenvectors" in ness.diagnostics.notes
    np.testing.assert_allclose(ness.magnetization, closed_form.magnetization(600, 1.3, 1.3, 1.0, 0.1, 0.05),
                               atol=1e-10)
    np.testing.assert_allclose(ness.current, closed_form.current(600, 1.3, 1.3, 1.0, 0.1, 0.05), atol=1e-12)


def test_tridiagonal_eigenpairs_with_dephasing():
    """The O(n²) eigenpairs of A' = i𝗁 − B − 2Γ (used by the large-n 2-point route) are those of LAPACK."""
    import scipy.linalg as sla

    from nesskit.solvers import _jordan_wigner as jw

    model = Model(300, coupling_left=0.9, coupling_right=1.6, mu=1.0, dephasing=0.1)
    pairs = free_fermion._tridiagonal_eigen(model)
    assert pairs is not None
    lam, vec = pairs
    a = jw.drift_matrix(model)
    np.testing.assert_allclose(a @ vec, vec * lam, atol=1e-10)
    reference = sla.eigvals(a)
    assert np.max(np.min(np.abs(reference[:, None] - lam[None, :]), axis=1)) < 1e-10


def test_four_point_memory_guard_refuses_with_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    import nesskit.memory as memory
    from nesskit.errors import SolverError

    model = Model(10, mu=1.0, dephasing=0.1)
    needed = hierarchy.four_point_memory(model.n)
    # the estimate: 16 bytes × 91 arrays of m² entries, m = n(n−1)/2 pair states
    assert needed == pytest.approx(16 * 91 * (10 * 9 // 2) ** 2)
    monkeypatch.setattr(memory, "available_memory", lambda: needed / 2)
    with pytest.raises(SolverError, match=r"GiB.*four_point=False"):
        hierarchy.solve(model, four_point=True)
    monkeypatch.setattr(memory, "available_memory", lambda: needed * 2)
    assert hierarchy.solve(model, four_point=True).zz is not None

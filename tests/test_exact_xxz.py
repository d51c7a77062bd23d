"""The exact solver on interacting (XXZ) chains: convergence where GMRES used to stagnate, an independent symmetry
check, QuTiP as referee, memory refusals, threads and warm starts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nesskit.errors import ParameterError, SolverError
from nesskit.model import Model
from nesskit.solvers import exact
from nesskit.solvers._sector import BlockDensityMatrix

# -- the stagnation case ------------------------------------------------------------------------------------------


def test_stagnation_case_converges_within_the_iteration_bound() -> None:
    """n = 8, Δ = 0.5, c = d = 1, Γ = 1: the old solver reached ‖𝓛ρ‖ ≈ 1.9e-12 after 47 iterations and then ran
    to 1049. Now: ≤ 150 iterations for ‖𝓛ρ‖ ≤ 1e-12, the residual recomputed here independently on the dense ρ."""
    model = Model(8, coupling=1.0, c=1.0, d=1.0, delta=0.5)
    ness = exact.solve(model, linear_solver="gmres", threads=1)
    d = ness.diagnostics
    assert d.iterations is not None and d.iterations <= 150
    assert d.residual <= 1e-12
    rho = ness.density_matrix.to_dense()
    assert exact.dense_residual(model, rho) <= 1e-12
    # continuity: the magnetization flux 4 J t_j is the same on every bond (a check the solver does not impose)
    np.testing.assert_allclose(ness.current, ness.current[0], atol=1e-12)
    assert np.linalg.eigvalsh(rho).min() > -1e-12


@pytest.mark.parametrize("delta", [-0.5, 0.3, 0.6])
def test_small_delta_near_full_driving_converges(delta: float) -> None:
    """The whole stagnating region 0 < |Δ| ≲ 0.65 near c = d ≥ 0.9, with and without dephasing."""
    for deph in (0.0, 0.05):
        ness = exact.solve(Model(7, coupling=1.0, c=0.95, d=0.95, delta=delta, dephasing=deph),
                           linear_solver="gmres", threads=1)
        assert ness.diagnostics.iterations <= 150 and ness.diagnostics.residual <= 1e-12


# -- reflection × spin-flip symmetry ------------------------------------------------------------------------------


def reflect_flip(n: int) -> np.ndarray:
    """Permutation P of the 2ⁿ basis: site j → n + 1 − j (bit order reversed) and every spin flipped."""
    k = np.arange(2**n)
    rev = np.zeros_like(k)
    for bit in range(n):
        rev |= ((k >> bit) & 1) << (n - 1 - bit)
    return (2**n - 1) ^ rev


def symmetric_model(n: int, delta: float, gamma: float, cd: float, coupling: float, rng: np.random.Generator,
                    gamma_right: float | None = None) -> Model:
    """A chain mapped onto itself by reflection × spin flip: μ̄ = 0 (c = d), Γ_L = Γ_R, fields h_j = −h_{n+1−j},
    dephasing γ_j = γ_{n+1−j}, hopping J_j = J_{n−j}."""
    h = rng.uniform(-0.5, 0.5, n)
    h = h - h[::-1]
    g = gamma * rng.uniform(0.5, 1.5, n)
    g = 0.5 * (g + g[::-1])
    hop = rng.uniform(0.6, 1.4, n - 1)
    hop = 0.5 * (hop + hop[::-1])
    return Model(n, coupling_left=coupling, coupling_right=coupling if gamma_right is None else gamma_right,
                 c=cd, d=cd, delta=delta, dephasing=g, fields=h, hopping=hop)


@settings(max_examples=8, deadline=None)
@given(n=st.integers(6, 7), delta=st.floats(-1.5, 1.5), gamma=st.floats(0.0, 0.3), cd=st.floats(-1.0, 1.0),
       coupling=st.floats(0.3, 2.5), seed=st.integers(0, 2**16))
def test_reflection_times_spin_flip_invariance(n: int, delta: float, gamma: float, cd: float, coupling: float,
                                               seed: int) -> None:
    """ρ = PρP† for the reflection × spin flip P (an exact symmetry of these chains that the solver does not use)."""
    model = symmetric_model(n, delta, gamma, cd, coupling, np.random.default_rng(seed))
    ness = exact.solve(model, linear_solver="gmres", threads=1)
    assert ness.diagnostics.residual <= 1e-12
    rho = ness.density_matrix.to_dense()
    p = reflect_flip(n)
    np.testing.assert_allclose(rho[np.ix_(p, p)], rho, atol=1e-11)
    np.testing.assert_allclose(ness.magnetization, -ness.magnetization[::-1], atol=1e-11)
    np.testing.assert_allclose(ness.current, ness.current[::-1], atol=1e-11)


def test_symmetry_check_is_not_trivial() -> None:
    """With Γ_L ≠ Γ_R the symmetry is broken and the check above fails (so it can fail)."""
    model = symmetric_model(6, 0.5, 0.1, 0.8, 1.0, np.random.default_rng(3), gamma_right=1.7)
    rho = exact.solve(model, threads=1).density_matrix.to_dense()
    p = reflect_flip(6)
    assert np.abs(rho[np.ix_(p, p)] - rho).max() > 1e-3


def test_n8_symmetry_with_dephasing() -> None:
    model = symmetric_model(8, 0.5, 0.05, 1.0, 1.0, np.random.default_rng(11))
    ness = exact.solve(model, threads=1)
    assert ness.diagnostics.iterations <= 150 and ness.diagnostics.residual <= 1e-12
    rho = ness.density_matrix.to_dense()
    p = reflect_flip(8)
    np.testing.assert_allclose(rho[np.ix_(p, p)], rho, atol=1e-11)


# -- QuTiP as referee ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [6, 7])
def test_xxz_with_site_dephasing_matches_qutip(n: int) -> None:
    qutip = pytest.importorskip("qutip")
    from nesskit.interop import to_qutip

    model = Model(n, coupling_left=0.8, coupling_right=1.3, mu=1.1, mu_bar=0.2, delta=0.7,
                  dephasing=np.linspace(0.02, 0.2, n), fields=np.linspace(-0.3, 0.4, n))
    h, c_ops = to_qutip(model)  # QuTiP's textbook dissipator with √2·L collapse operators (SPEC §1)
    rho_q = qutip.steadystate(h, c_ops).full()
    rho_q /= np.trace(rho_q)
    ness = exact.solve(model, linear_solver="gmres", threads=1)
    np.testing.assert_allclose(ness.density_matrix.to_dense(), rho_q, atol=1e-10)
    assert ness.diagnostics.residual <= 1e-12


# -- memory estimate and refusals ---------------------------------------------------------------------------------


def test_memory_estimate_over_the_limit_is_refused_with_the_estimate() -> None:
    model = Model(11, mu=1.0, delta=0.5)
    need = exact.estimate_memory(11)
    assert 0.5 * 2**30 < need < 4 * 2**30  # C(22, 11) = 705 432 unknowns, ~61 real vectors of them and work
    limit = 0.25 * 2**30
    assert exact.applicable(model, memory_limit=limit) is not None
    with pytest.raises(SolverError, match=r"n = 11: 705,432 unknowns.*estimated \d+(\.\d+)? GiB") as info:
        exact.solve(model, memory_limit=limit)
    assert f"{need / 2**30:.3g} GiB" in str(info.value) and "memory_limit" in str(info.value)
    assert isinstance(info.value, ParameterError)  # callers that caught the old size limit still work
    assert exact.applicable(model, memory_limit=1e15) is None


def test_huge_n_message_is_short() -> None:
    reason = exact.applicable(Model(1000, mu=1.0))
    assert reason is not None and "n = 1000" in reason and "e600" in reason and len(reason) < 400
    with pytest.raises(SolverError, match="GiB"):
        exact.solve(Model(1000, mu=1.0))


def test_memory_grows_with_restart() -> None:
    assert exact.estimate_memory(12, restart=20) < exact.estimate_memory(12, restart=60)
    per_vector = exact.estimate_memory(12, restart=61) - exact.estimate_memory(12, restart=60)
    assert per_vector == pytest.approx(8 * math.comb(24, 12), rel=1e-6)


def test_sparse_lu_at_large_n_is_refused_naming_the_memory() -> None:
    with pytest.raises(SolverError, match=r"sparse LU factors needs an estimated .* GiB"):
        exact.solve(Model(10, mu=1.0), linear_solver="lu", memory_limit=16 * 2**30)


def test_superlu_singularity_becomes_a_solver_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """SuperLU's raw RuntimeError (a singular Liouvillian: the NESS is not unique) must arrive as SolverError."""
    def singular(_a: object) -> None:
        raise RuntimeError("Factor is exactly singular")

    monkeypatch.setattr(exact.spla, "splu", singular)
    with pytest.raises(SolverError, match="singular.*not unique"):
        exact.solve(Model(4, mu=1.0), linear_solver="lu")


# -- options ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "name"), [({"threads": 0}, "threads"), ({"threads": 1.5}, "threads"),
                                               ({"memory_limit": -1.0}, "memory_limit"), ({"strict": "yes"}, "strict")])
def test_bad_new_options_are_named(options: dict, name: str) -> None:
    with pytest.raises(ParameterError, match=name):
        exact.solve(Model(3, mu=1.0), **options)


def test_threads_give_the_same_state() -> None:
    model = Model(7, coupling=1.0, c=1.0, d=1.0, delta=0.5, dephasing=0.05)
    one = exact.solve(model, linear_solver="gmres", threads=1)
    two = exact.solve(model, linear_solver="gmres", threads=2)
    assert one.diagnostics.checks["threads"] == 1 and two.diagnostics.checks["threads"] == 2
    np.testing.assert_allclose(one.density_matrix.to_dense(), two.density_matrix.to_dense(), atol=1e-12)
    assert 1 <= exact.default_threads()


def test_warm_start_along_delta_saves_iterations() -> None:
    base = Model(8, coupling=1.0, c=1.0, d=1.0, delta=0.5, dephasing=0.02)
    prev = exact.solve(base, threads=1)
    cold = exact.solve(base.replace(delta=0.55), threads=1)
    warm = exact.solve(base.replace(delta=0.55), guess=prev, threads=1)
    assert warm.diagnostics.residual <= 1e-12
    assert warm.diagnostics.iterations < cold.diagnostics.iterations
    np.testing.assert_allclose(warm.density_matrix.to_dense(), cold.density_matrix.to_dense(), atol=1e-11)


def test_result_gives_pairs_through_its_states() -> None:
    ness = exact.solve(Model(5, mu=1.0, delta=0.4, dephasing=0.1))
    dm = ness.density_matrix
    assert isinstance(dm, BlockDensityMatrix)
    assert dm.why_not_pair(1, 5) is None and dm.why_not_pair(2, 2) is not None
    np.testing.assert_allclose(ness.pair(2, 4), dm.pair(2, 4))
    checks = ness.diagnostics.checks
    assert checks["memory_estimate"] > 0 and checks["threads"] >= 1
    assert ness.diagnostics.error is not None and ness.diagnostics.error >= ness.diagnostics.residual


# -- against the XXZ matrix-product solution (SPEC §8.1, c = d = ±1, another engineer's independent code) ---------


@pytest.mark.parametrize(("n", "cd", "delta", "gl", "gr"), [(8, 1.0, 0.5, 1.0, 1.0), (8, -1.0, 1.5, 0.7, 1.6),
                                                            (9, 1.0, -0.8, 1.3, 0.6)])
def test_extreme_driving_matches_the_matrix_product_solution(n: int, cd: float, delta: float, gl: float,
                                                             gr: float) -> None:
    pytest.importorskip("nesskit.solvers.matrix_product")
    import nesskit

    model = Model(n, coupling_left=gl, coupling_right=gr, c=cd, d=cd, delta=delta)
    ours = exact.solve(model, linear_solver="gmres", threads=1)
    assert ours.diagnostics.iterations <= 150 and ours.diagnostics.residual <= 1e-12
    mpa = nesskit.solve(model, method="matrix-product")
    np.testing.assert_allclose(ours.magnetization, mpa.magnetization, atol=1e-10)
    np.testing.assert_allclose(ours.current, mpa.current, atol=1e-10)
    np.testing.assert_allclose(ours.zz, mpa.zz, atol=1e-10)
    for i, j in ((1, 2), (2, 5), (n // 2, n // 2 + 1), (1, n)):
        np.testing.assert_allclose(ours.pair(i, j), mpa.pair(i, j), atol=1e-10)

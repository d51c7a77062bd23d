"""The matrix-product NESS (SPEC §8.1), each number against an independent computation.

References: the exact (brute-force) solver for n ≤ 10, the closed forms of SPEC §3 at Δ = 0 for n = 100, the dense
Lindblad residual of the explicit MPO, and the exact symmetries of the model (Δ → −Δ, spin flip × reflection).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nesskit as nk
from nesskit.errors import ParameterError
from nesskit.model import Model
from nesskit.solvers import closed_form, exact
from nesskit.solvers import matrix_product as mp

SPECIAL_DELTAS = [0.0, 1.0, -1.0, 0.5, -0.5, 1 / math.sqrt(2), 1.5, -2.2, 2.5, -2.5]
X2 = np.kron(np.array([[0, 1], [1, 0]]), np.array([[0, 1], [1, 0]]))


def _all_pairs(n: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(1, n) for j in range(i + 1, n + 1)]


def _compare_with_exact(model: Model, tol: float = 1e-10) -> None:
    ref = exact.solve(model)
    got = mp.solve(model)
    assert got.method == "matrix-product"
    np.testing.assert_allclose(got.magnetization, ref.magnetization, atol=tol, rtol=0)
    np.testing.assert_allclose(got.current, ref.current, atol=tol, rtol=0)
    assert got.zz is not None and ref.zz is not None
    np.testing.assert_allclose(got.zz, ref.zz, atol=tol, rtol=0)
    for i, j in _all_pairs(model.n):
        np.testing.assert_allclose(got.pair(i, j), ref.pair(i, j), atol=tol, rtol=0, err_msg=f"pair ({i}, {j})")
    checks = got.diagnostics.checks
    assert checks["boundary_identity_left"] < 1e-12
    assert checks["boundary_identity_right"] < 1e-12
    assert checks["current_spread"] < 1e-9
    assert checks["current_left_right"] < 1e-12


# -- against the exact solver ---------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 7),
    delta=st.one_of(st.sampled_from(SPECIAL_DELTAS), st.floats(-2.5, 2.5)),
    gl=st.floats(0.2, 3.0),
    gr=st.floats(0.2, 3.0),
    sign=st.sampled_from([1, -1]),
)
def test_matches_exact_solver(n: int, delta: float, gl: float, gr: float, sign: int) -> None:
    _compare_with_exact(Model(n, coupling_left=gl, coupling_right=gr, c=sign, d=sign, delta=delta))


@pytest.mark.parametrize("n, delta, gl, gr, sign, hopping", [
    (8, 0.5, 0.6, 1.7, 1, 1.0),
    (8, -1.0, 1.3, 0.4, -1, 1.0),
    (9, 1 / math.sqrt(2), 2.0, 0.9, 1, 1.0),
    (10, 1.5, 1.0, 1.0, 1, 1.0),
    (6, 0.8, 0.7, 1.9, 1, -1.3),     # uniform negative hopping: Δ/|J|, Γ/|J| and a sublattice rotation
    (7, -1.7, 1.2, 0.5, -1, 2.5),
    (6, 1 + 1e-9, 0.9, 1.3, 1, 1.0),   # just above / below the isotropic points: θ, η → 0
    (6, -1 + 1e-9, 1.3, 0.9, -1, 1.0),
])
def test_matches_exact_solver_fixed(n: int, delta: float, gl: float, gr: float, sign: int, hopping: float) -> None:
    _compare_with_exact(Model(n, coupling_left=gl, coupling_right=gr, c=sign, d=sign, delta=delta,
                              hopping=hopping))


def test_uniform_field_leaves_the_state_unchanged() -> None:
    model = Model(6, coupling_left=0.8, coupling_right=1.4, c=1, d=1, delta=1.2, fields=0.7)
    _compare_with_exact(model)


# -- Δ = 0: the closed forms of SPEC §3 -----------------------------------------------------------------------
@pytest.mark.parametrize("n, sign, gl, gr", [(100, 1, 1.0, 1.0), (50, -1, 0.6, 1.8)])
def test_delta_zero_meets_closed_forms_for_every_pair(n: int, sign: int, gl: float, gr: float) -> None:
    model = Model(n, coupling_left=gl, coupling_right=gr, c=sign, d=sign, delta=0.0)
    got = mp.solve(model)
    mu = 2.0 * sign
    np.testing.assert_allclose(got.magnetization, closed_form.magnetization(n, gl, gr, mu, 0.0), atol=1e-12)
    np.testing.assert_allclose(got.current, closed_form.current(n, gl, gr, mu, 0.0), atol=1e-12)
    assert got.states is not None
    worst = 0.0
    for i in range(1, n):
        rows = got.states.pairs_from(i)
        for k, j in enumerate(range(i + 1, n + 1)):
            worst = max(worst, float(np.abs(rows[k] - closed_form.pair_rdm(i, j, n, gl, gr, mu, 0.0, 0.0)).max()))
    assert worst < 1e-10
    # at Δ = 0 the auxiliary space is cut at [2] = 0: bond dimension 4
    assert got.diagnostics.checks["auxiliary_dimension"] == 2


# -- symmetries (SPEC §8.1) -----------------------------------------------------------------------------------
@pytest.mark.parametrize("n, delta", [(9, 0.37), (40, 1.3), (41, 0.81)])
def test_delta_to_minus_delta(n: int, delta: float) -> None:
    a = mp.solve(Model(n, coupling_left=0.7, coupling_right=1.5, c=1, d=1, delta=delta))
    b = mp.solve(Model(n, coupling_left=0.7, coupling_right=1.5, c=1, d=1, delta=-delta))
    np.testing.assert_allclose(a.magnetization, b.magnetization, atol=1e-12)
    np.testing.assert_allclose(a.current, b.current, rtol=1e-12)
    assert a.zz is not None and b.zz is not None
    np.testing.assert_allclose(a.zz, b.zz, atol=1e-12)
    for i, j in [(1, 2), (1, n), (2, 5), (n // 2, n // 2 + 1), (3, n - 1)]:
        ra, rb = a.pair(i, j), b.pair(i, j)
        np.testing.assert_allclose(np.diag(ra), np.diag(rb), atol=1e-12)
        assert abs(rb[2, 1] - (-1) ** (j - i) * np.conj(ra[2, 1])) < 1e-12


@pytest.mark.parametrize("n, delta", [(8, 1.1), (37, -0.6), (30, 2.0)])
def test_spin_flip_times_reflection(n: int, delta: float) -> None:
    """X·R maps the c = d = −1 chain with (Γ_L, Γ_R) to the c = d = −1 chain with (Γ_R, Γ_L)."""
    gl, gr = 0.45, 1.7
    a = mp.solve(Model(n, coupling_left=gl, coupling_right=gr, c=-1, d=-1, delta=delta))
    b = mp.solve(Model(n, coupling_left=gr, coupling_right=gl, c=-1, d=-1, delta=delta))
    np.testing.assert_allclose(b.magnetization, -a.magnetization[::-1], atol=1e-12)
    np.testing.assert_allclose(b.current, a.current, rtol=1e-12)
    for i, j in [(1, 2), (1, n), (2, 6), (n // 2, n // 2 + 1), (4, n - 2)]:
        ref = X2 @ a.pair(n + 1 - i, n + 1 - j) @ X2
        np.testing.assert_allclose(b.pair(i, j), ref, atol=1e-12, err_msg=f"pair ({i}, {j})")


def test_c_d_plus_one_is_the_global_spin_flip() -> None:
    a = mp.solve(Model(12, coupling_left=0.9, coupling_right=1.3, c=1, d=1, delta=0.77))
    b = mp.solve(Model(12, coupling_left=0.9, coupling_right=1.3, c=-1, d=-1, delta=0.77))
    np.testing.assert_allclose(a.magnetization, -b.magnetization, atol=1e-13)
    np.testing.assert_allclose(a.current, -b.current, atol=1e-13)
    np.testing.assert_allclose(a.pair(3, 8), X2 @ b.pair(3, 8) @ X2, atol=1e-13)


# -- roots of unity ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("delta, m", [(0.5, 3), (1 / math.sqrt(2), 4), (math.cos(math.pi / 5), 5),
                                      (math.cos(2 * math.pi / 5), 5), (-0.5, 3)])
def test_root_of_unity_truncation(delta: float, m: int) -> None:
    n = 30
    model = Model(n, coupling_left=0.8, coupling_right=1.6, c=1, d=1, delta=delta)
    cut = mp.solve(model, truncate=True)
    full = mp.solve(model, truncate=False)
    assert cut.diagnostics.checks["auxiliary_dimension"] == m
    assert cut.diagnostics.checks["bond_dimension"] == m * m
    assert full.diagnostics.checks["auxiliary_dimension"] == n // 2 + 1
    np.testing.assert_allclose(cut.magnetization, full.magnetization, atol=1e-12)
    np.testing.assert_allclose(cut.current, full.current, rtol=1e-12)
    for i, j in [(1, 2), (15, 16), (29, 30), (2, 25), (10, 13)]:
        np.testing.assert_allclose(cut.pair(i, j), full.pair(i, j), atol=1e-12)
    # the explicit MPO has bond dimension <= m², 9 at Δ = 1/2
    assert max(mp.mpo(model).bond_dimensions) == m * m


# -- the explicit MPO: Lindblad residual of the dense state ---------------------------------------------------
@pytest.mark.parametrize("n, delta, gl, gr, sign, hopping", [
    (3, 0.0, 1.0, 1.0, 1, 1.0),
    (5, 0.5, 0.5, 2.0, -1, 1.0),
    (6, 1.0, 1.4, 0.6, 1, 1.0),
    (7, -1.8, 0.9, 1.1, 1, -0.7),
    (8, 2.5, 2.0, 0.3, -1, 1.0),
    (8, 1 / math.sqrt(2), 1.0, 1.0, 1, 1.0),
    (10, 1.3, 0.8, 1.2, 1, 1.0),
])
def test_mpo_is_the_ness(n: int, delta: float, gl: float, gr: float, sign: int, hopping: float) -> None:
    model = Model(n, coupling_left=gl, coupling_right=gr, c=sign, d=sign, delta=delta, hopping=hopping)
    op = mp.mpo(model)
    assert len(op.tensors) == n and op.tensors[0].shape[0] == 1 and op.tensors[-1].shape[-1] == 1
    assert all(t.shape[1:3] == (2, 2) for t in op.tensors)
    rho = op.to_dense()
    assert abs(np.trace(rho) - 1) < 1e-12
    assert abs(op.trace() - 1) < 1e-12
    np.testing.assert_allclose(rho, rho.conj().T, atol=1e-13)
    assert np.linalg.eigvalsh(rho).min() > -1e-12
    assert exact.dense_residual(model, rho) < 1e-12
    # the transfer-matrix pair states are the partial traces of this ρ
    got = mp.solve(model)
    t = rho.reshape([2] * (2 * n))
    for i, j in [(1, 2), (1, n), (2, n - 1)] if n > 3 else [(1, 2), (1, 3)]:
        rest = [k for k in range(n) if k not in (i - 1, j - 1)]
        letters = list(range(2 * n))
        for k in rest:
            letters[n + k] = letters[k]
        red = np.einsum(t, letters, [i - 1, j - 1, n + i - 1, n + j - 1]).reshape(4, 4)
        np.testing.assert_allclose(got.pair(i, j), red, atol=1e-12)
    if n <= mp.RESIDUAL_MAX_N:
        assert got.diagnostics.residual is not None and got.diagnostics.residual < 1e-12


def test_to_dense_refuses_large_n() -> None:
    with pytest.raises(ParameterError, match="to_dense needs n <= 12"):
        mp.mpo(Model(13, c=1, d=1, delta=0.5)).to_dense()


# -- large n: stability, log current ----------------------------------------------------------------------------
def test_large_n_delta_above_one_current_without_underflow() -> None:
    delta = 1.5
    res = {n: mp.solve(Model(n, coupling=1.0, c=1, d=1, delta=delta)) for n in (400, 800, 1200)}
    big = res[1200]
    assert big.current[0] == 0.0 or abs(big.current[0]) < 1e-300  # underflows in double ...
    assert big.log_current is not None and np.all(np.isfinite(big.log_current))  # ... its logarithm does not
    # ln|t| decays like −n·arccosh Δ (SPEC §8.1)
    slope = (res[1200].log_current[0] - res[800].log_current[0]) / 400
    assert abs(slope + math.acosh(delta)) < 1e-6
    slope2 = (res[800].log_current[0] - res[400].log_current[0]) / 400
    assert abs(slope2 - slope) < 1e-8
    checks = big.diagnostics.checks
    assert checks["current_left_right"] < 1e-12   # the two bath identities from the two environments agree
    assert checks["boundary_identity_left"] < 1e-14 and checks["boundary_identity_right"] < 1e-14
    assert checks["current_spread_abs"] < 1e-15
    # every pair is a state; the bulk sits in a domain wall, the magnetization is odd about the centre
    np.testing.assert_allclose(big.magnetization, -big.magnetization[::-1], atol=1e-12)
    for i, j in [(1, 2), (600, 601), (599, 602), (10, 1100)]:
        ev = np.linalg.eigvalsh(big.pair(i, j))
        assert ev.min() > -1e-12 and abs(ev.sum() - 1) < 1e-12


@pytest.mark.parametrize("delta", [0.3, 1.0, -1.0, 2.0])
def test_large_n_bulk_consistency(delta: float) -> None:
    """n = 1001: the current is uniform (coherences vs bath identity) and profiles are smooth and bounded."""
    r = mp.solve(Model(1001, coupling_left=0.7, coupling_right=1.2, c=-1, d=-1, delta=delta))
    checks = r.diagnostics.checks
    assert checks["current_spread_abs"] < 1e-13
    if abs(delta) <= 1:
        assert checks["current_spread"] < 1e-9
    assert np.all(np.abs(r.magnetization) <= 1 + 1e-13)
    assert r.zz is not None and np.all(np.abs(r.zz) <= 1 + 1e-13)


# -- grid entry point ------------------------------------------------------------------------------------------
def test_grid_matches_point_by_point() -> None:
    n = 12
    deltas = np.array([-2.1, -1.0, 0.0, 0.5, 1.3])
    gam = np.array([0.5, 1.7])
    pairs = [(1, 2), (6, 7), (9, 3)]
    g = mp.grid_pair_measures(n, deltas[:, None], gam[None, :], 1.1, 1, pairs, profile=True)
    assert g["concurrence"].shape == (5, 2, 3) and g["rdm"].shape == (5, 2, 3, 4, 4)
    assert g["magnetization"].shape == (5, 2, n) and g["current"].shape == (5, 2)
    for a, d in enumerate(deltas):
        for b, gl in enumerate(gam):
            r = mp.solve(Model(n, coupling_left=gl, coupling_right=1.1, c=1, d=1, delta=d))
            np.testing.assert_allclose(g["magnetization"][a, b], r.magnetization, atol=1e-12)
            assert abs(g["current"][a, b] - r.current[0]) < 1e-13
            for k, (i, j) in enumerate(pairs):
                np.testing.assert_allclose(g["rdm"][a, b, k], r.pair(i, j), atol=1e-12)
                np.testing.assert_allclose(g["pair_magnetization"][a, b, k],
                                           r.magnetization[[i - 1, j - 1]], atol=1e-12)
                # λ_min, negativities: the generic eigenvalue route on the point-by-point state; the concurrence
                # from that state's entries (the generic Wootters route loses ~√eps when ρ is nearly singular)
                rho = r.pair(i, j)
                for name, val in r.entanglement(i, j).items():
                    if name != "concurrence":
                        assert abs(g[name][a, b, k] - val) < 1e-11, name
                conc = 2 * max(0.0, abs(rho[1, 2]) - math.sqrt(rho[0, 0].real * rho[3, 3].real))
                assert abs(g["concurrence"][a, b, k] - conc) < 1e-12


def test_grid_refuses_bad_input() -> None:
    with pytest.raises(ParameterError, match="sign"):
        mp.grid_pair_measures(6, 0.5, 1.0, 1.0, 0, [(1, 2)])
    with pytest.raises(ParameterError, match="coupling_left"):
        mp.grid_pair_measures(6, 0.5, [1.0, -1.0], 1.0, 1, [(1, 2)])
    with pytest.raises(ParameterError, match="pair"):
        mp.grid_pair_measures(6, 0.5, 1.0, 1.0, 1, [(1, 7)])
    with pytest.raises(ParameterError, match="delta"):
        mp.grid_pair_measures(6, [np.nan], 1.0, 1.0, 1, [(1, 2)])


# -- refusals, the method object, pickling ----------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, match", [
    ({"dephasing": 0.1}, "dephasing"),
    ({"c": 0.5, "d": 0.5}, "extreme driving"),
    ({"c": 1.0, "d": -1.0}, "extreme driving"),
    ({"hopping": [1.0, 1.2, 1.0, 1.0, 1.0]}, "non-uniform hopping"),
    ({"fields": [0.0, 0.1, 0.0, 0.0, 0.0, 0.0]}, "site-dependent fields"),
])
def test_refusals_name_the_condition(kwargs: dict, match: str) -> None:
    base = {"coupling": 1.0, "c": 1.0, "d": 1.0, "delta": 0.5}
    base.update(kwargs)
    model = Model(6, **base)
    reason = mp.why_not(model)
    assert reason is not None and match in reason
    assert mp.MatrixProduct().why_not(model) == reason
    with pytest.raises(ParameterError, match="cannot solve this model"):
        mp.solve(model)
    with pytest.raises(ParameterError, match="cannot solve this model"):
        mp.MatrixProduct().solve(model)


def test_method_object_and_auto() -> None:
    model = Model(30, coupling=1.0, c=1, d=1, delta=0.9)
    assert mp.MatrixProduct.name == "matrix-product"
    assert mp.MatrixProduct().why_not(model, [(1, 30)]) is None
    r = nk.solve(model)
    assert r.method == "matrix-product"
    assert r.diagnostics.error is not None and r.diagnostics.error < 1e-11
    with pytest.raises(ParameterError, match="truncate"):
        mp.MatrixProduct(truncate="yes")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="residual_max_n"):
        mp.MatrixProduct(residual_max_n=-1)


def test_result_pickles_and_pairs_any_order() -> None:
    r = mp.solve(Model(20, coupling_left=0.6, coupling_right=1.1, c=-1, d=-1, delta=1.4))
    r2 = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(r2.pair(3, 17), r.pair(3, 17))
    np.testing.assert_allclose(r.pair(17, 3), nk.twospin.swap_spins(r.pair(3, 17)), atol=0)
    assert r.states is not None and r.states.why_not_pair(0, 3) is not None
    with pytest.raises(ParameterError):
        r.states.pair(5, 5)


# -- high-precision reference: the ansatz of SPEC §8.1 in 60-digit decimals, no gauge, no logs, no cut -----------
def _decimal_reference(n: int, delta: float, gl: float, gr: float, bond: int | None, prec: int = 60
                       ) -> tuple[float, complex | None, float | None]:
    """ln|t| from the bath identity, ⟨σ⁺_bσ⁻_{b+1}⟩ and ⟨σᶻ_b σᶻ_{b+1}⟩ of the canonical (c = d = −1, J = 1) state.

    Everything is rational in Δ, ε_L, ε_R and κ² (c_r, [r] by the Chebyshev recurrences c_{r+1} = 2Δc_r − c_{r−1},
    [r+1] = 2Δ[r] − [r−1]), so decimal arithmetic with ``prec`` digits is exact to that precision.
    """
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = prec
        ctx.Emax = 10**9
        ctx.Emin = -(10**9)
        dl, el, er = Decimal(delta), 2 * Decimal(gl), 2 * Decimal(gr)
        k2 = er / el
        size = n // 2 + 2
        c = [Decimal(1), dl]
        b = [Decimal(0), Decimal(1)]
        while len(c) < size + 1:
            c.append(2 * dl * c[-1] - c[-2])
            b.append(2 * dl * b[-1] - b[-2])
        zero = (Decimal(0), Decimal(0))

        def mul(x: tuple, y: tuple) -> tuple:
            return (x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0])

        def conj(x: tuple) -> tuple:
            return (x[0], -x[1])

        def add(x: tuple, y: tuple) -> tuple:
            return (x[0] + y[0], x[1] + y[1])

        a_up = [(c[r], -er / 2 * b[r]) for r in range(size)]
        a_dn_over_k = [(c[r], -el / 2 * b[r]) for r in range(size)]    # A_↓ / κ
        a_m_over_k = [b[r + 1] for r in range(size)]                  # A₋ / κ (real)
        a_p = [(-(1 - dl * dl + el * er / 4) * b[r], -(el + er) / 2 * c[r]) for r in range(size)]
        n2 = [x[0] ** 2 + x[1] ** 2 for x in a_up]
        d2 = [k2 * (x[0] ** 2 + x[1] ** 2) for x in a_dn_over_k]
        up = [k2 * x * x for x in a_m_over_k]
        lo = [x[0] ** 2 + x[1] ** 2 for x in a_p]

        def left(v: list, diag: list, u: list, low: list) -> list:
            out = [Decimal(0)] * size
            for r in range(size):
                s = v[r] * diag[r]
                if r > 0:
                    s += v[r - 1] * u[r - 1]
                if r + 1 < size:
                    s += v[r + 1] * low[r]
                out[r] = s
            return out

        def right(v: list) -> list:
            out = [Decimal(0)] * size
            for r in range(size):
                s = (n2[r] + d2[r]) * v[r]
                if r + 1 < size:
                    s += up[r] * v[r + 1]
                if r > 0:
                    s += lo[r - 1] * v[r - 1]
                out[r] = s
            return out

        one = [n2[r] + d2[r] for r in range(size)]
        e0 = [Decimal(1)] + [Decimal(0)] * (size - 1)
        lefts = [e0]
        for _ in range(n):
            lefts.append(left(lefts[-1], one, up, lo))
        z = lefts[n][0]
        v = left(e0, d2, [Decimal(0)] * size, lo)        # P↓ on site 1
        for _ in range(n - 1):
            v = left(v, one, up, lo)
        log_t = float((el * v[0] / z).ln())
        if bond is None:
            return log_t, None, None
        rights = [e0]
        for _ in range(n - bond - 1):
            rights.append(right(rights[-1]))
        w = rights[-1]                                    # right environment at bond b + 1
        x = lefts[bond - 1]
        y = []                                            # σ⁺ at site b: block r − r' = 1, index r'
        for r in range(size - 1):
            g1 = mul((k2 * a_m_over_k[r], Decimal(0)), conj(a_dn_over_k[r]))
            g2 = mul(a_up[r + 1], conj(a_p[r]))
            y.append(add(mul((x[r], Decimal(0)), g1), mul((x[r + 1], Decimal(0)), g2)))
        num = zero
        for r in range(size):                             # σ⁻ at site b + 1, back to the block r = r'
            term = mul(y[r], mul(a_p[r], conj(a_up[r]))) if r < size - 1 else zero
            if r > 0:
                f2 = mul(a_dn_over_k[r], (k2 * a_m_over_k[r - 1], Decimal(0)))
                term = add(term, mul(y[r - 1], f2))
            num = add(num, mul(term, (w[r], Decimal(0))))
        pm = complex(float(num[0] / z), float(num[1] / z))
        # ⟨σᶻσᶻ⟩: P↑ − P↓ on both sites
        sz_d = [n2[r] - d2[r] for r in range(size)]
        sz_u = up
        sz_l = [-x for x in lo]
        v2 = left(left(x, sz_d, sz_u, sz_l), sz_d, sz_u, sz_l)
        zz = float(sum(v2[r] * w[r] for r in range(size)) / z)
        return log_t, pm, zz


@pytest.mark.parametrize("n, delta, gl, gr", [(60, 1.5, 0.8, 1.3), (61, -2.2, 1.4, 0.6), (60, 0.9, 1.0, 1.0),
                                             (50, 1.0, 0.7, 1.1)])
def test_against_high_precision_reference(n: int, delta: float, gl: float, gr: float) -> None:
    got = mp.solve(Model(n, coupling_left=gl, coupling_right=gr, c=-1, d=-1, delta=delta))
    bond = n // 2
    log_t, pm, zz = _decimal_reference(n, delta, gl, gr, bond)
    assert got.log_current is not None and abs(got.log_current[0] - log_t) < 1e-11
    assert got.current[0] < 0 and abs(got.current[0] - (-math.exp(log_t))) <= 1e-11 * math.exp(log_t)
    assert pm is not None and zz is not None
    rho = got.pair(bond, bond + 1)
    assert abs(rho[2, 1] - pm) < 1e-13
    assert got.zz is not None and abs(got.zz[bond - 1] - zz) < 1e-13
    # the bulk coherence carries the same current as the bath identity (in 60 digits: no cancellation loss there)
    assert abs(2 * pm.imag + math.exp(log_t)) <= 1e-12 * math.exp(log_t) + 1e-40


@pytest.mark.parametrize("delta", [1.5, -1.0, 3.0, 0.7])
def test_log_current_against_high_precision_reference_large_n(delta: float) -> None:
    """n = 400: t ~ e^{−383} at Δ = 1.5 and e^{−702} at Δ = 3 (0 in double); ln|t| to ~1e-14 relative."""
    n = 400
    got = mp.solve(Model(n, coupling_left=0.9, coupling_right=1.2, c=-1, d=-1, delta=delta))
    log_t, _, _ = _decimal_reference(n, delta, 0.9, 1.2, None, prec=40)
    assert got.log_current is not None and abs(got.log_current[0] - log_t) < 1e-14 * max(10.0, abs(log_t))


# -- coherences where the environments overlap far below their own maxima (n ≳ 10⁴) ---------------------------
def test_coherences_far_below_environment_maxima() -> None:
    """The coherence sums are invariant under e^a → e^{a+α}, e^c → e^{c+γ}, Z → Z e^{α+γ}; with α + γ ≈ −1500
    (the overlap of the two normalised environments at n = 10⁴, Δ = 0.3) linear arithmetic gives NaN or 0, the
    log-domain sums must give the same numbers as at α = γ = 0."""
    n, bond = 40, 17
    chain = mp._Chain(n, mp.CanonicalParameters.from_model(
        Model(n, coupling_left=0.8, coupling_right=1.3, c=-1, d=-1, delta=0.3)).coefficients(True))
    width = int(max(chain.h[bond - 1], chain.h[bond], chain.h[bond + 1])) + 1
    a = np.full(width, -np.inf)
    c = np.full(width, -np.inf)
    left, right = chain.left(bond - 1) + chain.w[bond - 1], chain.w[bond + 1] + chain.right(bond + 1)
    a[:left.shape[-1]] = left - np.max(left)
    c[:right.shape[-1]] = right - np.max(right)
    wpj = np.full(width, -np.inf)
    wpj[:int(chain.h[bond])] = chain.wp[bond]
    with np.errstate(invalid="ignore"):
        linear = np.sum(mp._lower(chain.tr, mp._raise(chain.tr, np.exp(a), width) * np.exp(wpj), width) * np.exp(c))
    ref = mp._coherence_nn(chain.tr, a[None], c[None], wpj[None], width, np.zeros(1))[0]
    assert abs(ref - linear) <= 1e-14 * abs(linear)
    for alpha, gamma in ((700.0, -2200.0), (-1500.0, 0.0), (-800.0, -760.0)):
        got = mp._coherence_nn(chain.tr, a[None] + alpha, c[None] + gamma, wpj[None], width,
                               np.array([alpha + gamma]))[0]
        # a log-domain number carries an absolute rounding ~eps·|exponent|, here a relative 1e-13 .. 1e-12
        tol = 4 * np.finfo(float).eps * (abs(alpha) + abs(gamma) + 100)
        assert np.isfinite(got) and abs(got - ref) <= tol * abs(ref)
    # the banded maps themselves: log form = linear form, and shifting the exponents shifts the result
    x = np.exp(a) * np.exp(1j * np.linspace(0, 3, width))
    m0, e0 = np.where(np.isfinite(a), np.exp(1j * np.linspace(0, 3, width)), 0), a
    for bands, lin in (([(0, chain.tr.g1), (1, chain.tr.g2)], mp._raise(chain.tr, x, width)),
                       ([(0, chain.tr.f1), (-1, chain.tr.f2_prev)], mp._lower(chain.tr, x, width))):
        for shift in (0.0, -1600.0, 900.0):
            mm, ee = mp._band_log(m0, e0 + shift, width, bands)
            with np.errstate(over="ignore", invalid="ignore"):
                val = mm * np.exp(ee - shift)
            np.testing.assert_allclose(val, lin, rtol=4 * np.finfo(float).eps * (abs(shift) + 100), atol=1e-300)


def _full_aux_expectation(delta: float, gl: float, gr: float, n: int, ops: dict[int, np.ndarray]) -> complex:
    """Tr(S X S†)/Tr(S S†) of SPEC §8.1 (μ = −2, J = 1) with full aux ⊗ conj(aux) matrices, the A's written from
    the SPEC's table, linear arithmetic with one scalar rescaling per site and heights cut to min(k, n − k)."""
    el, er, size = 2 * gl, 2 * gr, n // 2 + 2
    eta = np.arccos(complex(delta))
    r = np.arange(size + 1)
    if abs(delta) == 1:
        cr, br = np.sign(delta) ** r, np.sign(delta) ** (r + 1) * r
    else:
        cr, br = np.cos(r * eta), np.sin(r * eta) / np.sin(eta)
    kap = math.sqrt(er / el)
    a_mats = [np.diag(cr[:size] - 0.5j * er * br[:size]), kap * np.diag(cr[:size] - 0.5j * el * br[:size]),
              np.diag(kap * br[1:size], 1).astype(complex),
              np.diag(-0.5j * (el + er) * cr[:size - 1] - (1 - delta**2 + el * er / 4) * br[:size - 1], -1)]
    basis = [np.diag([1.0, 0.0]), np.diag([0.0, 1.0]), np.array([[0.0, 0.0], [1.0, 0.0]]),
             np.array([[0.0, 1.0], [0.0, 0.0]])]

    def chain(with_ops: bool) -> tuple[complex, float]:
        v = np.zeros((size, size), dtype=complex)
        v[0, 0] = 1.0
        log_scale = 0.0
        for k in range(1, n + 1):
            x = ops.get(k, np.eye(2)) if with_ops else np.eye(2)
            w = np.zeros_like(v)
            for p in range(4):
                for q in range(4):
                    coef = np.trace(basis[p] @ x @ basis[q].conj().T)
                    if coef != 0:
                        w += coef * a_mats[p].T @ v @ a_mats[q].conj()
            top = min(k, n - k)
            w[top + 1:, :] = 0
            w[:, top + 1:] = 0
            s = float(np.max(np.abs(w)))
            v, log_scale = w / s, log_scale + math.log(s)
        return v[0, 0], log_scale

    num, ln = chain(True)
    den, ld = chain(False)
    return complex(num / den.real * math.exp(ln - ld))


@pytest.mark.parametrize("n, delta, gl, gr", [(40, 1.3, 0.8, 1.2), (41, -0.7, 1.5, 0.5), (36, 2.5, 0.6, 2.0),
                                             (37, 1.0, 1.0, 0.4)])
def test_distant_pairs_against_full_auxiliary_reference(n: int, delta: float, gl: float, gr: float) -> None:
    """Every population and the coherence of pairs at distances 1..n−1, against full aux ⊗ aux matrices."""
    got = mp.solve(Model(n, coupling_left=gl, coupling_right=gr, c=-1, d=-1, delta=delta))
    up, down = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
    sp, sm = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])
    for i, j in [(1, n), (3, n - 4), (n // 2 - 3, n // 2 + 4), (2, 4)]:
        rho = got.pair(i, j)
        pops = [_full_aux_expectation(delta, gl, gr, n, {i: x, j: y}).real for x in (up, down) for y in (up, down)]
        np.testing.assert_allclose(np.real(np.diag(rho)), pops, atol=1e-12, rtol=0, err_msg=f"({i}, {j})")
        pm = _full_aux_expectation(delta, gl, gr, n, {i: sp, j: sm})
        assert abs(rho[2, 1] - pm) < 1e-12, (i, j)

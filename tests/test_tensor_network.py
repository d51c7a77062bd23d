"""Tensor-network NESS (nesskit.solvers.tensor_network) against independent references.

References: the dense Lindbladian of ``tests/dense_reference.py`` (conventions of the generators), the exact
M-sector solver (interacting, dephased, partially driven chains) and the XX closed forms of SPEC §4.
Every case is small (n ≤ 8) so that the whole file runs in well under a minute.
"""

from __future__ import annotations

import math
import pickle
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dense_reference import dense_liouvillian
from nesskit.errors import ParameterError, SolverError
from nesskit.model import Model
from nesskit.operators import PAULIS
from nesskit.solvers import _tebd, closed_form, exact
from nesskit.solvers import tensor_network as tn
from nesskit.solvers.tensor_network import MPSPairSource, TensorNetwork


def _pauli_transform(n: int) -> np.ndarray:
    """Columns vec(σ^{α₁}⊗…⊗σ^{αₙ})/2ⁿ (row-major vec, site 1 most significant), so that vec ρ = T C."""
    cols = []
    for idx in np.ndindex(*([4] * n)):
        op = np.array([[1.0 + 0j]])
        for a in idx:
            op = np.kron(op, PAULIS[a])
        cols.append(op.reshape(-1) / 2**n)
    return np.array(cols).T


def _full_generator(model: Model) -> np.ndarray:
    n = model.n
    out = np.zeros((4**n, 4**n))
    for b, g in enumerate(tn.bond_generators(model)):
        out += np.kron(np.kron(np.eye(4**b), g), np.eye(4 ** (n - b - 2)))
    return out


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(2, 3),
    delta=st.floats(-2, 2),
    gl=st.floats(0.2, 3),
    gr=st.floats(0.2, 3),
    c=st.floats(-1, 1),
    d=st.floats(-1, 1),
    gammas=st.lists(st.floats(0, 0.5), min_size=3, max_size=3),
    fields=st.lists(st.floats(-1, 1), min_size=3, max_size=3),
    hops=st.lists(st.floats(0.3, 1.5), min_size=2, max_size=2),
)
def test_bond_generators_sum_to_the_dense_lindbladian(n, delta, gl, gr, c, d, gammas, fields, hops):
    """Σ_b 𝓛_b in the Pauli basis equals T⁻¹ 𝓛_dense T (Eqs. 5–9): signs, factor 2 of Eq. 6, site weights."""
    model = Model(n, coupling_left=gl, coupling_right=gr, c=c, d=d, delta=delta, dephasing=gammas[:n],
                  fields=fields[:n], hopping=hops[: n - 1])
    t = _pauli_transform(n)
    reference = (2**n) * t.conj().T @ dense_liouvillian(model) @ t
    assert np.max(np.abs(reference.imag)) < 1e-12
    np.testing.assert_allclose(_full_generator(model), reference.real, atol=1e-12)


def test_layers_give_every_bond_the_full_step():
    """Each Trotter step applies both parities for a total time dt (orders 2, 4 and 6, merged across steps)."""
    for order in (2, 4, -4, 6):
        for steps in (1, 3):
            seq = _tebd._layers(order, steps)
            for parity in (0, 1):
                assert sum(w for p, w in seq if p == parity) == pytest.approx(steps, abs=1e-12)
            assert all(a[0] != b[0] for a, b in zip(seq[:-1], seq[1:]))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), order=st.sampled_from([2, 4, -4, 6]))
def test_splittings_have_their_order(seed, order):
    """One step of each splitting of e^{h(A + B)}, A and B random 6 × 6 (product of dense exponentials, stage
    by stage), is off by O(h^{p+1}): the error falls by 2^{p+1} per halving of h, p = ``trotter_power``."""
    import scipy.linalg as sla

    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(6, 6)) * 0.5, rng.normal(size=(6, 6)) * 0.5
    p = _tebd.trotter_power(order)

    def error(h: float) -> float:
        step = np.eye(6)
        for parity, w in _tebd._stages(order):
            step = sla.expm(w * h * (a if parity == 0 else b)) @ step
        return float(np.linalg.norm(step - sla.expm(h * (a + b))))

    h = {2: 0.02, 4: 0.05, 6: 0.1}[p]  # small enough for the leading term, large enough above rounding
    slope = math.log2(error(h) / error(h / 2))
    assert abs(slope - (p + 1)) < 0.5


def test_start_states_have_the_requested_correlations():
    """The χ = 4 starting MPS carries ⟨σᶻ_j⟩ = z_j and −⟨σˣ_jσʸ_{j+1}⟩ = t_j, unit trace, nothing else on bonds."""
    z = np.array([-0.3, -0.1, 0.05, 0.2, 0.4])
    t = np.array([0.11, 0.12, 0.13, 0.14])
    src = MPSPairSource.from_tensors(tn.correlated_state(z, t))
    for j in range(1, 5):
        table = src.correlations(j, j + 1)
        assert table[0, 0] == pytest.approx(1.0)
        assert table[3, 0] == pytest.approx(z[j - 1])
        assert table[0, 3] == pytest.approx(z[j])
        assert -table[1, 2] == pytest.approx(t[j - 1])
        assert table[2, 1] == pytest.approx(t[j - 1])
        assert table[3, 3] == pytest.approx(z[j - 1] * z[j])
    assert src.correlations(1, 3)[1, 2] == pytest.approx(0.0)


def test_stretched_start_interpolates_the_short_profile():
    """A 3-site profile stretched to 5 sites: ends kept, midpoints interpolated, current rescaled."""
    src = MPSPairSource.from_tensors(tn.stretch([-0.4, 0.0, 0.4], 0.1, 5, scale=0.5))
    z = [src.correlations(1, 2)[3, 0]] + [src.correlations(j - 1, j)[0, 3] for j in range(2, 6)]
    np.testing.assert_allclose(z, [-0.4, -0.2, 0.0, 0.2, 0.4], atol=1e-14)
    assert -src.correlations(2, 3)[1, 2] == pytest.approx(0.05)
    with pytest.raises(ParameterError):
        tn.stretch([0.1, 0.2, 0.3], 0.1, 3)


@pytest.fixture(scope="module")
def xxz_case() -> tuple[Model, object, object]:
    model = Model(5, coupling_left=1.0, coupling_right=0.8, c=0.3, d=-0.6, dephasing=0.05, delta=1.5)
    return model, exact.solve(model), TensorNetwork(dt=0.05).solve(model)


def test_xxz_dephased_partial_driving_equals_exact(xxz_case):
    """Δ = 1.5, γ = 0.05, (c, d) = (0.3, −0.6), Γ_L ≠ Γ_R, n = 5: every pair within 1e-7 of the exact solver."""
    model, ref, res = xxz_case
    np.testing.assert_allclose(res.magnetization, ref.magnetization, atol=1e-7)
    np.testing.assert_allclose(res.current, ref.current, atol=1e-7)
    np.testing.assert_allclose(res.zz, ref.zz, atol=1e-7)
    worst = max(np.max(np.abs(res.pair(i, j) - ref.pair(i, j))) for i in range(1, 6) for j in range(i + 1, 6))
    assert worst < 1e-7
    assert res.diagnostics.error is not None and worst <= res.diagnostics.error * 10
    for i, j in [(1, 2), (3, 4), (2, 5)]:
        assert res.entanglement(i, j)["lambda_min"] == pytest.approx(ref.entanglement(i, j)["lambda_min"],
                                                                     abs=1e-7)


def test_diagnostics_are_filled(xxz_case):
    _, _, res = xxz_case
    d = res.diagnostics
    assert res.method == "tensor-network"
    for key in ("bond_dimension", "discarded_weight", "dt", "evolution_time", "current_spread",
                "observable_rate", "trotter_error", "truncation_error"):
        assert d.checks[key] is not None
    assert d.checks["current_spread"] < 1e-6
    assert 0 < d.error < 1e-6
    assert d.wall_time > 0 and d.iterations > 0


def test_interacting_fully_driven_with_fields_equals_exact():
    """Δ = 0.5, γ_j ≈ 0.05 (varying), c = d = 1, field and hopping profiles, Γ = 1.2: n = 5."""
    model = Model(5, coupling=1.2, c=1.0, d=1.0, delta=0.5, dephasing=[0.05, 0.04, 0.06, 0.05, 0.03],
                  fields=[0.2, -0.1, 0.0, 0.3, -0.2], hopping=[1.0, 0.9, 1.1, 0.8])
    ref = exact.solve(model)
    res = TensorNetwork(dt=0.05).solve(model)
    np.testing.assert_allclose(res.magnetization, ref.magnetization, atol=1e-7)
    np.testing.assert_allclose(res.current, ref.current, atol=1e-7)
    for i, j in [(1, 2), (3, 4), (1, 5)]:
        np.testing.assert_allclose(res.pair(i, j), ref.pair(i, j), atol=1e-7)


def test_xx_dephased_equals_closed_form():
    """Δ = 0, γ = 0.1, Γ = 1, μ = 1, n = 6: profile, current, λ_min of the boundary and central pairs (SPEC §4)."""
    n, g = 6, 0.1
    model = Model(n, coupling=1.0, mu=1.0, dephasing=g)
    res = TensorNetwork(dt=0.05).solve(model)
    np.testing.assert_allclose(res.magnetization, closed_form.magnetization(n, 1, 1, 1, 0, g), atol=1e-7)
    np.testing.assert_allclose(res.current, closed_form.current(n, 1, 1, 1, 0, g), atol=1e-7)
    for i, j in [(1, 2), (3, 4), (5, 6)]:
        ref = closed_form.pair_entanglement(i, j, n, 1, 1, 1, 0, g)["lambda_min"]
        assert res.entanglement(i, j)["lambda_min"] == pytest.approx(float(ref), abs=1e-7)
        np.testing.assert_allclose(res.pair(i, j), closed_form.pair_rdm(i, j, n, 1, 1, 1, 0, g), atol=1e-7)
    # distant pairs are less accurate (long strings truncated first) but within the solver's own estimate
    for i, j in [(1, 4), (2, 5), (1, 6)]:
        err = np.max(np.abs(res.pair(i, j) - closed_form.pair_rdm(i, j, n, 1, 1, 1, 0, g)))
        assert err <= res.diagnostics.error


def test_warm_start_from_a_previous_result_is_shorter(xxz_case):
    model, _, res = xxz_case
    nearby = model.replace(dephasing=0.06)
    cold = TensorNetwork(dt=0.1, trotter_check="none").solve(nearby)
    warm = TensorNetwork(dt=0.1, trotter_check="none").solve(nearby, guess=res)
    assert warm.diagnostics.checks["evolution_time"] < cold.diagnostics.checks["evolution_time"]
    np.testing.assert_allclose(warm.magnetization, cold.magnetization, atol=1e-6)
    assert "guess" in warm.diagnostics.notes


def test_result_and_method_pickle(xxz_case):
    _, _, res = xxz_case
    again = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(again.pair(2, 5), res.pair(2, 5))
    np.testing.assert_allclose(res.pair(5, 2), res.pair(5, 2))
    method = TensorNetwork(bond_dimension=32, dt=0.05)
    assert pickle.loads(pickle.dumps(method)) == method
    assert method.why_not(res.model, [(1, 5)]) is None
    assert method.why_not(res.model, [(1, 6)]) is not None
    assert res.states.why_not_pair(1, 6) is not None


@pytest.mark.parametrize("option, value", [("bond_dimension", 0), ("dt", -0.1), ("dt", 2.0), ("trotter_order", 3),
                                           ("trotter_order", 8),
                                           ("tol", 0.0), ("start", "random"), ("trotter_check", True),
                                           ("cutoff", -1.0), ("max_time", 0.0), ("pauli_weight", 0.0),
                                           ("pauli_weight", 1.5), ("extrapolate", "yes"), ("refine", -1),
                                           ("refine", 11), ("refine", 1.5), ("refine", True),
                                           ("refine_bond_dimension", 0), ("refine_bond_dimension", "64")])
def test_bad_options_are_refused_by_name(option, value):
    with pytest.raises(ParameterError, match=option):
        TensorNetwork(**{option: value})


def test_too_short_evolution_raises_with_advice():
    model = Model(4, coupling=1.0, c=0.5, d=0.5, dephasing=0.05, delta=0.5)
    with pytest.raises(SolverError, match="max_time"):
        TensorNetwork(max_time=1.0, chunk_time=1.0, start="infinite-temperature").solve(model)


def test_front_door_reaches_the_method():
    import nesskit as nk

    model = Model(4, coupling=1.0, mu=1.0, dephasing=0.1)
    res = nk.solve(model, "tensor-network", dt=0.1)
    assert res.method == "tensor-network"
    np.testing.assert_allclose(res.current, closed_form.current(4, 1, 1, 1, 0, 0.1), atol=1e-6)


def test_xxz_extreme_driving_equals_matrix_product():
    """Δ = 0.5, γ = 0, c = d = 1, Γ = 1, n = 5: the matrix-product solution of SPEC §8.1 (an independent method)."""
    from nesskit.solvers import matrix_product

    model = Model(5, coupling=1.0, c=1.0, d=1.0, delta=0.5)
    ref = matrix_product.MatrixProduct().solve(model)
    # cutoff 1e-16: the default 1e-14 leaves a truncation noise floor of ~1e-7 here (bond 9 is exact)
    res = TensorNetwork(dt=0.05, start="closed-form", cutoff=1e-16).solve(model)
    np.testing.assert_allclose(res.magnetization, ref.magnetization, atol=1e-7)
    np.testing.assert_allclose(res.current, ref.current, atol=1e-7)
    for i, j in [(1, 2), (2, 3), (1, 4)]:
        np.testing.assert_allclose(res.pair(i, j), ref.pair(i, j), atol=1e-7)
    quick = TensorNetwork(dt=0.1, trotter_check="none", tol=1e-6).solve(model)  # auto: matrix-product start
    assert "matrix-product" in quick.diagnostics.notes
    np.testing.assert_allclose(quick.current, ref.current, atol=1e-5)


# ---------------------------------------------------------------------------------------------------------
# the Lindbladian as an MPO, the exact residual, the exact matrix-product start
# ---------------------------------------------------------------------------------------------------------
def _dense_rho(tensors: list[np.ndarray]) -> np.ndarray:
    """ρ (2ⁿ × 2ⁿ, Tr ρ = 1) from the Pauli-coefficient MPS, through the explicit Pauli transform."""
    full = tensors[0]
    for t in tensors[1:]:
        full = np.tensordot(full, t, axes=(-1, 0))
    coeffs = full.reshape(-1)
    n = len(tensors)
    vec = _pauli_transform(n) @ coeffs
    return vec.reshape(2**n, 2**n) / coeffs[0]


@settings(max_examples=10, deadline=None)
@given(delta=st.floats(-2, 2), c=st.floats(-1, 1), d=st.floats(-1, 1), seed=st.integers(0, 10**6),
       gammas=st.lists(st.floats(0, 0.5), min_size=4, max_size=4))
def test_mpo_residual_equals_the_dense_lindbladian(delta, c, d, seed, gammas):
    """‖𝓛ρ‖_F from the MPO (no 2ⁿ object) equals the dense Liouvillian's on a random correlated state."""
    from nesskit.solvers._lindblad_mpo import lindblad_mpo, residual_norm

    model = Model(4, delta=delta, c=c, d=d, dephasing=gammas, fields=[0.3, -0.1, 0.0, 0.2],
                  hopping=[1.0, 0.6, 1.3], coupling_left=0.7, coupling_right=1.4)
    rng = np.random.default_rng(seed)
    ts = [t + 0.2 * rng.standard_normal(t.shape) for t in tn.correlated_state([0.3, 0.1, -0.2, -0.4],
                                                                               [0.1, 0.2, 0.15])]
    mc, cc, c0 = residual_norm(ts, lindblad_mpo(tn.bond_generators(model)))
    rho = _dense_rho(ts)
    dense = np.linalg.norm(dense_liouvillian(model) @ rho.reshape(-1))
    assert 2.0 ** (-4 / 2) * mc / abs(c0) == pytest.approx(dense, rel=1e-10, abs=1e-14)
    full = ts[0]
    for t in ts[1:]:
        full = np.tensordot(full, t, axes=(-1, 0))
    assert cc == pytest.approx(np.linalg.norm(full), rel=1e-12)
    assert c0 == pytest.approx(full.reshape(-1)[0], rel=1e-12)


@pytest.mark.parametrize("delta", [0.5, 1.3, -0.7])
def test_matrix_product_state_is_the_exact_ness(delta):
    """The Pauli MPS built from SPEC §8.1 equals the exact M-sector solver's NESS at n = 7 (all pairs)."""
    model = Model(7, delta=delta, c=1.0, d=1.0, coupling_left=0.8, coupling_right=1.5)
    ts = tn.matrix_product_state(model)
    assert ts is not None
    src = MPSPairSource.from_tensors(ts)
    ref = exact.solve(model)
    for i in range(1, 7):
        for j in range(i + 1, 8):
            np.testing.assert_allclose(src.pair(i, j), ref.pair(i, j), atol=1e-10)
    assert tn.matrix_product_state(model.replace(c=0.5)) is None


def test_issue_case_xxz_extreme_driving_n100_equals_matrix_product():
    """Issue case: Δ = 0.5, γ = 0, c = d = 1, Γ = 1, n = 100 equals the matrix-product solution within 1e-6."""
    from nesskit.solvers import matrix_product

    model = Model(100, coupling=1.0, c=1.0, d=1.0, delta=0.5)
    res = TensorNetwork().solve(model)
    ref = matrix_product.MatrixProduct().solve(model)
    np.testing.assert_allclose(res.magnetization, ref.magnetization, atol=1e-6)
    np.testing.assert_allclose(res.current, ref.current, atol=1e-6)
    for pair in [(1, 2), (50, 51), (99, 100), (10, 13)]:
        np.testing.assert_allclose(res.pair(*pair), ref.pair(*pair), atol=1e-6)
        assert res.entanglement(*pair)["lambda_min"] == pytest.approx(ref.entanglement(*pair)["lambda_min"],
                                                                      abs=1e-6)
    d = res.diagnostics
    assert d.checks["relative_residual"] < 1e-12 and d.residual is not None
    assert d.error is not None and d.error < 1e-6
    assert "stationary" in d.notes


def test_evolved_result_carries_the_mpo_residual(xxz_case):
    _, _, res = xxz_case
    d = res.diagnostics
    assert d.residual is not None and d.residual < 1e-6
    assert 0 < d.checks["relative_residual"] < 1e-6


def test_pauli_weight_changes_the_norm_not_the_state(xxz_case):
    """With s = 0.5 the stored MPS is s^{|string|}C; the NESS read off is the same (exact solver, n = 5)."""
    model, ref, _ = xxz_case
    res = TensorNetwork(dt=0.05, pauli_weight=0.5).solve(model)
    worst = max(np.max(np.abs(res.pair(i, j) - ref.pair(i, j))) for i in range(1, 6) for j in range(i + 1, 6))
    assert worst < 1e-7
    assert res.diagnostics.checks["relative_residual"] < 1e-6


def _modes_state(limit: list[np.ndarray], modes: list[list[np.ndarray]], amplitudes: list[float],
                 scale: float) -> list[np.ndarray]:
    """C = C_∞ + Σ_i a_i (mode_i − C_∞) as an explicit MPS sum, times an arbitrary normalisation ``scale``."""
    blocks = [[np.array(t) for t in limit]]
    for mode, amp in zip(modes, amplitudes):
        b = [np.array(t) for t in mode]
        b[0] = b[0] * amp
        c = [np.array(t) for t in limit]
        c[0] = c[0] * (-amp)
        blocks += [b, c]
    out = blocks[0]
    for blk in blocks[1:]:
        out = tn.mps_sum(out, blk)
    out[0] = out[0] * scale
    return out


def test_extrapolation_removes_one_geometric_mode():
    """C_k = C_∞ + r^k v (one mode): the jump from (C_{k−1}, C_k) lands on C_∞ (Aitken), whatever their norms."""
    inf = tn.correlated_state([0.3, -0.1, 0.2, -0.4], [0.1, 0.05, 0.2])
    mode = tn.product_state([0.5, 0.2, -0.3, 0.1])  # v = mode − C_∞ has no identity component (Tr fixed)
    r = 0.7

    def state(power: int, scale: float) -> list[np.ndarray]:
        return _modes_state(inf, [mode], [r**power], scale)

    prev = state(3, 2.0)
    mps = _tebd._MPS(state(4, 0.3))
    tn._extrapolate(mps, prev, r, chi=16, cutoff=0.0)
    one, two = tn._local_observables(mps.tensors)
    wrong = _tebd._MPS(state(4, 0.3))
    tn._extrapolate(wrong, prev, 0.5, chi=16, cutoff=0.0)
    assert np.max(np.abs(tn._local_observables(wrong.tensors)[0] - tn._local_observables(inf)[0])) > 1e-3
    ref_one, ref_two = tn._local_observables(inf)
    np.testing.assert_allclose(one, ref_one, atol=1e-12)
    np.testing.assert_allclose(two, ref_two, atol=1e-12)


def test_reduced_rank_extrapolation_removes_two_modes_of_a_state():
    """C_k = C_∞ + Σ_{i≤2} r_i^k v_i: the RRE weights from the observables of C_0 … C_3, applied to the MPS
    (C_1 … C_3, each at its own normalisation), land on C_∞; the last state alone is far from it."""
    limit = tn.correlated_state([0.3, -0.1, 0.2, -0.4], [0.1, 0.05, 0.2])
    # v_i = mode_i − C_∞ has no identity component: the trace is fixed
    modes = [tn.product_state([0.5, 0.2, -0.3, 0.1]), tn.correlated_state([0.1, 0.1, -0.5, 0.2], [0.3, -0.2, 0.1])]
    ratios = [0.7, 0.3]  # jump weights (1, −4.8, 4.8): within RRE_MAX_GAIN
    states = [_modes_state(limit, modes, [r**k for r in ratios], scale=0.5 + k) for k in range(4)]
    obs = [tn._observables(_tebd._MPS(c))[2] for c in states]
    found = tn.rre_weights(obs)
    assert found is not None
    gamma, predicted = found
    assert math.isclose(float(np.sum(gamma)), 1.0, rel_tol=1e-12)
    assert predicted < 1e-8
    mps = _tebd._MPS(states[-1])
    ref = tn._observables(_tebd._MPS(limit))[2]
    assert np.max(np.abs(tn._observables(mps)[2] - ref)) > 1e-2
    tn._combine_states(mps, states[1:], gamma, chi=64, cutoff=0.0)
    np.testing.assert_allclose(tn._observables(mps)[2], ref, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.1, 0.95), min_size=1, max_size=tn.RRE_CHANGES - 1, unique=True),
       st.integers(0, 2**31 - 1))
def test_rre_weights_give_the_limit_of_a_linear_relaxation(ratios, seed):
    """x_k = x_∞ + Σ_i r_i^k v_i with ≤ 2 modes (random v_i, distinct r_i): Σγ_k x_{k+1} = x_∞ (RRE from m
    changes is exact when the deviation lies in at most m − 1 modes: their minimal polynomial has degree m − 1)."""
    ratios = sorted(ratios)
    if len(ratios) > 1 and min(np.diff(ratios)) < 0.05:
        ratios = ratios[:1]  # nearly equal ratios make the modes indistinguishable in four samples
    poly = np.poly(ratios)  # the modes' minimal polynomial: the exact jump's weights up to normalisation
    assume(np.sum(np.abs(poly)) / abs(np.sum(poly)) < tn.RRE_MAX_GAIN / 2)  # else the jump is refused (noise gain)
    rng = np.random.default_rng(seed)
    limit = rng.normal(size=30)
    vs = rng.normal(size=(len(ratios), 30))
    xs = np.array([limit + sum(r**k * v for r, v in zip(ratios, vs)) for k in range(tn.RRE_CHANGES + 1)])
    found = tn.rre_weights(xs)
    assert found is not None
    gamma, predicted = found
    assert predicted < 1e-6
    np.testing.assert_allclose(gamma @ xs[1:], limit, atol=1e-6 * np.max(np.abs(vs)))


def test_rre_weights_refuse_changes_they_do_not_explain():
    """Independent random changes (noise, no slow mode) are not extrapolated; nor is a zero change, nor a jump
    whose weights would amplify the states' noise beyond RRE_MAX_GAIN."""
    rng = np.random.default_rng(3)
    noise = np.cumsum(rng.normal(size=(tn.RRE_CHANGES + 1, 200)), axis=0)
    assert tn.rre_weights(noise) is None
    assert tn.rre_weights(np.ones((tn.RRE_CHANGES + 1, 5))) is None
    # two slow modes with nearly the same ratio: the exact jump's weights (Σ|γ| ≈ 80) would amplify noise
    v = rng.normal(size=(2, 50))
    slow = np.array([0.8**k * v[0] + 0.78**k * v[1] for k in range(tn.RRE_CHANGES + 1)])
    assert tn.rre_weights(slow) is None


@settings(max_examples=200, deadline=None)
@given(r=st.floats(0.31, 0.99), last=st.floats(1e-9, 1e-3), tol=st.floats(1e-9, 1e-5))
def test_geometric_jump_is_taken_on_a_steady_decay_above_the_trigger(r, last, tol):
    """Three changes falling by r: the jump's ratio is r (capped) exactly when the last change exceeds
    JUMP_TRIGGER × tol; a decay whose two ratios differ by more than 10 % gets no jump."""
    deltas = [last / r**2, last / r, last]
    got = tn._geometric_ratio(deltas, tol)
    if last > tn.JUMP_TRIGGER * tol:
        assert got == pytest.approx(min(r, tn.EXTRAPOLATION_MAX_RATIO), rel=1e-9)
    else:
        assert got is None
    assert tn._geometric_ratio([last / (0.8 * r * r), last / r, last], tol) is None  # ratios 0.8 r, r: not steady
    assert tn._geometric_ratio(deltas[1:], tol) is None  # two changes give one ratio only


def test_geometric_jump_below_ten_tol():
    """The n = 40 XX case's final stage (tol 1e-7): changes 4.2e-7, 3.4e-7, 2.7e-7 fall by 0.79–0.80 per chunk.
    Before 0.10 the geometric jump needed 10 × tol and the stage decayed for 17 chunks; now it jumps here."""
    assert tn._geometric_ratio([4.245e-07, 3.370e-07, 2.705e-07], 1e-7) == pytest.approx(2.705 / 3.370)
    assert tn._geometric_ratio([1.2e-7, 0.96e-7, 0.77e-7], 1e-7) is None  # below tol: converging anyway


def test_bond_ramp_reaches_the_same_steady_state():
    """The χ/4, χ/2 stages only shorten the way: n = 10 XX chain, γ = 0.1, μ = 1 against SPEC §4 (χ = 48 → 12, 24)."""
    n, g = 10, 0.1
    model = Model(n, coupling=1.0, mu=1.0, dephasing=g)
    res = TensorNetwork(bond_dimension=48, tol=1e-8, trotter_check="step").solve(model)
    assert "bond ramp: relaxed at χ = 12, 24 first" in res.diagnostics.notes
    np.testing.assert_allclose(res.magnetization, closed_form.magnetization(n, 1, 1, 1, 0, g), atol=1e-6)
    np.testing.assert_allclose(res.current, closed_form.current(n, 1, 1, 1, 0, g), atol=1e-6)
    for i, j in [(1, 2), (5, 6)]:
        np.testing.assert_allclose(res.pair(i, j), closed_form.pair_rdm(i, j, n, 1, 1, 1, 0, g), atol=1e-6)
    short = TensorNetwork(bond_dimension=32).solve(model.replace(n=4))  # bond 16 at most: χ/4 = 8 is skipped
    assert "bond ramp" not in short.diagnostics.notes


def test_a_jump_that_makes_things_worse_is_undone(monkeypatch):
    """An extrapolation jump that lands further away (here: a corrupted one) is undone and extrapolation stops."""
    real = tn._combine_states

    def corrupted(mps, states, weights, chi, cutoff):
        real(mps, states, weights, chi, cutoff)
        if len(states) == tn.RRE_CHANGES:  # the jump, not the Richardson combination of two fixed points
            mps.tensors[mps.center] = mps.tensors[mps.center] * np.array([1.0, 1.5, 1.5, 1.5])[None, :, None]

    real_geometric = tn._extrapolate

    def corrupted_geometric(mps, previous, ratio, chi, cutoff):
        real_geometric(mps, previous, ratio, chi, cutoff)
        mps.tensors[mps.center] = mps.tensors[mps.center] * np.array([1.0, 1.5, 1.5, 1.5])[None, :, None]

    monkeypatch.setattr(tn, "_combine_states", corrupted)
    monkeypatch.setattr(tn, "_extrapolate", corrupted_geometric)
    n, g = 6, 0.1
    model = Model(n, coupling=1.0, mu=1.0, dephasing=g)
    res = TensorNetwork(dt=0.1, start="infinite-temperature", bond_ramp=False).solve(model)
    # every jump (one per relaxation phase that tried one) was undone, and none was kept
    found = re.search(r"(\d+) extrapolation jump\(s\), (\d+) undone", res.diagnostics.notes)
    assert found is not None
    made, undone = map(int, found.groups())
    assert made >= 1 and undone == made
    np.testing.assert_allclose(res.magnetization, closed_form.magnetization(n, 1, 1, 1, 0, g), atol=1e-6)


def test_local_residual_is_the_half_weighted_dense_residual():
    """checks["local_residual"] = ‖W M C‖/|C₀| with W = 2^{−(non-identity factors)}, from the dense generator."""
    model = Model(4, delta=0.8, c=0.6, d=-0.2, dephasing=0.1, fields=[0.3, -0.1, 0.0, 0.2], coupling=1.0)
    rng = np.random.default_rng(5)
    ts = [t + 0.2 * rng.standard_normal(t.shape) for t in tn.correlated_state([0.3, 0.1, -0.2, -0.4],
                                                                               [0.1, 0.2, 0.15])]
    full = ts[0]
    for t in ts[1:]:
        full = np.tensordot(full, t, axes=(-1, 0))
    c = full.reshape(-1)
    w = np.ones(1)
    for _ in range(4):
        w = np.kron(w, [1.0, 0.5, 0.5, 0.5])
    want = np.linalg.norm(w * (_full_generator(model) @ c)) / abs(c[0])
    assert tn._local_residual(ts, tn.bond_generators(model)) == pytest.approx(want, rel=1e-10)


def test_max_error_checks_the_measured_estimate_and_error_keeps_the_floor():
    model = Model(4, coupling=1.0, mu=1.0, dephasing=0.1)
    res = TensorNetwork(tol=1e-7).solve(model)
    assert res.diagnostics.error >= 2 * res.diagnostics.checks["local_residual"] > 0
    with pytest.raises(SolverError, match="max_error"):
        TensorNetwork(tol=1e-7, max_error=1e-12).solve(model)


@settings(max_examples=40, deadline=None)
@given(tau=st.floats(0.5, 50.0), chunk=st.floats(0.2, 5.0), floor=st.floats(1e-12, 1e-6),
       start=st.floats(1e4, 1e8), seed=st.integers(0, 2**16))
def test_decay_time_reads_the_geometric_stretch_not_the_floor(tau, chunk, floor, start, seed):
    """Changes δ_k = A e^{−k·chunk/τ} until they meet a noisy floor: the estimate is τ, not the floor's ratio ~1."""
    rng = np.random.default_rng(seed)
    # the exponential runs down to half the floor (so that both ends of the stretch lie on it), then the floor
    k_end = int(math.ceil(tau / chunk * math.log(2 * start)))
    if k_end < 5 or k_end > 2000:
        return
    if chunk / tau >= math.log(100 / 3):
        # faster than a factor 100/3 per chunk: fewer than two changes between 100 × and 3 × the floor, i.e. no
        # stretch of two chunks to read (documented None), e.g. τ = 0.5, chunk = 2.25
        return
    deltas = [start * floor * math.exp(-k * chunk / tau) for k in range(k_end + 1)]
    deltas += list(floor * rng.uniform(0.8, 1.2, 12))
    est = tn._decay_time(deltas, chunk)
    assert est is not None
    assert est == pytest.approx(tau, rel=1e-9)  # both ends of the stretch lie on the exponential
    # a floor alone, or too few changes, has no stretch to read
    assert tn._decay_time(list(floor * rng.uniform(0.8, 1.2, 12)), chunk) is None
    assert tn._decay_time(deltas[-2:], chunk) is None


def _largest_deviation(res, ref, pairs):
    return max(float(np.max(np.abs(res.magnetization - ref.magnetization))),
               float(np.max(np.abs(res.current - ref.current))),
               *(float(np.max(np.abs(res.pair(*p) - ref.pair(*p)))) for p in pairs))


def test_refine_removes_the_trotter_bias_of_the_fixed_point():
    """No truncation (χ = 16 at n = 5), a coarse dt: the fixed point of the splitting is off by its Trotter bias;
    the defect correction with the exact Lindbladian (MPO) removes it, and its estimate covers what is left."""
    model = Model(5, coupling_left=1.0, coupling_right=0.8, delta=1.5, c=0.3, d=-0.6, dephasing=0.05)
    ref = exact.solve(model)
    pairs = [(1, 2), (2, 3), (1, 5)]
    plain = tn.solve(model, bond_dimension=16, cutoff=0.0, dt=0.2, tol=1e-10, trotter_check="none")
    refined = tn.solve(model, bond_dimension=16, cutoff=0.0, dt=0.2, tol=1e-10, refine=2)
    before, after = _largest_deviation(plain, ref, pairs), _largest_deviation(refined, ref, pairs)
    assert before > 1e-6  # the bias is there to be removed
    assert after < 0.1 * before
    assert refined.diagnostics.error >= after
    assert refined.diagnostics.checks["trotter_error"] is None  # no Trotter check: nothing of it is left to measure
    assert refined.diagnostics.checks["refinement_rounds"] == 2
    assert "defect correction" in refined.diagnostics.notes


def test_refine_goes_below_the_noise_floor_of_a_saturated_bond():
    """χ = 24 < the NESS's rank at n = 6: the evolution stalls ~1e-4 off; two rounds of defect correction reach the
    exact solver's NESS to < 1e-6, and diagnostics.error is not below the actual deviation."""
    model = Model(6, coupling=1.0, delta=1.5, c=0.3, d=-0.6, dephasing=0.05)
    ref = exact.solve(model)
    pairs = [(1, 2), (3, 4), (1, 6)]
    floor = tn.solve(model, bond_dimension=24, cutoff=0.0, pauli_weight=0.3, tol=1e-6, max_error=1.0)
    refined = tn.solve(model, bond_dimension=24, cutoff=0.0, pauli_weight=0.3, refine=2)
    before, after = _largest_deviation(floor, ref, pairs), _largest_deviation(refined, ref, pairs)
    assert before > 1e-5
    assert after < 1e-6
    assert refined.diagnostics.error >= after
    assert refined.diagnostics.checks["bond_dimension"] <= 24


@settings(max_examples=20, deadline=None)
@given(eps=st.floats(-0.05, 0.05), scale_fine=st.floats(0.1, 10), scale_coarse=st.floats(0.1, 10),
       z=st.lists(st.floats(-0.9, 0.9), min_size=4, max_size=4))
@pytest.mark.parametrize("order", [4, 6])
def test_richardson_removes_the_leading_term_of_the_fixed_point(order, eps, scale_fine, scale_coarse, z):
    """C(h) = C_∞ + a h^p (a traceless, p = 4 or 6): the combination of C(dt) and C(dt/2) lands on C_∞ at any
    normalisation of either state; it is the Aitken-free, fixed-weight (2^p, −1)/(2^p − 1) combination."""
    inf = tn.correlated_state([0.3, -0.1, 0.2, -0.4], [0.1, 0.05, 0.2])
    direction = tn.product_state(z)  # a = direction − C_∞ has no identity component

    def state(h4: float, scale: float) -> list[np.ndarray]:
        a = [np.array(t) for t in direction]
        a[0] = a[0] * h4
        b = [np.array(t) for t in inf]
        b[0] = b[0] * (1 - h4)
        out = tn.mps_sum(a, b)
        out[0] = out[0] * scale
        return out

    coarse = state(2 ** _tebd.trotter_power(order) * eps, scale_coarse)
    fine = _tebd._MPS(state(eps, scale_fine))
    tn._richardson(fine, coarse, order=order, chi=16, cutoff=0.0)
    one, two = tn._local_observables(fine.tensors)
    ref_one, ref_two = tn._local_observables(inf)
    np.testing.assert_allclose(one, ref_one, atol=1e-12)
    np.testing.assert_allclose(two, ref_two, atol=1e-12)


def test_relax_check_extrapolates_the_trotter_bias_away():
    """No truncation (n = 5, χ = 16), dt = 0.2: the fixed point relaxed at dt and dt/2, Richardson-combined, is
    > 10× closer to the exact solver's NESS than the plain fixed point at dt/2 = 0.1, and the (dt/2) estimate covers
    it."""
    model = Model(5, coupling_left=1.0, coupling_right=0.8, delta=1.5, c=0.3, d=-0.6, dephasing=0.05)
    ref = exact.solve(model)
    pairs = [(1, 2), (2, 3), (1, 5)]
    plain = tn.solve(model, bond_dimension=16, cutoff=0.0, dt=0.1, tol=1e-10, trotter_check="none")
    extrapolated = tn.solve(model, bond_dimension=16, cutoff=0.0, dt=0.2, tol=1e-10, trotter_check="relax")
    before, after = _largest_deviation(plain, ref, pairs), _largest_deviation(extrapolated, ref, pairs)
    assert before > 1e-7  # the dt = 0.1 bias is there
    assert after < 0.1 * before
    assert extrapolated.diagnostics.error >= after
    assert "Richardson" in extrapolated.diagnostics.notes


def test_sixth_order_fixed_point_beats_fourth_order_at_the_same_dt():
    """No truncation (n = 5, χ = 16), dt = 0.2, no Trotter check: the order-6 splitting's fixed point is > 5×
    closer to the exact solver's NESS than order 4's (dense n = 5: 2.6e-7 against 6.2e-6), and within 1e-6."""
    model = Model(5, coupling_left=1.0, coupling_right=0.8, delta=1.5, c=0.3, d=-0.6, dephasing=0.05)
    ref = exact.solve(model)
    pairs = [(1, 2), (2, 3), (1, 5)]
    four = tn.solve(model, bond_dimension=16, cutoff=0.0, dt=0.2, tol=1e-10, trotter_check="none")
    six = tn.solve(model, bond_dimension=16, cutoff=0.0, dt=0.2, tol=1e-10, trotter_check="none", trotter_order=6)
    assert _largest_deviation(six, ref, pairs) < min(0.2 * _largest_deviation(four, ref, pairs), 1e-6)
    assert "order 6" in six.diagnostics.notes


@settings(max_examples=50, deadline=None)
@given(ratio=st.floats(0.5, 0.93), jitter=st.floats(0.0, 0.05), seed=st.integers(0, 2**16), length=st.integers(11, 60))
def test_still_converging_survives_a_noisy_ratio_and_stops_on_a_floor(ratio, jitter, seed, length):
    """A geometric decay (ratio ≤ 0.93 per chunk, a few % jitter, the last two changes made equal) still counts
    as converging; a flat floor with the same jitter does not."""
    rng = np.random.default_rng(seed)
    decay = [1e-3 * ratio**k * (1 + jitter * rng.uniform(-1, 1)) for k in range(length)]
    decay[-1] = decay[-2]  # one ratio of 1: what ended the Δ = −2 run at max_time
    assert tn._still_converging(decay)
    floor = [1e-8 * (1 + jitter * rng.uniform(-1, 1)) for _ in range(length)]
    assert not tn._still_converging(floor)
    assert not tn._still_converging(decay[:10])  # too short to tell


@settings(max_examples=60, deadline=None)
@given(coefficients=st.lists(st.floats(-1, 1), min_size=16, max_size=16))
def test_u1_violation_is_the_sector_coherence_of_the_pair_state(coefficients):
    """|ρ[↑↑, ↓↓]| of the two-spin state ρ = ¼ Σ C_ab σ^a⊗σ^b built densely (nesskit's Pauli table)."""
    c = np.array(coefficients).reshape(4, 4)
    c[0, 0] = 1.0
    rho = sum(c[a, b] * np.kron(PAULIS[a], PAULIS[b]) for a in range(4) for b in range(4)) / 4
    assert tn.u1_violation(c[None]) == pytest.approx(abs(rho[0, 3]), abs=1e-15)
    assert tn.u1_violation(np.empty((0, 4, 4))) == 0.0


def test_u1_violation_bounds_the_pair_error_of_a_truncated_state():
    """χ = 8 < the NESS's rank (n = 6): the truncation leaves a coherence between magnetization sectors that the
    exact NESS (M-sector solver) does not have; the check equals the largest such element of the returned pair
    states, is below their actual error, and diagnostics.error is at least it. The untruncated matrix-product
    start has none (to rounding)."""
    model = Model(6, coupling=1.0, delta=1.5, c=0.3, d=-0.6, dephasing=0.05)
    res = tn.solve(model, bond_dimension=8, tol=1e-5, max_error=1.0)
    ref = exact.solve(model)
    violation = res.diagnostics.checks["u1_violation"]
    corners = max(abs(res.pair(i, i + 1)[0, 3]) for i in range(1, 6))
    deviation = max(np.max(np.abs(res.pair(i, i + 1) - ref.pair(i, i + 1))) for i in range(1, 6))
    assert violation > 1e-9
    assert violation == pytest.approx(corners, rel=1e-9)
    assert violation <= deviation
    assert res.diagnostics.error >= violation
    exact_start = tn.solve(Model(8, coupling=1.0, delta=0.5, c=1.0, d=1.0))
    assert exact_start.diagnostics.checks["u1_violation"] < 1e-13


def test_error_estimate_is_raised_to_the_u1_violation():
    """A state with ⟨σˣσˣ⟩ = −⟨σʸσʸ⟩ = 0.4 has |ρ[↑↑, ↓↓]| = 0.2: an estimate below that is raised, with a note."""
    c = np.zeros((4, 4))
    c[0, 0], c[1, 1], c[2, 2] = 1.0, 0.4, -0.4
    u, s, vt = np.linalg.svd(c)
    mps = _tebd._MPS([(u * s).reshape(1, 4, 4), vt.reshape(4, 4, 1)])
    res = tn._result(Model(2, coupling=1.0, c=0.5, d=0.5), mps, 1.0, 0.0, [], 1.0, 1.0, 1.0, {}, error=1e-9,
                     iterations=1)
    assert res.diagnostics.checks["u1_violation"] == pytest.approx(0.2)
    assert res.diagnostics.error == pytest.approx(0.2)
    assert "U(1)-forbidden" in res.diagnostics.notes

"""Two-qubit entanglement measures (SPEC §2) against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nesskit.entanglement import (
    concurrence,
    entanglement_measures,
    is_entangled,
    lambda_min,
    log_negativity,
    negativity,
    partial_transpose,
    xstate_measures,
)
from nesskit.errors import ParameterError
from nesskit.twospin import xstate_rdm

UP, DN = np.array([1.0, 0.0]), np.array([0.0, 1.0])


def ket(*parts: np.ndarray) -> np.ndarray:
    out = np.array([1.0 + 0j])
    for p in parts:
        out = np.kron(out, p)
    return out


def proj(v: np.ndarray) -> np.ndarray:
    v = v / np.linalg.norm(v)
    return np.outer(v, v.conj())


BELLS = {
    "phi+": (ket(UP, UP) + ket(DN, DN)) / math.sqrt(2),
    "phi-": (ket(UP, UP) - ket(DN, DN)) / math.sqrt(2),
    "psi+": (ket(UP, DN) + ket(DN, UP)) / math.sqrt(2),
    "psi-": (ket(UP, DN) - ket(DN, UP)) / math.sqrt(2),
    "psi_i": (ket(UP, DN) + 1j * ket(DN, UP)) / math.sqrt(2),
}


def pt_loops(rho: np.ndarray) -> np.ndarray:
    """Partial transpose on qubit 2 with explicit index loops: ⟨a b|ρ^{T_B}|a' b'⟩ = ⟨a b'|ρ|a' b⟩."""
    out = np.zeros((4, 4), dtype=complex)
    for a in range(2):
        for b in range(2):
            for a2 in range(2):
                for b2 in range(2):
                    out[2 * a + b, 2 * a2 + b2] = rho[2 * a + b2, 2 * a2 + b]
    return out


def negativity_loops(rho: np.ndarray) -> float:
    ev = np.linalg.eigvals(pt_loops(rho)).real
    return float(-ev[ev < 0].sum())


def wootters(rho: np.ndarray) -> float:
    """Wootters' original formula: square roots of the eigenvalues of the non-Hermitian ρ ρ̃."""
    sy = np.array([[0, -1j], [1j, 0]])
    yy = np.kron(sy, sy)
    r = rho @ yy @ rho.conj() @ yy
    lam = np.sort(np.sqrt(np.abs(np.linalg.eigvals(r))))[::-1]
    return max(0.0, lam[0] - lam[1] - lam[2] - lam[3])


def random_state(rng: np.random.Generator, rank: int = 4) -> np.ndarray:
    g = rng.normal(size=(4, rank)) + 1j * rng.normal(size=(4, rank))
    rho = g @ g.conj().T
    return rho / np.trace(rho)


def random_qubit(rng: np.random.Generator) -> np.ndarray:
    g = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    r = g @ g.conj().T
    return r / np.trace(r)


@pytest.mark.parametrize("name", list(BELLS))
def test_bell_states_are_maximally_entangled(name: str) -> None:
    rho = proj(BELLS[name])
    assert lambda_min(rho) == pytest.approx(-0.5, abs=1e-14)
    assert negativity(rho) == pytest.approx(0.5, abs=1e-14)
    assert log_negativity(rho) == pytest.approx(1.0, abs=1e-14)
    assert concurrence(rho) == pytest.approx(1.0, abs=1e-7)
    assert is_entangled(rho)


@pytest.mark.parametrize("p", [0.0, 0.2, 1 / 3 - 1e-6, 1 / 3 + 1e-6, 0.5, 0.9, 1.0])
def test_werner_states_threshold_one_third(p: float) -> None:
    """ρ = p|ψ⁻⟩⟨ψ⁻| + (1 − p)𝟙/4: ρ^{T_B} has eigenvalues (1 + p)/4 (×3) and (1 − 3p)/4; entangled iff p > 1/3.
    Concurrence max(0, (3p − 1)/2), negativity max(0, (3p − 1)/4) (textbook values)."""
    rho = p * proj(BELLS["psi-"]) + (1 - p) * np.eye(4) / 4
    assert lambda_min(rho) == pytest.approx((1 - 3 * p) / 4, abs=1e-14)
    assert negativity(rho) == pytest.approx(max(0.0, (3 * p - 1) / 4), abs=1e-14)
    assert log_negativity(rho) == pytest.approx(math.log2(1 + 2 * max(0.0, (3 * p - 1) / 4)), abs=1e-13)
    assert concurrence(rho) == pytest.approx(max(0.0, (3 * p - 1) / 2), abs=1e-7)
    assert bool(is_entangled(rho, error=1e-10)) == (p > 1 / 3)


def test_product_and_separable_mixtures_are_not_entangled() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        rho = np.kron(random_qubit(rng), random_qubit(rng))
        assert lambda_min(rho) >= -1e-14
        assert negativity(rho) == pytest.approx(0.0, abs=1e-14)
        assert log_negativity(rho) == pytest.approx(0.0, abs=1e-13)
        assert concurrence(rho) == pytest.approx(0.0, abs=1e-7)
    mix = sum(w * np.kron(random_qubit(rng), random_qubit(rng)) for w in (0.2, 0.3, 0.5))
    assert lambda_min(mix) >= -1e-14 and not is_entangled(mix)


def test_against_loops_and_wootters_on_random_states() -> None:
    rng = np.random.default_rng(3)
    stack = np.array([random_state(rng, rank=int(r)) for r in rng.integers(1, 5, size=40)])
    np.testing.assert_allclose(partial_transpose(stack), np.array([pt_loops(r) for r in stack]), atol=1e-15)
    np.testing.assert_allclose(negativity(stack), [negativity_loops(r) for r in stack], atol=1e-12)
    np.testing.assert_allclose(concurrence(stack), [wootters(r) for r in stack], atol=1e-6)
    ev_min = [np.linalg.eigvalsh(pt_loops(r)).min() for r in stack]
    np.testing.assert_allclose(lambda_min(stack), ev_min, atol=1e-14)
    m = entanglement_measures(stack)
    np.testing.assert_allclose(m["log_negativity"], np.log2(1 + 2 * m["negativity"]), atol=1e-12)
    # all four agree on entangled versus separable (away from the boundary)
    clear = np.abs(m["lambda_min"]) > 1e-6
    assert np.all((m["lambda_min"] < 0)[clear] == (m["concurrence"] > 1e-9)[clear])
    assert np.all((m["lambda_min"] < 0)[clear] == (m["negativity"] > 0)[clear])


def test_partial_transpose_on_first_qubit() -> None:
    rng = np.random.default_rng(11)
    rho = random_state(rng)
    # T_A = (T_B)^T for the full transpose; eigenvalues identical
    np.testing.assert_allclose(partial_transpose(rho, 1), pt_loops(rho).T, atol=1e-15)
    with pytest.raises(ParameterError, match="subsystem"):
        partial_transpose(rho, 3)


def test_wrong_shape_is_refused() -> None:
    with pytest.raises(ParameterError, match="shape"):
        lambda_min(np.eye(3))


def random_xstate(draw_vals: tuple[float, ...]) -> tuple[float, float, float, complex]:
    """A valid X-state from 4 positive weights (populations) and a coherence fraction/phase."""
    w1, w2, w3, w4, frac, phase = draw_vals
    p = np.array([w1, w2, w3, w4]) / (w1 + w2 + w3 + w4)
    puu, pud, pdu, pdd = p
    pm = frac * math.sqrt(pud * pdu) * np.exp(1j * phase)
    z_i = puu + pud - pdu - pdd
    z_j = puu - pud + pdu - pdd
    zz = puu - pud - pdu + pdd
    return z_i, z_j, zz, pm


weights = st.floats(0.01, 1.0)


@settings(max_examples=80, deadline=None)
@given(
    vals=st.tuples(weights, weights, weights, weights, st.floats(0, 1), st.floats(-math.pi, math.pi)),
)
def test_xstate_measures_equal_the_eigen_based_ones(vals: tuple[float, ...]) -> None:
    z_i, z_j, zz, pm = random_xstate(vals)
    rho = xstate_rdm(z_i, z_j, zz, pm)
    assert np.linalg.eigvalsh(rho).min() > -1e-14  # a state
    closed = xstate_measures(z_i, z_j, zz, pm)
    eig = entanglement_measures(rho)
    for key in ("lambda_min", "negativity", "log_negativity"):
        assert closed[key] == pytest.approx(eig[key], abs=1e-12), key
    assert closed["concurrence"] == pytest.approx(wootters(rho), abs=1e-6)


def test_xstate_measures_broadcast_and_swap_symmetry() -> None:
    rng = np.random.default_rng(5)
    vals = [random_xstate(tuple(rng.uniform(0.01, 1, 4)) + (rng.uniform(), rng.uniform(-3, 3))) for _ in range(10)]
    z_i, z_j, zz, pm = (np.array(v) for v in zip(*vals))
    out = xstate_measures(z_i, z_j, zz, pm)
    assert out["lambda_min"].shape == (10,)
    swapped = xstate_measures(z_j, z_i, zz, np.conj(pm))
    np.testing.assert_allclose(out["lambda_min"], swapped["lambda_min"], atol=1e-15)


def test_x_state_concurrence_equals_wootters_after_a_local_rotation():
    # the X-state closed form (used for every NESS pair) against Wootters' eigenvalue route on the same state
    # rotated by a random local unitary (no longer an X-state; concurrence is invariant under U ⊗ V)
    rng = np.random.default_rng(5)
    from scipy.stats import unitary_group

    for _ in range(40):
        p = rng.dirichlet(np.ones(4))
        rho = np.diag(p).astype(complex)
        c1 = rng.uniform(0, 1) * np.sqrt(p[1] * p[2]) * np.exp(1j * rng.uniform(0, 6.3))
        c2 = rng.uniform(0, 1) * np.sqrt(p[0] * p[3]) * np.exp(1j * rng.uniform(0, 6.3))
        rho[1, 2], rho[2, 1] = c1, np.conj(c1)
        rho[0, 3], rho[3, 0] = c2, np.conj(c2)
        u = np.kron(unitary_group.rvs(2, random_state=rng), unitary_group.rvs(2, random_state=rng))
        rotated = u @ rho @ u.conj().T
        assert float(concurrence(rho)) == pytest.approx(float(concurrence(rotated)), abs=1e-10)

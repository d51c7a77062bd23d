"""Entanglement of two qubits (SPEC §2), vectorised over stacks of 4×4 density matrices.

The paper's criterion is λ_min, the smallest eigenvalue of the partial transpose ρ^{T_B}
(Peres–Horodecki; necessary and sufficient for two qubits): entangled ⇔ λ_min < 0. nesskit also gives the
negativity N = (‖ρ^{T_B}‖₁ − 1)/2, the logarithmic negativity log₂‖ρ^{T_B}‖₁ and Wootters' concurrence.
All four agree on entangled versus separable. Near every boundary λ_min is tiny: decide "entangled"
relative to the accuracy of the state with the one policy :func:`entangled` / :func:`entanglement_threshold`,
never by sign alone.
"""

from __future__ import annotations

import numpy as np

from .errors import ParameterError
from .operators import SIGMA_Y


def _as_two_qubit_stack(rdm: np.ndarray) -> np.ndarray:
    rho = np.asarray(rdm)
    if rho.shape[-2:] != (4, 4):
        raise ParameterError(f"a two-qubit density matrix must have shape (..., 4, 4), got {rho.shape}")
    return rho.astype(complex, copy=False)


def partial_transpose(rdm: np.ndarray, subsystem: int = 2) -> np.ndarray:
    """Partial transpose of a stack of two-qubit states on qubit ``subsystem`` (1 or 2; 2 is T_B)."""
    rho = _as_two_qubit_stack(rdm)
    if subsystem not in (1, 2):
        raise ParameterError(f"subsystem must be 1 or 2, got {subsystem!r}")
    r = rho.reshape(rho.shape[:-2] + (2, 2, 2, 2))  # indices a b, a' b'
    r = np.swapaxes(r, -3, -1) if subsystem == 2 else np.swapaxes(r, -4, -2)
    return r.reshape(rho.shape)


def _hermitian(m: np.ndarray) -> np.ndarray:
    return 0.5 * (m + np.conj(np.swapaxes(m, -1, -2)))


def partial_transpose_eigenvalues(rdm: np.ndarray) -> np.ndarray:
    """The four eigenvalues (ascending) of ρ^{T_B}, shape (..., 4)."""
    return np.linalg.eigvalsh(_hermitian(partial_transpose(rdm)))


def lambda_min(rdm: np.ndarray) -> np.ndarray:
    """λ_min: the minimal eigenvalue of the partial transpose ρ^{T_B} (the paper's criterion, SPEC §2)."""
    return partial_transpose_eigenvalues(rdm)[..., 0]


def negativity(rdm: np.ndarray) -> np.ndarray:
    """Negativity N = (‖ρ^{T_B}‖₁ − 1)/2 = Σ |negative eigenvalues of ρ^{T_B}| (for unit trace)."""
    ev = partial_transpose_eigenvalues(rdm)
    return 0.5 * (np.abs(ev).sum(axis=-1) - ev.sum(axis=-1))


def log_negativity(rdm: np.ndarray) -> np.ndarray:
    """Logarithmic negativity E_N = log₂ ‖ρ^{T_B}‖₁ (base 2; 0 for separable two-qubit states)."""
    ev = partial_transpose_eigenvalues(rdm)
    return np.log2(np.abs(ev).sum(axis=-1) / ev.sum(axis=-1))


_SYSY = np.kron(SIGMA_Y, SIGMA_Y)


#: Entries outside the X pattern (diagonal, ↑↓–↓↑ and ↑↑–↓↓ coherences) of a two-qubit matrix.
_NON_X = np.ones((4, 4), dtype=bool)
for _a, _b in [(0, 0), (1, 1), (2, 2), (3, 3), (1, 2), (2, 1), (0, 3), (3, 0)]:
    _NON_X[_a, _b] = False


def concurrence(rdm: np.ndarray) -> np.ndarray:
    """Wootters' concurrence C = max(0, λ₁ − λ₂ − λ₃ − λ₄).

    λ_k are the decreasing square roots of the eigenvalues of √ρ ρ̃ √ρ with ρ̃ = (σʸ⊗σʸ) ρ* (σʸ⊗σʸ)
    (the Hermitian form of Wootters' ρρ̃). For X-states (every NESS pair of these U(1)-symmetric chains) the
    closed form C = 2 max(0, |ρ_{↑↓,↓↑}| − √(ρ_{↑↑}ρ_{↓↓}), |ρ_{↑↑,↓↓}| − √(ρ_{↑↓}ρ_{↓↑})) is used: the eigenvalue
    route loses accuracy (errors ~1e-9) when ρ is nearly singular.
    """
    rho = _hermitian(_as_two_qubit_stack(rdm))
    is_x = ~np.any(rho[..., _NON_X] != 0, axis=-1)
    p = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
    x_value = 2 * np.maximum(
        np.maximum(np.abs(rho[..., 1, 2]) - np.sqrt(np.clip(p[..., 0] * p[..., 3], 0, None)),
                   np.abs(rho[..., 0, 3]) - np.sqrt(np.clip(p[..., 1] * p[..., 2], 0, None))), 0.0)
    if np.all(is_x):
        return x_value
    w, v = np.linalg.eigh(rho)
    sqrt_rho = (v * np.sqrt(np.clip(w, 0, None))[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))
    rho_tilde = _SYSY @ np.conj(rho) @ _SYSY
    m = _hermitian(sqrt_rho @ rho_tilde @ sqrt_rho)
    lam = np.sqrt(np.clip(np.linalg.eigvalsh(m), 0, None))[..., ::-1]
    general = np.clip(lam[..., 0] - lam[..., 1] - lam[..., 2] - lam[..., 3], 0, None)
    return np.where(is_x, x_value, general)


def entanglement_measures(rdm: np.ndarray) -> dict[str, np.ndarray]:
    """All four measures at once: ``lambda_min``, ``negativity``, ``log_negativity``, ``concurrence``."""
    ev = partial_transpose_eigenvalues(rdm)
    norm1 = np.abs(ev).sum(axis=-1)
    trace = ev.sum(axis=-1)
    return {
        "lambda_min": ev[..., 0],
        "negativity": 0.5 * (norm1 - trace),
        "log_negativity": np.log2(norm1 / trace),
        "concurrence": concurrence(rdm),
    }


#: Absolute floor of the entanglement threshold: rounding of a unit-trace 4×4 state (a few hundred ulp).
ENTANGLEMENT_ATOL = 1e-12
#: The threshold grows with the method's error estimate by this safety factor.
ENTANGLEMENT_ERROR_FACTOR = 10.0


def entanglement_threshold(error: float | np.ndarray | None = None) -> np.ndarray:
    """nesskit's one entanglement policy: the margin below zero that λ_min must pass to count as entangled.

    threshold = :data:`ENTANGLEMENT_ATOL` + :data:`ENTANGLEMENT_ERROR_FACTOR` · error, where ``error`` is the
    method's estimate of the absolute error of the two-spin state (``NESS.error_estimate``: the method's
    ``diagnostics.error``, else its residual; None or NaN counts as 0, i.e. a closed form at rounding level).
    λ_min is tiny near every boundary of an entangled region, so deciding by sign alone would call rounding noise
    entanglement. Broadcasts over arrays of errors.
    """
    if error is None:
        return np.asarray(ENTANGLEMENT_ATOL)
    e = np.asarray(error, dtype=float)
    e = np.where(np.isfinite(e), np.abs(e), 0.0)
    return ENTANGLEMENT_ATOL + ENTANGLEMENT_ERROR_FACTOR * e


def entangled(lambda_min: float | np.ndarray, error: float | np.ndarray | None = None) -> np.ndarray:
    """True where λ_min < −:func:`entanglement_threshold` (error) — the policy used by every part of nesskit.

    NaN λ_min (a point that was not computed) is never entangled.
    """
    lam = np.asarray(lambda_min, dtype=float)
    return lam < -entanglement_threshold(error)


def is_entangled(rdm: np.ndarray, error: float | np.ndarray | None = None) -> np.ndarray:
    """Whether two-qubit states are entangled by nesskit's policy (:func:`entangled` of their λ_min).

    ``error`` is the accuracy of the states (for a NESS: ``ness.error_estimate``).
    """
    return entangled(lambda_min(rdm), error)


def xstate_measures(z_i: np.ndarray, z_j: np.ndarray, zz: np.ndarray, pm: np.ndarray) -> dict[str, np.ndarray]:
    """All four measures of a U(1)-symmetric ("X") two-spin state, in closed form (no eigensolver).

    The state is the one of :func:`nesskit.twospin.xstate_rdm`: populations p_σσ' = (1 ± z_i ± z_j + zz)/4 and
    the coherence ⟨σ⁺_iσ⁻_j⟩ = ``pm``. Its partial transpose moves the coherence into the {↑↑, ↓↓} block, so
    the eigenvalues of ρ^{T_B} are p_↑↓, p_↓↑ and (p_↑↑ + p_↓↓)/2 ± √(((p_↑↑ − p_↓↓)/2)² + |pm|²) (the last with
    the minus sign is the paper's Eqs. 15 and 20). The concurrence is 2 max(0, |pm| − √(p_↑↑ p_↓↓)).
    Broadcasts over all arguments; about 100× faster than diagonalising each 4×4 matrix.
    """
    z_i, z_j, zz, pm = np.broadcast_arrays(*(np.asarray(a) for a in (z_i, z_j, zz, pm)))
    pops = np.stack([(1 + z_i + z_j + zz) / 4, (1 + z_i - z_j - zz) / 4, (1 - z_i + z_j - zz) / 4,
                     (1 - z_i - z_j + zz) / 4], axis=-1)
    return xstate_measures_from_populations(pops, pm)


def xstate_measures_from_populations(pops: np.ndarray, coh: np.ndarray) -> dict[str, np.ndarray]:
    """The four measures of an X-state from its populations p[..., (↑↑, ↑↓, ↓↑, ↓↓)] and coherence ⟨σ⁺_iσ⁻_j⟩.

    The formulas of :func:`xstate_measures`, fed with the populations directly (rebuilding them from ⟨σᶻ⟩ and
    ⟨σᶻσᶻ⟩ loses the relative accuracy of a tiny population, hence of √(p_↑↑ p_↓↓)).
    """
    p_uu, p_ud, p_du, p_dd = (pops[..., k] for k in range(4))
    a = np.abs(coh)
    mean = (p_uu + p_dd) / 2
    root = np.hypot((p_uu - p_dd) / 2, a)
    ev = np.stack([mean - root, mean + root, p_ud, p_du], axis=-1)
    norm1 = np.abs(ev).sum(axis=-1)
    trace = ev.sum(axis=-1)
    return {
        "lambda_min": ev.min(axis=-1),
        "negativity": 0.5 * (norm1 - trace),
        "log_negativity": np.log2(norm1 / trace),
        "concurrence": 2 * np.clip(a - np.sqrt(np.clip(p_uu * p_dd, 0, None)), 0, None),
    }

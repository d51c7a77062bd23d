"""``free-fermion``: exact NESS of the XX chain without dephasing, any fields, hopping and Γ_L ≠ Γ_R (SPEC §4).

With γ_j = 0 and Δ = 0 the Lindbladian is quadratic in the Jordan–Wigner fermions c_j = Π_{l<j}(−σᶻ_l)σ⁻_j with
linear jump operators, so the NESS is Gaussian and fixed by C_jk = ⟨c†_j c_k⟩, the solution of the Lyapunov
equation (SPEC §4 at γ = 0; derivation and the right bath's Jordan–Wigner string in
:mod:`nesskit.solvers._jordan_wigner`)::

    A C + C A^H + G = 0,   A = i𝗁 − B,

𝗁_{j,j+1} = 2J_j, 𝗁_jj = 2h_j, B = diag(2Γ_L, 0, …, 0, 2Γ_R), G = diag(2Γ_L(1 − μ/2 + μ̄), 0, …, 2Γ_R(1 + μ/2 + μ̄)).
Every observable then follows from C: ⟨σᶻ_j⟩ = 2C_jj − 1, t_j = 2 Im C_{j,j+1}, ⟨σᶻ_iσᶻ_j⟩ = z_iz_j − 4|C_ij|²
(Wick), and ⟨σ⁺_iσ⁻_j⟩ for any pair as a determinant (Jordan–Wigner string, see
:func:`~nesskit.solvers._jordan_wigner.string_coherence`). Cost O(n³) (one eigendecomposition of A and a few
matrix products), memory O(n²).

Algorithm: A is complex symmetric, so its eigenvectors can be normalised to VᵀV = 1 and V⁻¹ = Vᵀ; then
C = V Y V^H with Y_ab = −(VᵀG V̄)_ab / (λ_a + λ̄_b) (G has rank 2). If the eigenbasis is ill-conditioned (near an
exceptional point) the solver falls back to Bartels–Stewart (:func:`scipy.linalg.solve_continuous_lyapunov`).

Limitation: a mode that relaxes slower than machine precision (Re λ ≈ 0, e.g. localized by disorder far from both
ends: already for W ≈ 0.3 at n ≈ 150) has an occupation no double-precision method determines; :func:`solve`
then raises :class:`~nesskit.errors.SolverError` instead of returning a state that only looks converged.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.linalg as sla

from ..errors import ParameterError, SolverError
from ..model import Model
from ..ness import NESS, Diagnostics
from ..twospin import xstate_rdm
from . import _jordan_wigner as jw

#: Relative Lyapunov residual above which the eigenvector route is replaced by Bartels–Stewart.
EIGEN_RESIDUAL_LIMIT = 1e-10


def applicable(model: Model, pairs: tuple[tuple[int, int], ...] = ()) -> str | None:
    """None if the free-fermion solver applies (Δ = 0 and γ_j = 0 on every site), otherwise the reason.

    Any pairs can be given (the Gaussian state yields every two-spin state).
    """
    if model.delta != 0.0:
        return f"needs the XX chain (delta = 0), got delta = {model.delta}: the XXZ chain is interacting"
    if any(g != 0.0 for g in model.dephasing_profile):
        return "needs dephasing = 0 on every site (dephasing makes the state non-Gaussian; use 'hierarchy')"
    return None


#: Relaxation rates |Re λ| below this (relative to max |λ|) are indistinguishable from 0 in double precision.
DECOUPLED_RATE = 1e-13


def _check_relaxation(lam: np.ndarray, a: np.ndarray) -> None:
    """Raise :class:`SolverError` if a mode of A does not decay to machine precision (Re λ ≈ 0).

    Such a mode (for example one localized by strong disorder far from both ends) is coupled to the baths only
    through amplitudes below 1e-8, so its NESS occupation, a ratio of two such tiny numbers, is not determined in
    double precision by any method.
    """
    scale = max(float(np.max(np.abs(lam))), 1.0)
    slowest = float(np.min(-lam.real))
    if slowest < DECOUPLED_RATE * scale:
        raise SolverError(
            f"a single-particle mode relaxes at rate {slowest:.1e} (relative to {scale:.2g}): it is decoupled from "
            "the baths to machine precision (e.g. localized by strong disorder), so its NESS occupation is not "
            "determined numerically; use a shorter chain or weaker disorder"
        )


def _lyapunov_eigen(a: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """C solving AC + CA^H + diag(gain) = 0 via the eigenvectors of the complex symmetric A."""
    lam, vec = sla.eig(a, check_finite=False)
    _check_relaxation(lam, a)
    norms = np.sqrt(np.einsum("ia,ia->a", vec, vec))  # complex "norm" vᵀv (no conjugation)
    if np.any(np.abs(norms) < 1e-8):
        raise np.linalg.LinAlgError("nearly self-orthogonal eigenvector (exceptional point)")
    vec = vec / norms
    support = np.flatnonzero(gain)
    w = vec[support, :]  # rows of V⁻¹ = Vᵀ restricted to the sites with gain: (V⁻¹ e_s)_a = V_sa
    source = (w.T * gain[support]) @ w.conj()  # V⁻¹ G V^{-H}
    y = -source / (lam[:, None] + lam.conj()[None, :])
    return (vec @ y) @ vec.conj().T


def correlation_matrix(model: Model, algorithm: str = "eigen") -> tuple[np.ndarray, str]:
    """C_jk = ⟨c†_j c_k⟩ of the NESS (γ = 0) and the name of the algorithm that produced it.

    Parameters
    ----------
    model : Model
        A chain with Δ = 0 and no dephasing.
    algorithm : {"eigen", "bartels-stewart"}
        Eigenvector route (fast, with automatic fallback) or Schur-based Bartels–Stewart.
    """
    if algorithm not in ("eigen", "bartels-stewart"):
        raise ParameterError(f"algorithm must be 'eigen' or 'bartels-stewart', got {algorithm!r}")
    a = jw.drift_matrix(model)
    _, gain = jw.bath_vectors(model)
    if algorithm == "eigen":
        try:
            corr = _lyapunov_eigen(a, gain)
            corr = 0.5 * (corr + corr.conj().T)
            scale = max(float(np.linalg.norm(gain)), 1.0)
            if jw.correlation_residual(model, corr) <= EIGEN_RESIDUAL_LIMIT * scale * max(model.n, 1):
                return corr, "eigen"
        except (np.linalg.LinAlgError, FloatingPointError):
            pass
    else:
        _check_relaxation(np.linalg.eigvals(a), a)
    corr = sla.solve_continuous_lyapunov(a, -np.diag(gain).astype(complex))
    return 0.5 * (corr + corr.conj().T), "bartels-stewart"


def ness_from_correlations(model: Model, corr: np.ndarray, method: str, diagnostics: Diagnostics) -> NESS:
    """Wrap a Gaussian state's correlation matrix C as a :class:`~nesskit.ness.NESS` (any pair available)."""
    z = jw.magnetization(corr)
    zz = np.array([jw.gaussian_zz(corr, j, j + 1) for j in range(1, model.n)])

    def pair_state(i: int, j: int) -> np.ndarray:
        """ρ_ij from z_i, z_j, ⟨σᶻ_iσᶻ_j⟩ (Wick) and ⟨σ⁺_iσ⁻_j⟩ (string determinant)."""
        return xstate_rdm(z[i - 1], z[j - 1], jw.gaussian_zz(corr, i, j), jw.string_coherence(corr, i, j))

    return NESS(model, method, z, jw.current(corr), zz, diagnostics, pair_state)


def solve(model: Model, algorithm: str = "eigen") -> NESS:
    """The NESS of a chain without dephasing from free fermions (SPEC §4 at γ = 0; paper Eq. 13 for J = 1, h = 0).

    Parameters
    ----------
    model : Model
        Δ = 0 and γ_j = 0 (see :func:`applicable`); fields, hopping and Γ_L ≠ Γ_R arbitrary.
    algorithm : {"eigen", "bartels-stewart"}
        How to solve the Lyapunov equation (see :func:`correlation_matrix`).

    Returns
    -------
    NESS
        ``diagnostics.residual`` is ‖AC + CA^H + G‖_F; ‖𝓛ρ‖ is not available (ρ is never built).
    """
    reason = applicable(model)
    if reason is not None:
        raise ParameterError(f"method 'free-fermion' cannot solve this model: {reason}")
    start = time.perf_counter()
    corr, used = correlation_matrix(model, algorithm)
    if not np.all(np.isfinite(corr)):
        raise SolverError("the Lyapunov solution is not finite")
    residual = jw.correlation_residual(model, corr)
    diagnostics = Diagnostics(
        residual=residual,
        hermiticity=0.0,
        wall_time=time.perf_counter() - start,
        notes=f"Lyapunov equation for C = <c†c> solved by {used}; residual = ||AC + CA^H + G||_F "
        "(||L rho|| unavailable: the Gaussian rho is never built)",
    )
    return ness_from_correlations(model, corr, "free-fermion", diagnostics)

"""``free-fermion``: exact NESS of the XX chain without dephasing, any fields, hopping and Γ_L ≠ Γ_R (SPEC §4).

With γ_j = 0 and Δ = 0 the Lindbladian is quadratic in the Jordan–Wigner fermions c_j = Π_{l<j}(−σᶻ_l)σ⁻_j with
linear jump operators, so the NESS is Gaussian and fixed by C_jk = ⟨c†_j c_k⟩, the solution of the Lyapunov
equation (SPEC §4 at γ = 0; derivation and the right bath's Jordan–Wigner string in
the private module ``nesskit.solvers._jordan_wigner``)::

    A C + C A^H + G = 0,   A = i𝗁 − B,

𝗁_{j,j+1} = 2J_j, 𝗁_jj = 2h_j, B = diag(2Γ_L, 0, …, 0, 2Γ_R), G = diag(2Γ_L(1 − μ/2 + μ̄), 0, …, 2Γ_R(1 + μ/2 + μ̄)).
Every observable then follows from C: ⟨σᶻ_j⟩ = 2C_jj − 1, t_j = 2 Im C_{j,j+1}, ⟨σᶻ_iσᶻ_j⟩ = z_iz_j − 4|C_ij|²
(Wick), and ⟨σ⁺_iσ⁻_j⟩ for any pair as a determinant (Jordan–Wigner string, see
``string_coherence`` of ``nesskit.solvers._jordan_wigner``). Cost O(n³) (one eigendecomposition of A and a few
matrix products), memory O(n²).

Algorithm: A is complex symmetric, so its eigenvectors can be normalised to VᵀV = 1 and V⁻¹ = Vᵀ; then
C = V Y V^H with Y_ab = −(VᵀG V̄)_ab / (λ_a + λ̄_b) (G has rank 2). A is also tridiagonal: for n ≥ 64 its
eigenvalues come from the Ehrlich–Aberth iteration on det(z − A) (three-term recurrence, O(n²)) and its
eigenvectors from inverse iteration (O(n²)), nearly degenerate clusters (the two Zeno end modes of a symmetric
chain) made bilinear-orthonormal; only the two products of C = V Y V^H are O(n³). LAPACK's ``zgeev`` is the
fallback, and if the eigenbasis is ill-conditioned (near an exceptional point), Bartels–Stewart
(:func:`scipy.linalg.solve_continuous_lyapunov`); the Lyapunov residual decides.

Limitation: a mode that relaxes slower than machine precision (Re λ ≈ 0, e.g. localized by disorder far from both
ends: already for W ≈ 0.3 at n ≈ 150) has an occupation no double-precision method determines; :func:`solve`
then raises :class:`~nesskit.errors.SolverError` instead of returning a state that only looks converged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ..errors import ParameterError, SolverError
from ..model import Model
from ..ness import NESS, Diagnostics
from ..twospin import xstate_rdm
from . import _jordan_wigner as jw
from ._eigen_lyapunov import EigenLyapunov

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


#: Chains at least this long get their eigenpairs in O(n²) (Ehrlich–Aberth + inverse iteration) before ``zgeev``.
TRIDIAGONAL_MIN_N = 64


def _newton_ratios(z: np.ndarray, diag: np.ndarray, off2: np.ndarray) -> np.ndarray:
    """p(z)/p'(z) for p(z) = det(z − T), T tridiagonal with diagonal ``diag`` and squared off-diagonals ``off2``.

    Three-term recurrence on the ratios r_j = p_j/p_{j−1} and s_j = p_j'/p_j (no overflow), vectorised over z.
    """
    r = z - diag[0]
    s_prev = np.zeros_like(z)
    s = 1.0 / r
    for j in range(1, diag.size):
        r_new = (z - diag[j]) - off2[j - 1] / r
        s_new = (1.0 + (z - diag[j]) * s - off2[j - 1] * s_prev / r) / r_new
        s_prev, s, r = s, s_new, r_new
    return 1.0 / s


def _aberth_eigenvalues(diag: np.ndarray, off: np.ndarray, start: np.ndarray, max_iter: int = 300) -> np.ndarray | None:
    """All eigenvalues of a complex symmetric tridiagonal matrix by the Ehrlich–Aberth iteration, O(n²) per sweep.

    Simultaneous Newton steps on det(z − T) with mutual repulsion of the approximations (Bini, Gemignani and
    Tisseur, SIAM J. Matrix Anal. Appl. 27, 153 (2005)); converged roots are frozen. None if it fails to converge.
    """
    z = start.astype(complex)
    off2 = (off * off).astype(complex)
    scale = max(float(np.max(np.abs(diag))), float(np.max(np.abs(off))) if off.size else 0.0, 1.0)
    active = np.ones(z.size, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                return z
            zi = z[idx]
            ratio = _newton_ratios(zi, diag, off2)
            diff = zi[:, None] - z[None, :]
            diff[np.arange(idx.size), idx] = np.inf
            step = ratio / (1.0 - ratio * (1.0 / diff).sum(axis=1))
            bad = ~np.isfinite(step)
            step[bad] = 1e-9 * scale * (1 + 1j)
            z[idx] = zi - step
            active[idx] = bad | (np.abs(step) > 4e-16 * scale)
    return None


def _inverse_iteration(diag: np.ndarray, off: np.ndarray, shifts: np.ndarray, sweeps: int = 2,
                       start: np.ndarray | None = None) -> np.ndarray:
    """Eigenvectors (columns) of the complex symmetric tridiagonal T for accurate eigenvalues ``shifts``.

    Inverse iteration with the Thomas algorithm, all shifts at once (O(n²)), from ``start`` (default: all ones);
    normalised so that vᵀv = 1.
    """
    n, m = diag.size, shifts.size
    scale = max(float(np.max(np.abs(diag))), float(np.max(np.abs(off))), 1.0)
    tiny = 1e-300 + 1e-15 * scale
    pivots = np.empty((n, m), dtype=complex)
    mult = np.empty((n, m), dtype=complex)
    with np.errstate(all="ignore"):
        d = diag[0] - shifts
        d = np.where(np.abs(d) < tiny, tiny, d)
        pivots[0] = d
        for j in range(1, n):
            mult[j] = off[j - 1] / pivots[j - 1]
            d = (diag[j] - shifts) - mult[j] * off[j - 1]
            pivots[j] = np.where(np.abs(d) < tiny, tiny, d)
        x = np.ones((n, m), dtype=complex) if start is None else start.astype(complex)
        for _ in range(sweeps):
            y = x
            for j in range(1, n):
                y[j] = y[j] - mult[j] * y[j - 1]
            y[n - 1] = y[n - 1] / pivots[n - 1]
            for j in range(n - 2, -1, -1):
                y[j] = (y[j] - off[j] * y[j + 1]) / pivots[j]
            x = y / np.max(np.abs(y), axis=0)
        return x / np.sqrt(np.einsum("ja,ja->a", x, x))


def _tridiagonal_eigen(model: Model) -> tuple[np.ndarray, np.ndarray] | None:
    """Eigenpairs of A = i𝗁 − B (complex symmetric tridiagonal) in O(n²), or None to fall back to ``zgeev``.

    A = iK with K = 𝗁 + iB: the eigenvalues κ of K by :func:`_aberth_eigenvalues`, started from the spectrum of
    the real 𝗁 (``eigh_tridiagonal``) shifted by first-order perturbation theory, and the eigenvectors by
    :func:`_inverse_iteration`. The caller checks the Lyapunov residual and falls back if it is not small.
    """
    beta, _ = jw.bath_vectors(model)
    off = 2.0 * model.hopping
    if np.any(off == 0.0):
        return None
    real_diag = 2.0 * model.fields
    energies, w = sla.eigh_tridiagonal(real_diag, off, check_finite=False)
    diag = real_diag + 1j * (beta + 2.0 * model.dephasing)
    start = energies + 1j * ((beta + 2.0 * model.dephasing) @ (w * w))  # first-order perturbation theory
    kappa = _aberth_eigenvalues(diag, off, start)
    if kappa is None or not np.all(np.isfinite(kappa)):
        return None
    vec = _inverse_iteration(diag, off, kappa)
    scale = max(float(np.max(np.abs(diag))), float(np.max(off)), 1.0)
    for cluster in _clusters(kappa, 1e-8 * scale):
        # nearly degenerate eigenvalues (e.g. the two Zeno end modes of a symmetric chain): inverse iteration from
        # independent starts spans the near-invariant subspace; then make the basis orthonormal for the bilinear
        # form vᵀw (complex Cholesky of the Gram matrix), as the formula V⁻¹ = Vᵀ requires.
        rng = np.random.default_rng(len(cluster))
        starts = rng.standard_normal((diag.size, len(cluster))) + 1j * rng.standard_normal((diag.size, len(cluster)))
        # shift off the cluster by more than its splitting (an exactly singular shift would collapse the block
        # onto one vector) but far less than the distance to other eigenvalues
        shift = kappa[cluster].mean() + 1e-6 * scale * (1 + 1j)
        block = _inverse_iteration(diag, off, np.full(len(cluster), shift), sweeps=4, start=starts)
        gram = block.T @ block
        if not np.all(np.isfinite(gram)):
            return None
        try:
            chol = _complex_symmetric_cholesky(gram)
        except np.linalg.LinAlgError:
            return None
        vec[:, cluster] = sla.solve_triangular(chol, block.T, lower=True).T
    if not np.all(np.isfinite(vec)):
        return None
    return 1j * kappa, vec


def _clusters(values: np.ndarray, tol: float) -> list[np.ndarray]:
    """Groups (index arrays, size ≥ 2) of values linked by distances below ``tol`` (k-d tree + union–find)."""
    from scipy.spatial import cKDTree

    pairs = cKDTree(np.column_stack([values.real, values.imag])).query_pairs(tol, output_type="ndarray")
    if len(pairs) == 0:
        return []
    parent = np.arange(values.size)

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in pairs:
        ra, rb = root(int(a)), root(int(b))
        if ra != rb:
            parent[rb] = ra
    roots = np.array([root(k) for k in np.unique(pairs)])
    members = np.unique(pairs)
    return [members[roots == r] for r in np.unique(roots)]


def _complex_symmetric_cholesky(m: np.ndarray) -> np.ndarray:
    """Lower-triangular L with L Lᵀ = m for a small complex symmetric m (no conjugation); raises if a pivot is 0."""
    k = m.shape[0]
    low = np.zeros_like(m)
    for j in range(k):
        d = m[j, j] - low[j, :j] @ low[j, :j]
        if abs(d) < 1e-12 * max(1.0, float(np.max(np.abs(m)))):
            raise np.linalg.LinAlgError("degenerate bilinear form on a cluster of eigenvectors")
        low[j, j] = np.sqrt(d)
        for i in range(j + 1, k):
            low[i, j] = (m[i, j] - low[i, :j] @ low[j, :j]) / low[j, j]
    return low


def _lyapunov_eigen(a: np.ndarray, gain: np.ndarray, model: Model | None = None) -> np.ndarray:
    """C solving AC + CA^H + diag(gain) = 0 via the eigenvectors of the complex symmetric A."""
    pairs = _tridiagonal_eigen(model) if model is not None and model.n >= TRIDIAGONAL_MIN_N else None
    if pairs is None:
        lam, vec = sla.eig(a, check_finite=False)
    else:
        lam, vec = pairs
    _check_relaxation(lam, a)
    lyap = EigenLyapunov.from_eigenpairs(lam, vec)
    # AC + CA^H = −G with G = diag(gain): only the sites with gain contribute to Vᵀ G V̄
    return lyap.from_eigenbasis(-lyap.solve_diagonal(gain))


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
            corr = _lyapunov_eigen(a, gain, model)
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


@dataclass(frozen=True, eq=False)
class GaussianPairs:
    """Two-spin states of a Gaussian (free-fermion) state from its correlation matrix C_jk = ⟨c†_j c_k⟩.

    ρ_ij (any i < j) from z_i, z_j, ⟨σᶻ_iσᶻ_j⟩ (Wick) and ⟨σ⁺_iσ⁻_j⟩ (the Jordan–Wigner string determinant,
    ``nesskit.solvers._jordan_wigner.string_coherence``). Holds only the array: picklable.
    """

    corr: np.ndarray

    def why_not_pair(self, i: int, j: int) -> str | None:
        """Every pair is available."""
        return None

    def pair(self, i: int, j: int) -> np.ndarray:
        """ρ_ij (4×4), 1 ≤ i < j ≤ n."""
        z = jw.magnetization(self.corr)
        return xstate_rdm(z[i - 1], z[j - 1], jw.gaussian_zz(self.corr, i, j), jw.string_coherence(self.corr, i, j))


def ness_from_correlations(model: Model, corr: np.ndarray, method: str, diagnostics: Diagnostics) -> NESS:
    """Wrap a Gaussian state's correlation matrix C as a :class:`~nesskit.ness.NESS` (any pair available)."""
    z = jw.magnetization(corr)
    zz = np.array([jw.gaussian_zz(corr, j, j + 1) for j in range(1, model.n)])
    corr = np.array(corr, copy=True)
    corr.flags.writeable = False
    return NESS(model, method, z, jw.current(corr), zz, diagnostics, states=GaussianPairs(corr))


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
        wall_time=time.perf_counter() - start,
        notes=f"Lyapunov equation for C = <c†c> solved by {used}; residual = ||AC + CA^H + G||_F "
        "(||L rho|| unavailable: the Gaussian rho is never built)",
    )
    return ness_from_correlations(model, corr, "free-fermion", diagnostics)

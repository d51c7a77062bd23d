"""``hierarchy``: exact NESS of the XX chain with site-dependent dephasing, fields and hopping (SPEC §4).

Dephasing (L = √(γ_j/2) σᶻ_j) is not quadratic in the Jordan–Wigner fermions, but it maps a fermion monomial to
itself times −2Σ γ_s over the sites s that occur an odd number of times in it, so the equations for the k-point
functions close at every k (the baths only couple k-point to (k−1)-point functions). Conventions and the
treatment of the right bath's Jordan–Wigner string: the private module ``nesskit.solvers._jordan_wigner``.

**2-point** (magnetization, currents, every n). C_jk = ⟨c†_j c_k⟩ solves (SPEC §4 with γ → γ_j)::

    A'C + CA'^H + 4 Diag(γ_j C_jj) + G = 0,   A' = i𝗁 − B − 2Γ,

a Lyapunov equation plus a diagonal term (D∘C = 2(ΓC + CΓ) − 4 Diag(γ∘diag C) with D_jk = 2(γ_j + γ_k), j ≠ k).
As a linear system in the n² unknowns it is a 5-point stencil on an n×n grid; nesskit solves it by sparse LU
(SuperLU, COLAMD ordering): about n³ fill, n = 500 in seconds and ~1.6 GB.

**4-point** (⟨σᶻ_jσᶻ_{j+1}⟩ and the nearest-neighbour two-spin states). With the two-particle basis |ab⟩, a < b
(antisymmetry and particle-number conservation leave m = n(n−1)/2 pair states) and
M[ab, cd] = 2⟨c†_a c†_b c_d c_c⟩ (Hermitian), the stationary equation is::

    A₂M + MA₂^H + 4 γ(X∩Y)∘M + S = 0,   A₂ = i𝗁₂ − B₂ − 2Γ₂,
    S[ab, cd] = 2(G_ac C_bd − G_ad C_bc − G_bc C_ad + G_bd C_ac),

with 𝗁₂ the two-particle hopping (nearest-neighbour hopping never reorders a pair), B₂ and Γ₂ diagonal with
β_a + β_b and γ_a + γ_b, and γ(X∩Y) the summed dephasing of the sites the pairs X = {a, b}, Y = {c, d} share
(dephasing of a quartic monomial: 2Σ_{s∈XΔY}γ_s = 2(γ(X) + γ(Y)) − 4γ(X∩Y)). Then ⟨n_jn_k⟩ = M[jk, jk]/2 and
⟨σᶻ_jσᶻ_k⟩ = 4⟨n_jn_k⟩ − 2C_jj − 2C_kk + 1. The m² ≈ n⁴/4 unknowns are solved by GMRES preconditioned with the exact
Lyapunov part (eigenvectors of A₂); cost ~ n⁶, n = 40 in about 20 s on one core (benchmarks/RESULTS.md).

Non-adjacent pairs need ⟨σ⁺_iσ⁻_j⟩ = ⟨c†_i Π(1 − 2n_l) c_j⟩, a (j−i+1)-point function: not computed, so
``pair`` refuses them (use ``exact`` for small n, or ``free-fermion`` at γ = 0).

Without the 4-point functions (``four_point=False``, or the default for n > :data:`FOUR_POINT_AUTO_MAX_N`) the
result holds profiles and currents only: its ``zz`` and ``states`` are None, ``pair`` raises
:class:`ParameterError` saying so, and ``to_dict`` writes ``"zz": null``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import ParameterError, SolverError
from ..model import Model
from ..ness import NESS, Diagnostics, NoPairStates
from ..twospin import xstate_rdm
from . import _jordan_wigner as jw
from ._eigen_lyapunov import EigenLyapunov

#: four_point=None computes the 4-point functions only up to this n (their cost grows like n⁶).
FOUR_POINT_AUTO_MAX_N = 32


def applicable(model: Model, pairs: tuple[tuple[int, int], ...] = ()) -> str | None:
    """None if the hierarchy applies (Δ = 0, any γ_j ≥ 0) and every requested pair is nearest-neighbour.

    Non-adjacent pairs (i, j) need ⟨σ⁺_iσ⁻_j⟩ with the Jordan–Wigner string between them, a (j − i + 1)-point
    fermion function that the 2- and 4-point hierarchy does not contain.
    """
    if model.delta != 0.0:
        return f"needs the XX chain (delta = 0), got delta = {model.delta}: the XXZ hierarchy does not close"
    for i, j in pairs:
        if abs(int(j) - int(i)) != 1:
            return (f"pair ({i}, {j}) is not nearest-neighbour: its coherence carries a Jordan–Wigner string, "
                    "a higher-point function the 2/4-point hierarchy does not compute (use 'exact' for small n)")
    return None


# -- 2-point ---------------------------------------------------------------------------------------------------
def two_point_operator(model: Model) -> sp.csc_matrix:
    """The n²×n² matrix of C ↦ A'C + CA'^H + 4 Diag(γ∘diag C) on row-major vec(C)."""
    n = model.n
    beta, _ = jw.bath_vectors(model)
    a = (1j * jw.single_particle_hamiltonian(model) - sp.diags(beta + 2.0 * model.dephasing)).tocsr()
    eye = sp.identity(n, format="csr")
    diag = np.zeros(n * n)
    diag[np.arange(n) * (n + 1)] = 4.0 * model.dephasing
    return (sp.kron(a, eye) + sp.kron(eye, a.conj()) + sp.diags(diag)).tocsc()


#: Above this n the 2-point equations are solved by :func:`two_point_eigen` (O(n²) memory) instead of sparse LU.
TWO_POINT_LU_MAX_N = 400


def two_point(model: Model, algorithm: str = "auto") -> tuple[np.ndarray, float, str]:
    """C_jk = ⟨c†_j c_k⟩ of the NESS with dephasing, the residual ‖dC/dt‖_F and the algorithm used.

    ``algorithm``: ``"sparse-lu"`` (n² unknowns, exact; memory grows like the fill of a 2-D grid, ~1.6 GB at
    n = 500), ``"eigen"`` (:func:`two_point_eigen`, O(n²) memory) or ``"auto"`` (LU up to
    :data:`TWO_POINT_LU_MAX_N`, then eigen, falling back to LU if it fails).
    """
    if algorithm not in ("auto", "sparse-lu", "eigen"):
        raise ParameterError(f"algorithm must be 'auto', 'sparse-lu' or 'eigen', got {algorithm!r}")
    if algorithm == "eigen" or (algorithm == "auto" and model.n > TWO_POINT_LU_MAX_N):
        result = two_point_eigen(model)
        if result is not None or algorithm == "eigen":
            if result is None:
                raise SolverError("the eigenvector route of the 2-point equations did not converge")
            return (*result, "eigen")
    n = model.n
    _, gain = jw.bath_vectors(model)
    rhs = np.zeros(n * n, dtype=complex)
    rhs[np.arange(n) * (n + 1)] = -gain
    op = two_point_operator(model)
    corr = _sparse_solve(op, rhs).reshape(n, n)
    corr = 0.5 * (corr + corr.conj().T)
    return corr, jw.correlation_residual(model, corr), "sparse-lu"


def two_point_eigen(model: Model, tol: float = 1e-12) -> tuple[np.ndarray, float] | None:
    """2-point equations by the eigenvectors of A' and GMRES on the n occupations only.

    The dephasing term 4 Diag(γ∘c) depends on C only through its diagonal c, so with 𝓛⁻¹ the inverse of the
    Lyapunov map X ↦ A'X + XA'^H (exact through the eigenpairs of the complex symmetric tridiagonal A', as in
    :mod:`nesskit.solvers.free_fermion`): C = −𝓛⁻¹(G + 4 Diag(γ∘c)) and c = diag C, a linear system of size n
    for c solved by GMRES (each product: two n×n matrix products). Then C follows from one more 𝓛⁻¹.
    None if the eigenpairs or GMRES fail (the caller falls back to sparse LU).
    """
    from .free_fermion import _tridiagonal_eigen

    n = model.n
    _, gain = jw.bath_vectors(model)
    gamma = model.dephasing
    pairs = _tridiagonal_eigen(model) if n >= 64 else None
    try:
        lyap = (EigenLyapunov.from_eigenpairs(*sla.eig(jw.drift_matrix(model), check_finite=False))
                if pairs is None else EigenLyapunov.from_eigenpairs(*pairs, normalised=True))
    except np.linalg.LinAlgError:
        return None
    vec, conj = lyap.vec, lyap.vec.conj()

    def lyapunov_core(source: np.ndarray) -> np.ndarray:  # Y with C = V Y V^H solving A'C + CA'^H = −Diag(source)
        return -lyap.solve_diagonal(source)

    def diagonal(core: np.ndarray) -> np.ndarray:
        return np.einsum("kb,kb->k", vec @ core, conj).real

    c0 = diagonal(lyapunov_core(gain))
    operator = spla.LinearOperator((n, n), dtype=float,
                                   matvec=lambda c: c - diagonal(lyapunov_core(4.0 * gamma * c)))
    # the occupations relax diffusively, so cond(I − F) grows like n²: ~110 iterations at n = 1000, ~170 at
    # n = 2000 (each two n×n products); a tolerance much below 1e-12 only stalls in rounding at large n
    occupations, info = spla.gmres(operator, c0, rtol=tol, atol=0.0, restart=min(n, 400), maxiter=3)
    if info != 0 or not np.all(np.isfinite(occupations)):
        return None
    corr = (vec @ lyapunov_core(gain + 4.0 * gamma * occupations)) @ vec.conj().T
    corr = 0.5 * (corr + corr.conj().T)
    residual = jw.correlation_residual(model, corr)
    if not residual <= 1e-9 * max(1.0, float(np.linalg.norm(gain))) * n:
        return None
    return corr, residual


# -- 4-point ---------------------------------------------------------------------------------------------------
def pair_index(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, second, index): the sites a < b (0-based) of the m = n(n−1)/2 pairs and the n×n lookup table."""
    first, second = np.triu_indices(n, 1)
    index = -np.ones((n, n), dtype=int)
    index[first, second] = np.arange(first.size)
    return first, second, index


def two_particle_drift(model: Model) -> sp.csr_matrix:
    """A₂ = i𝗁₂ − B₂ − 2Γ₂ on the antisymmetric pair basis |ab⟩, a < b (sparse m×m)."""
    n = model.n
    first, second, index = pair_index(n)
    hop = 2.0 * model.hopping
    field = 2.0 * model.fields
    beta, _ = jw.bath_vectors(model)
    gamma = model.dephasing
    rows = [np.arange(first.size)]
    cols = [np.arange(first.size)]
    vals = [1j * (field[first] + field[second]) - (beta[first] + beta[second]) - 2.0 * (gamma[first] + gamma[second])]
    # hop the first particle a → a ± 1 and the second b → b ± 1; a pair never reorders (a + 1 = b is blocked)
    for moves_first in (True, False):
        moving, other = (first, second) if moves_first else (second, first)
        for step in (-1, 1):
            target = moving + step
            ok = (target >= 0) & (target < n) & (target != other)
            a_new, b_new = (target[ok], other[ok]) if moves_first else (other[ok], target[ok])
            rows.append(index[a_new, b_new])
            cols.append(np.flatnonzero(ok))
            vals.append(1j * hop[np.minimum(moving, target)[ok]])
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(first.size, first.size))


def four_point_correlations(model: Model, corr: np.ndarray, solver: str = "krylov") -> tuple[np.ndarray, float, int]:
    """⟨n_j n_k⟩ (n×n, j ≠ k) from the closed 4-point equations, their residual and the iteration count.

    ``solver="krylov"`` (default): GMRES on the m² unknowns, preconditioned by the exact inverse of the Lyapunov
    part M ↦ A₂M + MA₂^H (eigenvectors of the complex symmetric A₂, VᵀV = 1, two m×m products per
    application); the shared-site dephasing term is what GMRES iterates on (about 30–40 iterations for
    n = 24–48). ``solver="direct"``: sparse LU (exact, but 4-D fill limits it to n ≈ 16).
    """
    if solver not in ("krylov", "direct"):
        raise ParameterError(f"four_point_solver must be 'krylov' or 'direct', got {solver!r}")
    n = model.n
    first, second, _ = pair_index(n)
    m = first.size
    _, gain = jw.bath_vectors(model)
    gamma = model.dephasing
    a2 = two_particle_drift(model)
    # shared dephasing γ(X∩Y) for pairs X = (a, b), Y = (c, d): Σ over coinciding sites
    shared = np.zeros((m, m))
    for x in (first, second):
        for y in (first, second):
            shared += np.where(x[:, None] == y[None, :], gamma[x][:, None], 0.0)
    shared *= 4.0
    a, b = first, second
    g = np.diag(gain)
    source = 2.0 * (g[a][:, a] * corr[b][:, b] - g[a][:, b] * corr[b][:, a]
                    - g[b][:, a] * corr[a][:, b] + g[b][:, b] * corr[a][:, a])
    a2h = a2.conj().T.tocsr()

    def apply(x: np.ndarray) -> np.ndarray:
        mat = x.reshape(m, m)
        return (a2 @ mat + (a2h.T @ mat.T).T + shared * mat).ravel()

    iterations = 0
    if solver == "direct":
        eye = sp.identity(m, format="csr")
        op = (sp.kron(a2, eye) + sp.kron(eye, a2.conj()) + sp.diags(shared.ravel())).tocsc()
        sol = _sparse_solve(op, -source.ravel())
    else:
        sol, iterations = _krylov_solve(a2, apply, source, m)
    residual = float(np.linalg.norm(apply(sol) + source.ravel()))
    mat = sol.reshape(m, m)
    nn = np.zeros((n, n))
    diag = mat[np.arange(m), np.arange(m)].real / 2.0
    nn[first, second] = diag
    nn[second, first] = diag
    return nn, residual, iterations


def _krylov_solve(a2: sp.csr_matrix, apply: Any, source: np.ndarray, m: int) -> tuple[np.ndarray, int]:
    lam, vec = sla.eig(a2.toarray(), check_finite=False)
    try:
        lyap = EigenLyapunov.from_eigenpairs(lam, vec)
    except np.linalg.LinAlgError:
        raise SolverError("two-particle drift matrix near an exceptional point; use four_point_solver='direct'") \
            from None

    def precondition(x: np.ndarray) -> np.ndarray:
        return lyap.solve(x.reshape(m, m)).ravel()

    count = [0]

    def callback(_: Any) -> None:
        count[0] += 1

    shape = (m * m, m * m)
    sol, info = spla.gmres(spla.LinearOperator(shape, matvec=apply, dtype=complex), -source.ravel(),
                           M=spla.LinearOperator(shape, matvec=precondition, dtype=complex), rtol=1e-12,
                           atol=0.0, restart=80, maxiter=20, callback=callback, callback_type="pr_norm")
    if info != 0 or not np.all(np.isfinite(sol)):
        raise SolverError(f"GMRES on the 4-point equations did not converge (info = {info})")
    return sol, count[0]


def _sparse_solve(op: sp.csc_matrix, rhs: np.ndarray) -> np.ndarray:
    try:
        lu = spla.splu(op, permc_spec="COLAMD")
    except RuntimeError as exc:  # singular factor
        raise SolverError(f"sparse LU of the correlation equations failed: {exc}") from exc
    sol = lu.solve(rhs)
    if not np.all(np.isfinite(sol)):
        raise SolverError("the correlation equations gave a non-finite solution")
    return sol


# -- result ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class NeighbourXStates:
    """Nearest-neighbour two-spin states ρ_{j,j+1} of a U(1)-symmetric NESS from z_j, ⟨σᶻ_jσᶻ_{j+1}⟩ and
    ⟨σ⁺_jσ⁻_{j+1}⟩ (the X-state of :func:`nesskit.twospin.xstate_rdm`); other pairs are refused with the reason.
    """

    z: np.ndarray
    zz: np.ndarray
    pm: np.ndarray

    def why_not_pair(self, i: int, j: int) -> str | None:
        """None for adjacent sites, else why the hierarchy cannot give the pair."""
        if j != i + 1:
            return ("the hierarchy gives nearest-neighbour pairs only: a non-adjacent coherence carries a "
                    "Jordan–Wigner string, a higher-point function it does not compute (use method 'exact' for "
                    "small n, 'free-fermion' at dephasing 0, or 'tensor-network')")
        return None

    def pair(self, i: int, j: int) -> np.ndarray:
        """ρ_{i,i+1} (4×4)."""
        return xstate_rdm(self.z[i - 1], self.z[j - 1], self.zz[i - 1], self.pm[i - 1])


#: Bytes per complex number times the number of m²-sized arrays the Krylov 4-point solve keeps (GMRES basis of
#: ``restart`` + 1 vectors, the eigenvector matrices, the denominator and work arrays).
_FOUR_POINT_ARRAYS = 81 + 10


def four_point_memory(n: int) -> float:
    """Bytes the Krylov 4-point solve needs for an n-site chain: about 16 · 91 · m², m = n(n − 1)/2."""
    m = n * (n - 1) // 2
    return 16.0 * _FOUR_POINT_ARRAYS * float(m) ** 2


def solve(model: Model, four_point: bool | None = None, four_point_solver: str = "krylov") -> NESS:
    """The NESS of an XX chain with (site-dependent) dephasing from the closed correlation hierarchy (SPEC §4).

    Parameters
    ----------
    model : Model
        Δ = 0; any γ_j ≥ 0, fields h_j, hopping J_j, Γ_L ≠ Γ_R.
    four_point : bool or None
        Also solve the 4-point equations (⟨σᶻ_jσᶻ_{j+1}⟩ and nearest-neighbour pair states). None (default):
        only for n ≤ :data:`FOUR_POINT_AUTO_MAX_N`. Without them ``zz`` and ``states`` are None. Refused with
        :class:`SolverError` naming the memory needed when :func:`four_point_memory` exceeds the memory available.
    four_point_solver : {"krylov", "direct"}
        Preconditioned GMRES (default, n ≈ 40 in tens of seconds) or sparse LU (n ≤ 16).

    Returns
    -------
    NESS
        ``diagnostics.residual`` is the larger of the 2-point residual ‖dC/dt‖_F and the 4-point residual.
    """
    reason = applicable(model)
    if reason is not None:
        raise ParameterError(f"method 'hierarchy' cannot solve this model: {reason}")
    if four_point is not None and not isinstance(four_point, bool):
        raise ParameterError(f"four_point must be True, False or None, got {four_point!r}")
    if four_point is None:
        four_point = model.n <= FOUR_POINT_AUTO_MAX_N
    start = time.perf_counter()
    corr, residual, used = two_point(model)
    z = jw.magnetization(corr)
    notes = ("2-point: sparse LU on n^2 unknowns" if used == "sparse-lu"
             else "2-point: eigenvectors of A' + GMRES on the n occupations")
    if four_point:
        from ..memory import check_memory

        check_memory(four_point_memory(model.n), f"the 4-point hierarchy at n = {model.n}",
                     hint="solve with four_point=False for profiles and currents only")
        nn, res4, iterations = four_point_correlations(model, corr, four_point_solver)
        residual = max(residual, res4)
        c_diag = np.diag(corr).real
        zz = np.array([4 * nn[j, j + 1] - 2 * c_diag[j] - 2 * c_diag[j + 1] + 1 for j in range(model.n - 1)])
        notes += f"; 4-point: {four_point_solver} on (n(n-1)/2)^2 unknowns ({iterations} GMRES iterations)"
    else:
        iterations = 0
        zz = None
        notes += "; 4-point not computed (zz and pair states unavailable)"
    pm = jw.bond_coherence(corr)
    states: NeighbourXStates | NoPairStates = NoPairStates(
        "pair states need the 4-point functions, not computed here (four_point=False, the default for "
        f"n > {FOUR_POINT_AUTO_MAX_N}); solve with Hierarchy(four_point=True)"
    ) if zz is None else NeighbourXStates(np.asarray(z), np.asarray(zz), np.asarray(pm))

    diagnostics = Diagnostics(residual=residual, iterations=iterations or None,
                              wall_time=time.perf_counter() - start,
                              notes=notes)
    return NESS(model, "hierarchy", z, jw.current(corr), zz, diagnostics, states=states)



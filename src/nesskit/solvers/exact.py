"""The exact (brute-force) NESS: the Liouvillian of Eqs. 5–9 solved numerically in the M-sectors.

Handles everything a :class:`~nesskit.model.Model` describes (XXZ Δ, site fields h_j, hopping J_j, site
dephasing γ_j, Γ_L ≠ Γ_R). The NESS commutes with M = Σ_j σᶻ_j, so only the C(2n, n) entries ρ_ab with
M(a) = M(b) are unknown (:mod:`nesskit.solvers._sector`): 12 870 at n = 8, 184 756 at n = 10, 2.7 M at n = 12.

Linear algebra (chosen by measurement, see ``benchmarks/RESULTS.md``):

* ``"gmres"`` (default for n ≥ 7): split 𝓛 = 𝓛₀ + 𝓙 into the no-jump part 𝓛₀ρ = −i(Kρ − ρK†),
  K = H − i Σ_k L_k†L_k, and the jumps 𝓙ρ = Σ_k 2L_kρL_k†. 𝓛₀ is inverted exactly per sector from K_m = VΛV⁻¹
  (𝓛₀⁻¹X = V[(V⁻¹XV⁻†)_ab / (−i(λ_a − λ̄_b))]V†, four matrix products), or from a Schur form if V is
  ill-conditioned. GMRES solves the right-preconditioned, trace-normalised system
  𝓛(𝓛₀⁻¹y) + x₀ Tr(𝓛₀⁻¹y) = x₀ (x₀ = 𝟙/2ⁿ), whose operator is 𝟙 − 𝒮 + rank one with 𝒮 = −𝓙𝓛₀⁻¹ the
  trace-preserving "state after the next quantum jump" map, so the iteration count stays small (60 at n = 8,
  ~100 at n = 12 for Γ = 1, γ = 0.1). GMRES then minimises the true residual ‖𝓛ρ‖ directly; iterative
  refinement follows if the target is missed. Limitation: in the Zeno regime Γ ≫ 1 the boundary jumps are
  frequent and 𝒮 mixes slowly; the count grows roughly like Γ^1.5 (n = 8: ~120 at Γ = 3, ~300 at Γ = 5,
  ~1000 at Γ = 10).
* ``"lu"`` (default for n ≤ 6): the sparse sector Liouvillian with one redundant row replaced by Tr ρ = 1,
  factorised by SuperLU, plus one refinement step.

The true residual ‖𝓛ρ‖₂ (2-norm of the vectorised ρ, Tr ρ = 1) is always recomputed a posteriori matrix-free.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import ParameterError, SolverError, check_int, check_positive
from ..model import Model
from ..ness import NESS, Diagnostics
from ._sector import BlockDensityMatrix, SectorLiouvillian, unknowns

#: Largest chain handled by default: n = 12 has C(24, 12) = 2.7 M complex unknowns (43 MB per vector); GMRES
#: with its Krylov basis needs ~2 GB and a few minutes. n = 13 (10.4 M unknowns, ~7 GB, ~30 min) and
#: n = 14 (40 M, > 24 GB) are out of reach on a workstation.
MAX_SITES = 12

#: Default target for the residual ‖𝓛ρ‖₂ with Tr ρ = 1.
DEFAULT_TOL = 1e-12

#: Condition number of the eigenvector matrix of K above which the Schur-based 𝓛₀⁻¹ is used instead.
MAX_EIGENVECTOR_CONDITION = 1e8

LINEAR_SOLVERS = ("auto", "gmres", "lu")

#: ``linear_solver="auto"`` uses sparse LU up to this n (as fast as GMRES there, and exact to ~1e-15) ...
LU_SITES = 6
#: ... and falls back to LU up to this n if GMRES misses the target (LU takes ~1 s at n = 7, ~45 s at n = 8).
LU_FALLBACK_SITES = 7


def applicable(model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
    """None if the exact solver can handle ``model`` (n ≤ :data:`MAX_SITES`), else the reason."""
    if model.n > MAX_SITES:
        return (f"n = {model.n} exceeds the exact solver's limit n <= {MAX_SITES} "
                f"({unknowns(model.n):,} complex unknowns in the M-sectors)")
    return None


class NoJumpInverse:
    """Exact inverse of the no-jump part 𝓛₀ρ = −i(Kρ − ρK†), block by block.

    Per sector K_m = V Λ V⁻¹ (eigendecomposition, four matrix products per application) unless cond(V)
    exceeds :data:`MAX_EIGENVECTOR_CONDITION`, in which case K_m = Q R Q† (complex Schur form) and the
    triangular Sylvester equation R Z − Z R† = i Q†XQ is solved by LAPACK ``ztrsyl``. A ``shift`` s > 0 inverts
    𝓛₀ − s instead (used if 𝓛₀ is singular, i.e. K has an eigenvalue with zero decay: a dark state).
    """

    def __init__(self, liouvillian: SectorLiouvillian, shift: float = 0.0) -> None:
        self.shift = shift
        self.kinds: list[str] = []
        self.data: list[tuple[np.ndarray, ...]] = []
        self.max_condition = 1.0
        self.min_gap = np.inf
        for k in liouvillian.k_ops:
            kd = k.toarray()
            lam, v = np.linalg.eig(kd)
            vinv = None
            cond = np.inf
            if np.all(np.isfinite(v)):
                try:
                    vinv = np.linalg.inv(v)
                    cond = np.linalg.norm(v, 1) * np.linalg.norm(vinv, 1)
                except np.linalg.LinAlgError:
                    vinv = None
            # 𝓛₀ − s in the eigenbasis: Y_ab ↦ (−i(λ_a − λ̄_b) − s) Y_ab
            gap = -1j * (lam[:, None] - np.conj(lam)[None, :]) - shift
            self.min_gap = min(self.min_gap, float(np.min(np.abs(gap))))
            if vinv is not None and cond <= MAX_EIGENVECTOR_CONDITION:
                self.kinds.append("eig")
                self.max_condition = max(self.max_condition, float(cond))
                with np.errstate(divide="ignore", invalid="ignore"):  # a zero gap triggers the shifted split
                    self.data.append((v, v.conj().T, vinv, vinv.conj().T, 1.0 / gap))
            else:
                r, q = sla.schur(kd, output="complex")
                self.kinds.append("schur")
                self.data.append((q, r))

    def apply(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        """(𝓛₀ − s)⁻¹ on each block."""
        out = []
        for kind, data, x in zip(self.kinds, self.data, blocks):
            if kind == "eig":
                v, v_h, vinv, vinv_h, inv_gap = data
                y = (vinv @ x @ vinv_h) * inv_gap
                out.append(v @ y @ v_h)
            else:
                q, r = data
                # −i(RZ − ZR†) − sZ = Q†XQ  ⇔  (R − is/2)Z − Z(R − is/2)† = i Q†XQ
                rs = r - 0.5j * self.shift * np.eye(r.shape[0])
                rhs = 1j * (q.conj().T @ x @ q)
                z, scale, info = sla.lapack.ztrsyl(rs, rs, rhs, trana="N", tranb="C", isgn=-1)
                if info < 0:
                    raise SolverError(f"ztrsyl failed (info = {info})")
                out.append(q @ (z / scale) @ q.conj().T)
        return out


@dataclass
class _Run:
    """Book-keeping of one solve."""

    iterations: int = 0
    refinements: int = 0
    notes: str = ""


def _residual(liouvillian: SectorLiouvillian, rho: np.ndarray) -> float:
    return float(np.linalg.norm(liouvillian.apply_vec(rho)))


def _solve_gmres(liouvillian: SectorLiouvillian, tol: float, maxiter: int, restart: int, max_refinements: int,
                 guess: np.ndarray | None, run: _Run) -> np.ndarray:
    """Right-preconditioned GMRES with iterative refinement (see the module docstring)."""
    inv = NoJumpInverse(liouvillian)
    if not np.isfinite(inv.min_gap) or inv.min_gap < 1e-10:
        # a dark state of K: 𝓛₀ is singular; split 𝓛 = (𝓛₀ − s) + (𝓙 + s) instead
        shift = 1.0
        inv = NoJumpInverse(liouvillian, shift=shift)
        run.notes += f"K has a non-decaying eigenvector; preconditioner shifted by {shift}. "
    if "schur" in inv.kinds:
        run.notes += f"Schur-based 𝓛₀⁻¹ in {inv.kinds.count('schur')} sector(s) (ill-conditioned eigenvectors). "
    run.notes += f"max cond(V) = {inv.max_condition:.1e}. "
    size = liouvillian.size
    x0 = liouvillian.identity() / 2**liouvillian.n  # trace 1

    def precondition(y: np.ndarray) -> np.ndarray:
        return liouvillian.join(inv.apply(liouvillian.split(y)))

    def matvec(y: np.ndarray) -> np.ndarray:
        rho = precondition(y)
        return liouvillian.apply_vec(rho) + x0 * liouvillian.trace(rho)

    op = spla.LinearOperator((size, size), matvec=matvec, dtype=complex)
    rho = x0.copy() if guess is None else guess / liouvillian.trace(guess)
    counter = [0]

    def count(_: object) -> None:
        counter[0] += 1

    for sweep in range(max_refinements + 1):
        residual = liouvillian.apply_vec(rho) + x0 * (liouvillian.trace(rho) - 1)
        if np.linalg.norm(residual) <= 0.5 * tol:
            break
        dy, info = spla.gmres(op, -residual, rtol=1e-15, atol=0.2 * tol, restart=restart, maxiter=maxiter,
                              callback=count, callback_type="pr_norm")
        rho = rho + precondition(dy)
        run.refinements = sweep
        if info < 0:
            raise SolverError(f"GMRES failed with info = {info}")
    run.iterations = counter[0]
    return rho


def _solve_lu(liouvillian: SectorLiouvillian, tol: float, run: _Run) -> np.ndarray:
    """Sparse LU of the sector Liouvillian with the row of ρ_{↓…↓,↓…↓} replaced by Tr ρ = 1."""
    a = liouvillian.sparse_matrix().tolil()
    trace_row = liouvillian.identity().real
    # sector 0 (all spins down) is 1×1: its equation is redundant (Σ of the diagonal equations is 0)
    a[0, :] = trace_row
    lu = spla.splu(a.tocsc())
    b = np.zeros(liouvillian.size, dtype=complex)
    b[0] = 1.0
    rho = lu.solve(b)
    for sweep in range(2):  # iterative refinement with the same factors: A δ = b − Aρ
        residual = liouvillian.apply_vec(rho)
        if np.linalg.norm(residual) <= 0.5 * tol:
            break
        rhs = -residual
        rhs[0] = 1.0 - liouvillian.trace(rho)
        rho = rho + lu.solve(rhs)
        run.refinements = sweep + 1
    return rho


def solve(
    model: Model,
    *,
    tol: float = DEFAULT_TOL,
    linear_solver: str = "auto",
    maxiter: int = 20,
    restart: int = 60,
    max_refinements: int = 3,
    guess: NESS | None = None,
    strict: bool = False,
) -> NESS:
    """The exact NESS of ``model`` (Eqs. 5–9, SPEC §1), by brute force in the magnetization sectors.

    Parameters
    ----------
    model : Model
        Any chain with n ≤ :data:`MAX_SITES`.
    tol : float
        Target for the residual ‖𝓛ρ‖₂ (vectorised ρ, Tr ρ = 1); default 1e-12.
    linear_solver : {"auto", "gmres", "lu"}
        ``"auto"``: sparse LU for n ≤ 6, preconditioned GMRES above (much faster there, see the module
        docstring), falling back to LU at n = 7 if GMRES misses the target.
    maxiter : int
        GMRES restart cycles per refinement sweep.
    restart : int
        GMRES Krylov dimension (memory: ``restart`` vectors of C(2n, n) complex numbers).
    max_refinements : int
        Extra GMRES sweeps on the remaining residual if the target was missed.
    guess : NESS, optional
        A previous exact NESS of a chain of the same n (for example at a nearby γ) as the starting point.
    strict : bool
        Raise :class:`SolverError` if the target residual is not reached (otherwise it is stated in
        ``diagnostics.notes``; a residual above 1e3·tol always raises).

    Returns
    -------
    NESS
        ``method = "exact"``; ``density_matrix`` is a :class:`~nesskit.solvers._sector.BlockDensityMatrix`
        (the M-blocks of ρ; ``.to_dense()`` gives the 2ⁿ × 2ⁿ matrix); ``pair_state`` works for any pair.
    """
    if not isinstance(model, Model):
        raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
    reason = applicable(model)
    if reason is not None:
        raise ParameterError(reason)
    tol = check_positive("tol", tol)
    maxiter = check_int("maxiter", maxiter, 1)
    restart = check_int("restart", restart, 2)
    max_refinements = check_int("max_refinements", max_refinements, 0)
    if linear_solver not in LINEAR_SOLVERS:
        raise ParameterError(f"linear_solver must be one of {LINEAR_SOLVERS}, got {linear_solver!r}")
    auto = linear_solver == "auto"
    if auto:
        linear_solver = "lu" if model.n <= LU_SITES else "gmres"
    start = time.perf_counter()
    liouvillian = SectorLiouvillian(model)
    initial = None
    if guess is not None:
        dm = guess.density_matrix
        if not isinstance(dm, BlockDensityMatrix) or dm.n != model.n:
            raise ParameterError("guess must be an exact NESS (method 'exact') of a chain with the same n")
        initial = liouvillian.join(list(dm.blocks))
    run = _Run()
    if linear_solver == "lu":
        vec = _solve_lu(liouvillian, tol, run)
    else:
        vec = _solve_gmres(liouvillian, tol, maxiter, restart, max_refinements, initial, run)
        if auto and model.n <= LU_FALLBACK_SITES and _residual(liouvillian, vec / liouvillian.trace(vec)) > tol:
            run.notes += "GMRES missed the target; fell back to sparse LU. "
            linear_solver = "lu"
            vec = _solve_lu(liouvillian, tol, run)
    trace = liouvillian.trace(vec)
    if not np.isfinite(trace) or abs(trace) == 0:
        raise SolverError("the linear solve returned a state with zero or non-finite trace")
    vec = vec / trace
    blocks = liouvillian.split(vec)
    hermiticity = float(np.sqrt(sum(np.linalg.norm(b - b.conj().T) ** 2 for b in blocks)))
    blocks = [0.5 * (b + b.conj().T) for b in blocks]  # 𝓛 preserves hermiticity: this never raises ‖𝓛ρ‖
    vec = liouvillian.join(blocks)
    residual = _residual(liouvillian, vec)
    wall = time.perf_counter() - start
    notes = (f"{linear_solver}: {unknowns(model.n):,} unknowns (M-sectors); " + run.notes
             + f"refinement sweeps: {run.refinements}; hermiticity before symmetrisation.")
    if not np.isfinite(residual) or residual > 1e3 * tol or (strict and residual > tol):
        hint = "" if linear_solver == "lu" else (
            f" after {run.iterations} GMRES iterations; convergence slows in the Zeno regime Γ ≫ 1: "
            "raise maxiter/restart, or use linear_solver='lu' for n <= 7")
        raise SolverError(f"exact solver reached residual {residual:.2e}, target tol = {tol:.1e}{hint}")
    if residual > tol:
        notes += f" TARGET MISSED: residual {residual:.2e} > tol {tol:.1e}."
    dm = BlockDensityMatrix(model.n, tuple(liouvillian.states), tuple(blocks))
    return _ness_from_blocks(model, dm, Diagnostics(
        residual=residual, trace=float(dm.trace.real), hermiticity=hermiticity,
        iterations=run.iterations if linear_solver == "gmres" else None, wall_time=wall, notes=notes))


def dense_residual(model: Model, rho: np.ndarray) -> float:
    """‖𝓛ρ‖₂ for any dense 2ⁿ × 2ⁿ matrix ρ (nesskit basis), matrix-free with sparse operators.

    𝓛ρ = −i(Kρ − ρK†) + Σ_k 2L_kρL_k†, K = H − iΣ_k L_k†L_k (Eqs. 5–9); the 2-norm of the vectorised result
    (Frobenius norm), the same measure as ``diagnostics.residual`` of the exact solver. Used to compare
    states from other programs (QuTiP) on an equal footing; normalise ρ to Tr ρ = 1 first.
    """
    from ..operators import hamiltonian, jump_operators_full

    rho = np.asarray(rho, dtype=complex)
    dim = 2**model.n
    if rho.shape != (dim, dim):
        raise ParameterError(f"rho must have shape ({dim}, {dim}) for n = {model.n}, got {rho.shape}")
    ops = jump_operators_full(model, "paper")
    k = hamiltonian(model) - 1j * sum((op.conj().T @ op for op in ops), sp.csr_matrix((dim, dim)))
    out = -1j * (k @ rho - (k @ rho.conj().T).conj().T)
    for op in ops:
        out += 2 * (op @ (op @ rho.conj().T).conj().T)
    return float(np.linalg.norm(out))


def _ness_from_blocks(model: Model, dm: BlockDensityMatrix, diagnostics: Diagnostics) -> NESS:
    """Profiles from the blocks: ⟨σᶻ_j⟩, t_j = −⟨σˣ_jσʸ_{j+1}⟩ = 2 Im⟨σ⁺_jσ⁻_{j+1}⟩, ⟨σᶻ_jσᶻ_{j+1}⟩."""
    p, s = dm.populations()
    magnetization = p @ s
    zz = np.array([p @ (s[:, j] * s[:, j + 1]) for j in range(model.n - 1)])
    # ρ_{j,j+1}[↓↑, ↑↓] = ⟨σ⁺_jσ⁻_{j+1}⟩ (nesskit.twospin.xstate_rdm)
    current = np.array([2 * dm.pair(j, j + 1)[2, 1].imag for j in range(1, model.n)])
    return NESS(model=model, method="exact", magnetization=magnetization, current=current, zz=zz,
                diagnostics=diagnostics, pair_state=dm.pair, density_matrix=dm)


__all__ = ["applicable", "solve", "dense_residual", "MAX_SITES", "DEFAULT_TOL", "NoJumpInverse",
           "BlockDensityMatrix"]

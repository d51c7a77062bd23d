"""The exact (brute-force) NESS: the Liouvillian of Eqs. 5–9 solved numerically in the M-sectors.

Handles everything a :class:`~nesskit.model.Model` describes (XXZ Δ, site fields h_j, hopping J_j, site
dephasing γ_j, Γ_L ≠ Γ_R). The NESS commutes with M = Σ_j σᶻ_j, so only the C(2n, n) entries ρ_ab with
M(a) = M(b) are unknown (private module ``nesskit.solvers._sector``):
12 870 at n = 8, 184 756 at n = 10, 2.7 M at n = 12,
10.4 M at n = 13. The NESS is Hermitian, so they are stored as C(2n, n) *real* numbers
(``HermitianPacking`` in ``nesskit.solvers._exact_krylov``).

Linear algebra (chosen by measurement, ``benchmarks/results_exact.md``):

* ``"gmres"`` (default for n ≥ 7): split 𝓛 = 𝓛₀ + 𝓙 into the no-jump part 𝓛₀ρ = −i(Kρ − ρK†),
  K = H − i Σ_k L_k†L_k, and the jumps 𝓙ρ = Σ_k 2L_kρL_k†. The preconditioner M = 𝓛₀ + 𝓙_dir inverts the
  no-jump part exactly per sector (K = VΛV⁻¹ with V⁻¹ = Vᵀ after vᵀv = 1 — K is complex symmetric — or V⁻¹ by
  LU, whichever is *measured* more accurate; the complex Schur form where neither is good enough; see
  ``nesskit.solvers._exact_krylov``) and includes the bath jumps
  of one direction exactly by block substitution over the sectors. Right-preconditioned GMRES on the
  trace-normalised system 𝓛ρ + x₀ Tr ρ = x₀ (x₀ = 𝟙/2ⁿ) runs in short cycles, each restarted from the *true*
  residual (iterative refinement), so the preconditioner's roundoff never sets the accuracy floor; the solve
  stops on the true ‖𝓛ρ‖ ≤ tol. Measured on the grid n = 8, Δ ∈ [−1.5, 1.5], c = d ∈ [0, 1],
  Γ ∈ [0.5, 2], γ ∈ {0, 0.05} (168 points): median 35, at most 112 iterations for ‖𝓛ρ‖ ≤ 1e-12 (the earlier
  solver stagnated at ~2e-12 for 0 < |Δ| ≲ 0.65 near c = d = 1 and ran 1049 iterations).
  Limitation, the Zeno regime Γ ≫ 1 with both bath directions at each end (|c|, |d| < 1): the bath jumps left to
  GMRES are frequent and the count grows (n = 8, μ = 1, γ = 0: 101 iterations at Γ = 2, 420 at Γ = 5, and at
  Γ = 10 ~1000 with ``restart=150``; with restart 60 it stalls near 1e-9; the previous solver: 4800 (stagnating),
  904 and 3600). At c = d = ±1 (one jump per end, the
  lowering one included exactly) it stays ≤ ~30 up to Γ = 50. For n ≤ 7, ``"auto"`` falls back to LU.
* ``"lu"`` (default for n ≤ 6): the sparse sector Liouvillian with one redundant row replaced by Tr ρ = 1,
  factorised by SuperLU, plus refinement with the same factors. The factors grow like C(2n, n)^2.1
  (~0.9 GB at n = 8, ~14 GB at n = 9): the memory estimate refuses it beyond the available memory.

Reach is set by memory (:func:`estimate_memory`, checked against the memory available now or ``memory_limit``).
BLAS threads are set for the solve (``threads``; default :func:`default_threads`: the cores not already busy).
The true residual ‖𝓛ρ‖₂ (2-norm of the vectorised ρ, Tr ρ = 1) is always recomputed a posteriori.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import comb

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from threadpoolctl import threadpool_limits

from ..errors import ParameterError, SolverError, check_bool, check_int, check_positive
from ..model import Model
from ..ness import NESS, Diagnostics
from ._exact_krylov import HermitianPacking, KrylovRun, SectorPreconditioner, refined_gmres
from ._sector import BlockDensityMatrix, SectorLiouvillian

#: Default target for the residual ‖𝓛ρ‖₂ with Tr ρ = 1.
DEFAULT_TOL = 1e-12

LINEAR_SOLVERS = ("auto", "gmres", "lu")

#: ``linear_solver="auto"`` uses sparse LU up to this n (as fast as GMRES there, and exact to ~1e-15) ...
LU_SITES = 6
#: ... and falls back to LU up to this n if GMRES misses the target (LU takes ~1 s at n = 7).
LU_FALLBACK_SITES = 7

#: Each GMRES cycle stops at this fraction of its starting (true) residual, or at 100× the measured relative
#: error of the preconditioner if that is larger (the Arnoldi estimate is honest only above that floor).
#: Measured at n = 9: 1e-10 saves up to 15% of the iterations against 1e-8 on well-conditioned points.
INNER_RTOL = 1e-10

#: Memory model of the GMRES path, bytes = BASE + C(2n, n)·(8·(restart + 1) + PER_UNKNOWN) (+ the largest
#: sector's dense eigendecomposition work). Fitted to the peak RSS at n = 10–12 (``benchmarks/results_exact.md``).
MEMORY_BASE = 0.25 * 2**30
MEMORY_PER_UNKNOWN = 240.0
#: Sparse LU: SuperLU's factors hold ≈ LU_FILL_7·(C(2n, n)/3432)^LU_FILL_POWER entries (measured at n = 4–7,
#: COLAMD ordering), ~24 bytes each with indices and working copies.
LU_FILL_7 = 2.9e6
LU_FILL_POWER = 2.1


class ExactMemoryError(SolverError, ParameterError):
    """The exact solver's memory estimate exceeds the memory allowed (a :class:`SolverError` and, for callers that
    treated the old size limit as bad input, a :class:`ParameterError`)."""


def _log10_unknowns(n: int) -> float:
    return (math.lgamma(2 * n + 1) - 2 * math.lgamma(n + 1)) / math.log(10)


def _count_text(n: int) -> str:
    """C(2n, n) in full when it is short, else in scientific form (never a 600-digit number)."""
    lg = _log10_unknowns(n)
    if lg < 15:
        return f"{comb(2 * n, n):,}"
    mant = 10 ** (lg - math.floor(lg))
    return f"≈ {mant:.2f}e{math.floor(lg)}"


def _gib_text(log10_bytes: float) -> str:
    lg = log10_bytes - math.log10(2**30)
    return f"{10**lg:.3g} GiB" if lg < 15 else f"≈ 1e{lg:.0f} GiB"


def _resolve_solver(n: int, linear_solver: str) -> str:
    if linear_solver == "auto":
        return "lu" if n <= LU_SITES else "gmres"
    return linear_solver


def _log10_sum(terms: list[float]) -> float:
    top = max(terms)
    return top + math.log10(sum(10 ** (t - top) for t in terms))


def _log10_memory(n: int, restart: int, linear_solver: str) -> float:
    """log₁₀ of the estimated peak bytes (log form, so that n = 1000 does not overflow)."""
    lg_n = _log10_unknowns(n)
    if _resolve_solver(n, linear_solver) == "lu":
        lg_fill = math.log10(LU_FILL_7) + LU_FILL_POWER * (lg_n - math.log10(3432))
        return _log10_sum([math.log10(MEMORY_BASE), lg_fill + math.log10(24.0), lg_n + math.log10(8.0 * 40)])
    k = n // 2  # the largest sector, C(n, n/2) states: its dense eigendecomposition needs ~8 complex d×d arrays
    lg_largest = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(10)
    return _log10_sum([math.log10(MEMORY_BASE), math.log10(16.0 * 8) + 2 * lg_largest,
                       lg_n + math.log10(8.0 * (restart + 1) + MEMORY_PER_UNKNOWN)])


def estimate_memory(n: int, *, restart: int = 60, linear_solver: str = "auto") -> float:
    """Estimated peak memory (bytes) of :func:`solve` for a chain of n sites (``inf`` if it overflows a float).

    GMRES: the real Krylov basis (restart + 1 vectors of C(2n, n) doubles), the work vectors and the
    preconditioner's eigenvector matrices (``MEMORY_PER_UNKNOWN`` bytes per unknown). LU: SuperLU's
    factors (fill measured at n ≤ 7 and extrapolated).
    """
    lg = _log10_memory(n, restart, linear_solver)
    return 10**lg if lg < 300 else math.inf


def available_memory() -> float | None:
    """Bytes of memory available now (:func:`nesskit.memory.available_memory`), None if unknown."""
    from ..memory import available_memory as _available

    return _available()


def default_threads() -> int:
    """BLAS threads for a solve: the cores of this process's affinity not already busy (load average), ≥ 1.

    Oversubscribed BLAS threads collapse (measured: 9 min instead of 50 s at n = 10 when another job shared the
    two cores and OpenBLAS used its default two threads), so a loaded machine gets one thread.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    return max(1, min(cores, int(math.floor(cores - load + 0.5))))


def memory_refusal(n: int, *, restart: int = 60, linear_solver: str = "auto",
                   memory_limit: float | None = None) -> str | None:
    """None if the estimated memory fits ``memory_limit`` (bytes; default: the memory available now), else why."""
    lg = _log10_memory(n, restart, linear_solver)
    need = 10**lg if lg < 300 else math.inf
    limit = available_memory() if memory_limit is None else float(memory_limit)
    if limit is None or need <= limit:
        return None
    solver = _resolve_solver(n, linear_solver)
    what = "sparse LU factors" if solver == "lu" else f"GMRES (restart = {restart})"
    source = "memory_limit" if memory_limit is not None else "the memory available now"
    hint = (" (linear_solver='gmres' needs far less)" if solver == "lu" else
            "; a smaller restart saves 8·C(2n, n) bytes per Krylov vector")
    return (f"n = {n}: {_count_text(n)} unknowns in the M-sectors; the {what} needs an estimated "
            f"{_gib_text(lg)}, more than {source} ({limit / 2**30:.3g} GiB){hint}; "
            "pass memory_limit=<bytes> to override")


def applicable(model: Model, pairs: Sequence[tuple[int, int]] = (), *, restart: int = 60,
               linear_solver: str = "auto", memory_limit: float | None = None) -> str | None:
    """None if the exact solver can handle ``model`` within the memory (see :func:`memory_refusal`), else why.

    Every model nesskit describes and every pair are supported; only memory limits the reach.
    """
    return memory_refusal(model.n, restart=restart, linear_solver=linear_solver, memory_limit=memory_limit)


@dataclass
class _Run:
    """Book-keeping of one solve."""

    iterations: int = 0
    cycles: int = 0
    refinements: int = 0
    notes: str = ""
    checks: dict = field(default_factory=dict)


def _solve_gmres(lv: SectorLiouvillian, pack: HermitianPacking, tol: float, maxiter: int, restart: int,
                 max_refinements: int, guess: np.ndarray | None, run: _Run) -> list[np.ndarray]:
    """Preconditioned GMRES cycles with iterative refinement (:mod:`._exact_krylov`); returns complex blocks."""
    prec = SectorPreconditioner(lv)
    rep = prec.report
    if rep.shift:
        run.notes += f"K has a non-decaying eigenvector; preconditioner shifted by {rep.shift}. "
    n_schur = rep.kinds.count("schur")
    if n_schur:
        run.notes += f"Schur-based 𝓛₀⁻¹ in {n_schur} sector(s) (eigenvector route not accurate enough). "
    jumps = {-1: "lowering", 1: "raising", 0: "no"}[rep.direction]
    routes = ", ".join(f"{kind} ×{rep.kinds.count(kind)}" for kind in sorted(set(rep.kinds)))
    run.notes += (f"preconditioner: no-jump inverse per sector ({routes}) + {jumps} bath jumps by block "
                  f"substitution, measured relative error {rep.max_error:.1e}, max cond₁(V) = "
                  f"{rep.max_condition:.1e}. ")
    kr = KrylovRun()
    inner = max(INNER_RTOL, 100 * rep.max_error)
    vec = refined_gmres(lv, pack, prec, tol, restart, maxiter, max_refinements, inner, guess, kr)
    run.iterations, run.cycles = kr.iterations, kr.cycles
    run.refinements = max(kr.cycles - 1, 0)
    run.checks.update(preconditioner_error=rep.max_error, schur_sectors=n_schur, max_condition=rep.max_condition,
                      gmres_cycles=kr.cycles, stalled=int(kr.stalled))
    if kr.stalled:
        run.notes += "GMRES stalled (the true residual stopped decreasing). "
    return pack.unpack(vec)


def _solve_lu(lv: SectorLiouvillian, tol: float, max_refinements: int, run: _Run) -> list[np.ndarray]:
    """Sparse LU of the sector Liouvillian with the row of ρ_{↓…↓,↓…↓} replaced by Tr ρ = 1."""
    a = lv.sparse_matrix().tolil()
    # sector 0 (all spins down) is 1×1: its equation is redundant (Σ of the diagonal equations is 0)
    a[0, :] = lv.identity().real
    try:
        lu = spla.splu(a.tocsc())
    except RuntimeError as exc:  # SuperLU: "Factor is exactly singular"
        raise SolverError(
            f"the sector Liouvillian is singular (SuperLU: {exc}): the NESS is not unique — for example a part of "
            "the chain cut off by a zero hopping bond and not reached by any bath, or a conserved quantity besides "
            "the magnetization; change the model (a small dephasing or a non-zero hopping makes it unique)"
        ) from None
    b = np.zeros(lv.size, dtype=complex)
    b[0] = 1.0
    rho = lu.solve(b)
    if not np.all(np.isfinite(rho)):
        raise SolverError("the sparse LU solve returned non-finite values: the sector Liouvillian is (nearly) "
                          "singular, i.e. the NESS is not unique; change the model")
    for sweep in range(max(max_refinements, 1)):  # iterative refinement with the same factors: A δ = b − Aρ
        residual = lv.apply_vec(rho)
        if np.linalg.norm(residual) <= 0.5 * tol:
            break
        rhs = -residual
        rhs[0] = 1.0 - lv.trace(rho)
        rho = rho + lu.solve(rhs)
        run.refinements = sweep + 1
    return [b.copy() for b in lv.split(rho)]


def _make_ness(model: Model, dm: BlockDensityMatrix, diagnostics: Diagnostics) -> NESS:
    """Profiles from the blocks: ⟨σᶻ_j⟩, t_j = −⟨σˣ_jσʸ_{j+1}⟩ = 2 Im⟨σ⁺_jσ⁻_{j+1}⟩, ⟨σᶻ_jσᶻ_{j+1}⟩."""
    p, s = dm.populations()
    magnetization = p @ s
    zz = np.array([p @ (s[:, j] * s[:, j + 1]) for j in range(model.n - 1)])
    # ρ_{j,j+1}[↓↑, ↑↓] = ⟨σ⁺_jσ⁻_{j+1}⟩ (nesskit.twospin.xstate_rdm)
    current = np.array([2 * dm.pair(j, j + 1)[2, 1].imag for j in range(1, model.n)])
    pairs: dict[str, object] = ({"states": dm} if "states" in _NESS_FIELDS else {"pair_state": dm.pair})
    return NESS(model=model, method="exact", magnetization=magnetization, current=current, zz=zz,
                diagnostics=diagnostics, density_matrix=dm, **pairs)  # type: ignore[arg-type]


_NESS_FIELDS = {f.name for f in dataclasses.fields(NESS)}
_DIAGNOSTICS_FIELDS = {f.name for f in dataclasses.fields(Diagnostics)}


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
    threads: int | None = None,
    memory_limit: float | None = None,
) -> NESS:
    """The exact NESS of ``model`` (Eqs. 5–9, SPEC §1), by brute force in the magnetization sectors.

    Parameters
    ----------
    model : Model
        Any chain; the reach is set by memory (:func:`estimate_memory`).
    tol : float
        Target for the true residual ‖𝓛ρ‖₂ (vectorised ρ, Tr ρ = 1); default 1e-12.
    linear_solver : {"auto", "gmres", "lu"}
        ``"auto"``: sparse LU for n ≤ 6, preconditioned GMRES above (much faster there, see the module
        docstring), falling back to LU at n = 7 if GMRES misses the target.
    maxiter : int
        GMRES: the most cycles; every cycle restarts from the recomputed true residual (iterative refinement)
        and runs at most ``restart`` iterations. (At most ``maxiter·restart`` iterations in all.)
    restart : int
        GMRES: the most iterations per cycle, i.e. the Krylov basis size (memory: ``restart + 1`` real vectors
        of C(2n, n) doubles).
    max_refinements : int
        GMRES: the number of consecutive cycles that may fail to halve the true residual before the solve
        stops as stalled. LU: the most refinement steps with the same factors (at least one).
    guess : NESS, optional
        A previous exact NESS of a chain with the same n (for example at a nearby γ or Δ): the starting point.
    strict : bool
        Raise :class:`SolverError` if the target residual is not reached (otherwise it is stated in
        ``diagnostics.notes``; a residual above 1e3·tol always raises).
    threads : int, optional
        BLAS threads for the solve (threadpoolctl); default :func:`default_threads` (the idle cores).
    memory_limit : float, optional
        Bytes the solve may use; default: the memory available now (``MemAvailable``). A larger estimate is
        refused with :class:`ExactMemoryError` (a :class:`SolverError`) stating it in GiB.

    Returns
    -------
    NESS
        ``method = "exact"``; ``density_matrix`` and ``states`` are a
        :class:`~nesskit.solvers._sector.BlockDensityMatrix` (the M-blocks of ρ; ``.to_dense()`` gives the
        2ⁿ × 2ⁿ matrix, ``.pair(i, j)`` any two-spin state). ``diagnostics.checks``: ``preconditioner_error``
        (measured relative error of M⁻¹), ``schur_sectors``, ``max_condition`` (of V), ``gmres_cycles``,
        ``stalled``, ``threads``, ``memory_estimate`` (bytes), ``trace_before_normalisation``.
    """
    if not isinstance(model, Model):
        raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
    tol = check_positive("tol", tol)
    maxiter = check_int("maxiter", maxiter, 1)
    restart = check_int("restart", restart, 2)
    max_refinements = check_int("max_refinements", max_refinements, 0)
    if linear_solver not in LINEAR_SOLVERS:
        raise ParameterError(f"linear_solver must be one of {LINEAR_SOLVERS}, got {linear_solver!r}")
    if threads is not None:
        threads = check_int("threads", threads, 1)
    if memory_limit is not None:
        memory_limit = check_positive("memory_limit", memory_limit)
    check_bool("strict", strict)
    refusal = memory_refusal(model.n, restart=restart, linear_solver=linear_solver, memory_limit=memory_limit)
    if refusal is not None:
        raise ExactMemoryError(refusal)
    initial_blocks = None
    if guess is not None:
        dm = getattr(guess, "density_matrix", None)
        if not isinstance(dm, BlockDensityMatrix) or dm.n != model.n:
            raise ParameterError("guess must be an exact NESS (method 'exact') of a chain with the same n")
        initial_blocks = list(dm.blocks)
    nthreads = default_threads() if threads is None else threads
    with threadpool_limits(limits=nthreads, user_api="blas"):
        return _solve(model, tol, linear_solver, maxiter, restart, max_refinements, initial_blocks, strict,
                      nthreads, memory_limit)


def _solve(model: Model, tol: float, linear_solver: str, maxiter: int, restart: int, max_refinements: int,
           initial_blocks: list[np.ndarray] | None, strict: bool, nthreads: int,
           memory_limit: float | None) -> NESS:
    auto = linear_solver == "auto"
    linear_solver = _resolve_solver(model.n, linear_solver)
    start = time.perf_counter()
    lv = SectorLiouvillian(model)
    pack = HermitianPacking(lv)
    run = _Run()
    if linear_solver == "lu":
        blocks = _solve_lu(lv, tol, max_refinements, run)
    else:
        initial = None if initial_blocks is None else pack.pack(initial_blocks)
        blocks = _solve_gmres(lv, pack, tol, maxiter, restart, max_refinements, initial, run)
        if auto and model.n <= LU_FALLBACK_SITES:
            tr = sum(np.trace(b) for b in blocks)
            if not np.isfinite(tr) or tr == 0 or float(np.linalg.norm(lv.apply_vec(lv.join(blocks)))) > tol * abs(tr):
                run.notes += "GMRES missed the target; fell back to sparse LU. "
                linear_solver = "lu"
                blocks = _solve_lu(lv, tol, max_refinements, run)
    trace = complex(sum(np.trace(b) for b in blocks))
    if not np.isfinite(trace) or abs(trace) == 0:
        raise SolverError("the linear solve returned a state with zero or non-finite trace")
    blocks = [b / trace for b in blocks]
    hermiticity = float(np.sqrt(sum(np.linalg.norm(b - b.conj().T) ** 2 for b in blocks)))
    blocks = [0.5 * (b + b.conj().T) for b in blocks]  # 𝓛 preserves hermiticity: this never raises ‖𝓛ρ‖
    residual = float(np.linalg.norm(lv.apply_vec(lv.join(blocks))))
    wall = time.perf_counter() - start
    notes = (f"{linear_solver}: {_count_text(model.n)} unknowns (M-sectors); {nthreads} BLAS thread(s); " + run.notes
             + f"refinement sweeps: {run.refinements}; hermiticity before symmetrisation.")
    if not np.isfinite(residual) or residual > 1e3 * tol or (strict and residual > tol):
        hint = "" if linear_solver == "lu" else (
            f" after {run.iterations} GMRES iterations in {run.cycles} cycles; raise maxiter/restart"
            + (", or use linear_solver='lu' (n <= 8)" if model.n <= 8 else "")
            + "; a stall can also mean that the NESS is not unique (a part of the chain no bath reaches)")
        raise SolverError(f"exact solver reached residual {residual:.2e}, target tol = {tol:.1e}{hint}")
    if residual > tol:
        notes += f" TARGET MISSED: residual {residual:.2e} > tol {tol:.1e}."
    dm = BlockDensityMatrix(model.n, tuple(lv.states), tuple(blocks))
    run.checks.update(threads=nthreads, trace_before_normalisation=abs(trace),
                      memory_estimate=estimate_memory(model.n, restart=restart, linear_solver=linear_solver))
    extra: dict[str, object] = {}
    if "error" in _DIAGNOSTICS_FIELDS:
        # |δρ_ij entries| ≤ 2^((n−2)/2)·‖δρ‖ (a partial trace sums 2^(n−2) entries), ‖δρ‖ ≲ 10·‖𝓛ρ‖
        extra["error"] = 10 * 2 ** ((model.n - 2) / 2) * residual
    if "checks" in _DIAGNOSTICS_FIELDS:
        extra["checks"] = dict(run.checks)
    return _make_ness(model, dm, Diagnostics(
        residual=residual, trace=float(dm.trace.real), hermiticity=hermiticity,
        iterations=run.iterations if linear_solver == "gmres" else None, wall_time=wall, notes=notes,
        **extra))  # type: ignore[arg-type]


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


__all__ = ["applicable", "solve", "dense_residual", "estimate_memory", "available_memory", "default_threads",
           "memory_refusal", "ExactMemoryError", "DEFAULT_TOL", "BlockDensityMatrix"]

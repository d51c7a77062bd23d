"""Krylov machinery of the exact solver: Hermitian packing, the sector preconditioner, GMRES with refinement.

Everything here works on *Hermitian* sector-block vectors packed into real numbers (the NESS of a
Hermiticity-preserving 𝓛 is Hermitian, and so is the right-hand side 𝟙/2ⁿ): a Hermitian block ρ = S + iA
(S real symmetric, A real antisymmetric) is stored as the real matrix R = S + A. The packing is an isometry
(‖R‖ = ‖ρ‖, since symmetric and antisymmetric parts are orthogonal), so GMRES on the real vectors minimises the
same residual ‖𝓛ρ‖ as complex GMRES would, with half the memory and arithmetic in the Krylov basis. (Complex
coefficients cannot do better: for Hermitian X, Y, ‖X + iY‖² = ‖X‖² + ‖Y‖².)

Preconditioner (:class:`SectorPreconditioner`): per sector the no-jump part 𝓛₀,ₘρ = −i(Kₘρ − ρKₘ†) is
inverted exactly from Kₘ = VΛV⁻¹: 𝓛₀⁻¹X = V[(V⁻¹XV⁻†) ∘ G]V†, G_ab = 1/(−i(λ_a − λ̄_b) − s), four matrix
products. Kₘ = Hₘ − iΣL†L is complex *symmetric* (H real symmetric for real hoppings and fields), so its
eigenvectors can be normalised to VᵀV = 𝟙 and V⁻¹ = Vᵀ taken without an inverse; that route fails where
eigenvalues are degenerate (clusters are not bilinear-orthogonal), and elsewhere it is not always the more accurate
one (measured at n = 8, Δ = 0.3, c = d = 0.5, Γ = 2: relative error 9e-10 against 5e-12 for V⁻¹ by LU). So both
are *measured* once per sector on a random Hermitian block (‖𝓛₀(𝓛₀⁻¹X) − X‖/‖X‖) and the better one is kept;
a sector where both exceed :data:`MAX_PRECONDITIONER_ERROR` (at Δ = 0, c = d = 1 the errors are 3e-2 – 3, defective
clusters) uses the complex Schur form and LAPACK ``ztrsyl`` instead (exact to ~1e-14, ~1.5× slower at n = 8).
Iterative refinement (below) makes the remaining roundoff harmless: it only sets how far one GMRES cycle can go.
On top, the bath jumps of one direction (the magnetization-lowering ones m + 1 → m, or raising, whichever carry
the larger total rate) are included exactly by block substitution over the M-sectors, at no extra cost:
M = 𝓛₀ + 𝓙_dir, solved sector after sector. The remaining jumps (the other bath direction and dephasing) are
left to GMRES.

GMRES (:func:`refined_gmres`): short right-preconditioned GMRES cycles on A = 𝓛 + x₀Tr(·) (x₀ = 𝟙/2ⁿ; A is
non-singular when the NESS is unique and Aρ = x₀ ⇔ 𝓛ρ = 0, Tr ρ = 1). Every cycle starts from the *true*
residual r = x₀ − Aρ, recomputed from 𝓛 itself (iterative refinement), and stops when its Arnoldi estimate falls
to ``inner_rtol``·‖r‖ (above the preconditioner's roundoff floor, so the estimate is honest) or after ``restart``
iterations. The solve stops on the true residual ‖𝓛ρ‖/|Tr ρ| ≤ tol.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ..errors import SolverError
from ._eigen_lyapunov import eigenbasis_solve
from ._sector import SectorLiouvillian

#: A sector whose measured relative error of 𝓛₀⁻¹ (best eigenvector route) exceeds this uses the Schur route.
#: Measured (``benchmarks/results_exact.md``): accepted eigenvector routes have errors 1e-15 – 1e-11 over the n = 8
#: grid; rejected ones 3e-2 and more (defective clusters). Any threshold in between gives the same iteration counts
#: (checked with thresholds 1e-12 … 1e-2); each GMRES cycle then stops at max(1e-10, 100·error) of its residual.
MAX_PRECONDITIONER_ERROR = 1e-9

#: Smallest |−i(λ_a − λ̄_b)| tolerated before 𝓛₀ counts as singular (a dark state of K): then shift.
MIN_GAP = 1e-10


# -- Hermitian packing -------------------------------------------------------------------------------------------


class HermitianPacking:
    """Hermitian block vectors ↔ real vectors of the same length C(2n, n) (R = Re ρ + Im ρ per block)."""

    def __init__(self, liouvillian: SectorLiouvillian) -> None:
        self.offsets = liouvillian.offsets
        self.sizes = liouvillian.sizes
        self.size = liouvillian.size

    def real_blocks(self, vec: np.ndarray) -> list[np.ndarray]:
        return [vec[self.offsets[m]:self.offsets[m + 1]].reshape(d, d) for m, d in enumerate(self.sizes)]

    def unpack(self, vec: np.ndarray) -> list[np.ndarray]:
        """Real packed vector → list of complex Hermitian blocks."""
        out = []
        for r in self.real_blocks(vec):
            rt = r.T
            b = np.empty(r.shape, dtype=complex)
            b.real = r + rt
            b.imag = r - rt
            b *= 0.5
            out.append(b)
        return out

    def pack(self, blocks: list[np.ndarray], out: np.ndarray | None = None) -> np.ndarray:
        """Complex Hermitian blocks → real packed vector (only the Hermitian part of each block counts)."""
        if out is None:
            out = np.empty(self.size)
        for m, b in enumerate(blocks):
            target = out[self.offsets[m]:self.offsets[m + 1]].reshape(b.shape)
            # Hermitian part H = (b + b†)/2: Re H = sym(Re b), Im H = antisym(Im b)
            np.add(b.real, b.real.T, out=target)
            target += b.imag
            target -= b.imag.T
            target *= 0.5
        return out


# -- preconditioner ---------------------------------------------------------------------------------------------


@dataclass
class PreconditionerReport:
    """What the preconditioner set-up found (goes into the result's diagnostics)."""

    kinds: list[str] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)
    shift: float = 0.0
    direction: int = 0  # +1: raising bath jumps included exactly, −1: lowering, 0: none
    max_condition: float = 1.0

    @property
    def max_error(self) -> float:
        return max(self.errors) if self.errors else 0.0


class SectorPreconditioner:
    """M⁻¹ with M = 𝓛₀ − s + 𝓙_dir: exact no-jump inverse per sector, one bath direction by substitution.

    Parameters
    ----------
    liouvillian : SectorLiouvillian
        The problem.
    include_jumps : bool
        Include the bath jumps of the dominant direction (block substitution over m); False gives the plain
        no-jump inverse (M = 𝓛₀ − s).
    rng_seed : int
        Seed of the random test blocks used to measure each sector's accuracy.
    """

    def __init__(self, liouvillian: SectorLiouvillian, include_jumps: bool = True, rng_seed: int = 1) -> None:
        self.lv = liouvillian
        self.report = PreconditionerReport()
        rng = np.random.default_rng(rng_seed)
        eigs = []
        min_gap = np.inf
        for k in liouvillian.k_ops:
            kd = k.toarray()
            try:
                lam, v = np.linalg.eig(kd)
            except np.linalg.LinAlgError as exc:
                raise SolverError(f"the eigendecomposition of K in a sector of size {kd.shape[0]} failed ({exc}); "
                                  "check the model for non-finite or extreme parameters") from None
            eigs.append((kd, lam, v))
            if np.all(np.isfinite(lam)):
                gap = np.abs(-1j * (lam[:, None] - np.conj(lam)[None, :]))
                min_gap = min(min_gap, float(gap.min()))
            else:
                min_gap = 0.0
        self.shift = 1.0 if not min_gap > MIN_GAP else 0.0
        self.report.shift = self.shift
        self.data: list[tuple[str, tuple[np.ndarray, ...]]] = []
        for k, (kd, lam, v) in zip(liouvillian.k_ops, eigs):
            d = kd.shape[0]
            x = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
            x = x + x.conj().T
            entry: tuple[str, tuple[np.ndarray, ...]] | None = None
            err = np.inf
            for candidate in self._eig_entries(kd, lam, v):  # keep the most accurate (measured) route
                cerr = self._check(k, candidate, x)
                if cerr < err:
                    entry, err = candidate, cerr
            if entry is not None and err <= MAX_PRECONDITIONER_ERROR:
                vv, vinv = entry[1][0], entry[1][1]
                cond = float(np.linalg.norm(vv, 1) * np.linalg.norm(vinv, 1))
                self.report.max_condition = max(self.report.max_condition, cond)
            else:
                entry = self._schur_entry(kd)
                err = self._check(k, entry, x)
            self.data.append(entry)
            self.report.kinds.append(entry[0])
            self.report.errors.append(float(err))
        if not all(np.isfinite(self.report.errors)) or self.report.max_error > 1e-3:
            raise SolverError(f"the no-jump preconditioner is inaccurate (relative error "
                              f"{self.report.max_error:.1e}); K has (nearly) defective eigenvalues")
        # the bath direction to include exactly
        self.jumps: list[tuple[float, list]] = []
        if include_jumps:
            total = {+1: 0.0, -1: 0.0}
            for _, rate, step, _maps in liouvillian.bath_jumps:
                total[step] += rate
            direction = -1 if total[-1] >= total[+1] else +1
            if total[direction] > 0:
                self.report.direction = direction
                self.jumps = [(rate, maps) for _, rate, step, maps in liouvillian.bath_jumps if step == direction]

    # -- set-up helpers ------------------------------------------------------------------------------------------
    def _eig_entries(self, kd: np.ndarray, lam: np.ndarray, v: np.ndarray) -> list[tuple[str, tuple[np.ndarray, ...]]]:
        """Candidate eigenvector routes: V⁻¹ = Vᵀ (complex-symmetric K, vᵀv = 1 columns) and V⁻¹ by LU. The caller
        measures both and keeps the more accurate (neither is uniformly better: Vᵀ fails on degenerate clusters)."""
        if not np.all(np.isfinite(v)):
            return []
        gap = -1j * (lam[:, None] - np.conj(lam)[None, :]) - self.shift
        with np.errstate(divide="ignore", invalid="ignore"):
            inv_gap = 1.0 / gap
        out: list[tuple[str, tuple[np.ndarray, ...]]] = []
        if np.allclose(kd, kd.T, rtol=0, atol=1e-14 * max(1.0, float(np.abs(kd).max()))):
            # complex-symmetric K: eigenvectors of distinct eigenvalues are bilinear-orthogonal, so after vᵀv = 1
            # V⁻¹ = Vᵀ (degenerate clusters break this; the accuracy check then rejects it)
            norms = np.sqrt(np.einsum("ij,ij->j", v, v))
            if np.all(np.abs(norms) > 1e-8):
                vs = v / norms
                out.append(("eig-symmetric", (vs, np.ascontiguousarray(vs.T), inv_gap)))
        try:
            vinv = np.linalg.inv(v)
        except np.linalg.LinAlgError:
            return out
        if np.all(np.isfinite(vinv)):
            out.append(("eig-inverse", (v, vinv, inv_gap)))
        return out

    def _schur_entry(self, kd: np.ndarray) -> tuple[str, tuple[np.ndarray, ...]]:
        r, q = sla.schur(kd, output="complex")
        rs = r - 0.5j * self.shift * np.eye(r.shape[0])
        return ("schur", (q, rs))

    def _check(self, k: sp.csr_matrix, entry: tuple[str, tuple[np.ndarray, ...]], x: np.ndarray) -> float:
        """Measured relative error ‖(𝓛₀ − s)(M₀⁻¹x) − x‖/‖x‖ of one sector's route (𝓛₀ applied with the sparse K)."""
        z = self._solve_sector(entry, x)
        back = -1j * (k @ z - (k @ z.conj().T).conj().T) - self.shift * z
        return float(np.linalg.norm(back - x) / np.linalg.norm(x))

    # -- application ---------------------------------------------------------------------------------------------
    @staticmethod
    def _solve_sector(entry: tuple[str, tuple[np.ndarray, ...]], x: np.ndarray) -> np.ndarray:
        """(𝓛₀,ₘ − s)⁻¹ x for one Hermitian block x (result Hermitian up to roundoff)."""
        kind, data = entry
        if kind.startswith("eig"):
            v, vinv, inv_gap = data  # −i(KZ − ZK†) − sZ = X is AZ + ZA^H = X with A = −iK − s/2
            return eigenbasis_solve(v, vinv, inv_gap, x)
        q, rs = data
        # −i(RZ − ZR†) − sZ = Q†XQ  ⇔  (R − is/2)Z − Z(R − is/2)† = i Q†XQ
        rhs = 1j * (q.conj().T @ x @ q)
        z, scale, info = sla.lapack.ztrsyl(rs, rs, rhs, trana="N", tranb="C", isgn=-1)
        if info < 0:
            raise SolverError(f"LAPACK ztrsyl failed (info = {info})")
        return q @ (z / scale) @ q.conj().T

    def apply(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        """M⁻¹ on Hermitian blocks (block substitution over the sectors in the jumps' direction)."""
        nb = len(blocks)
        out: list[np.ndarray] = [np.empty(0)] * nb
        order = range(nb - 1, -1, -1) if self.report.direction < 0 else range(nb)
        step = self.report.direction
        for m in order:
            rhs = blocks[m]
            src = m - step  # the sector whose jumps feed sector m
            if self.jumps and 0 <= src < nb:
                rhs = rhs.copy()
                for rate, maps in self.jumps:
                    mp = maps[src]
                    if mp is None:
                        continue
                    tgt_rows, src_rows = mp
                    rhs[np.ix_(tgt_rows, tgt_rows)] -= 2 * rate * out[src][np.ix_(src_rows, src_rows)]
            out[m] = self._solve_sector(self.data[m], rhs)
        return out


# -- GMRES -------------------------------------------------------------------------------------------------------


@dataclass
class KrylovRun:
    """Book-keeping of one refined GMRES solve."""

    iterations: int = 0
    cycles: int = 0
    history: list[float] = field(default_factory=list)  # true residual ‖𝓛ρ‖/|Tr ρ| before each cycle and at the end
    stalled: bool = False


def gmres_cycle(apply: Callable[[np.ndarray], np.ndarray], r: np.ndarray, basis: np.ndarray,
                target: float) -> tuple[np.ndarray, int]:
    """One GMRES cycle (Arnoldi with classical Gram–Schmidt twice, Givens rotations) for A y = r, y₀ = 0.

    Stops when the Arnoldi residual estimate is ≤ ``target`` or the basis (``basis.shape[0] − 1`` vectors) is
    full. Returns (y, iterations).
    """
    m = basis.shape[0] - 1
    beta = float(np.linalg.norm(r))
    if beta == 0:
        return np.zeros_like(r), 0
    np.multiply(r, 1 / beta, out=basis[0])
    h = np.zeros((m + 1, m))
    cs = np.zeros(m)
    sn = np.zeros(m)
    g = np.zeros(m + 1)
    g[0] = beta
    k = 0
    for j in range(m):
        w = apply(basis[j])
        coef = basis[:j + 1] @ w
        w -= coef @ basis[:j + 1]
        coef2 = basis[:j + 1] @ w
        w -= coef2 @ basis[:j + 1]
        coef += coef2
        hn = float(np.linalg.norm(w))
        h[:j + 1, j] = coef
        h[j + 1, j] = hn
        for i in range(j):  # previous rotations
            a, b = h[i, j], h[i + 1, j]
            h[i, j] = cs[i] * a + sn[i] * b
            h[i + 1, j] = -sn[i] * a + cs[i] * b
        a, b = h[j, j], h[j + 1, j]
        den = float(np.hypot(a, b))
        cs[j], sn[j] = (1.0, 0.0) if den == 0 else (a / den, b / den)
        h[j, j] = den
        h[j + 1, j] = 0.0
        g[j + 1] = -sn[j] * g[j]
        g[j] = cs[j] * g[j]
        k = j + 1
        if abs(g[j + 1]) <= target or hn <= 1e-14 * beta:
            break
        np.multiply(w, 1 / hn, out=basis[j + 1])
    diag = np.abs(np.diag(h[:k, :k]))
    if k == 0 or not np.all(np.isfinite(h[:k + 1, :k])) or diag.min() <= 1e-300:
        raise SolverError("GMRES broke down (the preconditioned operator maps a Krylov vector to zero or to "
                          "non-finite values): the Liouvillian is singular, i.e. the NESS is not unique")
    coeffs = sla.solve_triangular(h[:k, :k], g[:k])
    return coeffs @ basis[:k], k


def refined_gmres(lv: SectorLiouvillian, pack: HermitianPacking, prec: SectorPreconditioner, tol: float,
                  restart: int, maxiter: int, stall_cycles: int, inner_rtol: float,
                  guess: np.ndarray | None, run: KrylovRun) -> np.ndarray:
    """Solve 𝓛ρ = 0, Tr ρ = 1 by right-preconditioned GMRES cycles restarted from the true residual.

    Returns ρ as a packed real vector (not normalised). See the module docstring.
    """
    size = lv.size
    x0 = pack.pack([np.eye(d, dtype=complex) / 2**lv.n for d in lv.sizes])
    diag_idx = np.concatenate([lv.offsets[m] + np.arange(d) * (d + 1) for m, d in enumerate(lv.sizes)])

    def trace(vec: np.ndarray) -> float:
        return float(vec[diag_idx].sum())

    def liouvillian(vec: np.ndarray) -> np.ndarray:
        return pack.pack(lv.apply_hermitian(pack.unpack(vec)))

    def precondition(vec: np.ndarray) -> np.ndarray:
        return pack.pack(prec.apply(pack.unpack(vec)))

    def operator(vec: np.ndarray) -> np.ndarray:
        rho = precondition(vec)
        out = liouvillian(rho)
        out += trace(rho) * x0
        return out

    rho = x0.copy() if guess is None else guess / trace(guess)
    basis = np.empty((restart + 1, size))
    best = np.inf
    bad = 0
    for cycle in range(maxiter + 1):
        lrho = liouvillian(rho)
        tr = trace(rho)
        true = float(np.linalg.norm(lrho)) / abs(tr) if tr != 0 else np.inf
        run.history.append(true)
        if true <= tol or cycle == maxiter:
            break
        if true < 0.5 * best:
            bad = 0
        else:
            bad += 1
            if bad > stall_cycles:
                run.stalled = True
                break
        best = min(best, true)
        r = x0 - lrho - tr * x0
        rn = float(np.linalg.norm(r))
        y, its = gmres_cycle(operator, r, basis, max(inner_rtol * rn, 0.1 * tol))
        run.iterations += its
        run.cycles += 1
        rho += precondition(y)
    return rho

"""Magnetization sectors of the Liouvillian, for the exact (brute-force) solver.

The NESS commutes with the total magnetization M = Σ_j σᶻ_j (U(1) symmetry of H, of the dephasing and of the
bath jumps, which change M by ±2 on both sides of ρ at once). So ρ is block diagonal: ρ = ⊕_m ρ^(m) with
ρ^(m) acting on the C(n, m) basis states with m spins up; in all Σ_m C(n, m)² = C(2n, n) unknowns instead of 4ⁿ.

With the paper's dissipator (Eq. 6), the master equation (Eq. 5) splits as 𝓛 = 𝓛₀ + 𝓙 with

* the no-jump part 𝓛₀ρ = −i(Kρ − ρK†), K = H − i Σ_k L_k†L_k, block diagonal in m (Sylvester form);
* the jumps 𝓙ρ = Σ_k 2 L_k ρ L_k†: σ± bath jumps map block m to m ± 1; the dephasing jumps
  (L = √(γ_j/2) σᶻ_j, Eq. 7) multiply ρ_ab by Σ_j γ_j s_j(a) s_j(b) with s_j = ±1 the spin of site j.
  Together with the γ_j/2·2 = γ_j of the anticommutator this is the familiar −2γ_j per site where a and b
  differ.

Basis convention (:mod:`nesskit.operators`): the full-space index k has spin j down iff bit (n − j) of k is set.
Every sector stores its states as ascending full-space indices, so a block is ``rho_full[ix_(states, states)]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
import scipy.sparse as sp

from ..errors import ParameterError, SolverError
from ..model import Model
from ..operators import hamiltonian


def sector_states(n: int) -> list[np.ndarray]:
    """Full-space basis indices with m spins up, for m = 0..n (each ascending)."""
    k = np.arange(2**n)
    downs = np.zeros(2**n, dtype=np.int64)
    for bit in range(n):
        downs += (k >> bit) & 1
    ups = n - downs
    return [k[ups == m] for m in range(n + 1)]


def unknowns(n: int) -> int:
    """Number of complex unknowns of the sector-restricted problem, Σ_m C(n, m)² = C(2n, n)."""
    return comb(2 * n, n)


@dataclass(frozen=True)
class BlockDensityMatrix:
    """A density matrix that commutes with M = Σσᶻ, stored as its magnetization blocks.

    Attributes
    ----------
    n : int
        Number of spins.
    states : tuple of ndarray
        ``states[m]``: full-space basis indices (ascending) of the sector with m spins up (m = 0..n). Index k
        has spin j (1-based) down iff bit (n − j) of k is set; site 1 is the leftmost Kronecker factor.
    blocks : tuple of ndarray
        ``blocks[m]``: the C(n, m) × C(n, m) block ρ^(m) = ρ[ix_(states[m], states[m])]. Every other entry of
        ρ is zero.
    """

    n: int
    states: tuple[np.ndarray, ...]
    blocks: tuple[np.ndarray, ...]

    @property
    def trace(self) -> complex:
        """Tr ρ."""
        return complex(sum(np.trace(b) for b in self.blocks))

    @property
    def hermiticity(self) -> float:
        """‖ρ − ρ†‖₂ (Frobenius norm)."""
        return float(np.sqrt(sum(np.linalg.norm(b - b.conj().T) ** 2 for b in self.blocks)))

    def to_dense(self, max_sites: int = 12) -> np.ndarray:
        """The full 2ⁿ × 2ⁿ matrix (refused above ``max_sites`` spins: 4ⁿ complex entries)."""
        if self.n > max_sites:
            raise ParameterError(f"to_dense needs n <= max_sites = {max_sites}, got n = {self.n}")
        rho = np.zeros((2**self.n, 2**self.n), dtype=complex)
        for s, b in zip(self.states, self.blocks):
            rho[np.ix_(s, s)] = b
        return rho

    def spins(self, m: int) -> np.ndarray:
        """s_j(a) = ±1 for the states a of sector m, shape (C(n, m), n), column j − 1 = site j."""
        s = self.states[m]
        shifts = self.n - 1 - np.arange(self.n)
        return 1 - 2 * ((s[:, None] >> shifts[None, :]) & 1)

    def populations(self) -> tuple[np.ndarray, np.ndarray]:
        """(p, s): the diagonal ρ_aa of every sector concatenated (real) and the spins s_j(a), shape (2ⁿ, n)."""
        p = np.concatenate([np.diag(b).real for b in self.blocks])
        s = np.concatenate([self.spins(m) for m in range(self.n + 1)])
        return p, s

    def why_not_pair(self, i: int, j: int) -> str | None:
        """None: every pair (i, j) of different sites 1..n is available from the full ρ."""
        if not (1 <= i <= self.n and 1 <= j <= self.n and i != j):
            return f"sites must be two different integers in 1..{self.n}, got ({i}, {j})"
        return None

    def pair(self, i: int, j: int) -> np.ndarray:
        """Two-spin reduced density matrix ρ_ij (4×4, basis ↑↑, ↑↓, ↓↑, ↓↓, first factor site i), i ≠ j.

        A partial trace over the other n − 2 spins, done on the blocks: the populations sum ρ_aa over states
        with the given (s_i, s_j); the one coherence ρ_ij[↑↓, ↓↑] = ⟨σ⁻_iσ⁺_j⟩ sums ρ_ab with b = a with spins i
        and j exchanged (same sector). All other entries vanish by U(1) symmetry.
        """
        n = self.n
        bi, bj = 1 << (n - i), 1 << (n - j)
        rdm = np.zeros((4, 4), dtype=complex)
        for s, b in zip(self.states, self.blocks):
            down_i = (s & bi) != 0
            down_j = (s & bj) != 0
            diag = np.diag(b)
            for idx, (di, dj) in enumerate(((False, False), (False, True), (True, False), (True, True))):
                rdm[idx, idx] += diag[(down_i == di) & (down_j == dj)].sum()
            rows = np.nonzero(~down_i & down_j)[0]  # i up, j down
            if rows.size:
                cols = np.searchsorted(s, s[rows] ^ (bi | bj))
                rdm[1, 2] += b[rows, cols].sum()
        rdm[2, 1] = np.conj(rdm[1, 2])
        return rdm


class SectorLiouvillian:
    """The Liouvillian of a :class:`Model` restricted to operators commuting with M, matrix-free.

    Vectors are the row-major flattenings of the blocks ρ^(0), …, ρ^(n) concatenated (length C(2n, n)).

    Attributes
    ----------
    k_ops : list of scipy.sparse.csr_matrix
        K_m = H_m − i Σ_k (L_k†L_k)_m, the effective non-Hermitian Hamiltonian of each sector.
    bath_jumps : list of (site, rate, step, maps)
        Bath jumps 2·rate·σ^±_s ρ σ^∓_s with step = ±1; ``maps[m] = (rows in sector m + step, rows in m)``
        or None where m + step is out of range.
    dephasing_weight : list of ndarray
        W_m[a, b] = Σ_j 2|l_j|² s_j(a)s_j(b) for the diagonal jumps L = l σᶻ (= Σ_j γ_j s_j(a)s_j(b)).
    """

    def __init__(self, model: Model) -> None:
        n = self.n = model.n
        self.model = model
        self.states = sector_states(n)
        self.sizes = [len(s) for s in self.states]
        self.offsets = np.concatenate([[0], np.cumsum([d * d for d in self.sizes])])
        self.size = int(self.offsets[-1])
        h = hamiltonian(model).tocsr()
        shifts = n - 1 - np.arange(n)
        spins = [1 - 2 * ((s[:, None] >> shifts[None, :]) & 1) for s in self.states]
        decay = [np.zeros(d) for d in self.sizes]  # diagonal of Σ L†L per sector
        self.dephasing_weight = [np.zeros((d, d)) for d in self.sizes]
        self.bath_jumps: list[tuple[int, float, int, list]] = []
        for op in model.jump_operators("paper"):
            a = np.asarray(op.matrix, dtype=complex)
            col = n - op.site  # spin op.site is down iff this bit is set
            if a[1, 0] == 0 and a[0, 1] == 0:  # diagonal jump: l_up |↑⟩⟨↑| + l_dn |↓⟩⟨↓|
                up_amp, dn_amp = a[0, 0], a[1, 1]
                if abs(abs(up_amp) - abs(dn_amp)) > 1e-15 * max(abs(up_amp), 1.0):
                    raise SolverError(f"jump operator {op.label!r} is diagonal but not ∝ σᶻ; not supported")
                for m in range(n + 1):
                    sj = spins[m][:, op.site - 1]
                    amp = np.where(sj > 0, up_amp, dn_amp)
                    decay[m] += np.abs(amp) ** 2
                    w = 2 * amp[:, None] * np.conj(amp)[None, :]
                    self.dephasing_weight[m] = self.dephasing_weight[m] + w.real
            elif a[1, 0] == 0 and a[0, 0] == 0 and a[1, 1] == 0:  # α σ⁺ = α |↑⟩⟨↓|
                rate = float(abs(a[0, 1]) ** 2)
                for m in range(n + 1):
                    down = (self.states[m] >> col) & 1
                    decay[m] += rate * down  # L†L = rate |↓⟩⟨↓|
                self.bath_jumps.append((op.site, rate, +1, self._jump_maps(col, +1)))
            elif a[0, 1] == 0 and a[0, 0] == 0 and a[1, 1] == 0:  # α σ⁻ = α |↓⟩⟨↑|
                rate = float(abs(a[1, 0]) ** 2)
                for m in range(n + 1):
                    down = (self.states[m] >> col) & 1
                    decay[m] += rate * (1 - down)  # L†L = rate |↑⟩⟨↑|
                self.bath_jumps.append((op.site, rate, -1, self._jump_maps(col, -1)))
            else:
                raise SolverError(f"jump operator {op.label!r} does not conserve M = Σσᶻ; not supported")
        self.k_ops = []
        for m, s in enumerate(self.states):
            hm = h[s][:, s]
            km = hm - 1j * sp.diags(decay[m])
            self.k_ops.append(sp.csr_matrix(km))
        self.decay = decay

    def _jump_maps(self, col: int, direction: int) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """For σ⁺ (direction +1) or σ⁻ (−1) on the spin at bit ``col``: per source sector m the pair
        (rows in sector m + direction, rows in sector m) linked by the flip, or None at the ends."""
        maps: list[tuple[np.ndarray, np.ndarray] | None] = []
        bit = 1 << col
        for m in range(self.n + 1):
            t = m + direction
            if not 0 <= t <= self.n:
                maps.append(None)
                continue
            src_states = self.states[m]
            # σ⁺ needs the spin down in the source (bit set); σ⁻ needs it up (bit clear)
            need_down = direction > 0
            src_rows = np.nonzero(((src_states & bit) != 0) == need_down)[0]
            tgt = src_states[src_rows] ^ bit
            tgt_rows = np.searchsorted(self.states[t], tgt)
            maps.append((tgt_rows, src_rows))
        return maps

    # -- vector <-> blocks --------------------------------------------------------------------------
    def split(self, vec: np.ndarray) -> list[np.ndarray]:
        """Views of the blocks inside a flat vector."""
        return [vec[self.offsets[m]:self.offsets[m + 1]].reshape(d, d) for m, d in enumerate(self.sizes)]

    def join(self, blocks: list[np.ndarray]) -> np.ndarray:
        """Flatten blocks into one vector."""
        return np.concatenate([b.ravel() for b in blocks])

    def identity(self) -> np.ndarray:
        """The flat vector of the identity operator."""
        return self.join([np.eye(d, dtype=complex) for d in self.sizes])

    def trace(self, vec: np.ndarray) -> complex:
        """Tr ρ of a flat vector."""
        return complex(sum(np.trace(b) for b in self.split(vec)))

    # -- the two parts of the Liouvillian ----------------------------------------------------------
    def apply_no_jump(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        """𝓛₀ρ = −i(Kρ − ρK†) block by block."""
        out = []
        for k, b in zip(self.k_ops, blocks):
            kb = k @ b
            bk = (k @ b.conj().T).conj().T
            out.append(-1j * (kb - bk))
        return out

    def apply_jumps(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        """𝓙ρ = Σ_k 2 L_k ρ L_k† (dephasing and bath jumps)."""
        out = [w * b for w, b in zip(self.dephasing_weight, blocks)]
        for _, rate, step, maps in self.bath_jumps:
            for m, mp in enumerate(maps):
                if mp is None:
                    continue
                tgt_rows, src_rows = mp
                out[m + step][np.ix_(tgt_rows, tgt_rows)] += 2 * rate * blocks[m][np.ix_(src_rows, src_rows)]
        return out

    def apply(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        """𝓛ρ = 𝓛₀ρ + 𝓙ρ (Eqs. 5–7), block by block."""
        return [a + b for a, b in zip(self.apply_no_jump(blocks), self.apply_jumps(blocks))]

    def apply_hermitian(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        """𝓛ρ for Hermitian blocks ρ: 𝓛₀ρ = −i(B − B†) with B = Kρ (one sparse product per block), plus 𝓙ρ."""
        out = self.apply_jumps(blocks)
        for k, b, o in zip(self.k_ops, blocks, out):
            kb = k @ b
            o += -1j * (kb - kb.conj().T)
        return out

    def apply_vec(self, vec: np.ndarray) -> np.ndarray:
        """𝓛 on a flat vector."""
        return self.join(self.apply(self.split(vec)))

    # -- explicit sparse matrix (small n) -----------------------------------------------------------
    def sparse_matrix(self) -> sp.csr_matrix:
        """𝓛 as a sparse C(2n, n) × C(2n, n) matrix acting on the flat (row-major) block vector.

        Row-major vec: vec(KX) = (K ⊗ I) vec X, vec(X K†) = (I ⊗ K̄) vec X, vec(S X Sᵀ) = (S ⊗ S) vec X.
        """
        nb = self.n + 1
        grid: list[list[sp.spmatrix | None]] = [[None] * nb for _ in range(nb)]
        for m, (k, d) in enumerate(zip(self.k_ops, self.sizes)):
            eye = sp.identity(d, dtype=complex, format="csr")
            diag = sp.diags(self.dephasing_weight[m].ravel().astype(complex))
            grid[m][m] = -1j * (sp.kron(k, eye) - sp.kron(eye, k.conj())) + diag
        for _, rate, step, maps in self.bath_jumps:
            for m, mp in enumerate(maps):
                if mp is None:
                    continue
                tgt_rows, src_rows = mp
                t = m + step
                shape = (self.sizes[t], self.sizes[m])
                sel = sp.csr_matrix((np.ones(len(src_rows)), (tgt_rows, src_rows)), shape=shape)
                term = 2 * rate * sp.kron(sel, sel)
                grid[t][m] = term if grid[t][m] is None else grid[t][m] + term
        for m in range(nb):  # make sure the shapes of empty rows/columns are known
            for t in range(nb):
                if grid[t][m] is None and abs(t - m) > 1:
                    continue
                if grid[t][m] is None:
                    grid[t][m] = sp.csr_matrix((self.sizes[t] ** 2, self.sizes[m] ** 2), dtype=complex)
        return sp.block_array(grid, format="csr")

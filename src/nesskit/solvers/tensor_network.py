"""Tensor-network NESS of any nearest-neighbour chain nesskit describes (SPEC §1, §8.2).

The density matrix is stored through its Pauli coefficients (SPEC §2 generalised to n spins)::

    ρ = 2⁻ⁿ Σ_{α₁…αₙ ∈ {0,x,y,z}} C[α₁,…,αₙ] σ^{α₁}⊗…⊗σ^{αₙ},   C[α₁,…,αₙ] = ⟨σ^{α₁}⋯σ^{αₙ}⟩,

a matrix-product state of local dimension 4 (the vectorised MPO of ρ). Because ρ is Hermitian and the
Lindbladian (Eqs. 5–9) maps Hermitian operators to Hermitian operators, C and every generator are **real**:
the whole computation runs in real arithmetic. Expectation values are read off directly: ⟨σ^α_i σ^β_j⟩ is the
coefficient with α at i, β at j and the identity (index 0) elsewhere, divided by C[0,…,0] = Tr ρ.

The Lindbladian is a sum of bond generators 𝓛 = Σ_b 𝓛_b (b = 1..n−1 joins sites b, b+1): each holds the
bond's Hamiltonian J_b(σˣσˣ + σʸσʸ) + Δσᶻσᶻ and the one-site terms (fields h_j σᶻ_j, dephasing and bath
dissipators of Eq. 6) shared equally between the bonds that touch the site. The steady state is reached by
real-time evolution dC/dt = 𝓛C with TEBD: the bonds split into odd and even layers, composed as a Strang
(2nd-order) step or the 6-stage 4th-order step of Blanes & Moan; each layer is applied in one sweep of the
mixed-canonical MPS, so that every truncation is optimal in the 2-norm of C.

Why numpy and not quimb or TeNPy (see ``benchmarks/results_tensor_network.md``): the Lindblad time evolution
needs non-unitary gates in mixed-canonical sweeps, real arithmetic and a per-chunk convergence test, ~150 lines
here; neither library has a Lindblad steady-state driver. In the Pauli basis ρ is real, which makes every SVD ~2×
cheaper (measured) than the complex one of a |s⟩⟨s′| basis. The symmetry that stays real is the rotation by π
about z (x, y → −x, −y; every chain nesskit describes has it): the MPS is kept in its Z₂ block form and every QR
and SVD goes by the two parity blocks (``_parity_blocks``; ~4× fewer flops per SVD, 2× faster solves measured).
The full U(1) (TeNPy's charges) needs the complex σ± basis, whose 4× dearer arithmetic eats the gain of its
smaller blocks at the bonds used here (χ ≤ 64). No dependency beyond numpy and scipy. The TEBD core (layers, the
MPS and its two-site update, the propagator) is the private module ``_tebd``, shared with the second core's worker
(``_two_halves``); this module holds the generators, the starts, the convergence control and the result.

Every result carries the exact residual ‖𝓛ρ‖ from the Lindbladian's MPO (``_lindblad_mpo``). At c = d = ±1 the
start can be the whole exact γ = 0 matrix-product NESS (SPEC §8.1, :func:`matrix_product_state`); a start that is
already stationary to rounding is returned without evolution.

Accuracy is checked against the dense Lindbladian, the exact solver, the matrix-product solution and the closed
forms at n ≤ 10 and, for the matrix-product start, n = 100 (tests). The cost per unit evolution time is
~60(n − 1) SVDs of 4χ × 4χ matrices, which is why the relaxation first runs at χ/4 and χ/2 (``bond_ramp``): far
from the NESS the state needs a larger bond than the NESS itself. The dephased XX chain at n = 40 (χ = 29) takes
~2 min to 1e-6; strongly driven dephased XXZ chains need χ ≳ 128 already at n = 10 (measured, see the results
page).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..errors import ParameterError, SolverError
from ..model import Model
from ..operators import PAULIS
from . import _parity_blocks
from ._lindblad_mpo import apply_mpo, lindblad_mpo, log_norm, residual_norm, trace_coefficient
from ._tebd import (
    _MPS,
    TROTTER_ORDERS,
    TWO_CORES_MIN_SITES,
    _environments,
    _Propagator,
    _site_weights,
    _stages,
    _weigh_generators,
    trotter_power,
)

#: (I, σˣ, σʸ, σᶻ) in nesskit's basis (SPEC §1): the one Pauli table of :mod:`nesskit.operators`.
_PAULIS = PAULIS
_PAIR_BASIS = np.einsum("aij,bkl->abikjl", _PAULIS, _PAULIS).reshape(16, 4, 4)


# ---------------------------------------------------------------------------------------------------------
# generators
# ---------------------------------------------------------------------------------------------------------
def _superoperator(hamiltonian: np.ndarray, jumps: Sequence[np.ndarray]) -> np.ndarray:
    """Pauli-basis matrix M of 𝓛X = −i[H, X] + Σ_k (2L_kXL_k† − {L_k†L_k, X}) on two sites (Eq. 5–6).

    M[γδ, αβ] = Tr(σ^γ⊗σ^δ 𝓛(σ^α⊗σ^β)) / 4, so that dC/dt = M C for the coefficients of ρ. Real.
    """
    out = np.empty((16, 16), dtype=complex)
    kk = sum((l.conj().T @ l for l in jumps), np.zeros((4, 4), dtype=complex))
    for col, b in enumerate(_PAIR_BASIS):
        lb = -1j * (hamiltonian @ b - b @ hamiltonian) - (kk @ b + b @ kk)
        for l in jumps:
            lb = lb + 2 * l @ b @ l.conj().T
        out[:, col] = np.einsum("gij,ji->g", _PAIR_BASIS, lb) / 4
    if np.max(np.abs(out.imag)) > 1e-12:  # pragma: no cover - a convention error, not a user error
        raise AssertionError("Pauli-basis generator is not real")
    return out.real.copy()


def bond_generators(model: Model) -> list[np.ndarray]:
    """The n − 1 bond generators 𝓛_b (16 × 16, real, Pauli basis), Σ_b 𝓛_b = 𝓛 of Eqs. 5–9.

    Bond b (0-based) joins sites b + 1 and b + 2 (1-based). One-site terms — fields h_j σᶻ_j and every
    dissipator of :meth:`Model.jump_operators` (Eqs. 7–9) — are split equally between the bonds that touch
    the site (the end sites belong to one bond only).
    """
    n = model.n
    eye = np.eye(2, dtype=complex)
    x, y, z = _PAULIS[1], _PAULIS[2], _PAULIS[3]
    weight = [0.5] * n
    weight[0] = weight[-1] = 1.0
    if n == 2:
        weight = [1.0, 1.0]
    jumps_at: list[list[np.ndarray]] = [[] for _ in range(n)]
    for op in model.jump_operators("paper"):
        jumps_at[op.site - 1].append(np.asarray(op.matrix, dtype=complex))
    fields = model.field_profile
    gens = []
    for b in range(n - 1):
        j = model.hopping_profile[b]
        h = j * (np.kron(x, x) + np.kron(y, y)) + model.delta * np.kron(z, z)
        h = h + weight[b] * fields[b] * np.kron(z, eye) + weight[b + 1] * fields[b + 1] * np.kron(eye, z)
        jumps = [math.sqrt(weight[b]) * np.kron(l, eye) for l in jumps_at[b]]
        jumps += [math.sqrt(weight[b + 1]) * np.kron(eye, l) for l in jumps_at[b + 1]]
        gens.append(_superoperator(h, jumps))
    return gens


def _local_observables(tensors: Sequence[np.ndarray], weight: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """One-site tables ⟨σ^α_j⟩ (n, 4) and nearest-neighbour tables ⟨σ^α_jσ^β_{j+1}⟩ (n − 1, 4, 4).

    ``weight`` s: the tensors hold s^{(number of non-identity factors)} C (see :class:`TensorNetwork`).
    """
    n = len(tensors)
    left, right = _environments(tensors)
    one = np.empty((n, 4))
    for k in range(n):
        v = np.einsum("l,lar,r->a", left[k], tensors[k], right[k + 1])
        one[k] = v / v[0]
    two = np.empty((n - 1, 4, 4))
    for k in range(n - 1):
        v = np.einsum("l,lam->am", left[k], tensors[k])
        v = np.einsum("am,mbr,r->ab", v, tensors[k + 1], right[k + 2])
        two[k] = v / v[0, 0]
    if weight != 1.0:
        w = 1.0 / _site_weights(weight)
        one *= w
        two *= np.outer(w, w)
    return one, two


@dataclass(frozen=True, eq=False)
class MPSPairSource:
    """Two-spin states of any pair (i, j) from the MPS of the Pauli coefficients (picklable, data only).

    ``tensors`` are the site tensors (χ_l, 4, χ_r); ``left``/``right`` the unit-norm identity environments.
    The pair table ⟨σ^α_iσ^β_j⟩ costs O(|j − i| χ²); ρ_ij follows by SPEC §2.
    """

    tensors: tuple[np.ndarray, ...] = field(repr=False)
    left: tuple[np.ndarray, ...] = field(repr=False)
    right: tuple[np.ndarray, ...] = field(repr=False)
    weight: float = 1.0

    @classmethod
    def from_tensors(cls, tensors: Sequence[np.ndarray], weight: float = 1.0) -> MPSPairSource:
        left, right = _environments(tensors)
        return cls(tuple(np.asarray(t) for t in tensors), tuple(left), tuple(right), float(weight))

    @property
    def n(self) -> int:
        return len(self.tensors)

    def why_not_pair(self, i: int, j: int) -> str | None:
        """None for every pair 1 ≤ i < j ≤ n (the MPS holds all of them)."""
        if not (1 <= i < j <= self.n):
            return f"pair (i, j) needs 1 <= i < j <= {self.n}, got ({i}, {j})"
        return None

    def correlations(self, i: int, j: int) -> np.ndarray:
        """The table T[α, β] = ⟨σ^α_iσ^β_j⟩ (4 × 4, T[0, 0] = 1), 1 ≤ i < j ≤ n."""
        reason = self.why_not_pair(i, j)
        if reason is not None:
            raise ParameterError(reason)
        ts = self.tensors
        v = np.einsum("l,lam->am", self.left[i - 1], ts[i - 1])  # (4, χ); row 0 carries the trace
        for k in range(i, j - 1):
            v = v @ ts[k][:, 0, :]
            v = v / (np.max(np.abs(v)) or 1.0)
        t = np.einsum("am,mbr,r->ab", v, ts[j - 1], self.right[j])
        t = t / t[0, 0]
        if self.weight != 1.0:
            w = 1.0 / _site_weights(self.weight)
            t = t * np.outer(w, w)
        return t

    def pair(self, i: int, j: int) -> np.ndarray:
        """ρ_ij (4 × 4), basis ↑↑, ↑↓, ↓↑, ↓↓, first factor site i (SPEC §2)."""
        t = self.correlations(i, j)
        return np.einsum("ab,abij->ij", t, _PAIR_BASIS.reshape(4, 4, 4, 4)) / 4

    def __call__(self, i: int, j: int) -> np.ndarray:
        return self.pair(i, j)


# ---------------------------------------------------------------------------------------------------------
# starting states
# ---------------------------------------------------------------------------------------------------------
def product_state(z: Sequence[float] | np.ndarray) -> list[np.ndarray]:
    """MPS (χ = 1) of ρ = Π_j (1 + z_j σᶻ_j)/2."""
    return [np.array([1.0, 0.0, 0.0, float(zj)]).reshape(1, 4, 1) for zj in z]


def correlated_state(z: Sequence[float] | np.ndarray, current: Sequence[float] | np.ndarray) -> list[np.ndarray]:
    """MPS (χ = 4) of C = Π_j(1 + z_jσᶻ_j) plus the nearest-neighbour currents t_j (SPEC §1).

    C[…σˣ_jσʸ_{j+1}…] = −t_j Π_{k≠j,j+1}(z_k), C[…σʸ_jσˣ_{j+1}…] = +t_j Π(z_k): the XX closed form's state
    to first order in the connected correlations. Channels: 0 = before the bond, 1 = after σˣ, 2 = after σʸ,
    3 = after the bond.
    """
    n = len(z)
    out = []
    for k in range(n):
        a = np.zeros((4, 4, 4))
        site = np.array([1.0, 0.0, 0.0, float(z[k])])
        a[0, :, 0] = site
        a[3, :, 3] = site
        if k < n - 1:
            a[0, 1, 1] = 1.0
            a[0, 2, 2] = 1.0
        if k > 0:
            a[1, 2, 3] = -float(current[k - 1])
            a[2, 1, 3] = float(current[k - 1])
        if k == 0:
            a = a[:1]
        if k == n - 1:
            a[0, :, 3] = site
            a = a[:, :, 3:]
        out.append(a)
    return out


def stretch(z_short: Sequence[float] | np.ndarray, current_short: float, n: int,
            scale: float = 1.0) -> list[np.ndarray]:
    """A start for n sites from a shorter chain's solution: its profile stretched, its current rescaled.

    The magnetization ⟨σᶻ_j⟩ of the short chain is interpolated linearly on the relative position
    (j − 1)/(n − 1) and the current multiplied by ``scale`` (for diffusive transport the ratio of the currents
    of the two lengths, e.g. of the XX closed form, SPEC §4); the result is :func:`correlated_state`.
    """
    m = len(z_short)
    if m < 2 or m >= n:
        raise ParameterError(f"stretch needs a shorter chain of at least 2 sites, got {m} for n = {n}")
    z = np.interp(np.linspace(0.0, 1.0, n), np.linspace(0.0, 1.0, m), np.asarray(z_short, dtype=float))
    return correlated_state(z, np.full(n - 1, float(current_short) * scale))


# ---------------------------------------------------------------------------------------------------------
# time evolution
# ---------------------------------------------------------------------------------------------------------
def _weigh(tensors: Sequence[np.ndarray], factor: float) -> list[np.ndarray]:
    """Multiply the non-identity components of every site tensor by ``factor``."""
    out = []
    for t in tensors:
        t = np.array(t, dtype=float)
        t[:, 1:, :] *= factor
        out.append(t)
    return out


# ---------------------------------------------------------------------------------------------------------
# the solver
# ---------------------------------------------------------------------------------------------------------
TROTTER_CHECKS = ("auto", "relax", "step", "none")
#: ``trotter_check="auto"`` relaxes again at dt/2 up to this n.
RELAX_CHECK_MAX_SITES = 16
#: A start whose relative residual ‖MC‖/‖C‖ is at most this (rounding) is returned without evolution.
STATIONARY_START = 1e-12
STARTS = ("auto", "closed-form", "matrix-product", "product", "infinite-temperature", "stretch")

#: Chains at least this long start (``start="auto"``) from the stretched solution of a chain half as long when
#: the model is not the XX chain (whose closed form gives the profile and current directly).
STRETCH_MIN_SITES = 24

#: ``workers="auto"`` uses two processes from this length on (where a layer's sweep outweighs the meeting at the
#: cut), when two CPUs are free to this process and it may start one
TWO_CORES_AUTO_SITES = 32


def _observables(mps: _MPS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    one, two = _local_observables(mps.tensors, mps.weight)
    return one, two, np.concatenate([one[:, 3], two.reshape(-1)])


def _closed_form_start(model: Model, correlated: bool) -> list[np.ndarray]:
    """The XX closed form's profile (and current) at the model's mean dephasing (SPEC §4) as a start."""
    from . import closed_form

    gamma = float(np.mean(model.dephasing))
    args = (model.n, model.coupling_left, model.coupling_right, model.mu, model.mu_bar, gamma)
    z = np.asarray(closed_form.magnetization(*args), dtype=float).reshape(model.n)
    if not correlated:
        return product_state(z)
    t = float(np.asarray(closed_form.current(*args)))
    hop = model.hopping
    return correlated_state(z, t * float(np.mean(hop)) / hop)


#: Largest bond of the realified γ = 0 matrix-product NESS that is converted (and compressed) to a start.
MATRIX_PRODUCT_START_MAX_BOND = 400


def compress(tensors: Sequence[np.ndarray], chi: int | None = None, cutoff: float = 1e-15) -> list[np.ndarray]:
    """The MPS ``tensors`` recompressed by one right-to-left QR sweep and one left-to-right SVD sweep.

    Every SVD keeps at most ``chi`` values and drops a relative tail weight ≤ ``cutoff``; with ``chi=None`` and
    a tiny cutoff the compression is lossless up to rounding (it only removes redundant bond directions).
    """
    ts = [np.array(t, dtype=float) for t in tensors]
    n = len(ts)
    for k in range(n - 1, 0, -1):
        a = ts[k]
        q, r = np.linalg.qr(a.reshape(a.shape[0], -1).T)
        ts[k] = q.T.reshape(-1, 4, a.shape[2])
        ts[k - 1] = np.tensordot(ts[k - 1], r.T, axes=(2, 0))
    for k in range(n - 1):
        a = ts[k]
        u, sv, vt = _parity_blocks.robust_svd(a.reshape(-1, a.shape[2]))
        keep = _parity_blocks.kept_count(sv, chi, cutoff)
        ts[k] = u[:, :keep].reshape(a.shape[0], 4, keep)
        ts[k + 1] = np.tensordot(sv[:keep, None] * vt[:keep], ts[k + 1], axes=(1, 0))
    return ts


def _bare_matrix_product(model: Model) -> tuple[Any, Model] | None:
    """(the matrix_product module, the model without dephasing) if SPEC §8.1 applies to it, else None."""
    try:
        from . import matrix_product
    except ImportError:  # pragma: no cover - method not installed
        return None
    bare = model.replace(dephasing=0.0)
    if matrix_product.why_not(bare) is not None:
        return None
    return matrix_product, bare


def matrix_product_state(model: Model) -> list[np.ndarray] | None:
    """The exact γ = 0 matrix-product NESS (SPEC §8.1) as an MPS of its Pauli coefficients, or None.

    ρ = S†S of :func:`nesskit.solvers.matrix_product.mpo` (bond ≤ D², e.g. 9 at Δ = 1/2 for every n) is
    contracted site by site with the Pauli matrices, C_k[l, α, r] = Σ_{σσ'} ρ_k[l, σ, σ', r] σ^α[σ', σ]; its
    complex tensors are made real by the 2 × 2 block form of complex numbers (bond doubled; the product's real
    part is C, which is real) and compressed losslessly. None when SPEC §8.1 does not apply to the model
    without dephasing or the realified bond exceeds :data:`MATRIX_PRODUCT_START_MAX_BOND` (generic Δ at large n).
    """
    found = _bare_matrix_product(model)
    if found is None:
        return None
    matrix_product, bare = found
    op = matrix_product.mpo(bare)
    if 2 * max(op.bond_dimensions, default=1) > MATRIX_PRODUCT_START_MAX_BOND:
        return None
    n = op.n
    out = []
    for k, t in enumerate(op.tensors):
        c = np.einsum("lstr,ats->lar", t, _PAULIS)
        dl, dr = c.shape[0], c.shape[2]
        big = np.zeros((2 * dl, 4, 2 * dr))
        big[:dl, :, :dr] = c.real
        big[:dl, :, dr:] = -c.imag
        big[dl:, :, :dr] = c.imag
        big[dl:, :, dr:] = c.real
        if k == 0:
            big = big[:1]  # the real part of the row vector (1, 0)
        if k == n - 1:
            big = big[:, :, :1]  # … times the column (1, 0)ᵀ: the real part of the product
        out.append(big)
    return compress(out)


def _matrix_product_start(model: Model) -> list[np.ndarray] | None:
    """Profile and current of the exact γ = 0 matrix-product NESS (SPEC §8.1), if it applies without dephasing."""
    found = _bare_matrix_product(model)
    if found is None:
        return None
    matrix_product, bare = found
    ref = matrix_product.MatrixProduct(residual_max_n=0).solve(bare)
    return correlated_state(ref.magnetization, ref.current)


def _mp_start(model: Model) -> tuple[list[np.ndarray] | None, str]:
    """The γ = 0 matrix-product NESS as a start: the whole state where its bond is small, else its profile."""
    exact = matrix_product_state(model)
    if exact is not None:
        bond = max(t.shape[2] for t in exact[:-1]) if len(exact) > 1 else 1
        return exact, f"start: the exact γ = 0 matrix-product NESS (SPEC §8.1), bond {bond}"
    return _matrix_product_start(model), "start: profile and current of the γ = 0 matrix-product NESS (SPEC §8.1)"


def _xx_current(model: Model, n: int) -> float:
    from . import closed_form

    gamma = float(np.mean(model.dephasing))
    return float(np.asarray(closed_form.current(n, model.coupling_left, model.coupling_right, model.mu,
                                                model.mu_bar, gamma)))


@dataclass
class _Phase:
    """Bookkeeping of one relaxation at fixed dt."""

    dt: float
    time: float = 0.0
    steps: int = 0
    converged: bool = False
    remaining: float = math.inf
    rate: float = math.inf
    tau: float = 0.0
    stalled: bool = False
    deltas: list[float] = field(default_factory=list)
    extrapolations: int = 0
    rejected_extrapolations: int = 0


def _remaining(deltas: Sequence[float], floor: float) -> tuple[float, float]:
    """Estimated distance to the fixed point and relaxation ratio per chunk, from the changes per chunk.

    Geometric tail δ r/(1 − r) with r the largest of the last two ratios; a change at or below ``floor`` counts
    as converged. A *stall* (no decrease by 30 % over the last six chunks: the truncation/round-off floor of
    the evolution) returns the largest of the last three changes as the remaining distance.
    """
    if deltas and deltas[-1] <= floor:
        return deltas[-1], 0.0
    if len(deltas) < 3:
        return math.inf, 1.0
    r = max(deltas[-1] / max(deltas[-2], 1e-300), deltas[-2] / max(deltas[-3], 1e-300))
    if len(deltas) >= 9 and min(deltas[-6:]) > 0.7 * min(deltas[:-6]):
        return 3 * max(deltas[-3:]), 1.0
    if r >= 0.95:
        return math.inf, r
    return deltas[-1] * r / (1 - r), r


#: ``_still_converging``: chunks over which the mean ratio of the changes is taken
CONVERGING_WINDOW = 10


def _still_converging(deltas: Sequence[float]) -> bool:
    """Whether the changes per chunk still fall geometrically: a mean ratio < 0.95 per chunk over the last
    :data:`CONVERGING_WINDOW` chunks.

    The test that lets a relaxation run on past ``max_time`` (up to ``extend_to``). The ratio of the last two
    changes alone is noisy: at n = 6, Δ = −2, γ = 0.05, c = d = 1 the changes fell by 0.9 per chunk for 77 chunks
    and one pair of equal changes (2.2e-8, 2.2e-8) ended the run at ``max_time`` with a ``SolverError``.
    """
    k = CONVERGING_WINDOW
    if len(deltas) <= k or not deltas[-k - 1] > 0:
        return False
    return (deltas[-1] / deltas[-k - 1]) ** (1.0 / k) < 0.95


def _decay_time(deltas: Sequence[float], chunk_time: float) -> float | None:
    """Relaxation time from the geometric stretch of the changes per chunk that ends where the noise floor begins.

    The floor is the level of the last three changes; the stretch runs from the last change at least 100 × that
    level to the first change within 3 × of it. ``None`` when there is no such stretch of at least two chunks.
    """
    if len(deltas) < 3:
        return None
    end = min(deltas[-3:])
    if not end > 0:
        return None
    j = next(k for k, d in enumerate(deltas) if d <= 3 * end)
    i = max((k for k in range(j) if deltas[k] >= 100 * end), default=0)
    if j - i < 2 or not deltas[i] > deltas[j]:
        return None
    return chunk_time * (j - i) / math.log(deltas[i] / deltas[j])


def default_chunk_time(n: int) -> float:
    """Evolution time between convergence tests: max(1, n/20, n²/1000) (n/20 up to n = 50, n²/1000 beyond).

    The slowest relaxation of a diffusive chain takes τ ≈ n²/(π²D) (D = 2/γ for the dephased XX chain, SPEC §4:
    τ ≈ 50 at n = 100, γ = 0.1). At large n the chunk grows like τ, so that the slow mode's change per chunk stays
    above the truncation jitter and the stall test (no 30 % decrease over six chunks) does not take it for the noise
    floor: n = 100 with chunks of 5 (n/20) stopped 1.2e-6 off SPEC §4, with chunks of 10 within 4.5e-7. Shorter
    chunks do not pay below n = 50: XX n = 40, γ = 0.1, tol 1e-7 took t = 102 with chunks of 1.6 (n²/1000), t = 68
    with chunks of 2 (the last ratios of the changes sit nearer 1, where the jitter hides the geometric tail).
    """
    return max(1.0, n / 20, n * n / 1000)


#: ``diagnostics.error`` is at least this × ``checks["local_residual"]`` (see ``_local_residual``)
LOCAL_RESIDUAL_FACTOR = 2.0
#: ``bond_ramp``: stages below this bond dimension are skipped
RAMP_MIN_BOND = 12
#: ``bond_ramp``: each stage relaxes to this × tol (at least 1e-7)
RAMP_TOL_FACTOR = 100.0



def mps_sum(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The MPS of the sum of two MPS of the same length (block-diagonal tensors, bond χ_a + χ_b).

    Linear algebra of the Pauli-coefficient states of SPEC §8.2: the reduced-rank extrapolation and the defect
    correction (``refine``) add states with it before recompressing.
    """
    n = len(a)
    if n == 1:
        return [np.asarray(a[0]) + np.asarray(b[0])]
    out = []
    for k in range(n):
        x, y = a[k], b[k]
        if k == 0:
            out.append(np.concatenate([x, y], axis=2))
        elif k == n - 1:
            out.append(np.concatenate([x, y], axis=0))
        else:
            t = np.zeros((x.shape[0] + y.shape[0], 4, x.shape[2] + y.shape[2]))
            t[: x.shape[0], :, : x.shape[2]] = x
            t[x.shape[0]:, :, x.shape[2]:] = y
            out.append(t)
    return out


def _combine(mps: _MPS, previous: Sequence[np.ndarray], w_now: float, w_previous: float, chi: int,
             cutoff: float) -> None:
    """Replace the state by w_now C + w_previous C_previous, both at unit trace (w_now + w_previous = 1, so the
    result has unit trace too), recompressed to (χ, cutoff). The sum has bond 2χ (:func:`mps_sum`)."""
    _combine_states(mps, [mps.tensors, previous], [w_now, w_previous], chi, cutoff)


def _combine_states(mps: _MPS, states: Sequence[Sequence[np.ndarray]], weights: Sequence[float] | np.ndarray, chi: int,
                    cutoff: float) -> None:
    """Replace the state by Σ_i w_i C_i, every C_i at unit trace (Σ w_i = 1 keeps the trace), recompressed to
    (χ, cutoff). The sum has bond Σ_i χ_i (:func:`mps_sum`)."""
    total: list[np.ndarray] | None = None
    for state, w in zip(states, weights):
        a = [np.array(t) for t in state]
        a[0] = a[0] * (w / trace_coefficient(a))
        total = a if total is None else mps_sum(total, a)
    assert total is not None
    new = _MPS(compress(total, chi, cutoff))
    mps.tensors, mps.center, mps.parity, mps.log_norm = new.tensors, new.center, new.parity, new.log_norm


#: Largest ratio per chunk used by the geometric extrapolation (it multiplies the state's noise by (1 + r)/(1 − r)).
EXTRAPOLATION_MAX_RATIO = 0.9
#: ``extrapolate``: changes per chunk that reduced-rank extrapolation combines (it removes one mode fewer exactly)
RRE_CHANGES = 3
#: ``extrapolate``: a jump (reduced-rank or geometric) is tried only while the change per chunk exceeds this × tol
#: (the geometric one needed 10 × tol up to 0.9: XX, n = 40, γ = 0.1, tol 1e-7 then decayed cleanly at r ≈ 0.8 per
#: chunk for 17 chunks below 1e-6 without a jump, t = 94; with 1 × tol it jumps there, t = 88)
JUMP_TRIGGER = 1.0
#: ``extrapolate``: a jump is made only if the combination's predicted change is below this × the last change
RRE_ACCEPT = 0.5
#: ``extrapolate``: no further jump, in the phase, once the change per chunk has not fallen below this × the change
#: at the previous jump (the relaxation is at its noise floor)
RRE_USEFUL = 0.7
#: ``extrapolate``: largest Σ|γ_i| of a jump (it multiplies the states' truncation noise)
RRE_MAX_GAIN = 20.0


def rre_weights(observables: Sequence[np.ndarray] | np.ndarray) -> tuple[np.ndarray, float] | None:
    """Weights γ (Σγ = 1) of reduced-rank extrapolation from the observables x_0 … x_m at successive chunks.

    The relaxation is dC/dt = 𝓛C of the Pauli coefficients (SPEC §8.2), sampled at the ends of the chunks of
    :func:`solve`; x_k are the local observables (⟨σᶻ_j⟩ and the nearest-neighbour tables) of C_k.

    For a linear relaxation x_{k+1} − x_∞ = S(x_k − x_∞) whose deviation lies in m − 1 modes, the m changes
    u_k = x_{k+1} − x_k obey Σ_k γ_k u_k = 0 for the coefficients of the modes' minimal polynomial (degree m − 1)
    normalised to Σγ = 1, and then Σ_k γ_k x_{k+1} = x_∞; the combination of the *states* with the same γ is the
    jump. γ minimises ‖Σγ_k u_k‖ subject to Σγ = 1: γ = G⁻¹1/(1ᵀG⁻¹1), G = UᵀU. Returns (γ, ‖Uγ‖/‖u_{m−1}‖),
    or ``None`` when the changes are degenerate, the combination would amplify noise (Σ|γ| >
    :data:`RRE_MAX_GAIN`) or does not explain the changes (predicted change ≥ :data:`RRE_ACCEPT` × the last one).
    """
    x = np.asarray(observables, dtype=float)
    u = np.diff(x, axis=0).T  # (p, m)
    last = float(np.linalg.norm(u[:, -1]))
    if not last > 0:
        return None
    u = u / last
    g = u.T @ u
    try:
        y = np.linalg.solve(g + 1e-14 * np.trace(g) * np.eye(len(g)), np.ones(len(g)))
    except np.linalg.LinAlgError:
        return None
    if not abs(y.sum()) > 0 or not np.all(np.isfinite(y)):
        return None
    gamma = y / y.sum()
    predicted = float(np.linalg.norm(u @ gamma))
    if float(np.sum(np.abs(gamma))) > RRE_MAX_GAIN or not predicted < RRE_ACCEPT:
        return None
    return gamma, predicted


def _geometric_ratio(deltas: Sequence[float], tol: float) -> float | None:
    """The ratio r of a one-mode geometric jump from the changes per chunk, or ``None`` when there is none to make.

    A jump needs three changes falling by a steady ratio — the last two ratios within 10 % of each other, with
    0.3 < r < 1 — and a last change above :data:`JUMP_TRIGGER` × tol (below it the relaxation is about to pass
    the convergence test anyway). r is the last ratio, capped at :data:`EXTRAPOLATION_MAX_RATIO`.
    """
    if len(deltas) < 3 or not deltas[-1] > JUMP_TRIGGER * tol:
        return None
    r1, r2 = deltas[-1] / max(deltas[-2], 1e-300), deltas[-2] / max(deltas[-3], 1e-300)
    if not (0.3 < r1 < 1 and abs(r1 - r2) < 0.1 * r1):
        return None
    return min(r1, EXTRAPOLATION_MAX_RATIO)


def _extrapolate(mps: _MPS, previous: Sequence[np.ndarray], ratio: float, chi: int, cutoff: float) -> None:
    """Replace the state by its geometric limit (C_k − r C_{k−1})/(1 − r), both at unit trace, recompressed.

    When one relaxation mode dominates (changes per chunk falling by a steady ratio r), C_k = C_∞ + r^k v and the
    combination removes v: the slowest mode of a diffusive chain (relaxation time ∝ n²) is skipped instead of
    waited for. The sum has bond 2χ and is cut back to χ by :func:`compress`.
    """
    _combine(mps, previous, 1 / (1 - ratio), -ratio / (1 - ratio), chi, cutoff)


def _richardson(mps: _MPS, coarse: Sequence[np.ndarray], order: int, chi: int, cutoff: float) -> None:
    """Richardson extrapolation of the fixed point in dt: (2^p C(dt/2) − C(dt))/(2^p − 1), p the Trotter order.

    The fixed point of a symmetric splitting of order p is C(dt) = C_∞ + a dt^p + b dt^{p+2} + … (the splitting
    is time-symmetric, so only even powers occur); the combination of the fixed points at dt and dt/2 (``mps``,
    relaxed at dt/2, and ``coarse``, relaxed at dt) removes the dt^p term and leaves −3 · 2^p/(2^p − 1) · b (dt/2)^{p+2}
    (−3.2 b (dt/2)⁶ at order 4). Truncation noise in either state enters × (2^p + 1)/(2^p − 1) ≈ 1.13.
    """
    p = trotter_power(order)
    _combine(mps, coarse, 2**p / (2**p - 1), -1 / (2**p - 1), chi, cutoff)


def _relax(mps: _MPS, prop: _Propagator, phase: _Phase, max_time: float, chunk_time: float, tol: float,
           deadline: float, extrapolate: bool = False, extend_to: float = 0.0,
           accept_floor: bool = False) -> np.ndarray:
    """Evolve in chunks until the estimated remaining change of the local observables is below ``tol``.

    ``extrapolate``: once :data:`RRE_CHANGES` changes have been seen since the start (or the last jump), while the
    change exceeds :data:`JUMP_TRIGGER` × tol, the state jumps to the reduced-rank extrapolation of the last
    :data:`RRE_CHANGES` + 1 states (:func:`rre_weights` on their local observables, the same weights on the MPS,
    recompressed) and the convergence test starts afresh from there. A jump after which the next change is not
    smaller is undone, and extrapolation stops for the phase; it stops too when, at the next candidate jump, the
    change has not fallen below :data:`RRE_USEFUL` × the change at the previous one (the noise floor). When no
    reduced-rank jump is made and the last three changes fall by a steady ratio r (two ratios within 10 %,
    0.3 < r, change > :data:`JUMP_TRIGGER` × tol), the state jumps to its one-mode geometric limit instead
    (:func:`_extrapolate`, r capped at :data:`EXTRAPOLATION_MAX_RATIO`).

    ``accept_floor``: a stall (the noise floor) ends the phase as converged at any level (``refine`` takes over).

    ``extend_to``: past ``max_time`` the relaxation goes on up to this time while the changes still fall
    geometrically (ratio per chunk < 0.95), i.e. while it is converging, only slowly.
    """
    steps = max(1, round(chunk_time / prop.dt))
    _, _, prev = _observables(mps)
    deltas: list[float] = []
    # (state, observables) at the chunk ends since the start or the last jump
    history: list[tuple[list[np.ndarray], np.ndarray]] = []
    if extrapolate:
        history.append(([np.array(t) for t in mps.tensors], prev))
    jumped: tuple[list[np.ndarray], np.ndarray, float] | None = None  # (state before the jump, its obs, its change)
    last_jump: float | None = None  # the change per chunk at which the last jump was made
    while True:
        prop.run(mps, steps)
        phase.steps += steps
        phase.time += steps * prop.dt
        _, _, obs = _observables(mps)
        delta = float(np.max(np.abs(obs - prev)))
        prev = obs
        if jumped is not None:
            before, before_obs, before_delta = jumped
            jumped = None
            if not delta < before_delta:
                # the jump made the relaxation worse (truncation noise amplified by (1 + r)/(1 − r) at a saturated
                # bond): go back to the evolved state and stop extrapolating in this phase
                restored = _MPS(before)
                mps.tensors, mps.center, mps.parity = restored.tensors, restored.center, restored.parity
                mps.log_norm = restored.log_norm
                extrapolate = False
                phase.rejected_extrapolations += 1
                prev = before_obs
                continue
        phase.deltas.append(delta)
        deltas.append(delta)
        phase.rate = delta / (steps * prop.dt)
        phase.remaining, ratio = _remaining(deltas, floor=1e-3 * tol)
        if 0 < ratio < 1:
            phase.tau = steps * prop.dt / -math.log(ratio)
        if phase.remaining < tol or ratio == 1.0 and (phase.remaining < 1e3 * tol
                                                      or accept_floor and math.isfinite(phase.remaining)):
            phase.converged = True
            phase.stalled = ratio == 1.0
            if phase.stalled:
                # the last ratios are the noise floor's (→ 1), not the slowest mode's: measure the relaxation time
                # on the geometric stretch before the floor instead
                stretch = _decay_time(deltas, steps * prop.dt)
                if stretch is not None:
                    phase.tau = stretch
            return obs
        if time.perf_counter() > deadline:
            return obs
        if phase.time >= max_time and not (phase.time < extend_to and (0 < ratio < 0.95
                                                                       or _still_converging(deltas))):
            return obs  # past max_time, and either no longer converging geometrically or past extend_to
        if extrapolate:
            history = [*history, ([np.array(t) for t in mps.tensors], obs)][-(RRE_CHANGES + 1):]
            found = rre_weights([h[1] for h in history]) if (len(history) == RRE_CHANGES + 1
                                                              and delta > JUMP_TRIGGER * tol) else None
            if found is not None and last_jump is not None and not delta < RRE_USEFUL * last_jump:
                # the changes have hardly fallen since the last jump: the relaxation is at its noise floor (at a
                # truncating bond it can be an undamped jitter), where jumps would only keep resetting the
                # convergence test and hide the stall
                extrapolate = False
                found = None
            if found is not None:
                last_jump = delta
                jumped = ([np.array(t) for t in mps.tensors], obs, delta)
                _combine_states(mps, [h[0] for h in history[1:]], found[0], prop.chi, prop.cutoff)
            elif extrapolate and len(history) >= 2 and (geo := _geometric_ratio(deltas, tol)) is not None:
                # no reduced-rank jump: the one-mode geometric jump
                jumped = ([np.array(t) for t in mps.tensors], obs, delta)
                _extrapolate(mps, history[-2][0], geo, prop.chi, prop.cutoff)
            if jumped is not None:
                phase.extrapolations += 1
                _, _, prev = _observables(mps)
                deltas = []
                history = [([np.array(t) for t in mps.tensors], prev)]


def _trotter_step_estimate(mps: _MPS, prop: _Propagator, tau: float, order: int) -> float:
    """Trotter error of the fixed point from one step: |O(S(dt/2)²ρ) − O(S(dt)ρ)| × τ/dt (linear response).

    ρ is a fixed point of S(dt); the fixed point of S(dt/2)² differs by (1 − S′)⁻¹(S′ρ − ρ), whose norm is at
    most τ/dt times the one-step change for the slowest mode (relaxation time τ). Divided by 2^p − 1: the
    error left at dt/2 … reported for dt itself (multiplied back by 2^p/(2^p − 1) ≈ 1).
    """
    import copy

    half = _Propagator(prop.generators, prop.dt / 2, prop.order, prop.chi, prop.cutoff)  # already weighted
    a = copy.deepcopy(mps)
    prop.run(a, 1)
    b = copy.deepcopy(mps)
    half.run(b, 2)
    _, _, oa = _observables(a)
    _, _, ob = _observables(b)
    p = trotter_power(order)
    return float(np.max(np.abs(oa - ob))) * max(tau / prop.dt, 1.0) * 2**p / (2**p - 1)


def _compressed_change(tensors: Sequence[np.ndarray], chi: int, cutoff: float, weight: float) -> float:
    """Largest change of the local observables when the state is recompressed (χ, cutoff) in one sweep."""
    mps = _MPS(tensors)
    mps.weight = weight
    _, _, before = _observables(mps)
    for k in range(mps.n - 1):
        mps.apply(k, np.eye(16), True, chi, cutoff)
    _, _, after = _observables(mps)
    return float(np.max(np.abs(after - before)))


def solve(
    model: Model,
    *,
    bond_dimension: int = 64,
    cutoff: float = 1e-14,
    dt: float = 0.1,
    trotter_order: int = 4,
    tol: float = 1e-9,
    max_time: float | None = None,
    max_wall_time: float | None = None,
    chunk_time: float | None = None,
    trotter_check: str = "auto",
    max_error: float = 1e-4,
    start: str = "auto",
    extrapolate: bool = True,
    pauli_weight: float = 1.0,
    bond_ramp: bool = True,
    refine: int = 0,
    refine_bond_dimension: int | None = None,
    workers: int | str = "auto",
    guess: Any = None,
) -> Any:
    """The NESS of ``model`` as an MPS of its Pauli coefficients, by TEBD (SPEC §8.2).

    The options are those of :class:`TensorNetwork`, plus ``pauli_weight`` s ∈ (0, 1] (experimental, default 1):
    the MPS holds s^{(number of non-identity factors)} C, which changes only the norm the truncation minimises
    (s = 0.5 lowered the truncation noise ~4× at n = 8, Δ = 1.5, χ = 32; s = 0.25 raised it). ``guess`` is any
    NESS (a tensor-network result's MPS is reused; otherwise its profile and current, stretched if shorter).
    ``workers``: 2 evolves the two halves of the chain in two processes (module ``_two_halves``); ``"auto"`` does so
    for n ≥ ``TWO_CORES_AUTO_SITES`` (32) when two CPUs are free to this process and it may start a worker.
    """
    n_workers = resolve_workers(workers, model.n)
    if n_workers == 1:
        return _solve(model, bond_dimension=bond_dimension, cutoff=cutoff, dt=dt, trotter_order=trotter_order,
                      tol=tol, max_time=max_time, max_wall_time=max_wall_time, chunk_time=chunk_time,
                      trotter_check=trotter_check, max_error=max_error, start=start, extrapolate=extrapolate,
                      pauli_weight=pauli_weight, bond_ramp=bond_ramp, refine=refine,
                      refine_bond_dimension=refine_bond_dimension, guess=guess, cores=None)
    from ._two_halves import TwoCores

    with TwoCores() as cores:
        return _solve(model, bond_dimension=bond_dimension, cutoff=cutoff, dt=dt, trotter_order=trotter_order,
                      tol=tol, max_time=max_time, max_wall_time=max_wall_time, chunk_time=chunk_time,
                      trotter_check=trotter_check, max_error=max_error, start=start, extrapolate=extrapolate,
                      pauli_weight=pauli_weight, bond_ramp=bond_ramp, refine=refine,
                      refine_bond_dimension=refine_bond_dimension, guess=guess, cores=cores)


def resolve_workers(workers: int | str, n: int) -> int:
    """1 or 2 processes for the TEBD of SPEC §8.2 on n sites: ``workers`` itself, or for ``"auto"`` 2 when n ≥
    ``TWO_CORES_AUTO_SITES``, at least two CPUs are free to this process, it may start a worker and the solve runs
    in the main thread."""
    from ._two_halves import available_cores, can_start_worker

    if workers == "auto":
        # a solve in a thread other than the main one (a thread pool, a threaded Dask scheduler) shares the CPUs
        # with its siblings already
        import threading

        ok = (n >= TWO_CORES_AUTO_SITES and available_cores() >= 2 and can_start_worker() is None
              and threading.current_thread() is threading.main_thread())
        return 2 if ok else 1
    if not isinstance(workers, int) or isinstance(workers, bool) or workers not in (1, 2):
        raise ParameterError(f"workers must be 1, 2 or 'auto', got {workers!r}")
    if workers == 2 and n < TWO_CORES_MIN_SITES:
        raise ParameterError(f"workers=2 needs n ≥ {TWO_CORES_MIN_SITES} (two halves of the chain), got n = {n}")
    return int(workers)


def _solve(
    model: Model,
    *,
    bond_dimension: int,
    cutoff: float,
    dt: float,
    trotter_order: int,
    tol: float,
    max_time: float | None,
    max_wall_time: float | None,
    chunk_time: float | None,
    trotter_check: str,
    max_error: float,
    start: str,
    extrapolate: bool,
    pauli_weight: float,
    bond_ramp: bool,
    refine: int,
    refine_bond_dimension: int | None,
    guess: Any,
    cores: Any,
) -> Any:
    """The body of :func:`solve`; ``cores`` is a running ``_two_halves.TwoCores`` or None."""

    t_start = time.perf_counter()
    n = model.n
    deadline = math.inf if max_wall_time is None else t_start + max_wall_time
    t_max = (50.0 + 0.5 * n * n) if max_time is None else max_time
    # the default max_time is a guess: a relaxation that is still converging geometrically may run to 4 × it
    extend_to = 4 * t_max if max_time is None else t_max
    chunk = default_chunk_time(n) if chunk_time is None else chunk_time
    notes: list[str] = []

    # -- starting state ---------------------------------------------------------------------------------
    tensors: list[np.ndarray] | None = None
    from_mps: float | None = None
    if guess is not None and getattr(guess, "n", None) is not None:
        src = getattr(guess, "states", None)
        if isinstance(src, MPSPairSource) and src.n == n:
            tensors = [np.array(t) for t in src.tensors]
            from_mps = src.weight
            notes.append("start: the guess's MPS")
        elif guess.n == n:
            tensors = correlated_state(guess.magnetization, guess.current)
            notes.append(f"start: the guess's profile and current ({guess.method})")
        elif 2 <= guess.n < n:
            scale = _xx_current(model, n) / _xx_current(model, guess.n) if model.mu else 1.0
            tensors = stretch(guess.magnetization, float(np.mean(guess.current)), n, scale)
            notes.append(f"start: the guess (n = {guess.n}) stretched")
    if tensors is None:
        kind = start
        if kind == "auto":
            kind = "closed-form"
            if model.delta != 0 and abs(abs(model.mu) - 2) < 1e-12 and model.mu_bar == 0:
                tensors, note = _mp_start(model)
                if tensors is not None:
                    kind = "done"
                    notes.append(note)
            uniform = all(len(set(p)) <= 1 for p in (model.dephasing_profile, model.field_profile,
                                                      model.hopping_profile))
            if kind != "done" and n >= STRETCH_MIN_SITES and uniform and not model.is_uniform_xx:
                kind = "stretch"
        if kind == "matrix-product":
            tensors, note = _mp_start(model)
            if tensors is None:
                raise ParameterError("start='matrix-product' needs c = d = ±1, uniform hopping and fields "
                                     "(SPEC §8.1 without dephasing)")
            notes.append(note)
        elif kind == "done":
            pass
        elif kind == "stretch":
            short = _solve(model.replace(n=max(n // 2, 4)), bond_dimension=bond_dimension, cutoff=cutoff, dt=dt,
                          trotter_order=trotter_order, tol=max(tol, 1e-6), max_time=max_time,
                          max_wall_time=max_wall_time, chunk_time=chunk_time, trotter_check="none",
                          max_error=1.0, start="auto", extrapolate=extrapolate, pauli_weight=pauli_weight,
                          bond_ramp=bond_ramp, refine=0, refine_bond_dimension=None, guess=None, cores=cores)
            scale = _xx_current(model, n) / _xx_current(model, short.n) if model.mu else 1.0
            tensors = stretch(short.magnetization, float(np.mean(short.current)), n, scale)
            notes.append(f"start: the solution of n = {short.n} stretched "
                         f"({short.diagnostics.wall_time:.1f} s)")
        elif kind == "closed-form":
            tensors = _closed_form_start(model, correlated=True)
            notes.append("start: XX closed-form profile and current")
        elif kind == "product":
            tensors = _closed_form_start(model, correlated=False)
            notes.append("start: product state with the XX closed-form profile")
        else:
            tensors = product_state(np.zeros(n))
            notes.append("start: infinite temperature")

    # -- relaxation ---------------------------------------------------------------------------------------
    assert tensors is not None
    if from_mps is not None:
        tensors = _weigh(tensors, pauli_weight / from_mps)
    else:
        tensors = _weigh(tensors, pauli_weight)
    mps = _MPS(tensors)
    mps.weight = pauli_weight
    gens = bond_generators(model)
    mpo = lindblad_mpo(gens)
    if max(mps.bond_dimensions, default=1) <= bond_dimension:
        plain = mps.tensors if pauli_weight == 1.0 else _weigh(mps.tensors, 1.0 / pauli_weight)
        mc, cc, c0 = residual_norm(plain, mpo)
        if mc <= STATIONARY_START * cc:
            notes.append(f"the start is stationary (‖MC‖/‖C‖ = {mc / cc:.1e} ≤ {STATIONARY_START:g}): no evolution")
            # error scale: the residual in the norm that weighs a k-site string by 2^-k, per unit trace, × 4 (two
            # sites) × 10 (the exact solver's factor for the inverse gap)
            local = _local_residual(plain, gens)
            return _result(model, mps, pauli_weight, t_start, notes, mc, cc, c0, {
                "bond_dimension": max(mps.bond_dimensions, default=1), "bond_dimension_limit": bond_dimension,
                "discarded_weight": 0.0, "dt": None, "evolution_time": 0.0, "local_residual": local,
                "observable_rate": None, "relaxation_remaining": None, "relaxation_time": None,
                "trotter_error": None, "truncation_error": 0.0}, error=40 * local, iterations=0)
    ramp_phases: list[_Phase] = []
    ramp_bonds: list[int] = []
    if bond_ramp:
        # the transient from a start with the wrong correlations needs a larger bond than the NESS itself: relax at
        # χ/4 and χ/2 first (loose tol, cheap), then at χ from there
        for chi_k in (bond_dimension // 4, bond_dimension // 2):
            if chi_k < RAMP_MIN_BOND or chi_k >= 4 ** (n // 2) or max(mps.bond_dimensions, default=1) > chi_k:
                continue
            ramp_phases.append(_Phase(dt))
            ramp_bonds.append(chi_k)
            _relax(mps, _Propagator(gens, dt, trotter_order, chi_k, cutoff, pauli_weight, cores), ramp_phases[-1],
                   t_max, chunk, max(RAMP_TOL_FACTOR * tol, 1e-7), deadline, extrapolate)
            if max(mps.bond_dimensions, default=1) < chi_k:
                break  # the cutoff, not χ, set the bond: no need for the next stage
        if ramp_phases:
            notes.append("bond ramp: relaxed at χ = " + ", ".join(str(chi) for chi in ramp_bonds)
                         + f" first (t = {sum(ph.time for ph in ramp_phases):g})")
    prop = _Propagator(gens, dt, trotter_order, bond_dimension, cutoff, pauli_weight, cores)
    phases = [_Phase(dt)]
    obs = _relax(mps, prop, phases[0], t_max, chunk, tol, deadline, extrapolate, extend_to, accept_floor=refine > 0)
    trotter_error: float | None = None
    check = trotter_check
    if check == "auto":
        check = "relax" if n <= RELAX_CHECK_MAX_SITES else "step"
    if refine:
        check = "none"  # the defect correction uses the Lindbladian itself: no Trotter bias is left to measure
    if phases[0].converged and check == "relax":
        coarse = [np.array(t) for t in mps.tensors]
        prop = _Propagator(gens, dt / 2, trotter_order, bond_dimension, cutoff, pauli_weight, cores)
        phases.append(_Phase(dt / 2))
        obs_half = _relax(mps, prop, phases[1], t_max, chunk, tol, deadline, extrapolate, extend_to)
        p = trotter_power(trotter_order)
        # the error of the fixed point at dt/2, measured; the Richardson combination below is left with less (its
        # dt^{p+2} term), which is not measured: the estimate stays that of dt/2 (conservative)
        trotter_error = float(np.max(np.abs(obs_half - obs))) / (2**p - 1)
        if phases[1].converged:
            _richardson(mps, coarse, trotter_order, bond_dimension, cutoff)
            notes.append(f"Richardson extrapolation in dt of the fixed points at dt = {dt:g} and {dt / 2:g}")
    elif phases[0].converged and check == "step":
        trotter_error = _trotter_step_estimate(mps, prop, max(ph.tau for ph in ramp_phases + phases), trotter_order)
    last = phases[-1]
    refined: dict[str, Any] | None = None
    if refine and phases[0].converged:
        chi_r = refine_bond_dimension if refine_bond_dimension is not None else 4 * bond_dimension
        chi_r = min(chi_r, 4 ** (n // 2))
        tau_now = max(ph.tau for ph in ramp_phases + phases)
        refined = _refine(mps, gens, pauli_weight, bond_dimension, cutoff, chi_r, dt, trotter_order, refine,
                          min(t_max, max(REFINE_TIME_FACTOR * tau_now, 20.0)), deadline)
        notes.append(refined["note"])
    one, two = _local_observables(mps.tensors, pauli_weight)
    chi_used = max(mps.bond_dimensions) if n > 1 else 1
    # one recompression with a 100× larger cutoff changes the observables by ~10× one truncation; the fixed
    # point moves by one truncation's change × (truncating layers per step ÷ 2) × τ/dt (linear response)
    layers = len(_stages(trotter_order)) - 1
    # the relaxation time of the slowest mode, a property of the dynamics: the ramp stages measure it too (often on a
    # longer geometric stretch than the last stage, which starts near the fixed point)
    tau = max(ph.tau for ph in ramp_phases + phases)
    truncation = (_compressed_change(mps.tensors, bond_dimension, cutoff * 100, pauli_weight) / 10
                  * max(layers / 2, 1) * max(tau / last.dt, 1.0))
    remaining = last.remaining if last.converged else (last.deltas[-1] if last.deltas else math.inf)
    error = remaining + truncation + (trotter_error if trotter_error is not None else 0.0)
    plain = mps.tensors if pauli_weight == 1.0 else _weigh(mps.tensors, 1.0 / pauli_weight)
    local = _local_residual(plain, gens)
    # the residual's floor: over a grid of 72 chains (Δ ∈ [−2, 2], γ ≤ 0.5, three drivings, n = 6) the deviation from
    # the exact NESS was 0.06–1.18 × the local residual, also where relaxation, Trotter and truncation terms missed it
    error = max(error, LOCAL_RESIDUAL_FACTOR * local)
    # what max_error is checked against: the measured parts only (the relaxation remainder, a Trotter error measured
    # by relaxing again at dt/2, the residual's floor). The linear-response terms (truncation, the one-step Trotter
    # estimate) are multiplied by the relaxation time, which a noise floor inflates (n = 100: 4e-3 against an
    # actual ~5e-7): they stay in diagnostics.error, but alone they do not reject a result.
    measured = max(remaining + (trotter_error if check == "relax" and trotter_error is not None else 0.0),
                   LOCAL_RESIDUAL_FACTOR * local)
    if refined is not None:
        # the refined state is judged by the corrections themselves (see ``_refine``); its residual is that of the
        # cut to bond χ, which does not bound its observables' error (n = 8: local residual 8e-5, error 1e-8)
        error = measured = refined["error"]
        truncation = math.nan
        remaining = refined["changes"][-1]
    if not all(ph.converged for ph in phases):
        why = ("the wall-time limit max_wall_time" if time.perf_counter() > deadline
               else f"max_time = {t_max:g}")
        raise SolverError(
            f"tensor network did not relax to the steady state within {why} (evolved t = "
            f"{sum(ph.time for ph in ramp_phases + phases):g}; last change per unit time {last.rate:.2e}, "
            f"tol = {tol:.1e}); "
            + (f"the bond dimension is saturated (χ = {chi_used}) and the truncation noise keeps the state "
               "moving: raise bond_dimension first; else " if chi_used >= bond_dimension else "")
            + "raise max_time (the relaxation time grows like n² for diffusive chains), start from a nearby "
            "solution (guess=...), or loosen tol")
    if measured > max_error:
        hint = (f"raise bond_dimension (now {bond_dimension}, used {chi_used})" if chi_used >= bond_dimension
                else "lower cutoff")
        raise SolverError(
            f"tensor network error estimate {measured:.2e} exceeds max_error = {max_error:.1e} (Trotter "
            f"{trotter_error}, truncation {truncation:.1e}, relaxation {remaining:.1e}, "
            f"{LOCAL_RESIDUAL_FACTOR:g} × local residual {LOCAL_RESIDUAL_FACTOR * local:.1e}); lower dt or {hint}")
    if error > max_error:
        trotter_text = "None" if trotter_error is None else f"{trotter_error:.1e}"
        notes.append(f"diagnostics.error {error:.1e} is set by the linear-response terms (truncation {truncation:.1e}, "
                     f"Trotter {trotter_text}, relaxation time {tau:.3g}); the measured "
                     f"estimate is {measured:.1e}")
    notes.append(f"TEBD order {trotter_order}, dt = {dt:g}" + (f" then {dt / 2:g} (Trotter check)" if
                                                                  len(phases) > 1 else "")
                 + f"; evolved t = {sum(ph.time for ph in ramp_phases + phases):g}"
                 + ("; stopped at the evolution's noise floor" if last.stalled else "")
                 + (f"; {sum(ph.extrapolations for ph in phases)} extrapolation jump(s), "
                    f"{sum(ph.rejected_extrapolations for ph in phases)} undone" if extrapolate else "")
                 + f"; relaxation time ~{tau:.3g}; Pauli-basis MPS, real; Hermitian and "
                 "unit trace by construction")
    if cores is not None and n >= TWO_CORES_MIN_SITES:
        from ._two_halves import cut_bond

        notes.append(f"two processes: the halves of the chain, cut at bond ({cut_bond(n) + 1}, {cut_bond(n) + 2}), "
                     "evolved at once")
    checks: dict[str, float | int | None] = {
        "bond_dimension": chi_used,
        "bond_dimension_limit": bond_dimension,
        "discarded_weight": mps.discarded,
        "dt": last.dt,
        "evolution_time": sum(ph.time for ph in ramp_phases + phases),
        "observable_rate": last.rate,
        "relaxation_remaining": remaining,
        "relaxation_time": tau,
        "trotter_error": trotter_error,
        "truncation_error": None if refined is not None else truncation,
    }
    if refined is not None:
        checks["refinement_rounds"] = len(refined["changes"])
        checks["refinement_change"] = refined["changes"][-1]
        checks["refinement_residual_loss"] = refined["residual_loss"]
        checks["refinement_time"] = refined["time"]
        checks["refinement_discarded_weight"] = refined["discarded"]
    mc, cc, c0 = residual_norm(plain, mpo)
    checks["local_residual"] = local
    return _result(model, mps, pauli_weight, t_start, notes, mc, cc, c0, checks, error=error,
                   iterations=sum(ph.steps for ph in ramp_phases + phases))


#: ``refine``: the evolution of a residual stops when its norm has fallen by this factor
REFINE_DECAY = 1e-6
#: ``refine``: relative discarded weight per truncation in the evolution of the residual and in the running sum
REFINE_CUTOFF = 1e-15


def _observable_vector(tensors: Sequence[np.ndarray], weight: float) -> np.ndarray:
    one, two = _local_observables(tensors, weight)
    return np.concatenate([one[:, 3], two.reshape(-1)])


def _refine_round(tensors: Sequence[np.ndarray], gens: Sequence[np.ndarray], weight: float, chi: int,
                  cutoff: float, chi_r: int, dt: float, order: int, max_time: float,
                  deadline: float) -> tuple[list[np.ndarray], float, float, float, bool, float]:
    """One round of defect correction with the exact Lindbladian: C ← C − e, M e = MC (e traceless).

    The residual r = MC (the MPO, no Trotter splitting) is the defect that the truncation and Trotter biases of
    the evolution's fixed point leave. Its correction e = M⁻¹r = −∫₀^∞ e^{Mt} r dt (r is traceless, so the
    integral converges) is summed along the TEBD evolution of r itself, by the trapezoid rule on the steps h = dt:
    h(r₀/2 + r₁ + r₂ + …) = −g(Mh) e with g(z) = (z/2) coth(z/2) = 1 + z²/12 + …, so each round leaves
    ~(h/τ)²/12 of the slow modes' error, and contracts every mode with |Im λ| h < π. All of this is done at the
    residual's own scale: the truncations of r and of the sum are relative to their norms, not to the state's,
    which is why the correction is not limited by the noise floor that limits the evolution of C.

    Returns (corrected tensors at unit trace, largest change of the local observables, the part of that change
    made by the final cut back to bond ``chi``, evolution time of r, whether r decayed by ``REFINE_DECAY``, the
    weight discarded by the truncations of r's evolution, relative, summed).
    """
    c = [np.array(t) for t in tensors]
    c[0] = c[0] / trace_coefficient(c)
    mpo = lindblad_mpo(_weigh_generators(gens, weight))
    r = _MPS(compress(apply_mpo(c, mpo), chi_r, REFINE_CUTOFF))
    log_r0 = r.log_norm
    prop = _Propagator(gens, dt, order, chi_r, REFINE_CUTOFF, weight)
    acc = r.vector(0.5 * dt)
    t = 0.0
    decayed = False
    while t < max_time and time.perf_counter() < deadline:
        prop.run(r, 1)
        t += dt
        acc = compress(mps_sum(acc, r.vector(dt)), 2 * chi_r, REFINE_CUTOFF)
        if r.log_norm - log_r0 < math.log(REFINE_DECAY):
            decayed = True
            break
    full = mps_sum(c, acc)
    full[0] = full[0] / trace_coefficient(full)
    new = compress(full, chi, cutoff)
    new[0] = new[0] / trace_coefficient(new)
    before, mid, after = (_observable_vector(x, weight) for x in (c, full, new))
    return (new, float(np.max(np.abs(after - before))), float(np.max(np.abs(after - mid))), t, decayed,
            r.discarded)


#: ``refine``: the largest number of rounds accepted
REFINE_MAX_ROUNDS = 10
#: ``refine``: each round evolves its residual for at most this × the measured relaxation time (at least 20)
REFINE_TIME_FACTOR = 40.0
#: ``refine``: the rounds count as converged when the last correction is at most this × the one before
REFINE_CONTRACTION = 0.3


def _refine(mps: _MPS, gens: Sequence[np.ndarray], weight: float, chi: int, cutoff: float, chi_r: int, dt: float,
            order: int, rounds: int, max_time: float, deadline: float) -> dict[str, Any]:
    """``rounds`` of :func:`_refine_round` on ``mps`` (replaced in place), and the error estimate of the result.

    Contracting (at least two rounds, each residual decayed, the last correction ≤ 0.3 × the one before):
    error = 2 × the last change + the last cut's change + 10 × the relative part of the residual lost to its
    compression × the first change (the correction the cut residual cannot see). Otherwise the largest change
    stands in for the last one. The factor 2, not the 0.43 a clean contraction by 0.3 would leave: the truncations
    of r's own evolution bias each correction by a relative amount that does not contract (n = 10, χ_r = 256:
    changes 9.0e-5, 2.8e-6, actual error 2.0e-6 against the exact solver, estimate 7.9e-6). The local-residual
    floor of the unrefined estimate does not apply (the note and ``checks`` say which numbers made the estimate).
    """
    mpo = lindblad_mpo(_weigh_generators(gens, weight))
    changes: list[float] = []
    cuts: list[float] = []
    losses: list[float] = []
    total_time = 0.0
    discarded = 0.0
    all_decayed = True
    tensors = [np.array(t) for t in mps.tensors]
    for _ in range(rounds):
        mc, _, _ = residual_norm(tensors, mpo)
        r_cut = compress(apply_mpo(tensors, mpo), chi_r, REFINE_CUTOFF)
        # the cut is a sequence of orthogonal projections: ‖r‖² = ‖r_cut‖² + ‖r − r_cut‖²
        ratio = math.exp(log_norm(r_cut) - math.log(mc)) if mc > 0 else 1.0
        losses.append(math.sqrt(max(0.0, 1.0 - ratio * ratio)))
        tensors, change, cut, t, decayed, dropped = _refine_round(tensors, gens, weight, chi, cutoff, chi_r, dt,
                                                                  order, max_time, deadline)
        discarded += dropped
        changes.append(change)
        cuts.append(cut)
        total_time += t
        all_decayed = all_decayed and decayed
        if time.perf_counter() > deadline:
            break
    new = _MPS(tensors)
    mps.tensors, mps.center, mps.parity, mps.log_norm = new.tensors, new.center, new.parity, new.log_norm
    converged = (len(changes) >= 2 and all_decayed and changes[-1] <= REFINE_CONTRACTION * changes[-2])
    size = changes[-1] if converged else max(changes)
    error = 2 * size + cuts[-1] + 10 * max(losses) * changes[0]
    note = (f"defect correction with the Lindbladian's MPO: {len(changes)} round(s) at residual bond {chi_r}, "
            f"changes " + ", ".join(f"{c:.1e}" for c in changes)
            + f" (last cut {cuts[-1]:.1e}, residual lost to compression {max(losses):.1e}, weight discarded in its "
            f"evolution {discarded:.1e}); "
            + ("contracting" if converged else "NOT contracting (the estimate uses the largest change): raise "
               "refine, refine_bond_dimension or max_time"))
    return {"changes": changes, "error": error, "residual_loss": max(losses), "time": total_time, "note": note,
            "converged": converged, "discarded": discarded}


def _local_residual(plain: Sequence[np.ndarray], gens: Sequence[np.ndarray]) -> float:
    """‖MC‖ per unit trace in the norm that halves every non-identity factor (few-site strings dominate it).

    The local observables of a state with this residual are wrong by at least ~residual/‖M‖ (‖M‖ = O(1) per
    bond in this norm), and typically by the residual times the inverse gap.
    """
    mpo_half = lindblad_mpo(_weigh_generators(gens, 0.5))
    mc_half, _, c0_half = residual_norm(_weigh(plain, 0.5), mpo_half)
    return float(mc_half / abs(c0_half))


def u1_violation(two: np.ndarray) -> float:
    """Largest U(1)-forbidden element |ρ_{j,j+1}[↑↑, ↓↓]| = |⟨σ⁻_jσ⁻_{j+1}⟩| over the nearest-neighbour pairs.

    Every chain nesskit describes conserves the total σᶻ (SPEC §1: XXZ hopping, fields h_jσᶻ_j, dephasing σᶻ_j
    and the baths' σ^± of Eqs. 7–9 are covariant under rotations about z), so the NESS has no coherence between
    magnetization sectors. The Z₂ block form of the MPS (rotation by π) removes the charge-±1 elements exactly;
    the charge-±2 element ⟨σ⁻σ⁻⟩ = (⟨σˣσˣ⟩ − ⟨σʸσʸ⟩ − i(⟨σˣσʸ⟩ + ⟨σʸσˣ⟩))/4 is left to the truncation. Its size
    is a lower bound on the error of those pair states (max-entry norm), free of any reference solution.

    ``two`` is the (n − 1, 4, 4) table ⟨σ^α_jσ^β_{j+1}⟩ of ``_local_observables``.
    """
    if two.shape[0] == 0:
        return 0.0
    element = (two[:, 1, 1] - two[:, 2, 2]) - 1j * (two[:, 1, 2] + two[:, 2, 1])
    return float(np.max(np.abs(element))) / 4.0


def _result(model: Model, mps: _MPS, weight: float, t_start: float, notes: list[str], mc: float, cc: float,
            c0: float, checks: dict[str, float | int | None], *, error: float, iterations: int) -> Any:
    """The NESS of the state ``mps`` with its diagnostics; the residual from the MPO (‖MC‖, ‖C‖, C[0…0]).

    residual = ‖𝓛ρ‖_F = 2^{−n/2}‖MC‖/C[0…0] (Tr ρ = 1; the exact solver's norm).
    """
    from ..ness import NESS, Diagnostics

    n = model.n
    one, two = _local_observables(mps.tensors, weight)
    residual = 2.0 ** (-n / 2) * mc / abs(c0)
    hop = model.hopping
    current = -two[:, 1, 2]
    flow = hop * current
    checks = dict(checks)
    checks["current_spread"] = float(np.max(np.abs(flow - np.mean(flow)))) / float(np.mean(np.abs(hop)))
    checks["relative_residual"] = mc / cc
    violation = u1_violation(two)
    checks["u1_violation"] = violation
    if violation > error:
        notes.append(f"diagnostics.error is raised to the U(1)-forbidden pair element {violation:.1e} (a lower "
                     f"bound on the pair states' error; the other terms gave {error:.1e})")
        error = violation
    diag = Diagnostics(residual=residual, trace=None, hermiticity=None, iterations=iterations,
                       wall_time=time.perf_counter() - t_start, error=error, checks=checks, notes="; ".join(notes))
    with np.errstate(divide="ignore"):
        log_current = np.log(np.abs(current))
    return NESS(model=model, method="tensor-network", magnetization=one[:, 3], current=current,
                zz=two[:, 3, 3].copy(), diagnostics=diag, states=MPSPairSource.from_tensors(mps.tensors, weight),
                log_current=log_current if np.all(np.isfinite(log_current)) else None)


# ---------------------------------------------------------------------------------------------------------
# the method object
# ---------------------------------------------------------------------------------------------------------
def _method_base() -> type:
    try:
        from ..methods import Method
    except ImportError:  # pragma: no cover - before the pipeline interface existed
        import abc

        return abc.ABC
    return Method


@dataclass(frozen=True)
class TensorNetwork(_method_base()):  # type: ignore[misc]
    """Tensor-network NESS for every nearest-neighbour chain nesskit describes (SPEC §8.2), any pair.

    ρ is a matrix-product state of its Pauli coefficients C[α₁…αₙ] = ⟨σ^{α₁}⋯σ^{αₙ}⟩ (local dimension 4, real),
    evolved by TEBD under the Lindbladian of Eqs. 5–9 (XXZ Δ, fields, hopping, site dephasing, any Γ_L, Γ_R, μ, μ̄)
    until the local observables stop changing; then (``trotter_check``) evolved on at dt/2, which gives the Trotter
    error and, by Richardson extrapolation of the two fixed points, removes most of it. Approximate:
    ``diagnostics.error`` estimates the absolute error of the pair entries as relaxation remainder + Trotter error +
    truncation error (the change on recompression with a 100× larger cutoff), and never less than 2 ×
    ``checks["local_residual"]`` (the residual ‖MC‖ per unit trace in the norm that halves every non-identity
    factor; over 70 converged chains at n = 6 the actual deviation was at most 1.18 × it,
    ``benchmarks/bench_tn_defaults.py``); ``diagnostics.checks`` holds the bond dimension, discarded weight, dt,
    evolution time, the current's spread over bonds (zero in a steady state) and the last change of observables per
    unit time.

    Parameters
    ----------
    bond_dimension : int
        Largest bond dimension χ of the MPS (default 64).
    cutoff : float
        Relative discarded weight allowed per truncation (squared 2-norm of C), default 1e-14. The bias of the
        local observables grows like √cutoff × (truncations per relaxation time): 1e-12 gave errors ~6e-6 at
        n = 6, Δ = 1.5, 1e-14 ~2e-9.
    dt : float
        Time step of the relaxation; the Trotter check runs at dt/2 (default 0.1).
    trotter_order : {2, 4, 6}
        Strang splitting, or the 4th-order (6 stages, 12 layers per step; default) or 6th-order (10 stages, 20
        layers per step) splitting of Blanes & Moan (2002). Order 6 at dt = 0.2 costs 100 layers per unit time
        against 120 for order 4 at dt = 0.1, with a smaller fixed-point bias.
    tol : float
        Stop when the estimated remaining change of every local observable (⟨σᶻ_j⟩ and all nearest-neighbour
        ⟨σ^α_jσ^β_{j+1}⟩) is below ``tol`` (default 1e-9).
    max_time : float or None
        Longest evolution time per phase (None: 50 + n²/2, extended up to 4× that while the changes still fall
        geometrically).
    max_wall_time : float or None
        Seconds after which the relaxation gives up (None: no limit).
    chunk_time : float or None
        Evolution time between convergence tests (None: :func:`default_chunk_time`, max(1, n/20, n²/1000)).
    trotter_check : {"auto", "relax", "step", "none"}
        How the Trotter error is measured: ``"relax"`` relaxes again at dt/2 (up to twice the cost; the result is
        then the Richardson extrapolation (2^p C(dt/2) − C(dt))/(2^p − 1) of the two fixed points, whose dt^p bias
        cancels: n = 5–6 without truncation, 2–4e-7 → 1–6e-10 at dt = 0.1; the Trotter error reported stays that of
        dt/2, a bound), ``"step"`` compares one step of dt with two of dt/2 from the converged state and
        scales by the measured relaxation time (linear response; cheap, conservative), ``"none"`` leaves it out
        of ``diagnostics.error`` (checks["trotter_error"] is None). ``"auto"``: ``"relax"`` for n ≤ 16, else
        ``"step"``.
    max_error : float
        Raise :class:`~nesskit.errors.SolverError` if the measured part of the error estimate exceeds this (default
        1e-4): the relaxation remainder plus a Trotter error measured by relaxing again at dt/2, or 2 × the local
        residual if larger. The linear-response terms (truncation, the one-step Trotter estimate), which the
        relaxation time multiplies, stay in ``diagnostics.error`` (and a note says so) but alone do not reject.
    start : {"auto", "closed-form", "matrix-product", "product", "infinite-temperature", "stretch"}
        The starting state when no ``guess`` is given: the XX closed form's profile and current (SPEC §4) as a
        χ = 4 MPS, the profile and current of the γ = 0 matrix-product NESS (SPEC §8.1; c = d = ±1), a product
        state with the closed-form profile, the infinite-temperature state, or the solution of a chain of n/2
        sites stretched (recursively). With ``"matrix-product"`` the whole exact state is the start where its bond
        is small (Δ = 1/2: 9 for every n; see :func:`matrix_product_state`), else its profile and current; a
        start that is already stationary (‖MC‖/‖C‖ ≤ 1e-12, checked with the MPO) is returned without
        evolution. ``"auto"``: ``"matrix-product"`` when it applies and Δ ≠ 0, else
        ``"stretch"`` for n ≥ 24 when the chain is not the XX chain and its profiles are uniform, else
        ``"closed-form"``.
    extrapolate : bool
        Reduced-rank extrapolation of the relaxation (default True): from the last four states at chunk ends, the
        combination Σγ_k C_{k+1} (Σγ = 1) whose observables' changes cancel best (:func:`rre_weights`) — the
        limit of a linear relaxation in two slow modes, which are skipped instead of waited for. Tried while the
        change per chunk exceeds tol; made only when the combination explains the changes (predicted change
        < ½ the last) without amplifying noise (Σ|γ| ≤ 20). A jump after which the next change is not smaller is
        undone and extrapolation stops for that phase (at a saturated bond a jump can amplify the truncation noise:
        n = 20, χ = 32 ran away without this guard). Where no reduced-rank jump is made, the one-mode geometric
        jump of earlier versions (two equal ratios of the changes) is tried. The notes count jumps and undone
        jumps (``benchmarks/results_tensor_network.md``, 0.8).
    bond_ramp : bool
        Relax first at χ/4 and χ/2 (stages below 12, or that could not truncate, are skipped) to a loose tolerance
        (100 × tol, at least 1e-7), then at χ (default True). Far from the NESS the state needs a much larger bond
        than the NESS itself (n = 20, XX, γ = 0.1: χ = 64 saturated until t ≈ 20, 24 at the end), so the stages
        carry the expensive part of the way at a small bond: n = 20 128 s → 51 s, n = 40 434 s → 123 s, both with
        another job on the second core (``benchmarks/results_tensor_network.md``).
    pauli_weight : float
        s ∈ (0, 1]: the MPS holds s^(number of non-identity factors) C, so that truncation (optimal in the 2-norm of
        the stored tensor) favours the few-site strings every pair state is made of (default 1). The best MPS of
        bond χ = 64 of the exact n = 10 NESS (Δ = 1.5, γ = 0.05, (c, d) = (0.3, −0.6)) has nearest-neighbour
        errors 4.7e-6 at s = 1, 2.2e-7 at s = 0.5 and 3.5e-8 at s = 0.3
        (``benchmarks/bench_tn_compressibility.py``); whether the evolution reaches that accuracy is measured
        in ``benchmarks/results_tensor_network.md``.
    refine : int
        Rounds of defect correction after the relaxation (default 0: none). Each round computes the exact residual
        r = MC with the Lindbladian's MPO and subtracts the correction e = M⁻¹r = −∫₀^∞ e^{Mt} r dt, summed along
        the TEBD evolution of r itself (trapezoid rule on the steps; contracts every mode with |Im λ| dt < π) and
        cut back to ``bond_dimension``. The residual is handled at its own scale, so the truncation noise and the
        Trotter bias that set the evolution's fixed point are removed: with ``refine`` the relaxation stops at its
        noise floor, no Trotter check is run, and ``diagnostics.error`` is 2 × the last round's change (when the
        rounds contract by ≤ 0.3) + the final cut's change + 10 × the residual's compression loss × the first
        change; the local-residual floor does not apply (the cut to χ has a residual that does not bound its
        observables: n = 8 below, local residual 8.6e-5). n = 8, Δ = 1.5, γ = 0.05, (c, d) = (0.3, −0.6), χ = 64,
        s = 0.3: 2.6e-5 (evolution alone) → 3.0e-8 from the exact solver with ``refine=2`` (estimate 1.2e-7);
        n = 10, χ = 64, χ_r = 256: → 2.0e-6 (estimate 7.9e-6), limited by the truncations of the residual's own
        evolution (``checks["refinement_discarded_weight"]``). Costs one evolution of the residual per round, at
        ``refine_bond_dimension``.
    refine_bond_dimension : int or None
        Bond dimension of the residual and of its evolution (None: 4 × ``bond_dimension``, at most 4^(n//2)). The
        residual of a state of bond χ has bond up to χ × (MPO bond); the part its compression loses is reported
        as ``checks["refinement_residual_loss"]`` and enters the estimate.
    workers : {"auto", 1, 2}
        Processes that evolve the chain: 2 cuts it at the even bond nearest its middle and evolves the two halves
        at once, one in a worker process started for the solve (``_two_halves``: the halves meet at the cut's
        gate every other layer, where the canonical form is restored exactly; without truncation the result equals
        the one-process evolution to rounding). ``"auto"``: 2 for n ≥ 32 when at least two CPUs are free to this
        process, it is not itself a daemonic worker and the solve runs in the main thread (so sweeps on Dask, whose
        points run in worker processes or threads, use one process per point).
        XX n = 100, χ = 32: one chunk 1.85–2.1× faster (``benchmarks/bench_tn_two_cores.py``).

    Notes
    -----
    Every result carries ``diagnostics.residual`` = ‖𝓛ρ‖_F (Tr ρ = 1) and ``checks["relative_residual"]`` =
    ‖MC‖/‖C‖, computed exactly from the Lindbladian's MPO (``nesskit.solvers._lindblad_mpo``), and
    ``checks["u1_violation"]``: the largest coherence |ρ_{j,j+1}[↑↑, ↓↓]| between magnetization sectors in a
    nearest-neighbour pair state, which the exact NESS does not have (total σᶻ is conserved) and the truncation
    leaves (:func:`u1_violation`) — a lower bound on the pair states' error that needs no reference;
    ``diagnostics.error`` is never below it.
    """

    name: ClassVar[str] = "tensor-network"
    is_exact: ClassVar[bool] = False
    bond_dimension: int = 64
    cutoff: float = 1e-14
    dt: float = 0.1
    trotter_order: int = 4
    tol: float = 1e-9
    max_time: float | None = None
    max_wall_time: float | None = None
    chunk_time: float | None = None
    trotter_check: str = "auto"
    max_error: float = 1e-4
    start: str = "auto"
    extrapolate: bool = True
    pauli_weight: float = 1.0
    bond_ramp: bool = True
    refine: int = 0
    refine_bond_dimension: int | None = None
    workers: int | str = "auto"

    def __post_init__(self) -> None:
        from ..errors import check_bool, check_int, check_nonnegative, check_positive

        object.__setattr__(self, "bond_dimension", check_int("bond_dimension", self.bond_dimension, 1))
        object.__setattr__(self, "cutoff", check_nonnegative("cutoff", self.cutoff))
        object.__setattr__(self, "dt", check_positive("dt", self.dt))
        if self.dt > 1.0:
            raise ParameterError(f"dt must be in (0, 1] (allowed range), got {self.dt!r}")
        if self.trotter_order not in TROTTER_ORDERS or isinstance(self.trotter_order, bool):
            raise ParameterError(f"trotter_order must be one of {TROTTER_ORDERS}, got {self.trotter_order!r}")
        object.__setattr__(self, "tol", check_positive("tol", self.tol))
        for name in ("max_time", "max_wall_time", "chunk_time"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check_positive(name, value))
        if self.trotter_check not in TROTTER_CHECKS:
            raise ParameterError(f"trotter_check must be one of {TROTTER_CHECKS}, got {self.trotter_check!r}")
        object.__setattr__(self, "max_error", check_positive("max_error", self.max_error))
        if self.start not in STARTS:
            raise ParameterError(f"start must be one of {STARTS}, got {self.start!r}")
        check_bool("extrapolate", self.extrapolate)
        check_bool("bond_ramp", self.bond_ramp)
        object.__setattr__(self, "pauli_weight", check_positive("pauli_weight", self.pauli_weight))
        if self.pauli_weight > 1.0:
            raise ParameterError(f"pauli_weight must be in (0, 1] (allowed range), got {self.pauli_weight!r}")
        object.__setattr__(self, "refine", check_int("refine", self.refine, 0))
        if self.refine > REFINE_MAX_ROUNDS:
            raise ParameterError(f"refine must be in 0..{REFINE_MAX_ROUNDS} (rounds of defect correction), "
                                 f"got {self.refine!r}")
        if self.refine_bond_dimension is not None:
            object.__setattr__(self, "refine_bond_dimension",
                               check_int("refine_bond_dimension", self.refine_bond_dimension, 1))
        if self.workers != "auto" and (not isinstance(self.workers, int) or isinstance(self.workers, bool)
                                       or self.workers not in (1, 2)):
            raise ParameterError(f"workers must be 1, 2 or 'auto', got {self.workers!r}")

    def why_not(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> str | None:
        """None: every model and every pair 1 ≤ i ≠ j ≤ n (the cost grows with n and the entanglement)."""
        for pair in pairs:
            i, j = pair
            if not (1 <= min(i, j) and max(i, j) <= model.n and i != j):
                return f"pair {pair} is not two different sites in 1..{model.n}"
        return None

    def solve(self, model: Model, *, guess: Any = None) -> Any:
        """The NESS of ``model``; ``guess`` (any NESS, e.g. the previous point of a sweep) is the start."""
        if not isinstance(model, Model):
            raise ParameterError(f"model must be a nesskit.Model, got {type(model).__name__}")
        opts = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return solve(model, guess=guess, **opts)



"""TEBD core of the tensor-network solver (SPEC §8.2): Trotter layers, the MPS of the Pauli coefficients, one step.

* :func:`_stages` / :func:`_layers`: the splittings (Strang, Blanes–Moan order 4, Suzuki order 4) as sequences of
  layers of one bond parity;
* :class:`_MPS`: the mutable mixed-canonical MPS of the Pauli coefficients C, real, in Z₂ block form
  (``_parity_blocks``), whose two-site update is a gate followed by a truncated block SVD;
* :class:`_Propagator` and :func:`_sweep`: the gates e^{w dt 𝓛_b} (cached) applied layer by layer in
  mixed-canonical sweeps, in this process or, given ``cores``, in two (``_two_halves``).

The solver (``tensor_network``) and the worker process of ``_two_halves`` both build on this module, which
imports neither.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.linalg as sla

from ..errors import ParameterError, SolverError
from . import _parity_blocks

#: Suzuki's 4th-order weight: S4(τ) = S2(pτ)² S2((1 − 4p)τ) S2(pτ)².
_SUZUKI_P = 1.0 / (4.0 - 4.0 ** (1.0 / 3.0))


#: Blanes & Moan (J. Comput. Appl. Math. 142, 313 (2002)), PRK S6 of order 4: e^{a₁A}e^{b₁B}…e^{b₆B}e^{a₇A}.
_BM_A = (0.0792036964311957, 0.353172906049774, -0.0420650803577195)
_BM_B = (0.209515106613362, -0.143851773179818)

#: Blanes & Moan (2002), PRK S10 of order 6: e^{a₁A}e^{b₁B}…e^{b₁₀B}e^{a₁₁A}, symmetric; a₆ = 1 − 2(a₁ + … + a₅),
#: b₅ = ½ − (b₁ + … + b₄). 20 layers per step (21 stages, the outer A layers merged across steps).
_BM6_A = (0.0502627644003922, 0.413514300428344, 0.0450798897943977, -0.188054853819569, 0.541960678450780)
_BM6_B = (0.148816447901042, -0.132385865767784, 0.067307604692185, 0.432666402578175)

#: the splittings :func:`_stages` knows: ``trotter_order`` → the power p of dt in the fixed point's bias
TROTTER_POWERS = {2: 2, 4: 4, -4: 4, 6: 6}
#: the orders a user may ask for (−4, Suzuki's splitting, is kept for the benchmarks only)
TROTTER_ORDERS = (2, 4, 6)


def trotter_power(order: int) -> int:
    """The power p of the leading dt^p term of a splitting's fixed-point bias (its order)."""
    return TROTTER_POWERS[order]


def _stages(order: int) -> list[tuple[int, float]]:
    """One Trotter step of the given order as (parity, weight) layers: parity 0 = bonds 0, 2, …; 1 = 1, 3, …

    ``order`` 2: Strang A(½)B(1)A(½). ``order`` 4: the 6-stage scheme of Blanes & Moan (2002), whose error
    constant is ~40× smaller than that of Suzuki's 5-stage S2(p)²S2(1 − 4p)S2(p)² (measured on n = 5),
    itself available as ``order`` = −4. ``order`` 6: the 10-stage scheme S10 of Blanes & Moan (2002), 20 layers
    per step; at dt = 0.2 it has fewer layers per unit time than order 4 at dt = 0.1 (100 against 120) and a
    smaller fixed-point bias (n = 5, ``benchmarks/bench_tn_splitting.py``).
    """
    if order == 2:
        return [(0, 0.5), (1, 1.0), (0, 0.5)]
    if order == 4:
        a1, a2, a3 = _BM_A
        b1, b2 = _BM_B
        a = [a1, a2, a3, 1 - 2 * (a1 + a2 + a3), a3, a2, a1]
        b = [b1, b2, 0.5 - (b1 + b2), 0.5 - (b1 + b2), b2, b1]
        out: list[tuple[int, float]] = []
        for k in range(6):
            out += [(0, a[k]), (1, b[k])]
        return out + [(0, a[6])]
    if order == 6:
        a6 = [*_BM6_A, 1 - 2 * sum(_BM6_A)]
        b6 = [*_BM6_B, 0.5 - sum(_BM6_B)]
        a_all, b_all = a6 + a6[-2::-1], b6 + b6[::-1]
        out = []
        for k in range(10):
            out += [(0, a_all[k]), (1, b_all[k])]
        return out + [(0, a_all[10])]
    if order == -4:
        out = []
        for s in (_SUZUKI_P, _SUZUKI_P, 1 - 4 * _SUZUKI_P, _SUZUKI_P, _SUZUKI_P):
            out += [(0, s / 2), (1, s), (0, s / 2)]
        return out
    raise ParameterError(f"trotter_order must be one of {TROTTER_ORDERS}, got {order!r}")


def _layers(order: int, steps: int) -> list[tuple[int, float]]:
    """The layer sequence (parity, time in units of dt) of ``steps`` Trotter steps, adjacent layers merged."""
    seq: list[tuple[int, float]] = []
    stages = _stages(order)
    for _ in range(steps):
        for parity, w in stages:
            if seq and seq[-1][0] == parity:
                seq[-1] = (parity, seq[-1][1] + w)
            else:
                seq.append((parity, w))
    return seq



#: Truncate each two-site update from the Gram matrices of its blocks
#: (:func:`_parity_blocks.truncated_block_projection`) rather than by an SVD, where the cutoff is at least
#: :data:`GRAM_MIN_CUTOFF`: the same cut, faster (dsyevd on a block of 64 takes about half the time of gesdd; one
#: time unit at χ = 32 is 1.39× faster in all, ``benchmarks/bench_tn_truncation.py``). The Gram matrix resolves
#: singular values only down to ~√ε ≈ 1e-8 of the largest (relative weight ~1e-16), so below that cutoff — where
#: the cut itself must see smaller values — the SVD is used.
GRAM_TRUNCATION = True
GRAM_MIN_CUTOFF = 1e-14


class _MPS:
    """A mutable mixed-canonical MPS of the Pauli coefficients C (tensors of shape (χ_l, 4, χ_r)), real."""

    def __init__(self, tensors: Sequence[np.ndarray]) -> None:
        # Z₂ block form (``_parity_blocks``): parity[k] labels the left bond of site k; every QR/SVD goes by blocks
        self.tensors, self.parity = _parity_blocks.label(tensors)
        self.n = len(self.tensors)
        self.center = 0
        self.log_norm = 0.0  # log of the 2-norm of the state the unit-norm tensors stand for (see ``vector``)
        self._normalise_center()
        self.weight = 1.0  # the tensors hold s^{weight of the Pauli string} C
        self.discarded = 0.0  # sum of the discarded weights (relative, squared 2-norm) since the last reset

    @classmethod
    def from_parts(cls, tensors: Sequence[np.ndarray], parity: Sequence[np.ndarray], center: int,
                   log_norm: float) -> _MPS:
        """An MPS already in block form and mixed-canonical about ``center`` (e.g. half a chain, whose end tensor
        carries an open bond index), taken as it is."""
        self = cls.__new__(cls)
        self.tensors, self.parity = list(tensors), list(parity)
        self.n = len(self.tensors)
        self.center = center
        self.log_norm = log_norm
        self.weight = 1.0
        self.discarded = 0.0
        return self

    @property
    def bond_dimensions(self) -> list[int]:
        return [t.shape[2] for t in self.tensors[:-1]]

    def _normalise_center(self) -> None:
        t = self.tensors[self.center]
        nrm = np.linalg.norm(t)
        if not np.isfinite(nrm) or nrm == 0:
            raise SolverError("the tensor-network state became zero or non-finite; reduce dt")
        self.tensors[self.center] = t / nrm
        self.log_norm += math.log(nrm)

    def vector(self, factor: float = 1.0) -> list[np.ndarray]:
        """Tensors of ``factor`` × the state itself, norm included (the stored tensors have unit norm)."""
        out = [np.array(t) for t in self.tensors]
        out[self.center] = out[self.center] * (factor * math.exp(self.log_norm))
        return out

    def move_center(self, site: int) -> None:
        ts, par = self.tensors, self.parity
        while self.center < site:
            k = self.center
            a = ts[k]
            q, r, par[k + 1] = _parity_blocks.block_qr(a.reshape(-1, a.shape[2]),
                                                       _parity_blocks.fuse(par[k], _parity_blocks.PHYSICAL), par[k + 1])
            ts[k] = q.reshape(a.shape[0], 4, -1)
            ts[k + 1] = np.tensordot(r, ts[k + 1], axes=(1, 0))
            self.center += 1
        while self.center > site:
            k = self.center
            a = ts[k]
            q, r, par[k] = _parity_blocks.block_qr(a.reshape(a.shape[0], -1).T,
                                                   _parity_blocks.fuse(_parity_blocks.PHYSICAL, par[k + 1]), par[k])
            ts[k] = q.T.reshape(-1, 4, a.shape[2])
            ts[k - 1] = np.tensordot(ts[k - 1], r.T, axes=(2, 0))
            self.center -= 1
        self._normalise_center()

    def apply(self, bond: int, gate: np.ndarray, rightwards: bool, chi: int, cutoff: float) -> None:
        """Apply a 16 × 16 gate on sites (bond, bond + 1); the centre ends on the far site of the sweep."""
        self.move_center(bond if rightwards else bond + 1)
        a, b = self.tensors[bond], self.tensors[bond + 1]
        theta = np.tensordot(a, b, axes=(2, 0))  # (l, 4, 4, r)
        l, r = theta.shape[0], theta.shape[3]
        theta = np.tensordot(gate.reshape(4, 4, 4, 4), theta, axes=((2, 3), (1, 2)))  # (c, d, l, r)
        theta = theta.transpose(2, 0, 1, 3).reshape(l * 4, 4 * r)
        pb = _parity_blocks
        rows, cols = pb.fuse(self.parity[bond], pb.PHYSICAL), pb.fuse(pb.PHYSICAL, self.parity[bond + 2])
        if GRAM_TRUNCATION and cutoff >= GRAM_MIN_CUTOFF:
            # the isometry on the sweep's near side, the rest (with the singular values) on the far side
            q, x, labels, total, kept = pb.truncated_block_projection(theta, rows, cols, chi, cutoff, rightwards)
        else:
            u, s, vt, labels, total = pb.truncated_block_svd(theta, rows, cols, chi, cutoff)
            kept = float(s @ s)
            q, x = (u, s[:, None] * vt) if rightwards else (vt, u * s)
        if not np.isfinite(total) or total == 0 or not kept > 0:
            raise SolverError("the tensor-network state became zero or non-finite; reduce dt")
        keep = labels.size
        self.discarded += max(total - kept, 0.0) / total
        self.log_norm += 0.5 * math.log(kept)  # θ had unit norm: the gate and the cut leave √kept
        x = x / math.sqrt(kept)
        self.parity[bond + 1] = labels
        if rightwards:
            self.tensors[bond] = q.reshape(l, 4, keep)
            self.tensors[bond + 1] = x.reshape(keep, 4, r)
            self.center = bond + 1
        else:
            self.tensors[bond] = x.reshape(l, 4, keep)
            self.tensors[bond + 1] = q.reshape(keep, 4, r)
            self.center = bond

    def environments(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Unit-norm contractions of sites < k (left[k]) and ≥ k (right[k]) with the identity index 0."""
        return _environments(self.tensors)


def _environments(tensors: Sequence[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    n = len(tensors)
    left = [np.ones(1)]
    for k in range(n - 1):
        v = left[-1] @ tensors[k][:, 0, :]
        left.append(v / (np.linalg.norm(v) or 1.0))
    right = [np.ones(1)] * (n + 1)
    for k in range(n - 1, 0, -1):
        v = tensors[k][:, 0, :] @ right[k + 1]
        right[k] = v / (np.linalg.norm(v) or 1.0)
    return left, right



#: ``workers=2`` splits the chain at a bond near its middle; a half needs at least this many sites in all
TWO_CORES_MIN_SITES = 6


def _site_weights(weight: float) -> np.ndarray:
    return np.array([1.0, weight, weight, weight])



def _weigh_generators(generators: Sequence[np.ndarray], weight: float) -> list[np.ndarray]:
    """The bond generators acting on s^{weight of the Pauli string} C instead of C: W M_b W⁻¹."""
    w = np.kron(_site_weights(weight), _site_weights(weight))
    return [w[:, None] * g / w[None, :] for g in generators]


class _Propagator:
    """TEBD of dC/dt = 𝓛C with cached gates exp(w dt 𝓛_b)."""

    def __init__(self, generators: Sequence[np.ndarray], dt: float, order: int, chi: int, cutoff: float,
                 weight: float = 1.0, cores: Any = None) -> None:
        self.generators = _weigh_generators(generators, weight)
        self.weight = weight
        self.cores = cores  # a ``_two_halves.TwoCores``: the chain's two halves evolve in two processes
        self.dt, self.order, self.chi, self.cutoff = dt, order, chi, cutoff
        self._gates: dict[tuple[int, float], np.ndarray] = {}
        self.rightwards = True

    def gate(self, bond: int, weight: float) -> np.ndarray:
        key = (bond, round(weight, 14))
        g = self._gates.get(key)
        if g is None:
            g = sla.expm(weight * self.dt * self.generators[bond])
            self._gates[key] = g
        return g

    def run(self, mps: _MPS, steps: int) -> None:
        n = mps.n
        if self.cores is not None and n >= TWO_CORES_MIN_SITES:
            self.cores.run(mps, self, steps)
            return
        for parity, weight in _layers(self.order, steps):
            _sweep(mps, self.gate, list(range(parity, n - 1, 2)), weight, self.chi, self.cutoff)


def _sweep(mps: _MPS, gate_of: Callable[[int, float], np.ndarray], bonds: Sequence[int], weight: float, chi: int,
           cutoff: float) -> None:
    """One TEBD layer (SPEC §8.2): the gates ``gate_of(b, weight)`` on ``bonds`` (of one parity, ascending) in one
    mixed-canonical sweep from the end nearer the centre; also used on half a chain by ``_two_halves``."""
    if not bonds:
        return
    rightwards = abs(mps.center - bonds[0]) <= abs(mps.center - bonds[-1] - 1)
    for b in bonds if rightwards else bonds[::-1]:
        mps.apply(b, gate_of(b, weight), rightwards, chi, cutoff)

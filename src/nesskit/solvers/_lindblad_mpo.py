"""The Lindbladian of a nearest-neighbour chain as a matrix-product operator, and the exact residual ‖𝓛ρ‖.

In the Pauli-coefficient representation of :mod:`nesskit.solvers.tensor_network` (C[α₁…αₙ] = ⟨σ^{α₁}⋯σ^{αₙ}⟩,
ρ = 2⁻ⁿ Σ C σ^{α₁}⊗…⊗σ^{αₙ}) the Lindbladian of Eqs. 5–9 is the real matrix M = Σ_b M_b of the bond generators.
As an MPO it has bond dimension 2 + (operator Schmidt rank of a bond generator) ≤ 18 (XXZ with baths and
dephasing: 10). It gives the residual of a tensor-network state exactly (to rounding), without any 2ⁿ object:
‖𝓛ρ‖_F = 2^{−n/2} ‖MC‖₂ / C[0…0] for Tr ρ = 1 (the Hilbert–Schmidt norm of ρ is 2^{−n/2}‖C‖₂).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def lindblad_mpo(generators: Sequence[np.ndarray], tol: float = 1e-13) -> list[np.ndarray]:
    """MPO W_k[w, v, c, a] (out index c, in index a) of M = Σ_b M_b (Eqs. 5–9) from the 16 × 16 bond generators.

    Each M_b[(c₁c₂), (a₁a₂)] is split by an SVD over (c₁a₁) | (c₂a₂) into Σ_r A_r ⊗ B_r (singular values
    below ``tol`` × the largest dropped). Channels of the MPO bond: 0 = nothing placed yet (identity), 1 = the
    term is complete (identity), 2 + r = A_r placed on the site to the left.
    """
    n = len(generators) + 1
    halves: list[tuple[np.ndarray, np.ndarray]] = []
    for g in generators:
        m = np.asarray(g, dtype=float).reshape(4, 4, 4, 4).transpose(0, 2, 1, 3).reshape(16, 16)
        u, s, vt = np.linalg.svd(m)
        rank = max(1, int(np.count_nonzero(s > tol * s[0]))) if s[0] > 0 else 1
        root = np.sqrt(s[:rank])
        a = (u[:, :rank] * root).T.reshape(rank, 4, 4)
        b = (root[:, None] * vt[:rank]).reshape(rank, 4, 4)
        halves.append((a, b))
    eye = np.eye(4)
    out = []
    for k in range(n):
        dl = 1 if k == 0 else 2 + halves[k - 1][0].shape[0]
        dr = 1 if k == n - 1 else 2 + halves[k][0].shape[0]
        w = np.zeros((dl, dr, 4, 4))
        # rows: left channel; at the left end only channel 0 exists, at the right end only channel 1
        lrow = {0: 0, 1: 1} if k > 0 else {0: 0}
        rcol = {0: 0, 1: 1} if k < n - 1 else {1: 0}
        if 0 in lrow and 0 in rcol:
            w[lrow[0], rcol[0]] = eye
        if 1 in lrow and 1 in rcol:
            w[lrow[1], rcol[1]] = eye
        if k < n - 1:  # start the bond (k, k + 1) here
            a = halves[k][0]
            w[lrow[0], 2:2 + a.shape[0]] = a
        if k > 0:  # finish the bond (k − 1, k) here
            b = halves[k - 1][1]
            w[2:2 + b.shape[0], rcol[1]] = b
        out.append(w)
    return out


def _norm(tensors: Sequence[np.ndarray]) -> tuple[float, float]:
    """(mantissa, log scale) of the 2-norm of an MPS by one left-to-right QR sweep.

    The norm is read off the last R factor, so its absolute rounding error is ~ε × the size of the terms that
    cancel (never √ε, as a contraction of ⟨x|x⟩ would give).
    """
    r = np.ones((1, 1))
    log = 0.0
    for t in tensors:
        m = np.tensordot(r, t, axes=(1, 0))  # (m, 4, χ_r)
        m = m.reshape(-1, m.shape[2])
        if m.shape[0] >= m.shape[1]:
            r = np.asarray(np.linalg.qr(m, mode="r"))
        else:
            r = m
        scale = float(np.max(np.abs(r))) or 1.0
        r = r / scale
        log += math.log(scale)
    return float(np.linalg.norm(r)), log


def log_norm(tensors: Sequence[np.ndarray]) -> float:
    """log ‖C‖₂ of the MPS C (−inf for the zero state), by the QR sweep of ``_norm``."""
    mantissa, log = _norm(tensors)
    return math.log(mantissa) + log if mantissa > 0 else -math.inf


def residual_norm(tensors: Sequence[np.ndarray], mpo: Sequence[np.ndarray]) -> tuple[float, float, float]:
    """(‖MC‖₂, ‖C‖₂, C[0…0]) of the MPS C, exactly (to rounding), without any 2ⁿ object.

    MC is formed as an MPS of bond χD (site tensors Σ_a W[w, v, c, a] A[l, a, r]) and its norm taken by a QR
    sweep; C[0…0] (Tr ρ up to normalisation) is the contraction of the identity components. Cost
    O(n (χD)³) for bond dimension χ and MPO bond D.
    """
    mc, log_mc = _norm(apply_mpo(tensors, mpo))
    cc, log_cc = _norm(tensors)
    return mc * math.exp(log_mc), cc * math.exp(log_cc), trace_coefficient(tensors)


def apply_mpo(tensors: Sequence[np.ndarray], mpo: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The MPS MC = 𝓛ρ in Pauli coefficients (Eqs. 5–9 as the MPO of :func:`lindblad_mpo`), bond χD: site tensors
    Σ_a W[w, v, c, a] A[l, a, r], bond indices (l, w) and (r, v) fused."""
    out = []
    for a, w in zip(tensors, mpo, strict=True):
        t = np.tensordot(w, a, axes=(3, 1))  # (w, v, c, l, r)
        t = t.transpose(3, 0, 2, 4, 1)  # (l, w, c, r, v)
        sh = t.shape
        out.append(t.reshape(sh[0] * sh[1], 4, sh[3] * sh[4]))
    return out


def trace_coefficient(tensors: Sequence[np.ndarray]) -> float:
    """C[0…0] of the MPS C (2ⁿ Tr ρ up to its normalisation): the product of the identity components, rescaled
    per site so that long chains neither overflow nor underflow."""
    tr = np.ones(1)
    log_tr = 0.0
    for a in tensors:
        tr = tr @ a[:, 0, :]
        scale = float(np.max(np.abs(tr))) or 1.0
        tr = tr / scale
        log_tr += math.log(scale)
    return float(tr[0]) * math.exp(log_tr)

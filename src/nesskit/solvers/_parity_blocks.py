"""The Z₂ block structure of a Pauli-coefficient MPS, and QR/SVD by blocks.

Every chain nesskit describes is symmetric under the rotation by π about z, σˣ → −σˣ, σʸ → −σʸ: the Hamiltonian
has XXZ couplings and z fields, the bath jumps σ± only change sign (the dissipator 𝒟[L] is quadratic in L) and
dephasing is σᶻ. Its NESS is therefore *even*: only Pauli strings with an even number of x/y factors appear. An
even MPS can be written with a parity (0 or 1) on every bond index such that a site tensor C[l, α, r] vanishes
unless parity(l) + parity(α) + parity(r) is even, parity(α) = 1 for α = x, y. Every matrix the solver decomposes is
then block-diagonal (two blocks after a permutation of rows and columns), and a QR or SVD by blocks costs about a
quarter of the dense one. :func:`label` brings any even MPS into this form.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.linalg as sla

#: parity of the Pauli index α = 1, x, y, z (x and y change sign under the rotation by π about z)
PHYSICAL = np.array([0, 1, 1, 0])


def fuse(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Parities of the fused index (i, j) ↦ i·len(b) + j (C order)."""
    return (np.asarray(a)[:, None] + np.asarray(b)[None, :]).reshape(-1) % 2


def robust_svd(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin SVD by LAPACK's gesdd, or gesvd (slower, robust) where gesdd fails to converge."""
    try:
        return np.linalg.svd(m, full_matrices=False)
    except np.linalg.LinAlgError:  # gesdd failed to converge: the slower, robust driver
        return sla.svd(m, full_matrices=False, lapack_driver="gesvd")


def _blocks(rows: np.ndarray, cols: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
    out = []
    for p in (0, 1):
        r, c = np.flatnonzero(rows == p), np.flatnonzero(cols == p)
        if r.size and c.size:
            out.append((p, r, c))
    return out


def block_qr(m: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """m = q r for a matrix whose entries vanish unless rows[i] == cols[j]; returns (q, r, parity of q's columns).

    q has orthonormal columns, each inside one parity block; the entries of m outside the blocks are dropped.
    """
    qs, rs, labels = [], [], []
    for p, ri, ci in _blocks(rows, cols):
        q, r = np.linalg.qr(m[np.ix_(ri, ci)])
        qs.append((ri, q))
        rs.append((ci, r))
        labels.append(np.full(q.shape[1], p))
    k = sum(q.shape[1] for _, q in qs)
    if k == 0:
        raise ValueError("block_qr: no nonzero parity block (the state is not even)")
    qq = np.zeros((m.shape[0], k))
    rr = np.zeros((k, m.shape[1]))
    start = 0
    for (ri, q), (ci, r) in zip(qs, rs):
        w = q.shape[1]
        qq[ri, start:start + w] = q
        rr[start:start + w, ci] = r
        start += w
    return qq, rr, np.concatenate(labels)


def block_svd(m: np.ndarray, rows: np.ndarray,
              cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The SVD u s vt of a matrix whose entries vanish unless rows[i] == cols[j], by blocks.

    Returns (u, s, vt, parity of each singular vector) with s sorted in decreasing order over both blocks.
    """
    parts = []
    for p, ri, ci in _blocks(rows, cols):
        u, s, vt = robust_svd(m[np.ix_(ri, ci)])
        parts.append((p, ri, ci, u, s, vt))
    if not parts:
        raise ValueError("block_svd: no nonzero parity block (the state is not even)")
    s_all = np.concatenate([pt[4] for pt in parts])
    labels = np.concatenate([np.full(pt[4].size, pt[0]) for pt in parts])
    order = np.argsort(-s_all, kind="stable")
    k = s_all.size
    u_all = np.zeros((m.shape[0], k))
    vt_all = np.zeros((k, m.shape[1]))
    start = 0
    for _, ri, ci, u, s, vt in parts:
        w = s.size
        u_all[ri, start:start + w] = u
        vt_all[start:start + w, ci] = vt
        start += w
    return u_all[:, order], s_all[order], vt_all[order], labels[order]


def label(tensors: Sequence[np.ndarray], rank_tol: float = 1e-14) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """An even MPS (tensors (χ_l, 4, χ_r)) in block form: (right-canonical tensors, bond parities).

    ``parities[k]`` labels the left bond of site k (``parities[0]`` and ``parities[n]`` are the trivial [0]).
    A left-to-right sweep splits every bond into its even and odd parts (QR of the two row blocks; the bond can
    double), the odd part of the last site, which an even state does not have, is dropped, and a right-to-left
    SVD sweep by blocks removes the redundant directions (singular values below ``rank_tol`` × the largest).
    """
    ts = [np.array(t, dtype=float) for t in tensors]
    n = len(ts)
    par: list[np.ndarray] = [np.zeros(1, dtype=int) for _ in range(n + 1)]
    for k in range(n - 1):
        a = ts[k]
        rows = fuse(par[k], PHYSICAL)
        m = a.reshape(-1, a.shape[2])
        qs, rs, labels = [], [], []
        for p in (0, 1):
            ri = np.flatnonzero(rows == p)
            if ri.size:
                q, r = np.linalg.qr(m[ri])
                qs.append((ri, q))
                rs.append(r)
                labels.append(np.full(q.shape[1], p))
        width = sum(q.shape[1] for _, q in qs)
        qq = np.zeros((m.shape[0], width))
        start = 0
        for ri, q in qs:
            qq[ri, start:start + q.shape[1]] = q
            start += q.shape[1]
        ts[k] = qq.reshape(a.shape[0], 4, width)
        ts[k + 1] = np.tensordot(np.vstack(rs), ts[k + 1], axes=(1, 0))
        par[k + 1] = np.concatenate(labels)
    last = ts[n - 1]
    odd = fuse(par[n - 1], PHYSICAL).reshape(last.shape[0], 4) == 1
    last[odd] = 0.0
    for k in range(n - 1, 0, -1):
        a = ts[k]
        m = a.reshape(a.shape[0], -1)
        u, s, vt, bond_labels = block_svd(m, par[k], fuse(PHYSICAL, par[k + 1]))
        keep = max(1, int(np.count_nonzero(s > rank_tol * s[0]))) if s.size and s[0] > 0 else 1
        ts[k] = vt[:keep].reshape(keep, 4, a.shape[2])
        ts[k - 1] = np.tensordot(ts[k - 1], u[:, :keep] * s[:keep], axes=(2, 0))
        par[k] = bond_labels[:keep]
    return ts, par

"""How compressible is the exact NESS as an MPS of Pauli coefficients? (issue 12: why dephased, strongly driven XXZ
chains are hard for the tensor network).

The exact NESS (M-sector solver, residual ≤ 1e-12) of a chain of n ≤ 10 sites is turned into its Pauli coefficients
C[α₁…αₙ] = ⟨σ^{α₁}⋯σ^{αₙ}⟩ and compressed by successive SVDs (TT-SVD: the best MPS of bond χ in the 2-norm, up to
the factor √(n−1)) after weighting every non-identity factor by s (the tensor network's ``pauli_weight``). Printed:
for each s, the largest error of the one-site and nearest-neighbour tables ⟨σ^α_j⟩, ⟨σ^α_jσ^β_{j+1}⟩ at χ = 32, 64,
128, 256 — the accuracy any MPS method of that bond dimension can at best reach — and the central Schmidt rank for
tails 1e-8 … 1e-14.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_compressibility.py --n 10 --delta 0.5 --dephasing 0.05 --c 1 --d 1
"""

from __future__ import annotations

import argparse

import numpy as np

import nesskit as nk
from nesskit.operators import PAULIS
from nesskit.solvers import tensor_network as tn


def pauli_coefficients(rho: np.ndarray, n: int) -> np.ndarray:
    """C[α₁…αₙ] = Tr(σ^{α₁}⊗…⊗σ^{αₙ} ρ), shape (4,)*n, real."""
    x = rho.reshape((2,) * (2 * n))
    for k in range(n):
        x = np.tensordot(x, PAULIS, axes=([k, n], [2, 1]))
        x = np.moveaxis(x, -1, k)
    return np.asarray(x.real)


def exact_coefficients(model: nk.Model) -> tuple[np.ndarray, float]:
    """(Pauli coefficients of the exact NESS, its residual ‖𝓛ρ‖) from the M-sector solver."""
    ness = nk.solve(model, "exact")
    rho = ness.states.to_dense() if hasattr(ness.states, "to_dense") else ness.states.dm.to_dense()
    return pauli_coefficients(rho, model.n), float(ness.diagnostics.residual)


def weigh(c: np.ndarray, s: float) -> np.ndarray:
    """s^{(number of non-identity factors)} C: the tensor network's ``pauli_weight`` applied to the full table."""
    w = np.array([1.0, s, s, s])
    n = c.ndim
    for k in range(n):
        shape = [1] * n
        shape[k] = 4
        c = c * w.reshape(shape)
    return c


def tt_svd(c: np.ndarray, chi: int) -> list[np.ndarray]:
    n = c.ndim
    out, rest, left = [], c.reshape(1, -1), 1
    for _ in range(n - 1):
        u, sv, vt = np.linalg.svd(rest.reshape(left * 4, -1), full_matrices=False)
        keep = min(chi, len(sv))
        out.append(u[:, :keep].reshape(left, 4, keep))
        rest, left = sv[:keep, None] * vt[:keep], keep
    out.append(rest.reshape(left, 4, 1))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--delta", type=float, default=0.5)
    p.add_argument("--dephasing", type=float, default=0.05)
    p.add_argument("--c", type=float, default=1.0)
    p.add_argument("--d", type=float, default=1.0)
    a = p.parse_args()
    n = a.n
    model = nk.Model(n, delta=a.delta, dephasing=a.dephasing, c=a.c, d=a.d)
    c, residual = exact_coefficients(model)
    one_ex, two_ex = tn._local_observables(tt_svd(c, 4 ** n))
    print(f"n = {n}, Δ = {a.delta}, γ = {a.dephasing}, (c, d) = ({a.c}, {a.d}); "
          f"residual {residual:.1e}")
    for s in (1.0, 0.5, 0.3, 0.2):
        cs = weigh(c, s)
        sv = np.linalg.svd(cs.reshape(4 ** (n // 2), -1), compute_uv=False)
        tail = np.cumsum((sv**2)[::-1])[::-1] / np.sum(sv**2)
        ranks = [int(np.sum(tail > t)) for t in (1e-8, 1e-10, 1e-12, 1e-14)]
        errs = []
        for chi in (32, 64, 128, 256):
            one, two = tn._local_observables(tt_svd(cs, chi), s)
            errs.append(f"χ={chi}: {np.max(np.abs(one - one_ex)):.1e}/{np.max(np.abs(two - two_ex)):.1e}")
        print(f"s = {s}: central rank for tails 1e-8/1e-10/1e-12/1e-14 = {ranks}; one-site/nn error " + ", ".join(errs))


if __name__ == "__main__":
    main()

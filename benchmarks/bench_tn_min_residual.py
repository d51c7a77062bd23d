"""Minimal-residual two-site sweeps for the NESS (issue 12, "left open" 2): does min ‖MC‖ in MPS form beat TEBD?

An experiment, not a nesskit method. The NESS C (Pauli coefficients, SPEC §2; M = Σ_b M_b of Eqs. 5–9 as the MPO of
``nesskit.solvers._lindblad_mpo``) is the null vector of the real symmetric positive semidefinite A = MᵀM. The
state is held as s^{(number of non-identity factors)} C (s = ``--state-weight``: the norm the truncation
minimises) and the objective is ‖R M C‖² / ‖S C‖² with R = r^{(…)} (r = ``--residual-weight``; r = s is the
similarity-weighted Lindbladian). One sweep: for every bond, the lowest eigenvector of the two-site effective A (the
MPO of AᵀA compressed by SVD, bond 25–30 here) by Lanczos with full reorthogonalisation, started from the current
two-site tensor, then an SVD cut to χ and the environment update (mixed-canonical gauge, so the local problem is a
standard eigenproblem). The start is either the identity (infinite temperature) or a TEBD evolution of the solver's
own propagator from the matrix-product (c = d = 1) or product state. Printed per sweep: wall time, the global
Rayleigh quotient, the Lanczos residual, discarded weight, the exact residual ‖𝓛ρ‖ (Tr ρ = 1) and the largest
deviation of every nearest-neighbour pair state from the exact M-sector solver (an independent method), and the
state's ``u1_violation`` (the reference-free lower bound of the tensor network's checks).

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_min_residual.py --n 8 --delta 0.5 --c 1 --d 1 --dephasing 0.05 \\
        --start tebd --tebd-time 30 --bond-dimension 128 --state-weight 1 --residual-weight 1 --sweeps 3 --krylov 120
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

import nesskit as nk
from nesskit.model import Model
from nesskit.solvers import tensor_network as tn
from nesskit.solvers._lindblad_mpo import lindblad_mpo, residual_norm
from nesskit.solvers._tebd import _MPS, _Propagator, _weigh_generators


def compress_mpo(mpo: Sequence[np.ndarray], tol: float = 1e-13) -> list[np.ndarray]:
    """MPO W[w, v, c, a] with its bonds cut by SVD (QR sweep right, SVD sweep left; relative ``tol``)."""
    w = [np.array(t) for t in mpo]
    n = len(w)
    for k in range(n - 1):
        dl, dr = w[k].shape[:2]
        q, r = np.linalg.qr(w[k].transpose(0, 2, 3, 1).reshape(-1, dr))
        w[k] = q.reshape(dl, 4, 4, -1).transpose(0, 3, 1, 2)
        w[k + 1] = np.tensordot(r, w[k + 1], axes=(1, 0))
    for k in range(n - 1, 0, -1):
        dl, dr = w[k].shape[:2]
        u, s, vt = np.linalg.svd(w[k].reshape(dl, -1), full_matrices=False)
        keep = max(1, int(np.count_nonzero(s > tol * s[0])))
        w[k] = vt[:keep].reshape(keep, dr, 4, 4)
        w[k - 1] = np.tensordot(w[k - 1], u[:, :keep] * s[:keep], axes=(1, 0)).transpose(0, 3, 1, 2)
    return w


def normal_mpo(gens: Sequence[np.ndarray], s: float, r: float) -> list[np.ndarray]:
    """MPO of Aᵀ A with A = R M S⁻¹ = (R M R⁻¹)(R S⁻¹): the similarity per bond, the diagonal per site."""
    mpo = lindblad_mpo(_weigh_generators(gens, r))
    out = []
    for w in mpo:
        a = np.einsum("xyec,zued->xzyucd", w, w)
        sh = a.shape
        out.append(a.reshape(sh[0] * sh[1], sh[2] * sh[3], 4, 4))
    diag = np.array([1.0, r / s, r / s, r / s])
    return [w * diag[None, None, :, None] * diag[None, None, None, :] for w in compress_mpo(out)]


def left_env(env: np.ndarray, a: np.ndarray, w: np.ndarray) -> np.ndarray:
    t = np.tensordot(env, a, axes=(2, 0))
    t = np.tensordot(t, w, axes=([1, 2], [0, 3]))
    return np.tensordot(t, a, axes=([0, 3], [0, 1])).transpose(2, 1, 0)


def right_env(env: np.ndarray, a: np.ndarray, w: np.ndarray) -> np.ndarray:
    t = np.tensordot(a, env, axes=(2, 2))
    t = np.tensordot(t, w, axes=([1, 3], [3, 1]))
    return np.tensordot(t, a, axes=([3, 1], [1, 2])).transpose(2, 1, 0)


def two_site(left: np.ndarray, w1: np.ndarray, w2: np.ndarray, right: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = np.tensordot(left, x, axes=(2, 0))
    t = np.tensordot(t, w1, axes=([1, 2], [0, 3]))
    t = np.tensordot(t, w2, axes=([3, 1], [0, 3]))
    return np.tensordot(t, right, axes=([1, 3], [2, 1]))


def lowest(op: Callable[[np.ndarray], np.ndarray], v0: np.ndarray, krylov: int,
           restarts: int) -> tuple[np.ndarray, float, float]:
    """Lowest eigenpair of a symmetric operator by restarted Lanczos (full reorthogonalisation)."""
    v = v0 / np.linalg.norm(v0)
    theta, res = 0.0, np.inf
    for _ in range(restarts):
        basis = [v]
        alphas: list[float] = []
        betas: list[float] = []
        w = op(v)
        for j in range(krylov):
            alphas.append(float(basis[j] @ w))
            for b in basis:
                w = w - (b @ w) * b
            beta = float(np.linalg.norm(w))
            if j == krylov - 1 or beta < 1e-14 * max(1.0, abs(alphas[-1])):
                break
            betas.append(beta)
            basis.append(w / beta)
            w = op(basis[-1])
        m = len(alphas)
        t = np.diag(alphas) + np.diag(betas[:m - 1], 1) + np.diag(betas[:m - 1], -1)
        ev, vec = np.linalg.eigh(t)
        v = sum(vec[i, 0] * basis[i] for i in range(m))
        v = v / np.linalg.norm(v)
        theta = float(ev[0])
        res = float(np.linalg.norm(op(v) - theta * v))
    return v, theta, res


def sweeps(tensors: list[np.ndarray], mpo: Sequence[np.ndarray], chi: int, count: int, krylov: int,
           restarts: int):  # type: ignore[no-untyped-def]
    n = len(tensors)
    for k in range(n - 1, 0, -1):  # right-canonical
        a = tensors[k]
        q, r = np.linalg.qr(a.reshape(a.shape[0], -1).T)
        tensors[k] = q.T.reshape(-1, 4, a.shape[2])
        tensors[k - 1] = np.tensordot(tensors[k - 1], r.T, axes=(2, 0))
    tensors[0] = tensors[0] / np.linalg.norm(tensors[0])
    lefts: list[np.ndarray] = [np.ones((1, 1, 1))] + [np.empty(0)] * n
    rights: list[np.ndarray] = [np.empty(0)] * n + [np.ones((1, 1, 1))]
    for k in range(n - 1, 0, -1):
        rights[k] = right_env(rights[k + 1], tensors[k], mpo[k])
    for sweep in range(count):
        start = time.perf_counter()
        info = []
        for direction, bonds in ((1, range(n - 1)), (-1, range(n - 2, -1, -1))):
            for b in bonds:
                x = np.tensordot(tensors[b], tensors[b + 1], axes=(2, 0))
                sh = x.shape
                lb, rb = lefts[b], rights[b + 2]
                v, theta, res = lowest(lambda y, lb=lb, rb=rb, b=b, sh=sh: two_site(
                    lb, mpo[b], mpo[b + 1], rb, y.reshape(sh)).ravel(), x.ravel(), krylov, restarts)
                u, s, vt = np.linalg.svd(v.reshape(sh[0] * 4, 4 * sh[3]), full_matrices=False)
                keep = min(chi, int(np.count_nonzero(s > 1e-15 * s[0])))
                dropped = float(s[keep:] @ s[keep:]) / float(s @ s)
                u, s, vt = u[:, :keep], s[:keep] / np.linalg.norm(s[:keep]), vt[:keep]
                if direction > 0:
                    tensors[b], tensors[b + 1] = u.reshape(sh[0], 4, keep), (s[:, None] * vt).reshape(keep, 4, sh[3])
                    lefts[b + 1] = left_env(lefts[b], tensors[b], mpo[b])
                else:
                    tensors[b], tensors[b + 1] = (u * s).reshape(sh[0], 4, keep), vt.reshape(keep, 4, sh[3])
                    rights[b + 1] = right_env(rights[b + 2], tensors[b + 1], mpo[b + 1])
                info.append((theta, res, dropped, keep))
        yield sweep, time.perf_counter() - start, info


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=8)
    p.add_argument("--delta", type=float, default=0.5)
    p.add_argument("--c", type=float, default=1.0)
    p.add_argument("--d", type=float, default=1.0)
    p.add_argument("--dephasing", type=float, default=0.05)
    p.add_argument("--start", choices=("tebd", "infinite-temperature"), default="tebd")
    p.add_argument("--tebd-time", type=float, default=30.0)
    p.add_argument("--tebd-bond-dimension", type=int, default=64)
    p.add_argument("--bond-dimension", type=int, default=128)
    p.add_argument("--state-weight", type=float, default=1.0)
    p.add_argument("--residual-weight", type=float, default=None, help="default: the state weight")
    p.add_argument("--sweeps", type=int, default=3)
    p.add_argument("--krylov", type=int, default=60)
    p.add_argument("--restarts", type=int, default=2)
    a = p.parse_args()
    s = a.state_weight
    r = s if a.residual_weight is None else a.residual_weight
    model = Model(a.n, coupling=1.0, c=a.c, d=a.d, delta=a.delta, dephasing=a.dephasing)
    gens = tn.bond_generators(model)
    ref = nk.solve(model, "exact")
    if a.start == "tebd":
        start = tn.matrix_product_state(model) or tn.product_state(np.zeros(a.n))
        mps = _MPS(start)
        _Propagator(gens, 0.1, 4, a.tebd_bond_dimension, 1e-14).run(mps, int(round(a.tebd_time / 0.1)))
        tensors = tn._weigh(mps.vector(), s)
    else:
        tensors = [np.array([1.0, 0.0, 0.0, 0.0]).reshape(1, 4, 1) for _ in range(a.n)]
    mpo = lindblad_mpo(gens)

    def report(label: str, ts: Sequence[np.ndarray]) -> str:
        source = tn.MPSPairSource.from_tensors(ts, s)
        dev = max(float(np.max(np.abs(source.pair(i, i + 1) - ref.pair(i, i + 1)))) for i in range(1, a.n))
        mc, _, c0 = residual_norm(tn._weigh(ts, 1.0 / s), mpo)
        u1 = tn.u1_violation(tn._local_observables(ts, s)[1])
        return (f"{label} pair deviation {dev:.2e} residual {2.0 ** (-a.n / 2) * mc / abs(c0):.2e} "
                f"u1_violation {u1:.1e}")

    print(report("start", tensors), flush=True)
    normal = normal_mpo(gens, s, r)
    state = [np.array(t) for t in tensors]
    for sweep, wall, info in sweeps(state, normal, a.bond_dimension, a.sweeps, a.krylov, a.restarts):
        _, res, dropped, keep = (max(i[k] for i in info) for k in range(4))
        print(report(f"sweep {sweep} {wall:.1f} s Rayleigh {info[-1][0]:.2e} Lanczos residual {res:.1e} "
                     f"discarded {dropped:.1e} chi {keep}", state), flush=True)


if __name__ == "__main__":
    main()

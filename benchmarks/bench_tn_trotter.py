"""Trotter bias of the tensor network's fixed point, and what the Richardson extrapolation in dt leaves of it.

Small chains without truncation (χ = 64 ≥ the full rank at n ≤ 6, cutoff 0), relaxed to tol 1e-11, against the
exact M-sector solver: the largest deviation of ⟨σᶻ_j⟩, the currents and the pair matrices (1, 2), (2, 3), (1, n),
for the plain fixed point at dt (``trotter_check="none"``) and for the Richardson combination of the fixed points at
dt and dt/2 (``trotter_check="relax"``), for Strang (order 2) and Blanes–Moan (order 4) splittings.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_trotter.py

Prints one line per (model, order, dt) and the wall time of both solves.
"""

from __future__ import annotations

import time

import numpy as np

from nesskit.model import Model
from nesskit.solvers import exact
from nesskit.solvers import tensor_network as tn

MODELS = {
    "XX, n = 6, γ = 0.1, μ = 1": Model(6, coupling=1.0, mu=1.0, dephasing=0.1),
    "Δ = 1.5, n = 5, γ = 0.05, (c, d) = (0.3, −0.6), Γ_R = 0.8": Model(5, coupling_left=1.0, coupling_right=0.8,
                                                                         delta=1.5, c=0.3, d=-0.6, dephasing=0.05),
    "Δ = 0.5, n = 6, γ = 0.05, c = d = 1": Model(6, coupling=1.0, delta=0.5, c=1.0, d=1.0, dephasing=0.05),
}


def deviation(res: object, ref: object, pairs: list[tuple[int, int]]) -> float:
    return max(float(np.max(np.abs(res.magnetization - ref.magnetization))),  # type: ignore[attr-defined]
               float(np.max(np.abs(res.current - ref.current))),  # type: ignore[attr-defined]
               *(float(np.max(np.abs(res.pair(*p) - ref.pair(*p)))) for p in pairs))  # type: ignore[attr-defined]


def main() -> None:
    print("model | order | dt | plain fixed point | Richardson (dt, dt/2) | Trotter estimate (dt/2) | wall")
    for name, model in MODELS.items():
        ref = exact.solve(model)
        pairs = [(1, 2), (2, 3), (1, model.n)]
        for order, dts in ((2, (0.1, 0.05, 0.025)), (4, (0.2, 0.1))):
            for dt in dts:
                t0 = time.perf_counter()
                opts = dict(bond_dimension=64, cutoff=0.0, dt=dt, tol=1e-11, max_error=1.0, trotter_order=order)
                plain = tn.solve(model, trotter_check="none", **opts)
                rich = tn.solve(model, trotter_check="relax", **opts)
                wall = time.perf_counter() - t0
                print(f"{name} | {order} | {dt:g} | {deviation(plain, ref, pairs):.2e} | "
                      f"{deviation(rich, ref, pairs):.2e} | {rich.diagnostics.checks['trotter_error']:.2e} | "
                      f"{wall:.1f} s", flush=True)


if __name__ == "__main__":
    main()

"""Time series of the central pair's λ_min under the tensor network's own TEBD (issue 12, item 7 beyond n = 12).

An experiment, not a nesskit method. At n = 20 and small γ the solver's stopping rule (the change of every local
observable per unit time below ``tol``) is never met at χ = 64: the truncation keeps the state jittering by
~1e-4–1e-3 long after it has relaxed. Item 7 needs less: the central pair's λ_min (SPEC §2, lowest eigenvalue of
ρ_{n/2,n/2+1}'s partial transpose) to ~1e-3, to place γ_c(n) between two γ. This script evolves from the exact
γ = 0 matrix-product NESS (SPEC §8.1; c = d = 1, Γ = 1) with the solver's propagator (``_tebd._Propagator``,
order-4 splitting) and prints, every ``--interval`` time units: t, λ_min of the central pair, ⟨σᶻ⟩ at its two
sites, the spin current t = ⟨σʸ_iσˣ_{i+1}⟩ on its bond (SPEC §1), the largest bond used,
the weight discarded in the interval (relative, summed) and the state's ``u1_violation`` (a reference-free lower
bound of the pair states' error, ``tensor_network.u1_violation``). At the end it prints the mean and the standard
deviation of λ_min over the last half of the run, and the drift (the difference of the means of its two quarters),
and, with ``--exact`` (n ≤ 12), the exact M-sector solver's λ_min (an independent method). ``--out`` keeps the
whole series as JSON, rewritten after every interval.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_central_series.py --n 20 --delta 0.5 --dephasing 0.003 \\
        --bond-dimension 64 --time 600 --interval 5 --out series.json
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import nesskit as nk
from nesskit.entanglement import lambda_min
from nesskit.model import Model
from nesskit.solvers import tensor_network as tn
from nesskit.solvers._tebd import _MPS, _Propagator


def summary(lams: list[float]) -> tuple[float, float, float]:
    """Mean and standard deviation of the last half of the series, and the drift between its two quarters."""
    half = lams[len(lams) // 2:]
    q = len(half) // 2
    drift = float(np.mean(half[q:]) - np.mean(half[:q])) if q else float("nan")
    return float(np.mean(half)), float(np.std(half)), drift


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--delta", type=float, default=0.5)
    p.add_argument("--dephasing", type=float, default=0.003)
    p.add_argument("--bond-dimension", type=int, default=64)
    p.add_argument("--cutoff", type=float, default=1e-14)
    p.add_argument("--dt", type=float, default=0.1)
    p.add_argument("--time", type=float, default=600.0, help="evolution time")
    p.add_argument("--wall", type=float, default=1e9, help="stop after this many seconds")
    p.add_argument("--interval", type=float, default=5.0)
    p.add_argument("--exact", action="store_true", help="compare with the exact M-sector solver (n <= 12)")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    model = Model(a.n, coupling=1.0, c=1.0, d=1.0, delta=a.delta, dephasing=a.dephasing)
    start = tn.matrix_product_state(Model(a.n, coupling=1.0, c=1.0, d=1.0, delta=a.delta, dephasing=0.0))
    if start is None:
        raise SystemExit("no matrix-product start for this model")
    mps = _MPS(start)
    prop = _Propagator(tn.bond_generators(model), a.dt, 4, a.bond_dimension, a.cutoff)
    i = a.n // 2
    steps = int(round(a.interval / a.dt))
    series: list[dict[str, float]] = []
    t0 = time.perf_counter()
    t = 0.0
    while t < a.time - 1e-9 and time.perf_counter() - t0 < a.wall:
        mps.discarded = 0.0
        prop.run(mps, steps)
        t += steps * a.dt
        tensors = mps.vector()
        src = tn.MPSPairSource.from_tensors(tensors)
        corr = src.correlations(i, i + 1)
        lam = float(lambda_min(src.pair(i, i + 1)))
        u1 = tn.u1_violation(tn._local_observables(tensors, 1.0)[1])
        row = {"t": t, "lambda_min": lam, "z_i": float(corr[3, 0]), "z_j": float(corr[0, 3]),
               "current": float(corr[2, 1]), "chi": max(mps.bond_dimensions),
               "discarded": mps.discarded, "u1_violation": u1, "wall": time.perf_counter() - t0}
        series.append(row)
        print(" ".join(f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)
        if a.out:
            with open(a.out, "w") as fh:
                json.dump({"n": a.n, "delta": a.delta, "dephasing": a.dephasing, "bond_dimension": a.bond_dimension,
                           "cutoff": a.cutoff, "dt": a.dt, "start": "exact gamma = 0 matrix-product NESS",
                           "nesskit": nk.__version__, "series": series}, fh, indent=1)
    mean, std, drift = summary([r["lambda_min"] for r in series])
    print(f"last half (t > {series[len(series) // 2]['t']:.0f}): lambda_min mean {mean:.6f} std {std:.1e} "
          f"drift {drift:.1e}")
    if a.exact:
        ref = nk.solve(model, "exact")
        exact = float(lambda_min(ref.pair(i, i + 1)))
        print(f"exact lambda_min {exact:.6f}  deviation of the mean {mean - exact:.1e}")


if __name__ == "__main__":
    main()

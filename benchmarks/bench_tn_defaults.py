"""Do the tensor network's defaults converge without tuning? (issue 12, item 2)

Runs ``TensorNetwork()`` with its defaults on a grid of small chains — Δ ∈ [−2, 2], dephasing γ, driving (c, d) —
and compares every result with the exact M-sector solver (an independent method). For each point it prints one
JSON line: the outcome (``ok`` / ``SolverError``), the wall time, the bond dimension, the solver's own error
estimate, and the largest deviation of ⟨σᶻ_j⟩, the currents and all nearest-neighbour pair states from the exact
NESS. A point is *honest* when the deviation is within the solver's error estimate. The summary line counts them.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_defaults.py [--n 6] [--quick] [--trotter-order 6 --dt 0.2]

``--trotter-order`` and ``--dt`` replace those two defaults (to try a splitting over the same grid).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from typing import Any

import numpy as np

from nesskit.errors import SolverError
from nesskit.model import Model
from nesskit.solvers import exact
from nesskit.solvers.tensor_network import TensorNetwork

DELTAS = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
GAMMAS = (0.0, 0.05, 0.5)
DRIVES = ((1.0, 1.0), (0.7, 0.9), (0.3, -0.6))  # (c, d): extreme, the paper's (Fig. 2), partial with a field


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="Δ ∈ {−1, 0.5, 1.5} only")
    parser.add_argument("--trotter-order", type=int, default=None, help="instead of the default splitting")
    parser.add_argument("--dt", type=float, default=None, help="instead of the default time step")
    args = parser.parse_args()
    options: dict[str, Any] = {}
    if args.trotter_order is not None:
        options["trotter_order"] = args.trotter_order
    if args.dt is not None:
        options["dt"] = args.dt
    deltas = (-1.0, 0.5, 1.5) if args.quick else DELTAS
    counts = {"ok": 0, "honest": 0, "SolverError": 0}
    worst = 0.0
    for delta, gamma, (c, d) in itertools.product(deltas, GAMMAS, DRIVES):
        model = Model(args.n, coupling=1.0, c=c, d=d, delta=delta, dephasing=gamma)
        ref = exact.solve(model)
        t0 = time.perf_counter()
        row: dict[str, object] = {"n": args.n, "delta": delta, "gamma": gamma, "c": c, "d": d}
        try:
            res = TensorNetwork(**options).solve(model)
        except SolverError as exc:
            row.update(outcome="SolverError", wall_time_s=round(time.perf_counter() - t0, 1), message=str(exc))
            counts["SolverError"] += 1
            print(json.dumps(row), flush=True)
            continue
        wall = time.perf_counter() - t0
        dev = max(float(np.max(np.abs(res.magnetization - ref.magnetization))),
                  float(np.max(np.abs(res.current - ref.current))),
                  max(float(np.max(np.abs(res.pair(i, i + 1) - ref.pair(i, i + 1)))) for i in range(1, args.n)))
        honest = dev <= res.diagnostics.error
        counts["ok"] += 1
        counts["honest"] += int(honest)
        worst = max(worst, dev)
        row.update(outcome="ok", wall_time_s=round(wall, 1), bond_dimension=res.diagnostics.checks["bond_dimension"],
                   error_estimate=res.diagnostics.error, max_deviation=dev, honest=honest,
                   relative_residual=res.diagnostics.checks["relative_residual"],
                   local_residual=res.diagnostics.checks["local_residual"])
        print(json.dumps(row), flush=True)
    print(json.dumps({"summary": counts, "points": sum(counts[k] for k in ("ok", "SolverError")),
                      "worst_deviation_of_ok_points": worst}))


if __name__ == "__main__":
    main()

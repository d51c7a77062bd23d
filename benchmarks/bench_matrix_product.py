"""Benchmark: the exact XXZ matrix-product NESS at extreme driving (SPEC §8.1).

Usage::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_matrix_product.py [--repeats 5] [--quick]

Measures (medians over ``--repeats``, wall and CPU seconds; CPU time is the better figure on a shared machine):

* n = 1000, Γ_L = Γ_R = 1, c = d = 1, Δ ∈ {0.5, 1, 1.5}: ``nesskit.solve(model, "matrix-product")``, which computes
  the magnetization profile, the current (and ln|t|), ⟨σᶻσᶻ⟩ and the two-spin state of every nearest-neighbour
  bond, then the entanglement of all n − 1 bonds from those states;
* n = 10⁴ at Δ = 0.5 and 1.5 (one run each unless ``--repeats`` says more);
* n = 10: the matrix-product solve against the exact (brute-force) solver at the same point, same run, with the
  largest difference of the pair states and the ratio of times;
* a (Δ, Γ) grid at n = 200 through ``grid_pair_measures`` (boundary and central pair), per point.

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import nesskit  # noqa: E402
from nesskit import Model  # noqa: E402
from nesskit.solvers import exact  # noqa: E402
from nesskit.solvers import matrix_product as mp  # noqa: E402


def _time(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    walls, cpus = [], []
    out: Any = None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def _solve_and_pairs(model: Model) -> Any:
    r = nesskit.solve(model, "matrix-product")
    rdm = np.stack([r.pair(j, j + 1) for j in range(1, model.n)])
    nesskit.entanglement.entanglement_measures(rdm)
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip n = 10^4")
    args = parser.parse_args()
    rows = []
    for delta in (0.5, 1.0, 1.5):
        model = Model(1000, coupling=1.0, c=1, d=1, delta=delta)
        wall, cpu, r = _time(partial(nesskit.solve, model, "matrix-product"), args.repeats)
        wall2, cpu2, _ = _time(partial(_solve_and_pairs, model), args.repeats)
        rows.append((f"solve n = 1000, Δ = {delta}", wall, cpu,
                     f"ln|t| = {r.log_current[0]:.6g}; + ρ and entanglement of all 999 bonds: "
                     f"{wall2:.3f} s wall, {cpu2:.3f} s CPU"))
    if not args.quick:
        for delta in (0.5, 1.5):
            model = Model(10_000, coupling=1.0, c=1, d=1, delta=delta)
            wall, cpu, r = _time(partial(nesskit.solve, model, "matrix-product"), max(1, args.repeats // 5))
            rows.append((f"solve n = 10000, Δ = {delta}", wall, cpu,
                         f"ln|t| = {r.log_current[0]:.8g}, "
                         f"current_left_right = {r.diagnostics.checks['current_left_right']:.1e}"))
    model = Model(10, coupling_left=0.7, coupling_right=1.4, c=1, d=1, delta=0.5)
    wall_e, cpu_e, ref = _time(lambda: exact.solve(model), max(1, args.repeats // 2))
    wall_m, cpu_m, got = _time(lambda: mp.solve(model), args.repeats)
    diff = max(float(np.abs(got.pair(i, j) - ref.pair(i, j)).max())
               for i in range(1, 10) for j in range(i + 1, 11))
    rows.append(("exact solver n = 10, Δ = 0.5, Γ_L = 0.7, Γ_R = 1.4", wall_e, cpu_e, ""))
    rows.append(("matrix-product, same model", wall_m, cpu_m,
                 f"{cpu_e / cpu_m:.0f}× less CPU; max |Δρ_ij| over all 45 pairs = {diff:.1e}"))
    deltas = np.linspace(-2.5, 2.5, 61)
    gammas = np.geomspace(0.25, 4.0, 31)
    wall, cpu, _ = _time(lambda: mp.grid_pair_measures(200, deltas[:, None], gammas[None, :], gammas[None, :], 1,
                                                        [(1, 2), (100, 101)]), 1)
    rows.append(("grid n = 200, 61 Δ × 31 Γ, pairs (1,2) and (100,101)", wall, cpu,
                 f"{1e3 * cpu / deltas.size / gammas.size:.2f} ms CPU per point"))
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}; repeats {args.repeats} (median)\n")
    print("| case | wall (s) | CPU (s) | notes |")
    print("|---|---|---|---|")
    for name, wall, cpu, note in rows:
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {note} |")


if __name__ == "__main__":
    main()

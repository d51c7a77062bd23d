"""Benchmark of nesskit.sweeps: the vectorised closed-form lane, warm starts of the per-point path, and Dask.

Usage (from the repository root)::

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_sweep.py \
        [--grid 1000] [--repeats 5] [--mp-n 40] [--mp-grid 100] [--exact-n 8] [--exact-grid 12] \
        [--warm-repeats 3] [--workers 0 2]

Times the whole ``sweep()`` call (validation, computation, building the Dataset); prints medians.

* closed-form map: a grid x grid c–d map of the bulk pair at n = 10 (one fast-lane evaluation);
* matrix-product lane: a Δ × Γ map of the XXZ chain at c = d = 1 against the per-point matrix-product method;
* warm starts: an exact-solver map (n = ``--exact-n``, γ = 0.05) computed serially with one chunk per row of the
  last axis (each point starts from its neighbour's NESS) and with one point per chunk (no warm start);
* workers: the same exact map serially (0) and on a local Dask cluster of k processes (cluster start included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import numpy as np
import xarray as xr

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from nesskit.sweeps import Execution, sweep  # noqa: E402


def closed_form_map(grid: int, repeats: int) -> list[float]:
    axes = {"c": np.linspace(-1, 1, grid), "d": np.linspace(-1, 1, grid)}
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        ds = sweep(axes, n=10, coupling=1.0, pairs="bulk")
        times.append(time.perf_counter() - start)
    assert ds.attrs["execution"] == "vectorised closed forms"
    return times


def matrix_product_map(n: int, grid: int, per_point_grid: int) -> tuple[float, float, float]:
    """The XXZ lane on a grid x grid Δ × Γ map at c = d = 1, and the per-point path on a smaller one (s / point)."""
    axes = {"delta": np.linspace(0.1, 2.0, grid), "coupling": np.linspace(0.2, 3.0, grid)}
    start = time.perf_counter()
    ds = sweep(axes, n=n, c=1.0, d=1.0, pairs="bulk")
    lane = time.perf_counter() - start
    assert ds.attrs["execution"] == "vectorised matrix product"
    small = {k: v[:: max(1, grid // per_point_grid)][:per_point_grid] for k, v in axes.items()}
    start = time.perf_counter()
    per = sweep(small, n=n, c=1.0, d=1.0, pairs="bulk", method="matrix-product",
                execution=Execution(workers=0, vectorise=False, progress=False))
    per_point = (time.perf_counter() - start) / per.status.size
    diff = float(np.nanmax(np.abs(ds.lambda_min.sel(small).values - per.lambda_min.values)))
    return lane, per_point, diff


def exact_map(n: int, grid: int, execution: Execution, clock: Any = time.perf_counter) -> tuple[float, xr.Dataset]:
    axes = {"d": np.linspace(-1, 1, grid), "c": np.linspace(-1, 1, grid)}
    start = clock()
    ds = sweep(axes, n=n, coupling=1.0, dephasing=0.05, pairs="bulk", method="exact", execution=execution)
    elapsed = clock() - start
    assert int((ds.status == 0).sum()) == grid * grid, ds.reason.values
    return elapsed, ds


def warm_start_iterations(n: int, grid: int) -> tuple[list[int], list[int], float, float]:
    """What a sweep does along its last axis, point by point: the exact solver with ``guess=`` the previous NESS,
    and without; GMRES iterations (load-independent) and CPU seconds of each row."""
    from nesskit import Model, solve

    cs = np.linspace(-1, 1, grid)
    warm_it, cold_it = [], []
    cpu_warm = cpu_cold = 0.0
    prev = None
    for c in cs:
        model = Model(n, coupling=1.0, dephasing=0.05, c=float(c), d=0.5)
        start = time.process_time()
        warm = solve(model, "exact", pairs="bulk", guess=prev)
        cpu_warm += time.process_time() - start
        start = time.process_time()
        cold = solve(model, "exact", pairs="bulk")
        cpu_cold += time.process_time() - start
        warm_it.append(int(warm.diagnostics.iterations or 0))
        cold_it.append(int(cold.diagnostics.iterations or 0))
        prev = warm
    return warm_it, cold_it, cpu_warm, cpu_cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--mp-n", type=int, default=40)
    parser.add_argument("--mp-grid", type=int, default=100)
    parser.add_argument("--exact-n", type=int, default=8)
    parser.add_argument("--exact-grid", type=int, default=12)
    parser.add_argument("--warm-repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="*", default=[0, 2])
    args = parser.parse_args()

    times = closed_form_map(args.grid, args.repeats)
    print(f"closed-form map {args.grid}x{args.grid}, n = 10, bulk pair: median {statistics.median(times):.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in times)})")

    lane, per_point, diff = matrix_product_map(args.mp_n, args.mp_grid, 10)
    print(f"matrix-product lane {args.mp_grid}x{args.mp_grid} (delta x coupling), n = {args.mp_n}, bulk pair: "
          f"{lane:.2f} s ({lane / args.mp_grid ** 2 * 1e3:.3f} ms/point); per point {per_point * 1e3:.2f} ms/point; "
          f"max |Δλ_min| lane vs per point {diff:.1e}")

    n, g = args.exact_n, args.exact_grid
    warm_it, cold_it, cpu_warm, cpu_cold = warm_start_iterations(n, max(g, 12))
    print(f"exact solver n = {n} along c (d = 0.5, {max(g, 12)} points): GMRES iterations with guess "
          f"{sum(warm_it)} ({warm_it}), without {sum(cold_it)} ({cold_it}); CPU {cpu_warm:.2f} s vs {cpu_cold:.2f} s")
    warm, cold = [], []
    for _ in range(args.warm_repeats):
        cpu = time.process_time
        t_warm, ds_warm = exact_map(n, g, Execution(workers=0, chunk_size=g, progress=False), cpu)
        t_cold, ds_cold = exact_map(n, g, Execution(workers=0, chunk_size=1, progress=False), cpu)
        warm.append(t_warm)
        cold.append(t_cold)
    diff = float(np.nanmax(np.abs(ds_warm.lambda_min.values - ds_cold.lambda_min.values)))
    t_warm, t_cold = statistics.median(warm), statistics.median(cold)
    print(f"exact map n = {n}, {g}x{g}, serial, CPU time: warm starts along c median {t_warm:.2f} s, "
          f"no warm start median {t_cold:.2f} s (ratio {t_cold / t_warm:.2f}); max |Δλ_min| = {diff:.1e}")

    base = None
    for w in args.workers:
        elapsed, _ = exact_map(n, g, Execution(workers=w, chunk_size=g, progress=False))
        base = base or elapsed
        print(f"exact map n = {n}, {g}x{g}, workers = {w}: {elapsed:.1f} s "
              f"(speed-up {base / elapsed:.2f}x vs workers = {args.workers[0]})")
    print(f"cpu_count = {os.cpu_count()}")


if __name__ == "__main__":
    main()

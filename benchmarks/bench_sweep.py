"""Benchmark of nesskit.sweep: a vectorised closed-form map and a per-point exact-solver map on Dask.

Usage (from the repository root)::

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_sweep.py \
        [--grid 1000] [--repeats 5] [--exact-n 8] [--exact-grid 20] [--workers 1 2]

Times the whole ``sweep()`` call (validation, computation, building the Dataset); prints medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from nesskit.sweep import sweep  # noqa: E402


def closed_form_map(grid: int, repeats: int) -> list[float]:
    axes = {"c": np.linspace(-1, 1, grid), "d": np.linspace(-1, 1, grid)}
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        ds = sweep(axes, n=10, coupling=1.0, pairs="bulk")
        times.append(time.perf_counter() - start)
    assert ds.attrs["execution"] == "vectorised closed forms"
    return times


def exact_map(n: int, grid: int, workers: int) -> float:
    axes = {"c": np.linspace(-1, 1, grid), "d": np.linspace(-1, 1, grid)}
    start = time.perf_counter()
    ds = sweep(axes, n=n, coupling=1.0, dephasing=0.05, pairs="bulk", method="exact", workers=workers,
               progress=False)
    elapsed = time.perf_counter() - start
    assert int((ds.status == 0).sum()) == grid * grid
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--exact-n", type=int, default=8)
    parser.add_argument("--exact-grid", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()

    times = closed_form_map(args.grid, args.repeats)
    print(f"closed-form map {args.grid}x{args.grid}, n = 10, bulk pair: median {statistics.median(times):.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in times)})")
    base = None
    for w in args.workers:
        elapsed = exact_map(args.exact_n, args.exact_grid, w)
        base = base or elapsed
        print(f"exact map n = {args.exact_n}, {args.exact_grid}x{args.exact_grid}, workers = {w}: {elapsed:.1f} s "
              f"(speed-up {base / elapsed:.2f}x vs {args.workers[0]} worker(s))")
    print(f"cpu_count = {os.cpu_count()}")


if __name__ == "__main__":
    main()

"""Gram-matrix against SVD truncation of the TEBD two-site update: time per unit of evolution, interleaved.

The same state (XX or XXZ chain with dephasing, grown from the closed-form start to a saturated bond χ) is evolved
for one time unit (order 4, dt = 0.1) with ``_tebd.GRAM_TRUNCATION`` on and off, alternately, ``--reps`` times
each on one core; prints the medians, their ratio and the largest difference of the local observables.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_truncation.py --n 40 --chi 32 --reps 5
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from nesskit.model import Model
from nesskit.solvers import _tebd
from nesskit.solvers import tensor_network as tn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--chi", type=int, default=32)
    parser.add_argument("--delta", type=float, default=0.0)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    model = Model(args.n, coupling=1.0, mu=1.0, dephasing=0.1, delta=args.delta)
    gens = tn.bond_generators(model)
    prop = _tebd._Propagator(gens, 0.1, 4, args.chi, 1e-14)
    with threadpool_limits(1):
        start = _tebd._MPS(tn._closed_form_start(model, correlated=True))
        prop.run(start, 30)
        times: dict[bool, list[float]] = {True: [], False: []}
        obs: dict[bool, np.ndarray] = {}
        for _ in range(args.reps):
            for gram in (True, False):
                _tebd.GRAM_TRUNCATION = gram
                mps = copy.deepcopy(start)
                t0 = time.perf_counter()
                prop.run(mps, 10)
                times[gram].append(time.perf_counter() - t0)
                obs[gram] = tn._observables(mps)[2]
    _tebd.GRAM_TRUNCATION = True
    g, s = statistics.median(times[True]), statistics.median(times[False])
    print(f"n = {args.n}, Δ = {args.delta:g}, χ = {args.chi} (bond {max(start.bond_dimensions)}): one time unit, "
          f"median of {args.reps}: Gram {g:.2f} s, SVD {s:.2f} s, SVD/Gram = {s / g:.2f}; "
          f"observables differ by {np.max(np.abs(obs[True] - obs[False])):.1e}")


if __name__ == "__main__":
    main()
